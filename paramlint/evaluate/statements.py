"""Statement handlers: assignment, control flow, definitions and imports."""

from __future__ import annotations

import sys
from typing import Any, Callable, Dict, List, Optional, cast

import libcst as cst

from paramlint.evaluate import exceptions, iterators, lazy_modules, library, neutral
from paramlint.evaluate.keras_objects import ALIASES
from paramlint.evaluate.builtins import CONSTANTS
from paramlint.evaluate.expressions import binary
from paramlint.evaluate.havoc import class_level_reads, escapes
from paramlint.evaluate.interpreter import Env, Raised, _Break, _Continue, _MaybeLeft, _Return, _body, _peek, non_mutating
from paramlint.evaluate.isolation import touch
from paramlint.evaluate.limits import loop_limit
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.project import LazyImport, resolve_relative
from paramlint.evaluate.values import Builtin, Class, External, ExceptionValue, Function, Instance, Layer, Unknown

Handler = Callable[[Any, Any, Env], None]
_UNSET = object()
HANDLERS: Dict[type, Handler] = {}


def handles(*types: type) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        for t in types:
            HANDLERS[t] = fn
        return fn
    return deco


@handles(cst.SimpleStatementLine, cst.SimpleStatementSuite)
def _line(it: Any, node: Any, env: Env) -> None:
    for s in node.body:
        it.exec_stmt(s, env)


@handles(cst.Expr)
def _expr(it: Any, node: cst.Expr, env: Env) -> None:
    if type(node.value) in (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis):
        return  # a docstring or ``...``: no effect
    it.eval(node.value, env)


@handles(cst.Pass)
def _pass(it: Any, node: Any, env: Env) -> None:
    return None


@handles(cst.Assign)
def _assign(it: Any, node: cst.Assign, env: Env) -> None:
    v = it.eval(node.value, env)
    for t in node.targets:
        assign_target(it, t.target, v, env)


@handles(cst.AnnAssign)
def _annassign(it: Any, node: cst.AnnAssign, env: Env) -> None:
    if node.value is not None:
        assign_target(it, node.target, it.eval(node.value, env), env)


@handles(cst.AugAssign)
def _augassign(it: Any, node: cst.AugAssign, env: Env) -> None:
    op = type(node.operator).__name__.replace("Assign", "")
    cur = it.eval(node.target, env)
    rhs = it.eval(node.value, env)
    if type(cur) is Unknown and cur.aliases:  # ``y += [4]`` where ``y`` may be a list: in place
        it.fw.may_mutate(it, [cur], cur)
    if isinstance(cur, (list, dict, set)):  # list +=, dict |=, set |= change the object: aliases see it
        r = lazy.methods.inplace(it, op, cur, rhs, node)
        if r is not NotImplemented:
            if r is not cur:
                assign_target(it, node.target, r, env)
            return
    if it.fw.is_container_layer(cur) and op == "Add":
        from paramlint.evaluate.modules import iadd

        assign_target(it, node.target, iadd(it, cur, rhs, node), env)
        return
    if isinstance(cur, lazy.arrays.Array):  # torch and numpy update the array in place: aliases see it
        assign_target(it, node.target, lazy.arrays.mutated(it, "augmented assignment", node), env)
        return
    if isinstance(cur, Instance):  # ``x += y``: ``x.__iadd__(y)`` first (it may change x in place)
        from paramlint.evaluate.expressions import _DUNDER_OPS, _not_implemented
        from paramlint.evaluate.protocols import _NO_DUNDER, dunder

        name = _DUNDER_OPS.get(op)
        r = dunder(it, cur, f"__i{name}__", [rhs], node) if name is not None else _NO_DUNDER
        if r is not _NO_DUNDER and not _not_implemented(r):
            assign_target(it, node.target, r, env)
            return
    assign_target(it, node.target, binary(it, op, cur, rhs, node), env)


