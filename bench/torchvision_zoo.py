#!/usr/bin/env python3
"""Benchmark paramlint on torchvision's classification model zoo.

For every classification builder defined directly in ``torchvision/models/``
(``resnet18``, ``vit_b_16``, ...) paramlint must report exactly the official
parameter count from the weights metadata, or report the builder unresolved
(``total_params`` null).  Any other number is WRONG.

Nothing here imports torch or torchvision: the source is fetched as a wheel with
``pip download`` and only its ``.py`` files are extracted; the official counts
are read statically (``ast``) from the ``Weights`` enums.

Usage::

    python bench/torchvision_zoo.py --fetch          # download + extract (idempotent)
    python bench/torchvision_zoo.py --write-truth    # regenerate bench/torchvision_truth.json
    python bench/torchvision_zoo.py                  # run paramlint, print the table
    python bench/torchvision_zoo.py --json out.json  # ... and write the results
    python bench/torchvision_zoo.py --only 'resnet*' # a subset of builders

The extracted tree is looked up in this order: ``--tree``, the environment
variable ``PARAMLINT_TORCHVISION_DIR``, ``bench/.cache/torchvision-<version>/``.
Exit status: 0 when nothing is WRONG, 1 when any builder is WRONG, 2 on a setup
problem (no tree, paramlint not importable, ...).
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
TRUTH_PATH = BENCH_DIR / "torchvision_truth.json"

TORCHVISION_VERSION = "0.29.1"
ENV_TREE = "PARAMLINT_TORCHVISION_DIR"

# Files directly in torchvision/models/ that define no classification builders.
# (Sub-packages -- detection/, segmentation/, video/, quantization/,
# optical_flow/ -- are never scanned: only files directly in models/ are.)
NON_MODEL_FILES = {"__init__.py", "feature_extraction.py"}

# Truth overrides.  Our truth is the model that the builder constructs when it
# is called with default arguments (which is what paramlint analyses).  For two
# builders that model differs from the one the DEFAULT pretrained weights
# describe, so the weights' "num_params" is not the right figure:
#
# * googlenet(): GoogLeNet(aux_logits=True) by default -- the two auxiliary
#   classifiers are built.  The IMAGENET1K_V1 weights meta (6,624,904) counts
#   the model without them; loading those weights sets aux_logits=False.
# * vit_h_14(): ViT-H/14 at image_size=224 by default.  Its DEFAULT weights
#   (IMAGENET1K_SWAG_E2E_V1, 633,470,440) are for 518 px, which enlarges the
#   positional embedding.  At 224 px the count is 632,045,800 (the figure of
#   IMAGENET1K_SWAG_LINEAR_V1, which is a 224 px model).
#
# These are facts about torchvision's builders, not special cases in paramlint.
TRUTH_OVERRIDES: dict[str, tuple[int, str]] = {
    "googlenet": (
        13_004_888,
        "override: googlenet() defaults to aux_logits=True (aux classifiers built); "
        "GoogLeNet_Weights meta counts the model without them",
    ),
    "vit_h_14": (
        632_045_800,
        "override: vit_h_14() defaults to image_size=224; DEFAULT weights "
        "(IMAGENET1K_SWAG_E2E_V1) describe the 518 px model",
    ),
}


# --------------------------------------------------------------------------- fetch


def _run_pip_download(spec: str, dest: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", spec, "-d", str(dest)]
    return subprocess.run(cmd, capture_output=True, text=True)


def _wheel_version(wheel: Path) -> str:
    # torchvision-0.29.1-cp311-cp311-manylinux_2_28_x86_64.whl -> 0.29.1
    return wheel.name.split("-")[1]


def fetch(version: str | None = TORCHVISION_VERSION, cache_dir: Path = CACHE_DIR, quiet: bool = False,
          package: str = "torchvision") -> Path:
    """Download a package's wheel (no deps) and extract ``<package>/**/*.py``.

    Returns the extracted tree ``<cache_dir>/<package>-<version>/``.  Idempotent:
    an already complete tree (``.complete`` marker) is reused without any download.
    """
    if version:
        tree = cache_dir / f"{package}-{version}"
        if (tree / ".complete").is_file():
            if not quiet:
                print(f"already fetched: {tree}")
            return tree
    with tempfile.TemporaryDirectory(prefix=f"paramlint-{package}-") as tmp:
        tmpdir = Path(tmp)
        proc = _run_pip_download(f"{package}=={version}", tmpdir) if version else None
        if proc is None or proc.returncode != 0:
            if proc is not None and not quiet:
                print(f"pip refused {package}=={version}; trying the latest {package}", file=sys.stderr)
            proc = _run_pip_download(package, tmpdir)
            if proc.returncode != 0:
                raise RuntimeError(f"pip download {package} failed:\n{proc.stdout}\n{proc.stderr}")
        wheels = sorted(tmpdir.glob(f"{package}-*.whl"))
        if not wheels:
            raise RuntimeError(f"pip download produced no {package} wheel in {tmpdir}")
        wheel = wheels[0]
        got = _wheel_version(wheel)
        tree = cache_dir / f"{package}-{got}"
        if (tree / ".complete").is_file():
            return tree
        if tree.exists():
            shutil.rmtree(tree)
        staging = cache_dir / f".{package}-{got}.partial"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        n = 0
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if not (name.startswith(f"{package}/") and name.endswith(".py")):
                    continue
                target = staging / name
                if ".." in Path(name).parts:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
                n += 1
        (staging / ".complete").write_text(f"{wheel.name}\n{n} files\n")
        staging.rename(tree)
    if not quiet:
        print(f"extracted {n} .py files from {wheel.name} into {tree}")
    return tree


# --------------------------------------------------------------------------- tree


def models_dir_of(path: Path) -> Path | None:
    """Accept an extracted tree root, the ``torchvision`` package, or ``models/`` itself."""
    for cand in (path / "torchvision" / "models", path / "models", path):
        if (cand / "resnet.py").is_file() and cand.name == "models":
            return cand
    return None


def find_tree(explicit: str | Path | None = None, version: str | None = None) -> Path | None:
    """Locate the ``torchvision/models`` directory to benchmark, or None."""
    if explicit:
        return models_dir_of(Path(explicit))
    env = os.environ.get(ENV_TREE)
    if env:
        return models_dir_of(Path(env))
    if version:
        found = models_dir_of(CACHE_DIR / f"torchvision-{version}")
        if found:
            return found
    for cand in sorted(CACHE_DIR.glob("torchvision-*"), reverse=True):
        found = models_dir_of(cand)
        if found:
            return found
    return None


def tree_version(models_dir: Path) -> str | None:
    """Version from ``torchvision/version.py`` (local suffix like ``+cu130`` dropped)."""
    vfile = models_dir.parent / "version.py"
    if vfile.is_file():
        m = re.search(r"""__version__\s*=\s*['"]([^'"+]+)""", vfile.read_text())
        if m:
            return m.group(1)
    m = re.search(r"torchvision-([0-9][^/\\]*)", str(models_dir))
    return m.group(1) if m else None


