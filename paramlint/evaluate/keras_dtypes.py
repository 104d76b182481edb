"""Keras dtype policies: a layer's ``dtype_policy``, ``compute_dtype`` and ``variable_dtype``,
fixed when the layer is made (its ``dtype=``, else the global policy then), changed by its
``dtype_policy`` setter. keras-hub passes ``dtype=self.dtype_policy`` down and casts with
``ops.cast(x, self.compute_dtype)``; a policy paramlint cannot name would make those unknown."""

from __future__ import annotations

from typing import Any, Dict, List

from paramlint.evaluate.keras_objects import identifier
from paramlint.evaluate.values import Builtin, Unknown

#: Policy names -> (compute dtype, variable dtype). Quantized policies ("int8_from_float32"...)
#: change the weights and are not modelled.
_POLICIES = {
    "float16": ("float16", "float16"), "bfloat16": ("bfloat16", "bfloat16"), "float32": ("float32", "float32"),
    "float64": ("float64", "float64"), "mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32"),
}


class DTypePolicy:
    """``keras.DTypePolicy(name)`` and a layer's ``dtype_policy``: given as ``dtype=`` to other
    layers (keras-hub passes ``dtype=self.dtype_policy`` down), read as ``compute_dtype`` in
    ``ops.cast(x, self.compute_dtype)``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"DTypePolicy({self.name})"

    def attr(self, it: Any, name: str, node: Any) -> Any:
        if name == "name":
            return self.name
        if name == "compute_dtype":
            return _POLICIES[self.name][0]
        if name == "variable_dtype":
            return _POLICIES[self.name][1]
        if name == "quantization_mode":
            return None
        return it.unknown(f"attribute {name!r} of a DTypePolicy", node)


def policy(it: Any, value: Any, node: Any) -> Any:
    """The policy a ``dtype=`` argument names (None: the global one), or Unknown."""
    if value is None:
        value = it.project.keras_config.get("dtype_policy")
        if value is None:
            value = it.project.keras_config.get("floatx", "float32")  # (Keras's default policy is floatx())
    if isinstance(value, DTypePolicy) or isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value in _POLICIES:
        return DTypePolicy(value)
    return it.unknown(f"the dtype policy {value!r} is not modelled", node)


def layer_dtype(it: Any, raw: Any, name: str, node: Any) -> Any:
    """A Keras layer's ``dtype_policy``, ``compute_dtype``, ``variable_dtype`` or ``dtype``,
    from its ``dtype=`` argument (``raw``) or the global policy."""
    p = policy(it, raw, node)
    if isinstance(p, Unknown) or name == "dtype_policy":
        return p
    return _POLICIES[p.name][0 if name == "compute_dtype" else 1]


def _policy_new(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = args[0] if len(args) == 1 and not kwargs else kwargs.get("name") if not args and len(kwargs) == 1 else _NO_ARG
    if v is _NO_ARG:
        return it.unknown("DTypePolicy() with these arguments", node)
    return policy(it, v, node) if isinstance(v, str) else it.unknown("DTypePolicy() of a name that is not a string", node)


def _policy_get(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = identifier(it, "keras.dtype_policies", args, kwargs, node)
    return v if isinstance(v, (DTypePolicy, Unknown)) else policy(it, v, node) if isinstance(v, str) else it.unknown(
        "keras.dtype_policies.get() of this value", node)


def _set_global(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    v = args[0] if len(args) == 1 and not kwargs else kwargs.get("policy") if not args and len(kwargs) == 1 else None
    p = policy(it, v, node) if v is not None else it.unknown("set_dtype_policy() with these arguments", node)
    it.project.keras_config["dtype_policy"] = p if isinstance(p, Unknown) else p.name
    return None


def _get_global(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return policy(it, None, node) if not args and not kwargs else it.unknown("dtype_policy() with arguments", node)


_NO_ARG = object()

STDLIB: Dict[str, Any] = {}
for _p in ("keras.", "keras.src.", "keras.dtype_policies.", "keras.src.dtype_policies.", "keras.mixed_precision."):
    STDLIB[f"{_p}DTypePolicy"] = Builtin("DTypePolicy", _policy_new)
for _p in ("keras.", "keras.src."):
    STDLIB[f"{_p}dtype_policies.get"] = Builtin("get", _policy_get)
    STDLIB[f"{_p}config.set_dtype_policy"] = Builtin("set_dtype_policy", _set_global)
    STDLIB[f"{_p}config.dtype_policy"] = Builtin("dtype_policy", _get_global)
    STDLIB[f"{_p}mixed_precision.set_global_policy"] = Builtin("set_global_policy", _set_global)
    STDLIB[f"{_p}mixed_precision.set_dtype_policy"] = Builtin("set_dtype_policy", _set_global)
    STDLIB[f"{_p}mixed_precision.global_policy"] = Builtin("global_policy", _get_global)
    STDLIB[f"{_p}mixed_precision.dtype_policy"] = Builtin("dtype_policy", _get_global)