def assign_target(it: Any, target: cst.CSTNode, value: Any, env: Env) -> None:
    if type(target) is cst.Name:
        it.assign_name(target.value, value, env)
    elif isinstance(target, (cst.Tuple, cst.List)):
        elements = target.elements
        starred = [i for i, e in enumerate(elements) if type(e) is cst.StarredElement]
        seq = it.fw.iterate(it, value, target)
        if isinstance(seq, Unknown):
            for e in elements:
                assign_target(it, e.value, seq, env)
            return
        if starred:
            i = starred[0]
            after = len(elements) - i - 1
            if len(seq) < len(elements) - 1:
                u = it.unknown("not enough values to unpack", target)
                for e in elements:
                    assign_target(it, e.value, u, env)
                return
            parts = list(seq[:i]) + [list(seq[i:len(seq) - after])] + list(seq[len(seq) - after:])
        else:
            if len(seq) != len(elements):
                u = it.unknown(f"cannot unpack {len(seq)} values into {len(elements)} names", target)
                for e in elements:
                    assign_target(it, e.value, u, env)
                return
            parts = list(seq)
        for e, v in zip(elements, parts):
            assign_target(it, e.value, v, env)
    elif type(target) is cst.Attribute:
        obj = it.eval(target.value, env)
        if type(obj) is Unknown:
            _through_unknown(it, target, obj, env)
            return
        from paramlint.evaluate.expressions import mangled

        it.set_attr(obj, mangled(target.attr.value, env), value, target)
    elif type(target) is cst.Subscript:
        obj = it.eval(target.value, env)
        if type(obj) is Unknown:
            _through_unknown(it, target, obj, env)
            return
        from paramlint.evaluate.expressions import _slice_value

        if len(target.slice) == 1:
            index = _slice_value(it, target.slice[0].slice, env)
        else:
            index = tuple(_slice_value(it, s.slice, env) for s in target.slice)
        it.fw.set_item(it, obj, index, value, target)
    elif type(target) is cst.StarredElement:
        assign_target(it, target.value, value, env)
    else:
        it.havoc([target], env, it.unknown("assignment target not modelled", target))


def _through_unknown(it: Any, target: cst.CSTNode, obj: Unknown, env: Env) -> None:
    """``a.b.c = v`` / ``a[k][j] = v`` / ``del a.b.c`` where ``a.b`` is Unknown (``m._modules``,
    a submodule not modelled): the object changed is somewhere inside ``a``, which becomes
    unknown (a module's count too), never silently unchanged."""
    if obj.aliases:  # ``y.a = 1`` where ``y`` may be ``x``
        it.fw.may_mutate(it, [obj], obj)
    it.havoc([cst.Del(cast(Any, target))], env, obj)  # (a del of the target: the same root is mutated)


@handles(cst.Del)
def _del(it: Any, node: cst.Del, env: Env) -> None:
    targets = node.target.elements if type(node.target) is cst.Tuple else [node.target]
    for el in targets:
        t: Any = el.value if type(el) is cst.Element else el  # del a, b
        if type(t) is cst.Name:
            env.vars.pop(t.value, None)
        elif type(t) is cst.Attribute:
            obj = it.eval(t.value, env)
            if type(obj) is Unknown:
                _through_unknown(it, t, obj, env)
                continue
            from paramlint.evaluate.expressions import mangled

            it.fw.del_attr(it, obj, mangled(t.attr.value, env), t)
        elif type(t) is cst.Subscript:
            _del_item(it, t, node, env)


def _del_item(it: Any, t: cst.Subscript, node: cst.Del, env: Env) -> None:
    """``del d[k]`` / ``del xs[i]`` on a plain dict or list with a known key; anything else (a
    module container, a slice, an unknown key) makes what it could change unknown."""
    obj = it.eval(t.value, env)
    touch(it, obj)
    if len(t.slice) == 1 and type(t.slice[0].slice) is cst.Index and t.slice[0].slice.star is None:  # type: ignore[union-attr]
        key = it.eval(t.slice[0].slice.value, env)  # type: ignore[union-attr]
        if type(obj) is dict and not isinstance(key, Unknown) and it.poison_of(obj) is None:
            try:
                found = key in obj
            except TypeError:
                found = False
            if found:
                del obj[key]
                return
            raise Raised(it.unknown(f"del of a missing key {key!r}", t), "KeyError")
        if type(obj) is list and type(key) is int and it.poison_of(obj) is None:
            if -len(obj) <= key < len(obj):
                del obj[key]
                return
            raise Raised(it.unknown("del of a list index out of range", t), "IndexError")
        if isinstance(obj, Layer) and lazy.modules.delitem(it, obj, key, t):
            return
    it.havoc([node], env, it.unknown("del of a subscript", t))


