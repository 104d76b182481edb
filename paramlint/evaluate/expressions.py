"""Expression handlers: one small function per CST expression type."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, cast

import libcst as cst

from paramlint.evaluate import arrays, iterators, operators, protocols
from paramlint.evaluate.arrays import Array
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.limits import LimitExceeded, loop_limit
from paramlint.evaluate.classcheck import is_type_like
from paramlint.evaluate.values import Builtin, Class, External, Function, Instance, Layer, ObjectId, Param, Tensor, TypeUnion, Unknown, UnknownArgs

Handler = Callable[[Any, Any, Any], Any]
HANDLERS: Dict[type, Handler] = {}


def handles(*types: type) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        for t in types:
            HANDLERS[t] = fn
        return fn
    return deco


_CONSTANTS = {"True": True, "False": False, "None": None, "__debug__": True}


@handles(cst.Name)
def _name(it: Any, node: cst.Name, env: Any) -> Any:
    v = _CONSTANTS.get(node.value, _CONSTANTS)
    if v is not _CONSTANTS:
        return v
    return it.lookup(node.value, env, node)


#: Values of number and plain string literals already evaluated, by node: a literal in a
#: loop or in a helper called for every layer is decoded once. Only values small enough to
#: pass any configured limit are kept, and the table is emptied when it grows large (it
#: keeps its nodes alive, and a long-lived process analyzes many trees). Keyed by ``id``
#: with the node kept beside its value (a node's own ``__hash__`` is a Python call); the
#: identity check makes a reused id a miss.
_LITERALS: Dict[int, Any] = {}
_MAX_LITERALS = 200_000


def _remember(node: Any, v: Any) -> None:
    if len(_LITERALS) >= _MAX_LITERALS:
        _LITERALS.clear()
    _LITERALS[id(node)] = (node, v)


@handles(cst.Integer)
def _integer(it: Any, node: cst.Integer, env: Any) -> Any:
    e = _LITERALS.get(id(node))
    if e is not None and e[0] is node:
        return e[1]
    text = node.value.replace("_", "")
    if len(text) > 200:
        raise LimitExceeded("integer literal too long")
    v = int(text, 0) if text[:2].lower() in ("0x", "0o", "0b") else int(text)
    v = operators.check_int(v, it.limits)
    if v.bit_length() <= 32:
        _remember(node, v)
    return v


@handles(cst.Float)
def _float(it: Any, node: cst.Float, env: Any) -> Any:
    e = _LITERALS.get(id(node))
    if e is not None and e[0] is node:
        return e[1]
    v = float(node.value.replace("_", ""))
    _remember(node, v)
    return v


@handles(cst.Imaginary)
def _imaginary(it: Any, node: cst.Imaginary, env: Any) -> Any:
    return it.unknown("complex numbers are not modelled", node)


@handles(cst.SimpleString)
def _string(it: Any, node: cst.SimpleString, env: Any) -> Any:
    e = _LITERALS.get(id(node))
    if e is not None and e[0] is node:
        return e[1]
    text = _newlines(node.value)
    if len(text) > it.limits.max_string:
        raise LimitExceeded("string literal exceeds the string limit")
    if "\\" not in text and text[:1] in ("'", '"'):
        q = 3 if text[:3] in ("\'\'\'", '\"\"\"') and len(text) >= 6 else 1
        v = text[q:-q]  # no prefix, no escapes: the characters between the quotes
        if len(v) <= 256:
            _remember(node, v)
        return v
    try:
        if text is node.value:
            return node.evaluated_value
        import ast

        return ast.literal_eval(text)
    except Exception:
        return it.unknown("string literal could not be decoded", node)


@handles(cst.ConcatenatedString)
def _concat(it: Any, node: cst.ConcatenatedString, env: Any) -> Any:
    left, right = it.eval(node.left, env), it.eval(node.right, env)
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    if type(left) is not type(right):
        return it.unknown("mixing bytes and str", node)
    return operators.binary("Add", left, right, it.limits)


def _newlines(text: str) -> str:
    """Python reads source with universal newlines: a line break inside a literal is ``\n``
    whatever the file's line endings (a CRLF file's triple-quoted string had ``\r\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _fstring_text(node: cst.FormattedString, part: cst.FormattedStringText) -> Optional[str]:
    """The characters of an f-string's literal part: its escapes decoded unless the string is
    raw (``f"a\\n"`` is three characters, ``rf"a\\n"`` four), ``{{``/``}}`` halved."""
    e = _LITERALS.get(id(part))
    if e is not None and e[0] is part:
        return e[1]  # type: ignore[no-any-return]
    text = _newlines(part.value).replace("{{", "{").replace("}}", "}")
    if "\\" in text:
        prefix = node.start.lower().replace("f", "")
        quote = prefix[-1:] * (3 if prefix.endswith(("\'\'\'", '\"\"\"')) else 1)
        prefix = prefix.rstrip("'\"")
        if "r" not in prefix:
            import ast

            try:
                text = ast.literal_eval(prefix + quote + text + quote)
            except (SyntaxError, ValueError):
                return None
    _remember(part, text)
    return text


