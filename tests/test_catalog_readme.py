"""The README's supported-layer list is the catalog's own (``python -m paramlint.catalog``)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from paramlint.catalog.listing import END, START, markdown, names

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_section_is_generated_from_the_catalog():
    text = README.read_text()
    assert START in text and END in text, "run: python -m paramlint.catalog and paste between the markers"
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block.strip() == markdown().strip()


def test_module_prints_the_listing():
    out = subprocess.run([sys.executable, "-m", "paramlint.catalog"], capture_output=True, text=True, check=True).stdout
    assert out == markdown()


def test_every_framework_lists_its_layers():
    assert {"LSTM", "TransformerEncoder", "LazyLinear", "ConvTranspose2d"} <= set(names("torch"))
    assert {"Bidirectional", "MultiHeadAttention", "SeparableConv2D", "EinsumDense"} <= set(names("keras"))
    assert {"Dense", "Conv", "BatchNorm", "RNN", "Sequential"} <= set(names("flax"))
