"""Flax linen semantics: modules are dataclasses (fields are constructor arguments);
submodules come from ``setup()`` (named by attribute, lists as ``name_i``) or are created
inline in ``__call__`` (``@nn.compact``; auto-named ``ClassName_i`` per parent, counted
afresh on each call so a second call reuses them); parameters exist only once a module is
called with an input (``init``), so a model never called has no known size.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from paramlint.catalog.spec import LayerSpec
from paramlint.evaluate.values import (
    first_set,
    Builtin,
    External,
    Function,
    Layer,
    Param,
    Tensor,
    Unknown,
)

_MISSING = object()


class Frame:
    """A module method running: where inline-created submodules belong. ``compact``: an
    ``@nn.compact`` method (submodules are created inline, auto-named); ``plain``: another
    method but ``setup`` (flax refuses inline submodules there)."""

    __slots__ = ("compact", "counters", "layer", "names", "plain")

    def __init__(self, layer: Layer, compact: bool, plain: bool = False) -> None:
        self.layer = layer
        self.compact = compact
        self.plain = plain
        self.counters: Dict[str, int] = {}
        #: names taken in this call (submodules and parameters): flax refuses a second
        self.names: set = set()


def _claim(it: Any, f: Frame, name: str, what: str, node: Any) -> None:
    """A name taken twice in one compact call (``name='fc'`` in a loop, an explicit name an
    auto-name reaches, ``self.param('w')`` twice): flax raises NameInUseError."""
    if name in f.names:
        f.layer.uncertain = first_set(f.layer.uncertain, it.unknown(
            f"two {what}s named {name!r} in one call of {f.layer.type_name} (flax raises NameInUseError)", node))
    f.names.add(name)


def _detach(it: Any, child: Layer) -> None:
    """A module handed to another (nn.Sequential, nn.RNN, a field) leaves its auto-parent."""
    for f in it.flax_frames:
        for k, v in list(f.layer.children.items()):
            if v is child:
                del f.layer.children[k]


def adopt(it: Any, layer: Layer, name: Any) -> None:
    """A module constructed while a compact method runs is that module's child."""
    frames = it.flax_frames
    if isinstance(name, str):
        layer.name = name
        layer.attrs["__flax_named__"] = True  # name=...: kept wherever the module is assigned
    if frames and frames[-1].plain and frames[-1].layer.uncertain is None:
        frames[-1].layer.uncertain = it.unknown(
            f"{layer.type_name} created inline in a method of {frames[-1].layer.type_name} that is not @nn.compact", None)
    if not frames or not frames[-1].compact:
        return
    f = frames[-1]
    if not isinstance(name, str):
        base = layer.type_name
        n = f.counters.get(base, 0)
        f.counters[base] = n + 1
        name = f"{base}_{n}"
    _claim(it, f, name, "submodule", None)
    existing = f.layer.children.get(name)
    if existing is not None and existing is not layer:
        layer.attrs["__flax_same__"] = existing  # the same submodule, from an earlier call
        return
    f.layer.children[name] = layer
    layer.name = name


def adopt_fields(it: Any, layer: Layer) -> None:
    """Modules passed as dataclass fields become children named by the field."""
    for k, v in list(layer.attrs.items()):
        _register(it, layer, k, v)


def _register(it: Any, layer: Layer, name: str, value: Any, depth: int = 0) -> None:
    """Modules anywhere inside an attribute's value register, as flax names them: a list's
    items ``name_0``, a nested one's ``name_0_1``, a dict's ``name_key``, a NamedTuple's
    ``name_field``."""
    from paramlint.evaluate.values import Instance

    if isinstance(value, Layer):
        _detach(it, value)
        key = value.name if value.attrs.get("__flax_named__") and value.name else name
        layer.children[key] = value
        value.name = key
    elif depth > 20:
        return
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _register(it, layer, f"{name}_{i}", v, depth + 1)
    elif isinstance(value, dict):
        for k, v in value.items():
            _register(it, layer, f"{name}_{k}", v, depth + 1)
    elif isinstance(value, Instance) and "namedtuple" in value.cls.flags:
        for f, _ in value.cls.fields:
            _register(it, layer, f"{name}_{f}", value.attrs.get(f), depth + 1)