@handles(cst.FormattedString)
def _fstring(it: Any, node: cst.FormattedString, env: Any) -> Any:
    from paramlint.evaluate.builtins import format_value, text_of

    out: List[str] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            text = _fstring_text(node, part)
            if text is None:
                return it.unknown("f-string text could not be decoded", node)
            out.append(text)
            continue
        part = cast(cst.FormattedStringExpression, part)  # the only other kind of part
        v = it.eval(part.expression, env)
        if isinstance(v, Unknown):
            return v
        conversion = part.conversion
        if part.equal is not None:  # f"{n = }": the expression's text, then repr() unless a spec is given
            out.append(_self_documenting(part))
            if conversion is None and not part.format_spec:
                conversion = "r"
        if conversion in ("r", "a", "s"):
            v = text_of(v, conversion, it)
            if v is None:
                return it.unknown(f"f-string !{conversion} of a value that is not plain data", part)
        spec = ""
        if part.format_spec:
            spec_v = _fstring(it, cst.FormattedString(parts=part.format_spec), env)
            if isinstance(spec_v, Unknown):
                return spec_v
            spec = spec_v
        s = format_value(v, spec)
        if s is None:
            return it.unknown("f-string of a value that is not plain data", part)
        out.append(s)
        if sum(map(len, out)) > it.limits.max_string:
            raise LimitExceeded("string exceeds the string limit")
    return "".join(out)


def _self_documenting(part: cst.FormattedStringExpression) -> str:
    """The ``n = `` that ``f"{n = }"`` prints: the source text up to and including ``=``."""
    code = cst.Module([]).code_for_node
    assert part.equal is not None
    return (code(part.whitespace_before_expression) + code(part.expression) + code(part.whitespace_after_expression)
            + code(part.equal.whitespace_before) + "=" + code(part.equal.whitespace_after))


@handles(cst.Ellipsis)
def _ellipsis(it: Any, node: cst.Ellipsis, env: Any) -> Any:
    return ...


def mangled(name: str, env: Any) -> str:
    """``self.__x`` inside class ``A`` is ``self._A__x`` (Python's private-name mangling): the
    class is the one whose body lexically holds the code (the method's owner)."""
    if name[:2] != "__" or name[-2:] == "__":
        return name
    e = env
    while e is not None:
        owner = e.vars.get("__paramlint_owner__")
        if owner is not None:
            stem = owner.name.lstrip("_")
            return f"_{stem}{name}" if stem else name
        if e.is_class:  # a class body's own statements
            stem = str(e.vars.get("__name__", "")).lstrip("_")
            return f"_{stem}{name}" if stem else name
        e = e.parent
    return name


@handles(cst.Attribute)
def _attribute(it: Any, node: cst.Attribute, env: Any) -> Any:
    obj = it.eval(node.value, env)
    attr = node.attr.value
    v = it.get_attr(obj, attr if attr[:2] != "__" else mangled(attr, env), node)
    if it.try_depth and type(v) is Unknown and v.reason.startswith("no attribute"):
        from paramlint.evaluate.attributes import certain_miss
        from paramlint.evaluate.interpreter import Raised

        if certain_miss(obj, attr):  # an ``except AttributeError`` may be waiting
            raise Raised(v, "AttributeError")
        return it.unknown(f"attribute {attr!r} is not modelled", node)
    return v


@handles(cst.Call)
def _call(it: Any, node: cst.Call, env: Any) -> Any:
    fn = it.eval(node.func, env)
    if type(node.func) is cst.Name and node.func.value == "super" and not node.args:
        return it.fw.make_super(it, env, node)
    try:
        args, kwargs = it.eval_args(node, env)
    except UnknownArgs as e:
        if isinstance(fn, (Class, External, Function)):
            return it.fw.unknown_call(it, fn, e.unknown, node)
        return e.unknown
    if type(fn) is Unknown:
        name = node.func.attr.value if type(node.func) is cst.Attribute else ""
        if it.fw.may_change_receiver(name):
            # ``obj.m(...)`` with ``m`` unknown (``m._parameters.pop("bias")``, ``d.move_to_end(k)``)
            # may change ``obj`` and what it is given (``list.append(xs, x)``): unknown afterwards
            if type(node.func) is cst.Attribute and not (fn.kind == it.fw.FRESH and type(node.func.value) in (cst.Call, cst.Subscript)):
                it.havoc([cst.Del(cast(Any, node.func.value))], env, fn)
                if fn.aliases:  # ``y.append(3)`` where ``y`` may be ``x``
                    it.fw.may_mutate(it, [fn], fn)
            it.fw.may_mutate(it, [*args, *kwargs.values()], fn)
    r = it.call(fn, args, kwargs, node)
    if type(r) is Unknown and type(fn) is Unknown and fn.kind == it.fw.FRESH and r.kind is None \
            and it.fw.plain(args) and it.fw.plain(kwargs.values()):
        r.kind = it.fw.FRESH  # (``np.eye(k).flatten()``: a method of such a value given plain values)
    if type(r) is Unknown and type(fn) is not Builtin:
        if it.flax_frames:
            lazy.flax_runtime.unknown_call(it, r)
        if it.trace is not None and it.trace_gap is None:
            it.trace_gap = r  # a forward-pass call not followed: what it cost is not in the totals
    return r


