"""Framework truth: what the REAL frameworks report for a fixture file.

Used by tests/golden/make_golden.py (to write the checked-in goldens) and by
oracle tests (to compare paramlint against the frameworks).  Unlike paramlint,
this module imports and runs the fixture code, so use it only on our own files.

torch and keras are imported lazily inside the functions: importing this
module needs neither.  Keras is run with ``KERAS_BACKEND=torch`` (set here if
unset; keras must not have been imported with another backend already).

Entry points (found the way paramlint should find them), in source order:

* torch: top-level classes defined in the file that subclass ``nn.Module`` and
  whose ``__init__`` needs no argument; top-level functions defined in the
  file whose parameters all have defaults (or are ``*args``/``**kwargs``) and
  that return an ``nn.Module`` when called with none; top-level variables
  holding an ``nn.Module``.
* keras: the same with ``keras.Model`` / ``keras.Layer`` (a bare layer counts
  only once built).

Input shapes come from a ``# paramlint: input-shape=1,3,32,32`` comment on
the line directly above the ``class``/``def``/assignment line (or above its
first decorator).  An optional ``input-dtype=int64`` on the same comment makes
the probe input ``torch.zeros(shape, dtype=int64)`` (token ids) instead of
``torch.randn(shape)``.  Without one, a LightningModule's ``example_input_array``
gives the shape (the input Lightning's ModelSummary runs).  Keras models take
their shape from ``keras.Input``.

Layer rows (torch): every leaf module (one without children) from
``named_modules()``, with its OWN parameters (``recurse=False``), each
Parameter object counted once across the model -- a tied weight is counted at
its first owner in ``named_modules()`` order; plus one row per parameter
registered directly on a non-leaf module (path = dotted parameter name, type
"Parameter", ``shape`` = its shape).  The rows' params add up to the total.
Without an input shape the rows are in ``named_modules()`` order
(``layer_order: "registration"``).  With one, the model is run once in eval
mode under ``torch.no_grad()`` with forward hooks (``layer_order: "call"``):
one row per call of a leaf module in call order (a module called twice gives
two rows; its params sit on the first, later calls show 0 and
``"repeat": true``); a non-leaf module's direct Parameter rows come when its
forward starts; leaf modules under it that were never called (e.g.
``nn.MultiheadAttention.out_proj``, used through its weight) get a row with
``output_shape: null`` when its forward ends.  ``output_shape`` keeps the batch
dimension of the probe input; a tuple output gives a list of shapes (null for
non-tensors).

Layer rows (keras): ``model.layers`` in order, InputLayer excluded: ``path``
= layer name, ``type`` = class name, ``params`` = ``layer.count_params()``,
``output_shape`` with the batch dimension as null.  Auto-generated layer names
("conv2d_1") depend on Keras' per-session counters: each truth is taken after
``keras.backend.clear_session()`` and a fresh import of the fixture, so a
module-level model gets the names that ``python fixture.py`` would give it;
builder functions are called after a second ``clear_session()`` (names as in a
fresh session).

Files that ``import tensorflow`` are run with ``tensorflow.keras`` aliased to
Keras 3 when tensorflow is not installed (``tf_keras_shim`` is then true).

Expect comments: a trailing ``# expect: total=N trainable=N non_trainable=N``
on an entry point's line, and ``# expect: params=N`` on the line where a layer
is constructed (the layer's parameters, recursively).  ``check_expectations``
compares them with the frameworks.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import io
import itertools
import math
import os
import re
import sys
import tokenize
import types
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

__all__ = [
    "EntryPoint",
    "Expectation",
    "check_expectations",
    "detect_framework",
    "entry_points",
    "file_truth",
    "keras_truth",
    "parse_entry_candidates",
    "parse_expectations",
    "torch_truth",
]

_INPUT_RE = re.compile(r"#\s*paramlint:\s*(.*)$")
_EXPECT_RE = re.compile(r"#\s*expect:\s*(.*)$")
_counter = itertools.count()


# --------------------------------------------------------------------------
# source-level helpers (no framework needed)


class EntryPoint(dict):
    """A candidate entry point: name, kind ('class'|'function'|'variable'),
    line, input_shape, input_dtype, expect (dict from the trailing comment)."""


class Expectation(dict):
    """An ``# expect:`` comment: line, values (dict name -> int)."""


def _comments(source: str) -> Dict[int, str]:
    out: Dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string
    return out


