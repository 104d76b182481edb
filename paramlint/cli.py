"""Command line: argument parsing and wiring only. Heavy modules are imported lazily so a
pre-commit run pays only for what it uses.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, Optional, Sequence

from paramlint import __version__


def _help_width() -> int:
    """The terminal width as ``shutil`` finds it, for argparse's formatters: argparse imports
    ``shutil`` (and with it bz2, lzma and zlib) just to ask, on every run, help or not."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(columns, 1) - 2


def _parser() -> argparse.ArgumentParser:
    width = _help_width()  # asked once per parser; argparse makes a formatter per add_argument

    def _formatter(prog: str) -> argparse.HelpFormatter:
        return argparse.HelpFormatter(prog, width=width)

    p = argparse.ArgumentParser(prog="paramlint", formatter_class=_formatter,
                                description="Parameter counts, shapes and budgets for model source code, statically.")
    p.add_argument("--version", action="version", version=f"paramlint {__version__}")
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("summary", help="print per-layer parameters and shapes for every model found",
                       formatter_class=_formatter)
    s.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    s.add_argument("--format", "--output-format", dest="format", choices=("text", "json", "mermaid", "dot"), default="text")
    s.add_argument("--depth", type=int, default=3, metavar="N",
                   help="mermaid/dot: show containers down to depth N, collapse deeper ones (default 3)")
    s.add_argument("--input-shape", action="append", default=None, metavar="SHAPE",
                   help="input shape for torch and Flax models without their own, e.g. 1,3,32,32 (repeat for several inputs)")
    _perf_args(s)
    d = sub.add_parser("diff", help="compare model sizes between two git revisions (files read from git, working tree untouched)",
                       formatter_class=_formatter)
    d.add_argument("base_and_paths", nargs="*", metavar="[BASE] [PATHS]",
                   help="base revision (default: merge-base with the default branch), then files or directories")
    d.add_argument("--base", default=None, help="base revision")
    d.add_argument("--head", default=None, help="head revision (default: the working tree)")
    d.add_argument("--format", "--output-format", dest="format", default="text",
                   choices=("text", "markdown", "json", "concise", "full", "github", "sarif", "gitlab", "rdjson"),
                   help="text/markdown/json: the size changes; the others: growth-budget diagnostics as check prints them")
    d.add_argument("--max-params-growth", default=None, metavar="BUDGET",
                   help='fail when a model grows by more than this: "10%%" of its base size or a count like "2M" '
                        '(overrides max-params-growth from the configuration)')
    d.add_argument("--config", metavar="PATH", help="use this pyproject.toml or paramlint.toml instead of searching for one")
    d.add_argument("--input-shape", action="append", default=None, metavar="SHAPE", help="as for summary")
    e = sub.add_parser("explain", help="per layer, the framework's formula behind each figure, with the actual numbers",
                       formatter_class=_formatter)
    e.add_argument("target", help="path.py::Model (or path.py for every model in the file)")
    e.add_argument("--input-shape", action="append", default=None, metavar="SHAPE", help="as for summary")
    c = sub.add_parser("check", help="check parameter and activation budgets from pyproject.toml ([tool.paramlint])",
                       formatter_class=_formatter)
    c.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    c.add_argument("--output-format", "--format", dest="format", default="concise",
                   choices=("concise", "full", "json", "github", "sarif", "gitlab", "rdjson", "markdown"))
    c.add_argument("--config", metavar="PATH", help="use this pyproject.toml or paramlint.toml instead of searching for one")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when budgets are exceeded (still 2 on abnormal errors)")
    _perf_args(c)
    c.add_argument("--no-dependents", dest="dependents", action="store_false",
                   help="check only the files given, not also the files that import them")
    c.add_argument("--input-shape", action="append", default=None, metavar="SHAPE",
                   help="input shape for torch and Flax models without their own, e.g. 1,3,32,32 (overrides the config's top-level one)")
    return p


def entry() -> int:
    """The console script and ``python -m paramlint``: :func:`main`, then ``gc.freeze()``. The
    interpreter's exit runs one last full collection over every object the run made (about 30 ms
    after a LeNet, a sixth of a cold check); a process about to exit has nothing to reclaim, and
    its output is flushed without the collector. Not in :func:`main`: callers in a long-lived
    process keep a collector that works."""
    import gc

    code = main()
    gc.freeze()
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command == "diff" and not any(x.startswith("-") for x in extra):
            args.base_and_paths += extra  # paths after options: argparse does not intermix positionals
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        _parser().print_help()
        return 2
    if args.command == "summary":
        return _summary(args)
    if args.command == "diff":
        return _diff(args)
    if args.command == "explain":
        return _explain(args)
    if args.command == "check":
        return _check(args)
    return 2


def _check(args: argparse.Namespace) -> int:
    """``paramlint check``: 0 clean, 1 budget violations, 2 abnormal (usage, config, unanalyzable file)."""
    from paramlint.config import ConfigError
    from paramlint.report import check_formatter
    from paramlint.runner import run

    shapes = _shapes_arg(args)
    if shapes is False:
        return 2
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"paramlint: error: no such file or directory: {missing[0]}", file=sys.stderr)
        return 2
    try:
        result = run(args.paths, args.config, shapes, follow_dependents=args.dependents, jobs=args.jobs, cache=_cache(args))
    except ConfigError as e:
        print(f"paramlint: error: {e}", file=sys.stderr)
        return 2
    _write(check_formatter(args.format)(result))
    if result.abnormal:
        return 2
    return 1 if result.errors and not args.exit_zero else 0


