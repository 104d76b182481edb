"""PyTorch layers past the common ones: losses held as submodules, distances, Lp/fractional
pooling and unpooling, folding, channel shuffling.

Sources: ``torch/nn/modules/loss.py`` (``_WeightedLoss`` registers ``weight`` as a buffer,
``BCEWithLogitsLoss`` also ``pos_weight``; no loss has parameters), ``distance.py``,
``pooling.py`` (``LPPool`` is ``avg_pool`` of ``x ** p`` without padding; ``MaxUnpool`` inverts
``MaxPool``; ``FractionalMaxPool`` takes ``output_size`` or ``int(size * output_ratio)``),
``fold.py``, ``channelshuffle.py``. Output shapes checked by the catalog oracle against torch.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional

from paramlint.catalog.shapes import broadcast, check_dim, conv_len, fmt, norm_axis, pool_len, split_channels_first
from paramlint.catalog.spec import ArgError, Args, LayerSpec, Outputs, ParamSpec
from paramlint.types import Shape

_REDUCE = "size_average=None, reduce=None, reduction='mean'"


# --- losses ---------------------------------------------------------------------------

def _buffers(*names: str):  # type: ignore[no-untyped-def]
    """A loss's tensors given as arguments (class weights): buffers, never parameters."""
    def params(a: Args, _: Optional[Shape]) -> List[ParamSpec]:
        out = []
        for n in names:
            v = a.raw(n)
            if v is None:
                continue
            shape: Any
            if type(v).__name__ == "Array":  # ``torch.tensor([1.0, 2.0])``: values known, 0-d or 1-d
                shape = () if v.scalar else (len(v.vals),)
            else:
                shape = getattr(v, "shape", None)
            if not isinstance(shape, tuple) or not all(type(d) is int for d in shape):
                raise ArgError(f"{a.layer}: {n} is not a tensor of known shape")
            out.append(ParamSpec(n, shape, buffer=True))
        return out
    return params


def _loss(name: str, signature: str, *buffers: str) -> LayerSpec:
    # Output shapes (a scalar, or the input's with reduction='none') are not modelled: a model
    # calls its loss on targets, which a summary's forward pass does not have.
    return LayerSpec("torch", name, signature, _buffers(*buffers), output=None,
                     note="no parameters" + (f"; {', '.join(buffers)} given as a tensor is a buffer" if buffers else ""))


_LOSSES = [
    _loss("L1Loss", _REDUCE), _loss("MSELoss", _REDUCE), _loss("SoftMarginLoss", _REDUCE),
    _loss("MultiLabelMarginLoss", _REDUCE),
    _loss("CrossEntropyLoss", "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', "
          "label_smoothing=0.0", "weight"),
    _loss("NLLLoss", "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'", "weight"),
    _loss("NLLLoss2d", "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'", "weight"),
    _loss("BCELoss", f"weight=None, {_REDUCE}", "weight"),
    _loss("BCEWithLogitsLoss", f"weight=None, {_REDUCE}, pos_weight=None", "weight", "pos_weight"),
    _loss("MultiLabelSoftMarginLoss", f"weight=None, {_REDUCE}", "weight"),
    _loss("MultiMarginLoss", f"p=1, margin=1.0, weight=None, {_REDUCE}", "weight"),
    _loss("KLDivLoss", f"{_REDUCE}, log_target=False"),
    _loss("SmoothL1Loss", f"{_REDUCE}, beta=1.0"),
    _loss("HuberLoss", "reduction='mean', delta=1.0"),
    _loss("CosineEmbeddingLoss", f"margin=0.0, {_REDUCE}"),
    _loss("MarginRankingLoss", f"margin=0.0, {_REDUCE}"),
    _loss("HingeEmbeddingLoss", f"margin=1.0, {_REDUCE}"),
    _loss("TripletMarginLoss", f"margin=1.0, p=2.0, eps=1e-06, swap=False, {_REDUCE}"),
    _loss("TripletMarginWithDistanceLoss", "*, distance_function=None, margin=1.0, swap=False, reduction='mean'"),
    _loss("PoissonNLLLoss", "log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'"),
    _loss("GaussianNLLLoss", "*, full=False, eps=1e-06, reduction='mean'"),
    _loss("CTCLoss", "blank=0, reduction='mean', zero_infinity=False"),
]


# --- distances ------------------------------------------------------------------------

def _pair(i: Any) -> tuple:
    x1, x2 = i.get("x1"), i.get("x2")
    if not isinstance(x1, tuple) or not isinstance(x2, tuple):
        raise ArgError("expects two tensors")
    return broadcast(x1, x2)


