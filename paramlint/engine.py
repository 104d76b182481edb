"""The engine: paths in, one FileReport per file out. It never raises.

Files share one Project, so a block file imported by many models is parsed and evaluated
once per run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from paramlint import architecture
from paramlint.discovery import discover  # re-exported: the file walk lives apart for a light start-up
from paramlint.entrypoints import Entry, candidates, main_block, required_params
from paramlint.evaluate.limits import Limits, LimitExceeded
from paramlint.evaluate.project import ModuleNS, Project, _read_file
from paramlint.source import SourceError, check_readable
from paramlint.types import FileReport, Location, ModelReport, Shape, Skipped, Unresolved


@dataclass(frozen=True)
class Options:
    """What the engine needs from the command line and configuration."""

    limits: Limits = field(default_factory=Limits)
    #: Input shapes applied to models without their own (``--input-shape``).
    input_shapes: Optional[Tuple[Shape, ...]] = None
    #: Per-model input shapes by ``path::Name`` or ``Name``.
    model_inputs: Dict[str, Tuple[Shape, ...]] = field(default_factory=dict)
    #: Called with (report, built root Layer, applied calls) for each model built: how
    #: ``explain`` reaches the bound arguments and input shapes behind each row.
    on_model: Optional[Callable[[ModelReport, Any, Any], None]] = None


def analyze_paths(paths: Sequence[str], options: Optional[Options] = None, project: Optional[Project] = None) -> Iterator[FileReport]:
    options = options or Options()
    project = project or Project()
    for path in discover(paths):
        yield analyze_file(project, path, options)


def analyze_file(project: Project, path: str, options: Options, data: Optional[bytes] = None) -> FileReport:
    """Analyze one file; every failure becomes part of the report."""
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 20_000))
        return _analyze(project, path, options, data)
    except RecursionError:
        return FileReport(path, error="nesting too deep to analyze (recursion limit)")
    except MemoryError:
        return FileReport(path, error="out of memory while analyzing")
    except Exception as e:  # an internal error must cost one file, never the run
        return FileReport(path, error=f"internal error: {type(e).__name__}: {e}")
    finally:
        sys.setrecursionlimit(limit)


def _analyze(project: Project, path: str, options: Options, data: Optional[bytes]) -> FileReport:
    if project.sources is None:  # parses shared with the __main__ block's own project
        project.sources = {}
    try:
        if data is None and project.reader is _read_file:
            check_readable(path)
        mod = project.module_for_path(path, data)
    except SourceError as e:
        return FileReport(path, error=e.message, error_location=Location(path, e.line, e.column))
    except OSError as e:  # missing (deleted since discovery), permission, symlink loop...
        return FileReport(path, error=f"cannot read: {e.strerror or e}")
    if path.endswith(".pyi"):  # signatures only: building its classes would count empty bodies
        return FileReport(path, notes=(Unresolved("a stub (.pyi) has no implementation; no model is built from it", Location(path, 1, 0)),))
    assert mod.source is not None
    comment_notes: List[Unresolved] = []
    text = mod.source.text
    if "noqa" in text or "paramlint" in text or "NOQA" in text:  # (else nothing to read: no import)
        from paramlint.suppress import invalid_comments

        comment_notes = [Unresolved(why, Location(path, line, col)) for line, col, why in invalid_comments(text)]
    entries = list(candidates(mod.source.tree))
    if not entries:
        # Only imports and statements (a package __init__ star-importing every model module):
        # no model can come out of it, and running its top level would evaluate every module
        # it reaches (timm's models/__init__.py: 9% of a timm run, for nothing).
        return FileReport(path, notes=tuple(comment_notes))
    from paramlint.evaluate.interpreter import Interpreter, Raised

    it = Interpreter(project, options.limits)
    file_notes: List[Unresolved] = []
    try:
        it.run_module(mod)
    except LimitExceeded as e:
        file_notes.append(Unresolved(f"module top level: {e.message}", Location(path, 1, 0)))
    except RecursionError:
        file_notes.append(Unresolved("module top level: nesting too deep to evaluate (Python recursion limit)", Location(path, 1, 0)))
    main_inputs = _main_inputs(project, mod, options, data)
    names_after_import = dict(it.keras_names)  # Keras' auto-naming counters of a fresh process
    exhausted = ""
    first = project
    used = it.steps
    models: List[ModelReport] = []
    skipped: List[Skipped] = []
    limits = options.limits
    runaway = 0  # steps spent by entry points that ended at a step limit
    for entry in entries:
        if project.dirty and not exhausted:  # the last build changed module state: this one starts afresh
            project, fresh, it, spent = _fresh(project, mod, options, data, it, limits.max_file_total_steps - used)
            used += spent
            if fresh is None:
                exhausted = _budget_spent(limits, False) + " (re-evaluating the module for a fresh build)"
            else:
                mod = fresh
        if exhausted:
            models.append(_entry_failed(mod, entry, exhausted))
            continue
        it.keras_names = dict(names_after_import)
        # Every entry point gets max_steps; runaways together only max_file_steps and all
        # entry points together max_file_total_steps (past either, each still gets a small
        # allowance, so cheap models after runaway ones resolve): a file of many runaway
        # builders ends in seconds, and one of many big models that finish is not cut short.
        left = max(min(limits.max_file_steps - runaway, limits.max_file_total_steps - used), limits.max_steps // 100)
        it.steps = max(0, limits.max_steps - left)
        start = it.steps
        try:
            project.building = True
            result = _build(it, mod, entry, options, main_inputs)
        except LimitExceeded as e:
            message = e.message
            if message.startswith("evaluation step limit"):
                on_runaways = limits.max_file_steps - runaway <= limits.max_file_total_steps - used  # which one set `left`
                runaway += max(0, it.steps - start)
                if left < limits.max_steps:
                    message = _budget_spent(limits, on_runaways)
            result = _entry_failed(mod, entry, message)
        except Raised as r:  # the builder raises (nothing in it catches the exception)
            assert mod.source is not None
            result = architecture.unresolved_model(entry.name, "torch", mod.source.location(entry.node), r.unknown)
        except RecursionError:
            result = _entry_failed(mod, entry, "nesting too deep to evaluate (Python recursion limit)")
        except MemoryError:
            result = _entry_failed(mod, entry, "out of memory while evaluating")
        except Exception as e:  # an evaluator bug costs this entry point, not the file
            result = _entry_failed(mod, entry, f"internal error: {type(e).__name__}: {e}")
        finally:
            project.building = False
            it.depth = it.call_depth = 0
            it.trace = it.observe = None
            it.module = None
        used += max(0, it.steps - start)
        if result is None:
            continue
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            models.append(result)
    notes = [Unresolved(u.reason, u.location) for u in it.notes.values()]
    first.files_read.update(project.files_read)
    return FileReport(path, tuple(_dedupe_variables(models)), tuple(skipped), notes=tuple(comment_notes + file_notes + notes))


def _fresh(project: Project, mod: ModuleNS, options: Options, data: Optional[bytes], it: Any,
           budget: int) -> Tuple[Project, Optional[ModuleNS], Any, int]:
    """A new evaluation of the analyzed module (and what it imports), for builds after one that
    changed module state (``evaluate/isolation.py``): as the next process importing the file.
    Its steps come out of the file's budget (``budget`` left); None in place of the module when
    the evaluation could not finish (its namespace would be partial)."""
    own, fresh, new = _apart(project, mod, options, data)
    own.files_read.update(project.files_read)
    new.notes.update(it.notes)
    new.steps = start = max(0, options.limits.max_steps - max(budget, 0))
    try:
        new.run_module(fresh)
    except (LimitExceeded, RecursionError):
        return own, None, new, new.steps - start
    return own, fresh, new, new.steps - start


def _apart(project: Project, mod: ModuleNS, options: Options, data: Optional[bytes]) -> Tuple[Project, ModuleNS, Any]:
    """The analyzed module in a project of its own (sharing the parses), with an interpreter
    for it, not yet evaluated: a separate process importing the file."""
    from paramlint.evaluate.interpreter import Interpreter

    own = Project(project.reader, project.exists, project.sources)
    return own, own.module_for_path(mod.path, data), Interpreter(own, options.limits)


def _budget_spent(limits: Limits, on_runaways: bool) -> str:
    if on_runaways:
        return f"file evaluation budget ({limits.max_file_steps:,} steps, max_file_steps) spent on runaway entry points"
    return f"file evaluation budget ({limits.max_file_total_steps:,} steps, max_file_total_steps) spent"


def _entry_failed(mod: ModuleNS, entry: Entry, reason: str) -> ModelReport:
    assert mod.source is not None
    loc = mod.source.location(entry.node)
    return architecture.unresolved_model(entry.name, "torch", loc, _unk(reason, loc))


def _unk(reason: str, loc: Optional[Location]):  # type: ignore[no-untyped-def]
    from paramlint.evaluate.values import Unknown

    return Unknown(reason, loc)


def _dedupe_variables(models: List[ModelReport]) -> List[ModelReport]:
    return models


def _build(it, mod: ModuleNS, entry: Entry, options: Options, main_inputs):  # type: ignore[no-untyped-def]
    from paramlint.evaluate import framework
    from paramlint.evaluate.attributes import class_attr
    from paramlint.evaluate.values import Class, Function, Layer, Tensor, Unknown

    assert mod.source is not None
    loc = mod.source.location(entry.node)
    value = mod.ns.get(entry.name)
    if entry.kind == "variable":
        if not isinstance(value, Layer) or value.location is None or value.location.path != mod.path:
            return None
        layer: object = value
    elif entry.kind == "class":
        if not isinstance(value, Class) or value.framework is None or value.node is not entry.node:
            return None
        framework.materialize(it, value)
        init = class_attr(it, value, "__init__", None, None)
        if isinstance(init, Function):
            missing = required_params(init)
            if missing:
                return Skipped(entry.name, loc, f"constructor needs arguments: {', '.join(missing)}")
        elif value.framework == "flax":  # a linen dataclass: fields without defaults are required
            from paramlint.evaluate.records import NO_DEFAULT

            missing = [n for n, d in value.fields if d is NO_DEFAULT]
            if missing:
                return Skipped(entry.name, loc, f"constructor needs arguments: {', '.join(missing)}")
        else:  # the constructor of the catalog layer it subclasses
            missing = _catalog_required(value)
            if missing:
                return Skipped(entry.name, loc, f"constructor needs arguments: {', '.join(missing)}")
        it.module = mod
        layer = it.call(value, [], {}, entry.node)
        it.module = None
    else:
        if not isinstance(value, Function):
            return None
        missing = required_params(value)
        if missing:
            return None
        before = it.layers_built
        it.module = mod
        layer = it.call(value, [], {}, entry.node)
        it.module = None
        if not isinstance(layer, Layer):
            if isinstance(layer, Unknown) and (it.layers_built > before or _returns_model(it, mod, value)):
                return architecture.unresolved_model(entry.name, "torch", loc, layer)
            return None
    if isinstance(layer, Unknown):
        return architecture.unresolved_model(entry.name, getattr(value, "framework", None) or "torch", loc, layer)
    assert isinstance(layer, Layer)
    shapes = options.model_inputs.get(f"{mod.path}::{entry.name}") or options.model_inputs.get(entry.name) or entry.input_shapes
    if shapes is None and layer.framework in ("torch", "flax"):  # (a Flax module's parameters need one)
        shapes = main_inputs.get(id(layer.cls.node)) if layer.cls is not None else None
        if shapes is None:
            shapes = _example_input(layer)
        if shapes is None:
            shapes = options.input_shapes
    trace: Optional[List[Any]] = None
    shape_notes: List[Unresolved] = []
    op_macs: List[Optional[int]] = []
    macs_notes: List[Any] = []
    if shapes and (layer.framework in ("torch", "flax") or layer.framework == "keras" and layer.cls is not None and layer.graph is None):
        trace = []
        it.trace = trace
        it.op_macs = op_macs
        it.macs_notes = macs_notes
        it.trace_gap = None
        try:
            out = it.fw.call_layer(it, layer, [Tensor(s, layer.framework) for s in shapes], {}, entry.node)
            gap = out if isinstance(out, Unknown) else _unknown_inside(out)
            if gap is None:
                gap = it.trace_gap
            if gap is not None:
                shape_notes.append(Unresolved(f"forward: {gap.reason}", gap.location))
        except LimitExceeded as e:
            shape_notes.append(Unresolved(f"forward: {e.message}", loc))
        finally:
            it.trace = None
            it.op_macs = None
            it.macs_notes = None
    elif layer.framework == "keras" and layer.input_shape is not None and not isinstance(layer.input_shape, Unknown):
        shapes = (layer.input_shape,)
    else:
        shapes = None
    rep = architecture.report(entry.name, layer, loc, shapes, trace, op_macs=op_macs)
    if rep.total_macs is None and trace and not shape_notes:
        rep = _with_macs_notes(rep, macs_notes)
    if shape_notes:
        from dataclasses import replace

        # A forward pass that stopped early: totals over what was traced would be too small.
        rep = replace(rep, shape_notes=tuple(shape_notes), total_macs=None, total_activations=None)
    if options.on_model is not None:
        options.on_model(rep, layer, trace if trace is not None else layer.graph)
    return rep


def _example_input(layer: Any) -> Optional[Tuple[Shape, ...]]:
    """A LightningModule's ``example_input_array`` (the input Lightning's ModelSummary runs it
    on): a tensor, or a tuple or list of tensors given positionally, of known shape."""
    from paramlint.evaluate.library import is_lightning_module
    from paramlint.evaluate.values import Tensor

    example = layer.attrs.get("_example_input_array")
    if example is None or layer.cls is None or not is_lightning_module(layer.cls):
        return None
    items = example if isinstance(example, (tuple, list)) else (example,)
    if not items or not all(type(t) is Tensor and all(type(d) is int for d in t.shape) for t in items):
        return None
    return tuple(tuple(t.shape) for t in items)


def _with_macs_notes(rep: ModelReport, op_notes: List[Any]) -> ModelReport:
    """Why a traced model's MACs are unknown: the layer types whose cost is not modelled (the
    report has them), then each product in forward code."""
    from dataclasses import replace

    notes: List[Unresolved] = list(rep.macs_notes)
    seen: set = set()
    for reason, where in op_notes:
        if (reason, where) not in seen:
            seen.add((reason, where))
            notes.append(Unresolved(reason, where))
    return replace(rep, macs_notes=tuple(notes)) if notes else rep


def _unknown_inside(out: Any, depth: int = 0) -> Any:
    """An Unknown held in a forward pass's result (``return logits, aux`` with ``aux`` not
    followed): the pass's totals would miss what produced it."""
    from paramlint.evaluate.values import Unknown

    if isinstance(out, Unknown):
        return out
    if depth < 8 and isinstance(out, (list, tuple)):
        return next((u for u in (_unknown_inside(x, depth + 1) for x in out) if u is not None), None)
    if depth < 8 and isinstance(out, dict):
        return next((u for u in (_unknown_inside(x, depth + 1) for x in out.values()) if u is not None), None)
    return None


