"""Multiply-accumulate counts (MACs) per layer application, from input and output shapes.

MACs, not "FLOPs": one MAC is one multiply plus one add, so these figures are what
``torch.utils.flop_counter.FlopCounterMode`` reports divided by 2. Like it, only matrix
products and convolutions count (mm/addmm/bmm/baddbmm, convolution, attention): biases,
normalisation, activations and pooling cost 0 MACs.

Where FlopCounterMode sees no instrumented op on CPU (``nn.LSTM`` through oneDNN, the fused
CPU ``scaled_dot_product_attention`` kernels, ``MultiheadAttention``'s inference fast path),
the figure here is what it counts on the instrumented path (oneDNN disabled, the math
attention backend, training mode): the products the layer really computes.

A leading unknown (batch) dim counts as 1, as for activation sizes: figures are per sample.
Layers whose cost is not modelled give None (never a guess).
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

from paramlint.catalog.spec import Args, ArgError
from paramlint.types import Shape

#: Bytes per element, for activation-memory budgets (``--dtype``/``activation-dtype``).
DTYPE_BYTES: Dict[str, int] = {
    "float64": 8, "double": 8, "float32": 4, "float": 4, "tf32": 4, "float16": 2, "half": 2,
    "bfloat16": 2, "int64": 8, "int32": 4, "int16": 2, "int8": 1, "uint8": 1, "float8": 1, "bool": 1,
}


def elements(shape: Optional[Shape]) -> Optional[int]:
    """Elements of a shape; a leading unknown dim counts as 1; any other unknown → None."""
    if shape is None:
        return None
    n = 1
    for i, d in enumerate(shape):
        if d is None:
            if i == 0:
                continue
            return None
        n *= d
    return n


def activation_bytes(total_elements: Optional[int], dtype: str = "float32") -> Optional[int]:
    """Bytes to hold ``total_elements`` activations of ``dtype`` (None if either is unknown)."""
    size = DTYPE_BYTES.get(dtype)
    return None if total_elements is None or size is None else total_elements * size


# ---- formulas -------------------------------------------------------------------------------

def conv(out_shape: Shape, in_channels: int, groups: int, kernel: Sequence[int]) -> Optional[int]:
    """Convolution: every output element sums ``in/groups · ∏kernel`` products."""
    n = elements(out_shape)
    return None if n is None else n * (in_channels // groups) * math.prod(kernel)


def conv_transpose(in_shape: Shape, out_channels: int, groups: int, kernel: Sequence[int]) -> Optional[int]:
    """Transposed convolution: every input element scatters ``out/groups · ∏kernel`` products."""
    n = elements(in_shape)
    return None if n is None else n * (out_channels // groups) * math.prod(kernel)


def linear(in_shape: Shape, in_features: int, out_features: int) -> Optional[int]:
    """``x @ Wᵀ`` over all leading dims (a 1-D input is one row)."""
    n = elements(tuple(in_shape[:-1])) if len(in_shape) > 1 else 1
    return None if n is None else n * in_features * out_features


def matmul(a: Shape, b: Shape) -> Optional[int]:
    """``a @ b``: broadcast batch × M × K × N. A 1-D right operand of a matrix makes torch use
    aten.mv/dot, which FlopCounterMode does not count: 0; a 1-D left operand of a matrix is one
    row (M = 1); a vector with a batched (3-D+) operand is unknown (mv or mm, by autograd and
    memory layout)."""
    if len(b) == 1 and len(a) >= 3 or len(a) == 1 and len(b) >= 3:
        return None  # torch folds the batch and picks mv or mm by autograd and contiguity
    if len(b) < 2 or not a:
        return 0
    if len(a) == 1:
        if a[0] == 1:
            return None  # a 1-D left operand of length 1: torch may take another path (not counted)
        a = (1,) + tuple(a)
    from paramlint.catalog.shapes import broadcast

    try:
        batch = broadcast(tuple(a[:-2]), tuple(b[:-2]))
    except ArgError:
        return None
    n = elements(batch + (a[-2], a[-1], b[-1]))
    return n


def einsum(equation: str, shapes: Sequence[Shape]) -> Optional[int]:
    """Two-operand einsum (one bmm): ∏ of the sizes of letters kept in the output or shared by
    both operands; letters in one operand only are summed away first, at no MAC cost."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(shapes) == 1:
        return 0
    if len(shapes) != 2 or not arrow or "..." in eq or len(terms) != 2:
        return None
    # torch's sumproduct_pair: a letter of size 1 in one operand is the other's alone; a letter
    # of one operand that the output drops is summed away first, for free; with no letter of
    # both operands left to contract the pair is an elementwise product (aten.mul), uncounted
    own: List[Dict[str, Any]] = []
    for term, s in zip(terms, shapes):
        if len(term) != len(s) or len(set(term)) != len(term):
            return None
        own.append({ch: d for ch, d in zip(term, s) if d != 1})
    out = set(rhs)
    left = [{ch: d for ch, d in o.items() if ch in out or any(ch in p for p in own if p is not o)} for o in own]
    contracted = (set(left[0]) & set(left[1])) - out
    if not contracted:
        return 0
    sizes: Dict[str, Any] = {**left[1], **left[0]}
    n = 1
    for ch in sizes:
        d = sizes[ch]
        if d is None:
            if rhs[:1] == ch:
                continue  # the leading batch of a symbolic input: figures per sample
            return None
        n *= d
    return n


