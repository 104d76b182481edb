"""Keras semantics: lazy layers built from the first input shape, ``Sequential``, the
functional graph (``Model(inputs, outputs)``), layer auto-naming and weight tracking.
"""

from __future__ import annotations

import collections
import math
import re
from typing import Any, Dict, List, Sequence, Tuple

from paramlint.catalog.spec import LayerSpec
from paramlint.evaluate.isolation import touch
from paramlint.evaluate import keras_dtypes
from paramlint.evaluate.framework import FORWARD_TRAINABLE, SET_TRAINABLE
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import first_set, Builtin, Call, Layer, Param, Tensor, Unknown

_MISSING = object()


def snake(name: str) -> str:
    """Keras' ``to_snake_case`` (``Conv2D`` → ``conv2d``, ``ReLU`` → ``re_lu``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def assign_name(it: Any, layer: Layer, name: Any) -> None:
    if isinstance(name, str):
        layer.name = name
        return
    # a Model built from inputs and outputs is Keras 3's Functional: "functional", "functional_1"
    base = "functional" if layer.cls is None and layer.spec is not None and layer.spec.name == "Model" else snake(layer.type_name)
    n = it.keras_names.get(base, 0)
    it.keras_names[base] = n + 1
    layer.name = base if n == 0 else f"{base}_{n}"


def _kwargs(bound: Dict[str, Any]) -> Dict[str, Any]:
    kw = bound.get("kwargs")
    return kw if isinstance(kw, dict) else {}


#: dtype policies whose layers hold other weights (int8 kernels and their scales...).
_QUANTIZED = ("int8", "int4", "float8", "gptq", "awq")


def init(it: Any, spec: LayerSpec, layer: Layer, bound: Dict[str, Any], node: Any) -> Any:
    kw = _kwargs(bound)
    dtype = bound.get("dtype", kw.get("dtype"))
    if bound.get("lora_rank", kw.get("lora_rank")) is not None or (isinstance(dtype, str) and dtype.startswith(_QUANTIZED)) \
            or bound.get("quantization_config", kw.get("quantization_config")) is not None:
        layer.uncertain = it.unknown(f"{spec.name}: LoRA or quantized weights are not modelled", node)
    fmt = it.project.keras_config.get("image_data_format")
    if fmt is not None and "data_format" in bound and bound["data_format"] is None:
        if isinstance(fmt, Unknown):
            layer.uncertain = fmt
        bound["data_format"] = fmt  # the global setting a layer without its own follows
    if bound.get("trainable", kw.get("trainable")) is False:
        layer.attrs["trainable"] = False  # Sequential(..., trainable=False): a frozen model
    if spec.name in ("Embedding", "ReversibleEmbedding") and bound.get("mask_zero") is not False \
            or spec.name == "Masking" or spec.name == "Lambda" and bound.get("mask") is not None:
        it.project.keras_mask_sources += 1  # (a tensor it outputs may carry a mask)
    if spec.name == "Bidirectional" and isinstance(bound.get("layer"), Layer):
        layer.attrs[FORWARD_TRAINABLE] = it.fw.layer_trainable(bound["layer"])
    if isinstance(bound.get("name") or kw.get("name"), str):
        layer.name = bound.get("name") or kw.get("name")
    # its dtype policy, fixed now (a global policy set later does not change it):
    # keras_dtypes.layer_dtype answers dtype_policy, compute_dtype...
    layer.attrs["__dtype__"] = dtype if dtype is not None else keras_dtypes.policy(it, None, node)
    if spec.name == "Sequential":
        layers = bound.get("layers")
        if layers is not None:
            seq = it.fw.iterate(it, layers, node)
            if isinstance(seq, Unknown):
                layer.uncertain = seq
                return None
            for item in seq:  # (as Keras: each added without a rebuild, then one rebuild)
                add(it, layer, item, node, rebuild=False)
            _rebuild(it, layer, node)
        return None
    if spec.name == "Model" or (spec.role == "base" and ("inputs" in kw or bound.get("args"))):
        args = list(bound.get("args", ()))
        inputs = kw.get("inputs", args[0] if args else None)
        outputs = kw.get("outputs", args[1] if len(args) > 1 else None)
        if inputs is not None and outputs is not None:
            return functional(it, layer, inputs, outputs, node)
        return None
    shape = kw.get("input_shape")
    if shape is None and kw.get("input_dim") is not None:
        shape = (kw.get("input_dim"),)
    if shape is not None:
        layer.input_shape = _batch_shape(it, shape, kw.get("batch_size"), node)
    layer.built = spec.role != "leaf"
    return None


def _batch_shape(it: Any, shape: Any, batch: Any, node: Any) -> Any:
    if isinstance(shape, Unknown):
        return shape
    if isinstance(shape, int):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        return it.unknown("input shape must be a tuple", node)
    dims = []
    for d in shape:
        if d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0):
            dims.append(d)
        else:
            return d if isinstance(d, Unknown) else it.unknown("input shape must hold ints or None", node)
    return (batch if isinstance(batch, int) else None,) + tuple(dims)


def input_layer(it: Any, spec: LayerSpec, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.Input(shape=...)`` (a symbolic tensor) or ``InputLayer(...)`` (a marker layer)."""
    from paramlint.evaluate import signatures

    bound = signatures.bind(spec.signature, args, kwargs, spec.name)
    if isinstance(bound, str):
        return it.unknown(bound, node)
    kw = _kwargs(bound)
    if bound.get("batch_shape") is not None:
        bs = bound["batch_shape"]
        shape = _batch_shape(it, tuple(bs)[1:], tuple(bs)[0], node) if isinstance(bs, (tuple, list)) and bs else it.unknown("batch_shape", node)
    else:
        raw = bound.get("shape") if bound.get("shape") is not None else kw.get("input_shape")
        if raw is None:
            return it.unknown("Input() without a shape", node)
        shape = _batch_shape(it, raw, bound.get("batch_size"), node)
    if isinstance(shape, Unknown):
        return shape
    t = Tensor(shape, "keras")
    name = bound.get("name", kw.get("name"))
    if name is None:  # Keras's auto-name: "input_layer", "input_layer_1"...
        n = it.keras_names.get("input_layer", 0)
        it.keras_names["input_layer"] = n + 1
        name = "input_layer" if n == 0 else f"input_layer_{n}"
    elif not isinstance(name, str):
        name = name if isinstance(name, Unknown) else it.unknown("an Input name that is not a string", node)
    it.project.keras_input_layers[id(t)] = (t, None, name)  # (its InputLayer: made when first listed)
    return t


def _out_shape(it: Any, layer: Layer, shape: Any, node: Any) -> Any:
    from paramlint.evaluate.catalog_calls import spec_output

    if layer.spec is None:
        return it.unknown(f"output shape of {layer.type_name} is not modelled", node)
    return spec_output(it, layer.spec, layer.args, shape, node)


def build(it: Any, layer: Layer, shape: Any, node: Any) -> None:
    if layer.built or layer.spec is None or layer.spec.role != "leaf":
        layer.built = True
        return
    layer.input_shape = shape
    it.fw.build_params(it, layer, shape, node)
    layer.built = True


def apply_leaf(it: Any, layer: Layer, x: Any, node: Any) -> Any:
    """One call of a catalog layer on a symbolic tensor (or a list, for merge layers): build,
    shape, graph node."""
    xs = tuple(x) if isinstance(x, (list, tuple)) else (x,)
    in_shape = tuple(t.shape for t in xs) if isinstance(x, (list, tuple)) else x.shape
    if not layer.built:
        build(it, layer, in_shape, node)
    out = layer.uncertain if layer.uncertain is not None else _out_shape(it, layer, in_shape, node)
    shape = out if not isinstance(out, Unknown) else None
    c = Call(layer, shape, tuple(t.shape for t in xs))
    if it.trace is not None:
        it.trace.append(c)
    if isinstance(out, Unknown):
        return out
    return applied(layer, Tensor(out, "keras", c, xs))


def applied(layer: Layer, out: Any) -> Any:
    """Record one symbolic application's output (``layer.output`` is it when there is one)."""
    apps = layer.attrs.get("__applications__")
    if apps is None:
        apps = layer.attrs["__applications__"] = []
    apps.append(out)
    return out


def _is_merge(layer: Layer) -> bool:
    return layer.spec is not None and bool(layer.spec.extra.get("merge"))


