"""Methods of plain Python values (list.append, dict.items, str.format...), size-checked."""

from __future__ import annotations

import string
from typing import Any, Dict, List

from paramlint.evaluate.builtins import format_value
from paramlint.evaluate.limits import LimitExceeded
from paramlint.evaluate.values import Builtin, Environ, Unknown

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
_SET = {"add", "update", "discard", "remove", "union", "intersection", "difference", "issubset", "issuperset", "copy", "pop"}


def method(it: Any, obj: Any, name: str, node: Any) -> Any:
    """A bound method of a plain value, as a Builtin; Unknown for anything else."""
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
    from paramlint.evaluate.attributes import no_attr

    return no_attr(it, obj, name, node)


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
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as e:
        return it.unknown(f"format(): {e}", node)
    for text, field, spec, conv in parsed:
        out.append(text)
        if field is None:
            continue
        key = field.split(".")[0].split("[")[0]
        if key == "":
            v = args[auto] if auto < len(args) else None
            auto += 1
        elif key.isdigit():
            v = args[int(key)] if int(key) < len(args) else None
        else:
            v = kwargs.get(key)
        if key != field:
            return it.unknown("format() with attribute or index fields", node)
        if isinstance(v, Unknown):
            return v
        if conv == "r":
            v = repr(v) if isinstance(v, _PLAIN) else None
        s = format_value(v, spec or "")
        if s is None:
            return it.unknown("format() of a value that is not plain data", node)
        out.append(s)
    r = "".join(out)
    if len(r) > it.limits.max_string:
        raise LimitExceeded("string exceeds the string limit")
    return r


def _list_method(it: Any, obj: List[Any], name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    try:
        if name == "append":
            _check_size(it, len(obj) + 1)
            obj.append(args[0])
        elif name == "extend":
            seq = it.fw.iterate(it, args[0], node)
            if isinstance(seq, Unknown):
                obj.append(seq)  # length now unknown: poison the list visibly
                return seq
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
            if kwargs.get("key") is not None:
                return it.unknown("sort(key=...) is not modelled", node)
            obj.sort(reverse=bool(kwargs.get("reverse", False)))
        elif name == "copy":
            return list(obj)
        else:
            return getattr(obj, name)(*args)
    except LimitExceeded:
        raise
    except Exception as e:
        return it.unknown(f"list.{name}(): {e}", node)
    return None


def _dict_method(it: Any, obj: Dict[Any, Any], name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
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
    try:
        if name == "items":
            return list(obj.items())
        if name == "keys":
            return list(obj.keys())
        if name == "values":
            return list(obj.values())
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
            return args[0]
        if name == "copy":
            return dict(obj)
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
