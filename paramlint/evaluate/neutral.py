"""Loops that cannot change a model's architecture, recognised so they need not be run.

Almost every torch model ends its constructor with a weight-initialization loop::

    for m in self.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)

It sets values, never shapes, yet running it costs a few isinstance tests per module of the
model: about a seventh of all the work on torchvision's models. Such a loop is skipped when it
is provably value-only: it iterates a module's own ``modules()``/``parameters()``/... (the
torch method, not an override), and its body holds only ``if`` tests, plain-name assignments,
``pass``/``continue``/``break`` and calls that are either ``torch.nn.init`` functions, a few
pure builtins (``isinstance``, ``hasattr``, ``float``...) or in-place tensor value methods
(``m.weight.data.normal_()``) on what the loop iterates. Anything else (a user method, an
attribute store, a ``return``, a comprehension) and the loop runs as usual. After a skipped
loop its target holds the last item, as in Python (Unknown if the body can ``break``), and the
names its body assigns are Unknown: code after it learns nothing false.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

#: The torch Module methods that walk the module's own tree (no side effects).
_WALKS = frozenset(("modules", "named_modules", "children", "named_children", "parameters", "named_parameters",
                    "buffers", "named_buffers"))
#: Tensor methods that change values in place, never a shape or a registration.
_VALUE_METHODS = frozenset(("normal_", "uniform_", "zero_", "fill_", "copy_", "mul_", "div_", "add_", "sub_",
                            "clamp_", "clamp_min_", "clamp_max_", "exponential_", "bernoulli_", "fill_diagonal_",
                            "log_normal_", "cauchy_", "geometric_", "random_"))
# Not ``requires_grad_``: freezing changes the trainable count, so such a loop must run.
#: Tensor methods that return a tensor and change nothing (``w.data.cpu().normal_().to(dev)``).
_TENSOR_METHODS = frozenset(("cpu", "cuda", "to", "clone", "detach", "float", "double", "half", "contiguous"))
#: Marks a local helper's name in a bound set (not an identifier: never a user's name).
_LOCAL = "def "
#: Builtins with no effect on their arguments.
_PURE_BUILTINS = frozenset(("isinstance", "issubclass", "hasattr", "getattr", "float", "int", "len", "min", "max",
                            "abs", "round", "type", "bool", "str"))
_PURE_EXTERNALS = frozenset(("math.sqrt", "math.log", "math.exp", "math.pow", "math.floor", "math.ceil",
                             "math.prod", "math.isqrt"))
_CONSTANTS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis)


class Plan:
    """What must hold when the loop is reached for it to be skipped."""

    __slots__ = ("receiver", "method", "assigned", "breaks", "callees")

    def __init__(self, receiver: cst.BaseExpression, method: str, assigned: Tuple[cst.Name, ...], breaks: bool,
                 callees: Tuple[cst.BaseExpression, ...]) -> None:
        #: ``self`` in ``self.modules()``: must be a torch module whose method is torch's.
        self.receiver = receiver
        self.method = method
        #: The names the body assigns (not the loop target).
        self.assigned = assigned
        #: The body can ``break``: the target's final value is not the last item.
        self.breaks = breaks
        #: Called expressions not rooted at a loop name: each must be a known pure function.
        self.callees = callees


_PLANS: Dict[int, Tuple[cst.For, Optional[Plan]]] = {}
_MAX_PLANS = 50_000


def plan(node: cst.For) -> Optional[Plan]:
    """The skip conditions of a value-only loop, None for any other loop (computed once per node)."""
    call = node.iter
    if type(call) is not cst.Call or type(call.func) is not cst.Attribute or call.func.attr.value not in _WALKS:
        return None  # most loops: decided without a table entry
    hit = _PLANS.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    p = _analyze(node, call)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[id(node)] = (node, p)
    return p


def skippable(it: Any, p: Plan, env: Any, node: cst.For) -> bool:
    """Whether the names in ``p`` are what they must be for the loop to be value-only."""
    from paramlint.evaluate.values import Builtin, Layer

    recv = it.eval(p.receiver, env)
    if type(recv) is not Layer or recv.framework != "torch":
        return False
    walk = it.get_attr(recv, p.method, node.iter)
    if type(walk) is not Builtin or walk.name != f"{recv.type_name}.{p.method}":
        return False  # a user override (or an attribute of that name)
    return _pure_callees(it, p.callees, env, node)


def value_only_function(it: Any, fn: Any, depth: int = 0) -> bool:
    """Whether calling ``fn`` (``model.apply(self._init_weights)``) can only set tensor values,
    by the same rules as a skippable loop's body: then the modules it would be applied to
    need not be known one by one."""
    from paramlint.evaluate.values import BoundMethod, Function

    if isinstance(fn, BoundMethod):
        fn = fn.func
    if not isinstance(fn, Function) or fn.kind != "function" or depth > 4:
        return False
    f = fn.node
    if type(f) is not cst.FunctionDef or f.asynchronous is not None or f.decorators:
        return False
    ps = f.params
    names = [p.name.value for p in (*ps.posonly_params, *ps.params, *ps.kwonly_params)]
    for star in (ps.star_arg, ps.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    assigned: List[cst.Name] = []
    if not _assigned(f.body, assigned):
        return False
    callees: List[cst.BaseExpression] = []
    if not _block(f.body, set(names) | {a.value for a in assigned}, callees, []):
        return False
    return _pure_callees(it, callees, fn.closure, f, depth)


def _pure_callees(it: Any, callees: Any, env: Any, node: Any, depth: int = 0) -> bool:
    """Each called expression is a pure builtin, ``torch.nn.init`` or ``math`` function, or a
    project function that is value-only itself."""
    from paramlint.evaluate.builtins import BUILTINS
    from paramlint.evaluate.values import BoundMethod, Builtin, External, Function

    for callee in callees:
        f = it.eval(callee, env)
        t = type(f)
        if t is External:
            q = f.qualname
            if not (q.startswith("torch.nn.init.") or q in _PURE_EXTERNALS):
                return False
        elif t is Builtin:
            if f.name not in _PURE_BUILTINS or BUILTINS.get(f.name) is not f:
                return False
        elif t is Function or t is BoundMethod:
            if not value_only_function(it, f, depth + 1):
                return False
        else:
            return False
    return True


def _analyze(node: cst.For, call: cst.Call) -> Optional[Plan]:
    """``call``: the loop's iterable, already known to be ``<expr>.<walk method>(...)``."""
    if node.orelse is not None or node.asynchronous is not None:
        return None
    assert type(call.func) is cst.Attribute
    if not _chain(call.func.value) or any(a.star or not _constant(a.value) for a in call.args):
        return None
    targets: List[cst.Name] = []
    if not _names(node.target, targets):
        return None
    assigned: List[cst.Name] = []
    if not _assigned(node.body, assigned):
        return None
    bound = {t.value for t in targets + assigned}
    callees: List[cst.BaseExpression] = []
    breaks: List[bool] = []
    if not _block(node.body, bound, callees, breaks):
        return None
    return Plan(call.func.value, call.func.attr.value, tuple(assigned), bool(breaks), tuple(callees))