def explicit_build(layer: Layer, method: Any) -> Builtin:
    """``sub.build(shape)`` called by hand on a subclass: Keras's build wrapper marks the layer
    built, so its first call does not build it again (new sublayers, new weights)."""
    def run(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        r = it.call(method, args, kwargs, node)
        layer.attrs["__built__"] = True
        layer.built = True  # (a subclass of a catalog layer whose own build() makes its weights)
        return r
    return Builtin("build", run)


def call(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = args[0] if args else kwargs.get("inputs")
    spec = layer.spec
    if layer.cls is not None:
        from paramlint.evaluate.attributes import class_attr

        fn = class_attr(it, layer.cls, "call", node, layer)
        own_call = not isinstance(fn, Unknown) and not hasattr(fn, "qualname")
        if not layer.attrs.get("__called__") and not layer.attrs.get("__built__") and (own_call or not layer.built):
            # Keras runs a subclass's build() once, on the first call, with the shapes of
            # call()'s tensor arguments (a subclass of a catalog layer too: its build() decides
            # which of the catalog weights exist, through super().build()).
            b = class_attr(it, layer.cls, "build", node, layer)
            if not isinstance(b, Unknown) and not hasattr(b, "qualname"):
                layer.attrs["__called__"] = True
                u = _maybe_build(it, layer, fn, b, args, kwargs, node)
                layer.built = True
                if u is not None:
                    if layer.uncertain is None:
                        layer.uncertain = u
                    return u
            elif own_call:
                layer.attrs["__called__"] = True
                if spec is not None and spec.role == "leaf" and not layer.built:
                    # a catalog layer's own build(), with the shapes of the overriding call()'s
                    # tensors (keras-hub's cached attention subclasses MultiHeadAttention)
                    cb = get_attr(it, layer, "build", node)
                    names = _BUILD_NAMES.get(spec.name, ("input_shape",))
                    u = _call_with_shapes(it, layer, fn, cb, "build", args, kwargs, node, names)
                    if isinstance(u, Unknown):
                        layer.uncertain = first_set(layer.uncertain, u)
                        return u
                layer.built = True
                if isinstance(x, Tensor) and x.framework == "keras" and it.trace is None \
                        and any(isinstance(c, Layer) and not c.built for c in layer.children.values()) \
                        and _own(class_attr(it, layer.cls, "compute_output_shape", node, layer)):
                    # Keras's _maybe_build without a build(): a layer holding unbuilt sublayers
                    # runs call() once on the symbolic inputs to build them (ops there take no
                    # names: they run on placeholder tensors), even when compute_output_shape()
                    # declares its output (without one, the call below builds them)
                    saved = dict(it.keras_names)
                    r = it.call(fn, args, kwargs, node)
                    it.keras_names = saved
                    if isinstance(r, Unknown) and layer.uncertain is None:
                        layer.uncertain = r  # (a build that stopped: its sublayers may be half built)
        if own_call:
            ocs = class_attr(it, layer.cls, "compute_output_shape", node, layer)
            if isinstance(x, Tensor) and x.framework == "keras" and it.trace is None and _own(ocs):
                # Keras builds a symbolic call's output from the layer's own compute_output_shape()
                # (Layer.compute_output_spec), without running call()
                return _as_node(it, layer, _tensors_in([*args, *kwargs.values()]), _declared_output(it, layer, fn, ocs, args, kwargs, node),
                                (args, kwargs))
            return _as_node(it, layer, _tensors_in([*args, *kwargs.values()]), it.call(fn, args, kwargs, node), (args, kwargs))
    if spec is not None and spec.name == "Lambda" and layer.cls is None and layer.args.get("output_shape") is None \
            and isinstance(x, Tensor) and x.framework == "keras" and it.trace is None:
        # Keras infers a Lambda's output by running its function on the symbolic input (the
        # node is the Lambda layer itself, no weights); an explicit output_shape wins (not here)
        extra = layer.args.get("arguments")
        if extra is None or isinstance(extra, dict) and all(isinstance(k, str) for k in extra):
            saved = dict(it.keras_names)
            out = it.call(layer.args.get("function"), [x], dict(extra or {}), node)
            it.keras_names = saved  # (a symbolic run inside the layer names no layers)
            if isinstance(out, Tensor):
                layer.built = True
                return _as_node(it, layer, x, out)
    if spec is not None and spec.name == "Sequential" or layer.graph is not None:
        if layer.graph is not None and spec is not None and spec.name != "Sequential":
            return apply_model(it, layer, x, node)
        for child in layer.children.values():
            if child is None:
                continue
            if isinstance(x, Tensor) and x.framework == "keras" and not child.attrs.get("__inlined__"):
                touch(it, child)
                child.attrs["__inlined__"] = True  # (the Sequential is one graph node in Keras: see _layers)
            x = call(it, child, [x], {}, node)
        return x
    if spec is not None and "forward" in spec.extra:
        from paramlint.evaluate import catalog_calls

        return catalog_calls.call_keras(it, layer, args, kwargs, node)
    if isinstance(x, (list, tuple)) and _is_merge(layer):
        for t in x:
            if isinstance(t, Unknown):
                return t
            if not isinstance(t, Tensor):
                return it.unknown(f"{layer.type_name} called on a list holding a non-tensor", node)
        return apply_leaf(it, layer, list(x), node)
    if isinstance(x, (list, tuple)):
        return it.unknown(f"{layer.type_name} on several inputs is not modelled", node)
    if not isinstance(x, Tensor):
        return x if isinstance(x, Unknown) else it.unknown(f"{layer.type_name} called on a non-tensor", node)
    return apply_leaf(it, layer, x, node)


def _own(method: Any) -> bool:
    """Whether a class lookup found the subclass's own method (not Keras's, not unknown)."""
    return not isinstance(method, Unknown) and not hasattr(method, "qualname")


def _declared_output(it: Any, layer: Layer, call_fn: Any, ocs: Any, args: List[Any], kwargs: Dict[str, Any],
                     node: Any) -> Any:
    """The symbolic output a subclass's ``compute_output_shape`` declares (Keras's
    ``Layer.compute_output_spec``): given the shapes of call()'s tensor arguments as build()
    is; a shape is one tensor, a list or tuple of shapes as many (a dict of them is unknown)."""
    r = _call_with_shapes(it, layer, call_fn, ocs, "compute_output_shape", args, kwargs, node)
    if isinstance(r, list) and r and (r[0] is None or type(r[0]) is int):
        r = tuple(r)
    out = _as_tensors(r)
    if out is not None:
        return out
    return r if isinstance(r, Unknown) else it.unknown("compute_output_shape() did not return a shape", node)


def _as_tensors(r: Any) -> Any:
    """Keras tensors for a shape or a list or tuple of shapes (the graph node links flat
    outputs only); None for anything else."""
    def shape(v: Any) -> bool:
        return isinstance(v, tuple) and all(d is None or type(d) is int for d in v)

    if shape(r):
        return Tensor(r, "keras")
    if isinstance(r, (list, tuple)) and r and all(shape(v) and v for v in r):
        items = [Tensor(v, "keras") for v in r]
        return items if isinstance(r, list) else tuple(items)
    return None


def _maybe_build(it: Any, layer: Layer, call_fn: Any, build_fn: Any, args: List[Any], kwargs: Dict[str, Any],
                 node: Any) -> Any:
    """Keras's ``Layer._maybe_build``: ``build()`` with the shapes of call()'s tensor arguments.
    None, or the Unknown that stops the build (an argument that may or may not be a tensor, a
    build that fails: its weights would be missing)."""
    r = _call_with_shapes(it, layer, call_fn, build_fn, "build", args, kwargs, node)
    return r if isinstance(r, Unknown) else None


def _call_with_shapes(it: Any, layer: Layer, call_fn: Any, target: Any, what: str, args: List[Any],
                      kwargs: Dict[str, Any], node: Any, names: Any = None) -> Any:
    """``target`` (``build`` or ``compute_output_shape``) called as Keras calls it
    (``update_shapes_dict_for_target_fn``): ``<arg>_shape`` for each tensor argument of
    ``call()`` (a list or dict of tensors: the same structure of shapes; ``mask`` arguments
    left out); a one-argument target gets the first of them, whatever its name. ``names``:
    the target's parameters, when it is not a project function (a catalog layer's build)."""
    from paramlint.evaluate.interpreter import _plan
    from paramlint.evaluate.values import BoundMethod, Function

    call = call_fn.func if isinstance(call_fn, BoundMethod) else call_fn
    if names is None:
        target_f = target.func if isinstance(target, BoundMethod) else target
        if not isinstance(target_f, Function):
            return it.unknown(f"{layer.type_name}.{what} is not a plain method", node)
        p = target_f.node.params
        names = [q.name.value for q in (*p.posonly_params, *p.params, *p.kwonly_params)][1:]
    shapes: Dict[str, Any] = {}
    arg_names: List[str] = []
    if isinstance(call, Function):
        bound: Dict[str, Any] = {}
        err = it.bind(call, [layer, *args], kwargs, bound)
        if err is not None:
            return it.unknown(f"{layer.type_name}.call(): {err}", node)
        positional, star, _, star_kwarg, every = _plan(call.node.params)
        kwonly = [n for n in every if n not in positional]
        arg_names = [n for n in (*positional[1:], star, *kwonly, star_kwarg) if n is not None]
        for name in arg_names:
            if name in ("mask", "args", "kwargs"):  # (Keras's get_shapes_dict)
                continue
            s = _shape_structure(it, bound.get(name), node)
            if isinstance(s, Unknown):
                return s
            if s is not _NOT_TENSORS:
                shapes[f"{name}_shape"] = s
    else:  # a catalog layer's call(inputs, ...): the first argument
        x = args[0] if args else kwargs.get("inputs")
        s = _shape_structure(it, x, node)
        if isinstance(s, Unknown):
            return s
        arg_names = ["inputs"]
        if s is not _NOT_TENSORS:
            shapes["inputs_shape"] = s
    if len(names) == 1:
        return it.call(target, [next(iter(shapes.values()), None)], {}, node)
    kw: Dict[str, Any] = {}
    for name in names:
        if not name.endswith("_shape") or name[: -len("_shape")] not in arg_names:
            return it.unknown(f"{layer.type_name}.{what}({name}): Keras raises (each argument must be "
                              "a call() argument's name with a _shape suffix)", node)
        if name in shapes:
            kw[name] = shapes[name]
    return it.call(target, [], kw, node)


#: The build() parameters of catalog layers with more than one (the others take one shape).
_BUILD_NAMES = {"MultiHeadAttention": ("query_shape", "value_shape", "key_shape")}


_NOT_TENSORS = object()


def _shape_structure(it: Any, v: Any, node: Any) -> Any:
    """The shape (or nested shapes) Keras passes to build() for a call() argument, _NOT_TENSORS
    for one that holds no tensor, or Unknown."""
    if isinstance(v, Tensor):
        return tuple(v.shape) if v.framework == "keras" else it.unknown("a non-Keras tensor given to a Keras layer", node)
    if isinstance(v, Unknown):
        return v
    if isinstance(v, (list, tuple, dict)) and v:
        leaves = _leaves([v])
        if any(isinstance(x, Unknown) for x in leaves):
            return next(x for x in leaves if isinstance(x, Unknown))
        if not any(isinstance(x, Tensor) for x in leaves):
            return _NOT_TENSORS
        if not all(x is None or isinstance(x, Tensor) for x in leaves):
            return it.unknown("a call() argument mixing tensors and non-tensors (Keras raises)", node)
        return _map_shapes(v)
    return _NOT_TENSORS


def _map_shapes(v: Any) -> Any:
    if isinstance(v, Tensor):
        return tuple(v.shape)
    if isinstance(v, dict):
        return {k: _map_shapes(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_map_shapes(x) for x in v)
    return v


def _leaves(values: Any) -> List[Any]:
    """The values inside ``values``, lists, tuples and dicts opened, in order."""
    out: List[Any] = []
    stack = list(reversed(list(values)))
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        else:
            out.append(v)
    return out


def _tensors_in(values: Any) -> Any:
    """The tensors a call was given, flattened (positional, keyword, inside lists and dicts):
    the inputs of its graph node, as Keras records them; None if a value may hide one."""
    leaves = _leaves(values)
    if any(isinstance(v, Unknown) for v in leaves):
        return None
    return [v for v in leaves if isinstance(v, Tensor)]


def _as_node(it: Any, layer: Layer, x: Any, out: Any, arguments: Any = None) -> Any:
    """What a subclassed layer's ``call`` returned, as the output of one node of a functional
    graph: Keras records the layer itself there (all its weights), whatever its ``call`` does
    inside -- even ``return x``."""
    if x is None:
        return out
    xs = tuple(x) if isinstance(x, (list, tuple)) else (x,)
    if not xs or not all(isinstance(t, Tensor) and t.framework == "keras" for t in xs):
        return out
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if not outs or not all(isinstance(t, Tensor) for t in outs):
        return out
    c = Call(layer, outs[0].shape, tuple(t.shape for t in xs))
    c.arguments = (list(arguments[0]), dict(arguments[1])) if arguments is not None else None
    res = [Tensor(t.shape, "keras", c, xs) for t in outs]
    return applied(layer, res[0] if not isinstance(out, (list, tuple)) else type(out)(res) if isinstance(out, tuple) else res)


def apply_model(it: Any, model: Layer, x: Any, node: Any) -> Any:
    """A functional model used as a layer is one node of the outer graph, as Keras lists it
    (one row, all its weights); its shapes come from replaying its graph on the inputs."""
    saved = it.trace
    it.trace = None
    try:
        out = replay(it, model, x, node)
    finally:
        it.trace = saved
    if isinstance(out, Unknown):
        return out
    outs = [out[k] for k in sorted(out)] if isinstance(out, dict) else out if isinstance(out, list) else [out]
    xs = tuple(x) if isinstance(x, (list, tuple)) else tuple(x.values()) if isinstance(x, dict) else (x,)
    c = Call(model, outs[0].shape if isinstance(outs[0], Tensor) else None, tuple(getattr(t, "shape", None) for t in xs))
    if it.trace is not None:
        it.trace.append(c)
    res = [Tensor(t.shape, "keras", c, xs) if isinstance(t, Tensor) else t for t in outs]
    if isinstance(out, dict):
        by_key = dict(zip(sorted(out), res))
        return applied(model, {k: by_key[k] for k in out})
    return applied(model, res[0] if len(res) == 1 else res)


def replay(it: Any, model: Layer, x: Any, node: Any) -> Any:
    """Run a functional model's graph again on new inputs (shapes only)."""
    ins = model.attrs.get("__inputs__")
    outs = model.attrs.get("__output_list__")
    io = model.attrs.get("__io__")
    if not isinstance(ins, list) or not isinstance(outs, list) or not isinstance(io, dict):
        return it.unknown("calling a functional model whose graph is unknown", node)
    struct = model.attrs.get("__inputs_struct__")
    if isinstance(struct, dict):  # Keras maps a dict by its keys
        if isinstance(x, dict):
            if not all(isinstance(k, str) for k in x) or not set(struct) <= set(x):
                return it.unknown(f"functional model {model.name} called on a dict without its inputs' keys", node)
            pairs = [(struct[k], x[k]) for k in struct]
        elif len(struct) == 1 and not isinstance(x, (list, tuple)):
            pairs = [(next(iter(struct.values())), x)]
        else:
            return it.unknown(f"functional model {model.name} with dict inputs called on a list", node)
    elif isinstance(x, dict):  # (Keras matches the keys with the inputs' names: not followed)
        return it.unknown(f"functional model {model.name} called on a dict", node)
    else:
        given = list(x) if isinstance(x, (list, tuple)) else [x]
        if len(given) != len(ins):
            return it.unknown(f"functional model {model.name} expects {len(ins)} inputs, got {len(given)}", node)
        pairs = list(zip(ins, given))
    env: Dict[int, Any] = {}
    for old, new in pairs:
        if isinstance(new, Unknown):
            return new
        if not isinstance(new, Tensor):
            return it.unknown("functional model called on a non-tensor", node)
        env[id(old)] = new
    for c in model.attrs.get("__replay__") or model.graph or []:
        old_out = io.get(id(c))
        if old_out is None:
            return it.unknown("functional model graph is incomplete", node)
        args = [_remap(it, t, env, node) for t in old_out.inputs]
        u = next((a for a in args if isinstance(a, Unknown)), None)
        if u is not None:
            return u
        if c.arguments is not None:  # the call as it was made: its tensors replaced
            a, k = _remap_arguments(it, c.arguments, env, node)
            u = next((v for v in _leaves([a, k]) if isinstance(v, Unknown)), None)
            if u is not None:
                return u
            new_out = call(it, c.layer, a, k, node)
        else:
            arg: Any = args if _is_merge(c.layer) or len(args) != 1 else args[0]
            new_out = call(it, c.layer, [arg], {}, node)
        if isinstance(new_out, Unknown):
            return new_out
        env[id(old_out)] = new_out
    res = [_remap(it, t, env, node) for t in outs]
    u = next((r for r in res if isinstance(r, Unknown)), None)
    if u is not None:
        return u
    out_struct = model.attrs.get("__outputs_struct__")
    if isinstance(out_struct, dict) and len(out_struct) == len(res):  # (res: in sorted key order)
        by_key = dict(zip(sorted(out_struct), res))
        return {k: by_key[k] for k in out_struct}
    return res[0] if len(res) == 1 else res


def _remap_arguments(it: Any, arguments: Any, env: Dict[int, Any], node: Any) -> Any:
    """A recorded call's (args, kwargs), each tensor inside (lists, tuples, dicts) remapped."""
    def one(v: Any, depth: int) -> Any:
        if isinstance(v, Tensor):
            return _remap(it, v, env, node)
        if depth > 20:
            return it.unknown("call arguments nested too deep to replay", node)
        if isinstance(v, list):
            return [one(x, depth + 1) for x in v]
        if isinstance(v, tuple):
            return tuple(one(x, depth + 1) for x in v)
        if isinstance(v, dict):
            return {key: one(x, depth + 1) for key, x in v.items()}
        return v
    args, kwargs = arguments
    return [one(v, 0) for v in args], {k: one(v, 0) for k, v in kwargs.items()}


def _remap(it: Any, t: Any, env: Dict[int, Any], node: Any, depth: int = 0) -> Any:
    """``t`` of the recorded graph, on the replayed inputs. An operation's result keeps its
    recorded shape only when its operands kept theirs (the operation is not recorded, only
    that it happened)."""
    got = env.get(id(t))
    if got is not None:
        return got
    if not isinstance(t, Tensor) or t.producer is not None or not t.inputs:
        return t
    if depth > 500:
        return it.unknown("functional model graph is too deep to replay", node)
    new_ins = [_remap(it, x, env, node, depth + 1) for x in t.inputs]
    for old, new in zip(t.inputs, new_ins):
        if isinstance(new, Unknown):
            return new
        if not isinstance(new, Tensor) or new.shape != old.shape:
            return it.unknown("a functional model with tensor operations called on inputs of another shape", node)
    out = Tensor(t.shape, "keras", None, tuple(new_ins))
    env[id(t)] = out
    return out


def keras_mask(it: Any, t: Any, node: Any) -> Any:
    """A Keras tensor's mask (``get_keras_mask(x)``, ``x._keras_mask``): None while no layer
    that can set one (an embedding with ``mask_zero``, ``Masking``, a ``compute_mask`` of its
    own...) was made in this analysis, as no tensor can then carry one; else unknown."""
    if it.project.keras_mask_sources == 0:
        return None
    return it.unknown("the Keras mask of a tensor (a layer that can set masks was made)", node)


def get_keras_mask(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 1 or kwargs:
        return it.unknown("get_keras_mask() with these arguments", node)
    return keras_mask(it, args[0], node)  # (any value: Keras looks the attribute up, None without one)


def set_keras_mask(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    it.project.keras_mask_sources += 1  # (masks may exist from now on)
    return None


_FUNCTIONAL_MERGES = {
    "add": "Add", "subtract": "Subtract", "multiply": "Multiply", "average": "Average",
    "maximum": "Maximum", "minimum": "Minimum", "concatenate": "Concatenate", "dot": "Dot",
}


def call_function(it: Any, qualname: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.layers.add([a, b])`` and friends: a fresh merge layer applied to the list;
    ``keras.ops.*`` on symbolic tensors (:func:`_ops_call`)."""
    from paramlint.catalog import table
    from paramlint.evaluate.tensors import NOT_MODELLED

    short = qualname.rsplit(".", 1)[-1]
    if qualname.startswith(("keras.ops.", "keras.src.ops.")) and short in _OPS:
        return _ops_call(it, short, args, kwargs, node)
    if qualname in ("keras.ops.arange", "keras.src.ops.arange", "keras.ops.numpy.arange"):
        return _arange(it, args, kwargs, node)
    if short in ("zeros", "ones", "empty", "full", "eye") and qualname.startswith(("keras.ops.", "keras.src.ops.")):
        return _creation(it, short, args, kwargs, node)
    if qualname in ("keras.ops.shape", "keras.src.ops.shape", "keras.src.ops.core.shape") and len(args) == 1 \
            and not kwargs and isinstance(args[0], (Tensor, Param)):
        return it.get_attr(args[0], "shape", node)  # (x.shape: a symbolic tensor's dynamic dims are None)
    if qualname.startswith(("keras.activations.", "keras.src.activations.")):
        # (each is its ``keras.ops`` function; ``linear`` returns its input)
        if short == "linear" and len(args) == 1 and not kwargs and isinstance(args[0], Tensor):
            return args[0]
        if short in _OPS and _OPS[short][0] == "same":
            return _ops_call(it, short, args, kwargs, node)
    cls = _FUNCTIONAL_MERGES.get(short)
    if cls is None or ".layers." not in qualname and not qualname.startswith("keras.layers"):
        if qualname.startswith(("keras.ops.", "keras.src.ops.")):
            u = next((v for v in (*args, *kwargs.values()) if isinstance(v, Unknown)), None)
            if u is not None:
                return u  # (an op this does not model, on an unknown operand: that operand's reason)
        return NOT_MODELLED
    spec = table("keras").get(cls)
    if spec is None:
        return NOT_MODELLED
    kw = dict(kwargs)
    inputs = args[0] if args else kw.pop("inputs", None)
    if cls == "Dot" and len(args) < 2:
        kw.setdefault("axes", -1)  # (``keras.layers.dot(inputs, axes=-1, **kwargs)``)
    layer = it.fw.construct(it, spec, list(args[1:]), kw, node)
    if isinstance(layer, Unknown):
        return layer
    return call(it, layer, [inputs], {}, node)


#: ``keras.ops`` functions on KerasTensors: their kind, and the Operation's auto-name (its
#: class name in snake case, from the counters layers use: Keras 3.15, probed).
_OPS = {
    **{n: ("same", n) for n in (
        "relu", "gelu", "silu", "sigmoid", "tanh", "softmax", "log_softmax", "exp", "log", "sqrt", "negative",
        "square", "stop_gradient", "softplus", "elu", "selu", "relu6", "leaky_relu", "hard_sigmoid", "erf",
        "floor", "ceil", "round", "sign", "cast", "clip", "rsqrt", "sin", "cos", "tan", "reciprocal", "log1p",
        "expm1", "arctan", "logical_not", "sinh", "cosh", "softsign", "celu", "log_sigmoid", "hard_silu")},
    "abs": ("same", "absolute"), "absolute": ("same", "absolute"), "swish": ("same", "silu"),
    "hard_swish": ("same", "hard_silu"),
    **{n: ("binary", n) for n in ("add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "greater",
                                  "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and",
                                  "logical_or")},
    "where": ("where", "where"),
    **{n: ("reduce", n) for n in ("mean", "sum", "max", "min", "prod", "std", "var")},
    "matmul": ("matmul", "matmul"), "concatenate": ("concatenate", "concatenate"), "reshape": ("reshape", "reshape"),
    "transpose": ("transpose", "transpose"), "expand_dims": ("expand_dims", "expand_dims"),
    "squeeze": ("squeeze", "squeeze"), "shape": ("shape", ""), "pad": ("pad", "pad"), "split": ("split", "split"),
    "einsum": ("einsum", "einsum"), "roll": ("same", "roll"), "floor_divide": ("binary", "floor_divide"),
    "take": ("take", "take"), "tile": ("tile", "tile"), "stack": ("stack", "stack"),
    "broadcast_to": ("broadcast_to", "broadcast_to"),
}


def _ops_call(it: Any, short: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.ops.mean(x, axis=1)`` and the like on KerasTensors: the output shape Keras infers
    (checked against Keras 3.15), an operation node of the graph (no weights) that takes an
    auto-name. Other arguments (concrete arrays, unknown values) are not modelled."""
    from paramlint.catalog import shapes as S
    from paramlint.catalog.spec import ArgError
    from paramlint.evaluate.tensors import NOT_MODELLED

    kind, name = _OPS[short]
    if kind == "einsum":
        return _einsum(it, args, kwargs, node)
    first = args[0] if args else kwargs.get("x", kwargs.get("x1", kwargs.get("xs")))
    operands: List[Any] = list(first) if kind in ("concatenate", "stack") and isinstance(first, (list, tuple)) else [first]
    if kind in ("binary", "matmul"):
        operands.append(args[1] if len(args) > 1 else kwargs.get("x2"))
    if kind == "where":  # (``where(condition)`` alone gives data-dependent indices)
        first = args[0] if args else kwargs.get("condition")
        operands = [first, args[1] if len(args) > 1 else kwargs.get("x1"), args[2] if len(args) > 2 else kwargs.get("x2")]
        if any(v is None for v in operands):
            return it.unknown("keras.ops.where(condition) alone is not modelled", node)
        operands = [_const(()) if type(v) in (int, float, bool) else v for v in operands]
    if kind == "take":
        operands.append(args[1] if len(args) > 1 else kwargs.get("indices"))
        if type(operands[1]) is int or isinstance(operands[1], (list, tuple)) and _ints(operands[1]):
            operands[1] = _const((len(operands[1]),) if isinstance(operands[1], (list, tuple)) else ())
    graph_inputs = tuple(t for t in operands if isinstance(t, Tensor) and not t.const)
    # a layer's own weight (``ops.matmul(x, self.kernel)``, ``ops.cast(self.w, dtype)``): a
    # tensor of its shape, not an input of the graph
    operands = [Tensor(tuple(t.shape), "keras") if _sized_weight(t) else t for t in operands]
    if kind == "same" and type(operands[0]) in (int, float):
        operands[0] = _const(())  # ``ops.sqrt(hidden_dim)``: a concrete scalar tensor
    if kind == "binary":
        if type(operands[1]) in (int, float) and isinstance(operands[0], Tensor):
            operands[1] = _const(())  # (a Python number: a concrete scalar, not a graph input)
        elif type(operands[0]) in (int, float) and isinstance(operands[1], Tensor):
            operands[0] = _const(())
    u = next((t for t in operands if isinstance(t, Unknown)), None)
    if u is not None:
        return u  # (the unknown operand says why, not "not modelled")
    if not operands or not all(isinstance(t, Tensor) and t.framework == "keras" for t in operands):
        return NOT_MODELLED
    rest = [*args[1:], *kwargs.values()] if kind not in ("binary", "matmul", "concatenate", "stack", "take") else [*args[2:], *kwargs.values()]
    if kind == "where":
        rest = [*args[3:], *(v for k, v in kwargs.items() if k not in ("condition", "x1", "x2"))]
    if short == "cast":  # (the dtype changes no shape: ``ops.cast(x, y.dtype)`` with y's dtype not followed)
        rest = []
    bad = next((v for v in rest if isinstance(v, (Unknown, Tensor, Param))), None)
    if bad is not None:  # (``clip`` bounds given as tensors, an unknown axis...)
        return bad if isinstance(bad, Unknown) else it.unknown(f"keras.ops.{short} with a tensor argument", node)
    x = operands[0].shape
    try:
        if kind == "shape":
            return tuple(x)
        if kind == "same":
            out = tuple(x)
        elif kind == "binary":
            out = S.broadcast(x, operands[1].shape)
        elif kind == "where":
            out = S.broadcast(S.broadcast(x, operands[1].shape), operands[2].shape)
        elif kind == "matmul":
            out = S.matmul(x, operands[1].shape)
        elif kind == "reduce":
            axis = args[1] if len(args) > 1 else kwargs.get("axis")
            keep = args[2] if len(args) > 2 else kwargs.get("keepdims", False)
            if not isinstance(keep, bool) or not (axis is None or _ints(axis)):
                return it.unknown(f"keras.ops.{short} arguments", node)
            out = S.reduce(x, None if axis is None else list(axis) if isinstance(axis, (list, tuple)) else [axis], keep)
        elif kind == "stack":
            axis = args[1] if len(args) > 1 else kwargs.get("axis", 0)
            if not _ints(axis) or isinstance(axis, (list, tuple)):
                return it.unknown("keras.ops.stack axis", node)
            out = _stack([tuple(t.shape) for t in operands], axis)
        elif kind == "concatenate":
            axis = args[1] if len(args) > 1 else kwargs.get("axis", 0)
            if not _ints(axis) or isinstance(axis, (list, tuple)):
                return it.unknown("keras.ops.concatenate axis", node)
            out = S.cat([t.shape for t in operands], axis)
        elif kind == "take":
            axis = args[2] if len(args) > 2 else kwargs.get("axis")
            if axis is not None and (not _ints(axis) or isinstance(axis, (list, tuple))):
                return it.unknown("keras.ops.take axis", node)
            idx = tuple(operands[1].shape)
            out = idx if axis is None else tuple(x[:S.norm_axis(axis, len(x), "take")]) + idx + tuple(
                x[S.norm_axis(axis, len(x), "take") + 1:])
        elif kind == "tile":
            reps = args[1] if len(args) > 1 else kwargs.get("repeats")
            reps = [reps] if type(reps) is int else reps
            if not isinstance(reps, (list, tuple)) or not _ints(reps):
                return it.unknown("keras.ops.tile repeats", node)
            out = S.tile(tuple(x), reps)
        elif kind == "broadcast_to":
            want = args[1] if len(args) > 1 else kwargs.get("shape")
            if not isinstance(want, (list, tuple)) or not all(w is None or type(w) is int for w in want):
                return it.unknown("keras.ops.broadcast_to shape", node)
            if len(want) < len(x) or any(d is not None and w is not None and d != w and d != 1
                                         for d, w in zip(reversed(tuple(x)), reversed(tuple(want)))):
                return it.unknown(f"keras.ops.broadcast_to: {tuple(x)} does not broadcast to {tuple(want)}", node)
            out = tuple(want)  # (a None: a dynamic size, e.g. the batch)
        elif kind == "reshape":
            want = args[1] if len(args) > 1 else kwargs.get("newshape", kwargs.get("new_shape"))
            if not isinstance(want, (list, tuple)) or not all(d is None or type(d) is int for d in want):
                return it.unknown("keras.ops.reshape shape", node)
            out = _reshape(tuple(x), tuple(want))
        elif kind == "pad":
            width = args[1] if len(args) > 1 else kwargs.get("pad_width")
            mode = args[2] if len(args) > 2 else kwargs.get("mode", "constant")
            if not isinstance(mode, str):
                return it.unknown("keras.ops.pad mode", node)
            out = _pad(tuple(x), width)
        elif kind == "split":
            sections = args[1] if len(args) > 1 else kwargs.get("indices_or_sections")
            axis = args[2] if len(args) > 2 else kwargs.get("axis", 0)
            if not isinstance(axis, int) or isinstance(axis, bool) or not _ints(sections):
                return it.unknown("keras.ops.split arguments", node)
            parts = _split(tuple(x), sections, axis)
            it.keras_names[name] = it.keras_names.get(name, 0) + 1
            outs = []
            for shape in parts:
                t = Tensor(shape, "keras")
                t.inputs = graph_inputs
                outs.append(t)
            return outs
        elif kind == "transpose":
            axes = args[1] if len(args) > 1 else kwargs.get("axes")
            if axes is None:
                out = tuple(reversed(x))
            elif isinstance(axes, (list, tuple)) and _ints(axes):
                out = S.permute(x, list(axes))
            else:
                return it.unknown("keras.ops.transpose axes", node)
        elif kind == "expand_dims":
            axis = args[1] if len(args) > 1 else kwargs.get("axis")
            if not isinstance(axis, int) or isinstance(axis, bool):
                return it.unknown("keras.ops.expand_dims axis", node)
            out = S.unsqueeze(x, axis)
        else:  # squeeze
            axis = args[1] if len(args) > 1 else kwargs.get("axis")
            if axis is not None and not _ints(axis):
                return it.unknown("keras.ops.squeeze axis", node)
            dims = None if axis is None else list(axis) if isinstance(axis, (list, tuple)) else [axis]
            if dims is not None and any(x[S.norm_axis(d, len(x), "squeeze")] != 1 for d in dims):
                return it.unknown("keras.ops.squeeze of a dim that is not 1", node)
            out = S.squeeze(x, dims)
    except ArgError as e:
        return it.unknown(f"keras.ops.{short}: {e.message}", node)
    if all(t.const for t in operands if isinstance(t, Tensor)):
        return _const(tuple(out))  # (on concrete tensors Keras makes no operation)
    res = Tensor(tuple(out), "keras")
    res.inputs = graph_inputs
    it.keras_names[name] = it.keras_names.get(name, 0) + 1
    return res


def _stack(shapes: List[Tuple[Any, ...]], axis: int) -> Tuple[Any, ...]:
    """``keras.ops.stack``: equal shapes (None matching any size; the first's kept), a new axis."""
    from paramlint.catalog import shapes as S
    from paramlint.catalog.spec import ArgError

    first = shapes[0]
    for s in shapes[1:]:
        if len(s) != len(first) or any(a is not None and b is not None and a != b for a, b in zip(first, s)):
            raise ArgError(f"stack of shapes {first} and {s}")
    ax = S.norm_axis(axis, len(first) + 1, "stack")
    return tuple(first[:ax]) + (len(shapes),) + tuple(first[ax:])


def _sized_weight(t: Any) -> bool:
    """A layer's own weight of known shape: an operand of ``keras.ops`` as a tensor of that shape."""
    return isinstance(t, Param) and all(type(d) is int for d in t.shape)


def _const(shape: Tuple[Any, ...]) -> Tensor:
    t = Tensor(shape, "keras")
    t.const = True
    return t


def _arange(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.ops.arange(start, stop=None, step=1)`` of ints: a concrete 1-D tensor."""
    from paramlint.evaluate.signatures import bind

    b = bind("start=0, stop=None, step=1, dtype=None", args, kwargs, "arange")
    if isinstance(b, str):
        return it.unknown(f"keras.ops.arange: {b}", node)
    start, stop, step = b["start"], b["stop"], b["step"]
    if (stop is None and (len(args) > 1 or "stop" in kwargs) or start is None) and _ints(
            [v for v in (start, stop, step) if v is not None]):
        # ``arange(0, ops.shape(x)[1])``: a dynamic size (None here) gives a dynamic length
        return Tensor((None,), "keras")
    if stop is None:
        start, stop = 0, start
    if not _ints([start, stop, step]) or step == 0:
        return it.unknown("keras.ops.arange of values that are not known ints", node)
    n = len(range(start, stop, step))
    if n > it.limits.max_collection:
        return it.unknown("keras.ops.arange too long", node)
    return _const((n,))


def _creation(it: Any, short: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.ops.zeros/ones/empty/full(shape)``, ``eye(N, M=None)``: a concrete tensor of that
    shape; a dynamic size (None, from a symbolic tensor's shape) leaves that dim dynamic."""
    from paramlint.evaluate.signatures import bind

    sig = "N, M=None, k=0, dtype=None" if short == "eye" else (
        "shape, fill_value, dtype=None" if short == "full" else "shape, dtype=None")
    b = bind(sig, args, kwargs, short)
    if isinstance(b, str):
        return it.unknown(f"keras.ops.{short}: {b}", node)
    shape = (b["N"], b["N"] if b["M"] is None else b["M"]) if short == "eye" else b["shape"]
    if type(shape) is int:
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or not all(d is None or type(d) is int and d >= 0 for d in shape):
        u = next((d for d in (shape if isinstance(shape, (list, tuple)) else [shape]) if isinstance(d, Unknown)), None)
        return u if u is not None else it.unknown(f"keras.ops.{short} of a shape that is not known", node)
    if short == "eye" and b["M"] is None and (len(args) > 1 or "M" in kwargs):
        return Tensor((shape[0], None), "keras")  # (an explicit dynamic M)
    return _const(tuple(shape)) if None not in shape else Tensor(tuple(shape), "keras")


def _einsum(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.ops.einsum(subscripts, *operands)`` on symbolic tensors and layer weights."""
    from paramlint.catalog import shapes as S
    from paramlint.catalog.spec import ArgError
    from paramlint.evaluate.tensors import NOT_MODELLED

    if kwargs or not args or not isinstance(args[0], str):
        return it.unknown("keras.ops.einsum arguments", node)
    operands = list(args[1:])
    u = next((t for t in operands if isinstance(t, Unknown)), None)
    if u is not None:
        return u
    if not operands or not any(isinstance(t, Tensor) for t in operands):
        return NOT_MODELLED
    shapes = []
    for t in operands:
        if isinstance(t, Tensor) and t.framework == "keras":
            shapes.append(tuple(t.shape))
        elif _sized_weight(t):
            shapes.append(tuple(t.shape))
        else:
            return NOT_MODELLED
    try:
        out = S.einsum(args[0], shapes)
    except ArgError as e:
        return it.unknown(f"keras.ops.einsum: {e.message}", node)
    inputs = tuple(t for t in operands if isinstance(t, Tensor) and not t.const)
    if not inputs and all(t.const for t in operands if isinstance(t, Tensor)):
        return _const(tuple(out))  # (on concrete tensors Keras makes no operation)
    res = Tensor(tuple(out), "keras")
    res.inputs = inputs
    it.keras_names["einsum"] = it.keras_names.get("einsum", 0) + 1
    return res


def _reshape(x: Tuple[Any, ...], want: Tuple[Any, ...]) -> Tuple[Any, ...]:
    """Keras's ``compute_reshape_output_shape``: a -1 (or None) dim stays unknown when a dim
    of either shape is; otherwise sizes must agree."""
    from paramlint.catalog.spec import ArgError

    if any(d is not None and d < -1 for d in want) or want.count(-1) > 1:
        raise ArgError(f"invalid shape {want}")
    if None in x or None in want:
        return tuple(None if d == -1 else d for d in want)
    size = math.prod(x)
    if -1 not in want:
        if size != math.prod(want):
            raise ArgError(f"cannot reshape {x} to {want}")
        return want
    known = math.prod(d for d in want if d != -1)
    if known == 0 or size % known:
        raise ArgError(f"cannot reshape {x} to {want}")
    return tuple(size // known if d == -1 else d for d in want)


def _pad(x: Tuple[Any, ...], width: Any) -> Tuple[Any, ...]:
    """``keras.ops.pad`` as Keras's ``Pad`` reads ``pad_width``: an int, one (before, after)
    sequence for every dim, or a sequence per dim (a 1-item one doubled, in a list only)."""
    from paramlint.catalog.spec import ArgError

    def ints(v: Any) -> bool:
        return all(type(d) is int for d in v)

    if type(width) is int:
        pairs = [(width, width)] * len(x)
    elif isinstance(width, (list, tuple)) and width and type(width[0]) is int:
        if len(width) < 2 or not ints(width[:2]):
            raise ArgError("pad_width")  # (Keras indexes its second item: IndexError)
        pairs = [(width[0], width[1])] * len(x)
    elif isinstance(width, (list, tuple)) and width and all(isinstance(p, (list, tuple)) and p for p in width):
        if len({len(p) for p in width}) != 1 or not all(ints(p[:2]) for p in width):
            raise ArgError("pad_width items of different lengths")
        if len(width[0]) == 1 and isinstance(width, tuple):
            raise ArgError("pad_width: a tuple of 1-item widths (Keras raises TypeError)")
        pairs = [(p[0], p[0]) if len(p) == 1 else (p[0], p[1]) for p in width]
        if len(pairs) == 1:
            pairs = pairs * len(x)
        elif len(pairs) != len(x):
            raise ArgError("pad_width must have the same length as x.shape")
    else:
        raise ArgError("pad_width")
    if any(a < 0 or b < 0 for a, b in pairs):
        raise ArgError("negative padding")
    return tuple(None if d is None else d + a + b for d, (a, b) in zip(x, pairs))


def _split(x: Tuple[Any, ...], sections: Any, axis: int) -> List[Tuple[Any, ...]]:
    """``keras.ops.split``: N equal parts, or the parts between sorted indices."""
    from paramlint.catalog import shapes as S
    from paramlint.catalog.spec import ArgError

    ax = S.norm_axis(axis, len(x), "split")
    size = x[ax]
    if type(sections) is int:
        if sections <= 0 or sections > 10_000:
            raise ArgError("split sections")
        if size is not None and size % sections:
            raise ArgError(f"size {size} is not divisible by {sections}")
        part = None if size is None else size // sections
        return [tuple(part if i == ax else d for i, d in enumerate(x))] * sections
    bounds = [0, *sections, size]
    if len(bounds) > 10_002:
        raise ArgError("split sections")
    out = []
    for a, b in zip(bounds, bounds[1:]):
        # (numpy's clipping of indices past the end, or out of order: not followed)
        if a is not None and b is not None and not (0 <= a <= b and (size is None or b <= size)):
            raise ArgError("split indices out of order or range")
        out.append(tuple((None if a is None or b is None else b - a) if i == ax else d for i, d in enumerate(x)))
    return out


def _ints(v: Any) -> bool:
    """An int, or a list/tuple of ints (no bools)."""
    items = v if isinstance(v, (list, tuple)) else [v]
    return all(isinstance(d, int) and not isinstance(d, bool) for d in items)


def add(it: Any, seq: Layer, item: Any, node: Any, rebuild: bool = True) -> Any:
    """``Sequential.add``: an Input/InputLayer sets the input; layers append and (with
    ``rebuild``) the model is built again."""
    if isinstance(item, Tensor):
        seq.input_shape = item.shape
        if rebuild:
            _rebuild(it, seq, node)
        return None
    if isinstance(item, Unknown):
        seq.uncertain = seq.uncertain if seq.uncertain is not None else item
        return None
    if not isinstance(item, Layer):
        seq.uncertain = seq.uncertain if seq.uncertain is not None else it.unknown("Sequential of a non-layer", node)
        return None
    if not seq.children and item.input_shape is not None and seq.input_shape is None:
        seq.input_shape = item.input_shape
    seq.children[item.name or str(len(seq.children))] = item
    if rebuild:
        _rebuild(it, seq, node)
    return None


def _rebuild(it: Any, seq: Layer, node: Any) -> None:
    if seq.input_shape is None or isinstance(seq.input_shape, Unknown):
        return
    it.charge(16 * len(seq.children))  # (each child is called again: ``add()`` in a loop is quadratic)
    x: Any = Tensor(seq.input_shape, "keras")
    calls: List[Call] = []
    saved = it.trace
    it.trace = calls
    try:
        for child in seq.children.values():
            if child is None or not isinstance(x, Tensor):
                break
            x = call(it, child, [x], {}, child.node)
    finally:
        it.trace = saved
    if saved is not None:
        saved.extend(calls)
    seq.graph = calls
    seq.attrs["__outputs__"] = x


def functional(it: Any, model: Layer, inputs: Any, outputs: Any, node: Any) -> Any:
    """``Model(inputs, outputs)``: the layer calls between them, in creation order."""
    for struct in (inputs, outputs):
        if isinstance(struct, dict) and not all(isinstance(k, str) for k in struct):
            model.uncertain = it.unknown("a functional model on a dict with keys that are not strings", node)
            return None
    # (Keras flattens a dict in sorted key order: model.inputs / model.outputs)
    outs = outputs if isinstance(outputs, (list, tuple)) else [outputs[k] for k in sorted(outputs)] if isinstance(outputs, dict) else [outputs]
    ins = inputs if isinstance(inputs, (list, tuple)) else [inputs[k] for k in sorted(inputs)] if isinstance(inputs, dict) else [inputs]
    given = {id(t) for t in ins}
    calls: List[Call] = []
    io: Dict[int, Tensor] = {}
    seen: set = set()
    stack = list(outs)
    while stack:
        t = stack.pop()
        if isinstance(t, Unknown):
            model.uncertain = model.uncertain if model.uncertain is not None else t
            continue
        if not isinstance(t, Tensor):
            model.uncertain = model.uncertain if model.uncertain is not None else it.unknown("model output is not a tensor", node)
            continue
        c = t.producer
        if c is None:
            if id(t) in given or id(t) in seen:
                continue
            seen.add(id(t))
            if t.inputs:  # an operation (x + shortcut, x[:, 0]): the graph goes on through it
                stack.extend(t.inputs)
            elif model.uncertain is None:  # the layers that fed it, if any, are not known
                model.uncertain = it.unknown("a tensor of the graph comes from an operation paramlint does not trace", node)
            continue
        if id(c) in seen:
            continue
        seen.add(id(c))
        calls.append(c)
        io[id(c)] = t
        stack.extend(t.inputs)
    order = {id(c): i for i, c in enumerate(_creation_order(calls))}
    calls.sort(key=lambda c: order[id(c)])
    model.graph, ranks, input_ranks = _keras_layer_order(outs, calls, io, ins)
    model.attrs["__ranks__"] = (ranks, input_ranks)
    model.attrs["__outputs__"] = outs[0] if len(outs) == 1 else None
    model.attrs["__output_list__"] = list(outs)
    model.attrs["__io__"] = io
    model.attrs["__replay__"] = calls
    held = {id(v) for v in model.children.values()}
    for c in calls:
        if id(c.layer) in held:
            continue
        held.add(id(c.layer))
        key = c.layer.name or str(len(model.children))
        k = 1
        while key in model.children:  # another layer of the same name (names are unique per model:
            key = f"{c.layer.name}~{k}"  # two nested Sequentials may each hold an "fc")
            k += 1
        model.children[key] = c.layer
    model.input_shape = ins[0].shape if len(ins) == 1 and isinstance(ins[0], Tensor) else None
    model.attrs["__inputs__"] = list(ins)
    if isinstance(inputs, dict):
        model.attrs["__inputs_struct__"] = dict(inputs)
    if isinstance(outputs, dict):
        model.attrs["__outputs_struct__"] = dict(outputs)
    if len(ins) > 1 and all(isinstance(t, Tensor) for t in ins):
        model.attrs["__input_shapes__"] = tuple(t.shape for t in ins)
    return None


def _keras_layer_order(outs: Sequence[Any], calls: List[Call], io: Dict[int, Tensor],
                       ins: Sequence[Any] = ()) -> Tuple[List[Call], Dict[int, Tuple[int, int]], List[Tuple[int, int]]]:
    """Calls grouped by layer in the order of Keras' ``model.layers`` (``ops/function.py``
    ``map_graph``): layers by decreasing depth from the outputs, ties by first discovery in a
    depth-first walk from the outputs; a shared layer's calls stay in creation order. Also the
    rank (depth, discovery) of each of ``ins``' InputLayers, which take their places among
    them (an input no output depends on: depth 0, before every other layer of that depth)."""
    by_id = {id(c): c for c in calls}
    index: Dict[int, int] = {}  # layer (or input tensor) -> discovery index
    finished: set = set()
    decreasing: List[Call] = []
    given = {id(t) for t in ins}

    def visit(t: Any, depth: int) -> None:
        c = t.producer if isinstance(t, Tensor) else None
        if c is None and isinstance(t, Tensor) and depth <= 10_000:
            if id(t) in given:
                index.setdefault(id(t), len(index))
                return
            for x in t.inputs:  # an operation node
                visit(x, depth + 1)
            return
        if c is None or id(c) not in by_id or id(c) in finished or depth > 10_000:
            return
        index.setdefault(id(c.layer), len(index))
        for x in t.inputs:
            visit(x, depth + 1)
        finished.add(id(c))
        decreasing.append(c)

    for t in outs:
        visit(t, 0)
    node_depth: Dict[int, int] = {}
    layer_depth: Dict[int, int] = {}
    input_depth: Dict[int, int] = {}

    def feed(tensors: Sequence[Any], d: int) -> None:
        for p, pd in _feeding(tensors, d, given):
            if isinstance(p, Tensor):  # an input of the model
                input_depth[id(p)] = max(pd, input_depth.get(id(p), 0))
            elif id(p) in by_id:
                node_depth[id(p)] = max(pd, node_depth.get(id(p), 0))

    for t in outs:  # (an output that is an input, or an operation on inputs only)
        if isinstance(t, Tensor) and t.producer is None:
            feed([t], 0)
    for c in reversed(decreasing):
        d = max(node_depth.setdefault(id(c), 0), layer_depth.get(id(c.layer), 0))
        layer_depth[id(c.layer)] = d
        node_depth[id(c)] = d
        out = io.get(id(c))
        feed(out.inputs if out is not None else (), d + 1)
    layers: Dict[int, List[Call]] = {}
    for c in calls:  # creation order
        layers.setdefault(id(c.layer), []).append(c)
    ranks = {k: (layer_depth.get(k, 0), index.get(k, 0)) for k in layers}
    ranked = sorted(layers, key=lambda k: (-ranks[k][0], ranks[k][1]))
    inputs = [(input_depth.get(id(t), 0), index.get(id(t), -1)) for t in ins]
    return [c for k in ranked for c in layers[k]], ranks, inputs


def _feeding(tensors: Sequence[Any], depth: int, given: Any = frozenset()) -> List[Any]:
    """The layer calls that produced ``tensors`` (or the model inputs in ``given``: the tensors
    themselves), with their depth: through operation nodes (``x + y``), each a node one deeper,
    as in Keras' graph."""
    out: List[Any] = []
    stack = [(t, depth) for t in tensors]
    steps = 0
    while stack and steps < 100_000:
        steps += 1
        t, d = stack.pop()
        if not isinstance(t, Tensor):
            continue
        if t.producer is not None:
            out.append((t.producer, d))
        elif id(t) in given:
            out.append((t, d))
        else:
            stack.extend((x, d + 1) for x in t.inputs)
    return out


_CREATED: Dict[int, int] = {}


def _creation_order(calls: List[Call]) -> List[Call]:
    # Calls are created in program order; Python object ids do not say so, so rely on the
    # order tensors were produced, tracked by a global counter on Call creation.
    return sorted(calls, key=lambda c: getattr(c, "seq", 0))


def is_model(layer: Layer) -> bool:
    """A ``keras.Model`` (functional, Sequential, a subclass): what has ``.layers``."""
    from paramlint.catalog import table
    from paramlint.evaluate.classcheck import spec_derives

    return layer.spec is not None and spec_derives(layer.spec, table("keras")["Model"])


def get_attr(it: Any, layer: Layer, name: str, node: Any) -> Any:
    if name == "layers" and is_model(layer):  # (a plain layer has none: AttributeError)
        return _layers(it, layer, node)
    if name == "name":
        return layer.name
    if name == "output_shape":
        out = layer.attrs.get("__outputs__")
        return out.shape if isinstance(out, Tensor) else it.unknown("output_shape", node)
    if name in ("output", "input", "inputs", "outputs"):
        return _io(it, layer, name, node)
    if name in ("summary", "compile", "fit", "save", "load_weights"):
        return Builtin(name, lambda it2, a, k, n: None)
    if name == "build":
        def _build(it2: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
            shape = a[0] if a else k.get("input_shape")
            if layer.spec is not None and layer.spec.name == "MultiHeadAttention":
                # build(query_shape, value_shape, key_shape=None): one shape per input
                from paramlint.catalog.spec import Inputs

                names = ("query_shape", "value_shape", "key_shape")
                got = dict(zip(names, a))
                got.update((key, v) for key, v in k.items() if key in names)
                if not all(isinstance(got.get(key), (tuple, list)) for key in names[:2]):
                    layer.uncertain = first_set(layer.uncertain, it2.unknown("MultiHeadAttention.build() shapes", n))
                    return None
                shape = Inputs({key[: -len("_shape")]: tuple(v) if isinstance(v, (tuple, list)) else v
                                for key, v in got.items()})
                layer.input_shape = tuple(got["query_shape"])
                build(it2, layer, shape, n)
                return None
            if isinstance(shape, (tuple, list)):
                layer.input_shape = tuple(shape)
                if layer.spec is not None and layer.spec.name == "Sequential":
                    _rebuild(it2, layer, n)
                else:
                    build(it2, layer, tuple(shape), n)
            return None
        return Builtin("build", _build)
    if name in ("add_weight", "add_variable"):
        return Builtin(name, lambda it2, a, k, n: _add_weight(it2, layer, a, k, n))
    if name == "supports_masking" and layer.spec is not None and "supports_masking" in layer.spec.extra:
        rule = layer.spec.extra["supports_masking"]  # an argument's name (Embedding: mask_zero) or a bool
        return layer.args.get(rule) if isinstance(rule, str) else rule
    if name in ("dtype_policy", "compute_dtype", "variable_dtype", "dtype"):
        return keras_dtypes.layer_dtype(it, layer.attrs.get("__dtype__"), name, node)
    if name == "_flatten_layers":
        return Builtin(name, lambda it2, a, k, n: _flatten_layers(it2, layer, a, k, n))
    if layer.spec is not None and layer.spec.name == "MultiHeadAttention" and name in _MHA_PARTS:
        return _mha_part(it, layer, name, node)
    if name == "compute_output_shape" and layer.spec is not None and layer.spec.role == "leaf" \
            and "forward" not in layer.spec.extra and layer.spec.name not in _NO_OUTPUT_SHAPE:
        return Builtin(name, lambda it2, a, k, n: _compute_output_shape(it2, layer, a, k, n))
    if name == "trainable":
        return it.fw.layer_trainable(layer)
    if name == "get_layer":
        return Builtin("get_layer", lambda it2, a, k, n: _get_layer(it2, layer, a, k, n))
    if name == "pop" and layer.spec is not None and layer.spec.name == "Sequential":
        return Builtin("pop", lambda it2, a, k, n: _pop(it2, layer, n))
    if name == "add" and layer.spec is not None and layer.spec.name == "Sequential":
        return Builtin("add", lambda it2, a, k, n: add(it2, layer, a[0] if a else None, n))
    return _MISSING


# ---- MultiHeadAttention's parts, for subclasses that override call() (keras-hub's cached
# attention): its projections as EinsumDense views holding the layer's own weights, its
# attention step, its settings. Keras 3.15's names; 3-D inputs, as the catalog entry.

_MHA_DENSE = {"_query_dense": "query_dense", "_key_dense": "key_dense", "_value_dense": "value_dense",
              "_output_dense": "output_dense"}
_MHA_PARTS = frozenset((*_MHA_DENSE, "_num_heads", "_key_dim", "_value_dim", "_use_bias", "_dropout", "_output_shape",
                        "_inverse_sqrt_key_dim", "_compute_attention", "_dropout_layer",
                        "_get_common_kwargs_for_sublayer", "_build_attention"))


def _mha_part(it: Any, layer: Layer, name: str, node: Any) -> Any:
    a = layer.args
    kd = a.get("key_dim")
    if name in ("_num_heads", "_key_dim", "_use_bias", "_dropout", "_output_shape"):
        return a.get(name[1:])
    if name == "_value_dim":
        return a.get("value_dim") if a.get("value_dim") is not None else kd
    if name == "_inverse_sqrt_key_dim":
        return 1.0 / math.sqrt(float(kd)) if type(kd) is int and kd > 0 else it.unknown("MultiHeadAttention key_dim", node)
    if name == "_compute_attention":
        return Builtin(name, lambda it2, args, kw, n: _mha_attention(it2, args, kw, n))
    if name == "_get_common_kwargs_for_sublayer":
        return Builtin(name, lambda it2, args, kw, n: _mha_common_kwargs(it2, layer, n))
    if name == "_build_attention":
        return Builtin(name, lambda it2, args, kw, n: _mha_build_attention(it2, args, kw, n))
    if layer.uncertain is not None:
        return layer.uncertain
    if not layer.built:
        return it.unknown(f"{name} of a MultiHeadAttention not built yet", node)
    parts = layer.attrs.get("__parts__")
    if parts is None:
        parts = layer.attrs["__parts__"] = {}
    if name not in parts:
        parts[name] = _mha_view(it, layer, name, node)
    return parts[name]


def _mha_view(it: Any, layer: Layer, name: str, node: Any) -> Any:
    """A sublayer Keras's MultiHeadAttention builds, as a built layer over its weights (no new
    weight, no auto-name: Keras made them when the attention layer was built)."""
    from paramlint.catalog import table
    from paramlint.evaluate.signatures import bind

    if name == "_dropout_layer":
        spec, pos, kw = table("keras")["Dropout"], [layer.args.get("dropout")], {}
    else:
        prefix = _MHA_DENSE[name]
        kernel = layer.params.get(f"{prefix}.kernel")
        if kernel is None:
            return it.unknown(f"MultiHeadAttention.{name} weights", node)
        if prefix == "output_dense":  # (batch, seq, heads, dim) -> (batch, seq, *output)
            eq, axes, out = "abcd,cde->abe", "e", (None, *kernel.shape[2:])
        else:  # (batch, seq, features) -> (batch, seq, heads, dim)
            eq, axes, out = "abc,cde->abde", "de", (None, *kernel.shape[1:])
        if len(out) != (2 if prefix == "output_dense" else 3):
            return it.unknown(f"MultiHeadAttention.{name} of this output shape", node)
        spec, pos, kw = table("keras")["EinsumDense"], [eq, out], {"bias_axes": axes if layer.args.get("use_bias") else None}
    bound = bind(spec.signature, pos, kw, spec.name)
    if isinstance(bound, str):
        return it.unknown(bound, node)
    view = Layer("keras", None, spec, layer.location)
    view.args, view.name, view.built = bound, name[1:], True
    if name != "_dropout_layer":
        view.params["kernel"] = kernel
        bias = layer.params.get(f"{prefix}.bias")
        if bias is not None:
            view.params["bias"] = bias
    return view


def _mha_common_kwargs(it: Any, layer: Layer, node: Any) -> Any:
    """``_get_common_kwargs_for_sublayer()``: the settings a subclass's own projections take
    (Whisper's attention builds its own, with and without biases)."""
    from paramlint.evaluate.keras_objects import STDLIB

    a = layer.args
    out: Dict[str, Any] = {k: a.get(k) for k in ("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                                                   "kernel_constraint", "bias_constraint")}
    out["dtype"] = keras_dtypes.layer_dtype(it, layer.attrs.get("__dtype__"), "dtype_policy", node)
    for k in ("kernel_initializer", "bias_initializer"):
        out[k] = STDLIB["keras.initializers.get"].fn(it, [a.get(k)], {}, node)
    return out


def _mha_build_attention(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``_build_attention(rank)`` (a subclass's own build()): Keras makes the Softmax and the
    Dropout then (no weights; they take auto-names)."""
    if len(args) + len(kwargs) != 1:
        return it.unknown("_build_attention() with these arguments", node)
    for n in ("softmax", "dropout"):
        it.keras_names[n] = it.keras_names.get(n, 0) + 1
    return None


def _mha_attention(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``_compute_attention(query, key, value, ...)`` on projected tensors (batch, seq, heads,
    dim): (output (batch, T, heads, value dim), scores (batch, heads, T, S)); the scores are
    None where Keras takes a fused attention kernel, which depends on the backend, unless asked
    for."""
    from paramlint.evaluate.signatures import bind

    b = bind("query, key, value, attention_mask=None, training=None, return_attention_scores=False, use_causal_mask=False",
             args, kwargs, "_compute_attention")
    if isinstance(b, str):
        return it.unknown(b, node)
    q, k, v = b["query"], b["key"], b["value"]
    u = next((t for t in (q, k, v) if isinstance(t, Unknown)), None)
    if u is not None:
        return u
    if not all(isinstance(t, Tensor) and t.framework == "keras" and len(t.shape) == 4 for t in (q, k, v)):
        return it.unknown("_compute_attention() of these tensors", node)
    if k.shape[1] != v.shape[1] and None not in (k.shape[1], v.shape[1]) or \
            any(x.shape[2:3] != q.shape[2:3] and None not in (x.shape[2], q.shape[2]) for x in (k, v)):
        return it.unknown("_compute_attention(): shapes that do not match", node)
    ins = tuple(t for t in (q, k, v) if not t.const)
    out = Tensor((q.shape[0], q.shape[1], q.shape[2], v.shape[3]), "keras")
    out.inputs = ins
    if b["return_attention_scores"] is not True:
        return (out, it.unknown("attention scores (None when Keras uses a fused kernel)", node))
    scores = Tensor((q.shape[0], q.shape[2], q.shape[1], k.shape[1]), "keras")
    scores.inputs = ins
    return (out, scores)


#: Catalog layers that keep Keras's default compute_output_shape (it raises NotImplementedError).
_NO_OUTPUT_SHAPE = frozenset(("GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"))


def _flatten_layers(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """Keras's private ``Layer._flatten_layers(include_self=True, recursive=True)`` (keras-hub's
    Backbone and Task take the ids of every layer): the layer, then each sublayer once, in
    Keras's order (a deque: a layer's own sublayers come before its siblings)."""
    from paramlint.evaluate.signatures import bind

    bound = bind("include_self=True, recursive=True", args, kwargs, "_flatten_layers")
    if isinstance(bound, str) or not all(isinstance(v, bool) for v in bound.values()):
        return it.unknown("_flatten_layers() with these arguments", node)
    out: List[Any] = [layer] if bound["include_self"] else []
    first = _layers(it, layer, node)
    if isinstance(first, Unknown):
        return first
    lazy.modules.anchor(it, list(first))
    seen: set = set()
    todo = collections.deque(first)
    while todo:
        sub = todo.popleft()
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        out.append(sub)
        if bound["recursive"] and isinstance(sub, Layer):
            inner = _layers(it, sub, node)
            if isinstance(inner, Unknown):
                return inner
            todo.extendleft(inner)
    lazy.modules.anchor(it, out)
    return out


def _compute_output_shape(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``dense.compute_output_shape((None, 8))`` of a catalog layer: its output-shape rule
    (keras-hub's build() methods chain them); one input shape, not a list of them."""
    shape = args[0] if len(args) == 1 and not kwargs else kwargs.get("input_shape") if not args and len(kwargs) == 1 else None
    if isinstance(shape, list):
        shape = tuple(shape)
    if not isinstance(shape, tuple) or not all(d is None or type(d) is int for d in shape):
        return shape if isinstance(shape, Unknown) else it.unknown(f"{layer.type_name}.compute_output_shape() of this value", node)
    return _out_shape(it, layer, shape, node)


def _io(it: Any, layer: Layer, name: str, node: Any) -> Any:
    """``model.input``/``inputs``/``output``/``outputs`` of a functional model (its own graph's
    tensors), and ``layer.output`` of a layer applied exactly once on symbolic tensors (the
    feature-extractor pattern ``Model(m.input, m.get_layer("x").output)``; with several
    applications Keras 3 answers the first, tf.keras raises: unknown)."""
    if layer.graph is not None and (layer.spec is None or layer.spec.name != "Sequential"):
        ins, outs = layer.attrs.get("__inputs__"), layer.attrs.get("__output_list__")
        if name in ("inputs", "outputs"):
            v = ins if name == "inputs" else outs
            if isinstance(v, list):
                return list(v)
        else:
            struct = layer.attrs.get("__inputs_struct__" if name == "input" else "__outputs_struct__")
            if isinstance(struct, dict):  # (Keras 3: the structure the model was built with)
                return dict(struct)
            v = ins if name == "input" else outs
            if isinstance(v, list) and len(v) == 1:
                return v[0]
        return it.unknown(f"{layer.type_name}.{name}", node)
    if layer.spec is not None and layer.spec.name == "Sequential":
        return it.unknown(f"Sequential.{name} (Keras 3.15 raises for some)", node)
    apps = layer.attrs.get("__applications__") or []
    if name == "output" and len(apps) == 1 and layer.uncertain is None:
        return apps[0]
    return it.unknown(f"{layer.type_name}.{name} (applied {len(apps)} times)", node)


def _get_layer(it: Any, model: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``model.get_layer(name=None, index=None)``: the index wins, as in Keras."""
    name = args[0] if args else kwargs.get("name")
    index = args[1] if len(args) > 1 else kwargs.get("index")
    found = _layers(it, model, node)
    if isinstance(found, Unknown):
        return found
    from paramlint.evaluate.interpreter import Raised

    if index is not None:
        if not isinstance(index, int) or isinstance(index, bool):
            return it.unknown(f"get_layer(index={index!r})", node)
        if not -len(found) <= index < len(found):
            raise Raised(it.unknown(f"raises ValueError: get_layer(index={index}) out of range", node), "ValueError")
        return found[index]
    if not isinstance(name, str):
        return it.unknown(f"get_layer({name!r})", node)
    for layer in found:
        if layer.name == name:
            return layer
    raise Raised(it.unknown(f"raises ValueError: no layer named {name!r}", node), "ValueError")


def _pop(it: Any, seq: Layer, node: Any) -> Any:
    """``Sequential.pop()``: the last layer goes, the model is rebuilt without it."""
    keys = [k for k, v in seq.children.items() if v is not None]
    if not keys:
        return it.unknown("pop() from an empty Sequential", node)
    last = seq.children.pop(keys[-1])
    _rebuild(it, seq, node)
    return last


def _input_layer(it: Any, t: Any, model: Layer, node: Any) -> Layer:
    """The InputLayer of the input tensor ``t``: one per tensor, whatever models it feeds
    (``keras.Model(bb.input, ...)`` lists ``bb``'s own InputLayer)."""
    table = it.project.keras_input_layers
    hit = table.get(id(t))
    if hit is not None and hit[0] is t and hit[1] is not None:
        return hit[1]  # type: ignore[no-any-return]
    from paramlint.catalog import table as catalog_table

    marker = Layer("keras", None, catalog_table("keras").get("InputLayer"), model.location)
    marker.built = True
    name = hit[2] if hit is not None and hit[0] is t else it.unknown("the name of this InputLayer", node)
    if isinstance(name, str):
        marker.name = name
    else:
        marker.name = "input_layer"
        marker.attrs["name"] = name  # (read as unknown)
    table[id(t)] = (t, marker, name)
    return marker


def _layers(it: Any, model: Layer, node: Any) -> Any:
    """``model.layers``. A functional model lists its InputLayers too, ranked with its layers
    by depth in the graph, then discovery (one input is the deepest node: first)."""
    if model.uncertain is not None:  # (a graph or a layer list not fully followed)
        return model.uncertain
    out: List[Any] = [c for c in model.children.values() if c is not None]
    ins = model.attrs.get("__inputs__")
    if model.graph is None or not isinstance(ins, list) or (model.spec is not None and model.spec.name == "Sequential"):
        return out  # Sequential and subclassed models: their layers in the order they were added
    by_id = {id(c.layer): c.layer for c in model.graph}  # Keras' order (depth, then discovery)
    if any(v.attrs.get("__inlined__") for v in by_id.values()):
        # a Sequential called in the graph is one layer of it for Keras; here its layers are
        return it.unknown("model.layers of a functional model that calls a Sequential is not modelled", node)
    extra = [c for c in out if id(c) not in by_id]
    markers = [_input_layer(it, t, model, node) for t in ins]
    saved = model.attrs.get("__ranks__")
    ranks: Dict[int, Tuple[int, int]] = saved[0] if saved else {}
    input_ranks: List[Tuple[int, int]] = saved[1] if saved else []
    if len(ins) == 1 or len(input_ranks) != len(ins):
        return [markers[0], *by_id.values(), *extra] if len(ins) == 1 else it.unknown(
            "model.layers of this functional model", node)
    entries = [(ranks.get(k, (0, 0)), i, v) for i, (k, v) in enumerate(by_id.items())]
    entries += [(r, -1, m) for r, m in zip(input_ranks, markers)]
    entries.sort(key=lambda e: (-e[0][0], e[0][1], e[1]))
    return [v for _, _, v in entries] + extra


def _add_weight(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``Layer.add_weight``: Keras 3 takes ``shape`` first, tf.keras ``name`` first."""
    pos = list(args)
    if pos and isinstance(pos[0], str):
        pos = pos[1:]
    shape = pos[0] if pos else kwargs.get("shape")
    trainable = kwargs.get("trainable", True)
    if isinstance(shape, Unknown) or isinstance(trainable, Unknown):
        return shape if isinstance(shape, Unknown) else trainable
    if shape is None:
        shape = ()
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        return it.unknown("add_weight shape must be a tuple of known ints", node)
    variable = trainable is not False
    p = Param(tuple(shape), trainable=variable and it.fw.layer_trainable(layer) is not False, variable=variable)
    _keep(layer.params, p)  # Keras tracks it from now on, whatever attribute it ends up in (or none)
    return p


def _keep(table: Dict[str, Any], value: Any) -> None:
    """Keep ``value`` in ``table`` under a key no attribute can have: Keras tracks a weight
    from its ``add_weight`` and a layer from its first assignment, also after the attribute is
    reassigned or deleted."""
    if any(v is value for v in table.values()):
        return
    table[_free_key(table)] = value


def _free_key(table: Dict[str, Any]) -> str:
    """A key no attribute can have, not yet used in ``table``."""
    i = len(table)
    while f"#{i}" in table:
        i += 1
    return f"#{i}"


def set_attr(it: Any, layer: Layer, name: str, value: Any, node: Any) -> None:
    """Keras tracks layers (also inside lists) and variables assigned as attributes."""
    if name == "trainable":
        if isinstance(value, Unknown):
            if layer.uncertain is None:
                layer.uncertain = value.because(f"{layer.type_name}.trainable: {value.reason}")
            return
        set_trainable(layer, bool(value), set())
        return
    if layer.spec is not None and name in layer.args:
        # ``d.units = 10`` before the layer is built: Keras builds from the attribute (a
        # different layer); after, the call uses the built weights: not followed either way
        if layer.uncertain is None:
            touch(it, layer)
            layer.uncertain = it.unknown(f"{layer.type_name}.{name} set after construction", node)
        layer.attrs[name] = value
        return
    old = layer.children.get(name)
    if isinstance(old, Layer) and old is not value:
        stash(layer.children, name)  # replaced, but still tracked by Keras
    if isinstance(value, Layer):
        _drop_kept(layer.children, value)
        layer.children[name] = value
        return
    if isinstance(value, (list, dict)):
        # Keras tracks a copy of the list or dict (layers appended to the original afterwards
        # are not seen; those appended through the attribute are), its layers read again
        # before the model is reported (sync_tracked).
        value = list(value) if isinstance(value, list) else dict(value)
    if isinstance(value, (list, tuple, dict)):
        layer.attrs[name] = value
        tracked = layer.attrs.get("__tracked__")
        if tracked is None:
            tracked = layer.attrs["__tracked__"] = {}
        tracked[name] = value
        _sync_one(layer, name, value)
        return
    if isinstance(value, Param):
        prev = layer.params.get(name)
        if isinstance(prev, Param) and prev is not value:
            stash(layer.params, name)
        _drop_kept(layer.params, value)
        layer.params[name] = value
        return
    if isinstance(value, Unknown):
        # Keras tracks layers and variables assigned to attributes: an unknown value may be
        # one, so the layer's weights are unknown.
        if layer.uncertain is None:
            u = value if isinstance(value, Unknown) else it.unknown(f"{name} holds values paramlint cannot track", node)
            layer.uncertain = u.because(f"{layer.type_name}.{name}: {u.reason}")
    layer.attrs[name] = value


def stash(table: Dict[str, Any], name: str) -> None:
    """The value under attribute ``name`` moves to a key no attribute can have (still tracked)."""
    table[_free_key(table)] = table.pop(name)


def _drop_kept(table: Dict[str, Any], value: Any) -> None:
    """``value`` is about to be kept under an attribute name: not twice."""
    for k in [k for k, v in table.items() if v is value and k.startswith("#")]:
        del table[k]


def _sync_one(layer: Layer, name: str, value: Any) -> None:
    """The children of one tracked container attribute, as it holds them now."""
    found: Dict[str, Layer] = {}
    stack: List[Any] = [(name, value)]
    depth_guard = 0
    while stack and depth_guard < 100_000:
        depth_guard += 1
        path, v = stack.pop()
        if isinstance(v, Layer):
            found[path] = v
        elif isinstance(v, (list, tuple)):
            stack.extend((f"{path}.{i}", x) for i, x in reversed(list(enumerate(v))))
        elif isinstance(v, dict):
            stack.extend((f"{path}.{k}", x) for k, x in reversed(list(v.items())))
        elif isinstance(v, Unknown) and layer.uncertain is None:
            layer.uncertain = v.because(f"{layer.type_name}.{name}: {v.reason}")
    prefix = name + "."
    old = {k: c for k, c in layer.children.items() if k.startswith(prefix)}
    if old.keys() == found.keys() and all(old[k] is found[k] for k in old):
        return
    for k in old:
        del layer.children[k]
    layer.children.update(found)


def sync_tracked(root: Layer) -> None:
    """Read every tracked list/dict attribute again (in the whole tree): layers appended to
    them after the assignment are Keras children too."""
    seen: set = set()
    stack = [root]
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        tracked = layer.attrs.get("__tracked__")
        if tracked:
            for name, value in tracked.items():
                if layer.attrs.get(name) is value:  # (still the attribute's value)
                    _sync_one(layer, name, value)
        stack.extend(c for c in layer.children.values() if isinstance(c, Layer))


def set_trainable(layer: Layer, value: bool, seen: set) -> None:
    """Keras' ``Layer.trainable`` setter: the layer's trainable variables and, recursively,
    every sublayer's follow the new value (moving statistics stay non-trainable)."""
    if id(layer) in seen:
        return
    seen.add(id(layer))
    if not seen - {id(layer)}:
        sync_tracked(layer)
    layer.attrs["trainable"] = value
    layer.attrs[SET_TRAINABLE] = value
    for p in layer.params.values():
        if p is not None and p.variable:
            p.trainable = value
    for child in [*layer.children.values(), *_tracked_arguments(layer)]:
        if isinstance(child, Layer):
            set_trainable(child, value, seen)


def _tracked_arguments(layer: Layer) -> List[Any]:
    """The layers a Keras wrapper was given and keeps as its own sublayers (the setter reaches
    them): TimeDistributed's and SpectralNormalization's layer, RNN's cell or cells (a list
    becomes a tracked StackedRNNCells), Bidirectional's given backward layer (its forward one
    is a copy made from the given layer's config)."""
    spec = layer.spec
    if spec is None or spec.framework != "keras" or layer.cls is not None:
        return []
    if spec.name in ("TimeDistributed", "SpectralNormalization"):
        return [layer.args.get("layer")]
    if spec.name == "Bidirectional":
        return [layer.args.get("backward_layer")]
    if spec.name == "RNN":
        cell = layer.args.get("cell")
        return list(cell) if isinstance(cell, (list, tuple)) else [cell]
    return []
