"""Shape arithmetic shared by the framework catalogs. Dims are ints or None (unknown)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, Optional, Sequence, Tuple

from paramlint.catalog.spec import ArgError
from paramlint.types import Dim, Shape

#: Optional explain hook: when set (by ``paramlint explain``, via :func:`explaining`), each helper
#: below reports its formula with the actual numbers, so the text comes from the code that
#: computes the figure. Unset (the normal run), helpers pay one lookup.
_EXPLAIN: ContextVar[Optional[Callable[[str], None]]] = ContextVar("paramlint_shape_explain", default=None)


@contextmanager
def explaining(sink: Callable[[str], None]) -> Iterator[None]:
    """Send every shape formula computed inside the block to ``sink``."""
    token = _EXPLAIN.set(sink)
    try:
        yield
    finally:
        _EXPLAIN.reset(token)


def conv_len(n: Dim, k: int, s: int, p: int, d: int = 1) -> Dim:
    """torch Conv/MaxPool: ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1."""
    if n is None:
        return None
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s}, padding {p}, dilation {d})")
    explain = _EXPLAIN.get()
    if explain is not None:
        explain(f"⌊({n} + 2·{p} − {d}·({k}−1) − 1)/{s}⌋ + 1 = {out}")
    return out


def pool_len(n: Dim, k: int, s: int, p: int, d: int, ceil_mode: bool) -> Dim:
    """torch pooling, including ``ceil_mode``'s rule that a window may not start in the padding."""
    if n is None:
        return None
    num = n + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    dropped = ceil_mode and (out - 1) * s >= n + p
    if dropped:
        out -= 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s}, padding {p})")
    explain = _EXPLAIN.get()
    if explain is not None:
        lo, hi = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
        explain(f"{lo}({n} + 2·{p} − {d}·({k}−1) − 1)/{s}{hi} + 1{' − 1 (last window starts in the padding)' if dropped else ''} = {out}")
    return out


def conv_transpose_len(n: Dim, k: int, s: int, p: int, d: int, op: int) -> Dim:
    """torch ConvTranspose: (L−1)s − 2p + d(k−1) + output_padding + 1."""
    if n is None:
        return None
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    explain = _EXPLAIN.get()
    if explain is not None:
        explain(f"({n}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {out}")
    return out


