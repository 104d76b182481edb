"""keras-hub 0.32's backbones, task models and layers (41 builders: BERT, GPT-2, Llama, Gemma,
ALBERT's shared layers, T5, Whisper, ResNet, ViT...) against what Keras builds
(bench/keras_hub_built_truth.json, produced by running the wheel's sources under Keras 3 with the
torch backend; see bench/keras_hub_built.py). 35 are exact (the floor below); the rest read
masks attached to tensors, ``keras.ops.take`` or the Keras backend. The rule that matters: no
figure different from Keras's.

Needs the wheel's sources: ``python bench/keras_hub_built.py --fetch`` (``.ci/run`` does it);
skipped without them.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.corpus
def test_no_keras_hub_model_gets_a_figure_keras_does_not() -> None:
    spec = importlib.util.spec_from_file_location("paramlint_bench_keras_hub_built", BENCH / "keras_hub_built.py")
    assert spec is not None and spec.loader is not None
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    truth = json.loads(built.TRUTH.read_text())
    src = built.tree(truth["keras_hub"])
    if not (src / "paramlint_drivers").is_dir():
        pytest.skip("keras-hub sources not available: run `python bench/keras_hub_built.py --fetch`")
    rows = built.compare(src, truth)
    assert len(rows) == 41
    assert not {n: r for n, r in rows.items() if r[0] in ("WRONG", "missing")}
    assert sum(r[0] == "exact" for r in rows.values()) >= 39  # (2026-11-28: 39 of 41)
