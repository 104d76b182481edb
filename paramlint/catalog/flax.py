"""Flax linen layers: dataclass fields as signatures, parameters built from the first input.

Truth is the ``params`` collection of ``model.init(...)`` (what Flax users total);
BatchNorm's ``mean``/``var`` live in ``batch_stats`` and are reported as state, not
parameters. Sources: ``flax/linen/{linear,normalization,attention,recurrent,stochastic}.py``.
Fields whose defaults are functions (initializers, dtypes) are written ``None`` here: they
never change a shape.
"""

from __future__ import annotations

from typing import Any, List, Tuple

from paramlint.catalog.shapes import fmt
from paramlint.catalog.spec import (
    ArgError,
    Args,
    Inputs,
    LayerSpec,
    Outputs,
    ParamSpec,
    no_params,
)
from paramlint.types import Dim, Shape

_TAIL = "*, parent=None, name=None"


def _x(x: Any, name: str, layer: str) -> Shape:
    s = x.get(name) if isinstance(x, Inputs) else x
    if not isinstance(s, tuple) or (s and isinstance(s[0], tuple)):
        raise ArgError(f"{layer}: parameters are created on the first call (no input shape reaches it)")
    return s


def _known(*dims: Dim, what: str) -> Tuple[int, ...]:
    out = []
    for d in dims:
        if d is None:
            raise ArgError(f"{what} is unknown")
        out.append(d)
    return tuple(out)


def _features(a: Args, name: str = "features") -> Tuple[int, ...]:
    v = a.raw(name)
    return a.ints(name, len(v), 1) if isinstance(v, (list, tuple)) else (a.int(name, 1),)


# --- Dense, DenseGeneral, Embed -------------------------------------------------------

def _dense_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _x(x, "inputs", "Dense")
    (i,) = _known(s[-1] if s else None, what="Dense: the last input dimension")
    f = a.int("features", 1)
    out = [ParamSpec("kernel", (i, f))]
    if a.bool("use_bias"):
        out.append(ParamSpec("bias", (f,)))
    return out


def _dense_output(a: Args, x: Any) -> Shape:
    s = _x(x, "inputs", "Dense")
    return tuple(s[:-1]) + (a.int("features", 1),)


def _general_axes(a: Args, s: Shape) -> Tuple[int, ...]:
    if a.raw("batch_dims") not in ((), [], None):
        raise ArgError("DenseGeneral: batch_dims is not modelled")
    v = a.raw("axis")
    axes = v if isinstance(v, (list, tuple)) else (v,)
    out = []
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, int) or not -len(s) <= ax < len(s):
            raise ArgError(f"DenseGeneral: invalid axis {ax!r} for input {fmt(s)}")
        out.append(ax % len(s))
    return tuple(out)


def _general_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _x(x, "inputs", "DenseGeneral")
    axes = _general_axes(a, s)
    ins = tuple(s[i] for i in axes)
    known = _known(*ins, what="DenseGeneral: a contracted input dimension")
    f = _features(a)
    out = [ParamSpec("kernel", known + f)]
    if a.bool("use_bias"):
        out.append(ParamSpec("bias", f))
    return out


def _general_output(a: Args, x: Any) -> Shape:
    s = _x(x, "inputs", "DenseGeneral")
    axes = _general_axes(a, s)
    return tuple(d for i, d in enumerate(s) if i not in axes) + _features(a)


def _embed_params(a: Args, x: Any) -> List[ParamSpec]:
    return [ParamSpec("embedding", (a.int("num_embeddings", 1), a.int("features", 1)))]


def _embed_output(a: Args, x: Any) -> Shape:
    return tuple(_x(x, "inputs", "Embed")) + (a.int("features", 1),)


# --- convolutions -----------------------------------------------------------------------

def _kernel(a: Args) -> Tuple[int, ...]:
    v = a.raw("kernel_size")
    return a.ints("kernel_size", len(v), 1) if isinstance(v, (list, tuple)) else (a.int("kernel_size", 1),)