@handles(cst.Return)
def _return(it: Any, node: cst.Return, env: Env) -> None:
    raise _Return(None if node.value is None else it.eval(node.value, env))


@handles(cst.Break)
def _break(it: Any, node: Any, env: Env) -> None:
    raise _Break()


@handles(cst.Continue)
def _continue(it: Any, node: Any, env: Env) -> None:
    raise _Continue()


@handles(cst.Raise)
def _raise(it: Any, node: cst.Raise, env: Env) -> None:
    if node.exc is None and it.handling:  # a bare ``raise`` in a handler: the same exception again
        raise it.handling[-1]
    exc = it.eval(node.exc, env) if node.exc is not None else None
    if isinstance(exc, Builtin) and exceptions.is_builtin_exception(exc.name):
        exc = ExceptionValue(exc.name, "")  # ``raise ValueError``: the class, instantiated by Python
    elif isinstance(exc, Class) and "exception" in exc.flags and not _own_init(it, exc):
        exc = ExceptionValue(exc.name, "", exc)
    if not isinstance(exc, ExceptionValue):
        raise Raised(it.unknown("raises an exception", node), None)
    msg = f": {exc.message}" if exc.message else ""
    raise Raised(it.unknown(f"raises {exc.name}{msg}", node), exc.name if exc.cls is None else None, exc)


def _own_init(it: Any, cls: Class) -> bool:
    """Whether a project class in the MRO defines ``__init__`` (``raise MyError`` calls it with
    no arguments, which may itself raise a TypeError)."""
    return any(isinstance(c, Class) and "__init__" in it.fw.materialize(it, c) for c in cls.mro())


@handles(cst.Assert)
def _assert(it: Any, node: cst.Assert, env: Env) -> None:
    t = it.truth(it.eval(node.test, env), node.test)
    if t is False:
        raise Raised(it.unknown("assertion fails", node), "AssertionError")
    if isinstance(t, Unknown) and it.try_depth:
        it.unknowns_made += 1  # it may fail: an enclosing try, frames up, may catch the AssertionError


@handles(cst.Global)
def _global(it: Any, node: cst.Global, env: Env) -> None:
    if env.declared_global is None:
        env.declared_global = set()
    env.declared_global.update(n.name.value for n in node.names)


@handles(cst.Nonlocal)
def _nonlocal(it: Any, node: cst.Nonlocal, env: Env) -> None:
    if env.declared_nonlocal is None:
        env.declared_nonlocal = set()
    env.declared_nonlocal.update(n.name.value for n in node.names)


@handles(cst.If)
def _if(it: Any, node: cst.If, env: Env) -> None:
    t = it.truth(it.eval(node.test, env), node.test)
    if isinstance(t, Unknown):
        branches: List[cst.CSTNode] = [node.body]
        if node.orelse is not None:
            branches.append(node.orelse)
        if escapes(branches):
            raise _MaybeLeft(t)  # the enclosing loop cannot be followed past this point
        it.havoc(branches, env, t)
        return
    if t:
        it.exec_block(_body(node.body), env)
    elif env.vars is env.module.ns and lazy_modules.is_idiom(node):
        it.lazy_star += 1  # its star imports bind lazily, as the replacing module would
        try:
            it.exec_block(_body(node.body), env)
        finally:
            it.lazy_star -= 1
    elif type(node.orelse) is cst.If:
        _if(it, node.orelse, env)
    elif type(node.orelse) is cst.Else:
        it.exec_block(_body(node.orelse.body), env)


