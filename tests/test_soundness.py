"""Soundness (issue 7): generated torch model files, counted by construction.

A small grammar builds model source from layers (Linear, Conv1d/2d with groups,
BatchNorm, LayerNorm, GroupNorm, Embedding, PReLU, LSTM/GRU, MultiheadAttention, Bilinear
and parameter-free layers), containers (Sequential, ModuleList, comprehensions, loops
appending to a ModuleList, user Block classes, helper functions), integers spelled as
literals, module constants, constant arithmetic or constructor defaults, branches on
constants, and shared (tied) submodules. Every piece carries its parameter count, computed
from the framework formulas (/work/shared/FORMULAS.md, each checked against torch in the
oracle test below) — never from paramlint. paramlint must report exactly that count or
Unknown; a different number fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from paramlint.engine import Options, analyze_file  # noqa: E402
from paramlint.evaluate.project import Project  # noqa: E402

SCALE = float(os.environ.get("PARAMLINT_FUZZ_EXAMPLES", "1"))
#: Outcomes over the run: exact matches and Unknowns (a mismatch fails at once).
TALLY = {"exact": 0, "unknown": 0}


@dataclass
class Ctx:
    """What a generated file needs besides its pieces: constants, helpers, classes, defaults."""

    consts: Dict[str, int] = field(default_factory=dict)
    helpers: List[str] = field(default_factory=list)
    init_params: Dict[str, int] = field(default_factory=dict)
    n: int = 0

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


@dataclass(frozen=True)
class Piece:
    expr: str  # an expression building one module (may use names the Ctx defines)
    params: int


@st.composite
def num(draw: st.DrawFn, ctx: Ctx, lo: int = 1, hi: int = 12) -> Tuple[str, int]:
    """An int in [lo, hi] and how the source spells it."""
    v = draw(st.integers(lo, hi))
    how = draw(st.sampled_from(["lit", "lit", "const", "expr", "default", "dict", "minmax", "floordiv"]))
    if how == "dict":
        name = ctx.fresh("CFG")
        ctx.consts[name] = {"width": v, "other": draw(st.integers(0, 99))}  # type: ignore[assignment]
        return f"{name}['width']", v
    if how == "minmax":
        other = draw(st.integers(0, 20))
        return (f"max({v}, {other})", max(v, other)) if draw(st.booleans()) else (f"min({v}, {other} + {v})", v)
    if how == "floordiv":
        return f"({v * 3 + 2} // 3)", v
    if how == "const":
        name = ctx.fresh("K")
        ctx.consts[name] = v
        return name, v
    if how == "expr":
        name = ctx.fresh("K")
        a = draw(st.integers(0, v))
        ctx.consts[name] = a
        return f"({name} + {v - a})", v
    if how == "default":
        name = ctx.fresh("w")
        ctx.init_params[name] = v
        return name, v
    return str(v), v


def _bias(draw: st.DrawFn) -> Tuple[str, bool]:
    b = draw(st.booleans())
    return ("" if b else ", bias=False"), b


@st.composite
def leaf(draw: st.DrawFn, ctx: Ctx) -> Piece:
    kind = draw(st.sampled_from(["linear", "conv", "bn", "ln", "gn", "emb", "prelu", "rnn", "mha", "bilinear", "free"]))
    if kind == "linear":
        (i, iv), (o, ov) = draw(num(ctx)), draw(num(ctx))
        b, has = _bias(draw)
        return Piece(f"nn.Linear({i}, {o}{b})", iv * ov + (ov if has else 0))
    if kind == "conv":
        d = draw(st.sampled_from([1, 2]))
        g = draw(st.integers(1, 3))
        (i, iv), (o, ov), (k, kv) = draw(num(ctx, 1, 6)), draw(num(ctx, 1, 6)), draw(num(ctx, 1, 5))
        b, has = _bias(draw)
        groups = f", groups={g}" if g > 1 else ""
        return Piece(f"nn.Conv{d}d({i} * {g}, {o} * {g}, {k}{groups}{b})", ov * g * iv * kv ** d + (ov * g if has else 0))
    if kind == "bn":
        (c, cv) = draw(num(ctx))
        affine = draw(st.booleans())
        return Piece(f"nn.BatchNorm{draw(st.sampled_from([1, 2]))}d({c}{'' if affine else ', affine=False'})", 2 * cv if affine else 0)
    if kind == "ln":
        (a, av), (b2, bv) = draw(num(ctx)), draw(num(ctx))
        form = draw(st.sampled_from(["int", "list", "noaffine"]))
        if form == "int":
            return Piece(f"nn.LayerNorm({a})", 2 * av)
        if form == "list":
            return Piece(f"nn.LayerNorm([{a}, {b2}])", 2 * av * bv)
        return Piece(f"nn.LayerNorm({a}, elementwise_affine=False)", 0)
    if kind == "gn":
        g, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        return Piece(f"nn.GroupNorm({g}, {g * c})", 2 * g * c)
    if kind == "emb":
        (n, nv), (dd, dv) = draw(num(ctx, 1, 50)), draw(num(ctx))
        return Piece(f"nn.Embedding({n}, {dd})", nv * dv)
    if kind == "prelu":
        n = draw(st.integers(0, 6))
        return Piece("nn.PReLU()" if n == 0 else f"nn.PReLU(num_parameters={n})", n or 1)
    if kind == "rnn":
        cell = draw(st.sampled_from(["RNN", "GRU", "LSTM"]))
        (i, iv), (h, hv) = draw(num(ctx, 1, 8)), draw(num(ctx, 1, 8))
        layers, bidi, has = draw(st.integers(1, 3)), draw(st.booleans()), draw(st.booleans())
        gate = {"RNN": 1, "GRU": 3, "LSTM": 4}[cell] * hv
        dirs = 2 if bidi else 1
        total = 0
        for layer in range(layers):
            inp = iv if layer == 0 else dirs * hv
            total += dirs * (gate * inp + gate * hv + (2 * gate if has else 0))
        return Piece(f"nn.{cell}({i}, {h}, num_layers={layers}, bidirectional={bidi}, bias={has})", total)
    if kind == "mha":
        heads, per = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        e = heads * per
        return Piece(f"nn.MultiheadAttention({e}, {heads})", 4 * e * e + 4 * e)
    if kind == "bilinear":
        (a, av), (b2, bv), (o, ov) = draw(num(ctx, 1, 6)), draw(num(ctx, 1, 6)), draw(num(ctx, 1, 6))
        return Piece(f"nn.Bilinear({a}, {b2}, {o})", ov * av * bv + ov)
    return Piece(draw(st.sampled_from(["nn.ReLU()", "nn.Dropout(0.1)", "nn.Identity()", "nn.MaxPool2d(2)", "nn.Flatten()", "nn.GELU()"])), 0)


@st.composite
def piece(draw: st.DrawFn, ctx: Ctx, depth: int = 0) -> Piece:
    if depth >= 2:
        return draw(leaf(ctx))
    kind = draw(st.sampled_from(["leaf", "leaf", "seq", "list", "comp", "splat", "helper", "block", "branch", "mlp", "enum"]))
    if kind == "leaf":
        return draw(leaf(ctx))
    if kind == "mlp":  # the classic width-list builder, through a helper with parameters
        widths = draw(st.lists(st.integers(1, 12), min_size=1, max_size=5))
        name = ctx.fresh("mlp_")
        ctx.helpers.append(
            f"def {name}(widths, bias=True):\n    layers = []\n    for i in range(len(widths) - 1):\n"
            f"        layers.append(nn.Linear(widths[i], widths[i + 1], bias=bias))\n        layers.append(nn.ReLU())\n"
            f"    return nn.Sequential(*layers[:-1])\n"
        )
        has = draw(st.booleans())
        total = sum(a * b + (b if has else 0) for a, b in zip(widths, widths[1:]))
        return Piece(f"{name}({widths!r}, bias={has})", total)
    if kind == "enum":  # enumerate / zip over literal configs
        pairs = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), min_size=0, max_size=3))
        ins, outs = [a for a, _ in pairs], [b for _, b in pairs]
        expr = f"nn.ModuleList([nn.Conv1d(i, o * (k + 1), 1) for k, (i, o) in enumerate(zip({ins!r}, {outs!r}))])"
        return Piece(expr, sum(a * b * (k + 1) + b * (k + 1) for k, (a, b) in enumerate(pairs)))
    if kind in ("seq", "list"):
        kids = draw(st.lists(piece(ctx, depth + 1), min_size=0, max_size=3))
        inner = ", ".join(k.expr for k in kids)
        expr = f"nn.Sequential({inner})" if kind == "seq" else f"nn.ModuleList([{inner}])"
        return Piece(expr, sum(k.params for k in kids))
    if kind in ("comp", "splat"):
        kid = draw(piece(ctx, depth + 1))
        (k, kv) = draw(num(ctx, 0, 4))
        if kind == "comp":
            return Piece(f"nn.ModuleList([{kid.expr} for _ in range({k})])", kv * kid.params)
        return Piece(f"nn.Sequential(*[{kid.expr} for _ in range({k})])", kv * kid.params)
    if kind == "helper":  # a builder function called twice: two separate modules
        kid = draw(piece(ctx, depth + 1))
        name = ctx.fresh("make_")
        ctx.helpers.append(f"def {name}():\n    return {_module_names(kid.expr, ctx)}\n")
        return Piece(f"nn.Sequential({name}(), {name}())", 2 * kid.params)
    if kind == "block":  # a user Module class, with a loop appending to a ModuleList
        kid = draw(piece(ctx, depth + 1))
        reps = draw(st.integers(0, 3))
        name = ctx.fresh("Block")
        ctx.helpers.append(
            f"class {name}(nn.Module):\n    def __init__(self, reps={reps}):\n        super().__init__()\n"
            f"        self.items = nn.ModuleList()\n        for _ in range(reps):\n"
            f"            self.items.append({_module_names(kid.expr, ctx)})\n"
        )
        return Piece(f"{name}()", reps * kid.params)
    a, b = draw(piece(ctx, depth + 1)), draw(piece(ctx, depth + 1))
    name = ctx.fresh("K")
    v = draw(st.integers(0, 9))
    ctx.consts[name] = v
    fn = ctx.fresh("pick_")
    ctx.helpers.append(
        f"def {fn}():\n    if {name} > 4:\n        return {_module_names(a.expr, ctx)}\n"
        f"    else:\n        return {_module_names(b.expr, ctx)}\n"
    )
    return Piece(f"{fn}()", a.params if v > 4 else b.params)


def _module_names(expr: str, ctx: Ctx) -> str:
    """Helpers live at module level, where constructor defaults are not in scope: spell them
    as module constants there."""
    for name, v in ctx.init_params.items():
        if name not in ctx.consts:
            ctx.consts[name] = v
    return expr


@st.composite
def model_file(draw: st.DrawFn) -> Tuple[str, int]:
    ctx = Ctx()
    pieces = draw(st.lists(piece(ctx), min_size=1, max_size=4))
    body = []
    total = 0
    for i, p in enumerate(pieces):
        body.append(f"        self.m{i} = {p.expr}\n")
        total += p.params
    if draw(st.booleans()):  # a tied module: registered twice, counted once
        body.append("        self.tied = self.m0\n")
    if draw(st.booleans()):
        shared = draw(leaf(ctx))
        body.append(f"        shared = {shared.expr}\n        self.pair = nn.Sequential(shared, nn.ReLU(), shared)\n")
        total += shared.params
    params = "".join(f", {k}={v}" for k, v in ctx.init_params.items())
    src = (
        "import torch\nimport torch.nn as nn\n\n"
        + "".join(f"{k} = {v}\n" for k, v in ctx.consts.items() if k not in ctx.init_params)
        + "".join(f"{k} = {v}\n" for k, v in ctx.consts.items() if k in ctx.init_params)
        + "\n\n" + "\n\n".join(ctx.helpers) + "\n\n"
        + f"class Generated(nn.Module):\n    def __init__(self{params}):\n        super().__init__()\n" + "".join(body)
    )
    return src, total


def _paramlint_total(src: str, tmp: Path) -> object:
    path = tmp / "generated_model.py"
    path.write_text(src)
    rep = analyze_file(Project(), str(path), Options())
    assert rep.error is None, (rep.error, src)
    models = {m.name: m for m in rep.models}
    assert "Generated" in models, (rep, src)
    m = models["Generated"]
    assert m.total_params is None or not m.unresolved, m
    return m.total_params


@settings(max_examples=max(1, int(250 * SCALE)), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(model_file())
def test_generated_models_match_by_construction(tmp_path_factory: pytest.TempPathFactory, case: Tuple[str, int]) -> None:
    src, expected = case
    got = _paramlint_total(src, tmp_path_factory.mktemp("gen"))
    if got is None:
        TALLY["unknown"] += 1
    else:
        assert got == expected, f"paramlint {got:,} != {expected:,} by construction\n{src}"
        TALLY["exact"] += 1


def test_tally_is_not_vacuous() -> None:
    """Runs after the property (file order): most generated models must be exact, or the
    property would be passing on Unknowns alone."""
    n = TALLY["exact"] + TALLY["unknown"]
    print(f"\nsoundness: {n} generated models, {TALLY['exact']} exact, {TALLY['unknown']} unknown")
    if n:
        assert TALLY["exact"] >= 0.9 * n, TALLY


@pytest.mark.oracle
@settings(max_examples=max(1, int(60 * SCALE)), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(model_file())
def test_generated_models_against_torch(tmp_path_factory: pytest.TempPathFactory, case: Tuple[str, int]) -> None:
    """The expected counts themselves, checked by building each generated model in torch
    (this test imports the generated file: it is ours, not analyzed user code)."""
    torch = pytest.importorskip("torch")
    src, expected = case
    tmp = tmp_path_factory.mktemp("oracle")
    path = tmp / "generated_model.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(f"generated_{tmp.name}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with torch.device("meta"):
        net = mod.Generated()
    truth = sum(p.numel() for p in net.parameters())
    assert truth == expected, f"formula {expected:,} != torch {truth:,}\n{src}"
    got = _paramlint_total(src, tmp)
    assert got is None or got == truth, f"paramlint {got:,} != torch {truth:,}\n{src}"
