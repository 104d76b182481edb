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
