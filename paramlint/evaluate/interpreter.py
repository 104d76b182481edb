"""The interpreter: evaluates CST nodes to values, never executing anything for real.

Statements and expressions of the model-building subset of Python are modelled; anything
else yields ``Unknown`` with a reason. Branches on unknown conditions are not guessed: the
names and objects they could change become Unknown ("havoc").
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import libcst as cst

from paramlint.evaluate.havoc import children
from paramlint.evaluate.isolation import share, touch
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.limits import Limits, LimitExceeded
from paramlint.evaluate.project import LazyImport, ModuleNS, Project
from paramlint.evaluate.values import (
    DICT_VIEWS,
    BoundMethod, Builtin, Call, Class, External, Function, Instance, Layer, Partial, Tensor, Unknown, UnknownArgs,
)
from paramlint.types import Location

_MISSING = object()
#: The local holding what a running generator function has yielded.
YIELDS = "__paramlint_yields__"
_CONSTANTS = {"True": True, "False": False, "None": None, "__debug__": True}
_PLAIN = frozenset((bool, int, float, str, tuple, list, dict, set, frozenset, range, type(None)))
_VIEWS = DICT_VIEWS


#: ``Raised.exc`` for an evaluation that became Unknown without Python raising: no handler applies.
NOT_AN_EXCEPTION = "<not an exception>"


class Raised(Exception):
    """User code raised (or hit a Python error we model as raising). It propagates as Python's
    exception does: to the handlers of an enclosing ``try``, which run when the exception's type
    is known to match (``exc``: a builtin exception name, or None; ``value.cls``: a project
    exception class), else out of the entry point (its figures become unknown) or, at a module
    top level, to the end of that module's evaluation."""

    def __init__(self, unknown: Unknown, exc: Optional[str] = None, value: Any = None) -> None:
        self.unknown = unknown
        self.exc = exc
        #: The raised exception object (an ExceptionValue), when the ``raise`` statement made it.
        self.value = value


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _MaybeLeft(Exception):
    """A ``break``/``continue`` under a condition that cannot be known: how many iterations
    run, and which statements of each, is unknown, so the loop as a whole is (havoc)."""

    def __init__(self, why: Any) -> None:
        self.why = why


#: Host values whose size a builtin's work on them is proportional to.
_SIZED = frozenset((list, tuple, dict, set, frozenset, str, bytes, range))


#: Builtins whose work does not grow with their arguments' size.
_CONSTANT_TIME = frozenset(("len", "id", "isinstance", "issubclass", "type", "bool", "iter", "next", "callable",
                            "hasattr", "getattr", "setattr", "delattr", "list.append", "list.pop", "dict.get",
                            "dict.setdefault", "dict.pop", "set.add", "set.discard", "set.remove", "dict.keys",
                            "dict.values", "dict.items"))


def sized(v: Any) -> int:
    """``len(v)`` of a _SIZED value (a range too long for ``len`` counts as enormous)."""
    try:
        return len(v)
    except OverflowError:
        return 1 << 62


class Env:
    """A scope: function locals, a class body, or a module's globals."""

    __slots__ = ("vars", "parent", "module", "is_class", "declared_global", "declared_nonlocal", "maybe_returned")

    def __init__(self, vars: Dict[str, Any], parent: Optional["Env"], module: ModuleNS, is_class: bool = False) -> None:
        self.vars = vars
        self.parent = parent
        self.module = module
        self.is_class = is_class
        self.declared_global: Optional[set] = None
        self.declared_nonlocal: Optional[set] = None
        #: Set when a ``return`` may have happened under an unknown condition.
        self.maybe_returned: Optional[Unknown] = None


def _peek(name: str, env: Env) -> Any:
    """What ``name`` is bound to, seen from ``env`` (scopes outward, then the module), without
    resolving lazy imports or building anything; _MISSING if unbound."""
    v = env.vars.get(name, _MISSING)
    e = env.parent
    while v is _MISSING and e is not None:
        v = e.vars.get(name, _MISSING)
        e = e.parent
    return env.module.ns.get(name, _MISSING) if v is _MISSING else v


def non_mutating(env: Env) -> FrozenSet[str]:
    """The builtins known not to change their arguments that ``env`` has not rebound."""
    from paramlint.evaluate.havoc import NON_MUTATING

    return frozenset(n for n in NON_MUTATING if _peek(n, env) is _MISSING)


