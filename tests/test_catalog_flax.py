"""Flax linen catalog entries against Flax's own figures (tests/golden/catalog_flax.json).

Each row is analyzed from a tiny generated source file (a module-level model with an
``input-shape`` comment); expected figures are the ``params`` collection of
``init_with_output`` (what Flax users total), other collections (``batch_stats``) as state,
and the output shape, produced by flax/jax (``produced_by``).
"""
from __future__ import annotations

import pytest
from catalog_oracle import figures, gen, golden

DOC = golden("flax")
ROWS = DOC["rows"]


def _state(rep):
    return sum(row.buffers or 0 for row in rep.layers)


@pytest.mark.parametrize("r", ROWS, ids=[r["id"] for r in ROWS])
def test_row_matches_flax_golden(r, tmp_path):
    params, out, rep = figures("flax", r, tmp_path)
    assert rep.unresolved == (), rep.unresolved
    assert params == r["params"], f"{r['src']}: paramlint {params}, {DOC['produced_by']} {r['params']}"
    assert _state(rep) == r["state"], "batch_stats and other non-param collections"
    assert out == r["output_shape"], f"{r['src']}: paramlint {out}, {DOC['produced_by']} {r['output_shape']}"


def test_golden_rows_cover_the_table():
    assert [r["src"] for r in ROWS] == [r["src"] for r in gen.table("flax")]


def _analyze(tmp_path, text):
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    p = tmp_path / "m.py"
    p.write_text(text)
    return {m.name: m for m in analyze_file(Project(), str(p), Options()).models}


_MODULES = '''
import flax.linen as nn
import jax.numpy as jnp


class MLP(nn.Module):
    hidden: int = 32

    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(self.hidden)(x))
        x = nn.BatchNorm(use_running_average=True)(x)
        return nn.Dense(10)(x)


class CNN(nn.Module):
    def setup(self):
        self.conv1 = nn.Conv(8, (3, 3))
        self.conv2 = nn.Conv(16, (3, 3), strides=2)
        self.heads = [nn.Dense(4), nn.Dense(4)]
        self.scale = self.param("scale", nn.initializers.ones, (4,))

    def __call__(self, x):
        x = nn.relu(self.conv1(x))
        x = self.conv2(x)
        x = nn.avg_pool(x, (2, 2), strides=(2, 2))
        x = x.reshape((x.shape[0], -1))
        return (self.heads[0](x) + self.heads[1](x)) * self.scale


class Residual(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool = False):
        y = nn.Conv(4, (3, 3))(x)
        y = y + nn.Conv(4, (1, 1))(x)
        y = y.mean(axis=(1, 2), keepdims=True)
        y = y[:, 0, 0, :]
        y = nn.Dropout(0.1)(y, deterministic=not train)
        return nn.Dense(3)(y)


class Block(nn.Module):
    features: int

    @nn.compact
    def __call__(self, x):
        return nn.Dense(self.features)(x)


class Stack(nn.Module):
    depth: int = 2

    def setup(self):
        self.blocks = [Block(8 * (i + 1)) for i in range(self.depth)]
        self.head = Block(features=2, name="out")

    def __call__(self, x):
        for b in self.blocks:
            x = b(x)
        return self.head(x)


# paramlint: input-shape=2,16
mlp = MLP()
mlp_unshaped = MLP()
# paramlint: input-shape=2,16,16,3
cnn = CNN()
# paramlint: input-shape=2,8,8,3
residual = Residual()
# paramlint: input-shape=4,3
stack = Stack()
'''

#: flax 0.12.8 (jax 0.10.2), ``model.init(key, jnp.zeros(shape))`` collection sizes.
FLAX_SIZES = {"mlp": {"params": 938, "batch_stats": 64}, "cnn": {"params": 3452}, "residual": {"params": 143},
              "stack": {"params": 210}}
SHAPES = {"mlp": (2, 16), "cnn": (2, 16, 16, 3), "residual": (2, 8, 8, 3), "stack": (4, 3)}


