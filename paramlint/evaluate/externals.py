"""What paramlint knows exists in the frameworks and the standard library, for feature
detection in model code: ``hasattr(F, "silu")``, ``"mish" in dir(torch.nn.functional)``.

A name paramlint models (a catalog layer, a modelled function or constant) is answered as
present -- the figures paramlint gives already assume the framework API it models. Any other
name is Unknown, never "absent": paramlint's tables are not the whole framework.
"""

from __future__ import annotations

from typing import Any

from paramlint.evaluate.values import External, Unknown


def known(qualname: str) -> bool:
    from paramlint import catalog
    from paramlint.evaluate import tensor_ops, tensors
    from paramlint.evaluate.builtins import CONSTANTS, STDLIB

    if catalog.lookup(qualname) is not None or qualname in STDLIB or qualname in CONSTANTS:
        return True
    if qualname in tensors._FUNCS or qualname in tensor_ops.FUNCS:
        return True
    if qualname.startswith("torch.nn.utils."):
        from paramlint.evaluate.reparam import FUNCS as REPARAM  # (``hasattr(parametrizations, "weight_norm")``)

        if qualname in REPARAM:
            return True
    head, _, short = qualname.rpartition(".")
    return head == "torch" and short in tensor_ops.AS_FUNCTIONS


_MODULES: Any = None


def known_module(qualname: str) -> bool:
    """A framework or standard-library module paramlint models names of (``torch.nn.functional``):
    a prefix of a name it knows."""
    global _MODULES
    if _MODULES is None:
        from paramlint import catalog
        from paramlint.evaluate import tensor_ops, tensors
        from paramlint.evaluate.builtins import CONSTANTS, STDLIB

        from paramlint.evaluate.reparam import FUNCS as REPARAM

        names = [*STDLIB, *CONSTANTS, *tensors._FUNCS, *tensor_ops.FUNCS, *REPARAM, *(p for p, _ in catalog._PREFIXES)]
        _MODULES = frozenset(n[:i] for n in names for i, ch in enumerate(n) if ch == ".")
    return qualname in _MODULES


class ExternalDir:
    """``dir(<framework module>)``: membership answered from what paramlint models."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def contains(self, it: Any, item: Any, node: Any) -> Any:
        if isinstance(item, Unknown):
            return item
        if not isinstance(item, str):
            return False
        if known(f"{self.qualname}.{item}"):
            return True
        return it.unknown(f"whether {self.qualname} has {item!r}", node).as_bool()


def has_attr(it: Any, ext: External, name: str, node: Any) -> Any:
    if known(f"{ext.qualname}.{name}"):
        return True
    return it.unknown(f"whether {ext.qualname} has {name!r}", node).as_bool()
