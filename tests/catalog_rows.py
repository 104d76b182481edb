"""Table rows for the catalog oracle: one layer construction per row, with its input shapes.

Each row: ``id``, ``layer`` (the catalog entry it checks), ``src`` (constructor source, with
``nn``/``keras``/``layers`` imported as usual), ``inputs`` (shapes; several for multi-input
layers), optional ``dtype`` ("int64" for token ids). The expected figures are not here: they
are produced by the real framework (tests/golden/make_catalog_golden.py) and checked in as
tests/golden/catalog_<framework>.json.
"""
from __future__ import annotations

from typing import Any, Dict, List


def row(layer: str, src: str, *inputs: List[int], dtype: str = "float32", id: str = "") -> Dict[str, Any]:
    return {"id": id or src, "layer": layer, "src": src, "inputs": [list(s) for s in inputs], "dtype": dtype}


TORCH = [
    row("ConvTranspose1d", "nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1)", [2, 4, 10]),
    row("ConvTranspose2d", "nn.ConvTranspose2d(4, 8, (3, 5), stride=(2, 1), padding=(1, 2), groups=2, bias=False)", [2, 4, 7, 9]),
    row("ConvTranspose2d", "nn.ConvTranspose2d(3, 6, 4, stride=2, dilation=2, output_padding=1)", [1, 3, 5, 5]),
    row("ConvTranspose3d", "nn.ConvTranspose3d(2, 4, 3, stride=2)", [1, 2, 3, 4, 5]),
    row("Embedding", "nn.Embedding(100, 16, padding_idx=0)", [2, 7], dtype="int64"),
    row("EmbeddingBag", "nn.EmbeddingBag(50, 8, mode='sum')", [3, 5], dtype="int64"),
    row("Bilinear", "nn.Bilinear(5, 7, 3)", [4, 5], [4, 7]),
    row("Bilinear", "nn.Bilinear(5, 5, 2, bias=False)", [2, 3, 5], [2, 3, 5]),
    row("LayerNorm", "nn.LayerNorm(16)", [2, 5, 16]),
    row("LayerNorm", "nn.LayerNorm([5, 16], bias=False)", [2, 5, 16]),
    row("LayerNorm", "nn.LayerNorm(16, elementwise_affine=False)", [2, 16]),
    row("GroupNorm", "nn.GroupNorm(4, 12)", [2, 12, 5, 5]),
    row("GroupNorm", "nn.GroupNorm(3, 12, bias=False)", [2, 12, 5]),
    row("GroupNorm", "nn.GroupNorm(2, 6, affine=False)", [2, 6, 4]),
    row("BatchNorm2d", "nn.BatchNorm2d(8, bias=False)", [2, 8, 4, 4]),
    row("InstanceNorm1d", "nn.InstanceNorm1d(6)", [2, 6, 9]),
    row("InstanceNorm2d", "nn.InstanceNorm2d(6, affine=True)", [2, 6, 5, 5]),
    row("InstanceNorm3d", "nn.InstanceNorm3d(4, affine=True, track_running_stats=True)", [1, 4, 3, 3, 3]),
    row("RMSNorm", "nn.RMSNorm(16)", [2, 5, 16]),
    row("RMSNorm", "nn.RMSNorm([5, 16], elementwise_affine=False)", [2, 5, 16]),
    row("LocalResponseNorm", "nn.LocalResponseNorm(3)", [2, 8, 5, 5]),
    row("RNN", "nn.RNN(8, 16)", [5, 2, 8]),
    row("RNN", "nn.RNN(8, 16, 2, 'relu', False, True, 0.0, True)", [2, 5, 8]),
    row("LSTM", "nn.LSTM(8, 16, num_layers=2, bidirectional=True)", [5, 2, 8]),
    row("LSTM", "nn.LSTM(8, 16, num_layers=3, proj_size=4, batch_first=True)", [2, 5, 8]),
    row("LSTM", "nn.LSTM(8, 16, bias=False)", [5, 8]),
    row("GRU", "nn.GRU(8, 16, num_layers=2, bidirectional=True, batch_first=True)", [2, 5, 8]),
    row("GRU", "nn.GRU(4, 6)", [3, 1, 4]),
    row("RNNCell", "nn.RNNCell(8, 16, nonlinearity='relu')", [3, 8]),
    row("LSTMCell", "nn.LSTMCell(8, 16)", [3, 8]),
    row("GRUCell", "nn.GRUCell(8, 16, bias=False)", [8]),
    row("MultiheadAttention", "nn.MultiheadAttention(16, 4)", [5, 2, 16], [7, 2, 16], [7, 2, 16]),
    row("MultiheadAttention", "nn.MultiheadAttention(16, 4, kdim=8, vdim=12, batch_first=True)", [2, 5, 16], [2, 7, 8], [2, 7, 12]),
    row("MultiheadAttention", "nn.MultiheadAttention(16, 2, bias=False, add_bias_kv=True, add_zero_attn=True)", [5, 2, 16], [7, 2, 16], [7, 2, 16]),
    row("TransformerEncoderLayer", "nn.TransformerEncoderLayer(16, 4, dim_feedforward=32)", [5, 2, 16]),
    row("TransformerEncoderLayer", "nn.TransformerEncoderLayer(16, 4, 32, batch_first=True, bias=False, activation='gelu')", [2, 5, 16]),
    row("TransformerDecoderLayer", "nn.TransformerDecoderLayer(16, 4, 32)", [5, 2, 16], [7, 2, 16]),
    row("TransformerEncoder", "nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32), 3)", [5, 2, 16]),
    row("TransformerEncoder", "nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32), 2, nn.LayerNorm(16))", [5, 2, 16]),
    row("TransformerDecoder", "nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 2, 24), 2, nn.LayerNorm(16))", [5, 2, 16], [7, 2, 16]),
    row("Transformer", "nn.Transformer(16, 2, 2, 1, 32)", [7, 2, 16], [5, 2, 16]),
    row("Transformer", "nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16, batch_first=True, bias=False)", [2, 7, 8], [2, 5, 8]),
    row("PReLU", "nn.PReLU()", [2, 4, 5]),
    row("PReLU", "nn.PReLU(4)", [2, 4, 5]),
    row("Upsample", "nn.Upsample(scale_factor=2)", [1, 3, 5, 7]),
    row("Upsample", "nn.Upsample(size=(4, 6, 8), mode='trilinear')", [1, 2, 3, 3, 3]),
    row("Upsample", "nn.Upsample(scale_factor=1.5, mode='linear')", [1, 2, 7]),
    row("UpsamplingNearest2d", "nn.UpsamplingNearest2d(scale_factor=3)", [1, 2, 3, 4]),
    row("UpsamplingBilinear2d", "nn.UpsamplingBilinear2d(size=(8, 9))", [1, 2, 3, 4]),
    row("PixelShuffle", "nn.PixelShuffle(2)", [1, 12, 4, 5]),
    row("PixelUnshuffle", "nn.PixelUnshuffle(2)", [1, 3, 4, 6]),
    row("ZeroPad1d", "nn.ZeroPad1d((1, 2))", [1, 3, 5]),
    row("ZeroPad2d", "nn.ZeroPad2d((1, 2, 3, 4))", [1, 3, 5, 5]),
    row("ZeroPad3d", "nn.ZeroPad3d(1)", [1, 2, 3, 3, 3]),
    row("ConstantPad1d", "nn.ConstantPad1d(2, 3.5)", [2, 4]),
    row("ConstantPad2d", "nn.ConstantPad2d((-1, 1, 0, 2), 0.0)", [1, 3, 5, 5]),
    row("ConstantPad3d", "nn.ConstantPad3d((1, 1, 2, 2, 0, 1), 1.0)", [1, 2, 3, 3, 3]),
    row("ReflectionPad1d", "nn.ReflectionPad1d(2)", [1, 3, 5]),
    row("ReflectionPad2d", "nn.ReflectionPad2d((1, 1, 2, 0))", [1, 3, 5, 5]),
    row("ReflectionPad3d", "nn.ReflectionPad3d(1)", [1, 2, 3, 3, 3]),
    row("ReplicationPad1d", "nn.ReplicationPad1d((3, 1))", [1, 3, 5]),
    row("ReplicationPad2d", "nn.ReplicationPad2d(2)", [1, 3, 5, 5]),
    row("ReplicationPad3d", "nn.ReplicationPad3d((1, 0, 1, 0, 1, 0))", [1, 2, 3, 3, 3]),
    row("CircularPad1d", "nn.CircularPad1d(1)", [1, 3, 5]),
    row("CircularPad2d", "nn.CircularPad2d((1, 1, 2, 2))", [1, 3, 5, 5]),
    row("CircularPad3d", "nn.CircularPad3d(1)", [1, 2, 3, 3, 3]),
    row("LazyLinear", "nn.LazyLinear(10)", [2, 7]),
    row("LazyConv1d", "nn.LazyConv1d(6, 3)", [2, 4, 10]),
    row("LazyConv2d", "nn.LazyConv2d(8, 3, padding=1, bias=False)", [2, 3, 6, 6]),
    row("LazyConv3d", "nn.LazyConv3d(4, 2)", [1, 2, 4, 4, 4]),
    row("LazyConvTranspose1d", "nn.LazyConvTranspose1d(5, 3, stride=2)", [2, 3, 6]),
    row("LazyConvTranspose2d", "nn.LazyConvTranspose2d(6, 3, groups=2)", [1, 4, 5, 5]),
    row("LazyConvTranspose3d", "nn.LazyConvTranspose3d(2, 2)", [1, 3, 3, 3, 3]),
    row("LazyBatchNorm1d", "nn.LazyBatchNorm1d()", [4, 6]),
    row("LazyBatchNorm2d", "nn.LazyBatchNorm2d(affine=False)", [2, 5, 3, 3]),
    row("LazyBatchNorm3d", "nn.LazyBatchNorm3d()", [2, 3, 2, 2, 2]),
    row("LazyInstanceNorm1d", "nn.LazyInstanceNorm1d()", [2, 6, 5]),
    row("LazyInstanceNorm2d", "nn.LazyInstanceNorm2d(affine=False, track_running_stats=False)", [2, 5, 3, 3]),
    row("LazyInstanceNorm3d", "nn.LazyInstanceNorm3d()", [2, 3, 2, 2, 2]),
    row("GLU", "nn.GLU()", [2, 3, 8]),
    row("GLU", "nn.GLU(dim=1)", [2, 6, 5]),
]

