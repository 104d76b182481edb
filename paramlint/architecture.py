"""From an evaluated model object to its report: rows, distinct-parameter totals, unknowns.

Totals are sums over *distinct* parameter objects, as the frameworks compute them, so tied
weights and layers registered twice count once. Rows always add up to the total.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from paramlint import macs
from paramlint.catalog.spec import no_params
from paramlint.evaluate.modules import walk
from paramlint.evaluate.values import Call, Layer, Param, Unknown
from paramlint.types import Location, LayerRow, ModelReport, Shape, Unresolved


#: Elements of an output; a leading unknown (batch) dimension counts as 1.
activation_size = macs.elements


def formula(params: Sequence[Tuple[str, Param]]) -> str:
    parts = []
    for name, p in params:
        dims = [str(d) for d in p.shape if not isinstance(d, Unknown)]
        if len(dims) != len(p.shape):
            parts.append(f"{name} ?")
        elif len(dims) <= 1:
            parts.append(f"{name} {dims[0] if dims else 1}")
        else:
            parts.append(f"{name} {'·'.join(dims)} = {math.prod(int(d) for d in dims):,}")
    return ", ".join(parts)


def _is_leaf(layer: Layer) -> bool:
    if layer.spec is not None and layer.spec.role == "leaf" and layer.cls is None:
        return True
    return not any(c is not None for c in layer.children.values())


def _unresolved(u: Unknown) -> Unresolved:
    return Unresolved(u.reason, u.location)


def report(
    name: str,
    root: Layer,
    location: Optional[Location],
    input_shape: Optional[Tuple[Shape, ...]],
    trace: Optional[List[Call]],
    extra: Sequence[Unknown] = (),
    op_macs: Optional[Sequence[Optional[int]]] = None,
) -> ModelReport:
    """The ModelReport for one built model."""
    if root.framework == "keras":
        from paramlint.evaluate.keras_graph import sync_tracked

        sync_tracked(root)  # layers appended to a tracked list after its assignment
    modules = list(walk(root))
    paths: Dict[int, str] = {id(m): p for p, m in modules}
    concrete = input_shape is not None and all(s is not None and None not in s for s in input_shape)
    unresolved: Dict[Tuple[str, Optional[Location]], Unresolved] = {}

    def flag(u: Unknown) -> None:
        unresolved.setdefault((u.reason, u.location), _unresolved(u))

    for u in extra:
        flag(u)
    if root.framework == "flax" and not root.attrs.get("__flax_called__"):
        flag(Unknown(f"{name}: Flax creates parameters on init(); no input shape reaches it (add '# paramlint: input-shape=...')", location))
    for path, m in modules:
        if m.uncertain is not None:
            flag(m.uncertain)
        if (m.framework == "keras" or m.spec is not None and m.spec.lazy) and not m.built and m.spec is not None \
                and m.spec.role == "leaf" and m.spec.params is not no_params \
                and not (m.framework == "flax" and root.attrs.get("__flax_called__")):  # (a Dropout has no weights to build)
            # (flax: init() is one forward pass; a submodule it never calls has no parameters)
            flag(Unknown(f"{m.name or path}: {m.type_name} is never built (no input shape reaches it)", m.location))
        elif m.framework == "keras" and m.cls is not None and not m.params and not m.attrs.get("__called__") \
                and not m.attrs.get("__built__") and m.graph is None \
                and _own_build(m.cls):
            # its build() makes its weights on the first call (Keras's count_params() raises before)
            flag(Unknown(f"{m.name or path}: {m.type_name} is never built: its build() makes its weights on the "
                         "first call, and no input shape reaches it", m.location))
        for v in m.params.values():
            if v is None:
                continue
            if isinstance(v, Unknown):  # (a value registered as a parameter that is not known)
                flag(v)
                continue
            for d in v.shape:
                if isinstance(d, Unknown):
                    flag(d)
                    break

    counted: set = set()
    rows: List[LayerRow] = []
    seen_layers: set = set()

    def row_for(layer: Layer, out: Optional[Shape], traced: bool, ins: Tuple[Optional[Shape], ...] = (), call: Optional[Call] = None) -> LayerRow:
        own: List[Tuple[str, Param]] = []
        shared_param = False
        items = [*layer.params.items()] if _is_leaf(layer) else []
        if layer.framework == "keras" and (layer.graph is not None or layer.cls is not None) and not _is_leaf(layer):
            # A Keras model (or a subclassed layer) used as a layer is one row holding all its
            # weights, as Keras lists it.
            items = [(f"{sub}.{n}" if sub else n, p) for sub, m in walk(layer) for n, p in m.params.items()]
            seen_layers.update(id(m) for _, m in walk(layer) if m is not layer)
            # (a sublayer that is unknown, or never built here, leaves the row's figure unknown too)
            unknown_inside = any(m.uncertain is not None or (not m.built and m.spec is not None and m.spec.role == "leaf"
                                                             and m.spec.params is not no_params)
                                 for _, m in walk(layer) if m is not layer)
        else:
            unknown_inside = False
        unknown_param = unknown_inside
        for n, p in items:
            if p is None:
                continue
            if isinstance(p, Unknown):
                unknown_param = True
                continue
            if id(p) in counted:
                shared_param = True
                continue
            counted.add(id(p))
            own.append((n, p))
        if _is_leaf(layer) and layer.cls is not None:
            # A user leaf module without children: its direct parameters are its own.
            pass
        numels = [p.numel() for _, p in own]
        built = layer.built or (layer.framework == "flax" and root.attrs.get("__flax_called__"))  # (never called: none)
        known = all(isinstance(x, int) for x in numels) and layer.uncertain is None and built and not unknown_param
        params = sum(numels) if known else None  # type: ignore[arg-type]
        trainable: Optional[int] = None
        if known and all(p.trainable is not None for _, p in own):
            trainable = sum(p.numel() for _, p in own if p.trainable)
        if trainable and layer.framework == "keras" and layer.attrs.get("trainable", layer.args.get("trainable")) is False:
            trainable = 0  # a frozen Keras layer or model lists no trainable weights of its own, whatever its sublayers say
        buffers = 0
        for b in layer.buffers.values():
            if b is not None and isinstance(b.numel(), int):
                buffers += b.numel()
        repeat = id(layer) in seen_layers
        seen_layers.add(id(layer))
        return LayerRow(
            path=paths.get(id(layer), layer.name or "?") if layer.framework != "keras" else (layer.name or paths.get(id(layer), "?")),
            type=layer.type_name,
            location=layer.location,
            params=params,
            trainable=trainable,
            output_shape=out,
            activation_size=activation_size(out) if _sized(layer, out, concrete) else None,
            shared=repeat or shared_param,
            buffers=0 if repeat else buffers,
            formula=formula(own),
            macs=_application_macs(layer, ins, out, call, concrete) if traced else None,
        )

    leaves = [m for _, m in modules if _is_leaf(m)]
    traced_rows: List[LayerRow] = []
    calls = trace if trace is not None else root.graph
    #: MACs of applications of layers the model does not hold (a module kept in a plain list:
    #: torch registers no hook for it, but its products are computed all the same).
    unheld_macs: List[Optional[int]] = []
    #: catalog layers applied whose MACs are not modelled (a user leaf's are its forward code's)
    macs_notes: Dict[str, Unresolved] = {}
    if calls:
        for c in calls:
            out, ins = _plain(c.output_shape), tuple(_plain(i) for i in c.input_shapes)
            if id(c.layer) in paths or c.layer.framework == "keras":
                rows.append(row_for(c.layer, out, True, ins, c))
                traced_rows.append(rows[-1])
                cost = rows[-1].macs
            else:
                cost = _application_macs(c.layer, ins, out, c, concrete)
                unheld_macs.append(cost)
            key = "flax" if c.layer.framework == "flax" else c.layer.type_name
            if cost is None and out is not None and c.layer.spec is not None and c.layer.cls is None \
                    and not hasattr(c, "macs") and key not in macs_notes:
                macs_notes[key] = Unresolved("MACs of flax modules are not modelled" if key == "flax"
                                             else f"MACs of {key} are not modelled", c.layer.location)
    for m in leaves:
        if m is root and calls:
            continue
        if id(m) not in seen_layers and not (m is root and not m.params and m.cls is not None and not m.children and False):
            if m is root and m.spec is not None and m.spec.role == "container":
                continue
            rows.append(row_for(m, None, False))
    # Parameters registered directly on modules that have children (nn.Parameter attributes).
    for path, m in modules:
        if _is_leaf(m):
            continue
        for n, p in m.params.items():
            if p is None or isinstance(p, Unknown) or id(p) in counted:
                continue
            counted.add(id(p))
            numel = p.numel()
            rows.append(LayerRow(
                path=f"{path}.{n}" if path else n, type="Parameter", location=m.location,
                params=numel if isinstance(numel, int) else None,
                trainable=(numel if p.trainable else 0) if isinstance(numel, int) and p.trainable is not None else None,
                output_shape=None, activation_size=None, formula=formula([(n, p)]),
            ))
        if m.framework == "flax":  # ``self.variable("batch_stats", ...)`` next to submodules: state
            for n, b in m.buffers.items():
                numel = b.numel() if b is not None else None
                if isinstance(numel, int) and id(b) not in counted:
                    counted.add(id(b))
                    rows.append(LayerRow(path=f"{path}.{n}" if path else n, type="Variable", location=m.location,
                                         params=0, trainable=0, output_shape=None, activation_size=None,
                                         buffers=numel))

    distinct: Dict[int, Param] = {}
    for _, m in modules:
        for p in m.params.values():
            if p is not None and (isinstance(p, Unknown) or p.collection == "params"):  # Flax: other collections are state
                distinct.setdefault(id(p), p)
    total: Optional[int] = 0
    trainable: Optional[int] = 0
    for p in distinct.values():
        n = p.numel() if not isinstance(p, Unknown) else p
        if not isinstance(n, int):
            total = trainable = None
            break
        total += n  # type: ignore[operator]
        if p.trainable is None:
            trainable = None
        elif p.trainable and trainable is not None:
            trainable += n
    if unresolved:
        total = trainable = None
    elif root.framework == "keras" and root.attrs.get("trainable") is False:
        trainable = 0  # a frozen Keras model lists no trainable weights, whatever its layers say
    non_trainable = None if total is None or trainable is None else total - trainable
    return ModelReport(
        name=name, location=location, framework=root.framework, input_shape=input_shape,
        total_params=total, trainable_params=trainable, non_trainable_params=non_trainable,
        layers=tuple(rows), unresolved=tuple(unresolved.values()),
        total_macs=_total_macs(traced_rows, [*(op_macs or ()), *unheld_macs]) if calls else None,
        macs_notes=tuple(macs_notes.values()),
        total_activations=_total_activations(traced_rows) if calls else None,
    )


def _application_macs(layer: Layer, ins: Tuple[Optional[Shape], ...], out: Optional[Shape], call: Optional[Call],
                      concrete: bool) -> Optional[int]:
    """MACs of one traced application: a user leaf's own products, else the catalog formula."""
    if not (_sized(layer, out, concrete) and all(_sized(layer, i, concrete) for i in ins)):
        return None
    return getattr(call, "macs") if hasattr(call, "macs") else layer_macs(layer, ins, out)


