"""Every data type that crosses a module boundary: frozen, slotted, documented fields.

The engine turns files into :class:`FileReport` values; formatters turn those into text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

#: ``@dataclass(frozen=True, **SLOTS)``: slotted where the running Python supports it (3.10+),
#: a plain frozen dataclass on 3.9 -- same fields, equality and hashing either way.
SLOTS: Dict[str, Any] = {"slots": True} if sys.version_info >= (3, 10) else {}

#: A dimension is an exact int, or None when unknown (the batch of a Keras tensor, or an
#: unresolved figure).
Dim = Optional[int]
Shape = Tuple[Dim, ...]


class _Record:
    """Base of the report types: pickled as (class, field values), rebuilt by ``__init__``.
    Reports travel from pool workers to the main process; the default pickling of a slotted
    frozen dataclass (a state dict per object, restored field by field) was 4x slower to write,
    and a folder of models holds tens of thousands of rows."""

    __slots__ = ()

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__dataclass_fields__)  # type: ignore[attr-defined]


@dataclass(frozen=True, **SLOTS)
class Location(_Record):
    """A place in a source file: LibCST-native, 1-based line and 0-based code-point column."""

    path: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column + 1}"


@dataclass(frozen=True, **SLOTS)
class Unresolved(_Record):
    """A figure paramlint could not compute exactly, with why and where."""

    #: Human-readable reason, e.g. ``num_classes comes from argparse``.
    reason: str
    #: Where the unknown value arose (may be in another file of the project).
    location: Optional[Location]


@dataclass(frozen=True, **SLOTS)
class LayerRow(_Record):
    """One row of a model summary: a leaf layer (or one application of it)."""

    #: Dotted module path (``features.0``) or the Keras layer name.
    path: str
    #: Framework class name (``Conv2d``) or ``Parameter`` for a bare parameter.
    type: str
    #: Where the layer was constructed.
    location: Optional[Location]
    #: Parameters first counted at this row; None if unknown.
    params: Optional[int]
    #: Trainable share of ``params``; None if unknown.
    trainable: Optional[int]
    #: Output shape of this application; None if unknown or not traced.
    output_shape: Optional[Shape]
    #: Output elements (a leading unknown batch counts as 1); None if unknown.
    activation_size: Optional[int]
    #: True when this row re-applies a layer (or re-uses a tensor) counted on an earlier row.
    shared: bool = False
    #: Non-parameter state tensors (buffers, Flax batch_stats), for information.
    buffers: int = 0
    #: The framework's formula for ``params``, e.g. ``weight 8·3·5·5 = 600, bias 8``.
    formula: str = ""
    #: Multiply-accumulates of this application (FlopCounterMode / 2); None if unknown or not traced.
    macs: Optional[int] = None


@dataclass(frozen=True, **SLOTS)
class ModelReport(_Record):
    """Figures for one entry point (a model class, builder function or module-level model)."""

    name: str
    location: Optional[Location]
    #: ``torch`` | ``keras`` | ``flax``.
    framework: str
    input_shape: Optional[Tuple[Shape, ...]]
    total_params: Optional[int]
    trainable_params: Optional[int]
    non_trainable_params: Optional[int]
    layers: Tuple[LayerRow, ...]
    #: Why parameter figures are unknown (empty when they are exact).
    unresolved: Tuple[Unresolved, ...] = ()
    #: Why some output shapes are unknown (parameters may still be exact).
    shape_notes: Tuple[Unresolved, ...] = ()
    #: MACs of one forward pass: every layer row plus matrix products in forward code
    #: (``@``, ``einsum``...); None when any part is unknown or nothing was traced.
    total_macs: Optional[int] = None
    #: Why ``total_macs`` is unknown where the forward pass was traced (a layer or a product in
    #: forward code whose MACs are not modelled).
    macs_notes: Tuple[Unresolved, ...] = ()
    #: Sum of the rows' output elements (every leaf application's output, batch included when
    #: known): the activation-memory budget's figure, times the dtype's bytes. None if unknown.
    total_activations: Optional[int] = None

    @property
    def exact(self) -> bool:
        return self.total_params is not None and not self.unresolved


@dataclass(frozen=True, **SLOTS)
class Skipped(_Record):
    """An entry point that could not be built, e.g. a class whose constructor needs arguments."""

    name: str
    location: Optional[Location]
    reason: str


@dataclass(frozen=True, **SLOTS)
class FileReport(_Record):
    """The outcome for one file: its models, or an error that stopped analysis of it."""

    path: str
    models: Tuple[ModelReport, ...] = ()
    skipped: Tuple[Skipped, ...] = ()
    #: Set when the file could not be analyzed (unreadable, syntax error, parser guard).
    error: Optional[str] = None
    error_location: Optional[Location] = None
    #: Problems that did not stop analysis (unknown layer types, evaluation limits).
    notes: Tuple[Unresolved, ...] = field(default=())


def printable(path: str) -> str:
    """A path as terminal and CI log output may show it: control characters escaped (a file
    name holding a newline would otherwise print a line of its own, e.g. a forged
    ``::error`` workflow command)."""
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)
