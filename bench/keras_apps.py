#!/usr/bin/env python3
"""Every Keras Applications builder (ResNet50, EfficientNetV2L, NASNetLarge, ...) against what
Keras itself builds: ``model.count_params()`` and the trainable share.

    python bench/keras_apps.py --fetch     # the keras wheel's applications/ sources, with public
                                           # imports, into bench/.cache/keras-apps-<version>/
    python bench/keras_apps.py             # compare paramlint with the stored truth
    python bench/keras_apps.py --make      # (re)write bench/keras_apps_truth.json by running Keras
                                           # (needs keras; KERAS_BACKEND=torch works)

The sources are Keras's own, changed only where they reach Keras internals a user's code never
imports: ``from keras.src import layers`` becomes ``from keras import layers`` (the public module
paramlint models), ``from keras.src.applications import resnet`` a relative import of the copied
sibling, ``Functional`` the public ``keras.Model``, and the ``@keras_export(...)`` registration
decorators are dropped. Everything else (helper blocks, loops, string-built names,
``imagenet_utils.obtain_input_shape``, the weights branches) is analyzed as written.

How the truth is made (``--make``): each builder is called with its default arguments, as
paramlint evaluates it (``weights="imagenet"``: the download and ``load_weights`` are stubbed;
loading values changes no count), and counted with ``model.count_params()``; trainable is the size
of ``model.trainable_weights``.
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared corpus helpers
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
TRUTH = BENCH / "keras_apps_truth.json"
VERSION = "3.15.1"
PACKAGE = "kerasapps"  # the copied sources' package name
_SRC = "keras/src/applications/"


def tree(version: str = VERSION) -> Path:
    return CACHE / f"keras-apps-{version}" / PACKAGE


# ---- fetching: the wheel's sources with public imports -------------------------------------

def fetch(version: str = VERSION) -> Path:
    """Download the keras wheel (no install), copy applications/*.py with public imports."""
    import tempfile

    whl = corpus.wheel("keras", version)
    final = tree(version)
    out = Path(tempfile.mkdtemp(prefix="kerasapps-", dir=final.parent.parent if final.parent.parent.is_dir() else None))
    (out / "__init__.py").write_text("")
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            base = name[len(_SRC):]
            if not name.startswith(_SRC) or "/" in base or not base.endswith(".py") or base.endswith("_test.py") or base == "__init__.py":
                continue
            (out / base).write_text(publicize(z.read(name).decode("utf-8")))
    # in place only once complete: a half-written tree would not be skipped by the corpus test
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        shutil.rmtree(final)
    shutil.move(str(out), str(final))
    return final


def publicize(text: str) -> str:
    """Keras's source with the imports a user would write (see the module docstring)."""
    import libcst as cst

    class Public(cst.CSTTransformer):
        def leave_ImportFrom(self, node: cst.ImportFrom, updated: cst.ImportFrom) -> "cst.ImportFrom | cst.RemovalSentinel":
            if node.module is None or node.relative:
                return updated
            module = cst.Module([]).code_for_node(node.module)
            if module == "keras.src.applications":
                return updated.with_changes(module=None, relative=[cst.Dot()])
            if module == "keras.src.models" and not isinstance(node.names, cst.ImportStar):
                names = [a.with_changes(name=cst.Name("Model"), asname=cst.AsName(cst.Name(a.name.value)))
                         if isinstance(a.name, cst.Name) and a.name.value == "Functional" else a for a in node.names]
                return updated.with_changes(module=cst.Name("keras"), names=names)
            if module == "keras.src.layers.layer":
                return updated.with_changes(module=cst.parse_expression("keras.layers"))
            if module == "keras.src.api_export":
                return cst.RemoveFromParent()  # type: ignore[return-value]
            if module.startswith("keras.src.") or module == "keras.src":
                public = "keras" + module[len("keras.src"):]
                return updated.with_changes(module=cst.parse_expression(public))
            return updated

        def leave_FunctionDef(self, node: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
            keep = [d for d in updated.decorators if not _is_export(d)]
            return updated.with_changes(decorators=keep)

        leave_ClassDef = leave_FunctionDef  # type: ignore[assignment]

    return cst.parse_module(text).visit(Public()).code


def _is_export(d: object) -> bool:
    import libcst as cst

    e = d.decorator  # type: ignore[attr-defined]
    f = e.func if isinstance(e, cst.Call) else e
    return isinstance(f, cst.Name) and f.value == "keras_export"


# ---- the truth: Keras builds each builder ---------------------------------------------------

def builders_in(src: Path) -> Dict[str, List[str]]:
    """Public builders per copied file: the functions Keras exported (the decorator was dropped
    from the copy, so the original wheel's text is read from the installed keras)."""
    import keras

    root = Path(keras.__file__).parent / "src" / "applications"
    out: Dict[str, List[str]] = {}
    for f in sorted(src.glob("*.py")):
        if f.name == "__init__.py":
            continue
        names = []
        lines = (root / f.name).read_text().splitlines()
        for i, line in enumerate(lines):
            if line.startswith("@keras_export"):
                j = i + 1
                while not lines[j].startswith(("def ", "class ")):
                    j += 1
                if lines[j].startswith("def ") and lines[j][4:5].isupper():
                    names.append(lines[j][4:].split("(")[0])
        out[f.stem] = names
    return out


def make() -> dict:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import importlib

    import keras
    from keras.src.utils import file_utils

    file_utils.get_file = lambda *a, **k: "/nonexistent/weights.h5"  # no download
    keras.Model.load_weights = lambda self, *a, **k: None  # values only
    rows = {}
    for stem, names in builders_in(tree(keras.__version__)).items():
        mod = importlib.import_module(f"keras.src.applications.{stem}")
        for name in names:
            try:
                model = getattr(mod, name)()
            except Exception as e:  # NASNet: "not available with the torch backend"
                print(f"{stem}:{name} raises {type(e).__name__}: {e}", file=sys.stderr)
                continue
            trainable = sum(int(w.numpy().size) if hasattr(w, "numpy") else int(w.size) for w in model.trainable_weights)
            rows[f"{stem}:{name}"] = {"function": f"{PACKAGE}.{stem}:{name}", "total": int(model.count_params()),
                                      "trainable": trainable}
            keras.backend.clear_session()
            print(f"{stem}:{name} {rows[f'{stem}:{name}']['total']:,}", file=sys.stderr)
    return {"produced_by": f"keras {keras.__version__} ({keras.backend.backend()} backend): model.count_params(), "
            "size of model.trainable_weights", "keras": keras.__version__, "builders": rows}


# ---- comparing --------------------------------------------------------------------------------





def compare(src: Path, truth: dict) -> dict:
    return corpus.rows(corpus.paramlint_models([src], src.parent), truth["builders"])


def main() -> int:
    def run(args: object, truth: dict) -> int:
        src = tree(truth["keras"])
        if not src.is_dir():
            print("no Keras Applications sources: python bench/keras_apps.py --fetch")
            return 2
        return corpus.print_rows(compare(src, truth))
    return corpus.cli(__doc__, TRUTH, fetch, make, run)


if __name__ == "__main__":
    sys.exit(main())
