"""Analyzing many files: cache look-ups first, then the misses, on a process pool when there
are enough of them to pay for it.

Each analyzed file gets its own :class:`~paramlint.evaluate.project.Project`, so its report
depends only on the files it imports (never on which files were analyzed before it, in which
order, or in which worker) and the files it read are exactly its cache dependencies. Parse
trees are shared between those projects through one parse cache per process, so a block file
imported by many models is parsed once per worker; only module top levels are re-evaluated.

Options travel as plain keyword dictionaries (``Options(**kwargs)``): picklable for the
workers, printable for the cache key, and building one needs no engine import, so a run
answered entirely from the cache never imports LibCST.
"""

from __future__ import annotations

import gc
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from paramlint.types import FileReport

#: One file to analyze with the engine options for it (``Options(**kwargs)``).
Item = Tuple[str, Mapping[str, Any]]
#: A worker's answer: index, report, digests of the files read, existence probes.
_Result = Tuple[int, FileReport, Dict[str, str], Dict[str, bool]]

#: Below these a pool costs more than it saves (fork + per-worker parse of shared imports).
MIN_FILES = 4
MIN_BYTES = 64_000

#: index, path, options, bytes (None: the engine reads them), whether to digest dependencies.
_Job = Tuple[int, str, Mapping[str, Any], Optional[bytes], bool]

#: The parse cache of this process (worker or main), shared by all its Projects.
_SOURCES: Dict[Tuple[str, str], Tuple[bytes, Any]] = {}


def options_key(kwargs: Mapping[str, Any]) -> str:
    """A stable text for the options a report depends on (the cache key's share)."""
    return repr(sorted(kwargs.items()))


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def analyze_one(index: int, path: str, kwargs: Mapping[str, Any], data: Optional[bytes], deps: bool = True) -> _Result:
    """Analyze one file in a fresh Project over this process's parse cache; with ``deps``, the
    digests of the files it read (for the cache; hashing is skipped without one)."""
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    probes: Dict[str, bool] = {}

    def exists(p: str) -> bool:
        r = probes.get(p)
        if r is None:
            r = probes[p] = os.path.isfile(p)
        return r

    project = Project(exists=exists, sources=_SOURCES)
    report = analyze_file(project, path, Options(**kwargs), data)
    if not deps:
        return index, report, {}, probes
    from paramlint.cache import digest

    return index, report, {p: digest(d) for p, d in project.files_read.items()}, probes


def analyze_many(items: Sequence[Item], jobs: int = 0, cache: Any = None) -> List[FileReport]:
    """Reports for ``items`` in order. ``jobs``: worker processes (0: as many as CPUs when
    there are enough files; 1: in this process). ``cache``: a :class:`paramlint.cache.Cache`."""
    reports: List[Optional[FileReport]] = [None] * len(items)
    todo: List[_Job] = []
    keys: Dict[int, str] = {}
    for i, (path, kwargs) in enumerate(items):
        data: Optional[bytes] = None
        if cache is not None:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                data = None  # the engine reports the error; nothing to cache
            else:
                keys[i] = cache.key(path, data, options_key(kwargs))
                hit = cache.get(keys[i])
                if hit is not None:
                    reports[i] = hit
                    continue
        todo.append((i, path, kwargs, data, cache is not None))
    if todo:
        workers = _workers(jobs, todo)
        if workers > 1:
            with _quiet_gc():  # unpickling tens of thousands of report rows
                results = _run_pool(todo, workers)
        else:
            results = None
        if results is None:
            results = _run_serial(todo)
        for i, report, deps, probes in results:
            reports[i] = report
            if cache is not None and i in keys and report.error is None:
                cache.put(keys[i], report, deps, probes)
    return [r for r in reports if r is not None]


def _workers(jobs: int, todo: Sequence[_Job]) -> int:
    if jobs > 0:
        return min(jobs, len(todo))
    if len(todo) < MIN_FILES:
        return 1
    return 1 if sum(_job_size(t) for t in todo) < MIN_BYTES else min(cpu_count(), len(todo))


