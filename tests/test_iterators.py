"""Iterators are pulled one item at a time, as Python pulls them (evaluate/iterators.py).

Each builder below gave a wrong count while ``zip``/``iter``/``map``/generator expressions were
evaluated eagerly (``zip(it, it)`` gave 0 params, ``any(add(c) for c in CH)`` built every
layer). Expected figures are torch's, computed live (skipped without torch).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_evaluator import matches_torch, ours, run_module_ns, write_package

LAZY = {
    "m.py": '''
        import itertools
        import torch.nn as nn

        CH = [3, 8, 16, 32, 64]

        def pairs_zip_iter():
            it = iter(CH)
            return nn.Sequential(*[nn.Conv2d(a, b, 3) for a, b in zip(it, it)])

        def pairs_grouper():
            return nn.Sequential(*[nn.Conv2d(a, b, 1) for a, b in zip(*[iter(CH)] * 2)])

        def next_in_comprehension():
            it = iter(CH)
            return nn.ModuleList([nn.Linear(a, next(it, 1)) for a in it])

        def next_then_loop():
            it = iter(CH)
            first = next(it)
            return nn.Sequential(*[nn.Linear(first, c) for c in it])

        def enumerate_iter_shared():
            it = iter(CH)
            out = []
            for i, c in enumerate(it):
                out.append(nn.Linear(c, next(it, 1)))
            return nn.ModuleList(out)

        def islice_count():
            return nn.ModuleList(nn.Linear(i + 1, 2) for i in itertools.islice(itertools.count(), 4))

        def islice_then_rest():
            it = iter(CH)
            head = list(itertools.islice(it, 2))
            return nn.ModuleList([nn.Linear(sum(head), c) for c in it])

        def any_short_circuits():
            mods = []
            def add(c):
                mods.append(nn.Linear(c, c))
                return c > 4
            any(add(c) for c in CH)
            return nn.ModuleList(mods)

        def all_short_circuits():
            mods = []
            def add(c):
                mods.append(nn.Linear(c, 2))
                return c < 10
            all(add(c) for c in CH)
            return nn.ModuleList(mods)

        def genexp_sees_appends():
            mods = [nn.Linear(2, 2)]
            widths = (len(mods) + c for c in CH)
            for w in widths:
                mods.append(nn.Linear(w, 1))
            return nn.ModuleList(mods)

        def map_is_lazy():
            mods = []
            m = map(lambda c: mods.append(nn.Linear(c, c)) or c, CH[:2])
            mods.append(nn.Linear(len(mods) + 1, 1))
            list(m)
            return nn.ModuleList(mods)

        def exhausted_zip():
            z = zip(CH, CH[1:])
            first = [nn.Linear(a, b) for a, b in z]
            again = [nn.Linear(a, b) for a, b in z]
            return nn.ModuleList(first + again)

        def pairwise_widths():
            return nn.Sequential(*[nn.Linear(a, b) for a, b in itertools.pairwise(CH)])

        def chain_and_filter():
            ws = itertools.chain(CH[:2], filter(lambda c: c > 16, CH))
            return nn.Sequential(*[nn.Linear(c, 4) for c in ws])
    ''',
}


@pytest.mark.oracle
@pytest.mark.parametrize("builder", [
    "pairs_zip_iter", "pairs_grouper", "next_in_comprehension", "next_then_loop", "enumerate_iter_shared",
    "islice_count", "islice_then_rest", "any_short_circuits", "all_short_circuits", "genexp_sees_appends",
    "map_is_lazy", "exhausted_zip", "pairwise_widths", "chain_and_filter",
])
def test_lazy_iteration_matches_torch(tmp_path: Path, builder: str) -> None:
    matches_torch(tmp_path, LAZY, builder)


def test_endless_iterators_are_bounded(tmp_path: Path) -> None:
    """``count()`` and ``repeat(x)`` drained whole hit the loop limit: unknown, never a hang;
    taken in part they are exact."""
    pkg = write_package(tmp_path, {"m.py": '''
        import itertools
        import torch.nn as nn

        def endless():
            return nn.Linear(len(list(itertools.count())), 1)

        def endless_sum():
            return nn.Linear(sum(itertools.repeat(1)), 1)

        def taken():
            ws = [x for x, _ in zip(itertools.count(5), range(3))]
            return nn.Linear(sum(ws) + next(itertools.count(2, 3)), 1)  # 18 + 2 inputs
    '''})
    models = ours(tmp_path, pkg, "m.py")
    for name in ("endless", "endless_sum"):
        assert models[name].total_params is None
        assert "limit" in models[name].unresolved[0].reason
    assert models["taken"].total_params == 21


def test_a_generator_expression_asking_for_itself_is_not_a_crash(tmp_path: Path) -> None:
    """Python raises ValueError (generator already executing): the module stops there, or the
    item is unknown; never a made-up value."""
    from paramlint.evaluate.values import Unknown

    ns = run_module_ns(tmp_path, {"m.py": '''
        def f():
            return next(g)
        g = (f() for _ in range(3))
        r = list(g)
    '''}, "m.py")
    r = ns.get("r")
    assert r is None or isinstance(r, Unknown) or any(isinstance(x, Unknown) for x in r)



GENERATORS = {
    "m.py": '''
        import torch.nn as nn

        CH = [3, 8, 16, 32]

        def yield_from_nested():
            def inner(n):
                for i in range(n):
                    yield i + 1
            def outer():
                yield from inner(2)
                yield from (x * 10 for x in range(1, 3))
            return nn.Sequential(*[nn.Linear(w, 1) for w in outer()])

        def finally_runs_when_done():
            mods = []
            def g():
                try:
                    yield 4
                    yield 5
                finally:
                    mods.append(nn.Linear(7, 7))
            for w in g():
                mods.append(nn.Linear(w, 1))
            return nn.ModuleList(mods)

        def raise_reaches_the_consumer():
            def g():
                yield 3
                raise ValueError("bad")
            mods = []
            try:
                for w in g():
                    mods.append(nn.Linear(w, 2))  # runs for the item before the raise
            except ValueError:
                mods.append(nn.Linear(1, 1))
            return nn.ModuleList(mods)

        class MethodGenerator(nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = nn.ModuleList(self._make())

            def _make(self):
                cin = 3
                for c in CH:
                    yield nn.Conv2d(cin, c, 3)
                    cin = c
    ''',
}


@pytest.mark.oracle
@pytest.mark.parametrize("builder", ["yield_from_nested", "finally_runs_when_done", "raise_reaches_the_consumer",
                                     "MethodGenerator"])
def test_generator_functions(tmp_path: Path, builder: str) -> None:
    """Generator functions run to completion when called (the README's known gap: one whose
    items depend on what its consumer does between items differs); these do not."""
    matches_torch(tmp_path, GENERATORS, builder)
