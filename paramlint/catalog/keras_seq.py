"""Keras 3 sequence, attention, embedding and normalization layers, and the wrappers.

Sources: ``keras/src/layers/rnn/{simple_rnn,lstm,gru,bidirectional,time_distributed}.py``
(cells: kernel (in, g·units), recurrent_kernel (units, g·units), bias (g·units); GRU with
``reset_after=True`` keeps two bias rows: (2, 3·units)), ``attention/multi_head_attention.py``
(EinsumDense projections with per-head kernels), ``core/einsum_dense.py``
(``_analyze_split_string``), ``normalization/*.py``, ``preprocessing/normalization.py``
(mean, variance and a scalar count are non-trainable weights when not given).
Wrappers (Bidirectional, TimeDistributed) read the wrapped layer's catalog entry.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional, Tuple

from paramlint.catalog.shapes import fmt
from paramlint.catalog.spec import (
    ArgError,
    Args,
    Inputs,
    LayerSpec,
    Outputs,
    ParamSpec,
    first_shape,
    no_params,
)
from paramlint.types import Shape

_KW = "**kwargs"
_INIT = "kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros'"
_REG = ("kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, "
        "kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0")
_FLAGS = "return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False"


def _shape_of(x: Any, name: str, layer: str) -> Shape:
    s = x.get(name) if isinstance(x, Inputs) else x
    if not isinstance(s, tuple) or (s and isinstance(s[0], tuple)):
        raise ArgError(f"{layer}: {name} has no known shape yet (Keras builds weights on first call)")
    return s


def _last(s: Shape, layer: str) -> int:
    if not s or s[-1] is None:
        raise ArgError(f"{layer}: the last input dimension is unknown")
    return s[-1]


# --- recurrent ------------------------------------------------------------------------

_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def _rnn_params(kind: str, inputs: str = "sequences"):  # type: ignore[no-untyped-def]
    """An RNN layer's (or its cell's, ``kind`` ending in "Cell", called on ``inputs``) weights."""
    gates = _GATES[kind[:-4] if kind.endswith("Cell") else kind]

    def params(a: Args, x: Any) -> List[ParamSpec]:
        s = _shape_of(x, inputs, kind)
        u = a.int("units", 1)
        out = [ParamSpec("kernel", (_last(s, kind), gates * u)), ParamSpec("recurrent_kernel", (u, gates * u))]
        if a.bool("use_bias"):
            two = kind.startswith("GRU") and a.bool("reset_after")
            out.append(ParamSpec("bias", (2, gates * u) if two else (gates * u,)))
        return out
    return params


def _rnn_output(kind: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Any) -> Any:
        s = _shape_of(x, "sequences", kind)
        if len(s) != 3:
            raise ArgError(f"{kind} expects a 3D input (batch, timesteps, features), got {fmt(s)}")
        if isinstance(x, Inputs) and x.get("initial_state") is not None:
            raise ArgError(f"{kind}: an explicit initial_state is not modelled")
        u = a.int("units", 1)
        out: Shape = (s[0], s[1], u) if a.bool("return_sequences") else (s[0], u)
        if not a.bool("return_state"):
            return out
        states = [(s[0], u)] * (2 if kind == "LSTM" else 1)
        return Outputs([out, *states])
    return output


def _rnn(kind: str, sig: str) -> LayerSpec:
    return LayerSpec(
        "keras", kind, sig, _rnn_params(kind), _rnn_output(kind), lazy=True,
        extra={"forward": "sequences, initial_state=None, mask=None, training=False"},
        note=f"kernel (in, {_GATES[kind]}u) + recurrent_kernel (u, {_GATES[kind]}u) + bias"
             + (" (2, 3u) with reset_after=True" if kind == "GRU" else f" ({_GATES[kind]}u)"),
    )


# RNN(cell): the cell's weights are the layer's; a list of cells is stacked (StackedRNNCells),
# each cell's input the previous one's ``units``.

def _cell_output(a: Args, x: Any) -> Any:
    raise ArgError(f"{a.layer} called directly (outside an RNN layer) is not modelled")


def _rnn_cells(a: Args) -> List[Tuple[Any, Args]]:
    cell = a.raw("cell")
    if getattr(getattr(cell, "spec", None), "name", None) == "StackedRNNCells":
        cell = _inner_value(a, cell, "cell", built_ok=True)[1].raw("cells")
    cells = list(cell) if isinstance(cell, (list, tuple)) else [cell]
    if not cells:
        raise ArgError("RNN: an empty list of cells")
    out = []
    for c in cells:
        spec, args = _inner_value(a, c, "cell", built_ok=True)  # (the evaluator adopts built cells' weights)
        if not spec.name.endswith("Cell") or spec.name[:-4] not in _GATES:
            raise ArgError(f"RNN: a {spec.name} cell is not modelled")
        out.append((spec, args))
    return out


def _rnn_cell_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _shape_of(x, "sequences", "RNN")
    if len(s) != 3:
        raise ArgError(f"RNN expects a 3D input (batch, timesteps, features), got {fmt(s)}")
    cells = _rnn_cells(a)
    out: List[ParamSpec] = []
    features: Optional[int] = s[-1]
    for i, (spec, args) in enumerate(cells):
        prefix = f"cell.cells.{i}." if len(cells) > 1 or isinstance(a.raw("cell"), (list, tuple)) else "cell."
        out += [ParamSpec(prefix + p.name, p.shape, p.trainable) for p in spec.params(args, Inputs({"inputs": (s[0], features)}))]
        features = args.int("units", 1)
    return out


def _rnn_cell_output(a: Args, x: Any) -> Any:
    s = _shape_of(x, "sequences", "RNN")
    if len(s) != 3:
        raise ArgError(f"RNN expects a 3D input (batch, timesteps, features), got {fmt(s)}")
    if isinstance(x, Inputs) and x.get("initial_state") is not None:
        raise ArgError("RNN: an explicit initial_state is not modelled")
    cells = _rnn_cells(a)
    u = cells[-1][1].int("units", 1)
    out: Shape = (s[0], s[1], u) if a.bool("return_sequences") else (s[0], u)
    if not a.bool("return_state"):
        return out
    if len(cells) > 1 or isinstance(a.raw("cell"), (list, tuple)):
        raise ArgError("RNN: the states of stacked cells are not modelled")
    spec, _ = cells[0]
    return Outputs([out, *[(s[0], u)] * (2 if spec.name == "LSTMCell" else 1)])


_CELL_REG = ("kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, "
             "recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0")
_CELLS = [
    LayerSpec("keras", "SimpleRNNCell", f"units, activation='tanh', use_bias=True, {_INIT}, {_CELL_REG}, seed=None, {_KW}",
              _rnn_params("SimpleRNNCell", "inputs"), _cell_output, lazy=True, note="kernel (in, u) + recurrent_kernel (u, u) + bias (u)"),
    LayerSpec("keras", "LSTMCell", f"units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, {_INIT}, "
                                   f"unit_forget_bias=True, {_CELL_REG}, seed=None, {_KW}",
              _rnn_params("LSTMCell", "inputs"), _cell_output, lazy=True, note="kernel (in, 4u) + recurrent_kernel (u, 4u) + bias (4u)"),
    LayerSpec("keras", "GRUCell", f"units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, {_INIT}, "
                                  f"{_CELL_REG}, reset_after=True, seed=None, {_KW}",
              _rnn_params("GRUCell", "inputs"), _cell_output, lazy=True, note="kernel (in, 3u) + recurrent_kernel (u, 3u) + bias (2, 3u) with reset_after"),
    LayerSpec("keras", "StackedRNNCells", f"cells, {_KW}", no_params, _cell_output, lazy=True, note="its cells' weights, inside an RNN"),
    LayerSpec("keras", "RNN", "cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False, "
                              f"unroll=False, zero_output_for_mask=False, {_KW}",
              _rnn_cell_params, _rnn_cell_output, lazy=True,
              extra={"forward": "sequences, initial_state=None, mask=None, training=False"},
              note="its cells' weights; stacked cells each take the previous one's units"),
]

_RNNS = [
    _rnn("SimpleRNN", f"units, activation='tanh', use_bias=True, {_INIT}, {_REG}, {_FLAGS}, seed=None, {_KW}"),
    _rnn("LSTM", f"units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, {_INIT}, unit_forget_bias=True, "
                 f"{_REG}, seed=None, {_FLAGS}, use_cudnn='auto', {_KW}"),
    _rnn("GRU", f"units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, {_INIT}, {_REG}, seed=None, "
                f"{_FLAGS}, reset_after=True, use_cudnn='auto', {_KW}"),
]


# --- wrappers -------------------------------------------------------------------------

def _inner(a: Args, name: str = "layer", built_ok: bool = False) -> Tuple[Any, Args]:
    """The wrapped layer's catalog entry and arguments (a user subclass may own more).
    ``built_ok``: its weights are not read here (Bidirectional clones its forward layer from
    the config; a built backward layer or TimeDistributed's layer is shared by the evaluator)."""
    return _inner_value(a, a.raw(name), name, built_ok)


def _inner_value(a: Args, inner: Any, name: str, built_ok: bool = False) -> Tuple[Any, Args]:
    spec, args = getattr(inner, "spec", None), getattr(inner, "args", None)
    if spec is None or args is None or getattr(inner, "cls", None) is not None or spec.role != "leaf":
        raise ArgError(f"{a.layer}: the wrapped {name} is not a catalog layer (a model or a subclass)")
    if getattr(inner, "uncertain", None) is not None:
        raise ArgError(f"{a.layer}: the wrapped {name} is uncertain", inner.uncertain)
    if not built_ok and getattr(inner, "built", False) and spec.role == "leaf" and getattr(inner, "params", None):
        raise ArgError(f"{a.layer}: the wrapped {name} is already built (its weights may be shared)")
    return spec, Args(spec.name, args)


def _inner_input(spec: Any, s: Shape) -> Any:
    if "forward" not in spec.extra:
        return s
    first = spec.extra["forward"].split(",")[0].strip()
    return Inputs({first: s})


def _inner_params(spec: Any, args: Args, s: Shape, prefix: str) -> List[ParamSpec]:
    return [ParamSpec(prefix + p.name, p.shape, p.trainable, p.buffer, p.collection)
            for p in spec.params(args, _inner_input(spec, s))]


def _inner_output(spec: Any, args: Args, s: Shape) -> Any:
    if spec.output is None:
        raise ArgError(f"output shape of {spec.name} is not modelled")
    return spec.output(args, _inner_input(spec, s))


def _bidi_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _shape_of(x, "sequences", "Bidirectional")
    fw, fargs = _inner(a, built_ok=True)
    if fw.name not in _GATES:
        raise ArgError(f"Bidirectional: wrapping a {fw.name} is not modelled")
    out = _inner_params(fw, fargs, s, "forward_layer.")
    if a.raw("backward_layer") is None:
        return out + _inner_params(fw, fargs, s, "backward_layer.")
    bw, bargs = _inner(a, "backward_layer", built_ok=True)
    return out + _inner_params(bw, bargs, s, "backward_layer.")


def _bidi_output(a: Args, x: Any) -> Any:
    s = _shape_of(x, "sequences", "Bidirectional")
    fw, fargs = _inner(a, built_ok=True)
    f_out = _inner_output(fw, fargs, s)
    # Keras's compute_output_shape reads only the forward layer: a narrower backward_layer
    # still gives the forward width twice (what the next layer is built on)
    b_out = f_out
    f_states: List[Any] = list(f_out[1:]) if isinstance(f_out, Outputs) else []
    b_states: List[Any] = list(b_out[1:]) if isinstance(b_out, Outputs) else []
    fo, bo = first_shape(f_out), first_shape(b_out)
    assert fo is not None and bo is not None
    mode = a.raw("merge_mode")
    if mode == "concat":
        merged: Any = tuple(fo[:-1]) + (None if fo[-1] is None or bo[-1] is None else fo[-1] + bo[-1],)
    elif mode in ("sum", "ave", "mul"):
        merged = fo
    elif mode is None:
        merged = Outputs([fo, bo])
    else:
        raise ArgError(f"Bidirectional: invalid merge_mode {mode!r}")
    if not f_states:
        return merged
    head = list(merged) if isinstance(merged, Outputs) else [merged]
    return Outputs(head + f_states + b_states)


def _td_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _shape_of(x, "inputs", "TimeDistributed")
    if len(s) < 3:
        raise ArgError(f"TimeDistributed expects at least a 3D input, got {fmt(s)}")
    spec, args = _inner(a)
    return _inner_params(spec, args, (s[0],) + tuple(s[2:]), "layer.")


def _td_output(a: Args, x: Any) -> Any:
    s = _shape_of(x, "inputs", "TimeDistributed")
    spec, args = _inner(a, built_ok=True)
    out = _inner_output(spec, args, (s[0],) + tuple(s[2:]))
    if isinstance(out, Outputs):
        raise ArgError("TimeDistributed of a layer with several outputs is not modelled")
    return (s[0], s[1]) + tuple(out[1:])


def _sn_params(a: Args, x: Any) -> List[ParamSpec]:
    """``SpectralNormalization``: the wrapped layer's weights plus a non-trainable ``vector_u``
    (1, kernel.shape[-1]); Keras refuses a layer without a ``kernel``."""
    s = _shape_of(x, "inputs", "SpectralNormalization")
    spec, args = _inner(a, built_ok=True)  # (the evaluator adopts a built layer's weights)
    inner = _inner_params(spec, args, s, "layer.")
    kernel = [p for p in inner if p.name == "layer.kernel"]
    if not kernel:
        raise ArgError(f"SpectralNormalization: the wrapped {spec.name} has no kernel (an error in Keras)")
    return inner + [ParamSpec("vector_u", (1, kernel[0].shape[-1]), trainable=False)]


def _sn_output(a: Args, x: Any) -> Any:
    spec, args = _inner(a, built_ok=True)
    return _inner_output(spec, args, _shape_of(x, "inputs", "SpectralNormalization"))


# --- attention ------------------------------------------------------------------------

def _mha_dims(a: Args, x: Any) -> Tuple[Shape, Shape, Shape, int, int, int, Tuple[int, ...]]:
    axes = a.raw("attention_axes")
    if axes is not None and axes not in (1, (1,), [1]):  # (over a 3-D input, axis 1 is the default)
        raise ArgError("MultiHeadAttention: attention_axes other than the sequence axis are not modelled")
    if a.bool("use_gate"):
        raise ArgError("MultiHeadAttention: use_gate is not modelled")
    _no_flash_dropout(a)
    q, v = _shape_of(x, "query", "MultiHeadAttention"), _shape_of(x, "value", "MultiHeadAttention")
    k = v if not isinstance(x, Inputs) or x.get("key") is None else _shape_of(x, "key", "MultiHeadAttention")
    if len(q) != 3 or len(v) != 3 or len(k) != 3:
        raise ArgError("MultiHeadAttention: only 3D (batch, seq, features) inputs are modelled")
    h, kd = a.int("num_heads", 1), a.int("key_dim", 1)
    vd = a.opt_int("value_dim", 1) or kd
    os = a.raw("output_shape")
    if os is None:
        out: Tuple[int, ...] = (_last(q, "MultiHeadAttention"),)
    elif isinstance(os, (list, tuple)):
        out = a.ints("output_shape", len(os), 1)
    else:
        out = (a.int("output_shape", 1),)
    return q, k, v, h, kd, vd, out


def _mha_params(a: Args, x: Any) -> List[ParamSpec]:
    q, k, v, h, kd, vd, out = _mha_dims(a, x)
    bias = a.bool("use_bias")
    specs: List[ParamSpec] = []
    for name, s, d in (("query", q, kd), ("key", k, kd), ("value", v, vd)):
        specs.append(ParamSpec(f"{name}_dense.kernel", (_last(s, "MultiHeadAttention"), h, d)))
        if bias:
            specs.append(ParamSpec(f"{name}_dense.bias", (h, d)))
    specs.append(ParamSpec("output_dense.kernel", (h, vd) + out))
    if bias:
        specs.append(ParamSpec("output_dense.bias", out))
    return specs


def _mha_output(a: Args, x: Any) -> Any:
    q, k, _, h, _, _, out = _mha_dims(a, x)
    return _with_scores(x, tuple(q[:-1]) + out, q, k, h)


def _with_scores(x: Any, res: Shape, q: Shape, k: Shape, heads: int) -> Any:
    """An attention layer's output, and its (batch, heads, q_len, k_len) scores when asked."""
    scores = x.get("return_attention_scores")
    if scores is not True and scores is not False and scores is not None:
        raise ArgError("return_attention_scores is not a constant")
    if scores:
        return Outputs([res, (q[0], heads, q[1], k[1])])
    return res


def _category_encoding_output(a: Args, x: Shape) -> Shape:
    """``CategoryEncoding.compute_output_shape`` as Keras has it (a rank-1 input loses its
    batch axis in multi_hot/count: what Keras reports)."""
    mode = a.raw("output_mode")
    n = a.raw("num_tokens")
    if mode not in ("multi_hot", "count", "one_hot", "binary") or type(n) is not int or n < 1:
        raise ArgError("num_tokens must be an int >= 1 and output_mode one of multi_hot/count/one_hot (Keras raises)")
    if len(x) == 0:
        return (n,)
    if mode == "one_hot" and (x[-1] != 1 or len(x) == 1):
        return tuple(x) + (n,)
    return tuple(x[:-1]) + (n,)


_GQA = "GroupedQueryAttention"


def _no_flash_dropout(a: Args) -> None:
    """Keras raises at init for dropout with ``flash_attention`` (its ``flash_attention or
    is_flash_attention_enabled()``: the global switch is never truthy, ``enable_flash_attention()``
    sets it to None, meaning "where supported")."""
    flash, dropout = a.raw("flash_attention"), a.raw("dropout")
    if flash is None or flash is False or (type(flash) is int and flash == 0):
        return
    if not isinstance(dropout, (int, float)) or dropout > 0:
        raise ArgError("dropout is not supported with flash attention (an error in Keras)")


def _gqa_dims(a: Args, x: Any) -> Tuple[Shape, Shape, Shape, int, int, int]:
    """``GroupedQueryAttention``: the checks its ``__init__``, ``build`` (EinsumDense over 3-D
    inputs) and ``compute_output_shape`` make, where Keras raises."""
    u, v, h = a.int("num_query_heads", 1), a.int("num_key_value_heads", 1), a.int("head_dim", 1)
    if u % v:
        raise ArgError("num_query_heads must be divisible by num_key_value_heads")
    sw = a.raw("sliding_window")
    if sw is not None and (type(sw) is not int or sw <= 0):
        raise ArgError("sliding_window must be None or a positive int")
    _no_flash_dropout(a)
    q, val = _shape_of(x, "query", _GQA), _shape_of(x, "value", _GQA)
    k = val if not isinstance(x, Inputs) or x.get("key") is None else _shape_of(x, "key", _GQA)
    if len(q) != 3 or len(val) != 3 or len(k) != 3:
        raise ArgError("only 3D (batch, seq, features) inputs are modelled")
    if q[-1] != val[-1] or val[1:-1] != k[1:-1]:
        raise ArgError("query and value features, or value and key lengths, differ (an error in Keras)")
    return q, k, val, u, v, h


def _gqa_params(a: Args, x: Any) -> List[ParamSpec]:
    q, k, val, u, v, h = _gqa_dims(a, x)
    bias = a.bool("use_bias")
    parts = [("query", q, u), ("key", k, v)] + ([("gate", q, u)] if a.bool("use_gate") else []) + [("value", val, v)]
    specs: List[ParamSpec] = []
    for name, s, heads in parts:
        specs.append(ParamSpec(f"{name}.kernel", (_last(s, _GQA), heads, h)))
        if bias:
            specs.append(ParamSpec(f"{name}.bias", (heads, h)))
    m = _last(q, _GQA)
    specs.append(ParamSpec("attention_output.kernel", (u, h, m)))
    if bias:
        specs.append(ParamSpec("attention_output.bias", (m,)))
    return specs


def _gqa_output(a: Args, x: Any) -> Any:
    q, k, _, u, _, _ = _gqa_dims(a, x)
    return _with_scores(x, q, q, k, u)


def _attention_inputs(x: Any, layer: str) -> Tuple[Shape, Shape]:
    ins = x.get("inputs")
    if not isinstance(ins, tuple) or len(ins) not in (2, 3) or not all(isinstance(s, tuple) for s in ins):
        raise ArgError(f"{layer} expects a list [query, value] or [query, value, key]")
    if x.get("return_attention_scores"):
        raise ArgError(f"{layer}: return_attention_scores is not modelled")
    return ins[0], ins[1]


def _attention_params(additive: bool):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Any) -> List[ParamSpec]:
        q, _ = _attention_inputs(x, a.layer)
        if additive:
            return [ParamSpec("scale", (_last(q, a.layer),))] if a.bool("use_scale") else []
        if a.raw("score_mode") not in ("dot", "concat"):
            raise ArgError(f"Attention: invalid score_mode {a.raw('score_mode')!r}")
        out = [ParamSpec("scale", ())] if a.bool("use_scale") else []
        if a.raw("score_mode") == "concat":
            out.append(ParamSpec("concat_score_weight", ()))
        return out
    return params