def keras_conv_len(n: Dim, k: int, s: int, padding: str, d: int = 1) -> Dim:
    """Keras conv/pool: 'valid' ⌊(L − d(k−1) − 1)/s⌋ + 1; 'same'/'causal' ⌈L/s⌉."""
    if n is None:
        return None
    explain = _EXPLAIN.get()
    if padding in ("same", "causal"):
        out = -(-n // s)
        if explain is not None:
            explain(f"⌈{n}/{s}⌉ = {out} (padding={padding!r})")
        return out
    if padding != "valid":
        raise ArgError(f"padding must be 'valid' or 'same', got {padding!r}")
    out = (n - d * (k - 1) - 1) // s + 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s})")
    if explain is not None:
        explain(f"⌊({n} − {d}·({k}−1) − 1)/{s}⌋ + 1 = {out} (padding='valid')")
    return out


def split_channels_first(shape: Shape, spatial: int, layer: str) -> Tuple[Tuple[Dim, ...], Dim, Tuple[Dim, ...]]:
    """(batch dims, channels, spatial dims) of a torch input with or without a batch dim."""
    if len(shape) == spatial + 2:
        return (shape[0],), shape[1], tuple(shape[2:])
    if len(shape) == spatial + 1:
        return (), shape[0], tuple(shape[1:])
    raise ArgError(f"{layer} expects a {spatial + 1}D or {spatial + 2}D input, got shape {fmt(shape)}")


def check_dim(actual: Dim, expected: int, what: str) -> None:
    if actual is not None and actual != expected:
        raise ArgError(f"{what}: expected {expected}, got {actual}")


def fmt(shape: Optional[Sequence[Dim]]) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def norm_axis(axis: int, rank: int, layer: str) -> int:
    if not -rank <= axis < rank:
        raise ArgError(f"{layer}: dimension {axis} out of range for rank {rank}")
    return axis % rank


def flatten_shape_generic(x: Shape, start: int, end: int) -> Shape:
    """``torch.flatten(x, start_dim, end_dim)`` on a shape."""
    if not x:
        return (1,)
    s, e = norm_axis(start, len(x), "flatten"), norm_axis(end, len(x), "flatten")
    if s > e:
        raise ArgError("flatten: start_dim cannot come after end_dim")
    n: Dim = 1
    for d in x[s:e + 1]:
        n = None if (n is None or d is None) else n * d
    explain = _EXPLAIN.get()
    if explain is not None and n is not None and e > s:
        explain(f"{'·'.join(str(d) for d in x[s:e + 1])} = {n}")
    return tuple(x[:s]) + (n,) + tuple(x[e + 1:])


# ---- tensor operations (torch semantics; Keras merge layers reuse them) ------------------------

def numel(shape: Shape) -> Dim:
    n: Dim = 1
    for d in shape:
        n = None if (n is None or d is None) else n * d
    return n


def tile(x: Shape, reps: Sequence[int]) -> Shape:
    """numpy's ``tile`` (jax's, ``keras.ops.tile``): the shorter of shape and repeats padded with
    leading 1s, each size times its repeat (an unknown size stays unknown)."""
    n = max(len(x), len(reps))
    xs = (1,) * (n - len(x)) + tuple(x)
    rs = (1,) * (n - len(reps)) + tuple(reps)
    return tuple(None if d is None else d * r for d, r in zip(xs, rs))


def broadcast(a: Shape, b: Shape) -> Shape:
    """NumPy/torch broadcasting; an unknown dim against a 1 stays unknown, against n is n."""
    out: list = []
    for i in range(max(len(a), len(b))):
        x = a[len(a) - 1 - i] if i < len(a) else 1
        y = b[len(b) - 1 - i] if i < len(b) else 1
        if x is None or y is None:
            known = y if x is None else x
            out.append(known if known is not None and known != 1 else None)
        elif x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ArgError(f"shapes {fmt(a)} and {fmt(b)} do not broadcast")
    return tuple(reversed(out))


def permute(x: Shape, dims: Sequence[int]) -> Shape:
    if len(dims) != len(x):
        raise ArgError(f"permute: {len(dims)} dims for a {len(x)}D tensor")
    idx = [norm_axis(d, len(x), "permute") for d in dims]
    if sorted(idx) != list(range(len(x))):
        raise ArgError("permute: repeated dim")
    return tuple(x[i] for i in idx)


def transpose(x: Shape, d0: int, d1: int) -> Shape:
    if not x:
        return x
    i, j = norm_axis(d0, len(x), "transpose"), norm_axis(d1, len(x), "transpose")
    out = list(x)
    out[i], out[j] = out[j], out[i]
    return tuple(out)


def unsqueeze(x: Shape, dim: int) -> Shape:
    i = norm_axis(dim, len(x) + 1, "unsqueeze")
    return tuple(x[:i]) + (1,) + tuple(x[i:])


def squeeze(x: Shape, dims: Optional[Sequence[int]]) -> Shape:
    """``squeeze()`` drops every size-1 dim (an unknown dim makes it undecidable)."""
    if dims is None:
        if any(d is None for d in x):
            raise ArgError("squeeze() of a tensor with unknown dims")
        return tuple(d for d in x if d != 1)
    if not x:
        return x
    idx = {norm_axis(d, len(x), "squeeze") for d in dims}
    for i in idx:
        if x[i] is None:
            raise ArgError("squeeze of an unknown dim")
    return tuple(d for i, d in enumerate(x) if not (i in idx and d == 1))


def reduce(x: Shape, dims: Optional[Sequence[int]], keepdim: bool) -> Shape:
    """``sum``/``mean``/``amax``... over ``dims`` (None: all dims)."""
    if dims is None:
        return (1,) * len(x) if keepdim else ()
    if not x:
        return x
    idx = {norm_axis(d, len(x), "reduction") for d in dims}
    if keepdim:
        return tuple(1 if i in idx else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in idx)


def cat(shapes: Sequence[Shape], dim: int) -> Shape:
    """``torch.cat``: equal ranks (1-D empty tensors are skipped, as torch does)."""
    shapes = [s for s in shapes if s != (0,)]
    if not shapes:
        return (0,)
    rank = len(shapes[0])
    axis = norm_axis(dim, rank, "cat")
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != rank:
            raise ArgError(f"cat: tensors of rank {rank} and {len(s)}")
        for i in range(rank):
            if i == axis:
                a, b = out[i], s[i]
                out[i] = None if a is None or b is None else a + b
            elif out[i] is None:
                out[i] = s[i]
            elif s[i] is not None and s[i] != out[i]:
                raise ArgError(f"cat: sizes {fmt(shapes[0])} and {fmt(s)} differ outside dim {dim}")
    return tuple(out)


def stack(shapes: Sequence[Shape], dim: int) -> Shape:
    if not shapes:
        raise ArgError("stack of no tensors")
    first = shapes[0]
    for s in shapes[1:]:
        if len(s) != len(first) or any(a is not None and b is not None and a != b for a, b in zip(s, first)):
            raise ArgError(f"stack: shapes {fmt(first)} and {fmt(s)} differ")
    merged = tuple(next((s[i] for s in shapes if s[i] is not None), None) for i in range(len(first)))
    out = unsqueeze(merged, dim)
    i = norm_axis(dim, len(first) + 1, "stack")
    return out[:i] + (len(shapes),) + out[i + 1:]


def _same_dim(a: Dim, b: Dim, what: str) -> Dim:
    if a is not None and b is not None and a != b:
        raise ArgError(f"{what}: {a} != {b}")
    return a if a is not None else b


def matmul(a: Shape, b: Shape) -> Shape:
    """``torch.matmul``/``@`` including 1-D operands and batch broadcasting."""
    if not a or not b:
        raise ArgError("matmul of a 0-D tensor")
    va, vb = len(a) == 1, len(b) == 1
    a2 = (1,) + tuple(a) if va else tuple(a)
    b2 = tuple(b) + (1,) if vb else tuple(b)
    _same_dim(a2[-1], b2[-2], "matmul inner dimensions")
    batch = broadcast(a2[:-2], b2[:-2])
    out = batch + (a2[-2], b2[-1])
    if va:
        out = out[:-2] + out[-1:]
    if vb:
        out = out[:-1]
    return out


def einsum(equation: str, shapes: Sequence[Shape]) -> Shape:
    """Explicit/implicit ``einsum`` with ``...``; sizes per letter must agree."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ArgError(f"einsum: {len(terms)} operands in the equation, {len(shapes)} given")
    sizes: dict = {}
    ell: Shape = ()
    for term, s in zip(terms, shapes):
        if "..." in term:
            pre, _, post = term.partition("...")
            n_ell = len(s) - len(pre) - len(post)
            if n_ell < 0:
                raise ArgError("einsum: operand rank too small")
            ell = broadcast(ell, tuple(s[len(pre):len(pre) + n_ell]))
            letters = list(pre) + list(post)
            dims = list(s[:len(pre)]) + list(s[len(s) - len(post):] if post else [])
        else:
            letters, dims = list(term), list(s)
        if len(letters) != len(dims):
            raise ArgError(f"einsum: term {term!r} does not match a {len(s)}D operand")
        for ch, d in zip(letters, dims):
            if not ch.isalpha():
                raise ArgError(f"einsum: bad subscript {ch!r}")
            prev = sizes.get(ch)
            if prev is None or prev == 1:
                sizes[ch] = d if prev is None or d is not None else prev
            elif d is not None and d != 1 and d != prev:
                raise ArgError(f"einsum: subscript {ch} has sizes {prev} and {d}")
    if not arrow:
        counts: dict = {}
        for ch in lhs.replace(",", "").replace("...", ""):
            counts[ch] = counts.get(ch, 0) + 1
        rhs = ("..." if "..." in lhs else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    out: list = []
    pre, has_ell, post = rhs.partition("...")
    for ch in pre:
        out.append(sizes[ch]) if ch in sizes else _bad(ch)
    if has_ell:
        out.extend(ell)
    for ch in post:
        out.append(sizes[ch]) if ch in sizes else _bad(ch)
    return tuple(out)


def _bad(ch: str) -> None:
    raise ArgError(f"einsum: output subscript {ch} does not occur in the inputs")


def split_sizes(n: Dim, size_or_sections: object, chunks: bool = False) -> Tuple[int, ...]:
    """Sizes of ``split(int|list)`` or ``chunk(n)`` along a dim of size ``n``."""
    if isinstance(size_or_sections, (list, tuple)):
        if n is not None and sum(size_or_sections) != n:  # type: ignore[arg-type]
            raise ArgError(f"split sizes {list(size_or_sections)} do not sum to {n}")
        return tuple(size_or_sections)  # type: ignore[arg-type]
    if n is None:
        raise ArgError("split/chunk along an unknown dim")
    k = size_or_sections
    if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
        raise ArgError("split/chunk size must be a positive int")
    if chunks:
        k = -(-n // k) if n else 1
    if n == 0:
        return (0,)
    return tuple(min(k, n - i) for i in range(0, n, k))


def index(x: Shape, items: Sequence[object]) -> Shape:
    """Basic indexing: ints, slices, None, Ellipsis; and one list of ints (``x[:, [-1], :]``,
    an advanced index whose result dim stays in place). No tensor or bool indices: a tensor's
    dtype (a mask?) is not known."""
    lists = [it for it in items if isinstance(it, list)]
    if len(lists) > 1:
        raise ArgError("several advanced (list) indices are not modelled")
    if lists and not all(isinstance(v, int) and not isinstance(v, bool) for v in lists[0]):
        raise ArgError("a list index of values that are not ints is not modelled")
    consumed = sum(1 for it in items if it is not None and it is not Ellipsis)
    if consumed > len(x):
        raise ArgError(f"too many indices for a {len(x)}D tensor")
    if sum(1 for it in items if it is Ellipsis) > 1:
        raise ArgError("an index can only have a single ellipsis")
    out: list = []
    pos = 0
    for it in items:
        if it is None:
            out.append(1)
        elif it is Ellipsis:
            n = len(x) - consumed
            out.extend(x[pos:pos + n])
            pos += n
        elif isinstance(it, bool):
            raise ArgError("boolean index")
        elif isinstance(it, int):
            d = x[pos]
            if d is not None and not -d <= it < d:
                raise ArgError(f"index {it} is out of bounds for size {d}")
            pos += 1
        elif isinstance(it, slice):
            d = x[pos]
            if it.step is not None and (not isinstance(it.step, int) or it.step <= 0):
                raise ArgError("slice step must be a positive int")
            if d is None:
                out.append(None)  # a slice of an unknown dim stays unknown
            else:
                out.append(len(range(*it.indices(d))))
            pos += 1
        elif isinstance(it, list):
            d = x[pos]
            if d is not None and any(not -d <= v < d for v in it):
                raise ArgError(f"an index in {it} is out of bounds for size {d}")
            out.append(len(it))
            pos += 1
        else:
            raise ArgError(f"tensor index of type {type(it).__name__} is not modelled")
    out.extend(x[pos:])
    return tuple(out)


def interpolate(x: Shape, size: object, scale: object) -> Shape:
    """``F.interpolate``/``nn.Upsample``: output = size, or ⌊in·scale⌋ per spatial dim."""
    if len(x) < 3:
        raise ArgError("interpolate expects a batched input with spatial dims")
    n = len(x) - 2
    if size is not None:
        sizes = tuple(size) if isinstance(size, (list, tuple)) else (size,) * n
        if len(sizes) != n or not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
            raise ArgError("interpolate: size must be an int or one int per spatial dim")
        return tuple(x[:2]) + sizes  # type: ignore[operator]
    if scale is None:
        raise ArgError("interpolate needs size or scale_factor")
    scales: Tuple[Any, ...] = tuple(scale) if isinstance(scale, (list, tuple)) else (scale,) * n
    if len(scales) != n or not all(isinstance(s, (int, float)) and not isinstance(s, bool) for s in scales):
        raise ArgError("interpolate: scale_factor must be a number or one per spatial dim")
    import math

    return tuple(x[:2]) + tuple(None if d is None else int(math.floor(d * float(f))) for d, f in zip(x[2:], scales))


def pad(x: Shape, pads: Sequence[int], mode: str = "constant") -> Shape:
    """``F.pad``: pairs (left, right) from the last dim backwards. The other modes as torch 2.13
    checks them: 1 to 3 padded dims of a (batched or not) input of one or two more dims; reflect
    pads each side by less than the size, circular by at most it; reflect and replicate leave
    at least one element, circular and constant no negative size."""
    if len(pads) % 2 or len(pads) // 2 > len(x):
        raise ArgError("pad: padding length must be even and at most 2·rank")
    n = len(pads) // 2
    if mode != "constant":
        if mode not in ("reflect", "replicate", "circular"):
            raise ArgError(f"pad: unrecognised padding mode {mode!r}")
        if not 1 <= n <= 3 or len(x) not in (n + 1, n + 2):
            raise ArgError(f"pad: {mode} padding of {n} dims needs a {n + 1}-D or {n + 2}-D input, got {len(x)}-D")
    out = list(x)
    for i in range(n):
        j = len(x) - 1 - i
        d = out[j]
        if d is not None:
            left, right = pads[2 * i], pads[2 * i + 1]
            if mode == "reflect" and (left >= d or right >= d):
                raise ArgError(f"pad: reflect padding ({left}, {right}) must be less than the size {d}")
            if mode == "circular" and (left > d or right > d):
                raise ArgError(f"pad: circular padding ({left}, {right}) wraps around more than once (size {d})")
            out[j] = d + left + right
            if out[j] < (1 if mode in ("reflect", "replicate") else 0):  # type: ignore[operator]
                raise ArgError(f"pad: input size {d} too small for padding ({left}, {right})")
    return tuple(out)
