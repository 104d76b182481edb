"""``rdjson``: reviewdog's Diagnostic JSON (columns are 1-based UTF-8 byte offsets)."""

from __future__ import annotations

import json
from typing import Any, Dict

from paramlint import __version__
from paramlint.diagnostics import CheckResult, Diagnostic


def byte_column(result: CheckResult, d: Diagnostic) -> int:
    src = result.lines.get(d.path, ())
    if 0 < d.line <= len(src):
        return len(src[d.line - 1][: d.column].encode("utf-8")) + 1
    return d.column + 1


def item(result: CheckResult, d: Diagnostic) -> Dict[str, Any]:
    return {
        "message": d.message,
        "location": {"path": d.path, "range": {"start": {"line": d.line, "column": byte_column(result, d)}}},
        "severity": "ERROR" if d.severity == "error" else "WARNING",
        "code": {"value": d.code},
    }


def render(result: CheckResult) -> str:
    doc = {
        "source": {"name": "paramlint", "version": __version__},
        "severity": "ERROR" if result.errors else ("WARNING" if result.warnings else "INFO"),
        "diagnostics": [item(result, d) for d in result.diagnostics],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
