"""Attribute access and assignment on every kind of evaluator value."""

from __future__ import annotations

import collections
import copy
from typing import Any, Optional

import libcst as cst

from paramlint.evaluate.isolation import touch
from paramlint.evaluate.builtins import CONSTANTS, FUNCTIONAL
from paramlint.evaluate.keras_dtypes import policy as keras_policy
from paramlint.evaluate.keras_objects import ALIASES
from paramlint.evaluate import exceptions, library
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate import lazy_modules, typehints
from paramlint.evaluate.project import LazyImport, ModuleNS
from paramlint.evaluate.protocols import special_method
from paramlint.evaluate.values import (
    ReturnPair,
    BARE_BASES, BoundMethod, Builtin, Class, External, Function, Instance, Layer, Param, Partial, Tensor, Unknown,
)

_MISSING = object()
_DEQUE = collections.deque


def no_attr(it: Any, obj: Any, name: str, node: Any) -> Unknown:
    what = obj.name if isinstance(obj, (Class, ModuleNS)) else type(obj).__name__
    return it.unknown(f"no attribute {name!r} on {what}", node)


def bare_mro(cls: Class) -> bool:
    """Whether every class ``cls`` derives from is a project class or adds no attributes."""
    return all(isinstance(b, Class) or (isinstance(b, External) and b.qualname in BARE_BASES) for b in cls.mro())


def certain_miss(obj: Any, name: str) -> bool:
    """Whether a "no attribute" answer for ``obj.name`` is certain, as ``hasattr()`` and
    ``getattr(..., default)`` need: not for a dunder (``object`` and ``type`` supply many),
    not for a builtin function or type, a framework module, or a class with a base from
    outside the project (``dict``, ``Exception``, an enum) whose attributes are not listed."""
    if name[:2] == "__" and name[-2:] == "__":
        return False
    if isinstance(obj, (Instance, Class)):
        return bare_mro(obj.cls if isinstance(obj, Instance) else obj)
    if isinstance(obj, (Function, Partial, ModuleNS)):
        return True
    if isinstance(obj, (int, float, str, bool, tuple, range, type(None), list, dict, set, frozenset)):
        from paramlint.evaluate.iteration import Deque

        return not hasattr(_DEQUE if isinstance(obj, Deque) else type(obj), name)
    if isinstance(obj, Layer):
        return framework_has(obj, name) is False
    return False


def framework_has(layer: Layer, name: str) -> Optional[bool]:
    """Whether the framework's class of ``layer`` may have attribute ``name``
    (``catalog/attr_names.py``, read from torch and Keras): False means certainly not; None
    when not known (a class paramlint has no list for, a base from another library)."""
    from paramlint import catalog
    from paramlint.catalog.attr_names import NAMES

    per = NAMES.get(layer.framework)
    if per is None:
        return None
    if layer.cls is not None and any(isinstance(b, External) and catalog.lookup(b.qualname) is None
                                     for b in layer.cls.mro()):
        return None  # (a mixin from another library brings its own attributes)
    if name in per[""]:
        return True
    spec = layer.spec
    if spec is None or spec.role == "base" and spec.name in ("Module", "Layer"):
        return False
    extra = per.get(spec.name)
    return None if extra is None else name in extra


