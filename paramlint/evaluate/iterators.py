"""Iterator values, pulled one item at a time as Python pulls them.

``iter(x)``, ``zip``, ``map``, ``filter``, ``enumerate``, generator expressions and the lazy
``itertools`` produce an :class:`Iterator` whose next item is evaluated only when a consumer
asks for it. Eager lists would give other numbers: ``zip(it, it)`` pairs items of one iterator
(an eager copy per argument gives the first half twice, or nothing), ``next(it)`` inside a loop
over ``it`` skips an item, ``any(add(c) for c in cfg)`` stops at the first true test and a
generator expression sees the list its consumer is appending to. Consumers that take everything
(``list()``, ``sum()``, ``*args``) drain the iterator at the point of the call, as Python does.

Generator *functions* still run to completion when called (their ``yield`` may sit deep in user
statements; suspending those needs a resumable interpreter): their items are buffered.
"""

from __future__ import annotations

from typing import Any, Iterator as PyIterator, List, Optional

from paramlint.evaluate.isolation import touch
from paramlint.evaluate.limits import LimitExceeded, loop_limit
from paramlint.evaluate.values import DICT_VIEWS, Unknown

#: What :meth:`Iterator.pull` returns once the iterator is exhausted.
DONE = object()


class IterationUnknown(Exception):
    """Raised by a lazy source when what comes next cannot be known (an unknown iterable inside
    ``zip()``, an unknown ``filter`` test): the consumer's whole result becomes this Unknown."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


class Iterator:
    """An iterator value, consumed once. ``items[pos:]`` are buffered values still to come;
    ``source``, when set, is a Python iterator that evaluates each further value on demand."""

    __slots__ = ("items", "pos", "source")

    def __init__(self, items: Optional[List[Any]] = None, source: Optional[PyIterator[Any]] = None) -> None:
        self.items: List[Any] = items if items is not None else []
        self.pos = 0
        self.source = source

    def pull(self, it: Any) -> Any:
        """The next value, or DONE. May raise IterationUnknown, Raised or LimitExceeded from
        the evaluation it triggers (Python raises at the same point)."""
        touch(it, self)  # an iterator made by a module's top level is used up for later builds
        if self.pos < len(self.items):
            self.pos += 1
            return self.items[self.pos - 1]
        src = self.source
        if src is None:
            return DONE
        try:
            return next(src)
        except StopIteration:
            self.source = None
            return DONE
        except ValueError:  # "generator already executing": the item asks for itself
            self.source = None
            from paramlint.evaluate.interpreter import Raised

            raise Raised(Unknown("raises ValueError: generator already executing"), "ValueError") from None

    def stream(self, it: Any) -> PyIterator[Any]:
        while True:
            v = self.pull(it)
            if v is DONE:
                return
            yield v

    def peek(self, it: Any) -> List[Any]:
        """Every value still to come, evaluated and buffered, none consumed."""
        src = self.source
        touch(it, self)
        if src is not None:
            self.source = None
            self.items = self.items[self.pos:]
            self.pos = 0
            limit = it.limits.max_collection
            for v in src:
                self.items.append(v)
                if len(self.items) > limit:
                    raise LimitExceeded(f"iterator yields more than the collection limit ({limit:,})")
        return self.items[self.pos:]

    def drain(self, it: Any) -> List[Any]:
        """Every value still to come, consumed."""
        rest = self.peek(it)
        self.pos = len(self.items)
        return rest


def raising(exc: BaseException) -> PyIterator[Any]:
    """A source that raises ``exc`` when pulled: a generator that raised after its items."""
    raise exc
    yield  # (a generator function)


def stream(it: Any, v: Any, node: Any) -> Any:
    """What ``for x in v`` pulls: a Python iterator (an :class:`Iterator` is pulled one item at
    a time; a list is walked live, seeing appends, as Python's list iterator does), or Unknown."""
    if type(v) is Iterator:
        return v.stream(it)
    seq = it.fw.iterate(it, v, node)
    if (type(v) is dict or type(v) in DICT_VIEWS) and not isinstance(seq, Unknown):
        return _live_dict(it, v)
    return seq


def _live_dict(it: Any, v: Any) -> PyIterator[Any]:
    """A dict (or a view of one) walked live, as Python does: a value changed in the loop is
    seen, and a change of size or of keys raises RuntimeError where Python does (the
    evaluator's dicts are Python dicts given the same operations: Python's own iterator tells
    when). Python's iterator is made now, as ``iter(d)`` makes it; a dict whose contents
    became unknown meanwhile stops the walk."""
    return _walk_dict(it, v, iter(v))


def _dict_of(v: Any) -> Any:
    """The dict a view shows (a view holds no public reference to it; the collector knows it)."""
    if type(v) not in DICT_VIEWS:
        return v
    import gc

    refs = [r for r in gc.get_referents(v) if isinstance(r, dict)]
    return refs[0] if len(refs) == 1 else v


def _walk_dict(it: Any, v: Any, src: PyIterator[Any]) -> PyIterator[Any]:
    d = _dict_of(v)
    while True:
        try:
            x = next(src)
        except StopIteration:
            return
        except RuntimeError as e:  # "dictionary changed size during iteration"
            from paramlint.evaluate.interpreter import Raised

            raise Raised(Unknown(f"raises RuntimeError: {e}"), "RuntimeError") from None
        u = it.poison_of(d)
        if u is not None:
            raise IterationUnknown(u)
        yield x


def items(it: Any, v: Any, node: Any, ordered: bool = True) -> Any:
    """Everything ``v`` yields, consumed (an Iterator is drained): a list, or Unknown."""
    if type(v) is Iterator:
        try:
            return v.drain(it)
        except IterationUnknown as e:
            return e.unknown
    return it.fw.iterate(it, v, node, ordered)


def of(it: Any, v: Any, node: Any) -> Any:
    """``iter(v)``: an Iterator (itself, for an Iterator), or Unknown."""
    if type(v) is Iterator:
        return v
    if isinstance(v, list):
        u = it.poison_of(v)
        return u if u is not None else Iterator(source=_live_list(v))
    if type(v) is dict or type(v) in DICT_VIEWS:  # ``iter(d)``, ``enumerate(d.items())``: walked live
        seq = it.fw.iterate(it, v, node)
        return seq if isinstance(seq, Unknown) else Iterator(source=_live_dict(it, v))
    seq = it.fw.iterate(it, v, node)
    if isinstance(seq, Unknown):
        return seq
    return Iterator(list(seq))


def _live_list(lst: List[Any]) -> PyIterator[Any]:
    i = 0
    while i < len(lst):
        yield lst[i]
        i += 1


def _pull_source(it: Any, v: Any, node: Any) -> Any:
    """A Python iterator over ``iter(v)``'s items, or Unknown."""
    src = of(it, v, node)
    return src if isinstance(src, Unknown) else src.stream(it)


def lazy(it: Any, gen: PyIterator[Any]) -> Iterator:
    """An Iterator over ``gen``, which evaluates lazily, as code of the module it was created
    in (it may be consumed in another file: its unknowns must point into its own); counted
    against the loop limit."""
    return Iterator(source=_bounded(it, it.module, gen))


def _bounded(it: Any, module: Any, gen: PyIterator[Any]) -> PyIterator[Any]:
    n = 0
    limit = it.limits.max_loop
    while True:
        saved = it.module
        it.module = module
        try:
            v = next(gen)
        except StopIteration:
            return
        finally:
            it.module = saved
        n += 1
        if n > limit:
            raise loop_limit(it.limits)
        yield v


def sources(it: Any, args: List[Any], node: Any) -> Any:
    """Pull sources for each of ``args`` (``iter()`` is called on each at once, as Python's
    ``zip``/``map`` do), or the Unknown of the first that cannot be iterated."""
    out = []
    for a in args:
        s = _pull_source(it, a, node)
        if isinstance(s, Unknown):
            return s
        out.append(s)
    return out


def zip_items(srcs: List[PyIterator[Any]], strict: bool) -> PyIterator[Any]:
    """Python's ``zip``: one item from each source in turn; stop at the first exhausted one."""
    if not srcs:
        return
    while True:
        row = []
        for i, s in enumerate(srcs):
            try:
                row.append(next(s))
            except StopIteration:
                if strict and (i > 0 or any(_has_more(t) for t in srcs[1:])):
                    from paramlint.evaluate.interpreter import Raised

                    raise Raised(Unknown("zip(strict=True) of iterables of different lengths raises"), "ValueError") from None
                return
        yield tuple(row)


def _has_more(s: PyIterator[Any]) -> bool:
    for _ in s:
        return True
    return False

