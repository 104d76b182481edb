"""Introspection that real model code uses to write wrappers: ``functools.wraps``,
``inspect.signature`` and its ``Parameter`` objects, ``inspect.isclass``...

Decorators such as "accept the old positional arguments" read the wrapped function's
signature and forward ``*args``/``**kwargs``; evaluating them for real (instead of guessing
that they are transparent) needs these few facts about user functions, all known from
source.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import libcst as cst

from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import BoundMethod, Builtin, Class, External, Function, Partial, Unknown

#: ``inspect.Parameter`` kinds (an IntEnum in Python, so ints compare equal to them).
POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD = range(5)
KIND_NAMES = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "VAR_POSITIONAL", "KEYWORD_ONLY", "VAR_KEYWORD")
EMPTY = External("inspect.Parameter.empty")

CONSTANTS: Dict[str, Any] = {}
for _i, _n in enumerate(KIND_NAMES):
    CONSTANTS[f"inspect.Parameter.{_n}"] = _i
    CONSTANTS[f"inspect._ParameterKind.{_n}"] = _i
CONSTANTS["inspect.Signature.empty"] = EMPTY
CONSTANTS["inspect._empty"] = EMPTY


class SigParam:
    """One ``inspect.Parameter``."""

    __slots__ = ("name", "kind", "default")

    def __init__(self, name: str, kind: int, default: Any) -> None:
        self.name = name
        self.kind = kind
        self.default = default

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name in ("name", "kind", "default"):
            return getattr(self, name)
        if name in KIND_NAMES:
            return KIND_NAMES.index(name)
        if name == "empty":
            return EMPTY
        if name == "annotation":
            return it.unknown("parameter annotations are not modelled", node)
        return it.unknown(f"inspect.Parameter.{name} is not modelled", node)


class Signature:
    """An ``inspect.Signature``: its parameters, in order."""

    __slots__ = ("params",)

    def __init__(self, params: List[SigParam]) -> None:
        self.params = params

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name == "parameters":
            return {p.name: p for p in self.params}
        if name == "empty":
            return EMPTY
        return it.unknown(f"Signature.{name} is not modelled", node)


def unwrap(fn: Any, limit: int = 100) -> Any:
    """Follow ``__wrapped__`` (set by ``functools.wraps``), as ``inspect.signature`` does."""
    seen = 0
    while isinstance(fn, Function) and "__wrapped__" in fn.attrs and seen < limit:
        fn = fn.attrs["__wrapped__"]
        seen += 1
    return fn


def function_params(fn: Function) -> List[SigParam]:
    p = fn.node.params
    out: List[SigParam] = []
    for q in p.posonly_params:
        out.append(SigParam(q.name.value, POSITIONAL_ONLY, fn.defaults.get(q.name.value, EMPTY)))
    for q in p.params:
        out.append(SigParam(q.name.value, POSITIONAL_OR_KEYWORD, fn.defaults.get(q.name.value, EMPTY)))
    if isinstance(p.star_arg, cst.Param):
        out.append(SigParam(p.star_arg.name.value, VAR_POSITIONAL, EMPTY))
    for q in p.kwonly_params:
        out.append(SigParam(q.name.value, KEYWORD_ONLY, fn.defaults.get(q.name.value, EMPTY)))
    if p.star_kwarg is not None:
        out.append(SigParam(p.star_kwarg.name.value, VAR_KEYWORD, EMPTY))
    return out


def signature_of(it: Any, fn: Any, node: Any) -> Any:
    """``inspect.signature(fn)`` for user functions, bound methods and classes."""
    fn = unwrap(fn)
    if isinstance(fn, Unknown):
        return fn
    if isinstance(fn, Function):
        return Signature(function_params(fn))
    if isinstance(fn, BoundMethod):
        inner = signature_of(it, fn.func, node)
        if isinstance(inner, Signature) and inner.params and inner.params[0].kind <= POSITIONAL_OR_KEYWORD:
            return Signature(inner.params[1:])
        return it.unknown("signature of a bound method", node)
    if isinstance(fn, Builtin) and fn.record is not None:
        return lazy.records.init_signature(it, fn.record, node)
    if isinstance(fn, Class):
        from paramlint.evaluate.attributes import class_attr

        init = class_attr(it, fn, "__init__", node, None)
        if isinstance(init, Function):
            params = function_params(unwrap(init)) if isinstance(unwrap(init), Function) else []
            return Signature(params[1:])
        return it.unknown(f"signature of class {fn.name}", node)
    return it.unknown(f"signature of a {type(fn).__name__}", node)


def _signature(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return it.unknown("signature() without a function", node)
    return signature_of(it, args[0], node)


_WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__")


def update_wrapper(it: Any, wrapper: Any, wrapped: Any, node: Any) -> Any:
    """``functools.update_wrapper``: copy the identity of ``wrapped`` onto ``wrapper``."""
    if not isinstance(wrapper, Function):
        return wrapper
    from paramlint.evaluate.attributes import get_attr

    for name in _WRAPPER_ASSIGNMENTS:
        v = get_attr(it, wrapped, name, node)
        if not isinstance(v, Unknown):
            wrapper.attrs[name] = v
    if isinstance(wrapped, Function):
        for k, v in wrapped.attrs.items():
            if k not in _WRAPPER_ASSIGNMENTS and k != "__wrapped__":
                wrapper.attrs.setdefault(k, v)
    wrapper.attrs["__wrapped__"] = wrapped
    return wrapper


def _wraps(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    wrapped = args[0] if args else kwargs.get("wrapped")
    if wrapped is None:
        return it.unknown("functools.wraps() without a function", node)
    return Builtin("wraps.decorator", lambda it2, a, k, n: update_wrapper(it2, a[0], wrapped, n) if a else None)


def _update_wrapper(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) < 2:
        return it.unknown("update_wrapper() arity", node)
    return update_wrapper(it, args[0], args[1], node)


def _isclass(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = args[0] if args else None
    if isinstance(v, Unknown):
        return v
    if isinstance(v, External):
        return it.unknown(f"inspect.isclass({v.qualname})", node)
    return isinstance(v, Class)


def _isfunction(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = args[0] if args else None
    if isinstance(v, Unknown):
        return v
    if isinstance(v, External):
        return it.unknown(f"inspect.isfunction({v.qualname})", node)
    return isinstance(v, Function)


def _unwrap(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return unwrap(args[0]) if args else it.unknown("unwrap() arity", node)


STDLIB: Dict[str, Any] = {
    "functools.wraps": Builtin("wraps", _wraps),
    "functools.update_wrapper": Builtin("update_wrapper", _update_wrapper),
    "inspect.signature": Builtin("signature", _signature),
    "inspect.isclass": Builtin("isclass", _isclass),
    "inspect.isfunction": Builtin("isfunction", _isfunction),
    "inspect.unwrap": Builtin("unwrap", _unwrap),
}


def wrapped_target(fn: Any) -> Optional[Function]:
    """The innermost function a decorated entry point stands for (its real signature)."""
    inner = unwrap(fn)
    return inner if isinstance(inner, Function) else None


__all__ = ["Signature", "SigParam", "signature_of", "unwrap", "update_wrapper", "STDLIB", "CONSTANTS", "Partial"]
