"""Machine-readable summary (documented in the README; counts are null when unknown)."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from paramlint.types import FileReport, Location, ModelReport, Unresolved


def _loc(loc: Optional[Location]) -> Dict[str, Any]:
    return {"path": loc.path, "line": loc.line, "column": loc.column + 1} if loc else {"path": None, "line": None, "column": None}


def _unresolved(u: Unresolved) -> Dict[str, Any]:
    return {"path": u.location.path if u.location else None, "line": u.location.line if u.location else None, "reason": u.reason}


def model(m: ModelReport) -> Dict[str, Any]:
    return {
        "name": m.name,
        "line": m.location.line if m.location else None,
        "framework": m.framework,
        "input_shape": [list(s) for s in m.input_shape] if m.input_shape else None,
        "total_params": m.total_params,
        "trainable_params": m.trainable_params,
        "non_trainable_params": m.non_trainable_params,
        "total_macs": m.total_macs,
        "total_activations": m.total_activations,
        "exact": m.exact,
        "layers": [
            {
                "path": r.path, "type": r.type, "line": r.location.line if r.location else None,
                "params": r.params, "trainable_params": r.trainable,
                "output_shape": list(r.output_shape) if r.output_shape is not None else None,
                "activation_size": r.activation_size, "macs": r.macs, "shared": r.shared, "buffers": r.buffers,
            }
            for r in m.layers
        ],
        "unresolved": [_unresolved(u) for u in m.unresolved],
        "shape_notes": [_unresolved(u) for u in m.shape_notes],
        "macs_notes": [_unresolved(u) for u in m.macs_notes],
    }


def render(files: Sequence[FileReport]) -> str:
    doc = {
        "files": [
            {
                "path": f.path,
                "error": f.error,
                "error_location": _loc(f.error_location) if f.error_location else None,
                "models": [model(m) for m in f.models],
                "skipped": [{"name": s.name, "line": s.location.line if s.location else None, "reason": s.reason} for s in f.skipped],
                "notes": [_unresolved(n) for n in f.notes],
            }
            for f in files
        ]
    }
    return json.dumps(doc, indent=2) + "\n"
