"""``jax.numpy`` shape rules (paramlint/evaluate/jax_numpy.py) against jax itself.

Each case is a call on arrays given by shape (``A(2, 3)``) and plain values; the oracle test
runs the same call under ``jax.eval_shape`` (jax 0.10) and compares, including where jax
raises (paramlint must then not give a shape). EXPECTED holds jax's answers so the figures
are checked without jax installed too.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import pytest

from paramlint.catalog.spec import ArgError
from paramlint.evaluate import jax_numpy
from paramlint.evaluate.values import Tensor


class A:
    """An array operand by shape."""

    def __init__(self, *shape: int) -> None:
        self.shape = shape

    def __repr__(self) -> str:
        return f"A{self.shape}"


CASES: List[Tuple[str, Tuple[Any, ...], dict, Optional[Any]]] = [
    # (function, args, kwargs, jax's result shape: a tuple, a list of tuples, or None = raises)
    ("concatenate", ([A(2, 1, 8), A(2, 16, 8)],), {"axis": 1}, (2, 17, 8)),
    ("concatenate", ([A(2, 3), A(4, 3)],), {}, (6, 3)),
    ("concatenate", ([A(2, 3), A(2, 4)],), {}, None),
    ("concatenate", ([A(2, 3), A(2, 3, 1)],), {"axis": 0}, None),
    ("stack", ([A(2, 3), A(2, 3)],), {"axis": -1}, (2, 3, 2)),
    ("stack", ([A(2, 3), A(2, 4)],), {}, None),
    ("reshape", (A(2, 12), (2, -1, 3)), {}, (2, 4, 3)),
    ("reshape", (A(2, 12), (5, -1)), {}, None),
    ("reshape", (A(2, 12), 24), {}, (24,)),
    ("transpose", (A(2, 3, 4),), {}, (4, 3, 2)),
    ("transpose", (A(2, 3, 4), (0, 2, 1)), {}, (2, 4, 3)),
    ("transpose", (A(2, 3, 4), (0, 0, 1)), {}, None),
    ("swapaxes", (A(2, 3, 4), 1, -1), {}, (2, 4, 3)),
    ("expand_dims", (A(2, 3), -1), {}, (2, 3, 1)),
    ("expand_dims", (A(2, 3), (0, 2)), {}, (1, 2, 1, 3)),
    ("squeeze", (A(2, 1, 3, 1),), {}, (2, 3)),
    ("squeeze", (A(2, 1, 3), 1), {}, (2, 3)),
    ("squeeze", (A(2, 1, 3), 0), {}, None),
    ("tile", (A(1, 1, 8), (4, 1, 1)), {}, (4, 1, 8)),
    ("tile", (A(3, 2), 2), {}, (3, 4)),
    ("tile", (A(3,), (2, 2)), {}, (2, 6)),
    ("broadcast_to", (A(1, 5), (4, 5)), {}, (4, 5)),
    ("broadcast_to", (A(2, 5), (4, 5)), {}, None),
    ("matmul", (A(2, 5, 3), A(3, 4)), {}, (2, 5, 4)),
    ("matmul", (A(3,), A(2, 3, 4)), {}, (2, 4)),
    ("matmul", (A(2, 5, 3), A(4, 3)), {}, None),
    ("dot", (A(2, 5, 3), A(4, 3, 6)), {}, (2, 5, 4, 6)),
    ("dot", (A(2, 5, 3), A(3,)), {}, (2, 5)),
    ("dot", (A(3,), A(3,)), {}, ()),
    ("dot", (A(2, 3), A(2, 3)), {}, None),
    ("einsum", ("bqhd,bkhd->bhqk", A(2, 5, 4, 8), A(2, 7, 4, 8)), {}, (2, 4, 5, 7)),
    ("einsum", ("ij,jk", A(2, 3), A(3, 4)), {}, (2, 4)),
    ("einsum", ("...d,de->...e", A(2, 5, 8), A(8, 3)), {}, (2, 5, 3)),
    ("einsum", ("ij,jk->ik", A(2, 3), A(4, 5)), {}, None),
    ("arange", (5,), {}, (5,)),
    ("arange", (2, 11, 3), {}, (3,)),
    ("arange", (5, 2), {}, (0,)),
    ("split", (A(2, 12), 3), {"axis": 1}, [(2, 4)] * 3),
    ("split", (A(2, 12), [2, 5]), {"axis": -1}, [(2, 2), (2, 3), (2, 7)]),
    ("split", (A(2, 12), 5), {"axis": 1}, None),
    ("ones_like", (A(2, 3),), {}, (2, 3)),
    ("where", (A(2, 1), A(1, 3), 0.0), {}, (2, 3)),
    ("maximum", (A(4, 1), A(3,)), {}, (4, 3)),
    ("float32", (8,), {}, ()),
    ("asarray", ([[1, 2, 3], [4, 5, 6]],), {}, (2, 3)),
    ("ravel", (A(2, 3, 4),), {}, (24,)),
    # found by probing (each was another shape, or a shape where jax raises)
    ("zeros_like", (A(2, 8),), {"shape": (2, 4)}, (2, 4)),
    ("ones_like", (A(2, 8), None, (8,)), {}, (8,)),
    ("arange", (16,), {"step": 2}, (8,)),
    ("arange", (6, None, 2), {}, (3,)),
    ("arange", (), {"stop": 5}, None),
    ("clip", (A(2, 8, 1), A(2, 8, 6), 1.0), {}, (2, 8, 6)),
    ("clip", (0.5, A(2, 8), 1.0), {}, (2, 8)),
    ("array", (A(8),), {"ndmin": 3}, (1, 1, 8)),
    ("split", (A(2, 4), [2, 1]), {"axis": 1}, None),
    ("split", (A(2, 4), [5]), {"axis": 1}, None),
    ("broadcast_to", (A(1, 5), (-1, 5)), {}, None),
    ("einsum", ("bij->bii", A(2, 3, 3)), {}, None),
]


def _ours(name: str, args: Tuple[Any, ...], kwargs: dict) -> Any:
    def conv(v: Any) -> Any:
        if isinstance(v, A):
            return Tensor(v.shape, "flax")
        if isinstance(v, list) and v and isinstance(v[0], A):
            return [conv(x) for x in v]
        return v

    try:
        r = jax_numpy.call(name, [conv(a) for a in args], dict(kwargs))
    except ArgError:
        return None
    return [t.shape for t in r] if isinstance(r, list) else r.shape


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_shape_rule(case: Any) -> None:
    name, args, kwargs, want = case
    assert _ours(name, args, kwargs) == want


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_shape_rule_is_jax_rule(case: Any) -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    name, args, kwargs, want = case
    arrays = [a for a in args if isinstance(a, A)] + [x for a in args if isinstance(a, list) for x in a if isinstance(x, A)]

    def run(*xs: Any) -> Any:
        it = iter(xs)

        def put(v: Any) -> Any:
            if isinstance(v, A):
                return next(it)
            if isinstance(v, list) and v and isinstance(v[0], A):
                return [put(x) for x in v]
            return v
        return getattr(jnp, name)(*[put(a) for a in args], **kwargs)

    specs = [jax.ShapeDtypeStruct(a.shape, jnp.float32) for a in arrays]
    try:
        out = jax.eval_shape(run, *specs)
    except Exception:
        got = None
    else:
        got = [tuple(o.shape) for o in out] if isinstance(out, list) else tuple(out.shape)
    assert got == want
