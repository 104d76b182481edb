"""The terminal view of a diff: one block per changed model, layer changes indented."""

from __future__ import annotations

from typing import List, Sequence

from paramlint.diff import DiffReport, GrowthFinding
from paramlint.report.diff_common import before_after, change, layer_params, layer_shape, layer_type

_MARK = {"added": "+", "removed": "-", "changed": "~"}


def render(report: DiffReport, findings: Sequence[GrowthFinding] = ()) -> str:
    out: List[str] = [f"paramlint diff {report.base} → {report.head}"]
    changed = report.changed
    if not changed:
        out.append(f"no model changed ({len(report.models)} compared)")
    for m in changed:
        out.append("")
        tag = {"added": " (new model)", "removed": " (removed)", "unknown": " (figures unknown; its sources changed)"}.get(m.status, "")
        out.append(f"{m.key}{tag}")
        out.append(f"  params       {before_after(m, 'params')}   {change(m, 'params')}")
        out.append(f"  activations  {before_after(m, 'activations')}   {change(m, 'activations')}")
        if m.status == "changed":
            for c in m.layers:
                out.append(f"  {_MARK[c.status]} {c.display_path}  {layer_type(c)}  params {layer_params(c)}  out {layer_shape(c)}")
        for side, rep in (("before", m.before), ("after", m.after)):
            for u in rep.unresolved if rep else ():
                out.append(f"  unknown ({side}): {u.reason}")
    if len(report.models) > len(changed) and changed:
        out.append("")
        out.append(f"{len(report.models) - len(changed)} model(s) unchanged")
    for side, path, msg in report.errors:
        out.append(f"{path}: error ({side}): {msg}")
    for f in findings:
        loc = f.model.location
        where = f"{loc.path}:{loc.line}:{loc.column + 1}" if loc else f.model.file
        out.append(f"{where}: {'PRM202' if f.growth is not None else 'PRM903'} {f.message}")
    return "\n".join(out) + "\n"
