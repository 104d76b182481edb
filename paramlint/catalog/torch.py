"""PyTorch ``torch.nn`` layers: real signatures, parameter shapes, output shapes.

Truth is ``sum(p.numel() for p in model.parameters())``: buffers (BatchNorm running stats)
are not parameters. Sources: ``torch/nn/modules/{conv,linear,batchnorm,pooling,...}.py``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Tuple

from paramlint.catalog import torch_more, torch_seq
from paramlint.catalog.shapes import (
    check_dim,
    conv_len,
    conv_transpose_len,
    flatten_shape_generic,
    fmt,
    norm_axis,
    pad,
    pool_len,
    split_channels_first,
)
from paramlint.catalog.spec import (
    ArgError,
    Args,
    Inputs,
    Outputs,
    NONE_WHEN_ABSENT,
    LayerSpec,
    ParamSpec,
    no_params,
    same_shape,
)
from paramlint.types import Dim, Shape

_DD = "device=None, dtype=None"
#: What torch registers as None when the layer is built without it (bias=False, affine=False,
#: track_running_stats=False): ``m.bias is None`` is True there, not an AttributeError.
_BIAS = ("bias",)
_AFFINE = ("weight", "bias")
_NORM = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


# --- convolutions ---------------------------------------------------------------------

def _conv_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        cin, cout, g = a.int("in_channels", 1), a.int("out_channels", 1), a.int("groups", 1)
        if cin % g or cout % g:
            raise ArgError(f"in_channels ({cin}) and out_channels ({cout}) must be divisible by groups ({g})")
        k = a.ints("kernel_size", n, 1)
        if a.raw("padding_mode") not in ("zeros", "reflect", "replicate", "circular"):
            raise ArgError(f"padding_mode must be one of zeros, reflect, replicate, circular, got {a.raw('padding_mode')!r}")
        pad = a.raw("padding")
        if isinstance(pad, str):  # torch checks these when the module is created
            if pad not in ("valid", "same"):
                raise ArgError(f"padding must be 'valid', 'same' or ints, got {pad!r}")
            if pad == "same" and any(v != 1 for v in a.ints("stride", n, 1)):
                raise ArgError("padding='same' is not supported for strided convolutions")
        out = [ParamSpec("weight", (cout, cin // g) + k)]
        if a.bool("bias"):
            out.append(ParamSpec("bias", (cout,)))
        return out
    return params


def _conv_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        batch, c, spatial = split_channels_first(x, n, f"Conv{n}d")
        check_dim(c, a.int("in_channels"), f"Conv{n}d input channels")
        k, s, d = a.ints("kernel_size", n, 1), a.ints("stride", n, 1), a.ints("dilation", n, 1)
        pad = a.raw("padding")
        if isinstance(pad, str):
            if pad == "valid":
                p = (0,) * n
                sizes = tuple(conv_len(L, k[i], s[i], 0, d[i]) for i, L in enumerate(spatial))
            elif pad == "same":
                if any(v != 1 for v in s):
                    raise ArgError("padding='same' is not supported for strided convolutions")
                sizes = spatial
            else:
                raise ArgError(f"padding must be 'valid', 'same' or ints, got {pad!r}")
        else:
            p = a.ints("padding", n)
            sizes = tuple(conv_len(L, k[i], s[i], p[i], d[i]) for i, L in enumerate(spatial))
        return batch + (a.int("out_channels"),) + sizes
    return output


def _conv(n: int) -> LayerSpec:
    return LayerSpec(
        "torch", f"Conv{n}d",
        f"in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', {_DD}",
        _conv_params(n), _conv_output(n), extra={NONE_WHEN_ABSENT: _BIAS},
        note="weight (out, in/groups, *kernel) + bias (out)",
    )


# --- linear -------------------------------------------------------------------------

def _linear_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    i, o = a.int("in_features"), a.int("out_features")
    out = [ParamSpec("weight", (o, i))]
    if a.bool("bias"):
        out.append(ParamSpec("bias", (o,)))
    return out


def _linear_output(a: Args, x: Shape) -> Shape:
    if not x:
        raise ArgError("Linear expects an input with at least one dimension")
    check_dim(x[-1], a.int("in_features"), "Linear input features")
    return tuple(x[:-1]) + (a.int("out_features"),)


# --- pooling ------------------------------------------------------------------------

def _maxpool_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        batch, c, spatial = split_channels_first(x, n, f"MaxPool{n}d")
        k = a.ints("kernel_size", n, 1)
        s = k if a.raw("stride") in (None, [], ()) else a.ints("stride", n, 1)
        p, d = a.ints("padding", n), a.ints("dilation", n, 1)
        ceil = a.bool("ceil_mode")
        return _with_indices(a, batch + (c,) + tuple(pool_len(L, k[i], s[i], p[i], d[i], ceil) for i, L in enumerate(spatial)))
    return output


def _with_indices(a: Args, shape: Shape) -> Any:
    """``return_indices=True``: the pooled values and their indices, a tuple of two tensors."""
    return Outputs((shape, shape)) if a.bool("return_indices") else shape


def _avgpool_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        batch, c, spatial = split_channels_first(x, n, f"AvgPool{n}d")
        k = a.ints("kernel_size", n, 1)
        s = k if a.raw("stride") in (None, [], ()) else a.ints("stride", n, 1)
        p = a.ints("padding", n)
        ceil = a.bool("ceil_mode")
        return batch + (c,) + tuple(pool_len(L, k[i], s[i], p[i], 1, ceil) for i, L in enumerate(spatial))
    return output


def _adaptive_output(n: int, name: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        batch, c, spatial = split_channels_first(x, n, name)
        size = a.raw("output_size")
        if not isinstance(size, (list, tuple)):
            size = (size,) * n
        if len(size) != n:
            raise ArgError(f"{name}: output_size must have {n} values")
        out = []
        for i, v in enumerate(size):
            if v is None:
                out.append(spatial[i])
            elif isinstance(v, int) and not isinstance(v, bool):
                out.append(v)
            else:
                raise ArgError(f"{name}: output_size must hold ints or None")
        return _with_indices(a, batch + (c,) + tuple(out)) if "return_indices" in a.values else batch + (c,) + tuple(out)
    return output


# --- reshaping ----------------------------------------------------------------------

def _flatten_output(a: Args, x: Shape) -> Shape:
    return flatten_shape_generic(x, a.int("start_dim", -10**6), a.int("end_dim", -10**6))


# --- normalization ------------------------------------------------------------------

def _bn_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    c = a.int("num_features")
    out = []
    if a.bool("affine"):
        out.append(ParamSpec("weight", (c,)))
        if a.bool("bias"):
            out.append(ParamSpec("bias", (c,)))
    if a.bool("track_running_stats"):
        out += [
            ParamSpec("running_mean", (c,), buffer=True),
            ParamSpec("running_var", (c,), buffer=True),
            ParamSpec("num_batches_tracked", (), buffer=True),
        ]
    return out


def _bn_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        ranks = {1: (2, 3), 2: (4,), 3: (5,)}[n]
        if len(x) not in ranks:
            raise ArgError(f"BatchNorm{n}d expects a {' or '.join(f'{r}D' for r in ranks)} input, got {len(x)}D")
        check_dim(x[1], a.int("num_features"), f"BatchNorm{n}d channels")
        return x
    return output


def _syncbn_output(a: Args, x: Shape) -> Shape:
    if len(x) < 2:
        raise ArgError(f"SyncBatchNorm expects at least a 2D input, got {len(x)}D")
    check_dim(x[1], a.int("num_features"), "SyncBatchNorm channels")
    return x


_SYNC_BN = LayerSpec(
    "torch", "SyncBatchNorm",
    f"num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, process_group=None, {_DD}, *, bias=True",
    _bn_params, _syncbn_output, extra={NONE_WHEN_ABSENT: _NORM},
    note="BatchNorm's weight + bias; running stats are buffers (synchronized across processes when training)",
)


def _bn(n: int) -> LayerSpec:
    return LayerSpec(
        "torch", f"BatchNorm{n}d",
        f"num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, {_DD}, *, bias=True",
        _bn_params, _bn_output(n), extra={NONE_WHEN_ABSENT: _NORM},
        note="weight + bias (affine); running_mean/running_var are buffers, not parameters",
    )


def _layernorm_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    shape = a.shape("normalized_shape")
    out = []
    if a.bool("elementwise_affine"):
        out.append(ParamSpec("weight", shape))
        if a.bool("bias"):
            out.append(ParamSpec("bias", shape))
    return out


def _layernorm_output(a: Args, x: Shape) -> Shape:
    shape = a.shape("normalized_shape")
    if len(x) < len(shape):
        raise ArgError("LayerNorm input has fewer dims than normalized_shape")
    for got, want in zip(x[len(x) - len(shape):], shape):
        check_dim(got, want, "LayerNorm normalized dims")
    return x


def _groupnorm_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    g, c = a.int("num_groups", 1), a.int("num_channels")
    if c % g:
        raise ArgError(f"num_channels ({c}) must be divisible by num_groups ({g})")
    if not a.bool("affine"):
        return []
    return [ParamSpec("weight", (c,))] + ([ParamSpec("bias", (c,))] if a.bool("bias") else [])


def _groupnorm_output(a: Args, x: Shape) -> Shape:
    if len(x) < 2:
        raise ArgError(f"GroupNorm expects at least a 2D input, got {fmt(x)}")
    check_dim(x[1], a.int("num_channels"), "GroupNorm channels")
    return x


def _instancenorm_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        if len(x) not in (n + 1, n + 2):
            raise ArgError(f"InstanceNorm{n}d expects a {n + 1}D or {n + 2}D input, got {fmt(x)}")
        return x
    return output


def _rmsnorm_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    return [ParamSpec("weight", a.shape("normalized_shape"))] if a.bool("elementwise_affine") else []


# --- transposed convolutions ----------------------------------------------------------

def _convT_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        cin, cout, g = a.int("in_channels", 1), a.int("out_channels", 1), a.int("groups", 1)
        if cin % g or cout % g:
            raise ArgError(f"in_channels ({cin}) and out_channels ({cout}) must be divisible by groups ({g})")
        if a.raw("padding_mode") != "zeros":
            raise ArgError('Only "zeros" padding mode is supported for ConvTranspose')
        out = [ParamSpec("weight", (cin, cout // g) + a.ints("kernel_size", n, 1))]
        if a.bool("bias"):
            out.append(ParamSpec("bias", (cout,)))
        return out
    return params


def _convT_sized(n: int, want: Any, spatial: Shape, k: Tuple[int, ...], st: Tuple[int, ...], p: Tuple[int, ...],
                 d: Tuple[int, ...]) -> Shape:
    """torch's ``_output_padding``: ``output_size`` (the spatial sizes, or with batch and channels
    in front) must lie within [the size without output padding, that + stride - 1]; the layer's
    own ``output_padding`` is not used."""
    if not isinstance(want, (tuple, list)) or not all(isinstance(v, int) and not isinstance(v, bool) for v in want):
        raise ArgError("ConvTranspose: output_size must be ints")
    if len(want) == n + 2:
        want = want[2:]
    if len(want) != n:
        raise ArgError(f"ConvTranspose: output_size must have {n} or {n + 2} elements (torch raises)")
    for i, L in enumerate(spatial):
        low = conv_transpose_len(L, k[i], st[i], p[i], d[i], 0)
        if low is None:
            raise ArgError("ConvTranspose: output_size with an unknown input size is not checked")
        if not low <= want[i] <= low + st[i] - 1:
            raise ArgError(f"ConvTranspose: output_size {want[i]} is not within [{low}, {low + st[i] - 1}] (torch raises)")
    return tuple(want)


def _convT_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Inputs) -> Shape:
        s = x.get("input")
        if not isinstance(s, tuple):
            raise ArgError(f"ConvTranspose{n}d: input is not a tensor")
        batch, c, spatial = split_channels_first(s, n, f"ConvTranspose{n}d")
        check_dim(c, a.int("in_channels"), f"ConvTranspose{n}d input channels")
        k, st, d = a.ints("kernel_size", n, 1), a.ints("stride", n, 1), a.ints("dilation", n, 1)
        p, op = a.ints("padding", n), a.ints("output_padding", n)
        want = x.get("output_size")
        if want is not None:  # (the UNet idiom ``up(x, output_size=skip.size())``)
            return batch + (a.int("out_channels"),) + _convT_sized(n, want, spatial, k, st, p, d)
        for i in range(n):
            if op[i] >= max(st[i], d[i]):
                raise ArgError("output padding must be smaller than either stride or dilation")
        sizes = tuple(conv_transpose_len(L, k[i], st[i], p[i], d[i], op[i]) for i, L in enumerate(spatial))
        if any(v is not None and v <= 0 for v in sizes):
            raise ArgError(f"ConvTranspose{n}d output size would be {sizes}")
        return batch + (a.int("out_channels"),) + sizes
    return output


def _convT(n: int) -> LayerSpec:
    return LayerSpec(
        "torch", f"ConvTranspose{n}d",
        "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, "
        f"dilation=1, padding_mode='zeros', {_DD}",
        _convT_params(n), _convT_output(n), extra={"forward": "input, output_size=None", NONE_WHEN_ABSENT: _BIAS},
        note="weight (in, out/groups, *kernel) + bias (out)",
    )


# --- embeddings, bilinear -------------------------------------------------------------

def _embedding_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    if a.raw("_weight") is not None:
        raise ArgError(f"{a.layer}: an explicit _weight is not modelled")
    n = a.int("num_embeddings")
    idx = a.raw("padding_idx")
    if idx is not None and not (isinstance(idx, int) and not isinstance(idx, bool) and -n <= idx < n):
        raise ArgError(f"{a.layer}: padding_idx must be within num_embeddings, got {idx!r}")
    # (``Embedding(_freeze=True)``: the weight does not require grad)
    return [ParamSpec("weight", (n, a.int("embedding_dim")), trainable=not a.bool("_freeze"))]


def _embedding_output(a: Args, x: Shape) -> Shape:
    return tuple(x) + (a.int("embedding_dim"),)


def _bag_output(a: Args, x: Inputs) -> Shape:
    s, off = x.get("input"), x.get("offsets")
    d = a.int("embedding_dim")
    if isinstance(s, tuple) and len(s) == 2 and off is None:
        return (s[0], d)
    if isinstance(s, tuple) and len(s) == 1 and isinstance(off, tuple) and len(off) == 1:
        b = off[0]
        return (None if b is None else b - int(a.bool("include_last_offset")), d)
    raise ArgError("EmbeddingBag expects a 2D input, or a 1D input with 1D offsets")


def _bilinear_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    o = a.int("out_features")
    out = [ParamSpec("weight", (o, a.int("in1_features"), a.int("in2_features")))]
    if a.bool("bias"):
        out.append(ParamSpec("bias", (o,)))
    return out


def _bilinear_output(a: Args, x: Inputs) -> Shape:
    s1, s2 = x.get("input1"), x.get("input2")
    if not isinstance(s1, tuple) or not isinstance(s2, tuple) or not s1 or not s2:
        raise ArgError("Bilinear expects two tensors")
    check_dim(s1[-1], a.int("in1_features"), "Bilinear input1 features")
    check_dim(s2[-1], a.int("in2_features"), "Bilinear input2 features")
    return tuple(s1[:-1]) + (a.int("out_features"),)


def _prelu_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    return [ParamSpec("weight", (a.int("num_parameters", 1),))]


# --- resampling and padding -----------------------------------------------------------

def _upsample_output(rank: Optional[int]):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        if len(x) < 3 or (rank is not None and len(x) != rank):
            raise ArgError(f"{a.layer} expects a batched (N, C, *spatial) input, got {fmt(x)}")
        n = len(x) - 2
        size, scale = a.raw("size"), a.raw("scale_factor")
        if (size is None) == (scale is None):
            raise ArgError(f"{a.layer}: exactly one of size and scale_factor must be given")
        if size is not None:
            return tuple(x[:2]) + a.ints("size", n, 1)
        vals = scale if isinstance(scale, (list, tuple)) else (scale,) * n
        if len(vals) != n:
            raise ArgError(f"{a.layer}: scale_factor must have {n} values")
        out: List[Dim] = []
        for L, f in zip(x[2:], vals):
            if isinstance(f, bool) or not isinstance(f, (int, float)):
                raise ArgError(f"{a.layer}: scale_factor must be numbers")
            out.append(None if L is None else math.floor(float(L) * float(f)))
        return tuple(x[:2]) + tuple(out)
    return output


def _pixel_output(shuffle: bool):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        r = a.int("upscale_factor" if shuffle else "downscale_factor", 1)
        if len(x) < 3:
            raise ArgError(f"{a.layer} expects at least a 3D input, got {fmt(x)}")
        c, h, w = x[-3], x[-2], x[-1]
        head = tuple(x[:-3])
        if shuffle:
            if c is not None and c % (r * r):
                raise ArgError(f"PixelShuffle: channels ({c}) must be divisible by upscale_factor² ({r * r})")
            return head + (None if c is None else c // (r * r), None if h is None else h * r, None if w is None else w * r)
        for d in (h, w):
            if d is not None and d % r:
                raise ArgError(f"PixelUnshuffle: spatial size {d} is not divisible by {r}")
        return head + (None if c is None else c * r * r, None if h is None else h // r, None if w is None else w // r)
    return output


def _unfold_output(a: Args, x: Shape) -> Shape:
    """(N, C, H, W) -> (N, C * kh * kw, L): one column per sliding block, L blocks in all."""
    if len(x) not in (3, 4):
        raise ArgError(f"Unfold expects a 3D or 4D input, got {fmt(x)}")
    k, d, p, s = a.ints("kernel_size", 2, 1), a.ints("dilation", 2, 1), a.ints("padding", 2), a.ints("stride", 2, 1)
    blocks = [conv_len(L, k[i], s[i], p[i], d[i]) for i, L in enumerate(x[-2:])]
    c, bh, bw = x[-3], blocks[0], blocks[1]
    return tuple(x[:-3]) + (None if c is None else c * k[0] * k[1], None if bh is None or bw is None else bh * bw)


def _pad_output(n: int, mode: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        v = a.raw("padding")
        pads = a.ints("padding", 2 * n, -10**9) if isinstance(v, (list, tuple)) else (a.int("padding", -10**9),) * (2 * n)
        if len(x) not in (n + 1, n + 2):
            raise ArgError(f"{a.layer} expects a {n + 1}D or {n + 2}D input, got {fmt(x)}")
        try:
            return pad(x, pads, mode)  # (F.pad's rules, which the layer's forward runs)
        except ArgError as e:
            raise ArgError(f"{a.layer}: {e.message}") from None
    return output


def _pads() -> List[LayerSpec]:
    out = []
    for n in (1, 2, 3):
        out += [
            LayerSpec("torch", f"ZeroPad{n}d", "padding", output=_pad_output(n, "constant")),
            LayerSpec("torch", f"ConstantPad{n}d", "padding, value", output=_pad_output(n, "constant")),
            LayerSpec("torch", f"ReflectionPad{n}d", "padding", output=_pad_output(n, "reflect")),
            LayerSpec("torch", f"ReplicationPad{n}d", "padding", output=_pad_output(n, "replicate")),
            LayerSpec("torch", f"CircularPad{n}d", "padding", output=_pad_output(n, "circular")),
        ]
    return out


# --- lazy modules: in_features / in_channels / num_features from the first input ----------

def _lazy(base: LayerSpec, name: str, signature: str, field: str, channel: Callable[[Shape], Dim]) -> LayerSpec:
    def with_field(a: Args, x: Any) -> Args:
        s = x.get("input") if isinstance(x, Inputs) else x
        if not isinstance(s, tuple):
            raise ArgError(f"{name}: parameters are created on the first call (no input shape reaches it)")
        c = channel(s)
        if c is None:
            raise ArgError(f"{name}: the input's {field} is unknown")
        return Args(base.name, {**a.values, field: c})

    def params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
        return base.params(with_field(a, x), x)

    def output(a: Args, x: Any) -> Any:
        assert base.output is not None
        return base.output(with_field(a, x), x)

    return LayerSpec("torch", name, signature, params, output, lazy=True, extra=dict(base.extra),
                     note=f"a {base.name} whose {field} comes from the first input")


def _channels_at(rank_batched: int):  # type: ignore[no-untyped-def]
    def channel(x: Shape) -> Dim:
        if len(x) == rank_batched:
            return x[1]
        if len(x) == rank_batched - 1:
            return x[0]
        raise ArgError(f"expected a {rank_batched - 1}D or {rank_batched}D input, got {fmt(x)}")
    return channel


def _bn_channel(x: Shape) -> Dim:
    if len(x) < 2:
        raise ArgError(f"expected at least a 2D input, got {fmt(x)}")
    return x[1]


def _lazies() -> List[LayerSpec]:
    conv_tail = "stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None"
    convT_tail = "stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None"
    norm = "eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True"
    out = [_lazy(_LINEAR, "LazyLinear", f"out_features, bias=True, {_DD}", "in_features", lambda x: x[-1] if x else None)]
    for n in (1, 2, 3):
        out += [
            _lazy(_conv(n), f"LazyConv{n}d", f"out_channels, kernel_size, {conv_tail}", "in_channels", _channels_at(n + 2)),
            _lazy(_convT(n), f"LazyConvTranspose{n}d", f"out_channels, kernel_size, {convT_tail}", "in_channels", _channels_at(n + 2)),
            _lazy(_bn(n), f"LazyBatchNorm{n}d", norm, "num_features", _bn_channel),
            _lazy(_instancenorm(n), f"LazyInstanceNorm{n}d", norm, "num_features", _channels_at(n + 2)),
        ]
    return out


def _instancenorm(n: int) -> LayerSpec:
    return LayerSpec(
        "torch", f"InstanceNorm{n}d",
        f"num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, {_DD}, *, bias=True",
        _bn_params, _instancenorm_output(n), extra={NONE_WHEN_ABSENT: _NORM},
        note="no parameters by default (affine=False); running stats are buffers",
    )


# --- activations ------------------------------------------------------------------------

def _glu_output(a: Args, x: Shape) -> Shape:
    if not x:
        raise ArgError("GLU expects at least a 1D input")
    d = norm_axis(a.int("dim", -10**6), len(x), "GLU")
    n = x[d]
    if n is not None and n % 2:
        raise ArgError(f"GLU: halving dimension must be even, but dimension {d} is size {n}")
    return tuple(x[:d]) + (None if n is None else n // 2,) + tuple(x[d + 1:])


def _activation(name: str, signature: str = "inplace=False") -> LayerSpec:
    return LayerSpec("torch", name, signature, no_params, same_shape)


_ACTIVATIONS = [
    _activation("ReLU"), _activation("ReLU6"), _activation("SiLU"), _activation("Hardswish"),
    _activation("Hardsigmoid"), _activation("Mish"), _activation("Sigmoid", ""), _activation("Tanh", ""),
    _activation("GELU", "approximate='none'"), _activation("LeakyReLU", "negative_slope=0.01, inplace=False"),
    _activation("ELU", "alpha=1.0, inplace=False"), _activation("CELU", "alpha=1.0, inplace=False"),
    _activation("SELU"), _activation("Softplus", "beta=1.0, threshold=20.0"),
    _activation("Softmax", "dim=None"), _activation("LogSoftmax", "dim=None"), _activation("Softmax2d", ""),
    _activation("Softmin", "dim=None"),
    _activation("Hardtanh", "min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None"),
    _activation("Tanhshrink", ""), _activation("Softsign", ""), _activation("LogSigmoid", ""),
    _activation("Threshold", "threshold, value, inplace=False"),
    _activation("RReLU", "lower=0.125, upper=0.3333333333333333, inplace=False"),
    _activation("Hardshrink", "lambd=0.5"), _activation("Softshrink", "lambd=0.5"),
    LayerSpec("torch", "GLU", "dim=-1", output=_glu_output),
]

_LINEAR = LayerSpec(
    "torch", "Linear", f"in_features, out_features, bias=True, {_DD}", _linear_params, _linear_output,
    aliases=("NonDynamicallyQuantizableLinear",), note="weight (out, in) + bias (out)", extra={NONE_WHEN_ABSENT: _BIAS},
)


CATALOG = [
    LayerSpec("torch", "Module", "*args, **kwargs", role="base"),
    LayerSpec("torch", "Sequential", "*args", role="container"),
    LayerSpec("torch", "ModuleList", "modules=None", role="container"),
    LayerSpec("torch", "ModuleDict", "modules=None", role="container"),
    LayerSpec("torch", "ParameterList", "values=None", role="container"),
    LayerSpec("torch", "ParameterDict", "parameters=None", role="container"),
    _conv(1), _conv(2), _conv(3), _convT(1), _convT(2), _convT(3),
    _LINEAR,
    LayerSpec(
        "torch", "Bilinear", f"in1_features, in2_features, out_features, bias=True, {_DD}",
        _bilinear_params, _bilinear_output, extra={"forward": "input1, input2", NONE_WHEN_ABSENT: _BIAS},
        note="weight (out, in1, in2) + bias (out)",
    ),
    LayerSpec("torch", "Identity", "*args, **kwargs"),
    # Quantization markers (torch.ao.quantization): no parameters, no state until converted.
    LayerSpec("torch", "QuantStub", "qconfig=None", note="no parameters (an observer slot for quantization)"),
    LayerSpec("torch", "DeQuantStub", "qconfig=None", note="no parameters"),
    LayerSpec("torch", "FloatFunctional", "", output=None, note="no parameters (add/cat/mul as observable ops)"),
    LayerSpec("torch", "Flatten", "start_dim=1, end_dim=-1", output=_flatten_output),
    LayerSpec("torch", "Dropout", "p=0.5, inplace=False"),
    LayerSpec("torch", "Dropout1d", "p=0.5, inplace=False"),
    LayerSpec("torch", "Dropout2d", "p=0.5, inplace=False"),
    LayerSpec("torch", "Dropout3d", "p=0.5, inplace=False"),
    LayerSpec("torch", "AlphaDropout", "p=0.5, inplace=False"),
    LayerSpec("torch", "MaxPool1d", "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False", output=_maxpool_output(1)),
    LayerSpec("torch", "MaxPool2d", "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False", output=_maxpool_output(2)),
    LayerSpec("torch", "MaxPool3d", "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False", output=_maxpool_output(3)),
    LayerSpec("torch", "AvgPool1d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True", output=_avgpool_output(1)),
    LayerSpec("torch", "AvgPool2d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None", output=_avgpool_output(2)),
    LayerSpec("torch", "AvgPool3d", "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None", output=_avgpool_output(3)),
    LayerSpec("torch", "AdaptiveAvgPool1d", "output_size", output=_adaptive_output(1, "AdaptiveAvgPool1d")),
    LayerSpec("torch", "AdaptiveAvgPool2d", "output_size", output=_adaptive_output(2, "AdaptiveAvgPool2d")),
    LayerSpec("torch", "AdaptiveAvgPool3d", "output_size", output=_adaptive_output(3, "AdaptiveAvgPool3d")),
    LayerSpec("torch", "AdaptiveMaxPool1d", "output_size, return_indices=False", output=_adaptive_output(1, "AdaptiveMaxPool1d")),
    LayerSpec("torch", "AdaptiveMaxPool2d", "output_size, return_indices=False", output=_adaptive_output(2, "AdaptiveMaxPool2d")),
    LayerSpec("torch", "AdaptiveMaxPool3d", "output_size, return_indices=False", output=_adaptive_output(3, "AdaptiveMaxPool3d")),
    _bn(1), _bn(2), _bn(3), _SYNC_BN, _instancenorm(1), _instancenorm(2), _instancenorm(3),
    LayerSpec(
        "torch", "LayerNorm", f"normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, {_DD}",
        _layernorm_params, _layernorm_output, note="weight + bias over normalized_shape",
        extra={NONE_WHEN_ABSENT: _AFFINE},
    ),
    LayerSpec("torch", "GroupNorm", f"num_groups, num_channels, eps=1e-05, affine=True, {_DD}, *, bias=True",
              _groupnorm_params, _groupnorm_output, note="weight + bias (num_channels) when affine",
              extra={NONE_WHEN_ABSENT: _AFFINE}),
    LayerSpec("torch", "RMSNorm", f"normalized_shape, eps=None, elementwise_affine=True, {_DD}",
              _rmsnorm_params, _layernorm_output, note="weight over normalized_shape, no bias",
              extra={NONE_WHEN_ABSENT: ("weight",)}),
    LayerSpec("torch", "LocalResponseNorm", "size, alpha=0.0001, beta=0.75, k=1.0"),
    LayerSpec(
        "torch", "Embedding",
        f"num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, {_DD}",
        _embedding_params, _embedding_output, note="weight (num_embeddings, embedding_dim)",
    ),
    LayerSpec(
        "torch", "EmbeddingBag",
        f"num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, {_DD}",
        _embedding_params, _bag_output, extra={"forward": "input, offsets=None, per_sample_weights=None"},
        note="weight (num_embeddings, embedding_dim)",
    ),
    LayerSpec("torch", "PReLU", f"num_parameters=1, init=0.25, {_DD}", _prelu_params, note="weight (num_parameters)"),
    LayerSpec("torch", "Upsample", "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None", output=_upsample_output(None)),
    LayerSpec("torch", "UpsamplingNearest2d", "size=None, scale_factor=None", output=_upsample_output(4)),
    LayerSpec("torch", "UpsamplingBilinear2d", "size=None, scale_factor=None", output=_upsample_output(4)),
    LayerSpec("torch", "PixelShuffle", "upscale_factor", output=_pixel_output(True)),
    LayerSpec("torch", "PixelUnshuffle", "downscale_factor", output=_pixel_output(False)),
    LayerSpec("torch", "Unfold", "kernel_size, dilation=1, padding=0, stride=1", output=_unfold_output),
    *_pads(),
    *_ACTIVATIONS,
    *torch_seq.CATALOG,
    *torch_more.CATALOG,
    *_lazies(),
]

#: torch's private base classes, by qualified name (``torch.ao``'s quantized ``_ConvNd`` is
#: another class), and the catalog layers deriving from them (``isinstance(m,
#: nn.modules.batchnorm._BatchNorm)`` in init code). Checked against torch's own class
#: hierarchy by an oracle test.
_NORMS = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "SyncBatchNorm")
_INSTANCE_NORMS = ("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
                   "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d")
_CONV_T = ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d")
_LAZY_CONV = ("LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d")
PRIVATE_BASES = {
    "torch.nn.modules.batchnorm._BatchNorm": frozenset(_NORMS),
    "torch.nn.modules.instancenorm._InstanceNorm": frozenset(_INSTANCE_NORMS),
    "torch.nn.modules.batchnorm._NormBase": frozenset(_NORMS + _INSTANCE_NORMS),
    "torch.nn.modules.batchnorm._LazyNormBase": frozenset(n for n in _NORMS + _INSTANCE_NORMS if n.startswith("Lazy")),
    "torch.nn.modules.conv._ConvNd": frozenset(("Conv1d", "Conv2d", "Conv3d") + _CONV_T + _LAZY_CONV),
    "torch.nn.modules.conv._ConvTransposeNd": frozenset(_CONV_T),
    "torch.nn.modules.conv._LazyConvXdMixin": frozenset(_LAZY_CONV),
    "torch.nn.modules.dropout._DropoutNd": frozenset(("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                                      "FeatureAlphaDropout")),
    "torch.nn.modules.padding._CircularPadNd": frozenset(("CircularPad1d", "CircularPad2d", "CircularPad3d")),
    "torch.nn.modules.padding._ConstantPadNd": frozenset(("ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d")),
    "torch.nn.modules.padding._ReflectionPadNd": frozenset(("ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d")),
    "torch.nn.modules.padding._ReplicationPadNd": frozenset(("ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d")),
    "torch.nn.modules.pooling._AdaptiveAvgPoolNd": frozenset(("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d")),
    "torch.nn.modules.pooling._AdaptiveMaxPoolNd": frozenset(("AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d")),
    "torch.nn.modules.pooling._AvgPoolNd": frozenset(("AvgPool1d", "AvgPool2d", "AvgPool3d")),
    "torch.nn.modules.pooling._MaxPoolNd": frozenset(("MaxPool1d", "MaxPool2d", "MaxPool3d")),
    "torch.nn.modules.pooling._LPPoolNd": frozenset(("LPPool1d", "LPPool2d", "LPPool3d")),
    "torch.nn.modules.pooling._MaxUnpoolNd": frozenset(("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d")),
    "torch.nn.modules.loss._Loss": frozenset(s.name for s in torch_more.CATALOG if s.name.endswith("Loss") or s.name == "NLLLoss2d"),
    "torch.nn.modules.loss._WeightedLoss": frozenset(("CrossEntropyLoss", "NLLLoss", "NLLLoss2d", "BCELoss",
                                                      "MultiLabelSoftMarginLoss", "MultiMarginLoss")),
}
