"""Every fixture model against the framework-produced goldens in tests/golden/.

The goldens were produced by torch 2.13.0 / Keras 3.15 (see each file's ``produced_by``).
paramlint must never report a different number: each total is either equal or unknown,
and the models listed in EXACT must be resolved exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import FIXTURES, ROOT, analyze

GOLDEN = ROOT / "tests" / "golden"


def _cases() -> List[Any]:
    out = []
    for g in sorted(p for p in GOLDEN.glob("*.json") if not p.name.startswith("catalog_")):  # catalog_*: tests/test_catalog_*.py
        data = json.loads(g.read_text())
        rel = g.stem.replace(".", "/") + ".py"
        for name, m in data["models"].items():
            out.append(pytest.param(rel, name, m, id=f"{rel}::{name}"))
    return out


CASES = _cases()
# Entry points paramlint must resolve exactly (all of them, unless a capability is missing).
NOT_YET_EXACT = {("keras_functional.py", "build_cnn")}


@pytest.fixture(scope="module")
def reports() -> Dict[str, Any]:
    return {}


def _report(cache: Dict[str, Any], rel: str) -> Any:
    if rel not in cache:
        cache[rel] = analyze(FIXTURES / rel)
    return cache[rel]


@pytest.mark.parametrize("rel,name,golden", CASES)
def test_totals_equal_or_unknown(reports: Dict[str, Any], rel: str, name: str, golden: Dict[str, Any]) -> None:
    report = _report(reports, rel)
    assert report.error is None, report.error
    ours = {m.name: m for m in report.models}
    assert name in ours, f"{name} not reported; skipped: {report.skipped}"
    m = ours[name]
    for key in ("total_params", "trainable_params", "non_trainable_params"):
        got = getattr(m, key)
        assert got is None or got == golden[key], f"{key}: paramlint {got:,} != framework {golden[key]:,}"
    if (rel, name) not in NOT_YET_EXACT:
        assert m.total_params == golden["total_params"], m.unresolved


@pytest.mark.parametrize("rel,name,golden", CASES)
def test_layer_rows_match_framework(reports: Dict[str, Any], rel: str, name: str, golden: Dict[str, Any]) -> None:
    """Per-row params equal the framework's (summed over a catalog layer's submodules,
    e.g. MultiheadAttention's out_proj), and traced output shapes are identical."""
    m = {x.name: x for x in _report(reports, rel).models}.get(name)
    if m is None or m.total_params is None:
        pytest.skip("not resolved")
    rows = [r for r in m.layers]
    assert sum(r.params or 0 for r in rows) == m.total_params
    gold_rows = golden["layers"]
    if golden.get("framework", "torch") == "keras" or m.framework == "keras":
        # model.layers lists a shared layer once; our later applications of it are extra rows.
        ours = [(r.path, r.params, r.output_shape and list(r.output_shape)) for r in rows if not r.shared]
        theirs = [(g["path"], g["params"], g.get("output_shape")) for g in gold_rows]
        assert [o[1] for o in ours] == [t[1] for t in theirs]
        assert [o[2] for o in ours] == [t[2] for t in theirs]
        return
    first: Dict[str, int] = {}
    for g in gold_rows:
        if g.get("repeat"):
            continue
        first[g["path"]] = first.get(g["path"], 0) + (g["params"] or 0)
    for r in rows:
        if r.shared or r.type == "Parameter":
            continue
        expected = sum(v for p, v in first.items() if p == r.path or p.startswith(r.path + "."))
        assert r.params == expected, f"{r.path}: {r.params} != {expected}"
    if golden.get("input_shape") is not None and m.input_shape:
        theirs_shapes = [(g["path"], g.get("output_shape")) for g in gold_rows if g.get("output_shape") is not None]
        # Hooks report leaf modules only: a catalog layer with submodules (MultiheadAttention) is not one.
        golden_paths = {g["path"] for g in gold_rows}
        ours_shapes = [(r.path, list(r.output_shape)) for r in rows if r.output_shape is not None and r.path in golden_paths]
        assert ours_shapes == theirs_shapes[: len(ours_shapes)] or set(map(str, ours_shapes)) <= set(map(str, theirs_shapes))
