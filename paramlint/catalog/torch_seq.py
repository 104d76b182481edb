"""PyTorch sequence layers: RNN/LSTM/GRU and their cells, attention, the Transformer family.

Sources: ``torch/nn/modules/rnn.py`` (``RNNBase.__init__``: per layer and direction
``weight_ih``, ``weight_hh``, two bias vectors, ``weight_hr`` with ``proj_size``),
``activation.py`` (``MultiheadAttention``), ``transformer.py`` (encoder/decoder layers;
``TransformerEncoder`` holds ``num_layers`` deep copies of its layer, each with its own
parameters). Composite layers are catalog leaves whose parameter names are dotted
(``self_attn.in_proj_weight``), as ``named_parameters()`` shows them.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from paramlint.catalog.shapes import check_dim, fmt
from paramlint.catalog.spec import ArgError, Args, Inputs, LayerSpec, Outputs, ParamSpec
from paramlint.types import Shape

_DD = "device=None, dtype=None"
_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


# --- recurrent ------------------------------------------------------------------------

def _rnn_dims(a: Args, mode: str) -> Tuple[int, int, int, int, int, bool]:
    i, h = a.int("input_size", 1), a.int("hidden_size", 1)
    layers = a.int("num_layers", 1)
    proj = a.int("proj_size") if mode == "LSTM" else 0
    if mode == "GRU" and a.raw("proj_size") not in (0, None):
        raise ArgError("proj_size argument is only supported for LSTM, not GRU")
    if proj >= h:
        raise ArgError("proj_size has to be smaller than hidden_size")
    dirs = 2 if a.bool("bidirectional") else 1
    return i, h, layers, proj, dirs, a.bool("bias")


def _rnn_params(mode: str):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        if mode == "RNN" and a.str("nonlinearity") not in ("tanh", "relu"):
            raise ArgError(f"Unknown nonlinearity {a.raw('nonlinearity')!r}")
        i, h, layers, proj, dirs, bias = _rnn_dims(a, mode)
        g = _GATES[mode] * h
        real = proj or h
        out: List[ParamSpec] = []
        for layer in range(layers):
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                inp = i if layer == 0 else real * dirs
                out += [ParamSpec("weight_ih" + sfx, (g, inp)), ParamSpec("weight_hh" + sfx, (g, real))]
                if bias:
                    out += [ParamSpec("bias_ih" + sfx, (g,)), ParamSpec("bias_hh" + sfx, (g,))]
                if proj:
                    out.append(ParamSpec("weight_hr" + sfx, (proj, h)))
        return out
    return params


def _rnn_output(mode: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Inputs) -> Any:
        s = x.get("input")
        if not isinstance(s, tuple):
            raise ArgError(f"{mode}: input is not a tensor")
        i, h, layers, proj, dirs, _ = _rnn_dims(a, mode)
        if len(s) not in (2, 3):
            raise ArgError(f"{mode}: expected a 2D or 3D input, got {fmt(s)}")
        check_dim(s[-1], i, f"{mode} input_size")
        real = proj or h
        out = tuple(s[:-1]) + (dirs * real,)
        if len(s) == 2:
            hn: Shape = (dirs * layers, real)
            cn: Shape = (dirs * layers, h)
        else:
            n = s[0] if a.bool("batch_first") else s[1]
            hn, cn = (dirs * layers, n, real), (dirs * layers, n, h)
        hx = x.get("hx")
        if hx is not None:  # an initial state: torch checks its shapes (the outputs' are the same)
            want = (hn, cn) if mode == "LSTM" else hn
            if hx != want or None in hn or None in cn:
                raise ArgError(f"{mode}: an initial state of shape {hx} where {want} is expected (or unknown)")
        return Outputs((out, Outputs((hn, cn)) if mode == "LSTM" else hn))
    return output


def _rnn(mode: str) -> LayerSpec:
    head = "input_size, hidden_size, num_layers=1, "
    if mode == "RNN":
        sig = head + f"nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False, {_DD}"
    else:
        sig = head + f"bias=True, batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, {_DD}"
    return LayerSpec(
        "torch", mode, sig, _rnn_params(mode), _rnn_output(mode), extra={"forward": "input, hx=None"},
        note=f"per layer and direction: weight_ih ({_GATES[mode]}H×in), weight_hh ({_GATES[mode]}H×H), "
             "bias_ih + bias_hh (two bias vectors, cuDNN layout)" + (", weight_hr with proj_size" if mode == "LSTM" else ""),
    )


def _cell_params(mode: str):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        i, h = a.int("input_size", 1), a.int("hidden_size", 1)
        if mode == "RNN" and a.str("nonlinearity") not in ("tanh", "relu"):
            raise ArgError(f"Unknown nonlinearity {a.raw('nonlinearity')!r}")
        g = _GATES[mode] * h
        out = [ParamSpec("weight_ih", (g, i)), ParamSpec("weight_hh", (g, h))]
        if a.bool("bias"):
            out += [ParamSpec("bias_ih", (g,)), ParamSpec("bias_hh", (g,))]
        return out
    return params


def _cell_output(mode: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Inputs) -> Any:
        s = x.get("input")
        if not isinstance(s, tuple) or len(s) not in (1, 2):
            raise ArgError(f"{mode}Cell: expected a 1D or 2D input tensor")
        if x.get("hx") is not None:
            raise ArgError(f"{mode}Cell: an explicit state is not modelled")
        check_dim(s[-1], a.int("input_size"), f"{mode}Cell input_size")
        hs = tuple(s[:-1]) + (a.int("hidden_size"),)
        return Outputs((hs, hs)) if mode == "LSTM" else hs
    return output


def _cell(mode: str) -> LayerSpec:
    extra = "nonlinearity='tanh', " if mode == "RNN" else ""
    return LayerSpec(
        "torch", f"{mode}Cell", f"input_size, hidden_size, bias=True, {extra}{_DD}",
        _cell_params(mode), _cell_output(mode), extra={"forward": "input, hx=None"},
    )


# --- attention ------------------------------------------------------------------------

def mha_params(e: int, h: int, kdim: int, vdim: int, bias: bool, add_bias_kv: bool, prefix: str = "") -> List[ParamSpec]:
    """``MultiheadAttention``'s parameters: a packed in-projection when k/v dims equal E."""
    if e % h:
        raise ArgError(f"embed_dim ({e}) must be divisible by num_heads ({h})")
    if kdim == e and vdim == e:
        out = [ParamSpec(prefix + "in_proj_weight", (3 * e, e))]
    else:
        out = [ParamSpec(prefix + "q_proj_weight", (e, e)), ParamSpec(prefix + "k_proj_weight", (e, kdim)),
               ParamSpec(prefix + "v_proj_weight", (e, vdim))]
    if bias:
        out.append(ParamSpec(prefix + "in_proj_bias", (3 * e,)))
    if add_bias_kv:
        out += [ParamSpec(prefix + "bias_k", (1, 1, e)), ParamSpec(prefix + "bias_v", (1, 1, e))]
    out.append(ParamSpec(prefix + "out_proj.weight", (e, e)))
    if bias:
        out.append(ParamSpec(prefix + "out_proj.bias", (e,)))
    return out