def instantiate(it: Any, cls: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``MyModule(...)``: the generated dataclass ``__init__`` (``name``/``parent`` are
    keyword-only extras), then adoption by the module whose compact method is running."""
    from paramlint.evaluate import records

    kw = dict(kwargs)
    name = kw.pop("name", None)
    kw.pop("parent", None)
    owner = records.generated_init_owner(it, cls)
    if owner is None:
        return it.unknown(f"{cls.name}: a flax Module with a hand-written __init__ is not modelled", node)
    r = records.init_fields(it, owner, layer, list(args), kw, node)
    if isinstance(r, Unknown):
        return r.because(f"{cls.name}(): {r.reason}")
    adopt(it, layer, name)
    return layer


def init(it: Any, spec: LayerSpec, layer: Layer, bound: Dict[str, Any], node: Any) -> Any:
    """Construction of a flax module (catalog layer or a user dataclass through nn.Module)."""
    if spec.role == "base":  # super().__init__(...) reaching nn.Module: the generated dataclass init
        if layer.cls is None:
            return it.unknown("constructing flax.linen.Module itself", node)
        r = instantiate(it, layer.cls, layer, list(bound.get("args", ())), dict(bound.get("kwargs", {})), node)
        return r if isinstance(r, Unknown) else None
    layer.built = spec.role != "leaf"
    if spec.name == "Sequential":
        seq = bound.get("layers")
        if not isinstance(seq, (list, tuple)):
            layer.uncertain = seq if isinstance(seq, Unknown) else it.unknown("nn.Sequential of a non-list", node)
            return None
        _register(it, layer, "layers", list(seq))
    for k in ("cell", "forward_rnn", "backward_rnn"):
        v = bound.get(k)
        if isinstance(v, Layer):
            _detach(it, v)  # nn.RNN owns its cell's parameters ("cell.*"), Bidirectional its RNNs
            v.built = True
    adopt(it, layer, bound.get("name"))
    return None


def set_attr(it: Any, layer: Layer, name: str, value: Any, node: Any) -> None:
    """``self.x = ...`` in ``setup()``: modules (also in lists/dicts) register by name."""
    if isinstance(value, Param):
        layer.params[name] = value
        return
    layer.attrs[name] = value
    _register(it, layer, name, value)


def _ensure_setup(it: Any, layer: Layer, node: Any) -> Any:
    if layer.cls is None or layer.attrs.get("__flax_setup__"):
        return None
    layer.attrs["__flax_setup__"] = True
    from paramlint.evaluate.attributes import class_attr

    setup = class_attr(it, layer.cls, "setup", node, layer)
    if isinstance(setup, (Unknown, External)) or hasattr(setup, "qualname"):
        return None
    frames = it.flax_frames
    frames.append(Frame(layer, False))
    try:
        r = it.call(setup, [], {}, node)
    finally:
        frames.pop()
    if isinstance(r, Unknown):
        layer.uncertain = first_set(layer.uncertain, r.because(f"{layer.type_name}.setup(): {r.reason}"))
    return r


def call(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``module(x)``: a user module runs ``__call__`` (compact); a catalog leaf builds itself."""
    same = layer.attrs.get("__flax_same__")
    if isinstance(same, Layer):
        return call(it, same, args, kwargs, node)
    args = [Tensor(a.shape, "flax") if isinstance(a, Tensor) and a.framework != "flax" else a for a in args]
    layer.attrs["__flax_called__"] = True
    if layer.cls is not None:
        _ensure_setup(it, layer, node)
        from paramlint.evaluate.attributes import class_attr

        fn = class_attr(it, layer.cls, "__call__", node, layer)
        from paramlint.evaluate.values import BoundMethod

        if isinstance(fn, BoundMethod) and isinstance(fn.func, Function):
            return _run_method(it, layer, fn.func, args, kwargs, node)
        if not isinstance(fn, (Unknown, External)) and not hasattr(fn, "qualname"):
            return it.unknown(f"{layer.type_name}.__call__ is not a plain method", node)
    spec = layer.spec
    if spec is None:
        return it.unknown(f"{layer.type_name} has no __call__", node)
    if spec.name == "Sequential":
        return _sequential(it, layer, args, kwargs, node)
    if spec.role != "leaf":
        return it.unknown(f"{layer.type_name} has no __call__", node)
    from paramlint.evaluate import catalog_calls

    return catalog_calls.call_leaf(it, layer, args, kwargs, node)


def call_method(it: Any, layer: Layer, fn: Function, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``module.method(x)``: flax runs ``setup()`` first; a ``@nn.compact`` method names the
    submodules it creates afresh on each outermost call (a second call reuses them), while a
    plain helper goes on with its caller's names (``Dense_0``, then ``Dense_1``)."""
    same = layer.attrs.get("__flax_same__")
    if isinstance(same, Layer):
        layer = same
    if fn.name == "setup":
        return it.call(fn, [layer, *args], kwargs, node)
    if fn.name == "__call__":  # ``self.inner.__call__(x)``, ``super().__call__(x)``
        layer.attrs["__flax_called__"] = True
        args = [Tensor(a.shape, "flax") if isinstance(a, Tensor) and a.framework != "flax" else a for a in args]
    if layer.cls is not None:
        _ensure_setup(it, layer, node)
    return _run_method(it, layer, fn, args, kwargs, node)


def _run_method(it: Any, layer: Layer, fn: Function, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    frames = it.flax_frames
    compact = bool(fn.attrs.get("__flax_compact__"))
    top = frames[-1] if frames else None
    if top is not None and top.layer is layer and (top.compact or not compact):
        # a helper of the running method, or the compact method reached again from itself
        # (``super().__call__(x)``): it goes on with the caller's names (flax resets them when
        # the outermost compact call returns)
        return it.call(fn, [layer, *args], kwargs, node)
    frames.append(Frame(layer, compact, plain=not compact))
    try:
        out = it.call(fn, [layer, *args], kwargs, node)
    finally:
        frames.pop()
    if isinstance(out, Unknown) and layer.uncertain is None:
        # Inline submodules after the failure were never created: the size is unknown.
        layer.uncertain = out.because(f"{layer.type_name}.{fn.name} did not complete: {out.reason}")
    return out


def unknown_call(it: Any, out: Unknown) -> None:
    """A call that gave an unknown value while a module's method runs: flax creates parameters
    during that run (``init`` is the forward pass), so what it hid (``nn.remat(Block)()(x)``,
    a layer outside the catalog) makes the module's size unknown even when the value itself
    goes nowhere."""
    frames = it.flax_frames
    if frames:
        layer = frames[-1].layer
        if layer.uncertain is None:
            layer.uncertain = out.because(f"{layer.type_name}: {out.reason}")


def _sequential(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    items = layer.args.get("layers") or []
    if not items:
        return it.unknown("empty nn.Sequential", node)
    out = it.call(items[0], args, kwargs, node)
    for f in items[1:]:
        if isinstance(out, Unknown):
            break
        out = it.call(f, list(out), {}, node) if isinstance(out, tuple) else it.call(f, [out], {}, node)
    if isinstance(out, Unknown) and layer.uncertain is None:
        layer.uncertain = out.because(f"nn.Sequential did not complete: {out.reason}")
    return out


# ---- module API: self.param, self.variable ----------------------------------------------------

def _shape_arg(it: Any, init_fn: Any, init_args: List[Any], node: Any) -> Any:
    """The shape an initializer call ``init_fn(rng, *init_args)`` produces."""
    if isinstance(init_fn, External) and (init_fn.qualname.startswith(("flax.linen.initializers.", "jax.nn.initializers."))
                                          or init_fn.qualname in _SHAPE_FIRST):
        shape = init_args[0] if init_args else None
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if isinstance(shape, (list, tuple)) and all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
            return tuple(shape)
        return shape if isinstance(shape, Unknown) else it.unknown("parameter shape is not a tuple of ints", node)
    if isinstance(init_fn, (Function, Builtin)):
        return None  # evaluated by the caller
    return it.unknown("parameter initializer is not modelled", node)


#: Functions outside the initializer modules whose argument after the key is the shape.
_SHAPE_FIRST = frozenset(("flax.linen.zeros", "flax.linen.ones", "flax.linen.zeros_init", "flax.linen.ones_init",
                          "jax.random.normal", "jax.random.uniform", "jax.random.randint"))
#: ``self.variable(col, name, fn, *args)`` with a jax.numpy function: those taking a shape.
_JNP_SHAPE_FIRST = frozenset(("jax.numpy.zeros", "jax.numpy.ones", "jax.numpy.empty", "jax.numpy.full"))


def _param(it: Any, layer: Layer, a: List[Any], k: Dict[str, Any], node: Any) -> Any:
    name = a[0] if a else k.get("name")
    init_fn = a[1] if len(a) > 1 else k.get("init_fn")
    if not isinstance(name, str):
        layer.uncertain = first_set(layer.uncertain, it.unknown("self.param() with a non-constant name", node))
        return layer.uncertain
    frames = it.flax_frames
    if frames and frames[-1].layer is layer and frames[-1].compact:
        _claim(it, frames[-1], name, "parameter", node)
    existing = layer.params.get(name)
    if existing is not None:
        return Tensor(existing.shape, "flax")
    shape = _shape_arg(it, init_fn, list(a[2:]), node)
    if shape is None:
        v = it.call(init_fn, [Unknown("PRNG key", None), *a[2:]], {}, node)
        shape = tuple(v.shape) if isinstance(v, Tensor) and all(isinstance(d, int) for d in v.shape) else None
        if shape is None:
            shape = it.unknown(f"self.param({name!r}): the initializer's result shape is unknown", node)
    if isinstance(shape, Unknown):
        layer.uncertain = first_set(layer.uncertain, shape)
        return shape
    layer.params[name] = Param(shape)
    return Tensor(shape, "flax")


def _variable(it: Any, layer: Layer, a: List[Any], k: Dict[str, Any], node: Any) -> Any:
    col = a[0] if a else k.get("col")
    name = a[1] if len(a) > 1 else k.get("name")
    init_fn = a[2] if len(a) > 2 else k.get("init_fn")
    if not isinstance(col, str) or not isinstance(name, str):
        layer.uncertain = first_set(layer.uncertain, it.unknown("self.variable() with a non-constant name", node))
        return layer.uncertain
    shape: Any
    if isinstance(init_fn, External) and init_fn.qualname in _JNP_SHAPE_FIRST:
        shape = _shape_arg(it, External("flax.linen.initializers.zeros"), list(a[3:]), node)
    elif isinstance(init_fn, (Function, Builtin)):
        v = it.call(init_fn, list(a[3:]), {}, node)
        shape = tuple(v.shape) if isinstance(v, Tensor) and all(isinstance(d, int) for d in v.shape) else it.unknown(
            f"self.variable({col!r}, {name!r}): the initializer's result shape is unknown", node)
    else:
        shape = it.unknown(f"self.variable({col!r}, {name!r}): initializer not modelled", node)
    if isinstance(shape, Unknown):
        layer.uncertain = first_set(layer.uncertain, shape)  # (its size is in the params or the state figures)
        return shape
    if col == "params":
        layer.params[name] = Param(shape)
    else:
        layer.buffers[name] = Param(shape, trainable=False, buffer=True, collection=col)
    return it.unknown(f"flax variable {col}/{name} values are not modelled", node)


def get_attr(it: Any, layer: Layer, name: str, node: Any) -> Any:
    if name == "param":
        return Builtin("Module.param", lambda it2, a, k, n: _param(it2, layer, a, k, n))
    if name == "variable":
        return Builtin("Module.variable", lambda it2, a, k, n: _variable(it2, layer, a, k, n))
    if name in ("is_initializing", "is_mutable_collection"):
        return Builtin(f"Module.{name}", lambda it2, a, k, n: True)
    if name == "sow":
        return Builtin("Module.sow", lambda it2, a, k, n: True)
    if name == "name":
        return layer.name
    if name in ("init", "apply", "init_with_output", "tabulate", "bind"):
        return Builtin(f"Module.{name}", lambda it2, a, k, n: it2.unknown(f"Module.{name}() is not modelled", n))
    return _MISSING


# ---- functions on arrays (flax.linen.*, jax.nn.*, jax.numpy.*) ------------------------------------

_ELEMENTWISE = {
    "relu", "relu6", "gelu", "silu", "swish", "sigmoid", "tanh", "elu", "celu", "selu", "leaky_relu", "softplus",
    "soft_sign", "log_sigmoid", "hard_tanh", "hard_sigmoid", "hard_silu", "hard_swish", "softmax", "log_softmax",
    "standardize", "normalize", "mish", "exp", "log", "sqrt", "abs", "square", "negative", "rsqrt", "sin", "cos",
    "erf",
}


def as_torch(x: Any) -> Any:
    """A jax array seen by the shared (torch-flavoured) shape code: operators, indexing."""
    return Tensor(x.shape) if isinstance(x, Tensor) and x.framework == "flax" else x


def as_flax(x: Any) -> Any:
    if isinstance(x, Tensor):
        return Tensor(x.shape, "flax")
    if isinstance(x, tuple):
        return tuple(as_flax(v) for v in x)
    return x


def _tensor(x: Any) -> Optional[Tensor]:
    return x if isinstance(x, Tensor) else (Tensor(x.shape, "flax") if isinstance(x, Param) else None)


def _pool(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.catalog.spec import ArgError, Args

    x = _tensor(args[0] if args else kwargs.get("inputs"))
    window = args[1] if len(args) > 1 else kwargs.get("window_shape")
    strides = args[2] if len(args) > 2 else kwargs.get("strides")
    padding = args[3] if len(args) > 3 else kwargs.get("padding", "VALID")
    if x is None or not isinstance(window, (tuple, list)):
        return it.unknown("pooling of a non-array or with an unknown window", node)
    # flax.linen.pooling.pool: ``(1,) * n + strides + (1,)`` and ``tuple(map(tuple, padding))``
    # raise TypeError for a list window or strides, an int stride or padding, flat int pads
    if not isinstance(window, tuple) or strides and not isinstance(strides, tuple) or not (
            isinstance(padding, str) or isinstance(padding, (tuple, list))
            and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in padding)):
        return it.unknown("flax raises TypeError for these pooling arguments (tuples are required)", node)
    if isinstance(padding, str) and padding.upper() not in ("SAME", "VALID", "SAME_LOWER"):
        return it.unknown(f"pooling padding {padding!r}: lax.reduce_window raises", node)
    n = len(window)
    a = Args("pool", {"kernel_size": tuple(window), "strides": strides, "padding": padding, "features": 1,
                      "kernel_dilation": None, "input_dilation": None})
    from paramlint.catalog.flax import _conv_output

    try:
        shape = _conv_output(a, x.shape)
    except ArgError as e:
        return e.unknown if e.unknown is not None else it.unknown(f"pooling: {e.message}", node)
    if len(x.shape) < n + 1:
        return it.unknown("pooling window longer than the input", node)
    return Tensor(tuple(shape[:-1]) + (x.shape[-1],), "flax")


#: jax.numpy reductions' parameters after the array (``keepdims`` is positional too).
_REDUCE_SIG = {"mean": "axis=None, dtype=None, out=None, keepdims=False, where=None",
               "sum": "axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None",
               "max": "axis=None, out=None, keepdims=False, initial=None, where=None",
               "min": "axis=None, out=None, keepdims=False, initial=None, where=None"}


def _reduce(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any, name: str = "mean",
            x: Optional[Tensor] = None) -> Any:
    from paramlint.evaluate.signatures import bind

    if x is None:
        x = _tensor(args[0] if args else kwargs.get("a"))
        args = list(args[1:]) if args else []
        kwargs = {k: v for k, v in kwargs.items() if k != "a"}
    b = bind(_REDUCE_SIG[name], list(args), kwargs, name)
    if isinstance(b, str):
        return it.unknown(f"jnp.{name}: {b}", node)
    axis, keep = b["axis"], b["keepdims"]
    if x is None or isinstance(axis, Unknown) or not isinstance(keep, bool) or b.get("where") is not None \
            or b.get("out") is not None:
        return it.unknown("reduction of a non-array, with unknown axes or with out/where", node)
    return reduce_shape(it, x, axis, keep, node)


def reduce_shape(it: Any, x: Tensor, axis: Any, keep: bool, node: Any) -> Any:
    rank = len(x.shape)
    axes = range(rank) if axis is None else (axis if isinstance(axis, (tuple, list)) else (axis,))
    norm = set()
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, int) or not -rank <= ax < rank:
            return it.unknown(f"reduction axis {ax!r} out of range", node)
        norm.add(ax % rank)
    return Tensor(tuple((1 if keep else None) if i in norm else d for i, d in enumerate(x.shape) if keep or i not in norm), "flax")


def _creation(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    shape = args[0] if args else kwargs.get("shape")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, (tuple, list)) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        return Tensor(tuple(shape), "flax")
    return shape if isinstance(shape, Unknown) else it.unknown("array shape is not a tuple of ints", node)


def call_function(it: Any, qualname: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """A flax/jax function on arrays, by qualified name; ``NOT_MODELLED`` when unknown."""
    from paramlint.evaluate.tensors import NOT_MODELLED

    short = qualname.rsplit(".", 1)[-1]
    if qualname.startswith(("flax.linen.initializers.", "jax.nn.initializers.")) or qualname in (
            "flax.linen.zeros", "flax.linen.ones"):
        return External(qualname)  # an initializer: shapes come from self.param's arguments
    if qualname.startswith(("flax.linen.", "jax.nn.", "jax.numpy.", "jax.lax.")) and short in _ELEMENTWISE:
        first = args[0] if args else kwargs.get("x")
        if type(first) in (int, float) and qualname.startswith(("jax.numpy.", "jax.lax.")):
            return Tensor((), "flax")  # (``jnp.sqrt(head_dim)``: a 0-d array)
        x = _tensor(first)
        return x if x is not None else it.unknown(f"{short} of a non-array", node)
    if qualname.startswith("jax.numpy.") and qualname.count(".") == 2:
        from paramlint.catalog.spec import ArgError
        from paramlint.evaluate import jax_numpy

        for v in (*args, *kwargs.values()):
            for x in (v if isinstance(v, (list, tuple)) else (v,)):
                if isinstance(x, Unknown):
                    return x  # (the reason an operand is unknown, not "not an array")
        try:
            r = jax_numpy.call(short, args, kwargs)
        except ArgError as e:
            return it.unknown(f"jnp.{short}: {e.message}", node)
        if r is not None:
            return r
    if qualname in ("flax.linen.avg_pool", "flax.linen.max_pool", "flax.linen.pooling.avg_pool", "flax.linen.pooling.max_pool"):
        return _pool(it, args, kwargs, node)
    if qualname in ("jax.numpy.mean", "jax.numpy.sum", "jax.numpy.max", "jax.numpy.min"):
        return _reduce(it, args, kwargs, node, short)
    if qualname in ("jax.numpy.zeros", "jax.numpy.ones", "jax.numpy.empty"):
        return _creation(it, args, kwargs, node)
    return NOT_MODELLED


#: Array methods that are their ``jax.numpy`` function on the array.
_ARRAY_METHODS = {"transpose": "transpose", "swapaxes": "swapaxes", "squeeze": "squeeze", "flatten": "ravel",
                  "ravel": "ravel", "dot": "dot"}


def tensor_attr(it: Any, t: Tensor, name: str, node: Any) -> Any:
    """Array attributes and methods with numpy semantics (``x.mean(axis=...)``)."""
    if name == "shape":
        return tuple(d if d is not None else it.unknown("unknown array dimension", node) for d in t.shape)
    if name == "ndim":
        return len(t.shape)
    if name == "size":
        n = 1
        for d in t.shape:
            if d is None:
                return it.unknown("size of an array with unknown dims", node)
            n *= d
        return n
    if name in ("mean", "sum", "max", "min"):
        def reduce(it2: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
            return _reduce(it2, a, k, n, name, t)  # (numpy's positional keepdims too: ``x.max(-1, None, True)``)
        return Builtin(f"Array.{name}", reduce)
    if name == "reshape":
        from paramlint.evaluate.tensors import attr

        inner = attr(it, Tensor(t.shape, "torch"), "reshape", node)

        def reshape(it2: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
            if set(k) - {"order"} or k.get("order", "C") != "C":  # (jax's method takes the shape positionally)
                return it2.unknown("Array.reshape with these keywords (jax raises or reorders)", n)
            r = it2.call(inner, a, {}, n)
            return Tensor(r.shape, "flax") if isinstance(r, Tensor) else r
        return Builtin("Array.reshape", reshape)
    if name == "astype":
        return Builtin("Array.astype", lambda it2, a, k, n: t)
    if name == "T":
        return Tensor(tuple(reversed(t.shape)), "flax")
    if name in _ARRAY_METHODS:
        from paramlint.catalog.spec import ArgError
        from paramlint.evaluate import jax_numpy

        def method(it2: Any, a: List[Any], k: Dict[str, Any], n: Any) -> Any:
            if name in ("transpose", "squeeze", "flatten", "ravel") and len(a) > 1 and all(type(v) is int for v in a):
                a = [tuple(a)]  # (``x.transpose(0, 2, 1)``: numpy's methods take the axes spread out)
            try:
                r = jax_numpy.call(_ARRAY_METHODS[name], [t, *a], k)
            except ArgError as e:
                return it2.unknown(f"Array.{name}: {e.message}", n)
            return r if r is not None else it2.unknown(f"array method {name} is not modelled", n)
        return Builtin(f"Array.{name}", method)
    return it.unknown(f"array attribute {name} is not modelled", node)
