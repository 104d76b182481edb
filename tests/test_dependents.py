"""Files that import a changed file are checked with it (pre-commit passes only changed files)."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_dependents_transitive(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    files = {
        "__init__.py": "",
        "blocks.py": "import torch.nn as nn\n",
        "stage.py": "from .blocks import Block\n",
        "net.py": "from pkg.stage import Stage\n",
        "other.py": "import torch\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    cands = [str(pkg / n) for n in sorted(files)]
    got = dependents([str(pkg / "blocks.py")], cands)
    assert sorted(os.path.basename(p) for p in got) == ["net.py", "stage.py"]
    assert dependents([str(pkg / "other.py")], cands) == []


def test_dependents_through_a_package_init(tmp_path: Path) -> None:
    """The text pre-filter must not lose imports that never spell the wanted name: a relative
    ``from . import x`` runs the package's ``__init__``, which imports the changed block."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    files = {
        "pkg/__init__.py": "from .blocks import Block\n",
        "pkg/blocks.py": "import torch.nn as nn\n",
        "pkg/util.py": "from . import helpers\n",
        "pkg/helpers.py": "X = 1  # no imports at all\n",
        "app.py": "from pkg import util\n",
        "unrelated.py": "import os\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    cands = [str(tmp_path / n) for n in sorted(files)]
    got = dependents([str(pkg / "blocks.py")], cands)
    assert sorted(os.path.relpath(p, tmp_path) for p in got) == ["app.py", "pkg/__init__.py", "pkg/util.py"]