def _kv(text: str) -> Dict[str, str]:
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def parse_expectations(path) -> List[Expectation]:
    source = Path(path).read_text()
    out = []
    for line, text in sorted(_comments(source).items()):
        m = _EXPECT_RE.search(text)
        if m:
            out.append(Expectation(line=line, values={k: int(v.replace(",", "").replace("_", ""))
                                                      for k, v in _kv(m.group(1)).items()}))
    return out


def parse_entry_candidates(path) -> List[EntryPoint]:
    """Top-level classes, functions and simple-name assignments, in source order,
    with their input-shape comment and expect comment."""
    source = Path(path).read_text()
    comments = _comments(source)
    expects = {e["line"]: e["values"] for e in parse_expectations(path)}
    tree = ast.parse(source)
    out: List[EntryPoint] = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [node.name]
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            kind, first = "variable", node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names, kind, first = [node.target.id], "variable", node.lineno
        else:
            continue
        shape = dtype = None
        for above in {first - 1, node.lineno - 1}:
            m = _INPUT_RE.search(comments.get(above, ""))
            if m:
                kv = _kv(m.group(1))
                if "input-shape" in kv:
                    shape = [int(s) for s in kv["input-shape"].split(",")]
                dtype = kv.get("input-dtype", dtype)
        for name in names:
            out.append(EntryPoint(name=name, kind=kind, line=node.lineno, input_shape=shape,
                                  input_dtype=dtype, expect=expects.get(node.lineno)))
    return out


