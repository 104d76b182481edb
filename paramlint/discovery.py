"""Which files a run analyzes, and which module a file is. Kept apart from the engine so a run answered entirely from the
cache never imports LibCST or the evaluator."""

from __future__ import annotations

import os
from typing import Callable, Iterator, Sequence, Tuple

#: Files larger than this are refused before reading (the parser guard refuses far smaller
#: ones; this only keeps a huge file from being read into memory).
MAX_FILE_BYTES = 16_000_000


def discover(paths: Sequence[str]) -> Iterator[str]:
    """Python files under ``paths`` (files as given; directories walked, sorted)."""
    seen = set()
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "node_modules"))
                for f in sorted(files):
                    if f.endswith((".py", ".pyi")):
                        full = os.path.join(root, f)
                        real = os.path.realpath(full)
                        if real not in seen:
                            seen.add(real)
                            yield full
        else:
            real = os.path.realpath(p)
            if real not in seen:
                seen.add(real)
                yield p


def package_root(path: str, exists: Callable[[str], bool] = os.path.isfile) -> Tuple[str, str]:
    """(root directory, dotted module name) for a file, walking up through ``__init__.py``."""
    path = os.path.abspath(path)
    directory, base = os.path.split(path)
    stem = os.path.splitext(base)[0]
    parts = [] if stem == "__init__" else [stem]
    while exists(os.path.join(directory, "__init__.py")) or exists(os.path.join(directory, "__init__.pyi")):
        directory, pkg = os.path.split(directory)
        parts.insert(0, pkg)
        if not pkg:
            break
    return directory, ".".join(parts) or stem
