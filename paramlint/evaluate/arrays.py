"""Small torch/numpy arrays with known values, for configuration arithmetic done at
construction time (``torch.arange(d) * w_a + w_0`` -> stage widths, ``np.linspace`` drop
rates).

Values are exact where IEEE arithmetic makes them exact, and otherwise carry an error bound:

* integer arithmetic is exact;
* ``+ - * /`` of exactly known float32/float64 inputs is exact: the framework's correctly
  rounded result equals our float64 result rounded to the tensor's dtype (double rounding is
  innocuous for these operations, 53 >= 2*24 + 2);
* anything else (``log``, ``exp``, ``pow``, ``sqrt``, inexact inputs, python floats not
  representable in float32) gets a conservative absolute error bound, propagated as an
  interval.

Discontinuous operations (``round``, ``floor``, ``ceil``, ``int()``, comparisons) give an
exact result only when the whole interval lands on one side of the discontinuity; otherwise
the result is Unknown ("too close to call") -- never a guess. ``tolist()``/``item()`` of an
inexact float is Unknown for the same reason.
"""

from __future__ import annotations

import math
import struct
from typing import Any, Callable, List, Optional, Tuple

from paramlint.evaluate.values import External, Unknown

NOT_HANDLED = object()
_F32_REL = 2.0 ** -22  # two ulps of float32, relative
_F64_REL = 2.0 ** -51
_TRANSCENDENTAL_F32 = 2.0 ** -19  # 16 ulps: vectorised libm implementations are not correctly rounded
_TRANSCENDENTAL_F64 = 2.0 ** -48
_MAX_LEN = 100_000
_FLOAT_TYPES = ("float32", "float64", "float16", "bfloat16")


def _f32(x: float) -> float:
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


class Array:
    """A 0-d or 1-d array of known values (``vals``) with absolute error bounds (``errs``)."""

    __slots__ = ("vals", "errs", "dtype", "lib", "scalar")

    def __init__(self, vals: List[Any], errs: List[float], dtype: str, lib: str, scalar: bool = False) -> None:
        self.vals = vals
        self.errs = errs
        self.dtype = dtype
        self.lib = lib
        self.scalar = scalar

    def __repr__(self) -> str:
        return f"Array({self.lib}, {self.dtype}, {self.vals!r})"

    @property
    def is_float(self) -> bool:
        return self.dtype in _FLOAT_TYPES

    def attr(self, it: Any, name: str, node: Any) -> Any:
        from paramlint.evaluate.array_funcs import METHODS

        if name not in ("dtype", "ndim"):
            u = poisoned(it, self)
            if u is not None:
                return u
        m = METHODS.get(name)
        if m is not None:
            return _bound(self, name, m)
        if name == "shape":
            return () if self.scalar else (len(self.vals),)
        if name == "ndim":
            return 0 if self.scalar else 1
        if name == "dtype":
            return External(f"{'numpy' if self.lib == 'numpy' else 'torch'}.{self.dtype}")
        if name == "size" and self.lib == "numpy":
            return len(self.vals)
        if name == "T":
            return self
        if name[-1:] == "_" and name[:1] != "_":
            return _in_place(self, name)
        if self.lib == "torch":  # a method with no value model: its shape is still exact
            from paramlint.evaluate.values import Tensor
            from paramlint.evaluate.lazy import lazy

            return lazy.tensors.attr(it, Tensor(() if self.scalar else (len(self.vals),)), name, node)
        return it.unknown(f"{self.lib} array attribute {name!r} is not modelled", node)


def _in_place(arr: Array, name: str) -> Any:
    """``a.mul_(2)``, ``a.normal_()``: see :func:`mutated`."""
    from paramlint.evaluate.values import Builtin

    return Builtin(f"array.{name}", lambda it, args, kwargs, node: mutated(it, f"{name}()", node))


def mutated(it: Any, how: str, node: Any) -> Unknown:
    """An array changed in place. Views and aliases of arrays are not tracked (a slice is a
    copy here, a view in torch), so from now on no value-known array of this analysis is
    trusted: every later read of one is Unknown."""
    u = it.unknown(f"array values changed in place ({how})", node)
    if it.project.arrays_mutated is None:
        it.project.arrays_mutated = u
    return u


