"""Keras's ``_maybe_build`` for subclassed layers (keras-hub's style), against Keras live.

Each of these was a wrong count: a layer whose tensors were passed by keyword was left out of
the graph (0 where Keras has 6,144), ``build(query_shape, value_shape=None)`` got only the first
shape, a layer called on a list or dict of tensors was never built, and a subclass of a catalog
layer overriding ``build()`` was counted with the catalog's formula. A layer class whose
``build()`` never runs is unknown (Keras's ``count_params()`` raises), not 0.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from test_evaluator import built, ours, write_package

MODELS = '''
    import keras


    class Decoder(keras.layers.Layer):
        def build(self, decoder_sequence_shape, encoder_sequence_shape=None):
            d = decoder_sequence_shape[-1]
            self.self_proj = self.add_weight(shape=(d, d), name="self_proj")
            if encoder_sequence_shape is not None:
                self.cross_proj = self.add_weight(shape=(encoder_sequence_shape[-1], d), name="cross_proj")

        def call(self, decoder_sequence, encoder_sequence=None):
            return decoder_sequence


    def decoder_keywords():
        dec = keras.Input(shape=(16, 64))
        enc = keras.Input(shape=(24, 32))
        return keras.Model([dec, enc], Decoder()(decoder_sequence=dec, encoder_sequence=enc))


    class CrossBlock(keras.layers.Layer):
        def build(self, query_shape, value_shape=None):
            value_shape = query_shape if value_shape is None else value_shape
            self.q = keras.layers.Dense(32)
            self.q.build(query_shape)
            self.v = keras.layers.Dense(32)
            self.v.build(value_shape)

        def call(self, query, value=None):
            return self.q(query)


    def cross_block():
        q = keras.Input(shape=(16, 64))
        v = keras.Input(shape=(24, 48))
        return keras.Model([q, v], CrossBlock()(q, v))


    class MaskArg(keras.layers.Layer):
        def build(self, inputs_shape, padding_mask_shape=None):
            self.a = self.add_weight(shape=(inputs_shape[-1],), name="a")
            if padding_mask_shape is not None:
                self.b = self.add_weight(shape=(padding_mask_shape[-1],), name="b")

        def call(self, inputs, padding_mask=None, mask=None):
            return inputs


    def mask_arg():
        x = keras.Input(shape=(16, 64))
        m = keras.Input(shape=(16,))
        return keras.Model([x, m], MaskArg()(x, padding_mask=m))


    class ListInput(keras.layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight(shape=(input_shape[0][-1], input_shape[1][-1]), name="a")

        def call(self, inputs):
            return inputs[0]


    def list_input():
        x = keras.Input(shape=(16, 64))
        y = keras.Input(shape=(16, 8))
        return keras.Model([x, y], ListInput()([x, y]))


    class DictInput(keras.layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight(shape=(input_shape["x"][-1], 2), name="a")

        def call(self, inputs):
            return inputs["x"]


    def dict_input():
        x = keras.Input(shape=(16, 64))
        y = keras.Input(shape=(16, 8))
        return keras.Model([x, y], DictInput()({"x": x, "y": y}))


    class RevEmb(keras.layers.Embedding):
        def __init__(self, input_dim, output_dim, tie_weights=True, **kwargs):
            super().__init__(input_dim, output_dim, **kwargs)
            self.tie_weights = tie_weights

        def build(self, inputs_shape=None):
            super().build(inputs_shape)
            if not self.tie_weights:
                self.reverse_embeddings = self.add_weight(shape=(self.output_dim, self.input_dim), name="reverse")


    def rev_emb_untied():
        ids = keras.Input(shape=(16,), dtype="int32")
        return keras.Model(ids, RevEmb(1000, 64, tie_weights=False)(ids))


    class DenseExtra(keras.layers.Dense):
        def build(self, input_shape):
            super().build(input_shape)
            self.gain = self.add_weight(shape=(self.units,), name="gain")


    def dense_extra():
        x = keras.Input(shape=(16, 64))
        return keras.Model(x, DenseExtra(8)(x))


    class DenseNoSuper(keras.layers.Dense):
        def build(self, input_shape):
            self.kernel2 = self.add_weight(shape=(input_shape[-1], self.units), name="k")


    def dense_no_super():
        x = keras.Input(shape=(16, 64))
        return keras.Model(x, DenseNoSuper(8)(x))
'''

MODELS += '''

    class export:  # an API-export registry's decorator: an instance with __call__ (keras-hub)
        def __init__(self, path):
            self.path = path

        def __call__(self, symbol):
            return symbol


    @export("pkg.Block")
    class Block(keras.layers.Layer):
        def build(self, input_shape):
            self.mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=32)
            self.mha.build(input_shape, input_shape)  # query_shape, value_shape

        def call(self, x):
            return self.mha(x, x)


    def mha_built_by_hand():
        inputs = keras.Input(shape=(16, 64))
        return keras.Model(inputs, Block()(inputs))
'''

MODELS += '''

    class Encoder(keras.layers.Layer):  # keras-hub's ViTEncoder: blocks built by hand into a list
        def build(self, input_shape):
            self.blocks = []
            for i in range(2):
                d = keras.layers.Dense(input_shape[-1])
                d.build(input_shape)
                self.blocks.append(d)
            self.built = True

        def call(self, x):
            for b in self.blocks:
                x = b(x)
            return x


    def list_built_in_build():
        x = keras.Input((8,))
        return keras.Model(x, Encoder()(x))


    class Appended(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.blocks = [keras.layers.Dense(8) for _ in range(2)]
            self.more = []
            self.more.append(keras.layers.Dense(8))  # tracked: appended after the assignment
            self.by_name = {"head": keras.layers.Dense(8)}

        def call(self, x):
            for b in self.blocks + self.more:
                x = b(x)
            return self.by_name["head"](x)


    def list_appended_later():
        x = keras.Input((8,))
        return keras.Model(x, Appended()(x))
'''

BUILDERS = ["list_built_in_build", "list_appended_later", "mha_built_by_hand", "decoder_keywords", "cross_block", "mask_arg", "list_input", "dict_input", "rev_emb_untied",
            "dense_extra", "dense_no_super"]


@pytest.mark.oracle
@pytest.mark.parametrize("builder", BUILDERS)
def test_subclassed_layers_are_built_as_keras_builds_them(tmp_path: Path, builder: str) -> None:
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("keras oracle runs with KERAS_BACKEND=torch")
    pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    pkg = write_package(tmp_path, {"m.py": MODELS})
    m = ours(tmp_path, pkg, "m.py")[builder]
    model = built(tmp_path, pkg, "m.py", builder)
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    assert (m.total_params, m.trainable_params) == (model.count_params(), trainable), m.unresolved
    keras.backend.clear_session()


def test_a_layer_whose_build_never_runs_is_unknown(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {"m.py": textwrap.dedent(MODELS) + textwrap.dedent('''

        def built_by_hand():
            layer = MaskArg()
            layer.build((2, 5))
            return layer
    ''')})
    models = ours(tmp_path, pkg, "m.py")
    for cls in ("Decoder", "CrossBlock", "ListInput"):  # Keras: count_params() raises "isn't built"
        assert models[cls].total_params is None, cls
        assert "never built" in models[cls].unresolved[0].reason
    assert models["built_by_hand"].total_params == 5
