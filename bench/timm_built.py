#!/usr/bin/env python3
"""Every timm model against what timm itself builds: total and trainable parameters of each
registered model function called with its default arguments, as paramlint evaluates it.

    python bench/timm_built.py --fetch    # timm's sources into bench/.cache (pip download, no install)
    python bench/timm_built.py            # compare paramlint with the stored truth
    python bench/timm_built.py --make TIMM_DIR TORCHVISION_WHEEL_DIR
        # (re)write bench/timm_built_truth.json by running timm: TIMM_DIR holds timm and its
        # pure-Python dependencies (``pip install --no-deps --target DIR timm==1.0.31 pyyaml
        # safetensors huggingface_hub``), TORCHVISION_WHEEL_DIR the extracted torchvision wheel
        # (timm imports it); needs torch

How the truth is made (``--make``): for every name in ``timm.list_models()``, its registered
function is called with no argument (``pretrained=False``) on the meta device, in an environment
without ``TIMM_*`` variables (paramlint analyzes with none set), and counted as
``sum(p.numel() for p in model.parameters())`` (trainable: those with ``requires_grad``).
torchvision is imported as bench/torchvision_built.py does (compiled-op registrations and PIL
stubbed; timm's models use only its layers).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TRUTH = BENCH / "timm_built_truth.json"
TIMM_VERSION = "1.0.31"
sys.path.insert(0, str(BENCH))


def make(timm_dir: str, torchvision_dir: str) -> dict:
    from torchvision_built import import_torchvision, truth_row

    for var in [v for v in os.environ if v.startswith("TIMM_")]:
        del os.environ[var]
    import_torchvision(torchvision_dir)
    sys.path.insert(0, timm_dir)
    import timm
    import torch
    from timm.models import _registry

    models = {}
    for name in timm.list_models():
        fn = _registry._model_entrypoints[name]
        with torch.device("meta"):
            model = fn()
        models[name] = truth_row(fn, model)
    return {"produced_by": f"timm {timm.__version__}, torch {torch.__version__}: model.parameters() of each "
                           "registered model function called with defaults, on the meta device",
            "models": models}


def tree(version: str = TIMM_VERSION) -> Path | None:
    """The extracted ``timm`` package of that version, or None."""
    root = BENCH / ".cache" / f"timm-{version}" / "timm"
    return root if (root / "models" / "resnet.py").is_file() else None


def compare(timm_root: Path, truth: dict, files: list[str] | None = None) -> dict:
    """paramlint's figure for every model: exact / unknown / WRONG / missing. ``files`` (paths
    under ``timm/models``) limits the run to those files' models."""
    from corpus import paramlint_models, status

    targets = [timm_root / "models" / f for f in files] if files else [timm_root / "models", timm_root / "layers"]
    ours = paramlint_models(targets, timm_root.resolve().parent)
    wanted = {f"timm.models.{f[:-3]}" for f in files} if files else None
    rows = {}
    for name, t in sorted(truth["models"].items()):
        if wanted is not None and t["function"].split(":")[0] not in wanted:
            continue
        m = ours.get(t["function"])
        st = status(m, t)
        why = m["unresolved"][0]["reason"] if m is not None and st == "unknown" and m["unresolved"] else None
        rows[name] = (st, t, None if m is None else (m["total_params"], m["trainable_params"]), why)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--make", nargs=2, metavar=("TIMM_DIR", "TORCHVISION_WHEEL_DIR"))
    ap.add_argument("--fetch", action="store_true", help="download and extract timm's sources")
    ap.add_argument("--files", nargs="*", help="only these files of timm/models")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per model")
    args = ap.parse_args()
    if args.make:
        TRUTH.write_text(json.dumps(make(*args.make), indent=0) + "\n")
        print(f"wrote {TRUTH}")
        return 0
    if args.fetch:
        from torchvision_zoo import fetch

        print(fetch(TIMM_VERSION, BENCH / ".cache", quiet=True, package="timm"))
        return 0
    truth = json.loads(TRUTH.read_text())
    root = tree()
    if root is None:
        print("no timm sources: python bench/timm_built.py --fetch")
        return 2
    rows = compare(root, truth, args.files)
    for name, (status, t, got, why) in rows.items():
        if args.verbose or status != "exact":
            print(f"{name:48s} {t['total']:>13,} {t['trainable']:>13,}  {status:8s} {got if status == 'WRONG' else why or ''}")
    counts = {s: sum(1 for r in rows.values() if r[0] == s) for s in ("exact", "unknown", "WRONG", "missing")}
    print(f"{len(rows)} models: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 1 if counts["WRONG"] or counts["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
