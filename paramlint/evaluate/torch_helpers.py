"""Small torch helpers model code calls outside layers: ``torch.nn.modules.utils._pair`` and
its kin (torchvision's, timm's ``to_2tuple``-style code imports them), and
``nn.Embedding.from_pretrained`` (a layer made from a tensor's shape, frozen by default)."""

from __future__ import annotations

from typing import Any, Dict, List

from paramlint.evaluate.values import Builtin, Param, Tensor, Unknown


def _ntuple(n: int) -> Builtin:
    """``_ntuple(n)(x)``: ``tuple(x)`` of an iterable, else ``x`` repeated n times."""
    def f(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        if len(args) != 1 or kwargs:
            return it.unknown(f"_ntuple({n}) called with these arguments", node)
        x = args[0]
        if isinstance(x, Unknown):
            return x
        if isinstance(x, (int, float, bool)) or x is None:
            return (x,) * n
        if isinstance(x, (tuple, list, str, range, dict, set, frozenset)):
            seq = it.fw.iterate(it, x, node)
            return seq if isinstance(seq, Unknown) else tuple(seq)
        return it.unknown(f"_ntuple({n}) of a {type(x).__name__}", node)
    return Builtin(f"_ntuple({n})", f)


def _from_pretrained(kind: str) -> Builtin:
    """``nn.Embedding.from_pretrained(embeddings, freeze=True, ...)``: a layer of the tensor's
    (rows, dim), its weight requiring no grad when frozen (torch's ``_freeze``)."""
    order = ("embeddings", "freeze", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse") \
        if kind == "Embedding" else ("embeddings", "freeze", "max_norm", "norm_type", "scale_grad_by_freq", "mode",
                                     "sparse", "include_last_offset", "padding_idx")

    def f(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        from paramlint.catalog import table

        if len(args) > len(order) or set(kwargs) - set(order) or set(order[:len(args)]) & set(kwargs):
            return it.unknown(f"{kind}.from_pretrained() with these arguments", node)
        bound = dict(zip(order, args), **kwargs)
        emb, freeze = bound.pop("embeddings", None), bound.pop("freeze", True)
        if isinstance(emb, Unknown):
            return emb
        shape = emb.shape if isinstance(emb, (Tensor, Param)) else None
        if shape is None or len(shape) != 2 or not all(type(d) is int for d in shape) or type(freeze) is not bool:
            return it.unknown(f"{kind}.from_pretrained() of a tensor whose 2-D shape is not known", node)
        if kind == "EmbeddingBag" and freeze:  # (EmbeddingBag takes no _freeze: frozen by requires_grad)
            return it.unknown("EmbeddingBag.from_pretrained(freeze=True) is not modelled", node)
        if kind == "Embedding":
            bound["_freeze"] = freeze
        return it.fw.construct(it, table("torch")[kind], [shape[0], shape[1]], bound, node)
    return Builtin(f"{kind}.from_pretrained", f)


#: ``torch.finfo``/``iinfo`` of each dtype, as torch 2.13 reports them.
_FINFO = {
    "float32": dict(bits=32, eps=1.1920928955078125e-07, max=3.4028234663852886e+38, min=-3.4028234663852886e+38,
                    tiny=1.1754943508222875e-38, smallest_normal=1.1754943508222875e-38, resolution=1e-06),
    "float64": dict(bits=64, eps=2.220446049250313e-16, max=1.7976931348623157e+308, min=-1.7976931348623157e+308,
                    tiny=2.2250738585072014e-308, smallest_normal=2.2250738585072014e-308, resolution=1e-15),
    "float16": dict(bits=16, eps=0.0009765625, max=65504.0, min=-65504.0, tiny=6.103515625e-05,
                    smallest_normal=6.103515625e-05, resolution=0.001),
    "bfloat16": dict(bits=16, eps=0.0078125, max=3.3895313892515355e+38, min=-3.3895313892515355e+38,
                     tiny=1.1754943508222875e-38, smallest_normal=1.1754943508222875e-38, resolution=0.01),
}
_IINFO = {"int8": (8, -128, 127), "uint8": (8, 0, 255), "int16": (16, -32768, 32767),
          "int32": (32, -2**31, 2**31 - 1), "int64": (64, -2**63, 2**63 - 1)}
_DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32",
                  "short": "int16"}


class _Info:
    """A ``torch.finfo``/``iinfo`` value: its numbers by attribute."""

    __slots__ = ("values",)

    def __init__(self, values: Dict[str, Any]) -> None:
        self.values = values

    def attr(self, it: Any, name: str, node: Any) -> Any:
        v = self.values.get(name)
        return v if v is not None else it.unknown(f"dtype info attribute {name!r} is not modelled", node)


def _info(kind: str) -> Builtin:
    def f(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        from paramlint.evaluate.values import External

        d = args[0] if len(args) == 1 and not kwargs else kwargs.get("type") if not args and len(kwargs) == 1 else None
        if isinstance(d, Unknown):
            return d
        name = d.qualname.rsplit(".", 1)[-1] if isinstance(d, External) and d.qualname.startswith("torch.") else None
        if d is None and not args and not kwargs and kind == "finfo":
            name = "float32"  # (torch.finfo(): the default dtype, float32 where nothing changed it)
        name = _DTYPE_ALIASES.get(name or "", name)
        if kind == "finfo" and name in _FINFO:
            return _Info({**_FINFO[name], "dtype": name})
        if kind == "iinfo" and name in _IINFO:
            bits, lo, hi = _IINFO[name]
            return _Info({"bits": bits, "min": lo, "max": hi, "dtype": name})
        return it.unknown(f"torch.{kind}() of this dtype", node)
    return Builtin(f"torch.{kind}", f)


STDLIB: Dict[str, Any] = {"torch.finfo": _info("finfo"), "torch.iinfo": _info("iinfo")}
for _n, _name in ((1, "_single"), (2, "_pair"), (3, "_triple"), (4, "_quadruple")):
    STDLIB[f"torch.nn.modules.utils.{_name}"] = _ntuple(_n)
for _kind, _mod in (("Embedding", "sparse"), ("EmbeddingBag", "sparse")):
    STDLIB[f"torch.nn.{_kind}.from_pretrained"] = _from_pretrained(_kind)
    STDLIB[f"torch.nn.modules.{_mod}.{_kind}.from_pretrained"] = _from_pretrained(_kind)
