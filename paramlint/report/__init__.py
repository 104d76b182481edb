"""Formatters: pure functions from reports to text. Each format is one module, loaded lazily."""

from __future__ import annotations

import importlib
from typing import Callable, Sequence

from paramlint.types import FileReport

SUMMARY_FORMATS = ("text", "json", "mermaid", "dot")


def summary_formatter(name: str) -> Callable[[Sequence[FileReport]], str]:
    return importlib.import_module(f"paramlint.report.{name}_summary").render  # type: ignore[no-any-return]

#: ``paramlint check --output-format`` choices; each is the module ``check_<name>``.
CHECK_FORMATS = ("concise", "full", "json", "github", "sarif", "gitlab", "rdjson", "markdown")


def check_formatter(name: str) -> Callable[..., str]:
    return importlib.import_module(f"paramlint.report.check_{name}").render  # type: ignore[no-any-return]