def _assigned_objects(it: Any, stmts: List[cst.CSTNode], env: Env) -> Dict[str, List[Any]]:
    """For code that may or may not run: the mutable objects its plain ``name = <name or
    attribute or constant index>`` assignments would bind, by name (what the name may alias)."""
    from paramlint.evaluate.expressions import _read_only, alias_targets

    out: Dict[str, List[Any]] = {}
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name):
            found = alias_targets(_read_only(it, n.value, env))
            if found:
                out.setdefault(n.targets[0].target.value, []).extend(found)
            continue
        stack.extend(children(n))
    return out


class Interpreter:
    """One evaluation context: the project, limits and counters for one entry point or file."""

    def __init__(self, project: Project, limits: Optional[Limits] = None) -> None:
        from paramlint.evaluate import builtins, framework

        self.project = project
        self.limits = limits or Limits()
        self.steps = 0
        self.depth = 0
        self.call_depth = 0
        self.module: Optional[ModuleNS] = None
        self.builtins = builtins.BUILTINS
        self.fw = framework
        #: Flax module methods running (``flax_runtime.Frame``), innermost last.
        self.flax_frames: List[Any] = []
        #: The project functions being run, innermost last: (function, its locals, the call
        #: node, the calling module). Read by library models that inspect frames (Lightning's
        #: ``save_hyperparameters``) and to place what a library model finds at the user's call.
        self.frames: List[Tuple[Function, Env, Optional[cst.CSTNode], Optional[ModuleNS]]] = []
        #: The first call of a forward pass that gave an unknown value (its MACs and outputs
        #: are missing from the totals even if the value goes nowhere).
        self.trace_gap: Optional[Unknown] = None
        #: Leaf-layer applications, recorded while tracing a forward pass.
        self.trace: Optional[List[Call]] = None
        #: MACs of matrix products in forward code (``@``, ``einsum``...), recorded while tracing.
        self.op_macs: Optional[List[Optional[int]]] = None
        #: (reason, location) of forward-code products whose MACs are not modelled.
        self.macs_notes: Optional[List[Any]] = None
        #: Every Layer constructed (to tell builder functions from helpers).
        self.layers_built = 0
        #: While evaluating a ``__main__`` block: input shapes of user models called there.
        self.observe: Optional[Dict[int, Any]] = None
        #: Keras auto-naming counters.
        self.keras_names: Dict[str, int] = {}
        #: Problems worth telling the user about (unknown layer types...), deduplicated.
        self.notes: Dict[Tuple[str, Optional[Location]], Unknown] = {}
        #: Mutable objects that code under an unknown condition may have changed: id -> (obj, why).
        self.poisoned: Dict[int, Tuple[Any, Unknown]] = project.poisoned
        self.object_ids: Dict[int, Any] = project.object_ids
        #: ``try`` bodies being executed (exceptions then propagate out of calls).
        self.try_depth = 0
        #: Unknowns made or met so far in the frame of the innermost ``try`` (at call depth
        #: ``try_call_depth``): a body that saw one may have raised where Python did. What a
        #: called function meets inside shows in the value it returns.
        self.unknowns_made = 0
        self.try_call_depth = -1
        #: id -> (dict, layer, kind) of the torch registries handed out as ``m._modules``,
        #: ``m._parameters``, ``m._buffers``: writes to them are checked (modules.registry_write).
        self.module_dicts: Dict[int, Tuple[Dict[str, Any], Any, str]] = {}
        #: Inside a lazy module's ``TYPE_CHECKING`` branch (``evaluate/lazy_modules.py``).
        self.lazy_star = 0
        #: The exceptions whose ``except`` handlers are running, innermost last (a bare ``raise``).
        self.handling: List[Raised] = []
        #: Imports being resolved (cycle guard).
        self._resolving: set = set()
        self._dispatch_expr = _EXPR
        self._max_steps = self.limits.max_steps
        self._max_depth = self.limits.max_eval_depth
        self._dispatch_stmt = _STMT
        #: Integers below this magnitude add, multiply and compare without the limit checks:
        #: any result of two of them stays within ``max_int_bits`` (``expressions.binary``).
        self.small_int = 1 << max(0, min(30, (self.limits.max_int_bits - 2) // 2))

    # ---- helpers -------------------------------------------------------------------

    def loc(self, node: Optional[cst.CSTNode]) -> Optional[Location]:
        mod = self.module
        if mod is not None and mod.library:
            mod, node = self._user_site(mod, node)
        if mod is None or mod.source is None or node is None:
            return None
        return mod.source.location(node)

    def _user_site(self, mod: ModuleNS, node: Optional[cst.CSTNode]) -> Tuple[Optional[ModuleNS], Optional[cst.CSTNode]]:
        """Where the user's code called into paramlint's model of a library: what that model
        finds is reported there, not in paramlint's own files."""
        for _fn, _env, call, caller in reversed(self.frames):
            if caller is not None and not caller.library:
                return caller, call
        return mod, node

    def poison_of(self, obj: Any) -> Optional[Unknown]:
        """Why a mutable object's contents are unknown (changed under an unknown condition)."""
        if not self.poisoned:
            return None
        p = self.poisoned.get(id(obj))
        return p[1] if p is not None and p[0] is obj else None

    def poison(self, obj: Any, why: Unknown) -> Unknown:
        """Mark a mutable object's contents unknown (every later read of it, through any
        reference, is Unknown); returns ``why``. Not ints and strings: they cannot change
        (and the fast paths of ``expressions.binary``/``compare`` do not look them up)."""
        if type(obj) in (int, str):
            return why
        touch(self, obj)
        self.poisoned.setdefault(id(obj), (obj, why))
        return why

    def unknown(self, reason: str, node: Optional[cst.CSTNode] = None) -> Unknown:
        if self.call_depth <= self.try_call_depth and not reason.startswith("no attribute"):  # (probes are not errors)
            self.unknowns_made += 1
        mod = self.module
        if mod is not None and mod.library:
            mod, node = self._user_site(mod, node)
        if mod is None or mod.source is None or node is None:
            return Unknown(reason)
        return Unknown(reason, None, (mod.source, node))

    def charge(self, n: int) -> None:
        """Work the host does at once on ``n`` elements (``sum(big)``, ``big == other``,
        ``s.count(x)``, ``[0] * n``): one step per 2 elements (the evaluator's builtins walk
        them in Python), so that a loop of such calls ends at the step limit as a loop of
        evaluated statements does, in bounded time and memory."""
        self.steps += n >> 1
        if self.steps > self._max_steps:
            raise LimitExceeded(f"evaluation step limit ({self.limits.max_steps:,}) reached (work on large collections)")

    def note(self, u: Unknown) -> Unknown:
        self.notes.setdefault((u.reason, u.location), u)
        return u

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise LimitExceeded(f"evaluation step limit ({self.limits.max_steps:,}) reached")

    # ---- modules -------------------------------------------------------------------

    def run_module(self, mod: ModuleNS) -> None:
        """Evaluate a module's top level once (re-entrant imports see a partial namespace)."""
        if mod.state != "new":
            return
        self.project.ensure_parsed(mod)
        if mod.source is None:
            return
        mod.state = "loading"
        saved = self.module
        self.module = mod
        self.project.loading += 1  # an import's own effects are the same in every process
        try:
            env = Env(mod.ns, None, mod)
            self.exec_block(mod.source.tree.body, env)
        except (_Return, _Break, _Continue):
            pass
        except Raised as r:
            mod.error = r.unknown.reason
        finally:
            self.project.loading -= 1
            self.module = saved
            mod.state = "loaded"
            share(self.project, mod)  # what the module holds outlives any one build

    def import_module(self, name: str) -> Any:
        """A module value: a project ModuleNS (evaluated) or an External for anything else."""
        mod = self.project.find(name)
        if mod is None:
            return External(name)
        self.project.ensure_parsed(mod)
        if mod.source is None:
            return Unknown(f"module {name} could not be analyzed: {mod.error}", mod.error_location)
        self.run_module(mod)
        return mod

    def resolve_lazy(self, lazy: LazyImport) -> Any:
        """The value an import binds. A chain of imports that leads back to itself (a name
        re-exported in a cycle) is Unknown, never an endless recursion."""
        key = (lazy.module, lazy.attr)
        if key in self._resolving:
            return Unknown(f"circular import of {lazy.module}{'.' + lazy.attr if lazy.attr else ''}")
        self._resolving.add(key)
        try:
            mod = self.import_module(lazy.module)
            if lazy.attr is None:
                return mod
            if isinstance(mod, ModuleNS):
                own = mod.ns.get(lazy.attr)
                if type(own) is LazyImport and (own.module, own.attr) == key:
                    # ``from . import models`` in the package's own __init__, reached before the
                    # name was first read: Python binds the submodule
                    sub = self.project.find(f"{lazy.module}.{lazy.attr}")
                    if sub is not None:
                        return self.import_module(sub.name)
            v = self.get_attr(mod, lazy.attr, None)
            if type(v) is Unknown and lazy.where is not None and v._location is None and v._where is None:
                v = Unknown(v.reason, None, lazy.where, v.kind)  # (at the import statement)
            return v
        finally:
            self._resolving.discard(key)

    # ---- names ---------------------------------------------------------------------

    def lookup(self, name: str, env: Env, node: Optional[cst.CSTNode]) -> Any:
        v = env.vars.get(name, _MISSING)  # the innermost scope, even a class body
        if v is _MISSING:
            e = env.parent
            while e is not None:
                if not e.is_class:  # class bodies are not enclosing scopes for their methods
                    v = e.vars.get(name, _MISSING)
                    if v is not _MISSING:
                        break
                e = e.parent
            else:
                e = None
        else:
            e = env
        if v is not _MISSING:
            if type(v) is LazyImport:
                r = self.resolve_lazy(v)
                if not isinstance(r, Unknown):  # an import cycle may resolve later
                    e.vars[name] = r  # type: ignore[union-attr]
                return r
            return v
        mod_vars = env.module.ns
        v = mod_vars.get(name, _MISSING)
        if v is not _MISSING:
            if type(v) is LazyImport:
                r = self.resolve_lazy(v)
                if not isinstance(r, Unknown):
                    mod_vars[name] = r
                return r
            return v
        b = self.builtins.get(name, _MISSING)
        if b is not _MISSING:
            return b
        return self.unknown(f"name {name!r} is not defined", node)

    def assign_name(self, name: str, value: Any, env: Env) -> None:
        if env.declared_global and name in env.declared_global:
            touch(self, env.module)
            env.module.ns[name] = value
            return
        if env.declared_nonlocal and name in env.declared_nonlocal:
            e = env.parent
            while e is not None:
                if name in e.vars and not e.is_class:
                    e.vars[name] = value
                    return
                e = e.parent
        env.vars[name] = value

    # ---- expressions ---------------------------------------------------------------

    def eval(self, node: cst.CSTNode, env: Env) -> Any:
        # The hottest function: names and constants are answered without a frame of their own.
        self.steps += 1
        if self.steps > self._max_steps:
            raise LimitExceeded(f"evaluation step limit ({self.limits.max_steps:,}) reached")
        t = type(node)
        if t is cst.Name:
            name = node.value  # type: ignore[attr-defined]
            v = env.vars.get(name, _MISSING)  # a local: True/False/None can never be one
            if v is _MISSING or type(v) is LazyImport:
                v = _CONSTANTS.get(name, _MISSING)
                if v is not _MISSING:
                    return v
                v = self.lookup(name, env, node)
        else:
            self.depth += 1
            try:
                if self.depth > self._max_depth:
                    raise LimitExceeded(f"evaluation nesting limit ({self.limits.max_eval_depth}) reached")
                handler = self._dispatch_expr.get(t)
                if handler is None:
                    return self.unknown(f"{t.__name__} expressions are not modelled", node)
                v = handler(self, node, env)
            finally:
                self.depth -= 1
        if self.poisoned:  # an object whose contents are unknown is unknown wherever it is read
            p = self.poisoned.get(id(v))
            if p is not None and p[0] is v:
                if self.call_depth <= self.try_call_depth:
                    self.unknowns_made += 1
                return p[1]
        if v.__class__ is Unknown and self.call_depth <= self.try_call_depth:
            self.unknowns_made += 1  # (a ``try`` body that saw one may have raised there)
        return v

    def exec_block(self, stmts: Sequence[cst.CSTNode], env: Env) -> None:
        for s in stmts:
            self.exec_stmt(s, env)

    def exec_stmt(self, node: cst.CSTNode, env: Env) -> None:
        self.steps += 1
        if self.steps > self._max_steps:
            raise LimitExceeded(f"evaluation step limit ({self.limits.max_steps:,}) reached")
        self.depth += 1
        try:
            if self.depth > self._max_depth:
                raise LimitExceeded(f"evaluation nesting limit ({self.limits.max_eval_depth}) reached")
            handler = self._dispatch_stmt.get(type(node))
            if handler is None:
                self.havoc([node], env, self.unknown(f"{type(node).__name__} statements are not modelled", node))
                return
            handler(self, node, env)
        finally:
            self.depth -= 1

    def truth(self, v: Any, node: cst.CSTNode) -> Any:
        """Python truthiness, or an Unknown when it cannot be known."""
        if type(v) in _PLAIN:
            return bool(v)
        if isinstance(v, Unknown):
            return v
        if isinstance(v, (bool, int, float, str, tuple, list, dict, set, frozenset, range, type(None), *_VIEWS)):
            return bool(v)
        if isinstance(v, Layer):
            if v.spec is not None and v.spec.role == "container" and v.cls is None:
                return bool(v.children) if v.spec.name != "Sequential" or True else True
            return True
        if isinstance(v, Tensor):
            return self.unknown("truth value of a tensor", node)
        if isinstance(v, External):
            # A framework's or the standard library's classes, functions and modules are true
            # (``norm_layer or nn.BatchNorm2d``); another package's attribute may be a false
            # constant (``os.path.supports_unicode_filenames``) or a failed optional import.
            if v.qualname.split(".", 1)[0] in _TRUE_NAMESPACES:
                return True
            return self.unknown(f"truth value of {v.qualname}", node)
        from paramlint.evaluate.arrays import Array, truth

        if isinstance(v, Array):
            return truth(self, v, node)
        if isinstance(v, Instance):
            return self._instance_truth(v, node)
        return True

    def _instance_truth(self, v: Instance, node: cst.CSTNode) -> Any:
        """``bool(obj)``: its class's ``__bool__``, else ``__len__``, else True (a record with
        fields is true, an empty namedtuple false)."""
        from paramlint.evaluate.protocols import _NO_DUNDER, dunder

        if "namedtuple" in v.cls.flags:
            return bool(v.cls.fields)
        r = dunder(self, v, "__bool__", [], node)
        if r is not _NO_DUNDER:
            if isinstance(r, Unknown) or isinstance(r, bool):
                return r
            return self.unknown("__bool__() did not return a bool", node)
        n = dunder(self, v, "__len__", [], node)
        if n is _NO_DUNDER:
            return True  # object's truth
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            return n > 0
        return n if isinstance(n, Unknown) else self.unknown("__len__() did not return a non-negative int", node)

    # ---- attributes ----------------------------------------------------------------

    def get_attr(self, obj: Any, name: str, node: Optional[cst.CSTNode]) -> Any:
        return _attributes.get_attr(self, obj, name, node)

    def set_attr(self, obj: Any, name: str, value: Any, node: Optional[cst.CSTNode]) -> None:
        _attributes.set_attr(self, obj, name, value, node)

    # ---- calls ---------------------------------------------------------------------

    def call(self, fn: Any, args: List[Any], kwargs: Dict[str, Any], node: Optional[cst.CSTNode]) -> Any:
        """Call any callable value; never raises except Raised / LimitExceeded."""
        if isinstance(fn, Function):
            return self.call_function(fn, args, kwargs, node)
        if isinstance(fn, BoundMethod):
            r = fn.receiver
            if type(r) is Layer and r.framework == "flax" and isinstance(fn.func, Function):
                return lazy.flax_runtime.call_method(self, r, fn.func, args, kwargs, node)
            return self.call(fn.func, [r, *args], kwargs, node)
        if isinstance(fn, Builtin):
            for a in args:
                if type(a) in _SIZED and fn.name not in _CONSTANT_TIME:
                    n = sized(a)
                    if n >= 1024:
                        self.charge(n)
            return fn.fn(self, args, kwargs, node)
        if isinstance(fn, Class):
            return self.fw.instantiate(self, fn, args, kwargs, node)
        if isinstance(fn, Partial):
            return self.call(fn.func, [*fn.args, *args], {**fn.kwargs, **kwargs}, node)
        if isinstance(fn, External):
            return self.fw.call_external(self, fn, args, kwargs, node)
        if isinstance(fn, Layer):
            return self.fw.call_layer(self, fn, args, kwargs, node)
        if isinstance(fn, Unknown):
            # (what it returns is not known to be a bool even if the callee was one)
            return fn if fn.kind is None else Unknown(fn.reason, fn._location, fn._where)
        if isinstance(fn, Instance):
            m = self.fw.class_lookup(fn.cls, "__call__")
            if m is not _MISSING and m is not None:
                return self.call(m, [fn, *args], kwargs, node)
        return self.unknown(f"calling a {type(fn).__name__} value is not modelled", node)

    def call_function(self, fn: Function, args: List[Any], kwargs: Dict[str, Any], node: Optional[cst.CSTNode]) -> Any:
        if fn.decorated_unknown is not None:
            # its decorator is not followed, but the body may run (``@contextmanager`` setting a
            # global config, a project decorator that could not be evaluated): its effects on
            # what it can reach and on its arguments are unknown
            u = fn.decorated_unknown
            self.havoc_function(fn, u, u)
            self.fw.may_mutate(self, [*args, *kwargs.values()], u)
            return u
        self.call_depth += 1
        saved_module = self.module
        frames = self.frames
        depth = len(frames)
        try:
            if self.call_depth > self.limits.max_call_depth:
                raise LimitExceeded(f"call depth limit ({self.limits.max_call_depth}) reached (recursion?)")
            self.module = fn.module
            local: Dict[str, Any] = {}
            env = Env(local, fn.closure, fn.module)
            frames.append((fn, env, node, saved_module))
            err = self.bind(fn, args, kwargs, local)
            if fn.owner is not None:
                local["__paramlint_owner__"] = fn.owner
                p = fn.node.params
                first = (p.posonly_params or p.params)
                local["__paramlint_self__"] = local.get(first[0].name.value) if first else None
            if err is not None:
                u = Unknown(f"{fn.name}(): {err}", self.loc(node) if saved_module is fn.module else None)
                if self.try_depth:
                    raise Raised(u, "TypeError")  # Python raises TypeError for a bad call
                if fn.name == "__init__" and args:  # ``super().__init__(**kwargs)`` missing an argument
                    self.fw.may_mutate(self, [args[0]], u)  # (the object cannot be built: unknown)
                return u
            f = fn.node
            if isinstance(f, cst.Lambda):
                return self.eval(f.body, env)
            gen = _is_generator(f)
            if gen:
                # Run to completion, collecting what it yields: exact for code that just
                # iterates the generator (``send()`` and early exits are not modelled).
                local[YIELDS] = []
            try:
                self.exec_block(_body(f.body), env)
                result: Any = None
            except _Return as r:
                result = r.value
            except Raised as r:
                if not gen:
                    raise
                # Python raises where the consumer asks for the item after the last yielded one
                from paramlint.evaluate.iterators import Iterator, raising

                return Iterator(local[YIELDS], source=raising(r))
            if env.maybe_returned is not None:
                return env.maybe_returned
            if gen:
                from paramlint.evaluate.iterators import Iterator

                return Iterator(local[YIELDS])
            return result
        except Raised as r:
            if self.try_depth or r.exc != NOT_AN_EXCEPTION:
                # an enclosing ``try`` may handle it; else Python's exception ends the build,
                # whatever the caller does with the call's value (``check(n)`` as a statement)
                raise
            return r.unknown
        finally:
            self.module = saved_module
            self.call_depth -= 1
            del frames[depth:]

    def bind(self, fn: Function, args: Sequence[Any], kwargs: Dict[str, Any], out: Dict[str, Any]) -> Optional[str]:
        """Bind arguments as Python does; returns an error message instead of raising."""
        plan = _PLANS.get(fn.node)
        if plan is None:
            plan = _PLANS[fn.node] = _plan(fn.node.params)
        positional, star, by_keyword, star_kwarg, every = plan
        for name, v in zip(positional, args):
            out[name] = v
        if len(args) > len(positional):
            if star is None:
                return f"takes {len(positional)} positional arguments but {len(args)} were given"
            out[star] = tuple(args[len(positional):])
        elif star is not None:
            out[star] = ()
        rest: Dict[str, Any] = {}
        for k, v in kwargs.items():
            if k in by_keyword:
                if k in out:
                    return f"got multiple values for argument {k!r}"
                out[k] = v
            else:
                rest[k] = v
        if star_kwarg is not None:
            out[star_kwarg] = rest
        elif rest:
            return f"got an unexpected keyword argument {next(iter(rest))!r}"
        for n in every:
            if n not in out:
                if n in fn.defaults:
                    out[n] = fn.defaults[n]
                else:
                    return f"missing required argument {n!r}"
        return None

    def eval_args(self, node: cst.Call, env: Env) -> Tuple[List[Any], Dict[str, Any]]:
        args: List[Any] = []
        kwargs: Dict[str, Any] = {}
        for a in node.args:
            v = self.eval(a.value, env)
            if a.star == "*":
                seq = self.fw.iterate(self, v, a.value)
                if isinstance(seq, Unknown):
                    raise UnknownArgs(seq)
                args.extend(seq)
            elif a.star == "**":
                if isinstance(v, dict) and all(isinstance(k, str) for k in v):
                    kwargs.update(v)
                else:
                    raise UnknownArgs(v if isinstance(v, Unknown) else self.unknown("**-unpacking of a non-dict", a.value))
            elif a.keyword is not None:
                kwargs[a.keyword.value] = v
            else:
                args.append(v)
        return args, kwargs

    # ---- unknown control flow --------------------------------------------------------

    def havoc(self, stmts: Iterable[cst.CSTNode], env: Env, why: Unknown) -> None:
        """Code that may or may not run: whatever it could change becomes Unknown."""
        from paramlint.evaluate.havoc import effects, may_cost, may_raise

        stmts = list(stmts)
        names, roots, returns = effects(stmts, non_mutating(env))
        if self.trace is not None and self.trace_gap is None \
                and may_cost(stmts, lambda n: n in self.builtins and _peek(n, env) is _MISSING):
            self.trace_gap = why  # (``if mask.any(): out += expert(x)``: the totals would miss it)
        if self.try_depth and may_raise(stmts):
            # ``if u: raise ValueError`` in a function a ``try`` called: the try may catch it
            # (its own frame's unknowns are counted as they are made; this one is deeper)
            self.unknowns_made += 1
        said = why.reason if why.reason.startswith("depends on ") else f"depends on {why.reason}"
        reason = why.because(said)
        aliases = _assigned_objects(self, stmts, env) if names else {}
        for n in names:
            if n in aliases:  # ``if u: y = x``: a change through ``y`` may be one to ``x``
                u = why.because(said)
                u.aliases = tuple(aliases[n])
                self.assign_name(n, u, env)
            else:
                self.assign_name(n, reason, env)
        for r in roots:
            self.havoc_root(r, env, reason, why)
        if returns and env.maybe_returned is None:
            env.maybe_returned = reason
        self._havoc_callees(stmts, env, reason, why, 0)

    def _havoc_callees(self, stmts: Iterable[cst.CSTNode], env: Env, reason: Unknown, why: Unknown, depth: int) -> None:
        """A project function called in code that may or may not run (``if u: extra()``): what
        it changes through its closure, ``global``/``nonlocal`` names and the functions it calls
        becomes unknown too (its arguments are already roots of the call)."""
        from paramlint.evaluate.havoc import called_names

        if depth > 3:
            return
        for name in called_names(stmts):
            f = _peek(name, env)
            if isinstance(f, Function):
                self.havoc_function(f, reason, why, depth)

    def havoc_function(self, f: Function, reason: Unknown, why: Unknown, depth: int = 0) -> None:
        """A project function that may have run, not followed: what it changes through its
        closure, ``global``/``nonlocal`` names and the functions it calls becomes unknown."""
        from paramlint.evaluate.havoc import declared, effects

        if not isinstance(f.node, (cst.FunctionDef, cst.Lambda)) or f.closure is None:
            return
        body: Any = f.node.body if isinstance(f.node, cst.FunctionDef) else cst.Expr(f.node.body)
        names, roots, _ = effects([body], non_mutating(f.closure))
        globals_, nonlocals = declared(f.node) if isinstance(f.node, cst.FunctionDef) else (set(), set())
        ps = f.node.params
        params = {p.name.value for p in (*ps.posonly_params, *ps.params, *ps.kwonly_params)}
        for star in (ps.star_arg, ps.star_kwarg):
            if isinstance(star, cst.Param):
                params.add(star.name.value)
        local = (names | params) - globals_ - nonlocals
        for r in roots - local:
            self.havoc_root(r, f.closure, reason, why)
        for n in names & globals_:
            f.module.ns[n] = reason
        for n in names & nonlocals:
            self._assign_outer(n, reason, f.closure)
        self._havoc_callees([body], f.closure, reason, why, depth + 1)

    def _assign_outer(self, name: str, value: Any, env: Optional[Env]) -> None:
        """``nonlocal name`` assigned: the nearest enclosing function scope that has it."""
        while env is not None:
            if not env.is_class and name in env.vars:
                env.vars[name] = value
                return
            env = env.parent

    def _havoc_reachable(self, root: Any, reason: Unknown) -> None:
        """What ``root`` holds may have been changed through it (``groups[0].append(x)``,
        ``outer[0][0] = m``, ``holder.add()``): the objects reachable from it become unknown
        too (modules, containers, instances; at most a few thousand)."""
        stack = [root]
        seen = {id(root)}
        while stack and len(seen) < 5000:
            v = stack.pop()
            if v is not root:
                if isinstance(v, Layer):
                    if v.uncertain is None:
                        touch(self, v)
                        v.uncertain = reason
                elif isinstance(v, (Instance, list, dict, set)):
                    touch(self, v)
                    self.poisoned.setdefault(id(v), (v, reason))
            if isinstance(v, Layer):
                items: Iterable[Any] = [*v.children.values(), *v.attrs.values()]
            elif isinstance(v, Instance):
                items = v.attrs.values()
            elif isinstance(v, dict):
                items = v.values()
            elif isinstance(v, (list, set, tuple)):
                items = v
            else:
                continue
            for x in items:
                if isinstance(x, (Layer, Instance, list, dict, set, tuple)) and id(x) not in seen:
                    seen.add(id(x))
                    stack.append(x)

    def havoc_root(self, r: str, env: Env, reason: Unknown, why: Unknown) -> None:
        """The object named ``r`` may have changed: a module's count, a container's contents
        become unknown (through every reference to it)."""
        target = _peek(r, env)
        if type(target) is Unknown:
            for a in target.aliases:  # one of the objects it may be was changed
                self._havoc_object(a, None, env, reason, why)
            return
        self._havoc_object(target, r, env, reason, why)

    def _havoc_object(self, target: Any, r: Optional[str], env: Env, reason: Unknown, why: Unknown) -> None:
        if isinstance(target, (Layer, Class, Instance, list, dict, set)):
            self._havoc_reachable(target, reason)
        if isinstance(target, (Layer, Class)):
            if target.uncertain is None:
                target.uncertain = reason
            if isinstance(target, Class):  # its attributes may have changed too (``C.n += 1``)
                touch(self, target)
                self.poisoned.setdefault(id(target), (target, reason))
        elif isinstance(target, (list, dict, set, Instance)):
            # The object itself may have changed: every reference to it (a module-level
            # registry mutated inside a function, an argument) now reads as Unknown.
            touch(self, target)
            self.poisoned.setdefault(id(target), (target, reason))
            if r is not None:
                self.assign_name(r, reason, env)
        elif isinstance(target, lazy.arrays.Array) and self.project.arrays_mutated is None:
            # a.mul_(10) under the condition: no value array is trusted from now on (arrays.mutated)
            self.project.arrays_mutated = why.because(f"array values may change in place ({reason.reason})")


#: Per function node, how its parameters bind: positional names, the ``*args`` name, the names
#: a keyword can bind, the ``**kwargs`` name, every named parameter in order. The table keeps its
#: nodes alive, so it is emptied when it grows large (a long-lived process sees many trees).
_Plan = Tuple[Tuple[str, ...], Optional[str], frozenset, Optional[str], Tuple[str, ...]]
_PLANS: Dict[cst.CSTNode, _Plan] = {}

#: Top-level packages whose external values are always true (classes, functions, modules; their
#: false constants, like ``typing.TYPE_CHECKING``, are resolved to values before they get here).
_TRUE_NAMESPACES = frozenset((
    "torch", "torchvision", "torchaudio", "keras", "tensorflow", "tf_keras", "flax", "jax", "numpy", "np",
    "functools", "math", "collections", "itertools", "operator", "builtins", "typing", "typing_extensions",
    "dataclasses", "abc", "enum", "copy", "re", "warnings", "logging", "inspect", "types", "einops", "timm", "importlib",
))


def _plan(p: cst.Parameters) -> _Plan:
    if len(_PLANS) >= 100_000:
        _PLANS.clear()
    positional = tuple(q.name.value for q in (*p.posonly_params, *p.params))
    posonly = {q.name.value for q in p.posonly_params}
    kwonly = tuple(q.name.value for q in p.kwonly_params)
    star = p.star_arg.name.value if type(p.star_arg) is cst.Param else None
    star_kwarg = p.star_kwarg.name.value if p.star_kwarg is not None else None
    by_keyword = frozenset(n for n in (*positional, *kwonly) if n not in posonly)
    return positional, star, by_keyword, star_kwarg, (*positional, *kwonly)


def _body(b: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    return b.body  # an IndentedBlock's statements, or a SimpleStatementSuite's


_GEN_CACHE: Dict[cst.FunctionDef, bool] = {}


def _is_generator(f: cst.FunctionDef) -> bool:
    r = _GEN_CACHE.get(f)
    if r is None:
        from paramlint.evaluate.havoc import contains_yield

        r = contains_yield(f.body)
        _GEN_CACHE[f] = r
    return r


# The dispatch tables are filled by the expression and statement modules.
_EXPR: Dict[type, Any] = {}
_STMT: Dict[type, Any] = {}


def _register() -> None:
    from paramlint.evaluate import expressions, statements

    _EXPR.update(expressions.HANDLERS)
    _STMT.update(statements.HANDLERS)


_register()

# Bound once here, not imported per call (attribute access is the commonest operation).
from paramlint.evaluate import attributes as _attributes  # noqa: E402