def _mha_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    e, h = a.int("embed_dim", 1), a.int("num_heads", 1)
    kdim = a.opt_int("kdim") or e
    vdim = a.opt_int("vdim") or e
    return mha_params(e, h, kdim, vdim, a.bool("bias"), a.bool("add_bias_kv"))


def _mha_output(a: Args, x: Inputs) -> Any:
    q, k, v = x.get("query"), x.get("key"), x.get("value")
    if not all(isinstance(t, tuple) for t in (q, k, v)):
        raise ArgError("MultiheadAttention: query, key and value must be tensors")
    assert isinstance(q, tuple) and isinstance(k, tuple) and isinstance(v, tuple)
    e, h = a.int("embed_dim", 1), a.int("num_heads", 1)
    if len(q) not in (2, 3) or len(k) != len(q) or len(v) != len(q):
        raise ArgError("MultiheadAttention: query, key and value must all be 2D or all 3D")
    check_dim(q[-1], e, "MultiheadAttention query embed_dim")
    check_dim(k[-1], a.opt_int("kdim") or e, "MultiheadAttention key dim")
    check_dim(v[-1], a.opt_int("vdim") or e, "MultiheadAttention value dim")
    out = q
    need = x.get("need_weights")
    if need is not True and need is not False:
        raise ArgError("MultiheadAttention: need_weights is not a constant")
    if not need:
        return Outputs((out, None))
    batched = len(q) == 3
    bf = a.bool("batch_first") and batched
    L = q[1] if bf else q[0]
    S = k[1] if bf else k[0]
    if S is not None:
        S += int(a.bool("add_bias_kv")) + int(a.bool("add_zero_attn"))
    avg = x.get("average_attn_weights")
    if avg is not True and avg is not False:
        raise ArgError("MultiheadAttention: average_attn_weights is not a constant")
    w: Shape = (L, S) if avg else (h, L, S)
    if batched:
        w = ((q[0] if bf else q[1]),) + w
    return Outputs((out, w))


