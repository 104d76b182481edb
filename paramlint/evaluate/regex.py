"""``re`` on constant strings, for model code that decodes architecture strings
(``"ir_r2_k3_s2_e6_c24"``).

Patterns and subjects come from the analyzed file, so they are untrusted: a regular
expression can take exponential time. Only patterns whose matching time is polynomial and
small are run: no repeat inside a repeat, no backreferences or lookarounds, at most a few
repeats, on short subjects. Anything else is Unknown.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from paramlint.evaluate.values import Builtin, Unknown

_MAX_PATTERN = 200
_MAX_SUBJECT = 200
_MAX_REPEATS = 3

try:  # Python 3.11+: re._parser; older: sre_parse
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_REFUSED = {"GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT"}


def _safe(pattern: str) -> Optional[str]:
    """None when the pattern is safe to run on a short subject, else why not."""
    if len(pattern) > _MAX_PATTERN:
        return "pattern too long"
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception as e:  # invalid pattern: Python would raise re.error
        return f"invalid pattern: {e}"
    count = [0]

    def walk(items: Any, in_repeat: bool) -> Optional[str]:
        for op, av in items:
            name = str(op)
            if name in _REFUSED:
                return "backreferences and lookarounds are not run"
            if name in _REPEATS:
                if in_repeat:
                    return "nested repeats are not run (exponential time)"
                count[0] += 1
                if count[0] > _MAX_REPEATS:
                    return "too many repeats"
                r = walk(av[2], True)
                if r:
                    return r
            elif name == "SUBPATTERN":
                r = walk(av[-1], in_repeat)
                if r:
                    return r
            elif name == "BRANCH":
                for alt in av[1]:
                    r = walk(alt, in_repeat)
                    if r:
                        return r
            elif name == "ATOMIC_GROUP":
                r = walk(av, in_repeat)
                if r:
                    return r
        return None

    return walk(parsed, False)


def _check(it: Any, pattern: Any, subject: Any, node: Any) -> Optional[Unknown]:
    for v in (pattern, subject):
        if isinstance(v, Unknown):
            return v
    if isinstance(pattern, PatternValue):
        pattern = pattern.pattern
    if not isinstance(pattern, str) or not isinstance(subject, str):
        return it.unknown("re on values that are not strings", node)
    if len(subject) > _MAX_SUBJECT:
        return it.unknown("re on a long string is not run", node)
    why = _safe(pattern)
    return it.unknown(f"re pattern not run: {why}", node) if why else None


def _flags(v: Any) -> Optional[int]:
    return v if isinstance(v, int) and not isinstance(v, bool) and v in (0, re.I, re.M, re.S, re.X, re.I | re.M, re.I | re.S) else None


class MatchValue:
    """A ``re.Match``: groups and positions."""

    __slots__ = ("m",)

    def __init__(self, m: "re.Match[str]") -> None:
        self.m = m

    def attr(self, it: Any, name: str, node: Any) -> Any:
        m = self.m
        if name in ("group", "groups", "start", "end", "span", "groupdict"):
            def call(it2: Any, a: List[Any], k: Dict[str, Any], n: Any, _name: str = name) -> Any:
                if any(not isinstance(x, (int, str)) for x in a) or k:
                    return it2.unknown(f"Match.{_name}() arguments", n)
                try:
                    return getattr(m, _name)(*a)
                except (IndexError, re.error) as e:
                    from paramlint.evaluate.interpreter import Raised

                    raise Raised(it2.unknown(f"raises IndexError: {e}", n), "IndexError")
            return Builtin(f"Match.{name}", call)
        if name in ("string", "pos", "endpos", "lastindex", "lastgroup"):
            return getattr(m, name)
        return it.unknown(f"Match.{name} is not modelled", node)


class PatternValue:
    """A compiled pattern (``re.compile``)."""

    __slots__ = ("pattern", "flags")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags

    def attr(self, it: Any, name: str, node: Any) -> Any:
        fn = _FUNCS.get(name)
        if fn is not None:
            return Builtin(f"Pattern.{name}", lambda it2, a, k, n: fn(it2, [self.pattern, *a], {"flags": self.flags, **k}, n))
        if name == "pattern":
            return self.pattern
        return it.unknown(f"Pattern.{name} is not modelled", node)


def _matcher(kind: str) -> Any:
    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) < 2:
            return it.unknown(f"re.{kind}() arity", node)
        pattern, subject = args[0], args[1]
        u = _check(it, pattern, subject, node)
        if u is not None:
            return u
        flags = _flags(kwargs.get("flags", args[2] if len(args) > 2 else 0))
        if flags is None:
            return it.unknown("re flags are not modelled", node)
        p = pattern.pattern if isinstance(pattern, PatternValue) else pattern
        m = getattr(re, kind)(p, subject, flags)
        return None if m is None else MatchValue(m)
    return call


def _split(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) < 2:
        return it.unknown("re.split() arity", node)
    u = _check(it, args[0], args[1], node)
    if u is not None:
        return u
    maxsplit = kwargs.get("maxsplit", args[2] if len(args) > 2 else 0)
    flags = _flags(kwargs.get("flags", 0))
    if not isinstance(maxsplit, int) or flags is None:
        return it.unknown("re.split() arguments", node)
    p = args[0].pattern if isinstance(args[0], PatternValue) else args[0]
    return re.split(p, args[1], maxsplit=maxsplit, flags=flags)


def _findall(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) < 2:
        return it.unknown("re.findall() arity", node)
    u = _check(it, args[0], args[1], node)
    if u is not None:
        return u
    flags = _flags(kwargs.get("flags", 0))
    if flags is None:
        return it.unknown("re flags are not modelled", node)
    p = args[0].pattern if isinstance(args[0], PatternValue) else args[0]
    return re.findall(p, args[1], flags)


def _sub(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) < 3:
        return it.unknown("re.sub() arity", node)
    pattern, repl, subject = args[0], args[1], args[2]
    u = _check(it, pattern, subject, node)
    if u is not None:
        return u
    if not isinstance(repl, str) or "\\" in repl:
        return it.unknown("re.sub() with a function or escapes in the replacement", node)
    count = kwargs.get("count", args[3] if len(args) > 3 else 0)
    flags = _flags(kwargs.get("flags", 0))
    if not isinstance(count, int) or flags is None:
        return it.unknown("re.sub() arguments", node)
    p = pattern.pattern if isinstance(pattern, PatternValue) else pattern
    return re.sub(p, repl, subject, count=count, flags=flags)


def _compile(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    p = args[0] if args else None
    if isinstance(p, Unknown):
        return p
    flags = _flags(kwargs.get("flags", args[1] if len(args) > 1 else 0))
    if not isinstance(p, str) or flags is None:
        return it.unknown("re.compile() arguments", node)
    why = _safe(p)
    if why:
        return it.unknown(f"re pattern not run: {why}", node)
    return PatternValue(p, flags)


_FUNCS: Dict[str, Any] = {
    "match": _matcher("match"), "fullmatch": _matcher("fullmatch"), "search": _matcher("search"),
    "split": _split, "findall": _findall, "sub": _sub,
}

STDLIB: Dict[str, Any] = {f"re.{k}": Builtin(f"re.{k}", v) for k, v in _FUNCS.items()}
STDLIB["re.compile"] = Builtin("re.compile", _compile)
CONSTANTS: Dict[str, Any] = {"re.I": re.I, "re.IGNORECASE": re.I, "re.M": re.M, "re.MULTILINE": re.M, "re.S": re.S, "re.DOTALL": re.S, "re.X": re.X}
