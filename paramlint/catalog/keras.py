"""Keras 3 / tf.keras layers: real signatures, weights (built from the input shape), shapes.

Truth is ``model.count_params()``: every weight, trainable or not, so BatchNormalization's
moving mean and variance count. Sources: ``keras/src/layers/**``, ``ops/operation_utils.py``.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple, cast

from paramlint.catalog import keras_conv, keras_seq
from paramlint.catalog.shapes import keras_conv_len
from paramlint.catalog.spec import Args, ArgError, LayerSpec, ParamSpec, same_shape
from paramlint.types import Shape

_KW = "**kwargs"


def _need(x: Optional[Shape], layer: str) -> Shape:
    if x is None:
        raise ArgError(f"{layer} has no input shape yet (Keras builds weights on first call)")
    if not x:
        raise ArgError(f"{layer}: a 0-D input (Keras raises)")
    return x


def _channels(a: Args, x: Shape, layer: str) -> int:
    fmt = a.values.get("data_format")
    c = x[1] if fmt == "channels_first" else x[-1]
    if c is None:
        raise ArgError(f"{layer}: input channels are unknown")
    return c


def _dense_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    x = _need(x, "Dense")
    if x[-1] is None:
        raise ArgError("Dense: the last input dimension is unknown")
    u = a.int("units", 1)
    if a.raw("lora_rank") is not None or a.raw("quantization_config") is not None:
        raise ArgError("Dense: lora_rank / quantization_config weights are not modelled")
    out = [ParamSpec("kernel", (x[-1], u))]
    if a.bool("use_bias"):
        out.append(ParamSpec("bias", (u,)))
    return out


def _dense_output(a: Args, x: Shape) -> Shape:
    return tuple(x[:-1]) + (a.int("units", 1),)


def _conv_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
        x = _need(x, f"Conv{n}D")
        cin = _channels(a, x, f"Conv{n}D")
        f, g = a.int("filters", 1), a.int("groups", 1)
        if cin % g or f % g:
            raise ArgError(f"input channels ({cin}) and filters ({f}) must be divisible by groups ({g})")
        k = a.ints("kernel_size", n, 1)
        out = [ParamSpec("kernel", k + (cin // g, f))]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (f,)))
        return out
    return params


def _spatial_output(n: int, kernel: str, strides: str, channels_from: Optional[str]):  # type: ignore[no-untyped-def]
    """Conv and pooling output shapes; pooling strides default to the pool size."""

    def output(a: Args, x: Shape) -> Shape:
        if len(x) != n + 2:
            raise ArgError(f"expected a {n + 2}D input (batch included), got {len(x)}D")
        first = a.values.get("data_format") == "channels_first"
        spatial = x[2:] if first else x[1:-1]
        k = a.ints(kernel, n, 1)
        s = k if a.raw(strides) is None else a.ints(strides, n, 1)
        d = a.ints("dilation_rate", n, 1) if "dilation_rate" in a.values else (1,) * n
        pad = a.str("padding")
        if kernel == "pool_size" and pad not in ("valid", "same"):
            # (Keras' pooling ops refuse "SAME" where its convolutions lower-case it: torch backend)
            raise ArgError(f"pooling padding {pad!r} is not 'valid' or 'same'")
        pad = pad.lower()
        if pad == "causal" and (kernel == "pool_size" or n != 1):
            raise ArgError("padding 'causal' is for 1D convolutions only (Keras raises)")
        sizes = tuple(keras_conv_len(L, k[i], s[i], pad, d[i]) for i, L in enumerate(spatial))
        c = a.int(channels_from, 1) if channels_from else (x[1] if first else x[-1])
        return (x[0], c) + sizes if first else (x[0],) + sizes + (c,)
    return output


def _global_pool_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        if len(x) != n + 2:
            raise ArgError(f"expected a {n + 2}D input, got {len(x)}D")
        first = a.values.get("data_format") == "channels_first"
        c = x[1] if first else x[-1]
        if a.bool("keepdims"):
            return (x[0], c) + (1,) * n if first else (x[0],) + (1,) * n + (c,)
        return (x[0], c)
    return output


def _flatten_output(a: Args, x: Shape) -> Shape:
    n: Optional[int] = 1
    for d in x[1:]:
        n = None if (n is None or d is None) else n * d
    return (x[0], n)


def _bn_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    x = _need(x, "BatchNormalization")
    if a.bool("renorm"):
        raise ArgError("BatchNormalization: renorm weights are not modelled")
    axis = a.int("axis", -10**6)
    c = x[axis]
    if c is None:
        raise ArgError("BatchNormalization: the normalized axis has unknown size")
    out = []
    if a.bool("scale"):
        out.append(ParamSpec("gamma", (c,)))
    if a.bool("center"):
        out.append(ParamSpec("beta", (c,)))
    out += [ParamSpec("moving_mean", (c,), trainable=False), ParamSpec("moving_variance", (c,), trainable=False)]
    return out


def _pool(name: str, n: int, default: Optional[str]) -> LayerSpec:
    return LayerSpec(
        "keras", name,
        f"pool_size{'' if default is None else '=' + default}, strides=None, padding='valid', data_format=None, name=None, {_KW}",
        output=_spatial_output(n, "pool_size", "strides", None), lazy=True,
        aliases=(name.replace("MaxPooling", "MaxPool").replace("AveragePooling", "AvgPool"),),
    )


def _conv(n: int) -> LayerSpec:
    ones = "1" if n == 1 else "(" + ", ".join(["1"] * n) + ")"
    return LayerSpec(
        "keras", f"Conv{n}D",
        f"filters, kernel_size, strides={ones}, padding='valid', data_format=None, dilation_rate={ones}, groups=1, "
        f"activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', "
        f"kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, "
        f"bias_constraint=None, {_KW}",
        _conv_params(n), _spatial_output(n, "kernel_size", "strides", "filters"), lazy=True,
        aliases=(f"Convolution{n}D",), note="kernel (*kernel, in/groups, filters) + bias (filters)",
    )


# ConvLSTM{1,2,3}D: an LSTM whose gates are convolutions over each timestep's (spatial..., channels);
# the recurrent convolution is 'same' with stride 1. Source: keras/src/layers/rnn/conv_lstm.py.

def _conv_lstm_step(a: Args, x: object, n: int) -> Tuple[Shape, int]:
    x = keras_seq._shape_of(x, "sequences", f"ConvLSTM{n}D")
    if len(x) != n + 3:
        raise ArgError(f"ConvLSTM{n}D expects a {n + 3}D input (batch, time, ...), got {len(x)}D")
    step = (x[0],) + tuple(x[2:])
    cin = _channels(a, step, f"ConvLSTM{n}D")
    return step, cin


def _conv_lstm_params(n: int):  # type: ignore[no-untyped-def]
    def params(a: Args, x: object) -> List[ParamSpec]:
        _, cin = _conv_lstm_step(a, x, n)
        f, k = a.int("filters", 1), a.ints("kernel_size", n, 1)
        out = [ParamSpec("kernel", k + (cin, 4 * f)), ParamSpec("recurrent_kernel", k + (f, 4 * f))]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (4 * f,)))
        return out
    return params


def _conv_lstm_output(n: int):  # type: ignore[no-untyped-def]
    conv = _spatial_output(n, "kernel_size", "strides", "filters")

    def output(a: Args, x: Shape) -> object:
        step, _ = _conv_lstm_step(a, x, n)
        o = conv(a, step)
        t = keras_seq._shape_of(x, "sequences", f"ConvLSTM{n}D")[1]
        out = (o[0], t) + tuple(o[1:]) if a.bool("return_sequences") else o
        if a.bool("return_state"):
            from paramlint.catalog.spec import Outputs

            return Outputs([out, o, o])
        return out
    return output


def _conv_lstm(n: int) -> LayerSpec:
    return LayerSpec(
        "keras", f"ConvLSTM{n}D",
        "filters, kernel_size, strides=1, padding='valid', data_format=None, dilation_rate=1, activation='tanh', "
        "recurrent_activation='sigmoid', use_bias=True, kernel_initializer='glorot_uniform', "
        "recurrent_initializer='orthogonal', bias_initializer='zeros', unit_forget_bias=True, kernel_regularizer=None, "
        "recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, "
        "recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, "
        f"return_sequences=False, return_state=False, go_backwards=False, stateful=False, {_KW}",
        _conv_lstm_params(n), _conv_lstm_output(n), lazy=True,
        extra={"forward": "sequences, initial_state=None, mask=None, training=None"},
        note="kernel (*kernel, in, 4f) + recurrent_kernel (*kernel, f, 4f) + bias (4f)",
    )


# ==== image preprocessing and augmentation: no weights (their seed generators' state is not one)
# Sources: keras/src/layers/preprocessing/image_preprocessing/*.py.

def _resize_output(a: Args, x: Shape) -> Shape:
    """``Resizing``, ``CenterCrop``, ``RandomCrop``: the two spatial dims become (height,
    width), batched or not, channels last unless ``data_format="channels_first"``."""
    if len(x) not in (3, 4):
        raise ArgError(f"{a.layer} expects a 3D or 4D input, got {len(x)}D")
    off = len(x) - 3 + (1 if a.values.get("data_format") == "channels_first" else 0)
    out = list(x)
    out[off], out[off + 1] = a.int("height", 1), a.int("width", 1)
    return tuple(out)


def _same_image(a: Args, x: Shape) -> Shape:
    return x


_IMAGE_FILL = "fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, data_format=None"
_IMAGE = [
    ("Resizing", "height, width, interpolation='bilinear', crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, "
                 "fill_mode='constant', fill_value=0.0, antialias=False, data_format=None", _resize_output),
    ("CenterCrop", "height, width, data_format=None", _resize_output),
    ("RandomCrop", "height, width, seed=None, data_format=None, name=None", _resize_output),
    ("RandomFlip", "mode='horizontal_and_vertical', seed=None, data_format=None", _same_image),
    ("RandomRotation", "factor, fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, data_format=None",
     _same_image),
    ("RandomTranslation", f"height_factor, width_factor, {_IMAGE_FILL}", _same_image),
    ("RandomZoom", f"height_factor, width_factor=None, {_IMAGE_FILL}", _same_image),
    ("RandomContrast", "factor, value_range=(0, 255), seed=None", _same_image),
    ("RandomBrightness", "factor, value_range=(0, 255), seed=None", _same_image),
]


CATALOG = [
    LayerSpec("keras", "Layer", _KW, role="base", lazy=True),
    LayerSpec("keras", "Model", "*args, **kwargs", role="base", lazy=True),
    LayerSpec("keras", "Sequential", "layers=None, trainable=True, name=None", role="container", lazy=True),
    LayerSpec("keras", "InputLayer", "shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs", role="input", lazy=True, aliases=("Input",)),
    LayerSpec(
        "keras", "Dense",
        "units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', "
        "kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, "
        "bias_constraint=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs",
        _dense_params, _dense_output, lazy=True, note="kernel (in, units) + bias (units)",
    ),
    _conv(1), _conv(2), _conv(3),
    _pool("MaxPooling1D", 1, "2"), _pool("MaxPooling2D", 2, "(2, 2)"), _pool("MaxPooling3D", 3, "(2, 2, 2)"),
    _pool("AveragePooling1D", 1, None), _pool("AveragePooling2D", 2, None), _pool("AveragePooling3D", 3, None),
    LayerSpec("keras", "GlobalAveragePooling1D", f"data_format=None, keepdims=False, {_KW}", output=_global_pool_output(1), lazy=True),
    LayerSpec("keras", "GlobalAveragePooling2D", f"data_format=None, keepdims=False, {_KW}", output=_global_pool_output(2), lazy=True),
    LayerSpec("keras", "GlobalMaxPooling1D", f"data_format=None, keepdims=False, {_KW}", output=_global_pool_output(1), lazy=True),
    LayerSpec("keras", "GlobalMaxPooling2D", f"data_format=None, keepdims=False, {_KW}", output=_global_pool_output(2), lazy=True),
    LayerSpec("keras", "Flatten", f"data_format=None, {_KW}", output=_flatten_output, lazy=True),
    LayerSpec("keras", "Dropout", f"rate, noise_shape=None, seed=None, {_KW}", lazy=True),
    LayerSpec("keras", "Activation", f"activation, {_KW}", lazy=True),
    LayerSpec("keras", "ReLU", f"max_value=None, negative_slope=0.0, threshold=0.0, {_KW}", lazy=True),
    LayerSpec("keras", "Softmax", f"axis=-1, {_KW}", lazy=True),
    LayerSpec(
        "keras", "BatchNormalization",
        "axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', "
        "gamma_initializer='ones', moving_mean_initializer='zeros', moving_variance_initializer='ones', "
        "beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, "
        f"renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, {_KW}",
        _bn_params, same_shape, lazy=True,
        note="gamma + beta trainable; moving_mean + moving_variance non-trainable, counted by count_params()",
    ),
]
CATALOG += [*keras_conv.CATALOG, *keras_seq.CATALOG]
CATALOG += [LayerSpec("keras", name, f"{sig}, {_KW}", output=out, lazy=True, note="no weights") for name, sig, out in _IMAGE]
CATALOG += [_conv_lstm(1), _conv_lstm(2), _conv_lstm(3)]
for _spec in CATALOG:  # Keras' short aliases: GlobalAvgPool2D, GlobalMaxPool1D...
    if _spec.name.startswith("Global") and not _spec.aliases:
        object.__setattr__(_spec, "aliases", (_spec.name.replace("Pooling", "Pool").replace("Average", "Avg"),))


# ==== merge and reshaping layers (activation shapes, issue 5) ====================================
# Merge layers are called on a list of tensors: ``extra["merge"]`` marks them, and their output
# function receives the tuple of input shapes. Sources: keras/src/layers/merging/*.py,
# keras/src/layers/reshaping/*.py.

def _merge_elementwise(a: Args, xs: Shape) -> Shape:
    """``Merge._compute_elemwise_op_output_shape``: broadcast, a None against n gives None."""
    shapes = list(xs)
    if len(shapes) < 2:
        raise ArgError("a merge layer should be called on a list of at least 2 inputs")
    out = list(shapes[0][1:])  # type: ignore[index]
    for s in shapes[1:]:
        rest = list(s[1:])  # type: ignore[index]
        if len(rest) > len(out):
            out, rest = rest, out
        width = len(out) - len(rest)
        merged = out[:width]
        for i, j in zip(out[width:], rest):
            if i is None or j is None:
                merged.append(None)
            elif i == 1:
                merged.append(j)
            elif j == 1 or i == j:
                merged.append(i)
            else:
                raise ArgError(f"inputs have incompatible shapes {shapes[0]} and {s}")
        out = merged
    # the batch size the inputs know (Merge.compute_output_shape: {None, 2} - {None} is 2)
    batch = {s[0] for s in shapes} - {None}  # type: ignore[index]
    return (batch.pop() if len(batch) == 1 else None,) + tuple(out)


def _concatenate_output(a: Args, xs: Shape) -> Shape:
    shapes: List[Tuple[Optional[int], ...]] = [tuple(s) for s in cast(Sequence[Shape], xs)]
    if len(shapes) < 2:
        raise ArgError("Concatenate should be called on a list of at least 2 inputs")
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise ArgError("Concatenate: inputs of different ranks")
    axis = a.int("axis", -rank)
    if not -rank <= axis < rank:
        raise ArgError(f"Concatenate: axis {axis} out of range")
    # Concatenate.compute_output_shape: every other dim (batch too) is the first input's
    out = list(shapes[0])
    for s in shapes[1:]:
        if out[axis] is None or s[axis] is None:
            out[axis] = None
            break
        out[axis] += s[axis]  # type: ignore[operator]
    return tuple(out)


def _dot_output(a: Args, xs: Shape) -> Shape:
    """``Dot``: ``build`` checks the two dot axes agree (an unknown size against a known one
    raises there), ``compute_output_shape`` drops them and the second input's batch axis."""
    shapes = [list(s) for s in cast(Sequence[Shape], xs)]
    if len(shapes) != 2:
        raise ArgError("should be called on a list of 2 inputs")
    s1, s2 = shapes
    axes = a.raw("axes")
    if isinstance(axes, int):
        ax = [axes % len(s1), axes % len(s2)] if axes < 0 else [axes, axes]
    elif isinstance(axes, (list, tuple)) and len(axes) == 2 and all(isinstance(i, int) for i in axes):
        ax = list(axes)
    else:
        raise ArgError("axes should be an int or a pair of ints")
    if not (-len(s1) <= ax[0] < len(s1) and -len(s2) <= ax[1] < len(s2)) or len(s2) < 2:
        raise ArgError("an axis is out of range")
    if s1[ax[0]] != s2[ax[1]]:
        raise ArgError(f"incompatible sizes {s1[ax[0]]} and {s2[ax[1]]} on the dot axes")
    s1.pop(ax[0])
    s2.pop(ax[1])
    s2.pop(0)
    out = s1 + s2
    return tuple(out + [1] if len(out) == 1 else out)


