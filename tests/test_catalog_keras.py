"""Keras catalog entries against Keras' own figures (tests/golden/catalog_keras.json).

Each row is a one-layer model (Sequential, or functional for multi-input layers) analyzed
from generated source; expected ``count_params()`` (non-trainable weights included),
trainable weights and output shape were produced by Keras (``produced_by``).
"""
from __future__ import annotations

import inspect
import os

import pytest
from catalog_oracle import figures, gen, golden

from paramlint.catalog import table
from paramlint.evaluate.signatures import parse_signature

DOC = golden("keras")
ROWS = DOC["rows"]


@pytest.mark.parametrize("r", ROWS, ids=[r["id"] for r in ROWS])
def test_row_matches_keras_golden(r, tmp_path):
    params, out, rep = figures("keras", r, tmp_path)
    assert rep.unresolved == (), rep.unresolved
    assert params == r["params"], f"{r['src']}: paramlint {params}, {DOC['produced_by']} {r['params']}"
    assert rep.trainable_params == r["trainable"]
    assert out == r["output_shape"], f"{r['src']}: paramlint {out}, {DOC['produced_by']} {r['output_shape']}"


def test_golden_rows_cover_the_table():
    assert [r["src"] for r in ROWS] == [r["src"] for r in gen.table("keras")]


def test_lambda_output_is_unknown(tmp_path):
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    p = tmp_path / "lam.py"
    p.write_text("import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(3)])\n")
    m = analyze_file(Project(), str(p), Options()).models[0]
    assert m.total_params is None and m.unresolved


def _keras():
    pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("goldens are taken with KERAS_BACKEND=torch")
    return pytest.importorskip("keras")


@pytest.mark.oracle
def test_golden_is_what_keras_says_now():
    _keras()
    live = gen.truth("keras")
    if live["produced_by"] != DOC["produced_by"]:
        pytest.skip(f"golden from {DOC['produced_by']}, installed {live['produced_by']}")
    assert live["rows"] == ROWS


_KINDS = {"pos": "POSITIONAL_OR_KEYWORD", "kwonly": "KEYWORD_ONLY", "varargs": "VAR_POSITIONAL", "varkw": "VAR_KEYWORD"}


@pytest.mark.oracle
def test_signatures_are_keras_signatures():
    keras = _keras()
    checked = 0
    for name, spec in sorted(table("keras").items()):
        cls = getattr(keras.layers, name, None)
        if cls is None or spec.role != "leaf":
            continue
        sig = list(inspect.signature(cls.__init__).parameters.values())[1:]
        real = [(p.name, p.kind.name) for p in sig]
        ours = [(n, _KINDS[k]) for n, k, _ in parse_signature(spec.signature)]
        assert ours == real, name
        defaults = {p.name: p.default for p in sig}
        for n, k, d in parse_signature(spec.signature):
            rd = defaults[n]
            if k in ("pos", "kwonly") and rd is not inspect.Parameter.empty and isinstance(rd, (int, float, str, bool, type(None), tuple)):
                assert d == rd, (name, n)
        checked += 1
    assert checked > 60


_FUNCTIONAL = '''
import keras
from keras import layers

inp = keras.Input((10,), dtype="int32")
x = layers.Embedding(100, 16)(inp)
x, h, c = layers.LSTM(12, return_sequences=True, return_state=True)(x)
x = layers.Bidirectional(layers.GRU(8, return_sequences=True))(x)
a = layers.MultiHeadAttention(2, 8)(x, x)
x = layers.Add()([x, a])
x = layers.LayerNormalization()(x)
x = layers.TimeDistributed(layers.Dense(4))(x)
x = layers.GlobalAveragePooling1D()(x)
model = keras.Model(inp, [x, h])
'''
#: keras 3.15.1 (torch backend): count_params() and [l.count_params() for l in model.layers][1:].
FUNCTIONAL_PARAMS = 5236
FUNCTIONAL_ROWS = [1600, 1392, 1056, 1088, 0, 32, 68, 0]


def test_sequence_layers_in_a_functional_model(tmp_path):
    """return_state outputs unpack, Bidirectional/TimeDistributed size their wrapped layer,
    MultiHeadAttention takes (query, value)."""
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    p = tmp_path / "fn.py"
    p.write_text(_FUNCTIONAL)
    m = analyze_file(Project(), str(p), Options()).models[0]
    assert m.total_params == FUNCTIONAL_PARAMS and m.unresolved == ()
    assert [r.params for r in m.layers] == FUNCTIONAL_ROWS


@pytest.mark.oracle
def test_functional_model_figures_are_keras_figures():
    _keras()
    ns: dict = {}
    exec(compile(_FUNCTIONAL, "fn", "exec"), ns)  # our own test source
    m = ns["model"]
    assert m.count_params() == FUNCTIONAL_PARAMS
    assert [layer.count_params() for layer in m.layers][1:] == FUNCTIONAL_ROWS


_SHARED_WRAPPED = '''
import keras
from keras import layers

inp = keras.Input((5, 4))
d = layers.Dense(3)
bw = layers.LSTM(3, go_backwards=True)
x = layers.TimeDistributed(d)(inp)
y = d(inp)
z = layers.Bidirectional(layers.LSTM(3), backward_layer=bw)(inp)
model = keras.Model(inp, [x, y, z, bw(inp)])
'''
#: keras 3.15.1 (torch backend): count_params(). TimeDistributed applies the Dense it wraps
#: (15 weights, once); the Bidirectional's backward layer is ``bw`` itself (96 + 96, bw once).
SHARED_WRAPPED_PARAMS = 15 + 96 + 96


def test_wrapped_layers_share_their_weights(tmp_path):
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    p = tmp_path / "shared.py"
    p.write_text(_SHARED_WRAPPED)
    m = next(m for m in analyze_file(Project(), str(p), Options()).models if m.name == "model")
    assert m.total_params == SHARED_WRAPPED_PARAMS and m.unresolved == ()


@pytest.mark.oracle
def test_wrapped_layers_share_their_weights_in_keras():
    _keras()
    ns: dict = {}
    exec(compile(_SHARED_WRAPPED, "shared", "exec"), ns)  # our own test source
    assert ns["model"].count_params() == SHARED_WRAPPED_PARAMS