@handles(cst.For)
def _for(it: Any, node: cst.For, env: Env) -> None:
    skip = neutral.plan(node)
    if skip is not None and neutral.skippable(it, skip, env, node):
        u = it.unknown("not evaluated: set in a weight-initialization loop (it changes values, not shapes)", node)
        seq = u if skip.breaks else it.fw.iterate(it, it.eval(node.iter, env), node.iter)
        if isinstance(seq, Unknown):
            assign_target(it, node.target, u, env)
        elif seq:
            assign_target(it, node.target, seq[-1], env)  # where the loop leaves it
        for name in skip.assigned:
            it.assign_name(name.value, u, env)
        return
    seq = iterators.stream(it, it.eval(node.iter, env), node.iter)
    if isinstance(seq, Unknown):
        it.havoc([node], env, seq)
        _items_changed(it, node, env, seq)
        return
    if isinstance(seq, list) and len(seq) > it.limits.max_loop:
        raise loop_limit(it.limits)
    n = 0
    try:
        for item in seq:  # an iterator is pulled item by item, a list walked live
            n += 1
            if n > it.limits.max_loop:  # the body may grow the list it iterates
                raise loop_limit(it.limits)
            assign_target(it, node.target, item, env)
            if not _iteration(it, node, env):
                return
    except iterators.IterationUnknown as e:
        it.havoc([node], env, e.unknown)
        return
    if node.orelse is not None:
        it.exec_block(_body(node.orelse.body), env)


def _items_changed(it: Any, node: cst.For, env: Env, why: Unknown) -> None:
    """``for m in self.modules(): m.bias = None`` over items that cannot be listed: the body
    changes the items, so what they come from (``self``) becomes unknown as well."""
    from paramlint.evaluate.havoc import effects

    loop_names, _, _ = effects([cst.Assign([cst.AssignTarget(node.target)], cst.Name("None"))])
    _, roots, _ = effects(_body(node.body), non_mutating(env))
    if not roots & loop_names:
        return
    root: Any = node.iter
    while isinstance(root, (cst.Attribute, cst.Subscript, cst.Call)):
        root = root.func if isinstance(root, cst.Call) else root.value
    if isinstance(root, cst.Name):
        it.havoc_root(root.value, env, why.because(f"depends on {why.reason}" if not why.reason.startswith("depends on ") else why.reason), why)


def _iteration(it: Any, node: Any, env: Env) -> bool:
    """One pass through a loop's body; False when the loop ends there (``break``, or a
    ``break``/``return`` under an unknown condition: what it may change becomes unknown)."""
    try:
        it.exec_block(_body(node.body), env)
    except _Continue:
        pass
    except _Break:
        return False
    except _MaybeLeft as e:
        it.havoc([node], env, e.why)
        return False
    return True


@handles(cst.While)
def _while(it: Any, node: cst.While, env: Env) -> None:
    n = 0
    while True:
        t = it.truth(it.eval(node.test, env), node.test)
        if isinstance(t, Unknown):
            it.havoc([node], env, t)
            return
        if not t:
            break
        n += 1
        if n > it.limits.max_loop:
            raise loop_limit(it.limits)
        if not _iteration(it, node, env):
            return
    if node.orelse is not None:
        it.exec_block(_body(node.orelse.body), env)


@handles(cst.Try)
def _try(it: Any, node: cst.Try, env: Env) -> None:
    # A handler runs only when the raised exception's type is known to match it; otherwise
    # the exception goes on (and the surrounding call becomes Unknown), never a guess.
    saved_frame = it.try_call_depth
    run_else = False
    try:
        it.try_depth += 1
        it.try_call_depth = it.call_depth
        made = it.unknowns_made
        try:
            it.exec_block(_body(node.body), env)
        except (_Return, _Break, _Continue, _MaybeLeft):
            if node.handlers and it.unknowns_made != made:
                # left the body (``return int(s)``) past a value that may have raised instead
                why = _may_have_raised(it, node, env)
                if isinstance(sys.exc_info()[1], (_Break, _Continue, _MaybeLeft)):
                    raise _MaybeLeft(why) from None
            raise
        finally:
            it.try_depth -= 1
            it.try_call_depth = saved_frame
        if node.handlers and it.unknowns_made != made:
            # Something in the body was Unknown: Python may have raised there (1 / 0,
            # int("x"), an unmodelled call), skipping the rest and running a handler.
            _may_have_raised(it, node, env)
        elif node.orelse is not None:
            run_else = True  # (after the handlers' scope: they do not catch what ``else`` raises)
    except Raised as r:
        for handler in node.handlers:
            m = _handler_matches(it, handler, r, env)
            if m is None:
                raise  # cannot tell whether this handler (or a later one) applies
            if m:
                if handler.name is not None:
                    caught = r.value if r.value is not None else ExceptionValue(r.exc, r.unknown.reason) if r.exc is not None \
                        else it.unknown("the caught exception", handler)
                    assign_target(it, handler.name.name, caught, env)
                it.handling.append(r)
                try:
                    it.exec_block(_body(handler.body), env)
                finally:
                    it.handling.pop()
                    bound = handler.name.name if handler.name is not None else None
                    if type(bound) is cst.Name:
                        env.vars.pop(bound.value, None)  # Python deletes ``e`` after the handler
                break
        else:
            raise
    else:
        if run_else:
            it.exec_block(_body(node.orelse.body), env)  # type: ignore[union-attr]
    finally:
        if node.finalbody is not None:
            it.exec_block(_body(node.finalbody.body), env)


