"""paramlint/catalog/attr_names.py holds, per catalog layer class, a superset of the attribute
names the framework's class may have (generated from torch and Keras by
tests/golden/make_attr_names.py); ``hasattr()`` answers False only outside it. The oracle
test checks the superset against the installed frameworks."""

from __future__ import annotations

import os

import pytest

from paramlint.catalog import table
from paramlint.catalog.attr_names import NAMES


def test_every_catalog_class_with_a_framework_class_has_names() -> None:
    assert set(NAMES) == {"torch", "keras"}
    assert {"Linear", "Conv2d", "MultiheadAttention", "Embedding", "LSTM", "Sequential"} <= set(NAMES["torch"])
    assert {"Dense", "Conv2D", "MultiHeadAttention", "Model", "Sequential"} <= set(NAMES["keras"])
    assert set(NAMES["torch"]) - {""} <= set(table("torch"))


@pytest.mark.oracle
def test_names_cover_what_the_frameworks_have() -> None:
    torch = pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("keras oracle runs with KERAS_BACKEND=torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    nn = torch.nn
    for obj, fw, name in ((nn.Linear(3, 2), "torch", "Linear"), (nn.MultiheadAttention(8, 2), "torch", "MultiheadAttention"),
                          (nn.LSTM(4, 4), "torch", "LSTM"), (nn.Conv2d(3, 3, 3), "torch", "Conv2d"),
                          (nn.Sequential(nn.ReLU()), "torch", "Sequential"),
                          (keras.layers.Dense(3), "keras", "Dense"), (keras.layers.MultiHeadAttention(2, 4), "keras", "MultiHeadAttention")):
        held = set(getattr(obj, "_parameters", {})) | set(getattr(obj, "_modules", {})) | set(getattr(obj, "_buffers", {}))
        have = (set(dir(obj)) | set(vars(obj))) - held  # (submodules and tensors: paramlint's own tables)
        assert have <= NAMES[fw][""] | NAMES[fw][name], (name, sorted(have - NAMES[fw][""] - NAMES[fw][name])[:10])


@pytest.mark.oracle
def test_catalog_subclassing_is_the_frameworks() -> None:
    # paramlint/catalog/subclasses.py (tests/golden/make_subclasses.py) as issubclass has it now
    pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("keras oracle runs with KERAS_BACKEND=torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
    import make_subclasses

    from paramlint.catalog.subclasses import BASES

    for fw in ("torch", "keras"):
        cls = make_subclasses.classes(fw)
        live = {n: frozenset(o for o, d in cls.items() if o != n and issubclass(c, d) and c is not d) for n, c in cls.items()}
        # (einops' layers resolve only where einops is installed)
        assert {n: b for n, b in live.items() if b} == {n: b for n, b in BASES[fw].items() if n in cls}
