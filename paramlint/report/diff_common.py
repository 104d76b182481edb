"""Shared wording for the diff formatters: counts, signed deltas, relative changes."""

from __future__ import annotations

from typing import Optional

from paramlint.diff import LayerChange, ModelDiff, relative, shape_text


def num(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


def signed(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:+,}"


def rel_text(before: Optional[int], delta: Optional[int]) -> str:
    r = relative(before, delta)
    if r is None:
        return "new" if before == 0 and delta else ""
    return f"{r:+.1%}"


def before_after(m: ModelDiff, what: str) -> str:
    """``62,958 → 101,838`` (``—`` for a side where the model does not exist)."""
    b = getattr(m, f"{what}_before")
    a = getattr(m, f"{what}_after")
    left = "—" if m.before is None else num(b)
    right = "—" if m.after is None else num(a)
    return left if m.status == "unchanged" and left == right else f"{left} → {right}"


def change(m: ModelDiff, what: str) -> str:
    d = getattr(m, f"{what}_delta")
    r = rel_text(getattr(m, f"{what}_before"), d)
    return f"{signed(d)} ({r})" if r else signed(d)


def layer_params(c: LayerChange) -> str:
    b = c.before.params if c.before else None
    a = c.after.params if c.after else None
    if c.status == "added":
        return f"+{num(a)}" if a is not None else "?"
    if c.status == "removed":
        return f"−{num(b)}" if b is not None else "?"
    if a == b:
        return num(a)
    return f"{num(b)} → {num(a)} ({signed(c.params_delta)})"


def layer_type(c: LayerChange) -> str:
    b = c.before.type if c.before else None
    a = c.after.type if c.after else None
    return a or b or "?" if a == b or a is None or b is None else f"{b} → {a}"


def layer_shape(c: LayerChange) -> str:
    b = shape_text(c.before.output_shape) if c.before else None
    a = shape_text(c.after.output_shape) if c.after else None
    if a is None:
        return b or "?"
    if b is None or a == b:
        return a
    return f"{b} → {a}"
