#!/usr/bin/env python3
"""Write paramlint/catalog/attr_names.py: the attribute names each catalog layer class may have,
read from the frameworks themselves (torch 2.13, Keras 3.15 over torch): ``dir()`` of the class,
every ``self.<name> = ...`` / ``setattr(self, "<name>", ...)`` / ``self.register_buffer("<name>",
...)`` in the source of the classes it derives from, and the attributes of a bare base instance.
Names computed at run time (a Sequential's "0", LSTM's ``weight_ih_l{k}``) are submodules and
tensors, which paramlint's own tables hold. A superset: ``hasattr(layer, name)`` is answered False only for a name outside
it (paramlint's own attribute tables answer the rest), Unknown for a name inside it that
paramlint does not model.

    KERAS_BACKEND=torch python tests/golden/make_attr_names.py
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import textwrap
from pathlib import Path
from typing import Dict, Set

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
OUT = REPO / "paramlint" / "catalog" / "attr_names.py"


def _assigned(cls: type) -> Set[str]:
    """Names a class's own methods assign on ``self``."""
    try:
        src = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return set()
    names: Set[str] = set()
    for node in ast.walk(ast.parse(src)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            for x in ast.walk(t):
                if isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name) and x.value.id == "self":
                    names.add(x.attr)
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "setattr" and len(node.args) >= 2 \
                and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
            key = node.args[1]
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self" \
                and f.attr in _REGISTERS:
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
        # (a computed name -- a Sequential's "0", "1"..., LSTM's weight_ih_l{k} -- is a
        # submodule or a tensor: paramlint's own tables hold those)
    return names


#: Methods that make an attribute of the name they are given.
_REGISTERS = frozenset(("register_buffer", "register_parameter", "add_module", "register_module"))



def names_of(cls: type) -> Set[str]:
    """``dir(cls)`` and what the classes it derives from assign on ``self`` (Keras over torch:
    torch's Module assignments too)."""
    out = set(dir(cls))
    for c in cls.__mro__:
        if c is not object:
            out |= _assigned(c)
    return out


def _resolve(dotted: str) -> object:
    mod, _, attr = dotted.rpartition(".")
    import importlib

    return getattr(importlib.import_module(mod), attr)


def main() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    from paramlint.catalog import table

    data: Dict[str, Dict[str, Set[str]]] = {}
    for fw, prefix, base in (("torch", "torch.nn.", torch.nn.Module), ("keras", "keras.layers.", keras.layers.Layer)):
        base_names = names_of(base) | set(vars(base()))  # (and what __new__ sets)
        per: Dict[str, Set[str]] = {"": base_names}
        for name, spec in sorted(table(fw).items()):
            try:
                cls = _resolve(prefix + name)
            except (AttributeError, ImportError):
                try:
                    cls = _resolve(("keras." if fw == "keras" else "torch.nn.") + name)
                except (AttributeError, ImportError):
                    continue
            if not isinstance(cls, type):
                continue
            per[name] = names_of(cls) - base_names
        if fw == "keras":
            from keras.src.models.functional import Functional

            per["Model"] = (names_of(keras.Model) | names_of(Functional) | set(vars(keras.Model()))) - base_names
        data[fw] = per
    lines = ['"""Attribute names each catalog layer class may have, read from the frameworks (torch',
             f"{torch.__version__.split('+')[0]}, Keras {keras.__version__}) by tests/golden/make_attr_names.py: a superset",
             '(``dir()`` and every ``self.<name> =`` of the class and its framework bases). Generated; do',
             'not edit. ``""`` is the base class (``nn.Module``, ``keras.layers.Layer``); the others list',
             'only their names beyond it."""', "", "NAMES = {"]
    for fw, per in data.items():
        lines.append(f"    {fw!r}: {{")
        for name, names in per.items():
            body = " ".join(sorted(names))
            lines.append(f"        {name!r}: frozenset({body!r}.split()),")
        lines.append("    },")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {sum(len(p) for p in data.values())} classes")


if __name__ == "__main__":
    main()
