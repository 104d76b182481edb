"""Model-size change between two revisions: what a reviewer of a pull request wants to know.

Both sides are analyzed by the same engine; the base is read from git (``gitrev``), the head
from git too or from the working tree. Models are matched by file and name, layers by dotted
path. A figure that is unknown on either side gives an unknown change, never a guess.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from paramlint.growth import Growth, parse_growth  # noqa: F401  (parse_growth: part of this module's API)
from paramlint.types import SLOTS, FileReport, LayerRow, Location, ModelReport, Shape

if TYPE_CHECKING:
    from paramlint.diagnostics import Diagnostic


@dataclass(frozen=True, **SLOTS)
class LayerChange:
    """A layer (dotted path) added, removed, or with a different type, count or output shape."""

    path: str
    #: ``added`` | ``removed`` | ``changed``
    status: str
    before: Optional[LayerRow]
    after: Optional[LayerRow]
    #: The base side's path when the layer moved to another index of its container.
    old_path: Optional[str] = None

    @property
    def display_path(self) -> str:
        return f"{self.old_path} → {self.path}" if self.old_path and self.old_path != self.path else self.path

    @property
    def params_delta(self) -> Optional[int]:
        return _delta(self.before.params if self.before else 0, self.after.params if self.after else 0)


@dataclass(frozen=True, **SLOTS)
class ModelDiff:
    """One model on both sides. ``file`` is relative to the repository's top directory."""

    file: str
    name: str
    #: ``added`` | ``removed`` | ``changed`` | ``unchanged`` | ``unknown`` (figures unknown on
    #: a side and its file or a file it imports differs: it may have changed)
    status: str
    before: Optional[ModelReport]
    after: Optional[ModelReport]
    layers: Tuple[LayerChange, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.file}::{self.name}"

    @property
    def location(self) -> Optional[Location]:
        m = self.after or self.before
        return m.location if m else None

    @property
    def params_before(self) -> Optional[int]:
        return self.before.total_params if self.before else 0

    @property
    def params_after(self) -> Optional[int]:
        return self.after.total_params if self.after else 0

    @property
    def params_delta(self) -> Optional[int]:
        return _delta(self.params_before, self.params_after)

    @property
    def activations_before(self) -> Optional[int]:
        return activations(self.before) if self.before else 0

    @property
    def activations_after(self) -> Optional[int]:
        return activations(self.after) if self.after else 0

    @property
    def activations_delta(self) -> Optional[int]:
        return _delta(self.activations_before, self.activations_after)


@dataclass(frozen=True, **SLOTS)
class DiffReport:
    """Every model of the compared paths, plus files that could not be analyzed on a side."""

    base: str
    head: str
    models: Tuple[ModelDiff, ...]
    #: (side, path, message) for files whose analysis failed.
    errors: Tuple[Tuple[str, str, str], ...] = ()
    #: The work tree's top directory (model ``file`` keys are relative to it).
    top: str = ""

    @property
    def changed(self) -> Tuple[ModelDiff, ...]:
        return tuple(m for m in self.models if m.status != "unchanged")


