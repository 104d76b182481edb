"""Write the catalog goldens: tests/golden/catalog_<framework>.json, figures from the real
frameworks for every row of tests/catalog_rows.py.

    KERAS_BACKEND=torch python tests/golden/make_catalog_golden.py [torch|keras|flax ...]
    KERAS_BACKEND=torch python tests/golden/make_catalog_golden.py --check   # exit 1 on drift

Each golden row: ``params`` (torch: sum of ``numel()`` over ``parameters()``; Keras:
``count_params()``, non-trainable weights included; Flax: the ``params`` collection only),
``trainable``, ``state`` (Flax: elements in other collections such as ``batch_stats``),
``output_shape`` (the first tensor of the output) and ``outputs`` (the whole output's shapes).
This script imports and runs the frameworks; paramlint never does.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

os.environ.setdefault("KERAS_BACKEND", "torch")

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("torch", "keras", "flax")


def load_rows() -> Any:
    spec = importlib.util.spec_from_file_location("_paramlint_catalog_rows", HERE.parent / "catalog_rows.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def golden_path(fw: str) -> Path:
    return HERE / f"catalog_{fw}.json"


def _shapes(out: Any) -> Any:
    if hasattr(out, "shape") and not isinstance(out, (tuple, list, dict)):
        return [int(d) if d is not None else None for d in out.shape]
    if isinstance(out, (tuple, list)):
        return [_shapes(o) for o in out]
    return None


def _first(shapes: Any) -> Any:
    if isinstance(shapes, list) and shapes and all(isinstance(d, int) or d is None for d in shapes):
        return shapes
    if isinstance(shapes, list):
        for s in shapes:
            f = _first(s)
            if f is not None:
                return f
    return None


# ---- torch ---------------------------------------------------------------------------------

def torch_row(r: Dict[str, Any]) -> Dict[str, Any]:
    import torch
    from torch import nn

    torch.manual_seed(0)
    m = eval(r["src"], {"nn": nn, "torch": torch})  # our own table's source, never user code
    xs = [torch.randint(0, 5, s) if r["dtype"] == "int64" else torch.randn(*s) for s in r["inputs"]]
    m.eval()
    with torch.no_grad():
        out = m(*xs)
    params = list(m.parameters())
    shapes = _shapes(out)
    return {"params": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad),
            "output_shape": _first(shapes), "outputs": shapes}


def torch_version() -> str:
    import torch

    return "torch " + torch.__version__.split("+")[0]


# ---- keras ---------------------------------------------------------------------------------

def keras_source(r: Dict[str, Any]) -> str:
    """The model a Keras row stands for, as source (also what paramlint analyzes)."""
    dtype = ", dtype='int32'" if r["dtype"] == "int64" else ""
    ins = [f"keras.Input(batch_shape={tuple(s)!r}{dtype})" for s in r["inputs"]]
    if len(ins) == 1 and not r.get("call"):
        return f"model = keras.Sequential([{ins[0]}, {r['src']}])\n"
    lines = [f"i{k} = {s}" for k, s in enumerate(ins)]
    names = ", ".join(f"i{k}" for k in range(len(ins)))
    call = r.get("call") or ("layer([{names}])" if r.get("list") else "layer({names})")
    lines += [f"layer = {r['src']}", "out = " + call.format(names=names), f"model = keras.Model([{names}], out)"]
    return "\n".join(lines) + "\n"


def keras_row(r: Dict[str, Any]) -> Dict[str, Any]:
    import keras
    import numpy as np

    keras.backend.clear_session()
    ns: Dict[str, Any] = {"keras": keras, "layers": keras.layers, "ops": keras.ops}
    exec("import keras\nfrom keras import layers, ops\n" + keras_source(r), ns)  # our own table's source
    model = ns["model"]
    shapes = _shapes(model.outputs)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return {"params": int(model.count_params()), "trainable": trainable,
            "output_shape": _first(shapes), "outputs": shapes if len(shapes) > 1 else shapes[0]}


def keras_version() -> str:
    import keras

    return "keras " + keras.__version__ + " (backend " + keras.backend.backend() + ")"


# ---- flax ----------------------------------------------------------------------------------

def flax_row(r: Dict[str, Any]) -> Dict[str, Any]:
    import jax
    import jax.numpy as jnp
    from flax import linen as nn

    m = eval(r["src"], {"nn": nn, "jnp": jnp, "jax": jax})  # our own table's source
    xs = [jnp.zeros(s, jnp.int32 if r["dtype"] == "int64" else jnp.float32) for s in r["inputs"]]
    key = jax.random.key(0)
    out, variables = jax.eval_shape(lambda: m.init_with_output({"params": key, "dropout": key}, *xs))
    sizes = {col: sum(int(x.size) for x in jax.tree_util.tree_leaves(v)) for col, v in variables.items()}
    shapes = _shapes(out)
    return {"params": sizes.get("params", 0), "trainable": sizes.get("params", 0),
            "state": sum(n for c, n in sizes.items() if c != "params"),
            "output_shape": _first(shapes), "outputs": shapes}


def flax_version() -> str:
    import flax
    import jax

    return f"flax {flax.__version__} (jax {jax.__version__})"


BUILD = {"torch": (torch_row, torch_version), "keras": (keras_row, keras_version), "flax": (flax_row, flax_version)}


def table(fw: str) -> List[Dict[str, Any]]:
    return getattr(load_rows(), fw.upper())


def truth(fw: str) -> Dict[str, Any]:
    build, version = BUILD[fw]
    rows = []
    for r in table(fw):
        rows.append({**r, **build(r)})
    return {"framework": fw, "produced_by": version(), "rows": rows}


def dumps(doc: Dict[str, Any]) -> str:
    head = {k: v for k, v in doc.items() if k != "rows"}
    body = ",\n".join("    " + json.dumps(r) for r in doc["rows"])
    return json.dumps(head, indent=2)[:-2] + ',\n  "rows": [\n' + body + "\n  ]\n}\n"


def main(argv: Any = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("frameworks", nargs="*", default=list(FRAMEWORKS))
    ap.add_argument("--check", action="store_true")
    ns = ap.parse_args(argv)
    bad = 0
    for fw in ns.frameworks:
        doc = truth(fw)
        text = dumps(doc)
        if ns.check:
            if golden_path(fw).read_text() != text:
                print(f"{golden_path(fw).name}: differs from {doc['produced_by']}")
                bad = 1
        else:
            golden_path(fw).write_text(text)
            print(f"wrote {golden_path(fw).name}: {len(doc['rows'])} rows, {doc['produced_by']}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