def detect_framework(path) -> str:
    """'keras' if the file imports keras / tensorflow, else 'torch'."""
    tree = ast.parse(Path(path).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    if roots & {"keras", "tensorflow", "tf_keras"}:
        return "keras"
    return "torch"


def _imports_tensorflow(path) -> bool:
    tree = ast.parse(Path(path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "tensorflow" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "tensorflow":
            return True
    return False


# --------------------------------------------------------------------------
# loading fixture modules


def _package_root(path: Path) -> Tuple[Optional[Path], Optional[str]]:
    """For a file inside a package: (dir to put on sys.path, dotted module name)."""
    parts = [path.stem]
    d = path.parent
    if not (d / "__init__.py").exists():
        return None, None
    while (d / "__init__.py").exists():
        parts.insert(0, d.name)
        d = d.parent
    if parts[-1] == "__init__":
        parts.pop()
    return d, ".".join(parts)


def _load_module(path) -> types.ModuleType:
    """Import a fixture file afresh (executing its module-level code again)."""
    path = Path(path).resolve()
    root, dotted = _package_root(path)
    if dotted is not None:
        top = dotted.split(".")[0]
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
        sys.path.insert(0, str(root))
        try:
            importlib.invalidate_caches()
            return importlib.import_module(dotted)
        finally:
            sys.path.remove(str(root))
    name = "_paramlint_fixture_%s_%d" % (re.sub(r"\W", "_", path.stem), next(_counter))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses & co. look their module up here
    spec.loader.exec_module(mod)
    return mod


def _callable_without_args(fn) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not inspect.Parameter.empty
        or p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in sig.parameters.values()
    )


def _materialise(mod, cand: EntryPoint, base_type, before_call=None):
    """Build the object an entry candidate stands for, or return None if the
    candidate is not an entry point of this framework."""
    obj = getattr(mod, cand["name"], None)
    if cand["kind"] == "class":
        if not (isinstance(obj, type) and issubclass(obj, base_type)) or not _callable_without_args(obj):
            return None
        if before_call:
            before_call()
        return obj()
    if cand["kind"] == "function":
        if not callable(obj) or not _callable_without_args(obj):
            return None
        if before_call:
            before_call()
        result = obj()
        return result if isinstance(result, base_type) else None
    return obj if isinstance(obj, base_type) else None


# --------------------------------------------------------------------------
# where layers are constructed (for '# expect: params=' comments)


@contextlib.contextmanager
def _record_construction_lines(init_owner, files, registry: Dict[int, Tuple[Any, str, int]]):
    """Patch ``init_owner.__init__`` so every instance records the line of the
    innermost frame in ``files`` that is not part of its own constructor."""
    original = init_owner.__init__
    files = {str(Path(f).resolve()) for f in files}

    def __init__(self, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_locals.get("self") is not self and str(Path(frame.f_code.co_filename).resolve()) in files:
                registry[id(self)] = (self, str(Path(frame.f_code.co_filename).resolve()), frame.f_lineno)
                break
            frame = frame.f_back
        return original(self, *args, **kwargs)

    init_owner.__init__ = __init__
    try:
        yield
    finally:
        init_owner.__init__ = original


def _fixture_files(path: Path) -> List[Path]:
    root, dotted = _package_root(path)
    if dotted is None:
        return [path]
    pkg_dir = root / dotted.split(".")[0]
    return sorted(pkg_dir.rglob("*.py"))


# --------------------------------------------------------------------------
# torch


def _torch_version() -> str:
    import torch

    return "torch " + torch.__version__.split("+")[0]


def _lightning_too(path) -> str:
    """Which Lightning ran a fixture that imports it (its LightningModules are Lightning's)."""
    if "lightning" not in Path(path).read_text(encoding="utf-8"):
        return ""
    import lightning

    return f", lightning {lightning.__version__}"


def _shape(out):
    import torch

    if isinstance(out, torch.Tensor):
        return list(out.shape)
    if isinstance(out, (tuple, list)):
        return [_shape(o) for o in out]
    return None


def _torch_rows(model, input_shape=None, input_dtype=None):
    import torch
    from torch import nn

    seen_params = set()
    own: Dict[str, List[Tuple[str, Any]]] = {}  # module path -> its counted params
    modules = list(model.named_modules())
    for path, mod in modules:
        own[path] = []
        for pname, p in mod.named_parameters(recurse=False):
            if id(p) not in seen_params:
                seen_params.add(id(p))
                own[path].append((pname, p))

    def n(params):
        return sum(p.numel() for _, p in params)

    def leaf_row(path, mod):
        return {"path": path, "type": type(mod).__name__, "params": n(own[path]), "output_shape": None}

    def param_rows(path):
        prefix = path + "." if path else ""
        return [{"path": prefix + pname, "type": "Parameter", "params": p.numel(), "output_shape": None,
                 "shape": list(p.shape)} for pname, p in own[path]]

    leaves = {path for path, mod in modules if not any(True for _ in mod.children())}
    if input_shape is None:
        rows = []
        for path, mod in modules:
            rows.extend([leaf_row(path, mod)] if path in leaves else param_rows(path))
        return rows, "registration"

    rows: List[dict] = []
    emitted: Dict[str, dict] = {}  # leaf path -> its first row
    started = set()
    path_of = {id(mod): path for path, mod in modules}
    descendants = {path: [p for p, _ in mod.named_modules(prefix=path) if p in leaves]
                   for path, mod in modules}

    def pre_hook(mod, args):
        path = path_of[id(mod)]
        if path not in leaves and path not in started:
            started.add(path)
            rows.extend(param_rows(path))

    def post_hook(mod, args, out):
        path = path_of[id(mod)]
        if path in leaves:
            first = emitted.get(path)
            if first is None:
                row = leaf_row(path, mod)
                row["output_shape"] = _shape(out)
                rows.append(row)
                emitted[path] = row
            elif first.get("_uncalled"):
                first["output_shape"] = _shape(out)
                del first["_uncalled"]
            else:
                rows.append({"path": path, "type": type(mod).__name__, "params": 0,
                             "output_shape": _shape(out), "repeat": True})
        else:
            for leaf in descendants[path]:
                if leaf not in emitted:
                    row = leaf_row(leaf, dict(modules)[leaf])
                    row["_uncalled"] = True
                    rows.append(row)
                    emitted[leaf] = row

    handles = []
    for path, mod in modules:
        handles.append(mod.register_forward_pre_hook(pre_hook))
        handles.append(mod.register_forward_hook(post_hook))
    try:
        if input_dtype:
            x = torch.zeros(input_shape, dtype=getattr(torch, input_dtype))
        else:
            torch.manual_seed(0)
            x = torch.randn(input_shape)
        was_training = model.training
        model.eval()
        with torch.no_grad():
            model(x)
        model.train(was_training)
    finally:
        for h in handles:
            h.remove()
    # anything never reached (params of modules whose forward never ran, ...)
    for path, mod in modules:
        if path in leaves and path not in emitted:
            rows.append(leaf_row(path, mod))
        elif path not in leaves and path not in started:
            rows.extend(param_rows(path))
    for row in rows:
        row.pop("_uncalled", None)
    return rows, "call"


def _example_input_shape(model):
    """A LightningModule's ``example_input_array`` (the input Lightning's ModelSummary runs):
    the shape of a tensor, or of the single tensor in a tuple or list."""
    import torch

    example = getattr(model, "example_input_array", None)
    if isinstance(example, (tuple, list)) and len(example) == 1:
        example = example[0]
    return list(example.shape) if isinstance(example, torch.Tensor) else None


def torch_model_truth(model, input_shape=None, input_dtype=None) -> dict:
    """Figures for an already-built nn.Module."""
    params = list(model.parameters())  # torch yields a shared Parameter once
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    rows, order = _torch_rows(model, input_shape, input_dtype)
    assert sum(r["params"] for r in rows) == total, "layer rows do not add up to the total"
    return {
        "type": type(model).__name__,
        "total_params": total,
        "trainable_params": trainable,
        "non_trainable_params": total - trainable,
        "buffer_elements": sum(b.numel() for b in model.buffers()),
        "input_shape": list(input_shape) if input_shape is not None else None,
        "input_dtype": input_dtype,
        "layer_order": order,
        "layers": rows,
    }


def _torch_entries(path, only=None, construction=None):
    from torch import nn

    path = Path(path).resolve()
    cands = [c for c in parse_entry_candidates(path) if only is None or c["name"] == only]
    registry: Dict[int, Tuple[Any, str, int]] = {}
    with _record_construction_lines(nn.Module, _fixture_files(path), registry):
        mod = _load_module(path)
        built = []
        for cand in cands:
            obj = _materialise(mod, cand, nn.Module)
            if obj is not None:
                built.append((cand, obj))
    if construction is not None:
        construction.extend(registry.values())
    return built


def torch_truth(path, name, input_shape=None, input_dtype=None) -> dict:
    """Framework figures for entry point ``name`` of a torch fixture file.
    ``input_shape`` defaults to the ``# paramlint: input-shape=`` comment."""
    built = _torch_entries(path, only=name)
    if not built:
        raise LookupError("%s: no torch entry point named %r" % (path, name))
    cand, model = built[0]
    if input_shape is None:
        input_shape, input_dtype = cand["input_shape"] or _example_input_shape(model), input_dtype or cand["input_dtype"]
    truth = torch_model_truth(model, input_shape, input_dtype)
    truth.update(kind=cand["kind"], line=cand["line"], produced_by=_torch_version() + _lightning_too(path))
    return truth


# --------------------------------------------------------------------------
# keras


def _import_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    if keras.backend.backend() != "torch":
        raise RuntimeError("keras already imported with backend %r; need torch" % keras.backend.backend())
    return keras


@contextlib.contextmanager
def _tensorflow_shim(path):
    """Let ``import tensorflow as tf`` / ``tf.keras`` run on Keras 3 when
    tensorflow is not installed.  Yields True when the shim is active."""
    if not _imports_tensorflow(path) or importlib.util.find_spec("tensorflow") is not None:
        yield False
        return
    keras = _import_keras()
    tf = types.ModuleType("tensorflow")
    tf.__version__ = "0+keras3-shim"
    tf.keras = keras
    saved = {n: sys.modules.get(n) for n in ("tensorflow", "tensorflow.keras", "tensorflow.keras.layers")}
    sys.modules["tensorflow"] = tf
    sys.modules["tensorflow.keras"] = keras
    sys.modules["tensorflow.keras.layers"] = keras.layers
    try:
        yield True
    finally:
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m


def _keras_version() -> str:
    keras = _import_keras()
    return "keras %s (%s backend)" % (keras.__version__, keras.backend.backend())


def _nelems(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _keras_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_keras_shape(s) for s in shape]
    return [None if d is None else int(d) for d in shape]


def keras_model_truth(model) -> dict:
    keras = _import_keras()
    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            out = layer.output
            out_shape = _keras_shape([o.shape for o in out] if isinstance(out, (list, tuple)) else out.shape)
        except (AttributeError, ValueError):  # layer never called, or called several times
            out_shape = None
        layers.append({"path": layer.name, "type": type(layer).__name__,
                       "params": int(layer.count_params()), "output_shape": out_shape})
    input_shape = None
    try:
        inputs = model.inputs
        if inputs:
            input_shape = (_keras_shape(inputs[0].shape) if len(inputs) == 1
                           else [_keras_shape(i.shape) for i in inputs])
    except (AttributeError, ValueError):
        pass
    return {
        "type": type(model).__name__,
        "model_name": model.name,
        "total_params": int(model.count_params()),
        "trainable_params": _nelems(model.trainable_weights),
        "non_trainable_params": _nelems(model.non_trainable_weights),
        "input_shape": input_shape,
        "layer_order": "model.layers",
        "layers": layers,
    }


def _keras_entries(path, only=None, construction=None):
    """[(candidate, model)], each entry point built after clear_session() and
    a fresh import of the file (so auto-names do not depend on the others)."""
    keras = _import_keras()
    path = Path(path).resolve()
    out = []
    with _tensorflow_shim(path) as shimmed:
        names = [c["name"] for c in parse_entry_candidates(path) if only is None or c["name"] == only]
        for name in names:
            registry: Dict[int, Tuple[Any, str, int]] = {}
            keras.backend.clear_session()
            with _record_construction_lines(keras.layers.Layer, _fixture_files(path), registry):
                mod = _load_module(path)
                cand = next(c for c in parse_entry_candidates(path) if c["name"] == name)
                obj = _materialise(mod, cand, keras.layers.Layer, before_call=keras.backend.clear_session)
            if obj is None or not obj.built:
                continue
            cand["tf_keras_shim"] = shimmed
            out.append((cand, obj))
            if construction is not None:
                construction.extend(registry.values())
    return out


def keras_truth(path, name) -> dict:
    """Framework figures for entry point ``name`` of a Keras fixture file."""
    built = _keras_entries(path, only=name)
    if not built:
        raise LookupError("%s: no keras entry point named %r" % (path, name))
    cand, model = built[0]
    truth = keras_model_truth(model)
    truth.update(kind=cand["kind"], line=cand["line"], produced_by=_keras_version())
    if cand["tf_keras_shim"]:
        truth["tf_keras_shim"] = True
    return truth


# --------------------------------------------------------------------------
# whole files


def entry_points(path) -> List[EntryPoint]:
    """The entry points the framework confirms, in source order."""
    if detect_framework(path) == "keras":
        return [c for c, _ in _keras_entries(path)]
    return [c for c, _ in _torch_entries(path)]


def file_truth(path) -> dict:
    """Golden document for one fixture file."""
    path = Path(path).resolve()
    framework = detect_framework(path)
    models = {}
    if framework == "keras":
        entries = _keras_entries(path)
        produced_by = _keras_version()
        shim = any(c.get("tf_keras_shim") for c, _ in entries)
        for cand, model in entries:
            t = keras_model_truth(model)
            models[cand["name"]] = dict(kind=cand["kind"], line=cand["line"], **t)
        doc = {"produced_by": produced_by}
        if shim:
            doc["note"] = ("tensorflow is not installed: this tf.keras source was run on Keras 3 "
                           "with tensorflow.keras aliased to keras; the figures are Keras 3's")
    else:
        produced_by = _torch_version() + _lightning_too(path)
        for cand, model in _torch_entries(path):
            t = torch_model_truth(model, cand["input_shape"] or _example_input_shape(model), cand["input_dtype"])
            models[cand["name"]] = dict(kind=cand["kind"], line=cand["line"], **t)
        doc = {"produced_by": produced_by}
    doc["framework"] = framework
    doc["models"] = models
    return doc


def check_expectations(path) -> List[str]:
    """Compare every ``# expect:`` comment of a fixture file (and, for a
    package, of the files it is built from) with the framework.  Returns a list
    of problems (empty when all agree)."""
    path = Path(path).resolve()
    framework = detect_framework(path)
    construction: List[Tuple[Any, str, int]] = []
    if framework == "keras":
        built = _keras_entries(path, construction=construction)
        figures = {c["name"]: keras_model_truth(m) for c, m in built}

        def layer_params(obj):
            return int(obj.count_params()) if obj.built else None
    else:
        built = _torch_entries(path, construction=construction)
        figures = {c["name"]: torch_model_truth(m) for c, m in built}

        def layer_params(obj):
            return sum(p.numel() for p in obj.parameters())

    problems = []
    by_line = {c["line"]: c["name"] for c, _ in built}
    constructed: Dict[int, set] = {}
    for obj, filename, line in construction:
        if filename == str(path):
            constructed.setdefault(line, set()).add(layer_params(obj))
    for exp in parse_expectations(path):
        line, values = exp["line"], exp["values"]
        where = "%s:%d" % (path.name, line)
        if "params" in values:
            got = constructed.get(line)
            if not got:
                problems.append("%s: expect params=%d but no layer is built on this line" % (where, values["params"]))
            elif got != {values["params"]}:
                problems.append("%s: expect params=%d, framework says %s" % (where, values["params"], sorted(got, key=str)))
        keys = {"total": "total_params", "trainable": "trainable_params", "non_trainable": "non_trainable_params"}
        if set(values) & set(keys):
            name = by_line.get(line)
            if name is None:
                problems.append("%s: expect totals on a line that is no entry point" % where)
                continue
            for k, field in keys.items():
                if k in values and values[k] != figures[name][field]:
                    problems.append("%s: %s: expect %s=%d, framework says %d"
                                    % (where, name, k, values[k], figures[name][field]))
    for cand, _ in built:
        if not cand["expect"]:
            problems.append("%s:%d: entry point %s has no '# expect:' comment" % (path.name, cand["line"], cand["name"]))
    return problems
