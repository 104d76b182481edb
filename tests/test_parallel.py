"""Many files: a process pool gives exactly the serial results, each analyzed file's report
does not depend on the other files of the run, each project file is parsed at most once per
process, and cost is flat in model size (GPT-3 175B vs GPT-2 small, figures from torch)."""

from __future__ import annotations

import collections
import os
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import FIXTURES, ROOT

from paramlint import parallel
from paramlint.discovery import discover

#: Benchmark inputs, not fixtures: a golden would need torch to build GPT-3 175B for real; the
#: ``# expect:`` figures were taken from torch on the meta device (see their docstrings).
GPT_SIZES = ROOT / "bench" / "gpt_sizes"


def _items(paths: List[str]) -> List[Tuple[str, Dict[str, object]]]:
    return [(p, {}) for p in discover(paths)]


@pytest.fixture(autouse=True)
def _in_repo():  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(cwd)


def test_pool_results_identical_to_serial() -> None:
    items = _items(["fixtures"])
    assert len(items) >= parallel.MIN_FILES
    serial = parallel.analyze_many(items, jobs=1)
    pooled = parallel.analyze_many(items, jobs=2)
    assert [r.path for r in pooled] == [p for p, _ in items]
    assert pooled == serial


def test_report_independent_of_other_files_and_order() -> None:
    model = "fixtures/project_pkg/model.py"
    alone = parallel.analyze_many([(model, {})], jobs=1)[0]
    parallel._SOURCES.clear()
    items = _items(["fixtures/project_pkg", "fixtures/resnet_blocks.py"])
    forward = {r.path: r for r in parallel.analyze_many(items, jobs=1)}
    backward = {r.path: r for r in parallel.analyze_many(items[::-1], jobs=1)}
    assert forward[model] == backward[model] == alone
    assert forward == backward


def test_each_project_file_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three files import project_pkg/blocks.py; it is parsed once, as is every other file."""
    from paramlint.evaluate import project

    parsed: collections.Counter = collections.Counter()
    real = project.load

    def counting(path: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
        parsed[os.path.abspath(path)] += 1
        return real(path, name, data)

    monkeypatch.setattr(project, "load", counting)
    parallel._SOURCES.clear()
    items = _items(["fixtures/project_pkg"]) * 3  # the same files again: still no re-parse
    parallel.analyze_many(items, jobs=1)
    assert parsed[os.path.abspath("fixtures/project_pkg/blocks.py")] == 1
    assert parsed and max(parsed.values()) == 1


def _expect(path: Path) -> Dict[str, int]:
    m = re.search(r"# expect: total=(\d+) trainable=(\d+) non_trainable=(\d+)", path.read_text())
    assert m, path
    return {"total": int(m.group(1)), "trainable": int(m.group(2)), "non_trainable": int(m.group(3))}


@pytest.mark.parametrize("name", ["gpt2_small", "gpt3_width_12_layers", "gpt3_175b"])
def test_gpt_sizes_exact(name: str) -> None:
    """Totals equal torch's (built on the meta device; see the fixture docstrings)."""
    path = GPT_SIZES / f"{name}.py"
    (report,) = parallel.analyze_many([(str(path.relative_to(ROOT)), {})], jobs=1)
    (m,) = report.models
    want = _expect(path)
    assert (m.total_params, m.trainable_params, m.non_trainable_params) == (want["total"], want["trainable"], want["non_trainable"])


def test_memory_flat_in_model_size(tmp_path: Path) -> None:
    """Parameter magnitude costs nothing: sizes are Python ints, never arrays. The same 12-layer
    GPT at GPT-2 width (124M) and at GPT-3 width d=12288 (~22B) peaks at the same memory; GPT-3
    175B itself has 8x the layers (so 8x the rows), and costs at most in that proportion."""
    import shutil
    import subprocess
    import sys

    src = GPT_SIZES
    shutil.copy(src / "model.py", tmp_path / "model.py")
    for name in ("gpt2_small", "gpt3_175b"):
        shutil.copy(src / f"{name}.py", tmp_path / f"{name}.py")
    wide = (src / "gpt2_small.py").read_text().replace("n_head=12, n_embd=768", "n_head=96, n_embd=12288")
    assert wide != (src / "gpt2_small.py").read_text()
    (tmp_path / "gpt2_wide.py").write_text(wide)

    # Each measure in a fresh interpreter: in this one, the evaluator's per-node caches (filled by
    # every test before this one) grow a table now and then, and a resize landing in one of
    # the runs moved its peak by 10%.
    probe = (
        "import sys, tracemalloc\n"
        "from paramlint import parallel\n"
        "parallel.analyze_many([(sys.argv[1], {})], jobs=1)\n"  # warm lazily imported modules
        "parallel._SOURCES.clear()\n"
        "tracemalloc.start()\n"
        "(r,) = parallel.analyze_many([(sys.argv[2], {})], jobs=1)\n"
        "assert r.models and r.models[0].total_params, r\n"
        "print(tracemalloc.get_traced_memory()[1])\n"
    )

    def peak(name: str) -> int:
        out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "gpt2_small.py"), str(tmp_path / f"{name}.py")],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        return int(out.stdout.split()[-1])

    small, wide_peak, big = peak("gpt2_small"), peak("gpt2_wide"), peak("gpt3_175b")
    assert wide_peak < 1.1 * small, (small, wide_peak)
    assert big < 8 * small, (small, big)


def test_a_dying_worker_costs_only_its_own_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash below Python in a worker (simulated: the process exits) never loses the run."""
    real = parallel.analyze_one

    def crashing(index, path, *rest):  # type: ignore[no-untyped-def]
        if path.endswith("vgg_cfg.py"):
            os._exit(70)
        return real(index, path, *rest)

    monkeypatch.setattr(parallel, "analyze_one", crashing)
    items = _items(["fixtures/lenet_torch.py", "fixtures/vgg_cfg.py", "fixtures/gpt_tied.py", "fixtures/resnet_blocks.py"])
    reports = parallel.analyze_many(items, jobs=2)
    by = {r.path: r for r in reports}
    assert [r.path for r in reports] == [p for p, _ in items]
    assert "died" in (by["fixtures/vgg_cfg.py"].error or "")
    assert all(r.error is None and r.models for p, r in by.items() if p != "fixtures/vgg_cfg.py")
