"""Keras' objects that are not layers: activation functions, initializers, regularizers and
constraints. Layers are given them (``Dense(activation=keras.activations.get(name))``,
``kernel_initializer=keras.initializers.get(config)``) and keep them as attributes; they hold
no weights, and a value paramlint could not name there would make the layer's count unknown
(it might have been a sublayer). Names are those of Keras 3.15 (``dir(keras.initializers)``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from paramlint.evaluate.values import BoundMethod, Builtin, Class, External, Function, Layer, Partial, Unknown

ACTIVATIONS = frozenset((
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu",
    "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
    "swish", "tanh", "tanh_shrink", "threshold"))

_INITIALIZERS = ("Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "LecunNormal",
                 "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform", "STFT", "TruncatedNormal",
                 "VarianceScaling", "Zeros")

#: Per namespace: the attribute names that are classes of objects (with their aliases) -> the class.
_CLASSES: Dict[str, Dict[str, str]] = {
    "initializers": {**{c: c for c in _INITIALIZERS}, "IdentityInitializer": "Identity",
                     "OrthogonalInitializer": "Orthogonal", "STFTInitializer": "STFT", "constant": "Constant",
                     "identity": "Identity", "ones": "Ones", "orthogonal": "Orthogonal", "zeros": "Zeros",
                     "glorot_normal": "GlorotNormal", "glorot_uniform": "GlorotUniform", "he_normal": "HeNormal",
                     "he_uniform": "HeUniform", "lecun_normal": "LecunNormal", "lecun_uniform": "LecunUniform",
                     "random_normal": "RandomNormal", "random_uniform": "RandomUniform", "stft": "STFT",
                     "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling"},
    "regularizers": {"L1": "L1", "L1L2": "L1L2", "L2": "L2", "OrthogonalRegularizer": "OrthogonalRegularizer",
                     "l1": "L1", "l1_l2": "L1L2", "l2": "L2", "orthogonal_regularizer": "OrthogonalRegularizer"},
    "constraints": {"MaxNorm": "MaxNorm", "MinMaxNorm": "MinMaxNorm", "NonNeg": "NonNeg", "UnitNorm": "UnitNorm",
                    "max_norm": "MaxNorm", "min_max_norm": "MinMaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm"},
}
#: What ``keras.<kind>.get(name)`` accepts (Keras's ``ALL_OBJECTS_DICT``) -> the class.
_BY_NAME: Dict[str, Dict[str, str]] = {
    "initializers": {**_CLASSES["initializers"], "normal": "RandomNormal", "uniform": "RandomUniform", "one": "Ones",
                     "zero": "Zeros"},
    "regularizers": {**_CLASSES["regularizers"], "l1l2": "L1L2"},
    "constraints": dict(_CLASSES["constraints"]),
}
_BASES = {"initializers": "Initializer", "regularizers": "Regularizer", "constraints": "Constraint"}
#: Classes deriving from another public one (besides the base).
_PARENT = {c: "VarianceScaling" for c in ("GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform")}
_PREFIXES = ("keras.", "keras.src.", "tensorflow.keras.", "tf_keras.")

#: Names that are another name's object in Keras 3.15 (``keras.activations.swish is
#: keras.activations.silu``, ``keras.initializers.glorot_uniform is GlorotUniform``): read as
#: that one, so identity, equality and sets of them are Keras's.
ALIASES: Dict[str, str] = {}
for _p in ("keras.", "keras.src."):
    ALIASES[f"{_p}activations.swish"] = f"{_p}activations.silu"
    ALIASES[f"{_p}activations.hard_swish"] = f"{_p}activations.hard_silu"
    for _kind, _table in _CLASSES.items():
        ALIASES.update((f"{_p}{_kind}.{_n}", f"{_p}{_kind}.{_c}") for _n, _c in _table.items() if _n != _c)


class KerasObject:
    """An instance of a Keras initializer, regularizer or constraint: holds no weights."""

    __slots__ = ("kind", "cls")

    def __init__(self, kind: str, cls: str) -> None:
        self.kind = kind  # "initializers"
        self.cls = cls  # "GlorotUniform"

    def __repr__(self) -> str:
        return f"KerasObject({self.kind}.{self.cls})"

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name == "__class__":
            return External(f"keras.{self.kind}.{self.cls}")
        if name == "get_config":  # (keras-hub's clone_initializer: cls.from_config(obj.get_config()))
            return Builtin("get_config", lambda it2, a, k, n: ObjectConfig(self))
        return it.unknown(f"attribute {name!r} of a keras.{self.kind}.{self.cls}", node)


class ObjectConfig:
    """``obj.get_config()`` of a :class:`KerasObject`: given back to ``from_config``; what it
    holds (seeds, scales) is not known."""

    __slots__ = ("obj",)

    def __init__(self, obj: KerasObject) -> None:
        self.obj = obj

    def attr(self, it: Any, name: str, node: Any) -> Any:
        return it.unknown(f"the config of a keras.{self.obj.kind}.{self.obj.cls}", node)


def _split(qualname: str) -> Tuple[Optional[str], str]:
    """(``initializers``, ``GlorotUniform``) for ``keras.initializers.GlorotUniform`` and the
    other spellings; (None, "") for any other name."""
    for p in _PREFIXES:
        if qualname.startswith(p):
            kind, _, name = qualname[len(p):].partition(".")
            if kind in _CLASSES:
                return kind, name
    return None, ""


def construct(qualname: str) -> Optional[KerasObject]:
    """``keras.initializers.GlorotUniform(seed=1)`` (or ``.from_config(config)``): the object
    (its arguments change no count), or None for any other name."""
    kind, name = _split(qualname)
    if kind is None:
        return None
    name = name[: -len(".from_config")] if name.endswith(".from_config") else name
    cls = _CLASSES[kind].get(name)
    return KerasObject(kind, cls) if cls is not None else None


def is_instance(v: Any, qualname: str) -> Optional[bool]:
    """``isinstance(v, keras.initializers.Initializer)`` (or a class of one); None when the
    target is not one of these or the answer is not known here."""
    kind, name = _split(qualname)
    if kind is None or (name != _BASES[kind] and name not in _CLASSES[kind]):
        return None
    if isinstance(v, KerasObject):
        target = _BASES[kind] if name == _BASES[kind] else _CLASSES[kind][name]
        return v.kind == kind and target in (_BASES[kind], v.cls, _PARENT.get(v.cls))
    if v is None or isinstance(v, (int, float, str, bytes, list, tuple, dict, Function, BoundMethod, Partial, Layer, Class)):
        return False  # (a project class deriving from Initializer makes Instances, not these)
    return None


_CALLABLE = (External, Function, Builtin, BoundMethod, Partial, Layer, Class)


def identifier(it: Any, what: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) + len(kwargs) != 1 or (kwargs and "identifier" not in kwargs):
        return it.unknown(f"{what}.get() with these arguments", node)
    return args[0] if args else kwargs["identifier"]


def _activation_get(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.activations.get``: None is ``linear``, a name its function, a callable itself."""
    v = identifier(it, "keras.activations", args, kwargs, node)
    if v is None:
        return External("keras.activations.linear")
    if isinstance(v, str):
        if v in ACTIVATIONS:
            q = f"keras.activations.{v}"
            return External(ALIASES.get(q, q))
        return it.unknown(f"keras.activations.get({v!r}): not an activation paramlint knows", node)
    if isinstance(v, (Unknown, *_CALLABLE)):
        return v
    return it.unknown("keras.activations.get() of this value", node)


def _object_get(kind: str) -> Builtin:
    def get(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        """``keras.<kind>.get``: None stays None, a name is an instance of its class, a class
        is instantiated, an instance or a function is itself."""
        v = identifier(it, f"keras.{kind}", args, kwargs, node)
        if v is None or isinstance(v, (Unknown, KerasObject, Function, Partial)):
            return v
        if isinstance(v, str):
            cls = _BY_NAME[kind].get(v)
            if cls is not None:
                return KerasObject(kind, cls)
            return it.unknown(f"keras.{kind}.get({v!r}): not a name paramlint knows", node)
        if isinstance(v, External):  # a class: instantiated
            obj = construct(v.qualname)
            if obj is not None and obj.kind == kind:
                return obj
        return it.unknown(f"keras.{kind}.get() of this value", node)
    return Builtin("get", get)


STDLIB: Dict[str, Any] = {}
for _p in _PREFIXES:
    STDLIB[f"{_p}activations.get"] = Builtin("get", _activation_get)
    for _kind in _CLASSES:
        STDLIB[f"{_p}{_kind}.get"] = _object_get(_kind)
