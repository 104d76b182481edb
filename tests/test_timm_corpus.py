"""timm (1,371 registered models) against what timm itself builds: paramlint must never report a
figure different from ``sum(p.numel() for p in model.parameters())`` of the model the registered
function builds with its defaults (bench/timm_built_truth.json, produced by running timm; see
bench/timm_built.py). Unknown is allowed, a different number is not.

Needs timm's sources: ``python bench/timm_built.py --fetch`` (``.ci/run`` does it); skipped
without them.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.corpus
def test_every_timm_model_counts_what_timm_builds() -> None:
    spec = importlib.util.spec_from_file_location("paramlint_bench_timm_built", BENCH / "timm_built.py")
    assert spec is not None and spec.loader is not None
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    root = built.tree()
    if root is None:
        pytest.skip("timm sources not available: run `python bench/timm_built.py --fetch`")
    truth = json.loads(built.TRUTH.read_text())
    rows = built.compare(root, truth)
    bad = {n: r for n, r in rows.items() if r[0] in ("WRONG", "missing")}
    assert not bad, bad
    exact = sum(1 for r in rows.values() if r[0] == "exact")
    assert exact >= 1360, {n: r[3] for n, r in rows.items() if r[0] != "exact"}
