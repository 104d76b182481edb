"""The default ``check`` format: ``path:line:col: CODE message``, one per line, then a summary."""

from __future__ import annotations

from typing import List

from paramlint.diagnostics import CheckResult, Diagnostic
from paramlint.types import printable


def line(d: Diagnostic) -> str:
    tail = " [warning]" if d.severity == "warning" else ""
    return f"{printable(d.path)}:{d.line}:{d.column + 1}: {d.code} {d.message}{tail}"


def summary(result: CheckResult) -> str:
    """``Found 3 errors and 1 warning (2 suppressed).`` or ``All checks passed!``."""
    e, w = result.errors, result.warnings
    sup = f" ({result.suppressed} suppressed)" if result.suppressed else ""
    if not e and not w:
        return f"All checks passed!{sup}"
    parts = []
    if e:
        parts.append(f"{e} error{'s' if e != 1 else ''}")
    if w:
        parts.append(f"{w} warning{'s' if w != 1 else ''}")
    return f"Found {' and '.join(parts)}{sup}."


def render(result: CheckResult) -> str:
    out: List[str] = [line(d) for d in result.diagnostics]
    out.append(summary(result))
    return "\n".join(out) + "\n"
