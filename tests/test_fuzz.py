"""Fuzzing the whole front end and evaluator (issue 7): whatever the bytes, ``analyze_file``
returns a report — never raises, never hangs, never reports an internal error.

Four generators: raw bytes; Python-looking token soup (reaches the evaluator); mutations
of the fixture files (half-edited real models, as pre-commit sees them); and, when
``hypothesmith`` is installed, syntactically valid programs from Python's grammar and from
LibCST's node types. ``PARAMLINT_FUZZ_EXAMPLES`` scales the example counts.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from paramlint.engine import Options, analyze_file  # noqa: E402
from paramlint.evaluate.project import Project  # noqa: E402
from paramlint.types import FileReport  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("PARAMLINT_FUZZ_EXAMPLES", "1"))
BOUND = float(os.environ.get("PARAMLINT_HOSTILE_SECONDS", "30"))
#: How many inputs each generator ran (read by the closing report; see test docstring).
RAN = {"bytes": 0, "tokens": 0, "mutations": 0, "grammar": 0, "cst": 0}


def _settings(n: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def analyze(source: object, kind: str, path: str = "fuzzed.py") -> FileReport:
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    assert isinstance(data, bytes)
    RAN[kind] += 1
    t = time.perf_counter()
    rep = analyze_file(Project(reader=_no_disk, exists=lambda p: False), path, Options(), data)
    elapsed = time.perf_counter() - t
    assert elapsed < BOUND, (elapsed, data[:300])
    assert isinstance(rep, FileReport)
    problems: List[str] = [rep.error or ""] + [n.reason for n in rep.notes]
    for m in rep.models:
        problems += [u.reason for u in m.unresolved] + [u.reason for u in m.shape_notes]
        assert m.total_params is None or not m.unresolved, m  # never a figure beside an unknown
        if m.total_params is not None:
            assert isinstance(m.total_params, int) and m.total_params >= 0, m
    assert not [p for p in problems if "internal error" in p], (problems, data[:500])
    return rep


def _no_disk(path: str) -> bytes:
    """Fuzzed files import nothing from disk (a generated ``import os.path`` stays External)."""
    raise FileNotFoundError(path)


@_settings(300)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    analyze(data, "bytes")


_TOKENS = [
    "import torch\n", "import torch.nn as nn\n", "from torch import nn\n", "class M(nn.Module):\n",
    "    def __init__(self", ", n=3", ", *a, **k", "):\n", "        super().__init__()\n", "        self.fc = ",
    "nn.Linear(", "nn.Conv2d(", "nn.Sequential(", "nn.ModuleList(", "nn.BatchNorm2d(", "nn.Embedding(",
    "nn.LSTM(", "M(", "n", "self.fc", "x", "-1", "0", "1", "3", "2**40", "10**12", "9**9**9", "None", "True",
    "'a'", "f'{n}'", "[", "]", "(", ")", "{", "}", ":", ",", ".", "*", "**", "+", "-", "/", "//", "%", "@",
    " if n else ", " for i in range(n)", " for i in range(10**9)", "lambda *a: ", "not ", " and ", " or ",
    " == ", " in ", "[0]", "[::-1]", ".append(", ".extend(", "len(", "sum(", "list(", "dict(", "zip(",
    "isinstance(", "getattr(self, 'fc')", "super()", "self", "\n", "    ", "        ", "\t", "return ",
    "yield ", "while n:\n", "for i in range(n):\n", "if n:\n", "else:\n", "try:\n", "except Exception:\n",
    "def f(x=1):\n", "f(", "f(f)", "global n\n", "del n\n", "with n as m:\n", "async ", "await ",
    "@property\n", "@staticmethod\n", "#", "\\\n", "'''", '"', "x = ", "n += 1\n", "pass\n", "...",
    "def forward(self, x):\n", "        return self.fc(x)\n", "x.view(x.size(0), -1)", "torch.randn(1, 3)",
    "if __name__ == '__main__':\n", "    M()(torch.randn(1, 3, 8, 8))\n", "# paramlint: input-shape=1,3,8,8\n",
    "__import__('os').system('x')", "exec('1')", "eval('1')", "open('f', 'w')", "\x00", "\r", "\x0c", "é", "🚀",
]


@_settings(400)
@given(st.lists(st.sampled_from(_TOKENS), max_size=60))
def test_token_soup(tokens: List[str]) -> None:
    analyze("".join(tokens), "tokens")


_FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py"))


@_settings(150)
@given(st.sampled_from(_FIXTURES) if _FIXTURES else st.nothing(), st.data())
def test_mutated_fixtures(path: Path, data: st.DataObject) -> None:
    src = path.read_bytes()
    edits = data.draw(st.lists(st.tuples(st.integers(0, max(len(src) - 1, 0)), st.integers(0, 40),
                                         st.sampled_from([b"", b"(", b")", b"\n", b"    ", b"0", b"**9", b"[", b"\xff", b"#"])),
                               min_size=1, max_size=6))
    for at, cut, insert in edits:
        src = src[:at] + insert + src[at + cut:]
    analyze(src, "mutations", str(path))


try:
    import hypothesmith as _hypothesmith
except Exception:  # pragma: no cover - optional
    _hypothesmith = None


@pytest.mark.skipif(_hypothesmith is None, reason="hypothesmith is not installed")
@_settings(150)
@given(st.deferred(lambda: _hypothesmith.from_grammar()))  # type: ignore[union-attr]
def test_grammar_programs(source: str) -> None:
    analyze(source, "grammar")


@pytest.mark.skipif(_hypothesmith is None, reason="hypothesmith is not installed")
@_settings(25)  # generating these is slow (about 3 s each), analyzing them is not
@given(st.deferred(lambda: _hypothesmith.from_node()))  # type: ignore[union-attr]
def test_cst_programs(source: str) -> None:
    analyze(source, "cst")


def test_report_counts(capsys: pytest.CaptureFixture) -> None:
    """Prints how many inputs the generators ran (after the others, in file order)."""
    with capsys.disabled():
        print(f"\nfuzz inputs: {RAN} total {sum(RAN.values())}")
