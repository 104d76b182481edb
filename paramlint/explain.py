"""Why each figure is what it is: per layer, the formula with the actual numbers.

Nothing here restates a formula. Parameter formulas come from the parameter shapes the
catalog created (``LayerRow.formula``); shape formulas come from re-running the catalog's
own output function with the shape helpers' explain hook on (``catalog.shapes.explaining``),
and are shown only when that re-run gives the very shape the analysis recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from paramlint.report.text_summary import num as _num, shape as _shape
from paramlint.types import SLOTS, LayerRow, Location, ModelReport, Shape, Skipped, Unresolved

#: How each framework counts a model's total (what the figures are checked against).
TOTAL_CONVENTION = {
    "torch": "sum(p.numel() for p in model.parameters()): each Parameter once (tied weights once), buffers excluded",
    "keras": "model.count_params(): every weight, trainable or not (BatchNormalization moving stats count)",
    "flax": "size of the params collection (batch_stats excluded)",
}


@dataclass(frozen=True, **SLOTS)
class LayerExplanation:
    """One summary row, with what it was built from."""

    row: LayerRow
    #: Constructor arguments that differ from the framework's defaults, as ``name=value``.
    args: str
    #: The framework's counting convention for this layer type (catalog ``note``).
    convention: str
    input_shape: Optional[Shape]
    #: Shape formulas with the actual numbers, one per computed dimension.
    shape_steps: Tuple[str, ...]


@dataclass(frozen=True, **SLOTS)
class ModelExplanation:
    report: ModelReport
    layers: Tuple[LayerExplanation, ...]


@dataclass(frozen=True, **SLOTS)
class ExplainResult:
    path: str
    models: Tuple[ModelExplanation, ...] = ()
    skipped: Tuple[Skipped, ...] = ()
    notes: Tuple[Unresolved, ...] = ()
    error: Optional[str] = None


def explain_file(path: str, name: Optional[str] = None, input_shapes: Optional[Tuple[Shape, ...]] = None,
                 model_inputs: Optional[Dict[str, Tuple[Shape, ...]]] = None) -> ExplainResult:
    """Explain the models of one file (only ``name`` when given). Never raises."""
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    built: Dict[str, Tuple[Any, Any]] = {}

    def keep(rep: ModelReport, layer: Any, calls: Any) -> None:
        built.setdefault(rep.name, (layer, list(calls or ())))

    fr = analyze_file(Project(), path, Options(input_shapes=input_shapes, model_inputs=model_inputs or {}, on_model=keep))
    if fr.error is not None:
        loc = fr.error_location
        return ExplainResult(path, error=f"{loc}: {fr.error}" if loc else f"{path}: {fr.error}")
    models = [m for m in fr.models if name is None or m.name == name]
    skipped = tuple(s for s in fr.skipped if name is None or s.name == name)
    if name is not None and not models:
        if skipped:
            return ExplainResult(path, skipped=skipped, error=f"{path}::{name} not built: {skipped[0].reason}")
        found = ", ".join(m.name for m in fr.models) or "none"
        return ExplainResult(path, error=f"no model {name!r} in {path} (models found: {found})")
    out = []
    for m in models:
        layer, calls = built.get(m.name, (None, []))
        try:
            out.append(ModelExplanation(m, tuple(_explain_model(m, layer, calls))))
        except Exception:  # explanations are extras: the figures stand without them
            out.append(ModelExplanation(m, tuple(LayerExplanation(r, "", "", None, ()) for r in m.layers)))
    return ExplainResult(path, tuple(out), skipped, fr.notes)


def _explain_model(m: ModelReport, root: Any, calls: Sequence[Any]) -> List[LayerExplanation]:
    if root is None:
        return [LayerExplanation(r, "", "", None, ()) for r in m.layers]
    from paramlint.evaluate.modules import walk

    paths = {id(layer): p for p, layer in walk(root)}
    layers_by_path: Dict[str, Any] = {p: layer for p, layer in walk(root)}
    pending: Dict[str, List[Any]] = {}
    for c in calls:
        key = (c.layer.name or paths.get(id(c.layer))) if c.layer.framework == "keras" else paths.get(id(c.layer))
        if key is not None:
            pending.setdefault(key, []).append(c)
        if c.layer.framework == "keras" and c.layer.name:
            layers_by_path.setdefault(c.layer.name, c.layer)
    out = []
    for r in m.layers:
        queue = pending.get(r.path)
        call = queue.pop(0) if queue else None
        layer = call.layer if call is not None else layers_by_path.get(r.path)
        spec = getattr(layer, "spec", None) if layer is not None and r.type != "Parameter" else None
        in_shape = call.input_shapes[0] if call is not None and call.input_shapes else None
        steps: Tuple[str, ...] = ()
        if spec is not None and call is not None and in_shape is not None and r.output_shape is not None:
            # (a spec comes from a layer, so layer is not None here)
            steps = _shape_steps(spec, layer.args, in_shape, r.output_shape)  # type: ignore[union-attr]
        out.append(LayerExplanation(
            r, _args_text(spec, layer.args) if spec is not None and layer is not None else "", spec.note if spec is not None else "",
            in_shape, steps,
        ))
    return out


def _shape_steps(spec: Any, args: Dict[str, Any], in_shape: Shape, expected: Shape) -> Tuple[str, ...]:
    """Re-run the catalog's output function with the explain hook on; keep the text only if
    it reproduces the recorded shape (so an explanation can never disagree with a figure)."""
    from paramlint.catalog.shapes import explaining
    from paramlint.catalog.spec import Args, ArgError

    if spec.output is None:
        return ()
    lines: List[str] = []
    try:
        with explaining(lines.append):
            got = spec.output(Args(spec.name, args), in_shape)
    except ArgError:
        return ()
    except Exception:  # a catalog function fed a form of input it does not take here: no text
        return ()
    try:
        return tuple(lines) if tuple(got) == tuple(expected) else ()
    except TypeError:
        return ()


def _args_text(spec: Any, args: Dict[str, Any]) -> str:
    from paramlint.evaluate.signatures import parse_signature

    parts = []
    for pname, kind, default in parse_signature(spec.signature):
        if pname not in args:
            continue
        v = args[pname]
        if kind == "varkw":
            parts += [f"{k}={_value(x)}" for k, x in v.items() if k != "name"] if isinstance(v, dict) else []
            continue
        if kind == "varargs":
            if v:
                parts.append(f"*{_value(v)}")
            continue
        if _equal_default(v, default):
            continue
        parts.append(f"{pname}={_value(v)}")
    return ", ".join(parts)


def _equal_default(v: Any, default: Any) -> bool:
    try:
        return type(v) is type(default) and v == default or (isinstance(v, (list, tuple)) and isinstance(default, (list, tuple)) and list(v) == list(default))
    except Exception:
        return False


def _value(v: Any) -> str:
    if v is None or isinstance(v, (bool, int, float, str)):
        return repr(v)
    if isinstance(v, (list, tuple)) and len(v) <= 8:
        inner = ", ".join(_value(x) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})" if isinstance(v, tuple) else f"[{inner}]"
    name = type(v).__name__
    if name == "Layer":
        return getattr(v, "type_name", name) + "(…)"
    if name == "Unknown":
        return "?"
    return f"<{name}>"


# ---- text ------------------------------------------------------------------------------



def _steps_text(steps: Sequence[str]) -> str:
    if not steps:
        return ""
    if len(set(steps)) == 1 and len(steps) > 1:
        return f"out = {steps[0]}  (each of {len(steps)} spatial dims)"
    return "; ".join(f"out = {s}" for s in steps)


def _where(loc: Optional[Location]) -> str:
    return f"{loc.path}:{loc.line}" if loc else "?"


def render_model(e: ModelExplanation) -> List[str]:
    m = e.report
    head = f"{m.name}  ({m.framework}, {_where(m.location)})"
    if m.input_shape:
        head += "  input " + " ".join(_shape(s) for s in m.input_shape)
    out = [head]
    width = max([len(x.row.path) for x in e.layers] + [5])
    pad = " " * (width + 4)
    seen: set = set()
    for x in e.layers:
        r = x.row
        out.append(f"  {r.path.ljust(width)}  {r.type}({x.args})" if r.type != "Parameter" else f"  {r.path.ljust(width)}  nn.Parameter")
        if r.shared and not r.params:
            again = r.path in seen
            out.append(f"{pad}params  0 here: " + ("the same layer applied again" if again else "its parameters are shared with an earlier row, counted there (once)"))
        elif r.formula:
            out.append(f"{pad}params  {r.formula}  →  {_num(r.params)}" + ("" if r.trainable in (None, r.params) else f"  ({_num(r.trainable)} trainable)"))
        else:
            out.append(f"{pad}params  {_num(r.params)}")
        if x.convention:
            out.append(f"{pad}rule    {x.convention}")
        if r.buffers:
            what = "batch_stats, not in params" if m.framework == "flax" else "buffers, not parameters (not counted by torch)"
            out.append(f"{pad}state   {r.buffers:,} elements of {what}")
        seen.add(r.path)
        if r.output_shape is not None:
            line = f"{pad}shape   {_shape(x.input_shape) + ' → ' if x.input_shape is not None else ''}{_shape(r.output_shape)}"
            st = _steps_text(x.shape_steps)
            out.append(line + (f":  {st}" if st else ""))
    out.append(f"  total   {_num(m.total_params)}  (trainable {_num(m.trainable_params)}, non-trainable {_num(m.non_trainable_params)})")
    known = [r.params for r in m.layers]
    if m.total_params is not None and all(p is not None for p in known):
        nonzero = [p for p in known if p]
        out.append(f"          = {' + '.join(f'{p:,}' for p in nonzero) or '0'}")
    conv = TOTAL_CONVENTION.get(m.framework)
    if conv:
        out.append(f"          {m.framework}: {conv}")
    for u in m.unresolved:
        out.append(f"  unknown: {u.reason} ({_where(u.location)})")
    for u in m.shape_notes:
        out.append(f"  shapes unknown: {u.reason} ({_where(u.location)})")
    return out


def render(result: ExplainResult) -> str:
    out: List[str] = []
    for e in result.models:
        out += render_model(e)
        out.append("")
    for s in result.skipped:
        out.append(f"{_where(s.location)}: {s.name} not built: {s.reason}")
    if not result.models and not result.skipped:
        out.append(f"{result.path}: no models found")
    return "\n".join(out).rstrip() + "\n"
