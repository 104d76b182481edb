"""``paramlint check`` without the command line: files → configuration → engine → checks →
suppression → one :class:`CheckResult`. Shared by the CLI and the flake8 plugin.

Which files are passed (pre-commit passes only the changed ones, possibly in batches) does not
change any figure: the Project resolves a model's imports from disk either way.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from paramlint.checks import check_forward, check_model, check_notes
from paramlint.config import Config, ConfigError, Finder, glob_match
from paramlint.diagnostics import CheckedModel, CheckResult, Diagnostic
from paramlint.suppress import is_suppressed
from paramlint.types import FileReport, Location, ModelReport, Shape, Unresolved

#: Directories never walked into (like ruff's defaults); a file named explicitly is still checked.
DEFAULT_EXCLUDE = ("venv", "env", "build", "dist", "site-packages", "node_modules", "__pypackages__", "_build", "buck-out", "__pycache__")


def norm(path: str) -> str:
    """A display path: relative to the working directory when inside it, else absolute."""
    a = os.path.abspath(path)
    cwd = os.getcwd()
    if a == cwd or a.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(a, cwd)
    return a


def files(paths: Sequence[str], finder: Finder) -> Iterator[Tuple[str, Config]]:
    """The Python files to check under ``paths``, each with its configuration (raises ConfigError)."""
    seen: Set[str] = set()
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in DEFAULT_EXCLUDE
                                 and not _excluded_dir(finder, os.path.join(root, d)))
                for f in sorted(names):
                    if f.endswith((".py", ".pyi")):
                        yield from _one(os.path.join(root, f), finder, seen)
        else:
            yield from _one(p, finder, seen)


def _excluded_dir(finder: Finder, d: str, root: Optional[str] = None) -> bool:
    """Whether directory ``d`` is excluded by its configuration, or (given ``root``) belongs
    to another configuration root (a nested project with a pyproject.toml of its own)."""
    cfg = finder.for_path(os.path.join(d, "x.py"))
    if root is not None and cfg.root != root:
        return True
    rel = cfg.rel(d)
    return not rel.startswith("..") and any(glob_match(p, rel) for p in cfg.exclude)


def _one(path: str, finder: Finder, seen: Set[str]) -> Iterator[Tuple[str, Config]]:
    real = os.path.realpath(path)
    if real in seen:
        return
    seen.add(real)
    cfg = finder.for_path(path)
    if cfg.selects(path):
        yield path, cfg


def with_dependents(selected: List[Tuple[str, Config]], paths: Sequence[str], finder: Finder,
                    cache: Optional[object] = None) -> List[Tuple[str, Config]]:
    """``selected`` plus the files that import an explicitly named file (transitively), under the
    same configuration root: a changed block module re-checks the models built from it. With a
    ``cache``, each file's imports are remembered there and unchanged files are not read again."""
    from paramlint.dependents import ImportIndex, dependents, python_files

    named = [p for p in paths if not os.path.isdir(p)]
    if not named:
        return selected
    have = {os.path.realpath(p) for p, _ in selected}
    by_root: Dict[str, List[str]] = {}
    for p, cfg in selected:
        if p in named:
            by_root.setdefault(cfg.root, []).append(p)
    out = list(selected)
    index = ImportIndex(cache) if cache is not None and by_root else None
    for root, targets in sorted(by_root.items()):
        def skip(d: str, root: str = root) -> bool:
            name = os.path.basename(d)
            if name.startswith(".") or name in DEFAULT_EXCLUDE:
                return True
            try:
                return _excluded_dir(finder, d, root)
            except ConfigError:
                return True  # (a nested project's own broken configuration: not this root's files)

        for dep in dependents(targets, python_files(root, skip), index):
            if os.path.realpath(dep) in have:
                continue
            have.add(os.path.realpath(dep))
            rel = norm(dep)
            cfg = finder.for_path(rel)
            if cfg.selects(rel):
                out.append((rel, cfg))
    if index is not None:
        index.save()
    return out


def run(paths: Sequence[str], config: Optional[str] = None, input_shapes: Optional[Tuple[Shape, ...]] = None,
        follow_dependents: bool = True, jobs: int = 1, cache: Optional[object] = None) -> CheckResult:
    """Check ``paths`` (and, with ``follow_dependents``, the files importing a named file).
    Raises :class:`paramlint.config.ConfigError` for a bad configuration; every problem with an
    analyzed file becomes a diagnostic. ``jobs`` and ``cache`` as for
    :func:`paramlint.parallel.analyze_many` (no figure depends on them)."""
    from paramlint.parallel import analyze_many

    finder = Finder(config)
    diags: List[Diagnostic] = []
    models: List[CheckedModel] = []
    selected = list(files(paths, finder))
    if follow_dependents:
        selected = with_dependents(selected, paths, finder, cache)
    count = len(selected)
    items = [(path, cfg.engine_inputs(path, input_shapes)) for path, cfg in selected]
    reports = analyze_many(items, jobs=jobs, cache=cache)
    for (path, cfg), report in zip(selected, reports):
        s = cfg.for_file(path)
        report = replace(report, notes=tuple(_norm_unresolved(u) for u in report.notes))
        diags.extend(check_notes(report, s))
        for m in report.models:
            m = _norm_model(m)
            ms = cfg.for_model(path, m.name)
            diags.extend(check_model(path, m, ms))
            diags.extend(check_forward(path, m, ms))
            mp = m.location.path if m.location else norm(path)
            models.append(CheckedModel(mp, m, ms.max_params, ms.max_layer_params, ms.max_activation_size))
    diags.extend(unmatched_model_tables(selected, reports))
    return finish(diags, models, count)


