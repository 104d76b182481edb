"""The layer catalog: framework classes as data. One module per framework.

Qualified names are canonicalized first (``tensorflow.keras.layers.Dense`` and
``keras.src.layers.core.dense.Dense`` both become ``keras.Dense``), then looked up.
Catalog modules are imported lazily, only for frameworks a file actually uses.
"""

from __future__ import annotations

import importlib
from typing import Dict, Optional, Tuple

from paramlint.catalog.spec import LayerSpec

# Prefixes of each framework's public namespaces, longest first.
_PREFIXES: Tuple[Tuple[str, str], ...] = (
    ("torch.nn.modules.", "torch"),
    ("torch.nn.", "torch"),
    ("torch.ao.nn.", "torch"),
    ("torch.ao.quantization.", "torch"),  # QuantStub, DeQuantStub
    ("torch.quantization.", "torch"),
    ("einops.layers.torch.", "torch"),  # (Rearrange, Reduce: torch modules)
    ("tensorflow.python.keras.", "keras"),
    ("tensorflow.keras.", "keras"),
    ("tf_keras.", "keras"),
    ("keras.src.", "keras"),
    ("keras.", "keras"),
    ("flax.linen.", "flax"),
)

_TABLES: Dict[str, Dict[str, LayerSpec]] = {}


def framework_of(qualname: str) -> Optional[str]:
    for prefix, fw in _PREFIXES:
        if qualname.startswith(prefix):
            return fw
    return None


_METRIC_SPECS: Dict[str, LayerSpec] = {}


def _metric(qualname: str) -> Optional[LayerSpec]:
    """A torchmetrics metric with no parameters and no buffers (``catalog/torchmetrics.py``): a
    torch module of its own name, so a LightningModule holding one is counted. Only these names:
    torchmetrics' others hold networks (FID, LPIPS) or other metrics (MetricCollection)."""
    from paramlint.catalog.torchmetrics import METRICS

    name = qualname.rsplit(".", 1)[-1]
    if name not in METRICS:
        return None
    spec = _METRIC_SPECS.get(name)
    if spec is None:
        spec = _METRIC_SPECS[name] = LayerSpec(
            "torch", name, "*args, **kwargs", output=None,
            note="no parameters (a torchmetrics metric: its states are plain attributes, not parameters or buffers)")
    return spec


def table(framework: str) -> Dict[str, LayerSpec]:
    """All entries of one framework by class name (aliases included)."""
    t = _TABLES.get(framework)
    if t is None:
        mod = importlib.import_module(f"paramlint.catalog.{framework}")
        t = {}
        for spec in mod.CATALOG:
            t[spec.name] = spec
            for alias in spec.aliases:
                t[alias] = spec
        _TABLES[framework] = t
    return t


def lookup(qualname: str) -> Optional[LayerSpec]:
    """The catalog entry for a framework class's qualified name, or None (memoized: asked
    hundreds of thousands of times on a large model zoo, for a few hundred names)."""
    try:
        return _LOOKUP[qualname]
    except KeyError:
        pass
    spec: Optional[LayerSpec] = None
    if qualname.startswith("torchmetrics."):
        spec = _metric(qualname)
    else:
        fw = framework_of(qualname)
        if fw is not None and ".functional." not in qualname and ".init." not in qualname \
                and not (fw == "torch" and _QUANTIZED.intersection(qualname.split(".")) and not qualname.endswith(_QUANT_OWN)):
            spec = table(fw).get(qualname.rsplit(".", 1)[-1])
    _LOOKUP[qualname] = spec
    return spec


_LOOKUP: Dict[str, Optional[LayerSpec]] = {}
#: torch's quantized, quantizable, QAT and fused module namespaces: their classes share the float
#: layers' names (``torch.ao.nn.quantized.Linear``) but not their parameters (packed weights are
#: not parameters; ``quantizable.MultiheadAttention`` adds projections): none is in the catalog.
_QUANTIZED = frozenset(("quantized", "quantizable", "qat", "intrinsic", "sparse", "dynamic"))
#: The float helpers those namespaces hold under their own names (catalog entries of their own).
_QUANT_OWN = (".FloatFunctional", ".QuantStub", ".DeQuantStub")
