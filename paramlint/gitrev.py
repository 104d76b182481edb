"""Reading a git revision's files without touching the working tree.

Only read-only plumbing is run (``rev-parse``, ``ls-tree``, ``cat-file``, ``merge-base``): no
checkout, no index refresh, no lock files. Files are read lazily and at most once.
"""

from __future__ import annotations

import os
import subprocess
from typing import Dict, FrozenSet, List, Optional, Sequence

#: Directories the file walk skips, as :func:`paramlint.engine.discover` does on disk.
_SKIP_DIRS = ("__pycache__", "node_modules")


class GitError(Exception):
    """A git command failed (not a repository, unknown revision, git missing)."""


def _git(top: str, *args: str) -> bytes:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        done = subprocess.run(["git", "-C", top, *args], capture_output=True, env=env, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GitError(f"cannot run git: {e}") from e
    if done.returncode != 0:
        msg = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(msg[-1] if msg else f"git {args[0]} failed")
    return done.stdout


def toplevel(cwd: str) -> str:
    """The work tree's top directory containing ``cwd``."""
    return os.path.realpath(_git(cwd, "rev-parse", "--show-toplevel").decode().strip())


def commit_of(top: str, rev: str) -> str:
    """The full commit id of ``rev`` (a branch, tag, ``HEAD~1``, …)."""
    if rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except GitError:  # (--quiet: git says nothing; name what was asked)
        raise GitError(f"{rev!r} is neither a revision of this repository nor an existing path") from None


def default_base(top: str) -> str:
    """The merge-base of HEAD with the default branch (``origin/HEAD``, else main/master)."""
    candidates: List[str] = []
    try:
        candidates.append(_git(top, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD").decode().strip())
    except GitError:
        pass
    candidates += ["origin/main", "origin/master", "main", "master"]
    for ref in candidates:
        try:
            commit_of(top, ref)
        except GitError:
            continue
        return _git(top, "merge-base", "HEAD", ref).decode().strip()
    raise GitError("no default branch found (origin/HEAD, main, master): give a base revision")


class Revision:
    """One commit's files, addressed by absolute path under the work tree's top directory."""

    def __init__(self, top: str, commit: str) -> None:
        self.top = top
        self.commit = commit
        out = _git(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit)
        self.files: FrozenSet[str] = frozenset(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)
        self._cache: Dict[str, bytes] = {}

    def _rel(self, path: str) -> Optional[str]:
        rel = os.path.relpath(os.path.realpath(path), self.top)
        if rel.startswith(".."):
            return None
        return rel.replace(os.sep, "/")

    def exists(self, path: str) -> bool:
        rel = self._rel(path)
        return rel is not None and rel in self.files

    def read(self, path: str) -> bytes:
        """The file's bytes at this revision (OSError when the revision has no such file)."""
        rel = self._rel(path)
        if rel is None or rel not in self.files:
            raise FileNotFoundError(2, "not in revision", path)
        data = self._cache.get(rel)
        if data is None:
            try:
                data = _git(self.top, "cat-file", "blob", f"{self.commit}:{rel}")
            except GitError as e:
                raise OSError(5, str(e), path) from e
            self._cache[rel] = data
        return data

    def python_files(self, paths: Sequence[str]) -> List[str]:
        """Absolute paths of the revision's Python files under ``paths`` (files or directories)."""
        out: List[str] = []
        seen = set()
        for p in paths:
            rel = self._rel(p)
            if rel is None:
                continue
            if rel in self.files:
                hits = [rel]
            else:
                prefix = "" if rel == "." else rel + "/"
                hits = sorted(
                    f for f in self.files
                    if f.startswith(prefix) and f.endswith((".py", ".pyi"))
                    and not any(part.startswith(".") or part in _SKIP_DIRS for part in f[len(prefix):].split("/")[:-1])
                )
            for h in hits:
                if h not in seen:
                    seen.add(h)
                    out.append(os.path.join(self.top, *h.split("/")))
        return out