@handles(cst.BinaryOperation)
def _binop(it: Any, node: cst.BinaryOperation, env: Any) -> Any:
    a = it.eval(node.left, env)
    b = it.eval(node.right, env)
    return binary(it, type(node.operator).__name__, a, b, node)


#: Operators on two small ints that need no check but a zero divisor (the loops of real
#: code are index and width arithmetic: ``binary``'s fast path).
_INT_OPS: Dict[str, Callable[[Any, Any], Any]] = {
    op: operators.BINARY[op] for op in ("Add", "Subtract", "Multiply", "FloorDivide", "Modulo")}


def _known_arrays(a: Any, b: Any) -> bool:
    return all(isinstance(v, Tensor) and v.framework == "flax" and None not in v.shape or type(v) in (int, float)
               for v in (a, b))


def binary(it: Any, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
    if type(a) is int and type(b) is int:
        f = _INT_OPS.get(op)
        small = it.small_int
        if f is not None and -small < a < small and -small < b < small and (b or op in ("Add", "Subtract", "Multiply")):
            return f(a, b)
    if isinstance(a, Unknown):
        return a
    if isinstance(b, Unknown):
        return b
    if isinstance(a, Array) and isinstance(b, (Tensor, Param)) or isinstance(b, Array) and isinstance(a, (Tensor, Param)):
        # a traced tensor and known values (``x * (1 / np.sqrt(d))``): only the shape matters
        t = b if isinstance(a, Array) else a
        fw = t.framework if isinstance(t, Tensor) else "torch"
        if isinstance(a, Array):
            a = Tensor(() if a.scalar else (len(a.vals),), fw)
        elif isinstance(b, Array):
            b = Tensor(() if b.scalar else (len(b.vals),), fw)
    if isinstance(a, Array) or isinstance(b, Array):
        return arrays.binary(it, op, a, b, node)
    if isinstance(a, (Tensor, Param)) or isinstance(b, (Tensor, Param)):
        r = it.fw.tensor_binary(it, op, a, b, node)
        if type(r) is Unknown and it.flax_frames and _known_arrays(a, b):
            # (jax raises on arrays that do not broadcast or multiply, and flax's init is this
            # forward pass: the module is not built, whether or not the result is used)
            lazy.flax_runtime.unknown_call(it, r)
        return r
    if op == "BitOr" and is_type_like(a) and is_type_like(b) and (a is not None or b is not None):
        return TypeUnion((*(a.members if isinstance(a, TypeUnion) else (a,)), *(b.members if isinstance(b, TypeUnion) else (b,))))
    if isinstance(a, Instance) or isinstance(b, Instance):
        return _instance_binary(it, op, a, b, node)
    if isinstance(a, (Layer, Class, External)) or isinstance(b, (Layer, Class, External)):
        return it.fw.object_binary(it, op, a, b, node)
    try:
        r = operators.binary(op, a, b, it.limits)
        if type(r) in _SEQUENCES and len(r) >= 1024:
            it.charge(len(r))  # (``[0] * n``, ``a + b``: a new sequence of that many items)
        return r
    except LimitExceeded:
        raise
    except (ZeroDivisionError, OverflowError) as e:  # as Python: an exception a ``try`` may catch
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises {type(e).__name__}: {e}", node), type(e).__name__)
    except TypeError as e:
        if a is None or b is None:  # (``name + "_input"`` with name=None: Python raises, the build ends)
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises TypeError: {e}", node), "TypeError")
        return it.unknown(f"{op}: {e}", node)
    except Exception as e:
        return it.unknown(f"{op}: {e}", node)


@handles(cst.UnaryOperation)
def _unary(it: Any, node: cst.UnaryOperation, env: Any) -> Any:
    v = it.eval(node.expression, env)
    op = type(node.operator).__name__
    if op == "Not":
        t = it.truth(v, node)
        return t.as_bool() if isinstance(t, Unknown) else not t
    if isinstance(v, Unknown):
        return v
    if isinstance(v, (Tensor, Param)):
        return lazy.tensors.keras_op(Tensor(v.shape), v, it=it, op=op)
    if isinstance(v, Array) and op in ("Minus", "Plus"):
        u = arrays.poisoned(it, v)
        if u is not None:
            return u
        return arrays.unary_minus(v) if op == "Minus" else v
    if isinstance(v, (int, float)):
        if op == "Minus":
            return -v
        if op == "Plus":
            return +v
        if op == "BitInvert" and isinstance(v, int):
            return ~v
    return it.unknown(f"unary {op} on {type(v).__name__}", node)


@handles(cst.BooleanOperation)
def _boolop(it: Any, node: cst.BooleanOperation, env: Any) -> Any:
    a = it.eval(node.left, env)
    t = it.truth(a, node)
    if isinstance(t, Unknown):
        _maybe_ran(it, node.right, env, t)  # ``u and xs.append(1)``: the right side may run
        # its value is ``a`` or the right side's: a flag only if both are (``u and nn.Linear(4, 4)``
        # may be a module)
        v = _either(t, _is_flag(a), node.right)
        aliases = alias_targets(a, _read_only(it, node.right, env))
        if aliases:  # ``y = u and x``: a change through ``y`` may be one to ``x``
            v.aliases = tuple(aliases)
        return v
    is_and = type(node.operator) is cst.And
    if (is_and and not t) or (not is_and and t):
        return a
    return it.eval(node.right, env)


@handles(cst.Comparison)
def _comparison(it: Any, node: cst.Comparison, env: Any) -> Any:
    # ``a < b < c`` is ``a < b and b < c``: the value of the last comparison evaluated (a
    # user's ``__lt__`` may return anything), stopping at the first false one.
    left = it.eval(node.left, env)
    last = len(node.comparisons) - 1
    r: Any = True
    for i, target in enumerate(node.comparisons):
        right = it.eval(target.comparator, env)
        r = compare(it, type(target.operator).__name__, left, right, node)
        if isinstance(r, Unknown):
            return r.as_bool() if type(left) is not Instance and type(right) is not Instance else r
        if i == last:
            return r
        t = r if type(r) is bool else it.truth(r, node)
        if isinstance(t, Unknown) or not t:
            return t if isinstance(t, Unknown) else r
        left = right
    return r


#: Plain data an external name may hold as a constant (not None: a class or function is not
#: None, and ``x == None`` on one is False).
_DATA = (int, float, complex, str, bytes, tuple, list, dict, set, frozenset)


_SEQUENCES = (list, tuple, str, bytes)
_CONTAINERS = frozenset((list, tuple, str, bytes, dict, set, frozenset))


def compare(it: Any, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
    ta = type(a)
    if (ta is int or ta is str) and type(b) is ta:  # (two ints or two strs: no other check applies)
        f = operators.COMPARE.get(op)
        if f is not None:
            if ta is str and len(a) >= 1024:
                it.charge(len(a))
            return f(a, b)
    for x in (a, b):  # (``x in big``, ``big == other``: work on every element)
        if type(x) in _CONTAINERS and len(x) >= 1024:
            it.charge(len(x))
    if op in ("Is", "IsNot"):
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            # `x is None` on an Unknown is still unknown; identity of known values is exact.
            return a if isinstance(a, Unknown) else b
        if type(a) is ObjectId or type(b) is ObjectId:  # (two id() calls make two int objects)
            return it.unknown("identity of id() results", node).as_bool()
        same = a is b or (isinstance(a, External) and a == b) or (
            type(a) is type(b) and isinstance(a, (bool, type(None))) and a == b
        )
        return same if op == "Is" else not same
    from paramlint.evaluate.enums import plain_value

    a, b = plain_value(a), plain_value(b)
    for x in (a, b):
        u = it.poison_of(x)
        if u is not None:
            return u
    if op in ("In", "NotIn"):
        if type(b) is dict and (type(a) is str or type(a) is int or type(a) is tuple and _plain_key(a)) and it.poison_of(b) is None:
            return (a in b) is (op == "In")  # (a key whose equality is known, as below)
        if isinstance(b, Unknown):
            return b
        if isinstance(a, Unknown) and not isinstance(b, (str, dict)):
            return a
        r = it.fw.contains(it, b, a, node)
        if isinstance(r, Unknown):
            return r
        return r if op == "In" else not r
    if isinstance(a, Unknown):
        return a
    if isinstance(b, Unknown):
        return b
    if isinstance(a, Array) or isinstance(b, Array):
        if op in ("Equal", "NotEqual", "LessThan", "GreaterThan", "LessThanEqual", "GreaterThanEqual"):
            return arrays.compare(it, op, a, b, node)
    if op in ("Equal", "NotEqual") and (isinstance(a, Instance) or isinstance(b, Instance)):
        return _instance_equal(it, op, a, b, node)
    if op in _REFLECTED_ORDER_OPS and (isinstance(a, Instance) or isinstance(b, Instance)):
        return _instance_binary(it, op, a, b, node)
    if isinstance(a, (Tensor, Param)) or isinstance(b, (Tensor, Param)):
        return _tensor_compare(it, op, a, b, node)
    if op in ("Equal", "NotEqual") and (type(a) is External and isinstance(b, _DATA) or type(b) is External and isinstance(a, _DATA)):
        # a library's attribute may be a constant (``sys.platform == "linux"``, ``os.sep``)
        ext: Any = a if type(a) is External else b
        return it.unknown(f"value of {ext.qualname}", node).as_bool()
    if op in ("Equal", "NotEqual") and not isinstance(a, (int, float, complex, str, bytes, bool, tuple, list, dict, type(None), set, frozenset, range, *protocols.VIEWS)):
        same = a is b or (isinstance(a, External) and a == b)
        return same if op == "Equal" else not same
    if isinstance(a, (Tensor, Param)) or isinstance(b, (Tensor, Param)):
        return it.unknown("comparison of tensors", node)
    try:
        if _has_unknown(a, it) or _has_unknown(b, it):
            return it.unknown("comparison of values that are partly unknown", node)
        return operators.compare(op, a, b)
    except Exception as e:
        return it.unknown(f"comparison {op}: {e}", node)


def _tensor_compare(it: Any, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
    """``x > 0``, ``mask == 0``, ``a < b`` on torch tensors: an elementwise bool tensor of the
    broadcast shape (its truth, in an ``if``, stays unknown)."""
    from paramlint.catalog.shapes import broadcast
    from paramlint.catalog.spec import ArgError

    shapes = []
    fws = set()
    for v in (a, b):
        if isinstance(v, (Tensor, Param)):
            if type(v) is not Tensor:
                return it.unknown("comparison of tensors", node)
            fws.add(v.framework)
            shapes.append(v.shape)
        elif type(v) not in (int, float, bool):
            return it.unknown("comparison of a tensor with a value that is not a number", node)
    if len(fws) != 1 or "keras" in fws and op == "Equal":
        # (a KerasTensor has no ``__eq__``: identity on the graph, elementwise inside a call())
        return it.unknown("comparison of tensors", node)
    try:
        out = broadcast(shapes[0], shapes[1]) if len(shapes) == 2 else shapes[0]
    except ArgError as e:
        return it.unknown(f"comparison of tensors: {e.message}", node)
    fw = fws.pop()
    if fw == "keras":  # (``i >= j``: ops.greater_equal, an operation of the graph)
        return lazy.tensors.keras_op(Tensor(tuple(out)), a, b, it=it, op=op)
    return Tensor(tuple(out), fw)


_DUNDER_OPS = {
    "Add": "add", "Subtract": "sub", "Multiply": "mul", "Divide": "truediv", "FloorDivide": "floordiv",
    "Modulo": "mod", "Power": "pow", "MatrixMultiply": "matmul", "BitOr": "or", "BitAnd": "and",
    "BitXor": "xor", "LeftShift": "lshift", "RightShift": "rshift",
    "LessThan": "lt", "GreaterThan": "gt", "LessThanEqual": "le", "GreaterThanEqual": "ge",
}
_REFLECTED_ORDER = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}
_REFLECTED_ORDER_OPS = ("LessThan", "GreaterThan", "LessThanEqual", "GreaterThanEqual")


def _not_implemented(r: Any) -> bool:
    return isinstance(r, External) and r.qualname == "builtins.NotImplemented"


def _instance_binary(it: Any, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
    """``a <op> b`` with a user-class instance: ``a.__op__(b)``, then ``b.__rop__(a)`` (for
    comparisons, the mirrored one), skipping a ``NotImplemented`` answer, as Python does."""
    from paramlint.evaluate.protocols import _NO_DUNDER, dunder

    name = _DUNDER_OPS.get(op)
    if name is None:
        return it.unknown(f"operator {op} on a user-class instance is not modelled", node)
    reflected = _REFLECTED_ORDER.get(name, "r" + name)
    order = [(a, b, name), (b, a, reflected)]
    if isinstance(a, Instance) and isinstance(b, Instance) and b.cls is not a.cls and a.cls in b.cls.mro():
        # a subclass on the right that overrides the reflected method is asked first
        mine = it.fw.class_lookup(b.cls, f"__{reflected}__")  # (both classes are in use: materialized)
        if mine is not it.fw.class_lookup(a.cls, f"__{reflected}__"):
            order.reverse()
    for x, y, meth in order:
        if isinstance(x, Instance):
            r = dunder(it, x, f"__{meth}__", [y], node)
            if r is _NO_DUNDER or _not_implemented(r):
                continue
            return r
    return it.unknown(f"{op}: unsupported operand types ({type(a).__name__}, {type(b).__name__})", node)


def _instance_equal(it: Any, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
    """``a == b`` / ``a != b`` with a user-class instance: its ``__eq__``/``__ne__`` (the left
    operand's, then the reflected one), a record's generated ``__eq__`` (not modelled), or
    identity (``object``'s)."""
    from paramlint.evaluate.protocols import _NO_DUNDER, dunder

    want = "__eq__" if op == "Equal" else "__ne__"
    for x, y in ((a, b), (b, a)):
        if not isinstance(x, Instance):
            continue
        r = dunder(it, x, want, [y], node)
        if r is _NO_DUNDER and op == "NotEqual":
            r = dunder(it, x, "__eq__", [y], node)
            if r is not _NO_DUNDER and not isinstance(r, Unknown) and not _not_implemented(r):
                t = it.truth(r, node)
                return t if isinstance(t, Unknown) else not t
        if r is not _NO_DUNDER:
            if _not_implemented(r):
                continue
            return r
        if {"dataclass", "namedtuple"} & x.cls.flags and a is not b:
            return it.unknown(f"equality of {x.cls.name} records is not modelled", node)
        from paramlint.evaluate.attributes import bare_mro

        if a is not b and not bare_mro(x.cls):  # a base from outside (Mapping, dict, str) brings its own __eq__
            return it.unknown(f"equality of {x.cls.name} instances is not modelled", node)
    same = a is b
    return same if op == "Equal" else not same


def _has_unknown(v: Any, it: Any = None) -> bool:
    """An Unknown inside ``v``, or a nested container whose contents became unknown."""
    if isinstance(v, (list, dict)) and it is not None and it.poison_of(v) is not None:
        return True
    if isinstance(v, (list, tuple, set, frozenset)):
        return any(isinstance(x, Unknown) or _has_unknown(x, it) for x in v if isinstance(x, (Unknown, list, tuple, dict)))
    if isinstance(v, dict):
        return any(isinstance(x, Unknown) or _has_unknown(x, it) for x in (*v.keys(), *v.values()) if isinstance(x, (Unknown, list, tuple, dict)))
    return False


@handles(cst.IfExp)
def _ifexp(it: Any, node: cst.IfExp, env: Any) -> Any:
    t = it.truth(it.eval(node.test, env), node.test)
    if isinstance(t, Unknown):
        _maybe_ran(it, node.body, env, t)  # ``xs.append(3) if flag else None``: either side may run
        _maybe_ran(it, node.orelse, env, t)
        v = _either(t, _flag_syntax(node.body), node.orelse)
        aliases = alias_targets(_read_only(it, node.body, env), _read_only(it, node.orelse, env))
        if aliases:  # ``y = x if flag else []``: a change through ``y`` may be one to ``x``
            v.aliases = tuple(aliases)
        return v
    return it.eval(node.body if t else node.orelse, env)


#: Objects a change through an alias may reach.
_MUTABLE = (Layer, Instance, list, dict, set)


def alias_targets(*values: Any) -> List[Any]:
    """The mutable objects ``values`` may be: themselves, or what an Unknown among them may be
    (``c = b if u else [4]`` with ``b`` itself one of two)."""
    out: List[Any] = []
    for v in values:
        if isinstance(v, _MUTABLE):
            out.append(v)
        elif type(v) is Unknown and v.aliases:
            out.extend(v.aliases)
    return out


def _is_flag(v: Any) -> bool:
    return type(v) is bool or isinstance(v, Unknown) and v.kind == "bool"


def _either(t: Unknown, first_is_flag: bool, other: cst.BaseExpression) -> Unknown:
    """The value of a conditional or ``and``/``or`` whose condition is unknown: one of two
    values. Known to be a bool (a flag, not a module) only when both are; never the
    condition's own bool-kind Unknown (``nn.Linear(4, 4) if u else nn.Identity()`` is a
    module, which a flag assigned to a module attribute is not)."""
    # (a new Unknown each time: the caller may record what it may alias on it)
    return Unknown(t.reason, t._location, t._where, "bool" if first_is_flag and _flag_syntax(other) else None)


def _flag_syntax(e: cst.BaseExpression) -> bool:
    """An expression whose value is a bool whatever it meets: a comparison, ``not``, a bool
    literal, or ``and``/``or``/conditional of those."""
    t = type(e)
    if t is cst.Comparison or t is cst.UnaryOperation and type(e.operator) is cst.Not:  # type: ignore[attr-defined]
        return True
    if t is cst.Name:
        return e.value in ("True", "False")  # type: ignore[attr-defined]
    if t is cst.BooleanOperation:
        return _flag_syntax(e.left) and _flag_syntax(e.right)  # type: ignore[attr-defined]
    if t is cst.IfExp:
        return _flag_syntax(e.body) and _flag_syntax(e.orelse)  # type: ignore[attr-defined]
    return False


def _read_only(it: Any, expr: cst.BaseExpression, env: Any) -> Any:
    """The object an expression names, found without running anything (a name, an instance's
    or module's stored attribute, a constant index into a container); None otherwise."""
    from paramlint.evaluate.interpreter import _MISSING, _peek

    t = type(expr)
    if t is cst.Name:
        v = _peek(expr.value, env)  # type: ignore[attr-defined]
        return None if v is _MISSING else v
    if t is cst.Attribute:
        base = _read_only(it, expr.value, env)  # type: ignore[attr-defined]
        name = expr.attr.value  # type: ignore[attr-defined]
        if isinstance(base, Instance):
            return base.attrs.get(name)
        if isinstance(base, Layer):
            return base.children.get(name, base.attrs.get(name))
        return None
    if t is cst.Subscript and len(expr.slice) == 1 and type(expr.slice[0].slice) is cst.Index:  # type: ignore[attr-defined]
        base = _read_only(it, expr.value, env)  # type: ignore[attr-defined]
        key = expr.slice[0].slice.value  # type: ignore[attr-defined]
        try:
            k = key.evaluated_value if type(key) in (cst.Integer, cst.SimpleString) else None  # type: ignore[attr-defined]
            if isinstance(base, (list, tuple)) and isinstance(k, int):
                return base[k]
            if isinstance(base, dict) and k is not None:
                return base.get(k)
        except (IndexError, TypeError, ValueError, SyntaxError):
            return None
    return None


def _maybe_ran(it: Any, expr: cst.BaseExpression, env: Any, why: Unknown) -> None:
    """An expression that may or may not be evaluated: what its calls could change (their
    receivers, their arguments, what a called project function changes) becomes unknown."""
    from paramlint.evaluate.havoc import calls_in

    calls = calls_in(expr)
    if calls:
        it.havoc([cst.Expr(c) for c in calls], env, why)


def _elements(it: Any, elements: Any, env: Any) -> Any:
    out: List[Any] = []
    for el in elements:
        v = it.eval(el.value, env)
        if type(el) is cst.StarredElement:
            seq = it.fw.iterate(it, v, el.value)
            if isinstance(seq, Unknown):
                return seq
            out.extend(seq)
        else:
            out.append(v)
        if len(out) > it.limits.max_collection:
            raise LimitExceeded("collection exceeds the collection limit")
    return out


@handles(cst.Tuple)
def _tuple(it: Any, node: cst.Tuple, env: Any) -> Any:
    v = _elements(it, node.elements, env)
    return v if isinstance(v, Unknown) else tuple(v)


@handles(cst.List)
def _list(it: Any, node: cst.List, env: Any) -> Any:
    return _elements(it, node.elements, env)


@handles(cst.Set)
def _set(it: Any, node: cst.Set, env: Any) -> Any:
    v = _elements(it, node.elements, env)
    if isinstance(v, Unknown):
        return v
    u = protocols.untrusted_in(it, v)
    if u is not None:
        return u
    try:
        return set(v)
    except TypeError:
        return it.unknown("set of unhashable values", node)


@handles(cst.Dict)
def _dict(it: Any, node: cst.Dict, env: Any) -> Any:
    out: Dict[Any, Any] = {}
    for el in node.elements:
        if isinstance(el, cst.StarredDictElement):
            v = it.eval(el.value, env)
            if isinstance(v, Unknown):
                return v
            if not isinstance(v, dict):
                return it.unknown("**-unpacking of a non-dict", el)
            u = it.poison_of(v)  # its keys may have changed: so may the copy's
            if u is not None:
                return u
            out.update(v)
        else:
            k = it.eval(cast(cst.DictElement, el).key, env)
            why = protocols.untrusted(it, k)
            k = k if why is None else why
            if isinstance(k, Unknown):
                return k
            try:
                out[k] = it.eval(el.value, env)
            except TypeError:
                return it.unknown("unhashable dict key", el)
        if len(out) > it.limits.max_collection:
            raise LimitExceeded("collection exceeds the collection limit")
    return out


@handles(cst.Subscript)
def _subscript(it: Any, node: cst.Subscript, env: Any) -> Any:
    obj = it.eval(node.value, env)
    if type(obj) is Tensor and obj.framework == "keras" and any(type(s.slice) is cst.Slice for s in node.slice):
        return _keras_slice(it, obj, node, env)
    if len(node.slice) == 1:
        index = _slice_value(it, node.slice[0].slice, env)
    else:
        index = tuple(_slice_value(it, s.slice, env) for s in node.slice)
    t = type(obj)
    ti = type(index)
    if (t is list or t is tuple) and ti is int or t is dict and (ti is str or ti is int or ti is tuple and _plain_key(index)):
        # the common case first (an index in range, a key present); the rest as below
        if it.poison_of(obj) is None:
            if t is dict:
                v = obj.get(index, _ABSENT)
                if v is not _ABSENT:
                    return v
            elif -len(obj) <= index < len(obj):
                return obj[index]
    return it.fw.subscript(it, obj, index, node)


_ABSENT = object()


def _keras_slice(it: Any, obj: Tensor, node: cst.Subscript, env: Any) -> Any:
    """A Keras tensor sliced by a bound that is a dynamic dimension (``x[:, ops.shape(y)[1]:]``:
    None here, a size at run time): that axis's size is not known (None), not the whole axis
    that a None bound means in Python."""
    index = []
    dynamic = []
    for i, s in enumerate(node.slice):
        sl = s.slice
        index.append(_slice_value(it, sl, env))
        if type(sl) is cst.Slice:
            for expr, v in zip((sl.lower, sl.upper, sl.step), (index[-1].start, index[-1].stop, index[-1].step)
                               if isinstance(index[-1], slice) else (None, None, None)):
                if expr is not None and v is None and not (type(expr) is cst.Name and expr.value == "None"):
                    dynamic.append(i)
    r = it.fw.subscript(it, obj, index[0] if len(index) == 1 else tuple(index), node)
    if not dynamic or not isinstance(r, Tensor):
        return r
    if any(type(node.slice[j].slice) is not cst.Slice for j in range(max(dynamic))):
        return it.unknown("a Keras tensor sliced by a dynamic size after an index or an ellipsis", node)
    shape = list(r.shape)
    for i in dynamic:
        if i < len(shape):
            shape[i] = None
    return Tensor(tuple(shape), "keras", r.producer, r.inputs)


def _plain_key(t: tuple) -> bool:
    for x in t:
        if type(x) is not int and type(x) is not str:
            return False
    return True


def _slice_value(it: Any, s: Any, env: Any) -> Any:
    if type(s) is cst.Index:
        v = it.eval(s.value, env)
        if s.star is not None:
            return it.unknown("starred subscripts are not modelled", s)
        return v
    parts = [None if p is None else it.eval(p, env) for p in (s.lower, s.upper, s.step)]
    for p in parts:
        if isinstance(p, Unknown):
            return p
    return slice(*parts)


@handles(cst.Lambda)
def _lambda(it: Any, node: cst.Lambda, env: Any) -> Any:
    defaults = it.fw.eval_defaults(it, node.params, env)
    closure = env.parent if env.is_class else env
    return Function("<lambda>", node, closure, env.module, defaults)


@handles(cst.NamedExpr)
def _walrus(it: Any, node: cst.NamedExpr, env: Any) -> Any:
    v = it.eval(node.value, env)
    from paramlint.evaluate.statements import assign_target

    while _COMPREHENSION in env.vars and env.parent is not None:  # binds in the enclosing scope (PEP 572)
        env = env.parent
    assign_target(it, node.target, v, env)
    return v


#: A key in a comprehension's own scope (not a valid identifier: never a user name).
_COMPREHENSION = "<comprehension>"


@handles(cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
def _comprehension(it: Any, node: Any, env: Any) -> Any:
    from paramlint.evaluate.interpreter import Env

    # The outermost iterable is evaluated (and iter() called on it) where the comprehension
    # stands, the rest in its own scope, each time an item is asked for.
    first = iterators.stream(it, it.eval(node.for_in.iter, env), node.for_in.iter)
    if isinstance(first, Unknown):
        return first
    scope = Env({_COMPREHENSION: True}, env, env.module)
    produced = _produce(it, node, scope, first)
    if type(node) is cst.GeneratorExp:  # lazy: evaluated as its consumer pulls
        return iterators.lazy(it, produced)
    out: List[Any] = []
    try:
        for v in produced:
            out.append(v)
            if len(out) > it.limits.max_collection:
                raise LimitExceeded("collection exceeds the collection limit")
    except iterators.IterationUnknown as e:
        _maybe_ran(it, node, scope, e.unknown)  # the items not produced may have had effects
        return e.unknown
    if type(node) is cst.DictComp:
        try:
            return dict(out)
        except TypeError:
            return it.unknown("unhashable dict key", node)
    if type(node) is cst.SetComp:
        u = protocols.untrusted_in(it, out)
        if u is not None:
            return u
        try:
            return set(out)
        except TypeError:
            return it.unknown("set of unhashable values", node)
    return out


def _produce(it: Any, node: Any, scope: Any, first: Any) -> Any:
    """The comprehension's values (``(key, value)`` pairs for a dict), one at a time."""
    from paramlint.evaluate.statements import assign_target

    is_dict = type(node) is cst.DictComp
    count = 0

    def run(fornode: Any, seq: Any) -> Any:
        nonlocal count
        for item in seq:
            count += 1
            if count > it.limits.max_loop:
                raise loop_limit(it.limits)
            assign_target(it, fornode.target, item, scope)
            ok = True
            for cond in fornode.ifs:
                t = it.truth(it.eval(cond.test, scope), cond.test)
                if isinstance(t, Unknown):
                    raise iterators.IterationUnknown(t)
                if not t:
                    ok = False
                    break
            if not ok:
                continue
            inner = fornode.inner_for_in
            if inner is not None:
                seq2 = iterators.stream(it, it.eval(inner.iter, scope), inner.iter)
                if isinstance(seq2, Unknown):
                    raise iterators.IterationUnknown(seq2)
                yield from run(inner, seq2)
            elif is_dict:
                k = it.eval(node.key, scope)
                why = protocols.untrusted(it, k)
                k = k if why is None else why
                if isinstance(k, Unknown):
                    raise iterators.IterationUnknown(k)
                yield (k, it.eval(node.value, scope))
            else:
                yield it.eval(node.elt, scope)

    return run(node.for_in, first)


@handles(cst.Yield)
def _yield(it: Any, node: cst.Yield, env: Any) -> Any:
    from paramlint.evaluate.interpreter import YIELDS

    e = env
    while e is not None and YIELDS not in e.vars:
        e = e.parent
    if e is None:
        return it.unknown("yield outside a generator call", node)
    out = e.vars[YIELDS]
    if node.value is None:
        out.append(None)
    elif type(node.value) is cst.From:
        seq = it.fw.iterate(it, it.eval(node.value.item, env), node.value.item)
        if isinstance(seq, Unknown):
            from paramlint.evaluate.interpreter import NOT_AN_EXCEPTION, Raised

            raise Raised(seq, NOT_AN_EXCEPTION)  # what it yields is unknown: so is the generator
        out.extend(seq)
    else:
        out.append(it.eval(node.value, env))
    if len(out) > it.limits.max_collection:
        raise LimitExceeded("collection exceeds the collection limit")
    return None  # the value a plain ``for`` loop sends in


@handles(cst.Await)
def _unsupported(it: Any, node: Any, env: Any) -> Any:
    return it.unknown(f"{type(node).__name__} is not modelled", node)
