"""Budgets on change: ``max-params-growth = "10%"`` (of the base size) or ``"2M"`` (a count).

A value type of its own so the configuration can validate it and ``diff`` can apply it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

from paramlint.types import SLOTS

_GROWTH_RE = re.compile(r"^\s*\+?\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*%\s*$")


@dataclass(frozen=True, **SLOTS)
class Growth:
    """A growth budget: a share of the base total (``"10%"``) or a count (``"2M"``)."""

    percent: Optional[Decimal] = None
    count: Optional[int] = None

    def limit(self, before: int) -> Optional[int]:
        """Largest allowed increase for a model of ``before`` parameters."""
        if self.count is not None:
            return self.count
        assert self.percent is not None
        return int(Decimal(before) * self.percent / 100)  # floor: never more growth than allowed

    def __str__(self) -> str:
        return f"{self.percent.normalize():f}%" if self.percent is not None else f"{self.count:,}"


def parse_growth(value: object) -> Growth:
    """``"10%"``, ``"2M"``, ``2000000`` → Growth; ValueError otherwise."""
    if isinstance(value, str):
        m = _GROWTH_RE.match(value)
        if m:
            try:
                pct = Decimal(m.group(1).replace("_", "").replace(",", ""))
            except InvalidOperation:
                raise ValueError(f"cannot read {value!r} as a percentage") from None
            return Growth(percent=pct)
    return Growth(count=_count(value))


def _count(value: object) -> int:
    from paramlint.config import parse_budget  # budgets read the same everywhere

    try:
        return parse_budget(value)
    except ValueError:
        raise ValueError(f"cannot read {value!r} as a growth budget (use e.g. \"10%\" or \"2M\")") from None