def _bcast(a: Args, name: str, n: int) -> Tuple[int, ...]:
    return (1,) * n if a.raw(name) is None else a.ints(name, n, 1)


def _split(s: Shape, n: int, layer: str) -> Tuple[Shape, Shape, Dim]:
    if len(s) < n + 1:
        raise ArgError(f"{layer}: a {n}D kernel needs an input of at least {n + 1} dims, got {fmt(s)}")
    return tuple(s[:len(s) - n - 1]), tuple(s[len(s) - n - 1:-1]), s[-1]


def _conv_params(transpose: bool):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Any) -> List[ParamSpec]:
        layer = "ConvTranspose" if transpose else "Conv"
        if a.raw("mask") is not None:
            raise ArgError(f"{layer}: a kernel mask is not modelled")
        k = _kernel(a)
        _, _, c = _split(_x(x, "inputs", layer), len(k), layer)
        _known(c, what=f"{layer}: input features")
        assert c is not None
        f = a.int("features", 1)
        if transpose:
            shape = k + ((f, c) if a.bool("transpose_kernel") else (c, f))
        else:
            g = a.int("feature_group_count", 1)
            if c % g or f % g:
                raise ArgError(f"Conv: features ({c}, {f}) must be divisible by feature_group_count ({g})")
            shape = k + (c // g, f)
        out = [ParamSpec("kernel", shape)]
        if a.bool("use_bias"):
            out.append(ParamSpec("bias", (f,)))
        return out
    return params


def _pads(a: Args, n: int, transpose: bool = False) -> Any:
    """A padding as flax reads it: its own modes by their exact names (``'CIRCULAR'``...), a
    string it hands to lax in any case for Conv (lax upper-cases ``'same'``, ``'valid'``,
    ``'same_lower'``), exactly ``'SAME'``/``'VALID'`` for ConvTranspose (lax raises otherwise)."""
    p = a.raw("padding")
    if isinstance(p, str):
        if p in ("CIRCULAR", "REFLECT", "CAUSAL") or (transpose and p in ("SAME", "VALID")):
            return p
        if not transpose and p.upper() in ("SAME", "VALID", "SAME_LOWER"):
            return "VALID" if p.upper() == "VALID" else "SAME"  # (SAME_LOWER: the same sizes)
        raise ArgError(f"padding {p!r} is not one flax accepts here (it raises)")
    if isinstance(p, int) and not isinstance(p, bool):
        return ((p, p),) * n
    if isinstance(p, (list, tuple)) and len(p) == n:
        out = []
        for item in p:
            if isinstance(item, int) and not isinstance(item, bool):
                out.append((item, item))
            elif isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(v, int) for v in item):
                out.append((item[0], item[1]))
            else:
                raise ArgError("Conv: padding must hold ints or (low, high) pairs")
        return tuple(out)
    raise ArgError(f"Conv: padding {p!r} is not modelled")


