"""``itertools`` on evaluator values: finite, size-checked lists (an infinite iterator
without a bound is Unknown)."""

from __future__ import annotations

import itertools
from typing import Any, Dict, List

from paramlint.evaluate.limits import LimitExceeded
from paramlint.evaluate.values import Builtin, Unknown


def _seqs(it: Any, args: List[Any], node: Any) -> Any:
    out = []
    for a in args:
        s = it.fw.iterate(it, a, node)
        if isinstance(s, Unknown):
            return s
        out.append(list(s))
    return out


def _check(it: Any, n: int) -> None:
    if n > it.limits.max_collection:
        raise LimitExceeded("collection exceeds the collection limit")


def _repeat(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    times = args[1] if len(args) > 1 else kwargs.get("times")
    if times is None:
        return it.unknown("itertools.repeat() without a count is infinite", node)
    if isinstance(times, Unknown):
        return times
    if not isinstance(times, int) or isinstance(times, bool):
        return it.unknown("itertools.repeat() count is not an int", node)
    _check(it, times)
    return _iterator([args[0] if args else kwargs.get("object")] * max(times, 0))


def _chain(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seqs = _seqs(it, args, node)
    if isinstance(seqs, Unknown):
        return seqs
    out = [x for s in seqs for x in s]
    _check(it, len(out))
    return _iterator(out)


def _chain_from_iterable(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    outer = _seqs(it, args[:1], node)
    if isinstance(outer, Unknown):
        return outer
    return _chain(it, outer[0], {}, node)


def _product(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seqs = _seqs(it, args, node)
    if isinstance(seqs, Unknown):
        return seqs
    rep = kwargs.get("repeat", 1)
    if not isinstance(rep, int):
        return it.unknown("product(repeat=...) is not an int", node)
    total = 1
    for s in seqs * rep:
        total *= len(s)
    _check(it, total)
    return _iterator(list(itertools.product(*seqs, repeat=rep)))


def _accumulate(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.expressions import binary

    if len(args) > 1 or kwargs.get("func") is not None:
        return it.unknown("accumulate() with a function", node)
    seqs = _seqs(it, args[:1], node)
    if isinstance(seqs, Unknown):
        return seqs
    out: List[Any] = []
    total: Any = kwargs.get("initial")
    if total is not None:
        out.append(total)
    for x in seqs[0]:
        total = x if total is None else binary(it, "Add", total, x, node)
        out.append(total)
    return _iterator(out)


def _islice(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seqs = _seqs(it, args[:1], node)
    if isinstance(seqs, Unknown):
        return seqs
    bounds = args[1:]
    if any(not (b is None or isinstance(b, int)) for b in bounds):
        return it.unknown("islice() bounds", node)
    return _iterator(list(itertools.islice(seqs[0], *bounds)))


def _zip_longest(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seqs = _seqs(it, args, node)
    if isinstance(seqs, Unknown):
        return seqs
    return _iterator(list(itertools.zip_longest(*seqs, fillvalue=kwargs.get("fillvalue"))))


def _iterator(items: List[Any]) -> Any:
    from paramlint.evaluate.builtins import _Iterator

    return _Iterator(items)


STDLIB: Dict[str, Any] = {
    "itertools.repeat": Builtin("repeat", _repeat),
    "itertools.chain": Builtin("chain", _chain),
    "itertools.chain.from_iterable": Builtin("chain.from_iterable", _chain_from_iterable),
    "itertools.product": Builtin("product", _product),
    "itertools.accumulate": Builtin("accumulate", _accumulate),
    "itertools.islice": Builtin("islice", _islice),
    "itertools.zip_longest": Builtin("zip_longest", _zip_longest),
}
