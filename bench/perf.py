#!/usr/bin/env python3
"""Performance targets of issue 9, each printed as a ratio measured in this one run.

Every figure compares paramlint with a baseline command run on the same machine in the same
run: the runs are interleaved (baseline, paramlint, baseline, paramlint, ...) and the median of
each is taken, so load from other processes hits both sides alike. Both wall time and CPU time
(user + system of the child, from ``os.wait4``) are reported: on a shared machine CPU time is
the steadier figure, wall time is what a user waits for (and the only one in which a process
pool can win). Peak RSS is the child's ``ru_maxrss``.

Targets:
  1. cold single file: ``paramlint summary --no-cache F`` (and ``check``) vs the floor
     ``python -c "import libcst; libcst.parse_module(src)"`` on F .............. <= 1.3x
  2. a folder of real model code (torchvision's models/, timm's models/ + layers/ when
     fetched) vs parsing every file once with LibCST in one process ............ <= 1.5x
     (with a process pool; the pool's speed-up over --jobs 1 is reported)
  3. peak memory and time flat in model size: GPT-3 175B config vs GPT-2 small .... ~1.0x
  4. repeat runs: warm cache vs cold, and warm vs the floor ....................... << 1x

Only public tools: ``time.perf_counter``, ``os.wait4``. Usage::

    python bench/perf.py                 # all targets, 5 interleaved rounds each
    python bench/perf.py --rounds 9      # steadier medians
    python bench/perf.py --only 1,3      # some targets
    python bench/perf.py --fetch-timm    # pip download timm (no install), extract .py files
    python bench/perf.py --only 2 --timm --rounds 2   # the folder target on timm too (slow)
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
PY = sys.executable
TORCHVISION = CACHE / "torchvision-0.29.1" / "torchvision" / "models"
PARSE_ALL = (
    "import sys, libcst\n"
    "for p in sys.argv[1:]:\n"
    "    with open(p, 'rb') as f:\n"
    "        libcst.parse_module(f.read())\n"
)


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    rc: int


def run(cmd: Sequence[str], cwd: Path = REPO, env: Optional[Dict[str, str]] = None) -> Run:
    """One child process: wall time, its CPU time and its peak RSS (children included for pools)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(env))
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode)


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of every measured command: byte-code caching on (as in any installed
    package; PYTHONDONTWRITEBYTECODE would make each run recompile paramlint but not the
    already-compiled LibCST), with the .pyc files kept under bench/.cache, out of the tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    env.update(extra or {})
    return env


def interleaved(cmds: Dict[str, Sequence[str]], rounds: int, before: Optional[Dict[str, object]] = None) -> Dict[str, List[Run]]:
    """Each command ``rounds`` times, round-robin; ``before[name]()`` runs before each of its runs."""
    out: Dict[str, List[Run]] = {k: [] for k in cmds}
    for name, cmd in cmds.items():  # warm the OS page cache and .pyc files once
        run(cmd)
    for _ in range(rounds):
        for name, cmd in cmds.items():
            if before and name in before:
                before[name]()  # type: ignore[operator]
            out[name].append(run(cmd))
    return out


