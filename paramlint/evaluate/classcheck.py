"""``isinstance``/``issubclass`` over evaluator values: user classes (by MRO), catalog
layers (by spec, including the framework's base classes), builtins, ABCs and a few stdlib
types. An answer that cannot be given exactly is Unknown."""

from __future__ import annotations

from typing import Any, Optional

from paramlint import catalog
from paramlint.evaluate import exceptions, keras_objects
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import (
    IDENTITY_BASES, BoundMethod, Builtin, Class, Environ, ExceptionValue, External, Function, first_set, GenericAlias, Instance, Layer, ObjectId, Param, Partial, Tensor, TypeUnion, Unknown,
)


_BUILTIN_TYPES = {
    "int", "float", "str", "bool", "list", "tuple", "dict", "set", "frozenset", "type", "object", "range", "bytes",
    "slice", "enumerate", "zip", "map", "filter", "reversed", "staticmethod", "classmethod", "property", "super",
}


def _class_matches(it: Any, v: Any, target: Any) -> Any:
    """isinstance(v, target) for one target class."""
    if isinstance(target, Unknown):
        return target
    if isinstance(v, ExceptionValue):
        m = exceptions.catches(it, target, v.name if v.cls is None else None, v.cls)
        if m is not None:
            return m
        if isinstance(target, Builtin) and target.name in ("object", "type"):
            return target.name == "object"
        return it.unknown("isinstance of an exception against a class that is not modelled", None)
    if isinstance(target, Builtin) and target.name == "type":
        if isinstance(v, Class):
            return True
        if isinstance(v, Builtin):
            return v.name in _BUILTIN_TYPES or v.name.endswith(("Error", "Exception", "Warning")) or v.name == "StopIteration"
        if isinstance(v, External) and catalog.lookup(v.qualname) is not None:
            return True  # a framework layer class
        if isinstance(v, (External, Unknown)):
            return it.unknown("isinstance(x, type) of a name from outside the project", None)
        return False
    if isinstance(target, Builtin):
        py = {"int": int, "float": (int, float) if False else float, "str": str, "bool": bool, "list": list,
              "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset}.get(target.name)
        if py is None:
            return it.unknown(f"isinstance against {target.name}", None)
        if isinstance(v, Instance):
            return subclass_of_builtin(it, v.cls, target.name)
        if target.name == "int":
            return isinstance(v, int)
        if target.name == "dict" and isinstance(v, Environ):
            return False  # os.environ is a Mapping, not a dict
        return isinstance(v, py)
    if isinstance(target, External):
        r = lazy.abcs.matches(it, v, target)
        if r is not None:
            return r
        r = keras_objects.is_instance(v, target.qualname)
        if r is not None:
            return r
    if isinstance(v, (Instance, Layer)):
        cls = v.cls
        if isinstance(target, Class):
            return cls is not None and target in cls.mro()
        if isinstance(target, External):
            if target.qualname.startswith("torchmetrics."):  # (its class hierarchy is not in the catalog)
                return it.unknown(f"isinstance against {target.qualname}", None)
            spec = catalog.lookup(target.qualname)
            if spec is None:
                if target.qualname in ("builtins.object",) or (cls is not None and target in cls.mro()):
                    return True
                family = _private_base(target.qualname)
                if family is not None and isinstance(v, Layer) and v.spec is not None:
                    return v.spec.framework == "torch" and v.spec.name in family
                if target.qualname in ("types.FunctionType",):
                    return False
                return it.unknown(f"isinstance against {target.qualname}", None)
            if not isinstance(v, Layer):
                return False
            if spec.framework != v.framework:
                return False
            if spec.role == "base" and not _is_keras_model(spec):
                return True  # (every module is an nn.Module, every Keras layer a Layer)
            return v.spec is not None and spec_derives(v.spec, spec)
        return False
    if isinstance(target, External):
        q = target.qualname
        if q in ("types.FunctionType", "types.MethodType"):
            return isinstance(v, (Function, BoundMethod))
        if q == "functools.partial":
            return isinstance(v, Partial)
        if q in ("torch.Tensor", "torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            if q.endswith("Parameter"):
                return isinstance(v, Param)
            return isinstance(v, (Tensor, Param))
        if q == "builtins.object":
            return True
        if isinstance(v, (int, float, str, bool, type(None), list, tuple, dict)):
            if catalog.lookup(q) is not None:
                return False
            if q.startswith(("typing.", "collections.abc.")):
                return it.unknown(f"isinstance against {q}", None)
        if isinstance(v, (Tensor, Param, Class, Function, BoundMethod, Partial, Builtin)) and catalog.lookup(q) is not None:
            return False  # a tensor, a class or a function is never a layer instance
        return it.unknown(f"isinstance against {q}", None)
    if isinstance(target, Class):
        return False
    return it.unknown("isinstance against a non-class", None)


#: Bases from outside the project that make a class a subclass of a builtin type.
_BUILTIN_OF = {
    "typing.NamedTuple": "tuple", "collections.namedtuple": "tuple", "typing_extensions.NamedTuple": "tuple",
    "enum.IntEnum": "int", "enum.IntFlag": "int", "enum.StrEnum": "str",
}


def _builtin_type(name: str) -> Optional[type]:
    import builtins

    t = getattr(builtins, name, None) if name in _BUILTIN_TYPES or name.endswith(("Error", "Exception", "Warning")) else None
    return t if isinstance(t, type) else None


def subclass_of_builtin(it: Any, cls: Class, name: str) -> Any:
    """``issubclass(cls, <builtin type name>)`` for a project class: through its builtin bases
    (``class Act(str, Enum)``, a NamedTuple is a tuple); Unknown past a base it cannot see."""
    want = _builtin_type(name)
    if want is None:
        return it.unknown(f"issubclass against {name}", None)
    if want is object:
        return True
    unknown = None
    for b in cls.mro():
        have: Optional[type] = None
        if isinstance(b, Builtin):
            have = _builtin_type(b.name)
        elif isinstance(b, External):
            q = _BUILTIN_OF.get(b.qualname)
            have = _builtin_type(q) if q else None
            if have is None and b.qualname not in IDENTITY_BASES:
                unknown = it.unknown(f"the bases of {b.qualname} are not modelled", None)
        elif isinstance(b, Class):
            if "namedtuple" in b.flags:
                have = tuple
        else:
            unknown = it.unknown("a base class is unknown", None)
        if have is not None and issubclass(have, want):
            return True
    return unknown if unknown is not None else False


def _private_base(qualname: str) -> Optional[frozenset]:
    """The catalog layers deriving from a torch private base class (``_BatchNorm``...), or None."""
    if not qualname.startswith("torch.nn.modules."):
        return None
    from paramlint.catalog.torch import PRIVATE_BASES

    return PRIVATE_BASES.get(qualname)


def is_type_like(v: Any) -> bool:
    """An operand of a PEP 604 union (``X | None``)."""
    return (v is None or isinstance(v, (Class, External, TypeUnion, GenericAlias))
            or isinstance(v, Builtin) and v.name in _BUILTIN_TYPES)


def _targets(target: Any) -> tuple:
    out: list = []
    for t in target if isinstance(target, tuple) else (target,):
        if isinstance(t, TypeUnion):
            out.extend(t.members)
        else:
            out.append(t)
    return tuple(out)


def isinstance_of(it: Any, v: Any, target: Any, node: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    if type(v) is ObjectId:
        v = 1 << 47  # an id() is an int like any other (which one is not known)
    targets = _targets(target)
    unknown = None
    for t in targets:
        if t is None:  # ``X | None``: NoneType
            if v is None:
                return True
            continue
        r = _class_matches(it, v, t)
        if isinstance(r, Unknown):
            unknown = unknown if unknown is not None else Unknown(r.reason, it.loc(node))
        elif r:
            return True
    return unknown if unknown is not None else False


def issubclass_of(it: Any, c: Any, target: Any, node: Any) -> Any:
    if isinstance(c, Unknown):
        return c
    targets = _targets(target)
    unknown = None
    for t in targets:
        if isinstance(t, Unknown):
            unknown = t
            continue
        if isinstance(t, External) and t.qualname == "builtins.object" and isinstance(c, (Class, Builtin)):
            return True
        if isinstance(t, Builtin) and exceptions.is_builtin_exception(t.name) and isinstance(c, (Class, Builtin)):
            if isinstance(c, Builtin):
                if exceptions.is_builtin_exception(c.name) and exceptions.builtin_is(c.name, t.name):
                    return True
                continue
            r = exceptions.class_is(it, c, t.name) if "exception" in c.flags else _unseen_bases(it, c, node)
            if r is True:
                return True
            if isinstance(r, Unknown):
                unknown = r
            continue
        if isinstance(t, Builtin) and _builtin_type(t.name) is not None and isinstance(c, (Class, Builtin)):
            if isinstance(c, Class):
                r = subclass_of_builtin(it, c, t.name)
            else:
                have = _builtin_type(c.name)
                want = _builtin_type(t.name)
                r = issubclass(have, want) if have is not None and want is not None else it.unknown(f"issubclass({c.name}, ...)", node)
            if r is True or isinstance(r, Unknown):
                return r
            continue
        if isinstance(c, Class):
            if isinstance(t, Class) and t in c.mro():
                return True
            if isinstance(t, External) and any(isinstance(b, External) and b == t for b in c.mro()):
                return True
            if isinstance(t, External):
                spec = catalog.lookup(t.qualname)
                if spec is not None and c.spec is not None and spec.framework == c.framework and spec_derives(c.spec, spec):
                    return True
                r = _unseen_bases(it, c, node)
                if isinstance(r, Unknown):
                    unknown = r
        elif isinstance(c, External) and isinstance(t, External):
            if c == t:
                return True
            a, b = catalog.lookup(c.qualname), catalog.lookup(t.qualname)
            if a is not None and b is not None:
                if a.framework == b.framework and spec_derives(a, b):
                    return True
                continue
            return it.unknown(f"issubclass({c.qualname}, {t.qualname})", node)
        elif isinstance(c, External) and catalog.lookup(c.qualname) is None:
            # a library class against a builtin (OrderedDict is a dict, JSONDecodeError a ValueError)
            unknown = first_set(unknown, it.unknown(f"issubclass({c.qualname}, ...): its bases are not modelled", node))
        elif isinstance(c, Builtin) and isinstance(t, External) and catalog.lookup(t.qualname) is None:
            # a builtin against a library class or ABC (dict is a collections.abc.MutableMapping)
            unknown = first_set(unknown, it.unknown(f"issubclass({c.name}, {t.qualname})", node))
    return unknown if unknown is not None else False


def _is_keras_model(spec: Any) -> bool:
    return spec.framework == "keras" and spec.name == "Model"


def spec_derives(a: Any, b: Any) -> bool:
    """Whether catalog class ``a`` is ``b`` or derives from it, as the framework has them: every
    layer from its base (``nn.Module``, ``keras.layers.Layer``), only models from ``keras.Model``,
    an LSTM from ``layers.RNN``, a LazyLinear from ``nn.Linear`` (catalog/subclasses.py)."""
    from paramlint.catalog.subclasses import BASES

    if a.framework != b.framework:
        return False
    if b.role == "base" and not _is_keras_model(b):
        return True
    return a is b or a.name == b.name or b.name in BASES.get(a.framework, {}).get(a.name, ())


def _unseen_bases(it: Any, c: Class, node: Any) -> Any:
    """False, or Unknown when a base of ``c`` comes from outside the project and is neither a
    catalog class nor one known to add nothing: its own bases are not seen."""
    for b in c.mro():
        if isinstance(b, External) and b.qualname not in IDENTITY_BASES and catalog.lookup(b.qualname) is None:
            return it.unknown(f"the bases of {b.qualname} are not modelled", node)
        if isinstance(b, Unknown):
            return b
    return False
