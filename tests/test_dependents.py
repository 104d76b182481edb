"""Files that import a changed file are checked with it (pre-commit passes only changed files)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

from paramlint.dependents import dependents, imported_names


def test_imported_names() -> None:
    text = (
        "import os, torch.nn as nn\n"
        "from .blocks import (ConvBlock,\n    classifier_head)  # two lines\n"
        "from .. import utils\n"
        "from pkg.sub import thing as other\n"
        "# from fake import nothing\n"
    )
    got = imported_names(text, "pkg.models.net", is_package=False)
    assert {"os", "torch.nn", "pkg.models.blocks", "pkg.models.blocks.ConvBlock", "pkg.models.blocks.classifier_head",
            "pkg", "pkg.utils", "pkg.sub", "pkg.sub.thing"} <= got
    assert not any("fake" in n for n in got)
    assert imported_names("from . import blocks\n", "pkg", is_package=True) == {"pkg", "pkg.blocks"}


def _write(root: Path, files: Dict[str, str]) -> List[str]:
    """The files written under ``root`` (directories made), as sorted candidate paths."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return [str(root / n) for n in sorted(files)]


def test_dependents_transitive(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    cands = _write(pkg, {
        "__init__.py": "",
        "blocks.py": "import torch.nn as nn\n",
        "stage.py": "from .blocks import Block\n",
        "net.py": "from pkg.stage import Stage\n",
        "other.py": "import torch\n",
    })
    got = dependents([str(pkg / "blocks.py")], cands)
    assert sorted(os.path.basename(p) for p in got) == ["net.py", "stage.py"]
    assert dependents([str(pkg / "other.py")], cands) == []


def test_dependents_through_a_package_init(tmp_path: Path) -> None:
    """The text pre-filter must not lose imports that never spell the wanted name: a relative
    ``from . import x`` runs the package's ``__init__``, which imports the changed block."""
    pkg = tmp_path / "pkg"
    cands = _write(tmp_path, {
        "pkg/__init__.py": "from .blocks import Block\n",
        "pkg/blocks.py": "import torch.nn as nn\n",
        "pkg/util.py": "from . import helpers\n",
        "pkg/helpers.py": "X = 1  # no imports at all\n",
        "app.py": "from pkg import util\n",
        "unrelated.py": "import os\n",
    })
    got = dependents([str(pkg / "blocks.py")], cands)
    assert sorted(os.path.relpath(p, tmp_path) for p in got) == ["app.py", "pkg/__init__.py", "pkg/util.py"]


def _index_project(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    _write(pkg, {"__init__.py": "", "blocks.py": "import torch.nn as nn\n", "net.py": "from .blocks import Block\n",
                 "other.py": "import os\n"})
    old = 1_600_000_000_000_000_000  # files older than the index by far more than RACY_NS
    for f in pkg.iterdir():
        os.utime(f, ns=(old, old))
    return pkg


def test_import_index_answers_like_a_full_scan_and_skips_unchanged_files(tmp_path: Path, monkeypatch) -> None:
    from paramlint.cache import Cache
    from paramlint.dependents import ImportIndex

    pkg = _index_project(tmp_path)
    cands = sorted(str(p) for p in pkg.iterdir())
    cache = Cache(str(tmp_path / "cache"))
    first = ImportIndex(cache)
    assert dependents([str(pkg / "blocks.py")], cands, first) == [str(pkg / "net.py")]
    first.save()

    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1])
    warm = ImportIndex(cache)
    assert dependents([str(pkg / "blocks.py")], cands, warm) == [str(pkg / "net.py")]
    assert not [f for f in opened if f.endswith(".py")]  # answered from the index: nothing read

    # other.py starts importing the block: its size and mtime change, so it is read again.
    (pkg / "other.py").write_text("import os\nfrom pkg import blocks\n", encoding="utf-8")
    again = ImportIndex(cache)
    assert dependents([str(pkg / "blocks.py")], cands, again) == [str(pkg / "net.py"), str(pkg / "other.py")]


def test_import_index_distrusts_recent_entries_and_ignores_a_broken_file(tmp_path: Path) -> None:
    from paramlint.cache import Cache
    from paramlint.dependents import ImportIndex

    pkg = _index_project(tmp_path)
    cands = sorted(str(p) for p in pkg.iterdir())
    cache = Cache(str(tmp_path / "cache"))
    ix = ImportIndex(cache)
    dependents([str(pkg / "blocks.py")], cands, ix)
    ix.save()
    # An entry whose file changed within RACY_NS of the index write could hide a same-size edit.
    fresh = ImportIndex(cache)
    now = fresh.written
    os.utime(pkg / "net.py", ns=(now, now))
    key = os.path.abspath(pkg / "net.py")
    fresh.entries[key][0] = now
    assert fresh.get(key, "pkg.net") is None
    for junk in ("not json", '{"version": 1, "files": []}', '{"files": {"x": 5}}'):
        (tmp_path / "cache" / ImportIndex.NAME).write_text(junk, encoding="utf-8")
        assert dependents([str(pkg / "blocks.py")], cands, ImportIndex(cache)) == [str(pkg / "net.py")]


def test_the_scan_skips_what_is_not_a_regular_file_and_other_projects(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A FIFO named *.py blocked the scan forever, a link to /dev/zero read until memory ran
    # out, and a nested project's broken pyproject.toml failed the check of an unrelated file.
    import stat

    import pytest

    from paramlint.cli import main

    _write(tmp_path, {
        "pyproject.toml": "[tool.paramlint]\nmax-params = \"1M\"\n",
        "app/model.py": "import torch.nn as nn\n\nm = nn.Linear(2, 2)\n",
        "app/use.py": "from app.model import m\n",
        "other/pyproject.toml": "[tool.paramlint]\nmax-parms = 3\n",
        "other/unrelated.py": "x = 1\n",
    })
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "app" / "fifo.py")
    (tmp_path / "app" / "zero.py").symlink_to("/dev/zero")
    assert stat.S_ISFIFO(os.stat(tmp_path / "app" / "fifo.py").st_mode)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "app/model.py"]) == 0