def med(runs: List[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


class Table:
    def __init__(self) -> None:
        self.rows: List[Tuple[str, str, str, str, str, str]] = []

    def add(self, target: str, what: str, runs: List[Run], base: List[Run], goal: str = "") -> None:
        rw = med(runs, "wall") / med(base, "wall")
        rc = med(runs, "cpu") / med(base, "cpu")
        self.rows.append((target, what, f"{med(runs, 'wall'):.3f}s / {med(base, 'wall'):.3f}s", f"{rw:.2f}x",
                          f"{rc:.2f}x", goal))

    def note(self, target: str, what: str, value: str, goal: str = "") -> None:
        self.rows.append((target, what, value, "", "", goal))

    def print(self) -> None:
        head = ("target", "measure", "median (this / baseline)", "wall", "cpu", "goal")
        rows = [head] + self.rows
        w = [max(len(r[i]) for r in rows) for i in range(len(head))]
        for i, r in enumerate(rows):
            print("  ".join(c.ljust(w[j]) for j, c in enumerate(r)).rstrip())
            if i == 0:
                print("  ".join("-" * x for x in w))


def paramlint(*args: str) -> List[str]:
    return [PY, "-m", "paramlint", *args]


def has_check() -> bool:
    return run(paramlint("check", "--help")).rc == 0


def target1(t: Table, rounds: int) -> None:
    files = [("lenet fixture", REPO / "fixtures" / "lenet_torch.py"),
             ("vgg fixture", REPO / "fixtures" / "vgg_cfg.py")]
    if (TORCHVISION / "resnet.py").exists():
        files.append(("torchvision resnet.py (10 builders)", TORCHVISION / "resnet.py"))
    check = has_check()
    for label, f in files:
        cmds: Dict[str, Sequence[str]] = {
            "floor": [PY, "-c", PARSE_ALL, str(f)],
            "summary": paramlint("summary", "--no-cache", "--jobs", "1", str(f)),
        }
        if check:
            cmds["check"] = paramlint("check", "--no-cache", "--jobs", "1", str(f))
        r = interleaved(cmds, rounds)
        t.add("1 cold file", f"summary {label}", r["summary"], r["floor"], "<= 1.3x" if "lenet" in label else "")
        if check:
            t.add("1 cold file", f"check {label}", r["check"], r["floor"], "<= 1.3x" if "lenet" in label else "")
    # What a pre-commit hook meets: the changed file has no cached result, but the cache
    # directory exists from earlier commits (its import index spares the dependents scan most
    # reads). Before each run every cached result is deleted, the import index kept.
    if check:
        tmp = tempfile.mkdtemp(prefix="paramlint-perf-hook-")
        lenet = str(REPO / "fixtures" / "lenet_torch.py")
        hook = paramlint("check", "--cache-dir", tmp, "--jobs", "1", lenet)
        run(hook)

        def drop_results() -> None:
            for entry in os.listdir(tmp):
                if os.path.isdir(os.path.join(tmp, entry)):
                    shutil.rmtree(os.path.join(tmp, entry), ignore_errors=True)

        try:
            r = interleaved({"floor": [PY, "-c", PARSE_ALL, lenet], "hook": hook}, rounds, before={"hook": drop_results})
            t.add("1 cold file", "check lenet as a pre-commit hook (no cached result, warm import index)", r["hook"], r["floor"], "<= 1.3x")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    r = interleaved({"import libcst": [PY, "-c", "import libcst"], "version": paramlint("--version")}, rounds)
    t.add("1 start-up", "paramlint --version vs import libcst", r["version"], r["import libcst"], "< 1x")


def folder_files(root: Path) -> List[str]:
    return sorted(str(p) for p in root.rglob("*.py"))


def target2(t: Table, rounds: int, with_timm: bool = False) -> None:
    trees = []
    if TORCHVISION.is_dir():
        trees.append(("torchvision models/", [TORCHVISION]))
    timm = sorted(CACHE.glob("timm-*/timm"))
    if timm and with_timm:
        trees.append(("timm models/ + layers/", [timm[-1] / "models", timm[-1] / "layers"]))
    if not trees:
        t.note("2 folder", "no corpus under bench/.cache (run bench/torchvision_zoo.py --fetch)", "")
        return
    for label, dirs in trees:
        files = [f for d in dirs for f in folder_files(d)]
        paths = [str(d) for d in dirs]
        cmds = {
            "floor": [PY, "-c", PARSE_ALL, *files],
            "pool": paramlint("summary", "--no-cache", *paths),
            "serial": paramlint("summary", "--no-cache", "--jobs", "1", *paths),
        }
        r = interleaved(cmds, max(1, rounds // 2))
        t.add("2 folder", f"{label} ({len(files)} files), pool", r["pool"], r["floor"], "<= 1.5x")
        t.add("2 folder", f"{label}, --jobs 1", r["serial"], r["floor"])
        sp = med(r["serial"], "wall") / med(r["pool"], "wall")
        t.note("2 folder", f"{label}: pool speed-up over --jobs 1 (wall)", f"{sp:.2f}x on {_cpus()} CPUs")
        t.note("2 folder", f"{label}: peak RSS pool / serial / floor",
               f"{med(r['pool'], 'rss_mb'):.0f} / {med(r['serial'], 'rss_mb'):.0f} / {med(r['floor'], 'rss_mb'):.0f} MB")


def target3(t: Table, rounds: int) -> None:
    small, big = BENCH / "gpt_sizes" / "gpt2_small.py", BENCH / "gpt_sizes" / "gpt3_175b.py"
    if not (small.exists() and big.exists()):
        t.note("3 memory", "bench/gpt_sizes/ missing", "")
        return
    wide = BENCH / "gpt_sizes" / "gpt3_width_12_layers.py"
    cmds = {"gpt2": paramlint("summary", "--no-cache", "--jobs", "1", str(small)),
            "wide": paramlint("summary", "--no-cache", "--jobs", "1", str(wide)),
            "gpt3": paramlint("summary", "--no-cache", "--jobs", "1", str(big))}
    r = interleaved(cmds, rounds)
    # Parameter size alone (same 12 layers, 180x the parameters), then GPT-3 itself (8x the layers).
    t.add("3 model size", "GPT-3 width, 12 layers (22.4B) vs GPT-2 small (time)", r["wide"], r["gpt2"], "~1.0x")
    t.add("3 model size", "GPT-3 175B (96 layers) vs GPT-2 small (time)", r["gpt3"], r["gpt2"])
    g2, gw, g3 = med(r["gpt2"], "rss_mb"), med(r["wide"], "rss_mb"), med(r["gpt3"], "rss_mb")
    t.note("3 model size", "peak RSS GPT-3 width / GPT-2", f"{gw:.1f} / {g2:.1f} MB = {gw / g2:.2f}x", "~1.0x")
    t.note("3 model size", "peak RSS GPT-3 175B / GPT-2", f"{g3:.1f} / {g2:.1f} MB = {g3 / g2:.2f}x", "~1.0x")


def target4(t: Table, rounds: int) -> None:
    tmp = tempfile.mkdtemp(prefix="paramlint-perf-cache-")
    try:
        lenet = str(REPO / "fixtures" / "lenet_torch.py")
        cache = ["--cache-dir", tmp]
        cmds = {
            "floor": [PY, "-c", PARSE_ALL, lenet],
            "cold": paramlint("summary", "--no-cache", "--jobs", "1", lenet),
            "warm": paramlint("summary", *cache, lenet),
        }
        run(cmds["warm"])
        r = interleaved(cmds, rounds)
        t.add("4 cache", "lenet: warm cache vs cold (--no-cache)", r["warm"], r["cold"])
        t.add("4 cache", "lenet: warm cache vs the floor", r["warm"], r["floor"], "< 1x")
        if TORCHVISION.is_dir():
            # Cold runs first, then the warm ones back to back: the key covers paramlint's own
            # files, so in a checkout being edited a warm run interleaved with long cold runs
            # would miss (correctly) and measure nothing.
            n = max(1, rounds // 2)
            cold = [run(paramlint("summary", "--no-cache", str(TORCHVISION))) for _ in range(n)]
            run(paramlint("summary", *cache, str(TORCHVISION)))
            warm = [run(paramlint("summary", *cache, str(TORCHVISION))) for _ in range(n)]
            t.add("4 cache", "torchvision models/: warm vs cold", warm, cold, "<< 1x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def fetch_timm() -> int:
    """``pip download --no-deps timm`` into a temp dir; extract only .py files (never installed)."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([PY, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", d, "timm"], check=True)
        wheels = glob.glob(os.path.join(d, "timm-*.whl"))
        if not wheels:
            print("no timm wheel downloaded", file=sys.stderr)
            return 2
        version = os.path.basename(wheels[0]).split("-")[1]
        dest = CACHE / f"timm-{version}"
        with zipfile.ZipFile(wheels[0]) as z:
            for n in z.namelist():
                if n.startswith("timm/") and n.endswith(".py"):
                    z.extract(n, dest)
        print(f"extracted to {dest}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per comparison (median taken)")
    ap.add_argument("--only", default="1,2,3,4", help="targets to run, e.g. 1,3")
    ap.add_argument("--fetch-timm", action="store_true", help="download timm's wheel and extract its .py files")
    ap.add_argument("--timm", action="store_true", help="target 2 also on timm's models/ + layers/ (minutes per run)")
    a = ap.parse_args(argv)
    if a.fetch_timm:
        return fetch_timm()
    only = set(a.only.split(","))
    t = Table()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    for n, fn in (("1", target1), ("2", lambda t, r: target2(t, r, a.timm)), ("3", target3), ("4", target4)):
        if n in only:
            fn(t, a.rounds)  # type: ignore[operator]
    print(f"paramlint perf, {a.rounds} interleaved rounds, medians; {_cpus()} CPUs, load average at start {load:.1f}")
    t.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
