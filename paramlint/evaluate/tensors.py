"""Symbolic torch tensors: creation, ``nn.Parameter``, shape-only tensor operations, ``F.*``
functionals, and calling modules (the forward pass that produces per-layer output shapes).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from paramlint.catalog.shapes import broadcast, flatten_shape_generic, matmul
from paramlint.catalog.shapes import index as index_shape
from paramlint.catalog.spec import Args, ArgError
from paramlint import macs
from paramlint.evaluate import catalog_calls, signatures, tensor_ops
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.values import MAX_ELEMENTS, Builtin, BufferTensor, Call, Layer, Param, Tensor, Unknown
from paramlint.types import Shape

NOT_MODELLED = object()
Fn = Callable[[Any, List[Any], Dict[str, Any], Any], Any]
_FUNCS: Dict[str, Fn] = {}


def fn(*names: str) -> Callable[[Fn], Fn]:
    def deco(f: Fn) -> Fn:
        for n in names:
            _FUNCS[n] = f
        return f
    return deco


def _dims(it: Any, args: Sequence[Any], node: Any) -> Any:
    """``torch.zeros(1, 2, 3)`` or ``torch.zeros((1, 2, 3))`` → a shape of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    elif len(args) == 1 and isinstance(args[0], Unknown):
        return args[0]  # (one unknown argument may be a whole size, ``torch.Size(...)``: the rank too)
    out: List[Optional[int]] = []
    for a in args:
        if isinstance(a, Unknown):  # an unknown size is an unknown dim, not an unknown tensor
            out.append(None)
            continue
        if isinstance(a, bool) or not isinstance(a, int) or a < 0:
            return it.unknown("tensor size must be non-negative ints", node)
        out.append(a)
    n = 1
    for d in out:
        n *= d or 1
    if n > MAX_ELEMENTS:
        return it.unknown("a tensor of more than 2**60 elements: its storage size (elements x element size, "
                          "an int64) may overflow, and torch raises", node)
    return tuple(out)


def _as_shape(v: Any) -> Optional[Shape]:
    return v.shape if isinstance(v, (Tensor, Param)) else None


