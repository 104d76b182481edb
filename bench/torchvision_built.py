#!/usr/bin/env python3
"""Every torchvision builder against what torchvision itself builds (not only the classifiers
whose weights metadata lists a count: detection, segmentation, video, optical flow and the
quantizable models too), total and trainable parameters.

    python bench/torchvision_built.py            # compare paramlint with the stored truth
    python bench/torchvision_built.py --make WHEEL_DIR
        # (re)write bench/torchvision_built_truth.json by running torchvision: WHEEL_DIR holds the
        # extracted torchvision wheel (``python -m zipfile -e torchvision-*.whl DIR``); needs torch

How the truth is made (``--make``): each builder is called with its default arguments, as
paramlint evaluates it, and counted as ``sum(p.numel() for p in model.parameters())`` (trainable:
those with ``requires_grad``). Building runs no operator, so three things torchvision imports but
model construction does not use are stubbed: its compiled operators' fake registrations (the
wheel's extension needs a newer torch than the one here), PIL, and the download of pretrained
backbone weights (several detection builders default to ``weights_backbone=...IMAGENET1K_V1``;
loading values changes no count, and freezing follows ``weights_backbone`` being set, not the
values). Builders are built on the meta device, except the RegNets (their construction copies
values); the five largest RegNets are left out for memory (bench/torchvision_truth.json has them).
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared corpus helpers
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TRUTH = BENCH / "torchvision_built_truth.json"
_SKIP = ("regnet_y_128gf", "regnet_y_32gf", "regnet_y_16gf", "regnet_x_32gf", "regnet_x_16gf")


def import_torchvision(wheel_dir: str) -> types.ModuleType:
    """Import the extracted torchvision wheel for building models only: its compiled operators'
    fake registrations (the extension needs a newer torch than the one here) and PIL are stubbed,
    as model construction uses neither."""
    sys.path.insert(0, wheel_dir)
    import warnings

    import torch
    import torch.library

    warnings.filterwarnings("ignore")
    torch.library.register_fake = lambda *a, **k: (lambda f: f)  # no compiled ops needed to build

    class _Meta(type):
        def __getattr__(cls, n: str):  # type: ignore[no-untyped-def]
            if n.startswith("__"):
                raise AttributeError(n)
            return _Meta(n, (), {})

    class _Any(types.ModuleType):
        def __getattr__(self, n: str):  # type: ignore[no-untyped-def]
            if n.startswith("__"):
                raise AttributeError(n)
            return _Meta(n, (), {})

    pil = _Any("PIL")
    pil.__path__ = []  # type: ignore[attr-defined]
    pil.__version__ = "10.0.0"  # type: ignore[attr-defined]
    sys.modules["PIL"] = pil
    sys.modules["PIL.Image"] = pil.Image = _Any("PIL.Image")  # type: ignore[attr-defined]
    import torchvision

    return torchvision


def truth_row(fn: object, model: object) -> dict:
    """What the framework built: the builder's ``module:name``, total and trainable parameters."""
    params = list(model.parameters())  # type: ignore[attr-defined]
    return {
        "function": f"{fn.__module__}:{fn.__name__}",  # type: ignore[attr-defined]
        "total": sum(p.numel() for p in params),
        "trainable": sum(p.numel() for p in params if p.requires_grad),
    }


def make(wheel_dir: str) -> dict:
    torchvision = import_torchvision(wheel_dir)
    import torch

    import torchvision.models as M
    import torchvision.models._api as api

    api.WeightsEnum.get_state_dict = lambda self, *a, **k: {}  # no download
    torch.nn.Module.load_state_dict = lambda self, *a, **k: None  # values only
    builders = {}
    for name in M.list_models():
        if name in _SKIP:
            continue
        fn = M.get_model_builder(name)
        if name.startswith("regnet"):
            model = fn()
        else:
            with torch.device("meta"):
                model = fn()
        builders[name] = truth_row(fn, model)
    return {"produced_by": f"torchvision {torchvision.__version__} (wheel), torch {torch.__version__}: model.parameters()",
            "builders": builders}


def compare(models_dir: Path, truth: dict) -> dict:
    """paramlint's figures for every builder: exact / unknown / WRONG / missing."""
    return corpus.rows(corpus.paramlint_models([models_dir], models_dir.resolve().parent.parent), truth["builders"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--make", metavar="WHEEL_DIR")
    ap.add_argument("--models", help="torchvision/models directory (default: bench/.cache)")
    args = ap.parse_args()
    if args.make:
        TRUTH.write_text(json.dumps(make(args.make), indent=1) + "\n")
        print(f"wrote {TRUTH}")
        return 0
    truth = json.loads(TRUTH.read_text())
    models = Path(args.models) if args.models else next(iter(sorted((BENCH / ".cache").glob("torchvision-*/torchvision/models"))), None)
    if models is None:
        print("no torchvision sources: python bench/torchvision_zoo.py --fetch")
        return 2
    return corpus.print_rows(compare(models, truth))


if __name__ == "__main__":
    sys.exit(main())
