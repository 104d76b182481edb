"""paramlint runs on Python 3.9+ but reads code of any version: a syntax error is never blamed on
valid syntax that only the running interpreter is too old for."""

from __future__ import annotations

import dataclasses

import pytest

from paramlint.evaluate.limits import Limits
from paramlint.source import SourceError, parse
from paramlint.types import Location

NEWER = {
    "match": "match x:\n    case 1:\n        pass\n",
    "except*": "try:\n    pass\nexcept* ValueError:\n    pass\n",
    "type": "type X = int\n",
    "generic def": "def f[T](x: T) -> T:\n    return x\n",
    "generic class": "class C[T]:\n    pass\n",
}


@pytest.mark.parametrize("name", sorted(NEWER))
def test_newer_syntax_parses_and_errors_are_not_blamed_on_it(name: str) -> None:
    parse(NEWER[name])  # LibCST reads it whatever the running Python
    text = NEWER[name] + "\n\ndef g(:\n    pass\n"
    real = text.count("\n", 0, text.index("def g(")) + 1
    with pytest.raises(SourceError) as info:
        parse(text)
    assert info.value.line >= real, info.value.message


def test_frozen_data_types_on_every_version() -> None:
    loc = Location("a.py", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.line = 4  # type: ignore[misc]
    assert loc == Location("a.py", 3, 0) and hash(loc) == hash(Location("a.py", 3))
    assert dataclasses.is_dataclass(Limits())


def test_zip_strict_and_int_is_integer_evaluate_alike_on_every_version(tmp_path) -> None:
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    src = tmp_path / "m.py"
    src.write_text(
        "import torch.nn as nn\n"
        "class M(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        n = 8\n"
        "        self.a = nn.ModuleList([nn.Linear(i, o) for i, o in zip([1, 2], [3, 4], strict=True)])\n"
        "        self.b = nn.Linear(n if n.is_integer() else 1, 2)\n"
        "class N(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.a = nn.ModuleList([nn.Linear(i, o) for i, o in zip([1, 2], [3, 4, 5], strict=True)])\n"
    )
    models = {m.name: m for m in analyze_file(Project(), str(src), Options()).models}
    # torch: Linear(1, 3) 6 + Linear(2, 4) 12 + Linear(8, 2) 18
    assert models["M"].total_params == 36
    assert models["N"].total_params is None  # zip(strict=True) raises there: no figure


def test_parse_skips_node_validation_only_while_parsing() -> None:
    """paramlint parses without LibCST's per-node checks (a parsed tree is valid by
    construction) and leaves them on for everyone else afterwards, even after an error."""
    import libcst as cst

    text = "import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(2, (3))\n"
    assert parse(text).code == text == cst.parse_module(text).code
    with pytest.raises(SourceError):
        parse("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("1 not a name")
