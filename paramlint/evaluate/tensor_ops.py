"""Shape-only torch tensor operations: views, reductions, joins, products, ``F.*`` helpers.

Each op reads its arguments the way torch binds them (positional or keyword), refuses what
it cannot know (an Unknown argument, a tensor index) and computes the output shape with the
pure formulas of :mod:`paramlint.catalog.shapes`. Unknown dims (a ``None`` batch) stay
symbolic instead of making the whole shape unknown.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from paramlint import macs
from paramlint.catalog import shapes as S
from paramlint.catalog.spec import ArgError
from paramlint.evaluate.values import Param, ReturnPair, Tensor, Unknown
from paramlint.types import Shape

Method = Callable[[Any, Any, List[Any], Dict[str, Any], Any], Any]
METHODS: Dict[str, Method] = {}
#: torch.X(t, ...) functions that behave as the method t.X(...).
AS_FUNCTIONS: List[str] = []


class _Unk(Exception):
    def __init__(self, u: Unknown) -> None:
        self.u = u


def method(*names: str, function: bool = True) -> Callable[[Method], Method]:
    def deco(f: Method) -> Method:
        def run(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
            try:
                return f(it, t, args, kwargs, node)
            except ArgError as e:
                return e.unknown if e.unknown is not None else it.unknown(e.message, node)
            except _Unk as e:
                return e.u
        for n in names:
            METHODS[n] = run
            if function:
                AS_FUNCTIONS.append(n)
        return run
    return deco


def shape_of(v: Any) -> Optional[Shape]:
    return v.shape if isinstance(v, (Tensor, Param)) else None


def arg(args: Sequence[Any], kwargs: Dict[str, Any], i: int, name: str, default: Any = None) -> Any:
    v = args[i] if len(args) > i else kwargs.get(name, default)
    if isinstance(v, Unknown):
        raise _Unk(v)
    if isinstance(v, (list, tuple)):
        for x in v:
            if isinstance(x, Unknown):
                raise _Unk(x)
    return v


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ArgError(f"{what} must be an int, got {type(v).__name__}")
    return v


def _varargs(args: Sequence[Any], kwargs: Dict[str, Any], name: str) -> List[Any]:
    """``f(1, 2, 3)`` or ``f((1, 2, 3))`` or ``f(name=(1, 2, 3))`` → the values."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return list(args[0])
    if len(args) == 1 and isinstance(args[0], Unknown):
        raise _Unk(args[0])  # (one unknown argument may be the whole sequence: its length is unknown)
    if args:
        return list(args)
    v = kwargs.get(name)
    if isinstance(v, Unknown):
        raise _Unk(v)
    return list(v) if isinstance(v, (tuple, list)) else ([] if v is None else [v])


def _ints(args: Sequence[Any], kwargs: Dict[str, Any], name: str) -> List[Any]:
    """:func:`_varargs`, where an unknown value poisons the result."""
    seq = _varargs(args, kwargs, name)
    for x in seq:
        if isinstance(x, Unknown):
            raise _Unk(x)
    return seq


def _sizes(args: Sequence[Any], kwargs: Dict[str, Any], name: str) -> List[Any]:
    """:func:`_varargs`, where an unknown size becomes None (an unknown dim), not a poison."""
    return [None if isinstance(x, Unknown) else x for x in _varargs(args, kwargs, name)]


def _dims_arg(v: Any) -> Optional[List[int]]:
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [_int(d, "dim") for d in v]
    return [_int(v, "dim")]


def tensor(shape: Shape) -> Tensor:
    return Tensor(tuple(shape))


def record_macs(it: Any, n: Optional[int], what: str, node: Any) -> None:
    """Matrix products in forward code count toward the model's total MACs while tracing; one
    whose count is not modelled leaves a note saying which (the total is then unknown)."""
    ops = getattr(it, "op_macs", None)
    if ops is not None and it.trace is not None:
        ops.append(n)
        notes = getattr(it, "macs_notes", None)
        if n is None and notes is not None:
            notes.append((f"MACs of {what} with these operands are not modelled", it.loc(node)))


# ---- views --------------------------------------------------------------------------------