def attention(q: Shape, k: Shape, v: Shape) -> Optional[int]:
    """Scores ``q @ kᵀ`` plus ``weights @ v`` (FlopCounterMode's sdpa formula / 2)."""
    if len(q) < 2 or len(k) < 2 or len(v) < 2:
        return None
    batch = _broadcast_elements(q[:-2], k[:-2], v[:-2])  # (a 2-D query attends over each batch of k)
    lq, d, lk, dv = q[-2], q[-1], k[-2], v[-1]
    if batch is None or None in (lq, d, lk, dv):
        return None
    return batch * lq * lk * (d + dv)  # type: ignore[operator]


def _broadcast_elements(*shapes: Shape) -> Optional[int]:
    """Elements of the broadcast of batch shapes; None if a dim is unknown or they clash."""
    rank = max(len(x) for x in shapes)
    n = 1
    for i in range(1, rank + 1):
        dims = {x[-i] for x in shapes if len(x) >= i}
        if None in dims:
            if i == rank and dims == {None}:
                continue  # the leading batch of a symbolic input: figures per sample
            return None
        sizes = {d for d in dims if d is not None and d != 1}
        if len(sizes) > 1:
            return None
        n *= sizes.pop() if sizes else 1
    return n


def multihead_attention(a: Args, q: Shape, k: Shape, v: Shape) -> Optional[int]:
    """``nn.MultiheadAttention``: q/k/v projections, two attention products, output projection."""
    e = a.int("embed_dim", 1)
    kdim, vdim = a.opt_int("kdim") or e, a.opt_int("vdim") or e
    if len(q) == 3:
        first = a.bool("batch_first")
        n, lq, lk = (q[0], q[1], k[1]) if first else (q[1], q[0], k[0])
    elif len(q) == 2:
        n, lq, lk = 1, q[0], k[0]
    else:
        return None
    if n is None and len(q) == 3 and not a.bool("batch_first"):
        return None
    n = 1 if n is None else n
    if lq is None or lk is None:
        return None
    proj = n * (lq * e * e + lk * kdim * e + lk * vdim * e + lq * e * e)
    # add_bias_kv appends a learned key/value row, add_zero_attn a zero one: the products
    # attend over the longer sequence (FlopCounterMode: 18,368 for L=7, E=16 with both)
    keys = lk + a.bool("add_bias_kv") + a.bool("add_zero_attn")
    return proj + n * lq * keys * 2 * e


