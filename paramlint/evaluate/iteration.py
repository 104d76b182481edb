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


class DefaultDict(dict):
    """``collections.defaultdict``: a dict whose missing keys are made by ``factory()``."""

    def __init__(self, factory: Any, *args: Any) -> None:
        super().__init__(*args)
        self.factory = factory


def _defaultdict(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    factory = args[0] if args else kwargs.pop("default_factory", None)
    if isinstance(factory, Unknown):
        return factory
    init: Dict[Any, Any] = {}
    if len(args) > 1:
        if not isinstance(args[1], dict):
            return it.unknown("defaultdict() of a non-dict", node)
        init.update(args[1])
    init.update(kwargs)
    return DefaultDict(factory, init)


def missing_key(it: Any, d: DefaultDict, key: Any, node: Any) -> Any:
    """``d[key]`` for a key not in ``d``: ``factory()`` inserted, or KeyError without one."""
    if d.factory is None:
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises KeyError: {key!r}", node), "KeyError")
    v = it.call(d.factory, [], {}, node)
    d[key] = v
    return v


class Deque(list):
    """``collections.deque`` (without ``maxlen``): a list with the left-end methods."""


def _deque(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if kwargs.get("maxlen") is not None or len(args) > 1:
        return it.unknown("deque(maxlen=...) is not modelled", node)
    if not args:
        return Deque()
    seqs = _seqs(it, args[:1], node)
    return seqs if isinstance(seqs, Unknown) else Deque(seqs[0])


def deque_method(it: Any, d: Deque, name: str, node: Any) -> Any:
    def call(it2: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
        if name == "appendleft" and len(a) == 1:
            d.insert(0, a[0])
            _check(it2, len(d))
            return None
        if name == "popleft" and not a:
            if not d:
                from paramlint.evaluate.interpreter import Raised

                raise Raised(it2.unknown("raises IndexError: pop from an empty deque", n), "IndexError")
            return d.pop(0)
        if name == "extendleft" and len(a) == 1:
            seqs = _seqs(it2, a, n)
            if isinstance(seqs, Unknown):
                return seqs
            for x in seqs[0]:
                d.insert(0, x)
            _check(it2, len(d))
            return None
        return it2.unknown(f"deque.{name}() arguments", n)
    return Builtin(f"deque.{name}", call)


STDLIB: Dict[str, Any] = {
    "collections.deque": Builtin("deque", _deque),
    "collections.defaultdict": Builtin("defaultdict", _defaultdict),
    "itertools.repeat": Builtin("repeat", _repeat),
    "itertools.chain": Builtin("chain", _chain),
    "itertools.chain.from_iterable": Builtin("chain.from_iterable", _chain_from_iterable),
    "itertools.product": Builtin("product", _product),
    "itertools.accumulate": Builtin("accumulate", _accumulate),
    "itertools.islice": Builtin("islice", _islice),
    "itertools.zip_longest": Builtin("zip_longest", _zip_longest),
}
