"""einops patterns (``rearrange``, ``reduce``, ``repeat`` and their layers): the output shape,
as einops 0.8 computes it (``einops/parsing.py``, ``_prepare_transformation_recipe``).

``"b c (h p1) (w p2) -> b (h w) (p1 p2 c)"``: each side is a list of groups; a left group's
axes multiply to its dimension (one unknown axis is solved by division), a right group's
axes multiply to an output dimension. Where einops raises, ArgError (the caller's unknown).
A None dimension (an unknown batch) stays None wherever it goes.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

from paramlint.catalog.spec import ArgError
from paramlint.types import Shape

_ELLIPSIS = "…"
_BARE = "<…>"  # the ellipsis as a group of its own (its dimensions stay apart)
Group = List[str]  # axis names; "#3" an anonymous axis of length 3; _ELLIPSIS the ellipsis


def parse(side: str) -> Tuple[List[Group], bool]:
    """The groups of one side (a unit ``1`` or ``()`` outside brackets: an empty group) and
    whether it holds the ellipsis inside brackets."""
    if "." in side:
        if side.count("...") != 1 or side.count(".") != 3:
            raise ArgError("einops: dots only in one ellipsis")
        side = side.replace("...", _ELLIPSIS)
    groups: List[Group] = []
    seen: Set[str] = set()
    bracket: Optional[Group] = None
    in_brackets = False
    token = ""

    def add(x: str) -> None:
        nonlocal in_brackets
        if x.isdecimal():
            if int(x) == 1:
                if bracket is None:
                    groups.append([])
                return
            x = f"#{int(x)}#{len(seen)}"  # (anonymous axes are all distinct)
        elif x != _ELLIPSIS and not (x.isidentifier() and not x.startswith("_") or x == "_"):
            raise ArgError(f"einops: invalid axis name {x!r}")
        if x in seen:
            raise ArgError(f"einops: duplicate axis {x!r}")
        seen.add(x)
        if bracket is None:
            groups.append([_BARE if x == _ELLIPSIS else x])
        else:
            bracket.append(x)
            in_brackets = in_brackets or x == _ELLIPSIS

    for ch in side + " ":
        if ch in "() ":
            if token:
                add(token)
            token = ""
            if ch == "(":
                if bracket is not None:
                    raise ArgError("einops: nested brackets")
                bracket = []
            elif ch == ")":
                if bracket is None:
                    raise ArgError("einops: unbalanced brackets")
                groups.append(bracket)
                bracket = None
        elif ch.isalnum() or ch in ("_", _ELLIPSIS):
            token += ch
        else:
            raise ArgError(f"einops: unknown character {ch!r}")
    if bracket is not None:
        raise ArgError("einops: unbalanced brackets")
    return groups, in_brackets


def _names(groups: List[Group]) -> Set[str]:
    return {_ELLIPSIS if a == _BARE else a for g in groups for a in g}


def output_shape(op: str, pattern: str, shape: Shape, lengths: Dict[str, int]) -> Shape:
    """``op`` is "rearrange", "reduce" or "repeat"."""
    if pattern.count("->") != 1:
        raise ArgError("einops: the pattern needs one '->'")
    left_s, right_s = pattern.split("->")
    left, left_ell_in = parse(left_s)
    right, _ = parse(right_s)
    ln, rn = _names(left), _names(right)
    if left_ell_in:
        raise ArgError("einops: an ellipsis inside brackets on the left")
    anon_left = any(a.startswith("#") for a in ln)
    anon_right = any(a.startswith("#") for a in rn)
    if op == "rearrange":
        if anon_left or anon_right:
            raise ArgError("einops: anonymous axes are not allowed in rearrange")
        if ln != rn:
            raise ArgError("einops: rearrange needs the same axes on both sides")
    elif op == "repeat":
        if anon_left:
            raise ArgError("einops: anonymous axes on the left of repeat")
        if not ln <= rn:
            raise ArgError("einops: repeat cannot drop axes")
        if _ELLIPSIS in rn and _ELLIPSIS not in ln:
            raise ArgError("einops: an ellipsis on the right only")
    elif op == "reduce":
        if anon_left or anon_right:
            raise ArgError("einops: anonymous axes are not allowed in reduce")
        if not rn <= ln:
            raise ArgError("einops: reduce cannot add axes")
    else:
        raise ArgError(f"einops: unknown operation {op}")
    for k, v in lengths.items():
        if type(v) is not int or v < 0 or k not in ln | rn:
            raise ArgError(f"einops: axis length {k}={v!r} is not used or not an int")

    # the ellipsis: the dimensions the named groups leave
    n_named = len(left) - (1 if _ELLIPSIS in ln else 0)
    if _ELLIPSIS in ln:
        if len(shape) < n_named:
            raise ArgError(f"einops: a {len(shape)}-d input for {n_named} named groups")
        n_ell = len(shape) - n_named
        at = next(i for i, g in enumerate(left) if g == [_BARE])
        ell: List[Optional[int]] = list(shape[at:at + n_ell])
        groups_dims = list(zip(left[:at], shape[:at])) + list(zip(left[at + 1:], shape[at + n_ell:]))
    else:
        if len(shape) != len(left):
            raise ArgError(f"einops: a {len(shape)}-d input for a {len(left)}-group pattern")
        ell = []
        groups_dims = list(zip(left, shape))

    size: Dict[str, Optional[int]] = {}
    for g, d in groups_dims:
        known: int = 1
        unknown: List[str] = []
        for a in g:
            if a in lengths:
                size[a] = lengths[a]
                known *= lengths[a]  # (checked ints above)
            else:
                unknown.append(a)
        if d is None:
            for a in unknown:
                size[a] = None
            continue
        if not unknown:
            if known != d:
                raise ArgError(f"einops: group {g} is {known}, the input dimension {d}")
        elif len(unknown) == 1:
            if known == 0 or d % known:
                raise ArgError(f"einops: {d} is not divisible by {known}")
            size[unknown[0]] = d // known
        else:
            raise ArgError(f"einops: could not infer the sizes of {unknown}")
    for a in rn - ln:
        if a.startswith("#"):
            size[a] = int(a.split("#")[1])
        elif a in lengths:
            size[a] = lengths[a]
        elif a != _ELLIPSIS:
            raise ArgError(f"einops: the new axis {a!r} needs a length")

    out: List[Optional[int]] = []
    for g in right:
        if g == [_BARE]:
            out.extend(ell)
            continue
        total: Optional[int] = 1
        for a in g:
            parts: Sequence[Optional[int]] = ell if a == _ELLIPSIS else [size[a]]
            for part in parts:
                total = None if total is None or part is None else total * part
        out.append(total)
    return tuple(out)