# --- transformer ----------------------------------------------------------------------

def _ln(prefix: str, e: int, bias: bool) -> List[ParamSpec]:
    return [ParamSpec(prefix + "weight", (e,))] + ([ParamSpec(prefix + "bias", (e,))] if bias else [])


def _lin(prefix: str, i: int, o: int, bias: bool) -> List[ParamSpec]:
    return [ParamSpec(prefix + "weight", (o, i))] + ([ParamSpec(prefix + "bias", (o,))] if bias else [])


def layer_params(e: int, h: int, ff: int, bias: bool, decoder: bool, prefix: str = "") -> List[ParamSpec]:
    """One ``TransformerEncoderLayer`` / ``TransformerDecoderLayer``, in registration order."""
    out = mha_params(e, h, e, e, bias, False, prefix + "self_attn.")
    if decoder:
        out += mha_params(e, h, e, e, bias, False, prefix + "multihead_attn.")
    out += _lin(prefix + "linear1.", e, ff, bias) + _lin(prefix + "linear2.", ff, e, bias)
    for i in range(3 if decoder else 2):
        out += _ln(f"{prefix}norm{i + 1}.", e, bias)
    return out


def _check_activation(a: Args) -> None:
    """A string or a function; a module is registered as ``.activation`` (in each layer copy):
    only a catalog layer without parameters (``nn.GELU()``) leaves the count as it is."""
    act = a.raw("activation")
    if isinstance(act, str) and act not in ("relu", "gelu"):
        raise ArgError(f"activation should be relu/gelu, not {act}")
    spec, args = getattr(act, "spec", None), getattr(act, "args", None)
    if hasattr(act, "children") and hasattr(act, "framework"):  # a module object
        if spec is None or args is None or getattr(act, "cls", None) is not None or act.children \
                or getattr(act, "uncertain", None) is not None or spec.params(Args(spec.name, args), None):
            raise ArgError(f"{a.layer}: an activation module with parameters (or not from the catalog) is not modelled")


def _tlayer_params(decoder: bool):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        _check_activation(a)
        return layer_params(a.int("d_model", 1), a.int("nhead", 1), a.int("dim_feedforward", 1), a.bool("bias"), decoder)
    return params


def _seq_output(first: str, name: str):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Inputs) -> Any:
        s = x.get(first)
        if not isinstance(s, tuple) or len(s) not in (2, 3):
            raise ArgError(f"{name}: expected a 2D or 3D {first} tensor")
        return s
    return output


def wrapped_params(a: Args, name: str, want: Tuple[str, ...], prefix: str) -> List[ParamSpec]:
    """Parameters of a layer object passed as an argument (copied or wrapped), renamed under
    ``prefix``. Only catalog layers qualify: a user subclass may own more than its base."""
    inner = a.raw(name)
    spec, args = getattr(inner, "spec", None), getattr(inner, "args", None)
    if spec is None or args is None or getattr(inner, "cls", None) is not None:
        raise ArgError(f"{a.layer}: {name} is not a {' or '.join(want)} built from the catalog")
    if spec.name not in want:
        raise ArgError(f"{a.layer}: {name} is a {spec.name}, expected {' or '.join(want)}")
    if getattr(inner, "uncertain", None) is not None:
        raise ArgError(f"{a.layer}: {name} is uncertain", inner.uncertain)
    params = spec.params(Args(spec.name, args), None)
    return [ParamSpec(prefix + p.name, p.shape, p.trainable, p.buffer, p.collection) for p in params]


