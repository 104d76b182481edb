"""PyTorch ``torch.nn`` layers: real signatures, parameter shapes, output shapes.

Truth is ``sum(p.numel() for p in model.parameters())``: buffers (BatchNorm running stats)
are not parameters. Sources: ``torch/nn/modules/{conv,linear,batchnorm,pooling,...}.py``.
"""

from __future__ import annotations

from typing import List, Optional

from paramlint.catalog.shapes import check_dim, conv_len, flatten_shape_generic, pool_len, split_channels_first
from paramlint.catalog.spec import Args, ArgError, LayerSpec, ParamSpec, no_params, same_shape
from paramlint.types import Shape

_DD = "device=None, dtype=None"


# --- convolutions ---------------------------------------------------------------------

def _conv_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        cin, cout, g = a.int("in_channels", 1), a.int("out_channels", 1), a.int("groups", 1)
        if cin % g or cout % g:
            raise ArgError(f"in_channels ({cin}) and out_channels ({cout}) must be divisible by groups ({g})")
        k = a.ints("kernel_size", n, 1)
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
        _conv_params(n), _conv_output(n),
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
        return batch + (c,) + tuple(pool_len(L, k[i], s[i], p[i], d[i], ceil) for i, L in enumerate(spatial))
    return output


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
        return batch + (c,) + tuple(out)
    return output


# --- reshaping ----------------------------------------------------------------------

def _flatten_output(a: Args, x: Shape) -> Shape:
    return flatten_shape_generic(x, a.int("start_dim", -10**6), a.int("end_dim", -10**6))


# --- normalization ------------------------------------------------------------------

def _bn_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    c = a.int("num_features")
    out = []
    if a.bool("affine"):
        out += [ParamSpec("weight", (c,)), ParamSpec("bias", (c,))]
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


def _bn(n: int) -> LayerSpec:
    return LayerSpec(
        "torch", f"BatchNorm{n}d",
        f"num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, {_DD}",
        _bn_params, _bn_output(n),
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
    return [ParamSpec("weight", (c,)), ParamSpec("bias", (c,))] if a.bool("affine") else []


def _embedding_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    return [ParamSpec("weight", (a.int("num_embeddings"), a.int("embedding_dim")))]


def _embedding_output(a: Args, x: Shape) -> Shape:
    return tuple(x) + (a.int("embedding_dim"),)


def _prelu_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    return [ParamSpec("weight", (a.int("num_parameters", 1),))]


def _mha_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    e, h = a.int("embed_dim", 1), a.int("num_heads", 1)
    if e % h:
        raise ArgError(f"embed_dim ({e}) must be divisible by num_heads ({h})")
    kdim = a.opt_int("kdim") or e
    vdim = a.opt_int("vdim") or e
    bias = a.bool("bias")
    if kdim == e and vdim == e:
        out = [ParamSpec("in_proj_weight", (3 * e, e))]
    else:
        out = [ParamSpec("q_proj_weight", (e, e)), ParamSpec("k_proj_weight", (e, kdim)), ParamSpec("v_proj_weight", (e, vdim))]
    if bias:
        out.append(ParamSpec("in_proj_bias", (3 * e,)))
    if a.bool("add_bias_kv"):
        out += [ParamSpec("bias_k", (1, 1, e)), ParamSpec("bias_v", (1, 1, e))]
    out.append(ParamSpec("out_proj.weight", (e, e)))
    if bias:
        out.append(ParamSpec("out_proj.bias", (e,)))
    return out


def _activation(name: str, signature: str = "inplace=False") -> LayerSpec:
    return LayerSpec("torch", name, signature, no_params, same_shape)


_ACTIVATIONS = [
    _activation("ReLU"), _activation("ReLU6"), _activation("SiLU"), _activation("Hardswish"),
    _activation("Hardsigmoid"), _activation("Mish"), _activation("Sigmoid", ""), _activation("Tanh", ""),
    _activation("GELU", "approximate='none'"), _activation("LeakyReLU", "negative_slope=0.01, inplace=False"),
    _activation("ELU", "alpha=1.0, inplace=False"), _activation("CELU", "alpha=1.0, inplace=False"),
    _activation("SELU"), _activation("Softplus", "beta=1.0, threshold=20.0"),
    _activation("Softmax", "dim=None"), _activation("LogSoftmax", "dim=None"), _activation("Softmax2d", ""),
    _activation("Hardtanh", "min_val=-1.0, max_val=1.0, inplace=False"), _activation("Tanhshrink", ""),
    _activation("Softsign", ""), _activation("LogSigmoid", ""), _activation("Threshold", "threshold, value, inplace=False"),
    _activation("GLU", "dim=-1"),
]


CATALOG = [
    LayerSpec("torch", "Module", "*args, **kwargs", role="base"),
    LayerSpec("torch", "Sequential", "*args", role="container"),
    LayerSpec("torch", "ModuleList", "modules=None", role="container"),
    LayerSpec("torch", "ModuleDict", "modules=None", role="container"),
    LayerSpec("torch", "ParameterList", "values=None", role="container"),
    LayerSpec("torch", "ParameterDict", "parameters=None", role="container"),
    _conv(1), _conv(2), _conv(3),
    LayerSpec(
        "torch", "Linear", f"in_features, out_features, bias=True, {_DD}", _linear_params, _linear_output,
        aliases=("NonDynamicallyQuantizableLinear",), note="weight (out, in) + bias (out)",
    ),
    LayerSpec("torch", "Identity", "*args, **kwargs"),
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
    _bn(1), _bn(2), _bn(3),
    LayerSpec(
        "torch", "LayerNorm", f"normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, {_DD}",
        _layernorm_params, _layernorm_output, note="weight + bias over normalized_shape",
    ),
    LayerSpec("torch", "GroupNorm", f"num_groups, num_channels, eps=1e-05, affine=True, {_DD}", _groupnorm_params),
    LayerSpec(
        "torch", "Embedding",
        f"num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, {_DD}",
        _embedding_params, _embedding_output,
    ),
    LayerSpec("torch", "PReLU", f"num_parameters=1, init=0.25, {_DD}", _prelu_params),
    LayerSpec(
        "torch", "MultiheadAttention",
        f"embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, {_DD}",
        _mha_params, None,
        note="in_proj (3E×E) + in_proj_bias (3E) + out_proj (E×E + E)",
    ),
    *_ACTIVATIONS,
]
