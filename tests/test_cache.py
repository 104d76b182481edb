"""The results cache: hits on unchanged input, misses whenever anything the report depends on
changed (the file, an imported block file, a module that appears, the options, paramlint's own
code), JSON round-trips of real reports, and a warm run that never imports LibCST.

Expected parameter counts are the frameworks' formulas for the layers written here:
``nn.Linear(i, o)`` has ``i*o + o`` parameters (torch), so Linear(4, 8) = 40, Linear(4, 16) = 80.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from conftest import FIXTURES, ROOT

from paramlint.cache import Cache, decode, encode
from paramlint.parallel import analyze_many
from paramlint.types import FileReport

MODEL = """\
import torch.nn as nn
from blocks import Block


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
"""
BLOCKS = """\
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, width=%d):
        super().__init__()
        self.fc = nn.Linear(4, width)
"""


def _totals(reports: List[FileReport]) -> List[object]:
    return [m.total_params for r in reports for m in r.models]


def _run(tmp: Path, cache: Cache, name: str = "model.py", **kwargs: object) -> List[FileReport]:
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        return analyze_many([(name, kwargs)], jobs=1, cache=cache)
    finally:
        os.chdir(cwd)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "blocks.py").write_text(BLOCKS % 8)
    return tmp_path


def test_hit_returns_the_same_report(project: Path) -> None:
    cache = Cache(str(project / ".paramlint_cache"))
    first = _run(project, cache)
    assert _totals(first) == [40] and cache.misses == 1 and cache.hits == 0
    second = _run(project, cache)
    assert cache.hits == 1
    assert second == first


def test_changed_imported_block_file_recomputes_the_importing_model(project: Path) -> None:
    cache = Cache(str(project / ".paramlint_cache"))
    assert _totals(_run(project, cache)) == [40]
    (project / "blocks.py").write_text(BLOCKS % 16)  # model.py itself is unchanged
    assert _totals(_run(project, cache)) == [80]
    assert cache.hits == 0
    assert _totals(_run(project, cache)) == [80] and cache.hits == 1
    (project / "blocks.py").write_text(BLOCKS % 8)  # back again: the entry (one per model.py) is stale
    assert _totals(_run(project, cache)) == [40] and cache.hits == 1


def test_module_that_appears_later_is_seen(tmp_path: Path) -> None:
    """Import resolution asked "does blocks.py exist?" and got no: creating it must miss."""
    (tmp_path / "model.py").write_text(MODEL)
    cache = Cache(str(tmp_path / ".paramlint_cache"))
    assert _totals(_run(tmp_path, cache)) != [40]  # Block is unknown without blocks.py
    (tmp_path / "blocks.py").write_text(BLOCKS % 8)
    assert _totals(_run(tmp_path, cache)) == [40]
    assert cache.hits == 0


def test_options_are_part_of_the_key(project: Path) -> None:
    cache = Cache(str(project / ".paramlint_cache"))
    _run(project, cache)
    _run(project, cache, input_shapes=((1, 4),))
    assert cache.hits == 0
    _run(project, cache, input_shapes=((1, 4),))
    assert cache.hits == 1


def test_directory_is_safe_to_delete_and_corrupt_entries_are_misses(project: Path) -> None:
    import shutil

    d = project / ".paramlint_cache"
    cache = Cache(str(d))
    _run(project, cache)
    assert (d / "CACHEDIR.TAG").exists() and (d / ".gitignore").read_text().strip().endswith("*")
    shutil.rmtree(d)
    assert _totals(_run(project, cache)) == [40]
    for entry in d.rglob("*.json"):
        entry.write_text("{not json")
    assert _totals(_run(project, cache)) == [40] and cache.hits == 0


@pytest.mark.parametrize("rel", ["lenet_torch.py", "gpt_tied.py", "keras_functional.py", "project_pkg/model.py"])
def test_reports_round_trip_through_json(rel: str) -> None:
    import json

    report = analyze_many([(str(FIXTURES / rel), {})], jobs=1)[0]
    assert report.models
    assert decode(json.loads(json.dumps(encode(report)))) == report


def _cli(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PARAMLINT_NO_CACHE", "PARAMLINT_CACHE_DIR")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_cli_warm_run_is_identical_and_never_imports_libcst(project: Path) -> None:
    code = ("import sys; from paramlint.cli import main; rc = main(sys.argv[1:]); "
            "print('LIBCST' if 'libcst' in sys.modules else 'NO-LIBCST', file=sys.stderr); sys.exit(rc)")
    cold = _cli(["-c", code, "summary", "model.py"], project)
    assert cold.returncode == 0 and "NO-LIBCST" not in cold.stderr, cold.stderr
    for _ in range(3):  # the key covers paramlint's own files: a concurrent edit of the checkout misses once
        warm = _cli(["-c", code, "summary", "model.py"], project)
        assert warm.returncode == 0 and warm.stdout == cold.stdout and "40" in warm.stdout
        if "NO-LIBCST" in warm.stderr:
            break
    assert "NO-LIBCST" in warm.stderr
    assert (project / ".paramlint_cache").is_dir()


def test_no_cache_flag_reads_and_writes_nothing(project: Path) -> None:
    r = _cli(["-m", "paramlint", "summary", "--no-cache", "model.py"], project)
    assert r.returncode == 0, r.stderr
    assert not (project / ".paramlint_cache").exists()
    r = _cli(["-m", "paramlint", "check", "--no-cache", "model.py"], project)
    assert r.returncode == 0, r.stderr
    assert not (project / ".paramlint_cache").exists()
