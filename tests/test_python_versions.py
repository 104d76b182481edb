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
