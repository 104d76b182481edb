"""torchvision classification zoo: paramlint must never report a wrong count.

The corpus test runs ``paramlint summary --format json`` on every torchvision
model file (via bench/torchvision_zoo.py) and compares each builder with the
official ``num_params`` in bench/torchvision_truth.json.  Unresolved builders
(total_params null) are allowed; a different number is not.

It needs the extracted torchvision source: ``python bench/torchvision_zoo.py
--fetch`` (into bench/.cache/torchvision-*/) or ``PARAMLINT_TORCHVISION_DIR``
pointing at an extracted tree.  Otherwise it is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH_SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "torchvision_zoo.py"


def _load_zoo():
    spec = importlib.util.spec_from_file_location("paramlint_bench_torchvision_zoo", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


zoo = _load_zoo()


@pytest.mark.corpus
def test_torchvision_zoo_no_wrong_counts():
    truth_doc = zoo.load_truth()
    models_dir = zoo.find_tree(version=truth_doc["torchvision"])
    if models_dir is None:
        pytest.skip(
            "torchvision source not available: run `python bench/torchvision_zoo.py --fetch` "
            f"or set {zoo.ENV_TREE} to an extracted torchvision tree"
        )
    version = zoo.tree_version(models_dir)
    truth = truth_doc["builders"] if version == truth_doc["torchvision"] else zoo.compute_truth(models_dir)

    zoo.check_paramlint()  # raises with a clear message if `python -m paramlint summary` cannot run
    results, runs, wall = zoo.run_benchmark(models_dir, truth)

    t = zoo.totals(results)
    print(
        f"torchvision {version}: {t['builders']} builders, {t['exact']} exact, {t['unresolved']} unresolved, "
        f"{t['WRONG']} WRONG, {t['missing']} missing ({t['exact_pct']}% exact) in {wall:.1f}s"
    )
    wrong = [r for r in results if r.status == "WRONG"]
    assert not wrong, "paramlint reported wrong counts:\n" + "\n".join(
        f"  {r.builder} ({r.file}): official {r.official:,}, paramlint {r.ours} -- {r.note}" for r in wrong
    )


def test_zoo_classification_logic():
    """The bench's JSON parsing and status logic, on a tiny fake paramlint output (no corpus needed)."""
    truth = {
        "a": {"file": "m.py", "line": 10, "num_params": 100},
        "b": {"file": "m.py", "line": 20, "num_params": 200},
        "c": {"file": "m.py", "line": 30, "num_params": 300},
        "d": {"file": "m.py", "line": 40, "num_params": 400},
    }
    stdout = json.dumps(
        {
            "files": [
                {
                    "path": "/x/m.py",
                    "error": None,
                    "models": [
                        {"name": "a", "line": 10, "total_params": 100, "exact": True, "layers": [], "unresolved": []},
                        {"name": "b", "line": 20, "total_params": 201, "exact": True, "layers": [], "unresolved": []},
                        {
                            "name": "c",
                            "line": 30,
                            "total_params": None,
                            "exact": False,
                            "layers": [],
                            "unresolved": [{"line": 31, "reason": "dynamic"}],
                        },
                    ],
                }
            ]
        }
    )
    error, models = zoo.parse_summary(stdout, "m.py")
    assert error is None
    run = zoo.FileRun("m.py", 0.1, 0, error, models)
    status = {b: zoo.classify(b, t, run).status for b, t in truth.items()}
    assert status == {"a": "exact", "b": "WRONG", "c": "unresolved", "d": "missing"}
    assert zoo.parse_summary("not json", "m.py")[0].startswith("unparsable")


def test_truth_table_shape():
    doc = zoo.load_truth()
    builders = doc["builders"]
    assert 75 <= len(builders) <= 90
    assert builders["resnet18"]["num_params"] == 11_689_512
    assert builders["googlenet"]["num_params"] == 13_004_888
    assert builders["vit_h_14"]["num_params"] == 632_045_800
    assert all(isinstance(b["num_params"], int) and b["num_params"] > 0 for b in builders.values())


@pytest.mark.corpus
def test_every_torchvision_builder_counts_what_torchvision_builds():
    """All builders (detection, segmentation, video, optical flow, quantizable too) against the
    totals and trainable counts torchvision itself builds (bench/torchvision_built_truth.json,
    produced by running torchvision; see bench/torchvision_built.py)."""
    spec = importlib.util.spec_from_file_location("paramlint_bench_torchvision_built", BENCH_SCRIPT.parent / "torchvision_built.py")
    assert spec is not None and spec.loader is not None
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    truth = json.loads(built.TRUTH.read_text())
    models_dir = zoo.find_tree(version="0.29.1")
    if models_dir is None:
        pytest.skip("torchvision 0.29.1 source not available: run `python bench/torchvision_zoo.py --fetch`")
    rows = built.compare(Path(models_dir), truth)
    wrong = {n: r for n, r in rows.items() if r[0] == "WRONG"}
    assert not wrong, wrong
    exact = sum(1 for r in rows.values() if r[0] == "exact")
    assert exact >= 115, {n: r[0] for n, r in rows.items() if r[0] != "exact"}
