"""``jax.numpy`` functions on traced arrays, by numpy's shape rules.

A flax model's parameters are made during its forward pass (``init`` is one), so the shape
code between layers decides parameter shapes: ``jnp.concatenate([cls, x], axis=1)`` gives
the length a position embedding is made for. Each function returns the result's shape as a
flax Tensor, or raises ArgError where numpy/jax would raise or where a case is not modelled
(the caller turns it into an Unknown with the reason).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from paramlint.catalog import shapes as S
from paramlint.catalog.spec import ArgError
from paramlint.evaluate.values import Param, Tensor
from paramlint.types import Shape


def _shape(x: Any, what: str = "operand") -> Shape:
    if isinstance(x, (Tensor, Param)):
        return tuple(x.shape)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return ()
    raise ArgError(f"{what} is not an array")


def _arrays(v: Any) -> List[Shape]:
    if not isinstance(v, (list, tuple)) or not v:
        raise ArgError("expected a non-empty sequence of arrays")
    return [_shape(x) for x in v]


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ArgError(f"{what} is not an int")
    return v


def _ints(v: Any, what: str) -> Tuple[int, ...]:
    if isinstance(v, (list, tuple)):
        return tuple(_int(x, what) for x in v)
    return (_int(v, what),)


def _get(args: List[Any], kwargs: Dict[str, Any], i: int, name: str, default: Any = ArgError) -> Any:
    if len(args) > i:
        return args[i]
    if name in kwargs:
        return kwargs[name]
    if default is ArgError:
        raise ArgError(f"missing argument {name!r}")
    return default


def _concatenate(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    shapes = _arrays(_get(args, kwargs, 0, "arrays"))
    axis = _int(_get(args, kwargs, 1, "axis", 0), "axis")
    rank = len(shapes[0])
    if rank == 0 or any(len(s) != rank for s in shapes):
        raise ArgError("concatenate: arrays of different ranks (or 0-d)")
    ax = S.norm_axis(axis, rank, "concatenate")
    out = list(shapes[0])
    for s in shapes[1:]:
        for i in range(rank):
            if i == ax:
                out[i] = None if out[i] is None or s[i] is None else out[i] + s[i]  # type: ignore[operator]
            elif out[i] is None or s[i] is None or out[i] != s[i]:
                raise ArgError("concatenate: sizes differ outside the axis (or are unknown)")
    return tuple(out)


def _stack(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    shapes = _arrays(_get(args, kwargs, 0, "arrays"))
    axis = _int(_get(args, kwargs, 1, "axis", 0), "axis")
    if any(s != shapes[0] or None in s for s in shapes):
        raise ArgError("stack: arrays of different (or unknown) shapes")
    rank = len(shapes[0]) + 1
    ax = S.norm_axis(axis, rank, "stack")
    return tuple(shapes[0][:ax]) + (len(shapes),) + tuple(shapes[0][ax:])


def _reshape(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    new = _get(args, kwargs, 1, "shape", kwargs.get("newshape", ArgError))
    if _get(args, kwargs, 2, "order", "C") != "C":
        raise ArgError("reshape: order other than 'C' is not modelled")
    want = _ints(new, "shape")
    return reshaped(x, want)


def reshaped(x: Shape, want: Sequence[int]) -> Shape:
    """numpy's reshape: at most one -1, sizes must multiply out."""
    if None in x:
        raise ArgError("reshape of an array with unknown dims")
    total = math.prod(x)  # type: ignore[arg-type]
    if sum(1 for d in want if d == -1) > 1 or any(d < -1 for d in want):
        raise ArgError("reshape: bad target shape")
    known = math.prod(d for d in want if d != -1)
    if -1 in want:
        if known == 0 or total % known:
            raise ArgError("reshape: sizes do not divide")
        return tuple(total // known if d == -1 else d for d in want)
    if known != total:
        raise ArgError(f"reshape: cannot reshape {S.fmt(x)} to {tuple(want)}")
    return tuple(want)


def _transpose(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    axes = _get(args, kwargs, 1, "axes", None)
    return transposed(x, axes)


def transposed(x: Shape, axes: Any) -> Shape:
    if axes is None:
        return tuple(reversed(x))
    perm = _ints(axes, "axes")
    if sorted(a % len(x) if -len(x) <= a < len(x) else -1 for a in perm) != list(range(len(x))):
        raise ArgError("transpose: axes are not a permutation")
    return tuple(x[a] for a in perm)


def _swapaxes(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    a1 = S.norm_axis(_int(_get(args, kwargs, 1, "axis1"), "axis1"), len(x), "swapaxes")
    a2 = S.norm_axis(_int(_get(args, kwargs, 2, "axis2"), "axis2"), len(x), "swapaxes")
    out = list(x)
    out[a1], out[a2] = out[a2], out[a1]
    return tuple(out)


def _expand_dims(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    axes = _ints(_get(args, kwargs, 1, "axis"), "axis")
    rank = len(x) + len(axes)
    norm = sorted(S.norm_axis(a, rank, "expand_dims") for a in axes)
    if len(set(norm)) != len(norm):
        raise ArgError("expand_dims: repeated axis")
    out = list(x)
    for a in norm:
        out.insert(a, 1)
    return tuple(out)


def _squeeze(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    axis = _get(args, kwargs, 1, "axis", None)
    if axis is None:
        if None in x:
            raise ArgError("squeeze of an array with unknown dims")
        return tuple(d for d in x if d != 1)
    axes = {S.norm_axis(a, len(x), "squeeze") for a in _ints(axis, "axis")}
    if any(x[a] != 1 for a in axes):
        raise ArgError("squeeze: an axis of size other than 1 (numpy raises)")
    return tuple(d for i, d in enumerate(x) if i not in axes)


def _tile(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "A"))
    reps = _ints(_get(args, kwargs, 1, "reps"), "reps")
    if any(r < 0 for r in reps):
        raise ArgError("tile: negative repeats")
    return S.tile(x, reps)


def _broadcast_to(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "array"))
    want = _ints(_get(args, kwargs, 1, "shape"), "shape")
    if any(w < 0 for w in want) or len(want) < len(x) or any(
            d is None or (d != w and d != 1) for d, w in zip(reversed(x), reversed(want))):
        raise ArgError(f"broadcast_to: {S.fmt(x)} does not broadcast to {want}")
    return want


def _broadcast(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    if kwargs:
        raise ArgError("keyword arguments are not modelled")
    out: Shape = ()
    for a in args:
        out = strict_broadcast(out, _shape(a))
    return out


def strict_broadcast(a: Shape, b: Shape) -> Shape:
    """numpy broadcasting of two known shapes (an unknown size is not guessed)."""
    if None in a or None in b:
        raise ArgError("broadcasting arrays with unknown dims")
    return S.broadcast(a, b)


def _matmul(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    a, b = _shape(_get(args, kwargs, 0, "a")), _shape(_get(args, kwargs, 1, "b"))
    if not a or not b or None in a or None in b:
        raise ArgError("matmul of a scalar or an array with unknown dims")
    return S.matmul(a, b)


def _dot(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.dot``: a scalar scales; N-D with 1-D sums the last axis; N-D with M-D sums the
    last axis of a against the second-to-last of b (not batched: ``a[:-1] + b[:-2] + b[-1:]``)."""
    a, b = _shape(_get(args, kwargs, 0, "a")), _shape(_get(args, kwargs, 1, "b"))
    if None in a or None in b:
        raise ArgError("dot of arrays with unknown dims")
    if not a or not b:
        return a or b
    if len(b) == 1:
        if a[-1] != b[0]:
            raise ArgError("dot: sizes do not match")
        return tuple(a[:-1])
    if a[-1] != b[-2]:
        raise ArgError("dot: sizes do not match")
    return tuple(a[:-1]) + tuple(b[:-2]) + (b[-1],)


def _einsum(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    eq = args[0] if args else None
    if not isinstance(eq, str) or set(kwargs) - {"precision", "preferred_element_type", "optimize"}:
        raise ArgError("einsum with a non-constant equation or these keywords is not modelled")
    shapes = [_shape(x) for x in args[1:]]
    if any(None in s for s in shapes):
        raise ArgError("einsum of arrays with unknown dims")
    out_letters = eq.replace(" ", "").partition("->")[2].replace("...", "")
    if len(set(out_letters)) != len(out_letters):
        raise ArgError("einsum: a repeated output subscript (jax raises)")
    sizes: Dict[str, Optional[int]] = {}
    for term, s in zip(eq.replace(" ", "").partition("->")[0].split(","), shapes):
        if "..." in term:
            continue
        for ch, d in zip(term, s):
            if sizes.setdefault(ch, d) != d:  # (no size-1 broadcasting of a subscript assumed)
                raise ArgError(f"einsum: subscript {ch} has sizes {sizes[ch]} and {d}")
    return S.einsum(eq, shapes)


def _arange(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.arange(start, stop=None, step=None)``: numpy's rule (no stop: from 0 to start);
    jax wants ``start`` given (``arange(stop=5)`` raises)."""
    if set(kwargs) - {"start", "stop", "step", "dtype"} or len(args) > 4 or not args and "start" not in kwargs:
        raise ArgError("arange with these arguments is not modelled")
    start, stop, step = (_get(args, kwargs, i, n, None) for i, n in enumerate(("start", "stop", "step")))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if not all(type(v) is int for v in (start, stop, step)) or step == 0:
        raise ArgError("arange of values other than ints (or a step of 0) is not modelled")
    return (max(0, -(-(stop - start) // step)),)


def _split(args: List[Any], kwargs: Dict[str, Any]) -> Any:
    x = _shape(_get(args, kwargs, 0, "ary"))
    how = _get(args, kwargs, 1, "indices_or_sections")
    ax = S.norm_axis(_int(_get(args, kwargs, 2, "axis", 0), "axis"), len(x), "split")
    n = x[ax]
    if n is None:
        raise ArgError("split along an unknown dim")
    if type(how) is int:
        if how <= 0 or n % how:
            raise ArgError("split: the sections do not divide the axis (numpy raises)")
        sizes = [n // how] * how
    else:
        bounds = [0, *_ints(how, "indices"), n]  # (jax: nonnegative, nondecreasing, within the axis)
        if any(b < a for a, b in zip(bounds, bounds[1:])):
            raise ArgError("split: indices that are negative, decreasing or past the axis (jax raises)")
        sizes = [b - a for a, b in zip(bounds, bounds[1:])]
    return [tuple(x[:ax]) + (s,) + tuple(x[ax + 1:]) for s in sizes]


def _ravel(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    x = _shape(_get(args, kwargs, 0, "a"))
    if len(args) > 1 or set(kwargs) - {"order"} or kwargs.get("order", "C") != "C":
        raise ArgError("flatten with these arguments is not modelled")
    n = S.numel(x) if x else 1
    if n is None:
        raise ArgError("flatten of an array with unknown dims")
    return (n,)


def _like(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.zeros_like(a, dtype=None, shape=None)``: ``shape`` wins when given."""
    if len(args) > 3 or set(kwargs) - {"a", "dtype", "shape", "device"}:
        raise ArgError("zeros_like/ones_like with these arguments is not modelled")
    shape = _get(args, kwargs, 2, "shape", None)
    if shape is None:
        return _shape(_get(args, kwargs, 0, "a"))
    want = _ints(shape, "shape")
    if any(d < 0 for d in want):
        raise ArgError("negative dimensions (jax raises)")
    return want


def _clip(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.clip(arr, min, max)``: the broadcast of the array and any array bounds."""
    vals = [v for v in (*args, *kwargs.values()) if v is not None]
    if len(args) > 3 or set(kwargs) - {"arr", "a", "min", "max", "a_min", "a_max"} or not vals:
        raise ArgError("clip with these arguments is not modelled")
    return _broadcast(vals, {})


def _scalar_or_same(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.float32(8)``, ``jnp.sqrt(d)``: a 0-d array of a Python number, else the array's shape."""
    if len(args) != 1 or kwargs:
        raise ArgError("these arguments are not modelled")
    return _shape(args[0])


def _asarray(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.asarray(a, dtype=None)`` / ``jnp.array(object, dtype=None, copy=True, order=None,
    ndmin=0)``: the value's shape, with leading 1s up to ``ndmin``."""
    if len(args) > 2 or set(kwargs) - {"a", "object", "dtype", "copy", "order", "ndmin"}:
        raise ArgError("array with these arguments is not modelled")
    x = args[0] if args else kwargs.get("a", kwargs.get("object"))
    shape = _nested(x, 0) if isinstance(x, (list, tuple)) else _shape(x)
    ndmin = kwargs.get("ndmin", 0)
    if type(ndmin) is not int:
        raise ArgError("ndmin is not an int")
    return (1,) * max(0, ndmin - len(shape)) + tuple(shape)


def _nested(v: Any, depth: int) -> Shape:
    if depth > 8:
        raise ArgError("array literal nested too deep")
    if not isinstance(v, (list, tuple)):
        return _shape(v)
    if not v:
        return (0,)
    inner = [_nested(x, depth + 1) for x in v]
    if any(s != inner[0] for s in inner):
        raise ArgError("a ragged array literal")
    return (len(v),) + inner[0]


def _where(args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """``jnp.where(c, x, y)``: the three broadcast (with one argument it is data-dependent)."""
    if len(args) != 3 or kwargs:
        raise ArgError("where() other than where(condition, x, y) is not modelled")
    return _broadcast(args, {})


FUNCTIONS: Dict[str, Callable[[List[Any], Dict[str, Any]], Any]] = {
    "concatenate": _concatenate, "stack": _stack, "reshape": _reshape, "transpose": _transpose,
    "swapaxes": _swapaxes, "expand_dims": _expand_dims, "squeeze": _squeeze, "tile": _tile,
    "broadcast_to": _broadcast_to, "matmul": _matmul, "dot": _dot, "einsum": _einsum, "arange": _arange,
    "split": _split, "ravel": _ravel, "ones_like": _like, "zeros_like": _like, "asarray": _asarray,
    "array": _asarray, "clip": _clip,
    "where": _where, "add": _broadcast, "subtract": _broadcast, "multiply": _broadcast, "divide": _broadcast,
    "maximum": _broadcast, "minimum": _broadcast, "power": _broadcast,
    "float32": _scalar_or_same, "float16": _scalar_or_same, "bfloat16": _scalar_or_same, "int32": _scalar_or_same,
}


def call(name: str, args: List[Any], kwargs: Dict[str, Any]) -> Optional[Any]:
    """The result of ``jax.numpy.<name>`` as flax Tensors (a list for ``split``), None when the
    function is not one of these; raises ArgError (with why) where the shape is not known."""
    f = FUNCTIONS.get(name)
    if f is None:
        return None
    out = f(args, kwargs)
    if isinstance(out, list):
        return [Tensor(s, "flax") for s in out]
    return Tensor(out, "flax")
