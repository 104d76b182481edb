"""Keras 3 transposed, depthwise and separable convolutions, and 3D global pooling.

Sources: ``keras/src/layers/convolutional/{base_conv_transpose,base_depthwise_conv,
base_separable_conv}.py`` and ``backend/common/backend_utils.py``
(``_get_output_shape_given_tf_padding`` for transposed output sizes).
"""

from __future__ import annotations

from typing import List, Optional

from paramlint.catalog.shapes import keras_conv_len
from paramlint.catalog.spec import ArgError, Args, LayerSpec, ParamSpec
from paramlint.types import Dim, Shape

_KW = "**kwargs"
_BIAS = ("kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, "
         "bias_constraint=None")


def _ones(n: int) -> str:
    return "1" if n == 1 else "(" + ", ".join(["1"] * n) + ")"


def _split(a: Args, x: Optional[Shape], n: int, layer: str) -> tuple:  # type: ignore[type-arg]
    if x is None:
        raise ArgError(f"{layer} has no input shape yet (Keras builds weights on first call)")
    if len(x) != n + 2:
        raise ArgError(f"{layer} expects a {n + 2}D input (batch included), got {len(x)}D")
    first = a.values.get("data_format") == "channels_first"
    c = x[1] if first else x[-1]
    spatial = tuple(x[2:]) if first else tuple(x[1:-1])
    return first, c, spatial


def _need_c(c: Dim, layer: str) -> int:
    if c is None:
        raise ArgError(f"{layer}: input channels are unknown")
    return c


def _assemble(first: bool, batch: Dim, c: Dim, sizes: tuple) -> Shape:  # type: ignore[type-arg]
    return (batch, c) + sizes if first else (batch,) + sizes + (c,)


# --- transposed -----------------------------------------------------------------------

def _tf_transpose_len(n: Dim, k: int, s: int, padding: str, op: Optional[int], d: int) -> Dim:
    if n is None:
        return None
    k = (k - 1) * d + 1
    if padding == "valid":
        return (n - 1) * s + k + (max(k, s) - k if op is None else op)
    if padding == "same":
        return n * s if op is None else (n - 1) * s + k % 2 + op
    raise ArgError(f"padding must be 'valid' or 'same', got {padding!r}")


def _convT_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
        _, c, _ = _split(a, x, n, f"Conv{n}DTranspose")
        f = a.int("filters", 1)
        out = [ParamSpec("kernel", a.ints("kernel_size", n, 1) + (f, _need_c(c, f"Conv{n}DTranspose")))]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (f,)))
        return out
    return params


def _convT_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        first, _, spatial = _split(a, x, n, f"Conv{n}DTranspose")
        k, s, d = a.ints("kernel_size", n, 1), a.ints("strides", n, 1), a.ints("dilation_rate", n, 1)
        ops: List[Optional[int]] = [None] * n if a.raw("output_padding") is None else list(a.ints("output_padding", n))
        pad = a.str("padding").lower()
        sizes = tuple(_tf_transpose_len(L, k[i], s[i], pad, ops[i], d[i]) for i, L in enumerate(spatial))
        return _assemble(first, x[0], a.int("filters", 1), sizes)
    return output


def _convT(n: int) -> LayerSpec:
    order = ("output_padding=None, data_format=None" if n < 3 else "data_format=None, output_padding=None")
    return LayerSpec(
        "keras", f"Conv{n}DTranspose",
        f"filters, kernel_size, strides={_ones(n)}, padding='valid', {order}, dilation_rate={_ones(n)}, "
        f"activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', {_BIAS}, {_KW}",
        _convT_params(n), _convT_output(n), lazy=True, aliases=(f"Convolution{n}DTranspose",),
        note="kernel (*kernel, filters, in) + bias (filters)",
    )


# --- depthwise and separable ------------------------------------------------------------

