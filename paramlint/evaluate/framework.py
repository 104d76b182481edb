"""Framework semantics over evaluator values: classes and instances, catalog layers,
containers, registration of children and parameters, and calls into the frameworks.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from paramlint import catalog
from paramlint.catalog.spec import Args, ArgError, LayerSpec
from paramlint.evaluate import exceptions, keras_objects, signatures
from paramlint.evaluate.classcheck import isinstance_of, issubclass_of  # noqa: F401  (reached as it.fw.*)
from paramlint.evaluate.protocols import contains, del_attr, iterate, length, set_item, subscript  # noqa: F401
from paramlint.evaluate.builtins import STDLIB
from paramlint.evaluate.isolation import share, touch
from paramlint.evaluate.limits import LimitExceeded
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import (
    first_set,
    BoundMethod, Builtin, Class, ExceptionValue, External, Function, Instance, Layer, Param,
    Partial, Tensor, Unknown,
)

_MISSING = object()

#: ``Unknown.kind`` of a value that can hold none of the project's mutable objects: the result
#: of a library call given only plain values and tensors, a tensor's item. A change made through
#: it (``np.eye(k).flatten()``, ``table[idx].view(...)``) changes nothing the expression names.
FRESH = "fresh"


def plain(values: Any) -> bool:
    """Whether ``values`` are numbers, strings, None, computed tensors, library names
    (``np.float32``) and tuples of them: nothing a call's result could alias that a change
    through it would matter for."""
    for v in values:
        if isinstance(v, tuple):
            if not plain(v):
                return False
        elif not (v is None or isinstance(v, (int, float, str, bytes, Tensor, External))  # (not a Param: it is the module's)
                  or type(v) is Unknown and v.kind == FRESH):
            return False
    return True

# Decorators that do not change what a function or class builds.
TRANSPARENT_DECORATORS = {
    "torch.no_grad", "torch.jit.ignore", "torch.jit.unused", "torch.jit.export", "torch.jit.script",
    "torch.jit.script_method", "torch.inference_mode", "torch.compile", "torch.fx.wrap", "torch.enable_grad",
    "typing.overload", "typing.final", "typing_extensions.final", "typing_extensions.override", "typing.override",
    "abc.abstractmethod", "functools.wraps",
    "keras.saving.register_keras_serializable", "keras.utils.register_keras_serializable",
    "tensorflow.keras.utils.register_keras_serializable", "tf_keras.utils.register_keras_serializable",
    "keras.src.api_export.keras_export", "flax.linen.compact", "flax.linen.nowrap",
    "torch._dynamo.disable", "torch.autocast", "torch.amp.autocast", "torch.cuda.amp.autocast",
    "deprecated", "typing_extensions.deprecated", "warnings.deprecated",
    # validates a dataclass's fields on __init__/__setattr__, returns the class itself
    "huggingface_hub.dataclasses.strict",
}


#: Calls that make a transparent decorator (a registry's; the decorated object is returned).
_DECORATOR_FACTORIES = frozenset((
    "keras.saving.register_keras_serializable", "keras.utils.register_keras_serializable",
    "tensorflow.keras.utils.register_keras_serializable", "tf_keras.utils.register_keras_serializable",
    "keras.src.saving.register_keras_serializable", "keras.src.api_export.keras_export",
))


def _identity(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 1 or kwargs:
        return it.unknown("a registering decorator called with these arguments", node)
    return args[0]


_IDENTITY_DECORATOR = Builtin("register", _identity)


class Super:
    """``super()`` bound to a class and an instance."""

    __slots__ = ("cls", "obj")

    def __init__(self, cls: Any, obj: Any) -> None:
        self.cls = cls
        self.obj = obj


def make_super(it: Any, env: Any, node: Any) -> Any:
    """Zero-argument ``super()``: the method's owner class and its first argument."""
    e = env
    while e is not None:
        fn_owner = e.vars.get("__paramlint_owner__")
        if fn_owner is not None:
            return Super(fn_owner, e.vars.get("__paramlint_self__"))
        e = e.parent
    return it.unknown("super() outside a method", node)


def super_attr(it: Any, sup: Super, name: str, node: Any) -> Any:
    from paramlint.evaluate.attributes import bind

    cls = sup.cls if isinstance(sup.cls, Class) else None
    obj = sup.obj
    start = obj.cls if isinstance(obj, (Instance, Layer)) and obj.cls is not None else cls
    if isinstance(obj, Class):
        start = obj
    if start is None or cls is None:
        return it.unknown("super() of an unknown class", node)
    mro = start.mro()
    try:
        i = mro.index(cls)
    except ValueError:
        return it.unknown("super(): class not in the MRO", node)
    for base in mro[i + 1:]:
        if isinstance(base, Class):
            ns = base._ns if base._ns is not None else materialize(it, base)
            v = ns.get(name, _MISSING)
            if v is not _MISSING:
                return bind(it, v, obj if not isinstance(obj, Class) else None, start, node)
            if name == "__init__" and "record_init" in base.flags and not isinstance(obj, Class):
                return lazy.records.generated_init(base, obj)
        elif isinstance(base, External):
            spec = catalog.lookup(base.qualname)
            if name == "__init__":
                if spec is not None:
                    return Builtin(f"{spec.name}.__init__", lambda it2, a, k, n, s=spec: _super_init(it2, s, obj, a, k, n))
                if base.qualname in ("builtins.object", "typing.Generic") or base.qualname.startswith("typing."):
                    return Builtin("object.__init__", lambda it2, a, k, n: None)
            if spec is not None and isinstance(obj, Layer):
                if name == "build" and spec.framework == "keras":  # the catalog layer's own weights
                    return Builtin(f"{spec.name}.build", lambda it2, a, k, n: lazy.keras_graph.build(
                        it2, obj, a[0] if a else k.get("input_shape"), n))
                if name == "__getattr__" and spec.framework == "torch":
                    return Builtin("Module.__getattr__", lambda it2, a, k, n: lazy.modules.module_getattr(it2, obj, a, k, n))
                if name == "__call__" and spec.framework == "torch":  # the hooks and forward of a module
                    return Builtin("Module.__call__", lambda it2, a, k, n: lazy.tensors.call_module(it2, obj, a, k, n))
                if name == "forward" and spec.framework == "torch" and spec.role in ("leaf", "container"):
                    return Builtin(f"{spec.name}.forward", lambda it2, a, k, n: lazy.tensors.call_unhooked(it2, obj, a, k, n, False))
                return BoundMethod(External(f"{base.qualname}.{name}"), obj)
        elif isinstance(base, Unknown):
            return base
    if name == "__init__":
        return Builtin("object.__init__", lambda it2, a, k, n: None)
    return it.unknown(f"super().{name} is not modelled", node)


