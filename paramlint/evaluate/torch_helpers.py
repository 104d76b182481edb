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


STDLIB: Dict[str, Any] = {}
for _n, _name in ((1, "_single"), (2, "_pair"), (3, "_triple"), (4, "_quadruple")):
    STDLIB[f"torch.nn.modules.utils.{_name}"] = _ntuple(_n)
for _kind, _mod in (("Embedding", "sparse"), ("EmbeddingBag", "sparse")):
    STDLIB[f"torch.nn.{_kind}.from_pretrained"] = _from_pretrained(_kind)
    STDLIB[f"torch.nn.modules.{_mod}.{_kind}.from_pretrained"] = _from_pretrained(_kind)
