"""``full``: each diagnostic with its source line and a caret, rustc/ruff style."""

from __future__ import annotations

from typing import List

from paramlint.diagnostics import CheckResult
from paramlint.types import printable
from paramlint.report.check_concise import summary


def render(result: CheckResult) -> str:
    out: List[str] = []
    for d in result.diagnostics:
        out.append(f"{d.severity}[{d.code}]: {d.message}")
        out.append(f"  --> {printable(d.path)}:{d.line}:{d.column + 1}")
        src = result.lines.get(d.path, ())
        n = str(d.line)
        pad = " " * max(len(n), 2)
        if 0 < d.line <= len(src):
            text = src[d.line - 1].rstrip().expandtabs(1)
            n = n.rjust(len(pad))
            out.append(f"{pad} |")
            out.append(f"{n} | {text}")
            out.append(f"{pad} | {' ' * d.column}^ {d.name}")
        else:
            out.append(f"{pad} = rule: {d.name}")
        if d.note:
            out.append(f"{pad} = formula: {d.note}")
        if d.model:
            out.append(f"{pad} = model: {d.model}" + (f", layer {d.layer}" if d.layer else ""))
        out.append("")
    out.append(summary(result))
    return "\n".join(out) + "\n"
