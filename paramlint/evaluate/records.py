"""Record classes: ``@dataclass`` and ``typing.NamedTuple`` configs.

Model zoos describe stages with small config records (``BlockConfig(expand_ratio, kernel,
...)``) and subclass them with a hand-written ``__init__`` that calls the generated one
through ``super().__init__``. The generated ``__init__`` is modelled from the annotated
fields, in the order Python's ``dataclasses`` computes them (bases first).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import libcst as cst

from paramlint.evaluate.values import Builtin, Class, External, Instance, Layer, Unknown

#: A field without a default.
NO_DEFAULT = object()
_MISSING = object()
#: Decorators (and bases) that make a class a dataclass-like record.
DATACLASS_DECORATORS = ("dataclasses.dataclass", "flax.struct.dataclass", "attr.s", "attrs.define", "attr.define", "attrs.frozen", "attr.attrs", "attrs.mutable")


class FieldSpec:
    """``dataclasses.field(default=..., default_factory=..., init=..., kw_only=...)``;
    ``kw_only`` is None when not given (the class's setting applies)."""

    __slots__ = ("default", "factory", "init", "kw_only")

    def __init__(self, default: Any, factory: Any, init: Any = True, kw_only: Any = None) -> None:
        self.default = default
        self.factory = factory
        self.init = init
        self.kw_only = kw_only


class Factory:
    """A default made by calling ``fn`` for each new instance."""

    __slots__ = ("fn",)

    def __init__(self, fn: Any) -> None:
        self.fn = fn


def mark(cls: Class, options: Dict[str, Any]) -> Any:
    """The effect of ``@dataclass(...)`` on ``cls``: it is a record, with a generated
    ``__init__`` unless ``init=False``."""
    cls.flags.add("dataclass")
    if options.get("init", True) is not False:
        cls.flags.add("record_init")
    if options.get("eq", True) is False:
        cls.flags.add("eq_false")
    if options.get("frozen") is True:
        cls.flags.add("frozen")
    if options.get("kw_only") is True:
        cls.flags.add("kw_only")
    elif options.get("kw_only") not in (None, False):
        cls.uncertain = Unknown(f"dataclass(kw_only=...) of {cls.name}: not a constant")
    return cls


def _dataclass(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if args:
        target = args[0]
        if isinstance(target, Class):
            return mark(target, kwargs)
        return it.unknown("dataclass() of a non-class", node)
    opts = dict(kwargs)
    return Builtin("dataclass.decorator", lambda it2, a, k, n: mark(a[0], opts) if a and isinstance(a[0], Class) else it2.unknown("dataclass() of a non-class", n))


def _field(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return FieldSpec(kwargs.get("default", NO_DEFAULT), kwargs.get("default_factory"), kwargs.get("init", True),
                     kwargs.get("kw_only"))


def _replace(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    obj = args[0] if args else None
    if isinstance(obj, Unknown):
        return obj
    if not isinstance(obj, Instance) or not ({"dataclass", "namedtuple"} & obj.cls.flags):
        return it.unknown("replace() of a non-record", node)
    values = {name: obj.attrs.get(name) for name, _ in obj.cls.fields}
    values.update(kwargs)
    return it.call(obj.cls, [], values, node)


def _asdict(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    obj = args[0] if args else None
    if isinstance(obj, Unknown):
        return obj
    if not isinstance(obj, Instance) or "dataclass" not in obj.cls.flags:
        return it.unknown("asdict() of a non-dataclass (a TypeError)", node)
    return _asdict_inner(it, obj, node, 0)


def _asdict_inner(it: Any, v: Any, node: Any, depth: int) -> Any:
    """``dataclasses._asdict_inner``: nested dataclasses become dicts, lists, tuples and dicts
    are rebuilt, anything else is ``copy.deepcopy``'d."""
    if depth > 50:
        return it.unknown("asdict() nesting too deep", node)
    if isinstance(v, Unknown):
        return v
    if isinstance(v, Instance) and "dataclass" in v.cls.flags:
        out: Dict[str, Any] = {}
        for name, _ in v.cls.fields:
            x = _asdict_inner(it, v.attrs.get(name), node, depth + 1)
            if isinstance(x, Unknown):
                return x
            out[name] = x
        return out
    if isinstance(v, Instance) and "namedtuple" in v.cls.flags:
        return it.unknown("asdict() of a NamedTuple field is not modelled", node)
    if type(v) in (list, tuple):
        items = [_asdict_inner(it, x, node, depth + 1) for x in v]
        for x in items:
            if isinstance(x, Unknown):
                return x
        return items if type(v) is list else tuple(items)
    if type(v) is dict:
        pairs = [(_asdict_inner(it, k, node, depth + 1), _asdict_inner(it, x, node, depth + 1)) for k, x in v.items()]
        for k, x in pairs:
            if isinstance(k, Unknown) or isinstance(x, Unknown):
                return k if isinstance(k, Unknown) else x
        try:
            return dict(pairs)
        except TypeError as e:
            return it.unknown(f"asdict(): {e}", node)
    return it.fw.deepcopy(it, v, node)


class FieldInfo:
    """A ``dataclasses.Field`` as ``fields()`` returns it: its name and default are known."""

    __slots__ = ("name", "default", "kw_only")

    def __init__(self, name: str, default: Any, kw_only: bool = False) -> None:
        self.name = name
        self.default = default
        self.kw_only = kw_only

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name == "name":
            return self.name
        if name in ("default", "default_factory"):
            d = self.default.default if isinstance(self.default, _NoInit) else self.default
            if isinstance(d, Factory):
                return d.fn if name == "default_factory" else External("dataclasses.MISSING")
            if name == "default_factory" or d is NO_DEFAULT:
                return External("dataclasses.MISSING")
            return d
        if name == "init":
            return not isinstance(self.default, _NoInit)
        if name == "kw_only":
            return self.kw_only
        return it.unknown(f"Field.{name} is not modelled", node)


def _fields(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    obj = args[0] if args else None
    if isinstance(obj, Unknown):
        return obj
    cls = obj.cls if isinstance(obj, Instance) else obj
    if not isinstance(cls, Class) or "dataclass" not in cls.flags:
        return it.unknown("fields() of a non-dataclass", node)
    from paramlint.evaluate.framework import materialize

    materialize(it, cls)
    return tuple(FieldInfo(name, default, name in cls.kw_fields) for name, default in cls.fields)


def _is_dataclass(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``dataclasses.is_dataclass(obj)``: a class or an instance made by ``@dataclass``."""
    if len(args) != 1 or kwargs:
        return it.unknown("is_dataclass() arguments", node)
    obj = args[0]
    cls = obj.cls if isinstance(obj, (Instance, Layer)) else obj
    if isinstance(cls, Class):
        return "dataclass" in cls.flags
    if isinstance(obj, Unknown) or isinstance(cls, (External, Unknown)) or isinstance(obj, Layer):
        return obj if isinstance(obj, Unknown) else it.unknown("is_dataclass() of a library class", node)
    return False  # plain values, functions: never dataclasses


STDLIB: Dict[str, Any] = {
    "dataclasses.is_dataclass": Builtin("is_dataclass", _is_dataclass),
    "dataclasses.fields": Builtin("fields", _fields),
    "dataclasses.dataclass": Builtin("dataclass", _dataclass),
    "dataclasses.field": Builtin("field", _field),
    "dataclasses.replace": Builtin("replace", _replace),
    "dataclasses.asdict": Builtin("asdict", _asdict),
}


def collect_fields(it: Any, cls: Class, ns: Dict[str, Any]) -> None:
    """Fields in ``dataclasses`` order: inherited ones first, then this class's annotations; a
    field redefined by a subclass keeps its first place (``dataclasses`` keeps them in a dict)
    but takes the new default and keyword-only status."""
    from paramlint.evaluate.framework import materialize

    order: Dict[str, Any] = {}
    kw: set[str] = set()
    for b in reversed(cls.mro()[1:]):
        if isinstance(b, Class) and ({"dataclass", "namedtuple"} & b.flags):
            materialize(it, b)
            for name, default in b.fields:
                order[name] = default
                if name in b.kw_fields:
                    kw.add(name)
                else:
                    kw.discard(name)
    own_kw = "kw_only" in cls.flags  # the class's own dataclass(kw_only=True)
    after_sentinel = False
    body = cls.node.body.body if isinstance(cls.node.body, cst.IndentedBlock) else []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    ann = cst.Module([]).code_for_node(small.annotation.annotation)
                    if ann.startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")):
                        continue
                    if "dataclass" in cls.flags and _is_kw_only_sentinel(ann):
                        if after_sentinel:
                            cls.uncertain = Unknown(f"dataclass {cls.name}: more than one KW_ONLY field (a TypeError)")
                        after_sentinel = True
                        continue
                    name = small.target.value
                    default = ns.get(name, NO_DEFAULT) if small.value is not None else NO_DEFAULT
                    is_kw = "dataclass" in cls.flags and (own_kw or after_sentinel)
                    if isinstance(default, FieldSpec):
                        spec = default
                        default = Factory(spec.factory) if spec.factory is not None else spec.default
                        if spec.init is False:
                            default = _NoInit(default)
                        if spec.default is not NO_DEFAULT:
                            ns[name] = spec.default
                        else:
                            ns.pop(name, None)
                        if spec.kw_only is not None:
                            if type(spec.kw_only) is not bool:
                                cls.uncertain = Unknown(f"field(kw_only=...) of {cls.name}.{name}: not a constant")
                            is_kw = spec.kw_only is True
                    if "dataclass" in cls.flags and type(default) in (list, dict, set):
                        cls.uncertain = Unknown(f"dataclass {cls.name}: mutable default for field {name!r} (a ValueError)")
                    order[name] = default
                    if is_kw:
                        kw.add(name)
                    else:
                        kw.discard(name)
    cls.fields = list(order.items())
    cls.kw_fields = kw
    if "record_init" in cls.flags:
        seen_default = False
        for name, default in cls.fields:
            if isinstance(default, _NoInit) or name in kw:
                continue
            if default is not NO_DEFAULT:
                seen_default = True
            elif seen_default and cls.uncertain is None:
                cls.uncertain = Unknown(f"{cls.name}: field {name!r} without a default follows one with a default (a TypeError)")


def _is_kw_only_sentinel(annotation: str) -> bool:
    """``_: KW_ONLY`` (or ``dataclasses.KW_ONLY``, quoted or not): the fields after it are
    keyword-only; the pseudo-field itself is not a field."""
    text = annotation.strip("'\"").replace(" ", "")
    return text == "KW_ONLY" or text.endswith(".KW_ONLY")


class _NoInit:
    """A ``field(init=False)``: set from its default, never an ``__init__`` argument."""

    __slots__ = ("default",)

    def __init__(self, default: Any) -> None:
        self.default = default


def generated_init_owner(it: Any, cls: Class) -> Optional[Class]:
    """The class whose generated ``__init__`` ``cls()`` runs, or None when a hand-written
    ``__init__`` (or none at all) comes first in the MRO."""
    from paramlint.evaluate.framework import materialize

    for b in cls.mro():
        if not isinstance(b, Class):
            return None
        ns = b._ns if b._ns is not None else materialize(it, b)
        if "__init__" in ns:
            return None
        if "record_init" in b.flags:
            return b
    return None


def init_fields(it: Any, cls: Class, obj: Any, args: List[Any], kwargs: Dict[str, Any], node: Any, post_init: bool = True) -> Any:
    """The generated ``__init__`` of record class ``cls`` run on ``obj``: positional arguments
    bind the fields that are not keyword-only, in order; every field is then set in field order."""
    fields = cls.fields
    positional = [name for name, d in fields if not isinstance(d, _NoInit) and name not in cls.kw_fields]
    if len(args) > len(positional):
        return it.unknown(f"{cls.name}() takes {len(positional)} positional arguments but {len(args)} were given", node)
    given = dict(zip(positional, args))
    for k in kwargs:
        if k in given:
            return it.unknown(f"{cls.name}() got multiple values for argument {k!r}", node)
    init_names = {name for name, d in fields if not isinstance(d, _NoInit)}
    extra = [k for k in kwargs if k not in init_names]
    if extra:
        return it.unknown(f"{cls.name}() got an unexpected keyword argument {extra[0]!r}", node)
    given.update(kwargs)
    for name, default in fields:
        if isinstance(default, _NoInit):
            d = default.default
            v = it.call(d.fn, [], {}, node) if isinstance(d, Factory) else (None if d is NO_DEFAULT else d)
        elif name in given:
            v = given[name]
        elif default is not NO_DEFAULT:
            v = it.call(default.fn, [], {}, node) if isinstance(default, Factory) else default
        else:
            return it.unknown(f"{cls.name}() missing required argument {name!r}", node)
        if isinstance(obj, Layer):
            it.set_attr(obj, name, v, node)
        else:
            obj.attrs[name] = v
    if post_init:
        from paramlint.evaluate.attributes import class_attr

        post = class_attr(it, obj.cls if isinstance(obj, (Instance, Layer)) and obj.cls is not None else cls, "__post_init__", node, obj)
        if not isinstance(post, Unknown):
            r = it.call(post, [], {}, node)
            if isinstance(r, Unknown):
                return r
    return obj


def generated_init(cls: Class, obj: Any) -> Builtin:
    """``super().__init__`` reaching a record base: its generated ``__init__``, bound."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        r = init_fields(it, cls, obj, args, kwargs, node)
        return r if isinstance(r, Unknown) else None
    return Builtin(f"{cls.name}.__init__", call)


def init_signature(it: Any, cls: Class, node: Any) -> Any:
    """``inspect.signature`` of the ``__init__`` that ``dataclass()`` generated for ``cls``."""
    from paramlint.evaluate.introspection import EMPTY, KEYWORD_ONLY, POSITIONAL_OR_KEYWORD, Signature, SigParam
    from paramlint.evaluate.framework import materialize

    materialize(it, cls)
    params = [SigParam("self", POSITIONAL_OR_KEYWORD, EMPTY)]
    for keyword_only in (False, True):  # the keyword-only fields after the others, as dataclasses does
        for name, d in cls.fields:
            if isinstance(d, _NoInit) or (name in cls.kw_fields) is not keyword_only:
                continue
            if isinstance(d, Factory):
                d = External("dataclasses._HAS_DEFAULT_FACTORY")
            kind = KEYWORD_ONLY if keyword_only else POSITIONAL_OR_KEYWORD
            params.append(SigParam(name, kind, EMPTY if d is NO_DEFAULT else d))
    return Signature(params)


def unbound_init(cls: Class) -> Builtin:
    """``Config.__init__`` read from a record class: the generated function, ``self`` first
    (a wrapper that replaces it calls it as ``original_init(self, ...)``)."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if not args:
            return it.unknown(f"{cls.name}.__init__() without self", node)
        r = init_fields(it, cls, args[0], list(args[1:]), kwargs, node)
        return r if isinstance(r, Unknown) else None
    b = Builtin(f"{cls.name}.__init__", call)
    b.record = cls
    return b


def is_namedtuple_base(b: Any) -> bool:
    return isinstance(b, External) and b.qualname in ("typing.NamedTuple", "collections.namedtuple", "typing_extensions.NamedTuple")


__all__ = ["mark", "collect_fields", "init_fields", "generated_init", "generated_init_owner", "unbound_init", "STDLIB", "FieldSpec", "Factory", "NO_DEFAULT", "DATACLASS_DECORATORS"]
