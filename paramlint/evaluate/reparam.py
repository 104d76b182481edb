"""Weight reparametrizations: which parameters ``weight_norm`` and ``spectral_norm`` leave.

``weight_norm`` replaces ``weight`` by a direction ``v`` (same shape) and a magnitude ``g`` with
one entry per slice along ``dim`` (one in all, for ``dim=None``: the legacy form's ``dim=-1``
also means the whole tensor, not the last dim), so it *adds* parameters: a WaveNet/HiFi-GAN
conv with ``dim=0`` gains ``out_channels``, wav2vec2's positional conv with ``dim=2`` gains its
kernel size. ``spectral_norm`` keeps the same Parameter under another name (its ``u``/``v`` are
buffers): no change. Both spellings are modelled, ``torch.nn.utils.weight_norm`` (new
Parameters, trainable) and ``torch.nn.utils.parametrizations.weight_norm`` (under
``parametrizations.<name>.original0/1``, keeping the weight's ``requires_grad``).
"""

from __future__ import annotations

from typing import Any, Dict, List

from paramlint.evaluate.isolation import touch
from paramlint.evaluate.values import Layer, Param, Tensor, Unknown


def _target(it: Any, fn: str, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """(module, name, weight Param) or an Unknown saying why not."""
    module = args[0] if args else kwargs.get("module")
    name = args[1] if len(args) > 1 else kwargs.get("name", "weight")
    if isinstance(module, Unknown):
        return module
    if not isinstance(module, Layer) or module.framework != "torch":
        return it.unknown(f"{fn}() of a non-module", node)
    if not isinstance(name, str):
        return name if isinstance(name, Unknown) else it.unknown(f"{fn}(): name must be a string", node)
    if module.uncertain is not None:
        return module.uncertain
    w = module.params.get(name)
    if not isinstance(w, Param) or any(isinstance(d, Unknown) for d in w.shape):
        # not (or no longer) a known parameter: torch raises, or a second norm stacks
        return it.unknown(f"{fn}(): {name!r} is not a known parameter of {module.type_name}", node)
    return module, name, w


def _magnitude_shape(it: Any, shape: Any, dim: Any, node: Any) -> Any:
    """The shape of ``g``: ``norm_except_dim(v, 2, dim)``."""
    if dim is None or dim == -1:
        return ()
    if not isinstance(dim, int) or isinstance(dim, bool):
        return dim if isinstance(dim, Unknown) else it.unknown("weight_norm(): dim must be an int or None", node)
    d = dim + len(shape) if dim < 0 else dim
    if not 0 <= d < len(shape):
        return it.unknown(f"weight_norm(): dim {dim} out of range for a {len(shape)}-d weight (torch raises)", node)
    return tuple(n if i == d else 1 for i, n in enumerate(shape))


def _weight_norm(parametrized: bool) -> Any:
    fn = "parametrizations.weight_norm" if parametrized else "weight_norm"

    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        t = _target(it, fn, args, kwargs, node)
        if isinstance(t, Unknown):
            return t
        module, name, w = t
        dim = args[2] if len(args) > 2 else kwargs.get("dim", 0)
        g_shape = _magnitude_shape(it, w.shape, dim, node)
        if isinstance(g_shape, Unknown):
            return g_shape
        trainable = w.trainable if parametrized else True  # new Parameter(...) vs kept requires_grad
        g, v = Param(g_shape, trainable), Param(tuple(w.shape), trainable)
        names = (f"parametrizations.{name}.original0", f"parametrizations.{name}.original1") if parametrized \
            else (f"{name}_g", f"{name}_v")
        return _replace(it, module, name, w, dict(zip(names, (g, v))))
    return call


def _spectral_norm(parametrized: bool) -> Any:
    fn = "parametrizations.spectral_norm" if parametrized else "spectral_norm"

    def call(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
        t = _target(it, fn, args, kwargs, node)
        if isinstance(t, Unknown):
            return t
        module, name, w = t
        return _replace(it, module, name, w, {f"parametrizations.{name}.original" if parametrized else f"{name}_orig": w})
    return call


def _replace(it: Any, module: Layer, name: str, w: Param, params: Dict[str, Param]) -> Layer:
    """``name`` stops being a parameter (its attribute is the computed weight, a plain tensor);
    ``params`` are registered in its place (``spectral_norm``: the same Parameter, renamed)."""
    touch(it, module)
    del module.params[name]
    module.params.update(params)
    module.attrs[name] = Tensor(tuple(w.shape))
    return module


def _remove_weight_norm(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    module = args[0] if args else kwargs.get("module")
    name = args[1] if len(args) > 1 else kwargs.get("name", "weight")
    if not isinstance(module, Layer) or not isinstance(name, str):
        return it.unknown("remove_weight_norm() arguments", node)
    v = module.params.get(f"{name}_v")
    if not isinstance(v, Param) or not isinstance(module.params.get(f"{name}_g"), Param):
        return it.unknown(f"remove_weight_norm(): no weight_norm of {name!r} (torch raises)", node)
    touch(it, module)
    del module.params[f"{name}_g"], module.params[f"{name}_v"]
    module.attrs.pop(name, None)
    module.params[name] = Param(tuple(v.shape), True)
    return module


FUNCS = {
    "torch.nn.utils.weight_norm": _weight_norm(False),
    "torch.nn.utils.weight_norm.weight_norm": _weight_norm(False),
    "torch.nn.utils.parametrizations.weight_norm": _weight_norm(True),
    "torch.nn.utils.spectral_norm": _spectral_norm(False),
    "torch.nn.utils.spectral_norm.spectral_norm": _spectral_norm(False),
    "torch.nn.utils.parametrizations.spectral_norm": _spectral_norm(True),
    "torch.nn.utils.remove_weight_norm": _remove_weight_norm,
    "torch.nn.utils.weight_norm.remove_weight_norm": _remove_weight_norm,
}
