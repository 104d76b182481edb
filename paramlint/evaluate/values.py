"""Runtime values of the evaluator.

Python data (int, float, str, bool, None, tuple, list, dict, set, range, slice) is represented
by itself; everything else by the small classes here. ``Unknown`` is a poison value: any
operation on it yields it again, carrying the first reason and location.
"""

from __future__ import annotations

import collections

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from paramlint.evaluate.limits import LimitExceeded
from paramlint.types import Location, Shape

if TYPE_CHECKING:
    import libcst as cst

    from paramlint.catalog.spec import LayerSpec
    from paramlint.evaluate.project import ModuleNS


_OD: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()
#: ``dict.keys()``/``values()``/``items()`` (of an OrderedDict too): Python's own live views.
DICT_VIEWS: Tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()),
                                type(_OD.keys()), type(_OD.values()), type(_OD.items()))


class Unknown:
    """A value paramlint cannot know, with the first reason and where it arose."""

    __slots__ = ("reason", "_location", "_where", "kind", "aliases")

    def __init__(self, reason: str, location: Optional[Location] = None, where: Any = None, kind: Optional[str] = None) -> None:
        self.reason = reason
        self._location = location
        #: (SourceFile, node): the location, computed only if someone asks (most Unknowns
        #: are probes, e.g. ``hasattr``, and computing positions costs a code generation pass).
        self._where = where
        #: What is known of it: "bool" for the result of a test (it is not a module or a tensor).
        self.kind = kind
        #: Mutable objects it may be (``y = x if flag else []``): a change made through it may
        #: have changed them.
        self.aliases: Tuple[Any, ...] = ()

    def because(self, reason: str) -> "Unknown":
        """Another unknown at the same place (its position still computed only if asked)."""
        return Unknown(reason, self._location, self._where)

    def as_bool(self) -> "Unknown":
        """The same unknown, known to be a bool (the result of a comparison or a test)."""
        if self.kind == "bool":
            return self
        return Unknown(self.reason, self._location, self._where, "bool")

    @property
    def location(self) -> Optional[Location]:
        w = self._where
        if w is not None:
            self._where = None
            self._location = w[0].location(w[1])
        return self._location

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r} at {self.location})"

    def __bool__(self) -> bool:  # guard: never silently used as a truth value
        raise TypeError("Unknown has no truth value")


class UnknownArgs(Exception):
    """``*args``/``**kwargs`` of a call could not be known: the call's value is Unknown."""

    def __init__(self, u: Unknown) -> None:
        self.unknown = u


