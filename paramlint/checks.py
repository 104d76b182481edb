"""Checks: pure functions from a model's figures and the settings that apply to it to
diagnostics. No I/O, no paths resolved here (the runner normalizes them afterwards).
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional

from paramlint.config import Settings
from paramlint.diagnostics import Diagnostic
from paramlint.types import FileReport, LayerRow, Location, ModelReport, Shape, Unresolved

_LIMIT = re.compile(r"\blimit\b|too long|of a large number|nesting too deep|out of memory")


def classify(reason: str) -> str:
    """The PRM9xx code for an analysis problem, from the evaluator's reason text."""
    if reason.startswith("invalid comment"):
        return "PRM905"
    if "not in paramlint's" in reason:
        return "PRM902"
    if _LIMIT.search(reason):
        return "PRM904"
    return "PRM903"


def num(n: int) -> str:
    return f"{n:,}"


def over(value: int, limit: int) -> str:
    """``(+136%)``: how far over budget, never shown as +0% when it is over."""
    if limit == 0:
        return ""
    pct = (value - limit) * 100 / limit
    return " (+<1%)" if pct < 0.5 else f" (+{pct:,.0f}%)"


def _shape(s: Optional[Shape]) -> str:
    if s is None:
        return "?"
    return "(" + ", ".join("?" if d is None else str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def _where(u: Unresolved) -> str:
    loc = u.location
    return f"{u.reason} ({loc.path}:{loc.line})" if loc is not None else u.reason


def _severity(unknown: str) -> Optional[str]:
    return None if unknown == "ignore" else ("error" if unknown == "error" else "warning")


def check_model(path: str, model: ModelReport, s: Settings) -> List[Diagnostic]:
    """Budget findings (PRM101/102/201) and, where a budget cannot be checked, PRM903/904."""
    mloc = model.location or Location(path, 1, 0)
    out: List[Diagnostic] = []
    unk = _severity(s.unknown)

    def at(loc: Optional[Location], code: str, msg: str, layer: Optional[str] = None, severity: str = "error",
           value: Optional[int] = None, limit: Optional[int] = None, note: str = "") -> None:
        loc = loc or mloc
        out.append(Diagnostic(loc.path, loc.line, loc.column, code, msg, severity, model.name, layer, value, limit, note))

    why = _where(model.unresolved[0]) if model.unresolved else "unknown"
    for u in model.unresolved + model.shape_notes:
        if classify(u.reason) == "PRM904" and unk:
            at(None, "PRM904", f"{model.name}: {u.reason}", severity=unk)

    unchecked: List[str] = []
    if s.max_params is not None:
        if model.total_params is None or model.unresolved:
            unchecked.append(f"max-params {num(s.max_params)}")
        elif model.total_params > s.max_params:
            at(None, "PRM201", f"{model.name} has {num(model.total_params)} params, budget {num(s.max_params)}{over(model.total_params, s.max_params)}",
               value=model.total_params, limit=s.max_params)

    if s.max_layer_params is not None:
        unknown_rows: List[LayerRow] = []
        for r in model.layers:
            if r.shared:
                continue
            if r.params is None:
                unknown_rows.append(r)
            elif r.params > s.max_layer_params:
                at(r.location, "PRM101", f"{model.name}.{r.path} ({r.type}) has {num(r.params)} params, budget {num(s.max_layer_params)}{over(r.params, s.max_layer_params)}",
                   r.path, value=r.params, limit=s.max_layer_params, note=r.formula)
        if unknown_rows or not model.exact:
            unchecked.append(f"max-layer-params {num(s.max_layer_params)}")
    if unchecked and unk:
        at(None, "PRM903", f"{model.name}: parameter count unknown: {why}; not checked: {', '.join(unchecked)}", severity=unk)

    if s.max_activation_size is not None:
        traced = [r for r in model.layers if r.output_shape is not None]
        for r in traced:
            if r.activation_size is not None and r.activation_size > s.max_activation_size:
                at(r.location, "PRM102", f"{model.name}.{r.path} ({r.type}) outputs {num(r.activation_size)} elements {_shape(r.output_shape)}, "
                   f"budget {num(s.max_activation_size)}{over(r.activation_size, s.max_activation_size)}",
                   r.path, value=r.activation_size, limit=s.max_activation_size)
        # a bare parameter row (``nn.Parameter``) has no output to measure
        missing = [r for r in model.layers if r.activation_size is None and r.type != "Parameter"]
        if unk and missing and not traced and not model.input_shape:
            at(None, "PRM903", f"{model.name}: output shapes unknown (no input shape: add `# paramlint: input-shape=...` "
               f"or input-shape in the config); max-activation-size {num(s.max_activation_size)} not checked", severity=unk)
        elif unk and (missing or (not model.layers and not model.exact)):
            reason = _where(model.shape_notes[0]) if model.shape_notes else (why if not model.exact else "not traced")
            first = missing[0] if missing else None
            what = (f"output shape of {len(missing)} layer{'s' if len(missing) > 1 else ''} unknown (first: {first.path})"
                    if first else "output shapes unknown")
            at(first.location if first else None, "PRM903", f"{model.name}: {what}: {reason}; "
               f"max-activation-size {num(s.max_activation_size)} not checked", first.path if first else None, severity=unk)
    return out


def check_forward(path: str, model: ModelReport, s: Settings) -> List[Diagnostic]:
    """Whole-forward-pass budgets: activation memory (PRM203) and MACs (PRM204)."""
    from paramlint.macs import activation_bytes

    loc = model.location or Location(path, 1, 0)
    out: List[Diagnostic] = []
    unk = _severity(s.unknown)
    figures = (
        ("PRM203", "max-activation-memory", s.max_activation_memory,
         activation_bytes(model.total_activations, s.activation_dtype), f"bytes of {s.activation_dtype} activations"),
        ("PRM204", "max-macs", s.max_macs, model.total_macs, "MACs"),
    )
    for code, key, budget, value, what in figures:
        if budget is None:
            continue
        if value is None:
            if unk:
                notes = model.shape_notes or (model.macs_notes if code == "PRM204" else ())
                reason = _where(notes[0]) if notes else "no input shape, or a shape could not be traced"
                out.append(Diagnostic(loc.path, loc.line, loc.column, "PRM903",
                                      f"{model.name}: {what} unknown ({reason}); {key} {num(budget)} not checked", unk, model.name))
        elif value > budget:
            out.append(Diagnostic(loc.path, loc.line, loc.column, code,
                                  f"{model.name} takes {num(value)} {what} per forward pass, budget {num(budget)}{over(value, budget)}",
                                  "error", model.name, None, value, budget))
    return out


def check_notes(report: FileReport, s: Settings) -> Iterator[Diagnostic]:
    """PRM901 for a file that could not be analyzed; PRM902/904 for problems noted while analyzing."""
    if report.error is not None:
        loc = report.error_location or Location(report.path, 1, 0)
        yield Diagnostic(loc.path, loc.line, loc.column, "PRM901", report.error, "error")
        return
    sev = _severity(s.unknown)
    if sev is None:
        return
    for n in report.notes:
        code = classify(n.reason)
        if code == "PRM903":
            continue  # unresolved figures are reported where a budget needs them
        loc = n.location or Location(report.path, 1, 0)
        yield Diagnostic(loc.path, loc.line, loc.column, code, n.reason, sev)