def _spatial_sizes(a: Args, spatial: tuple, n: int) -> tuple:  # type: ignore[type-arg]
    k, s, d = a.ints("kernel_size", n, 1), a.ints("strides", n, 1), a.ints("dilation_rate", n, 1)
    pad = a.str("padding").lower()
    if pad == "causal":  # (Keras's standardize_padding allows it for Conv1D alone)
        raise ArgError("padding 'causal' is for Conv1D only (Keras raises)")
    return tuple(keras_conv_len(L, k[i], s[i], pad, d[i]) for i, L in enumerate(spatial))


def _depthwise_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
        _, c, _ = _split(a, x, n, f"DepthwiseConv{n}D")
        c = _need_c(c, f"DepthwiseConv{n}D")
        m = a.int("depth_multiplier", 1)
        out = [ParamSpec("kernel", a.ints("kernel_size", n, 1) + (c, m))]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (c * m,)))
        return out
    return params


def _depthwise_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        first, c, spatial = _split(a, x, n, f"DepthwiseConv{n}D")
        m = a.int("depth_multiplier", 1)
        return _assemble(first, x[0], None if c is None else c * m, _spatial_sizes(a, spatial, n))
    return output


def _separable_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
        _, c, _ = _split(a, x, n, f"SeparableConv{n}D")
        c = _need_c(c, f"SeparableConv{n}D")
        m, f = a.int("depth_multiplier", 1), a.int("filters", 1)
        out = [ParamSpec("depthwise_kernel", a.ints("kernel_size", n, 1) + (c, m)),
               ParamSpec("pointwise_kernel", (1,) * n + (c * m, f))]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (f,)))
        return out
    return params


def _separable_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        first, _, spatial = _split(a, x, n, f"SeparableConv{n}D")
        return _assemble(first, x[0], a.int("filters", 1), _spatial_sizes(a, spatial, n))
    return output


def _depthwise(n: int) -> LayerSpec:
    return LayerSpec(
        "keras", f"DepthwiseConv{n}D",
        f"kernel_size, strides={_ones(n)}, padding='valid', depth_multiplier=1, data_format=None, dilation_rate={_ones(n)}, "
        "activation=None, use_bias=True, depthwise_initializer='glorot_uniform', bias_initializer='zeros', "
        "depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, "
        f"bias_constraint=None, {_KW}",
        _depthwise_params(n), _depthwise_output(n), lazy=True,
        note="kernel (*kernel, in, depth_multiplier) + bias (in·depth_multiplier)",
    )


def _separable(n: int) -> LayerSpec:
    return LayerSpec(
        "keras", f"SeparableConv{n}D",
        f"filters, kernel_size, strides={_ones(n)}, padding='valid', data_format=None, dilation_rate={_ones(n)}, "
        "depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer='glorot_uniform', "
        "pointwise_initializer='glorot_uniform', bias_initializer='zeros', depthwise_regularizer=None, "
        "pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, "
        f"pointwise_constraint=None, bias_constraint=None, {_KW}",
        _separable_params(n), _separable_output(n), lazy=True, aliases=(f"SeparableConvolution{n}D",),
        note="depthwise_kernel (*kernel, in, dm) + pointwise_kernel (1…, in·dm, filters) + bias (filters)",
    )


def _global3(a: Args, x: Shape) -> Shape:
    if len(x) != 5:
        raise ArgError(f"expected a 5D input, got {len(x)}D")
    first = a.values.get("data_format") == "channels_first"
    c = x[1] if first else x[-1]
    if a.bool("keepdims"):
        return (x[0], c, 1, 1, 1) if first else (x[0], 1, 1, 1, c)
    return (x[0], c)


CATALOG = [
    _convT(1), _convT(2), _convT(3), _depthwise(1), _depthwise(2), _separable(1), _separable(2),
    LayerSpec("keras", "GlobalAveragePooling3D", f"data_format=None, keepdims=False, {_KW}", output=_global3, lazy=True,
              aliases=("GlobalAvgPool3D",)),
    LayerSpec("keras", "GlobalMaxPooling3D", f"data_format=None, keepdims=False, {_KW}", output=_global3, lazy=True,
              aliases=("GlobalMaxPool3D",)),
]
