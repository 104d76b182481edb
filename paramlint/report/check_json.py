"""``json``: a list of diagnostics (columns 1-based), stable keys, for scripts."""

from __future__ import annotations

import json
from typing import Any, Dict

from paramlint.diagnostics import CheckResult, Diagnostic


def item(d: Diagnostic) -> Dict[str, Any]:
    return {
        "path": d.path, "line": d.line, "column": d.column + 1,
        "code": d.code, "name": d.name, "severity": d.severity, "message": d.message,
        "model": d.model, "layer": d.layer, "value": d.value, "limit": d.limit,
    }


def render(result: CheckResult) -> str:
    return json.dumps([item(d) for d in result.diagnostics], indent=2, ensure_ascii=False) + "\n"
