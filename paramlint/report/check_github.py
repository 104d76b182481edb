"""``github``: GitHub Actions workflow commands (annotations), worst first.

GitHub shows at most 10 error and 10 warning annotations per step, so the worst of each are
annotated and the rest are printed as plain log lines, followed by a summary line.
"""

from __future__ import annotations

from typing import Dict, List

from paramlint.diagnostics import CheckResult, Diagnostic
from paramlint.report.check_concise import line, summary

#: Annotations GitHub displays per step, per level.
CAP = 10


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, path: str) -> str:
    """``path``: relative to the repository, which GitHub resolves ``file`` against (a job
    running in a subdirectory would annotate no file with a path relative to it)."""
    level = "error" if d.severity == "error" else "warning"
    props = ",".join(f"{k}={escape_property(v)}" for k, v in (
        ("file", path), ("line", str(d.line)), ("col", str(d.column + 1)), ("title", f"{d.code} {d.name}")))
    return f"::{level} {props}::{escape_data(f'{d.code} {d.message}')}"


def render(result: CheckResult) -> str:
    out: List[str] = []
    rest: List[Diagnostic] = []
    shown: Dict[str, int] = {}
    for d in sorted(result.diagnostics, key=Diagnostic.worst_first_key):
        if shown.get(d.severity, 0) < CAP:
            shown[d.severity] = shown.get(d.severity, 0) + 1
            out.append(annotation(d, result.repo_path(d.path)))
        else:
            rest.append(d)
    out.extend(line(d) for d in rest)
    tail = f" {len(rest)} more not annotated (GitHub shows {CAP} per level per step); listed above." if rest else ""
    out.append(f"paramlint: {summary(result)}{tail}")
    return "\n".join(out) + "\n"