def _may_have_raised(it: Any, node: cst.Try, env: Env) -> Unknown:
    """What the body, its handlers and its ``else`` assign or change becomes unknown (and a
    ``return`` in them makes the function's result unknown)."""
    stmts = [*_body(node.body), *(s for h in node.handlers for s in _body(h.body))]
    if node.orelse is not None:
        stmts += _body(node.orelse.body)
    why = it.unknown("whether the try body raised: a value in it is unknown", node)
    it.havoc(stmts, env, why)
    return why


def _handler_matches(it: Any, handler: Any, r: Raised, env: Env) -> Any:
    """True/False, or None when it cannot be known."""
    from paramlint.evaluate.interpreter import NOT_AN_EXCEPTION

    if r.exc == NOT_AN_EXCEPTION:
        return None
    if handler.type is None:
        return True  # bare except
    t = it.eval(handler.type, env)
    cls = r.value.cls if r.value is not None else None
    unknown = False
    for x in t if isinstance(t, tuple) else (t,):
        if r.exc is None and cls is None and isinstance(x, Builtin) and x.name in ("Exception", "BaseException"):
            return True  # whatever it was, model code raises exceptions, not SystemExit
        m = exceptions.catches(it, x, r.exc, cls)
        if m:
            return True
        if m is None:
            unknown = True
    return None if unknown else False


@handles(cst.With)
def _with(it: Any, node: cst.With, env: Env) -> None:
    from paramlint.evaluate.protocols import _NO_DUNDER, dunder

    exits = []
    suppressed: List[Any] = []
    for item in node.items:
        if type(item.item) is cst.Call:
            f = it.eval(item.item.func, env)
            if isinstance(f, External) and f.qualname == "contextlib.suppress":  # ``with suppress(KeyError):``
                suppressed.extend(it.eval(a.value, env) for a in item.item.args)
                if item.asname is not None:
                    assign_target(it, item.asname.name, None, env)
                continue
        cm = it.eval(item.item, env)
        entered: Any = _NO_DUNDER
        if isinstance(cm, Instance):  # a project class: its __enter__ runs, __exit__ after the body
            entered = dunder(it, cm, "__enter__", [], node)
            if entered is not _NO_DUNDER:
                exits.append(cm)
        elif hasattr(cm, "with_exit"):  # an evaluator object that is its own context (a hook handle)
            entered = cm
            exits.append(cm)
        if item.asname is not None:
            value = entered if entered is not _NO_DUNDER else it.unknown("value of a with-statement target", item)
            assign_target(it, item.asname.name, value, env)
    try:
        it.exec_block(_body(node.body), env)
    except Raised as r:
        if exits:
            # each __exit__ sees the exception: a true result swallows it, a false one lets it on
            swallowed = False
            for cm in reversed(exits):
                if not isinstance(cm, Instance):
                    cm.with_exit(it)  # (never swallows)
                    continue
                got = dunder(it, cm, "__exit__", [it.unknown("the exception's type", node), r.value or r.unknown,
                                                  it.unknown("the traceback", node)], node)
                t = it.truth(got, node)
                if isinstance(t, Unknown):
                    raise Raised(it.unknown(f"whether {cm.cls.name}.__exit__ swallows the exception", node), None) from None
                if t:
                    swallowed = True
                    break
            if swallowed:
                return
            raise
        if suppressed:
            from paramlint.evaluate.interpreter import NOT_AN_EXCEPTION

            cls = r.value.cls if r.value is not None else None
            hits = [None if r.exc == NOT_AN_EXCEPTION else exceptions.catches(it, t, r.exc, cls) for t in suppressed]
            if any(hits):
                return  # contextlib.suppress swallows it; the statements after the with run
            if None in hits:
                raise Raised(it.unknown("whether contextlib.suppress swallows the exception", node), None) from None
        raise
    except (_Return, _Break, _Continue, _MaybeLeft):  # left by return/break/continue: __exit__ runs
        _exit_all(it, exits, node)
        raise
    _exit_all(it, exits, node)