def _attention_output(a: Args, x: Any) -> Shape:
    q, v = _attention_inputs(x, a.layer)
    return tuple(q[:-1]) + (v[-1],)


# --- EinsumDense ----------------------------------------------------------------------

def _einsum(a: Args, x: Any) -> Tuple[List[Any], Optional[List[Any]], List[Any]]:
    """Port of ``_analyze_einsum_string``: kernel shape, bias shape, full output shape."""
    s = _shape_of(x, "inputs", "EinsumDense")
    eq = a.str("equation")
    d = re.sub(r"\.\.\.", "0", eq)
    left = False
    m = re.match(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", d)
    if not m:
        m = re.match(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", d)
        left = m is not None
    if not m:
        m = re.match(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", d)
    if not m:
        raise ArgError(f"EinsumDense: invalid equation {eq!r}")
    ins, ws, outs = m.group(1), m.group(2), m.group(3)
    elided = len(s) - len(ins)
    raw = a.raw("output_shape")
    if isinstance(raw, (list, tuple)):
        for v in raw:
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise ArgError("EinsumDense: output_shape must hold ints or None")
        out = list(raw)
    else:
        out = [a.int("output_shape", 1)]
    out.insert(0, s[0])
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, s[i])
    elif elided > 0:
        for i in range(len(s) - elided, len(s)):
            out.append(s[i])
    if left:
        imap = {c: (i + elided) - len(s) for i, c in enumerate(ins)}
        omap = {c: i + elided for i, c in enumerate(outs)}
    else:
        imap = {c: i for i, c in enumerate(ins)}
        omap = {c: i for i, c in enumerate(outs)}
    try:
        for c in ins:
            if c in omap and out[omap[c]] is not None and out[omap[c]] != s[imap[c]]:
                raise ArgError(f"EinsumDense: input and output shapes differ at {c!r}")
        for c in outs:
            if c not in ins and c not in ws:
                raise ArgError(f"EinsumDense: output dim {c!r} has no input or weight dim")
        kernel: List[Any] = []
        for c in ws:
            if c in omap:
                kernel.append(out[omap[c]])
            elif c in imap:
                kernel.append(s[imap[c]])
            else:
                raise ArgError(f"EinsumDense: weight dim {c!r} matches no input or output dim")
        bias: Optional[List[Any]] = None
        axes = a.raw("bias_axes")
        if axes is not None:
            if not isinstance(axes, str) or any(c not in outs for c in axes):
                raise ArgError("EinsumDense: bias_axes must name output dims")
            nl = elided if left else 0
            idx = {c: out[i + nl] for i, c in enumerate(outs)}
            first = min(outs.find(c) for c in axes)
            bias = [idx[c] if c in axes else 1 for c in outs[first:]]
            if not left:
                bias += [1] * max(elided, 0)
    except IndexError:
        raise ArgError(f"EinsumDense: equation {eq!r} does not fit input shape {fmt(s)}") from None
    return kernel, bias, out


def _einsum_params(a: Args, x: Any) -> List[ParamSpec]:
    if a.raw("lora_rank") is not None or a.raw("quantization_config") is not None:
        raise ArgError("EinsumDense: lora_rank / quantization_config weights are not modelled")
    kernel, bias, _ = _einsum(a, x)
    if any(d is None for d in kernel) or (bias is not None and any(d is None for d in bias)):
        raise ArgError("EinsumDense: a weight dimension is unknown")
    out = [ParamSpec("kernel", tuple(kernel))]
    if bias is not None:
        out.append(ParamSpec("bias", tuple(bias)))
    return out


def _einsum_output(a: Args, x: Any) -> Shape:
    return tuple(_einsum(a, x)[2])


# --- embeddings and normalization -----------------------------------------------------

def _embedding_params(a: Args, x: Any) -> List[ParamSpec]:
    if a.raw("weights") is not None or a.raw("lora_rank") is not None or a.raw("quantization_config") is not None:
        raise ArgError("Embedding: weights / lora_rank / quantization_config are not modelled")
    return [ParamSpec("embeddings", (a.int("input_dim", 1), a.int("output_dim", 1)))]


def _embedding_output(a: Args, x: Shape) -> Shape:
    return tuple(x) + (a.int("output_dim", 1),)


def _reversible_params(a: Args, x: Any) -> List[ParamSpec]:
    kw = a.raw("kwargs")
    if isinstance(kw, dict) and any(kw.get(k) is not None for k in ("weights", "lora_rank", "quantization_config")):
        raise ArgError("ReversibleEmbedding: weights / lora_rank / quantization_config are not modelled")
    specs = _embedding_params(a, x)
    tie = a.raw("tie_weights")
    if not isinstance(tie, bool):
        raise ArgError("ReversibleEmbedding: tie_weights is not a constant bool")
    if not tie:  # its own (output_dim, input_dim) projection back to the vocabulary
        specs.append(ParamSpec("reverse_embeddings", (a.int("output_dim", 1), a.int("input_dim", 1))))
    return specs


def _reversible_output(a: Args, x: Any) -> Shape:
    s, reverse = x.get("inputs"), x.get("reverse")
    if not isinstance(s, tuple) or not all(d is None or isinstance(d, int) for d in s):
        raise ArgError("ReversibleEmbedding expects one tensor")
    if not isinstance(reverse, bool):
        raise ArgError("ReversibleEmbedding: reverse is not a constant bool")
    if reverse:  # hidden states @ embeddings.T: logits over the vocabulary
        return tuple(s[:-1]) + (a.int("input_dim", 1),)
    return tuple(s) + (a.int("output_dim", 1),)


def _axes(a: Args, x: Shape, layer: str) -> List[int]:
    v = a.raw("axis")
    axes = list(v) if isinstance(v, (list, tuple)) else [v]
    out = []
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, int) or not -len(x) <= ax < len(x):
            raise ArgError(f"{layer}: invalid axis {ax!r} for a {len(x)}D input")
        out.append(ax % len(x))
    return out


def _dims(x: Shape, axes: List[int], layer: str) -> Tuple[int, ...]:
    dims = tuple(x[i] for i in axes)
    if any(d is None for d in dims):
        raise ArgError(f"{layer}: the normalized axis has unknown size")
    return dims  # type: ignore[return-value]


def _layernorm_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    s = _shape_of(x, "inputs", "LayerNormalization")
    axes = _axes(a, s, "LayerNormalization")
    shape = _dims(s, axes, "LayerNormalization")
    kw = a.raw("kwargs")
    rms = kw.get("rms_scaling", False) if isinstance(kw, dict) else False
    if type(rms).__name__ == "Unknown" or not isinstance(rms, (bool, int, type(None))):
        raise ArgError("LayerNormalization: rms_scaling is not a known flag")
    out = []
    if a.bool("scale") or rms:
        out.append(ParamSpec("gamma", shape))
    if a.bool("center") and not rms:  # Keras: rms_scaling replaces centering
        out.append(ParamSpec("beta", shape))
    return out


def _groupnorm_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    s = _shape_of(x, "inputs", "GroupNormalization")
    axes = _axes(a, s, "GroupNormalization")
    (c,) = _dims(s, axes, "GroupNormalization")
    g = c if a.raw("groups") == -1 and c is not None else a.int("groups", 1)  # (Keras: -1 is a group per channel)
    if g > c or c % g:
        raise ArgError(f"GroupNormalization: {c} channels cannot be split into {g} groups")
    out = []
    if a.bool("scale"):
        out.append(ParamSpec("gamma", (c,)))
    if a.bool("center"):
        out.append(ParamSpec("beta", (c,)))
    return out


def _normalization_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    if a.raw("mean") is not None or a.raw("variance") is not None:
        return []
    s = _shape_of(x, "inputs", "Normalization")
    v = a.raw("axis")
    axes = [] if v is None else _axes(a, s, "Normalization")
    shape = _dims(s, sorted(axes), "Normalization")
    return [ParamSpec("mean", shape, trainable=False), ParamSpec("variance", shape, trainable=False),
            ParamSpec("count", (), trainable=False)]


def _prelu_params(a: Args, x: Optional[Shape]) -> List[ParamSpec]:
    s = _shape_of(x, "inputs", "PReLU")
    shape = list(s[1:])
    shared = a.raw("shared_axes")
    if shared is not None:
        for ax in (shared if isinstance(shared, (list, tuple)) else [shared]):
            if isinstance(ax, bool) or not isinstance(ax, int) or not 1 <= ax < len(s):
                raise ArgError(f"PReLU: invalid shared axis {ax!r}")
            shape[ax - 1] = 1
    if any(d is None for d in shape):
        raise ArgError("PReLU: an input dimension is unknown")
    return [ParamSpec("alpha", tuple(shape))]  # type: ignore[arg-type]


def _lambda_output(a: Args, x: Shape) -> Shape:
    raise ArgError("Lambda: the output of an arbitrary function is not modelled")


def _same(a: Args, x: Shape) -> Shape:
    return x


def _rescaling_output(a: Args, x: Shape) -> Shape:
    return x


_NORM = ("beta_initializer='zeros', gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, "
         "beta_constraint=None, gamma_constraint=None")
_MHA_FWD = ("query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None, "
            "return_attention_scores=False, training=None, use_causal_mask=False")
_ATT_FWD = "inputs, mask=None, return_attention_scores=False, training=None, use_causal_mask=False"

CATALOG = [
    *_RNNS,
    *_CELLS,
    LayerSpec("keras", "Bidirectional", f"layer, merge_mode='concat', weights=None, backward_layer=None, {_KW}",
              _bidi_params, _bidi_output, lazy=True,
              extra={"forward": "sequences, initial_state=None, mask=None, training=None"},
              note="a forward and a backward copy of the wrapped RNN, each with its own weights"),
    LayerSpec("keras", "TimeDistributed", f"layer, {_KW}", _td_params, _td_output, lazy=True,
              extra={"forward": "inputs, training=None, mask=None"},
              note="the wrapped layer's weights, built on (batch, *input_shape[2:])"),
    LayerSpec("keras", "SpectralNormalization", f"layer, power_iterations=1, {_KW}", _sn_params, _sn_output, lazy=True,
              extra={"forward": "inputs, training=False"},
              note="the wrapped layer's weights + vector_u (1, kernel.shape[-1]), non-trainable"),
    LayerSpec(
        "keras", "MultiHeadAttention",
        "num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None, attention_axes=None, "
        "sliding_window=None, flash_attention=None, kernel_initializer='glorot_uniform', bias_initializer='zeros', "
        "kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, "
        f"bias_constraint=None, use_gate=False, seed=None, {_KW}",
        _mha_params, _mha_output, lazy=True, extra={"forward": _MHA_FWD, "build_names": ("softmax", "dropout")},
        note="query/key/value kernels (dim, heads, key_dim|value_dim) + biases (heads, dim); output (heads, value_dim, out)",
    ),
    LayerSpec(
        "keras", _GQA,
        "head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True, sliding_window=None, "
        "flash_attention=None, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, "
        f"bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, {_KW}",
        _gqa_params, _gqa_output, lazy=True, aliases=("GroupQueryAttention",),
        extra={"forward": _MHA_FWD, "build_names": ("softmax", "dropout")},
        note="query (dim, q_heads, head_dim), key/value (dim, kv_heads, head_dim) + biases; output (q_heads, head_dim, dim)",
    ),
    LayerSpec("keras", "Attention", f"use_scale=False, score_mode='dot', dropout=0.0, seed=None, {_KW}",
              _attention_params(False), _attention_output, lazy=True, extra={"forward": _ATT_FWD},
              note="no weights, a scalar scale with use_scale"),
    LayerSpec("keras", "AdditiveAttention", f"use_scale=True, dropout=0.0, {_KW}",
              _attention_params(True), _attention_output, lazy=True, extra={"forward": _ATT_FWD},
              note="scale (query features) with use_scale"),
    LayerSpec(
        "keras", "EinsumDense",
        "equation, output_shape, activation=None, bias_axes=None, kernel_initializer='glorot_uniform', "
        "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, "
        f"bias_constraint=None, lora_rank=None, lora_alpha=None, gptq_unpacked_column_size=None, quantization_config=None, {_KW}",
        _einsum_params, _einsum_output, lazy=True, note="kernel and bias shapes from the equation",
    ),
    LayerSpec(
        "keras", "Embedding",
        "input_dim, output_dim, embeddings_initializer='uniform', embeddings_regularizer=None, embeddings_constraint=None, "
        f"mask_zero=False, weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, {_KW}",
        _embedding_params, _embedding_output, lazy=True, note="embeddings (input_dim, output_dim)",
        extra={"supports_masking": "mask_zero"},
    ),
    LayerSpec(
        "keras", "ReversibleEmbedding",
        "input_dim, output_dim, tie_weights=True, embeddings_initializer='uniform', embeddings_regularizer=None, "
        f"embeddings_constraint=None, mask_zero=False, reverse_dtype=None, logit_soft_cap=None, {_KW}",
        _reversible_params, _reversible_output, lazy=True,
        extra={"forward": "inputs, *, reverse=False", "supports_masking": "mask_zero"},
        note="embeddings (input_dim, output_dim), + reverse_embeddings (output_dim, input_dim) without tie_weights",
    ),
    LayerSpec("keras", "LayerNormalization", f"axis=-1, epsilon=0.001, center=True, scale=True, {_NORM}, {_KW}",
              _layernorm_params, _same, lazy=True, note="gamma + beta over the normalized axes"),
    LayerSpec("keras", "GroupNormalization", f"groups=32, axis=-1, epsilon=0.001, center=True, scale=True, {_NORM}, {_KW}",
              _groupnorm_params, _same, lazy=True, note="gamma + beta (channels)"),
    LayerSpec("keras", "UnitNormalization", f"axis=-1, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "CategoryEncoding", f"num_tokens=None, output_mode='multi_hot', sparse=False, {_KW}",
              no_params, _category_encoding_output, lazy=True, note="no weights"),
    LayerSpec("keras", "Rescaling", f"scale, offset=0.0, {_KW}", no_params, _rescaling_output, lazy=True),
    LayerSpec("keras", "Normalization", f"axis=-1, mean=None, variance=None, invert=False, {_KW}",
              _normalization_params, _same, lazy=True,
              note="mean + variance + count, non-trainable, when not given (counted by count_params())"),
    LayerSpec("keras", "PReLU", f"alpha_initializer='Zeros', alpha_regularizer=None, alpha_constraint=None, shared_axes=None, {_KW}",
              _prelu_params, _same, lazy=True, note="alpha (input_shape[1:], 1 on shared axes)"),
    LayerSpec("keras", "LeakyReLU", f"negative_slope=0.3, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "ELU", f"alpha=1.0, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "Identity", _KW, no_params, _same, lazy=True),
    LayerSpec("keras", "GaussianNoise", f"stddev, seed=None, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "GaussianDropout", f"rate, seed=None, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "AlphaDropout", f"rate, noise_shape=None, seed=None, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "SpatialDropout1D", "rate, seed=None, name=None, dtype=None", no_params, _same, lazy=True),
    LayerSpec("keras", "SpatialDropout2D", "rate, data_format=None, seed=None, name=None, dtype=None", no_params, _same, lazy=True),
    LayerSpec("keras", "SpatialDropout3D", "rate, data_format=None, seed=None, name=None, dtype=None", no_params, _same, lazy=True),
    LayerSpec("keras", "ActivityRegularization", f"l1=0.0, l2=0.0, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "Masking", f"mask_value=0.0, {_KW}", no_params, _same, lazy=True),
    LayerSpec("keras", "Lambda", f"function, output_shape=None, mask=None, arguments=None, {_KW}", no_params, _lambda_output,
              lazy=True, note="no weights; the output of an arbitrary function is Unknown"),
]
