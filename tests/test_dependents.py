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
