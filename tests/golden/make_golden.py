"""Write the framework-truth goldens for every fixture: tests/golden/<stem>.json.

    KERAS_BACKEND=torch python tests/golden/make_golden.py            # (re)write goldens
    KERAS_BACKEND=torch python tests/golden/make_golden.py --check    # verify, exit 1 on drift
    KERAS_BACKEND=torch python tests/golden/make_golden.py --write-expect
        # append '# expect: total=.. trainable=.. non_trainable=..' (framework
        # figures) to entry-point lines that have none

<stem> is the fixture's path under fixtures/ with '/' turned into '.' and
'.py' dropped (fixtures/project_pkg/model.py -> project_pkg.model.json);
package __init__.py files get no golden.  Needs torch (2.13.0) and keras 3;
this script imports and runs the fixtures -- paramlint itself never does.
See tests/frameworks.py for what the figures and layer rows mean.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "fixtures"


def _frameworks():
    spec = importlib.util.spec_from_file_location("_paramlint_test_frameworks", HERE.parent / "frameworks.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def fixture_files():
    return sorted(p for p in FIXTURES.rglob("*.py") if p.name != "__init__.py" and "__pycache__" not in p.parts)


def golden_path(fixture: Path) -> Path:
    rel = fixture.relative_to(FIXTURES).with_suffix("")
    return HERE / (".".join(rel.parts) + ".json")


def dumps(obj, indent=0) -> str:
    """JSON with one line per layer row, for readable diffs."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(obj, dict) and obj:
        items = [inner + json.dumps(k) + ": " + dumps(v, indent + 2) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and any(isinstance(v, (dict, list)) and v for v in obj):
        if all(isinstance(v, dict) for v in obj):  # layer rows
            return "[\n" + ",\n".join(inner + json.dumps(v) for v in obj) + "\n" + pad + "]"
        return json.dumps(obj)
    return json.dumps(obj)


def write_expect(fw, fixture: Path) -> int:
    """Append framework totals as '# expect:' to entry lines lacking one."""
    doc = fw.file_truth(fixture)
    lines = fixture.read_text().split("\n")
    added = 0
    for name, m in doc["models"].items():
        i = m["line"] - 1
        if "# expect:" in lines[i]:
            continue
        comment = "# expect: total=%d trainable=%d non_trainable=%d" % (
            m["total_params"], m["trainable_params"], m["non_trainable_params"])
        lines[i] = lines[i].rstrip() + "  " + comment  # after any comment already there
        added += 1
    if added:
        fixture.write_text("\n".join(lines))
    return added


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the checked-in goldens and expect comments")
    ap.add_argument("--write-expect", action="store_true", help="add missing entry-point expect comments")
    ap.add_argument("fixtures", nargs="*", type=Path, help="only these fixture files")
    args = ap.parse_args(argv)
    fw = _frameworks()
    files = [p.resolve() for p in args.fixtures] or fixture_files()
    failures = 0
    for fixture in files:
        if args.write_expect:
            n = write_expect(fw, fixture)
            print("%s: %d expect comment(s) added" % (fixture.relative_to(REPO), n))
            continue
        doc = fw.file_truth(fixture)
        text = dumps(doc) + "\n"
        out = golden_path(fixture)
        if args.check:
            problems = fw.check_expectations(fixture)
            if not out.exists() or out.read_text() != text:
                problems.append("%s is missing or out of date" % out.relative_to(REPO))
            for p in problems:
                print("FAIL", p)
            failures += bool(problems)
            if not problems:
                print("ok  ", fixture.relative_to(REPO), "->", ", ".join(
                    "%s=%d" % (k, m["total_params"]) for k, m in doc["models"].items()) or "(no entry points)")
        else:
            out.write_text(text)
            print("wrote", out.relative_to(REPO), "(%s)" % doc["produced_by"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
