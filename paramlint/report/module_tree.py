"""The module tree of a model, rebuilt from its rows' dotted paths, for the diagram formats.

Rows are leaves (layer applications); containers are the dotted prefixes. A container's
count is the sum of its rows, i.e. the parameters first counted inside it (tied weights are
counted where they first appear, as in the totals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from paramlint.report.text_summary import num, shape  # noqa: F401  (re-exported for the diagram formats)
from paramlint.types import SLOTS, LayerRow, ModelReport, Shape


@dataclass(frozen=True, **SLOTS)
class TreeNode:
    #: Last path segment (``conv1``); the model name for the root.
    name: str
    #: Full dotted path ('' for the root).
    path: str
    depth: int
    #: The layer's first row when this path is a layer; None for a pure container.
    row: Optional[LayerRow]
    #: How many rows (applications) this layer has.
    calls: int
    children: Tuple["TreeNode", ...]
    #: Sum of the params of every row at or below this node; None if any is unknown.
    params: Optional[int]
    #: Leaf layers at or below this node.
    leaves: int

    @property
    def output_shape(self) -> Optional[Shape]:
        return self.row.output_shape if self.row is not None else None


class _Build:
    __slots__ = ("name", "path", "rows", "children")

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path
        self.rows: List[LayerRow] = []
        self.children: Dict[str, "_Build"] = {}


def tree(m: ModelReport) -> TreeNode:
    """The model's module tree; Keras layer names are not split (they are flat names)."""
    root = _Build(m.name, "")
    for r in m.layers:
        parts = [r.path] if m.framework == "keras" else [p for p in r.path.split(".") if p != ""] or [r.path]
        node = root
        for i, part in enumerate(parts):
            sub = node.children.get(part)
            if sub is None:
                sub = node.children[part] = _Build(part, ".".join(parts[: i + 1]))
            node = sub
        node.rows.append(r)
    return _freeze(root, 0)


def _freeze(b: _Build, depth: int) -> TreeNode:
    children = tuple(_freeze(c, depth + 1) for c in b.children.values())
    params: Optional[int] = 0
    for r in b.rows:
        params = None if params is None or r.params is None else params + r.params
    for c in children:
        params = None if params is None or c.params is None else params + c.params
    leaves = (1 if b.rows else 0) + sum(c.leaves for c in children)
    return TreeNode(b.name, b.path, depth, b.rows[0] if b.rows else None, len(b.rows), children, params, leaves)




def leaf_lines(n: TreeNode) -> List[str]:
    """Label lines of a layer node: name and type, params, output shape."""
    assert n.row is not None
    lines = [f"{n.name}: {n.row.type}", f"{num(n.row.params)} params" + (" (shared)" if n.row.shared else "")]
    if n.row.output_shape is not None:
        lines.append(f"out {shape(n.row.output_shape)}" + (f" (first of {n.calls} calls)" if n.calls > 1 else ""))
    elif n.calls > 1:
        lines.append(f"{n.calls} calls")
    return lines


def container_lines(n: TreeNode, collapsed: bool) -> List[str]:
    """Label lines of a container: name, total params, and (collapsed) how many layers it hides."""
    lines = [n.path or n.name, f"{num(n.params)} params"]
    if collapsed:
        lines.append(f"{n.leaves} layers (collapsed)")
    return lines


def model_lines(m: ModelReport) -> List[str]:
    head = f"{m.name} ({m.framework})"
    lines = [head, f"{num(m.total_params)} params"]
    if m.input_shape:
        lines.append("input " + " ".join(shape(s) for s in m.input_shape))
    return lines


class NodeIds:
    """Fresh node identifiers (``n1``, ``n2``, ...) for one diagram."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"n{self.n}"
