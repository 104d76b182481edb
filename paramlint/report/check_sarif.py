"""``sarif``: SARIF 2.1.0 for code-scanning services, every rule listed with its docs."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List

from paramlint import __version__
from paramlint.diagnostics import RULES, CheckResult, Diagnostic
from paramlint.report.check_gitlab import identity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def uri(path: str) -> Dict[str, str]:
    """Repository-relative URI, or an absolute file URI for a file outside the repository."""
    if os.path.isabs(path):
        from pathlib import Path

        return {"uri": Path(path).as_uri()}
    from urllib.parse import quote

    return {"uri": quote(path.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def result(d: Diagnostic, index: Dict[str, int], res: CheckResult) -> Dict[str, Any]:
    import hashlib

    return {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": "error" if d.severity == "error" else "warning",
        "message": {"text": d.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": uri(res.repo_path(d.path)),
            "region": {"startLine": d.line, "startColumn": d.column + 1},
        }}],
        "partialFingerprints": {"paramlintIdentity/v1": hashlib.sha256(identity(d).encode("utf-8")).hexdigest()[:32]},
    }


def render(res: CheckResult) -> str:
    codes = sorted(RULES)
    index = {c: i for i, c in enumerate(codes)}
    rules: List[Dict[str, Any]] = [{
        "id": c,
        "name": RULES[c].name,
        "shortDescription": {"text": RULES[c].summary},
        "fullDescription": {"text": RULES[c].doc},
        "help": {"text": f"{RULES[c].summary} {RULES[c].doc}"},
        "defaultConfiguration": {"level": "error" if c < "PRM900" or c == "PRM901" else "warning"},
    } for c in codes]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "paramlint", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": [result(d, index, res) for d in res.diagnostics],
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
