"""Python protocols on evaluator values: iteration, ``len``, ``in``, subscripts and item
assignment, ``del obj.attr`` -- each exact or Unknown, size-checked."""

from __future__ import annotations

from typing import Any, List, Sized, cast

from paramlint.evaluate.isolation import touch
from paramlint.evaluate.limits import LimitExceeded, loop_limit
from paramlint.evaluate.lazy import lazy
from paramlint.evaluate.project import ModuleNS
from paramlint.evaluate.values import DICT_VIEWS, selected_by, Builtin, Class, Environ, EqualityNotModelled, compares_by_identity, External, Function, GenericAlias, Instance, Layer, Param, Tensor, Unknown


def _materialize(it: Any, cls: Class) -> Any:
    from paramlint.evaluate.framework import materialize

    return materialize(it, cls)


# ---- generic protocol helpers ----------------------------------------------------------------

def untrusted(it: Any, v: Any, depth: int = 0) -> Any:
    """Why ``v`` cannot serve as a set element or dict key here, or None: its equality with
    other values is not known. An Unknown (any int could equal a key already there), a tuple
    holding one, or an instance compared by value (a dataclass, a class with ``__eq__``) would be
    hashed by identity, so ``{u, 2}`` would have two elements where Python may have one."""
    if isinstance(v, Unknown):
        return v
    if isinstance(v, (tuple, frozenset, list, set, dict)):
        if depth > 20:  # (a list that holds itself)
            return it.unknown("equality of deeply nested values is not modelled", None)
        for x in (v.values() if isinstance(v, dict) else v):
            u = untrusted(it, x, depth + 1)
            if u is not None:
                return u
        return it.poison_of(v) if isinstance(v, (list, set, dict)) else None
    if isinstance(v, Instance) and not compares_by_identity(v.cls):
        return it.unknown(f"equality of {v.cls.name} instances is not modelled", None)
    return None


def untrusted_in(it: Any, items: Any) -> Any:
    """:func:`untrusted` of the first such item, or None."""
    for x in items:
        u = untrusted(it, x)
        if u is not None:
            return u
    return None

#: ``dict.keys()``/``values()``/``items()``: Python's own live views of a dict.
VIEWS = DICT_VIEWS


def iterate(it: Any, v: Any, node: Any, ordered: bool = True) -> Any:
    """A list of the items ``for x in v`` would see, or Unknown. ``ordered=False``: the caller
    does not depend on the order (``sorted``, ``set``, ``min``...), so a set's items will do."""
    u = it.poison_of(v)
    if u is not None:
        return u
    if isinstance(v, (list, tuple)):
        return v
    if isinstance(v, range):
        if len(v) > it.limits.max_loop:
            raise loop_limit(it.limits, f": range of {len(v):,}")
        return list(v)
    if isinstance(v, dict):
        return list(v.keys())
    if type(v) in VIEWS:
        return list(v)
    if isinstance(v, (set, frozenset)):
        if len(v) <= 1 or all(type(x) in (int, bool) and 0 <= x < 8 for x in v):
            return sorted(v)  # each in its own slot of the smallest table: CPython's order
        if ordered:
            # CPython's order depends on hashes (randomized for str), collisions and the set's
            # history (a constant {1, 9, 17} is a frozenset compiled into the code)
            return it.unknown("the iteration order of a set is not modelled", node)
        try:
            return sorted(v)
        except TypeError:
            return list(v)
    if isinstance(v, str):
        return list(v)
    if isinstance(v, Unknown):
        return v
    if isinstance(v, Layer):
        return lazy.modules.iterate_layer(it, v, node)
    if isinstance(v, Instance) and "namedtuple" in v.cls.flags:
        return [v.attrs.get(n) for n, _ in v.cls.fields]
    if isinstance(v, (Tensor, Param)):
        return lazy.tensors.iterate(it, v, node)
    from paramlint.evaluate.arrays import Array

    if isinstance(v, Array):
        u = lazy.arrays.poisoned(it, v)
        return u if u is not None else lazy.arrays.iterate(it, v, node)
    from paramlint.evaluate.iterators import Iterator, items

    if isinstance(v, Iterator):
        return items(it, v, node)
    if isinstance(v, Class) and "enum" in v.flags:
        _materialize(it, v)
        return lazy.enums.member_list(it, v, node)
    if isinstance(v, Instance):
        r = dunder(it, v, "__iter__", [], node)
        if r is not _NO_DUNDER:
            if isinstance(r, Unknown):
                return r
            # Python requires an iterator (a list is a TypeError; ``return self`` needs __next__)
            return items(it, r, node) if type(r) is Iterator else it.unknown("__iter__() did not return an iterator of known items", node)
    return it.unknown(f"iterating a {type(v).__name__} is not modelled", node)