def _exit_all(it: Any, exits: List[Any], node: Any) -> None:
    from paramlint.evaluate.protocols import dunder

    for cm in reversed(exits):
        if isinstance(cm, Instance):
            dunder(it, cm, "__exit__", [None, None, None], node)
        else:
            cm.with_exit(it)


@handles(cst.FunctionDef)
def _def(it: Any, node: cst.FunctionDef, env: Env) -> None:
    defaults = it.fw.eval_defaults(it, node.params, env)
    closure = env.parent if env.is_class else env
    fn = Function(node.name.value, node, closure, env.module, defaults)
    value: Any = fn
    for dec in reversed(node.decorators):
        value = it.fw.apply_decorator(it, it.eval(dec.decorator, env), value, dec)
    it.assign_name(node.name.value, value, env)


@handles(cst.ClassDef)
def _class(it: Any, node: cst.ClassDef, env: Env) -> None:
    bases = []
    for a in node.bases:
        if a.star:
            bases.append(it.unknown("starred base classes", a))
        else:
            bases.append(it.eval(a.value, env))
    cls = Class(node.name.value, node, env.module, env, tuple(bases))
    cls.seen = {n: _peek(n, env) for n in class_level_reads(node)}
    it.fw.init_class(it, cls)
    for kw in node.keywords:
        if kw.keyword is not None and kw.keyword.value == "metaclass":
            meta = it.eval(kw.value, env)
            if not (isinstance(meta, External) and meta.qualname in ("abc.ABCMeta", "builtins.type", "enum.EnumMeta", "enum.EnumType")):
                # a project metaclass's __new__/__init__/__call__ would run: not modelled
                cls.uncertain = it.unknown(f"class {cls.name} has a metaclass that is not modelled", kw)
    if any(isinstance(b, Class) for b in bases) and it.fw.has_init_subclass(it, cls):
        it.fw.materialize(it, cls)  # the hook runs at the class statement, as in Python
    value: Any = cls
    for dec in reversed(node.decorators):
        value = it.fw.apply_decorator(it, it.eval(dec.decorator, env), value, dec)
    it.assign_name(node.name.value, value, env)


def class_body(it: Any, cls: Class) -> Dict[str, Any]:
    """Evaluate a class body on first use (like Python, but lazily)."""
    ns: Dict[str, Any] = {"__name__": cls.name, "__qualname__": cls.name, "__module__": cls.module.name}
    cls._ns = ns
    env = Env(ns, cls.env, cls.module, is_class=True)
    saved = it.module
    it.module = cls.module
    try:
        it.exec_block(_body(cls.node.body), env)
    except Raised as r:
        cls.uncertain = r.unknown
    except (_Return, _Break, _Continue):
        pass
    finally:
        it.module = saved
    for v in ns.values():
        if isinstance(v, Function):
            v.owner = cls
    return ns


#: The frameworks (and their usual companions): installed where a model written for them runs,
#: once the code imported them outside a ``try`` (see :func:`_optional_import`).
_ASSUMED = frozenset(("torch", "torchvision", "torchaudio", "keras", "tensorflow", "tf_keras", "flax", "jax", "jaxlib",
                      "numpy", "typing_extensions"))


