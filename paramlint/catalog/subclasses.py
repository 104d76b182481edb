"""The catalog classes each catalog class derives from, read from the frameworks (torch
2.13.0, Keras 3.15.1) by tests/golden/make_subclasses.py
(``issubclass``). Generated; do not edit."""

BASES = {
    'torch': {
        'LazyConv1d': frozenset(['Conv1d']),
        'LazyConv2d': frozenset(['Conv2d']),
        'LazyConv3d': frozenset(['Conv3d']),
        'LazyConvTranspose1d': frozenset(['ConvTranspose1d']),
        'LazyConvTranspose2d': frozenset(['ConvTranspose2d']),
        'LazyConvTranspose3d': frozenset(['ConvTranspose3d']),
        'LazyLinear': frozenset(['Linear']),
        'NLLLoss2d': frozenset(['NLLLoss']),
        'ReLU6': frozenset(['Hardtanh']),
        'UpsamplingBilinear2d': frozenset(['Upsample']),
        'UpsamplingNearest2d': frozenset(['Upsample']),
        'ZeroPad1d': frozenset(['ConstantPad1d']),
        'ZeroPad2d': frozenset(['ConstantPad2d']),
        'ZeroPad3d': frozenset(['ConstantPad3d']),
    },
    'keras': {
        'AdditiveAttention': frozenset(['Attention']),
        'ConvLSTM1D': frozenset(['RNN']),
        'ConvLSTM2D': frozenset(['RNN']),
        'ConvLSTM3D': frozenset(['RNN']),
        'GRU': frozenset(['RNN']),
        'LSTM': frozenset(['RNN']),
        'ReversibleEmbedding': frozenset(['Embedding']),
        'Sequential': frozenset(['Model']),
        'SimpleRNN': frozenset(['RNN']),
        'SpatialDropout1D': frozenset(['Dropout']),
        'SpatialDropout2D': frozenset(['Dropout']),
        'SpatialDropout3D': frozenset(['Dropout']),
    },
}