def get_attr(it: Any, obj: Any, name: str, node: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if type(obj) is ReturnPair and name in ("values", "indices"):
        return obj[0] if name == "values" else obj[1]
    if isinstance(obj, Layer):
        return it.fw.layer_get_attr(it, obj, name, node)
    if isinstance(obj, External):
        q = f"{obj.qualname}.{name}"
        if it.project.patched:
            v = it.project.patched.get(q, _MISSING)
            if v is not _MISSING:
                return v
        if q in CONSTANTS:
            return CONSTANTS[q]
        if q == "os.environ":
            return it.project.environ
        if name in ("__name__", "__qualname__"):
            from paramlint import catalog

            spec = catalog.lookup(obj.qualname)  # a framework class the catalog knows
            if spec is not None:
                return spec.name
            if obj.qualname in _MRO_TAILS or obj.qualname == FUNCTIONAL:
                return obj.qualname.rsplit(".", 1)[-1]
            return it.unknown(f"{obj.qualname}.{name}", node)
        if q in library.CLASSES:  # (``pl.LightningModule``: paramlint's model of the class)
            return library.modelled_class(it, q)
        return External(ALIASES.get(q, q))
    if isinstance(obj, ModuleNS):
        v = obj.ns.get(name, _MISSING)
        if v is _MISSING:
            sub = it.project.find(f"{obj.name}.{name}")
            if sub is not None:
                return it.import_module(sub.name)
            v = lazy_modules.star_lookup(it, obj, name)
            if v is not lazy_modules.MISSING:
                return v
            if obj.state == "loading":
                return it.unknown(f"{obj.name}.{name} is used during a circular import", node)
            return no_attr(it, obj, name, node)
        if isinstance(v, LazyImport):
            v = it.resolve_lazy(v)
            obj.ns[name] = v
        return v
    if isinstance(obj, Class):
        return class_attr(it, obj, name, node, None)
    if isinstance(obj, Instance):
        u = it.poison_of(obj)
        if u is not None:
            return u
        if isinstance(it.fw.class_lookup(obj.cls, "__getattribute__"), Function):
            return it.unknown(f"{obj.cls.name}.__getattribute__ is not modelled", node)
        v = obj.attrs.get(name, _MISSING)
        if v is not _MISSING:
            return v
        if name == "__class__":
            return obj.cls
        if name == "__dict__":  # live: self.__dict__.update(kwargs) sets attributes
            return instance_dict(it, obj, node)
        hook = it.fw.class_lookup(obj.cls, "__getattr__")  # Python's fallback for a miss
        if not isinstance(hook, Function):
            return class_attr(it, obj.cls, name, node, obj)
        from paramlint.evaluate.interpreter import Raised

        try:
            v = class_attr(it, obj.cls, name, node, obj)
        except Raised as r:  # (a property raising AttributeError falls back too)
            m = exceptions.raised_is(it, r, "AttributeError")
            if m is None:
                return it.unknown(f"whether {obj.cls.name}.{name} raised AttributeError", node)
            if not m:
                raise
            v = it.unknown("no attribute (raised AttributeError)", node)
        if isinstance(v, Unknown) and v.reason.startswith("no attribute"):
            return it.call(hook, [obj, name], {}, node)
        return v
    if isinstance(obj, (Tensor, Param)):
        return it.fw.tensor_attr(it, obj, name, node)
    if isinstance(obj, Function):
        v = obj.attrs.get(name, _MISSING)
        if v is not _MISSING:
            return v
        if name == "__name__":
            return obj.name
        if name == "__qualname__":
            c = obj.closure
            if c is None or (c.parent is None and not c.is_class):
                return obj.name if obj.owner is None else (f"{obj.owner.name}.{obj.name}" if obj.owner.env is not None and obj.owner.env.parent is None else it.unknown("__qualname__ of a nested method", node))
            return it.unknown(f"__qualname__ of the nested function {obj.name}", node)
        if name == "__module__":
            return obj.module.name
        if name == "__doc__":
            return None
        if obj.kind == "property" and name in ("setter", "getter", "deleter"):
            return Builtin(f"property.{name}", lambda it2, a, k, n: _property_part(obj, name, a[0] if a else None))
        return no_attr(it, obj, name, node)
    if isinstance(obj, Partial):
        if name == "func":
            return obj.func
        if name == "args":
            return obj.args
        if name == "keywords":
            return dict(obj.kwargs)
        return no_attr(it, obj, name, node)
    if isinstance(obj, it.fw.Super):
        return it.fw.super_attr(it, obj, name, node)
    if isinstance(obj, (Builtin, BoundMethod)):
        if name == "__name__":
            return obj.name if isinstance(obj, Builtin) else get_attr(it, obj.func, name, node)
        return no_attr(it, obj, name, node)
    own = getattr(obj, "attr", None)
    if own is not None and not isinstance(obj, (str, list, dict, tuple, set, int, float)):
        u = it.poison_of(obj)  # (e.g. a set changed under an unknown condition: havoc)
        if u is not None:
            return u
        return own(it, name, node)  # evaluator-internal objects (inspect.Signature...)
    u = it.poison_of(obj)
    if u is not None:
        return u
    return lazy.methods.method(it, obj, name, node)


def class_attr(it: Any, cls: Class, name: str, node: Any, instance: Any) -> Any:
    """Look ``name`` up along the MRO; bind functions to ``instance`` (or the class)."""
    if name == "__name__":
        return cls.name
    if name == "__qualname__":
        env = cls.env  # a class inside a class or a function has a dotted qualname
        return cls.name if env is None or (env.parent is None and not env.is_class) else it.unknown(
            f"__qualname__ of the nested class {cls.name}", node)
    if name == "__module__":
        return cls.module.name
    if name == "__class__" and instance is None:
        return External("builtins.type")
    if name == "__init__":
        owner = lazy.records.generated_init_owner(it, cls)
        if owner is not None:  # the ``__init__`` that ``dataclass()`` put in the class
            return lazy.records.generated_init(owner, instance) if instance is not None else lazy.records.unbound_init(owner)
    if name == "__doc__" and "__doc__" not in (cls._ns if cls._ns is not None else it.fw.materialize(it, cls)):
        body = cls.node.body.body if isinstance(cls.node.body, cst.IndentedBlock) else ()
        first = body[0].body[0] if body and isinstance(body[0], cst.SimpleStatementLine) and body[0].body else None
        if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            return first.value.evaluated_value  # a class's own docstring; never inherited
        if "dataclass" in cls.flags:  # dataclass() writes one from the signature
            return it.unknown(f"the docstring dataclass() generates for {cls.name}", node)
        return None
    if name == "__mro__" and instance is None:
        return mro_tuple(it, cls, node)
    if name == "__bases__" and instance is None:
        return tuple(cls.bases) if cls.bases else (External("builtins.object"),)
    if name == "__annotations__" and instance is None:
        return typehints.own(it, cls, node)
    if name == "__dict__" and instance is None:  # the class's own namespace (type's descriptor wins)
        ns = cls._ns if cls._ns is not None else it.fw.materialize(it, cls)
        for k, v in list(ns.items()):
            if isinstance(v, LazyImport):
                ns[k] = it.resolve_lazy(v)
        return ns
    for base in cls.mro():
        if isinstance(base, Class):
            ns = base._ns if base._ns is not None else it.fw.materialize(it, base)
            v = ns.get(name, _MISSING)
            if v is _MISSING:
                continue
            if isinstance(v, LazyImport):
                v = it.resolve_lazy(v)
                ns[name] = v
            return bind(it, v, instance, cls, node)
        if isinstance(base, Unknown):
            return base
    mixin = lazy.abcs.mapping_mixin(it, cls, instance, name, node)
    if mixin is not None:
        return mixin
    if instance is None and it.fw.framework_base(cls) is not None:
        return External(f"{it.fw.framework_base(cls)}.{name}")
    if cls.uncertain is not None:
        return cls.uncertain
    return no_attr(it, cls, name, node)


#: The MRO beyond a framework or builtin base, for the bases whose MRO does not change with the
#: framework's version (a Keras ``Layer``'s does: its ``__mro__`` is not known).
_MRO_TAILS = {
    "builtins.object": (),
    "torch.nn.Module": ("torch.nn.Module", "builtins.object"),
    "torch.nn.modules.module.Module": ("torch.nn.Module", "builtins.object"),
    "typing.Generic": ("typing.Generic", "builtins.object"),
}


def mro_tuple(it: Any, cls: Class, node: Any) -> Any:
    """``cls.__mro__``: the project classes, then each framework base's known MRO."""
    out: list = []
    for b in cls.mro():
        if isinstance(b, Class):
            out.append(b)
            continue
        tail = _MRO_TAILS.get(b.qualname) if isinstance(b, External) else None
        if tail is None:
            return it.unknown(f"__mro__ of {cls.name}: the bases of {getattr(b, 'qualname', b)!s} are not modelled", node)
        out.extend(External(q) for q in tail if all(not (isinstance(x, External) and x.qualname == q) for x in out))
    if not any(isinstance(x, External) and x.qualname == "builtins.object" for x in out):
        out.append(External("builtins.object"))
    return tuple(out)


def bind(it: Any, v: Any, instance: Any, cls: Class, node: Any) -> Any:
    if isinstance(v, Function):
        if v.kind == "staticmethod":
            return v
        if v.kind == "classmethod":
            return BoundMethod(v, cls)
        if v.kind == "property":
            return it.call(v, [instance], {}, node) if instance is not None else v
        if v.kind == "cached_property":
            if instance is None:
                return v
            r = it.call(v, [instance], {}, node)
            if not isinstance(r, Unknown) and isinstance(instance, (Instance, Layer)):
                touch(it, instance)  # into the instance __dict__ (no __setattr__: torch registers nothing)
                instance.attrs[v.name] = r
            return r
        return BoundMethod(v, instance) if instance is not None else v
    if isinstance(v, Partial) and instance is not None:
        return v
    if isinstance(v, Instance):  # a descriptor: ``type(v).__get__(v, instance, owner)``
        get = special_method(it, v, "__get__")
        if get is not None:
            return it.call(get, [v, instance, cls], {}, node)
    return v


def instance_dict(it: Any, obj: Any, node: Any) -> Any:
    """``obj.__dict__``, live. Where the class defines properties a name written there would
    be read past its property (Python's data descriptors win): not modelled."""
    cls = obj.cls
    if cls is not None:
        for b in cls.mro():
            if isinstance(b, Class) and b._ns is not None and any(
                    isinstance(v, Function) and v.kind == "property" for v in b._ns.values()):
                return it.unknown(f"__dict__ of a {cls.name}, whose class has properties", node)
    return obj.attrs


def _property_part(prop: Function, part: str, fn: Any) -> Any:
    """``@w.setter`` (``getter``, ``deleter``): a new property (Python's ``property.setter``
    makes a copy: a subclass's ``@Base.w.setter`` leaves ``Base.w`` as it was)."""
    new = copy.copy(prop) if part != "getter" else fn
    if not isinstance(new, Function):
        return fn
    new.attrs = {**prop.attrs, **new.attrs} if part == "getter" else dict(prop.attrs)
    new.kind = "property"
    if part != "getter":
        new.attrs[f"__{part}__"] = fn
    return new


def _through_property(it: Any, obj: Any, name: str, value: Any, node: Any) -> bool:
    """``obj.name = value`` where the class defines ``name`` as a property: its setter runs
    (Python's data descriptors win over the instance dict); without one Python raises."""
    cls = getattr(obj, "cls", None)
    if cls is None or name.startswith("__"):
        return False
    prop = it.fw.class_lookup(cls, name)
    if isinstance(prop, Instance):  # a data descriptor's __set__ wins over the instance dict
        setter = special_method(it, prop, "__set__")
        if setter is None:
            return False
        it.call(setter, [prop, obj, value], {}, node)
        return True
    if not isinstance(prop, Function) or prop.kind != "property":
        return False
    setter = prop.attrs.get("__setter__")
    if setter is None:
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises AttributeError: property {name!r} has no setter", node), "AttributeError")
    it.call(setter, [obj, value], {}, node)
    return True


def _routes_to_object_setattr(hook: Any) -> bool:
    """Whether a class's own ``__setattr__`` calls ``object.__setattr__`` (it can then store a
    property's value past torch's ``Module.__setattr__``)."""
    from paramlint.evaluate.havoc import children

    if not isinstance(hook, Function) or not isinstance(hook.node, cst.FunctionDef):
        return False
    stack: list = [hook.node.body]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Attribute) and n.attr.value == "__setattr__" and isinstance(n.value, cst.Name) \
                and n.value.value == "object":
            return True
        stack.extend(children(n))
    return False


