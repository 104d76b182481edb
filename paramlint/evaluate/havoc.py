"""What a block of code could change, found syntactically (for branches we cannot decide)."""

from __future__ import annotations

from dataclasses import fields
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Set, Tuple

import libcst as cst

#: Fields that hold only whitespace, comments and punctuation: never a name, call or yield.
_LAYOUT = frozenset(("leading_lines", "lines_after_decorators", "lpar", "rpar", "comma", "semicolon", "header",
                     "footer", "trailing_whitespace", "newline", "colon", "equal", "dot", "operator"))
_FIELDS: Dict[type, Tuple[str, ...]] = {}
_IS_NODE: Dict[type, bool] = {}


def children(n: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The syntax children of ``n`` (``n.children`` without its layout nodes), read straight from
    the dataclass fields: LibCST's ``children`` runs a visitor per node, about ten times the cost,
    and was a tenth of all analysis time on torchvision."""
    t = type(n)
    names = _FIELDS.get(t)
    if names is None:
        names = _FIELDS[t] = tuple(f.name for f in fields(t) if f.name not in _LAYOUT and not f.name.startswith("whitespace"))
    for name in names:
        v = getattr(n, name)
        vt = type(v)
        if vt is list or vt is tuple:
            for x in v:
                xt = type(x)
                ok = _IS_NODE.get(xt)
                if ok is None:
                    ok = _IS_NODE[xt] = issubclass(xt, cst.CSTNode)
                if ok:
                    yield x
        else:
            ok = _IS_NODE.get(vt)
            if ok is None:
                ok = _IS_NODE[vt] = issubclass(vt, cst.CSTNode)
            if ok:
                yield v


#: Builtins that never change what they are given (``for i, m in enumerate(self.blocks)``,
#: ``len(self.layers)``, ``isinstance(m, nn.Linear)``): their arguments are not roots of a
#: change. Passed to :func:`effects` only when the name is not rebound in the code's scope.
NON_MUTATING = frozenset((
    "enumerate", "len", "range", "zip", "isinstance", "issubclass", "hasattr", "id", "type", "reversed",
    "list", "tuple", "iter", "str", "repr", "int", "float", "bool", "abs", "any", "all", "sum", "min", "max",
))


def effects(stmts: Iterable[cst.CSTNode], pure: FrozenSet[str] = frozenset()) -> Tuple[Set[str], Set[str], bool]:
    """(names assigned, root names of mutated objects, contains a return) in ``stmts``; calls
    of the names in ``pure`` change none of their arguments."""
    names: Set[str] = set()
    roots: Set[str] = set()
    returns = [False]
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            names.add(n.name.value)
            continue  # bodies run later, when called
        if isinstance(n, cst.Lambda):
            continue
        if isinstance(n, (cst.Return, cst.Yield)):
            returns[0] = True  # a yield under an unknown condition makes a generator's items unknown
        elif isinstance(n, cst.Assign):
            for t in n.targets:
                _target(t.target, names, roots)
        elif isinstance(n, (cst.AnnAssign, cst.AugAssign)):
            _target(n.target, names, roots)
        elif isinstance(n, (cst.For, cst.CompFor)):
            _target(n.target, names, roots)
        elif isinstance(n, cst.NamedExpr):
            _target(n.target, names, roots)
        elif isinstance(n, cst.AsName):
            _target(n.name, names, roots)
        elif isinstance(n, (cst.Import, cst.ImportFrom)) and not isinstance(n.names, cst.ImportStar):
            for a in n.names:
                if a.asname is not None:
                    _target(a.asname.name, names, roots)
                else:
                    nm: cst.BaseExpression = a.name
                    while isinstance(nm, cst.Attribute):
                        nm = nm.value
                    if isinstance(nm, cst.Name):
                        names.add(nm.value)
        elif isinstance(n, cst.Del):
            _target(n.target, names, roots)
        elif isinstance(n, cst.Call) and not (isinstance(n.func, cst.Name) and n.func.value in pure):
            # A method call may mutate its receiver (layers.append), and a call may mutate
            # the objects passed to it.
            if isinstance(n.func, cst.Attribute):
                r = _root(n.func.value)
                if r:
                    roots.add(r)
            for arg in n.args:
                r = _root(arg.value)
                if r:
                    roots.add(r)
        stack.extend(children(n))
    return names, roots, returns[0]


def _root(n: cst.CSTNode) -> str:
    while isinstance(n, (cst.Attribute, cst.Subscript)):
        n = n.value
    return n.value if isinstance(n, cst.Name) else ""


def _target(t: cst.CSTNode, names: Set[str], roots: Set[str]) -> None:
    if isinstance(t, cst.Name):
        names.add(t.value)
    elif isinstance(t, (cst.Tuple, cst.List)):
        for e in t.elements:
            _target(e.value, names, roots)
    elif isinstance(t, cst.StarredElement):
        _target(t.value, names, roots)
    elif isinstance(t, (cst.Attribute, cst.Subscript)):
        r = _root(t)
        if r:
            roots.add(r)


#: Tensor methods that cost no MACs and call no module (``out.add_(y)``, ``x.view(...)``).
_FREE_METHODS = frozenset((
    "add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "view", "reshape", "permute", "transpose",
    "contiguous", "clone", "detach", "float", "half", "to", "size", "dim", "numel", "item", "tolist", "any",
    "all", "sum", "mean", "max", "min", "clamp", "clamp_", "fill_", "zero_", "copy_", "masked_fill",
    "masked_fill_", "squeeze", "unsqueeze", "flatten", "expand", "repeat", "append", "extend", "get", "items",
    "keys", "values", "format", "join", "warn", "debug", "info", "warning", "pop", "update",
))


def may_cost(stmts: Iterable[cst.CSTNode], is_builtin: Callable[[str], bool]) -> bool:
    """Whether code that may or may not run holds a call that could apply a module or a
    matrix product (``self.experts[i](x)``, ``F.linear``): a forward pass's totals would miss
    it. Calls of builtins (``is_builtin(name)``) and of tensor methods that cost nothing are not
    such calls."""
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Call):
            f = n.func
            if not (isinstance(f, cst.Name) and is_builtin(f.value)
                    or isinstance(f, cst.Attribute) and f.attr.value in _FREE_METHODS):
                return True
        stack.extend(children(n))
    return False


def called_names(stmts: Iterable[cst.CSTNode]) -> Set[str]:
    """Plain names called in ``stmts`` (``extra()``): project functions whose own effects count."""
    out: Set[str] = set()
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name):
            out.add(n.func.value)
        stack.extend(children(n))
    return out


def declared(body: cst.CSTNode) -> Tuple[Set[str], Set[str]]:
    """The names a function body declares ``global`` and ``nonlocal``."""
    g: Set[str] = set()
    nl: Set[str] = set()
    stack: List[cst.CSTNode] = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and n is not body:
            continue
        if isinstance(n, cst.Global):
            g.update(x.name.value for x in n.names)
        elif isinstance(n, cst.Nonlocal):
            nl.update(x.name.value for x in n.names)
        stack.extend(children(n))
    return g, nl


def calls_in(node: cst.CSTNode) -> List[cst.Call]:
    """The calls in an expression (not inside a lambda: it is not run there)."""
    out: List[cst.Call] = []
    stack: List[cst.CSTNode] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Lambda):
            continue
        if isinstance(n, cst.Call):
            out.append(n)
        stack.extend(children(n))
    return out


def contains_yield(body: cst.CSTNode) -> bool:
    stack: List[cst.CSTNode] = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Yield):
            return True
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(children(n))
    return False


def escapes(stmts: Iterable[cst.CSTNode]) -> bool:
    """Whether ``stmts`` hold a ``break`` or ``continue`` of the enclosing loop (one not inside a
    nested loop, function or class)."""
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.Break or t is cst.Continue:
            return True
        if t in (cst.For, cst.While):
            # its own break/continue stay inside it; its else clause belongs to the outer loop
            orelse = n.orelse  # type: ignore[attr-defined]
            if orelse is not None:
                stack.append(orelse)
            continue
        if t in (cst.FunctionDef, cst.ClassDef, cst.Lambda):
            continue
        stack.extend(children(n))
    return False


_CLASS_READS: Dict[int, Tuple[cst.CSTNode, Tuple[str, ...]]] = {}


def class_level_reads(node: cst.ClassDef) -> Tuple[str, ...]:
    """The names a class body reads when it runs: at its own level, in its methods' default
    values and decorators, in nested class bodies; not inside function or lambda bodies (those
    run when called). Cached per node."""
    hit = _CLASS_READS.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    out: Set[str] = set()
    stack: List[cst.CSTNode] = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else [node.body]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.FunctionDef):
            stack.extend(d.decorator for d in n.decorators)
            stack.extend(p.default for p in (*n.params.params, *n.params.kwonly_params, *n.params.posonly_params)
                         if p.default is not None)
            continue
        if isinstance(n, cst.Lambda):
            stack.extend(p.default for p in (*n.params.params, *n.params.kwonly_params, *n.params.posonly_params)
                         if p.default is not None)
            continue
        if isinstance(n, cst.Name):
            out.add(n.value)
        elif isinstance(n, cst.Attribute):
            stack.append(n.value)  # (``a.b``: the name ``a``; ``b`` is not a name read)
            continue
        stack.extend(children(n))
    names = tuple(sorted(out))
    if len(_CLASS_READS) > 20_000:
        _CLASS_READS.clear()
    _CLASS_READS[id(node)] = (node, names)
    return names


def may_raise(stmts: Iterable[cst.CSTNode]) -> bool:
    """Whether ``stmts`` hold a ``raise`` or an ``assert`` of their own (not one inside a
    function, lambda or class defined there)."""
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.Raise, cst.Assert)):
            return True
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(children(n))
    return False
