"""Python built-ins and the few stdlib functions model code uses, on evaluator values.

Each is a plain function ``(interp, args, kwargs, node) -> value``. Nothing here can
allocate without a size check or reach the host (no I/O, no import, no eval).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional

from paramlint.evaluate.limits import LimitExceeded
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate import exceptions, iterators, protocols
from paramlint.evaluate.values import (
    BoundMethod, Builtin, Class, ExceptionValue, External, Function, Instance, Layer, ObjectId, Param, Partial, Unknown,
)

Fn = Callable[[Any, List[Any], Dict[str, Any], Any], Any]
BUILTINS: Dict[str, Any] = {}
_PLAIN = (int, float, bool, str, type(None))


def builtin(name: str) -> Callable[[Fn], Fn]:
    def deco(fn: Fn) -> Fn:
        BUILTINS[name] = Builtin(name, fn)
        return fn
    return deco


def _unknown_in(args: List[Any], kwargs: Optional[Dict[str, Any]] = None) -> Optional[Unknown]:
    for a in args:
        if isinstance(a, Unknown):
            return a
    for a in (kwargs or {}).values():
        if isinstance(a, Unknown):
            return a
    return None


def format_value(v: Any, spec: str) -> Optional[str]:
    """``format(v, spec)`` for plain values, refusing widths that would allocate a lot."""
    if not isinstance(v, _PLAIN):
        return None
    digits = "".join(c if c.isdigit() else " " for c in spec).split()
    if any(len(d) > 4 for d in digits):
        return None
    try:
        return format(v, spec)
    except (ValueError, TypeError):
        return None


def text_of(v: Any, conversion: str, it: Any = None) -> Optional[str]:
    """``str(v)``, ``repr(v)`` or ``ascii(v)`` (conversion "s", "r", "a") when ``v`` is plain
    data, scalars or lists, tuples and dicts of them, which print the same here as in the
    analyzed program; None for anything else (a user object's ``__repr__``, a set, a module)."""
    budget = [10_000]

    def plain(x: Any, depth: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0 or depth > 50:
            return False
        t = type(x)
        if t in (int, float, bool, str, type(None)):
            return True
        if it is not None and t in (list, dict) and it.poison_of(x) is not None:
            return False  # (changed where it could not be followed: its contents are unknown)
        if t in (list, tuple):
            return all(plain(y, depth + 1) for y in x)
        if t is dict:
            return all(plain(k, depth + 1) and plain(y, depth + 1) for k, y in x.items())
        return False

    if not plain(v, 0):
        return None
    return str(v) if conversion == "s" else repr(v) if conversion == "r" else ascii(v)


def _simple(name: str, fn: Callable[..., Any], arity: Optional[int] = None) -> None:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        u = _unknown_in(args, kwargs)
        if u is not None:
            return u
        if any(not isinstance(a, (_PLAIN, tuple, list)) for a in args):
            return it.unknown(f"{name}() of non-plain values is not modelled", node)
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            return it.unknown(f"{name}(): {e}", node)
    BUILTINS[name] = Builtin(name, call)


for _n, _f in (("abs", abs), ("round", round), ("divmod", divmod), ("pow", None), ("chr", chr), ("ord", ord), ("hex", hex), ("bin", bin), ("oct", oct)):
    if _f is not None:
        _simple(_n, _f)


_round_plain = BUILTINS["round"]


@builtin("round")
def _round(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) == 1 and not kwargs and isinstance(args[0], lazy.arrays.Array):
        return lazy.arrays.to_number(it, args[0], "round", node)
    return _round_plain.fn(it, args, kwargs, node)


@builtin("pow")
def _pow(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.operators import binary

    u = _unknown_in(args)
    if u is not None:
        return u
    if len(args) == 3 and not kwargs and all(isinstance(a, int) and not isinstance(a, bool) for a in args) and args[2]:
        try:
            return pow(args[0], args[1], args[2])  # modular: as small as the modulus, fast
        except ValueError as e:
            return it.unknown(f"pow(): {e}", node)
    if len(args) != 2 or kwargs:
        return it.unknown("pow() with a modulus is not modelled", node)
    try:
        return binary("Power", args[0], args[1], it.limits)
    except LimitExceeded:
        raise
    except Exception as e:
        return it.unknown(f"pow(): {e}", node)


def _number(name: str, conv: Callable[[Any], Any]) -> None:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        u = _unknown_in([*args, *kwargs.values()])
        if u is not None:
            return u
        if not args:
            return conv(0) if not kwargs else it.unknown(f"{name}() without a value", node)
        v = args[0]
        if isinstance(v, lazy.arrays.Array) and len(args) == 1:
            return lazy.arrays.to_number(it, v, name, node)
        if isinstance(v, str) and len(v) > 200:
            return it.unknown(f"{name}() of a long string", node)
        if not isinstance(v, _PLAIN) or not all(isinstance(b, int) for b in [*args[1:], *kwargs.values()]):
            return it.unknown(f"{name}() of a {type(v).__name__}", node)
        try:
            return conv(*args, **kwargs)  # int(s, base=2): Python checks the keywords
        except Exception as e:
            return it.unknown(f"{name}(): {e}", node)
    BUILTINS[name] = Builtin(name, call)


_number("int", int)
_number("float", float)


@builtin("bool")
def _bool(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return _as_bool(it.truth(args[0], node)) if args else False


@builtin("id")
def _id(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """A token per object (values.ObjectId), for objects that live while the ids are compared:
    classes and functions defined by ``class``/``def``, and the modules and parameters a walk of
    a model's tree handed out (``parameters()``, ``modules()``, Keras's ``_flatten_layers()``...:
    the model holds them). Others may be temporaries whose address CPython reuses
    (``id(nn.Linear(2, 2)) == id(nn.Linear(2, 2))``, ``id(self.forward) == id(self.forward)`` are
    True there), or shared when equal (numbers, strings, tuples): their id is unknown."""
    if len(args) != 1 or kwargs:
        return it.unknown("id() takes one argument", node)
    v = args[0]
    if isinstance(v, Unknown):
        return v
    if isinstance(v, (Layer, Param)):
        if it.project.anchored.get(id(v)) is not v:
            return it.unknown(f"id() of a {type(v).__name__} no walk of a model handed out (it may be a temporary)", node)
    elif not isinstance(v, (Class, Function)) or isinstance(v, Function) and type(v.node).__name__ == "Lambda":
        return it.unknown(f"id() of a {type(v).__name__}", node)
    table = it.object_ids
    hit = table.get(id(v))
    if hit is None:
        hit = table[id(v)] = ObjectId(v)
    return hit


@builtin("str")
def _str(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return ""
    v = args[0]
    if isinstance(v, Unknown):
        return v
    text = text_of(v, "s", it)
    return it.unknown(f"str() of a {type(v).__name__}", node) if text is None else text


def _text_builtin(name: str, conversion: str) -> None:
    """``repr()`` / ``ascii()`` of plain data (see :func:`text_of`)."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        v = args[0] if args else None
        if isinstance(v, Unknown):
            return v
        text = text_of(v, conversion, it)
        return it.unknown(f"{name}() of an object", node) if text is None else text
    BUILTINS[name] = Builtin(name, call)


_text_builtin("repr", "r")
_text_builtin("ascii", "a")


@builtin("len")
def _len(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return it.fw.length(it, args[0] if args else None, node)


@builtin("range")
def _range(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    u = _unknown_in(args)
    if u is not None:
        return u
    if not args or not all(isinstance(a, int) for a in args) or len(args) > 3:
        return it.unknown("range() arguments must be ints", node)
    try:
        r = range(*args)
        len(r)  # CPython cannot len() (so cannot iterate or list) a range past sys.maxsize
    except ValueError as e:
        return it.unknown(f"range(): {e}", node)
    except OverflowError:
        return it.unknown(f"range() of more than sys.maxsize items exceeds the collection limit ({it.limits.max_collection:,})", node)
    return r


def _iter_args(it: Any, args: List[Any], node: Any, ordered: bool = True) -> Any:
    out = []
    for a in args:
        seq = it.fw.iterate(it, a, node, ordered)
        if isinstance(seq, Unknown):
            return seq
        out.append(seq)
    return out


@builtin("enumerate")
def _enumerate(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if not isinstance(start, int):
        return it.unknown("enumerate() start must be an int", node)
    srcs = iterators.sources(it, args[:1], node)
    if isinstance(srcs, Unknown):
        return srcs
    return iterators.lazy(it, ((start + i, v) for i, v in enumerate(srcs[0])))


@builtin("zip")
def _zip(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    srcs = iterators.sources(it, args, node)
    if isinstance(srcs, Unknown):
        return srcs
    strict = it.truth(kwargs.get("strict", False), node)
    if isinstance(strict, Unknown):
        return strict
    return iterators.lazy(it, iterators.zip_items(srcs, strict))


@builtin("reversed")
def _reversed(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if args and type(args[0]) is list and it.poison_of(args[0]) is None:
        return iterators.Iterator(source=_live_reversed(args[0], len(args[0]) - 1))  # reads the list as it is then
    seqs = _iter_args(it, args[:1], node)
    return seqs if isinstance(seqs, Unknown) else iterators.Iterator(list(reversed(seqs[0])))


def _live_reversed(xs: List[Any], i: int) -> Any:
    """``list_reverseiterator``: an index walking down from where the list ended when
    ``reversed()`` was called, reading the list when asked (a later change shows, as in Python)."""
    while 0 <= i < len(xs):
        yield xs[i]
        i -= 1


@builtin("list")
def _list(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return []
    seqs = _iter_args(it, args[:1], node)
    return seqs if isinstance(seqs, Unknown) else list(seqs[0])


@builtin("tuple")
def _tuple(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return ()
    seqs = _iter_args(it, args[:1], node)
    return seqs if isinstance(seqs, Unknown) else tuple(seqs[0])


def _set_of(kind: type) -> Any:
    def make(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if not args:
            return kind()
        seqs = _iter_args(it, args[:1], node, ordered=False)
        if isinstance(seqs, Unknown):
            return seqs
        u = protocols.untrusted_in(it, seqs[0])
        if u is not None:
            return u
        try:
            return kind(seqs[0])
        except TypeError:
            return it.unknown(f"{kind.__name__} of unhashable values", node)
    return make


BUILTINS["set"] = Builtin("set", _set_of(set))
BUILTINS["frozenset"] = Builtin("frozenset", _set_of(frozenset))  # (hashable, immutable: not a set)


@builtin("dict")
def _dict(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    out: Dict[Any, Any] = {}
    if args:
        src = args[0]
        if isinstance(src, dict):
            u = it.poison_of(src)  # its keys may have changed: so may the copy's
            if u is not None:
                return u
            out.update(src)
        else:
            seq = it.fw.iterate(it, src, node)
            if isinstance(seq, Unknown):
                return seq
            try:
                pairs = [tuple(p) if isinstance(p, list) else p for p in seq]
                u = protocols.untrusted_in(it, [p[0] for p in pairs if isinstance(p, tuple) and len(p) == 2])
                if u is not None:
                    return u
                out.update(pairs)
            except (TypeError, ValueError):
                return it.unknown("dict() of a sequence that is not pairs", node)
    out.update(kwargs)
    return out


def _reduce(name: str, fn: Callable[..., Any]) -> None:
    """``min``/``max``/``sorted``, with ``key=`` (called on every item, as Python does) and
    ``reverse=``: items are ordered by their keys through their indices, so equal keys keep
    Python's answer (the first minimum, a stable sort) whatever the items are."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        unexpected = set(kwargs) - ({"key", "reverse"} if name == "sorted" else {"key", "default"})
        if unexpected:
            return it.unknown(f"{name}() got an unexpected keyword argument {sorted(unexpected)[0]!r}", node)
        if name != "sorted" and len(args) > 1 and "default" in kwargs:
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises TypeError: {name}() takes no default with several arguments", node), "TypeError")
        key = kwargs.get("key")
        if isinstance(key, Unknown):
            return key
        vals = args if len(args) > 1 else _iter_args(it, args[:1], node, ordered=key is not None)
        if isinstance(vals, Unknown):
            return vals
        if len(args) == 1:
            vals = list(vals[0])
        keys = sort_keys(it, name, vals, key, node)
        if isinstance(keys, Unknown):
            return keys
        reverse = kwargs.get("reverse", False)
        if not isinstance(reverse, (bool, int)):
            return reverse if isinstance(reverse, Unknown) else it.unknown(f"{name}(reverse=...) of a non-bool", node)
        try:
            if not vals and "default" in kwargs:
                return kwargs["default"]
            if name == "sorted":
                return by_keys(vals, keys, bool(reverse))
            return vals[fn(range(len(vals)), key=keys.__getitem__)]
        except Exception as e:
            return it.unknown(f"{name}(): {e}", node)
    BUILTINS[name] = Builtin(name, call)


def sort_keys(it: Any, name: str, vals: List[Any], key: Any, node: Any) -> Any:
    """The values ``name`` orders ``vals`` by (``key(v)`` for each, or the values), or Unknown
    when their order is not Python's plain one."""
    if key is None:
        keys = list(vals)
    else:
        keys = []
        for v in vals:
            k = it.call(key, [v], {}, node)
            if isinstance(k, Unknown):
                return k
            keys.append(k)
    u = _unknown_in(keys)
    if u is not None:
        return u
    if not all(isinstance(k, (int, float, str, tuple, list)) and _plain_key(k) for k in keys):
        return it.unknown(f"{name}() of non-plain values", node)
    return keys


def by_keys(vals: List[Any], keys: List[Any], reverse: bool) -> List[Any]:
    """``vals`` sorted by ``keys`` (one each), stably, comparing only the keys."""
    return [vals[i] for i in sorted(range(len(vals)), key=keys.__getitem__, reverse=reverse)]


def _plain_key(k: Any) -> bool:
    return not isinstance(k, (tuple, list)) or all(isinstance(x, (int, float, str, tuple, list)) and _plain_key(x) for x in k)


_reduce("min", min)
_reduce("max", max)
_reduce("sorted", sorted)


@builtin("sum")
def _sum(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.expressions import binary

    seqs = _iter_args(it, args[:1], node)
    if isinstance(seqs, Unknown):
        return seqs
    total = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if isinstance(total, (str, bytes, bytearray)):
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown("raises TypeError: sum() can't sum strings", node), "TypeError")
    for v in seqs[0]:
        total = binary(it, "Add", total, v, node)
    return total


def _any_all(name: str, want: bool) -> None:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        src = args[0] if args else None
        lazily = isinstance(src, _Iterator)  # pulling evaluates: stop where Python stops
        seq = iterators.stream(it, src, node) if lazily else it.fw.iterate(it, src, node, False)
        if isinstance(seq, Unknown):
            return seq
        unknown = None
        try:
            for v in seq:
                t = it.truth(v, node)
                if isinstance(t, Unknown):
                    if lazily:  # whether Python goes on (and evaluates the rest) is unknown
                        return t
                    unknown = unknown if unknown is not None else t
                elif t == want:
                    return want
        except iterators.IterationUnknown as e:
            return e.unknown
        return unknown if unknown is not None else not want
    BUILTINS[name] = Builtin(name, call)


_any_all("any", True)
_any_all("all", False)


def _as_bool(v: Any) -> Any:
    return v.as_bool() if isinstance(v, Unknown) else v


@builtin("isinstance")
def _isinstance(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return _as_bool(it.fw.isinstance_of(it, args[0], args[1], node) if len(args) == 2 else it.unknown("isinstance() arity", node))


@builtin("issubclass")
def _issubclass(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return _as_bool(it.fw.issubclass_of(it, args[0], args[1], node) if len(args) == 2 else it.unknown("issubclass() arity", node))


@builtin("callable")
def _callable(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = args[0]
    if isinstance(v, Unknown):
        return v
    if isinstance(v, Instance):  # its class's ``__call__``
        from paramlint.evaluate.attributes import bare_mro, class_attr

        r = class_attr(it, v.cls, "__call__", node, v)
        if not isinstance(r, Unknown):
            return True
        return False if r.reason.startswith("no attribute") and bare_mro(v.cls) else r
    return isinstance(v, (Function, BoundMethod, Builtin, Class, Partial, External, Layer))


@builtin("getattr")
def _getattr(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) < 2 or not isinstance(args[1], str):
        return args[1] if len(args) > 1 and isinstance(args[1], Unknown) else it.unknown("getattr() with a non-constant name", node)
    from paramlint.evaluate.interpreter import Raised

    try:
        v = it.get_attr(args[0], args[1], node)
    except Raised as r:  # (a ``__getattr__`` or property raising AttributeError: the default)
        m = exceptions.raised_is(it, r, "AttributeError") if len(args) > 2 else False
        if m is None:
            return it.unknown(f"getattr(): whether looking up {args[1]!r} raised AttributeError", node)
        if not m:
            raise
        return args[2]
    if len(args) > 2 and isinstance(v, External) and isinstance(args[0], External):
        from paramlint.evaluate.externals import known, known_module

        if not known(v.qualname) and not known_module(v.qualname):  # (it may be missing: the default)
            return it.unknown(f"getattr(): whether {args[0].qualname} has {args[1]!r}", node)
    if len(args) > 2 and isinstance(v, Unknown) and v.reason.startswith("no attribute"):
        from paramlint.evaluate.attributes import certain_miss

        return args[2] if certain_miss(args[0], args[1]) else it.unknown(f"getattr(): attribute {args[1]!r} is not modelled", node)
    return v


@builtin("hasattr")
def _hasattr(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 2 or not isinstance(args[1], str):
        return it.unknown("hasattr() with a non-constant name", node)
    if isinstance(args[0], Unknown):
        return args[0]
    if isinstance(args[0], External):  # every attribute of an External "exists": ask what we model
        from paramlint.evaluate.externals import has_attr

        return has_attr(it, args[0], args[1], node)
    from paramlint.evaluate.interpreter import Raised

    try:
        v = it.get_attr(args[0], args[1], node)
    except Raised as r:  # hasattr is False exactly when the lookup raises AttributeError
        m = exceptions.raised_is(it, r, "AttributeError")
        if m is None:
            return it.unknown(f"hasattr(): whether looking up {args[1]!r} raised AttributeError", node).as_bool()
        if not m:
            raise
        return False
    if isinstance(v, Unknown):
        if v.reason.startswith("no attribute"):
            from paramlint.evaluate.attributes import certain_miss

            return False if certain_miss(args[0], args[1]) else it.unknown(f"hasattr(): attribute {args[1]!r} is not modelled", node)
        return v.as_bool()
    return True


@builtin("dir")
def _dir(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) == 1 and isinstance(args[0], External):
        from paramlint.evaluate.externals import ExternalDir

        return ExternalDir(args[0].qualname)
    return it.unknown("dir() is only modelled for framework modules", node)


def _named_attr(what: str, n: int, change: Callable[..., None]) -> Callable[..., Any]:
    """``setattr(obj, name, v)`` / ``delattr(obj, name)``: with a name not known, what a
    module holds is unknown."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) != n or not isinstance(args[1], str):
            if args and isinstance(args[0], Layer) and args[0].uncertain is None:
                args[0].uncertain = it.unknown(f"{what}() with a non-constant name", node)
            return None
        change(it, *args, node)
        return None
    return call


BUILTINS["setattr"] = Builtin("setattr", _named_attr("setattr", 3, lambda it, o, k, v, n: it.set_attr(o, k, v, n)))
BUILTINS["delattr"] = Builtin("delattr", _named_attr("delattr", 2, lambda it, o, k, n: it.fw.del_attr(it, o, k, n)))


@builtin("type")
def _type(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 1:
        return it.unknown("type() with 3 arguments is not modelled", node)
    v = args[0]
    if isinstance(v, (Instance, Layer)) and v.cls is not None:
        return v.cls
    if isinstance(v, Layer) and v.spec is not None:
        if v.framework == "keras" and v.spec.name == "Model" and v.graph is not None:
            return External(FUNCTIONAL)  # (``keras.Model(inputs, outputs)`` makes a Functional)
        return External(f"{_fw_prefix(v.framework)}.{v.spec.name}")
    if type(v) is ObjectId:
        return BUILTINS.get("int", External("builtins.int"))
    for t, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (list, "list"), (tuple, "tuple"), (dict, "dict"), (type(None), "NoneType")):
        if type(v) is t:
            return BUILTINS.get(name, External(f"builtins.{name}"))
    if isinstance(v, Function):
        return External("types.FunctionType")
    if isinstance(v, ExceptionValue):
        return v.cls if v.cls is not None else BUILTINS.get(v.name) or it.unknown(f"type() of {v.name}", node)
    return it.unknown(f"type() of {type(v).__name__}", node)


#: The class of a Keras functional model.
FUNCTIONAL = "keras.src.models.functional.Functional"


def _fw_prefix(fw: str) -> str:
    return {"torch": "torch.nn", "keras": "keras.layers", "flax": "flax.linen"}.get(fw, fw)


@builtin("print")
def _print(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return None


@builtin("iter")
def _iter(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 1:
        return it.unknown("iter() with a sentinel is not modelled", node)
    return iterators.of(it, args[0], node)


_Iterator = iterators.Iterator


@builtin("next")
def _next(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    src = args[0] if args else None
    if isinstance(src, _Iterator):
        try:
            v = src.pull(it)
        except iterators.IterationUnknown as e:
            return e.unknown
        if v is not iterators.DONE:
            return v
        if len(args) > 1:
            return args[1]
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown("raises StopIteration", node), "StopIteration")
    if isinstance(src, Layer):  # next(self.parameters()) and similar
        seq = it.fw.iterate(it, src, node)
        if isinstance(seq, list) and seq:
            return seq[0]
    return it.unknown("next() of a non-iterator", node)


@builtin("map")
def _map(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    srcs = iterators.sources(it, args[1:], node)
    if isinstance(srcs, Unknown):
        return srcs
    fn = args[0] if args else None
    return iterators.lazy(it, (it.call(fn, list(xs), {}, node) for xs in iterators.zip_items(srcs, False)))


@builtin("filter")
def _filter(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    srcs = iterators.sources(it, args[1:2], node)
    if isinstance(srcs, Unknown):
        return srcs
    fn = args[0] if args else None

    def kept() -> Any:
        for x in srcs[0]:
            t = it.truth(x if fn is None else it.call(fn, [x], {}, node), node)
            if isinstance(t, Unknown):
                raise iterators.IterationUnknown(t)
            if t:
                yield x
    return iterators.lazy(it, kept())


def _decorator_marker(kind: str) -> None:
    """``staticmethod(f)``, ``classmethod(f)``, ``property(fget, fset, fdel)`` called (not as
    decorators): a marked copy, ``f`` itself stays a plain function."""
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        fn = args[0] if args else kwargs.get("fget") if kind == "property" else None
        parts = {"__setter__": args[1] if len(args) > 1 else kwargs.get("fset"),
                 "__deleter__": args[2] if len(args) > 2 else kwargs.get("fdel")} if kind == "property" else {}
        if isinstance(fn, Function) and all(p is None or isinstance(p, Function) for p in parts.values()):
            import copy

            new = copy.copy(fn)
            new.kind = kind
            new.attrs = dict(fn.attrs)
            new.attrs.update((k, p) for k, p in parts.items() if p is not None)
            return new
        return it.unknown(f"{kind} of a non-function", node)
    BUILTINS[kind] = Builtin(kind, call)


for _k in ("staticmethod", "classmethod", "property"):
    _decorator_marker(_k)


def _exception(name: str) -> None:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        msg = args[0] if args and isinstance(args[0], str) else ""
        return ExceptionValue(name, msg)
    BUILTINS[name] = Builtin(name, call)


for _e in exceptions.BASES:
    _exception(_e)
for _alias, _e in exceptions.ALIASES.items():
    BUILTINS[_alias] = BUILTINS[_e]  # ``IOError is OSError``

BUILTINS["object"] = External("builtins.object")
BUILTINS["NotImplemented"] = External("builtins.NotImplemented")
BUILTINS["__name__"] = "__paramlint__"


@builtin("super")
def _super(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) == 2:
        return it.fw.Super(args[0], args[1])
    return it.unknown("super() outside a method", node)


@builtin("vars")
def _vars(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``vars(obj)``: its ``__dict__`` (a class's own namespace, an instance's attributes)."""
    from paramlint.evaluate.attributes import class_attr, instance_dict

    obj = args[0] if len(args) == 1 and not kwargs else None
    if isinstance(obj, Unknown):
        return obj
    if isinstance(obj, Class):
        return class_attr(it, obj, "__dict__", node, None)
    if isinstance(obj, Instance) or isinstance(obj, Layer) and obj.framework == "torch":
        return instance_dict(it, obj, node)
    return it.unknown("vars() of anything but a class or an instance is not modelled", node)


for _bad in ("eval", "exec", "compile", "open", "__import__", "input", "globals", "locals", "breakpoint", "exit", "quit", "hash", "memoryview", "bytearray"):
    def _refuse(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any, _name: str = _bad) -> Any:
        return it.unknown(f"{_name}() is never evaluated", node)
    BUILTINS[_bad] = Builtin(_bad, _refuse)


# ---- stdlib functions reached through External names -------------------------------------

def _math(name: str) -> Fn:
    fn = getattr(math, name)

    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        u = _unknown_in(args, kwargs)
        if u is not None:
            return u
        if name == "prod":
            seqs = _iter_args(it, args[:1], node)
            if isinstance(seqs, Unknown):
                return seqs
            from paramlint.evaluate.expressions import binary

            total: Any = kwargs.get("start", 1)
            for v in seqs[0]:
                total = binary(it, "Multiply", total, v, node)
            return total
        if not all(isinstance(a, (int, float)) for a in args):
            return it.unknown(f"math.{name}() of non-numbers", node)
        if name in ("factorial", "comb", "perm") and any(a > 1000 for a in args):
            raise LimitExceeded(f"math.{name}() of a large number")
        try:
            from paramlint.evaluate.operators import check_int

            return check_int(fn(*args), it.limits)
        except LimitExceeded:
            raise
        except Exception as e:
            return it.unknown(f"math.{name}(): {e}", node)
    return call


STDLIB: Dict[str, Any] = {}
for _m in ("ceil", "floor", "sqrt", "log", "log2", "log10", "exp", "pow", "gcd", "lcm", "isqrt", "prod", "trunc",
           "fabs", "sin", "cos", "tan", "atan", "isclose", "isfinite", "isinf", "isnan", "factorial", "comb", "perm",
           "copysign", "fmod", "hypot", "degrees", "radians"):
    STDLIB[f"math.{_m}"] = Builtin(f"math.{_m}", _math(_m))

CONSTANTS: Dict[str, Any] = {
    "math.pi": math.pi, "math.e": math.e, "math.inf": math.inf, "math.tau": math.tau, "math.nan": math.nan,
    "sys.maxsize": 2**63 - 1, "numpy.pi": math.pi, "np.pi": math.pi, "numpy.e": math.e, "numpy.inf": math.inf,
    "numpy.newaxis": None, "jax.numpy.newaxis": None, "jax.numpy.pi": math.pi, "jax.numpy.inf": math.inf,
    "torch.pi": math.pi, "torch.e": math.e, "torch.inf": math.inf, "torch.nan": math.nan,
    "typing.TYPE_CHECKING": False, "typing_extensions.TYPE_CHECKING": False,  # False when the code runs
    # (the same in every Python version; Keras builds einsum equations from them)
    "string.ascii_lowercase": "abcdefghijklmnopqrstuvwxyz", "string.ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "string.ascii_letters": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "string.digits": "0123456789",
}


def _partial(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return it.unknown("partial() without a function", node)
    f = args[0]
    if isinstance(f, Partial):
        return Partial(f.func, (*f.args, *args[1:]), {**f.kwargs, **kwargs})
    return Partial(f, tuple(args[1:]), dict(kwargs))


def _identity_decorator_factory(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return Builtin("identity", lambda it2, a, k, n: a[0] if a else None)


def _deepcopy(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return it.fw.deepcopy(it, args[0], node) if args else None


def _shallow_copy(it: Any, v: Any) -> Any:
    from paramlint.evaluate.modules import shallow_copy

    return shallow_copy(it, v)


def _getenv(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``os.getenv(key, default)`` against the analyzed environment (see ``Project.environ``)."""
    key = args[0] if args else kwargs.get("key")
    if not isinstance(key, str):
        return it.unknown("os.getenv() of a non-string", node)
    return it.project.environ.get(key, args[1] if len(args) > 1 else kwargs.get("default"))


def _functools_reduce(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``functools.reduce(fn, items[, initial])``: ``fn`` called for real on each item."""
    if len(args) < 2 or kwargs:  # (``initial=`` by keyword: Python 3.14 only)
        return it.unknown("reduce() arguments", node)
    seq = it.fw.iterate(it, args[1], node)
    if isinstance(seq, Unknown):
        return seq
    items = list(seq)
    if len(args) > 2:
        acc = args[2]
    elif items:
        acc = items.pop(0)
    else:
        return it.unknown("reduce() of an empty sequence with no initial value (TypeError)", node)
    for x in items:
        acc = it.call(args[0], [acc, x], {}, node)
        if isinstance(acc, Unknown):
            return acc
    return acc


def _operator(op: str) -> Any:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) != 2 or kwargs:
            return it.unknown(f"operator function with {len(args)} arguments", node)
        from paramlint.evaluate.expressions import binary

        return binary(it, op, args[0], args[1], node)
    return Builtin(f"operator.{op}", call)


_OPERATORS = {"add": "Add", "sub": "Subtract", "mul": "Multiply", "truediv": "Divide", "floordiv": "FloorDivide",
              "mod": "Modulo", "pow": "Power", "and_": "BitAnd", "or_": "BitOr", "xor": "BitXor",
              "lshift": "LeftShift", "rshift": "RightShift"}


def _lru_cache(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``@lru_cache``, ``@lru_cache()``, ``@lru_cache(maxsize=None)``: the function, cached."""
    if args and not isinstance(args[0], (int, type(None))):  # used bare: lru_cache(fn)
        return _cached(args[0], 128)
    size = args[0] if args else kwargs.get("maxsize", 128)
    if kwargs.get("typed") or not (size is None or isinstance(size, int) and not isinstance(size, bool)):
        return it.unknown("lru_cache(typed=True) or a maxsize that is not an int", node)
    return Builtin("lru_cache.decorator", lambda it2, a, k, n: _cached(a[0], size) if a else it2.unknown("lru_cache()", n))


def _cached(fn: Any, maxsize: Optional[int]) -> Builtin:
    """A function memoized as ``functools`` does: the same arguments (positional and keyword
    apart, by equality and hash) give the very same result object (a module built once is
    shared: counted once), least recently used entries dropped past ``maxsize``."""
    import collections

    cache: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()

    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if _unknown_in(args, kwargs) is not None:
            return it.call(fn, args, kwargs, node)
        key = (tuple(args), _KW_MARK, tuple(kwargs.items())) if kwargs else tuple(args)
        try:
            hit = cache.get(key, _MISS)
        except TypeError as e:  # an unhashable argument: Python raises
            return it.unknown(f"cached call: {e}", node)
        if hit is not _MISS:
            cache.move_to_end(key)
            return hit
        r = it.call(fn, args, kwargs, node)
        if isinstance(r, Unknown):
            return r
        if maxsize != 0:
            cache[key] = r
            if maxsize is not None and len(cache) > maxsize:
                cache.popitem(last=False)
        return r
    return Builtin(getattr(fn, "name", "cached"), call)


_MISS = object()
_KW_MARK = object()  # separates positional from keyword arguments in a key, as functools does


def _ordered_dict(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.iteration import OrderedDictValue

    d = _dict(it, args, kwargs, node)
    return OrderedDictValue(d) if type(d) is dict else d


def _import_module(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``importlib.import_module(name, package=None)``: as an import statement of that name
    (a registry's ``import_module(f".{name}", __package__)``)."""
    from paramlint.evaluate.project import resolve_relative
    from paramlint.evaluate.signatures import bind

    bound = bind("name, package=None", list(args), dict(kwargs), "import_module")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    name, package = bound["name"], bound["package"]
    for v in (name, package):
        if isinstance(v, Unknown):
            return v
    if not isinstance(name, str) or not name.strip("."):
        return it.unknown("import_module() of a non-module name", node)
    if name.startswith("."):
        if not isinstance(package, str) or not package:
            return it.unknown("import_module() of a relative name without a package", node)
        target = name.lstrip(".")
        name = resolve_relative(package, True, len(name) - len(target), target) or ""
        if not name:
            return it.unknown("import_module(): relative import beyond the top-level package", node)
    return it.import_module(name)


def _find_spec(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``importlib.util.find_spec(name)``: a spec (an opaque, true value) for a module known to
    be importable where the model runs (see statements.not_known_installed), else unknown --
    never None: a package missing here may be installed there."""
    from paramlint.evaluate.signatures import bind
    from paramlint.evaluate.statements import not_known_installed

    bound = bind("name, package=None", list(args), dict(kwargs), "find_spec")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    name = bound["name"]
    if isinstance(name, Unknown):
        return name
    if not isinstance(name, str) or not name or name.startswith("."):
        return it.unknown("find_spec() of this name", node)
    why = not_known_installed(it, name)
    return External("importlib.machinery.ModuleSpec") if why is None else it.unknown(why, node)


STDLIB.update({
    "importlib.import_module": Builtin("import_module", _import_module),
    "importlib.util.find_spec": Builtin("find_spec", _find_spec),
    "functools.partial": Builtin("partial", _partial),
    "functools.lru_cache": Builtin("lru_cache", lambda it, a, k, n: _lru_cache(it, a, k, n)),
    "functools.cache": Builtin("cache", lambda it, a, k, n: _cached(a[0], None) if a else it.unknown("cache()", n)),
    "copy.deepcopy": Builtin("deepcopy", _deepcopy),
    "copy.copy": Builtin("copy", lambda it, a, k, n: _shallow_copy(it, a[0]) if a else None),
    "collections.OrderedDict": Builtin("OrderedDict", _ordered_dict),
    "typing.cast": Builtin("cast", lambda it, a, k, n: a[1] if len(a) > 1 else None),
    "warnings.warn": Builtin("warn", lambda it, a, k, n: None),
    "os.getenv": Builtin("getenv", _getenv),
    "functools.reduce": Builtin("reduce", _functools_reduce),
    **{f"operator.{name}": _operator(op) for name, op in _OPERATORS.items()},
    "logging.getLogger": Builtin("getLogger", lambda it, a, k, n: External("logging.Logger")),
    "builtins.print": BUILTINS["print"],
})

#: Keras's configuration as a clean environment has it (no ``~/.keras/keras.json``), as
#: ``os.environ`` is empty: the figures are those of a default install, e.g. a CI job.
_KERAS_CONFIG = {"image_data_format": "channels_last", "floatx": "float32", "epsilon": 1e-7}


_KERAS_CHOICES = {"image_data_format": ("channels_last", "channels_first"), "floatx": ("float16", "bfloat16", "float32", "float64")}


def _keras_config(name: str) -> Builtin:
    def get(it: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
        if a or k:
            return it.unknown(f"{name}() with arguments", n)
        return it.project.keras_config.get(name, _KERAS_CONFIG[name])
    return Builtin(name, get)


def _keras_set_config(name: str) -> Builtin:
    """``keras.config.set_image_data_format("channels_first")`` and the like: later layers
    built with ``data_format=None`` follow it (seen by later reads in the same analysis, as
    writes to ``os.environ`` are)."""
    def set_(it: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
        v = a[0] if len(a) == 1 and not k else k.get("value", _MISSING_CFG) if not a and len(k) == 1 else _MISSING_CFG
        ok = v in _KERAS_CHOICES[name] if name in _KERAS_CHOICES else isinstance(v, float) and not isinstance(v, bool)
        it.project.keras_config[name] = v if ok else it.unknown(f"set_{name}() with a value that is not modelled", n)
        return None
    return Builtin(f"set_{name}", set_)


_MISSING_CFG = object()
_KERAS_NAMESPACES = ("keras.backend", "keras.config", "keras.src.backend", "keras.src.backend.config",
                     "tensorflow.keras.backend", "tf_keras.backend")
STDLIB.update({f"{ns}.{name}": _keras_config(name) for ns in _KERAS_NAMESPACES for name in _KERAS_CONFIG})
STDLIB.update({f"{ns}.set_{name}": _keras_set_config(name) for ns in _KERAS_NAMESPACES for name in _KERAS_CONFIG})


def _flash_switch(value: Any) -> Builtin:
    """``keras.config.enable/disable_flash_attention()``: the global switch layers read at init
    (``enable`` sets None, "where supported"; ``disable`` False)."""
    def set_(it: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
        if a or k:
            return it.unknown("a flash-attention switch with arguments", n)
        it.project.keras_config["flash_attention"] = value
        return None
    return Builtin("enable_flash_attention" if value is None else "disable_flash_attention", set_)


def _flash_enabled(it: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
    return it.project.keras_config.get("flash_attention") if not a and not k else it.unknown("is_flash_attention_enabled() with arguments", n)


for _ns in ("keras.config", "keras.src.backend.config"):
    STDLIB[f"{_ns}.enable_flash_attention"] = _flash_switch(None)
    STDLIB[f"{_ns}.disable_flash_attention"] = _flash_switch(False)
    STDLIB[f"{_ns}.is_flash_attention_enabled"] = Builtin("is_flash_attention_enabled", _flash_enabled)


def _keras_clear_session(it: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
    """``keras.backend.clear_session()``: auto-naming starts again ("dense", not "dense_3")."""
    it.keras_names.clear()
    return None


STDLIB.update({f"{ns}.clear_session": Builtin("clear_session", _keras_clear_session)
               for ns in ("keras.backend", "keras.utils", "keras.src.backend", "tensorflow.keras.backend", "tf_keras.backend")})

from paramlint.evaluate import introspection as _introspection  # noqa: E402

STDLIB.update(_introspection.STDLIB)


def _object_setattr(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``object.__setattr__(obj, name, value)``: straight into the instance ``__dict__``, past
    properties, descriptors and torch's registration (a frozen dataclass's ``__post_init__``)."""
    if len(args) != 3 or kwargs or not isinstance(args[1], str):
        return it.unknown("object.__setattr__() takes an object, a name and a value", node)
    obj, name, value = args
    if isinstance(obj, (Instance, Layer)):
        from paramlint.evaluate.isolation import touch

        touch(it, obj)
        obj.attrs[name] = value
        return None
    if isinstance(obj, Unknown):
        return obj
    u = it.unknown(f"object.__setattr__ on a {type(obj).__name__} is not modelled", node)
    it.poison(obj, u)
    return u


STDLIB["builtins.object.__setattr__"] = Builtin("object.__setattr__", _object_setattr)
from paramlint.evaluate import typehints as _typehints  # noqa: E402

STDLIB.update(_typehints.STDLIB)
from paramlint.evaluate import enums as _enums  # noqa: E402

STDLIB.update(_enums.STDLIB)
from paramlint.evaluate import records as _records  # noqa: E402

STDLIB.update(_records.STDLIB)
from paramlint.evaluate import iteration as _iteration  # noqa: E402

STDLIB.update(_iteration.STDLIB)
from paramlint.evaluate import regex as _regex  # noqa: E402

STDLIB.update(_regex.STDLIB)
from paramlint.evaluate import keras_objects as _keras_objects  # noqa: E402

STDLIB.update(_keras_objects.STDLIB)
from paramlint.evaluate import keras_dtypes as _keras_dtypes  # noqa: E402

STDLIB.update(_keras_dtypes.STDLIB)
CONSTANTS.update(_regex.CONSTANTS)
CONSTANTS.update(_introspection.CONSTANTS)
from paramlint.evaluate import torch_helpers as _torch_helpers  # noqa: E402

STDLIB.update(_torch_helpers.STDLIB)
for _p in ("keras.src.backend", "keras.src.backend.common.masking"):  # (keras_graph loads only when reached)
    STDLIB[f"{_p}.get_keras_mask"] = Builtin("get_keras_mask", lambda it, a, k, n: lazy.keras_graph.get_keras_mask(it, a, k, n))
    STDLIB[f"{_p}.set_keras_mask"] = Builtin("set_keras_mask", lambda it, a, k, n: lazy.keras_graph.set_keras_mask(it, a, k, n))
