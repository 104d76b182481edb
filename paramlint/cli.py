"""Command line: argument parsing and wiring only. Heavy modules are imported lazily so a
pre-commit run pays only for what it uses.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from paramlint import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="paramlint", description="Parameter counts, shapes and budgets for model source code, statically.")
    p.add_argument("--version", action="version", version=f"paramlint {__version__}")
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("summary", help="print per-layer parameters and shapes for every model found")
    s.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    s.add_argument("--format", "--output-format", dest="format", choices=("text", "json"), default="text")
    s.add_argument("--input-shape", action="append", default=None, metavar="SHAPE",
                   help="input shape for torch models without their own, e.g. 1,3,32,32 (repeat for several inputs)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    if args.command == "summary":
        return _summary(args)
    return 2


def _summary(args: argparse.Namespace) -> int:
    from paramlint.engine import Options, analyze_paths
    from paramlint.entrypoints import parse_shapes
    from paramlint.report import summary_formatter

    shapes = None
    if args.input_shape:
        parsed = [parse_shapes(s) for s in args.input_shape]
        if any(p is None for p in parsed):
            print(f"paramlint: error: invalid --input-shape {args.input_shape!r} (expected e.g. 1,3,32,32)", file=sys.stderr)
            return 2
        shapes = tuple(s for p in parsed for s in p)  # type: ignore[union-attr]
    files = list(analyze_paths(args.paths, Options(input_shapes=shapes)))
    text = summary_formatter(args.format)(files)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_pipe()
        return 0
    return 2 if any(f.error for f in files) else 0


def _silence_pipe() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