def _reshape_output(a: Args, x: Shape) -> Shape:
    target = a.raw("target_shape")
    if not isinstance(target, (list, tuple)) or not all(isinstance(d, int) and not isinstance(d, bool) for d in target):
        raise ArgError("Reshape: target_shape must be a tuple of ints")
    n: Optional[int] = 1
    for d in x[1:]:
        n = None if n is None or d is None else n * d
    out = list(target)
    if out.count(-1) > 1:
        raise ArgError("Reshape: at most one -1")
    if -1 in out:
        known = 1
        for d in out:
            known *= d if d != -1 else 1
        out[out.index(-1)] = None if n is None else (n // known if known and n % known == 0 else _bad_reshape(n, target))
    elif n is not None and n != math.prod(out):
        _bad_reshape(n, target)
    return (x[0],) + tuple(out)


def _bad_reshape(n: int, target: object) -> int:
    raise ArgError(f"Reshape: total size {n} cannot be reshaped to {target}")


def _permute_output(a: Args, x: Shape) -> Shape:
    dims = a.raw("dims")
    if not isinstance(dims, (list, tuple)) or sorted(dims) != list(range(1, len(x))):
        raise ArgError(f"Permute: dims must be a permutation of 1..{len(x) - 1}")
    return (x[0],) + tuple(x[d] for d in dims)


def _pairs(a: Args, name: str, n: int) -> List[tuple]:
    """``padding``/``cropping``: an int, n ints, or n (before, after) pairs."""
    v = a.raw(name)
    if isinstance(v, int) and not isinstance(v, bool):
        return [(v, v)] * n
    if n == 1 and isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(q, int) for q in v):
        return [tuple(v)]
    if isinstance(v, (list, tuple)) and len(v) == n:
        out = []
        for p in v:
            if isinstance(p, int) and not isinstance(p, bool):
                out.append((p, p))
            elif isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(q, int) for q in p):
                out.append(tuple(p))
            else:
                raise ArgError(f"{a.layer}: {name} must hold ints or pairs of ints")
        return out
    raise ArgError(f"{a.layer}: {name} must be an int or {n} values")


