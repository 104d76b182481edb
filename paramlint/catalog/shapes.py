"""Shape arithmetic shared by the framework catalogs. Dims are ints or None (unknown)."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

from paramlint.catalog.spec import ArgError
from paramlint.types import Dim, Shape


def conv_len(n: Dim, k: int, s: int, p: int, d: int = 1) -> Dim:
    """torch Conv/MaxPool: ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1."""
    if n is None:
        return None
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s}, padding {p}, dilation {d})")
    return out


def pool_len(n: Dim, k: int, s: int, p: int, d: int, ceil_mode: bool) -> Dim:
    """torch pooling, including ``ceil_mode``'s rule that a window may not start in the padding."""
    if n is None:
        return None
    num = n + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s}, padding {p})")
    return out


def conv_transpose_len(n: Dim, k: int, s: int, p: int, d: int, op: int) -> Dim:
    """torch ConvTranspose: (L−1)s − 2p + d(k−1) + output_padding + 1."""
    if n is None:
        return None
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def keras_conv_len(n: Dim, k: int, s: int, padding: str, d: int = 1) -> Dim:
    """Keras conv/pool: 'valid' ⌊(L − d(k−1) − 1)/s⌋ + 1; 'same'/'causal' ⌈L/s⌉."""
    if n is None:
        return None
    if padding in ("same", "causal"):
        return -(-n // s)
    if padding != "valid":
        raise ArgError(f"padding must be 'valid' or 'same', got {padding!r}")
    out = (n - d * (k - 1) - 1) // s + 1
    if out <= 0:
        raise ArgError(f"output size would be {out} (input {n}, kernel {k}, stride {s})")
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
    return tuple(x[:s]) + (n,) + tuple(x[e + 1:])
