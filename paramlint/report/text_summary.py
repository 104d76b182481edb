"""The human summary: one table per model, numbers grouped like torchinfo and Keras."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from paramlint.types import FileReport, Location, ModelReport, Shape, printable


def num(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


def shape(s: Optional[Shape]) -> str:
    if s is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def where(loc: Optional[Location]) -> str:
    return f"{printable(loc.path)}:{loc.line}" if loc is not None else "?"


def render_model(m: ModelReport) -> List[str]:
    head = f"Model: {m.name}  ({m.framework}, {where(m.location)})"
    if m.input_shape:
        head += "  input " + " ".join(shape(s) for s in m.input_shape)
    traced = any(r.output_shape is not None for r in m.layers)
    rows: List[Tuple[str, ...]] = [("Layer", "Type", "Output shape", "Activations", "MACs", "Params")]
    for r in m.layers:
        p = num(r.params)
        if r.shared:
            p += " (shared)"
        rows.append((r.path, r.type, shape(r.output_shape) if r.output_shape is not None else "-",
                     num(r.activation_size) if r.output_shape is not None else "-",
                     num(r.macs) if r.output_shape is not None else "-", p))
    if not traced:  # no forward pass: no activation or MAC columns to show
        rows = [(a, b, c, f) for a, b, c, _, _, f in rows]
    n = len(rows[0])
    widths = [max(len(row[i]) for row in rows) for i in range(n)]
    out = [head]
    sep = "-" * (sum(widths) + 2 * (n - 1))
    out.append(sep)
    for i, row in enumerate(rows):
        out.append("  ".join((row[j].ljust(widths[j]) if j < 3 else row[j].rjust(widths[j])) for j in range(n)).rstrip())
        if i == 0:
            out.append(sep)
    out.append(sep)
    out.append(f"Total params: {num(m.total_params)}")
    out.append(f"Trainable params: {num(m.trainable_params)}")
    out.append(f"Non-trainable params: {num(m.non_trainable_params)}")
    if traced:
        per = " per sample" if m.input_shape and any(s and s[0] is None for s in m.input_shape) else ""
        out.append(f"Total MACs{per}: {num(m.total_macs)}  (multiply-accumulates; FLOPs = 2 x MACs)")
        out.append(f"Total activations{per}: {num(m.total_activations)}"
                   + (f"  ({num(m.total_activations * 4)} bytes as float32)" if m.total_activations is not None else ""))
    for u in m.unresolved:
        out.append(f"Unknown: {u.reason} ({where(u.location)})")
    for u in m.shape_notes:
        out.append(f"Shapes unknown: {u.reason} ({where(u.location)})")
    for u in m.macs_notes:
        out.append(f"MACs unknown: {u.reason} ({where(u.location)})")
    return out


def render(files: Sequence[FileReport]) -> str:
    out: List[str] = []
    for f in files:
        if f.error is not None:
            loc = f.error_location
            out.append(f"{printable(f.path)}:{loc.line}:{loc.column + 1}: error: {f.error}" if loc else f"{printable(f.path)}: error: {f.error}")
            out.append("")
            continue
        for m in f.models:
            out.extend(render_model(m))
            out.append("")
        for s in f.skipped:
            out.append(f"{where(s.location)}: {s.name} not built: {s.reason}")
        for n in f.notes:
            out.append(f"{where(n.location)}: note: {n.reason}")
        if not f.models and not f.skipped:
            out.append(f"{printable(f.path)}: no models found")
        if f.skipped or f.notes or not f.models:
            out.append("")
    return "\n".join(out).rstrip() + "\n"
