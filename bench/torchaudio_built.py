#!/usr/bin/env python3
"""Every torchaudio model builder callable with no arguments (wav2vec2 / HuBERT / WavLM / XLS-R,
the HuBERT pretraining models, Conv-TasNet, SQUIM, and the classes whose ``__init__`` has only
defaults: Wav2Letter, ConvTasNet, Tacotron2) against what torchaudio itself builds, total and
trainable parameters.

    python bench/torchaudio_built.py --fetch    # the torchaudio wheel (pip download, no install);
                                                # its torchaudio/**/*.py into bench/.cache/torchaudio-<version>/
    python bench/torchaudio_built.py            # compare paramlint with the stored truth
    python bench/torchaudio_built.py --make     # (re)write bench/torchaudio_built_truth.json by
                                                # importing the fetched sources; needs torch

The sources are the wheel's, unchanged, with the package layout kept (relative imports resolve);
the compiled libraries are not extracted and torchaudio is never installed.

How the truth is made (``--make``): the fetched pure-Python sources are imported under the torch
installed here. No stub is needed: with no ``lib/*.so`` present, ``torchaudio._extension`` finds
no library and marks the extension unavailable, which model construction does not use (only
decoders, alignment and I/O do). Every public name of ``torchaudio.models`` (which re-exports
``torchaudio.models.wav2vec2``; the 2.11 wheel has no ``torchaudio.prototype``) that is a function
or an ``nn.Module`` class callable with no arguments is called, on the meta device (on the CPU
for the ``hubert_pretrain_*`` builders, whose initialization copies values), and must return an
``nn.Module``; it is counted as ``sum(p.numel() for p in model.parameters())``
(trainable: those with ``requires_grad``). Builders with a required argument (``hdemucs_low``'s
``sources``, ``emformer_rnnt_base``'s ``num_symbols``, ``WaveRNN``, ``DeepSpeech``, ...) are not
entry points and are left out. The function key is ``<defining module>:<name>``, as paramlint
names the entry point (``torchaudio.models.wav2vec2.model:wav2vec2_base``).
"""

from __future__ import annotations

import inspect
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared corpus helpers
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
TRUTH = BENCH / "torchaudio_built_truth.json"
VERSION = "2.11.0"
_PACKAGES = ("torchaudio.models", "torchaudio.prototype.models")  # the second is absent from 2.11


def tree(version: str = VERSION) -> Path:
    """The directory holding the extracted ``torchaudio`` package."""
    return CACHE / f"torchaudio-{version}"


# ---- fetching: the wheel's Python sources -----------------------------------------------------

def fetch(version: str = VERSION) -> Path:
    """Download the torchaudio wheel (no deps, no install), extract torchaudio/**/*.py only."""
    return corpus.extract_py(corpus.wheel("torchaudio", version), "torchaudio", tree(version))


# ---- the truth: torchaudio builds each builder ------------------------------------------------

def import_torchaudio(src: Path) -> types.ModuleType:
    """Import the extracted sources (no compiled extension: see the module docstring)."""
    import warnings

    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(src))
    import torchaudio  # type: ignore[import-not-found]  # the fetched sources, not installed

    assert Path(torchaudio.__file__).resolve().is_relative_to(src.resolve()), torchaudio.__file__
    return torchaudio


def no_arg_builders(mod: types.ModuleType) -> dict:
    """The public functions and ``nn.Module`` classes of ``mod`` callable with no arguments."""
    import torch

    out = {}
    for name in getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")]):
        obj = getattr(mod, name)
        if inspect.isclass(obj):
            if not issubclass(obj, torch.nn.Module):
                continue
            f = obj.__init__
        elif inspect.isfunction(obj):
            f = obj
        else:
            continue
        params = [p for p in inspect.signature(f).parameters.values() if p.name != "self"]
        if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            out[name] = obj
    return out


def truth_row(fn: object, model: object) -> dict:
    """What the framework built: the builder's ``module:name``, total and trainable parameters."""
    params = list(model.parameters())  # type: ignore[attr-defined]
    return {
        "function": f"{fn.__module__}:{fn.__name__}",  # type: ignore[attr-defined]
        "total": sum(p.numel() for p in params),
        "trainable": sum(p.numel() for p in params if p.requires_grad),
    }


def make(version: str = VERSION) -> dict:
    import importlib

    import torch

    import_torchaudio(tree(version))
    builders = {}
    for package in _PACKAGES:
        try:
            mod = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        for name, fn in sorted(no_arg_builders(mod).items()):
            try:
                with torch.device("meta"):
                    model = fn()
            except NotImplementedError:  # construction copies values (hubert_pretrain_*'s init)
                model = fn()
            if not isinstance(model, torch.nn.Module):
                continue
            builders[name] = truth_row(fn, model)
            print(f"{name:28s} {builders[name]['total']:>14,}", file=sys.stderr)
            del model
    return {"produced_by": f"torchaudio {version} (wheel sources), torch {torch.__version__}: model.parameters()",
            "torchaudio": version, "builders": builders}


# ---- comparing --------------------------------------------------------------------------------

def compare(src: Path, truth: dict) -> dict:
    """paramlint's figures for every builder: exact / unknown / WRONG / missing."""
    targets = [d for d in (src / "torchaudio" / "models", src / "torchaudio" / "prototype" / "models") if d.is_dir()]
    return corpus.rows(corpus.paramlint_models(targets, src), truth["builders"])


def main() -> int:
    def run(args: object, truth: dict) -> int:
        src = tree(truth["torchaudio"])
        if not (src / "torchaudio" / "models").is_dir():
            print("no torchaudio sources: python bench/torchaudio_built.py --fetch")
            return 2
        return corpus.print_rows(compare(src, truth), 28)
    return corpus.cli(__doc__, TRUTH, fetch, make, run)


if __name__ == "__main__":
    sys.exit(main())
