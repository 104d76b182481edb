"""``markdown``: a per-model table and the findings, fit for a pull-request comment."""

from __future__ import annotations

from typing import List, Optional

from paramlint.checks import over
from paramlint.diagnostics import CheckedModel, CheckResult, Diagnostic
from paramlint.report.check_concise import summary


def cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def num(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


def _status(ds: List[Diagnostic]) -> str:
    if any(d.severity == "error" for d in ds):
        return ":x:"
    return ":warning:" if ds else ":white_check_mark:"


def _row(cm: CheckedModel, ds: List[Diagnostic]) -> str:
    m = cm.model
    where = f"{cm.path}:{m.location.line}" if m.location else cm.path
    total = num(m.total_params)
    budget = "-" if cm.max_params is None else num(cm.max_params)
    if cm.max_params is not None and m.total_params is not None and m.total_params > cm.max_params:
        budget += over(m.total_params, cm.max_params)
    rows = [r for r in m.layers if r.params is not None and not r.shared]
    big = max(rows, key=lambda r: r.params or 0) if rows else None
    # with an unknown total, the largest known layer may not be the largest: say so
    largest = "?" if not m.exact else (f"`{cell(big.path)}` {num(big.params)}" if big is not None else "-")
    acts = [r for r in m.layers if r.activation_size is not None and r.output_shape is not None]
    peak = max(acts, key=lambda r: r.activation_size or 0) if acts else None
    # (every applied layer's output known: rows without one -- a parameter registered on a
    # module, a submodule never applied -- hold no activation)
    traced_all = peak is not None and m.total_activations is not None and not m.shape_notes and m.exact
    peak_s = f"`{cell(peak.path)}` {num(peak.activation_size)}" if traced_all and peak is not None else ("?" if m.layers else "-")
    status = _status(ds) + (f" {len(ds)}" if ds else "")
    return f"| `{cell(m.name)}` | `{cell(where)}` | {total} | {budget} | {largest} | {peak_s} | {status} |"


def render(result: CheckResult) -> str:
    out: List[str] = [f"### paramlint: {summary(result)}", ""]
    if result.models:
        out.append("| Model | Defined at | Params | Budget | Largest layer | Peak activation | Status |")
        out.append("|---|---|---:|---:|---|---:|:---:|")
        for cm in result.models:
            ds = [d for d in result.diagnostics if d.model == cm.model.name]
            out.append(_row(cm, ds))
        out.append("")
    if result.diagnostics:
        out.append("| | Location | Code | Message |")
        out.append("|:---:|---|---|---|")
        for d in result.diagnostics:
            icon = ":x:" if d.severity == "error" else ":warning:"
            out.append(f"| {icon} | `{cell(f'{d.path}:{d.line}:{d.column + 1}')}` | {d.code} {d.name} | {cell(d.message)} |")
        out.append("")
    return "\n".join(out)
