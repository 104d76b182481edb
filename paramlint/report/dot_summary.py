"""Graphviz (dot) drawing of every model's module tree: containers are clusters, layers are
boxes with their parameters and output shape; containers deeper than ``depth`` collapse to
one box. Invisible edges only keep siblings in order (no data flow is implied).
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from paramlint.report.module_tree import NodeIds as _Ids, TreeNode, container_lines, leaf_lines, model_lines, tree
from paramlint.types import FileReport


def _q(lines: Sequence[str]) -> str:
    return '"' + "\\n".join(s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") for s in lines) + '"'


def _emit(node: TreeNode, depth: int, ids: _Ids, out: List[str], indent: str) -> Tuple[str, str]:
    """Emit ``node``; returns its first and last box ids (for the ordering edges)."""
    if node.children and node.depth < depth:
        cid = ids()
        out.append(f"{indent}subgraph cluster_{cid} {{")
        out.append(f"{indent}  label={_q(container_lines(node, False))};")
        first: Optional[str] = None
        prev: Optional[str] = None
        if node.row is not None:
            prev = first = ids()
            out.append(f"{indent}  {prev} [label={_q(leaf_lines(node))}];")
        for c in node.children:
            x, last = _emit(c, depth, ids, out, indent + "  ")
            if prev is not None:
                out.append(f"{indent}  {prev} -> {x} [style=invis];")
            prev = last
            first = first or x
        out.append(f"{indent}}}")
        return first or cid, prev or cid
    nid = ids()
    if node.children:
        out.append(f"{indent}{nid} [label={_q(container_lines(node, True))}, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];")
    else:
        out.append(f"{indent}{nid} [label={_q(leaf_lines(node))}];")
    return nid, nid


def render(files: Sequence[FileReport], depth: int = 3) -> str:
    out: List[str] = [
        "digraph paramlint {",
        "  rankdir=TB;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  graph [fontname="Helvetica", fontsize=11];',
    ]
    ids = _Ids()
    for f in files:
        if f.error is not None:
            out.append(f"  // {f.path}: error: {f.error}".replace("\n", " "))
            continue
        for m in f.models:
            root = tree(m)
            lines = model_lines(m)
            if depth <= 0 or not root.children:
                out.append(f"  {ids()} [label={_q(lines + ([f'{root.leaves} layers (collapsed)'] if root.children else []))}];")
                continue
            mid = ids()
            out.append(f"  subgraph cluster_{mid} {{")
            out.append(f"    label={_q(lines)};")
            prev = None
            for c in root.children:
                x, last = _emit(c, depth, ids, out, "    ")
                if prev is not None:
                    out.append(f"    {prev} -> {x} [style=invis];")
                prev = last
            out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"
