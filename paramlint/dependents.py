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
import stat
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from paramlint.discovery import MAX_FILE_BYTES, package_root

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


def _scan(data: bytes, module: str, path: str) -> Set[str]:
    text = data.decode("utf-8", errors="replace")
    return imported_names(text, module, os.path.basename(path).startswith("__init__."))


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


class ImportIndex:
    """Each file's imports remembered between runs in the cache directory, keyed on its path,
    size, modification time and module name: a warm pre-commit run in a large repository stats
    the files instead of reading them all. An entry younger than the index itself by less
    than RACY_NS is read again (a file changed twice within one timestamp tick keeps its size
    and mtime). A stale entry could only make a model go un-rechecked, never a figure wrong."""

    NAME = "imports-v2.json"
    RACY_NS = 2_000_000_000

    def __init__(self, cache: Any) -> None:
        from paramlint import __version__

        self.cache = cache
        self.version = __version__
        self.entries: Dict[str, List[Any]] = {}
        self.written = 0
        self.used: Dict[str, List[Any]] = {}
        self.changed = False
        raw = cache.read_side(self.NAME)
        if isinstance(raw, dict) and raw.get("version") == self.version and isinstance(raw.get("files"), dict):
            self.entries = raw["files"]
            self.written = raw.get("written", 0) if isinstance(raw.get("written"), int) else 0

    def get(self, key: str, module: str) -> Optional[str]:
        """The names the file at absolute path ``key`` imports, space-separated, if unchanged."""
        e = self.entries.get(key)
        if type(e) is not list or len(e) != 4:
            return None
        try:
            st = os.stat(key)
        except OSError:
            return None
        mtime, size, mod, names = e
        if mtime != st.st_mtime_ns or size != st.st_size or mod != module or mtime >= self.written - self.RACY_NS:
            return None
        if type(names) is not str:
            return None
        self.used[key] = e
        return names

    def put(self, key: str, st: os.stat_result, module: str, names: Set[str]) -> None:
        self.used[key] = [st.st_mtime_ns, st.st_size, module, " ".join(sorted(names))]
        self.changed = True

    #: Entries kept at most; past it only what this run used is kept (deleted files drop out).
    MAX_ENTRIES = 200_000

    def save(self) -> None:
        if not self.changed:
            return
        files = {**self.entries, **self.used}  # other roots' entries stay
        if len(files) > self.MAX_ENTRIES:
            files = self.used
        self.cache.write_side(self.NAME, {"version": self.version, "written": time.time_ns(), "files": files})


def dependents(targets: Iterable[str], candidates: Iterable[str], index: Optional[ImportIndex] = None) -> List[str]:
    """The ``candidates`` that import any of ``targets``, directly or through each other.
    With an ``index``, unchanged files are not read, and what is read is remembered in it."""
    names: Dict[str, str] = {}
    for t in targets:
        _, name = package_root(t)
        names[name] = os.path.abspath(t)
    packages: Dict[str, Tuple[str, str]] = {}  # directory -> package_root of a module in it
    # files: (path, absolute path, bytes still to scan or b""); known: absolute path -> (module,
    # the names it imports joined by spaces: a cheap text test before the exact prefix test).
    files: List[Tuple[str, str, bytes]] = []
    known: Dict[str, Tuple[str, str]] = {}
    for c in candidates:
        key = os.path.abspath(c)
        module = _module_name(c, packages) if index is not None else ""
        if index is not None:
            joined = index.get(key, module)
            if joined is not None:
                known[key] = (module, joined)
                files.append((c, key, b""))
                continue
        try:
            st = os.stat(c)  # before reading: a change while reading makes the next run re-read
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                continue  # (a FIFO or device named *.py blocks or never ends; a huge file is no model)
            with open(c, "rb") as f:
                data = f.read()  # (a regular file of known size: read(n) would allocate n bytes first)
        except OSError:
            continue
        if index is not None:  # scanned once, to be remembered
            imported = _scan(data, module, c) if b"import" in data else set()
            index.put(key, st, module, imported)
            known[key] = (module, " ".join(sorted(imported)))
            files.append((c, key, b""))
        elif b"import" in data:
            files.append((c, key, data))
    wanted: Set[str] = set(names)
    found: List[str] = []
    done: Set[str] = {os.path.abspath(t) for t in targets}
    prefixes: Dict[str, Set[str]] = {}
    changed = True
    while changed:
        changed = False
        # A file can import a wanted module only if its text (or its remembered import list)
        # holds the module's last component, or it imports relatively: the others are not
        # decoded or scanned, which is most of a repository.
        last = {w.rsplit(".", 1)[-1] for w in wanted}
        tokens = {t.encode("utf-8") for t in last}
        for path, key, data in files:
            if key in done:
                continue
            info = known.get(key)
            if info is None:
                if not _RELATIVE.search(data) and not any(t in data for t in tokens):
                    continue
                module = _module_name(path, packages)
                info = known[key] = (module, " ".join(_scan(data, module, path)))
            module, joined = info
            if not any(t in joined for t in last):
                continue
            imports = prefixes.get(key)
            if imports is None:
                imports = prefixes[key] = _prefixes(joined.split())
            if not imports.isdisjoint(wanted):  # it imports a wanted module or something in it
                done.add(key)
                found.append(path)
                wanted.add(module)
                last.add(module.rsplit(".", 1)[-1])
                tokens.add(module.rsplit(".", 1)[-1].encode("utf-8"))
                changed = True
    return found