def _catalog_required(cls) -> List[str]:  # type: ignore[no-untyped-def]
    """Required constructor parameters of the catalog layer a class inherits ``__init__`` from
    (``class LayerNorm2d(nn.LayerNorm)`` needs ``normalized_shape``)."""
    from paramlint import catalog
    from paramlint.evaluate import framework
    from paramlint.evaluate.signatures import _REQUIRED, parse_signature

    base = framework.framework_base(cls)
    spec = catalog.lookup(base) if base is not None else None
    if spec is None or spec.role in ("base", "container"):
        return []
    return [n for n, kind, d in parse_signature(spec.signature) if kind in ("pos", "kwonly") and d is _REQUIRED]


def _returns_model(it, mod: ModuleNS, fn) -> bool:  # type: ignore[no-untyped-def]
    """A builder whose return annotation names a model class (``-> ResNet``): when it fails
    before building anything it is still reported, unresolved, rather than left out."""
    from paramlint.evaluate.interpreter import Env
    from paramlint.evaluate.introspection import unwrap
    from paramlint.evaluate.values import Class, External

    from paramlint import catalog

    target = unwrap(fn)
    node = getattr(target, "node", None)
    ann = getattr(getattr(node, "returns", None), "annotation", None)
    if ann is None:
        return _returns_layer_call(it, target, node)
    try:
        it.module = target.module
        v = it.eval(ann, Env({}, None, target.module))
        if isinstance(v, str):  # a forward reference
            v = target.module.ns.get(v)
    except Exception:
        return False
    finally:
        it.module = None
    if isinstance(v, Class):
        return v.framework is not None
    return isinstance(v, External) and catalog.lookup(v.qualname) is not None