_NO_DUNDER = object()


def special_method(it: Any, obj: Instance, name: str) -> Any:
    """The function a project class in ``type(obj)``'s MRO defines as ``name``, or None."""
    if obj.cls._ns is None:
        _materialize(it, obj.cls)
    m = it.fw.class_lookup(obj.cls, name)
    return m if isinstance(m, Function) else None


def dunder(it: Any, obj: Instance, name: str, args: List[Any], node: Any) -> Any:
    """``type(obj).name(obj, *args)`` for a user class that defines it (``__iter__``,
    ``__len__``, ``__contains__``...); ``_NO_DUNDER`` when no project class in its MRO does."""
    m = special_method(it, obj, name)
    return _NO_DUNDER if m is None else it.call(m, [obj, *args], {}, node)


def length(it: Any, v: Any, node: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    u = it.poison_of(v)
    if u is not None:
        return u
    if isinstance(v, (list, tuple, dict, set, frozenset, str, range, *VIEWS)):
        return len(cast(Sized, v))
    if isinstance(v, Layer):
        if v.uncertain is not None:
            return v.uncertain
        return len(lazy.modules._items_of(v))
    if isinstance(v, Instance) and "namedtuple" in v.cls.flags:
        return len(v.cls.fields)
    if isinstance(v, Class) and "enum" in v.flags:
        _materialize(it, v)
        ms = lazy.enums.member_list(it, v, node)
        return ms if isinstance(ms, Unknown) else len(ms)
    if isinstance(v, Instance):
        r = dunder(it, v, "__len__", [], node)
        if r is not _NO_DUNDER:
            if isinstance(r, bool) or not isinstance(r, int) or r < 0:
                return r if isinstance(r, Unknown) else it.unknown("__len__() did not return a non-negative int", node)
            return r
    from paramlint.evaluate.arrays import Array

    if isinstance(v, Array):
        return len(v.vals) if not v.scalar else it.unknown("len() of a 0-d array", node)
    if isinstance(v, (Tensor, Param)):
        d = v.shape[0] if v.shape else None
        return d if isinstance(d, int) else it.unknown("len() of a tensor with unknown first dim", node)
    return it.unknown(f"len() of a {type(v).__name__}", node)


def contains(it: Any, container: Any, item: Any, node: Any) -> Any:
    from paramlint.evaluate.externals import ExternalDir

    if isinstance(container, ExternalDir):
        return container.contains(it, item, node)
    u = it.poison_of(container)
    if u is not None:
        return u
    if isinstance(container, Layer):
        if not isinstance(item, str):
            return it.unknown("membership test on a module", node)
        return item in container.children
    if isinstance(container, (list, tuple, set, frozenset, dict)) and container:
        u = untrusted(it, item)
        if u is None and not isinstance(container, dict):
            u = untrusted_in(it, container)
        if u is not None:
            return u
    if isinstance(container, (list, tuple, set, frozenset)):
        try:
            return any(_same(x, item) for x in container)
        except Exception:
            return it.unknown("membership test", node)
    if type(container) in VIEWS:
        u = untrusted(it, item)
        if u is not None:
            return u
        try:
            return any(_same(x, item) for x in container)
        except Exception:
            return it.unknown("membership test", node)
    if isinstance(container, dict):
        try:
            return item in container
        except TypeError:
            return it.unknown("unhashable key", node)
    if isinstance(container, str):
        if not isinstance(item, str):
            return it.unknown("'in <string>' requires a string", node)
        return item in container
    if isinstance(container, range):
        return item in container if isinstance(item, int) else it.unknown("membership in range", node)
    from paramlint.evaluate.iterators import IterationUnknown, Iterator

    if isinstance(container, Instance):
        r = dunder(it, container, "__contains__", [item], node)
        if r is _NO_DUNDER:
            mixin = lazy.abcs.mapping_mixin(it, container.cls, container, "__contains__", node)
            r = it.call(mixin, [item], {}, node) if mixin is not None else r
        if r is not _NO_DUNDER:
            t = it.truth(r, node)
            return t if isinstance(t, Unknown) else bool(t)
        seq = dunder(it, container, "__iter__", [], node)  # Python falls back to iterating
        if seq is not _NO_DUNDER:
            if type(seq) is not Iterator:
                return seq if isinstance(seq, Unknown) else it.unknown("__iter__() did not return an iterator of known items", node)
            container = seq
    if type(container) is Iterator:  # consumed up to the first equal item, as Python does
        u = untrusted(it, item)
        if u is not None:
            return u
        try:
            for x in container.stream(it):
                u = untrusted(it, x)
                if u is not None:
                    return u
                if _same(x, item):
                    return True
        except IterationUnknown as e:
            return e.unknown
        except EqualityNotModelled as e:
            return it.unknown(str(e), node)
        return False
    return it.unknown(f"membership test on a {type(container).__name__}", node)


_PLAIN_EQ = (int, float, str, bytes, complex, type(None), tuple, frozenset, list, set, dict)


def _same(x: Any, item: Any) -> bool:
    """``x == item`` as Python answers it for values whose equality is modelled: numbers
    compare across types (``1 in [1.0, True]``), other objects by identity."""
    if x is item:
        return True
    if isinstance(x, _PLAIN_EQ) and isinstance(item, _PLAIN_EQ):
        return bool(x == item)
    if isinstance(x, Instance) or isinstance(item, Instance):
        return bool(x == item)  # raises EqualityNotModelled unless both compare by identity
    return isinstance(x, External) and x == item


_GENERIC_BUILTINS = ("list", "dict", "tuple", "set", "frozenset", "type")


def subscript(it: Any, obj: Any, index: Any, node: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj
    u = it.poison_of(obj)
    if u is not None:
        return u
    if isinstance(index, Unknown):
        return selected_by(index, obj)
    if isinstance(obj, Layer):
        return lazy.modules.getitem(it, obj, index, node)
    if isinstance(obj, (Tensor, Param)):
        return lazy.tensors.getitem(it, obj, index, node)
    if isinstance(obj, lazy.arrays.Array):
        u = lazy.arrays.poisoned(it, obj)
        return u if u is not None else lazy.arrays.subscript(it, obj, index, node)
    if isinstance(obj, Class) and "enum" in obj.flags:
        _materialize(it, obj)
        return lazy.enums.by_name(it, obj, index, node)
    if isinstance(obj, Instance) and "namedtuple" not in obj.cls.flags:
        r = dunder(it, obj, "__getitem__", [index], node)
        if r is not _NO_DUNDER:
            return r
    if isinstance(obj, Builtin) and obj.name in _GENERIC_BUILTINS:  # ``list[int]`` (PEP 585)
        return GenericAlias(obj, index if isinstance(index, tuple) else (index,))
    if isinstance(obj, External) and obj.qualname == "sys.modules" and isinstance(index, str):
        mod = it.project.find(index)  # a module of the project is the one being evaluated
        if mod is not None:
            return it.import_module(index)
        return it.unknown(f"sys.modules[{index!r}]", node)
    if isinstance(obj, Class) or isinstance(obj, External) and obj.qualname.rsplit(".", 1)[-1][:1].isupper():
        return obj  # typing subscripts: List[int], Optional[X], a generic class
    if isinstance(obj, External):  # a library's value: ``sys.argv[1]``, ``string.digits[:3]``
        return it.unknown(f"{obj.qualname}[...]", node)
    if isinstance(obj, Instance) and "namedtuple" in obj.cls.flags:
        obj = tuple(obj.attrs.get(n) for n, _ in obj.cls.fields)  # (a slice of one is a tuple)
    from paramlint.evaluate.iteration import DefaultDict, missing_key

    if isinstance(obj, dict):  # ``d[(u, 1)]`` may be any key (``untrusted``), not a KeyError
        u = untrusted(it, index)
        if u is not None:
            return selected_by(u, obj)
    if isinstance(obj, DefaultDict):
        try:
            if index not in obj:
                return missing_key(it, obj, index, node)
        except TypeError:
            return it.unknown("unhashable key", node)
    try:
        if isinstance(index, slice) and any(isinstance(x, Unknown) for x in (index.start, index.stop, index.step)):
            return it.unknown("slice with unknown bounds", node)
        return obj[index]
    except (KeyError, IndexError) as e:
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises {type(e).__name__}: {e}", node), type(e).__name__)
    except Exception as e:
        return it.unknown(f"subscript: {e}", node)


#: Values whose item assignment Python refuses (TypeError).
_IMMUTABLE = (tuple, str, bytes, int, float, type(None), range, frozenset)


def set_item(it: Any, obj: Any, index: Any, value: Any, node: Any) -> None:
    touch(it, obj)
    if isinstance(obj, Layer):
        lazy.modules.setitem(it, obj, index, value, node)
        return
    if isinstance(obj, Instance):  # ``type(obj).__setitem__(obj, index, value)``
        r = dunder(it, obj, "__setitem__", [index, value], node)
        if r is _NO_DUNDER:
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises TypeError: {obj.cls.name} does not support item assignment", node), "TypeError")
        if isinstance(r, Unknown):
            it.poison(obj, r)
        return
    if isinstance(obj, dict) and not isinstance(index, Unknown):
        why = untrusted(it, index)  # d[(u, 1)] = v: which key it sets is unknown
        index = index if why is None else why
    if isinstance(index, Unknown):
        if isinstance(obj, (list, dict)):
            # Any item may have changed: reading the container is unknown, and so is every
            # value a copy of it (``dict(d)``, ``{**d}``, ``lst + []``) carries along.
            it.poisoned.setdefault(id(obj), (obj, index))
            if isinstance(obj, dict):
                for k in obj:
                    obj[k] = index
            else:
                obj[:] = [index] * len(obj)
        elif not isinstance(obj, (Unknown, Tensor, Param, *_IMMUTABLE)):
            it.poison(obj, index)
        return
    if isinstance(obj, lazy.arrays.Array):
        lazy.arrays.mutated(it, "item assignment", node)
        return
    if isinstance(obj, Environ) and not (isinstance(index, str) and isinstance(value, (str, Unknown))):
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown("os.environ keys and values must be str", node), "TypeError")
    if type(obj) is dict and it.module_dicts and lazy.modules.registry_write(it, obj, index, value, node):
        return
    if type(obj) is list and isinstance(index, slice) and not isinstance(value, (list, tuple, str)):
        seq = iterate(it, value, node)  # ``xs[a:b] = <any iterable>``: its items
        if isinstance(seq, Unknown):
            it.poison(obj, seq)
            return
        value = list(seq)
    if isinstance(obj, (list, dict)):
        try:
            obj[index] = value
            if isinstance(obj, dict) and len(obj) > it.limits.max_collection:
                raise LimitExceeded("collection exceeds the collection limit")
        except (KeyError, IndexError, TypeError, ValueError) as e:  # (``xs[::2] = [0]``: ValueError)
            from paramlint.evaluate.interpreter import Raised

            raise Raised(it.unknown(f"raises {type(e).__name__}: {e}", node), type(e).__name__)
    elif isinstance(obj, _IMMUTABLE):
        from paramlint.evaluate.interpreter import Raised

        raise Raised(it.unknown(f"raises TypeError: a {type(obj).__name__} does not support item assignment", node), "TypeError")
    elif not isinstance(obj, (Unknown, Tensor, Param)):  # (a tensor keeps its shape: no change we model)
        # an object whose item assignment is not modelled (a deque subclass, an external
        # mapping...): what it holds afterwards is unknown, for every reference to it
        it.poison(obj, it.unknown(f"item assignment on a {type(obj).__name__} is not modelled", node))


def del_attr(it: Any, obj: Any, name: str, node: Any) -> None:
    touch(it, obj)
    if isinstance(obj, Layer):
        if lazy.modules.hidden_submodule(obj, name):
            if obj.uncertain is None:
                obj.uncertain = it.unknown(f"del {obj.type_name}.{name}: its inner modules are not modelled one by one", node)
            return
        if obj.framework == "keras":  # Keras keeps tracking what the attribute held
            for table in (obj.children, obj.params):
                if table.get(name) is not None:
                    lazy.keras_graph.stash(table, name)
            obj.attrs.pop(name, None)
            return
        obj.children.pop(name, None)
        obj.params.pop(name, None)
        obj.buffers.pop(name, None)
        obj.attrs.pop(name, None)
    elif isinstance(obj, Instance):
        prop = it.fw.class_lookup(obj.cls, name)
        if isinstance(prop, Function) and prop.kind == "property":  # a data descriptor wins
            deleter = prop.attrs.get("__deleter__")
            if deleter is None:
                from paramlint.evaluate.interpreter import Raised

                raise Raised(it.unknown(f"raises AttributeError: property {name!r} has no deleter", node), "AttributeError")
            it.call(deleter, [obj], {}, node)
            return
        if isinstance(prop, Instance):
            obj.attrs.pop(name, None)  # (a descriptor's __delete__ is not modelled)
            it.poison(obj, it.unknown(f"del of descriptor attribute {name!r}", node))
            return
        obj.attrs.pop(name, None)
    elif isinstance(obj, Class):  # a base's attribute shows through again
        (obj._ns if obj._ns is not None else _materialize(it, obj)).pop(name, None)
    elif isinstance(obj, ModuleNS):
        obj.ns.pop(name, None)
    elif isinstance(obj, Function):
        obj.attrs.pop(name, None)
