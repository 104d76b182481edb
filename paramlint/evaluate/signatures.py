"""Binding call arguments to a catalog entry's real signature, exactly as Python would."""

from __future__ import annotations

import ast
from typing import Any, Dict, FrozenSet, List, Optional, Tuple, Union

# (name, kind, default) with kind in "pos", "kwonly", "varargs", "varkw"; default _REQUIRED.
_REQUIRED = object()
Param = Tuple[str, str, Any]
_CACHE: Dict[str, List[Param]] = {}


def parse_signature(text: str) -> List[Param]:
    sig = _CACHE.get(text)
    if sig is not None:
        return sig
    fn = ast.parse(f"def f({text}): pass").body[0]
    assert isinstance(fn, ast.FunctionDef)
    a = fn.args
    out: List[Param] = []
    pos = [*a.posonlyargs, *a.args]
    defaults: List[Any] = [_REQUIRED] * (len(pos) - len(a.defaults)) + [ast.literal_eval(d) for d in a.defaults]
    for p, d in zip(pos, defaults):
        out.append((p.arg, "pos", d))
    if a.vararg is not None:
        out.append((a.vararg.arg, "varargs", _REQUIRED))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, "kwonly", _REQUIRED if d is None else ast.literal_eval(d)))
    if a.kwarg is not None:
        out.append((a.kwarg.arg, "varkw", _REQUIRED))
    _CACHE[text] = out
    return out


#: Per signature text: (name, default) of the named parameters in order, the positional names,
#: the *args and **kwargs names and the names a keyword can bind (a layer constructor is bound
#: tens of thousands of times a run).
_Plan = Tuple[List[Tuple[str, Any]], List[str], Optional[str], Optional[str], FrozenSet[str]]
_PLANS: Dict[str, _Plan] = {}


def _plan(sig: List[Param]) -> _Plan:
    return ([(p[0], p[2]) for p in sig if p[1] in ("pos", "kwonly")], [p[0] for p in sig if p[1] == "pos"],
            next((p[0] for p in sig if p[1] == "varargs"), None),
            next((p[0] for p in sig if p[1] == "varkw"), None), frozenset(p[0] for p in sig if p[1] in ("pos", "kwonly")))


def bind(text: str, args: List[Any], kwargs: Dict[str, Any], name: str) -> Union[Dict[str, Any], str]:
    """Bound arguments by parameter name (defaults filled in), or a TypeError-like message."""
    plan = _PLANS.get(text)
    if plan is None:
        plan = _PLANS[text] = _plan(parse_signature(text))
    named, pos, varargs, varkw, names = plan
    out: Dict[str, Any] = dict(zip(pos, args))
    if len(args) > len(pos):
        if varargs is None:
            return f"{name}() takes {len(pos)} positional arguments but {len(args)} were given"
        out[varargs] = tuple(args[len(pos):])
    elif varargs is not None:
        out[varargs] = ()
    extra: Dict[str, Any] = {}
    for k, v in kwargs.items():
        if k in names:
            if k in out:
                return f"{name}() got multiple values for argument {k!r}"
            out[k] = v
        elif varkw is not None:
            extra[k] = v
        else:
            return f"{name}() got an unexpected keyword argument {k!r}"
    if varkw is not None:
        out[varkw] = extra
    for pname, default in named:
        if pname not in out:
            if default is _REQUIRED:
                return f"{name}() missing required argument {pname!r}"
            out[pname] = default
    return out