def _run_serial(todo: Sequence[_Job]) -> List[_Result]:
    with _quiet_gc():
        return [analyze_one(*t) for t in todo]


def _run_pool(todo: Sequence[_Job], workers: int) -> Optional[List[_Result]]:
    """The misses on ``workers`` forked processes, in tasks of sibling files, largest first (the
    longest tasks start early, so the workers finish together). None if no pool can be had. A worker that dies (a
    crash below Python, the OOM killer) costs only its own file: the files left without a result
    are retried one per fresh process, and the one that kills it again is reported as an error."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import paramlint.engine  # noqa: F401  (imported once here, inherited by the forked workers)

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return None
    chunks = _chunks(todo, workers)
    order = [t for chunk in chunks for t in chunk]
    done: Dict[int, _Result] = {}
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init) as ex:
            for rs in ex.map(_star_chunk, chunks, chunksize=1):
                for r in rs:
                    done[r[0]] = r
    except BrokenProcessPool:
        for t in order:
            if t[0] in done:
                continue
            try:
                with ProcessPoolExecutor(1, mp_context=ctx, initializer=_worker_init) as ex:
                    done[t[0]] = ex.submit(_star, t).result()
            except BrokenProcessPool:
                done[t[0]] = (t[0], FileReport(t[1], error="internal error: the analyzing process died"), {}, {})
    except (OSError, RuntimeError):
        return None if not done else [*done.values(), *_run_serial([t for t in order if t[0] not in done])]
    return list(done.values())


def _star(t: _Job) -> _Result:
    return analyze_one(*t)


def _star_chunk(chunk: List[_Job]) -> List[_Result]:
    return [analyze_one(*t) for t in chunk]


def _chunks(todo: Sequence[_Job], workers: int) -> List[List[_Job]]:
    """The jobs as tasks for the pool: the files of one directory together (siblings import
    each other, and a worker parses what it imports once: torchvision's ``detection/`` files
    share a dozen modules), in runs of at most a ``2 * workers``-th of the bytes so that the
    workers still finish together; the largest tasks first."""
    sizes = {t[0]: _job_size(t) for t in todo}  # (one stat per file)

    def size(t: _Job) -> int:
        return sizes[t[0]]

    cap = sum(sizes.values()) / (2 * workers)
    by_dir: Dict[str, List[_Job]] = {}
    for t in sorted(todo, key=lambda t: t[1]):
        by_dir.setdefault(os.path.dirname(os.path.abspath(t[1])), []).append(t)
    chunks: List[List[_Job]] = []
    for jobs in by_dir.values():
        chunk: List[_Job] = []
        filled = 0
        for t in jobs:
            if chunk and filled + size(t) > cap:
                chunks.append(chunk)
                chunk, filled = [], 0
            chunk.append(t)
            filled += size(t)
        chunks.append(chunk)
    return sorted(chunks, key=lambda c: -sum(size(t) for t in c))


def _worker_init() -> None:
    _SOURCES.clear()
    gc.freeze()  # the inherited modules are never garbage: keep them out of every collection
    _tune_gc()


def _job_size(t: _Job) -> int:
    """A job's bytes: its data if read already, else the file's size (0 if it cannot be had)."""
    if t[3] is not None:
        return len(t[3])
    try:
        return os.path.getsize(t[1])
    except OSError:
        return 0


def _tune_gc() -> None:
    """The cyclic collector's default thresholds make it re-scan every live parse tree over
    and over while more trees are built (a third of the parse time on a folder); tree nodes
    never form cycles, so collect rarely."""
    gc.set_threshold(100_000, 50, 100)


class _quiet_gc:
    def __enter__(self) -> None:
        self.saved = gc.get_threshold()
        _tune_gc()

    def __exit__(self, *exc: object) -> None:
        gc.set_threshold(*self.saved)