def _conv_output(a: Args, x: Any) -> Shape:
    k = _kernel(a)
    n = len(k)
    batch, spatial, _ = _split(_x(x, "inputs", "Conv"), n, "Conv")
    s, d = _bcast(a, "strides", n), _bcast(a, "kernel_dilation", n)
    if _bcast(a, "input_dilation", n) != (1,) * n:
        raise ArgError("Conv: input_dilation is not modelled")
    pads = _pads(a, n)
    if pads == "CAUSAL" and n != 1:
        raise ArgError("Causal padding is only implemented for 1D convolutions.")
    sizes: List[Dim] = []
    for i, L in enumerate(spatial):
        kd = (k[i] - 1) * d[i] + 1
        if L is None:
            sizes.append(None)
        elif pads in ("SAME", "CIRCULAR", "REFLECT", "CAUSAL"):
            sizes.append(-(-L // s[i]))
        elif pads == "VALID":
            sizes.append(max(0, -(-(L - kd + 1) // s[i])))
        elif isinstance(pads, tuple):
            lo, hi = pads[i]
            sizes.append(max(0, (L + lo + hi - kd) // s[i] + 1))
        else:
            raise ArgError(f"Conv: padding {pads!r} is not modelled")
    return batch + tuple(sizes) + (a.int("features", 1),)


def _convT_output(a: Args, x: Any) -> Shape:
    k = _kernel(a)
    n = len(k)
    batch, spatial, _ = _split(_x(x, "inputs", "ConvTranspose"), n, "ConvTranspose")
    s, d = _bcast(a, "strides", n), _bcast(a, "kernel_dilation", n)
    pads = _pads(a, n, transpose=True)
    sizes: List[Dim] = []
    for i, L in enumerate(spatial):
        kd = (k[i] - 1) * d[i] + 1
        if L is None:
            sizes.append(None)
        elif pads == "SAME":
            sizes.append(L * s[i])
        elif pads == "VALID":
            sizes.append(L * s[i] + max(kd - s[i], 0))
        else:
            raise ArgError(f"ConvTranspose: padding {pads!r} is not modelled")
    return batch + tuple(sizes) + (a.int("features", 1),)


# --- normalization ----------------------------------------------------------------------

def _axes(v: Any, rank: int, layer: str) -> Tuple[int, ...]:
    axes = v if isinstance(v, (list, tuple)) else (v,)
    out = set()
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, int) or not -rank <= ax < rank:
            raise ArgError(f"{layer}: invalid axis {ax!r} for rank {rank}")
        out.add(ax % rank)
    return tuple(sorted(out))


def _feature_shape(a: Args, s: Shape, field: str, layer: str) -> Tuple[int, ...]:
    dims = tuple(s[i] for i in _axes(a.raw(field), len(s), layer))
    _known(*dims, what=f"{layer}: a feature dimension")
    return dims  # type: ignore[return-value]


def _bn_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _x(x, "x", "BatchNorm")
    f = _feature_shape(a, s, "axis", "BatchNorm")
    out = [ParamSpec("mean", f, trainable=False, buffer=True, collection="batch_stats"),
           ParamSpec("var", f, trainable=False, buffer=True, collection="batch_stats")]
    if a.bool("use_scale"):
        out.append(ParamSpec("scale", f))
    if a.bool("use_bias"):
        out.append(ParamSpec("bias", f))
    return out


def _ln_params(layer: str, bias: bool):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Any) -> List[ParamSpec]:
        s = _x(x, "x", layer)
        f = _feature_shape(a, s, "feature_axes", layer)
        out = [ParamSpec("scale", f)] if a.bool("use_scale") else []
        if bias and a.bool("use_bias"):
            out.append(ParamSpec("bias", f))
        return out
    return params


def _gn_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _x(x, "x", "GroupNorm")
    c = s[-1] if s else None
    _known(c, what="GroupNorm: input features")
    assert c is not None
    g, size = a.raw("num_groups"), a.raw("group_size")
    if (g is None) == (size is None):
        raise ArgError("GroupNorm: exactly one of num_groups and group_size must be given")
    if g is not None and (c % a.int("num_groups", 1)):
        raise ArgError(f"GroupNorm: {c} features are not divisible by num_groups {g}")
    if size is not None and (c % a.int("group_size", 1)):
        raise ArgError(f"GroupNorm: {c} features are not divisible by group_size {size}")
    out = [ParamSpec("scale", (c,))] if a.bool("use_scale") else []
    if a.bool("use_bias"):
        out.append(ParamSpec("bias", (c,)))
    return out


def _same_x(a: Args, x: Any) -> Shape:
    return _x(x, "x", a.layer)


def _same_inputs(a: Args, x: Any) -> Shape:
    return _x(x, "inputs", a.layer)


def _merge_param(a: Args, x: Any, name: str) -> None:
    """flax's ``merge_param``: a flag given to the constructor or to the call, exactly once
    (``BatchNorm(use_running_average=...)``, ``Dropout(deterministic=...)``); else it raises."""
    call = x.get(name) if isinstance(x, Inputs) else None
    if (a.raw(name) is None) == (call is None):
        raise ArgError(f"{name} must be given once, to the constructor or to the call (flax raises)")


def _bn_output(a: Args, x: Any) -> Shape:
    _merge_param(a, x, "use_running_average")
    return _same_x(a, x)


def _dropout_output(a: Args, x: Any) -> Shape:
    _merge_param(a, x, "deterministic")
    return _same_inputs(a, x)


# --- attention --------------------------------------------------------------------------

def _mha_shapes(a: Args, x: Any, self_attention: bool) -> Tuple[Shape, Shape, Shape]:
    q = _x(x, "inputs_q", a.layer)
    if self_attention:
        return q, q, q
    if x.get("inputs_kv") is not None:
        kv = _x(x, "inputs_kv", a.layer)
        return q, kv, kv
    k = q if x.get("inputs_k") is None else _x(x, "inputs_k", a.layer)
    v = k if x.get("inputs_v") is None else _x(x, "inputs_v", a.layer)
    return q, k, v


def _mha_dims(a: Args, q: Shape) -> Tuple[int, int, int, int]:
    if a.bool("normalize_qk"):
        raise ArgError(f"{a.layer}: normalize_qk is not modelled")
    if a.bool("decode"):
        raise ArgError(f"{a.layer}: decode caches are not modelled")
    _known(q[-1] if q else None, what=f"{a.layer}: query features")
    h = a.int("num_heads", 1)
    qkv = a.opt_int("qkv_features", 1) or q[-1]
    assert qkv is not None
    if qkv % h:
        raise ArgError(f"Memory dimension ({qkv}) must be divisible by number of heads ({h}).")
    out = a.opt_int("out_features", 1) or q[-1]
    assert out is not None
    return h, qkv // h, qkv, out


def _mha_params(self_attention: bool):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Any) -> List[ParamSpec]:
        q, k, v = _mha_shapes(a, x, self_attention)
        h, hd, _, out_f = _mha_dims(a, q)
        bias = a.bool("use_bias")
        specs: List[ParamSpec] = []
        for name, s in (("query", q), ("key", k), ("value", v)):
            (i,) = _known(s[-1] if s else None, what=f"{a.layer}: {name} features")
            specs.append(ParamSpec(f"{name}.kernel", (i, h, hd)))
            if bias:
                specs.append(ParamSpec(f"{name}.bias", (h, hd)))
        specs.append(ParamSpec("out.kernel", (h, hd, out_f)))
        if bias:
            specs.append(ParamSpec("out.bias", (out_f,)))
        return specs
    return params


def _mha_output(self_attention: bool):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Any) -> Shape:
        q, _, _ = _mha_shapes(a, x, self_attention)
        rate = a.raw("dropout_rate")
        if not isinstance(rate, (int, float)):
            raise ArgError(f"{a.layer}: dropout_rate is not a constant")
        if rate > 0:  # (deterministic is required only with dropout)
            _merge_param(a, x, "deterministic")
        if x.get("sow_weights"):
            raise ArgError(f"{a.layer}: sow_weights is not modelled")
        return tuple(q[:-1]) + (_mha_dims(a, q)[3],)
    return output


# --- recurrent cells and nn.RNN -----------------------------------------------------------

def _cell_params(kind: str, inp: int, h: int) -> List[ParamSpec]:
    out: List[ParamSpec] = []
    if kind == "LSTMCell":  # inputs: no bias; hidden: bias
        for g in "ifgo":
            out.append(ParamSpec(f"i{g}.kernel", (inp, h)))
        for g in "ifgo":
            out += [ParamSpec(f"h{g}.kernel", (h, h)), ParamSpec(f"h{g}.bias", (h,))]
    elif kind == "SimpleCell":  # i: kernel + bias; h: kernel
        out += [ParamSpec("i.kernel", (inp, h)), ParamSpec("i.bias", (h,)), ParamSpec("h.kernel", (h, h))]
    else:  # GRUCell: inputs with bias; hidden without, except hn
        for g in "rzn":
            out += [ParamSpec(f"i{g}.kernel", (inp, h)), ParamSpec(f"i{g}.bias", (h,))]
        for g in "rzn":
            out.append(ParamSpec(f"h{g}.kernel", (h, h)))
            if g == "n":
                out.append(ParamSpec("hn.bias", (h,)))
    return out


def _cell_input(x: Any, layer: str) -> Shape:
    s = _x(x, "inputs", layer)
    _known(s[-1] if s else None, what=f"{layer}: input features")
    return s


def _cell_p(kind: str):  # type: ignore[no-untyped-def]
    def params(a: Args, x: Any) -> List[ParamSpec]:
        s = _cell_input(x, kind)
        return _cell_params(kind, s[-1], a.int("features", 1))  # type: ignore[arg-type]
    return params


def _cell_o(kind: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Any) -> Any:
        s = _cell_input(x, kind)
        hs = tuple(s[:-1]) + (a.int("features", 1),)
        carry: Any = Outputs((hs, hs)) if kind == "LSTMCell" else hs
        return Outputs((carry, hs))
    return output


def _rnn_cell(a: Args) -> Tuple[str, Args]:
    cell = a.raw("cell")
    spec, args = getattr(cell, "spec", None), getattr(cell, "args", None)
    if spec is None or args is None or getattr(cell, "cls", None) is not None or spec.name not in _CELLS:
        raise ArgError("RNN: only LSTMCell, OptimizedLSTMCell, GRUCell and SimpleCell from flax.linen are modelled")
    return spec.name, Args(spec.name, args)


_CELLS = ("LSTMCell", "GRUCell", "SimpleCell")


def _rnn_params(a: Args, x: Any) -> List[ParamSpec]:
    s = _x(x, "inputs", "RNN")
    kind, cargs = _rnn_cell(a)
    if len(s) < 2 or s[-1] is None:
        raise ArgError(f"RNN expects (batch..., time, features), got {fmt(s)}")
    return [ParamSpec("cell." + p.name, p.shape) for p in _cell_params(kind, s[-1], cargs.int("features", 1))]


def _rnn_output(a: Args, x: Any) -> Any:
    s = _x(x, "inputs", "RNN")
    kind, cargs = _rnn_cell(a)
    if x.get("initial_carry") is not None:
        raise ArgError("RNN: an explicit initial_carry is not modelled")
    h = cargs.int("features", 1)
    out = tuple(s[:-1]) + (h,)
    ret = x.get("return_carry")
    ret = a.bool("return_carry") if ret is None else ret
    if not ret:
        return out
    time_axis = len(s) - 2 if not a.bool("time_major") else 0
    hs = tuple(d for i, d in enumerate(s[:-1]) if i != time_axis) + (h,)
    return Outputs((Outputs((hs, hs)) if kind == "LSTMCell" else hs, out))


def _bidi_rnns(a: Args) -> List[Tuple[str, Any]]:
    out = []
    for field in ("forward_rnn", "backward_rnn"):
        r = a.raw(field)
        spec, args = getattr(r, "spec", None), getattr(r, "args", None)
        if spec is None or args is None or getattr(r, "cls", None) is not None or spec.name != "RNN":
            raise ArgError(f"Bidirectional: {field} is not an nn.RNN from flax.linen")
        out.append((field, (spec, Args(spec.name, args))))
    if a.raw("merge_fn") is not None:
        raise ArgError("Bidirectional: a custom merge_fn is not modelled")
    if a.bool("return_carry") or a.bool("time_major"):
        raise ArgError("Bidirectional: return_carry / time_major are not modelled")
    return out


def _bidi_params(a: Args, x: Any) -> List[ParamSpec]:
    out: List[ParamSpec] = []
    for field, (spec, args) in _bidi_rnns(a):
        out += [ParamSpec(f"{field}.{p.name}", p.shape) for p in spec.params(args, x)]
    return out


def _bidi_output(a: Args, x: Any) -> Shape:
    outs = []
    for _, (spec, args) in _bidi_rnns(a):
        o = spec.output(args, Inputs({"inputs": _x(x, "inputs", "Bidirectional")}))
        if not isinstance(o, tuple) or (o and isinstance(o[0], tuple)):
            raise ArgError("Bidirectional: an RNN returning its carry is not modelled")
        outs.append(o)
    f, b = outs
    return tuple(f[:-1]) + (None if f[-1] is None or b[-1] is None else f[-1] + b[-1],)


_DENSE = "dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, promote_dtype=None, dot_general=None, dot_general_cls=None"
_NORM = "dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None"
_FAST = "axis_name=None, axis_index_groups=None, use_fast_variance=True, force_float32_reductions=True"
_ATT = ("num_heads, dtype=None, param_dtype=None, qkv_features=None, out_features=None, broadcast_dropout=True, "
        "dropout_rate=0.0, deterministic=None, precision=None, kernel_init=None, out_kernel_init=None, bias_init=None, "
        "out_bias_init=None, use_bias=True, attention_fn=None, decode=False, normalize_qk=False, "
        "force_fp32_for_softmax=False, qkv_dot_general=None, out_dot_general=None, qkv_dot_general_cls=None, "
        "out_dot_general_cls=None, qk_attn_weights_einsum_cls=None, attn_weights_value_einsum_cls=None")
_CELL = ("features, gate_fn=None, activation_fn=None, kernel_init=None, recurrent_kernel_init=None, bias_init=None, "
         "dtype=None, param_dtype=None, carry_init=None")
_CONV = ("kernel_init=None, bias_init=None")


def _leaf(name: str, sig: str, params: Any, output: Any, forward: str, note: str = "") -> LayerSpec:
    return LayerSpec("flax", name, f"{sig}, {_TAIL}", params, output, lazy=True, extra={"forward": forward}, note=note)


CATALOG = [
    LayerSpec("flax", "Module", "*args, **kwargs", role="base"),
    LayerSpec("flax", "Sequential", f"layers, {_TAIL}", role="container"),
    _leaf("Dense", f"features, use_bias=True, {_DENSE}", _dense_params, _dense_output, "inputs",
          "kernel (in, features) + bias (features)"),
    _leaf("DenseGeneral", "features, axis=-1, batch_dims=(), use_bias=True, dtype=None, param_dtype=None, kernel_init=None, "
          "bias_init=None, precision=None, promote_dtype=None, dot_general=None, dot_general_cls=None",
          _general_params, _general_output, "inputs", "kernel (*contracted dims, *features) + bias (features)"),
    _leaf("Conv", "features, kernel_size, strides=1, padding='SAME', input_dilation=1, kernel_dilation=1, "
          f"feature_group_count=1, use_bias=True, mask=None, dtype=None, param_dtype=None, precision=None, {_CONV}, "
          "promote_dtype=None, conv_general_dilated=None, conv_general_dilated_cls=None",
          _conv_params(False), _conv_output, "inputs", "kernel (*kernel, in/groups, features) + bias; padding 'SAME' by default"),
    _leaf("ConvTranspose", "features, kernel_size, strides=None, padding='SAME', kernel_dilation=None, use_bias=True, mask=None, "
          f"dtype=None, param_dtype=None, precision=None, {_CONV}, transpose_kernel=False, promote_dtype=None, "
          "preferred_element_type=None",
          _conv_params(True), _convT_output, "inputs", "kernel (*kernel, in, features) + bias"),
    _leaf("Embed", "num_embeddings, features, dtype=None, param_dtype=None, embedding_init=None, promote_dtype=None",
          _embed_params, _embed_output, "inputs", "embedding (num_embeddings, features)"),
    _leaf("BatchNorm", f"use_running_average=None, axis=-1, momentum=0.99, epsilon=1e-05, {_NORM}, {_FAST}",
          _bn_params, _bn_output, "x, use_running_average=None, *, mask=None",
          "scale + bias in params; mean + var in batch_stats (state, not parameters)"),
    _leaf("LayerNorm", f"epsilon=1e-06, {_NORM}, reduction_axes=-1, feature_axes=-1, {_FAST}",
          _ln_params("LayerNorm", True), _same_x, "x, *, mask=None", "scale + bias over feature_axes"),
    _leaf("RMSNorm", "epsilon=1e-06, dtype=None, param_dtype=None, use_scale=True, scale_init=None, reduction_axes=-1, "
          f"feature_axes=-1, {_FAST}", _ln_params("RMSNorm", False), _same_x, "x, *, mask=None", "scale over feature_axes"),
    _leaf("GroupNorm", f"num_groups=32, group_size=None, epsilon=1e-06, {_NORM}, reduction_axes=None, {_FAST}",
          _gn_params, _same_x, "x, *, mask=None", "scale + bias (features)"),
    _leaf("Dropout", "rate, broadcast_dims=(), deterministic=None, rng_collection='dropout'", no_params, _dropout_output,
          "inputs, deterministic=None, rng=None"),
    LayerSpec("flax", "MultiHeadDotProductAttention", f"{_ATT}, {_TAIL}", _mha_params(False), _mha_output(False), lazy=True,
              extra={"forward": "inputs_q, inputs_k=None, inputs_v=None, *, inputs_kv=None, mask=None, deterministic=None, "
                                "dropout_rng=None, sow_weights=False"},
              aliases=("MultiHeadAttention",),
              note="query/key/value kernels (in, heads, head_dim) + biases, out kernel (heads, head_dim, out)"),
    _leaf("SelfAttention", _ATT, _mha_params(True), _mha_output(True),
          "inputs_q, mask=None, deterministic=None, dropout_rng=None, sow_weights=False",
          "MultiHeadDotProductAttention on one input"),
    LayerSpec("flax", "LSTMCell", f"{_CELL}, {_TAIL}", _cell_p("LSTMCell"), _cell_o("LSTMCell"), lazy=True,
              extra={"forward": "carry, inputs"}, aliases=("OptimizedLSTMCell",),
              note="ii/if/ig/io kernels (in, h), hi/hf/hg/ho kernels (h, h) + biases"),
    _leaf("SimpleCell", "features, activation_fn=None, kernel_init=None, recurrent_kernel_init=None, bias_init=None, "
          "dtype=None, param_dtype=None, carry_init=None, residual=False", _cell_p("SimpleCell"), _cell_o("SimpleCell"),
          "carry, inputs", "i kernel (in, h) + bias, h kernel (h, h)"),
    _leaf("Bidirectional", "forward_rnn, backward_rnn, merge_fn=None, time_major=False, return_carry=False",
          _bidi_params, _bidi_output, "inputs, *, initial_carry=None, init_key=None, seq_lengths=None, return_carry=None, "
          "time_major=None, reverse=None, keep_order=None", "forward_rnn + backward_rnn parameters; outputs concatenated"),
    _leaf("InstanceNorm", f"epsilon=1e-06, {_NORM}, feature_axes=-1, {_FAST}", _ln_params("InstanceNorm", True), _same_x,
          "x, *, mask=None", "scale + bias over feature_axes"),
    _leaf("PReLU", "param_dtype=None, negative_slope_init=0.01", lambda a, x: [ParamSpec("negative_slope", ())],
          _same_inputs, "inputs", "negative_slope (a scalar)"),
    _leaf("GRUCell", _CELL, _cell_p("GRUCell"), _cell_o("GRUCell"), "carry, inputs",
          "ir/iz/in kernels + biases, hr/hz/hn kernels, hn bias"),
    _leaf("RNN", "cell, time_major=False, return_carry=False, reverse=False, keep_order=False, unroll=1, "
          "variable_axes=None, variable_broadcast='params', variable_carry=False, split_rngs=None",
          _rnn_params, _rnn_output,
          "inputs, *, initial_carry=None, init_key=None, seq_lengths=None, return_carry=None, time_major=None, "
          "reverse=None, keep_order=None",
          "the cell's parameters, once (shared across time steps)"),
]
