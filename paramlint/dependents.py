"""Which files import a given file: so that checking a changed block module also checks the
models built from it.

pre-commit passes only the changed files. When a block in ``blocks.py`` grows, the model that
goes over budget is in ``model.py``, which did not change; the check must still see it. Imports
are found with a line scan (no parsing, no execution), bounded by a file count; a file whose
imports the scan misses only means a model is not re-checked, never a wrong figure.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from paramlint.discovery import package_root

#: Files scanned per root at most (the scan reads each file's text once).
MAX_FILES = 20_000
_FROM = re.compile(r"^\s*from\s+(\.*[\w.]*)\s+import\s+(.*)$")
_IMPORT = re.compile(r"^\s*import\s+(.*)$")


def imported_names(text: str, module: str, is_package: bool) -> Set[str]:
    """Dotted names a file imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``), with
    relative imports resolved against ``module``."""
    out: Set[str] = set()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if "import" not in lines[i]:  # most lines: skip before the two regular expressions
            i += 1
            continue
        line = lines[i].split("#", 1)[0]
        i += 1
        m = _FROM.match(line)
        if m:
            base, names = m.group(1), m.group(2)
            if "(" in names and ")" not in names:
                while i < len(lines) and ")" not in names:
                    names += " " + lines[i].split("#", 1)[0]
                    i += 1
            while names.rstrip().endswith("\\") and i < len(lines):
                names = names.rstrip()[:-1] + " " + lines[i].split("#", 1)[0]
                i += 1
            resolved = _resolve(base, module, is_package)
            if resolved is None:
                continue
            if resolved:
                out.add(resolved)
            for n in re.split(r"[,\s()]+", names):
                if n and n not in ("as", "*") and n.isidentifier():
                    out.add(f"{resolved}.{n}" if resolved else n)
            continue
        m = _IMPORT.match(line)
        if m:
            for part in m.group(1).split(","):
                name = part.strip().split(" ")[0]
                if name:
                    out.add(name)
    return out


def _resolve(base: str, module: str, is_package: bool) -> Optional[str]:
    dots = len(base) - len(base.lstrip("."))
    if not dots:
        return base
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    up = dots - 1
    if up > len(parts):
        return None
    parts = parts[: len(parts) - up] if up else parts
    rest = base[dots:]
    return ".".join(parts + ([rest] if rest else []))


def python_files(root: str, skip: Callable[[str], bool]) -> List[str]:
    out: List[str] = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not skip(os.path.join(d, x)))
        for n in sorted(names):
            if n.endswith((".py", ".pyi")):
                out.append(os.path.join(d, n))
                if len(out) >= MAX_FILES:
                    return out
    return out


def dependents(targets: Iterable[str], candidates: Iterable[str]) -> List[str]:
    """The ``candidates`` that import any of ``targets``, directly or through each other."""
    names: Dict[str, str] = {}
    for t in targets:
        _, name = package_root(t)
        names[name] = os.path.abspath(t)
    info: List[Tuple[str, str, Set[str]]] = []
    for c in candidates:
        try:
            with open(c, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError:
            continue
        _, module = package_root(c)
        info.append((c, module, imported_names(text, module, os.path.basename(c).startswith("__init__."))))
    wanted: Set[str] = set(names)
    found: List[str] = []
    done: Set[str] = {os.path.abspath(t) for t in targets}
    changed = True
    while changed:
        changed = False
        for path, module, imports in info:
            if os.path.abspath(path) in done:
                continue
            if any(i == w or i.startswith(w + ".") for i in imports for w in wanted):
                done.add(os.path.abspath(path))
                found.append(path)
                wanted.add(module)
                changed = True
    return found