def poisoned(it: Any, *vals: Any) -> Optional[Unknown]:
    """Why the values of the arrays among ``vals`` are no longer known, or None: changed in
    place, or integers past their dtype's range (torch and numpy wrap around silently:
    ``tensor([2**62]) * 4`` is 0; the wrapped value is not modelled)."""
    u = it.project.arrays_mutated
    if u is not None and any(isinstance(v, Array) for v in vals):
        return u
    for v in vals:
        if isinstance(v, Array):
            bounds = _INT_RANGE.get(v.dtype)
            if bounds is not None and v.vals and not (bounds[0] <= min(v.vals) and max(v.vals) <= bounds[1]):
                return Unknown(f"{v.dtype} overflow: the {v.lib} value wraps around")
    return None


_INT_RANGE = {
    "int64": (-2**63, 2**63 - 1), "int32": (-2**31, 2**31 - 1), "int16": (-2**15, 2**15 - 1),
    "int8": (-2**7, 2**7 - 1), "uint8": (0, 2**8 - 1), "uint16": (0, 2**16 - 1), "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1), "bool": (0, 1),
}


def _bound(arr: Array, name: str, m: Callable[..., Any]) -> Any:
    from paramlint.evaluate.values import Builtin

    return Builtin(f"array.{name}", lambda it, a, k, n: m(it, arr, a, k, n))


def _default_float(lib: str) -> str:
    return "float64" if lib == "numpy" else "float32"


def _round_to(dtype: str, x: float) -> float:
    return _f32(x) if dtype in ("float32", "float16", "bfloat16") else x


def _rel(dtype: str, transcendental: bool = False) -> float:
    if dtype == "float64":
        return _TRANSCENDENTAL_F64 if transcendental else _F64_REL
    return _TRANSCENDENTAL_F32 if transcendental else _F32_REL


def from_python(v: Any, lib: str, dtype: Optional[str] = None) -> Any:
    """An Array from a python number or a (nested-free) list of numbers; Unknown otherwise."""
    seq = v if isinstance(v, (list, tuple)) else [v]
    scalar = not isinstance(v, (list, tuple))
    vals: List[Any] = []
    errs: List[float] = []
    kinds = set()
    for x in seq:
        if isinstance(x, Array) and x.scalar:
            kinds.add("float" if x.is_float else "int")
            vals.append(x.vals[0])
            errs.append(x.errs[0])
            continue
        if isinstance(x, bool):
            kinds.add("bool")
        elif isinstance(x, int):
            kinds.add("int")
        elif isinstance(x, float):
            kinds.add("float")
        else:
            return None
        vals.append(x)
        errs.append(0.0)
    if dtype is None:
        dtype = _default_float(lib) if "float" in kinds else ("int64" if "int" in kinds or not kinds else "bool")
    if dtype in _FLOAT_TYPES:
        out_v = []
        for i, x in enumerate(vals):
            fx = float(x)
            r = _round_to(dtype, fx)
            if r != fx:
                errs[i] += abs(r - fx)  # the framework may hold either value
            out_v.append(fx)
        vals = out_v
    elif dtype.startswith("int"):
        if any(isinstance(x, float) for x in vals):
            return None
        vals = [int(x) for x in vals]
    return Array(vals, errs, dtype, lib, scalar)


# ---- elementwise arithmetic --------------------------------------------------------------------

def _result_dtype(a: Array, b: Array, op: str) -> str:
    if op == "Divide":
        if a.is_float or b.is_float:
            return _wider(a, b)
        return _default_float(a.lib)
    if a.is_float or b.is_float:
        return _wider(a, b)
    return _int_result(a, b) or ""


_INT_BITS = {"bool": (1, False), "uint8": (8, False), "int8": (8, True), "int16": (16, True), "int32": (32, True),
             "int64": (64, True)}


