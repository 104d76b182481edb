"""Python operators on known values, with the integer, string and collection limits.

Every result that could be huge is sized *before* it is computed, so ``9**9**9`` or
``[0] * 10**12`` costs nothing and becomes Unknown naming the limit.
"""

from __future__ import annotations

import operator
import re
from typing import Any, Callable, Dict

from paramlint.evaluate.limits import Limits, LimitExceeded

BINARY: Dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add, "Subtract": operator.sub, "Multiply": operator.mul,
    "Divide": operator.truediv, "FloorDivide": operator.floordiv, "Modulo": operator.mod,
    "Power": operator.pow, "LeftShift": operator.lshift, "RightShift": operator.rshift,
    "BitOr": operator.or_, "BitAnd": operator.and_, "BitXor": operator.xor,
    "MatrixMultiply": operator.matmul,
}

#: ``type({}.keys())``: a keys view's set operators (``d.keys() | other``) give plain sets of
#: its keys, which are already hashed values of the dict.
_KEYS_VIEW: type = type({}.keys())
_SAFE_TYPES = (int, float, bool, str, tuple, list, dict, set, frozenset, type(None), range, slice, bytes, _KEYS_VIEW)


def _size(v: Any) -> int:
    if isinstance(v, (str, bytes, tuple, list, dict, set, frozenset)):
        return len(v)
    return 0


def check_int(v: Any, limits: Limits) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > limits.max_int_bits:
        raise LimitExceeded(f"integer larger than 2**{limits.max_int_bits} (max-int-bits)")
    return v


def binary(op: str, a: Any, b: Any, limits: Limits) -> Any:
    """``a <op> b`` for plain Python values; raises TypeError/ZeroDivisionError like Python."""
    if not isinstance(a, _SAFE_TYPES) or not isinstance(b, _SAFE_TYPES):
        raise TypeError(f"unsupported operand types for {op}")
    if op == "Power":
        if isinstance(a, int) and isinstance(b, int) and b > 0:
            if a.bit_length() * b > limits.max_int_bits + b:  # over-estimate of the result's bits
                if abs(a) > 1:
                    raise LimitExceeded(f"integer larger than 2**{limits.max_int_bits} (max-int-bits)")
        # (a float power takes constant time whatever the exponent; an overflow raises
        # OverflowError, as in Python)
    elif op == "Multiply":
        seq, n = (a, b) if isinstance(b, int) else (b, a)
        if isinstance(seq, (str, bytes, tuple, list)) and isinstance(n, int):
            size = len(seq) * max(n, 0)
            cap = limits.max_string if isinstance(seq, (str, bytes)) else limits.max_collection
            if size > cap:
                raise LimitExceeded(f"sequence of {size:,} items exceeds the collection limit ({cap:,})")
        elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > limits.max_int_bits + 1:
            raise LimitExceeded(f"integer larger than 2**{limits.max_int_bits} (max-int-bits)")
    elif op == "LeftShift" and isinstance(b, int) and isinstance(a, int):
        if b > limits.max_int_bits or a.bit_length() + b > limits.max_int_bits:
            raise LimitExceeded(f"integer larger than 2**{limits.max_int_bits} (max-int-bits)")
    elif op == "Add" and isinstance(a, (str, bytes, tuple, list)):
        cap = limits.max_string if isinstance(a, (str, bytes)) else limits.max_collection
        if _size(a) + _size(b) > cap:
            raise LimitExceeded(f"sequence exceeds the collection limit ({cap:,})")
    elif op == "Modulo" and isinstance(a, (str, bytes)):
        return _percent_format(a, b, limits)
    fn = BINARY.get(op)
    if fn is None:
        raise TypeError(f"operator {op} is not modelled")
    return check_int(fn(a, b), limits)


COMPARE: Dict[str, Callable[[Any, Any], Any]] = {
    "LessThan": operator.lt, "GreaterThan": operator.gt, "LessThanEqual": operator.le,
    "GreaterThanEqual": operator.ge, "Equal": operator.eq, "NotEqual": operator.ne,
}


def compare(op: str, a: Any, b: Any) -> bool:
    """Comparison; identity and membership are handled by the interpreter (they see objects)."""
    if op in ("LessThan", "GreaterThan", "LessThanEqual", "GreaterThanEqual"):
        if not isinstance(a, _SAFE_TYPES) or not isinstance(b, _SAFE_TYPES):
            raise TypeError("ordering comparison of non-plain values")
    return bool(COMPARE[op](a, b))


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?([-#0 +]*)(\*|\d*)(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])")
_PLAIN_ARGS = (int, float, bool, str, type(None))


def _percent_format(fmt: Any, args: Any, limits: Limits) -> Any:
    """``"block%d" % i``: printf-style formatting of plain values, with bounded widths."""
    if isinstance(fmt, bytes):
        raise TypeError("bytes %-formatting is not modelled")
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    if not all(isinstance(v, _PLAIN_ARGS) for v in values):
        raise TypeError("%-formatting of values that are not plain data")
    for m in _PERCENT_SPEC.finditer(fmt):
        width, precision = m.group(2), m.group(3) or ""
        if "*" in (width, precision) or len(width) > 4 or len(precision) > 4:
            raise TypeError("%-formatting with computed or large widths is not modelled")
    out = fmt % args
    if len(out) > limits.max_string:
        raise LimitExceeded("string exceeds the string limit")
    return out
