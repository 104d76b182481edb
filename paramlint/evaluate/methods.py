"""Methods of plain Python values (list.append, dict.items, str.format...), size-checked."""

from __future__ import annotations

import string
from typing import Any, Dict, List, Set

from paramlint.evaluate import protocols
from paramlint.evaluate.builtins import _Iterator, by_keys, format_value, sort_keys, text_of
from paramlint.evaluate.iterators import IterationUnknown
from paramlint.evaluate.isolation import touch
from paramlint.evaluate.limits import LimitExceeded
from paramlint.evaluate.values import Builtin, Environ, Unknown, selected_by

_PLAIN = (int, float, bool, str, type(None))

_PURE_STR = {
    "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "replace",
    "title", "capitalize", "isdigit", "isalpha", "isnumeric", "isupper", "islower", "find", "rfind", "count",
    "index", "partition", "rpartition", "casefold", "isidentifier", "removeprefix", "removesuffix", "splitlines",
    "swapcase", "isspace", "isalnum", "isdecimal",
}
_LIST_MUTATE = {"append", "extend", "insert", "pop", "remove", "clear", "reverse", "sort"}
_LIST_PURE = {"index", "count", "copy"}
_DICT = {"get", "items", "keys", "values", "update", "pop", "setdefault", "copy", "clear", "popitem"}
_DICT_MUTATE = {"update", "pop", "setdefault", "clear", "popitem"}
_SET = {"add", "update", "discard", "remove", "union", "intersection", "difference", "issubset", "issuperset", "copy", "pop"}


def method(it: Any, obj: Any, name: str, node: Any) -> Any:
    """A bound method of a plain value, as a Builtin; Unknown for anything else."""
    if isinstance(obj, (str, bytes, list, tuple, dict, set, frozenset)) and len(obj) >= 1024 and (
            isinstance(obj, (str, bytes)) or name in _WALKS):
        it.charge(len(obj))  # (``s.count(x)``, ``big.index(v)``: work on every element)
    if isinstance(obj, str):
        if name == "format":
            return Builtin("str.format", lambda it2, a, k, n: _str_format(it2, obj, a, k, n))
        if name == "join":
            return Builtin("str.join", lambda it2, a, k, n: _str_join(it2, obj, a, n))
        if name in _PURE_STR:
            return Builtin(f"str.{name}", lambda it2, a, k, n: _pure(it2, obj, name, a, k, n))
    elif isinstance(obj, list):
        if name in ("appendleft", "popleft", "extendleft"):
            from paramlint.evaluate.iteration import Deque, deque_method

            if isinstance(obj, Deque):
                return deque_method(it, obj, name, node)
        if name in _LIST_MUTATE or name in _LIST_PURE:
            return Builtin(f"list.{name}", lambda it2, a, k, n: _list_method(it2, obj, name, a, k, n))
    elif isinstance(obj, tuple):
        if name in ("index", "count"):
            return Builtin(f"tuple.{name}", lambda it2, a, k, n: _pure(it2, obj, name, a, k, n))
        if name == "_replace" or name == "_asdict":
            return it.unknown(f"tuple.{name} is not modelled", node)
    elif isinstance(obj, dict):
        if name in _DICT:
            return Builtin(f"dict.{name}", lambda it2, a, k, n: _dict_method(it2, obj, name, a, k, n))
    elif isinstance(obj, (set, frozenset)):
        if name in _SET:
            return Builtin(f"set.{name}", lambda it2, a, k, n: _set_method(it2, obj, name, a, k, n))
    elif isinstance(obj, (int, float)) and name in ("bit_length", "is_integer", "real", "imag", "conjugate") and (
        name != "bit_length" or isinstance(obj, int)
    ):
        if name in ("real", "imag"):
            return obj if name == "real" else 0
        if name == "is_integer" and isinstance(obj, int):  # int.is_integer() only exists from Python 3.12
            return Builtin(name, lambda it2, a, k, n: True)
        return Builtin(name, lambda it2, a, k, n: getattr(obj, name)())
    elif isinstance(obj, range) and name in ("start", "stop", "step"):
        return getattr(obj, name)
    from paramlint.evaluate.attributes import certain_miss, no_attr

    if not certain_miss(obj, name):  # a real method we do not model: it may change the object
        u = it.unknown(f"{type(obj).__name__}.{name} is not modelled", node)
        if isinstance(obj, (list, dict, set)):
            it.poison(obj, u)
        return u
    return no_attr(it, obj, name, node)