def _int_result(a: Array, b: Array) -> Optional[str]:
    """The dtype of integer (or bool) arithmetic, as torch promotes it: a python int does not
    widen a tensor (``int32 * 2**31`` stays int32 and wraps), a 0-d tensor does not widen a
    1-d one of its kind, else the wider type. None where the rule is not modelled (numpy's
    differs between 1.x and 2.x)."""
    if a.dtype == b.dtype:
        return a.dtype
    if a.lib == "python" or b.lib == "python":
        t = b if a.lib == "python" else a
        if t.dtype == "bool":
            return "int64"
        return t.dtype if t.lib == "torch" else None
    if a.lib != "torch" or b.lib != "torch":
        return None
    if a.scalar != b.scalar and (a.dtype == "bool") == (b.dtype == "bool"):
        return b.dtype if a.scalar else a.dtype
    if "bool" in (a.dtype, b.dtype):
        return b.dtype if a.dtype == "bool" else a.dtype
    ka, kb = _INT_BITS.get(a.dtype), _INT_BITS.get(b.dtype)
    if ka is None or kb is None:
        return None
    if ka[1] == kb[1]:
        return a.dtype if ka[0] >= kb[0] else b.dtype
    signed, unsigned = (ka, kb) if ka[1] else (kb, ka)  # uint8 with a signed type
    return f"int{max(signed[0], 2 * unsigned[0])}"


def _wider(a: Array, b: Array) -> str:
    fa = a.dtype if a.is_float else None
    fb = b.dtype if b.is_float else None
    if fa and fb:
        # a python scalar (wrapped number) does not promote a torch tensor's float dtype
        if a.scalar and a.lib == "python":
            return fb
        if b.scalar and b.lib == "python":
            return fa
        return "float64" if "float64" in (fa, fb) else fa
    if fb and b.lib == "python":  # an integer tensor and a python float: the default float dtype
        return _default_float(a.lib)
    if fa and a.lib == "python":
        return _default_float(b.lib)
    return fa or fb or "float32"


def _as_array(v: Any, lib: str) -> Optional[Array]:
    if isinstance(v, Array):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return Array([v], [0.0], "float64" if isinstance(v, float) else "int64", "python", True)


def _interval_op(op: str, x: float, ex: float, y: float, ey: float) -> Optional[Tuple[float, float]]:
    """Value and propagated error (before rounding) of ``x op y``; None if unbounded."""
    if op == "Add":
        return x + y, ex + ey
    if op == "Subtract":
        return x - y, ex + ey
    if op == "Multiply":
        return x * y, abs(x) * ey + abs(y) * ex + ex * ey
    if op == "Divide":
        if abs(y) <= ey or y == 0:
            return None
        return x / y, (abs(x) * ey + abs(y) * ex) / (abs(y) * (abs(y) - ey))
    return None