def _stack_params(kind: str):  # type: ignore[no-untyped-def]
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        n = a.int("num_layers")
        field = "encoder_layer" if kind == "Encoder" else "decoder_layer"
        out: List[ParamSpec] = []
        for i in range(n):  # copy.deepcopy: each copy owns distinct parameters
            out += wrapped_params(a, field, (f"Transformer{kind}Layer",), f"layers.{i}.")
        if a.raw("norm") is not None:
            out += wrapped_params(a, "norm", ("LayerNorm", "RMSNorm"), "norm.")
        return out
    return params


def _transformer_params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
    if a.raw("custom_encoder") is not None or a.raw("custom_decoder") is not None:
        raise ArgError("Transformer with custom_encoder/custom_decoder is not modelled")
    _check_activation(a)
    e, h, ff, bias = a.int("d_model", 1), a.int("nhead", 1), a.int("dim_feedforward", 1), a.bool("bias")
    out: List[ParamSpec] = []
    for i in range(a.int("num_encoder_layers")):
        out += layer_params(e, h, ff, bias, False, f"encoder.layers.{i}.")
    out += _ln("encoder.norm.", e, bias)
    for i in range(a.int("num_decoder_layers")):
        out += layer_params(e, h, ff, bias, True, f"decoder.layers.{i}.")
    out += _ln("decoder.norm.", e, bias)
    return out


_MASKS = "mask=None, src_key_padding_mask=None, is_causal=None"
CATALOG = [
    _rnn("RNN"), _rnn("LSTM"), _rnn("GRU"), _cell("RNN"), _cell("LSTM"), _cell("GRU"),
    LayerSpec(
        "torch", "MultiheadAttention",
        f"embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, {_DD}",
        _mha_params, _mha_output,
        extra={"forward": "query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False"},
        note="in_proj (3E×E) + in_proj_bias (3E) + out_proj (E×E + E); q/k/v_proj_weight when kdim/vdim differ",
    ),
    LayerSpec(
        "torch", "TransformerEncoderLayer",
        f"d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, {_DD}",
        _tlayer_params(False), _seq_output("src", "TransformerEncoderLayer"),
        extra={"forward": "src, src_mask=None, src_key_padding_mask=None, is_causal=False"},
        note="self_attn + linear1 + linear2 + norm1 + norm2",
    ),
    LayerSpec(
        "torch", "TransformerDecoderLayer",
        f"d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, {_DD}",
        _tlayer_params(True), _seq_output("tgt", "TransformerDecoderLayer"),
        extra={"forward": "tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False"},
        note="self_attn + multihead_attn + linear1 + linear2 + norm1..3",
    ),
    LayerSpec(
        "torch", "TransformerEncoder", "encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True",
        _stack_params("Encoder"), _seq_output("src", "TransformerEncoder"),
        extra={"forward": f"src, {_MASKS}"},
        note="num_layers deep copies of encoder_layer (distinct parameters) + norm",
    ),
    LayerSpec(
        "torch", "TransformerDecoder", "decoder_layer, num_layers, norm=None",
        _stack_params("Decoder"), _seq_output("tgt", "TransformerDecoder"),
        extra={"forward": "tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False"},
        note="num_layers deep copies of decoder_layer (distinct parameters) + norm",
    ),
    LayerSpec(
        "torch", "Transformer",
        "d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, "
        f"activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, {_DD}",
        _transformer_params, _seq_output("tgt", "Transformer"),
        extra={"forward": "src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None, memory_is_causal=False"},
        note="encoder (layers + norm) and decoder (layers + norm)",
    ),
]
