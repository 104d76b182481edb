"""The checked-in goldens and '# expect:' comments agree with the real frameworks.

Skipped where torch / keras are not installed (paramlint itself needs neither).
Regenerate with:  KERAS_BACKEND=torch python tests/golden/make_golden.py
"""
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


fw = _load("_paramlint_test_frameworks", HERE.parent / "frameworks.py")
mg = _load("_paramlint_make_golden", HERE / "make_golden.py")
FIXTURES = mg.fixture_files()
IDS = [str(p.relative_to(mg.FIXTURES)) for p in FIXTURES]


def _need_framework(fixture):
    pytest.importorskip("torch")
    if "lightning" in fixture.read_text(encoding="utf-8"):
        pytest.importorskip("lightning")
    if fw.detect_framework(fixture) == "keras":
        if os.environ.get("KERAS_BACKEND", "torch") != "torch":
            pytest.skip("goldens are taken with KERAS_BACKEND=torch")
        pytest.importorskip("keras")


def test_every_fixture_has_a_golden_and_no_stale_ones():
    expected = {mg.golden_path(p).name for p in FIXTURES}
    present = {p.name for p in HERE.glob("*.json") if not p.name.startswith("catalog_")}  # catalog_*: make_catalog_golden.py
    assert expected == present


@pytest.mark.parametrize("fixture", FIXTURES, ids=IDS)
def test_golden_matches_framework(fixture):
    _need_framework(fixture)
    golden = json.loads(mg.golden_path(fixture).read_text())
    assert fw.file_truth(fixture) == golden


@pytest.mark.parametrize("fixture", FIXTURES, ids=IDS)
def test_expect_comments_match_framework(fixture):
    _need_framework(fixture)
    assert fw.check_expectations(fixture) == []


def test_golden_figures_for_lenet():
    """The figures the brief asks for (taken from the checked-in golden)."""
    for stem in ("lenet_torch", "lenet_keras", "lenet_tf_keras"):
        doc = json.loads((HERE / (stem + ".json")).read_text())
        (model,) = doc["models"].values()
        assert model["total_params"] == 62958
        assert [r["params"] for r in model["layers"] if r["type"] != "Flatten"] == [608, 0, 3216, 0, 48120, 10164, 850]
    torch_rows = json.loads((HERE / "lenet_torch.json").read_text())["models"]["LeNet"]["layers"]
    sizes = []
    for r in torch_rows:
        n = 1
        for d in r["output_shape"][1:]:
            n *= d
        sizes.append(n)
    assert sizes == [6272, 1568, 1600, 400, 120, 84, 10]


def test_source_helpers_need_no_framework():
    cands = {c["name"]: c for c in fw.parse_entry_candidates(mg.FIXTURES / "lenet_torch.py")}
    assert cands["LeNet"]["input_shape"] == [1, 3, 32, 32]
    assert cands["LeNet"]["expect"] == {"total": 62958, "trainable": 62958, "non_trainable": 0}
    gpt = {c["name"]: c for c in fw.parse_entry_candidates(mg.FIXTURES / "gpt_tied.py")}
    assert gpt["GPT"]["input_dtype"] == "int64"
    assert fw.detect_framework(mg.FIXTURES / "lenet_tf_keras.py") == "keras"
