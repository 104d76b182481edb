"""paramlint's model of argparse (``evaluate/library/argparse.py``) against CPython's argparse:
the configuration a training script builds its model from. Each program builds a parser and
sets ``V`` from ``parse_args([])`` (or ``parse_args()``: the build with no command-line
arguments); paramlint's value must be CPython's (computed here by ``exec`` of the same trusted
text, with an empty command line) or, for what is not modelled, Unknown.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from test_builtins_vs_python import _evaluated
from test_evaluator import matches_torch

from paramlint.evaluate.values import Unknown

PROGRAMS = [
    # every kind of default, string defaults converted by type, set_defaults over an argument
    '''
import argparse
p = argparse.ArgumentParser(description="train")
p.add_argument("files", nargs="*")
p.add_argument("opt", nargs="?", default="7", type=int)
p.add_argument("--n-layers", type=int, default="3")
p.add_argument("-w", "--width", type=float)
p.add_argument("--flag", action="store_true")
p.add_argument("--no-x", dest="x", action="store_false")
p.add_argument("--lst", action="append")
p.add_argument("--cnt", action="count")
p.add_argument("--bo", action=argparse.BooleanOptionalAction, default=True)
p.add_argument("--sup", default=argparse.SUPPRESS)
p.add_argument("--c", action="store_const", const=5)
p.set_defaults(extra=1, width=2.5)
V = vars(p.parse_args([]))
''',
    '''
import argparse
p = argparse.ArgumentParser(argument_default=4)
p.add_argument("--a")
p.add_argument("--b", default=None)
V = vars(p.parse_args([]))
''',
    # groups, parents, get_default, parse_known_args, a namespace given
    '''
import argparse
base = argparse.ArgumentParser(add_help=False)
base.add_argument("--depth", type=int, default=12)
p = argparse.ArgumentParser(parents=[base], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
g = p.add_argument_group("model")
g.add_argument("--hidden-size", default="768", type=int)
m = p.add_mutually_exclusive_group()
m.add_argument("--fp16", action="store_true")
m.add_argument("--bf16", action="store_true")
args, rest = p.parse_known_args([], namespace=argparse.Namespace(seed=0))
V = (args.depth, args.hidden_size, args.fp16, args.bf16, args.seed, rest, p.get_default("hidden_size"))
''',
    # a user type function on a string default, a namespace compared and unpacked
    '''
import argparse
def str2bool(v):
    return v.lower() in ("yes", "true", "1")
p = argparse.ArgumentParser()
p.add_argument("--use-bias", type=str2bool, default="true")
p.add_argument("--dims", type=lambda s: [int(x) for x in s.split(",")], default="64,128")
a = p.parse_args([])
V = (a.use_bias, a.dims, a == argparse.Namespace(use_bias=True, dims=[64, 128]), dict(**vars(a)))
''',
    # a required argument: argparse exits
    '''
import argparse
p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
try:
    p.parse_args([])
    V = "parsed"
except SystemExit:
    V = "exit"
''',
    '''
import argparse
p = argparse.ArgumentParser()
p.add_argument("config")
try:
    p.parse_args([])
    V = "parsed"
except SystemExit:
    V = "exit"
''',
    # parse_args(): the command line, empty for the build with defaults
    '''
import argparse
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default="1e-3")
V = p.parse_args().lr
''',
]


@pytest.mark.parametrize("index", range(len(PROGRAMS)))
def test_argparse_agrees_with_cpython(tmp_path: Path, index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    src = PROGRAMS[index]
    ns = _evaluated(tmp_path, f"p{index}.py", src)
    monkeypatch.setattr(sys, "argv", ["train.py"])  # (CPython's parse_args() reads it)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # (argparse's usage message on exit)
    python: dict = {}
    exec(compile(src, f"p{index}.py", "exec", dont_inherit=True), python)  # our own literal text, not analyzed code
    assert not isinstance(ns.get("V"), Unknown), ns.get("V")
    assert ns["V"] == python["V"]


def test_what_is_not_modelled_is_unknown(tmp_path: Path) -> None:
    src = '''
import argparse
p = argparse.ArgumentParser()
p.add_argument("--width", type=int, default=4)
sub = None
try:
    V = p.parse_args(["--width", "8"]).width
except NotImplementedError:
    V = 0
'''
    ns = _evaluated(tmp_path, "given.py", src)
    assert isinstance(ns["V"], Unknown) or ns["V"] == 0  # (parsing given arguments: not modelled)
    assert ns["V"] != 4


TRAIN = {"m.py": '''
    import argparse

    import torch.nn as nn


    def parse_args(argv=None):
        p = argparse.ArgumentParser()
        p.add_argument("--channels", type=int, nargs="+", default=[32, 64])
        p.add_argument("--num-classes", type=int, default=10)
        p.add_argument("--hidden", default="256", type=int)
        return p.parse_args(argv)


    def build_model(args=None):
        args = args or parse_args()
        layers, c = [], 3
        for w in args.channels:
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
            c = w
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, args.hidden),
                             nn.Linear(args.hidden, args.num_classes))
'''}


def test_a_training_script_builds_from_its_defaults(tmp_path: Path) -> None:
    # "build_model" was unknown ("call to argparse.ArgumentParser is not modelled"); torch 2.13,
    # run with no command-line arguments: 896 + 18,496 + 16,640 + 2,570
    from test_evaluator import ours, write_package

    pkg = write_package(tmp_path, TRAIN)
    assert ours(tmp_path, pkg, "m.py")["build_model"].total_params == 38_602


@pytest.mark.oracle
def test_a_training_script_matches_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["train.py"])
    matches_torch(tmp_path, TRAIN, "build_model")
