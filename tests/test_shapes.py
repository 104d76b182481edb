"""Activation shapes and MACs against the frameworks.

Pure shape formulas are tested against hand-checked torch semantics; the ``oracle`` tests run
the real frameworks (forward hooks on every torch leaf module, every Keras layer application)
and require every leaf layer's output shape to equal ours, and our MACs to equal
``torch.utils.flop_counter.FlopCounterMode`` / 2.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from conftest import FIXTURES, ROOT, analyze, models_by_name

from paramlint.catalog import shapes as S
from paramlint.catalog.spec import ArgError


def _frameworks():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_paramlint_fw_shapes", ROOT / "tests" / "frameworks.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = mod  # type: ignore[union-attr]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


# ---- pure formulas --------------------------------------------------------------------------

def test_broadcast_keeps_unknown_batch() -> None:
    assert S.broadcast((None, 4, 1), (5,)) == (None, 4, 5)
    assert S.broadcast((2, 1, 3), (4, 1)) == (2, 4, 3)
    with pytest.raises(ArgError):
        S.broadcast((2, 3), (4,))


def test_matmul_forms() -> None:
    assert S.matmul((2, 4, 10, 8), (2, 4, 8, 10)) == (2, 4, 10, 10)
    assert S.matmul((3,), (3, 5)) == (5,)
    assert S.matmul((7, 3), (3,)) == (7,)
    assert S.matmul((5, 1, 2, 3), (4, 3, 6)) == (5, 4, 2, 6)


def test_einsum_forms() -> None:
    assert S.einsum("btd,de->bte", [(2, 10, 32), (32, 16)]) == (2, 10, 16)
    assert S.einsum("bhqd,bhkd->bhqk", [(2, 4, 10, 8), (2, 4, 12, 8)]) == (2, 4, 10, 12)
    assert S.einsum("...ij,...jk", [(3, 2, 4), (4, 5)]) == (3, 2, 5)
    assert S.einsum("ij->", [(3, 4)]) == ()


def test_index_split_cat() -> None:
    assert S.index((2, 10, 32), [slice(None), 0]) == (2, 32)
    assert S.index((2, 10, 32), [Ellipsis, None, slice(2, None, 3)]) == (2, 10, 1, 10)
    assert S.index((None, 10), [slice(None), slice(None, 4)]) == (None, 4)
    assert S.split_sizes(10, 4) == (4, 4, 2)
    assert S.split_sizes(10, 3, chunks=True) == (4, 4, 2)
    assert S.split_sizes(5, 2, chunks=True) == (3, 2)
    assert S.cat([(2, 3, 4), (2, 5, 4)], 1) == (2, 8, 4)
    assert S.stack([(2, 3), (2, 3)], -1) == (2, 3, 2)


def test_interpolate_and_pad() -> None:
    assert S.interpolate((1, 3, 7, 9), None, 2) == (1, 3, 14, 18)
    assert S.interpolate((1, 3, 7, 9), None, 1.5) == (1, 3, 10, 13)
    assert S.interpolate((1, 3, 7, 9), (4, 5), None) == (1, 3, 4, 5)
    assert S.pad((1, 3, 7, 9), [1, 2, 0, 3]) == (1, 3, 10, 12)


# ---- comparing with a framework ---------------------------------------------------------------

def _norm(shape: Any) -> Optional[Tuple[Optional[int], ...]]:
    """Truth shapes may be a list of shapes (tuple outputs): the first tensor is the output."""
    if shape is None:
        return None
    if shape and isinstance(shape[0], list):
        return _norm(shape[0])
    return tuple(shape)


def match_share(truth_rows: Sequence[Tuple[str, Any]], ours: Sequence[Tuple[str, Any]]) -> Tuple[int, int, List[str]]:
    """(matching, total, problems): truth leaf applications whose output shape we reproduce.

    Applications pair by layer path and occurrence (the k-th call of ``layer1.0.relu``)."""
    mine: Dict[Tuple[str, int], Any] = {}
    seen: Counter = Counter()
    for path, shape in ours:
        mine[(path, seen[path])] = _norm(shape)
        seen[path] += 1
    seen = Counter()
    ok, total, problems = 0, 0, []
    for path, shape in truth_rows:
        k = seen[path]
        seen[path] += 1
        want = _norm(shape)
        if want is None:
            continue
        total += 1
        got = mine.get((path, k))
        if got == want:
            ok += 1
        else:
            problems.append(f"{path}#{k}: framework {want}, paramlint {got}")
    return ok, total, problems


def torch_compare(rel: str, name: str) -> Tuple[int, int, List[str]]:
    fw = _frameworks()
    truth = fw.torch_truth(FIXTURES / rel, name)
    model = models_by_name(analyze(FIXTURES / rel))[name]
    truth_rows = [(r["path"], r["output_shape"]) for r in truth["layers"] if r["type"] != "Parameter"]
    ours = [(r.path, r.output_shape) for r in model.layers if r.type != "Parameter"]  # type: ignore[attr-defined]
    return match_share(truth_rows, ours)


TORCH_MODELS = [
    ("unet_torch.py", "UNet"), ("transformer_block.py", "TinyTransformer"),
    ("resnet_blocks.py", "resnet_tiny"), ("resnet_blocks.py", "resnet_bottleneck_tiny"),
    ("vgg_cfg.py", "vgg11_bn_small"), ("vgg_cfg.py", "vgg13_small"), ("lenet_torch.py", "LeNet"),
    ("gpt_tied.py", "GPT"), ("gpt_tied.py", "gpt_tiny_mha"), ("config_dataclass.py", "token_classifier_wide"),
    ("std_conv.py", "TinyBiT"), ("std_conv.py", "depthwise_std"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("rel,name", TORCH_MODELS, ids=[n for _, n in TORCH_MODELS])
def test_torch_leaf_shapes_match_forward_hooks(rel: str, name: str) -> None:
    pytest.importorskip("torch")
    ok, total, problems = torch_compare(rel, name)
    assert total > 0
    assert problems == [], f"{ok}/{total} leaf shapes match"


def keras_applications(model: Any) -> List[Tuple[str, Any]]:
    """Every application of every layer of ``model.layers`` (a nested model is one layer), as
    Keras recorded it: a shared layer has one inbound node per call."""
    import keras

    out: List[Tuple[str, Any]] = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        for node in layer._inbound_nodes:
            t = node.outputs[0]
            out.append((layer.name, [None if d is None else int(d) for d in t.shape]))
    return out


def _keras_fixture(rel: str) -> Dict[str, Any]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    spec = importlib.util.spec_from_file_location(f"_shapes_{Path(rel).stem}", FIXTURES / rel)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return vars(mod)


KERAS_MODELS = [("keras_multi_io.py", "build_multi_io"), ("keras_functional.py", "model"), ("lenet_keras.py", "model")]


@pytest.mark.oracle
@pytest.mark.parametrize("rel,name", KERAS_MODELS, ids=[r for r, _ in KERAS_MODELS])
def test_keras_layer_shapes_match(rel: str, name: str) -> None:
    pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("run with KERAS_BACKEND=torch")
    ns = _keras_fixture(rel)
    built = ns[name]
    if not isinstance(built, ns["keras"].Model):
        ns["keras"].backend.clear_session()
        built = built()
    truth = keras_applications(built)
    model = models_by_name(analyze(FIXTURES / rel))[name]
    ours = [(r.path, r.output_shape) for r in model.layers]  # type: ignore[attr-defined]
    ok, total, problems = match_share(truth, ours)
    assert problems == [] and len(ours) == len(truth), f"{ok}/{total}: {problems}"
    assert model.total_params == built.count_params()  # type: ignore[attr-defined]


# ---- MACs against torch.utils.flop_counter ----------------------------------------------------

def _flop_counter_macs(model: Any, x: Any) -> Tuple[int, Dict[str, int]]:
    """FlopCounterMode / 2 on the instrumented path: training mode (MultiheadAttention's
    inference fast path is not instrumented), oneDNN off (nor is its fused LSTM) and the math
    attention backend (nor are the CPU fused sdpa kernels)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from torch.nn.attention import SDPBackend, sdpa_kernel

    model.train()
    with torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        model(x)
    per_module = {k: sum(v.values()) // 2 for k, v in counter.get_flop_counts().items()}
    return counter.get_total_flops() // 2, per_module


@pytest.mark.oracle
@pytest.mark.parametrize("rel,name", TORCH_MODELS, ids=[n for _, n in TORCH_MODELS])
def test_total_macs_equal_flop_counter(rel: str, name: str) -> None:
    torch = pytest.importorskip("torch")
    fw = _frameworks()
    cand, built = fw._torch_entries(FIXTURES / rel, only=name)[0]
    shape, dtype = cand["input_shape"], cand["input_dtype"]
    x = torch.zeros(shape, dtype=getattr(torch, dtype)) if dtype else torch.randn(shape)
    total, per_module = _flop_counter_macs(built, x)
    model = models_by_name(analyze(FIXTURES / rel))[name]
    assert model.total_macs == total  # type: ignore[attr-defined]
    prefix = type(built).__name__ + "."
    for r in model.layers:  # type: ignore[attr-defined]
        if r.macs and not r.shared:
            want = per_module.get(prefix + r.path)
            applications = sum(1 for q in model.layers if q.path == r.path)  # type: ignore[attr-defined]
            assert want == r.macs * applications, r.path


def _layer_case(layer: Any, *inputs: Any) -> Tuple[int, Optional[int]]:
    """(FlopCounterMode MACs, paramlint MACs) for one module applied to ``inputs``."""
    from paramlint import macs
    from paramlint.catalog import lookup

    total, _ = _flop_counter_macs(layer, *inputs) if len(inputs) == 1 else _multi(layer, inputs)
    name = type(layer).__name__
    spec = lookup("torch.nn." + name)
    assert spec is not None
    args = {k: getattr(layer, k) for k in ("in_channels", "out_channels", "groups", "kernel_size", "in_features",
                                           "out_features", "embed_dim", "num_heads", "kdim", "vdim", "batch_first",
                                           "hidden_size", "num_layers", "bidirectional", "proj_size")
            if hasattr(layer, k)}
    ins = tuple(tuple(t.shape) for t in inputs)
    with __import__("torch").no_grad():
        out = layer(*inputs)
    out = out[0] if isinstance(out, tuple) else out
    return total, macs.layer_macs("torch", name, args, ins, tuple(out.shape))


def _multi(layer: Any, inputs: Sequence[Any]) -> Tuple[int, Dict[str, int]]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    layer.train()
    with torch.backends.mkldnn.flags(enabled=False), FlopCounterMode(display=False) as counter:
        layer(*inputs)
    return counter.get_total_flops() // 2, {}


@pytest.mark.oracle
def test_layer_macs_equal_flop_counter() -> None:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    torch.manual_seed(0)
    x = torch.randn(2, 10, 32)
    cases = [
        (nn.Conv2d(8, 12, 3, stride=2, padding=1, groups=4), torch.randn(2, 8, 15, 15)),
        (nn.Conv1d(4, 6, 5, dilation=2), torch.randn(3, 4, 40)),
        (nn.Conv3d(2, 4, (1, 3, 3)), torch.randn(1, 2, 4, 8, 8)),
        (nn.ConvTranspose2d(8, 4, 3, stride=2, groups=2), torch.randn(1, 8, 5, 5)),
        (nn.Linear(32, 16), x),
        (nn.Linear(32, 16, bias=False), torch.randn(32)),
        (nn.MultiheadAttention(32, 4, batch_first=True, dropout=0.0), x, x, x),
        (nn.MultiheadAttention(32, 4, dropout=0.0), x, torch.randn(7, 10, 32), torch.randn(7, 10, 32)),
        (nn.MultiheadAttention(32, 4, kdim=12, vdim=20, batch_first=True), x, torch.randn(2, 7, 12), torch.randn(2, 7, 20)),
        (nn.LSTM(32, 16, num_layers=2, bidirectional=True, batch_first=True), x),
        (nn.LSTM(32, 16, proj_size=8), x),
        (nn.GRU(32, 16, num_layers=2), x),
        (nn.RNN(32, 16, bidirectional=True), x),
    ]
    for layer, *inputs in cases:
        want, got = _layer_case(layer, *inputs)
        assert got == want, f"{layer}: paramlint {got}, FlopCounterMode/2 {want}"


@pytest.mark.oracle
def test_attention_and_matmul_formulas_equal_flop_counter() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

    from paramlint import macs

    q, k, v = (2, 4, 10, 8), (2, 4, 12, 8), (2, 4, 12, 6)
    assert macs.attention(q, k, v) == sdpa_flop_count(q, k, v) // 2  # the GPU kernels' formula
    from torch.nn.attention import SDPBackend, sdpa_kernel

    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as c:
        torch.nn.functional.scaled_dot_product_attention(*[torch.randn(s) for s in (q, k, v)])
    assert macs.attention(q, k, v) == c.get_total_flops() // 2  # the math backend, as bmm
    for a, b in [((5, 1, 2, 3), (4, 3, 6)), ((7, 3), (3, 5)), ((2, 9, 3), (3, 4)), ((3,), (3, 5))]:
        with FlopCounterMode(display=False) as c:
            torch.randn(a) @ torch.randn(b)
        assert macs.matmul(a, b) == c.get_total_flops() // 2, (a, b)
    for eq, shapes in [("btd,de->bte", [(2, 10, 32), (32, 16)]), ("bhqd,bhkd->bhqk", [(2, 4, 10, 8), (2, 4, 12, 8)]),
                       ("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)])]:
        with FlopCounterMode(display=False) as c:
            torch.einsum(eq, *[torch.randn(s) for s in shapes])
        assert macs.einsum(eq, shapes) == c.get_total_flops() // 2, eq


@pytest.mark.oracle
@pytest.mark.parametrize("rel,name", [("transformer_block.py", "TinyTransformer"), ("unet_torch.py", "UNet"),
                                      ("resnet_blocks.py", "resnet_tiny")])
def test_unknown_batch_stays_symbolic(rel: str, name: str) -> None:
    """With a batch of None every leaf shape is the framework's with dim 0 unknown, and the
    totals are per sample."""
    pytest.importorskip("torch")
    fw = _frameworks()
    truth = fw.torch_truth(FIXTURES / rel, name)
    batch = truth["input_shape"][0]
    sym = ((None,) + tuple(truth["input_shape"][1:]),)
    model = models_by_name(analyze(FIXTURES / rel, model_inputs={name: sym}))[name]
    assert model.shape_notes == ()  # type: ignore[attr-defined]
    truth_rows = [(r["path"], [None] + r["output_shape"][1:]) for r in truth["layers"]
                  if r["type"] != "Parameter" and r["output_shape"] is not None and not isinstance(r["output_shape"][0], list)]
    ours = [(r.path, r.output_shape) for r in model.layers if r.type != "Parameter"]  # type: ignore[attr-defined]
    ok, total, problems = match_share(truth_rows, ours)
    assert problems == [] and total > 0
    with_batch = models_by_name(analyze(FIXTURES / rel))[name]
    assert model.total_macs * batch == with_batch.total_macs  # type: ignore[attr-defined]
    assert model.total_activations * batch == with_batch.total_activations  # type: ignore[attr-defined]


SUBCLASSED = '''
import keras
from keras import layers


class Residual(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.proj = layers.Dense(self.units)
        self.scale = self.add_weight(shape=(self.units,), initializer="ones")

    def call(self, x):
        return x + self.proj(x) * self.scale


# paramlint: input-shape=None,12
class Net(keras.Model):
    def __init__(self, units=12, classes=3):
        super().__init__()
        self.block = Residual(units)
        self.concat = layers.Concatenate()
        self.out = layers.Dense(classes)

    def call(self, x):
        h = self.block(x)
        return self.out(self.concat([h, x]))
'''


@pytest.mark.oracle
def test_keras_subclassed_call_and_build(tmp_path: Path) -> None:
    """``Model.call`` traced from an input-shape comment; a Layer's ``build()`` creates its
    sublayer and weight on the first call, as Keras does."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    path = tmp_path / "subclassed.py"
    path.write_text(SUBCLASSED)
    keras.backend.clear_session()
    spec = importlib.util.spec_from_file_location("_shapes_subclassed", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    real = mod.Net()
    real(keras.Input((12,)))
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    m = models_by_name(analyze_file(Project(), str(path), Options()))["Net"]
    assert m.total_params == real.count_params() == 243  # type: ignore[attr-defined]
    shapes = {r.path: r.output_shape for r in m.layers}  # type: ignore[attr-defined]
    assert shapes["concatenate"] == (None, 24) and shapes["dense"] == (None, 3)
    # Dense 12→12 and 24→3 per sample
    assert m.total_macs == 12 * 12 + 24 * 3  # type: ignore[attr-defined]


KERAS_LAYER_CASES = [
    ("ZeroPadding2D", {"padding": ((1, 2), (3, 4))}, [(None, 5, 6, 3)]),
    ("ZeroPadding2D", {"padding": 2, "data_format": "channels_first"}, [(None, 3, 5, 6)]),
    ("ZeroPadding1D", {"padding": (1, 3)}, [(None, 7, 2)]),
    ("ZeroPadding3D", {"padding": 1}, [(None, 2, 3, 4, 5)]),
    ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, [(None, 8, 9, 3)]),
    ("Cropping1D", {"cropping": (2, 1)}, [(None, 9, 4)]),
    ("UpSampling1D", {"size": 3}, [(None, 5, 2)]),
    ("UpSampling2D", {"size": (2, 3), "data_format": "channels_first"}, [(None, 4, 5, 6)]),
    ("UpSampling3D", {"size": 2}, [(None, 2, 3, 4, 5)]),
    ("Reshape", {"target_shape": (-1, 4)}, [(None, 6, 2)]),
    ("Reshape", {"target_shape": (3, 2, 2)}, [(None, 12)]),
    ("Permute", {"dims": (3, 1, 2)}, [(None, 4, 5, 6)]),
    ("RepeatVector", {"n": 4}, [(None, 7)]),
    ("Concatenate", {"axis": 1}, [(None, 3, 4), (None, 5, 4)]),
    ("Concatenate", {}, [(None, 3, 4), (None, 3, 2), (None, 3, 1)]),
    ("Add", {}, [(None, 3, 4), (None, 3, 4)]),
    ("Multiply", {}, [(None, 1, 4), (None, 3, 4)]),
    ("Maximum", {}, [(None, 4), (None, 4), (None, 4)]),
    ("Subtract", {}, [(None, 2, 4), (None, 2, 4)]),
    ("Dot", {"axes": 1}, [(None, 8), (None, 8)]),
    ("Dot", {"axes": -1, "normalize": True}, [(None, 5, 8), (None, 7, 8)]),
    ("Dot", {"axes": (2, 2)}, [(None, 5, 8), (None, 7, 8)]),
    ("Dot", {"axes": [1, 2]}, [(4, 6, 3), (4, 5, 6)]),
    ("Dot", {"axes": (-1, 1)}, [(None, 3, 4, 6), (None, 6, 2)]),
]


@pytest.mark.oracle
@pytest.mark.parametrize("name,kwargs,inputs", KERAS_LAYER_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_LAYER_CASES)])
def test_keras_reshaping_and_merge_layers(name: str, kwargs: Dict[str, Any], inputs: List[Tuple[Any, ...]]) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    from paramlint.catalog import table
    from paramlint.catalog.spec import Args

    tensors = [keras.Input(batch_shape=s) for s in inputs]
    layer = getattr(keras.layers, name)(**kwargs)
    out = layer(tensors if len(tensors) > 1 else tensors[0])
    want = tuple(None if d is None else int(d) for d in out.shape)
    spec = table("keras")[name]
    from paramlint.evaluate import signatures

    bound = signatures.bind(spec.signature, [], dict(kwargs), name)
    assert not isinstance(bound, str), bound
    x = tuple(inputs) if spec.extra.get("merge") else inputs[0]
    assert spec.output(Args(name, bound), x) == want  # type: ignore[misc, arg-type]


#: F.pad in torch 2.13 (the oracle test below re-derives each): input shape, pads, mode ->
#: output shape, or None where torch raises. Non-constant modes pad 1-3 dims of an input of one
#: or two more; reflect pads by less than the size, circular by at most it.
PADS = [
    ((2, 3, 4), (3, 3), "reflect", (2, 3, 10)), ((2, 3, 4), (4, 0), "reflect", None),
    ((2, 3, 4), (-1, -1), "reflect", (2, 3, 2)), ((2, 3, 4), (-4, 0), "reflect", None),
    ((2, 3, 4), (5, 0), "replicate", (2, 3, 9)), ((2, 3, 4), (-4, 0), "replicate", None),
    ((2, 3, 4), (4, 0), "circular", (2, 3, 8)), ((2, 3, 4), (5, 0), "circular", None),
    ((2, 3, 4), (-4, 0), "circular", (2, 3, 0)), ((2, 3, 4), (-5, 0), "circular", None),
    ((2, 3, 8, 8), (2, 2), "replicate", None), ((3, 8, 8), (1, 1, 1, 1), "reflect", (3, 10, 10)),
    ((8,), (1, 1), "reflect", None), ((2, 3, 4, 4, 4), (1,) * 6, "circular", (2, 3, 6, 6, 6)),
    ((2, 3, 4), (-2, -2), "constant", (2, 3, 0)), ((2, 3, 4), (-3, -2), "constant", None),
]


@pytest.mark.parametrize("shape,pads,mode,want", PADS)
def test_pad_modes(shape: tuple, pads: tuple, mode: str, want: Optional[tuple]) -> None:
    if want is None:
        with pytest.raises(ArgError):
            S.pad(shape, pads, mode)
    else:
        assert S.pad(shape, pads, mode) == want


@pytest.mark.oracle
@pytest.mark.parametrize("shape,pads,mode,want", PADS)
def test_pad_modes_against_torch(shape: tuple, pads: tuple, mode: str, want: Optional[tuple]) -> None:
    torch = pytest.importorskip("torch")
    try:
        got: Optional[tuple] = tuple(torch.nn.functional.pad(torch.zeros(shape), pads, mode=mode).shape)
    except (RuntimeError, NotImplementedError, ValueError):
        got = None
    assert got == want
