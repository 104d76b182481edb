"""Calling a catalog leaf whose entry declares a forward signature (several inputs, tuple
outputs) or whose parameters come from its first input (torch ``Lazy*``, Flax, Keras).

The catalog's ``output`` then receives the bound forward arguments as :class:`Inputs`
(tensors as shapes) and may return :class:`Outputs`, turned here into tuples of tensors.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from paramlint.catalog.spec import ArgError, Args, Inputs, Outputs, first_shape
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate import signatures
from paramlint.evaluate.values import Call, Layer, Param, Tensor, Unknown
from paramlint.types import Shape


def arg_error(it: Any, name: str, e: ArgError, node: Any) -> Unknown:
    """The Unknown for a formula's ArgError: the arguments' own Unknown, or a noted problem
    (a shape mismatch or a bad argument is worth telling the user about)."""
    return e.unknown if e.unknown is not None else it.note(it.unknown(f"{name}: {e.message}", node))


def spec_output(it: Any, spec: Any, args: Dict[str, Any], inputs: Any, node: Any) -> Any:
    """A catalog entry's output shape(s) for bound ``args`` and input shape(s), or Unknown."""
    if spec.output is None:
        return it.unknown(f"output shape of {spec.name} is not modelled", node)
    try:
        return spec.output(Args(spec.name, args), inputs)
    except ArgError as e:
        return arg_error(it, spec.name, e, node)
    except IndexError:  # (an input of a rank the formula does not expect: never a crash)
        return it.unknown(f"{spec.name}: an input of this rank is not modelled", node)


def bind_inputs(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """The forward arguments as Inputs (shapes for tensors), the first input's shape, or Unknown."""
    spec = layer.spec
    assert spec is not None
    sig = spec.extra.get("forward")
    if sig is None:
        x = args[0] if args else kwargs.get("input", kwargs.get("inputs"))
        if isinstance(x, Unknown):
            return x
        if not isinstance(x, (Tensor, Param)):
            return it.unknown(f"{spec.name} called on a {type(x).__name__}, not a tensor", node)
        return tuple(x.shape)
    bound = signatures.bind(sig, list(args), dict(kwargs), f"{spec.name}.forward")
    if isinstance(bound, str):
        return it.unknown(bound, node)
    out = Inputs()
    for k, v in bound.items():
        if isinstance(v, Unknown):
            return v
        if isinstance(v, (list, tuple)) and v and all(isinstance(t, (Tensor, Param)) for t in v):
            v = tuple(tuple(t.shape) for t in v)  # a list of tensors (Keras Attention([q, v]))
        elif isinstance(v, (Tensor, Param)):
            v = tuple(v.shape)
        out[k] = v
    return out


def _tensors(values: Any) -> List[Tensor]:
    out: List[Tensor] = []
    for v in values:
        if isinstance(v, Tensor):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            out += [t for t in v if isinstance(t, Tensor)]
    return out


def to_value(out: Any, framework: str) -> Any:
    """An output formula's result as evaluator values (tensors, tuples of tensors, None)."""
    if isinstance(out, Outputs):
        return tuple(to_value(x, framework) for x in out)
    if out is None:
        return None
    return Tensor(out, framework)


def input_shapes(inputs: Any) -> Tuple[Optional[Shape], ...]:
    if isinstance(inputs, Inputs):
        return tuple(v for v in inputs.values() if isinstance(v, tuple)) or (None,)
    return (inputs,)


def call_leaf(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """One call of a catalog leaf: build it if lazy, compute its output, record the call."""
    spec = layer.spec
    assert spec is not None
    inputs = bind_inputs(it, layer, args, kwargs, node)
    out: Any
    if isinstance(inputs, Unknown):
        out = inputs
    else:
        if not layer.built and layer.uncertain is None:
            it.fw.build_params(it, layer, inputs, node)
        elif layer.framework == "flax" and layer.params and layer.uncertain is None:
            _same_flax_params(it, layer, inputs, node)
        out = layer.uncertain if layer.uncertain is not None else spec_output(it, spec, layer.args, inputs, node)
        if layer.framework == "torch" and not isinstance(out, Unknown) and replaced(layer):
            # ``fc.weight.data = torch.randn(4, 8)``: torch's forward uses the new weight, the
            # catalog's formula the constructor's arguments
            out = replaced_output(it, layer, node)
    if it.trace is not None:
        shapes = input_shapes(inputs) if not isinstance(inputs, Unknown) else (None,)
        it.trace.append(Call(layer, None if isinstance(out, Unknown) else first_shape(out), shapes))
    if isinstance(out, Unknown):
        return out
    return to_value(out, layer.framework)


def replaced_output(it: Any, layer: Layer, node: Any) -> Any:
    return it.unknown(f"{layer.type_name}: a parameter was given another shape after construction "
                      "(torch's forward uses it, the formula the constructor's arguments): output not modelled", node)


def replaced(layer: Layer) -> bool:
    """Whether a torch catalog layer holds a parameter of another shape than it was made with
    (``fc.weight.data = torch.randn(4, 8)``): its forward formula no longer applies."""
    made = layer.attrs.get("__made__")
    if not made:
        return False
    for name, shape in made.items():
        p = layer.params.get(name)
        if p is not None and p.shape != shape:
            return True
    return False


def _same_flax_params(it: Any, layer: Layer, inputs: Any, node: Any) -> None:
    """A flax module called again reads the parameters it made: an input that would make them
    of another shape is flax's ScopeParamShapeError."""
    spec = layer.spec
    assert spec is not None
    try:
        want = {ps.name: ps.shape for ps in spec.params(Args(spec.name, layer.args), inputs) if not ps.buffer}
    except (ArgError, IndexError):
        return
    for name, p in layer.params.items():
        if p is not None and name in want and tuple(want[name]) != tuple(p.shape):
            layer.uncertain = it.unknown(
                f"{layer.type_name} called again on an input that gives {name} another shape (flax raises)", node)
            return


def call_keras(it: Any, layer: Layer, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """A Keras catalog layer with a forward signature (several inputs, list outputs): built on
    its first call from the bound input shapes; outputs are graph tensors of this call."""
    spec = layer.spec
    assert spec is not None
    inputs = bind_inputs(it, layer, args, kwargs, node)
    if isinstance(inputs, Unknown):
        return inputs
    if not layer.built:
        layer.input_shape = next((v for v in inputs.values() if isinstance(v, tuple)), None) if isinstance(inputs, Inputs) else inputs
        it.fw.build_params(it, layer, inputs, node)
        layer.built = True
        for name in spec.extra.get("build_names", ()):  # unnamed sublayers its build() makes take
            it.keras_names[name] = it.keras_names.get(name, 0) + 1  # auto-names (MHA: softmax, dropout)
    out: Any
    out = layer.uncertain if layer.uncertain is not None else spec_output(it, spec, layer.args, inputs, node)
    ins = tuple(_tensors([*args, *kwargs.values()]))
    c = Call(layer, None if isinstance(out, Unknown) else first_shape(out), tuple(t.shape for t in ins))
    c.arguments = (list(args), dict(kwargs))  # (replayed as called: ``mha(x, x, attention_mask=m)``)
    if it.trace is not None:
        it.trace.append(c)
    if isinstance(out, Unknown):
        return out

    def value(o: Any) -> Any:
        if isinstance(o, Outputs):
            return [value(x) for x in o]
        return None if o is None else Tensor(o, "keras", c, ins)

    return lazy.keras_graph.applied(layer, value(out)) if ins else value(out)
