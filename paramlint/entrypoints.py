"""Which models a file defines, and how to build each: classes constructible with their
defaults, builder functions called with defaults, module-level model objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from paramlint.evaluate.values import Function
from paramlint.types import SLOTS, Shape

_DIRECTIVE = re.compile(r"#\s*paramlint:\s*(.*)$")


@dataclass(frozen=True, **SLOTS)
class Entry:
    """A candidate entry point found in a module's top level."""

    name: str
    #: "class" | "function" | "variable"
    kind: str
    node: cst.CSTNode
    #: Shapes from a ``# paramlint: input-shape=...`` comment, if any.
    input_shapes: Optional[Tuple[Shape, ...]]


def parse_shapes(text: str) -> Optional[Tuple[Shape, ...]]:
    """``1,3,32,32`` or ``1,3,32,32;1,10`` → shapes; None if malformed."""
    out = []
    for part in text.replace(" ", "").split(";"):
        if not part:
            continue
        dims: List[Optional[int]] = []
        for d in part.strip("()[]xX").replace("x", ",").split(","):
            if d in ("None", "?", "N"):
                dims.append(None)
            elif d.isdigit() and len(d) < 12:
                dims.append(int(d))
            else:
                return None
        out.append(tuple(dims))
    return tuple(out) or None


def directives(node: cst.CSTNode) -> Dict[str, str]:
    """``# paramlint: key=value ...`` comments above or on the first line of a statement."""
    comments: List[str] = []
    for line in getattr(node, "leading_lines", ()):
        if line.comment is not None:
            comments.append(line.comment.value)
    if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
        for dec in node.decorators:
            for line in dec.leading_lines:
                if line.comment is not None:
                    comments.append(line.comment.value)
        body = node.body
        if isinstance(body, cst.IndentedBlock) and body.header.comment is not None:
            comments.append(body.header.comment.value)
    elif isinstance(node, cst.SimpleStatementLine) and node.trailing_whitespace.comment is not None:
        comments.append(node.trailing_whitespace.comment.value)
    out: Dict[str, str] = {}
    for c in comments:
        m = _DIRECTIVE.search(c)
        if m:
            for item in m.group(1).split():
                k, _, v = item.partition("=")
                out[k.strip().lower()] = v.strip()
    return out


def candidates(module: cst.Module) -> Iterator[Entry]:
    for stmt in module.body:
        shapes = parse_shapes(directives(stmt).get("input-shape", ""))
        if isinstance(stmt, cst.ClassDef):
            yield Entry(stmt.name.value, "class", stmt, shapes)
        elif isinstance(stmt, cst.FunctionDef) and not stmt.name.value.startswith("_"):
            yield Entry(stmt.name.value, "function", stmt, shapes)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                targets: Sequence[cst.CSTNode] = ()
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    targets = [small.target]
                for t in targets:
                    if isinstance(t, cst.Name):
                        yield Entry(t.value, "variable", stmt, shapes)


def required_params(fn: Function) -> List[str]:
    """Parameters a call with no arguments would leave unbound (``self`` excluded). A
    ``functools.wraps`` wrapper (``*args, **kwargs``) stands for the function it wraps."""
    from paramlint.evaluate.introspection import unwrap

    inner = unwrap(fn)
    if isinstance(inner, Function) and inner is not fn and not isinstance(inner.node, cst.Lambda):
        fn = inner
    p = fn.node.params
    out = []
    positional = [*p.posonly_params, *p.params]
    for i, par in enumerate(positional):
        if fn.owner is not None and i == 0:
            continue
        if par.name.value not in fn.defaults:
            out.append(par.name.value)
    for par in p.kwonly_params:
        if par.name.value not in fn.defaults:
            out.append(par.name.value)
    return out


def main_block(module: cst.Module) -> Optional[cst.If]:
    """The ``if __name__ == "__main__":`` block, whose example calls give input shapes."""
    for stmt in module.body:
        if isinstance(stmt, cst.If) and isinstance(stmt.test, cst.Comparison):
            code = cst.Module([]).code_for_node(stmt.test).replace("'", '"').replace(" ", "")
            if code in ('__name__=="__main__"', '"__main__"==__name__'):
                return stmt
    return None