# ---- classes -------------------------------------------------------------------------------

def init_class(it: Any, cls: Class) -> None:
    """Framework and catalog base of a new class, from its bases."""
    for b in cls.bases:
        if isinstance(b, Class):
            if b.framework and cls.framework is None:
                cls.framework, cls.spec = b.framework, b.spec
            cls.flags |= b.flags & {"dataclass", "namedtuple", "enum", "exception"}
        elif isinstance(b, External):
            spec = catalog.lookup(b.qualname)
            if spec is not None and cls.framework is None:
                cls.framework, cls.spec = spec.framework, spec
            elif b.qualname in ("typing.NamedTuple", "collections.namedtuple", "typing_extensions.NamedTuple"):
                cls.flags.update(("namedtuple", "record_init"))
            elif b.qualname.startswith("enum."):
                cls.flags.add("enum")
            elif b.qualname in ("flax.struct.PyTreeNode",):
                cls.flags.update(("dataclass", "record_init"))
        elif isinstance(b, Builtin) and exceptions.is_builtin_exception(b.name):
            cls.flags.add("exception")
        elif isinstance(b, Unknown) and cls.uncertain is None:
            cls.uncertain = b
    if cls.framework == "flax":  # every linen Module subclass is a dataclass
        cls.flags.update(("dataclass", "record_init"))


def framework_base(cls: Class) -> Optional[str]:
    for b in cls.mro():
        if isinstance(b, External) and catalog.lookup(b.qualname) is not None:
            return b.qualname
    return None


def materialize(it: Any, cls: Class) -> Dict[str, Any]:
    from paramlint.evaluate.statements import class_body

    if cls._ns is not None:
        return cls._ns
    changed = _check_seen(it, cls) if cls.seen else None
    ns = class_body(it, cls)
    if changed is not None:  # what the body made from the later values is not what Python made
        for k in ns:
            if k not in ("__name__", "__qualname__", "__module__"):
                ns[k] = changed
    if "dataclass" in cls.flags or "namedtuple" in cls.flags:
        lazy.records.collect_fields(it, cls, ns)
    if "enum" in cls.flags:
        lazy.enums.make_members(it, cls, ns)
    _set_names(it, cls, ns)
    _init_subclass(it, cls)
    share(it.project, cls)  # class attributes outlive the build that first used the class
    return ns


def _check_seen(it: Any, cls: Class) -> Optional[Unknown]:
    """The body runs now, at first use, not at the class statement: if a name it reads was
    rebound in between (a module constant changed later, a loop variable, a name defined only
    after the class), what it builds is not what Python built, so the class is unknown."""
    from paramlint.evaluate.interpreter import _peek

    from paramlint.evaluate.project import LazyImport

    for n, then in cls.seen.items():  # type: ignore[union-attr]
        now = _peek(n, cls.env)
        if type(then) is LazyImport:  # (an import resolved since: the same module or name)
            then = it.resolve_lazy(then)
        if type(now) is LazyImport:
            now = it.resolve_lazy(now)
        if now is then or type(now) is type(then) and type(now) in (int, float, str, bool, External) and now == then:
            continue  # (the same value bound again: an External is a name, compared by its name)
        u = it.unknown(f"class {cls.name}: its body reads {n!r}, rebound after the class statement "
                       "(class bodies are evaluated at first use)", cls.node)
        if cls.uncertain is None:
            cls.uncertain = u
        touch(it, cls)
        it.poisoned.setdefault(id(cls), (cls, u))
        return u
    return None


def _set_names(it: Any, cls: Class, ns: Dict[str, Any]) -> None:
    """``__set_name__(owner, name)`` of each class attribute whose class defines it (descriptors
    learn the name they are stored under), as ``type.__new__`` calls it."""
    from paramlint.evaluate.protocols import dunder

    for name, v in list(ns.items()):
        if isinstance(v, Instance):
            dunder(it, v, "__set_name__", [cls, name], cls.node)


def _subclass_hook(it: Any, cls: Class) -> Tuple[Any, Any]:
    """The nearest project base of ``cls`` defining ``__init_subclass__``, and the hook; or
    (None, _MISSING)."""
    for base in cls.mro()[1:]:
        if isinstance(base, Class):
            hook = materialize(it, base).get("__init_subclass__", _MISSING)
            if hook is not _MISSING:
                return base, hook
    return None, _MISSING