def _plain(shape: Any) -> Optional[Shape]:
    """A traced shape as reports hold it: sizes and None (a batch left open); a shape with a
    dimension the evaluator does not know (a tensor reshaped in place) is not known at all."""
    if shape is None or all(d is None or type(d) is int for d in shape):
        return shape
    return None


def _sized(layer: Layer, shape: Optional[Shape], concrete: bool) -> bool:
    """Whether a shape's unknown dims stand for a batch size (Keras' leading None, a torch
    input given with a None batch: counted as 1, figures per sample) rather than a size the
    forward code computed from data (with concrete inputs, a None is a figure not known)."""
    return layer.framework == "keras" or shape is None or None not in shape or not concrete


def layer_macs(layer: Layer, ins: Tuple[Optional[Shape], ...], out: Optional[Shape]) -> Optional[int]:
    """MACs of one application: a catalog layer by formula; a Keras model used as a layer sums
    its own graph when it is applied to the shapes it was built for."""
    if layer.graph is not None and layer.framework == "keras" and layer.cls is None and not _is_leaf(layer):
        inputs = layer.attrs.get("__inputs__")
        if not isinstance(inputs, list) or [getattr(t, "shape", None) for t in inputs] != list(ins):
            return None
        parts = [layer_macs(c.layer, tuple(c.input_shapes), c.output_shape) for c in layer.graph]
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
    if layer.spec is None or layer.cls is not None and layer.framework != "torch" or layer.uncertain is not None:
        return None  # (a torch subclass's application is traced as the catalog's only when it keeps its forward)
    from paramlint.evaluate.catalog_calls import replaced

    if replaced(layer):  # (a weight of another shape: the formula's arguments are not what runs)
        return None
    return macs.layer_macs(layer.framework, layer.spec.name, layer.args, ins, out)


def _total_macs(traced: Sequence[LayerRow], op_macs: Optional[Sequence[Optional[int]]]) -> Optional[int]:
    """Traced applications plus forward-code products; layers never applied cost nothing (a
    failed trace is flagged by the engine, which then drops the total)."""
    parts = [r.macs for r in traced] + list(op_macs or ())
    if not traced or any(p is None for p in parts):
        return None
    return sum(parts)  # type: ignore[arg-type]


def _total_activations(traced: Sequence[LayerRow]) -> Optional[int]:
    sizes = [r.activation_size for r in traced]
    if not sizes or any(s is None for s in sizes):
        return None
    return sum(sizes)  # type: ignore[arg-type]


def unresolved_model(name: str, framework: str, location: Optional[Location], u: Unknown) -> ModelReport:
    return ModelReport(
        name=name, location=location, framework=framework, input_shape=None, total_params=None,
        trainable_params=None, non_trainable_params=None, layers=(), unresolved=(_unresolved(u),),
    )


def _own_build(cls: Any) -> bool:
    """Whether a Keras layer class (or a base of it in the project) defines ``build``."""
    from paramlint.evaluate.framework import _MISSING, class_lookup

    return class_lookup(cls, "build") is not _MISSING
