"""Evaluation limits: past any of them a value becomes Unknown, never a hang or a crash."""

from __future__ import annotations

from dataclasses import dataclass

from paramlint.types import SLOTS


@dataclass(frozen=True, **SLOTS)
class Limits:
    """Bounds on one entry point's evaluation. All are configurable and all are tested."""

    #: Evaluation steps (expressions + statements) per entry point.
    max_steps: int = 2_000_000
    #: Evaluation steps one file's entry points may spend on runaways (entry points that end
    #: at a step limit) together; the engine enforces it.
    max_file_steps: int = 4_000_000
    #: Evaluation steps for one file's entry points together, finished ones included (timm's
    #: largest registry file builds its 58 models in 11.5M steps).
    max_file_total_steps: int = 16_000_000
    #: Nested calls of user functions.
    max_call_depth: int = 64
    #: Nested evaluation frames (expressions inside expressions inside calls).
    max_eval_depth: int = 400
    #: Iterations of one loop or comprehension.
    max_loop: int = 100_000
    #: Bit length of any integer the evaluator computes (``9**9**9`` is refused).
    max_int_bits: int = 128
    #: Elements in one list, tuple, dict, set or range that gets materialized.
    max_collection: int = 1_000_000
    #: Characters in one string.
    max_string: int = 1_000_000


class LimitExceeded(Exception):
    """Raised inside the evaluator when a limit is hit; the entry point becomes Unknown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def loop_limit(limits: Limits, detail: str = "") -> LimitExceeded:
    """The error for a loop or comprehension past ``max_loop`` iterations."""
    return LimitExceeded(f"loop iteration limit ({limits.max_loop:,}) reached{detail}")
