"""Inline suppression: ``# noqa: PRM101`` or ``# paramlint: ignore[PRM101]``.

On the diagnostic's own line, or on a comment-only line directly above it (a block of comment
lines counts, so it can sit with a ``# paramlint: input-shape=`` comment). A bare ``# noqa``
silences everything on its own line only; above a line it must name codes, so an unrelated
``# noqa`` on the previous statement never hides a budget finding.
"""

from __future__ import annotations

import re
from typing import FrozenSet, List, Optional, Sequence, Tuple

from paramlint.diagnostics import BY_NAME, Diagnostic

_NOQA = re.compile(r"#\s*noqa\b(?:\s*:\s*(?P<codes>[A-Za-z0-9_, \t-]+))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*paramlint\s*:\s*ignore\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)

#: Matches every code.
ALL: FrozenSet[str] = frozenset({"*"})


def _tokens(text: Optional[str]) -> List[str]:
    """The codes or names a comment lists, as written (commas or blanks between)."""
    return [c for c in re.split(r"[\s,]+", text or "") if c]


def _code(token: str) -> str:
    """A listed code or rule name as its code (an unknown one upper-cased)."""
    return BY_NAME.get(token.lower(), token.upper())


def _codes(text: Optional[str]) -> FrozenSet[str]:
    return frozenset(_code(c) for c in _tokens(text))


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


#: A comment that may hold a suppression or a ``# paramlint:`` directive.
_COMMENT = re.compile(r"#[^\n]*\b(?:noqa|paramlint)\b[^\n]*", re.IGNORECASE)
_DIRECTIVE = re.compile(r"#\s*paramlint\s*:(?!\s*ignore\b)\s*(?P<items>.*)$", re.IGNORECASE)
#: Keys a ``# paramlint: key=value`` directive may set (``input-dtype``, the probe input's dtype
#: for token ids, changes no shape: read by the test oracle, accepted here).
DIRECTIVE_KEYS = ("input-shape", "input-dtype")


def invalid_comments(text: str) -> List[Tuple[int, int, str]]:
    """(line, column, why) for each suppression naming a code or rule paramlint does not have
    (``# noqa: PRM1O1``, ``# paramlint: ignore[layer-param-over-budget]``) and each
    ``# paramlint:`` directive it cannot read (``input-shape=1,3,abc``, an unknown key): such a
    comment silently did nothing. ``# noqa`` codes not starting with PRM belong to other tools."""
    from paramlint.diagnostics import RULES
    from paramlint.entrypoints import parse_shapes

    out: List[Tuple[int, int, str]] = []
    line, counted = 1, 0  # (lines counted up to ``counted``: each match counts only what follows the last)
    for m in _COMMENT.finditer(text):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        comment = m.group(0)
        for g in _IGNORE.finditer(comment):
            for c in _tokens(g.group("codes")):
                if _code(c) not in RULES:
                    out.append((line, col, f"invalid comment: {c!r} in paramlint: ignore[...] is no paramlint code or rule name"))
        for g in _NOQA.finditer(comment):
            for c in _tokens(g.group("codes")):
                if c.upper().startswith("PRM") and c.upper() not in RULES:
                    out.append((line, col, f"invalid comment: {c!r} in noqa is no paramlint code"))
        d = _DIRECTIVE.search(comment)
        if d is not None:
            for item in d.group("items").split():
                key, eq, value = item.partition("=")
                key = key.strip().lower()
                if key not in DIRECTIVE_KEYS or not eq:
                    out.append((line, col, f"invalid comment: paramlint directive {item!r} is not one of "
                                           f"{', '.join(k + '=...' for k in DIRECTIVE_KEYS)}"))
                elif key == "input-shape" and parse_shapes(value) is None:
                    out.append((line, col, f"invalid comment: input-shape={value} is not a shape (ints separated by "
                                           "commas, shapes by semicolons)"))
    return out
