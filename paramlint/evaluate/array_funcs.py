"""The torch/numpy functions and array methods that build and read :class:`Array` values
(``torch.arange``, ``np.linspace``, ``torch.unique``, ``.tolist()``...)."""

from __future__ import annotations

import math

from typing import Any, Callable, Dict, List, Optional, Sequence

from paramlint.evaluate.arrays import (
    _FLOAT_TYPES, _MAX_LEN, NOT_HANDLED, Array, _as_array, _discontinuous, _f32, _map_float,
    _power, _rel, _round_to, binary, from_python, to_python,
)
from paramlint.evaluate.values import External, Unknown


# ---- construction ------------------------------------------------------------------------------

def _dtype_arg(v: Any) -> Optional[str]:
    if isinstance(v, External):
        name = v.qualname.rsplit(".", 1)[-1]
        return {"float": "float32", "float32": "float32", "float64": "float64", "double": "float64", "int": "int32" if v.qualname.startswith("torch") else "int64",
                "int64": "int64", "long": "int64", "int32": "int32", "bool": "bool", "half": "float16", "float16": "float16"}.get(name)
    from paramlint.evaluate.values import Builtin

    if isinstance(v, Builtin) and v.name in ("int", "float", "bool"):
        return {"int": "int64", "float": "float64", "bool": "bool"}[v.name]
    return None


def _plain_numbers(vals: Sequence[Any]) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in vals)


