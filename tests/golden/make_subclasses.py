#!/usr/bin/env python3
"""Write paramlint/catalog/subclasses.py: for each catalog class, the other catalog classes it
derives from, read from the frameworks themselves (``issubclass``, torch 2.13 and Keras 3.15 over
torch): ``isinstance(lstm, layers.RNN)`` is True in Keras, ``isinstance(nn.LazyLinear(...),
nn.Linear)`` in torch. A base class (``nn.Module``, ``keras.layers.Layer``) is not listed (every
layer is one); ``keras.Model`` is (only models are).

    KERAS_BACKEND=torch python tests/golden/make_subclasses.py
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
OUT = REPO / "paramlint" / "catalog" / "subclasses.py"


def _resolve(dotted: str) -> Optional[type]:
    mod, _, attr = dotted.rpartition(".")
    try:
        v = getattr(importlib.import_module(mod), attr)
    except (AttributeError, ImportError):
        return None
    return v if isinstance(v, type) else None


def classes(fw: str) -> Dict[str, type]:
    """Each catalog spec's framework class, by the spec's name (found under its own name or an alias)."""
    from paramlint.catalog import table

    prefixes = ("torch.nn.", "einops.layers.torch.") if fw == "torch" else ("keras.layers.", "keras.")
    out: Dict[str, type] = {}
    for key, spec in sorted(table(fw).items()):
        if spec.name in out or spec.role == "base" and spec.name != "Model":
            continue
        for name in (key, spec.name, *spec.aliases):
            cls = next((c for c in (_resolve(p + name) for p in prefixes) if c is not None), None)
            if cls is not None:
                out[spec.name] = cls
                break
    return out


def main() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    data: Dict[str, Dict[str, List[str]]] = {}
    for fw in ("torch", "keras"):
        cls = classes(fw)
        data[fw] = {
            name: sorted(other for other, d in cls.items() if other != name and issubclass(c, d) and c is not d)
            for name, c in cls.items()
        }
        data[fw] = {k: v for k, v in data[fw].items() if v}
    lines = ['"""The catalog classes each catalog class derives from, read from the frameworks (torch',
             f"{torch.__version__.split('+')[0]}, Keras {keras.__version__}) by tests/golden/make_subclasses.py",
             '(``issubclass``). Generated; do not edit."""', "", "BASES = {"]
    for fw, per in data.items():
        lines.append(f"    {fw!r}: {{")
        for name, bases in per.items():
            lines.append(f"        {name!r}: frozenset({bases!r}),")
        lines.append("    },")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {sum(len(p) for p in data.values())} classes with catalog bases")


if __name__ == "__main__":
    main()
