"""einops patterns (paramlint/catalog/einops_rules.py) against einops itself.

EXPECTED holds what einops 0.8.2 gives on numpy arrays of these shapes (None: it raises);
the oracle test recomputes them where einops is installed. The model test's figures are
torch 2.13's (parameters, forward hooks, FlopCounterMode / 2).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest

from paramlint.catalog.einops_rules import output_shape
from paramlint.catalog.spec import ArgError
from test_evaluator import ours, write_package

CASES = [
    # (operation, pattern, input shape, axes lengths, einops's output shape or None)
    ("rearrange", "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", (2, 3, 8, 8), dict(p1=4, p2=4), (2, 4, 48)),
    ("rearrange", "b c h w -> b (c h w)", (2, 3, 4, 5), {}, (2, 60)),
    ("rearrange", "b ... d -> b d ...", (2, 3, 4, 5), {}, (2, 5, 3, 4)),
    ("rearrange", "b (h d) n -> b h n d", (2, 12, 5), dict(h=3), (2, 3, 5, 4)),
    ("rearrange", "b (h d) n -> b h n d", (2, 12, 5), dict(h=5), None),
    ("rearrange", "b n (qkv h d) -> qkv b h n d", (2, 7, 24), dict(qkv=3, h=2), (3, 2, 2, 7, 4)),
    ("rearrange", "... (two d) -> ... two d", (2, 3, 8), dict(two=2), (2, 3, 2, 4)),
    ("rearrange", "b ... -> b (...)", (2, 3, 4), {}, (2, 12)),
    ("rearrange", "b c -> b c 1 1", (2, 3), {}, (2, 3, 1, 1)),
    ("rearrange", "b c () () -> b c", (2, 3, 1, 1), {}, (2, 3)),
    ("rearrange", "b c 1 1 -> b c", (2, 3, 1, 1), {}, (2, 3)),
    ("rearrange", "b c h w -> b c (h w)", (2, 3, 4), {}, None),
    ("rearrange", "b c h w -> b h w", (2, 3, 4, 5), {}, None),
    ("rearrange", "(b1 b2) c -> b1 b2 c", (6, 3), {}, None),
    ("rearrange", "b (c c2) -> b c c2", (2, 7), dict(c2=2), None),
    ("reduce", "b c h w -> b c", (2, 3, 4, 5), {}, (2, 3)),
    ("reduce", "b c (h h2) (w w2) -> b c h w", (2, 3, 8, 8), dict(h2=2, w2=2), (2, 3, 4, 4)),
    ("reduce", "b ... -> b", (2, 3, 4), {}, (2,)),
    ("reduce", "b n d -> b e", (2, 5, 6), {}, None),
    ("repeat", "() n d -> b n d", (1, 5, 6), dict(b=4), (4, 5, 6)),
    ("repeat", "1 n d -> b n d", (1, 5, 6), dict(b=4), (4, 5, 6)),
    ("repeat", "h w -> (h 2) (w 3)", (2, 3), {}, (4, 9)),
    ("repeat", "h w -> h w c", (2, 3), {}, None),
    ("repeat", "b ... -> b r ...", (2, 3, 4), dict(r=2), (2, 2, 3, 4)),
]


def _ours(op: str, pattern: str, shape: Tuple[int, ...], lengths: Dict[str, int]) -> Optional[Tuple[int, ...]]:
    try:
        return output_shape(op, pattern, shape, lengths)  # type: ignore[return-value]
    except ArgError:
        return None


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_pattern(case: Any) -> None:
    op, pattern, shape, lengths, want = case
    assert _ours(op, pattern, shape, lengths) == want


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_pattern_is_einops(case: Any) -> None:
    einops = pytest.importorskip("einops")
    np = pytest.importorskip("numpy")
    op, pattern, shape, lengths, want = case
    args = ("mean",) if op == "reduce" else ()
    try:
        got = tuple(getattr(einops, op)(np.zeros(shape), pattern, *args, **lengths).shape)
    except Exception:
        got = None
    assert got == want


def test_lucidrains_style_vit(tmp_path: Any) -> None:
    # torch 2.13: 2,010 parameters, 18,304 MACs; each einops call and layer was "not modelled"
    pkg = write_package(tmp_path, {"m.py": '''
        import torch
        from torch import nn
        from einops import rearrange, repeat
        from einops.layers.torch import Rearrange, Reduce


        class Attention(nn.Module):
            def __init__(self, dim, heads=2):
                super().__init__()
                self.heads = heads
                self.to_qkv = nn.Linear(dim, dim * 3, bias=False)
                self.to_out = nn.Linear(dim, dim)

            def forward(self, x):
                q, k, v = map(lambda t: rearrange(t, "b n (h d) -> b h n d", h=self.heads), self.to_qkv(x).chunk(3, dim=-1))
                attn = (q @ k.transpose(-1, -2)).softmax(dim=-1)
                return self.to_out(rearrange(attn @ v, "b h n d -> b n (h d)"))


        # paramlint: input-shape=2,3,8,8
        class ViT(nn.Module):
            def __init__(self, dim=16, patch=4):
                super().__init__()
                self.to_patch = nn.Sequential(Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=patch, p2=patch),
                                              nn.Linear(3 * patch * patch, dim))
                self.cls = nn.Parameter(torch.zeros(1, 1, dim))
                self.attn = Attention(dim)
                self.head = nn.Sequential(Reduce("b n d -> b d", "mean"), nn.Linear(dim, 10))

            def forward(self, img):
                x = self.to_patch(img)
                cls = repeat(self.cls, "1 1 d -> b 1 d", b=x.shape[0])
                return self.head(self.attn(torch.cat([cls, x], dim=1)))
    '''})
    m = ours(tmp_path, pkg, "m.py")["ViT"]
    assert (m.total_params, m.total_macs) == (2010, 18304), (m.unresolved, m.shape_notes, m.macs_notes)


def test_any_pattern_gives_a_shape_or_an_arg_error() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.sampled_from(["rearrange", "reduce", "repeat"]),
                      st.text(alphabet="abc12 ()._->", max_size=24),
                      st.lists(st.one_of(st.none(), st.integers(0, 12)), max_size=5),
                      st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(-1, 6), max_size=2))
    def run(op: str, pattern: str, shape: Any, lengths: Dict[str, int]) -> None:
        try:
            out = output_shape(op, pattern, tuple(shape), lengths)
        except ArgError:
            return
        assert isinstance(out, tuple) and all(d is None or (type(d) is int and d >= 0) for d in out)

    run()
