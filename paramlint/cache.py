"""A content-hash cache of file reports, like ruff's: an unchanged file costs a hash and a read.

An entry is found by a key over everything the report is a function of that is known before
analysis: the paramlint version and a fingerprint of its own code, the engine options, the
working directory (report paths are as given), the path and the file's bytes. What is only
known after analysis, the other project files it read (``from .blocks import Block``) and the
file-existence questions import resolution asked, is stored in the entry and re-checked on
every hit: a changed block file or a newly created module makes the entry miss.

Entries are JSON (never pickle: a cache directory committed to a repository must not be able
to run code). The directory holds only derived data and is safe to delete at any time; writes
are atomic (temporary file + rename) so concurrent runs never see half an entry.

This module is on the warm start-up path: it imports neither LibCST nor the evaluator.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields, is_dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from paramlint import __version__, types

#: Default cache directory name (relative to the working directory), like ``.ruff_cache``.
CACHE_DIR = ".paramlint_cache"
#: Bump when the entry layout changes.
_FORMAT = "1"
_TYPES = {name: getattr(types, name) for name in ("Location", "Unresolved", "LayerRow", "ModelReport", "Skipped", "FileReport")}
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_fingerprint() -> str:
    """The version plus size and mtime of paramlint's own source files, so an edited
    checkout (or an upgrade that keeps the version) never reuses old results."""
    root = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(__version__.encode())
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py"):
                st = os.stat(os.path.join(d, f))
                h.update(f"{os.path.relpath(os.path.join(d, f), root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def encode(value: Any) -> Any:
    """Plain JSON data for a report: dataclasses as tagged objects, tuples as lists."""
    if is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        names = _FIELDS.get(cls)
        if names is None:
            names = _FIELDS[cls] = tuple(f.name for f in fields(value))
        out = {"@": cls.__name__}
        for n in names:
            out[n] = encode(getattr(value, n))
        return out
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    return value


def decode(data: Any) -> Any:
    """The inverse of :func:`encode`; only paramlint's own report types can be created."""
    if isinstance(data, dict):
        cls = _TYPES[data["@"]]
        return cls(**{k: decode(v) for k, v in data.items() if k != "@"})
    if isinstance(data, list):
        return tuple(decode(v) for v in data)
    return data


class Cache:
    """Entries under ``directory``; every failure to read or write is a miss, never an error."""

    def __init__(self, directory: str = CACHE_DIR) -> None:
        self.directory = directory
        self._salt: Optional[str] = None
        self.hits = 0
        self.misses = 0

    def salt(self) -> str:
        if self._salt is None:
            self._salt = f"{_FORMAT}:{code_fingerprint()}:{os.getcwd()}"
        return self._salt

    def key(self, path: str, data: bytes, options_key: str) -> str:
        h = hashlib.sha256(self.salt().encode())
        h.update(f"\0{options_key}\0{path}\0".encode())
        h.update(data)
        return h.hexdigest()

    def _file(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key + ".json")

    def get(self, key: str) -> Optional[types.FileReport]:
        """The stored report if every file it depended on is unchanged."""
        try:
            with open(self._file(key), "rb") as f:
                entry = json.loads(f.read())
            if not _still_valid(entry["deps"], entry["probes"]):
                self.misses += 1
                return None
            report = decode(entry["report"])
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        if not isinstance(report, types.FileReport):
            self.misses += 1
            return None
        self.hits += 1
        return report

    def put(self, key: str, report: types.FileReport, deps: Mapping[str, str], probes: Mapping[str, bool]) -> None:
        """Store ``report`` with the digests of the files it read and the existence answers it got."""
        entry = {"deps": dict(deps), "probes": dict(probes), "report": encode(report)}
        self._write(self._file(key), entry)

    def read_side(self, name: str) -> Any:
        """A side file of this cache (e.g. the import index), or None if missing or unreadable."""
        try:
            with open(os.path.join(self.directory, name), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def write_side(self, name: str, data: Any) -> None:
        self._write(os.path.join(self.directory, name), data)

    def _write(self, target: str, data: Any) -> None:
        """Atomically (temporary file + rename); a failure only means nothing is cached."""
        try:
            first = not os.path.isdir(self.directory)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if first:
                _mark(self.directory)
            tmp = f"{target}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, separators=(",", ":"))
            os.replace(tmp, target)
        except (OSError, ValueError, TypeError):
            pass


def _still_valid(deps: Mapping[str, str], probes: Mapping[str, bool]) -> bool:
    for path, exists in probes.items():
        if os.path.isfile(path) != exists:
            return False
    for path, want in deps.items():
        try:
            with open(path, "rb") as f:
                if digest(f.read()) != want:
                    return False
        except OSError:
            return False
    return True


def _mark(directory: str) -> None:
    """Make the directory self-describing: ignored by git, tagged as a cache for backups."""
    try:
        with open(os.path.join(directory, ".gitignore"), "w", encoding="utf-8") as f:
            f.write("# Automatically created by paramlint; safe to delete.\n*\n")
        with open(os.path.join(directory, "CACHEDIR.TAG"), "w", encoding="utf-8") as f:
            f.write("Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by paramlint.\n")
    except OSError:
        pass
