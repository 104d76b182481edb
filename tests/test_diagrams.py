"""`summary --format mermaid|dot`: the module tree, parsed back and checked against the goldens.

Mermaid is parsed structurally here (and by mermaid's own parser when PARAMLINT_MERMAID_DIR
names a directory with node_modules/mermaid and jsdom installed); dot is parsed and laid out
by Graphviz itself where the ``dot`` binary exists.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def golden(name: str) -> Dict[str, dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["models"]  # type: ignore[no-any-return]


def summary(fmt: str, *paths: str, depth: Optional[int] = None) -> str:
    from paramlint.cli import main

    argv = ["summary", "--format", fmt, *paths] + (["--depth", str(depth)] if depth is not None else [])
    buf = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(buf):
            assert main(argv) == 0
    finally:
        os.chdir(cwd)
    return buf.getvalue()


# ---- a small mermaid flowchart parser ----------------------------------------------------

@dataclass
class Box:
    id: str
    label: List[str]
    children: List["Box"] = field(default_factory=list)
    subgraph: bool = False

    def find(self, first_line: str) -> "Box":
        for c in self.walk():
            if c.label and c.label[0] == first_line:
                return c
        raise KeyError(first_line)

    def walk(self):  # type: ignore[no-untyped-def]
        for c in self.children:
            yield c
            yield from c.walk()


_UNESC = [("#quot;", '"'), ("#lt;", "<"), ("#gt;", ">"), ("#amp;", "&")]


def _text(label: str) -> List[str]:
    out = []
    for part in label.split("<br/>"):
        for a, b in _UNESC:
            part = part.replace(a, b)
        out.append(part)
    return out


def parse_mermaid(text: str) -> Box:
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart TB"
    root = Box("root", [])
    stack = [root]
    ids = set()
    links = []
    for line in lines[1:]:
        s = line.strip()
        if not s or s.startswith("%%") or s == "direction TB":
            continue
        m = re.fullmatch(r'subgraph (\w+)\["([^"]*)"\]', s)
        if m:
            assert m.group(1) not in ids
            ids.add(m.group(1))
            box = Box(m.group(1), _text(m.group(2)), subgraph=True)
            stack[-1].children.append(box)
            stack.append(box)
            continue
        if s == "end":
            stack.pop()
            assert stack, "unbalanced end"
            continue
        m = re.fullmatch(r'(\w+)\["([^"]*)"\]', s)
        if m:
            assert m.group(1) not in ids
            ids.add(m.group(1))
            stack[-1].children.append(Box(m.group(1), _text(m.group(2))))
            continue
        m = re.fullmatch(r"(\w+) ~~~ (\w+)", s)
        assert m, f"unexpected line {s!r}"
        links.append((m.group(1), m.group(2)))
    assert stack == [root], "unclosed subgraph"
    for a, b in links:
        assert a in ids and b in ids
    return root


def _num(n: int) -> str:
    return f"{n:,}"


def _shape(s: List[int]) -> str:
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def test_mermaid_lenet_nodes_carry_golden_figures() -> None:
    tree = parse_mermaid(summary("mermaid", "fixtures/lenet_torch.py"))
    g = golden("lenet_torch")["LeNet"]
    model = tree.children[0]
    assert model.subgraph and model.label[:2] == ["LeNet (torch)", f"{_num(g['total_params'])} params"]
    first: Dict[str, dict] = {}
    for r in g["layers"]:
        first.setdefault(r["path"], r)
    assert [c.label[0] for c in model.children] == [f"{p}: {r['type']}" for p, r in first.items()]
    for c in model.children:
        r = first[c.label[0].split(":")[0]]
        assert c.label[1] == f"{_num(r['params'])} params"
        assert c.label[2].startswith(f"out {_shape(r['output_shape'])}")


def _prefix_sum(layers: List[dict], prefix: str) -> int:
    seen = set()
    total = 0
    for r in layers:
        if (r["path"] == prefix or r["path"].startswith(prefix + ".")) and not r.get("repeat") and r["path"] not in seen:
            seen.add(r["path"])
            total += r["params"]
    return total


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_mermaid_nesting_and_collapse_depth(depth: int) -> None:
    g = golden("resnet_blocks")["resnet_tiny"]
    tree = parse_mermaid(summary("mermaid", "fixtures/resnet_blocks.py", depth=depth))
    model = tree.find("resnet_tiny (torch)")
    assert model.label[1] == f"{_num(g['total_params'])} params"
    layer1 = model.find("layer1")
    assert layer1.label[1] == f"{_num(_prefix_sum(g['layers'], 'layer1'))} params"
    if depth == 1:
        assert not layer1.subgraph and layer1.label[2].endswith("(collapsed)")
        return
    assert layer1.subgraph
    block = layer1.find("layer1.0")
    assert block.label[1] == f"{_num(_prefix_sum(g['layers'], 'layer1.0'))} params"
    assert block.subgraph == (depth > 2)
    if depth > 2:
        conv = block.find("conv1: Conv2d")
        want = next(r for r in g["layers"] if r["path"] == "layer1.0.conv1")
        assert conv.label[1:] == [f"{_num(want['params'])} params", f"out {_shape(want['output_shape'])}"]


def test_mermaid_depth_zero_collapses_models() -> None:
    tree = parse_mermaid(summary("mermaid", "fixtures/resnet_blocks.py", depth=0))
    assert all(not c.subgraph for c in tree.children)
    assert tree.children[0].label[-1].endswith("layers (collapsed)")


def test_mermaid_escapes_labels() -> None:
    from paramlint.report.mermaid_summary import _label

    lab = _label(['a"b<c>&d'])
    assert re.fullmatch(r'\["[^"<>]*"\]', lab)
    assert _text(lab[2:-2]) == ['a"b<c>&d']


@pytest.mark.skipif(not os.environ.get("PARAMLINT_MERMAID_DIR") or shutil.which("node") is None,
                    reason="mermaid's parser not installed (set PARAMLINT_MERMAID_DIR to a dir with node_modules/mermaid and jsdom)")
def test_mermaid_parser_accepts_every_fixture(tmp_path: Path) -> None:
    d = Path(os.environ["PARAMLINT_MERMAID_DIR"])
    script = d / "_paramlint_check.mjs"
    script.write_text(
        'import { JSDOM } from "jsdom"; import { readFileSync } from "fs";\n'
        'const dom = new JSDOM("<!DOCTYPE html><body></body>");\n'
        "globalThis.window = dom.window; globalThis.document = dom.window.document;\n"
        'const { default: mermaid } = await import("mermaid");\n'
        "mermaid.initialize({ startOnLoad: false });\n"
        'await mermaid.parse(readFileSync(process.argv[2], "utf8"));\n'
        'console.log("OK");\n'
    )
    for depth in (0, 9):
        f = tmp_path / f"all{depth}.mmd"
        f.write_text(summary("mermaid", "fixtures/", depth=depth))
        done = subprocess.run(["node", str(script), str(f)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-2000:]


# ---- dot, parsed by Graphviz -------------------------------------------------------------

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


def dot_json(text: str) -> dict:
    done = subprocess.run(["dot", "-Tjson"], input=text, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _label_lines(obj: dict) -> List[str]:
    return obj["label"].split("\\n")


@needs_dot
def test_dot_renders_every_fixture(tmp_path: Path) -> None:
    for depth in (0, 9):
        text = summary("dot", "fixtures/", depth=depth)
        done = subprocess.run(["dot", "-Tsvg", "-o", str(tmp_path / "out.svg")], input=text, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and not done.stderr, done.stderr
        assert (tmp_path / "out.svg").stat().st_size > 0


@needs_dot
def test_dot_clusters_hold_their_layers() -> None:
    g = golden("resnet_blocks")["resnet_tiny"]
    doc = dot_json(summary("dot", "fixtures/resnet_blocks.py", depth=2))
    objects = doc["objects"]
    clusters = [o for o in objects if o["name"].startswith("cluster_")]
    by_first = {_label_lines(o)[0]: o for o in objects}
    model = next(o for o in clusters if _label_lines(o)[0] == "resnet_tiny (torch)")
    assert _label_lines(model)[1] == f"{_num(g['total_params'])} params"
    layer1 = next(o for o in clusters if _label_lines(o)[0] == "layer1" and set(o["nodes"]) <= set(model["nodes"]))
    assert _label_lines(layer1)[1] == f"{_num(_prefix_sum(g['layers'], 'layer1'))} params"
    inner = [_label_lines(objects[i]) for i in layer1["nodes"]]
    assert [x[0] for x in inner] == ["layer1.0", "layer1.1"]
    for x in inner:
        assert x[1] == f"{_num(_prefix_sum(g['layers'], x[0]))} params" and x[2].endswith("(collapsed)")
    conv1 = by_first["conv1: Conv2d"]
    assert _label_lines(conv1)[1] == f"{_num(g['layers'][0]['params'])} params"


@needs_dot
def test_dot_escapes_labels() -> None:
    from paramlint.report.dot_summary import _q

    doc = dot_json("digraph g { a [label=" + _q(['x"y\\z', "two"]) + "]; }")
    node = doc["objects"][0]
    # Graphviz keeps escapes in -Tjson labels: the quote is unescaped, the backslash and newline stay escaped.
    assert node["label"] == 'x"y\\\\z\\ntwo'
