"""flake8 plugin (entry point ``PRM``): ``flake8 --select PRM`` reports paramlint's findings.

flake8 asks per file, so each file is checked on its own (the Project still resolves its
imports from disk, so figures are the same as ``paramlint check``'s). A finding located in
another file (a layer built in an imported block module) is reported at the model's definition
in this file, with the layer's real place in the message, because flake8 can only report
lines of the file it is checking.
"""

from __future__ import annotations

import ast
import os
from typing import Any, Iterator, Tuple

from paramlint import __version__


class Plugin:
    name = "paramlint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str) -> None:
        self.filename = filename

    def run(self) -> Iterator[Tuple[int, int, str, Any]]:
        from paramlint.config import ConfigError
        from paramlint.runner import norm, run

        if self.filename in ("-", "stdin", "<stdin>") or not os.path.isfile(self.filename):
            return
        try:
            result = run([self.filename], follow_dependents=False)
        except ConfigError as e:
            yield 1, 0, f"PRM901 invalid paramlint configuration: {e}", type(self)
            return
        here = norm(self.filename)
        defined = {cm.model.name: cm.model.location for cm in result.models if cm.path == here and cm.model.location}
        for d in result.diagnostics:
            tail = "" if d.severity == "error" else " [warning]"
            if d.path == here:
                yield d.line, d.column, f"{d.code} {d.message}{tail}", type(self)
                continue
            loc = defined.get(d.model or "")
            line, col = (loc.line, loc.column) if loc is not None else (1, 0)
            yield line, col, f"{d.code} {d.message} (at {d.path}:{d.line}){tail}", type(self)