def has_init_subclass(it: Any, cls: Class) -> bool:
    """Whether a project base class of ``cls`` defines ``__init_subclass__``."""
    return _subclass_hook(it, cls)[1] is not _MISSING


def _init_subclass(it: Any, cls: Class) -> None:
    """A base's ``__init_subclass__`` hook, run for the new class (when its body is first
    evaluated here, not at the ``class`` statement): registries, and transformers' configs,
    whose base applies ``dataclass(cls)`` to every subclass (its own field defaults then hold)."""
    base, hook = _subclass_hook(it, cls)
    fn = hook.func if isinstance(hook, BoundMethod) else hook
    if base is None or not isinstance(fn, Function):
        return
    kwargs = {}
    for kw in cls.node.keywords:
        if kw.keyword is not None and kw.keyword.value != "metaclass":
            kwargs[kw.keyword.value] = it.eval(kw.value, cls.env)
    saved = it.module
    it.module = base.module
    try:
        it.call(fn, [cls], kwargs, cls.node)  # an implicit classmethod
    finally:
        it.module = saved


def apply_decorator(it: Any, dec: Any, value: Any, node: Any) -> Any:
    if isinstance(dec, Unknown):
        return _undecoratable(it, value, dec.reason, node)
    if isinstance(dec, Builtin) and dec.name in ("staticmethod", "classmethod", "property"):
        if isinstance(value, Function):
            value.kind = dec.name
        return value
    if isinstance(dec, External):
        q = dec.qualname
        if q in lazy.records.DATACLASS_DECORATORS:
            if isinstance(value, Class):
                lazy.records.mark(value, {})
            return value
        if q == "functools.cached_property" and isinstance(value, Function):
            value.kind = "cached_property"
            return value
        if q == "abc.abstractmethod" and isinstance(value, Function):
            value.attrs["__isabstractmethod__"] = True
            return value
        if q == "flax.linen.compact" and isinstance(value, Function):
            value.attrs["__flax_compact__"] = True  # each call names its submodules afresh
            return value
        if q in ("functools.cache", "functools.lru_cache"):  # modelled: the function, memoized
            return it.call(STDLIB[q], [value], {}, node)
        if q in TRANSPARENT_DECORATORS or q.rsplit(".", 1)[-1] in ("setter", "getter", "deleter"):
            return value
        if q.endswith(".setter"):
            return value
        return _undecoratable(it, value, f"decorator {q} is not known to be transparent", node)
    if isinstance(dec, Builtin):
        r = it.call(dec, [value], {}, node)
        return r
    if isinstance(dec, (Function, BoundMethod, Partial, Class)) or isinstance(dec, Instance) and dec.cls.framework is None:
        # A project decorator (a function, or an instance of a class with __call__: an export
        # registry's ``@export("pkg.Name")``): evaluate it for real (registration returns fn).
        r = it.call(dec, [value], {}, node)
        if isinstance(r, Unknown):
            return _undecoratable(it, value, f"decorator could not be evaluated: {r.reason}", node)
        return r
    return _undecoratable(it, value, "decorator is not callable", node)


def _undecoratable(it: Any, value: Any, reason: str, node: Any) -> Any:
    u = it.unknown(reason, node)
    if isinstance(value, Function):
        value.decorated_unknown = u
        return value
    if isinstance(value, Class):
        value.uncertain = value.uncertain if value.uncertain is not None else u
        return value
    return u


