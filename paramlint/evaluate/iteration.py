"""``itertools`` and ``collections`` on evaluator values. The itertools are lazy
:class:`~paramlint.evaluate.iterators.Iterator` values (an endless ``count()`` or ``repeat(x)``
is bounded by whoever consumes it, under the loop limit), except ``product``, which reads its
inputs when created, as Python's does."""

from __future__ import annotations

import collections

import itertools
from typing import Any, Dict, List

from paramlint.evaluate import iterators
from paramlint.evaluate.iterators import Iterator
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
    obj = args[0] if args else kwargs.get("object")
    times = args[1] if len(args) > 1 else kwargs.get("times")
    if times is None:
        return iterators.lazy(it, itertools.repeat(obj))  # endless: the loop limit bounds it
    if isinstance(times, Unknown):
        return times
    if not isinstance(times, int) or isinstance(times, bool):
        return it.unknown("itertools.repeat() count is not an int", node)
    _check(it, times)
    return Iterator([obj] * max(times, 0))


def _cycle(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``itertools.cycle(xs)``: endless (the loop limit bounds it) over the items of ``xs``."""
    if len(args) != 1 or kwargs:
        return it.unknown("cycle() arguments", node)
    items = it.fw.iterate(it, args[0], node)
    if isinstance(items, Unknown):
        return items
    return iterators.lazy(it, itertools.cycle(list(items)))


def _count(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    start = args[0] if args else kwargs.get("start", 0)
    step = args[1] if len(args) > 1 else kwargs.get("step", 1)
    for v in (start, step):
        if isinstance(v, Unknown):
            return v
        if not isinstance(v, (int, float)):
            return it.unknown("itertools.count() of non-numbers", node)
    return iterators.lazy(it, itertools.count(start, step))


def _chain_of(it: Any, iterables: Any, node: Any) -> Any:
    for a in iterables:  # iter() is called on each argument only when it is reached
        src = iterators.of(it, a, node)
        if isinstance(src, Unknown):
            raise iterators.IterationUnknown(src)
        yield from src.stream(it)


def _chain(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return iterators.lazy(it, _chain_of(it, args, node))


def _chain_from_iterable(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    outer = iterators.sources(it, args[:1], node)
    if isinstance(outer, Unknown):
        return outer
    return iterators.lazy(it, _chain_of(it, outer[0], node))


def _product(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    seqs = _seqs(it, args, node)  # product() reads every input when it is created
    if isinstance(seqs, Unknown):
        return seqs
    rep = kwargs.get("repeat", 1)
    if not isinstance(rep, int):
        return it.unknown("product(repeat=...) is not an int", node)
    total = 1
    for s in seqs * rep:
        total *= len(s)
    _check(it, total)
    return Iterator(list(itertools.product(*seqs, repeat=rep)))


def _accumulate(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.expressions import binary

    if len(args) > 1 or kwargs.get("func") is not None:
        return it.unknown("accumulate() with a function", node)
    srcs = iterators.sources(it, args[:1], node)
    if isinstance(srcs, Unknown):
        return srcs

    def run() -> Any:
        total: Any = kwargs.get("initial")
        if total is not None:
            yield total
        for x in srcs[0]:
            total = x if total is None else binary(it, "Add", total, x, node)
            yield total
    return iterators.lazy(it, run())


def _islice(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    bounds = args[1:]
    if not bounds or any(not (b is None or (isinstance(b, int) and not isinstance(b, bool) and b >= 0)) for b in bounds) \
            or (len(bounds) == 3 and bounds[2] == 0):
        return it.unknown("islice() bounds", node)
    srcs = iterators.sources(it, args[:1], node)
    if isinstance(srcs, Unknown):
        return srcs
    return iterators.lazy(it, itertools.islice(srcs[0], *bounds))  # pulls only what it hands out


def _pairwise(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    srcs = iterators.sources(it, args[:1], node)
    if isinstance(srcs, Unknown):
        return srcs

    def run() -> Any:
        prev = iterators.DONE
        for x in srcs[0]:
            if prev is not iterators.DONE:
                yield (prev, x)
            prev = x
    return iterators.lazy(it, run())


def _zip_longest(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    srcs = iterators.sources(it, args, node)
    if isinstance(srcs, Unknown):
        return srcs
    return iterators.lazy(it, itertools.zip_longest(*srcs, fillvalue=kwargs.get("fillvalue")))


class DefaultDict(dict):
    """``collections.defaultdict``: a dict whose missing keys are made by ``factory()``."""

    def __init__(self, factory: Any, *args: Any) -> None:
        super().__init__(*args)
        self.factory = factory

    def copy(self) -> "DefaultDict":
        return DefaultDict(self.factory, self)


class OrderedDictValue(collections.OrderedDict):
    """``collections.OrderedDict``: a dict whose equality with another one minds the order
    (Python's own class: ``==``, ``copy()`` and ``move_to_end`` behave as in the program)."""


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
    "itertools.count": Builtin("count", _count),
    "itertools.cycle": Builtin("cycle", _cycle),
    "itertools.pairwise": Builtin("pairwise", _pairwise),
    "itertools.zip_longest": Builtin("zip_longest", _zip_longest),
}