_SIMPLE_ACTIVATIONS = [
    "ReLU()", "ReLU6()", "SiLU()", "Hardswish()", "Hardsigmoid()", "Mish()", "Sigmoid()", "Tanh()",
    "GELU(approximate='tanh')", "LeakyReLU(0.2)", "ELU()", "CELU()", "SELU()", "Softplus()", "Softmax(dim=1)",
    "LogSoftmax(dim=-1)", "Softmax2d()", "Softmin(dim=1)", "Hardtanh(-2.0, 2.0)", "Tanhshrink()", "Softsign()",
    "LogSigmoid()", "Threshold(0.1, 20.0)", "RReLU()", "Hardshrink()", "Softshrink(0.3)",
]
TORCH += [row(a.split("(")[0], "nn." + a, [2, 3, 4, 5]) for a in _SIMPLE_ACTIVATIONS]


def krow(layer: str, src: str, *inputs: List[int], dtype: str = "float32", call: str = "", lst: bool = False) -> Dict[str, Any]:
    r = row(layer, src, *inputs, dtype=dtype)
    if call:
        r["call"] = call
    if lst:
        r["list"] = True
    return r


KERAS = [
    krow("Conv1DTranspose", "layers.Conv1DTranspose(6, 3, strides=2)", [2, 10, 4]),
    krow("Conv1DTranspose", "layers.Conv1DTranspose(6, 4, strides=2, padding='same', output_padding=1)", [2, 10, 4]),
    krow("Conv2DTranspose", "layers.Conv2DTranspose(8, (3, 5), strides=(2, 1), padding='same')", [2, 7, 9, 4]),
    krow("Conv2DTranspose", "layers.Conv2DTranspose(4, 3, dilation_rate=2, use_bias=False)", [1, 6, 6, 3]),
    krow("Conv3DTranspose", "layers.Conv3DTranspose(4, 2, strides=2)", [1, 3, 4, 5, 2]),
    krow("DepthwiseConv1D", "layers.DepthwiseConv1D(3, depth_multiplier=2)", [2, 10, 4]),
    krow("DepthwiseConv2D", "layers.DepthwiseConv2D(3, padding='same', strides=2)", [2, 9, 9, 6]),
    krow("DepthwiseConv2D", "layers.DepthwiseConv2D((3, 5), depth_multiplier=3, use_bias=False)", [1, 8, 8, 2]),
    krow("SeparableConv1D", "layers.SeparableConv1D(8, 3)", [2, 10, 4]),
    krow("SeparableConv2D", "layers.SeparableConv2D(16, 3, depth_multiplier=2, padding='same')", [2, 8, 8, 3]),
    krow("Embedding", "layers.Embedding(100, 16)", [2, 7], dtype="int64"),
    krow("LayerNormalization", "layers.LayerNormalization()", [2, 5, 16]),
    krow("LayerNormalization", "layers.LayerNormalization(axis=[1, 2], center=False)", [2, 5, 16]),
    krow("GroupNormalization", "layers.GroupNormalization(groups=4)", [2, 6, 6, 12]),
    krow("GroupNormalization", "layers.GroupNormalization(groups=2, axis=1, scale=False)", [2, 6, 5]),
    krow("UnitNormalization", "layers.UnitNormalization()", [2, 8]),
    krow("SimpleRNN", "layers.SimpleRNN(16)", [2, 5, 8]),
    krow("SimpleRNN", "layers.SimpleRNN(16, return_sequences=True, use_bias=False)", [2, 5, 8]),
    krow("LSTM", "layers.LSTM(16)", [2, 5, 8]),
    krow("LSTM", "layers.LSTM(12, return_sequences=True, return_state=True)", [2, 5, 8]),
    krow("GRU", "layers.GRU(16)", [2, 5, 8]),
    krow("GRU", "layers.GRU(16, reset_after=False, return_sequences=True)", [2, 5, 8]),
    krow("Bidirectional", "layers.Bidirectional(layers.LSTM(8))", [2, 5, 4]),
    krow("Bidirectional", "layers.Bidirectional(layers.GRU(8, return_sequences=True), merge_mode='sum')", [2, 5, 4]),
    krow("Bidirectional", "layers.Bidirectional(layers.SimpleRNN(6), backward_layer=layers.SimpleRNN(6, go_backwards=True))", [2, 5, 4]),
    krow("TimeDistributed", "layers.TimeDistributed(layers.Dense(8))", [2, 5, 4]),
    krow("TimeDistributed", "layers.TimeDistributed(layers.Conv2D(4, 3))", [2, 3, 8, 8, 2]),
    krow("MultiHeadAttention", "layers.MultiHeadAttention(num_heads=4, key_dim=8)", [2, 5, 16], [2, 7, 16]),
    krow("MultiHeadAttention", "layers.MultiHeadAttention(2, 6, value_dim=4, output_shape=10, use_bias=False)", [2, 5, 16], [2, 7, 12], [2, 7, 8],
         call="layer({names})".replace("{names}", "i0, i1, key=i2")),
    krow("EinsumDense", "layers.EinsumDense('ab,bc->ac', output_shape=64, bias_axes='c')", [2, 32]),
    krow("EinsumDense", "layers.EinsumDense('abc,cde->abde', output_shape=(None, 4, 8), bias_axes='de')", [2, 5, 16]),
    krow("EinsumDense", "layers.EinsumDense('...b,bc->...c', output_shape=10)", [2, 3, 4, 6]),
    krow("Attention", "layers.Attention()", [2, 5, 8], [2, 7, 8], lst=True),
    krow("Attention", "layers.Attention(use_scale=True, score_mode='concat')", [2, 5, 8], [2, 7, 8], lst=True),
    krow("AdditiveAttention", "layers.AdditiveAttention()", [2, 5, 8], [2, 7, 8], lst=True),
    krow("Rescaling", "layers.Rescaling(1.0 / 255)", [2, 8, 8, 3]),
    krow("Normalization", "layers.Normalization()", [2, 8, 8, 3]),
    krow("Normalization", "layers.Normalization(axis=None)", [2, 6]),
    krow("Normalization", "layers.Normalization(mean=0.5, variance=2.0)", [2, 6]),
    krow("MaxPooling1D", "layers.MaxPooling1D(3, strides=2)", [2, 11, 4]),
    krow("MaxPooling2D", "layers.MaxPool2D(padding='same')", [2, 7, 7, 3]),
    krow("MaxPooling3D", "layers.MaxPooling3D()", [1, 4, 6, 8, 2]),
    krow("AveragePooling1D", "layers.AveragePooling1D(2, padding='same')", [2, 9, 4]),
    krow("AveragePooling2D", "layers.AveragePooling2D((3, 2), strides=1)", [2, 7, 7, 3]),
    krow("AveragePooling3D", "layers.AveragePooling3D(2)", [1, 4, 6, 8, 2]),
    krow("GlobalAveragePooling1D", "layers.GlobalAveragePooling1D()", [2, 9, 4]),
    krow("GlobalAveragePooling2D", "layers.GlobalAveragePooling2D(keepdims=True)", [2, 5, 5, 3]),
    krow("GlobalAveragePooling3D", "layers.GlobalAveragePooling3D()", [1, 3, 4, 5, 2]),
    krow("GlobalMaxPooling1D", "layers.GlobalMaxPooling1D(keepdims=True)", [2, 9, 4]),
    krow("GlobalMaxPooling2D", "layers.GlobalMaxPooling2D()", [2, 5, 5, 3]),
    krow("GlobalMaxPooling3D", "layers.GlobalMaxPool3D(keepdims=True)", [1, 3, 4, 5, 2]),
    krow("Cropping1D", "layers.Cropping1D((1, 2))", [2, 9, 4]),
    krow("Cropping2D", "layers.Cropping2D(((1, 0), (2, 1)))", [2, 7, 7, 3]),
    krow("Cropping3D", "layers.Cropping3D(1)", [1, 4, 5, 6, 2]),
    krow("RepeatVector", "layers.RepeatVector(3)", [2, 5]),
    krow("PReLU", "layers.PReLU()", [2, 5, 4]),
    krow("PReLU", "layers.PReLU(shared_axes=[1, 2])", [2, 6, 6, 3]),
    krow("LeakyReLU", "layers.LeakyReLU()", [2, 5]),
    krow("ELU", "layers.ELU()", [2, 5]),
    krow("Dense", "layers.Dense(7)", [2, 3, 5]),
    krow("SpatialDropout1D", "layers.SpatialDropout1D(0.2)", [2, 5, 4]),
    krow("GaussianNoise", "layers.GaussianNoise(0.1)", [2, 5]),
]