def _names(t: cst.BaseExpression, out: List[cst.Name]) -> bool:
    if type(t) is cst.Name:
        out.append(t)
        return True
    if type(t) in (cst.Tuple, cst.List):
        return all(type(e) is cst.Element and _names(e.value, out) for e in t.elements)  # type: ignore[attr-defined]
    return False


def _assigned(block: cst.BaseSuite, out: List[cst.Name]) -> bool:
    """Collects the plain names assigned in ``block``; False on any other kind of target."""
    for stmt in _statements(block):
        if type(stmt) is cst.Assign:
            if not all(_names(t.target, out) for t in stmt.targets):
                return False
        elif type(stmt) in (cst.AugAssign, cst.AnnAssign):
            if type(stmt.target) is not cst.Name:  # type: ignore[attr-defined]
                return False
            out.append(stmt.target)  # type: ignore[attr-defined]
        elif type(stmt) is cst.If:
            if not _assigned(stmt.body, out):  # type: ignore[attr-defined]
                return False
            orelse = stmt.orelse  # type: ignore[attr-defined]
            while type(orelse) is cst.If:
                if not _assigned(orelse.body, out):
                    return False
                orelse = orelse.orelse
            if orelse is not None and not _assigned(orelse.body, out):
                return False
    return True


def _statements(block: cst.BaseSuite) -> List[cst.CSTNode]:
    out: List[cst.CSTNode] = []
    if type(block) is cst.SimpleStatementSuite:
        out.extend(block.body)  # type: ignore[attr-defined]
        return out
    for s in block.body:  # type: ignore[attr-defined]
        if type(s) is cst.SimpleStatementLine:
            out.extend(s.body)
        else:
            out.append(s)
    return out