def _delta(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return None if a is None or b is None else b - a


def relative(before: Optional[int], delta: Optional[int]) -> Optional[float]:
    """Relative change; None when unknown or when there was nothing before."""
    if before is None or delta is None or before == 0:
        return None
    return delta / before


def activations(m: ModelReport) -> Optional[int]:
    """Activation elements: the sum of every layer application's output elements, or None
    when any is unknown (no input shape, an untraced layer, a shape the catalog cannot tell)."""
    if not m.layers or m.shape_notes:
        return None
    total = 0
    for r in m.layers:
        if r.type == "Parameter" and r.output_shape is None:
            continue  # a bare parameter has no output of its own
        if r.activation_size is None:
            return None
        total += r.activation_size
    return total


# ---- comparing reports -----------------------------------------------------------------

def _first_rows(m: Optional[ModelReport]) -> Dict[str, LayerRow]:
    """Rows by dotted path; a layer applied several times is represented by its first row,
    with the output shape of that first application."""
    out: Dict[str, LayerRow] = {}
    if m is None:
        return out
    for r in m.layers:
        out.setdefault(r.path, r)
    return out


def _same(a: LayerRow, b: LayerRow) -> bool:
    return a.type == b.type and a.params == b.params and a.trainable == b.trainable and a.output_shape == b.output_shape


#: Above this many cell comparisons an aligned container falls back to matching by path.
_ALIGN_LIMIT = 4_000_000


def _indexed(path: str) -> Optional[str]:
    """The container of a numbered child (``features.3`` → ``features``), else None."""
    parent, dot, last = path.rpartition(".")
    return parent if dot and last.isdigit() else None


def _align(a: List[Tuple[str, LayerRow]], b: List[Tuple[str, LayerRow]]) -> List[Tuple[Optional[int], Optional[int]]]:
    """Longest common subsequence of layer types: inserting a layer into a Sequential shifts
    the indices after it, and those layers are still the same layers."""
    n, m = len(a), len(b)
    if n * m > _ALIGN_LIMIT:
        return [(i, i) if i < m else (i, None) for i in range(n)] + [(None, j) for j in range(n, m)]
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = lcs[i + 1][j + 1] + 1 if a[i][1].type == b[j][1].type else max(lcs[i + 1][j], lcs[i][j + 1])
    out: List[Tuple[Optional[int], Optional[int]]] = []
    i = j = 0
    while i < n and j < m:
        if a[i][1].type == b[j][1].type:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    out += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return out


def compare_models(file: str, name: str, before: Optional[ModelReport], after: Optional[ModelReport],
                   sources_differ: bool = True) -> ModelDiff:
    """The change of one model; either side may be missing (a new or removed model).
    ``sources_differ``: whether its file or a file it imports differs between the sides (a
    model whose figures are unknown is then ``unknown``, not ``unchanged``).

    Layers match by dotted path, except the numbered children of a container (a Sequential's
    ``features.3``), which match by their order and type so that an inserted layer shows as
    one addition rather than as every later index changing.
    """
    rb, ra = _first_rows(before), _first_rows(after)
    pairs: List[Tuple[Optional[str], Optional[str]]] = []
    groups: Dict[str, Tuple[List[Tuple[str, LayerRow]], List[Tuple[str, LayerRow]]]] = {}
    for side, rows in ((0, rb), (1, ra)):
        for path, row in rows.items():
            parent = _indexed(path)
            if parent is None:
                continue
            groups.setdefault(parent, ([], []))[side].append((path, row))
    aligned: Set[str] = set()
    for parent, (a, b) in groups.items():
        for i, j in _align(a, b):
            pairs.append((a[i][0] if i is not None else None, b[j][0] if j is not None else None))
        aligned.update(p for p, _ in a)
        aligned.update(p for p, _ in b)
    for path in ra:
        if path not in aligned:
            pairs.append((path if path in rb else None, path))
    for path in rb:
        if path not in aligned and path not in ra:
            pairs.append((path, None))
    order = {p: k for k, p in enumerate(ra)}
    border = {p: k for k, p in enumerate(rb)}
    pairs.sort(key=lambda pq: _pos(pq, order, border))
    changes: List[LayerChange] = []
    for old_path, new_path in pairs:
        old = rb.get(old_path) if old_path is not None else None
        new = ra.get(new_path) if new_path is not None else None
        if old is None and new is not None:
            changes.append(LayerChange(new_path or "", "added", None, new))
        elif new is None and old is not None:
            changes.append(LayerChange(old_path or "", "removed", old, None))
        elif old is not None and new is not None and not _same(old, new):
            changes.append(LayerChange(new_path or "", "changed", old, new, old_path))
    if before is None:
        status = "added"
    elif after is None:
        status = "removed"
    elif changes or _figures(before) != _figures(after):
        status = "changed"
    elif sources_differ and (before.total_params is None or after.total_params is None):
        status = "unknown"  # (the same unknown figures on both sides say nothing of a change)
    else:
        status = "unchanged"
    return ModelDiff(file, name, status, before, after, tuple(changes))


def _pos(pq: Tuple[Optional[str], Optional[str]], order: Dict[str, int], border: Dict[str, int]) -> Tuple[int, int]:
    """Sort key: the head's row order, then removed layers in the base's order."""
    old, new = pq
    if new is not None:
        return (0, order[new])
    return (1, border.get(old or "", 0))


def _figures(m: ModelReport) -> Tuple[object, ...]:
    return (m.total_params, m.trainable_params, m.non_trainable_params, m.input_shape,
            tuple((u.reason) for u in m.unresolved), activations(m))


def _keyed(files: Sequence[FileReport], rel: "RelPath") -> Dict[Tuple[str, str], ModelReport]:
    out: Dict[Tuple[str, str], ModelReport] = {}
    for f in files:
        for m in f.models:
            key = (rel(f.path), m.name)
            n = 2
            while key in out:  # same name twice in a file (a class and a variable)
                key = (rel(f.path), f"{m.name}#{n}")
                n += 1
            out[key] = m
    return out


def compare(base: Sequence[FileReport], head: Sequence[FileReport], rel: "RelPath",
            base_label: str = "base", head_label: str = "head",
            sources: Optional[Tuple[Dict[str, str], Dict[str, str]]] = None) -> DiffReport:
    """Match models by (file, name) and compare them; ``rel`` maps a report path to its key.
    ``sources``: per side, each file key's digest of the files its analysis read (absent:
    they may differ)."""
    kb, kh = _keyed(base, rel), _keyed(head, rel)
    keys = sorted(set(kb) | set(kh))

    def differ(f: str) -> bool:
        return sources is None or sources[0].get(f) is None or sources[0].get(f) != sources[1].get(f)

    models = tuple(compare_models(f, n, kb.get((f, n)), kh.get((f, n)), differ(f)) for f, n in keys)
    errors = tuple(("base", rel(f.path), f.error) for f in base if f.error) + \
        tuple(("head", rel(f.path), f.error) for f in head if f.error)
    return DiffReport(base_label, head_label, models, errors, rel.top)


class RelPath:
    """Report paths → repository-relative keys (forward slashes)."""

    def __init__(self, top: str) -> None:
        self.top = top

    def __call__(self, path: str) -> str:
        return os.path.relpath(os.path.realpath(path), self.top).replace(os.sep, "/")


# ---- budgets on change ----------------------------------------------------------------

@dataclass(frozen=True, **SLOTS)
class GrowthFinding:
    """A model that grew more than its budget, or whose growth is unknown."""

    model: ModelDiff
    budget: Growth
    #: None when the growth could not be computed exactly.
    growth: Optional[int]
    limit: Optional[int]
    message: str


def check_growth(report: DiffReport, budget_for: "BudgetFor") -> List[GrowthFinding]:
    """Models over their growth budget (new models: their whole size against a count budget)."""
    out: List[GrowthFinding] = []
    for m in report.models:
        if m.after is None or m.status == "unchanged":
            continue  # (unchanged with unknown figures: the same sources on both sides, no growth)
        budget = budget_for(m)
        if budget is None:
            continue
        before = m.params_before
        delta = m.params_delta
        if m.before is None and budget.percent is not None:
            continue  # a relative budget has nothing to be relative to
        if delta is None or before is None:
            out.append(GrowthFinding(m, budget, None, None,
                                     f"{m.name}: parameter growth is unknown ({_why(m)}); budget {budget} not checked"))
            continue
        limit = budget.limit(before)
        if limit is not None and delta > limit:
            rel = relative(before, delta)
            pct = f" ({rel:+.1%})" if rel is not None else " (new model)"
            out.append(GrowthFinding(m, budget, delta, limit,
                                     f"{m.name} grew by {delta:+,} params{pct}, budget {budget}" + (f" = {limit:,}" if budget.percent is not None else "")))
    return out


def _why(m: ModelDiff) -> str:
    for side, rep in (("after", m.after), ("before", m.before)):
        if rep is not None and rep.unresolved:
            return f"{side}: {rep.unresolved[0].reason}"
    return "a total is unknown"


class BudgetFor:
    """The growth budget of each model: a global one, overridden per ``path::Name`` or ``Name``."""

    def __init__(self, default: Optional[Growth], per_model: Optional[Dict[str, Growth]] = None) -> None:
        self.default = default
        self.per_model = per_model or {}

    def __call__(self, m: ModelDiff) -> Optional[Growth]:
        return self.per_model.get(m.key) or self.per_model.get(m.name) or self.default


def shape_text(s: Optional[Shape]) -> str:
    if s is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


# ---- running both sides ----------------------------------------------------------------

def run(paths: Sequence[str], base: str, head: Optional[str], input_shapes: Optional[Tuple[Shape, ...]] = None,
        config: Optional[str] = None) -> DiffReport:
    """Analyze ``paths`` at revision ``base`` and at ``head`` (None: the working tree); a file
    named in ``paths`` brings in the working tree's files that import it.

    Files and per-model input shapes follow the configuration as ``check`` applies it
    (include/exclude, ``input-shape``), read from the working tree for both sides so that a
    change of figures is a change of the model, not of the settings. Raises
    :class:`paramlint.gitrev.GitError` when git cannot answer (not a repository, an unknown
    revision) and :class:`paramlint.config.ConfigError` for a bad configuration; analysis
    problems end up in the reports, as everywhere else.
    """
    from paramlint import gitrev
    from paramlint.config import Finder
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project
    from paramlint.runner import DEFAULT_EXCLUDE, files

    top = gitrev.toplevel(os.getcwd())
    rel = RelPath(top)
    finder = Finder(config)
    if any(os.path.isfile(p) for p in paths):
        # a named file brings in the files of the working tree that import it, as check does: a
        # changed block module changes the models built from it
        from paramlint.runner import files as _selected, with_dependents

        chosen = list(_selected(paths, finder))
        have = {os.path.realpath(p) for p, _ in chosen}
        paths = [*paths, *(p for p, _ in with_dependents(chosen, paths, finder) if os.path.realpath(p) not in have)]

    def options(path: str) -> Options:
        return Options(**finder.for_path(path).engine_inputs(path, input_shapes))

    def selected(path: str) -> bool:
        parts = rel(path).split("/")[:-1]
        return not any(p in DEFAULT_EXCLUDE for p in parts) and finder.for_path(path).selects(path)

    def analyze(project: Any, path: str, data: Optional[bytes], digests: Dict[str, str]) -> FileReport:
        """One file in a project of its own (parses shared): what it read is its own."""
        report = analyze_file(project, path, options(path), data)
        h = hashlib.sha256()
        for p, content in sorted(project.files_read.items()):
            h.update(p.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(content).digest())
        digests[rel(path)] = h.hexdigest()
        return report

    def at(rev: str, digests: Dict[str, str]) -> Tuple[str, List[FileReport]]:
        commit = gitrev.commit_of(top, rev)
        r = gitrev.Revision(top, commit)
        parsed: Dict[Any, Any] = {}
        out = []
        for p in r.python_files(paths):
            shown = os.path.relpath(p)
            if selected(shown):
                out.append(analyze(Project(reader=r.read, exists=r.exists, sources=parsed), shown, r.read(p), digests))
        return (rev if commit.startswith(rev) else f"{rev} ({commit[:10]})"), out

    sources: Tuple[Dict[str, str], Dict[str, str]] = ({}, {})
    base_label, base_files = at(base, sources[0])
    if head is None:
        parsed: Dict[Any, Any] = {}
        head_label = "working tree"
        head_files = [analyze(Project(sources=parsed), p, None, sources[1]) for p, _ in files(paths, finder)]
    else:
        head_label, head_files = at(head, sources[1])
    return compare(base_files, head_files, rel, base_label, head_label, sources)


# ---- budgets from the configuration, findings as diagnostics ---------------------------

def config_budgets(report: DiffReport, config: Optional[str], override: Optional[Growth]) -> Tuple[BudgetFor, Callable[[ModelDiff], str]]:
    """Growth budgets and ``unknown`` modes from ``[tool.paramlint]`` (found from each model's
    file in the working tree, as ``check`` finds it); ``override`` (the command line) wins.
    Raises :class:`paramlint.config.ConfigError`."""
    from paramlint.config import Finder

    finder = Finder(config)
    per_model: Dict[str, Growth] = {}
    modes: Dict[str, str] = {}
    for m in report.models:
        path = os.path.join(report.top, *m.file.split("/"))
        s = finder.for_path(path).for_model(path, m.name)
        modes[m.key] = s.unknown
        if override is None and s.max_params_growth is not None:
            per_model[m.key] = s.max_params_growth
    return BudgetFor(override, per_model), lambda m: modes.get(m.key, "warn")


def diagnostics(report: DiffReport, findings: Sequence[GrowthFinding],
                unknown_mode: Callable[[ModelDiff], str]) -> List[Tuple[Optional[GrowthFinding], "Diagnostic"]]:
    """Findings in the form every ``check`` output format takes, each with the finding it
    reports (None for a file error): PRM202 over budget, PRM903 growth unknown (severity by
    the ``unknown`` setting; none when it is "ignore"), PRM901 a file not analyzed."""
    from paramlint.diagnostics import Diagnostic

    out: List[Tuple[Optional[GrowthFinding], Diagnostic]] = []
    for f in findings:
        m = f.model
        loc = m.location
        path = loc.path if loc else os.path.relpath(os.path.join(report.top, *m.file.split("/")))
        line, col = (loc.line, loc.column) if loc else (1, 0)
        if f.growth is None:
            mode = unknown_mode(m)
            if mode == "ignore":
                continue
            out.append((f, Diagnostic(path, line, col, "PRM903", f.message, "error" if mode == "error" else "warning", m.name)))
        else:
            out.append((f, Diagnostic(path, line, col, "PRM202", f.message, "error", m.name, value=f.growth, limit=f.limit)))
    for side, file, msg in report.errors:
        out.append((None, Diagnostic(os.path.relpath(os.path.join(report.top, *file.split("/"))), 1, 0, "PRM901", f"{msg} ({side} revision)")))
    return out
