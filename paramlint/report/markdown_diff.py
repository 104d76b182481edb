"""A compact pull-request comment: a table of changed models, per-layer details collapsed."""

from __future__ import annotations

import html
from typing import List, Sequence

from paramlint.diff import DiffReport, GrowthFinding
from paramlint.report.diff_common import before_after, change, layer_params, layer_shape, layer_type

_MARK = {"added": "added", "removed": "removed", "changed": "changed"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def render(report: DiffReport, findings: Sequence[GrowthFinding] = ()) -> str:
    out: List[str] = [f"### paramlint: model size changes ({_code(report.base)} → {_code(report.head)})", ""]
    changed = report.changed
    if not changed:
        out.append(f"No model changed ({len(report.models)} compared).")
    else:
        out.append("| Model | Params | Δ params | Activations | Δ activations |")
        out.append("|---|---:|---:|---:|---:|")
        for m in changed:
            tag = {"added": " (new)", "removed": " (removed)", "unknown": " (unknown; sources changed)"}.get(m.status, "")
            out.append(f"| {_cell(_code(m.key))}{tag} | {before_after(m, 'params')} | {change(m, 'params')} "
                       f"| {before_after(m, 'activations')} | {change(m, 'activations')} |")
        unchanged = len(report.models) - len(changed)
        if unchanged:
            out.append("")
            out.append(f"{unchanged} unchanged model(s) not shown.")
    if findings:
        out.append("")
        out.append("**Growth budget**")
        out.append("")
        for f in findings:
            out.append(f"- :x: {_code(f.model.key)}: {_cell(f.message)}")
    for m in changed:
        if not m.layers:
            continue
        out.append("")
        # Markdown is not rendered inside <summary>: HTML, escaped.
        out.append(f"<details><summary><code>{html.escape(m.key)}</code>: {len(m.layers)} layer change(s)</summary>")
        out.append("")
        out.append("| | Layer | Type | Params | Output shape |")
        out.append("|---|---|---|---:|---|")
        for c in m.layers:
            out.append(f"| {_MARK[c.status]} | {_cell(_code(c.display_path))} | {_cell(layer_type(c))} | {_cell(layer_params(c))} | {_cell(layer_shape(c))} |")
        out.append("")
        out.append("</details>")
    notes = [f"- {_code(p)} ({side}): {_cell(msg)}" for side, p, msg in report.errors]
    for m in changed:
        for side, rep in (("before", m.before), ("after", m.after)):
            for u in rep.unresolved if rep else ():
                notes.append(f"- {_code(m.key)} ({side}) unknown: {_cell(u.reason)}")
    if notes:
        out += ["", "**Not analyzed exactly**", "", *notes]
    return "\n".join(out) + "\n"