@method("view", "reshape", function=False)
def _view(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    want = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else (args or kwargs.get("shape") or kwargs.get("size") or ())
    if isinstance(want, Unknown) or len(args) == 1 and isinstance(args[0], Unknown):
        raise _Unk(want if isinstance(want, Unknown) else args[0])  # (a whole shape unknown: its rank too)
    total = S.numel(t.shape)
    out: List[Optional[int]] = []
    infer = -1
    for i, d in enumerate(want):
        if isinstance(d, Unknown):
            out.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and d == -1 and infer < 0:
            infer = i
            out.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and d >= 0:
            out.append(d)
        else:
            raise ArgError("view/reshape with an invalid size")
    if infer >= 0:
        known: Optional[int] = 1
        for i, d in enumerate(out):
            if i != infer:
                known = None if known is None or d is None else known * d
        if total is not None and known:
            if total % known:
                raise ArgError(f"view: shape {tuple(want)} is invalid for {total} elements")
            out[infer] = total // known
    else:
        n = S.numel(tuple(out))
        if n is not None and total is not None and n != total:
            raise ArgError(f"view: shape {tuple(want)} is invalid for {total} elements")
    return tensor(tuple(out))


def _as(op: str) -> None:
    """``x.view_as(y)``, ``reshape_as``, ``expand_as`` (``y``'s shape, where torch accepts it)
    and ``type_as`` (``x``'s shape: only the dtype is ``y``'s)."""
    @method(op, function=False)
    def run(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        other = shape_of(arg(args, kwargs, 0, "other"))
        if other is None:
            raise ArgError(f"{op} of a non-tensor")
        if op == "type_as":
            return tensor(t.shape)
        if op == "expand_as":
            if len(t.shape) > len(other):
                raise ArgError("expand_as: the target has fewer dims (torch raises)")
            for d, e in zip(reversed(t.shape), reversed(other)):
                if d is None or e is None:
                    raise ArgError("expand_as with an unknown dim (it may not expand)")
                if d != e and d != 1:
                    raise ArgError(f"expand_as: {d} does not expand to {e} (torch raises)")
        else:
            n, m = S.numel(t.shape), S.numel(other)
            if n is not None and m is not None and n != m:
                raise ArgError(f"{op}: {n} elements do not fit {tuple(other)} (torch raises)")
        return tensor(other)


for _op in ("view_as", "reshape_as", "expand_as", "type_as"):
    _as(_op)


@method("permute")
def _permute(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(S.permute(t.shape, [_int(d, "dim") for d in _ints(args, kwargs, "dims")]))


@method("transpose", "swapaxes", "swapdims")
def _transpose(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    d0 = _int(arg(args, kwargs, 0, "dim0"), "dim0")
    d1 = _int(arg(args, kwargs, 1, "dim1"), "dim1")
    return tensor(S.transpose(t.shape, d0, d1))


@method("t")
def _t(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(t.shape) > 2:
        raise ArgError("t() expects a tensor with <= 2 dimensions")
    return tensor(tuple(reversed(t.shape)))


@method("unsqueeze")
def _unsqueeze(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(S.unsqueeze(t.shape, _int(arg(args, kwargs, 0, "dim"), "dim")))


@method("squeeze")
def _squeeze(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(S.squeeze(t.shape, _dims_arg(arg(args, kwargs, 0, "dim"))))


@method("flatten")
def _flatten(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    start = _int(arg(args, kwargs, 0, "start_dim", 0), "start_dim")
    end = _int(arg(args, kwargs, 1, "end_dim", -1), "end_dim")
    return tensor(S.flatten_shape_generic(t.shape, start, end))


@method("unflatten")
def _unflatten(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    dim = S.norm_axis(_int(arg(args, kwargs, 0, "dim"), "dim"), len(t.shape), "unflatten")
    sizes = arg(args, kwargs, 1, "sizes")
    if not isinstance(sizes, (list, tuple)):
        raise ArgError("unflatten sizes must be a sequence")
    part = _view(it, Tensor((t.shape[dim],)), [tuple(sizes)], {}, node)
    if not isinstance(part, Tensor):
        return part
    return tensor(t.shape[:dim] + part.shape + t.shape[dim + 1:])


@method("expand", function=False)
def _expand(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    want = _sizes(args, kwargs, "size")
    x = t.shape
    if len(want) < len(x):
        raise ArgError("expand: fewer sizes than dims")
    out: List[Optional[int]] = []
    off = len(want) - len(x)
    for i, w in enumerate(want):
        old = x[i - off] if i >= off else None
        if w is None:  # an unknown size (``x.shape[0]`` of an unknown batch) stays symbolic
            out.append(None)
        elif w == -1:
            if i < off:
                raise ArgError("expand: -1 not allowed for a new leading dim")
            out.append(old)
        else:
            w = _int(w, "size")
            if old is not None and old != 1 and old != w:
                raise ArgError(f"expand: size {old} cannot expand to {w}")
            out.append(w)
    return tensor(tuple(out))


@method("repeat", function=False)
def _repeat(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    reps = [None if r is None else _int(r, "repeats") for r in _sizes(args, kwargs, "repeats")]
    x = (1,) * (len(reps) - len(t.shape)) + tuple(t.shape)
    if len(reps) < len(t.shape):
        raise ArgError("repeat: fewer repeats than dims")
    return tensor(tuple(None if d is None or r is None else d * r for d, r in zip(x, reps)))


@method("narrow")
def _narrow(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    dim = S.norm_axis(_int(arg(args, kwargs, 0, "dim"), "dim"), len(t.shape), "narrow")
    length = _int(arg(args, kwargs, 2, "length"), "length")
    return tensor(t.shape[:dim] + (length,) + t.shape[dim + 1:])


@method("contiguous", "clone", "detach", "float", "half", "double", "bfloat16", "long", "int", "bool", "to", "cpu",
        "cuda", "requires_grad_", "abs", "exp", "log", "sqrt", "rsqrt", "neg", "sigmoid", "tanh", "relu",
        "gelu", "sin", "cos", "square", "reciprocal", "sign", "floor", "ceil", "round", "softmax", "log_softmax",
        "cumsum", "flip", "roll", "tril", "triu", "masked_fill", "fill_", "zero_", "normal_", "uniform_", "exp_",
        "bernoulli_", "bernoulli", "pin_memory", "sigmoid_", "relu_", "div_", "mul_", "add_", "sub_",
        "masked_fill_", "nan_to_num", "erf", "logical_not", "isnan", "isinf", function=False)
def _same(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(t.shape)


@method("type", function=False)
def _type(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args and "dtype" not in kwargs:
        raise ArgError("x.type() is the type's name (a str)")
    return tensor(t.shape)


def _bounds(t: Any, args: List[Any], kwargs: Dict[str, Any]) -> Shape:
    """Tensor bounds broadcast with ``x`` (``x[:, :1].clamp(max=y)`` has ``y``'s shape)."""
    out = t.shape
    for o in [*args, *kwargs.values()]:
        if isinstance(o, Unknown):
            raise _Unk(o)
        s = shape_of(o)
        if s is not None:
            out = S.broadcast(out, s)
    return out


@method("clamp", "clip", "clamp_min", "clamp_max")
def _clamp(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(_bounds(t, args, kwargs))


@method("clamp_", "clip_", "clamp_min_", "clamp_max_", function=False)
def _clamp_inplace(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if _bounds(t, args, kwargs) != t.shape:
        raise ArgError("an in-place clamp cannot broadcast its input (torch raises)")
    return tensor(t.shape)


@method("add", "sub", "mul", "div", "pow", "maximum", "minimum", "where", "eq", "ne", "lt", "le", "gt", "ge",
        "logical_and", "logical_or", "true_divide", "floor_divide", "remainder", "fmod", "atan2", "lerp",
        "subtract", "multiply", "divide", "float_power", function=False)
def _bin(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    out = t.shape
    for o in [*args, *(v for v in kwargs.values() if shape_of(v) is not None or isinstance(v, Unknown))]:
        if isinstance(o, Unknown):
            return Unknown(o.reason, o.location)  # a tensor, even from an unknown condition
        s = shape_of(o)
        if s is not None:
            out = S.broadcast(out, s)
        elif not isinstance(o, (int, float, bool)):
            raise ArgError(f"tensor op with a {type(o).__name__}")
    return tensor(out)


# ---- reductions ---------------------------------------------------------------------------

def _reduction(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], first: int, keep_at: int = 1) -> Any:
    dim = arg(args, kwargs, first, "dim")
    if dim is None and "axis" in kwargs:
        dim = arg([], kwargs, 0, "axis")
    keep = arg(args, kwargs, first + keep_at, "keepdim", False)
    if not isinstance(keep, bool):
        raise ArgError("keepdim must be a bool")
    if isinstance(dim, (tuple, list)) and not dim:
        raise ArgError("a reduction over dim=() (torch reduces every dim for some ops)")
    return tensor(S.reduce(t.shape, _dims_arg(dim), keep))


@method("sum", "mean", "amax", "amin", "prod", "logsumexp", "all", "any", "nansum",
        "nanmean", "argmax", "argmin")
def _reduce(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return _reduction(it, t, args, kwargs, 0)


@method("std", "var")
def _spread(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``std(dim, unbiased, keepdim)``: the second positional is ``unbiased``."""
    return _reduction(it, t, args, kwargs, 0, keep_at=2)


@method("count_nonzero")
def _count_nonzero(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``count_nonzero(dim)``: no keepdim."""
    if len(args) > 1 or "keepdim" in kwargs:
        raise ArgError("count_nonzero() takes no keepdim")
    return _reduction(it, t, args, kwargs, 0)


@method("norm")
def _norm(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``norm(p='fro', dim=None, keepdim=False)``: the order comes first."""
    return _reduction(it, t, args, kwargs, 1)


@method("max", "min", "median")
def _max(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``max()``: a scalar; ``max(dim)``: (values, indices); ``max(other)``: elementwise."""
    first = arg(args, kwargs, 0, "dim", kwargs.get("other"))
    if shape_of(first) is not None:
        return tensor(S.broadcast(t.shape, shape_of(first)))  # type: ignore[arg-type]
    if first is None:
        return tensor(())
    d = _int(first, "dim")
    keep = arg(args, kwargs, 1, "keepdim", False)
    out = S.reduce(t.shape, [d], bool(keep))
    return ReturnPair((tensor(out), tensor(out)))


@method("mode")
def _mode(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``mode(dim=-1, keepdim=False)``: values and indices, over the last dim by default."""
    d = _int(arg(args, kwargs, 0, "dim", -1), "dim")
    out = S.reduce(t.shape, [d], bool(arg(args, kwargs, 1, "keepdim", False)))
    return ReturnPair((tensor(out), tensor(out)))


# ---- splitting ----------------------------------------------------------------------------

def _pieces(t: Any, sizes: Sequence[int], dim: int) -> tuple:
    i = S.norm_axis(dim, len(t.shape), "split")
    return tuple(tensor(t.shape[:i] + (n,) + t.shape[i + 1:]) for n in sizes)


@method("split")
def _split(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    size = arg(args, kwargs, 0, "split_size_or_sections", kwargs.get("split_size"))
    dim = _int(arg(args, kwargs, 1, "dim", 0), "dim")
    if not t.shape:
        raise ArgError("split of a 0-D tensor")
    n = t.shape[S.norm_axis(dim, len(t.shape), "split")]
    return _pieces(t, S.split_sizes(n, size), dim)


@method("chunk")
def _chunk(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    k = _int(arg(args, kwargs, 0, "chunks"), "chunks")
    dim = _int(arg(args, kwargs, 1, "dim", 0), "dim")
    if not t.shape:
        raise ArgError("chunk of a 0-D tensor")
    n = t.shape[S.norm_axis(dim, len(t.shape), "chunk")]
    return _pieces(t, S.split_sizes(n, k, chunks=True), dim)


@method("unbind")
def _unbind(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    dim = S.norm_axis(_int(arg(args, kwargs, 0, "dim", 0), "dim"), len(t.shape), "unbind")
    n = t.shape[dim]
    if n is None:
        raise ArgError("unbind along an unknown dim")
    if n > it.limits.max_loop:
        raise ArgError("unbind into too many pieces")
    return tuple(tensor(t.shape[:dim] + t.shape[dim + 1:]) for _ in range(n))


# ---- new tensors, reorderings, selections ---------------------------------------------------

@method("new_zeros", "new_ones", "new_empty", function=False)
def _new(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``x.new_zeros(size)``: a fresh tensor of that size (its dtype and device are x's)."""
    return tensor(tuple(None if d is None else _nonneg(d) for d in _sizes(args, kwargs, "size")))


@method("new_full", function=False)
def _new_full(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    size = arg(args, kwargs, 0, "size")
    if not isinstance(size, (list, tuple)):
        raise ArgError("new_full: size must be a sequence")
    return tensor(tuple(_nonneg(d) for d in size))


def _nonneg(d: Any) -> int:
    d = _int(d, "size")
    if d < 0:
        raise ArgError("a negative size (torch raises)")
    return d


@method("movedim", "moveaxis")
def _movedim(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    src = arg(args, kwargs, 0, "source")
    dst = arg(args, kwargs, 1, "destination")
    srcs = [_int(d, "source") for d in (src if isinstance(src, (list, tuple)) else [src])]
    dsts = [_int(d, "destination") for d in (dst if isinstance(dst, (list, tuple)) else [dst])]
    n = len(t.shape)
    srcs = [S.norm_axis(d, n, "movedim") for d in srcs]
    dsts = [S.norm_axis(d, n, "movedim") for d in dsts]
    if len(srcs) != len(dsts) or len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ArgError("movedim: source and destination do not match")
    order: List[Optional[int]] = [None] * n
    for a, b in zip(srcs, dsts):
        order[b] = a
    rest = iter(d for d in range(n) if d not in srcs)
    return tensor(tuple(t.shape[order[i] if order[i] is not None else next(rest)] for i in range(n)))


@method("ravel")
def _ravel(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor((S.numel(t.shape),))


@method("tile")
def _tile(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    reps = [_int(r, "dims") for r in _ints(args, kwargs, "dims")]
    n = max(len(reps), len(t.shape))
    reps = [1] * (n - len(reps)) + reps
    x = (1,) * (n - len(t.shape)) + tuple(t.shape)
    return tensor(tuple(None if d is None else d * r for d, r in zip(x, reps)))


@method("repeat_interleave")
def _repeat_interleave(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    r = arg(args, kwargs, 0, "repeats")
    if shape_of(r) is not None or isinstance(r, bool) or not isinstance(r, int) or r < 0:
        raise ArgError("repeat_interleave with repeats that are not an int is not modelled")
    dim = arg(args, kwargs, 1, "dim")
    if dim is None:
        n = S.numel(t.shape)
        return tensor((None if n is None else n * r,))
    i = S.norm_axis(_int(dim, "dim"), len(t.shape), "repeat_interleave")
    d = t.shape[i]
    return tensor(t.shape[:i] + (None if d is None else d * r,) + t.shape[i + 1:])


@method("outer", "ger")
def _outer(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    other = shape_of(arg(args, kwargs, 0, "vec2"))
    if other is None or len(other) != 1 or len(t.shape) != 1:
        raise ArgError("outer of tensors that are not 1-D")
    return tensor((t.shape[0], other[0]))


@method("topk")
def _topk(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    k = _int(arg(args, kwargs, 0, "k"), "k")
    i = S.norm_axis(_int(arg(args, kwargs, 1, "dim", -1), "dim"), len(t.shape), "topk")
    d = t.shape[i] if t.shape else 1
    if k < 0 or d is None or k > d:
        raise ArgError("topk: k out of range (or the dim is unknown)")
    out = t.shape[:i] + (k,) + t.shape[i + 1:] if t.shape else ()
    return ReturnPair((tensor(out), tensor(out)))


@method("sort")
def _sort(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    dim = arg(args, kwargs, 0, "dim", -1)
    if not isinstance(dim, bool):
        _int(dim, "dim")
    return ReturnPair((tensor(t.shape), tensor(t.shape)))


@method("argsort")
def _argsort(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return tensor(t.shape)


@method("gather")
def _gather(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    i = S.norm_axis(_int(arg(args, kwargs, 0, "dim"), "dim"), len(t.shape), "gather")
    index = shape_of(arg(args, kwargs, 1, "index"))
    if index is None or len(index) != len(t.shape):
        raise ArgError("gather: the index must be a tensor of the same rank")
    for j, (a, b) in enumerate(zip(index, t.shape)):
        if j != i and (a is None or b is None or a > b):
            raise ArgError("gather: the index is larger than the input (or unknown)")
    return tensor(index)


@method("index_select")
def _index_select(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    i = S.norm_axis(_int(arg(args, kwargs, 0, "dim"), "dim"), len(t.shape), "index_select")
    index = shape_of(arg(args, kwargs, 1, "index"))
    if index is None or len(index) > 1:
        raise ArgError("index_select: the index must be a 1-D tensor")
    return tensor(t.shape[:i] + (index[0] if index else 1,) + t.shape[i + 1:])


@method("unfold", function=False)
def _unfold(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``x.unfold(dim, size, step)``: windows along ``dim``, each appended as a last dim."""
    i = S.norm_axis(_int(arg(args, kwargs, 0, "dimension"), "dimension"), len(t.shape), "unfold")
    size = _int(arg(args, kwargs, 1, "size"), "size")
    step = _int(arg(args, kwargs, 2, "step"), "step")
    d = t.shape[i]
    if step <= 0 or size < 0 or d is None or size > d:
        raise ArgError("unfold: size/step out of range (or the dim is unknown)")
    return tensor(t.shape[:i] + ((d - size) // step + 1,) + t.shape[i + 1:] + (size,))


AS_FUNCTIONS.append("reshape")  # (``torch.reshape(x, shape)``; ``view`` is a method only)


# ---- products -----------------------------------------------------------------------------

@method("matmul", "mm", "bmm")
def _matmul(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    other = arg(args, kwargs, 0, "other", kwargs.get("mat2"))
    s = shape_of(other)
    if s is None:
        raise ArgError("matmul with a non-tensor")
    out = tensor(S.matmul(t.shape, s))
    record_macs(it, macs.matmul(t.shape, s), "matmul", node)
    return out


# ---- torch.* functions that are not methods -----------------------------------------------

def tensors_of(v: Any) -> List[Shape]:
    if isinstance(v, Unknown):
        raise _Unk(v)
    if not isinstance(v, (list, tuple)):
        raise ArgError("expected a sequence of tensors")
    out = []
    for x in v:
        if isinstance(x, Unknown):
            raise _Unk(x)
        s = shape_of(x)
        if s is None:
            raise ArgError(f"expected tensors, got a {type(x).__name__}")
        out.append(s)
    return out


def _cat(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    shapes = tensors_of(arg(args, kwargs, 0, "tensors"))
    dim = _int(arg(args, kwargs, 1, "dim", kwargs.get("axis", 0)), "dim")
    return tensor(S.cat(shapes, dim))


def _stack(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    shapes = tensors_of(arg(args, kwargs, 0, "tensors"))
    dim = _int(arg(args, kwargs, 1, "dim", 0), "dim")
    return tensor(S.stack(shapes, dim))


def _einsum(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    eq = arg(args, kwargs, 0, "equation")
    if not isinstance(eq, str):
        raise ArgError("einsum equation must be a string")
    ops = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
    shapes = tensors_of(list(ops))
    out = tensor(S.einsum(eq, shapes))
    record_macs(it, macs.einsum(eq, shapes), "einsum", node)
    return out


def _interpolate(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = shape_of(arg(args, kwargs, 0, "input"))
    if x is None:
        raise ArgError("interpolate of a non-tensor")
    return tensor(S.interpolate(x, arg(args, kwargs, 1, "size"), arg(args, kwargs, 2, "scale_factor")))


def _pad(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = shape_of(arg(args, kwargs, 0, "input"))
    pads = arg(args, kwargs, 1, "pad")
    if x is None or not isinstance(pads, (list, tuple)):
        raise ArgError("pad expects a tensor and a sequence of ints")
    mode = arg(args, kwargs, 2, "mode", "constant")
    if not isinstance(mode, str):
        raise ArgError("pad: mode must be a string")
    return tensor(S.pad(x, [_int(p, "pad") for p in pads], mode))


def _linear(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x, w = shape_of(arg(args, kwargs, 0, "input")), shape_of(arg(args, kwargs, 1, "weight"))
    if x is None or w is None or len(w) not in (1, 2):
        raise ArgError("F.linear expects an input and a 1-D or 2-D weight")
    out = tensor(S.matmul(x, S.transpose(w, 0, -1) if len(w) == 2 else w))
    k, o = w[-1], w[0]
    record_macs(it, macs.linear(x, k, o) if len(w) == 2 and k is not None and o is not None else None, "F.linear", node)
    return out


def _n_ints(v: Any, n: int, what: str) -> Tuple[int, ...]:
    """torch's ``_pair``/``_triple``: an int or a sequence of n ints."""
    if isinstance(v, (list, tuple)):
        if len(v) != n:
            raise ArgError(f"{what} must have {n} values, got {len(v)}")
        return tuple(_int(x, what) for x in v)
    return (_int(v, what),) * n


def _conv_fn(n: int) -> Callable[..., Any]:
    def conv(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        """``F.conv{n}d(input, weight, bias, stride, padding, dilation, groups)``."""
        x, w = shape_of(arg(args, kwargs, 0, "input")), shape_of(arg(args, kwargs, 1, "weight"))
        if x is None or w is None or len(w) != n + 2 or len(x) not in (n + 1, n + 2):
            raise ArgError(f"F.conv{n}d expects a {n + 1}-D or {n + 2}-D input and a {n + 2}-D weight")
        stride = _n_ints(arg(args, kwargs, 3, "stride", 1), n, "stride")
        dilation = _n_ints(arg(args, kwargs, 5, "dilation", 1), n, "dilation")
        groups = _int(arg(args, kwargs, 6, "groups", 1), "groups")
        pad = arg(args, kwargs, 4, "padding", 0)
        c, k = x[-n - 1], w[2:]
        if groups < 1 or any(v < 1 for v in stride + dilation):
            raise ArgError("stride, dilation and groups must be positive")
        if w[0] is not None and w[0] % groups:
            raise ArgError(f"F.conv{n}d: {w[0]} output channels are not divisible by {groups} groups")
        if c is not None and w[1] is not None and c != w[1] * groups:
            raise ArgError(f"F.conv{n}d: input has {c} channels, weight expects {w[1]} x {groups} groups")
        if pad == "same":
            if any(v != 1 for v in stride):
                raise ArgError("padding='same' is not supported for strided convolutions")
            sizes: Tuple[Any, ...] = tuple(x[-n:])
        else:
            p = (0,) * n if pad == "valid" else _n_ints(pad, n, "padding")
            sizes = tuple(None if kk is None else S.conv_len(L, kk, stride[i], p[i], dilation[i])
                          for i, (L, kk) in enumerate(zip(x[-n:], k)))
        out = tuple(x[:-n - 1]) + (w[0],) + sizes
        known = c is not None and all(isinstance(kk, int) for kk in k)
        record_macs(it, macs.conv(out, c, groups, k) if known else None, "a convolution", node)  # type: ignore[arg-type]
        return tensor(out)
    return conv


def _sdpa(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    q, k, v = (shape_of(arg(args, kwargs, i, n)) for i, n in enumerate(("query", "key", "value")))
    if q is None or k is None or v is None:
        raise ArgError("scaled_dot_product_attention expects tensors")
    if arg(args, kwargs, 3, "attn_mask") is not None and arg(args, kwargs, 5, "is_causal", False) is True:
        raise ArgError("scaled_dot_product_attention: attn_mask and is_causal both set (torch raises)")
    scores = S.matmul(q, S.transpose(k, -2, -1))
    out = tensor(S.matmul(scores, v))
    record_macs(it, macs.attention(q, k, v), "scaled_dot_product_attention", node)
    return out


def _embedding(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x, w = shape_of(arg(args, kwargs, 0, "input")), shape_of(arg(args, kwargs, 1, "weight"))
    if x is None or w is None or len(w) != 2:
        raise ArgError("F.embedding expects an index tensor and a 2-D weight")
    return tensor(tuple(x) + (w[1],))


def _pixel_shuffle(up: bool):  # type: ignore[no-untyped-def]
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        x = shape_of(arg(args, kwargs, 0, "input"))
        r = _int(arg(args, kwargs, 1, "upscale_factor" if up else "downscale_factor"), "factor")
        if x is None or len(x) < 3 or r <= 0 or any(d is None for d in x[-3:]):
            raise ArgError("pixel_(un)shuffle of an input that is not (*, C, H, W) with known dims")
        c, h, w = (int(d or 0) for d in x[-3:])  # (known: checked above)
        if up:
            if c % (r * r):
                raise ArgError("pixel_shuffle: channels not divisible by the factor squared (torch raises)")
            return tensor(tuple(x[:-3]) + (c // (r * r), h * r, w * r))
        if h % r or w % r:
            raise ArgError("pixel_unshuffle: height or width not divisible by the factor (torch raises)")
        return tensor(tuple(x[:-3]) + (c * r * r, h // r, w // r))
    return run


def _glu(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = shape_of(arg(args, kwargs, 0, "input"))
    if x is None or not x:
        raise ArgError("glu of a non-tensor")
    i = S.norm_axis(_int(arg(args, kwargs, 1, "dim", -1), "dim"), len(x), "glu")
    d = x[i]
    if d is None or d % 2:
        raise ArgError("glu: the dim must be known and even (torch raises)")
    return tensor(x[:i] + (d // 2,) + x[i + 1:])


def _hvstack(vertical: bool):  # type: ignore[no-untyped-def]
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        shapes = tensors_of(arg(args, kwargs, 0, "tensors"))
        if not shapes:
            raise ArgError("stack of no tensors")
        if vertical:  # atleast_2d, then cat along 0
            return tensor(S.cat([(1,) + tuple(s) if len(s) == 1 else s for s in shapes], 0))
        return tensor(S.cat(shapes, 0 if len(shapes[0]) == 1 else 1))
    return run


def _where_fn(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) + len(kwargs) < 3:  # ``torch.where(cond)``: the indices where it holds (data)
        raise ArgError("torch.where(condition) gives data-dependent indices")
    return _binary_fn(it, args, kwargs, node)


def _binary_fn(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    out: Optional[Shape] = None
    for o in list(args) + [kwargs[k] for k in ("other", "input") if k in kwargs]:
        if isinstance(o, Unknown):
            return Unknown(o.reason, o.location)  # a tensor, even from an unknown condition
        s = shape_of(o)
        if s is not None:
            out = s if out is None else S.broadcast(out, s)
    if out is None:
        raise ArgError("no tensor operand")
    return tensor(out)


def _wrap(f: Callable[..., Any]) -> Callable[..., Any]:
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        try:
            return f(it, args, kwargs, node)
        except ArgError as e:
            return e.unknown if e.unknown is not None else it.unknown(e.message, node)
        except _Unk as e:
            return e.u
    return run


def _meshgrid(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``torch.meshgrid(*vectors, indexing='ij'|'xy')``: one grid per vector."""
    from paramlint.evaluate import arrays

    vecs = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    indexing = arg([], kwargs, 0, "indexing", "ij")
    if indexing not in ("ij", "xy"):
        raise ArgError("meshgrid indexing must be 'ij' or 'xy'")
    sizes: List[Optional[int]] = []
    for v in vecs:
        if isinstance(v, Unknown):
            return v
        if isinstance(v, arrays.Array) and not v.scalar:
            sizes.append(len(v.vals))
            continue
        s = shape_of(v)
        if s is None or len(s) > 1:
            raise ArgError("meshgrid expects 0-D or 1-D tensors")
        sizes.append(s[0] if s else 1)
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    return tuple(tensor(tuple(sizes)) for _ in vecs)


def _addmm(batched: bool):  # type: ignore[no-untyped-def]
    """``torch.addmm(input, mat1, mat2)`` / ``baddbmm``: the product's shape, which ``input``
    must broadcast to; its MACs are the product's (FlopCounterMode counts the mm/bmm part)."""
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        names = ("input", "batch1", "batch2") if batched else ("input", "mat1", "mat2")
        x, a, b = (shape_of(arg(args, kwargs, i, n)) for i, n in enumerate(names))
        if x is None or a is None or b is None or len(a) != 2 + batched or len(b) != 2 + batched:
            raise ArgError(f"{'baddbmm' if batched else 'addmm'} of non-tensors or of tensors of another rank")
        out = S.matmul(a, b)
        if S.broadcast(x, out) != out:
            raise ArgError(f"input {S.fmt(x)} does not broadcast to the product {S.fmt(out)}")
        record_macs(it, macs.matmul(a, b), "baddbmm" if batched else "addmm", node)
        return tensor(out)
    return run


def _einops(op: str):  # type: ignore[no-untyped-def]
    """``einops.rearrange(x, pattern, **lengths)``, ``reduce(x, pattern, reduction, ...)``,
    ``repeat``: the pattern's output shape (torch tensors and jax arrays alike)."""
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        from paramlint.catalog.einops_rules import output_shape

        kw = dict(kwargs)
        names = ("tensor", "pattern", "reduction") if op == "reduce" else ("tensor", "pattern")
        vals = [arg(args, kw, i, n) for i, n in enumerate(names)]
        for n in names:
            kw.pop(n, None)
        x, pattern = vals[0], vals[1]
        if len(args) > len(names) or not isinstance(x, (Tensor, Param)) or not isinstance(pattern, str) \
                or isinstance(x, Tensor) and x.framework == "keras":
            raise ArgError(f"einops.{op} of this value or pattern is not modelled")
        for v in kw.values():
            if isinstance(v, Unknown):
                raise _Unk(v)
        fw = x.framework if isinstance(x, Tensor) else "torch"
        return Tensor(output_shape(op, pattern, tuple(x.shape), kw), fw)
    return run


_F = "torch.nn.functional."
FUNCS: Dict[str, Callable[..., Any]] = {
    **{f"einops.{op}": _wrap(_einops(op)) for op in ("rearrange", "reduce", "repeat")},
    **{f"einops.einops.{op}": _wrap(_einops(op)) for op in ("rearrange", "reduce", "repeat")},
    "torch.addmm": _wrap(_addmm(False)), "torch.baddbmm": _wrap(_addmm(True)),
    "torch.cat": _wrap(_cat), "torch.concat": _wrap(_cat), "torch.concatenate": _wrap(_cat),
    "torch.stack": _wrap(_stack), "torch.einsum": _wrap(_einsum), "torch.meshgrid": _wrap(_meshgrid),
    _F + "interpolate": _wrap(_interpolate), _F + "upsample": _wrap(_interpolate),
    _F + "upsample_nearest": _wrap(_interpolate), _F + "upsample_bilinear": _wrap(_interpolate),
    _F + "pad": _wrap(_pad), _F + "linear": _wrap(_linear),
    **{f"{_F}conv{n}d": _wrap(_conv_fn(n)) for n in (1, 2, 3)},
    **{f"torch.conv{n}d": _wrap(_conv_fn(n)) for n in (1, 2, 3)},
    _F + "scaled_dot_product_attention": _wrap(_sdpa), _F + "embedding": _wrap(_embedding),
    **{f"torch.{n}": _wrap(_binary_fn) for n in (
        "add", "sub", "mul", "div", "maximum", "minimum", "pow", "subtract", "multiply", "divide",
        "logical_and", "logical_or", "eq", "ne", "lt", "gt", "le", "ge", "lerp", "atan2", "true_divide")},
    "torch.where": _wrap(_where_fn),
    _F + "pixel_shuffle": _wrap(_pixel_shuffle(True)), _F + "pixel_unshuffle": _wrap(_pixel_shuffle(False)),
    "torch.pixel_shuffle": _wrap(_pixel_shuffle(True)), "torch.pixel_unshuffle": _wrap(_pixel_shuffle(False)),
    _F + "glu": _wrap(_glu), "torch.hstack": _wrap(_hvstack(False)), "torch.vstack": _wrap(_hvstack(True)),
}