def binary(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    u = poisoned(it, a, b)
    if u is not None:
        return u
    lib = a.lib if isinstance(a, Array) and a.lib != "python" else (b.lib if isinstance(b, Array) else "torch")
    A, B = _as_array(a, lib), _as_array(b, lib)
    if A is None or B is None:
        return it.unknown(f"operator {op} on an array and a {type(b if A is not None else a).__name__}", node)
    if op == "Power":
        return _power(it, A, B, node)
    if op not in ("Add", "Subtract", "Multiply", "Divide", "FloorDivide", "Modulo"):
        return it.unknown(f"array operator {op} is not modelled", node)
    n = _broadcast(A, B)
    if n is None:
        return it.unknown("arrays of different lengths", node)
    dtype = _result_dtype(A, B, op)
    if not dtype or dtype == "bool" and op not in ("Add", "Multiply"):
        return it.unknown(f"{op} of {A.dtype} and {B.dtype} arrays: the result's dtype is not modelled", node)
    vals, errs = [], []
    for i in range(n):
        x, ex = _at(A, i)
        y, ey = _at(B, i)
        if dtype.startswith("int") or dtype == "bool":
            if op == "Divide" or y == 0 and op in ("FloorDivide", "Modulo"):
                return it.unknown("integer division by zero", node)
            r = {"Add": x + y, "Subtract": x - y, "Multiply": x * y}.get(op)
            if r is None:
                r = x // y if op == "FloorDivide" else x % y
            vals.append(r)
            errs.append(0.0)
            continue
        if op in ("FloorDivide", "Modulo"):
            return it.unknown(f"floating-point {op} of arrays is not modelled", node)
        res = _interval_op(op, float(x), ex, float(y), ey)
        if res is None:
            return it.unknown("array division by a value that may be zero", node)
        v, e = res
        if e == 0.0:
            v = _round_to(dtype, v)  # exact inputs: the correctly rounded framework result
        else:
            e += abs(v) * _rel(dtype)
        vals.append(v)
        errs.append(e)
    return Array(vals, errs, dtype, lib, A.scalar and B.scalar)


def _broadcast(A: Array, B: Array) -> Optional[int]:
    la, lb = len(A.vals), len(B.vals)
    if A.scalar or la == 1:
        return lb if not B.scalar or lb != 1 else 1
    if B.scalar or lb == 1:
        return la
    return la if la == lb else None


def _at(A: Array, i: int) -> Tuple[Any, float]:
    if len(A.vals) == 1:
        return A.vals[0], A.errs[0]
    return A.vals[i], A.errs[i]


def _power(it: Any, A: Array, B: Array, node: Any) -> Any:
    n = _broadcast(A, B)
    if n is None:
        return it.unknown("arrays of different lengths", node)
    lib = A.lib if A.lib != "python" else B.lib
    if not A.is_float and not B.is_float and all(y >= 0 for y in B.vals):
        vals = []
        for i in range(n):
            x, _ = _at(A, i)
            y, _ = _at(B, i)
            if abs(y) > 256:
                return it.unknown("integer power too large", node)
            vals.append(x ** y)
        dtype = _int_result(A, B)
        if dtype is None or dtype == "bool":
            return it.unknown(f"power of {A.dtype} and {B.dtype} arrays: the result's dtype is not modelled", node)
        return Array(vals, [0.0] * n, dtype, lib, A.scalar and B.scalar)
    dtype = _wider(A, B) if (A.is_float or B.is_float) else _default_float(lib)
    vals, errs = [], []
    for i in range(n):
        x, ex = _at(A, i)
        y, ey = _at(B, i)
        x, y = float(x), float(y)
        if x - ex <= 0:
            return it.unknown("power of a value that may be non-positive", node)
        try:
            v = x ** y
            # x**y is monotonic in x (for x > 0) and in y: the interval's corners bound it
            corners = [(x + sx * ex) ** (y + sy * ey) for sx in (-1, 1) for sy in (-1, 1)]
            e = max(abs(c - v) for c in corners) * 1.01
            e += abs(v) * _rel(dtype, transcendental=True) + 1e-300
        except OverflowError:
            return it.unknown("power overflows", node)
        vals.append(v)
        errs.append(e)
    return Array(vals, errs, dtype, lib, A.scalar and B.scalar)


def unary_minus(a: Array) -> Array:
    return Array([-x for x in a.vals], list(a.errs), a.dtype, a.lib, a.scalar)


def _map_float(it: Any, a: Array, name: str, node: Any) -> Any:
    dtype = a.dtype if a.is_float else _default_float(a.lib)
    vals, errs = [], []
    for x, ex in zip(a.vals, a.errs):
        x = float(x)
        if name == "log":
            if x - ex <= 0:
                return it.unknown("log of a value that may be non-positive", node)
            v, e = math.log(x), ex / (x - ex)
        elif name == "log2":
            if x - ex <= 0:
                return it.unknown("log2 of a value that may be non-positive", node)
            v, e = math.log2(x), ex / (x - ex) / math.log(2)
        elif name == "exp":
            if x + ex > 700:
                return it.unknown("exp overflows", node)
            v = math.exp(x)
            e = math.exp(x + ex) - v
        elif name == "sqrt":
            if x - ex < 0:
                return it.unknown("sqrt of a value that may be negative", node)
            v = math.sqrt(x)
            e = math.sqrt(x + ex) - v if ex else 0.0
            if ex == 0.0:
                vals.append(_round_to(dtype, v))  # sqrt is correctly rounded
                errs.append(0.0)
                continue
        else:
            return it.unknown(f"{name} of an array is not modelled", node)
        vals.append(v)
        errs.append(e + abs(v) * _rel(dtype, transcendental=True) + 1e-300)
    return Array(vals, errs, dtype, a.lib, a.scalar)


def _discontinuous(it: Any, a: Array, name: str, node: Any, to_int: bool = False) -> Any:
    """round/floor/ceil/trunc: exact only when the error interval cannot cross a step."""
    vals = []
    for x, ex in zip(a.vals, a.errs):
        if not a.is_float:
            vals.append(x)
            continue
        if ex > 0:
            if name == "round":
                edge = math.floor(x) + 0.5
                near = min(abs(x - edge), abs(x - (edge - 1)), abs(x - (edge + 1)))
            else:
                near = min(abs(x - math.floor(x)), abs(math.ceil(x) - x))
            if near <= ex:
                return it.unknown(f"{name}() of a floating-point value too close to a step to call exactly", node)
        if name == "round":
            r = round(x)  # half to even, as torch.round and numpy.round
        elif name == "floor":
            r = math.floor(x)
        elif name == "ceil":
            r = math.ceil(x)
        else:
            r = math.trunc(x)
        vals.append(int(r) if to_int else float(r))
    dtype = ("int32" if a.lib == "torch" and name == "trunc" else "int64") if to_int else a.dtype
    return Array(vals, [0.0] * len(vals), dtype, a.lib, a.scalar)


def compare(it: Any, op: str, a: Any, b: Any, node: Any) -> Any:
    u = poisoned(it, a, b)
    if u is not None:
        return u
    A, B = _as_array(a, "torch"), _as_array(b, "torch")
    if A is None or B is None or not (A.scalar or len(A.vals) == 1) or not (B.scalar or len(B.vals) == 1):
        return it.unknown("comparison of arrays", node)
    x, ex = A.vals[0], A.errs[0]
    y, ey = B.vals[0], B.errs[0]
    if ex + ey > 0:
        if abs(x - y) <= ex + ey:
            return it.unknown("comparison of floating-point values too close to call exactly", node)
    from paramlint.evaluate.operators import compare as plain_compare

    return plain_compare(op, x, y)


def to_python(it: Any, a: Array, node: Any) -> Any:
    """``.tolist()``: python numbers; an inexact float stays an approximately known scalar."""
    out: List[Any] = []
    for x, e in zip(a.vals, a.errs):
        if e > 0:  # an approximately known float: comparisons far from it still decide
            out.append(Array([x], [e], "float64", "python", True))
        elif a.is_float:
            out.append(float(x))
        elif a.dtype == "bool":
            out.append(bool(x))
        else:
            out.append(int(x))
    return out[0] if a.scalar else out


def element(a: Array, i: int) -> Any:
    """An element as iteration yields it: numpy gives python-like numbers, torch 0-d tensors."""
    if a.lib == "numpy" and a.errs[i] == 0:
        x = a.vals[i]
        return float(x) if a.is_float else int(x)
    return Array([a.vals[i]], [a.errs[i]], a.dtype, a.lib, True)


def iterate(it: Any, a: Array, node: Any) -> Any:
    if a.scalar:
        return it.unknown("iteration over a 0-d array", node)
    return [element(a, i) for i in range(len(a.vals))]


def subscript(it: Any, a: Array, index: Any, node: Any) -> Any:
    if a.scalar:
        return it.unknown("indexing a 0-d array", node)
    if isinstance(index, int) and not isinstance(index, bool):
        if -len(a.vals) <= index < len(a.vals):
            return element(a, index)
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown("raises IndexError: array index out of range", node), "IndexError")
    if isinstance(index, slice):
        return Array(a.vals[index], a.errs[index], a.dtype, a.lib)
    return it.unknown("array index is not modelled", node)


