"""``isinstance`` against the abstract collection types (``collections.abc.Iterable``,
``typing.Sequence``, ``numbers.Integral``...), answered from what each evaluator value is.

Model code checks ``isinstance(kernel_size, Iterable)`` or ``isinstance(x, Sequence)`` to
normalise arguments; an answer we cannot give exactly is Unknown, never a guess.
"""

from __future__ import annotations

from typing import Any, Optional

from paramlint.evaluate.values import (
    BoundMethod, Builtin, Class, External, Function, Instance, Layer, Param, Partial, Tensor, Unknown,
)

_ALIASES = {
    "typing.Iterable": "Iterable", "typing.Sequence": "Sequence", "typing.Mapping": "Mapping",
    "typing.MutableMapping": "MutableMapping", "typing.MutableSequence": "MutableSequence",
    "typing.Callable": "Callable", "typing.Sized": "Sized", "typing.Collection": "Collection",
    "typing.Container": "Container", "typing.Hashable": "Hashable", "typing.List": "list", "typing.Tuple": "tuple",
    "typing.Dict": "dict", "typing.Set": "set", "typing.FrozenSet": "frozenset", "typing.Iterator": "Iterator",
    "numbers.Number": "Number", "numbers.Integral": "Integral", "numbers.Real": "Real", "numbers.Complex": "Number",
    "numbers.Rational": "Integral",
}
for _n in ("Iterable", "Sequence", "Mapping", "MutableMapping", "MutableSequence", "Callable", "Sized", "Collection",
           "Container", "Hashable", "Iterator", "Set", "MutableSet"):
    _ALIASES[f"collections.abc.{_n}"] = _n
    _ALIASES.setdefault(f"typing.{_n}", _n)

_PLAIN_TYPES = {
    "Iterable": (list, tuple, dict, set, frozenset, str, range, bytes),
    "Collection": (list, tuple, dict, set, frozenset, str, range, bytes),
    "Container": (list, tuple, dict, set, frozenset, str, range, bytes),
    "Sized": (list, tuple, dict, set, frozenset, str, range, bytes),
    "Sequence": (list, tuple, str, range, bytes),
    "MutableSequence": (list,),
    "Mapping": (dict,),
    "MutableMapping": (dict,),
    "Set": (set, frozenset),
    "MutableSet": (set,),
    "Iterator": (),
    "Hashable": (int, float, bool, str, tuple, frozenset, type(None), range, bytes),
    "list": (list,), "tuple": (tuple,), "dict": (dict,), "set": (set,), "frozenset": (frozenset,),
    "Number": (int, float), "Integral": (int,), "Real": (int, float),
}
#: Methods whose presence makes a class an instance of the ABC (``__subclasshook__``).
_HOOKS = {"Iterable": "__iter__", "Sized": "__len__", "Callable": "__call__", "Hashable": "__hash__", "Container": "__contains__"}
_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict")


def abc_name(qualname: str) -> Optional[str]:
    return _ALIASES.get(qualname)


def matches(it: Any, v: Any, target: External) -> Any:
    """True/False/Unknown for ``isinstance(v, target)`` with an ABC target; None if the
    target is not an ABC this module knows."""
    name = abc_name(target.qualname)
    if name is None:
        return None
    if isinstance(v, bool) or isinstance(v, (int, float, str, tuple, list, dict, set, frozenset, range, bytes, type(None))):
        if name == "Callable":
            return False
        return isinstance(v, _PLAIN_TYPES[name])
    from paramlint.evaluate.iterators import Iterator as _Iterator

    if isinstance(v, _Iterator):
        return name in ("Iterable", "Iterator")
    if isinstance(v, (Function, BoundMethod, Builtin, Partial, Class)):
        if name == "Callable":
            return True
        if name == "Hashable":
            return True
        if isinstance(v, Class):
            # a class is an instance of its metaclass: ``type`` (nothing iterable), EnumMeta
            if "enum" in v.flags:
                return name in ("Iterable", "Sized", "Container", "Collection")
            if any(getattr(k.keyword, "value", None) == "metaclass" for k in getattr(v.node, "keywords", ())):
                return it.unknown(f"isinstance of a class with a metaclass against {target.qualname}", None)
            return False
        return False
    if isinstance(v, (Tensor, Param)):
        if name in ("Iterable", "Sized", "Container", "Hashable"):
            return True
        return False if name in _PLAIN_TYPES or name == "Callable" else it.unknown(f"isinstance(tensor, {target.qualname})", None)
    if isinstance(v, (Instance, Layer)):
        cls = v.cls
        if isinstance(v, Instance) and cls is not None and "namedtuple" in cls.flags:
            return name != "Callable" and isinstance((), _PLAIN_TYPES[name]) if name in _PLAIN_TYPES else False
        if cls is not None:
            if any(isinstance(b, External) and abc_name(b.qualname) == name for b in cls.mro()):
                return True
            from paramlint.evaluate.framework import class_lookup, materialize

            if name == "Hashable" and isinstance(v, Instance):
                return _hashable(it, cls)
            hooks = _ALL_HOOKS.get(name) or ((_HOOKS[name],) if name in _HOOKS else ())
            if hooks:
                materialize(it, cls)
                if all(class_lookup(cls, h) is not _MISSING_SENTINEL() for h in hooks):
                    return True
        if isinstance(v, Layer):
            if name == "Callable" or name == "Hashable":
                return True
            if name in ("Iterable", "Sized", "Container") and v.spec is not None and v.spec.name in _CONTAINERS:
                return True
            if v.framework != "torch":
                return it.unknown(f"isinstance of a {v.framework} layer against {target.qualname}", None)
            return False
        # a plain user object: only what its class says (or inherits from a builtin we do not model)
        if cls is not None and any(not isinstance(b, Class) and not (isinstance(b, External) and b.qualname == "builtins.object") for b in cls.mro()[1:]):
            return it.unknown(f"isinstance of {cls.name} against {target.qualname}", None)
        return name == "Hashable"
    if isinstance(v, Unknown):
        return v
    return it.unknown(f"isinstance of a {type(v).__name__} against {target.qualname}", None)


