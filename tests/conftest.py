"""Shared test helpers: analyze fixture files in-process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT))


def analyze(path: Path, **options):  # type: ignore[no-untyped-def]
    """Run the engine on one file (paths relative to the repo, as users pass them)."""
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    rel = os.path.relpath(path, ROOT)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return analyze_file(Project(), rel, Options(**options))
    finally:
        os.chdir(cwd)


def models_by_name(report) -> Dict[str, object]:  # type: ignore[no-untyped-def]
    return {m.name: m for m in report.models}


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