def _cosine_output(a: Args, i: Any) -> Shape:
    x = _pair(i)
    d = norm_axis(a.int("dim", -10**6), len(x), "CosineSimilarity")
    return tuple(x[:d]) + tuple(x[d + 1:])


def _pairwise_output(a: Args, i: Any) -> Shape:
    x = _pair(i)
    if not x:
        raise ArgError("PairwiseDistance expects tensors with at least one dimension")
    return tuple(x[:-1]) + ((1,) if a.bool("keepdim") else ())


# --- pooling --------------------------------------------------------------------------

def _lppool_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Shape:
        batch, c, spatial = split_channels_first(x, n, f"LPPool{n}d")
        k = a.ints("kernel_size", n, 1)
        s = k if a.raw("stride") in (None, [], ()) else a.ints("stride", n, 1)
        ceil = a.bool("ceil_mode")
        return batch + (c,) + tuple(pool_len(L, k[j], s[j], 0, 1, ceil) for j, L in enumerate(spatial))
    return output


def _unpool_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, i: Any) -> Shape:
        x, idx = i.get("input"), i.get("indices")
        if not isinstance(x, tuple) or not isinstance(idx, tuple):
            raise ArgError(f"MaxUnpool{n}d expects an input and its indices")
        if i.get("output_size") is not None:
            raise ArgError(f"MaxUnpool{n}d: an explicit output_size is not modelled")
        if len(idx) != len(x) or any(p is not None and q is not None and p != q for p, q in zip(x, idx)):
            raise ArgError(f"MaxUnpool{n}d: indices {fmt(idx)} do not match the input {fmt(x)}")
        batch, c, spatial = split_channels_first(x, n, f"MaxUnpool{n}d")
        k = a.ints("kernel_size", n, 1)
        s = k if a.raw("stride") in (None, [], ()) else a.ints("stride", n, 1)
        p = a.ints("padding", n)
        out = tuple(None if L is None else (L - 1) * s[j] - 2 * p[j] + k[j] for j, L in enumerate(spatial))
        if any(o is not None and o <= 0 for o in out):
            raise ArgError(f"MaxUnpool{n}d: output size {fmt(out)} is not positive")
        return batch + (c,) + out
    return output


def _fractional_output(n: int):  # type: ignore[no-untyped-def]
    def output(a: Args, x: Shape) -> Any:
        batch, c, spatial = split_channels_first(x, n, f"FractionalMaxPool{n}d")
        k = a.ints("kernel_size", n, 1)
        size, ratio = a.raw("output_size"), a.raw("output_ratio")
        if (size is None) == (ratio is None):
            raise ArgError(f"FractionalMaxPool{n}d needs exactly one of output_size and output_ratio")
        if size is not None:
            out: tuple = a.ints("output_size", n, 1)
        else:
            r = tuple(ratio) if isinstance(ratio, (list, tuple)) else (ratio,) * n
            if len(r) != n or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 1 for v in r):
                raise ArgError(f"FractionalMaxPool{n}d: output_ratio must hold {n} numbers in (0, 1)")
            out = tuple(None if L is None else int(L * r[j]) for j, L in enumerate(spatial))
        for j, L in enumerate(spatial):
            if L is not None and out[j] is not None and out[j] + k[j] - 1 > L:
                raise ArgError(f"FractionalMaxPool{n}d: output {out[j]} + kernel {k[j]} - 1 exceeds the input {L}")
        shape = batch + (c,) + out
        return Outputs((shape, shape)) if a.bool("return_indices") else shape
    return output


# --- reshaping ------------------------------------------------------------------------

