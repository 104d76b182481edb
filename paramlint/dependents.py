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
#: A relative import (``from . import x``, ``from ..pkg import y``).
_RELATIVE = re.compile(rb"from[ \t]+\.")
#: An import statement, matched from the start of a line that contains "import".
_STMT = re.compile(r"[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b|import\b)(.*)")


def imported_names(text: str, module: str, is_package: bool) -> Set[str]:
    """Dotted names a file imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``), with
    relative imports resolved against ``module``. Only the lines holding "import" are looked
    at, found with ``str.find``: the scan runs over every file of a repository on each check."""
    out: Set[str] = set()
    pos = text.find("import")
    while pos >= 0:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        m = _STMT.match(text, start, end)
        if m is None:
            pos = text.find("import", end)
            continue
        base, names = m.group(1), _code(m.group(2))
        if "(" in names and ")" not in names:  # a parenthesized name list over several lines
            close = text.find(")", end)
            close = len(text) if close < 0 else close + 1
            names += " " + " ".join(_code(x) for x in text[end:close].splitlines())
            end = close
        while names.rstrip().endswith("\\") and end < len(text):  # backslash continuations
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            names = names.rstrip()[:-1] + " " + _code(text[end + 1:nxt])
            end = nxt
        pos = text.find("import", end)
        if base is not None:
            resolved = _resolve(base, module, is_package)
            if resolved is None:
                continue
            if resolved:
                out.add(resolved)
            for n in re.split(r"[,\s()]+", names):
                if n and n not in ("as", "*") and n.isidentifier():
                    out.add(f"{resolved}.{n}" if resolved else n)
            continue
        for part in names.split(","):
            name = part.strip().split(" ")[0]
            if name:
                out.add(name)
    return out


def _code(line: str) -> str:
    return line.split("#", 1)[0]


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


def _prefixes(names: Iterable[str]) -> Set[str]:
    """Every dotted prefix of every name: ``a.b.c`` gives ``a``, ``a.b`` and ``a.b.c``."""
    out: Set[str] = set()
    for n in names:
        i = n.find(".")
        while i >= 0:
            out.add(n[:i])
            i = n.find(".", i + 1)
        out.add(n)
    return out


def _module_name(path: str, packages: Dict[str, Tuple[str, str]]) -> str:
    """``package_root(path)[1]``, walking up from each directory once (every file in a
    directory has the same package prefix)."""
    directory, base = os.path.split(os.path.abspath(path))
    hit = packages.get(directory)
    if hit is None:
        hit = packages[directory] = package_root(os.path.join(directory, "__init__.py"))
    root, prefix = hit
    stem = os.path.splitext(base)[0]
    if root == directory:  # not a package: the module is the file's own name
        return stem
    return prefix if stem == "__init__" else f"{prefix}.{stem}"


def dependents(targets: Iterable[str], candidates: Iterable[str]) -> List[str]:
    """The ``candidates`` that import any of ``targets``, directly or through each other."""
    names: Dict[str, str] = {}
    for t in targets:
        _, name = package_root(t)
        names[name] = os.path.abspath(t)
    files: List[Tuple[str, bytes]] = []
    for c in candidates:
        try:
            with open(c, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if b"import" in data:
            files.append((c, data))
    packages: Dict[str, Tuple[str, str]] = {}  # directory -> package_root of a module in it
    parsed: Dict[str, Tuple[str, Set[str]]] = {}
    wanted: Set[str] = set(names)
    found: List[str] = []
    done: Set[str] = {os.path.abspath(t) for t in targets}
    changed = True
    while changed:
        changed = False
        # A file can import a wanted module only if it names the module's last component or
        # imports relatively: the others are not decoded or scanned (most of a repository).
        tokens = {w.rsplit(".", 1)[-1].encode("utf-8") for w in wanted}
        for path, data in files:
            if os.path.abspath(path) in done:
                continue
            info = parsed.get(path)
            if info is None:
                if not _RELATIVE.search(data) and not any(t in data for t in tokens):
                    continue
                module = _module_name(path, packages)
                text = data.decode("utf-8", errors="replace")
                imported = imported_names(text, module, os.path.basename(path).startswith("__init__."))
                info = parsed[path] = (module, _prefixes(imported))
            module, imports = info
            if not imports.isdisjoint(wanted):  # it imports a wanted module or something in it
                done.add(os.path.abspath(path))
                found.append(path)
                wanted.add(module)
                tokens.add(module.rsplit(".", 1)[-1].encode("utf-8"))
                changed = True
    return found
