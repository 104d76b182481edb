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


_SEQ2SEQ = '''
import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, vocab=50, d=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, d, padding_idx=0)
        self.lstm = nn.LSTM(d, 32, num_layers=2, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(64, d)
        self.attn = nn.MultiheadAttention(d, 4, batch_first=True)
        layer = nn.TransformerEncoderLayer(d, 4, 64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2)
        self.norm = nn.LayerNorm(d)
        self.up = nn.Sequential(nn.LazyLinear(24), nn.GELU(), nn.Linear(24, vocab))

    def forward(self, tokens):
        x = self.emb(tokens)
        out, (h, c) = self.lstm(x)
        x = self.proj(out)
        y, _ = self.attn(x, x, x, need_weights=False)
        x = self.norm(self.enc(x + y))
        return self.up(x)


# paramlint: input-shape=2,7
model = Seq2Seq()
'''
#: torch 2.13.0: sum(p.numel() for p in model.parameters()) after model(torch.randint(0, 5, (2, 7))).
SEQ2SEQ_PARAMS, SEQ2SEQ_OUT = 49066, [2, 7, 50]


def test_sequence_layers_in_a_user_model(tmp_path):
    """Tuple outputs unpack (LSTM's (out, (h, c)), MHA's (out, None)), deep copies count per copy,
    and a LazyLinear is sized by what reaches it; the class alone (no input) stays Unknown."""
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    p = tmp_path / "s2s.py"
    p.write_text(_SEQ2SEQ)
    ms = {m.name: m for m in analyze_file(Project(), str(p), Options()).models}
    assert ms["model"].total_params == SEQ2SEQ_PARAMS and ms["model"].unresolved == ()
    assert list(ms["model"].layers[-1].output_shape) == SEQ2SEQ_OUT
    assert ms["Seq2Seq"].total_params is None


@pytest.mark.oracle
def test_sequence_user_model_figures_are_torch_figures(tmp_path):
    torch = pytest.importorskip("torch")
    ns: dict = {}
    exec(compile(_SEQ2SEQ, "s2s", "exec"), ns)  # our own test source
    m = ns["model"]
    out = m(torch.randint(0, 5, (2, 7)))
    assert (sum(p.numel() for p in m.parameters()), list(out.shape)) == (SEQ2SEQ_PARAMS, SEQ2SEQ_OUT)


@pytest.mark.oracle
def test_private_bases_are_torch_class_hierarchy():
    """``isinstance(m, nn.modules.batchnorm._BatchNorm)`` is answered from PRIVATE_BASES: each
    entry must list exactly the catalog layers torch derives from that base."""
    nn = pytest.importorskip("torch.nn")
    from paramlint.catalog.torch import PRIVATE_BASES

    layers = {n: getattr(nn, n) for n in table("torch") if isinstance(getattr(nn, n, None), type)}
    bases = {f"{b.__module__}.{b.__name__}": b for c in layers.values() for b in c.__mro__
             if b.__name__.startswith("_") and b.__module__.startswith("torch.nn.modules")}
    assert set(PRIVATE_BASES) == set(bases)
    for name, base in bases.items():
        assert PRIVATE_BASES[name] == {n for n, c in layers.items() if issubclass(c, base)}, name
