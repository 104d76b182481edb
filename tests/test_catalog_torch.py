"""torch catalog entries against torch's own figures (tests/golden/catalog_torch.json).

Each row is analyzed from a tiny generated source file; the expected params and output
shape were produced by torch (``produced_by`` in the golden). The oracle test recomputes
them live when torch is importable.
"""
from __future__ import annotations

import inspect

import pytest
from catalog_oracle import figures, gen, golden

from paramlint.catalog import table
from paramlint.evaluate.signatures import parse_signature

DOC = golden("torch")
ROWS = DOC["rows"]


@pytest.mark.parametrize("r", ROWS, ids=[r["id"] for r in ROWS])
def test_row_matches_torch_golden(r, tmp_path):
    params, out, rep = figures("torch", r, tmp_path)
    assert rep.unresolved == (), rep.unresolved
    assert params == r["params"], f"{r['src']}: paramlint {params}, {DOC['produced_by']} {r['params']}"
    assert rep.trainable_params == r["trainable"]
    assert out == r["output_shape"], f"{r['src']}: paramlint {out}, {DOC['produced_by']} {r['output_shape']}"


def test_golden_rows_cover_the_table():
    assert [r["src"] for r in ROWS] == [r["src"] for r in gen.table("torch")]


def test_every_new_entry_has_a_row():
    covered = {r["layer"] for r in ROWS}
    for name in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Embedding", "EmbeddingBag", "Bilinear",
                 "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm",
                 "LocalResponseNorm", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
                 "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder", "TransformerDecoder",
                 "Transformer", "PReLU", "Upsample", "PixelShuffle", "ZeroPad2d", "ConstantPad2d", "LazyLinear",
                 "LazyConv2d", "LazyBatchNorm2d"):
        assert name in covered, name


def test_lazy_layer_without_input_is_unknown(tmp_path):
    r = {"src": "nn.LazyLinear(10)", "inputs": []}
    path = tmp_path / "lazy.py"
    path.write_text("import torch.nn as nn\nmodel = nn.LazyLinear(10)\n")
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    m = analyze_file(Project(), str(path), Options()).models[0]
    assert m.total_params is None and m.unresolved, r


@pytest.mark.oracle
def test_golden_is_what_torch_says_now():
    pytest.importorskip("torch")
    live = gen.truth("torch")
    if live["produced_by"] != DOC["produced_by"]:
        pytest.skip(f"golden from {DOC['produced_by']}, installed {live['produced_by']}")
    assert live["rows"] == ROWS


def _real_params(cls):
    if cls.__init__ is cls.__mro__[-2].__init__:  # nn.Module.__init__: takes no layer arguments
        return []
    sig = inspect.signature(cls.__init__)
    return [(p.name, p.kind.name) for p in list(sig.parameters.values())[1:]]


_KINDS = {"pos": "POSITIONAL_OR_KEYWORD", "kwonly": "KEYWORD_ONLY", "varargs": "VAR_POSITIONAL", "varkw": "VAR_KEYWORD"}


@pytest.mark.oracle
def test_signatures_are_torch_signatures():
    """Every catalog entry binds arguments exactly as the real constructor does."""
    nn = pytest.importorskip("torch.nn")
    checked = 0
    for name, spec in sorted(table("torch").items()):
        cls = getattr(nn, name, None)
        if cls is None or name != spec.name or spec.role == "base":
            continue
        real = _real_params(cls)
        if real == [("args", "VAR_POSITIONAL"), ("kwargs", "VAR_KEYWORD")] and name in ("RNN", "LSTM", "GRU"):
            continue  # RNNBase overloads: checked by the rows (positional order included)
        ours = [(n, _KINDS[k]) for n, k, _ in parse_signature(spec.signature)]
        assert ours == real, name
        if not real:
            checked += 1
            continue
        defaults = {p.name: p.default for p in list(inspect.signature(cls.__init__).parameters.values())[1:]}
        for n, k, d in parse_signature(spec.signature):
            real_d = defaults[n]
            if isinstance(real_d, (int, float, str, bool, type(None))) and k in ("pos", "kwonly"):
                assert d == real_d, (name, n)
        checked += 1
    assert checked > 100