# --------------------------------------------------------------------------- truth


class TruthError(Exception):
    pass


def _annotation_enum(ann: ast.expr | None) -> str | None:
    """``Optional[X_Weights]`` / ``X_Weights | None`` / ``"X_Weights"`` -> ``X_Weights``."""
    if ann is None:
        return None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = ast.parse(ann.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(ann, ast.Subscript):
        return _annotation_enum(ann.slice)
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        return _annotation_enum(ann.left) or _annotation_enum(ann.right)
    if isinstance(ann, ast.Tuple):
        for elt in ann.elts:
            got = _annotation_enum(elt)
            if got:
                return got
        return None
    if isinstance(ann, ast.Name) and ann.id != "None":
        return ann.id
    if isinstance(ann, ast.Attribute):
        return ann.attr
    return None


def _decorator_enum(func: ast.FunctionDef) -> str | None:
    """``@handle_legacy_interface(weights=("pretrained", X.IMAGENET1K_V1))`` -> ``X``."""
    for dec in func.decorator_list:
        if not isinstance(dec, ast.Call):
            continue
        fn = dec.func
        fname = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
        if fname != "handle_legacy_interface":
            continue
        for kw in dec.keywords:
            if kw.arg == "weights" and isinstance(kw.value, ast.Tuple) and len(kw.value.elts) >= 2:
                default = kw.value.elts[1]
                if isinstance(default, ast.Attribute) and isinstance(default.value, ast.Name):
                    return default.value.id
    return None


def _weights_param(func: ast.FunctionDef) -> ast.arg | None:
    a = func.args
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        if arg.arg == "weights":
            return arg
    return None


class _Module:
    """Static view of one torchvision model file."""

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.assigns: dict[str, ast.expr] = {}
        self.enums: dict[str, ast.ClassDef] = {}
        self.functions: list[ast.FunctionDef] = []
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assigns[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.assigns[node.target.id] = node.value
            elif isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", None) for b in node.bases}
                if "WeightsEnum" in bases:
                    self.enums[node.name] = node
            elif isinstance(node, ast.FunctionDef):
                self.functions.append(node)

    def eval_dict(self, node: ast.expr, depth: int = 0) -> dict[str, Any]:
        """Evaluate a meta dict: literal keys, ``**NAME`` spreads of module dicts.

        Values that are not literals are kept as ``...`` (only num_params matters).
        """
        if depth > 20:
            raise TruthError("dict spread recursion too deep")
        if isinstance(node, ast.Name):
            if node.id not in self.assigns:
                raise TruthError(f"unknown module-level dict {node.id!r}")
            return self.eval_dict(self.assigns[node.id], depth + 1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
            return {kw.arg: self._literal(kw.value) for kw in node.keywords if kw.arg}
        if not isinstance(node, ast.Dict):
            raise TruthError(f"meta is not a dict literal (line {node.lineno})")
        out: dict[str, Any] = {}
        for key, value in zip(node.keys, node.values):
            if key is None:  # **spread
                out.update(self.eval_dict(value, depth + 1))
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                out[key.value] = self._literal(value)
        return out

    @staticmethod
    def _literal(node: ast.expr) -> Any:
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return ...

    def enum_members(self, enum_name: str) -> dict[str, ast.expr]:
        cls = self.enums.get(enum_name)
        if cls is None:
            raise TruthError(f"Weights enum {enum_name} not defined in {self.path.name}")
        members: dict[str, ast.expr] = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                members[stmt.targets[0].id] = stmt.value
        return members

    def default_num_params(self, enum_name: str) -> tuple[str, int]:
        """Resolve ``DEFAULT`` (through aliases) and return (member, meta["num_params"])."""
        members = self.enum_members(enum_name)
        name = "DEFAULT"
        seen: set[str] = set()
        while True:
            if name in seen or name not in members:
                raise TruthError(f"{enum_name}.{name} cannot be resolved")
            seen.add(name)
            value = members[name]
            if isinstance(value, ast.Name):
                name = value.id
                continue
            if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == enum_name:
                name = value.attr
                continue
            break
        if not isinstance(value, ast.Call):
            raise TruthError(f"{enum_name}.{name} is not a Weights(...) call")
        meta_kw = next((kw.value for kw in value.keywords if kw.arg == "meta"), None)
        if meta_kw is None:
            raise TruthError(f"{enum_name}.{name} has no meta=")
        meta = self.eval_dict(meta_kw)
        num = meta.get("num_params")
        if not isinstance(num, int) or isinstance(num, bool):
            raise TruthError(f"{enum_name}.{name} meta has no literal integer num_params ({num!r})")
        return name, num


def model_files(models_dir: Path) -> list[Path]:
    return sorted(
        p for p in models_dir.glob("*.py") if p.name not in NON_MODEL_FILES and not p.name.startswith("_")
    )


def compute_truth(models_dir: Path) -> dict[str, dict[str, Any]]:
    """Builder name -> {"file", "line", "num_params", "source"} for all classification builders."""
    builders: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for path in model_files(models_dir):
        mod = _Module(path)
        for func in mod.functions:
            if func.name.startswith("_"):
                continue
            param = _weights_param(func)
            if param is None:
                continue
            from_ann = _annotation_enum(param.annotation)
            from_dec = _decorator_enum(func)
            enum_name = from_ann if from_ann in mod.enums else from_dec
            if enum_name not in mod.enums:
                errors.append(f"{path.name}:{func.lineno} {func.name}: no Weights enum found ({from_ann}, {from_dec})")
                continue
            if from_dec and from_ann and from_dec != from_ann:
                errors.append(f"{path.name}:{func.lineno} {func.name}: annotation {from_ann} != decorator {from_dec}")
                continue
            try:
                member, num = mod.default_num_params(enum_name)
            except TruthError as exc:
                errors.append(f"{path.name}:{func.lineno} {func.name}: {exc}")
                continue
            if func.name in builders:
                errors.append(f"{path.name}:{func.lineno} {func.name}: duplicate builder name")
                continue
            entry: dict[str, Any] = {
                "file": path.name,
                "line": func.lineno,
                "num_params": num,
                "source": f"{enum_name}.{member} meta",
            }
            if func.name in TRUTH_OVERRIDES:
                override, why = TRUTH_OVERRIDES[func.name]
                entry["num_params"] = override
                entry["source"] = why
                entry["weights_num_params"] = num
                entry["weights_source"] = f"{enum_name}.{member} meta"
            builders[func.name] = entry
    missing_overrides = set(TRUTH_OVERRIDES) - set(builders)
    if missing_overrides:
        errors.append(f"override targets not found as builders: {sorted(missing_overrides)}")
    if errors:
        raise TruthError("cannot build truth table:\n  " + "\n  ".join(errors))
    return builders


def write_truth(models_dir: Path, version: str, out: Path = TRUTH_PATH) -> dict[str, Any]:
    data = {"torchvision": version, "builders": compute_truth(models_dir)}
    out.write_text(json.dumps(data, indent=2) + "\n")
    return data


def load_truth(path: Path = TRUTH_PATH) -> dict[str, Any]:
    return json.loads(path.read_text())


# --------------------------------------------------------------------------- run


@dataclass
class BuilderResult:
    builder: str
    file: str
    official: int
    ours: int | None = None
    status: str = "missing"  # exact | unresolved | WRONG | missing
    exact_flag: bool | None = None
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    file_seconds: float = 0.0


@dataclass
class FileRun:
    file: str
    seconds: float
    returncode: int | None
    error: str | None
    models: list[dict[str, Any]]


class ParamlintUnavailable(RuntimeError):
    pass


def paramlint_command() -> list[str]:
    return [sys.executable, "-m", "paramlint", "summary", "--format", "json"]


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


_MISSING_MODULE = re.compile(r"No module named '?(paramlint[\w.]*)")


def check_paramlint() -> None:
    """Raise ParamlintUnavailable with a clear message if ``paramlint summary`` cannot run."""
    cmd = [sys.executable, "-m", "paramlint", "summary", "--help"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, env=_subprocess_env(), timeout=120)
    except subprocess.TimeoutExpired:
        raise ParamlintUnavailable(f"`{' '.join(cmd)}` timed out") from None
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"exit status {proc.returncode}"
        raise ParamlintUnavailable(
            f"paramlint is not runnable yet: `python -m paramlint summary --help` failed ({detail}). "
            "The package may still be under construction; install it (pip install -e .) or retry later."
        )


def parse_summary(stdout: str, file_name: str) -> tuple[str | None, list[dict[str, Any]]]:
    """Extract (error, models) for ``file_name`` from ``paramlint summary --format json`` output."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as exc:
        return f"unparsable JSON from paramlint: {exc}", []
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not files:
        return "paramlint JSON has no 'files' list", []
    entry = next((f for f in files if Path(str(f.get("path", ""))).name == file_name), files[0])
    models = entry.get("models") or []
    if not isinstance(models, list):
        return "paramlint JSON 'models' is not a list", []
    return entry.get("error"), models


def run_file(path: Path, timeout: float) -> FileRun:
    cmd = [*paramlint_command(), str(path)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=_subprocess_env())
    except subprocess.TimeoutExpired:
        return FileRun(path.name, time.perf_counter() - t0, None, f"timeout after {timeout:g}s", [])
    secs = time.perf_counter() - t0
    missing = _MISSING_MODULE.search(proc.stderr)
    if missing and not proc.stdout.strip():
        raise ParamlintUnavailable(f"paramlint is not runnable yet: no module named {missing.group(1)!r}")
    error, models = parse_summary(proc.stdout, path.name)
    if error and not models and proc.returncode != 0:
        error = f"{error}; exit {proc.returncode}"
        if proc.stderr.strip():
            error += f"; stderr: {proc.stderr.strip().splitlines()[-1]}"
    return FileRun(path.name, secs, proc.returncode, error, models)


def _pick_model(models: list[dict[str, Any]], name: str, line: int | None) -> dict[str, Any] | None:
    cands = [m for m in models if m.get("name") == name]
    if not cands:
        return None
    if len(cands) > 1 and line is not None:
        for m in cands:
            if m.get("line") == line:
                return m
    return cands[0]


def classify(builder: str, truth: dict[str, Any], run: FileRun) -> BuilderResult:
    res = BuilderResult(builder, truth["file"], truth["num_params"], file_seconds=run.seconds)
    model = _pick_model(run.models, builder, truth.get("line"))
    if model is None:
        res.status = "missing"
        res.note = run.error or "builder not reported"
        return res
    total = model.get("total_params")
    res.exact_flag = model.get("exact")
    res.unresolved = list(model.get("unresolved") or [])
    if total is None:
        res.status = "unresolved"
        if res.unresolved:
            first = res.unresolved[0]
            res.note = f"L{first.get('line')}: {first.get('reason')}"
    elif isinstance(total, bool) or not isinstance(total, int):
        res.ours = None
        res.status = "WRONG"
        res.note = f"total_params is not an integer: {total!r}"
    else:
        res.ours = total
        res.status = "exact" if total == truth["num_params"] else "WRONG"
        if res.status == "WRONG":
            res.note = f"off by {total - truth['num_params']:+,}"
    return res


def run_benchmark(
    models_dir: Path,
    truth: dict[str, dict[str, Any]],
    only: list[str] | None = None,
    timeout: float = 300.0,
    progress: bool = False,
) -> tuple[list[BuilderResult], list[FileRun], float]:
    """Run paramlint once per model file and classify every builder in ``truth``."""
    selected = {
        b: t for b, t in truth.items() if not only or any(fnmatch.fnmatchcase(b, pat) for pat in only)
    }
    by_file: dict[str, list[str]] = {}
    for b, t in selected.items():
        by_file.setdefault(t["file"], []).append(b)
    results: list[BuilderResult] = []
    runs: list[FileRun] = []
    t0 = time.perf_counter()
    for fname in sorted(by_file):
        path = models_dir / fname
        if not path.is_file():
            run = FileRun(fname, 0.0, None, f"file not found in tree: {path}", [])
        else:
            if progress:
                print(f"  paramlint {fname} ...", file=sys.stderr, flush=True)
            run = run_file(path, timeout)
        runs.append(run)
        for b in sorted(by_file[fname], key=lambda n: truth[n].get("line", 0)):
            results.append(classify(b, truth[b], run))
    return results, runs, time.perf_counter() - t0


def totals(results: list[BuilderResult]) -> dict[str, Any]:
    counts = {s: sum(r.status == s for r in results) for s in ("exact", "unresolved", "WRONG", "missing")}
    n = len(results)
    return {
        "builders": n,
        **counts,
        "exact_pct": round(100.0 * counts["exact"] / n, 1) if n else 0.0,
    }


def _fmt(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def print_table(results: list[BuilderResult], runs: list[FileRun], wall: float) -> None:
    w = max([len("builder"), *(len(r.builder) for r in results)])
    fw = max([len("file"), *(len(r.file) for r in results)])
    print(f"{'builder':<{w}}  {'file':<{fw}}  {'official':>13}  {'ours':>13}  {'status':<10}  {'file s':>7}  note")
    print("-" * (w + fw + 62))
    for r in results:
        print(
            f"{r.builder:<{w}}  {r.file:<{fw}}  {_fmt(r.official):>13}  {_fmt(r.ours):>13}  "
            f"{r.status:<10}  {r.file_seconds:>7.2f}  {r.note}"
        )
    t = totals(results)
    print("-" * (w + fw + 62))
    print(
        f"{t['builders']} builders: {t['exact']} exact, {t['unresolved']} unresolved, "
        f"{t['WRONG']} WRONG, {t['missing']} missing -- {t['exact_pct']}% exact"
    )
    errs = [r for r in runs if r.error]
    for r in errs:
        print(f"file error: {r.file}: {r.error}")
    print(f"{len(runs)} files, paramlint time {sum(r.seconds for r in runs):.2f}s, wall time {wall:.2f}s")


def results_json(version: str | None, results: list[BuilderResult], runs: list[FileRun], wall: float) -> dict[str, Any]:
    return {
        "torchvision": version,
        "totals": totals(results),
        "wall_seconds": round(wall, 3),
        "files": [
            {"file": r.file, "seconds": round(r.seconds, 3), "returncode": r.returncode, "error": r.error}
            for r in runs
        ],
        "builders": [{**asdict(r), "file_seconds": round(r.file_seconds, 3)} for r in results],
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fetch", action="store_true", help=f"download torchvision {TORCHVISION_VERSION} source into bench/.cache (idempotent) and exit")
    ap.add_argument("--write-truth", action="store_true", help="regenerate bench/torchvision_truth.json from the tree and exit")
    ap.add_argument("--list-truth", action="store_true", help="print the truth table and exit")
    ap.add_argument("--tree", help=f"extracted torchvision tree (default: ${ENV_TREE} or bench/.cache/torchvision-*)")
    ap.add_argument("--only", action="append", metavar="GLOB", help="only builders matching this glob (repeatable)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per file (default 300)")
    ap.add_argument("--json", metavar="OUT", help="write results as JSON to OUT")
    ap.add_argument("--progress", action="store_true", help="print each file as it is analysed (stderr)")
    args = ap.parse_args(argv)

    if args.fetch:
        fetch()
        return 0

    truth_doc = load_truth() if TRUTH_PATH.is_file() else None
    models_dir = find_tree(args.tree, truth_doc["torchvision"] if truth_doc else TORCHVISION_VERSION)
    if models_dir is None:
        print(
            "no extracted torchvision tree found; run `python bench/torchvision_zoo.py --fetch` "
            f"or set {ENV_TREE} / --tree to a directory containing torchvision/models/",
            file=sys.stderr,
        )
        return 2
    version = tree_version(models_dir)

    if args.write_truth:
        data = write_truth(models_dir, version or "unknown")
        print(f"wrote {len(data['builders'])} builders (torchvision {version}) to {TRUTH_PATH}")
        return 0

    if truth_doc is not None and truth_doc.get("torchvision") == version:
        truth = truth_doc["builders"]
    else:
        print(
            f"note: tree is torchvision {version}, checked-in truth is "
            f"{truth_doc.get('torchvision') if truth_doc else 'absent'}; computing truth from the tree",
            file=sys.stderr,
        )
        truth = compute_truth(models_dir)

    if args.list_truth:
        for b, t in truth.items():
            print(f"{b:<24} {t['file']:<24} {t['num_params']:>13,}  {t['source']}")
        print(f"{len(truth)} builders")
        return 0

    try:
        check_paramlint()
        results, runs, wall = run_benchmark(models_dir, truth, args.only, args.timeout, args.progress)
    except ParamlintUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not results:
        print("no builders selected", file=sys.stderr)
        return 2
    print(f"torchvision {version} ({models_dir})")
    print_table(results, runs, wall)
    if args.json:
        Path(args.json).write_text(json.dumps(results_json(version, results, runs, wall), indent=2) + "\n")
        print(f"results written to {args.json}")
    return 1 if any(r.status == "WRONG" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