def rnn(kind: str, a: Args, in_shape: Shape) -> Optional[int]:
    """``nn.RNN``/``GRU``/``LSTM``: per step, layer and direction, gates·H·(input + H)."""
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[kind]
    h = a.int("hidden_size", 1)
    layers = a.int("num_layers", 1)
    dirs = 2 if a.bool("bidirectional") else 1
    proj = (a.opt_int("proj_size") if "proj_size" in a.values else None) or 0
    hout = proj or h
    if len(in_shape) == 3:
        steps = in_shape[1] if a.bool("batch_first") else in_shape[0]
        batch = in_shape[0] if a.bool("batch_first") else in_shape[1]
    elif len(in_shape) == 2:
        steps, batch = in_shape[0], 1
    else:
        return None
    batch = 1 if batch is None and len(in_shape) == 3 and a.bool("batch_first") else batch
    if steps is None or batch is None or in_shape[-1] is None:
        return None
    total = 0
    for layer in range(layers):
        inp = in_shape[-1] if layer == 0 else dirs * hout
        per = gates * h * (inp + hout) + (h * proj if proj else 0)
        total += dirs * per
    return total * steps * batch


# ---- dispatch by layer type -------------------------------------------------------------------

#: Layer types with no matrix product (FlopCounterMode: 0), torch and Keras names.
ZERO = frozenset("""
Rearrange Reduce
ReLU ReLU6 SiLU Hardswish Hardsigmoid Mish Sigmoid Tanh GELU LeakyReLU ELU CELU SELU Softplus Softmax LogSoftmax
Softmax2d Hardtanh Tanhshrink Softsign LogSigmoid Threshold GLU PReLU Identity Flatten Unflatten Dropout Dropout1d
Dropout2d Dropout3d AlphaDropout MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d AdaptiveAvgPool1d
AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d BatchNorm1d BatchNorm2d
BatchNorm3d LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d InstanceNorm3d LocalResponseNorm RMSNorm Embedding
EmbeddingBag Upsample UpsamplingNearest2d UpsamplingBilinear2d PixelShuffle PixelUnshuffle ZeroPad1d ZeroPad2d
ZeroPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d ReflectionPad2d ReplicationPad1d ReplicationPad2d
ChannelShuffle SyncBatchNorm LPPool1d LPPool2d LPPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d FractionalMaxPool2d
FractionalMaxPool3d Fold FeatureAlphaDropout CrossMapLRN2d CosineSimilarity PairwiseDistance
Activation Softmax BatchNormalization LayerNormalization GroupNormalization UnitNormalization MaxPooling1D
MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D GlobalAveragePooling1D
GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
SpatialDropout1D SpatialDropout2D GaussianNoise GaussianDropout Rescaling Normalization Reshape Permute RepeatVector
ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D UpSampling1D UpSampling2D UpSampling3D
Add Subtract Multiply Average Maximum Minimum Concatenate LeakyReLU
""".split())


def _first(shapes: Sequence[Optional[Shape]]) -> Optional[Shape]:
    return shapes[0] if shapes else None


def layer_macs(framework: str, type_name: str, args: Dict[str, Any], in_shapes: Sequence[Optional[Shape]],
               out_shape: Optional[Shape]) -> Optional[int]:
    """MACs of one application of a catalog layer, or None when not modelled or not known."""
    if type_name in ZERO:
        return 0
    a = Args(type_name, args)
    x = _first(in_shapes)
    try:
        if framework == "torch":
            return _torch(type_name, a, x, in_shapes, out_shape)
        if framework == "keras":
            return _keras(type_name, a, x, out_shape)
    except (ArgError, TypeError, IndexError):
        return None
    return None