def _spatial_edit(n: int, name: str, sign: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        if len(x) != n + 2:
            raise ArgError(f"expected a {n + 2}D input, got {len(x)}D")
        first = a.values.get("data_format") == "channels_first"
        off = 2 if first else 1
        out = list(x)
        for i, (lo, hi) in enumerate(_pairs(a, name, n)):
            d = out[off + i]
            out[off + i] = None if d is None else d + sign * (lo + hi)
        return tuple(out)
    return output


def _upsampling_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        if len(x) != n + 2:
            raise ArgError(f"expected a {n + 2}D input, got {len(x)}D")
        first = a.values.get("data_format") == "channels_first"
        off = 2 if first else 1
        size = a.ints("size", n, 1) if n > 1 else (a.int("size", 1),)
        out = list(x)
        for i in range(n):
            d = out[off + i]
            out[off + i] = None if d is None else d * size[i]
        return tuple(out)
    return output


def _repeat_vector_output(a: Args, x: Shape) -> Shape:
    return (x[0], a.int("n", 1)) + tuple(x[1:])


_MERGE = {"merge": True}
_MERGES = [
    LayerSpec("keras", name, _KW, output=_merge_elementwise, lazy=True, extra=_MERGE)
    for name in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
] + [
    LayerSpec("keras", "Concatenate", f"axis=-1, {_KW}", output=_concatenate_output, lazy=True, extra=_MERGE),
    LayerSpec("keras", "Dot", f"axes, normalize=False, {_KW}", output=_dot_output, lazy=True, extra=_MERGE),
]
_RESHAPING = [
    LayerSpec("keras", "Reshape", f"target_shape, {_KW}", output=_reshape_output, lazy=True),
    LayerSpec("keras", "Permute", f"dims, {_KW}", output=_permute_output, lazy=True),
    LayerSpec("keras", "RepeatVector", f"n, {_KW}", output=_repeat_vector_output, lazy=True),
    LayerSpec("keras", "ZeroPadding1D", f"padding=1, data_format=None, {_KW}", output=_spatial_edit(1, "padding", 1), lazy=True),
    LayerSpec("keras", "ZeroPadding2D", f"padding=(1, 1), data_format=None, {_KW}", output=_spatial_edit(2, "padding", 1), lazy=True),
    LayerSpec("keras", "ZeroPadding3D", f"padding=((1, 1), (1, 1), (1, 1)), data_format=None, {_KW}", output=_spatial_edit(3, "padding", 1), lazy=True),
    LayerSpec("keras", "Cropping1D", f"cropping=(1, 1), {_KW}", output=_spatial_edit(1, "cropping", -1), lazy=True),
    LayerSpec("keras", "Cropping2D", f"cropping=((0, 0), (0, 0)), data_format=None, {_KW}", output=_spatial_edit(2, "cropping", -1), lazy=True),
    LayerSpec("keras", "Cropping3D", f"cropping=((1, 1), (1, 1), (1, 1)), data_format=None, {_KW}", output=_spatial_edit(3, "cropping", -1), lazy=True),
    LayerSpec("keras", "UpSampling1D", f"size=2, {_KW}", output=_upsampling_output(1), lazy=True),
    LayerSpec("keras", "UpSampling2D", f"size=(2, 2), data_format=None, interpolation='nearest', {_KW}", output=_upsampling_output(2), lazy=True),
    LayerSpec("keras", "UpSampling3D", f"size=(2, 2, 2), data_format=None, {_KW}", output=_upsampling_output(3), lazy=True),
]
CATALOG += [s for s in _MERGES + _RESHAPING if s.name not in {c.name for c in CATALOG}]
