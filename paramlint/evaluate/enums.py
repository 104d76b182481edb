"""``enum.Enum`` classes: members are instances of the class, made when the class body is
evaluated, exactly as ``EnumMeta`` does.

Model code uses enums as configuration (``Weights.IMAGENET1K_V1`` as a default argument,
``Mode.FAST`` in a branch); members must keep their identity so ``is``/``isinstance``
and ``==`` behave as in Python.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from paramlint.evaluate.values import Builtin, Class, External, Function, Instance, Unknown

#: Enum bases whose members also are plain values (``IntEnum.A == 1``).
_MIXIN_BASES = {"enum.IntEnum", "enum.StrEnum", "enum.IntFlag"}
_MISSING = object()


class Auto:
    """``enum.auto()``: the value is chosen when the class is created."""

    __slots__ = ()


def _auto(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    return Auto()


STDLIB: Dict[str, Any] = {"enum.auto": Builtin("auto", _auto)}


def is_enum(cls: Any) -> bool:
    return isinstance(cls, Class) and "enum" in cls.flags


def has_mixin(cls: Class) -> bool:
    """Members compare equal to plain values (``IntEnum``, ``class E(str, Enum)``)."""
    for b in cls.mro():
        if isinstance(b, External) and b.qualname in _MIXIN_BASES:
            return True
        if isinstance(b, Builtin) and b.name in ("int", "str", "float"):
            return True
    return False


def _is_member_name(name: str) -> bool:
    if name.startswith("__") or (name.startswith("_") and name.endswith("_") and len(name) > 2):
        return False
    return True


def _is_member_value(v: Any) -> bool:
    from paramlint.evaluate.framework import Super

    return not isinstance(v, (Function, Class, Builtin, Super))


def make_members(it: Any, cls: Class, ns: Dict[str, Any]) -> None:
    """Replace the class body's plain assignments by members (in definition order)."""
    from paramlint.evaluate.attributes import class_attr

    members: Dict[str, Any] = {}
    by_value: List[Any] = []
    inherited = False
    for b in cls.mro()[1:]:
        if isinstance(b, Class) and (b._ns or {}).get("__members__"):
            inherited = True  # Python refuses to extend an enum with members
    last_int = 0
    mixin = has_mixin(cls)
    init = class_attr(it, cls, "__init__", None, None)
    for name in list(ns):
        v = ns[name]
        if not _is_member_name(name) or not _is_member_value(v):
            continue
        if inherited:
            cls.uncertain = cls.uncertain if cls.uncertain is not None else it.unknown(f"enum {cls.name} extends an enum with members")
            return
        if isinstance(v, Auto):
            hook = _user_hook(cls, "_generate_next_value_")
            if hook is not None:  # the class's own rule: called as Python's EnumType does
                v = it.call(hook, [name, 1, len(by_value), [x for x, _ in by_value]], {}, None)
                if isinstance(v, Unknown):
                    cls.uncertain = cls.uncertain if cls.uncertain is not None else v
                    return
            elif mixin and any(isinstance(b, External) and b.qualname == "enum.StrEnum" for b in cls.mro()):
                v = name.lower()
            elif any(isinstance(b, External) and b.qualname in ("enum.Flag", "enum.IntFlag") for b in cls.mro()):
                high = max((x for x, _ in by_value if isinstance(x, int)), default=0)
                v = 1 if not by_value else 2 ** high.bit_length()  # the next power of two
            else:
                v = last_int + 1
        if isinstance(v, int) and not isinstance(v, bool):
            last_int = v
        alias = None
        for other_value, other in by_value:
            try:
                if type(other_value) is type(v) and other_value == v:
                    alias = other
                    break
            except Exception:
                continue
        if alias is not None:  # an alias names the first member with that value
            ns[name] = alias
            members[name] = alias
            continue
        m = Instance(cls)
        m.attrs.update({"_name_": name, "_value_": v, "name": name, "value": v})
        if isinstance(init, Function):
            args = list(v) if isinstance(v, tuple) else [v]
            r = it.call(init, [m, *args], {}, None)
            if isinstance(r, Unknown):
                m = r  # type: ignore[assignment]
        ns[name] = m
        members[name] = m
        by_value.append((v, m))
    ns["__members__"] = members
    ns["_member_map_"] = members


def _user_hook(cls: Class, name: str) -> Any:
    """A function ``name`` defined by the enum class or a project base (not the enum module's)."""
    for b in cls.mro():
        if isinstance(b, Class) and b._ns is not None and name in b._ns:
            return b._ns[name]
    return None


def members(cls: Class) -> Optional[Dict[str, Any]]:
    ns = cls._ns or {}
    m = ns.get("__members__", _MISSING)
    return m if isinstance(m, dict) else None


def member_list(it: Any, cls: Class, node: Any) -> Any:
    m = members(cls)
    if m is None:
        return it.unknown(f"members of enum {cls.name}", node)
    out: List[Any] = []
    for v in m.values():
        if not any(v is x for x in out):
            out.append(v)
    return out


def by_value(it: Any, cls: Class, args: List[Any], node: Any) -> Any:
    """``Color(1)``: the member with that value (or the member itself)."""
    if len(args) != 1:
        return it.unknown(f"calling enum {cls.name} with {len(args)} arguments", node)
    v = args[0]
    if isinstance(v, Unknown):
        return v
    if isinstance(v, Instance) and v.cls is cls:
        return v
    ms = members(cls)
    if ms is None:
        return it.unknown(f"members of enum {cls.name}", node)
    for m in ms.values():
        mv = m.attrs.get("_value_") if isinstance(m, Instance) else _MISSING
        if isinstance(mv, Unknown):
            return mv
        try:
            if mv is not _MISSING and mv == v:  # by equality, as the value map (Color(1.0) is Color(1))
                return m
        except Exception:
            return it.unknown(f"comparing a value with the members of {cls.name}", node)
    from paramlint.evaluate.interpreter import Raised

    if _user_hook(cls, "_missing_") is not None:  # the class's own hook picks a member
        from paramlint.evaluate.attributes import class_attr

        r = it.call(class_attr(it, cls, "_missing_", node, None), [v], {}, node)
        if isinstance(r, Instance) and r.cls is cls or isinstance(r, Unknown):
            return r
        if r is not None:
            return it.unknown(f"{cls.name}._missing_() returned a non-member", node)
    raise Raised(it.unknown(f"raises ValueError: {v!r} is not a valid {cls.name}", node), "ValueError")


def by_name(it: Any, cls: Class, key: Any, node: Any) -> Any:
    """``Color["RED"]``."""
    if isinstance(key, Unknown):
        return key
    ms = members(cls)
    if ms is None:
        return it.unknown(f"members of enum {cls.name}", node)
    if isinstance(key, str) and key in ms:
        return ms[key]
    from paramlint.evaluate.interpreter import Raised

    raise Raised(it.unknown(f"raises KeyError: {key!r}", node), "KeyError")


def plain_value(v: Any) -> Any:
    """A mixin enum member as the plain value it compares equal to; anything else unchanged."""
    if isinstance(v, Instance) and is_enum(v.cls) and has_mixin(v.cls):
        return v.attrs.get("_value_", v)
    return v
