"""torchaudio 2.11's model builders (wav2vec2 / HuBERT / WavLM / XLS-R up to 2.2B parameters,
Conv-TasNet, SQUIM, Tacotron2, Wav2Letter) against what torchaudio itself builds
(bench/torchaudio_built_truth.json, produced by running the wheel's sources under torch; see
bench/torchaudio_built.py). Unknown would be allowed, a different number is not; all 20 are
exact today, so a regression to unknown fails too.

Needs the wheel's sources: ``python bench/torchaudio_built.py --fetch`` (``.ci/run`` does it);
skipped without them.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.corpus
def test_every_torchaudio_builder_counts_what_torchaudio_builds() -> None:
    spec = importlib.util.spec_from_file_location("paramlint_bench_torchaudio_built", BENCH / "torchaudio_built.py")
    assert spec is not None and spec.loader is not None
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    truth = json.loads(built.TRUTH.read_text())
    src = built.tree(truth["torchaudio"])
    if not (src / "torchaudio" / "models").is_dir():
        pytest.skip("torchaudio sources not available: run `python bench/torchaudio_built.py --fetch`")
    rows = built.compare(src, truth)
    assert not {n: r for n, r in rows.items() if r[0] in ("WRONG", "missing")}
    assert {n: r[2] for n, r in rows.items() if r[0] != "exact"} == {}
    assert len(rows) == 20