_STDLIB: frozenset = getattr(sys, "stdlib_module_names", None) or frozenset((  # (Python 3.9: the usual ones)
    "abc", "argparse", "bisect", "builtins", "collections", "contextlib", "copy", "dataclasses", "decimal", "enum",
    "fnmatch", "fractions", "functools", "glob", "hashlib", "heapq", "importlib", "inspect", "io", "itertools", "json",
    "logging", "math", "numbers", "operator", "os", "pathlib", "pickle", "pkgutil", "platform", "random", "re", "shutil",
    "statistics", "string", "struct", "subprocess", "sys", "tempfile", "textwrap", "threading", "time", "types", "typing",
    "unittest", "urllib", "uuid", "warnings", "weakref", "zipfile"))


def _optional_import(it: Any, name: str, node: cst.CSTNode) -> None:
    """``try: import flash_attn`` / ``except ImportError``: whether a package outside the
    project, the standard library and the frameworks is installed is not known (the fallback
    may be what runs): the ``try`` is then treated as possibly raising."""
    if not name:
        return
    if not it.try_depth:
        top = name.split(".")[0]
        if top in _ASSUMED:
            it.project.frameworks.add(top)  # (imported for good: the model runs where it is installed)
        return
    why = not_known_installed(it, name)
    if why is not None:
        it.unknown(why, node)  # (counted by the enclosing try)


def not_known_installed(it: Any, name: str) -> Optional[str]:
    """None when module ``name`` is known to be importable where the model runs, else why not:
    the standard library (of any Python version), the project's files, a framework the code
    imported outside a ``try`` and the packages it requires (``namex`` for Keras)."""
    top = name.split(".")[0]
    from paramlint.evaluate.library import REQUIRED_BY

    if top in _ASSUMED:
        from paramlint.evaluate.externals import known_module

        if top not in it.project.frameworks and not REQUIRED_BY.get(top, frozenset()) & it.project.frameworks:
            return f"whether {top} is installed"  # (``try: import tensorflow`` in torch code)
        if "." in name and not known_module(name):  # ``import torch.nn.attention.flex_attention``
            return f"whether {name} exists in the installed {top}"  # (the version decides)
        return None
    if top in _VERSIONED_MODULES:
        return f"whether the Python version that runs the code has {top}"
    if top in _STDLIB:
        return None
    found = it.project.find(top)
    if found is not None and not found.library:
        return None
    if REQUIRED_BY.get(top, frozenset()) & it.project.frameworks:
        return None
    return f"whether {top} is installed"


#: Standard-library names that exist only in some Python versions (added after 3.8, or removed
#: since): ``try: from itertools import batched`` / ``except ImportError`` depends on the version
#: the code runs under, which is not known here.
_VERSIONED = {
    "typing": frozenset((
        "Annotated", "ParamSpec", "Concatenate", "TypeAlias", "TypeGuard", "ParamSpecArgs", "ParamSpecKwargs",
        "is_typeddict", "Self", "LiteralString", "Never", "TypeVarTuple", "Unpack", "Required", "NotRequired",
        "assert_never", "assert_type", "reveal_type", "dataclass_transform", "clear_overloads", "get_overloads",
        "override", "TypeAliasType", "get_original_bases", "TypeIs", "ReadOnly", "NoDefault",
        "get_protocol_members", "is_protocol")),
    "itertools": frozenset(("pairwise", "batched")),
    "functools": frozenset(("cache",)),
    "math": frozenset(("lcm", "nextafter", "ulp", "cbrt", "exp2", "sumprod", "fma")),
    "dataclasses": frozenset(("KW_ONLY",)),
    "contextlib": frozenset(("chdir", "aclosing")),
    "collections": frozenset((
        "Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator", "Callable", "Set",
        "MutableSet", "Hashable", "Sized", "Container", "Generator", "Awaitable", "Coroutine", "AsyncIterable",
        "AsyncIterator", "KeysView", "ItemsView", "ValuesView", "MappingView", "ByteString")),
}
_VERSIONED_MODULES = frozenset(("tomllib", "distutils", "imp", "asynchat", "asyncore", "smtpd"))


