"""Activation shapes and MACs of torchvision models: paramlint vs the real forward pass.

For each target builder, the real model is built from the extracted torchvision 0.29.1 sources
(bench/.cache; the package's C extension, PIL and transforms are stubbed, as only model code
runs) and run once on a (1, 3, 224, 224) input with forward hooks on every leaf module; its
MACs come from ``torch.utils.flop_counter.FlopCounterMode`` / 2 (training mode, oneDNN off,
math attention backend: the instrumented paths). paramlint analyses the same file with ``--input-shape``.

Usage: python bench/torchvision_shapes.py [builder ...]     (needs torch; not torchvision)
"""

from __future__ import annotations

import collections.abc
import importlib
import importlib.util
import itertools
import os
import re
import sys
import types
from pathlib import Path
from typing import Any, Dict, List, Tuple

REPO = Path(__file__).resolve().parent.parent
TV = REPO / "bench" / ".cache" / "torchvision-0.29.1" / "torchvision"
TARGETS = {
    "resnet18": "resnet", "vgg16": "vgg", "mobilenet_v2": "mobilenetv2", "densenet121": "densenet",
    "vit_b_16": "vision_transformer", "convnext_tiny": "convnext",
}
SHAPE = (1, 3, 224, 224)


def _stub_torchvision() -> None:
    def package(name: str, path: Path) -> None:
        m = types.ModuleType(name)
        m.__path__ = [str(path)]  # type: ignore[attr-defined]
        sys.modules[name] = m

    class Anything(types.ModuleType):
        def __getattr__(self, k: str) -> Any:
            if k.startswith("__"):
                raise AttributeError(k)
            return type(k, (), {"__init__": lambda self, *a, **kw: None})

    class InterpolationMode:
        BICUBIC = BILINEAR = NEAREST = "stub"

    package("torchvision", TV)
    package("torchvision.models", TV / "models")
    package("torchvision.ops", TV / "ops")
    for n in ("torchvision.transforms", "torchvision.transforms._presets", "torchvision.transforms.functional"):
        sys.modules[n] = Anything(n)
    sys.modules["torchvision.transforms"].__path__ = []  # type: ignore[attr-defined]
    sys.modules["torchvision.transforms._presets"].InterpolationMode = InterpolationMode  # type: ignore[attr-defined]
    u = types.ModuleType("torchvision.utils")
    u._log_api_usage_once = lambda *a, **k: None  # type: ignore[attr-defined]
    u._make_ntuple = lambda x, n: tuple(x) if isinstance(x, collections.abc.Iterable) else tuple(itertools.repeat(x, n))  # type: ignore[attr-defined]
    sys.modules["torchvision.utils"] = u
    ops = sys.modules["torchvision.ops"]
    for sub in ("misc", "stochastic_depth"):
        m = importlib.import_module("torchvision.ops." + sub)
        for k in dir(m):
            if not k.startswith("_"):
                setattr(ops, k, getattr(m, k))


def _frameworks() -> Any:
    spec = importlib.util.spec_from_file_location("_tv_frameworks", REPO / "tests" / "frameworks.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = mod  # type: ignore[union-attr]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def module_of(builder: str) -> str:
    """The model file defining ``def builder(`` (the six targets are listed; others are found)."""
    if builder in TARGETS:
        return TARGETS[builder]
    for f in sorted((TV / "models").glob("*.py")):
        if re.search(rf"^def {re.escape(builder)}\(", f.read_text(), re.M):
            return f.stem
    raise LookupError(builder)


def truth(builder: str) -> Tuple[Dict[str, Any], int]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    module = importlib.import_module("torchvision.models." + module_of(builder))
    model = getattr(module, builder)()
    doc = _frameworks().torch_model_truth(model, SHAPE)
    model.train()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    # The math attention backend runs as bmm, which FlopCounterMode counts (CPU fused kernels: 0).
    with torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        model(torch.randn(SHAPE))
    return doc, counter.get_total_flops() // 2


def ours(builder: str) -> Any:
    sys.path.insert(0, str(REPO))
    from paramlint.engine import Options, analyze_file
    from paramlint.evaluate.project import Project

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        rel = os.path.relpath(TV / "models" / (module_of(builder) + ".py"), REPO)
        rep = analyze_file(Project(), rel, Options(input_shapes=(SHAPE,)))
    finally:
        os.chdir(cwd)
    return next((m for m in rep.models if m.name == builder), None)


def compare(builder: str) -> Dict[str, Any]:
    sys.path.insert(0, str(REPO / "tests"))
    from test_shapes import match_share

    doc, macs = truth(builder)
    m = ours(builder)
    truth_rows = [(r["path"], r["output_shape"]) for r in doc["layers"] if r["type"] != "Parameter"]
    mine = [(r.path, r.output_shape) for r in m.layers if r.type != "Parameter"] if m is not None else []
    ok, total, problems = match_share(truth_rows, mine)
    return {
        "builder": builder, "matching": ok, "leaf_outputs": total, "problems": problems[:5],
        "params": (m.total_params if m else None, doc["total_params"]),
        "macs": (m.total_macs if m else None, macs),
        "shape_notes": [u.reason for u in m.shape_notes] if m else ["not built"],
    }


def main(argv: List[str]) -> int:
    _stub_torchvision()
    for b in argv or list(TARGETS):
        try:
            r = compare(b)
        except Exception as e:  # a builder the stubs cannot import: say so, go on
            print(f"{b:15s} skipped: {type(e).__name__}: {e}")
            continue
        share = r["matching"] / r["leaf_outputs"] if r["leaf_outputs"] else 0.0
        print(f"{b:15s} shapes {r['matching']}/{r['leaf_outputs']} ({share:.0%})  params {r['params'][0]} vs {r['params'][1]}"
              f"  MACs {r['macs'][0]} vs {r['macs'][1]}")
        for p in r["problems"] + r["shape_notes"][:3]:
            print("    ", p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
