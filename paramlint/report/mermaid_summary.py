"""Mermaid flowchart of every model's module tree (renders in GitHub/GitLab markdown).

Containers are subgraphs, layers are nodes with their parameters and output shape.
Containers deeper than ``depth`` collapse to one node. No arrows: the tree says what
contains what, not how data flows; invisible links (``~~~``) only keep siblings in order.
"""

from __future__ import annotations

from typing import List, Sequence

from paramlint.report.module_tree import NodeIds as _Ids, TreeNode, container_lines, leaf_lines, model_lines, tree
from paramlint.types import FileReport


def _label(lines: Sequence[str]) -> str:
    text = "<br/>".join(
        s.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;") for s in lines
    )
    return f'["{text}"]'


def _emit(node: TreeNode, depth: int, ids: _Ids, out: List[str], indent: str) -> str:
    nid = ids()
    if node.children and node.depth < depth:
        out.append(f"{indent}subgraph {nid}{_label(container_lines(node, False))}")
        out.append(f"{indent}  direction TB")
        prev = None
        if node.row is not None:  # a layer that also has sub-layers (own parameters)
            prev = ids()
            out.append(f"{indent}  {prev}{_label(leaf_lines(node))}")
        for c in node.children:
            cid = _emit(c, depth, ids, out, indent + "  ")
            if prev is not None:
                out.append(f"{indent}  {prev} ~~~ {cid}")
            prev = cid
        out.append(f"{indent}end")
    elif node.children:
        out.append(f"{indent}{nid}{_label(container_lines(node, True))}")
    else:
        out.append(f"{indent}{nid}{_label(leaf_lines(node))}")
    return nid


def render(files: Sequence[FileReport], depth: int = 3) -> str:
    out: List[str] = ["flowchart TB"]
    ids = _Ids()
    for f in files:
        if f.error is not None:
            out.append(f"  %% {f.path}: error: {f.error}".replace("\n", " "))
            continue
        for m in f.models:
            root = tree(m)
            mid = ids()
            lines = model_lines(m)
            if depth <= 0 or not root.children:
                out.append(f"  {mid}{_label(lines + ([f'{root.leaves} layers (collapsed)'] if root.children else []))}")
                continue
            out.append(f"  subgraph {mid}{_label(lines)}")
            out.append("    direction TB")
            prev = None
            for c in root.children:
                cid = _emit(c, depth, ids, out, "    ")
                if prev is not None:
                    out.append(f"    {prev} ~~~ {cid}")
                prev = cid
            out.append("  end")
    return "\n".join(out) + "\n"