def set_attr(it: Any, obj: Any, name: str, value: Any, node: Any) -> None:
    touch(it, obj)
    if isinstance(obj, (Instance, Layer)) and not isinstance(value, (Layer, Param)) and _through_property(it, obj, name, value, node):
        return
    prop = it.fw.class_lookup(obj.cls, name) if isinstance(obj, Layer) and obj.framework == "keras" and obj.cls is not None else None
    if isinstance(prop, Function) and prop.kind == "property":
        # A layer or weight set through a property: Keras tracks it, then object.__setattr__
        # runs the setter -- except on the torch backend, where torch's Module.__setattr__
        # stores a layer under the property's name instead. A class whose own __setattr__
        # calls object.__setattr__ routes around that (keras-hub's Task and Backbone, for
        # properties); otherwise the figures depend on the backend.
        _through_property(it, obj, name, value, node)
        if isinstance(value, Layer) and not _routes_to_object_setattr(it.fw.class_lookup(obj.cls, "__setattr__")):
            why = "a layer set through a property (Keras's torch backend stores it under the property's name, the others run the setter)"
        elif not any(v is value for v in (*obj.children.values(), *obj.params.values())):
            why = "set through a property that does not keep it (Keras tracks it anyway)"
        else:
            return
        if obj.uncertain is None:
            obj.uncertain = it.unknown(f"{obj.type_name}.{name}: {why}", node)
        return
    if isinstance(obj, Layer):
        if name == "dtype_policy" and obj.framework == "keras":  # Keras's setter: the policy it names
            obj.attrs["__dtype__"] = keras_policy(it, value, node)
            return
        it.fw.layer_set_attr(it, obj, name, value, node)
    elif isinstance(obj, Instance):
        if "namedtuple" in obj.cls.flags or "frozen" in obj.cls.flags and any(
                "dataclass" in b.flags for b in obj.cls.mro() if isinstance(b, Class)):
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises AttributeError: cannot assign to field {name!r} of {obj.cls.name}", node), "AttributeError")
        if name == "__class__":  # instance layouts are not modelled: what it becomes is unknown
            it.poison(obj, it.unknown("__class__ assignment", node))
            return
        hook = it.fw.class_lookup(obj.cls, "__setattr__")
        if isinstance(hook, Function):  # the class's own __setattr__ decides
            r = it.call(class_attr(it, obj.cls, "__setattr__", node, obj), [name, value], {}, node)
            if isinstance(r, Unknown):
                it.poison(obj, r)
            return
        obj.attrs[name] = value
    elif isinstance(obj, Class):
        ns = obj._ns if obj._ns is not None else it.fw.materialize(it, obj)
        if "enum" in obj.flags and isinstance(ns.get("__members__"), dict) and name in ns["__members__"]:
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises AttributeError: cannot reassign member {name!r}", node), "AttributeError")
        ns[name] = value
    elif isinstance(obj, ModuleNS):
        obj.ns[name] = value
    elif isinstance(obj, Function):
        obj.attrs[name] = value
    elif isinstance(obj, Param):
        if name == "requires_grad":
            if isinstance(value, Unknown):
                obj.trainable = None  # type: ignore[assignment]
            elif type(value) is not bool:  # (torch's setter takes a bool only)
                from paramlint.evaluate.interpreter import Raised

                raise Raised(it.unknown("raises RuntimeError: requires_grad must be a bool", node), "RuntimeError")
            else:
                obj.trainable = value
        elif name == "trainable":
            # a Keras variable's setter freezes it; on a torch Parameter it is a plain attribute
            # (the weight is not told apart here): unknown either way
            obj.trainable = None  # type: ignore[assignment]
        elif name == "data":
            # ``p.data = t`` swaps the parameter's storage: it takes t's shape (torch counts
            # ``p.numel()`` of the new data), for every module that shares p.
            shape = getattr(value, "shape", None) if isinstance(value, (Tensor, Param)) else None
            if isinstance(shape, tuple):
                obj.shape = shape
            else:
                u = value if isinstance(value, Unknown) else it.unknown(f"{name} set to a {type(value).__name__}", node)
                obj.shape = (u,)
    elif isinstance(obj, External):  # monkeypatching a library (``nn.LayerNorm = MyNorm``)
        touch(it, it.project.patched)
        it.project.patched[f"{obj.qualname}.{name}"] = value
    elif isinstance(obj, Unknown):
        if obj.aliases:  # ``setattr(b, "items", v)`` where ``b`` may be ``a``
            it.fw.may_mutate(it, list(obj.aliases), obj)
        return
    else:
        return
