"""`paramlint explain`: each formula's arithmetic is redone here and must give the framework's
figure (goldens produced by torch/keras); the text comes from the catalog code itself."""

from __future__ import annotations

import json
import os
import re
from typing import Dict, List

import pytest

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def golden(name: str) -> Dict[str, dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["models"]  # type: ignore[no-any-return]


def explain(target: str):  # type: ignore[no-untyped-def]
    from paramlint.explain import explain_file

    path, _, name = target.partition("::")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return explain_file(path, name or None)
    finally:
        os.chdir(cwd)


def arith(expr: str) -> int:
    """Evaluate a formula as printed (·, −, ⌊a/b⌋, ⌈a/b⌉) with plain integer arithmetic."""
    e = expr.replace("·", "*").replace("−", "-").replace(",", "")
    e = re.sub(r"⌊(.*)/(\d+)⌋", r"((\1)//\2)", e)
    e = re.sub(r"⌈(.*)/(\d+)⌉", r"(-(-(\1)//\2))", e)
    assert re.fullmatch(r"[0-9+\-*/() ]+", e), e
    return int(eval(e))  # digits and operators only (checked above)


def check_params_formula(formula: str, params: int) -> None:
    """``weight 8·3·5·5 = 600, bias 8``: every product right, and the parts add up."""
    total = 0
    for part in formula.split(", "):
        m = re.fullmatch(r"\S+ ([0-9·]+)(?: = ([0-9,]+))?", part)
        assert m, part
        value = arith(m.group(1))
        if m.group(2):
            assert value == int(m.group(2).replace(",", ""))
        total += value
    assert total == params


def check_shape_steps(steps: List[str], in_dims: List[int], out_dims: List[int]) -> None:
    """Each step's arithmetic gives its stated result, and the results are the output's
    changed dimensions, in order."""
    results = []
    for s in steps:
        lhs, _, rhs = s.partition(" = ")
        rhs = rhs.split(" ")[0]
        assert arith(lhs) == int(rhs), s
        results.append(int(rhs))
    assert results, "no shape steps"
    assert all(r in out_dims for r in results)


@pytest.mark.parametrize("target,golden_file,name", [
    ("fixtures/lenet_torch.py::LeNet", "lenet_torch", "LeNet"),
    ("fixtures/lenet_keras.py::model", "lenet_keras", "model"),
])
def test_course_network_formulas_give_framework_figures(target: str, golden_file: str, name: str) -> None:
    res = explain(target)
    assert res.error is None and len(res.models) == 1
    g = golden(golden_file)[name]
    layers = res.models[0].layers
    assert [x.row.path for x in layers] == [r["path"] for r in g["layers"]]
    convs = 0
    for x, r in zip(layers, g["layers"]):
        assert x.row.params == r["params"]
        if x.row.formula:
            check_params_formula(x.row.formula, r["params"])
        if r["type"] in ("Conv2d", "Conv2D", "MaxPool2d", "MaxPooling2D"):
            convs += 1
            out = list(r["output_shape"])
            assert list(x.row.output_shape) == out
            check_shape_steps(list(x.shape_steps), list(x.input_shape), out)
            assert len(x.shape_steps) == 2  # two spatial dims
    assert convs == 4
    total = res.models[0].report.total_params
    assert total == g["total_params"]


def test_rendered_text_for_lenet() -> None:
    from paramlint.explain import render

    text = render(explain("fixtures/lenet_torch.py::LeNet"))
    assert "conv1  Conv2d(in_channels=3, out_channels=8, kernel_size=5)" in text
    assert "weight 8·3·5·5 = 600, bias 8  →  608" in text
    assert "out = ⌊(32 + 2·0 − 1·(5−1) − 1)/1⌋ + 1 = 28" in text
    assert "weight (out, in/groups, *kernel) + bias (out)" in text  # the catalog's note
    assert "= 608 + 3,216 + 48,120 + 10,164 + 850" in text
    # the second application of the shared pool layer counts nothing again
    assert "0 here: the same layer applied again" in text


def test_keras_rendered_text() -> None:
    from paramlint.explain import render

    text = render(explain("fixtures/lenet_keras.py::model"))
    assert "kernel 5·5·3·8 = 600, bias 8  →  608" in text
    assert "⌊(32 − 1·(5−1) − 1)/1⌋ + 1 = 28 (padding='valid')" in text
    assert "count_params()" in text


def test_batchnorm_buffers_and_convention() -> None:
    res = explain("fixtures/resnet_blocks.py::resnet_tiny")
    g = golden("resnet_blocks")["resnet_tiny"]
    bn = next(x for x in res.models[0].layers if x.row.path == "bn1")
    want = next(r for r in g["layers"] if r["path"] == "bn1")
    assert bn.row.params == want["params"]
    check_params_formula(bn.row.formula, want["params"])
    assert "buffers" in bn.convention
    # torch BatchNorm2d(16) buffers: running_mean 16 + running_var 16 + num_batches_tracked 1
    assert bn.row.buffers == 33
    conv = next(x for x in res.models[0].layers if x.row.path == "conv1")
    assert "stride=2" in conv.args and "padding=3" in conv.args and "bias=False" in conv.args
    check_shape_steps(list(conv.shape_steps), list(conv.input_shape), list(next(r for r in g["layers"] if r["path"] == "conv1")["output_shape"]))


def test_tied_weights_are_explained_as_shared() -> None:
    from paramlint.explain import render

    text = render(explain("fixtures/gpt_tied.py::GPT"))
    head = text.split("lm_head", 1)[1].split("\n")[1]
    assert "shared with an earlier row" in head
    assert f"total   {golden('gpt_tied')['GPT']['total_params']:,}" in text


def test_explain_hook_is_off_outside_explain() -> None:
    from paramlint.catalog.shapes import conv_len, explaining

    seen: List[str] = []
    with explaining(seen.append):
        conv_len(32, 5, 1, 0)
    conv_len(32, 5, 1, 0)
    assert seen == ["⌊(32 + 2·0 − 1·(5−1) − 1)/1⌋ + 1 = 28"]


@pytest.mark.parametrize("ceil,n,k,s,p,want", [(False, 28, 2, 2, 0, 14), (True, 7, 2, 2, 0, 4), (True, 6, 3, 2, 1, 4), (True, 5, 2, 2, 1, 3)])
def test_pool_formula_text_matches_value(ceil: bool, n: int, k: int, s: int, p: int, want: int) -> None:
    from paramlint.catalog.shapes import explaining, pool_len

    seen: List[str] = []
    with explaining(seen.append):
        got = pool_len(n, k, s, p, 1, ceil)
    assert got == want  # torch 2.13: MaxPool1d(k, s, p, ceil_mode=True)(zeros(1, 1, n)).shape[-1]
    lhs = seen[0].rsplit(" = ", 1)[0]
    if "last window" in lhs:
        lhs = lhs.split(" − 1 (last window")[0]
        assert arith(lhs) - 1 == want
    else:
        assert arith(lhs) == want


def test_cli_explain(capsys: pytest.CaptureFixture[str]) -> None:
    from paramlint.cli import main

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert main(["explain", "fixtures/lenet_torch.py::LeNet"]) == 0
        assert "48,120" in capsys.readouterr().out
        assert main(["explain", "fixtures/lenet_torch.py::Nope"]) == 2
        assert "no model 'Nope'" in capsys.readouterr().err
        assert main(["explain", "fixtures/does_not_exist.py::X"]) == 2
    finally:
        os.chdir(cwd)
