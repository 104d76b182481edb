"""``gitlab``: a GitLab Code Quality report.

Fingerprints hash what a finding is about (rule, file, model, layer, message without digits),
never its line, so a finding keeps its identity when code above it moves or the figure changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Dict, List

from paramlint.diagnostics import CheckResult, Diagnostic


def identity(d: Diagnostic) -> str:
    return "\0".join((d.code, d.path.replace("\\", "/"), d.model or "", d.layer or "", re.sub(r"\d[\d,.]*", "#", d.message)))


def render(result: CheckResult) -> str:
    out: List[Dict[str, Any]] = []
    counts: Dict[str, int] = {}
    for d in result.diagnostics:
        ident = identity(d)
        n = counts.get(ident, 0)
        counts[ident] = n + 1
        fp = hashlib.sha256(f"{ident}\0{n}".encode("utf-8")).hexdigest()[:32]
        out.append({
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": fp,
            "severity": "blocker" if d.code == "PRM901" else ("major" if d.severity == "error" else "minor"),
            "location": {"path": result.repo_path(d.path), "lines": {"begin": d.line}},
        })
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