def truth(it: Any, a: Array, node: Any) -> Any:
    u = poisoned(it, a)
    if u is not None:
        return u
    if not (a.scalar or len(a.vals) == 1):
        return it.unknown("truth value of an array with several elements", node)
    if a.errs[0] > 0 and abs(a.vals[0]) <= a.errs[0]:
        return it.unknown("truth of a floating-point value too close to zero", node)
    return bool(a.vals[0])


def to_number(it: Any, a: Array, how: str, node: Any) -> Any:
    """``int(x)``, ``float(x)``, ``round(x)`` of a one-element array."""
    u = poisoned(it, a)
    if u is not None:
        return u
    if len(a.vals) != 1:
        return it.unknown(f"{how}() of an array with several elements", node)
    one = Array(a.vals[:1], a.errs[:1], a.dtype, a.lib, True)
    if how == "int":
        r = _discontinuous(it, one, "trunc", node, to_int=True)
        return r if isinstance(r, Unknown) else int(r.vals[0])
    if how == "round":
        r = _discontinuous(it, one, "round", node, to_int=True)
        return r if isinstance(r, Unknown) else int(r.vals[0])
    if how == "float":
        if one.errs[0] == 0:
            return float(one.vals[0])
        return Array(one.vals, one.errs, "float64", "python", True)  # an approximately known float
    return it.unknown(f"{how}() of an array", node)


# Functions (``torch.arange``...) and methods (``.tolist()``...) live in array_funcs.
from paramlint.evaluate.array_funcs import call  # noqa: E402,F401
