"""The real tools: flake8 with the PRM plugin, and pre-commit running this checkout's hook.

Both skip (with the reason) where the tool is not installed; the pre-commit test also skips
where pre-commit cannot build the hook's environment (no package index reachable).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PROJECT = ROOT / "tests" / "check_project"
LENET = (PROJECT / "models" / "lenet.py").read_text(encoding="utf-8")


def _plugin_registered() -> bool:
    from importlib.metadata import entry_points

    eps = entry_points()
    group = eps.select(group="flake8.extension") if hasattr(eps, "select") else eps.get("flake8.extension", [])
    return any(ep.value == "paramlint.flake8_plugin:Plugin" for ep in group)


def test_flake8_reports_the_same_findings() -> None:
    if importlib.util.find_spec("flake8") is None:
        pytest.skip("flake8 is not installed")
    if not _plugin_registered():
        pytest.skip("paramlint is not installed (pip install -e .), so its flake8 entry point is not registered")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PRM", "models", "experiments"],
                          cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    sep = os.sep
    assert f"models{sep}lenet.py:33:20: PRM101 LeNet.fc1 (Linear) has 48,120 params, budget 40,000 (+20%)" in lines
    assert f"models{sep}lenet.py:27:1: PRM201 LeNet has 62,958 params, budget 50,000 (+26%)" in lines
    assert f"models{sep}lenet.py:30:22: PRM102 LeNet.conv1 (Conv2d) outputs 6,272 elements (1, 8, 28, 28), budget 5,000 (+25%)" in lines
    # the block's conv is reported at the model that builds it (flake8 reports per file)
    assert any(ln.startswith(f"models{sep}small.py:8:1: PRM101 SmallNet.stage2.conv (Conv2d) has 18,432 params") for ln in lines)
    assert not any("quiet.py" in ln for ln in lines)  # suppressed inline
    assert len([ln for ln in lines if " PRM" in ln]) == 8, proc.stdout


def _pre_commit() -> list:  # type: ignore[type-arg]
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    exe = shutil.which("pre-commit")
    if exe is None:
        pytest.skip("pre-commit is not installed")
    return [exe]


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    cmd = _pre_commit()
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "user-repo"
    (repo / "models").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[tool.paramlint]\nmax-params = '50k'\n", encoding="utf-8")
    (repo / "models" / "lenet.py").write_text(LENET, encoding="utf-8")
    env = dict(os.environ, PRE_COMMIT_HOME=os.environ.get("PARAMLINT_TEST_PRE_COMMIT_HOME", str(tmp_path / "cache")),
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid", PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    def try_repo(*which: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        # PARAMLINT_TEST_HOOK_REPO: e.g. a clean clone, when the working tree holds unfinished edits
        # (try-repo takes tracked changes but not new files)
        hook_repo = os.environ.get("PARAMLINT_TEST_HOOK_REPO", str(ROOT))
        return subprocess.run([*cmd, "try-repo", hook_repo, "paramlint", *(which or ("--all-files",)), "--verbose"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    git("init", "-q")
    git("add", ".")
    first = try_repo()
    out = first.stdout + first.stderr
    if first.returncode != 0 and "An unexpected error has occurred" in out:
        pytest.skip(f"pre-commit could not install the hook here: {out.strip().splitlines()[-1][:200]}")
    assert first.returncode == 1, out[-3000:]
    assert "PRM201 LeNet has 62,958 params, budget 50,000 (+26%)" in out
    assert "Failed" in out

    (repo / "pyproject.toml").write_text("[tool.paramlint]\nmax-params = '63k'\n", encoding="utf-8")
    git("add", ".")
    second = try_repo()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout

    # only a block module is passed (as when only it changed): the model built from it, in a
    # file pre-commit did not pass, is checked all the same
    for name in ("__init__.py", "blocks.py", "small.py"):
        (repo / "models" / name).write_text((PROJECT / "models" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "pyproject.toml").write_text("[tool.paramlint]\nmax-params = '28k'\n", encoding="utf-8")
    git("add", ".")
    third = try_repo("--files", "models/blocks.py")
    out = third.stdout + third.stderr
    assert third.returncode == 1, out[-3000:]
    assert "PRM201 SmallNet has 28,506 params, budget 28,000 (+2%)" in out
    assert "LeNet" not in out  # lenet.py neither was passed nor imports blocks.py