def _summary(args: argparse.Namespace) -> int:
    from paramlint.discovery import discover
    from paramlint.parallel import analyze_many
    from paramlint.report import summary_formatter

    shapes = _shapes_arg(args)
    if shapes is False:
        return 2
    from paramlint.config import ConfigError

    try:
        items = [(p, _configured_inputs(p, shapes)) for p in discover(args.paths)]
    except ConfigError as e:
        print(f"paramlint: error: {e}", file=sys.stderr)
        return 2
    files = analyze_many(items, jobs=args.jobs, cache=_cache(args))
    if args.format in ("mermaid", "dot"):
        text = summary_formatter(args.format)(files, depth=max(args.depth, 0))  # type: ignore[call-arg]
    else:
        text = summary_formatter(args.format)(files)
    if not _write(text):
        return 0
    return 2 if any(f.error for f in files) else 0


def _configured_inputs(path: str, shapes: Any) -> Dict[str, Any]:
    """Engine options for ``path`` with the input shapes ``check`` uses (so that summary and
    explain show the figures check judges). Raises ConfigError for a bad configuration."""
    from paramlint.config import Finder

    global _FINDER
    if _FINDER is None:
        _FINDER = Finder(None)
    return _FINDER.for_path(path).engine_inputs(path, shapes)


_FINDER: Any = None


def _perf_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the results cache")
    p.add_argument("--cache-dir", metavar="DIR", default=None,
                   help="results cache directory (default: $PARAMLINT_CACHE_DIR or .paramlint_cache; safe to delete)")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="worker processes (default: one per CPU when there are enough files; 1: no pool)")


def _cache(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The results cache the flags and environment ask for, or None."""
    if args.no_cache or os.environ.get("PARAMLINT_NO_CACHE"):
        return None
    from paramlint.cache import CACHE_DIR, Cache

    return Cache(args.cache_dir or os.environ.get("PARAMLINT_CACHE_DIR") or CACHE_DIR)


def _shapes_arg(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Parsed ``--input-shape`` values; False when malformed (error printed)."""
    if not args.input_shape:
        return None
    from paramlint.entrypoints import parse_shapes  # (LibCST: not on a warm run's path)

    parsed = [parse_shapes(s) for s in args.input_shape]
    if any(p is None for p in parsed):
        print(f"paramlint: error: invalid --input-shape {args.input_shape!r} (expected e.g. 1,3,32,32)", file=sys.stderr)
        return False
    return tuple(s for p in parsed for s in p)  # type: ignore[union-attr]


def _write(text: str) -> bool:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_pipe()
        return False
    return True


def _diff(args: argparse.Namespace) -> int:
    import importlib

    from paramlint import diff, gitrev
    from paramlint.config import ConfigError

    shapes = _shapes_arg(args)
    if shapes is False:
        return 2
    rest = list(args.base_and_paths)
    base = args.base
    try:
        if base is None and rest and not os.path.exists(rest[0]):
            base = rest.pop(0)  # an existing path is a path, anything else a revision
        top = gitrev.toplevel(os.getcwd())
        if base is None:
            base = gitrev.default_base(top)
        override = diff.parse_growth(args.max_params_growth) if args.max_params_growth else None
        report = diff.run(rest or ["."], base, args.head, shapes or None, args.config)
        budget, unknown_mode = diff.config_budgets(report, args.config, override)
    except gitrev.GitError as e:
        print(f"paramlint: error: git: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"paramlint: error: --max-params-growth: {e}", file=sys.stderr)
        return 2
    except ConfigError as e:
        print(f"paramlint: error: {e}", file=sys.stderr)
        return 2
    from dataclasses import replace

    from paramlint.runner import finish, norm

    pairs = diff.diagnostics(report, diff.check_growth(report, budget), unknown_mode)
    result = finish([d for _, d in pairs], (), len(report.models))  # (suppressions: the same for every format)
    kept = {d.sort_key() for d in result.diagnostics}
    if args.format in ("text", "markdown", "json"):
        render = importlib.import_module(f"paramlint.report.{args.format}_diff").render
        _write(render(report, [f for f, d in pairs if f is not None and replace(d, path=norm(d.path)).sort_key() in kept]))
    else:
        from paramlint.report import check_formatter

        _write(check_formatter(args.format)(result))
    errors = [d for d in result.diagnostics if d.severity == "error" and d.code != "PRM901"]
    if report.errors:
        return 2
    return 1 if errors else 0


def _explain(args: argparse.Namespace) -> int:
    from paramlint import explain

    shapes = _shapes_arg(args)
    if shapes is False:
        return 2
    path, _, name = args.target.partition("::")
    if os.path.isdir(path):
        print(f"paramlint: error: {path}: a directory; explain takes one file (FILE.py or FILE.py::Model)", file=sys.stderr)
        return 2
    from paramlint.config import ConfigError

    try:
        inputs = _configured_inputs(path, shapes) if os.path.isfile(path) else {}
    except ConfigError as e:
        print(f"paramlint: error: {e}", file=sys.stderr)
        return 2
    result = explain.explain_file(path, name or None, inputs.get("input_shapes"), inputs.get("model_inputs"))
    if result.error:
        print(f"paramlint: error: {result.error}", file=sys.stderr)
        return 2
    _write(explain.render(result))
    return 0


def _silence_pipe() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