def unmatched_model_tables(selected: Sequence[Tuple[str, Config]], reports: Sequence[FileReport]) -> Iterator[Diagnostic]:
    """PRM906 for each ``[tool.paramlint.models."path::Name"]`` table that names a file which
    does not exist, or a file checked in this run without a model of that name: its budgets and
    input shape applied to nothing (a typo or a rename; a bare ``"Name"`` key is not judged,
    as the models it may name can sit in files not checked now)."""
    found: Dict[Tuple[str, str], Set[str]] = {}  # (config path, file relative to its root) -> names
    configs: Dict[str, Config] = {}
    for (path, cfg), report in zip(selected, reports):
        if cfg.path is None or not cfg.models:
            continue
        configs[cfg.path] = cfg
        seen = found.setdefault((cfg.path, cfg.rel(path)), set())
        seen.update(m.name for m in report.models)
        seen.update(s.name for s in report.skipped)
        if report.error is not None:
            seen.add("*")  # (not analyzed: nothing is known of its models)
    for cpath, cfg in sorted(configs.items()):
        for key in cfg.models:
            file, sep, name = key.rpartition("::")
            if not sep:
                continue
            names = found.get((cpath, file))
            if names is None and os.path.isfile(os.path.join(cfg.root, file)):
                continue  # (a file not checked in this run)
            if names is not None and (name in names or "*" in names):
                continue
            why = f"no file {file}" if names is None else f"no model {name!r} in {file}"
            yield Diagnostic(norm(cpath), cfg.model_lines.get(key, 1), 0, "PRM906",
                             f"[tool.paramlint.models.\"{key}\"] matches nothing ({why}): its settings apply to no model",
                             "warning")


def _norm_loc(loc: Optional[Location]) -> Optional[Location]:
    return None if loc is None else replace(loc, path=norm(loc.path))


def _norm_unresolved(u: Unresolved) -> Unresolved:
    return replace(u, location=_norm_loc(u.location))


def _norm_model(m: ModelReport) -> ModelReport:
    """Display paths everywhere: the Project may know a module by an absolute path."""
    return replace(
        m, location=_norm_loc(m.location),
        layers=tuple(replace(r, location=_norm_loc(r.location)) for r in m.layers),
        unresolved=tuple(_norm_unresolved(u) for u in m.unresolved),
        shape_notes=tuple(_norm_unresolved(u) for u in m.shape_notes),
    )


def finish(diags: Sequence[Diagnostic], models: Sequence[CheckedModel], count: int,
           cache: Optional[Dict[str, bytes]] = None) -> CheckResult:
    """Normalize paths, drop duplicates and suppressed diagnostics, sort."""
    lines: Dict[str, Tuple[str, ...]] = {}
    kept: List[Diagnostic] = []
    seen: Set[Tuple[str, int, int, str, str]] = set()
    suppressed = 0
    for d in diags:
        d = replace(d, path=norm(d.path))
        key = d.sort_key()
        if key in seen:
            continue
        seen.add(key)
        if d.path not in lines:
            lines[d.path] = _lines(d.path, cache)
        if d.code != "PRM901" and is_suppressed(d, lines[d.path]):
            suppressed += 1
            continue
        kept.append(d)
    kept.sort(key=Diagnostic.order_key)
    used = {d.path for d in kept}
    return CheckResult(tuple(kept), tuple(models), count, repo_root(), {p: v for p, v in lines.items() if p in used}, suppressed)


def repo_root() -> str:
    """The repository holding the working directory (nearest ancestor with ``.git``), else the
    working directory: code-scanning services want paths relative to the repository."""
    d = os.getcwd()
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.getcwd()
        d = parent


def _lines(path: str, cache: Optional[Dict[str, bytes]]) -> Tuple[str, ...]:
    data = (cache or {}).get(os.path.abspath(path))
    if data is None:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # Python's own line breaks only: str.splitlines() also breaks at \f, \v, \x1c-\x1e, \x85,
    # \u2028/\u2029, which may sit inside a line (a string, a comment) and shift every later line.
    return tuple(re.split(r"\r\n|\r|\n", text))