def _optional_names(it: Any, base: str, names: List[str], node: cst.CSTNode) -> None:
    """``try: from torch.nn import RMSNorm`` / ``except ImportError``: a framework name paramlint
    does not model may be missing from the installed version, a standard-library name from the
    Python version (the fallback may be what runs)."""
    if not it.try_depth:
        return
    versioned = _VERSIONED.get(base)
    if versioned is not None:
        for n in names:
            if n in versioned:
                it.unknown(f"whether {base} has {n!r} in the Python version that runs the code", node)
                return
    if base.split(".")[0] not in _ASSUMED:
        return
    from paramlint.evaluate.externals import known, known_module

    for n in names:
        q = f"{base}.{n}"
        if not known(q) and not known_module(q):
            it.unknown(f"whether {base} has {n!r} in the installed version", node)  # (counted by the try)
            return


@handles(cst.Import)
def _import(it: Any, node: cst.Import, env: Env) -> None:
    for alias in node.names:
        name = _dotted(alias.name)
        _optional_import(it, name, node)
        if alias.asname is not None:
            it.assign_name(alias.asname.name.value, _module_ref(it, name), env)  # type: ignore[union-attr]
        else:
            top = name.split(".")[0]
            it.assign_name(top, _module_ref(it, top), env)


@handles(cst.ImportFrom)
def _import_from(it: Any, node: cst.ImportFrom, env: Env) -> None:
    level = len(node.relative)
    target = _dotted(node.module) if node.module is not None else None
    if level:
        base = resolve_relative(env.module.name, env.module.is_package, level, target)
        if base is None:
            it.havoc([node], env, it.unknown("relative import beyond the top-level package", node))
            return
    else:
        base = target or ""
        _optional_import(it, base, node)
        if not isinstance(node.names, cst.ImportStar):
            _optional_names(it, base, [_dotted(a.name) for a in node.names], node)
    if isinstance(node.names, cst.ImportStar):
        if it.lazy_star:
            env.vars.setdefault(lazy_modules.STARS, []).append(base)
            return
        mod = it.import_module(base)
        if hasattr(mod, "ns"):
            public = mod.ns.get("__all__")
            names = [k for k in public if isinstance(k, str)] if isinstance(public, (list, tuple)) else [k for k in mod.ns if not k.startswith("_")]
            for k in names:
                v = mod.ns.get(k, _UNSET)
                if v is _UNSET:
                    continue
                if isinstance(v, LazyImport) and v.attr == k and v.module == env.module.name and k in env.vars:
                    # ``from . import X`` inside a submodule that this package star-imports:
                    # Python bound it to the package's value at that time, which is ours now.
                    continue
                env.vars[k] = v
        return
    base_mod = it.project.find(base)
    for alias in node.names:
        name = _dotted(alias.name)
        bind = alias.asname.name.value if alias.asname is not None else name  # type: ignore[union-attr]
        if base_mod is not None:
            sub = it.project.find(f"{base}.{name}")
            if sub is not None and it.project.binds(base_mod, name) is False:
                env.vars[bind] = LazyImport(f"{base}.{name}", None)  # the submodule itself
            else:
                src = env.module.source
                env.vars[bind] = LazyImport(base, name, (src, node) if src is not None else None)  # the package's attribute (or its submodule)
        else:
            sub = it.project.find(f"{base}.{name}") if base else None
            if sub is not None:
                env.vars[bind] = LazyImport(f"{base}.{name}", None)
            elif base == "os" and name == "environ":
                env.vars[bind] = it.project.environ
            elif f"{base}.{name}" in CONSTANTS:  # from typing import TYPE_CHECKING
                env.vars[bind] = CONSTANTS[f"{base}.{name}"]
            elif f"{base}.{name}" in it.project.patched:  # after ``nn.LayerNorm = MyNorm``
                env.vars[bind] = it.project.patched[f"{base}.{name}"]
            elif f"{base}.{name}" in library.CLASSES:  # (``from lightning import LightningModule``)
                env.vars[bind] = library.modelled_class(it, f"{base}.{name}")
            else:
                q = f"{base}.{name}"
                env.vars[bind] = External(ALIASES.get(q, q))


def _module_ref(it: Any, name: str) -> Any:
    return LazyImport(name, None) if it.project.find(name) is not None else External(name)


def _dotted(node: Any) -> str:
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


@handles(cst.Match)
def _match(it: Any, node: Any, env: Env) -> None:
    it.havoc([node], env, it.unknown("match statements are not modelled", node))