def eval_defaults(it: Any, params: cst.Parameters, env: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for p in (*params.posonly_params, *params.params, *params.kwonly_params):
        if p.default is not None:
            out[p.name.value] = it.eval(p.default, env)
    return out


# ---- calls ---------------------------------------------------------------------------------

#: Methods a torch module subclass may override to change what is registered or counted.
def _abstract_methods(it: Any, cls: Class) -> List[str]:
    """The ``@abstractmethod`` names ``cls`` leaves unimplemented, when an ``abc.ABC`` base or
    ``ABCMeta`` makes Python check them (an instance would be a TypeError)."""
    if not any(isinstance(b, External) and b.qualname == "abc.ABC" for b in cls.mro()) and not any(
            getattr(k.keyword, "value", None) == "metaclass" and "ABCMeta" in getattr(k.value, "value", getattr(getattr(k.value, "attr", None), "value", ""))
            for b in cls.mro() if isinstance(b, Class) for k in b.node.keywords):
        return []
    out = []
    seen: set = set()
    for b in cls.mro():
        if not isinstance(b, Class):
            continue
        for name, v in materialize(it, b).items():
            if name in seen:
                continue
            seen.add(name)
            if isinstance(v, Function) and v.attrs.get("__isabstractmethod__") is True:
                out.append(name)
    return out


#: Bases that make instances tensors (``class MyParam(nn.Parameter)``): registered by torch as
#: parameters or not depending on ``__new__``/``__torch_function__`` machinery not modelled.
_TENSOR_CLASSES = frozenset(("torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.Tensor",
                             "torch.nn.parameter.Buffer", "torch.nn.Buffer"))

_COUNT_HOOKS = ("__setattr__", "__delattr__", "parameters", "named_parameters", "register_parameter", "register_module",
                "add_module")


def instantiate(it: Any, cls: Class, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    materialize(it, cls)
    if cls.uncertain is not None and cls.framework is None:
        return cls.uncertain
    if "exception" in cls.flags:
        return ExceptionValue(cls.name, args[0] if args and isinstance(args[0], str) else "", cls)
    if "enum" in cls.flags:
        return lazy.enums.by_value(it, cls, args, node)
    new = class_lookup(cls, "__new__")
    if isinstance(new, Function):  # a project __new__ decides what the call returns
        return it.unknown(f"{cls.name}.__new__ is not modelled", node)
    abstract = _abstract_methods(it, cls)
    if abstract:
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises TypeError: can't instantiate abstract class {cls.name} ({abstract[0]})", node), "TypeError")
    if any(isinstance(b, External) and b.qualname in _TENSOR_CLASSES for b in cls.mro()):
        return it.unknown(f"{cls.name}: a subclass of a tensor class is not modelled", node)
    if cls.framework is not None:
        obj: Any = Layer(cls.framework, cls, cls.spec, it.loc(node))
        obj.node = node
        if cls.uncertain is not None:
            obj.uncertain = cls.uncertain
        elif cls.framework == "torch":
            for hook in _COUNT_HOOKS:  # they decide what torch registers or counts
                if class_lookup(cls, hook) is not _MISSING:
                    obj.uncertain = it.unknown(f"{cls.name} overrides {hook}(), which is not modelled", node)
                    break
        it.layers_built += 1
        it.steps += _LAYER_STEPS
        if cls.framework == "keras":
            lazy.keras_graph.assign_name(it, obj, None)
            if class_lookup(cls, "compute_mask") is not _MISSING:
                it.project.keras_mask_sources += 1  # (Layer's own is found as an External, not here)
        elif cls.framework == "flax":
            return lazy.flax_runtime.instantiate(it, cls, obj, args, kwargs, node)
    else:
        if new is not _MISSING:  # a __new__ from outside the project
            return it.unknown(f"{cls.name}.__new__ is not modelled", node)
        obj = Instance(cls)
    from paramlint.evaluate.attributes import class_attr

    owner = lazy.records.generated_init_owner(it, cls)
    if owner is not None:
        return lazy.records.init_fields(it, owner, obj, args, kwargs, node)
    init = class_attr(it, cls, "__init__", node, obj)
    if isinstance(init, Unknown) and init.reason.startswith("no attribute"):
        if isinstance(obj, Layer):
            r = base_init(it, cls.spec, obj, args, kwargs, node) if cls.spec is not None else None
            return r if isinstance(r, Unknown) else obj
        if any(isinstance(b, Builtin) and b.name == "property" for b in cls.bases):
            # ``class classproperty(property)``: property's own __init__ keeps the functions
            for i, part in enumerate(("fget", "fset", "fdel", "__doc__")):
                obj.attrs[part] = args[i] if i < len(args) else kwargs.get(part.strip("_"), None)
        return obj
    if isinstance(init, External):  # framework base __init__ reached through the MRO
        r = base_init(it, cls.spec, obj, args, kwargs, node) if cls.spec is not None else None
        return r if isinstance(r, Unknown) else obj
    r = it.call(init, args, kwargs, node)
    if isinstance(r, Unknown):
        if isinstance(obj, Layer):
            return r.because(f"{cls.name}(): {r.reason}")
        return r
    if isinstance(obj, Layer) and obj.framework == "keras" and obj.graph is None and obj.attrs.get("__functional_inputs__") is not None:
        pass
    return obj


#: Steps a module's construction costs beyond its evaluated code (registries, its report row:
#: about ten evaluated expressions' time), so that the step limits bound a build of a hundred
#: thousand modules in time as they bound a long loop.
_LAYER_STEPS = 8

#: Catalog constructor arguments that count repeated sublayers or weight sets.
_REPEAT_ARGS = ("num_layers", "num_encoder_layers", "num_decoder_layers")


def _super_init(it: Any, spec: LayerSpec, obj: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``super().__init__(...)`` into a catalog layer: a failure there (a hook override not
    followed, arguments the layer refuses) makes the object unknown, not just the statement's
    discarded value."""
    r = base_init(it, spec, obj, args, kwargs, node)
    if isinstance(r, Unknown) and isinstance(obj, Layer) and obj.uncertain is None:
        touch(it, obj)
        obj.uncertain = r
    return r


def base_init(it: Any, spec: Optional[LayerSpec], obj: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """A framework base class's ``__init__`` run on ``obj`` (``super().__init__(...)``)."""
    if spec is None or not isinstance(obj, Layer):
        return None
    bound = signatures.bind(spec.signature, args, kwargs, spec.name)
    if isinstance(bound, str):
        if it.try_depth:
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(bound, node), "TypeError")  # torch raises TypeError
        u = it.unknown(bound, node)
        if obj.uncertain is None:  # the object is never built: Python raised in its __init__
            touch(it, obj)
            obj.uncertain = u
        return u
    obj.args = bound
    for k in _REPEAT_ARGS:
        n = bound.get(k)
        if type(n) is int and n > it.limits.max_loop // 10:
            # (a catalog layer makes that many sublayers or weight sets at once: never a hang)
            raise LimitExceeded(f"{spec.name}({k}={n:,}): more repeated layers than the evaluator builds "
                                f"({it.limits.max_loop // 10:,}, a tenth of max_loop)")
    if spec.framework == "torch" and spec.role == "base":
        if obj.attrs.get("__module_init__"):
            # nn.Module.__init__ again (A.__init__(self); B.__init__(self) on two bases):
            # torch starts empty registries, dropping what was registered before
            obj.params.clear()
            obj.children.clear()
            obj.buffers.clear()
        obj.attrs["__module_init__"] = True
    elif spec.framework == "torch":
        obj.attrs["__module_init__"] = True  # (a catalog layer's __init__ starts with Module.__init__)
    if spec.framework == "flax":
        return lazy.flax_runtime.init(it, spec, obj, bound, node)
    if spec.framework == "keras":
        return lazy.keras_graph.init(it, spec, obj, bound, node)
    if spec.role == "container":
        return init_container(it, spec, obj, bound, node)
    if spec.role == "leaf" and spec.lazy:
        obj.built = False  # torch Lazy*: parameters come from the first input
    elif spec.role == "leaf":
        build_params(it, obj, None, node)
        cls = obj.cls
        if spec.framework == "torch" and cls is not None:
            for m in _INTERNAL_CALLS.get(spec.name, ()):
                if isinstance(class_lookup(cls, m), Function):  # (a project override of a hook torch calls)
                    return it.unknown(f"{cls.name} overrides {m}(), which torch's {spec.name}.__init__ calls", node)
        hook = _RESETS.get(spec.name) if spec.framework == "torch" else None
        if hook is not None and obj.cls is not None:
            # torch's __init__ ends with self.reset_parameters(): a subclass's override runs there
            # (``super().reset_parameters()`` inside it is the catalog's: values only)
            fn = class_lookup(obj.cls, hook)
            if isinstance(fn, Function):
                r = it.call(fn, [obj], {}, node)
                if isinstance(r, Unknown):
                    return r
            elif fn is not _MISSING:
                return it.unknown(f"{obj.cls.name}.{hook} is not a plain function", node)
    return None


#: Other methods torch's ``__init__`` (or its ``reset_parameters``) calls on ``self``: an override
#: in a subclass runs there and may add parameters (it is not followed: the layer is unknown).
_INTERNAL_CALLS = {
    **{n: ("reset_running_stats",) for n in (
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d")},
    "Embedding": ("_fill_padding_idx_with_zero",), "EmbeddingBag": ("_fill_padding_idx_with_zero",),
    **{n: ("_init_flat_weights", "flatten_parameters") for n in ("RNN", "LSTM", "GRU")},
}
#: torch layers whose ``__init__`` calls ``self.reset_parameters()`` (or ``_reset_parameters``).
_RESETS = {
    **{n: "reset_parameters" for n in (
        "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
        "Embedding", "EmbeddingBag", "LayerNorm", "GroupNorm", "RMSNorm", "PReLU", "BatchNorm1d", "BatchNorm2d",
        "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RNN", "LSTM", "GRU",
        "RNNCell", "LSTMCell", "GRUCell")},
    "MultiheadAttention": "_reset_parameters", "Transformer": "_reset_parameters",
}


def layer_trainable(layer: Layer) -> Any:
    """A layer's trainable flag: set after construction (``layer.trainable = False``, Keras),
    else its ``trainable=`` argument, else True."""
    v = layer.attrs.get("trainable", _MISSING)
    if v is not _MISSING:
        return v
    kw = layer.args.get("kwargs")
    return layer.args.get("trainable", kw.get("trainable", True) if isinstance(kw, dict) else True)


def _adopt(it: Any, layer: Layer, inner: Any, shape: Any, prefix: str, node: Any) -> bool:
    """A Keras wrapper applying the very layer it was given: that layer's weights (built from
    ``shape`` if not yet) become the wrapper's, one set however many wrappers or direct calls
    use it. False where that cannot be done."""
    if not isinstance(inner, Layer) or inner.cls is not None or inner.spec is None or inner.spec.role != "leaf":
        return False
    if not inner.built and isinstance(shape, tuple):
        lazy.keras_graph.build(it, inner, shape, node)
    if inner.uncertain is not None or not inner.built or not inner.params:
        return False
    layer.params.update((f"{prefix}.{k}", p) for k, p in inner.params.items())
    return True


def _adopt_inner(it: Any, layer: Layer, in_shape: Any, specs: List[Any], node: Any) -> bool:
    """SpectralNormalization's layer, RNN's cell(s): built on the shapes they see (each stacked
    cell on the previous one's units) and adopted; the wrapper's own weights (``vector_u``) added."""
    shape = in_shape.get("inputs", in_shape.get("sequences")) if isinstance(in_shape, dict) else in_shape
    if not isinstance(shape, tuple):
        return False
    if layer.spec is not None and layer.spec.name == "RNN":
        cell = layer.args.get("cell")
        if isinstance(cell, Layer) and cell.spec is not None and cell.spec.name == "StackedRNNCells":
            cell = cell.args.get("cells")
        cells = list(cell) if isinstance(cell, (list, tuple)) else [cell]
        stacked = isinstance(layer.args.get("cell"), (list, tuple)) or len(cells) > 1 or cell is not layer.args.get("cell")
        step: Any = (shape[0], shape[-1])
        for i, c in enumerate(cells):
            if not _adopt(it, layer, c, step, f"cell.cells.{i}" if stacked else "cell", node):
                return False
            step = (shape[0], c.args.get("units") if isinstance(c, Layer) else None)
        return True
    if not _adopt(it, layer, layer.args.get("layer"), shape, "layer", node):
        return False
    own = {ps.name: ps for ps in specs if not ps.name.startswith("layer.")}
    for name, ps in own.items():
        layer.params[name] = Param(ps.shape, ps.trainable, ps.buffer, ps.collection, ps.trainable)
    return True


def _share_wrapped(it: Any, layer: Layer, in_shape: Any, node: Any) -> bool:
    """TimeDistributed applies its layer to each step: built from the per-step shape."""
    if isinstance(in_shape, dict):  # the call's bound inputs
        in_shape = in_shape.get("inputs")
    if not isinstance(in_shape, tuple) or len(in_shape) < 3:
        return False
    return _adopt(it, layer, layer.args.get("layer"), (in_shape[0],) + tuple(in_shape[2:]), "layer", node)


def build_params(it: Any, layer: Layer, in_shape: Any, node: Any) -> None:
    """Create a catalog layer's parameter tensors from its bound arguments (and input shape)."""
    spec = layer.spec
    assert spec is not None
    touch(it, layer)  # (a module-level Keras layer built by one builder stays built for the next)
    try:
        try:
            specs = spec.params(Args(spec.name, layer.args), in_shape)
        except IndexError:  # (an input of a rank the formula does not expect: never a crash)
            raise ArgError(f"{spec.name}: an input of rank {len(in_shape) if isinstance(in_shape, tuple) else '?'} is not modelled") from None
    except ArgError as e:
        u = e.unknown if e.unknown is not None else it.unknown(e.message, node)
        if layer.uncertain is None:
            layer.uncertain = u.because(f"{spec.name} parameters: {u.reason}") if e.unknown is not None else u
        return
    if spec.framework == "keras" and spec.name == "TimeDistributed" and _share_wrapped(it, layer, in_shape, node):
        layer.built = True
        return
    if spec.framework == "keras" and spec.name in ("SpectralNormalization", "RNN"):
        # the wrapped layer or the cells are used themselves: their weights are shared with any
        # other use of them (a direct call, a second RNN over the same cell)
        if not _adopt_inner(it, layer, in_shape, specs, node):
            layer.uncertain = first_set(layer.uncertain, it.unknown(f"{spec.name}: the weights of what it wraps are unknown", node))
        layer.built = True
        return
    trainable_flag = _keras_sublayer_flag(layer, spec.name) if spec.framework == "keras" else layer_trainable(layer)
    backward = layer.args.get("backward_layer") if spec.framework == "keras" and spec.name == "Bidirectional" else None
    if isinstance(backward, Layer):  # Keras uses the given backward layer itself: its weights are shared
        shape = in_shape.get("sequences") if isinstance(in_shape, dict) else in_shape
        if not _adopt(it, layer, backward, shape, "backward_layer", node):
            layer.uncertain = first_set(layer.uncertain, it.unknown("Bidirectional: the backward layer's weights are unknown", node))
            return
        specs = [ps for ps in specs if not ps.name.startswith("backward_layer.")]
    cells = _flax_cells(layer) if spec.framework == "flax" and spec.name in ("RNN", "Bidirectional") else {}
    for ps in specs:
        p = Param(ps.shape, (ps.trainable and trainable_flag is not False) if trainable_flag is not None else None,  # type: ignore[arg-type]
                  ps.buffer, ps.collection, ps.trainable)
        prefix, _, own = ps.name.rpartition("cell.")
        cell = cells.get(prefix)
        if cell is not None:  # one cell's parameters, however many RNNs run it (flax binds them to it)
            had = cell.params.get(own)
            if had is not None and had.shape != p.shape:
                layer.uncertain = first_set(layer.uncertain, it.unknown(
                    f"{spec.name}: a shared cell given inputs of another width (an error in flax)", node))
                return
            if had is None:
                cell.params[own] = p
            else:
                p = had
        if ps.buffer:
            layer.buffers[ps.name] = p
        else:
            layer.params[ps.name] = p
    if spec.framework == "torch":  # (what its forward formula assumes: see catalog_calls.call_leaf)
        layer.attrs["__made__"] = {n: p.shape for n, p in layer.params.items() if p is not None}
    layer.built = True


def _flax_cells(layer: Layer) -> Dict[str, Layer]:
    """The cell modules behind a flax nn.RNN ("" prefix) or nn.Bidirectional's two RNNs, by the
    prefix of their parameter names."""
    out: Dict[str, Layer] = {}
    rnns = [("", layer)] if layer.spec is not None and layer.spec.name == "RNN" else \
        [(f"{f}.", layer.args.get(f)) for f in ("forward_rnn", "backward_rnn")]
    for prefix, rnn in rnns:
        cell = rnn.args.get("cell") if isinstance(rnn, Layer) else None
        if isinstance(cell, Layer):
            out[prefix] = cell
    return out


#: Keras layers whose weights live in sublayers created by ``build()``: no trainable flag set
#: before reaches them (the setter passes it to the sublayers that exist then).
_SUBLAYERS_IN_BUILD = frozenset(("MultiHeadAttention", "GroupedQueryAttention"))
#: Keras layers whose weights live in a sublayer made in ``__init__`` without their
#: ``trainable=`` argument (the setter, called later, reaches it). LSTM, GRU and SimpleRNN
#: pass it on to their cell.
_SUBLAYER_AT_INIT = frozenset(("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"))


def _keras_sublayer_flag(layer: Layer, name: str) -> Any:
    """Whether the weights a Keras catalog layer makes are trainable. Keras keeps the flag per
    variable, set by the layer that creates it (``_track_variable``): a wrapper's own
    ``trainable=False`` does not reach the sublayers that hold its weights unless they exist
    when the setter runs. Bidirectional's two directions are rebuilt in ``__init__`` from the
    wrapped layer's config, its trainable flag then included."""
    if name in _SUBLAYERS_IN_BUILD:
        return True
    if name in _SUBLAYER_AT_INIT:
        return layer.attrs.get(SET_TRAINABLE, True)
    if name == "Bidirectional" and isinstance(layer.args.get("layer"), Layer):
        return layer.attrs.get(SET_TRAINABLE, layer.attrs.get(FORWARD_TRAINABLE, True))
    return layer_trainable(layer)


#: ``layer.trainable = v`` ran on this layer (attrs key; ``trainable=`` at init is not this).
SET_TRAINABLE = "__trainable_set__"
#: Bidirectional: the wrapped layer's flag when the directions were made from its config.
FORWARD_TRAINABLE = "__forward_trainable__"


def init_container(it: Any, spec: LayerSpec, obj: Layer, bound: Dict[str, Any], node: Any) -> Any:
    name = spec.name
    if name == "Sequential":
        items = list(bound.get("args", ()))
        if len(items) == 1 and isinstance(items[0], dict):
            for k, v in items[0].items():
                add_child(it, obj, str(k), v, node)
            return None
        for i, v in enumerate(items):
            add_child(it, obj, str(i), v, node)
        return None
    if name in ("ModuleList", "ParameterList"):
        src = bound.get("modules", bound.get("values"))
        if src is None:
            return None
        seq = iterate(it, src, node)
        if isinstance(seq, Unknown):
            obj.uncertain = seq
            return None
        for i, v in enumerate(seq):
            add_child(it, obj, str(i), v, node)
        return None
    if name in ("ModuleDict", "ParameterDict"):
        src = bound.get("modules", bound.get("parameters"))
        if src is None:
            return None
        if isinstance(src, dict):
            for k, v in src.items():
                add_child(it, obj, _str_key(it, k, node), v, node)
        else:
            seq = iterate(it, src, node)
            if isinstance(seq, Unknown):
                obj.uncertain = seq
                return None
            for pair in seq:
                if isinstance(pair, (tuple, list)) and len(pair) == 2:
                    add_child(it, obj, _str_key(it, pair[0], node), pair[1], node)
                else:
                    obj.uncertain = it.unknown("ModuleDict of non-pairs", node)
        return None
    return None


def _str_key(it: Any, k: Any, node: Any) -> str:
    """A ModuleDict/ParameterDict key: torch takes strings only (TypeError otherwise)."""
    if isinstance(k, str):
        return k
    from paramlint.evaluate.interpreter import Raised

    if isinstance(k, Unknown):
        raise Raised(k.because(f"a container key: {k.reason}"), None)
    raise Raised(it.unknown(f"raises TypeError: a module name should be a string, got {type(k).__name__}", node), "TypeError")


def check_registration_name(it: Any, obj: Layer, name: str, table: str, node: Any) -> None:
    """torch's checks before ``add_module``/``register_parameter``/``register_buffer``: a name
    with a dot, an empty one, or one already taken by another kind of attribute raises KeyError
    (``ModuleDict({"layer1.conv": ...})`` cannot be built)."""
    if obj.framework != "torch":
        return
    why = None
    kind = {"children": "module", "params": "parameter", "buffers": "buffer"}[table]
    if "." in name:
        why = f"{kind} name can't contain \".\", got: {name!r}"
    elif name == "":
        why = f"{kind} name can't be empty string \"\""
    elif name not in getattr(obj, table) and (
            name in obj.params or name in obj.children or name in obj.buffers or name in obj.attrs or name == "training"):
        why = f"attribute {name!r} already exists"
    if why is not None:
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises KeyError: {why}", node), "KeyError")


def add_child(it: Any, obj: Layer, name: str, value: Any, node: Any) -> None:
    check_registration_name(it, obj, name, "children", node)
    if isinstance(value, Layer):
        obj.params.pop(name, None)
        obj.children[name] = value
    elif isinstance(value, Param):
        obj.params[name] = value
    elif isinstance(value, Unknown):
        obj.children[name] = None
        if obj.uncertain is None:
            obj.uncertain = value
    elif value is None:
        obj.children[name] = None
    elif isinstance(value, Tensor) and obj.spec is not None and obj.spec.name.startswith("Parameter"):
        obj.params[name] = Param(value.shape)
    else:
        if obj.uncertain is None:
            obj.uncertain = it.unknown(f"{obj.type_name} child {name!r} is a {type(value).__name__}, not a module", node)


def call_external(it: Any, ext: External, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    q = ext.qualname
    spec = catalog.lookup(q)
    if spec is not None:
        return construct(it, spec, args, kwargs, node)
    if q.endswith(".__init__") and args and isinstance(args[0], Layer) and args[0].framework == "torch":
        base = catalog.lookup(q[: -len(".__init__")])  # nn.Module.__init__(self), written out
        if base is not None and base.framework == "torch":
            r = base_init(it, base, args[0], list(args[1:]), kwargs, node)
            return r if isinstance(r, Unknown) else None
    fn = STDLIB.get(q)
    if fn is not None:
        return it.call(fn, args, kwargs, node)
    r = lazy.arrays.call(it, q, args, kwargs, node)
    if r is not lazy.arrays.NOT_HANDLED:
        return r
    r = lazy.tensors.call(it, q, args, kwargs, node)
    if r is not lazy.tensors.NOT_MODELLED:
        return r
    obj = keras_objects.construct(q)
    if obj is not None:  # an initializer, a regularizer, a constraint: not a layer
        return obj
    if q in _DECORATOR_FACTORIES:  # ``@register_keras_serializable(package="x")``: registers, returns the class
        return _IDENTITY_DECORATOR
    fw = catalog.framework_of(q)
    if fw is not None and q.rsplit(".", 1)[-1][:1].isupper():
        return it.note(it.unknown(f"layer {q.rsplit('.', 1)[-1]} is not in paramlint's {fw} catalog", node))
    u = it.unknown(f"call to {q} is not modelled", node)
    _may_mutate(it, q, [*args, *kwargs.values()], u)
    if plain(args) and plain(kwargs.values()):
        u.kind = FRESH
    return u


#: Standard-library modules whose functions do not change the objects passed to them (the
#: ones that do -- copy, setattr, list methods... -- are modelled).
_PURE_STDLIB = frozenset((
    "logging", "warnings", "math", "typing", "typing_extensions", "inspect", "re", "os",
    "sys", "json", "time", "textwrap", "string", "numbers", "abc", "types", "enum",
))  # not ``operator`` (setitem, iadd) nor ``builtins`` (exec, setattr)


#: Framework methods that (re)set values and never what a module holds.
_VALUES_ONLY = frozenset(("reset_parameters", "_reset_parameters", "reset_running_stats", "extra_repr",
                          "_log_api_usage_once", "_log_api_usage_metadata", "__repr__",
                          "flatten_parameters", "compile", "summary", "set_weights", "zero_grad", "share_memory"))


def _may_mutate(it: Any, q: str, args: List[Any], why: Unknown) -> None:
    """An unmodelled call may change the mutable objects it is given (a third-party
    ``configure(cfg)``, ``register_parametrization(module, ...)`` adding parameters): what they
    hold afterwards is unknown, as is a module's parameter count."""
    from paramlint.evaluate.iterators import Iterator

    for a in args:  # even a value-only function consumes an iterator it is given
        if isinstance(a, Iterator):
            it.poison(a, why)
    if q.split(".", 1)[0] in _PURE_STDLIB or q.rsplit(".", 1)[-1] in _VALUES_ONLY or q.startswith("torch.nn.init."):
        return
    may_mutate(it, args, why)


def may_mutate(it: Any, args: List[Any], why: Unknown) -> None:
    """What an unmodelled callable is given may have changed: a module's count, a container's
    contents, an array's values (``np.random.shuffle(w)``) are unknown afterwards."""
    for a in args:
        if type(a) is Unknown and a.aliases:
            may_mutate(it, list(a.aliases), why)
        elif isinstance(a, Layer):
            if a.uncertain is None:
                touch(it, a)
                a.uncertain = why
        elif isinstance(a, (Instance, list, dict, set)):
            it.poison(a, why)
        elif isinstance(a, lazy.arrays.Array):
            lazy.arrays.mutated(it, f"passed to a call that is not modelled ({why.reason})", None)


def may_change_receiver(method: str) -> bool:
    """Whether an unmodelled method call may change what its receiver holds: not the in-place
    value operations of tensors (``weight.data.normal_()``, ``bias.zero_()``), which keep
    shapes, nor the framework methods that only reset values."""
    if method in _VALUES_ONLY or (method.lstrip("_").startswith("register_") and "hook" in method):
        return False
    return not (method.endswith("_") and not method.startswith("_") and method not in ("resize_", "set_", "resize_as_", "requires_grad_"))


def unknown_call(it: Any, fn: Any, u: Unknown, node: Any) -> Any:
    """A call whose ``*args``/``**kwargs`` could not be known."""
    return u.because(f"arguments unknown: {u.reason}")


def construct(it: Any, spec: LayerSpec, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if spec.role == "input":
        return lazy.keras_graph.input_layer(it, spec, args, kwargs, node)
    layer = Layer(spec.framework, None, spec, it.loc(node))
    layer.node = node
    it.layers_built += 1
    it.steps += _LAYER_STEPS
    if spec.framework == "keras":
        lazy.keras_graph.assign_name(it, layer, kwargs.get("name"))
    r = base_init(it, spec, layer, args, kwargs, node)
    if isinstance(r, Unknown):
        return r
    return layer


def call_layer(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if layer.framework == "flax":
        return lazy.flax_runtime.call(it, layer, args, kwargs, node)
    if layer.framework == "keras":
        return lazy.keras_graph.call(it, layer, args, kwargs, node)
    if layer.cls is not None:
        own_call = _user_call(it, layer.cls)
        if own_call is not None:  # ``module(x)`` runs it; nn.Module.__call__ (hooks, forward) only through super()
            return it.call(BoundMethod(own_call, layer), args, kwargs, node)
    return lazy.tensors.call_module(it, layer, args, kwargs, node)


def _user_call(it: Any, cls: Class) -> Any:
    """A ``__call__`` a project class in the MRO defines over torch's, or None."""
    for b in cls.mro():
        if not isinstance(b, Class):
            return None
        ns = b._ns if b._ns is not None else materialize(it, b)
        v = ns.get("__call__", _MISSING)
        if v is not _MISSING:
            return v
    return None


def class_lookup(cls: Class, name: str) -> Any:
    for b in cls.mro():
        if isinstance(b, Class) and b._ns is not None and name in b._ns:
            return b._ns[name]
    return _MISSING


def project_defines(cls: Class, name: str) -> bool:
    """Whether a project class along the MRO defines ``name`` (not only the framework base)."""
    return class_lookup(cls, name) is not _MISSING


def deepcopy(it: Any, v: Any, node: Any) -> Any:
    return lazy.modules.deepcopy_value(it, v, {})


def is_container_layer(v: Any) -> bool:
    return isinstance(v, Layer) and v.spec is not None and v.spec.role == "container"


def object_binary(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    return lazy.modules.binary(it, op, a, b, node)


def tensor_binary(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    return lazy.tensors.binary(it, op, a, b, node)


def tensor_attr(it: Any, t: Any, name: str, node: Any) -> Any:
    return lazy.tensors.attr(it, t, name, node)


def layer_get_attr(it: Any, layer: Layer, name: str, node: Any) -> Any:
    return lazy.modules.get_attr(it, layer, name, node)


def layer_set_attr(it: Any, layer: Layer, name: str, value: Any, node: Any) -> None:
    lazy.modules.set_attr(it, layer, name, value, node)
