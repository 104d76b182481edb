"""What a catalog entry is: a framework class's real signature plus pure formula functions.

Formulas read constructor arguments through :class:`Args`, which refuses values it cannot
use exactly (an Unknown, a wrong type): the layer's figures then become unknown with that
reason instead of a guess.
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from paramlint.types import SLOTS, Shape


class ArgError(Exception):
    """A formula could not use an argument; ``unknown`` is set when it was an Unknown value."""

    def __init__(self, message: str, unknown: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.unknown = unknown


@dataclass(frozen=True, **SLOTS)
class ParamSpec:
    """A named tensor a layer owns: a parameter, or state that is not a parameter."""

    name: str
    shape: Tuple[int, ...]
    trainable: bool = True
    #: torch buffers (``running_mean``): never counted as parameters.
    buffer: bool = False
    #: Flax collection the variable lives in.
    collection: str = "params"


class Args:
    """Bound constructor arguments, read by formulas with type checks."""

    __slots__ = ("layer", "values")

    def __init__(self, layer: str, values: Dict[str, Any]) -> None:
        self.layer = layer
        self.values = values

    def raw(self, name: str) -> Any:
        v = self.values.get(name)
        if type(v).__name__ == "Unknown":
            raise ArgError(f"{self.layer}: {name} is unknown", v)
        return v

    def int(self, name: str, minimum: int = 0) -> int:
        v = self.raw(name)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ArgError(f"{self.layer}: {name} must be an int, got {type(v).__name__}")
        if v < minimum:
            raise ArgError(f"{self.layer}: {name} must be >= {minimum}, got {v}")
        return v

    def opt_int(self, name: str, minimum: builtins.int = 0) -> Optional[builtins.int]:
        return None if self.raw(name) is None else self.int(name, minimum)

    def bool(self, name: str) -> bool:
        v = self.raw(name)
        if isinstance(v, (bool, int)) or v is None:
            return bool(v)
        if isinstance(v, str):  # bias="..." is truthy in torch; keep Python truthiness
            return bool(v)
        # torch accepts any object for flags like bias and uses its truthiness; a layer
        # object or a tensor there is almost surely a mistake, so refuse to guess.
        raise ArgError(f"{self.layer}: {name} has type {type(v).__name__}")

    def str(self, name: str) -> str:
        v = self.raw(name)
        if not isinstance(v, str):
            raise ArgError(f"{self.layer}: {name} must be a str, got {type(v).__name__}")
        return v

    def float(self, name: builtins.str) -> float:
        v = self.raw(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ArgError(f"{self.layer}: {name} must be a number")
        return float(v)

    def ints(self, name: builtins.str, n: builtins.int, minimum: builtins.int = 0) -> Tuple[builtins.int, ...]:
        """An int or a sequence of n ints (torch's ``_pair``/``_triple``, Keras' tuples)."""
        v = self.raw(name)
        if isinstance(v, (list, tuple)):
            if len(v) == 1 and n > 1:
                v = tuple(v) * n
            if len(v) != n:
                raise ArgError(f"{self.layer}: {name} must have {n} values, got {len(v)}")
            out = []
            for x in v:
                if type(x).__name__ == "Unknown":
                    raise ArgError(f"{self.layer}: {name} is unknown", x)
                if isinstance(x, bool) or not isinstance(x, int) or x < minimum:
                    raise ArgError(f"{self.layer}: {name} must hold ints >= {minimum}")
                out.append(x)
            return tuple(out)
        return (self.int(name, minimum),) * n

    def shape(self, name: builtins.str) -> Tuple[builtins.int, ...]:
        """An int or a sequence of ints of any length (``normalized_shape``)."""
        v = self.raw(name)
        if isinstance(v, (list, tuple)):
            return self.ints(name, len(v)) if v else ()
        return (self.int(name),)


def numel(shape: Sequence[int]) -> int:
    return math.prod(shape)


class Outputs(tuple):  # type: ignore[type-arg]
    """A layer output that is a tuple (LSTM's ``(output, (h, c))``): items are shapes, nested
    Outputs, or None (Python ``None``, e.g. attention weights not requested)."""


class Inputs(dict):  # type: ignore[type-arg]
    """A forward call's bound arguments (``extra["forward"]`` signature): tensors as shapes,
    other values as themselves. Given to ``output``/``params`` of multi-input layers."""


def first_shape(out: Any) -> Optional[Shape]:
    """The primary shape of an output (the first tensor of a tuple output)."""
    if isinstance(out, Outputs):
        for item in out:
            s = first_shape(item)
            if s is not None:
                return s
        return None
    return out if isinstance(out, tuple) else None


Params = Callable[[Args, Optional[Shape]], List[ParamSpec]]
#: Returns a shape or :class:`Outputs`; receives the input shape, or :class:`Inputs` when the
#: entry declares ``extra["forward"]``.
Output = Callable[[Args, Any], Any]


def no_params(args: Args, in_shape: Optional[Shape]) -> List[ParamSpec]:
    return []


def same_shape(args: Args, in_shape: Shape) -> Shape:
    return in_shape


#: ``LayerSpec.extra`` key: attribute names the framework sets to None when the layer is built
#: without them (torch's ``register_parameter("bias", None)``).
NONE_WHEN_ABSENT = "none_when_absent"


@dataclass(frozen=True, **SLOTS)
class LayerSpec:
    """One framework class: signature, parameters and output shape, as the framework has them."""

    framework: str
    name: str
    #: The real constructor's parameter list, as Python source (without ``self``).
    signature: str
    params: Params = no_params
    #: None: output shape unknown to the catalog (not traced further).
    output: Optional[Output] = same_shape
    #: "leaf" (a layer), "container" (Sequential & co.), "base" (Module, Layer, Model).
    role: str = "leaf"
    #: Parameters depend on the input shape: built on first call (Keras, torch Lazy*).
    lazy: bool = False
    #: Alternative names this entry answers to (``tf.keras`` aliases, old spellings).
    aliases: Tuple[str, ...] = ()
    #: One line on the framework's counting convention, shown by ``explain``.
    note: str = ""
    extra: Dict[str, Any] = field(default_factory=dict)