def _block(block: cst.BaseSuite, bound: Set[str], callees: List[cst.BaseExpression], breaks: List[bool]) -> bool:
    for stmt in _statements(block):
        t = type(stmt)
        if t is cst.Break:
            breaks.append(True)
        elif t is cst.Pass or t is cst.Continue:
            continue
        if t is cst.FunctionDef:  # a local helper: value-only itself, then callable like a pure function
            if stmt.decorators or stmt.asynchronous is not None:  # type: ignore[attr-defined]
                return False
            ps = stmt.params  # type: ignore[attr-defined]
            if isinstance(ps.star_arg, (cst.Param, cst.ParamStar)) or ps.star_kwarg is not None or any(
                    p.default is not None for p in (*ps.params, *ps.kwonly_params)):
                return False
            inner_assigned: List[cst.Name] = []
            if not _assigned(stmt.body, inner_assigned):  # type: ignore[attr-defined]
                return False
            inner = bound | {p.name.value for p in (*ps.posonly_params, *ps.params, *ps.kwonly_params)} | {a.value for a in inner_assigned}
            if not _block(stmt.body, inner, callees, []):  # type: ignore[attr-defined]
                return False
            bound.add(_LOCAL + stmt.name.value)  # type: ignore[attr-defined]
            continue
        if t is cst.Expr:
            if isinstance(stmt.value, (cst.SimpleString, cst.ConcatenatedString)):  # type: ignore[attr-defined]
                continue  # a docstring
            if type(stmt.value) is not cst.Call or not _pure(stmt.value, bound, callees):  # type: ignore[attr-defined]
                return False
        elif t is cst.Assign or t is cst.AugAssign:
            if not _pure(stmt.value, bound, callees):  # type: ignore[attr-defined]
                return False
        elif t is cst.AnnAssign:
            if stmt.value is None or not _pure(stmt.value, bound, callees):  # type: ignore[attr-defined]
                return False
        elif t is cst.If:
            orelse: Any = stmt
            while type(orelse) is cst.If:
                if not _pure(orelse.test, bound, callees) or not _block(orelse.body, bound, callees, breaks):
                    return False
                orelse = orelse.orelse
            if orelse is not None and not _block(orelse.body, bound, callees, breaks):
                return False
        else:
            return False
    return True