def _returns_layer_call(it, target, node) -> bool:  # type: ignore[no-untyped-def]
    """A builder that returns a framework class's call (``return nn.Linear(4, 4) if flag else
    nn.Linear(4, 40)``): failing before it builds anything, it is a model all the same."""
    import libcst as cst

    from paramlint import catalog
    from paramlint.evaluate.havoc import calls_in, children
    from paramlint.evaluate.interpreter import Env
    from paramlint.evaluate.values import Class, External

    if not isinstance(node, cst.FunctionDef):
        return False
    stack: List[cst.CSTNode] = [node.body]
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.Return) and n.value is not None:
            for call in calls_in(n.value):
                f = call.func
                while isinstance(f, cst.Attribute):
                    f = f.value
                if not isinstance(f, cst.Name):  # only names and attribute chains: read, never run
                    continue
                try:
                    it.module = target.module
                    v = it.eval(call.func, Env({}, None, target.module))
                except Exception:
                    continue
                finally:
                    it.module = None
                if isinstance(v, Class) and v.framework is not None or isinstance(v, External) and catalog.lookup(v.qualname) is not None:
                    return True
        stack.extend(children(n))
    return False


def _main_inputs(project: Project, mod: ModuleNS, options: Options, data: Optional[bytes]) -> Dict[int, Tuple[Shape, ...]]:
    """Input shapes from example calls in the ``__main__`` block: ``Net()(torch.randn(1, 3, 32, 32))``,
    keyed by class definition. The block runs in a project of its own: what it changes
    (``CFG["width"] = 64`` before the call) is not seen by the models, which torch builds on
    import, where the block does not run."""
    from paramlint.evaluate.interpreter import Env

    assert mod.source is not None
    block = main_block(mod.source.tree)
    if block is None:
        return {}
    seen: Dict[int, Tuple[Shape, ...]] = {}
    own: Optional[Project] = None
    try:
        own, main, it = _apart(project, mod, options, data)
        it.run_module(main)
        it.steps = 0
        it.observe = seen
        it.module = main
        it.exec_block(block.body.body, Env({}, None, main))  # type: ignore[union-attr]
    except Exception:
        pass
    finally:
        if own is not None:
            project.files_read.update(own.files_read)  # the shapes depend on them too (cache key)
    return seen
