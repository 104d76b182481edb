"""What the ``*_built.py`` corpus scripts share: paramlint's model reports for a source tree,
and their comparison with a truth the framework made (exact / unknown / WRONG / missing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

REPO = Path(__file__).resolve().parent.parent
STATUSES = ("exact", "unknown", "WRONG", "missing")


def paramlint_models(targets: Iterable[Path], package_parent: Path, timeout: int = 3600) -> Dict[str, dict]:
    """paramlint's model reports (``summary --format json``) for ``targets``, keyed
    ``module:name`` with module paths relative to ``package_parent``."""
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "paramlint", "summary", "--no-cache", "--format", "json", *map(str, targets)],
                         cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
    print(f"paramlint: {time.monotonic() - t0:.1f} s", file=sys.stderr)
    doc = json.loads(out.stdout)
    ours = {}
    for f in doc["files"]:
        rel = os.path.relpath(os.path.join(REPO, f["path"]), package_parent)
        module = rel[:-3].replace(os.sep, ".")
        for m in f.get("models", []):
            ours[f"{module}:{m['name']}"] = m
    return ours


def status(m: Optional[dict], t: dict) -> str:
    """exact / unknown / WRONG / missing: paramlint's report ``m`` against the truth ``t``."""
    if m is None:
        return "missing"
    if m["total_params"] is None:
        return "unknown"
    return "exact" if (m["total_params"], m["trainable_params"]) == (t["total"], t["trainable"]) else "WRONG"


def rows(ours: Dict[str, dict], builders: Dict[str, dict]) -> Dict[str, Tuple[str, dict, object]]:
    """name -> (status, truth row, paramlint's (total, trainable, first unresolved) or None)."""
    out = {}
    for name, t in sorted(builders.items()):
        m = ours.get(t["function"])
        got = None if m is None else (m["total_params"], m["trainable_params"], (m.get("unresolved") or [None])[0])
        out[name] = (status(m, t), t, got)
    return out


def print_rows(result: Dict[str, Tuple[str, dict, object]], width: int = 40) -> int:
    """The table and its summary line; the exit status (1 on any WRONG)."""
    for name, (st, t, got) in result.items():
        print(f"{name:{width}s} {t['total']:>14,} {t['trainable']:>14,}  {st:8s} {got if st != 'exact' else ''}")
    counts = {s: sum(1 for r in result.values() if r[0] == s) for s in STATUSES}
    print(f"{len(result)} builders: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 1 if counts["WRONG"] else 0


def wheel(project: str, version: str) -> Path:
    """The project's wheel under bench/.cache/wheels, downloaded once (``pip download
    --no-deps``: never installed)."""
    wheel_dir = REPO / "bench" / ".cache" / "wheels"
    wheel_dir.mkdir(parents=True, exist_ok=True)
    pattern = f"{project.replace('-', '_')}-{version}-*.whl"
    wheels = sorted(wheel_dir.glob(pattern))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", f"{project}=={version}",
                        "-d", str(wheel_dir)], check=True)
        wheels = sorted(wheel_dir.glob(pattern))
    return wheels[0]


def extract_py(whl: Path, package: str, out: Path) -> Path:
    """The wheel's ``<package>/**/*.py`` under ``out`` (the package layout kept)."""
    import zipfile

    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name.startswith(f"{package}/") and name.endswith(".py"):
                z.extract(name, out)
    return out


def cli(doc: str, truth_path: Path, fetch: Callable[[], Path], make: Callable[[], dict],
        run: Callable[[Any, dict], int], options: Callable[[Any], None] = lambda ap: None) -> int:
    """A corpus script's command line: ``--fetch`` (the sources), ``--make`` (the truth, by
    running the framework), else ``run(args, truth)``: the comparison."""
    import argparse

    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fetch", action="store_true")
    ap.add_argument("--make", action="store_true")
    options(ap)
    args = ap.parse_args()
    if args.fetch:
        print(f"sources in {fetch()}")
        return 0
    if args.make:
        truth_path.write_text(json.dumps(make(), indent=1) + "\n")
        print(f"wrote {truth_path}")
        return 0
    return run(args, json.loads(truth_path.read_text()))