#: ABCs whose ``__subclasshook__`` wants several methods.
_ALL_HOOKS = {"Collection": ("__len__", "__iter__", "__contains__")}


def _hashable(it: Any, cls: Class) -> Any:
    """``isinstance(obj, Hashable)``: ``__hash__`` is not None along the MRO; a class defining
    ``__eq__`` without ``__hash__`` (a plain dataclass too) sets it to None."""
    from paramlint.evaluate.framework import materialize

    for b in cls.mro():
        if not isinstance(b, Class):
            return True if isinstance(b, External) and b.qualname == "builtins.object" else it.unknown(
                f"isinstance of {cls.name} against Hashable", None)
        if "dataclass" in b.flags and "eq_false" not in b.flags and "frozen" not in b.flags:
            return False
        ns = materialize(it, b)
        if "__hash__" in ns:
            return ns["__hash__"] is not None
        if "__eq__" in ns:
            return False
    return True


def _MISSING_SENTINEL() -> Any:
    from paramlint.evaluate.framework import _MISSING

    return _MISSING


# ---- mixin methods a user class inherits from Mapping / MutableMapping ----------------------

_MAPPING_MIXINS = ("keys", "items", "values", "get", "__contains__")


def mapping_mixin(it: Any, cls: Class, instance: Any, name: str, node: Any) -> Any:
    """``keys``/``items``/``values``/``get``/``__contains__`` of a user class deriving from
    ``Mapping`` (or ``MutableMapping``), built as the ABC builds them on its ``__getitem__``
    and ``__iter__``; None when ``cls`` has no such base or ``name`` is not one of them. The
    views are snapshots (Python's are live)."""
    if name not in _MAPPING_MIXINS or instance is None:
        return None
    if not any(isinstance(b, External) and abc_name(b.qualname) in ("Mapping", "MutableMapping") for b in cls.mro()):
        return None
    from paramlint.evaluate import protocols

    def lookup(it2: Any, key: Any, default: Any, n: Any) -> Any:
        from paramlint.evaluate.interpreter import Raised

        it2.try_depth += 1  # a KeyError from __getitem__ must reach us, not end the call
        try:
            return protocols.subscript(it2, instance, key, n)
        except Raised as r:
            if r.exc == "KeyError":
                return default
            if it2.try_depth > 1:
                raise
            return r.unknown
        finally:
            it2.try_depth -= 1

    def keys(it2: Any, n: Any) -> Any:
        return protocols.iterate(it2, instance, n)

    def call(it2: Any, args: list, kwargs: dict, n: Any) -> Any:
        if name == "get":
            if not 1 <= len(args) <= 2 or kwargs:
                return it2.unknown("get() takes a key and an optional default", n)
            return lookup(it2, args[0], args[1] if len(args) > 1 else None, n)
        if name == "__contains__":
            missing = object()
            if len(args) != 1 or kwargs:
                return it2.unknown("__contains__() takes one key", n)
            v = lookup(it2, args[0], missing, n)
            return v if isinstance(v, Unknown) else v is not missing
        if args or kwargs:
            return it2.unknown(f"{name}() takes no arguments", n)
        ks = keys(it2, n)
        if isinstance(ks, Unknown) or name == "keys":
            return ks if isinstance(ks, Unknown) else list(ks)
        vals = []
        for k in ks:
            v = protocols.subscript(it2, instance, k, n)
            if isinstance(v, Unknown):
                return v
            vals.append((k, v) if name == "items" else v)
        return vals

    return Builtin(f"{cls.name}.{name}", call)