class External:
    """A name from outside the project (``torch.nn.Conv2d``, ``math.ceil``): a qualified name."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return f"External({self.qualname})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, External) and other.qualname == self.qualname

    def __hash__(self) -> int:
        return hash(("External", self.qualname))


class Function:
    """A user function or lambda with its closure environment and evaluated defaults."""

    __slots__ = ("name", "node", "closure", "module", "defaults", "kind", "decorated_unknown", "owner", "attrs")

    def __init__(
        self,
        name: str,
        node: "cst.FunctionDef | cst.Lambda",
        closure: Any,
        module: "ModuleNS",
        defaults: Dict[str, Any],
    ) -> None:
        self.name = name
        self.node = node
        self.closure = closure
        self.module = module
        self.defaults = defaults
        #: "function" | "staticmethod" | "classmethod" | "property"
        self.kind = "function"
        self.decorated_unknown: Optional[Unknown] = None
        self.owner: Optional[Class] = None
        #: Function attributes (``__wrapped__``, ``__name__`` set by ``functools.wraps``...).
        self.attrs: Dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Function({self.name})"


class BoundMethod:
    __slots__ = ("func", "receiver")

    def __init__(self, func: Any, receiver: Any) -> None:
        self.func = func
        self.receiver = receiver


class Builtin:
    """A callable implemented by paramlint: ``fn(interp, args, kwargs, node) -> value``."""

    __slots__ = ("name", "fn", "record")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn
        #: For the ``__init__`` that ``dataclass()`` generates: its class (``inspect.signature``).
        self.record: Optional["Class"] = None

    def __repr__(self) -> str:
        return f"Builtin({self.name})"


class Partial:
    """``functools.partial(func, *args, **kwargs)``."""

    __slots__ = ("func", "args", "kwargs")

    def __init__(self, func: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs


class Class:
    """A user class. Its body is evaluated lazily, on first use, like an import."""

    __slots__ = (
        "name", "node", "module", "env", "bases", "_ns", "framework", "spec", "flags",
        "fields", "kw_fields", "uncertain", "_mro", "seen",
    )

    def __init__(self, name: str, node: Any, module: "ModuleNS", env: Any, bases: Tuple[Any, ...]) -> None:
        self.name = name
        self.node = node
        self.module = module
        self.env = env
        self.bases = bases
        self._ns: Optional[Dict[str, Any]] = None
        #: Framework of the nearest framework base ("torch", "keras", "flax") or None.
        self.framework: Optional[str] = None
        #: Nearest catalog spec among the bases (``Module``, ``Sequential``, ``Linear``...).
        self.spec: Optional["LayerSpec"] = None
        #: "dataclass", "namedtuple", "enum", "exception"
        self.flags: set[str] = set()
        #: Dataclass / NamedTuple fields in order: (name, default or a _NoDefault marker).
        self.fields: List[Tuple[str, Any]] = []
        #: The names among ``fields`` that are keyword-only in the generated ``__init__``.
        self.kw_fields: set[str] = set()
        self.uncertain: Optional[Unknown] = None
        self._mro: Optional[List[Any]] = None
        #: What the names its body reads were bound to at the class statement (the body runs
        #: later, at first use: a name rebound in between would give other values).
        self.seen: Optional[Dict[str, Any]] = None

    def __repr__(self) -> str:
        return f"Class({self.name})"

    def mro(self) -> List[Any]:
        """Linearized bases (C3 for the usual cases; depth-first for anything odd). Bases
        never change after the class statement, so it is computed once."""
        if self._mro is None:
            self._mro = self._linearize()
        return list(self._mro)

    def _linearize(self) -> List[Any]:
        seqs = [[self]]
        for b in self.bases:
            seqs.append(b.mro() if isinstance(b, Class) else [b])
        seqs.append(list(self.bases))
        out: List[Any] = []
        while True:
            seqs = [s for s in seqs if s]
            if not seqs:
                return out
            for s in seqs:
                head = s[0]
                if not any(head in t[1:] for t in seqs):
                    break
            else:  # inconsistent: fall back to depth-first
                for s in seqs:
                    for x in s:
                        if x not in out:
                            out.append(x)
                return out
            out.append(head)
            for t in seqs:
                if t and t[0] is head:
                    del t[0]


class TypeUnion:
    """``int | None``, ``list | tuple`` (PEP 604): what ``isinstance`` takes like a tuple."""

    __slots__ = ("members",)

    def __init__(self, members: Tuple[Any, ...]) -> None:
        self.members = members


class GenericAlias:
    """``list[int]``, ``dict[str, int]``: a builtin class subscripted in an annotation."""

    __slots__ = ("origin", "args")

    def __init__(self, origin: Any, args: Tuple[Any, ...]) -> None:
        self.origin = origin
        self.args = args


class EqualityNotModelled(TypeError):
    """Raised by Python-level ``==`` or ``hash()`` of an instance whose class defines its own
    equality (``__eq__``, a dataclass, a NamedTuple, a str/int enum): the containers, dict
    lookups and ``in`` tests that Python runs on it fail, and their callers answer Unknown."""


#: Bases outside the project that add no attributes an instance or class could be asked for.
BARE_BASES = frozenset(("builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"))
#: Bases whose instances compare (and hash) by identity, as ``object``'s do (and are no builtin type).
IDENTITY_BASES = BARE_BASES | {"enum.Enum"}


def compares_by_identity(cls: "Class") -> bool:
    """Whether instances of ``cls`` use ``object``'s ``==`` and ``hash()``: no ``__eq__`` or
    ``__hash__`` of its own along the MRO, not a record with a generated ``__eq__``, no base
    outside the project but the plain ones."""
    if "eq:identity" in cls.flags:  # (decided once: by the time an instance is compared, its
        return True                  # class statement and decorators have run)
    if "eq:value" in cls.flags:
        return False
    r = _compares_by_identity(cls)
    cls.flags.add("eq:identity" if r else "eq:value")
    return r


def _compares_by_identity(cls: "Class") -> bool:
    import libcst as cst

    for b in cls.mro():
        if isinstance(b, External):
            if b.qualname not in IDENTITY_BASES:
                return False
            continue
        if not isinstance(b, Class):
            return False
        if "namedtuple" in b.flags or ("dataclass" in b.flags and "eq_false" not in b.flags):
            return False
        body = b.node.body.body if isinstance(getattr(b.node, "body", None), cst.IndentedBlock) else ()
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value in ("__eq__", "__hash__"):
                return False
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else (
                        [small.target] if isinstance(small, cst.AnnAssign) else [])
                    if any(isinstance(t, cst.Name) and t.value in ("__eq__", "__hash__") for t in targets):
                        return False
    return True


class Instance:
    """An instance of a plain user class (config objects, helpers). Python-level equality
    and hashing are ``object``'s when the class's are (identity); otherwise they raise
    :class:`EqualityNotModelled` rather than answer by identity."""

    __slots__ = ("cls", "attrs")

    def __init__(self, cls: Class) -> None:
        self.cls = cls
        self.attrs: Dict[str, Any] = {}

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if compares_by_identity(self.cls) and (not isinstance(other, Instance) or compares_by_identity(other.cls)):
            return False
        raise EqualityNotModelled(f"equality of {self.cls.name} instances is not modelled")

    def __hash__(self) -> int:
        if compares_by_identity(self.cls):
            return id(self) >> 4
        raise EqualityNotModelled(f"hash() of a {self.cls.name} instance is not modelled")


class ExceptionValue:
    """An exception object: a builtin exception (``name``) or an instance of a project
    exception class (``cls``; its ``__init__`` is not run, so its attributes are unknown)."""

    __slots__ = ("name", "message", "cls")

    def __init__(self, name: str, message: str, cls: Optional["Class"] = None) -> None:
        self.name = name
        self.message = message
        self.cls = cls


#: Dimensions of a tensor the evaluator follows.
MAX_RANK = 1024
#: Elements of one parameter or buffer past which torch's storage size (elements x element
#: size, an int64) may overflow: it raises, even on the meta device (2**60: 8-byte elements).
MAX_ELEMENTS = 1 << 60


def _brief(shape: Tuple[Any, ...]) -> str:
    return str(tuple(shape)) if len(shape) <= 8 else f"({', '.join(map(str, shape[:8]))}, ...)"


class Param:
    """A parameter or buffer tensor. Identity matters: a tied weight is one Param object."""

    __slots__ = ("shape", "trainable", "buffer", "collection", "variable")

    def __init__(self, shape: Tuple[Any, ...], trainable: bool = True, buffer: bool = False, collection: str = "params",
                 variable: Optional[bool] = None) -> None:
        #: Dims are ints, or Unknown values (with their reason).
        self.shape = shape
        n = 1
        for d in shape:
            if type(d) is int:
                n *= d
        if n > MAX_ELEMENTS or len(shape) > MAX_RANK:
            raise LimitExceeded(f"a parameter of shape {_brief(shape)}: past 2**60 elements torch's storage size "
                                "(elements x element size, an int64) may overflow, and torch raises"
                                if n > MAX_ELEMENTS else f"a parameter of {len(shape):,} dimensions")
        self.trainable = trainable
        self.buffer = buffer
        #: Flax collection ("params", "batch_stats"); "params" elsewhere.
        self.collection = collection
        #: Keras: created as a trainable variable, so ``layer.trainable = ...`` switches it
        #: (moving statistics and ``add_weight(trainable=False)`` never are).
        self.variable = trainable if variable is None else variable

    def numel(self) -> Any:
        n = 1
        for d in self.shape:
            if isinstance(d, Unknown):
                return d
            n *= d
        return n

    def __repr__(self) -> str:
        return f"Param{self.shape}"


class BufferTensor(Param):
    """``nn.Buffer(t)``: a tensor that a module registers as a buffer when it is assigned to
    one of its attributes (torch's ``Module.__setattr__``)."""

    __slots__ = ()

    def __init__(self, shape: Tuple[Any, ...]) -> None:
        super().__init__(shape, False, True)


class Tensor:
    """A symbolic tensor: a shape whose dims are ints or None (unknown), plus graph history."""

    __slots__ = ("shape", "framework", "producer", "inputs", "maybe", "const")

    def __init__(self, shape: Shape, framework: str = "torch", producer: Any = None, inputs: Tuple[Any, ...] = ()) -> None:
        if len(shape) > MAX_RANK:  # (every operation walks the shape: 999,999 dims in a loop would never end)
            raise LimitExceeded(f"a tensor of {len(shape):,} dimensions (the evaluator's rank limit is {MAX_RANK:,})")
        self.shape = shape
        self.framework = framework
        #: The layer call that produced it (Keras functional graphs).
        self.producer = producer
        self.inputs = inputs
        #: The parameter it may be (``p.to(device)``, ``p.float()`` return ``p`` itself when
        #: nothing changes): assigned to a module, it may register as that parameter.
        self.maybe: Optional["Param"] = None
        #: Keras: a concrete tensor (``keras.ops.arange(n)`` in build()), not a symbolic one:
        #: operations on it make no graph node and take no auto-name.
        self.const = False

    def __repr__(self) -> str:
        return f"Tensor{self.shape}"


class Layer:
    """A framework module instance: a catalog layer, a container, or a user subclass.

    Children, parameters and buffers are kept in registration order, as the frameworks do.
    """

    __slots__ = (
        "framework", "cls", "spec", "args", "attrs", "children", "params", "buffers",
        "location", "uncertain", "built", "name", "input_shape", "graph", "node",
    )

    def __init__(self, framework: str, cls: Optional[Class], spec: Optional["LayerSpec"], location: Optional[Location]) -> None:
        self.framework = framework
        self.cls = cls
        self.spec = spec
        self.args: Dict[str, Any] = {}
        self.attrs: Dict[str, Any] = {}
        self.children: Dict[str, Optional[Layer]] = {}
        self.params: Dict[str, Optional[Param]] = {}
        self.buffers: Dict[str, Optional[Param]] = {}
        self.location = location
        #: Set when the structure may differ from what was recorded (e.g. mutated under an
        #: unknown condition): every figure derived from it becomes unknown.
        self.uncertain: Optional[Unknown] = None
        #: Keras / lazy layers: parameters exist only once built from an input shape.
        self.built = True
        #: Keras layer name.
        self.name: Optional[str] = None
        self.input_shape: Optional[Shape] = None
        #: Keras models: the layer calls in graph order (Sequential: build order).
        self.graph: Optional[List[Any]] = None
        #: The constructor call node (for suppression comments and diagnostics).
        self.node: Any = None

    @property
    def type_name(self) -> str:
        if self.cls is not None:
            return self.cls.name
        return self.spec.name if self.spec is not None else "Module"

    def __repr__(self) -> str:
        return f"Layer({self.type_name})"


class ObjectId:
    """``id(obj)``: one token per object (``id(a) == id(a)``, ``id(x) in seen`` and sets of ids
    work, by identity), but no number -- the analyzed program's ids are addresses that no
    static reading knows, so arithmetic, ordering and printing of one are unknown."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj  # (kept alive: its Python id must not be reused while the token is)

    def __repr__(self) -> str:
        return "ObjectId()"


class Call:
    """One application of a leaf layer during tracing: what the summary rows are made of."""

    __slots__ = ("layer", "output_shape", "input_shapes", "seq", "arguments")
    _counter = 0

    def __init__(self, layer: Layer, output_shape: Optional[Shape], input_shapes: Tuple[Optional[Shape], ...]) -> None:
        self.layer = layer
        self.output_shape = output_shape
        self.input_shapes = input_shapes
        #: Keras: the (args, kwargs) the layer was called with, for replaying the graph on other
        #: inputs with the same structure (``layer(x, padding_mask=m)``); None when it was one tensor.
        self.arguments: Optional[Tuple[List[Any], Dict[str, Any]]] = None
        Call._counter += 1
        #: Creation order (Keras graphs list layers in the order they were applied).
        self.seq = Call._counter


def first_unknown(*values: Any) -> Optional[Unknown]:
    for v in values:
        if isinstance(v, Unknown):
            return v
    return None


class Environ(dict):
    """``os.environ``: a mapping of str to str whose ``get``/``pop``/``setdefault`` take
    ``default=`` by keyword (a plain dict's do not), and which is not a ``dict``."""


def first_set(current: Any, new: Any) -> Any:
    """``current`` unless it is None: an object's first reason to be uncertain is kept
    (``current or new`` would ask an Unknown for its truth)."""
    return current if current is not None else new


def selected_by(key: "Unknown", container: Any = None) -> "Unknown":
    """The unknown value something selects by an unknown key (``d[u]``, ``d.get(u)``): not a
    bool because the key is one (``{True: nn.Linear(2, 2), ...}[flag]`` is a module), and any
    of the container's mutable items (a change through it may be a change to one of them)."""
    items = container.values() if isinstance(container, dict) else container if isinstance(container, (list, tuple)) else ()
    aliases = tuple(x for i, x in zip(range(1000), items) if isinstance(x, (Layer, Instance, list, dict, set)))
    if key.kind is None and not aliases:
        return key
    u = Unknown(key.reason, key._location, key._where)
    u.aliases = aliases
    return u


class ReturnPair(tuple):
    """torch's ``(values, indices)`` results (``x.max(dim)``, ``mode``): a tuple whose items are
    also ``.values`` and ``.indices``."""

    __slots__ = ()

    @property
    def values(self) -> Any:
        return self[0]

    @property
    def indices(self) -> Any:
        return self[1]