def _arange(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    a = list(args)
    for k in ("start", "end", "stop", "step"):
        if k in kwargs:
            return NOT_HANDLED
    if not a or len(a) > 3 or not _plain_numbers(a):
        return NOT_HANDLED
    if any(k not in ("dtype", "device", "requires_grad") for k in kwargs):
        return NOT_HANDLED
    dtype = _dtype_arg(kwargs.get("dtype")) if kwargs.get("dtype") is not None else None
    if kwargs.get("dtype") is not None and dtype is None:
        return NOT_HANDLED
    if all(isinstance(x, int) for x in a):
        r = range(*a)
        if len(r) > _MAX_LEN:
            return it.unknown("arange too long", node)
        if dtype in (None, "int64", "int32"):
            return Array(list(r), [0.0] * len(r), dtype or "int64", lib)
        if dtype in ("float32", "float64") and all(abs(v) < 2 ** 24 for v in (r.start, r.stop)):
            return Array([float(v) for v in r], [0.0] * len(r), dtype, lib)  # small ints are exact floats
    return NOT_HANDLED  # float ranges: length and values depend on rounding


def _linspace(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    names = ("start", "end" if lib == "torch" else "stop", "steps" if lib == "torch" else "num")
    vals = list(args[:3]) + [kwargs[n] for n in names[len(args):] if n in kwargs]
    if len(vals) == 2 and lib == "numpy":
        vals.append(50)
    if len(vals) != 3 or not _plain_numbers(vals) or not isinstance(vals[2], int) or vals[2] < 0 or vals[2] > _MAX_LEN:
        return NOT_HANDLED
    extra = {k: v for k, v in kwargs.items() if k not in names}
    if any(k not in ("device", "requires_grad", "dtype") for k in extra):
        return NOT_HANDLED
    if "dtype" in extra and _dtype_arg(extra["dtype"]) != ("float64" if lib == "numpy" else "float32"):
        return NOT_HANDLED
    start, stop, num = float(vals[0]), float(vals[1]), vals[2]
    if lib == "numpy":
        # numpy.linspace (endpoint=True): step = delta/div; y = arange(num) * step + start; y[-1] = stop
        div = num - 1
        if num == 0:
            return Array([], [], "float64", lib)
        if div == 0:
            return Array([start], [0.0], "float64", lib)
        delta = stop - start
        step = delta / div
        if step == 0:  # numpy's order for a zero (or underflowing) step: arange / div * delta
            ys = [i / div * delta + start for i in range(num)]
        else:
            ys = [i * step + start for i in range(num)]
        ys[-1] = stop
        return Array(ys, [0.0] * num, "float64", lib)
    # torch (float32): exact endpoints, interior values within a few ulps
    if num == 1:
        return Array([start], [abs(_f32(start) - start)], "float32", lib)
    s32, e32 = _f32(start), _f32(stop)
    if start == stop and s32 == start:
        return Array([s32] * num, [0.0] * num, "float32", lib)  # step 0: every value is start
    out, errs = [], []
    for i in range(num):
        if i == 0:
            v = s32
        elif i == num - 1:
            v = e32
        else:
            v = start + (stop - start) * i / (num - 1)
        out.append(v)
        errs.append(0.0 if i in (0, num - 1) else abs(v) * 2.0 ** -20 + abs(stop - start) * 2.0 ** -20 + 1e-30)
    return Array(out, errs, "float32", lib)


def _tensor(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args:
        return NOT_HANDLED
    src = args[0]
    if isinstance(src, Array):
        return Array(list(src.vals), list(src.errs), src.dtype, lib, src.scalar)
    dtype = _dtype_arg(kwargs.get("dtype")) if kwargs.get("dtype") is not None else None
    if kwargs.get("dtype") is not None and dtype is None:
        return NOT_HANDLED
    if isinstance(src, (list, tuple)) and any(isinstance(x, (list, tuple)) for x in src):
        return NOT_HANDLED
    if not isinstance(src, (list, tuple, int, float)):
        return NOT_HANDLED
    r = from_python(list(src) if isinstance(src, (list, tuple)) else src, lib, dtype)
    return NOT_HANDLED if r is None else r


# ---- functions and methods -----------------------------------------------------------------------

def _elementwise(name: str) -> Callable[..., Any]:
    def f(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) == 1 and not kwargs and lib == "numpy" and type(args[0]) in (int, float) \
                and abs(args[0]) < 2**53:  # ``np.ceil(10 / 3)``: a float64 scalar
            args = [Array([float(args[0])], [0.0], "float64", "numpy", True)]
        if len(args) != 1 or kwargs or not isinstance(args[0], Array):
            return NOT_HANDLED
        if name in ("round", "floor", "ceil", "trunc"):
            return _discontinuous(it, args[0], name, node)
        return _map_float(it, args[0], name, node)
    return f


def _binary_fn(op: str) -> Callable[..., Any]:
    def f(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) != 2 or not any(isinstance(x, Array) for x in args):
            return NOT_HANDLED
        if kwargs and set(kwargs) != {"rounding_mode"}:
            return NOT_HANDLED
        mode = kwargs.get("rounding_mode")
        r = binary(it, op, args[0], args[1], node)
        if mode is None or isinstance(r, Unknown):
            return r
        if mode in ("floor", "trunc"):
            out = _discontinuous(it, r, mode, node)
            if isinstance(out, Array) and not (isinstance(args[0], Array) and args[0].is_float or isinstance(args[1], Array) and args[1].is_float):
                out.vals = [int(v) for v in out.vals]
                out.dtype = "int64"
            return out
        return NOT_HANDLED
    return f


def _diff(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 1 or kwargs or not isinstance(args[0], Array) or args[0].scalar:
        return NOT_HANDLED
    a = args[0]
    out = [a.vals[i + 1] - a.vals[i] for i in range(len(a.vals) - 1)]
    errs = [a.errs[i + 1] + a.errs[i] for i in range(len(a.vals) - 1)]
    if a.is_float and any(errs):
        errs = [e + abs(v) * _rel(a.dtype) for v, e in zip(out, errs)]
    return Array(out, errs, a.dtype, a.lib)


def _cumsum(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if not args or not isinstance(args[0], Array) or args[0].scalar or args[0].is_float:
        return NOT_HANDLED
    a = args[0]
    total, out = 0, []
    for v in a.vals:
        total += v
        out.append(total)
    return Array(out, [0.0] * len(out), _sum_dtype(a), lib)


def _sum_dtype(a: Array) -> str:
    """Integer sums accumulate in int64 (numpy: unsigned ones in uint64), bool ones too."""
    return "uint64" if a.lib == "numpy" and a.dtype.startswith("uint") else "int64"


def _unique(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """Sorted distinct values (``torch.unique``/``np.unique`` defaults)."""
    if len(args) != 1 or not isinstance(args[0], Array) or args[0].scalar:
        return NOT_HANDLED
    if any(k not in ("sorted", "return_counts") for k in kwargs) or kwargs.get("sorted", True) is not True:
        return NOT_HANDLED
    a = args[0]
    if any(a.errs):
        return it.unknown("unique() of inexact floating-point values", node)
    vals = sorted(set(a.vals))
    out = Array(vals, [0.0] * len(vals), a.dtype, a.lib)
    if kwargs.get("return_counts") is True:
        counts = [a.vals.count(v) for v in vals]
        return (out, Array(counts, [0.0] * len(counts), "int64", a.lib))
    if kwargs.get("return_counts") not in (None, False):
        return NOT_HANDLED
    return out


def _pow_fn(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) != 2 or kwargs or not any(isinstance(x, Array) for x in args):
        return NOT_HANDLED
    A, B = _as_array(args[0], lib), _as_array(args[1], lib)
    if A is None or B is None:
        return NOT_HANDLED
    return _power(it, A, B, node)


def _int_reduce(name: str) -> Callable[..., Any]:
    """``np.prod(grid)`` / ``np.sum(sizes)`` of integers, over every element: exact while it
    fits in int64 (numpy wraps around silently past it); floating-point ones are left open."""
    def f(it: Any, lib: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) != 1 or kwargs:
            return NOT_HANDLED
        a = args[0]
        if isinstance(a, Array):
            if a.is_float or a.dtype.startswith("uint"):
                return NOT_HANDLED
            vals = a.vals
        elif lib == "numpy" and isinstance(a, (list, tuple)) and all(type(v) is int for v in a):
            vals = list(a)
        else:
            return NOT_HANDLED
        total = math.prod(vals) if name == "prod" else sum(vals)
        if not -2**63 <= total < 2**63:
            return it.unknown(f"{lib}.{name}() past int64 (it wraps around)", node)
        return Array([total], [0.0], "int64", lib, True)
    return f


_FUNCS: Dict[str, Callable[..., Any]] = {
    "prod": _int_reduce("prod"), "sum": _int_reduce("sum"),
    "arange": _arange, "linspace": _linspace, "tensor": _tensor, "array": _tensor, "asarray": _tensor,
    "as_tensor": _tensor, "diff": _diff, "unique": _unique, "cumsum": _cumsum, "pow": _pow_fn, "power": _pow_fn,
    "divide": _binary_fn("Divide"), "div": _binary_fn("Divide"), "true_divide": _binary_fn("Divide"),
    "multiply": _binary_fn("Multiply"), "mul": _binary_fn("Multiply"), "add": _binary_fn("Add"),
    "subtract": _binary_fn("Subtract"), "sub": _binary_fn("Subtract"), "floor_divide": _binary_fn("FloorDivide"),
}
_ELEMENTWISE = ("log", "log2", "exp", "sqrt", "round", "floor", "ceil", "trunc")
for _n in _ELEMENTWISE:
    _FUNCS[_n] = _elementwise(_n)
#: Functions of values that are not arrays yet (constructors; numpy's reductions of lists).
_ANY_ARGS = frozenset(("arange", "linspace", "tensor", "array", "asarray", "as_tensor", "prod", "sum"))
_FUNCS["around"] = _FUNCS["round"]


def call(it: Any, qualname: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``torch.X`` / ``numpy.X`` on known values, or NOT_HANDLED (then tensors/shapes decide).
    Only at construction time: a forward pass traces shapes, not values."""
    lib, _, name = qualname.partition(".")
    if it.trace is not None and not (lib == "numpy" and name in _ELEMENTWISE and _plain_numbers(args) and not kwargs):
        return NOT_HANDLED  # (numpy on Python numbers is a number there too: ``1 / np.sqrt(d)``)
    if lib not in ("torch", "numpy") or "." in name:
        return NOT_HANDLED
    f = _FUNCS.get(name)
    if f is None:
        return NOT_HANDLED
    if lib == "torch" and name in ("unique", "diff", "cumsum"):
        for a in args:
            if isinstance(a, Unknown):
                return a  # the reason the input is unknown, not "not modelled"
    if name not in _ANY_ARGS and not (lib == "numpy" and name in _ELEMENTWISE) and not any(isinstance(a, Array) for a in args):
        return NOT_HANDLED
    from paramlint.evaluate.arrays import mutated, poisoned

    if "out" in kwargs:
        return mutated(it, f"{name}(out=...)", node)
    flat = [x for a in (*args, *kwargs.values()) for x in (a if isinstance(a, (list, tuple)) else (a,))]
    u = poisoned(it, *flat)
    if u is not None:
        return u
    return f(it, lib, args, kwargs, node)


def _m_tolist(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return to_python(it, a, node)


def _m_item(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(a.vals) != 1:
        return it.unknown("item() of an array with several elements", node)
    return to_python(it, Array(a.vals, a.errs, a.dtype, a.lib, True), node)


def _m_cast(dtype: Optional[str]) -> Callable[..., Any]:
    def m(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        target = dtype
        if target is None:  # astype(x) / to(dtype)
            target = _dtype_arg(args[0] if args else kwargs.get("dtype"))
            if target is None:
                return it.unknown("array conversion target is not modelled", node)
        if target.startswith("int"):
            r = _discontinuous(it, a, "trunc", node, to_int=True)
            if isinstance(r, Array):
                r.dtype = target
            return r
        if target in _FLOAT_TYPES:
            vals, errs = [], []
            for x, e in zip(a.vals, a.errs):
                fx = float(x)
                r32 = _round_to(target, fx)
                vals.append(r32 if e == 0 else fx)
                errs.append(e + (abs(fx) * _rel(target) if e else 0.0))
            return Array(vals, errs, target, a.lib, a.scalar)
        return it.unknown(f"conversion to {target}", node)
    return m


def _m_fn(name: str) -> Callable[..., Any]:
    def m(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        r = _FUNCS[name](it, a.lib, [a, *args], kwargs, node)
        return it.unknown(f"array.{name}() with these arguments", node) if r is NOT_HANDLED else r
    return m


def _m_sum(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if args or kwargs:
        return it.unknown("sum() with a dimension", node)
    if not a.is_float:
        return Array([sum(a.vals)], [0.0], _sum_dtype(a), a.lib, True)
    return it.unknown("floating-point sum of an array", node)


def _m_split(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    size = args[0] if args else kwargs.get("split_size_or_sections", kwargs.get("split_size"))
    if a.scalar or (len(args) > 1 or set(kwargs) - {"split_size_or_sections", "split_size", "dim"}) or kwargs.get("dim", 0) != 0:
        return it.unknown("split() arguments", node)
    n = len(a.vals)
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        bounds = list(range(0, n, size)) + [n]
    elif isinstance(size, (list, tuple)) and all(isinstance(x, int) and x >= 0 for x in size) and sum(size) == n:
        bounds = [0]
        for x in size:
            bounds.append(bounds[-1] + x)
    else:
        return it.unknown("split() sizes", node)
    return tuple(Array(a.vals[i:j], a.errs[i:j], a.dtype, a.lib) for i, j in zip(bounds, bounds[1:]))


def _m_extreme(which: str) -> Callable[..., Any]:
    def m(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if args or kwargs or not a.vals:
            return it.unknown(f"{which}() with a dimension or of an empty array", node)
        if any(a.errs):
            return it.unknown(f"{which}() of inexact floating-point values", node)
        v = max(a.vals) if which == "max" else min(a.vals)
        return Array([v], [0.0], a.dtype, a.lib, True)
    return m


def _m_flip(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``x.flip(0)`` of a 1-d array: its values reversed."""
    dims = args[0] if len(args) == 1 else kwargs.get("dims")
    if a.lib != "torch" or a.scalar or not (dims in (0, -1) or (isinstance(dims, (list, tuple)) and list(dims) in ([0], [-1]))):
        return it.unknown("flip() arguments", node)
    return Array(a.vals[::-1], a.errs[::-1], a.dtype, a.lib)


def _m_numel(it: Any, a: Array, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return len(a.vals)


METHODS: Dict[str, Callable[..., Any]] = {
    "tolist": _m_tolist, "item": _m_item, "int": _m_cast("int32"), "long": _m_cast("int64"),
    "float": _m_cast("float32"), "double": _m_cast("float64"), "astype": _m_cast(None),
    "sum": _m_sum, "numel": _m_numel, "max": _m_extreme("max"), "min": _m_extreme("min"), "__len__": _m_numel, "split": _m_split,
    "flip": _m_flip,
}
for _n in ("log", "exp", "sqrt", "round", "floor", "ceil", "trunc", "diff", "cumsum", "pow", "div", "mul", "add", "sub", "unique"):
    METHODS[_n] = _m_fn(_n)
