"""Keras' objects that are not layers: activation functions, initializers, regularizers and
constraints. Layers are given them (``Dense(activation=keras.activations.get(name))``,
``kernel_initializer=keras.initializers.get(config)``) and keep them as attributes; they hold
no weights, and a value paramlint could not name there would make the layer's count unknown
(it might have been a sublayer). Names are those of Keras 3.15 (``dir(keras.initializers)``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from paramlint.evaluate.values import BoundMethod, Builtin, Class, External, Function, Layer, Partial, Unknown

ACTIVATIONS = frozenset((
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu",
    "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
    "swish", "tanh", "tanh_shrink", "threshold"))

#: Each namespace's classes and their snake-case aliases (what ``get("glorot_uniform")`` finds).
_OBJECTS = {
    "initializers": frozenset((
        "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "IdentityInitializer",
        "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "OrthogonalInitializer", "RandomNormal", "RandomUniform",
        "STFT", "STFTInitializer", "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "glorot_normal",
        "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "ones",
        "orthogonal", "random_normal", "random_uniform", "stft", "truncated_normal", "variance_scaling", "zeros",
        "normal", "uniform", "one", "zero")),
    "regularizers": frozenset(("L1", "L1L2", "L2", "OrthogonalRegularizer", "l1", "l1_l2", "l2", "orthogonal_regularizer")),
    "constraints": frozenset(("MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm", "non_neg", "unit_norm")),
}
_PREFIXES = ("keras.", "keras.src.", "tensorflow.keras.", "tf_keras.")


class KerasObject:
    """An instance of a Keras initializer, regularizer or constraint: holds no weights."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return f"KerasObject({self.qualname})"

    def attr(self, it: Any, name: str, node: Any) -> Any:
        return it.unknown(f"attribute {name!r} of a {self.qualname}", node)


def _namespace(qualname: str) -> Optional[str]:
    """``initializers`` for ``keras.initializers.GlorotUniform`` (and the other spellings)."""
    for p in _PREFIXES:
        if qualname.startswith(p):
            kind, _, name = qualname[len(p):].partition(".")
            if kind in _OBJECTS and name in _OBJECTS[kind]:
                return kind
    return None


def construct(qualname: str) -> Optional[KerasObject]:
    """``keras.initializers.GlorotUniform(seed=1)``: the object (its arguments change no
    count), or None for any other name."""
    return KerasObject(qualname) if _namespace(qualname) is not None else None


_CALLABLE = (External, Function, Builtin, BoundMethod, Partial, Layer, Class)


def _identifier(it: Any, what: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    if len(args) + len(kwargs) != 1 or (kwargs and "identifier" not in kwargs):
        return it.unknown(f"{what}.get() with these arguments", node)
    return args[0] if args else kwargs["identifier"]


def _activation_get(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``keras.activations.get``: None is ``linear``, a name its function, a callable itself."""
    v = _identifier(it, "keras.activations", args, kwargs, node)
    if v is None:
        return External("keras.activations.linear")
    if isinstance(v, str):
        if v in ACTIVATIONS:
            return External(f"keras.activations.{v}")
        return it.unknown(f"keras.activations.get({v!r}): not an activation paramlint knows", node)
    if isinstance(v, (Unknown, *_CALLABLE)):
        return v
    return it.unknown("keras.activations.get() of this value", node)


def _object_get(kind: str) -> Builtin:
    def get(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        """``keras.<kind>.get``: None stays None, a name is an instance of its class, a class
        is instantiated, an instance or a function is itself."""
        v = _identifier(it, f"keras.{kind}", args, kwargs, node)
        if v is None or isinstance(v, (Unknown, KerasObject, Function, Partial)):
            return v
        if isinstance(v, str):
            if v in _OBJECTS[kind]:
                return KerasObject(f"keras.{kind}.{v}")
            return it.unknown(f"keras.{kind}.get({v!r}): not a name paramlint knows", node)
        if isinstance(v, External) and _namespace(v.qualname) == kind:
            return KerasObject(v.qualname)
        return it.unknown(f"keras.{kind}.get() of this value", node)
    return Builtin("get", get)


STDLIB: Dict[str, Any] = {}
for _p in _PREFIXES:
    STDLIB[f"{_p}activations.get"] = Builtin("get", _activation_get)
    for _kind in _OBJECTS:
        STDLIB[f"{_p}{_kind}.get"] = _object_get(_kind)
