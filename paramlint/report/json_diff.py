"""Machine-readable diff: every model with both sides' figures and its layer changes."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from paramlint.diff import DiffReport, GrowthFinding, LayerChange, ModelDiff, relative
from paramlint.types import LayerRow


def _row(r: Optional[LayerRow]) -> Optional[Dict[str, Any]]:
    if r is None:
        return None
    return {"type": r.type, "params": r.params, "trainable_params": r.trainable,
            "output_shape": list(r.output_shape) if r.output_shape is not None else None}


def _layer(c: LayerChange) -> Dict[str, Any]:
    return {"path": c.path, "old_path": c.old_path or c.path if c.before else None, "status": c.status, "before": _row(c.before), "after": _row(c.after), "params_delta": c.params_delta}


def _model(m: ModelDiff) -> Dict[str, Any]:
    return {
        "file": m.file, "name": m.name, "status": m.status,
        "params_before": m.params_before if m.before else None, "params_after": m.params_after if m.after else None,
        "params_delta": m.params_delta, "params_relative": relative(m.params_before, m.params_delta),
        "activations_before": m.activations_before if m.before else None,
        "activations_after": m.activations_after if m.after else None,
        "activations_delta": m.activations_delta,
        "layers": [_layer(c) for c in m.layers],
    }


def render(report: DiffReport, findings: Sequence[GrowthFinding] = ()) -> str:
    doc = {
        "base": report.base, "head": report.head,
        "models": [_model(m) for m in report.models],
        "errors": [{"side": s, "path": p, "message": msg} for s, p, msg in report.errors],
        "violations": [{"code": "PRM202", "model": f.model.key, "growth": f.growth, "limit": f.limit,
                        "budget": str(f.budget), "message": f.message} for f in findings],
    }
    return json.dumps(doc, indent=2) + "\n"
