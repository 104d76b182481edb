"""Framework module objects: attribute registration (torch ``__setattr__`` semantics), the
module API (``parameters()``, ``add_module``, ``register_buffer``...) and containers.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, Iterator, List, Optional, Tuple

from paramlint.evaluate.isolation import touch
from paramlint.catalog.spec import NONE_WHEN_ABSENT
from paramlint.evaluate import signatures
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import (
    BoundMethod, Builtin, BufferTensor, External, Instance, Layer, Param, Tensor, Unknown,
)

_MISSING = object()
_CONV_TUPLES = ("kernel_size", "stride", "padding", "dilation", "output_padding")


#: What torch keeps of a composite layer's arguments (the rest are not attributes, or are
#: modules of the same name: ``TransformerEncoderLayer.dropout`` is an ``nn.Dropout``).
_COMPOSITE_ATTRS = {
    "MultiheadAttention": {"embed_dim", "kdim", "vdim", "num_heads", "dropout", "batch_first", "add_zero_attn"},
    "TransformerEncoderLayer": {"norm_first"}, "TransformerDecoderLayer": {"norm_first"},
    "TransformerEncoder": {"num_layers"}, "TransformerDecoder": {"num_layers"},
    "Transformer": {"d_model", "nhead", "batch_first"},
}
_PADS = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")


_REGISTRIES = {"_modules": "children", "_parameters": "params", "_buffers": "buffers"}


def registry(it: Any, layer: Layer, name: str, node: Any) -> Any:
    """``m._modules`` / ``m._parameters`` / ``m._buffers``: the very dict the layer registers
    in (``module._modules[key] = nn.ReLU()`` replaces a child, as in torch), unless the layer
    keeps inner modules flat (their entries would be missing)."""
    if layer.uncertain is not None:
        return layer.uncertain
    if any("." in k for k in layer.params) or any("." in k for k in layer.buffers):
        return it.unknown(f"{layer.type_name}.{name}: its inner modules are not modelled one by one", node)
    d = getattr(layer, _REGISTRIES[name])
    it.module_dicts[id(d)] = (d, layer, name)
    return d


def registry_write(it: Any, d: Any, key: Any, value: Any, node: Any) -> bool:
    """A write into a registry dict (see :func:`registry`): True when handled here (stored, or
    the layer made unknown for a value torch would not keep there)."""
    entry = it.module_dicts.get(id(d))
    if entry is None or entry[0] is not d:
        return False
    _, layer, name = entry
    touch(it, layer)
    ok = value is None or (isinstance(value, Layer) if name == "_modules" else isinstance(value, Param) and value.buffer == (name == "_buffers"))
    if ok and isinstance(key, str):
        d[key] = value
    elif layer.uncertain is None:
        layer.uncertain = it.unknown(f"{layer.type_name}.{name}[...] set to a {type(value).__name__}", node)
    return True


def torch_attr(it: Any, layer: Layer, spec_name: str, name: str, v: Any, node: Any) -> Any:
    """A torch layer's attribute named like a constructor argument, as its ``__init__`` stores
    it: conv sizes as tuples, a pool's missing stride as its kernel size, a negative
    ``padding_idx`` from the end, ``normalized_shape`` as a tuple, ``kdim=None`` as ``embed_dim``."""
    args = layer.args
    keep = _COMPOSITE_ATTRS.get(spec_name)
    if keep is not None and name not in keep:
        return it.unknown(f"{spec_name}.{name} is not an attribute torch keeps as given", node)
    n = int(spec_name[-2]) if spec_name[-2:-1].isdigit() and spec_name.endswith("d") else 1
    if spec_name[:4] == "Conv" and name in _CONV_TUPLES and isinstance(v, int):
        return (v,) * n
    if spec_name == "MultiheadAttention" and name in ("kdim", "vdim") and v is None:
        return args.get("embed_dim")
    if spec_name.startswith(("MaxPool", "AvgPool")) and name == "stride" and v is None:
        v = args.get("kernel_size")
    if spec_name == "AvgPool1d" and name in ("kernel_size", "stride", "padding") and isinstance(v, int):
        return (v,)
    if spec_name in ("Embedding", "EmbeddingBag") and name == "padding_idx" and isinstance(v, int) and v < 0:
        ne = args.get("num_embeddings")
        return v + ne if isinstance(ne, int) else it.unknown("padding_idx", node)
    if spec_name.startswith(_PADS) and name == "padding":
        if isinstance(v, int):
            return (v,) * (2 * n)
        return tuple(v) if isinstance(v, (list, tuple)) else v
    if spec_name in ("LayerNorm", "RMSNorm") and name == "normalized_shape":
        return (v,) if isinstance(v, int) else tuple(v) if isinstance(v, (list, tuple)) else v
    if spec_name.startswith("Upsampl") and name == "scale_factor" and v:
        if isinstance(v, (int, float)):
            return float(v)
        return tuple(float(x) for x in v) if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v) else it.unknown("scale_factor", node)
    if spec_name in ("RNN", "LSTM", "GRU") and name == "dropout" and isinstance(v, (int, float)):
        return float(v)
    return v


#: Keras arguments stored as tuples or lists whatever was given (an int is read back as a tuple).
_KERAS_NORMALIZED = frozenset((
    "kernel_size", "strides", "dilation_rate", "pool_size", "size", "padding", "cropping", "axis", "dims",
    "target_shape", "output_padding", "shared_axes", "noise_shape", "attention_axes",
    "groups"))  # (GroupNormalization(groups=-1) holds the channel count once built)


def walk(layer: Layer, prefix: str = "", seen: Optional[set] = None) -> Iterator[Tuple[str, Layer]]:
    """``named_modules()``: each module once, depth-first in registration order."""
    if seen is None:
        seen = set()
    if id(layer) in seen:
        return
    seen.add(id(layer))
    yield prefix, layer
    for name, child in layer.children.items():
        if child is not None:
            yield from walk(child, f"{prefix}.{name}" if prefix else name, seen)


def named_params(layer: Layer, buffers: bool = False) -> List[Tuple[str, Param]]:
    out: List[Tuple[str, Param]] = []
    seen: set = set()
    for path, m in walk(layer):
        for n, p in (m.buffers if buffers else m.params).items():
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                out.append((f"{path}.{n}" if path else n, p))
    return out


def get_attr(it: Any, layer: Layer, name: str, node: Any) -> Any:
    for table in (layer.params, layer.buffers, layer.children, layer.attrs):
        v = table.get(name, _MISSING)
        if v is not _MISSING:
            return v
    if layer.cls is not None:
        from paramlint.evaluate.attributes import class_attr

        v = class_attr(it, layer.cls, name, node, layer)
        if not (isinstance(v, Unknown) and v.reason.startswith("no attribute")) and not isinstance(v, External):
            if name == "build" and layer.framework == "keras" and isinstance(v, BoundMethod):
                return lazy.keras_graph.explicit_build(layer, v)
            return v
    if layer.framework == "keras" and name in ("layers", "trainable"):  # not the constructor's argument
        v = lazy.keras_graph.get_attr(it, layer, name, node)
        if v is not lazy.keras_graph._MISSING:
            return v
    spec = layer.spec
    if spec is not None and layer.built and name in spec.extra.get(NONE_WHEN_ABSENT, ()):
        return None  # built without it (bias=False): torch registered None, not the flag
    if name in layer.args and not (layer.framework == "torch" and name in _METHODS) \
            and not (layer.framework == "torch" and lazy.attributes.framework_has(layer, name) is False):
        # (an argument torch does not keep as an attribute, ``nn.Embedding(_freeze=...)``, is none)
        # (a constructor argument named like a Module method -- ModuleList(modules),
        # ParameterDict(parameters) -- is not stored: torch's method answers)
        v = layer.args[name]
        if spec is not None and spec.framework == "torch":
            return torch_attr(it, layer, spec.name, name, v, node)
        if layer.framework == "keras" and (type(v) not in (int, float, bool) or name in _KERAS_NORMALIZED):
            # Keras stores most arguments normalized (``padding="SAME"`` as "same", a kernel
            # size as a tuple, ``strides=None`` as the pool size, an activation as a function)
            return it.unknown(f"{layer.type_name}.{name} as Keras stores it", node)
        return v
    if name == "__class__":
        return layer.cls if layer.cls is not None else External(f"torch.nn.{layer.type_name}")
    if name == "__dict__" and layer.framework == "torch":  # plain attributes: torch registers nothing set there
        from paramlint.evaluate.attributes import instance_dict

        return instance_dict(it, layer, node)
    if name in _REGISTRIES and layer.framework == "torch":
        return registry(it, layer, name, node)
    if name == "training":
        return True
    if layer.framework == "flax":
        v = lazy.flax_runtime.get_attr(it, layer, name, node)
        if v is not lazy.flax_runtime._MISSING:
            return v
    m = _METHODS.get(name)
    if m is not None:
        return Builtin(f"{layer.type_name}.{name}", lambda it2, a, k, n: m(it2, layer, a, k, n))
    if layer.framework == "keras":
        v = lazy.keras_graph.get_attr(it, layer, name, node)
        if v is not lazy.keras_graph._MISSING:
            return v
    if layer.uncertain is not None:
        return layer.uncertain
    if layer.framework == "torch" and layer.cls is not None and it.fw.project_defines(layer.cls, "__getattr__"):
        # Python's fallback for a miss: a wrapper's ``__getattr__`` delegating to what it wraps
        # (``super().__getattr__`` is torch's lookup of parameters, buffers and submodules)
        from paramlint.evaluate.attributes import class_attr

        return it.call(class_attr(it, layer.cls, "__getattr__", node, layer), [name], {}, node)
    # (a part not modelled, ``mha.out_proj``: a change made through it is one to ``layer``)
    u = it.unknown(f"no attribute {name!r} on {layer.type_name}", node)
    u.aliases = (layer,)
    return u


def delitem(it: Any, layer: Layer, key: Any, node: Any) -> bool:
    """``del container[key]`` on a torch ModuleDict/ParameterDict (a key) or Sequential/ModuleList
    (an int index; the rest renumbered from 0, as torch does). False when not modelled."""
    spec = layer.spec
    if layer.framework != "torch" or spec is None or layer.uncertain is not None or isinstance(key, Unknown):
        return False
    from paramlint.evaluate.interpreter import Raised

    if spec.name in ("ModuleDict", "ParameterDict") and isinstance(key, str):
        table = layer.children if spec.name == "ModuleDict" else layer.params
        if key not in table:
            raise Raised(it.unknown(f"raises KeyError: {key!r}", node), "KeyError")
        touch(it, layer)
        del table[key]
        return True
    if spec.name in ("Sequential", "ModuleList") and type(key) is int:
        items = list(layer.children.values())
        if not -len(items) <= key < len(items):
            raise Raised(it.unknown(f"raises IndexError: index {key} is out of range", node), "IndexError")
        touch(it, layer)
        del items[key]
        layer.children = {str(i): m for i, m in enumerate(items)}
        return True
    return False


def hidden_submodule(layer: Layer, name: str) -> bool:
    """Whether ``name`` is an inner module of a catalog layer whose weights the catalog keeps
    flat (``MultiheadAttention.out_proj``, ``TransformerEncoderLayer.linear1``): replacing or
    deleting it changes what the flat entries stand for."""
    prefix = name + "."
    return any(k.startswith(prefix) for k in layer.params) or any(k.startswith(prefix) for k in layer.buffers)


def set_attr(it: Any, layer: Layer, name: str, value: Any, node: Any) -> None:
    """torch ``Module.__setattr__``: modules and Parameters register; others are attributes."""
    if layer.framework == "flax":
        lazy.flax_runtime.set_attr(it, layer, name, value, node)
        return
    if layer.framework == "keras":
        lazy.keras_graph.set_attr(it, layer, name, value, node)
        return
    if hidden_submodule(layer, name):
        if layer.uncertain is None:
            layer.uncertain = it.unknown(f"{layer.type_name}.{name} replaced: its inner modules are not modelled one by one", node)
        return
    if layer.cls is not None and not layer.attrs.get("__module_init__") and (
            isinstance(value, Layer) or isinstance(value, Param) and not value.buffer):
        # torch's __setattr__ before Module.__init__ ran (a forgotten super().__init__(), a
        # dataclass field holding a module): no registry to put it in
        from paramlint.evaluate.interpreter import Raised

        what = "module" if isinstance(value, Layer) else "parameters"
        raise Raised(it.unknown(f"raises AttributeError: cannot assign {what} before Module.__init__() call", node),
                     "AttributeError")
    if name in layer.params and value is not None and not (isinstance(value, Param) and not value.buffer) \
            and (isinstance(value, (Layer, Param)) or type(value) is Tensor and value.maybe is None):
        from paramlint.evaluate.interpreter import Raised  # torch: only a Parameter or None replaces one

        raise Raised(it.unknown(f"raises TypeError: cannot assign a {type(value).__name__} as parameter {name!r}", node),
                     "TypeError")
    if type(value) is BufferTensor and name not in layer.buffers:
        from paramlint.evaluate.interpreter import Raised

        if name in layer.children:
            raise Raised(it.unknown(f"raises TypeError: cannot assign a Buffer as child module {name!r}", node), "TypeError")
        if name in layer.attrs:
            raise Raised(it.unknown(f"raises KeyError: attribute '{name}' already exists", node), "KeyError")
    if isinstance(value, Param) and not value.buffer:
        _drop(layer, name, keep=layer.params)  # re-assignment keeps the registration position
        layer.params[name] = value
    elif type(value) is BufferTensor:  # ``self.pos = nn.Buffer(torch.zeros(1, n, d))``
        layer.buffers[name] = value
    elif isinstance(value, Layer):
        _drop(layer, name, keep=layer.children)
        layer.children[name] = value
    elif name in layer.params and (value is None or isinstance(value, Unknown)):
        layer.params[name] = None if value is None else value  # type: ignore[assignment]
        if isinstance(value, Unknown) and layer.uncertain is None:
            layer.uncertain = value
    elif name in layer.children and value is None:
        layer.children[name] = None
    elif name in layer.buffers and isinstance(value, (Tensor, Param)):
        layer.buffers[name] = Param(value.shape, False, True)
    elif isinstance(value, Unknown) and layer.framework == "torch" and name in layer.children:
        layer.children[name] = None
        if layer.uncertain is None:
            layer.uncertain = value
    elif type(value) is Tensor and value.maybe is not None and layer.framework == "torch":
        # ``nn.Parameter(w).to(device)``: the parameter itself (registered) or a copy (not)
        layer.attrs[name] = value
        if layer.uncertain is None:
            layer.uncertain = it.unknown(f"{layer.type_name}.{name}: the parameter itself or a copy (device/dtype unknown)", node)
    elif isinstance(value, Unknown) and layer.framework == "torch" and value.kind != "bool":
        # torch registers a Module or Parameter assigned to an attribute: an unknown value may
        # be one, so what this module holds is unknown (never silently dropped).
        layer.attrs[name] = value
        if layer.uncertain is None:
            layer.uncertain = value.because(f"{layer.type_name}.{name}: {value.reason}")
    else:
        if name in layer.params or name in layer.children:
            if layer.uncertain is None:
                layer.uncertain = it.unknown(f"{name} replaced by a {type(value).__name__}", node)
        layer.attrs[name] = value
        if isinstance(value, (list, tuple)) and any(isinstance(x, Layer) for x in value) and layer.framework == "torch":
            it.note(it.unknown(
                f"modules stored in a plain {type(value).__name__} ({name}) are not registered: torch does not "
                "count their parameters (use nn.ModuleList)", node))


def _drop(layer: Layer, name: str, keep: Optional[Dict[str, Any]] = None) -> None:
    for table in (layer.params, layer.children, layer.attrs, layer.buffers):
        if table is not keep:
            table.pop(name, None)


# ---- the Module API -----------------------------------------------------------------------

def _parameters(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    recurse = kwargs.get("recurse", args[0] if args else True)
    if recurse is False:
        return _once(it, [p for p in layer.params.values() if p is not None])
    return _once(it, [p for _, p in named_params(layer)])


def _named_parameters(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    if args or kwargs.get("remove_duplicate", True) is not True or kwargs.get("recurse", True) is not True or kwargs.get("prefix", "") != "":
        return it.unknown("named_parameters() with prefix, recurse or remove_duplicate is not modelled", node)
    return _once(it, [tuple(x) for x in named_params(layer)])


def _buffers(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return _once(it, [p for _, p in named_params(layer, buffers=True)])


def _once(it: Any, xs: List[Any]) -> Any:
    """``parameters()``, ``children()``...: torch's generators, consumed once (``next(...)``
    works on them, a second ``for`` over the same one sees nothing)."""
    from paramlint.evaluate import iterators

    anchor(it, xs)
    return iterators.lazy(it, iter(xs))


def anchor(it: Any, xs: List[Any]) -> None:
    """Modules and parameters handed out by a walk of a module tree: held by the model, so
    their ``id()`` is stable while the model lives (the dedup idiom ``if id(p) in seen``), unlike a
    temporary's, whose address CPython reuses (see builtins ``id``)."""
    table = it.project.anchored
    for x in xs:
        obj = x[1] if type(x) is tuple and len(x) == 2 else x
        if isinstance(obj, (Layer, Param)):
            table[id(obj)] = obj


