"""Inline suppression: ``# noqa: PRM101`` or ``# paramlint: ignore[PRM101]``.

On the diagnostic's own line, or on a comment-only line directly above it (a block of comment
lines counts, so it can sit with a ``# paramlint: input-shape=`` comment). A bare ``# noqa``
silences everything on its own line only; above a line it must name codes, so an unrelated
``# noqa`` on the previous statement never hides a budget finding.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Optional, Sequence

from paramlint.diagnostics import BY_NAME, Diagnostic

_NOQA = re.compile(r"#\s*noqa\b(?:\s*:\s*(?P<codes>[A-Za-z0-9_, \t-]+))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*paramlint\s*:\s*ignore\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)

#: Matches every code.
ALL: FrozenSet[str] = frozenset({"*"})


def _codes(text: Optional[str]) -> FrozenSet[str]:
    out: set[str] = set()
    for c in re.split(r"[\s,]+", text or ""):
        if c:
            out.add(BY_NAME.get(c.lower(), c.upper()))
    return frozenset(out)


def codes_on(line: str, above: bool) -> FrozenSet[str]:
    """Codes a comment in ``line`` suppresses (:data:`ALL` for all); ``above`` for the line-above form."""
    found: set[str] = set()
    if "#" not in line:
        return frozenset()
    for m in _IGNORE.finditer(line):
        codes = _codes(m.group("codes"))
        found |= codes if codes else ALL
    for m in _NOQA.finditer(line):
        codes = _codes(m.group("codes"))
        if codes:
            found |= codes
        elif not above:
            found |= ALL
    return frozenset(found)


def is_suppressed(d: Diagnostic, lines: Sequence[str]) -> bool:
    """Whether a comment on ``d.line`` or the comment lines just above it silences ``d``."""

    def hit(codes: FrozenSet[str]) -> bool:
        return "*" in codes or d.code in codes

    i = d.line - 1
    if 0 <= i < len(lines) and hit(codes_on(lines[i], above=False)):
        return True
    i -= 1
    while 0 <= i < len(lines) and lines[i].lstrip().startswith("#"):
        if hit(codes_on(lines[i], above=True)):
            return True
        i -= 1
    return False