def _fold_output(a: Args, x: Shape) -> Shape:
    """(N, C * kh * kw, L) -> (N, C, *output_size): the inverse of Unfold's columns."""
    if len(x) not in (2, 3):
        raise ArgError(f"Fold expects a 2D or 3D input, got {fmt(x)}")
    o = a.ints("output_size", 2, 1)
    k, d, p, s = a.ints("kernel_size", 2, 1), a.ints("dilation", 2, 1), a.ints("padding", 2), a.ints("stride", 2, 1)
    blocks = math.prod(conv_len(o[j], k[j], s[j], p[j], d[j]) for j in range(2))  # type: ignore[misc]
    ck, length = x[-2], x[-1]
    if ck is not None and ck % (k[0] * k[1]):
        raise ArgError(f"Fold: {ck} channels are not divisible by the kernel size {k[0] * k[1]}")
    check_dim(length, blocks, "Fold blocks")
    return tuple(x[:-2]) + (None if ck is None else ck // (k[0] * k[1]), o[0], o[1])


def _einops_output(op: str):  # type: ignore[no-untyped-def]
    """einops's ``Rearrange(pattern, **axes_lengths)`` / ``Reduce(pattern, reduction, ...)``."""
    def output(a: Args, x: Shape) -> Shape:
        from paramlint.catalog.einops_rules import output_shape

        pattern, lengths = a.raw("pattern"), a.raw("axes_lengths")
        if not isinstance(pattern, str) or not isinstance(lengths, dict):
            raise ArgError(f"{a.layer}: the pattern is not a constant string")
        return output_shape(op, pattern, x, lengths)
    return output


def _unflatten_output(a: Args, x: Shape) -> Shape:
    if not x:
        raise ArgError("Unflatten expects an input with at least one dimension")
    dim = norm_axis(a.int("dim", -10**6), len(x), "Unflatten")
    raw = a.raw("unflattened_size")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ArgError("Unflatten: unflattened_size must be a non-empty tuple or list of ints")
    sizes: List[Optional[int]] = list(a.ints("unflattened_size", len(raw), -1))
    n = x[dim]
    known = math.prod(v for v in sizes if v is not None and v != -1)
    if sizes.count(-1) > 1:
        raise ArgError("Unflatten: only one size can be -1")
    if -1 in sizes:
        if n is not None and (known == 0 or n % known):
            raise ArgError(f"Unflatten: {n} is not divisible by {known}")
        sizes[sizes.index(-1)] = None if n is None else n // known
    elif n is not None and known != n:
        raise ArgError(f"Unflatten: sizes {tuple(sizes)} do not multiply to {n}")
    return tuple(x[:dim]) + tuple(sizes) + tuple(x[dim + 1:])


def _channel_shuffle_output(a: Args, x: Shape) -> Shape:
    g = a.int("groups", 1)
    if len(x) < 3:
        raise ArgError(f"ChannelShuffle expects at least a 3D input, got {fmt(x)}")
    if x[1] is not None and x[1] % g:
        raise ArgError(f"ChannelShuffle: {x[1]} channels are not divisible by {g} groups")
    return x


def _lrn2d_output(a: Args, x: Shape) -> Shape:
    if len(x) != 4:
        raise ArgError(f"CrossMapLRN2d expects a 4D input, got {fmt(x)}")
    return x


CATALOG = [
    *_LOSSES,
    LayerSpec("torch", "CosineSimilarity", "dim=1, eps=1e-08", output=_cosine_output, extra={"forward": "x1, x2"}),
    LayerSpec("torch", "PairwiseDistance", "p=2.0, eps=1e-06, keepdim=False", output=_pairwise_output,
              extra={"forward": "x1, x2"}),
    *(LayerSpec("torch", f"LPPool{n}d", "norm_type, kernel_size, stride=None, ceil_mode=False", output=_lppool_output(n))
      for n in (1, 2, 3)),
    *(LayerSpec("torch", f"MaxUnpool{n}d", "kernel_size, stride=None, padding=0", output=_unpool_output(n),
                extra={"forward": "input, indices, output_size=None"}) for n in (1, 2, 3)),
    *(LayerSpec("torch", f"FractionalMaxPool{n}d",
                "kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None",
                output=_fractional_output(n)) for n in (2, 3)),
    LayerSpec("torch", "Fold", "output_size, kernel_size, dilation=1, padding=0, stride=1", output=_fold_output),
    LayerSpec("torch", "Unflatten", "dim, unflattened_size", output=_unflatten_output),
    # einops's torch layers (``einops.layers.torch``): modules without parameters
    LayerSpec("torch", "Rearrange", "pattern, **axes_lengths", output=_einops_output("rearrange"),
              note="einops: no parameters; the pattern's output shape"),
    LayerSpec("torch", "Reduce", "pattern, reduction, **axes_lengths", output=_einops_output("reduce"),
              note="einops: no parameters; the pattern's output shape"),
    LayerSpec("torch", "ChannelShuffle", "groups", output=_channel_shuffle_output),
    LayerSpec("torch", "FeatureAlphaDropout", "p=0.5, inplace=False"),
    LayerSpec("torch", "CrossMapLRN2d", "size, alpha=0.0001, beta=0.75, k=1", output=_lrn2d_output),
]
