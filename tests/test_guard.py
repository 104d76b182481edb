"""paramlint.guard.prescan: both sides of every threshold, without ever crashing pytest.

Inputs on the "reject" side are only handed to prescan; the one test that shows the
native parser really dies runs it in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from paramlint.guard import MAX_CHAIN, MAX_CHARS, MAX_DEPTH, MAX_ELIF, MAX_TOKENS, prescan

D, C = MAX_DEPTH, MAX_CHAIN


def nest(opening: str, closing: str, n: int, inner: str = "1") -> str:
    return "x = " + opening * n + inner + closing * n + "\n"


NESTINGS = {
    "paren": ("(", ")"),
    "list": ("[", "]"),
    "dict": ("{1: ", "}"),
    "set": ("{", "}"),
    "call": ("f(", ")"),
    "subscript": ("a[", "]"),
    "tuple": ("(1, ", ")"),
    "walrus": ("(a := ", ")"),
}


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_nesting_threshold(kind: str) -> None:
    o, c = NESTINGS[kind]
    assert prescan(nest(o, c, D)) is None
    assert "nested" in prescan(nest(o, c, D + 1))
    assert prescan(nest(o, c, 1300)) is not None  # where 1.9.0 segfaults


def test_unclosed_brackets_count() -> None:
    assert prescan("x = " + "(" * (D - 1) + "1\n") is None
    assert "never closed" in prescan("x = " + "(" * (D + 1) + "1\n")


def test_nesting_inside_fstring_field() -> None:
    assert prescan('x = f"{' + "(" * 50 + "1" + ")" * 50 + '}"\n') is None
    assert prescan('x = f"{' + "(" * 200 + "1" + ")" * 200 + '}"\n') is not None
    # PEP 701: same quotes inside the field must not hide the code after it
    hidden = "x = f\"{'\"'}\" + " + "(" * 2000 + "1" + ")" * 2000 + "  # '\n"
    assert prescan(hidden) is not None


CHAINS = {
    "plus": lambda n: "x = " + "+".join(["1"] * (n + 1)),
    "pow": lambda n: "x = " + "**".join(["1"] * (n // 2 + 1)),
    "and": lambda n: "x = " + " and ".join(["a"] * (n + 1)),
    "attr": lambda n: "x = a" + ".b" * n,
    "subscript_chain": lambda n: "x = a" + "[1]" * n,
    "call_chain": lambda n: "x = a" + "()" * n,
    "method_chain": lambda n: "x = a" + ".b()" * (n // 2),
    "not": lambda n: "x = " + "not " * n + "x",
    "neg": lambda n: "x = " + "- " * n + "x",
    "tilde": lambda n: "x = " + "~" * n + "x",
    "lambda": lambda n: "x = " + "lambda: " * n + "1",
    "ternary": lambda n: "x = " + "1 if 1 else " * (n // 2) + "1",
    "strings": lambda n: "x = " + " ".join(["'a'"] * (n + 1)),
    "calls_with_commas": lambda n: "x = " + "+".join(["f(1, 2)"] * (n // 2 + 1)),
    "comprehension": lambda n: "x = [1 " + "for a in b " * (n // 2) + "]",
    "in_brackets": lambda n: "x = (" + " +\n    ".join(["1"] * (n + 1)) + ")",
}


@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_chain_threshold(kind: str) -> None:
    make = CHAINS[kind]
    assert prescan(make(C // 2) + "\n") is None
    assert "chain" in prescan(make(C + 10) + "\n")
    assert "chain" in prescan(make(10_000) + "\n")


def test_elif_threshold() -> None:
    def chain(n: int) -> str:
        return "if a:\n    pass\n" + "elif a:\n    # note\n    pass\n" * n

    assert prescan(chain(MAX_ELIF)) is None
    assert "elif" in prescan(chain(MAX_ELIF + 1))
    # many short if/elif statements in a row are fine
    many = ("if a:\n    pass\nelif b:\n    pass\nx = 1\n") * (MAX_ELIF * 2)
    assert prescan(many) is None


MODEL = textwrap.dedent(
    '''\
    """Modèle — ünïcödé 日本語 docstring with (((( brackets ]]]] and "quotes"."""
    import torch.nn as nn


    class Block(nn.Module):
        def __init__(self, d: int = 64, *, names=("a", 'b)')) -> None:
            super().__init__()
            self.fc = nn.Linear(d, d)  # comment with ((((( and '
            self.seq = nn.Sequential(nn.Conv2d(3, d, 3), nn.ReLU(), nn.Dropout(0.1))
            self.h = nn.ModuleList([nn.Linear(d, d) for _ in range(3)])
            msg = f"{d!r:>{d}} {names[0]} {'x'} {self.fc.weight.shape[0] + 1}"
            new = f"{names["a"] if names else ''}"  # PEP 701
            s = r'\\' + b"\\"
            t = x if d > 2 and not d or d < -3 else -(d ** 2) @ d

        def forward(self, x):
            return self.h[0](self.fc(x)).relu().mean(dim=(1, 2)).view(-1, 1)
    '''
)


def test_realistic_code_is_accepted() -> None:
    assert prescan(MODEL) is None
    assert prescan(MODEL.replace("\n", "\r\n")) is None
    assert prescan("") is None


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    assert prescan('x = "' + "(" * 5000 + '"\n') is None
    assert prescan("x = '''" + "[" * 5000 + "\n" + "+" * 5000 + "'''\n") is None
    assert prescan("# " + "{" * 5000 + "\nx = 1\n") is None


def test_carriage_return_newlines_do_not_hide_code() -> None:
    src = "# comment\r" + "(" * 2000 + "1" + ")" * 2000 + "\r"
    assert prescan(src) is not None


def test_large_flat_files_are_accepted_quickly() -> None:
    flat = "x = foo(1, 2, bar=3)\n" * (MAX_TOKENS // 12)  # just under the token limit (12 a line)
    data = "d = [" + ", ".join(f"({i}, {i}.5, -{i}, 'k{i}')" for i in range(12_000)) + "]\n"
    long_line = "x = [" + ",".join(["a1"] * 100_000) + "]\n"
    docs = '"""' + "a long docstring line\n" * 40_000 + '"""\nx = 1\n'  # (900 kB, two tokens)
    for src in (flat, data, long_line, docs):
        t = time.perf_counter()
        assert prescan(src) is None
        assert time.perf_counter() - t < 2.0


def test_huge_files_are_refused() -> None:
    assert "too large" in prescan("x = 1\n" * (MAX_CHARS // 6 + 1))
    # under the size limit, over the token limit: LibCST took 16 s and 2 GB on a 1 MB list
    # literal of 500k items, 15 s on 250k statements
    assert "tokens" in prescan("L = [" + ",".join(["1"] * 200_000) + "]\n")
    assert "tokens" in prescan("x=1;" * 80_000)


def test_adversarial_text_stays_linear() -> None:
    for src in (
        "x = '" + "\\'" * 200_000 + "\n",  # unterminated, escaped quotes
        'x = f"' + "{'" * 100_000 + "\n",  # unterminated f-string fields
        '"""' + "(" * 200_000,  # unterminated triple quote
        "x = 1\n" * 150_000 + nest("(", ")", D),  # deep nest after a big file
    ):
        t = time.perf_counter()
        prescan(src)
        assert time.perf_counter() - t < 3.0


def _parse_in_subprocess(src: str, timeout: float = 60):
    code = "import sys, libcst; libcst.parse_module(sys.stdin.read())"
    return subprocess.run(
        [sys.executable, "-c", code], input=src, capture_output=True, text=True, timeout=timeout
    )


def test_rejected_input_really_kills_the_parser() -> None:
    src = nest("(", ")", 3000)
    assert prescan(src) is not None
    proc = _parse_in_subprocess(src)
    assert proc.returncode != 0  # SIGSEGV (-11) with libcst 1.0.1 .. 1.9.0


def test_worst_accepted_inputs_parse() -> None:
    """The largest inputs prescan lets through parse without crashing, quickly."""
    worst = nest("f(", ")", D) + CHAINS["plus"](C // 2) + "\n" + CHAINS["not"](C // 2) + "\n"
    assert prescan(worst) is None
    t = time.perf_counter()
    proc = _parse_in_subprocess(worst)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert time.perf_counter() - t < 30
