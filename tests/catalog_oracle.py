"""Shared machinery of the catalog tests: paramlint's figures for one table row, from a tiny
generated source file analyzed like any other (paramlint never imports a framework)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from paramlint.engine import Options, analyze_file
from paramlint.evaluate.project import Project

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


gen = _load("_paramlint_make_catalog_golden", HERE / "golden" / "make_catalog_golden.py")


def golden(fw: str) -> Dict[str, Any]:
    return json.loads(gen.golden_path(fw).read_text())


def source(fw: str, r: Dict[str, Any]) -> str:
    shapes = ";".join(",".join(str(d) for d in s) for s in r["inputs"])
    if fw == "torch":
        return f"import torch\nimport torch.nn as nn\n# paramlint: input-shape={shapes}\nmodel = {r['src']}\n"
    if fw == "flax":
        return f"import jax.numpy as jnp\nimport flax.linen as nn\n# paramlint: input-shape={shapes}\nmodel = {r['src']}\n"
    return "import keras\nfrom keras import layers, ops\n" + gen.keras_source(r)


def figures(fw: str, r: Dict[str, Any], tmp: Path) -> Tuple[Optional[int], Optional[Tuple[Any, ...]], Any]:
    """(total params, output shape of the layer, the ModelReport) as paramlint sees the row."""
    path = tmp / "row.py"
    data = source(fw, r).encode()
    path.write_bytes(data)
    rep = analyze_file(Project(), str(path), Options(), data)
    assert rep.error is None, rep.error
    models = [m for m in rep.models if m.name == "model"]
    assert len(models) == 1, (rep.models, rep.notes)
    m = models[0]
    rows = [row for row in m.layers if row.output_shape is not None]
    out = rows[-1].output_shape if rows else None
    return m.total_params, (list(out) if out is not None else None), m