def test_user_modules_setup_compact_and_state(tmp_path):
    """Figures from flax 0.12.8 (jax 0.10.2): ``model.init(key, jnp.zeros(shape))``:
    mlp params 938 (batch_stats 64), cnn params 3,452 (conv1 224, conv2 1,168, heads 2×1,028, scale 4)."""
    ms = _analyze(tmp_path, _MODULES)
    assert ms["mlp"].total_params == 938 and ms["mlp"].unresolved == ()
    assert sum(r.buffers or 0 for r in ms["mlp"].layers) == 64
    assert [r.path for r in ms["mlp"].layers] == ["Dense_0", "BatchNorm_0", "Dense_1"]
    assert ms["cnn"].total_params == 3452 and ms["cnn"].unresolved == ()
    assert ms["mlp_unshaped"].total_params is None and ms["mlp_unshaped"].unresolved
    assert ms["residual"].total_params == 143 and ms["residual"].unresolved == ()
    assert ms["stack"].total_params == 210
    assert [r.path for r in ms["stack"].layers] == ["blocks_0.Dense_0", "blocks_1.Dense_0", "out.Dense_0"]
    assert ms["MLP"].total_params is None  # the class itself: no input shape, so no parameters yet
    assert "Block" not in ms  # needs its `features` field: skipped like a torch constructor with arguments