def _pure(e: cst.BaseExpression, bound: Set[str], callees: List[cst.BaseExpression]) -> bool:
    """An expression whose evaluation reads but changes nothing (given the callee checks)."""
    t = type(e)
    if t is cst.Name or isinstance(e, _CONSTANTS):
        return True
    if t is cst.Attribute:
        return _pure(e.value, bound, callees)  # type: ignore[attr-defined]
    if t is cst.Subscript:
        if not _pure(e.value, bound, callees):  # type: ignore[attr-defined]
            return False
        for el in e.slice:  # type: ignore[attr-defined]
            s = el.slice
            if type(s) is cst.Index:
                if s.star is not None or not _pure(s.value, bound, callees):
                    return False
            elif type(s) is cst.Slice:
                if any(x is not None and not _pure(x, bound, callees) for x in (s.lower, s.upper, s.step)):
                    return False
            else:
                return False
        return True
    if t is cst.ConcatenatedString:
        return _pure(e.left, bound, callees) and _pure(e.right, bound, callees)  # type: ignore[attr-defined]
    if t is cst.UnaryOperation:
        return _pure(e.expression, bound, callees)  # type: ignore[attr-defined]
    if t is cst.BinaryOperation or t is cst.BooleanOperation:
        return _pure(e.left, bound, callees) and _pure(e.right, bound, callees)  # type: ignore[attr-defined]
    if t is cst.Comparison:
        return _pure(e.left, bound, callees) and all(  # type: ignore[attr-defined]
            _pure(c.comparator, bound, callees) for c in e.comparisons)  # type: ignore[attr-defined]
    if t is cst.IfExp:
        return all(_pure(x, bound, callees) for x in (e.test, e.body, e.orelse))  # type: ignore[attr-defined]
    if t is cst.Tuple or t is cst.List:
        return all(type(x) is cst.Element and _pure(x.value, bound, callees) for x in e.elements)  # type: ignore[attr-defined]
    if t is cst.Call:
        if any(a.star or not _pure(a.value, bound, callees) for a in e.args):  # type: ignore[attr-defined]
            return False
        func = e.func  # type: ignore[attr-defined]
        if type(func) is cst.Name and _LOCAL + func.value in bound:
            return True  # a local helper checked above
        if type(func) is cst.Attribute and not _chain(func):
            # ``data.cpu().normal_(...).to(data.device)``: a chain of tensor methods on what the
            # loop walks, each returning a tensor or changing its values
            return func.attr.value in _VALUE_METHODS | _TENSOR_METHODS and _rooted_call(func.value, bound, callees)
        if not _chain(func):
            return False
        root = func
        while type(root) is cst.Attribute:
            root = root.value
        if root.value in bound:  # a method of what the loop walks: only tensor value setters
            if type(func) is cst.Attribute and func.attr.value == "apply" and len(e.args) == 1:  # type: ignore[attr-defined]
                fn = e.args[0].value  # type: ignore[attr-defined]
                r = fn
                while type(r) is cst.Attribute:
                    r = r.value
                if _chain(fn) and r.value not in bound:  # m.apply(init_fn): init_fn must be value-only
                    callees.append(fn)
                    return True
            return type(func) is cst.Attribute and func.attr.value in _VALUE_METHODS
        callees.append(func)
        return True
    return False


def _rooted_call(e: cst.BaseExpression, bound: Set[str], callees: List[cst.BaseExpression]) -> bool:
    """``x.cpu()`` (or a chain of such calls) with ``x`` a name the loop or function binds."""
    if type(e) is cst.Name:
        return e.value in bound  # type: ignore[attr-defined]
    if type(e) is cst.Attribute:
        return _rooted_call(e.value, bound, callees)  # type: ignore[attr-defined]
    if type(e) is cst.Subscript:  # ``w.data[idx].zero_()``: a view of it
        return _pure(e, bound, callees) and _rooted_call(e.value, bound, callees)  # type: ignore[attr-defined]
    if type(e) is cst.Call and type(e.func) is cst.Attribute:  # type: ignore[attr-defined]
        if any(a.star or not _pure(a.value, bound, callees) for a in e.args):  # type: ignore[attr-defined]
            return False
        return e.func.attr.value in _VALUE_METHODS | _TENSOR_METHODS and _rooted_call(e.func.value, bound, callees)  # type: ignore[attr-defined]
    return False


def _chain(e: cst.BaseExpression) -> bool:
    """``a`` or ``a.b.c``: read without running anything but attribute look-ups."""
    while type(e) is cst.Attribute:
        e = e.value  # type: ignore[attr-defined]
    return type(e) is cst.Name


def _constant(e: cst.BaseExpression) -> bool:
    if isinstance(e, _CONSTANTS):
        return True
    return type(e) is cst.Name and e.value in ("True", "False", "None")  # type: ignore[attr-defined]