#: Methods of containers that walk every element (a string's all do).
_WALKS = frozenset(("count", "index", "copy", "sort", "reverse", "remove", "insert", "union", "intersection",
                    "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint"))


def _check_size(it: Any, n: int) -> None:
    if n > it.limits.max_collection:
        raise LimitExceeded("collection exceeds the collection limit")


def _pure(it: Any, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    for a in (*args, *kwargs.values()):
        if isinstance(a, Unknown):
            return a
        if not isinstance(a, (_PLAIN, tuple)):
            return it.unknown(f"{name}() with a non-plain argument", node)
    try:
        r = getattr(obj, name)(*args, **kwargs)
    except Exception as e:
        return it.unknown(f"{name}(): {e}", node)
    if isinstance(r, str) and len(r) > it.limits.max_string:
        raise LimitExceeded("string exceeds the string limit")
    if isinstance(r, list):
        _check_size(it, len(r))
    return r


def _str_join(it: Any, sep: str, args: List[Any], node: Any) -> Any:
    seq = it.fw.iterate(it, args[0], node) if args else []
    if isinstance(seq, Unknown):
        return seq
    for s in seq:
        if isinstance(s, Unknown):
            return s
        if not isinstance(s, str):
            return it.unknown("join() of non-strings", node)
    if sum(map(len, seq)) + len(sep) * len(seq) > it.limits.max_string:
        raise LimitExceeded("string exceeds the string limit")
    return sep.join(seq)


def _str_format(it: Any, fmt: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    out: List[str] = []
    auto = 0
    modes: Set[str] = set()
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as e:
        return it.unknown(f"format(): {e}", node)
    for text, field, spec, conv in parsed:
        out.append(text)
        if field is None:
            continue
        key = field.split(".")[0].split("[")[0]
        if key != field:
            return it.unknown("format() with attribute or index fields", node)
        if key == "":
            index: Any = auto
            auto += 1
            modes.add("auto")
        else:
            index = int(key) if key.isdigit() else key
            if key.isdigit():
                modes.add("manual")
        if len(modes) > 1:
            return it.unknown("format(): automatic and manual field numbering mixed (an error in Python)", node)
        if isinstance(index, int) and index >= len(args) or isinstance(index, str) and index not in kwargs:
            return it.unknown(f"format(): no argument for field {{{field}}} (an error in Python)", node)
        v = args[index] if isinstance(index, int) else kwargs[index]
        if isinstance(v, Unknown):
            return v
        if conv is not None:
            v = text_of(v, conv, it)
            if v is None:
                return it.unknown(f"format() !{conv} of a value that is not plain data", node)
        if spec and "{" in spec:
            return it.unknown("format() with a nested replacement field in a format spec", node)
        s = format_value(v, spec or "")
        if s is None:
            return it.unknown("format() of a value that is not plain data", node)
        out.append(s)
    r = "".join(out)
    if len(r) > it.limits.max_string:
        raise LimitExceeded("string exceeds the string limit")
    return r


def _peek(it: Any, v: Any, node: Any) -> Any:
    """The items ``v`` would yield, without consuming a generator (the call itself iterates)."""
    if isinstance(v, _Iterator):
        try:
            return v.peek(it)
        except IterationUnknown as e:
            return e.unknown
    return it.fw.iterate(it, v, node)


def _unknown_effect(it: Any, obj: Any, name: str, args: List[Any], node: Any) -> Any:
    """Why the effect of a mutating method call on a list, dict or set is unknown, or None:
    an unknown index or key (``l.insert(i, x)``, ``d.pop(k)``), an element whose equality is not
    known (``s.add(u)``, ``l.remove(x)`` in a list holding an unknown), unknown contents to add."""
    if isinstance(obj, list):
        if name in ("insert", "pop") and args:
            return protocols.untrusted(it, args[0])
        if name == "extend" and args:
            return args[0] if isinstance(args[0], Unknown) else None
        if name in ("remove", "sort"):
            return protocols.untrusted_in(it, [*args, *obj])
        return None
    if isinstance(obj, dict):
        if name in ("pop", "setdefault") and args:
            return protocols.untrusted(it, args[0])
        if name == "update" and args:
            src = args[0]
            if isinstance(src, Unknown):
                return src
            if isinstance(src, dict):
                return it.poison_of(src)
            seq = _peek(it, src, node)
            if isinstance(seq, Unknown):
                return seq
            return protocols.untrusted_in(it, [p[0] if isinstance(p, (tuple, list)) and p else p for p in seq])
        return None
    if name in ("add", "discard", "remove"):
        return protocols.untrusted_in(it, args)
    if name == "update":
        return _untrusted_items(it, args, node)
    return None


def _untrusted_items(it: Any, iterables: List[Any], node: Any) -> Any:
    """:func:`protocols.untrusted` of the first such item the ``iterables`` yield (or why what
    one yields is unknown), or None."""
    for a in iterables:
        seq = _peek(it, a, node)
        u = seq if isinstance(seq, Unknown) else protocols.untrusted_in(it, seq)
        if u is not None:
            return u
    return None


def _unknown_answer(it: Any, obj: Any, name: str, args: List[Any], node: Any) -> Any:
    """Why a pure method's answer is unknown: ``l.index(x)``/``l.count(x)`` and the set
    algebra compare elements, some of whose equality is not known."""
    if name in ("index", "count") or isinstance(obj, (set, frozenset)):
        u = protocols.untrusted_in(it, [*args, *obj])
        if u is None and isinstance(obj, (set, frozenset)):
            u = _untrusted_items(it, args, node)
        return u
    return None


def _list_method(it: Any, obj: List[Any], name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if name in _LIST_MUTATE:
        touch(it, obj)
    u = _unknown_effect(it, obj, name, args, node) if name in _LIST_MUTATE else _unknown_answer(it, obj, name, args, node)
    if u is not None:
        return it.poison(obj, u) if name in _LIST_MUTATE else u
    try:
        if name == "append":
            _check_size(it, len(obj) + 1)
            obj.append(args[0])
        elif name == "extend":
            seq = it.fw.iterate(it, args[0], node)
            if isinstance(seq, Unknown):
                return it.poison(obj, seq)  # its length is now unknown
            _check_size(it, len(obj) + len(seq))
            obj.extend(seq)
        elif name == "insert":
            _check_size(it, len(obj) + 1)
            if isinstance(args[0], Unknown):
                return args[0]
            obj.insert(args[0], args[1])
        elif name == "pop":
            return obj.pop(*args)
        elif name == "remove":
            obj.remove(args[0])
        elif name == "clear":
            obj.clear()
        elif name == "reverse":
            obj.reverse()
        elif name == "sort":
            keys = sort_keys(it, "sort", obj, kwargs.get("key"), node)
            reverse = kwargs.get("reverse", False)
            if isinstance(keys, Unknown) or not isinstance(reverse, (bool, int)):
                return it.poison(obj, keys if isinstance(keys, Unknown) else it.unknown("sort(reverse=...) of a non-bool", node))
            obj[:] = by_keys(obj, keys, bool(reverse))
        elif name == "copy":
            return list(obj)
        else:
            return getattr(obj, name)(*args)
    except LimitExceeded:
        raise
    except Exception as e:
        u = it.unknown(f"list.{name}(): {e}", node)
        return it.poison(obj, u) if name == "sort" else u  # a failed sort leaves the list half-sorted
    return None


def _dict_method(it: Any, obj: Dict[Any, Any], name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if name in _DICT_MUTATE:
        touch(it, obj)
        entry = it.module_dicts.get(id(obj)) if it.module_dicts else None
        if entry is not None and entry[0] is obj:  # a module's registry (``m._modules.update(...)``)
            touch(it, entry[1])
            if name in ("update", "setdefault") and entry[1].uncertain is None:
                entry[1].uncertain = it.unknown(f"{entry[1].type_name}.{entry[2]}.{name}() is not modelled", node)
    if isinstance(obj, Environ) and name in ("update", "setdefault"):
        r = _environ_write(it, obj, name, args, kwargs, node)
        if r is not None:
            return r
    if kwargs and name != "update":
        if not (isinstance(obj, Environ) and name in ("get", "pop", "setdefault") and set(kwargs) <= {"key", "default"}
                and len(args) + len(kwargs) <= 2 and not (args and "key" in kwargs)):
            return it.unknown(f"dict.{name}() with keyword arguments", node)
        key = args[0] if args else kwargs.get("key")
        args = [key, args[1] if len(args) > 1 else kwargs["default"]] if len(args) > 1 or "default" in kwargs else [key]
    if name in ("update", "pop", "setdefault"):
        u = _unknown_effect(it, obj, name, args, node)
        if u is not None:
            return it.poison(obj, u)
    elif name == "get" and args:
        u = protocols.untrusted(it, args[0])
        if u is not None:
            return selected_by(u, obj)
    try:
        if name == "items":  # Python's live views (a later change shows through them)
            return obj.items()
        if name == "keys":
            return obj.keys()
        if name == "values":
            return obj.values()
        if name == "update":
            if args:
                src = args[0]
                if isinstance(src, Unknown):
                    return src
                if not isinstance(src, dict):
                    seq = it.fw.iterate(it, src, node)
                    if isinstance(seq, Unknown):
                        return seq
                    src = dict(seq)
                obj.update(src)
            obj.update(kwargs)
            _check_size(it, len(obj))
            return None
        if isinstance(args[0] if args else None, Unknown):
            return selected_by(args[0], obj)
        if name == "copy":  # the same kind of dict: a defaultdict's copy makes missing keys too
            return obj.copy() if type(obj) is not dict else dict(obj)
        return getattr(obj, name)(*args)
    except LimitExceeded:
        raise
    except Exception as e:
        return it.unknown(f"dict.{name}(): {e}", node)


def _environ_write(it: Any, obj: Dict[Any, Any], name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``os.environ.update/setdefault`` with anything but str keys and values raises TypeError."""
    if name == "setdefault":
        pairs = [(args[0] if args else kwargs.get("key"), args[1] if len(args) > 1 else kwargs.get("default"))]
    else:
        src = args[0] if args else {}
        if not isinstance(src, dict):
            return it.unknown("os.environ.update() of a non-dict", node)
        pairs = [*src.items(), *kwargs.items()]
    for k, v in pairs:
        if isinstance(k, Unknown) or isinstance(v, Unknown):
            continue
        if not (isinstance(k, str) and isinstance(v, str)):
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown("os.environ keys and values must be str", node), "TypeError")
    return None


def _set_method(it: Any, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if name in ("add", "update", "discard", "remove", "pop"):
        touch(it, obj)
    if name in ("add", "update", "discard", "remove"):
        u = _unknown_effect(it, obj, name, args, node)
        if u is not None:
            return it.poison(obj, u)
    elif name != "pop" and name != "copy":
        u = _unknown_answer(it, obj, name, args, node)
        if u is not None:
            return u
    try:
        r = getattr(obj, name)(*args)
        if isinstance(r, (set, frozenset)):
            _check_size(it, len(r))
        _check_size(it, len(obj))
        return r
    except LimitExceeded:
        raise
    except Exception as e:
        return it.unknown(f"set.{name}(): {e}", node)


_SET_INPLACE = {"BitOr": "update", "BitAnd": "intersection_update", "Subtract": "difference_update",
                "BitXor": "symmetric_difference_update"}


def inplace(it: Any, op: str, cur: Any, rhs: Any, node: Any) -> Any:
    """``cur op= rhs`` where Python changes ``cur`` in place, so that every alias sees it: list
    ``+=``/``*=``, dict (and ``os.environ``) ``|=``, set ``|= &= -= ^=``. Returns the value to
    bind (``cur`` itself, or an Unknown after poisoning ``cur``), or NotImplemented where Python
    makes a new object (``cur op rhs``)."""
    touch(it, cur)
    if isinstance(cur, list):
        if op == "Add":
            r = _list_method(it, cur, "extend", [rhs], {}, node)
            return r if isinstance(r, Unknown) else cur
        if op == "Multiply":
            if isinstance(rhs, Unknown):
                return it.poison(cur, rhs)
            if isinstance(rhs, int):
                _check_size(it, len(cur) * max(rhs, 0))
                cur *= rhs
                return cur
        return NotImplemented
    if isinstance(cur, dict) and op == "BitOr":
        if not (isinstance(rhs, (dict, Unknown))):  # dict |= accepts only a mapping (unlike update)
            return NotImplemented
        r = _dict_method(it, cur, "update", [rhs], {}, node)
        return r if isinstance(r, Unknown) else cur
    if isinstance(cur, set) and op in _SET_INPLACE:
        if isinstance(rhs, Unknown):
            return it.poison(cur, rhs)
        if not isinstance(rhs, (set, frozenset)):
            return NotImplemented  # then `cur | rhs` raises TypeError, as in Python
        u = protocols.untrusted_in(it, [*cur, *rhs])
        if u is not None:
            return it.poison(cur, u)
        getattr(cur, _SET_INPLACE[op])(rhs)
        _check_size(it, len(cur))
        return cur
    return NotImplemented