@fn("torch.zeros", "torch.ones", "torch.empty", "torch.randn", "torch.rand", "torch.full", "torch.randint")
def _create(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if "size" in kwargs:  # torch.zeros(size=(2, 3))
        if args:
            return it.unknown("sizes given both by position and as size=", node)
        args = [kwargs["size"]]
    shape = _dims(it, args, node)
    return shape if isinstance(shape, Unknown) else Tensor(shape)


@fn("torch.full")
def _full(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    size = args[0] if args else kwargs.get("size")
    shape = _dims(it, [size], node)
    return shape if isinstance(shape, Unknown) else Tensor(shape)


@fn("torch.randint")
def _randint(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    size = kwargs.get("size", args[-1] if args else None)
    shape = _dims(it, [size], node)
    return shape if isinstance(shape, Unknown) else Tensor(shape)


@fn("torch.zeros_like", "torch.ones_like", "torch.empty_like", "torch.randn_like", "torch.rand_like", "torch.clone")
def _like(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    s = _as_shape(args[0] if args else None)
    return Tensor(s) if s is not None else it.unknown("*_like of a non-tensor", node)


@fn("torch.eye")
def _eye(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    n = args[0] if args else kwargs.get("n")
    m = args[1] if len(args) > 1 else kwargs.get("m", n)
    if n is None:
        return it.unknown("torch.eye without n", node)
    shape = _dims(it, [n, m], node)
    return shape if isinstance(shape, Unknown) else Tensor(shape)


@fn("torch.arange")
def _arange(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if any(k in kwargs for k in ("start", "end", "step")):  # torch.arange(0, n, step=2), arange(end=n)
        names = ("start", "end", "step")
        if len(args) == 1 and "end" not in kwargs:  # (one positional is ``end``)
            vals = {"start": kwargs.get("start", 0), "end": args[0], "step": kwargs.get("step", 1)}
        else:
            vals = dict(zip(names, args))
            for k in names:
                if k in kwargs:
                    if k in vals:
                        return it.unknown(f"arange() got {k} twice", node)
                    vals[k] = kwargs[k]
        if "end" not in vals:
            return it.unknown("arange() without end", node)
        args = [vals.get("start", 0), vals["end"], vals.get("step", 1)]
    if any(isinstance(a, Unknown) for a in args):
        return next(a for a in args if isinstance(a, Unknown))
    try:
        return Tensor((len(range(*args)),)) if all(isinstance(a, int) for a in args) else it.unknown("arange of floats", node)
    except (TypeError, ValueError):
        return it.unknown("arange arguments", node)


@fn("torch.Size")
def _torch_size(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``torch.Size([2, 3])``: a tuple of ints (what shapes are made of here)."""
    seq = args[0] if len(args) == 1 and not kwargs else () if not args and not kwargs else None
    if isinstance(seq, (list, tuple)) and all(isinstance(d, int) and not isinstance(d, bool) for d in seq):
        return tuple(seq)
    return it.unknown("torch.Size() of values that are not ints", node)


@fn("torch.Tensor", "torch.FloatTensor", "torch.LongTensor", "torch.DoubleTensor", "torch.IntTensor",
    "torch.HalfTensor", "torch.BoolTensor", "torch.ByteTensor")
def _legacy_tensor(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """The legacy constructors: ``torch.Tensor(out, in)`` is an uninitialized tensor of that
    *size*; ``torch.Tensor([1, 2])`` holds that data; a single tuple (a ``torch.Size`` or data)
    is not told apart here."""
    if kwargs:
        return it.unknown("legacy tensor constructor with keywords", node)
    if not args:
        return Tensor((0,))
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        if any(a < 0 for a in args):
            return it.unknown("negative dimension", node)
        return Tensor(tuple(args))
    if len(args) == 1 and isinstance(args[0], list):
        return _tensor(it, args, kwargs, node)
    return it.unknown("legacy tensor constructor arguments", node)


@fn("torch.tensor", "torch.as_tensor")
def _tensor(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    data = args[0] if args else kwargs.get("data")
    if isinstance(data, (Tensor, Param)):  # ``torch.as_tensor(t)``: the same shape
        return Tensor(tuple(data.shape))
    if isinstance(data, lazy.arrays.Array):
        return Tensor(() if data.scalar else (len(data.vals),))
    shape = _nested_shape(data, 0)
    if isinstance(shape, Unknown):
        return shape
    if shape is None:
        return it.unknown("torch.tensor() of nested data that is ragged or holds tensors or non-numbers", node)
    return Tensor(shape)


def _nested_shape(data: Any, depth: int) -> Any:
    """The shape of nested lists of numbers (None if ragged, or holding anything else)."""
    if isinstance(data, Unknown):
        return data
    if isinstance(data, (bool, int, float, complex)):
        return ()
    if not isinstance(data, (list, tuple)) or depth > 32:
        return None
    if not data:
        return (0,)
    inner = [_nested_shape(x, depth + 1) for x in data[:10_000]]
    for x in inner:
        if isinstance(x, Unknown):
            return x
    if len(data) > 10_000 or any(x is None or x != inner[0] for x in inner):
        return None
    return (len(data),) + inner[0]


@fn("torch.tril", "torch.triu", "torch.abs", "torch.exp", "torch.log", "torch.sqrt", "torch.sigmoid", "torch.tanh",
    "torch.relu", "torch.nn.functional.relu", "torch.nn.functional.gelu", "torch.nn.functional.silu",
    "torch.nn.functional.sigmoid", "torch.nn.functional.tanh", "torch.nn.functional.dropout",
    "torch.nn.functional.hardswish", "torch.nn.functional.hardsigmoid", "torch.nn.functional.relu6",
    "torch.nn.functional.leaky_relu", "torch.nn.functional.elu", "torch.nn.functional.softmax",
    "torch.nn.functional.log_softmax", "torch.nn.functional.normalize", "torch.nn.functional.mish",
    "torch.softmax", "torch.log_softmax", "torch.nn.functional.relu_", "torch.nn.functional.dropout2d",
    "torch.nn.functional.layer_norm", "torch.nn.functional.group_norm", "torch.nn.functional.batch_norm",
    "torch.neg", "torch.square", "torch.rsqrt", "torch.erf", "torch.sin", "torch.cos",
    "torch.nn.functional.softplus", "torch.nn.functional.alpha_dropout", "torch.nn.functional.dropout1d",
    "torch.sign", "torch.log2", "torch.log10", "torch.log1p", "torch.expm1", "torch.floor", "torch.ceil",
    "torch.round", "torch.reciprocal", "torch.sinh", "torch.cosh", "torch.atan", "torch.asin", "torch.acos",
    "torch.nan_to_num", "torch.logical_not", "torch.isnan", "torch.isinf", "torch.cumsum", "torch.flip",
    "torch.roll", "torch.nn.functional.hardtanh", "torch.nn.functional.silu_", "torch.nn.functional.dropout3d",
    "torch.nn.functional.celu", "torch.nn.functional.selu", "torch.nn.functional.logsigmoid",
    "torch.nn.functional.softsign", "torch.nn.functional.tanhshrink", "torch.nn.functional.instance_norm",
    "torch.nn.functional.local_response_norm", "torch.nn.functional.rms_norm", "torch.special.erf")
def _elementwise(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = args[0] if args else kwargs.get("input")
    s = _as_shape(x)
    if s is None:
        return x if isinstance(x, Unknown) else it.unknown("elementwise op of a non-tensor", node)
    return Tensor(s)


@fn("torch.nn.Parameter", "torch.nn.parameter.Parameter")
def _parameter(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    data = args[0] if args else kwargs.get("data")
    rg = args[1] if len(args) > 1 else kwargs.get("requires_grad", True)
    if data is None:
        return Param((0,))
    if isinstance(data, Unknown):
        return Unknown(data.reason, data.location)  # a Parameter, whatever the data's kind: never a bool
    if isinstance(rg, Unknown):  # trainable or not decides a figure: not a guess
        return it.unknown(f"nn.Parameter with unknown requires_grad: {rg.reason}", node)
    if isinstance(data, (Tensor, Param)):
        for d in data.shape:
            if d is None:
                return it.unknown("nn.Parameter of a tensor with unknown size", node)
        return Param(tuple(data.shape), trainable=rg is not False)
    if isinstance(data, lazy.arrays.Array) and data.lib == "torch":  # torch.tensor([1.0]): values known too
        if not data.is_float and rg is not False:
            return it.unknown("nn.Parameter of an integer tensor (torch raises: only floating point tensors can require gradients)", node)
        return Param(() if data.scalar else (len(data.vals),), trainable=rg is not False)
    return it.unknown("nn.Parameter of a non-tensor", node)


@fn("torch.nn.Buffer", "torch.nn.parameter.Buffer")
def _buffer(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``nn.Buffer(data, persistent=True)``: registered as a buffer by the assignment."""
    bound = signatures.bind("data=None, *, persistent=True", list(args), dict(kwargs), "Buffer")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    data = bound["data"]
    if isinstance(data, Unknown):
        return data
    if isinstance(data, lazy.arrays.Array) and data.lib == "torch":
        return BufferTensor(() if data.scalar else (len(data.vals),))
    if isinstance(data, (Tensor, Param)) and all(isinstance(d, int) for d in data.shape):
        return BufferTensor(tuple(data.shape))
    return it.unknown("nn.Buffer of a tensor of unknown shape", node)


@fn("torch.flatten")
def _flatten(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    x = args[0] if args else kwargs.get("input")
    s = _as_shape(x)
    if s is None:
        return x if isinstance(x, Unknown) else it.unknown("flatten of a non-tensor", node)
    start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
    end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
    if not isinstance(start, int) or not isinstance(end, int):
        return it.unknown("flatten with unknown dims", node)
    try:
        return Tensor(flatten_shape_generic(s, start, end))
    except ArgError as e:
        return it.unknown(e.message, node)


#: ``F.max_pool*d`` takes ``ceil_mode`` before ``return_indices`` (the module the other way round).
_F_MAX_POOL = "kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False"
#: ``torch.max_pool*d`` has no ``return_indices``.
_TORCH_MAX_POOL = "kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False"


def _pool_fn(name: str, n: int, signature: Optional[str] = None) -> Fn:
    from paramlint.catalog import table

    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        spec = table("torch")[name]
        from paramlint.evaluate import signatures

        x = args[0] if args else kwargs.pop("input", None)
        bound = signatures.bind(signature or spec.signature, list(args[1:]), {k: v for k, v in kwargs.items() if k != "input"}, name)
        if isinstance(bound, str):
            return it.unknown(bound, node)
        return _apply_spec(it, spec, bound, x, node)
    return call


for _n in (1, 2, 3):
    _FUNCS[f"torch.nn.functional.max_pool{_n}d"] = _pool_fn(f"MaxPool{_n}d", _n, _F_MAX_POOL)
    _FUNCS[f"torch.nn.functional.avg_pool{_n}d"] = _pool_fn(f"AvgPool{_n}d", _n)
    _FUNCS[f"torch.max_pool{_n}d"] = _pool_fn(f"MaxPool{_n}d", _n, _TORCH_MAX_POOL)
    _FUNCS[f"torch.avg_pool{_n}d"] = _pool_fn(f"AvgPool{_n}d", _n)
for _n in (1, 2):
    _FUNCS[f"torch.nn.functional.adaptive_avg_pool{_n}d"] = _pool_fn(f"AdaptiveAvgPool{_n}d", _n)
    _FUNCS[f"torch.nn.functional.adaptive_max_pool{_n}d"] = _pool_fn(f"AdaptiveMaxPool{_n}d", _n)


def _apply_spec(it: Any, spec: Any, bound: Dict[str, Any], x: Any, node: Any) -> Any:
    s = _as_shape(x)
    if s is None:
        return x if isinstance(x, Unknown) else it.unknown(f"{spec.name} of a non-tensor", node)
    try:
        from paramlint.evaluate.catalog_calls import to_value

        return to_value(spec.output(Args(spec.name, bound), s), "torch")  # (a tuple with return_indices)
    except ArgError as e:
        return e.unknown if e.unknown is not None else it.unknown(e.message, node)
    except IndexError:  # (an input of a rank the formula does not expect: never a crash)
        return it.unknown(f"{spec.name}: an input of this rank is not modelled", node)


def _noop(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return args[0] if args else None


#: Grad-mode and autocast switches: as context managers and as decorators they change no
#: shape and no count (``@torch.no_grad()`` over a forward, ``with torch.autocast("cuda"):``).
_MODE_SWITCHES = ("torch.no_grad", "torch.enable_grad", "torch.inference_mode", "torch.set_grad_enabled",
                  "torch.autograd.no_grad", "torch.autograd.enable_grad", "torch.autograd.set_grad_enabled",
                  "torch.autograd.inference_mode", "torch.autocast", "torch.amp.autocast",
                  "torch.cuda.amp.autocast", "torch.cpu.amp.autocast")


@fn(*_MODE_SWITCHES)
def _mode_switch(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    from paramlint.evaluate.values import External

    return External("torch.no_grad")  # (a decorator the framework knows to be transparent)


@fn("torch.compile")
def _compile(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``torch.compile(model)``: an OptimizedModule holding the model as ``_orig_mod``, with its
    parameters (named under ``_orig_mod.``; rows here keep the model's own names) and its
    forward. Given a function, the function; given none (``@torch.compile(mode=...)``), a
    decorator returning what it is given."""
    if not args:
        return Builtin("torch.compile", lambda it2, a, k, n: a[0] if len(a) == 1 and not k else it2.unknown("torch.compile() decorator arguments", n))
    target = args[0]
    if isinstance(target, Layer) and target.framework != "torch":
        return it.unknown("torch.compile of a non-torch model", node)
    return target


#: ``checkpoint``'s own keyword arguments; the others go to the function.
_CHECKPOINT_OPTIONS = ("use_reentrant", "context_fn", "determinism_check", "debug", "preserve_rng_state")


@fn("torch.utils.checkpoint.checkpoint")
def _checkpoint(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """Activation checkpointing runs the function once in the forward pass (hooks and all)."""
    if not args:
        return it.unknown("checkpoint() without a function", node)
    rest = {k: v for k, v in kwargs.items() if k not in _CHECKPOINT_OPTIONS}
    return it.call(args[0], list(args[1:]), rest, node)


@fn("torch.utils.checkpoint.checkpoint_sequential")
def _checkpoint_sequential(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``checkpoint_sequential(functions, segments, input)``: the functions in order."""
    bound = signatures.bind("functions, segments, input, use_reentrant=None, **kwargs", list(args), dict(kwargs),
                            "checkpoint_sequential")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    fns = bound["functions"]
    if isinstance(fns, Layer) and fns.spec is not None and fns.spec.name == "Sequential" and fns.uncertain is None:
        fns = [c for c in fns.children.values() if c is not None]
    if not isinstance(fns, (list, tuple)) or bound["kwargs"]:
        return it.unknown("checkpoint_sequential() of these functions is not modelled", node)
    x = bound["input"]
    for f in fns:
        x = it.call(f, [x], {}, node)
    return x


def call(it: Any, qualname: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """A torch function by qualified name, or NOT_MODELLED."""
    f = _FUNCS.get(qualname) or tensor_ops.FUNCS.get(qualname)
    if f is not None:
        return f(it, args, kwargs, node)
    if qualname.startswith("keras."):
        from paramlint.evaluate import keras_graph

        return keras_graph.call_function(it, qualname, args, kwargs, node)
    if qualname.startswith(("flax.", "jax.")):
        from paramlint.evaluate import flax_runtime

        return flax_runtime.call_function(it, qualname, args, kwargs, node)
    short = qualname[6:] if qualname.startswith("torch.") and qualname.count(".") == 1 else None
    if short is not None and short in tensor_ops.AS_FUNCTIONS:
        kw = dict(kwargs)
        x = args[0] if args else kw.pop("input", None)
        if isinstance(x, Unknown):
            return x
        if isinstance(x, (Tensor, Param)):
            return tensor_ops.METHODS[short](it, x, list(args[1:]), kw, node)
    if qualname.startswith("torch.nn.utils."):
        from paramlint.evaluate.reparam import FUNCS as _REPARAM

        r = _REPARAM.get(qualname)
        if r is not None:
            return r(it, args, kwargs, node)
    if qualname.startswith("torch.nn.init."):
        target = args[0] if args else kwargs.get("tensor")
        if isinstance(target, lazy.arrays.Array):  # values change in place
            return lazy.arrays.mutated(it, qualname.rsplit(".", 1)[-1] + "()", node)
        return _noop(it, args, kwargs, node)
    if qualname in ("torch.manual_seed", "torch._assert", "torch._C._log_api_usage_once"):
        return None
    if qualname in ("torch.jit.is_scripting", "torch.jit.is_tracing", "torch.compiler.is_compiling",
                    "torch._dynamo.is_compiling", "torch.onnx.is_in_onnx_export"):
        return False  # eager execution: what forward hooks (the truth) run
    if qualname == "torch.jit.annotate" and len(args) == 2:
        return args[1]
    return NOT_MODELLED


# ---- tensor attributes and methods -----------------------------------------------------------

def attr(it: Any, t: Any, name: str, node: Any) -> Any:
    if getattr(t, "framework", None) == "flax":  # jax arrays: numpy semantics
        from paramlint.evaluate import flax_runtime

        return flax_runtime.tensor_attr(it, t, name, node)
    shape = t.shape
    if name == "shape":
        if type(t) is Tensor and t.framework == "keras":  # a KerasTensor's: None is a dynamic dim
            return tuple(shape)
        return _size_tuple(it, shape, node)
    if name in ("ndim",):
        return len(shape)
    if name == "data":
        return t
    if name == "_keras_mask" and type(t) is Tensor and t.framework == "keras":
        return lazy.keras_graph.keras_mask(it, t, node)
    if name == "T":
        return Tensor(tuple(reversed(shape)))
    if name == "mT" and len(shape) >= 2:
        return Tensor(tuple(shape[:-2]) + (shape[-1], shape[-2]))
    if name == "is_leaf":
        return isinstance(t, Param)
    if name == "requires_grad":
        return t.trainable if isinstance(t, Param) else False
    if name in ("dtype", "device", "is_cuda", "grad", "layout"):
        return it.unknown(f"tensor {name} is not modelled", node)
    if isinstance(t, Param) and name in _SELF_OR_COPY:
        return Builtin(f"Tensor.{name}", lambda it2, a, k, n: _self_or_copy(it2, t, name, a, k, n))
    m = _METHODS.get(name) or tensor_ops.METHODS.get(name)
    if m is not None:
        return Builtin(f"Tensor.{name}", lambda it2, a, k, n: m(it2, t, a, k, n))
    if name in _RESHAPE_IN_PLACE:  # ``w.set_(torch.zeros(3, 3))``: this tensor (a parameter too) changes
        return Builtin(f"Tensor.{name}", lambda it2, a, k, n: _reshaped_in_place(it2, t, name, n))
    if name.endswith("_") and not name.startswith("_"):  # in-place initialisers: shape unchanged
        return Builtin(f"Tensor.{name}", lambda it2, a, k, n: t)
    return it.unknown(f"tensor method {name} is not modelled", node)


#: Methods of a parameter that return the parameter itself when nothing changes (device,
#: dtype, layout already as asked) and a new tensor otherwise.
_SELF_OR_COPY = frozenset(("to", "cpu", "cuda", "float", "half", "double", "bfloat16", "type", "contiguous"))


def _self_or_copy(it: Any, p: Param, name: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if name == "contiguous":  # a parameter made by torch is contiguous: itself
        return p
    r = Tensor(p.shape)
    r.maybe = p
    return r


#: In-place methods that change a tensor's shape (and may change its element count).
_RESHAPE_IN_PLACE = frozenset(("set_", "resize_", "resize_as_", "as_strided_", "squeeze_", "unsqueeze_", "t_",
                               "transpose_", "swapdims_", "swapaxes_"))


def _reshaped_in_place(it: Any, t: Any, name: str, node: Any) -> Any:
    """The tensor's shape (a parameter's count with it) becomes unknown, through every
    reference to it; the new shape is not modelled."""
    t.shape = (it.unknown(f"shape after Tensor.{name}() is not modelled", node),)
    return t


def _size_tuple(it: Any, shape: Shape, node: Any) -> Tuple[Any, ...]:
    return tuple(d if d is not None else it.unknown("unknown tensor dimension", node) for d in shape)


def _size(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    dims = _size_tuple(it, t.shape, node)
    if args:
        d = args[0]
        if not isinstance(d, int):
            return it.unknown("size() of an unknown dim", node)
        try:
            return dims[d]
        except IndexError:
            return it.unknown(f"size({d}) out of range", node)
    return dims


def _dim(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return len(t.shape)


def _numel(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    n = 1
    for d in t.shape:
        if d is None:
            return it.unknown("numel of a tensor with unknown dims", node)
        n *= d
    return n


def _requires_grad_(it: Any, t: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``p.requires_grad_(False)`` freezes a parameter in place (torch returns the same tensor):
    the trainable count follows it, as it follows ``p.requires_grad = False``."""
    if isinstance(t, Param):
        it.set_attr(t, "requires_grad", args[0] if args else kwargs.get("requires_grad", True), node)
    return t


_METHODS: Dict[str, Callable[..., Any]] = {"size": _size, "dim": _dim, "ndimension": _dim, "numel": _numel, "nelement": _numel,
                                           "requires_grad_": _requires_grad_}


def iterate(it: Any, t: Any, node: Any) -> Any:
    d = t.shape[0] if t.shape else None
    if not isinstance(d, int):
        return it.unknown("iterating a tensor with unknown first dim", node)
    if d > it.limits.max_loop:
        from paramlint.evaluate.limits import LimitExceeded

        raise LimitExceeded("loop iteration limit reached iterating a tensor")
    return [Tensor(tuple(t.shape[1:])) for _ in range(d)]


def getitem(it: Any, t: Any, index: Any, node: Any) -> Any:
    """Basic indexing (ints, slices, None, ``...``); tensor and bool indices are Unknown."""
    if getattr(t, "framework", None) == "flax":
        from paramlint.evaluate import flax_runtime

        return flax_runtime.as_flax(getitem(it, flax_runtime.as_torch(t), index, node))
    items = list(index) if isinstance(index, tuple) else [index]
    for x in items:
        if isinstance(x, Unknown):
            return x
        if isinstance(x, slice) and any(isinstance(v, Unknown) for v in (x.start, x.stop, x.step)):
            return it.unknown("slice with unknown bounds", node)
    try:
        return keras_op(Tensor(index_shape(t.shape, items)), t, it=it, op="getitem")
    except ArgError as e:
        u = it.unknown(e.message, node)
        u.kind = it.fw.FRESH  # (a tensor all the same: changing it changes no module)
        return u


def binary(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    if getattr(a, "framework", None) == "flax" or getattr(b, "framework", None) == "flax":
        from paramlint.evaluate import flax_runtime

        return flax_runtime.as_flax(binary(it, op, flax_runtime.as_torch(a), flax_runtime.as_torch(b), node))
    sa, sb = _as_shape(a), _as_shape(b)
    if sa is None:
        return keras_op(Tensor(sb), a, b, it=it, op=op) if isinstance(a, (int, float)) and sb is not None else it.unknown(f"{op} of a tensor and a {type(a).__name__}", node)
    if sb is None:
        return keras_op(Tensor(sa), a, b, it=it, op=op) if isinstance(b, (int, float)) else it.unknown(f"{op} of a tensor and a {type(b).__name__}", node)
    try:
        if op == "MatrixMultiply":
            out = Tensor(matmul(sa, sb))
            tensor_ops.record_macs(it, macs.matmul(sa, sb), "@", node)
            return keras_op(out, a, b, it=it, op=op)
        return keras_op(Tensor(broadcast(sa, sb)), a, b, it=it, op=op)
    except ArgError as e:
        return it.unknown(e.message, node)


def keras_op(out: Tensor, *operands: Any, it: Any = None, op: str = "") -> Tensor:
    """``out``, an operation's result; on Keras symbolic tensors it keeps the operands it was
    computed from, so a functional model's graph walks through ``x + shortcut`` to the layers
    before it (a Keras operation node, with no weights of its own). Such a node is a Keras
    ``Operation`` that takes an auto-name from the counters layers use (``x + 1.0`` is "add", so
    the next ``layers.Add()`` is "add_1"): ``op``, the Python operator, names it."""
    ins = tuple(x for x in operands if isinstance(x, Tensor) and x.framework == "keras")
    if ins and all(x.const for x in ins):  # concrete tensors (``ops.arange(n) * 2``): no graph node
        out.framework = "keras"
        out.const = True
        return out
    ins = tuple(x for x in ins if not x.const)  # (a concrete operand is no input of the graph)
    if ins:
        out.framework = "keras"
        out.inputs = ins
        name = _KERAS_OPS.get(op)
        if it is not None and name is not None:
            it.keras_names[name] = it.keras_names.get(name, 0) + 1
    return out


#: The Keras operation each Python operator on a KerasTensor creates (its auto-name).
_KERAS_OPS = {
    "Add": "add", "Subtract": "subtract", "Multiply": "multiply", "MatrixMultiply": "matmul",
    "Divide": "true_divide", "FloorDivide": "floor_divide", "Modulo": "mod", "Power": "power",
    "BitAnd": "logical_and", "BitOr": "logical_or", "BitXor": "logical_xor",
    "Minus": "negative", "BitInvert": "logical_not", "getitem": "get_item",
    "LessThan": "less", "LessThanEqual": "less_equal", "GreaterThan": "greater", "GreaterThanEqual": "greater_equal",
    "NotEqual": "not_equal",
}


# ---- calling a torch module ----------------------------------------------------------------

def call_module(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``module(x)`` (``nn.Module.__call__``): its forward between its registered hooks."""
    attrs = layer.attrs
    if attrs.get("_forward_pre_hooks") or attrs.get("_forward_hooks"):
        return _hooked(it, layer, args, kwargs, node)
    return forward(it, layer, args, kwargs, node)


def _hooked(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """torch's order: each pre-hook may replace the positional arguments, each forward hook the
    output. A row already traced for this module keeps no output shape when a hook replaced it
    (what the module computed and what its hooks made of it would then differ)."""
    for hook in list((layer.attrs.get("_forward_pre_hooks") or {}).values()):
        r = hook if isinstance(hook, Unknown) else it.call(hook, [layer, tuple(args)], {}, node)
        if isinstance(r, Unknown):
            return r
        if r is not None:
            args = list(r) if isinstance(r, tuple) else [r]
    trace = it.trace
    start = len(trace) if trace is not None else 0
    out = forward(it, layer, args, kwargs, node)
    for hook in list((layer.attrs.get("_forward_hooks") or {}).values()):
        r = hook if isinstance(hook, Unknown) else it.call(hook, [layer, tuple(args), out], {}, node)
        if isinstance(r, Unknown):
            return r
        if r is not None and r is not out:
            out = r
            row = _own_row(trace, start, layer)
            if row is not None:
                row.output_shape = None
    return out


def _own_row(trace: Optional[List[Call]], start: int, layer: Layer) -> Optional[Call]:
    """The row a call of ``layer`` traced for itself (appended after ``start``, and last)."""
    if trace is not None and len(trace) > start and trace[-1].layer is layer:
        return trace[-1]
    return None


def forward(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any, own: bool = True) -> Any:
    """A module's forward without its hooks: a catalog leaf computes its output shape; others
    run ``forward``. ``own=False``: the catalog class's forward even where a subclass overrides it."""
    spec = layer.spec
    if it.observe is not None and layer.cls is not None and id(layer.cls.node) not in it.observe:
        shapes = tuple(a.shape for a in args if isinstance(a, (Tensor, Param)))
        if shapes and len(shapes) == len(args):
            it.observe[id(layer.cls.node)] = shapes
    if layer.cls is not None and own:
        from paramlint.evaluate.attributes import class_attr

        fwd = class_attr(it, layer.cls, "forward", node, layer)
        if isinstance(fwd, Unknown) and it.fw.project_defines(layer.cls, "forward"):
            return fwd  # a project class's forward, not followed (not the catalog's)
        if not isinstance(fwd, Unknown) and not hasattr(fwd, "qualname"):
            if it.trace is None or any(c is not None for c in layer.children.values()):
                return it.call(fwd, args, kwargs, node)
            return _user_leaf(it, layer, fwd, args, kwargs, node)
    if spec is None:
        return it.unknown(f"{layer.type_name} has no forward()", node)
    if spec.role == "container":
        if spec.name != "Sequential":
            return it.unknown(f"{spec.name} is not callable", node)
        x: Any = args[0] if args else None
        for child in layer.children.values():
            if child is None:  # (an unknown item, or None: torch would call it and raise)
                return layer.uncertain if layer.uncertain is not None else it.unknown(
                    "nn.Sequential holding None is called (torch raises)", node)
            x = it.fw.call_layer(it, child, [x], {}, node)
        return x
    if spec.role != "leaf":
        return it.unknown(f"{layer.type_name} has no forward()", node)
    if spec.lazy or "forward" in spec.extra:
        return catalog_calls.call_leaf(it, layer, args, kwargs, node)
    x = args[0] if args else kwargs.get("input")
    shape = _as_shape(x)
    in_shapes = tuple(_as_shape(a) for a in args if isinstance(a, (Tensor, Param))) or (shape,)
    out: Any
    special = _FORWARDS.get(spec.name)
    if layer.uncertain is not None:
        out = layer.uncertain
    elif catalog_calls.replaced(layer):
        out = catalog_calls.replaced_output(it, layer, node)
    elif special is not None and shape is not None:
        try:
            out = special(Args(spec.name, layer.args), args, kwargs)
        except ArgError as e:
            out = catalog_calls.arg_error(it, spec.name, e, node)
    elif shape is None or spec.output is None:
        out = x if isinstance(x, Unknown) else it.unknown(f"output shape of {spec.name} is not modelled", node)
    else:
        out = catalog_calls.spec_output(it, spec, layer.args, shape, node)
        if not isinstance(out, Unknown):
            out = catalog_calls.to_value(out, "torch")  # a tensor, or a tuple (``return_indices=True``)
    if type(out) is Unknown and out is not x and out is not layer.uncertain and out.kind is None:
        # A catalog layer's output that cannot be known (its input does not fit): a new tensor
        # all the same, so a method called on it (``.transpose``) changes no module.
        out = Unknown(out.reason, out._location, out._where, it.fw.FRESH)
    if it.trace is not None:
        first = out[0] if isinstance(out, tuple) and out else out
        it.trace.append(Call(layer, first.shape if isinstance(first, Tensor) else None, in_shapes))
    return out


def call_unhooked(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any, own: bool = True) -> Any:
    """``layer.forward(x)`` and ``super().forward(x)``: torch runs the forward code without
    ``__call__``, so no hook of ``layer`` fires and it gets no row (no output shape, no
    activation) for this application; what it computes still costs its MACs. Its submodules,
    called as usual inside, keep theirs."""
    trace = it.trace
    start = len(trace) if trace is not None else 0
    out = forward(it, layer, args, kwargs, node, own)
    if _own_row(trace, start, layer) is not None:
        c = trace.pop()  # type: ignore[union-attr]
        ops = getattr(it, "op_macs", None)
        if ops is not None:
            ops.append(_call_macs(c))
    return out


def _call_macs(c: Call) -> Optional[int]:
    if isinstance(c, UserLeafCall):
        return c.macs
    layer, shapes = c.layer, (*c.input_shapes, c.output_shape)
    if layer.spec is None or layer.uncertain is not None or any(s is None or None in s for s in shapes):
        return None
    return macs.layer_macs(layer.framework, layer.spec.name, layer.args, c.input_shapes, c.output_shape)


class UserLeafCall(Call):
    """A user module without submodules (``LayerNorm2d``, ``Permute``): a leaf to the framework's
    hooks, so one row; the matrix products of its forward code are its MACs."""

    __slots__ = ("macs",)

    def __init__(self, layer: Layer, output_shape: Optional[Shape], input_shapes: Tuple[Optional[Shape], ...], macs: Optional[int]) -> None:
        super().__init__(layer, output_shape, input_shapes)
        self.macs = macs


def _user_leaf(it: Any, layer: Layer, fwd: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    ops = getattr(it, "op_macs", None)
    start = len(ops) if ops is not None else 0
    gap = it.trace_gap
    out = it.call(fwd, args, kwargs, node)
    own: Optional[int] = 0
    if ops is not None:
        mine = ops[start:]
        del ops[start:]
        own = None if any(m is None for m in mine) else sum(mine)  # type: ignore[arg-type]
    if it.trace_gap is not gap or isinstance(out, Unknown):
        own = None  # (its forward called something not followed: what that cost is not known)
    first = out[0] if isinstance(out, tuple) and out else out
    in_shapes = tuple(_as_shape(a) for a in args if isinstance(a, (Tensor, Param)))
    if it.trace is not None:
        it.trace.append(UserLeafCall(layer, first.shape if isinstance(first, Tensor) else None, in_shapes, own))
    return out


# ---- layers whose forward takes several tensors or returns a tuple ----------------------------

def _mha(a: Args, args: List[Any], kwargs: Dict[str, Any]) -> Any:
    """``MultiheadAttention(q, k, v)`` → (output like q with E features, weights or None)."""
    names = ("query", "key", "value")
    q, k, v = (_as_shape(args[i] if len(args) > i else kwargs.get(n)) for i, n in enumerate(names))
    if q is None or k is None or v is None:
        raise ArgError("expects query, key and value tensors")
    e = a.int("embed_dim", 1)
    batch_first = a.bool("batch_first")
    need = kwargs.get("need_weights", args[4] if len(args) > 4 else True)
    average = kwargs.get("average_attn_weights", args[6] if len(args) > 6 else True)
    if isinstance(need, Unknown) or isinstance(average, Unknown):
        raise ArgError("need_weights is unknown")
    out = Tensor(tuple(q[:-1]) + (e,))
    if not need:
        return (out, None)
    if len(q) == 2:  # unbatched (L, E)
        w: Shape = (q[0], k[0]) if average else (a.int("num_heads", 1), q[0], k[0])
    else:
        n, lq, ls = (q[0], q[1], k[1]) if batch_first else (q[1], q[0], k[0])
        w = (n, lq, ls) if average else (n, a.int("num_heads", 1), lq, ls)
    return (out, Tensor(w))


def _rnn(kind: str) -> Callable[[Args, List[Any], Dict[str, Any]], Any]:
    def forward(a: Args, args: List[Any], kwargs: Dict[str, Any]) -> Any:
        x = _as_shape(args[0] if args else kwargs.get("input"))
        if x is None or len(x) not in (2, 3):
            raise ArgError("expects a 2-D or 3-D input")
        h = a.int("hidden_size", 1)
        layers = a.int("num_layers", 1)
        dirs = 2 if a.bool("bidirectional") else 1
        proj = a.opt_int("proj_size") if "proj_size" in a.values else None
        hout = proj or h
        if len(x) == 2:
            out: Shape = (x[0], dirs * hout)
            hs: Shape = (layers * dirs, hout)
            cs: Shape = (layers * dirs, h)
        else:
            out = (x[0], x[1], dirs * hout)
            n = x[0] if a.bool("batch_first") else x[1]
            hs, cs = (layers * dirs, n, hout), (layers * dirs, n, h)
        state: Any = (Tensor(hs), Tensor(cs)) if kind == "LSTM" else Tensor(hs)
        return (Tensor(out), state)
    return forward


_FORWARDS: Dict[str, Callable[[Args, List[Any], Dict[str, Any]], Any]] = {
    "MultiheadAttention": _mha, "LSTM": _rnn("LSTM"), "GRU": _rnn("GRU"), "RNN": _rnn("RNN"),
}