def _torch(t: str, a: Args, x: Optional[Shape], ins: Sequence[Optional[Shape]], out: Optional[Shape]) -> Optional[int]:
    if x is None:
        return None
    if t in ("Conv1d", "Conv2d", "Conv3d") and out is not None:
        n = int(t[4])
        return conv(out, a.int("in_channels", 1), a.int("groups", 1), a.ints("kernel_size", n, 1))
    if t in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"):
        n = int(t[13])
        return conv_transpose(x, a.int("out_channels", 1), a.int("groups", 1), a.ints("kernel_size", n, 1))
    if t in ("Linear", "NonDynamicallyQuantizableLinear", "LazyLinear"):
        return linear(x, a.int("in_features", 1), a.int("out_features", 1))
    if t == "Bilinear":  # aten._trilinear: FlopCounterMode counts nothing for it, and MACs are its figures
        return None
    if t == "MultiheadAttention":
        q = x
        k = ins[1] if len(ins) > 1 and ins[1] is not None else q
        v = ins[2] if len(ins) > 2 and ins[2] is not None else k
        return multihead_attention(a, q, k, v)
    if t in ("RNN", "GRU", "LSTM"):
        return rnn(t, a, x)
    if t in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        return transformer_layer(a.values, t == "TransformerDecoderLayer", x, ins[1] if len(ins) > 1 else None)
    if t in ("TransformerEncoder", "TransformerDecoder"):
        return _stack_macs(a, "encoder_layer" if t == "TransformerEncoder" else "decoder_layer", x,
                           ins[1] if len(ins) > 1 else None)
    if t == "Transformer" and len(ins) > 1 and ins[1] is not None:
        if a.raw("custom_encoder") is not None or a.raw("custom_decoder") is not None:
            return None
        enc = transformer_layer(a.values, False, x, None)
        # (the decoder attends over the encoder's output: the source's shape)
        dec = transformer_layer(a.values, True, ins[1], x)
        n_enc, n_dec = a.int("num_encoder_layers", 0), a.int("num_decoder_layers", 0)
        return None if enc is None or dec is None else n_enc * enc + n_dec * dec
    return None


def transformer_layer(args: Dict[str, Any], decoder: bool, x: Optional[Shape], memory: Optional[Shape]) -> Optional[int]:
    """``nn.TransformerEncoderLayer`` / ``DecoderLayer``: self-attention (and attention over
    ``memory``) as ``MultiheadAttention``, then linear1 (d_model × dim_feedforward) and linear2."""
    if x is None or decoder and memory is None:
        return None
    e, h, ff = args.get("d_model"), args.get("nhead"), args.get("dim_feedforward")
    first = args.get("batch_first")
    if not all(type(v) is int for v in (e, h, ff)) or type(first) is not bool:
        return None
    mha = Args("MultiheadAttention", {"embed_dim": e, "num_heads": h, "batch_first": first, "kdim": None,
                                      "vdim": None, "add_bias_kv": False, "add_zero_attn": False})
    parts = [multihead_attention(mha, x, x, x), linear(x, e, ff), linear(tuple(x[:-1]) + (ff,), ff, e)]  # type: ignore[arg-type]
    if decoder:
        parts.append(multihead_attention(mha, x, memory, memory))  # type: ignore[arg-type]
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


def _stack_macs(a: Args, field: str, x: Optional[Shape], memory: Optional[Shape]) -> Optional[int]:
    """``nn.TransformerEncoder/Decoder``: num_layers copies of the given catalog layer."""
    layer = a.raw(field)
    spec, args = getattr(layer, "spec", None), getattr(layer, "args", None)
    if spec is None or args is None or getattr(layer, "cls", None) is not None \
            or spec.name not in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        return None
    one = transformer_layer(args, spec.name == "TransformerDecoderLayer", x, memory)
    n = a.raw("num_layers")
    return None if one is None or type(n) is not int else n * one


def _keras(t: str, a: Args, x: Optional[Shape], out: Optional[Shape]) -> Optional[int]:
    if x is None:
        return None
    if t == "Dense":
        if x[-1] is None:
            return None
        return linear(x, x[-1], a.int("units", 1))
    if t in ("Conv1D", "Conv2D", "Conv3D") and out is not None:
        n = int(t[4])
        first = a.values.get("data_format") == "channels_first"
        cin = x[1] if first else x[-1]
        if cin is None:
            return None
        return conv(out, cin, a.int("groups", 1), a.ints("kernel_size", n, 1))
    return None