def _flax_sizes(tmp_path, source, shapes):
    """Collection sizes of ``model.init(key, jnp.zeros(shape))`` for each module-level model of
    ``source``, by flax itself (the oracle side: it imports our own test source)."""
    jax = pytest.importorskip("jax")
    pytest.importorskip("flax")
    import importlib.util

    p = tmp_path / "mods.py"
    p.write_text(source)
    spec = importlib.util.spec_from_file_location(f"_flax_mods_{id(source)}", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sizes = {}
    for name, shape in shapes.items():
        model = getattr(mod, name)
        v = jax.eval_shape(lambda m=model, s=shape: m.init(jax.random.key(0), jax.numpy.zeros(s)))
        sizes[name] = {c: sum(int(x.size) for x in jax.tree_util.tree_leaves(t)) for c, t in v.items()}
    return sizes


@pytest.mark.oracle
def test_user_modules_figures_are_flax_figures(tmp_path):
    assert _flax_sizes(tmp_path, _MODULES, SHAPES) == FLAX_SIZES


@pytest.mark.oracle
def test_golden_is_what_flax_says_now():
    pytest.importorskip("jax")
    pytest.importorskip("flax")
    live = gen.truth("flax")
    if live["produced_by"] != DOC["produced_by"]:
        pytest.skip(f"golden from {DOC['produced_by']}, installed {live['produced_by']}")
    assert live["rows"] == ROWS


_METHODS = '''
from typing import Any, NamedTuple

import flax.linen as nn
import jax.numpy as jnp


class CompactHelper(nn.Module):
    @nn.compact
    def proj(self, x):
        return nn.Dense(6)(x)

    def __call__(self, x):
        return self.proj(self.proj(x))  # each outermost compact call names afresh: one Dense


class PlainHelper(nn.Module):
    def blk(self, x):
        return nn.Dense(6)(x)

    @nn.compact
    def __call__(self, x):
        return self.blk(self.blk(x))  # a plain helper goes on with the caller's names: two


class Base(nn.Module):
    width: int = 8
    depth: int = 1

    @nn.compact
    def __call__(self, x):
        for _ in range(self.depth):
            x = nn.Dense(self.width)(x)
        return x


class AddField(Base):
    extra: int = 3

    @nn.compact
    def __call__(self, x):
        return nn.Dense(self.extra)(super().__call__(x))


class Stats(nn.Module):
    @nn.compact
    def __call__(self, x):
        self.variable("stats", "n", jnp.zeros, (3,))  # state of a module with children
        return nn.Dense(2)(x)


class Heads(NamedTuple):
    cls: Any
    box: Any


class Nested(nn.Module):
    def setup(self):
        self.stages = [[nn.Dense(4) for _ in range(n)] for n in (1, 2)]
        self.heads = Heads(cls=nn.Dense(3), box=nn.Dense(4))

    def __call__(self, x):
        for stage in self.stages:
            for blk in stage:
                x = blk(x)
        return self.heads.cls(x) + self.heads.box(x)[:, :3]


class Hidden(nn.Module):
    @nn.compact
    def __call__(self, x):
        aux = nn.remat(Base)()(x)  # not modelled; its value goes nowhere, its parameters exist
        return nn.Dense(2)(x)


# paramlint: input-shape=2,6
compact_helper = CompactHelper()
# paramlint: input-shape=2,6
plain_helper = PlainHelper()
# paramlint: input-shape=2,3
add_field = AddField(4, 2, 5)
# paramlint: input-shape=2,3
stats = Stats()
# paramlint: input-shape=2,4
nested = Nested()
# paramlint: input-shape=2,3
hidden = Hidden()
'''

#: flax 0.12.8 (jax 0.10.2), ``model.init(key, jnp.zeros(shape))`` collection sizes.
METHODS_SIZES = {"compact_helper": {"params": 42}, "plain_helper": {"params": 84}, "add_field": {"params": 61},
                 "stats": {"params": 8, "stats": 3}, "nested": {"params": 95}, "hidden": {"params": 40}}
METHODS_SHAPES = {"compact_helper": (2, 6), "plain_helper": (2, 6), "add_field": (2, 3), "stats": (2, 3),
                  "nested": (2, 4), "hidden": (2, 3)}


def test_methods_nesting_state_and_hidden_parameters(tmp_path):
    """Were 84, 84, 0, state 0, 0 and 8: a compact method's naming, ``super().__call__``,
    state next to submodules, modules in nested containers, a call that hides parameters."""
    ms = _analyze(tmp_path, _METHODS)
    for name, sizes in METHODS_SIZES.items():
        if name == "hidden":
            assert ms[name].total_params is None and ms[name].unresolved
            continue
        assert ms[name].total_params == sizes["params"], (name, ms[name].unresolved)
        assert sum(r.buffers or 0 for r in ms[name].layers) == sizes.get("stats", 0), name
    assert {r.path for r in ms["nested"].layers} >= {"stages_1_1", "heads_cls", "heads_box"}


@pytest.mark.oracle
def test_methods_figures_are_flax_figures(tmp_path):
    assert _flax_sizes(tmp_path, _METHODS, METHODS_SHAPES) == METHODS_SIZES


_SHARED_CELLS = '''
import flax.linen as nn


class SharedCell(nn.Module):
    @nn.compact
    def __call__(self, x):
        cell = nn.LSTMCell(4)
        return nn.RNN(cell)(nn.RNN(cell)(x))


class SharedCellSetup(nn.Module):
    def setup(self):
        self.cell = nn.GRUCell(4)
        self.fwd = nn.RNN(self.cell)
        self.bwd = nn.RNN(self.cell, reverse=True, keep_order=True)

    def __call__(self, x):
        return self.fwd(x) + self.bwd(x)


class BidirectionalSameCell(nn.Module):
    @nn.compact
    def __call__(self, x):
        cell = nn.GRUCell(3)
        return nn.Bidirectional(nn.RNN(cell), nn.RNN(cell))(x)


class CellWidthChanges(nn.Module):
    @nn.compact
    def __call__(self, x):
        cell = nn.GRUCell(3)
        return nn.RNN(cell)(nn.RNN(cell)(x))  # 4 features, then 3: flax raises ScopeParamShapeError


# paramlint: input-shape=2,5,4
shared_cell = SharedCell()
# paramlint: input-shape=2,5,4
shared_cell_setup = SharedCellSetup()
# paramlint: input-shape=2,5,4
bidirectional_same_cell = BidirectionalSameCell()
# paramlint: input-shape=2,5,4
cell_width_changes = CellWidthChanges()
'''
#: flax 0.12.8: one cell's parameters however many nn.RNNs run it (they were counted per RNN:
#: 288, 224, 150; found by probing).
SHARED_CELL_SIZES = {"shared_cell": {"params": 144}, "shared_cell_setup": {"params": 112},
                     "bidirectional_same_cell": {"params": 75}}


def test_a_cell_shared_by_rnns_is_counted_once(tmp_path):
    ms = _analyze(tmp_path, _SHARED_CELLS)
    assert {n: {"params": ms[n].total_params} for n in SHARED_CELL_SIZES} == SHARED_CELL_SIZES
    assert ms["cell_width_changes"].total_params is None


@pytest.mark.oracle
def test_shared_cell_figures_are_flax_figures(tmp_path):
    shapes = {n: (2, 5, 4) for n in SHARED_CELL_SIZES}
    assert _flax_sizes(tmp_path, _SHARED_CELLS, shapes) == SHARED_CELL_SIZES


_FLAX_RAISES = '''
import flax.linen as nn
import jax.numpy as jnp


class CausalLowerCase(nn.Module):  # flax matches its own modes by name: 'CAUSAL', not 'causal'
    @nn.compact
    def __call__(self, x):
        return nn.Conv(4, (3,), padding="causal")(x)


class TransposeLowerCase(nn.Module):  # ConvTranspose hands lax only 'SAME' / 'VALID' as they are
    @nn.compact
    def __call__(self, x):
        return nn.ConvTranspose(4, (3, 3), strides=(2, 2), padding="valid")(x)


class PoolCircular(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.max_pool(nn.Dense(3)(x), (2, 2), padding="CIRCULAR")


class NameTwice(nn.Module):  # NameInUseError
    @nn.compact
    def __call__(self, x):
        for _ in range(2):
            x = nn.Dense(4, name="fc")(x)
        return x


class AutoNameTaken(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(4, name="Dense_1")(x)
        return nn.Dense(4)(nn.Dense(4)(x))


class ParamTwice(nn.Module):
    @nn.compact
    def __call__(self, x):
        return x * self.param("w", nn.initializers.ones, (4,)) + self.param("w", nn.initializers.ones, (4,))


class BatchNormNoFlag(nn.Module):  # merge_param: given neither to the constructor nor the call
    @nn.compact
    def __call__(self, x):
        return nn.BatchNorm()(x)


class DropoutTwice(nn.Module):  # ... or to both
    @nn.compact
    def __call__(self, x):
        return nn.Dropout(0.5, deterministic=True)(nn.Dense(4)(x), deterministic=True)


class Branch(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(4)(x)


class CalledOnAnotherWidth(nn.Module):  # ScopeParamShapeError
    def setup(self):
        self.blk = Branch()

    def __call__(self, x):
        return self.blk(x), self.blk(jnp.zeros((2, 4)))


class SameLowerCase(nn.Module):  # (lax upper-cases the strings it is given: exact)
    @nn.compact
    def __call__(self, x):
        return nn.avg_pool(nn.Conv(4, (3, 3), padding="same")(x), (2, 2), strides=(2, 2), padding="same_lower")
'''
RAISES = ["CausalLowerCase", "TransposeLowerCase", "PoolCircular", "NameTwice", "AutoNameTaken", "ParamTwice",
          "BatchNormNoFlag", "DropoutTwice", "CalledOnAnotherWidth"]
_RAISES_SHAPES = {"CausalLowerCase": (2, 8, 3), "CalledOnAnotherWidth": (2, 8), "ParamTwice": (2, 4)}


def _with_shapes(source):
    """The source with an input-shape comment above each class (4-D where not said)."""
    out = []
    for line in source.splitlines():
        if line.startswith("class ") and not line.startswith("class Branch"):
            name = line[6:].split("(")[0]
            shape = _RAISES_SHAPES.get(name, (2, 8, 8, 3))
            out.append("# paramlint: input-shape=" + ",".join(map(str, shape)))
        out.append(line)
    return "\n".join(out) + "\n"


def test_what_flax_raises_on_is_unknown(tmp_path):
    # each was counted (found by probing against flax 0.12.8, which raises on all of them)
    ms = _analyze(tmp_path, _with_shapes(_FLAX_RAISES))
    assert {n: ms[n].total_params for n in RAISES} == dict.fromkeys(RAISES)
    assert ms["SameLowerCase"].total_params == 3 * 3 * 3 * 4 + 4  # flax 0.12.8: 112


@pytest.mark.oracle
def test_flax_raises_on_them(tmp_path):
    jax = pytest.importorskip("jax")
    pytest.importorskip("flax")
    import importlib.util

    p = tmp_path / "raises.py"
    p.write_text(_FLAX_RAISES)
    spec = importlib.util.spec_from_file_location("_flax_raises", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name in RAISES + ["SameLowerCase"]:
        shape = _RAISES_SHAPES.get(name, (2, 8, 8, 3))
        init = getattr(mod, name)().init
        if name == "SameLowerCase":
            v = jax.eval_shape(lambda: init(jax.random.key(0), jax.numpy.zeros(shape)))
            assert sum(int(x.size) for x in jax.tree_util.tree_leaves(v["params"])) == 112
            continue
        with pytest.raises(Exception):
            jax.eval_shape(lambda: init(jax.random.key(0), jax.numpy.zeros(shape)))


_NEVER_CALLED = '''
import flax.linen as nn
import jax.numpy as jnp


class Unused(nn.Module):  # init() runs __call__ once: a submodule it never calls has no parameters
    def setup(self):
        self.a = nn.Dense(4)
        self.b = nn.Dense(4)
        self.heads = [nn.Dense(2), nn.Dense(3)]

    def __call__(self, x):
        return self.heads[1](self.a(x))


class MadeNotCalled(nn.Module):
    @nn.compact
    def __call__(self, x):
        spare = nn.Dense(16)
        return nn.Dense(4)(x)


class MaybeCalled(nn.Module):  # (a branch on data: which submodules init() reaches is unknown)
    def setup(self):
        self.a = nn.Dense(4)
        self.b = nn.Dense(4)

    def __call__(self, x):
        y = self.a(x)
        if jnp.sum(x) >= 0:
            y = self.b(y)
        return y


# paramlint: input-shape=2,8
unused = Unused()
# paramlint: input-shape=2,8
made_not_called = MadeNotCalled()
# paramlint: input-shape=2,8
maybe_called = MaybeCalled()
'''
#: flax 0.12.8 (was unknown: "b: Dense is never built")
NEVER_CALLED_SIZES = {"unused": {"params": 8 * 4 + 4 + 4 * 3 + 3}, "made_not_called": {"params": 8 * 4 + 4}}


def test_submodules_init_never_calls_have_no_parameters(tmp_path):
    ms = _analyze(tmp_path, _NEVER_CALLED)
    assert {n: {"params": ms[n].total_params} for n in NEVER_CALLED_SIZES} == NEVER_CALLED_SIZES
    assert ms["maybe_called"].total_params is None
    assert {r.path: r.params for r in ms["unused"].layers} == {"a": 36, "b": 0, "heads_0": 0, "heads_1": 15}


@pytest.mark.oracle
def test_never_called_figures_are_flax_figures(tmp_path):
    assert _flax_sizes(tmp_path, _NEVER_CALLED, {n: (2, 8) for n in NEVER_CALLED_SIZES}) == NEVER_CALLED_SIZES


_ARRAY_CODE = '''
import flax.linen as nn
import jax.numpy as jnp


class PositionalKeepdims(nn.Module):  # (keepdims given positionally: numpy's signatures)
    @nn.compact
    def __call__(self, x):
        m = x.max(-1, None, True) + jnp.mean(x, 1, None, None, True)
        return nn.Dense(3)(m)


class SinusoidStep(nn.Module):
    dim: int = 16

    @nn.compact
    def __call__(self, t):
        freqs = jnp.exp(-jnp.log(10000.0) * jnp.arange(self.dim, step=2) / self.dim)
        emb = jnp.concatenate([jnp.sin(t[..., None] * freqs), jnp.cos(t[..., None] * freqs)], -1)
        return nn.Dense(4)(emb)


class UnusedBadMatmul(nn.Module):  # (jax raises whether or not the product is used)
    @nn.compact
    def __call__(self, x):
        junk = x @ jnp.ones((5, 1, 2))
        return nn.Dense(3)(x)


# paramlint: input-shape=2,5,8
positional_keepdims = PositionalKeepdims()
# paramlint: input-shape=2,10
sinusoid_step = SinusoidStep()
# paramlint: input-shape=2,3,4
unused_bad_matmul = UnusedBadMatmul()
'''
#: flax 0.12.8: (2, 5, 1) + (2, 1, 8) into a Dense(3); (2, 10, 16) into a Dense(4) (found by probing:
#: the keepdims were dropped and arange(16, step=2) was empty; 15 was given where jax raises)
ARRAY_CODE_SIZES = {"positional_keepdims": {"params": 8 * 3 + 3}, "sinusoid_step": {"params": 16 * 4 + 4}}


def test_numpy_signatures_and_what_jax_rejects(tmp_path):
    ms = _analyze(tmp_path, _ARRAY_CODE)
    assert {n: {"params": ms[n].total_params} for n in ARRAY_CODE_SIZES} == ARRAY_CODE_SIZES
    assert ms["unused_bad_matmul"].total_params is None


@pytest.mark.oracle
def test_numpy_signature_figures_are_flax_figures(tmp_path):
    shapes = {"positional_keepdims": (2, 5, 8), "sinusoid_step": (2, 10)}
    assert _flax_sizes(tmp_path, _ARRAY_CODE, shapes) == ARRAY_CODE_SIZES


def test_the_command_lines_input_shape_reaches_flax_models(tmp_path):
    # --input-shape was ignored for Flax models (the note then said no input shape reached
    # them); flax's params collection: Dense 12->32->16->4 and BatchNorm(16)'s scale and bias,
    # 416 + 528 + 32 + 68 = 1,044 (its running statistics are batch_stats)
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    path = tmp_path / "m.py"
    path.write_text(
        "import flax.linen as nn\n\n\nclass MLP(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n"
        "        x = nn.relu(nn.Dense(32)(x))\n        x = nn.BatchNorm(use_running_average=True)(nn.Dense(16)(x))\n"
        "        return nn.Dense(4)(x)\n"
    )
    rep = analyze_file(Project(), str(path), Options(input_shapes=((2, 12),)))
    (m,) = rep.models
    assert m.total_params == 12 * 32 + 32 + 32 * 16 + 16 + 2 * 16 + 16 * 4 + 4 == 1_044