def _hidden_in(it: Any, layer: Layer, node: Any, deep: bool = True) -> Optional[Unknown]:
    """Why ``modules()``/``children()``/``apply()`` over ``layer`` cannot be listed: a layer in
    it keeps inner modules flat (``MultiheadAttention.out_proj``), which torch would yield."""
    for _, m in (walk(layer) if deep else [("", layer)]):
        if any("." in k for k in m.params) or any("." in k for k in m.buffers):
            return it.unknown(f"the inner modules of {m.type_name} are not modelled one by one", node)
    return None


def _modules(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    u = _hidden_in(it, layer, node)
    return u if u is not None else _once(it, [m for _, m in walk(layer)])


def _named_modules(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    if args or kwargs.get("memo") is not None or kwargs.get("remove_duplicate", True) is not True:
        return it.unknown("named_modules() with memo, prefix or remove_duplicate is not modelled", node)
    prefix = kwargs.get("prefix", "")
    if not isinstance(prefix, str):
        return it.unknown("named_modules() prefix", node)
    u = _hidden_in(it, layer, node)
    return u if u is not None else _once(it, [(prefix + ("." if prefix and p else "") + p, m) for p, m in walk(layer)])


def _children(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    u = _hidden_in(it, layer, node, deep=False)
    if u is not None:
        return u
    seen: set = set()
    out = []
    for c in layer.children.values():
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return _once(it, out)


def _named_children(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    u = _hidden_in(it, layer, node, deep=False)
    return u if u is not None else _once(it, [(k, c) for k, c in layer.children.items() if c is not None])


def _add_module(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    name = args[0] if args else kwargs.get("name")
    value = args[1] if len(args) > 1 else kwargs.get("module")
    if not isinstance(name, str):
        if layer.uncertain is None:
            layer.uncertain = name if isinstance(name, Unknown) else it.unknown("add_module() with a non-string name", node)
        return None
    from paramlint.evaluate.framework import add_child

    add_child(it, layer, name, value, node)
    return None


def _register_buffer(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    name = args[0] if args else kwargs.get("name")
    t = args[1] if len(args) > 1 else kwargs.get("tensor")
    if isinstance(name, str):
        it.fw.check_registration_name(it, layer, name, "buffers", node)
        if isinstance(t, lazy.arrays.Array) and t.lib == "torch":  # a small tensor of known values
            t = Tensor(() if t.scalar else (len(t.vals),))
        if t is not None and not isinstance(t, (Tensor, Param)):
            # An unknown (or not modelled) tensor: reading the buffer must give that, not None.
            layer.attrs[name] = t if isinstance(t, Unknown) else it.unknown(f"buffer {name} is not a modelled tensor", node)
            return None
        layer.buffers[name] = Param(t.shape, False, True) if isinstance(t, (Tensor, Param)) else None  # type: ignore[assignment]
    return None


def _register_parameter(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    name = args[0] if args else kwargs.get("name")
    p = args[1] if len(args) > 1 else kwargs.get("param")
    if not isinstance(name, str):
        if layer.uncertain is None:
            layer.uncertain = it.unknown("register_parameter() with a non-constant name", node)
        return None
    it.fw.check_registration_name(it, layer, name, "params", node)
    if isinstance(p, Tensor) or isinstance(p, Param) and p.buffer:  # a plain tensor: torch raises TypeError
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises TypeError: cannot assign a tensor as parameter {name!r} (nn.Parameter or None expected)", node), "TypeError")
    if isinstance(p, Param) or p is None:
        layer.params[name] = p
    elif isinstance(p, Unknown):
        layer.params[name] = None
        if layer.uncertain is None:
            layer.uncertain = p
    return None


def _apply(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    fn = args[0] if args else None
    u = _hidden_in(it, layer, node)
    if u is not None:  # fn would also see modules that are not modelled: anything it changes is unknown
        from paramlint.evaluate.neutral import value_only_function

        if value_only_function(it, fn):  # (an init function: values only, whatever it is given)
            return layer
        touch(it, layer)
        if layer.uncertain is None:
            layer.uncertain = u
        return layer
    mods = [m for _, m in walk(layer)]
    for m in reversed(mods):  # torch applies to children first, then self
        it.call(fn, [m], {}, node)
    return layer


def _self(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return layer


def _none(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return None


_HOOK_IDS = itertools.count(1)


class HookHandle:
    """What ``register_forward_hook`` returns: ``remove()`` takes the hook off again."""

    __slots__ = ("layer", "hooks", "key")

    def __init__(self, layer: Layer, hooks: Dict[int, Any], key: int) -> None:
        self.layer = layer
        self.hooks = hooks
        self.key = key

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name == "remove":
            return Builtin("RemovableHandle.remove", lambda it2, a, k, n: self.remove(it2))
        if name == "id":
            return self.key
        return it.unknown(f"RemovableHandle.{name} is not modelled", node)

    def remove(self, it: Any) -> None:
        touch(it, self.layer)
        self.hooks.pop(self.key, None)

    with_exit = remove  # ``with m.register_forward_hook(f):`` removes it on the way out


def _register_hook(kind: str) -> Any:
    """``register_forward_pre_hook(hook)`` / ``register_forward_hook(hook)``: kept on the module
    (``_forward_pre_hooks`` / ``_forward_hooks``, as torch names them) and run around its forward
    on each ``module(x)``; a hook taking keyword arguments is not followed."""
    def register(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        bound = signatures.bind("hook, *, prepend=False, with_kwargs=False, always_call=False", list(args),
                                dict(kwargs), f"register_{kind}")
        if isinstance(bound, str):
            return it.unknown(bound, node)
        touch(it, layer)
        hooks = layer.attrs.get(f"_{kind}s")
        if not isinstance(hooks, dict):
            hooks = layer.attrs[f"_{kind}s"] = {}
        hook = bound["hook"]
        if bound["with_kwargs"] is not False or bound["prepend"] is not False:
            hook = it.unknown(f"a {kind.replace('_', ' ')} with prepend or with_kwargs is not modelled", node)
        key = next(_HOOK_IDS)
        hooks[key] = hook
        return HookHandle(layer, hooks, key)
    return register


def _requires_grad(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    flag = args[0] if args else kwargs.get("requires_grad", True)
    for _, p in named_params(layer):
        p.trainable = None if isinstance(flag, Unknown) else bool(flag)  # type: ignore[assignment]
    return layer


def _append(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    from paramlint.evaluate.framework import add_child

    if layer.framework == "keras":
        return lazy.keras_graph.add(it, layer, args[0] if args else None, node)
    add_child(it, layer, str(len(_items_of(layer))), args[0] if args else None, node)
    return layer


def _items_of(layer: Layer) -> Dict[str, Any]:
    """Where a container keeps its items: ParameterList/Dict hold parameters, the others modules."""
    return layer.params if layer.spec is not None and layer.spec.name in ("ParameterList", "ParameterDict") else layer.children


def _pop(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``ModuleList/Sequential.pop(i)`` (the rest renumbered, as torch's ``__delitem__`` does)
    and ``ModuleDict/ParameterDict.pop(key)``."""
    touch(it, layer)
    if layer.framework == "keras" and layer.spec is not None and layer.spec.name == "Sequential":
        return lazy.keras_graph._pop(it, layer, node)
    items = _items_of(layer)
    spec = layer.spec.name if layer.spec is not None else ""
    key = args[0] if args else kwargs.get("key", kwargs.get("idx"))  # torch's pop() has no default
    if spec in ("ModuleDict", "ParameterDict") and isinstance(key, str) and key in items:
        return items.pop(key)
    if spec in ("ModuleList", "Sequential") and isinstance(key, int) and not isinstance(key, bool) and -len(items) <= key < len(items):
        values = list(items.values())
        out = values.pop(key)
        items.clear()
        items.update((str(i), v) for i, v in enumerate(values))
        return out
    return _not_modelled(it, layer, f"{layer.type_name}.pop({key!r}) is not modelled", node)


def _not_modelled(it: Any, layer: Layer, what: str, node: Any) -> Unknown:
    """A change to a container that is not modelled: what it holds is unknown."""
    u = it.unknown(what, node)
    if layer.uncertain is None:
        layer.uncertain = u
    return u


def _clear(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    if layer.spec is not None and layer.spec.name in ("ModuleDict", "ParameterDict"):
        _items_of(layer).clear()
        return None
    return _not_modelled(it, layer, f"{layer.type_name}.clear() is not modelled", node)


def _extend(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seq = it.fw.iterate(it, args[0] if args else None, node)
    if isinstance(seq, Unknown):
        if layer.uncertain is None:
            layer.uncertain = seq
        return layer
    for v in seq:
        _append(it, layer, [v], {}, node)
    return layer


def _insert(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    if len(args) != 2 or not isinstance(args[0], int):
        if layer.uncertain is None:
            layer.uncertain = it.unknown("insert() with an unknown index", node)
        return None
    # torch's own steps on the registry: each entry moves up one key, from the end down to
    # ``index``; Sequential checks the range and adjusts a negative index, ModuleList does
    # neither (a key that is not there is its KeyError: a name given by add_module)
    reg = dict(_items_of(layer))
    index, module = args
    sequential = layer.spec is not None and layer.spec.name == "Sequential"
    n = len(reg)
    if sequential:
        if not -n <= index <= n:
            return _fails(it, layer, f"Sequential.insert(): index {index} out of range", node)
        if index < 0:
            index += n
    for i in range(n, index, -1):
        if str(i - 1) not in reg:
            return _fails(it, layer, f"insert(): no entry {str(i - 1)!r} to move (KeyError)", node)
        reg[str(i)] = reg[str(i - 1)]
    reg[str(index)] = module
    _items_of(layer).clear()
    from paramlint.evaluate.framework import add_child

    for k, v in reg.items():
        add_child(it, layer, k, v, node)
    return layer if sequential else None


def _fails(it: Any, layer: Layer, why: str, node: Any) -> Any:
    """A container method torch raises in: the container (and what holds it) is unknown."""
    u = it.unknown(why, node)
    if layer.uncertain is None:
        layer.uncertain = u
    return u


def _keys(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return list(layer.children.keys())


def _values(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return list(layer.children.values())


def _items(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return list(layer.children.items())


def _update(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    touch(it, layer)
    from paramlint.evaluate.framework import add_child

    src = args[0] if args else {}
    if isinstance(src, dict):
        for k, v in src.items():
            add_child(it, layer, str(k), v, node)
    elif layer.uncertain is None:
        layer.uncertain = it.unknown("ModuleDict.update() of a non-dict", node)
    return None


def _call(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return it.fw.call_layer(it, layer, args, kwargs, node)


def _forward(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``layer.forward(x)``: for torch, the forward code without the module's hooks."""
    if layer.framework == "torch":
        return lazy.tensors.call_unhooked(it, layer, args, kwargs, node)
    return it.fw.call_layer(it, layer, args, kwargs, node)


def module_getattr(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """torch's ``Module.__getattr__(name)``: a parameter, buffer or submodule, else AttributeError."""
    name = args[0] if len(args) == 1 and not kwargs else None
    if not isinstance(name, str):
        return name if isinstance(name, Unknown) else it.unknown("Module.__getattr__() arguments", node)
    for table in (layer.params, layer.buffers, layer.children):
        if name in table:
            return table[name]
    from paramlint.evaluate.interpreter import Raised

    raise Raised(it.unknown(f"raises AttributeError: '{layer.type_name}' object has no attribute {name!r}", node),
                 "AttributeError")


def _conv_forward(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``self._conv_forward(x, w, b)`` in a torch Conv subclass (weight standardization): the
    layer's own convolution applied with another weight of the same shape, without hooks."""
    spec = layer.spec
    if layer.framework != "torch" or spec is None or spec.name not in ("Conv1d", "Conv2d", "Conv3d"):
        return it.unknown(f"{layer.type_name}._conv_forward is not modelled", node)
    bound = signatures.bind("input, weight, bias", list(args), dict(kwargs), "_conv_forward")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    x, w, b = bound["input"], bound["weight"], bound["bias"]
    own = layer.params.get("weight")
    for v in (x, w, b):
        if isinstance(v, Unknown):
            return v
    if not isinstance(w, (Tensor, Param)) or not isinstance(own, Param) or tuple(w.shape) != tuple(own.shape) \
            or not (b is None or isinstance(b, (Tensor, Param)) and tuple(b.shape) == tuple(w.shape[:1])):
        return it.unknown("_conv_forward with a weight or bias of another shape than the layer's", node)
    return lazy.tensors.call_unhooked(it, layer, [x], {}, node, False)


def _get_submodule(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    target = args[0] if args else ""
    if not isinstance(target, str):
        return it.unknown("get_submodule() of a non-string", node)
    cur: Any = layer
    for part in filter(None, target.split(".")):
        cur = cur.children.get(part) if isinstance(cur, Layer) else None
        if cur is None:
            return it.unknown(f"no submodule {target!r}", node)
    return cur


def _get_tensor(kind: str) -> Any:
    """``get_parameter("a.b.weight")`` / ``get_buffer(...)``: the tensor itself (a tie made with
    it shares the Parameter), or AttributeError as torch raises."""
    def get(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        target = args[0] if args else kwargs.get("target")
        if not isinstance(target, str):
            return target if isinstance(target, Unknown) else it.unknown(f"get_{kind}() of a non-string", node)
        path, _, name = target.rpartition(".")
        mod = _get_submodule(it, layer, [path], {}, node)
        if isinstance(mod, Unknown):
            return mod
        table = mod.params if kind == "parameter" else mod.buffers
        v = table.get(name)
        if isinstance(v, Param):
            return v
        if mod.uncertain is not None:
            return mod.uncertain
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises AttributeError: no {kind} {target!r}", node), "AttributeError")
    return get


def _set_training(it: Any, layer: Layer, mode: Any, node: Any) -> Any:
    """``m.train(mode)`` / ``m.eval()``: ``training`` on ``m`` and every submodule; returns ``m``."""
    if isinstance(mode, Unknown) or not isinstance(mode, bool):
        return mode if isinstance(mode, Unknown) else it.unknown("train() with a non-bool mode", node)
    for _, m in walk(layer):
        touch(it, m)
        m.attrs["training"] = mode
    return layer


def _unknown_result(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return it.unknown("result of a module method that reads weights or state", node)


_METHODS = {
    "parameters": _parameters, "named_parameters": _named_parameters, "buffers": _buffers,
    "named_buffers": lambda it, l, a, k, n: _once(it, named_params(l, buffers=True)),
    "modules": _modules, "named_modules": _named_modules, "children": _children, "named_children": _named_children,
    "add_module": _add_module, "register_module": _add_module, "register_buffer": _register_buffer,
    "register_parameter": _register_parameter, "apply": _apply,
    "to": _self, "cuda": _self, "cpu": _self, "float": _self, "double": _self, "half": _self, "bfloat16": _self,
    "train": lambda it, l, a, k, n: _set_training(it, l, a[0] if a else k.get("mode", True), n),
    "eval": lambda it, l, a, k, n: _set_training(it, l, False, n),
    "__setattr__": lambda it, l, a, k, n: it.set_attr(l, a[0], a[1], n) if len(a) == 2 and isinstance(a[0], str) else it.unknown("__setattr__() arguments", n),
    "__delattr__": lambda it, l, a, k, n: it.fw.del_attr(it, l, a[0], n) if len(a) == 1 and isinstance(a[0], str) else it.unknown("__delattr__() arguments", n),
    "type": _self, "share_memory": _self, "to_empty": _self,
    "requires_grad_": _requires_grad, "zero_grad": _none, "compile": _none, "reset_parameters": _none, "_reset_parameters": _none,
    "register_forward_hook": _register_hook("forward_hook"), "register_forward_pre_hook": _register_hook("forward_pre_hook"),
    "register_full_backward_hook": _none,
    "load_state_dict": _unknown_result, "state_dict": _unknown_result,
    "append": _append, "extend": _extend, "insert": _insert, "pop": _pop, "clear": _clear, "keys": _keys, "values": _values, "items": _items,
    "update": _update, "forward": _forward, "__call__": _call, "_conv_forward": _conv_forward, "get_submodule": _get_submodule,
    "get_parameter": _get_tensor("parameter"), "get_buffer": _get_tensor("buffer"),
    "extra_repr": lambda it, l, a, k, n: "",
}


# ---- containers --------------------------------------------------------------------------

def iterate_layer(it: Any, layer: Layer, node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    spec = layer.spec
    if spec is not None and spec.name in ("ModuleDict", "ParameterDict"):
        return list(_items_of(layer).keys())
    if spec is not None and spec.name in ("ParameterList",):
        return list(layer.params.values())
    if layer.framework == "keras" and spec is not None and spec.name == "Sequential":
        return [c for c in layer.children.values()]
    if spec is not None and spec.role == "container":
        return [c for c in layer.children.values()]
    return it.unknown(f"iterating a {layer.type_name}", node)


def getitem(it: Any, layer: Layer, index: Any, node: Any) -> Any:
    if layer.uncertain is not None:
        return layer.uncertain
    items = list(layer.children.items())
    if layer.spec is not None and layer.spec.name in ("ModuleDict", "ParameterDict"):
        v = layer.children.get(index, _MISSING) if isinstance(index, str) else _MISSING
        if v is _MISSING:
            v = layer.params.get(index, _MISSING) if isinstance(index, str) else _MISSING
        if v is _MISSING:
            return it.unknown(f"no key {index!r} in {layer.type_name}", node)
        return v
    if layer.spec is not None and layer.spec.name == "ParameterList":
        if not isinstance(index, int) or isinstance(index, bool):  # a slice is a new ParameterList
            return it.unknown("ParameterList index that is not an int", node)
        vals = list(layer.params.values())
        try:
            return vals[index]
        except (IndexError, TypeError):
            return it.unknown("ParameterList index", node)
    if isinstance(index, int) and not isinstance(index, bool):
        try:
            return items[index][1]
        except IndexError:
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises IndexError: index {index} out of range", node), "IndexError")
    if isinstance(index, slice):
        sub = Layer(layer.framework, None if layer.spec is not None and layer.spec.name in ("Sequential", "ModuleList") else layer.cls, layer.spec, layer.location)
        if layer.cls is not None and layer.spec is not None:
            sub.cls = None  # torch returns the base container type for slices of subclasses
        sub.node = layer.node
        sel = items[index]
        if layer.spec is not None and layer.spec.name == "ModuleList":
            for i, (_, m) in enumerate(sel):
                sub.children[str(i)] = m
        else:
            for k, m in sel:
                sub.children[k] = m
        return sub
    return it.unknown(f"{layer.type_name}[{type(index).__name__}]", node)


def setitem(it: Any, layer: Layer, index: Any, value: Any, node: Any) -> None:
    from paramlint.evaluate.framework import add_child

    if isinstance(index, int):
        keys = list(layer.children.keys())
        if -len(keys) <= index < len(keys):
            add_child(it, layer, keys[index], value, node)
            return
    elif isinstance(index, str):
        add_child(it, layer, index, value, node)
        return
    if layer.uncertain is None:
        layer.uncertain = it.unknown("item assignment on a container", node)


def binary(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    """``ModuleList + ModuleList`` and ``Sequential + Sequential``; other operators unknown."""
    if op == "Add" and isinstance(a, Layer) and isinstance(b, Layer) and a.spec is not None and a.spec.role == "container":
        out = Layer(a.framework, None, a.spec, a.location)
        out.node = a.node
        for i, m in enumerate([*a.children.values(), *b.children.values()]):
            out.children[str(i)] = m
        return out
    if op == "Add" and isinstance(a, Layer) and isinstance(b, (list, tuple)) and a.spec is not None and a.spec.name == "ModuleList":
        out = Layer(a.framework, None, a.spec, a.location)  # ModuleList.__add__ takes any iterable
        out.node = a.node
        for i, m in enumerate([*a.children.values(), *b]):
            from paramlint.evaluate.framework import add_child

            add_child(it, out, str(i), m, node)
        return out
    if op == "Add" and isinstance(a, Layer) and isinstance(b, list) and a.spec is not None and a.spec.role == "container":
        return it.unknown("container + list", node)
    return it.unknown(f"operator {op} on {type(a).__name__} and {type(b).__name__}", node)


def deepcopy_value(it: Any, v: Any, memo: Dict[int, Any]) -> Any:
    """``copy.deepcopy``: new parameter objects, shared structure preserved within the copy."""
    if id(v) in memo:
        return memo[id(v)]
    u = it.poison_of(v)  # changed under an unknown condition: so is its copy
    if u is not None:
        return u
    if isinstance(v, (Layer, Instance)) and v.cls is not None and any(
            it.fw.class_lookup(v.cls, hook) is not it.fw._MISSING for hook in ("__deepcopy__", "__reduce_ex__", "__reduce__", "__getstate__", "__setstate__")):
        return it.unknown(f"copy.deepcopy of a {v.cls.name}: its own copy hooks are not modelled", None)
    if isinstance(v, Param):
        out: Any = Param(v.shape, v.trainable, v.buffer, v.collection, v.variable)
    elif isinstance(v, Layer):
        out = Layer(v.framework, v.cls, v.spec, v.location)
        memo[id(v)] = out
        out.node = v.node
        out.args = dict(v.args)
        out.uncertain, out.built, out.name, out.input_shape = v.uncertain, v.built, v.name, v.input_shape
        out.children = {k: deepcopy_value(it, c, memo) for k, c in v.children.items()}
        out.params = {k: deepcopy_value(it, p, memo) for k, p in v.params.items()}
        out.buffers = {k: deepcopy_value(it, p, memo) for k, p in v.buffers.items()}
        out.attrs = {k: deepcopy_value(it, a, memo) for k, a in v.attrs.items()}
        return out
    elif isinstance(v, list):
        out = []
        memo[id(v)] = out
        out.extend(deepcopy_value(it, x, memo) for x in v)
        return out
    elif isinstance(v, tuple):
        out = tuple(deepcopy_value(it, x, memo) for x in v)
    elif isinstance(v, dict):
        out = {}
        memo[id(v)] = out
        out.update({k: deepcopy_value(it, x, memo) for k, x in v.items()})
        return out
    elif isinstance(v, Instance):
        out = Instance(v.cls)
        memo[id(v)] = out
        out.attrs = {k: deepcopy_value(it, a, memo) for k, a in v.attrs.items()}
        return out
    else:
        out = v
    memo[id(v)] = out
    return out


def shallow_copy(it: Any, v: Any) -> Any:
    """``copy.copy``: a new object whose attributes are the same objects. A copied torch
    module shares its ``_parameters``/``_modules`` dicts with the original, as in torch."""
    u = it.poison_of(v)  # changed under an unknown condition: so is its copy
    if u is not None:
        return u
    if isinstance(v, Layer):
        out = Layer(v.framework, v.cls, v.spec, v.location)
        out.node = v.node
        out.args = v.args
        out.children, out.params, out.buffers, out.attrs = v.children, v.params, v.buffers, dict(v.attrs)
        out.uncertain, out.built, out.name, out.input_shape = v.uncertain, v.built, v.name, v.input_shape
        return out
    if isinstance(v, Instance):
        out_i = Instance(v.cls)
        out_i.attrs = dict(v.attrs)
        return out_i
    if isinstance(v, list):
        return list(v)
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, set):
        return set(v)
    if isinstance(v, Param):
        return Param(v.shape, v.trainable, v.buffer, v.collection, v.variable)
    return v


def iadd(it: Any, layer: Layer, other: Any, node: Any) -> Any:
    """``container += other``: ``ModuleList.__iadd__`` extends in place (any iterable);
    ``Sequential.__iadd__`` appends another Sequential's modules in place."""
    spec = layer.spec
    if spec is not None and spec.name == "ModuleList" and layer.framework == "torch":
        _extend(it, layer, [other], {}, node)
        return layer
    if spec is not None and spec.name == "Sequential" and layer.framework == "torch" and isinstance(other, Layer) and other.spec is not None and other.spec.name == "Sequential":
        from paramlint.evaluate.framework import add_child

        offset = len(layer.children)
        for i, m in enumerate(list(other.children.values())):
            add_child(it, layer, str(i + offset), m, node)
        return layer
    return binary(it, "Add", layer, other, node)
