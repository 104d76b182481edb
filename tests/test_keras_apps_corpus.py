"""Keras Applications (39 builders: ResNet, EfficientNet(V2), ConvNeXt, MobileNetV3, NASNetLarge,
...) against what Keras itself builds: ``model.count_params()`` and the trainable share of the
model each builder makes with its defaults (bench/keras_apps_truth.json, produced by running
Keras; see bench/keras_apps.py). Unknown would be allowed, a different number is not; all 39
are exact today, so a regression to unknown fails too.

Needs the sources copied from the keras wheel: ``python bench/keras_apps.py --fetch``
(``.ci/run`` does it); skipped without them.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.corpus
def test_every_keras_application_counts_what_keras_builds() -> None:
    spec = importlib.util.spec_from_file_location("paramlint_bench_keras_apps", BENCH / "keras_apps.py")
    assert spec is not None and spec.loader is not None
    apps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(apps)
    truth = json.loads(apps.TRUTH.read_text())
    root = apps.tree(truth["keras"])
    if not (root / "resnet.py").is_file():
        pytest.skip("Keras Applications sources not available: run `python bench/keras_apps.py --fetch`")
    rows = apps.compare(root, truth)
    assert not {n: r for n, r in rows.items() if r[0] in ("WRONG", "missing")}
    assert {n: r[2] for n, r in rows.items() if r[0] != "exact"} == {}
    assert len(rows) == 39
