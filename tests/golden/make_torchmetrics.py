"""Write paramlint/catalog/torchmetrics.py: the torchmetrics metric classes that hold no
parameters and no buffers, read from the installed torchmetrics.

    python tests/golden/make_torchmetrics.py            # (re)write the table
    python tests/golden/make_torchmetrics.py --check    # exit 1 if it differs

Taken: every ``Metric`` subclass exported by torchmetrics' classification, regression,
aggregation, retrieval, clustering and nominal packages (their states are plain attributes made
by ``add_state``, not parameters or buffers; none holds a network). Left out on purpose: image,
text, audio and multimodal metrics (FID, LPIPS, BERTScore, CLIPScore hold networks with
parameters) and the wrappers (a MetricCollection holds whatever metrics it is given). The
oracle test builds a sample of them and checks ``parameters()`` and ``buffers()`` are empty.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "paramlint" / "catalog" / "torchmetrics.py"
PACKAGES = ("classification", "regression", "aggregation", "retrieval", "clustering", "nominal")


def names() -> list:
    import torchmetrics

    out = {"Metric"}
    for sub in PACKAGES:
        mod = importlib.import_module(f"torchmetrics.{sub}")
        for n in dir(mod):
            c = getattr(mod, n)
            if inspect.isclass(c) and issubclass(c, torchmetrics.Metric):
                out.add(n)
    return sorted(out)


def render() -> str:
    import torchmetrics

    body = "\n".join(f"    {n!r}," for n in names())
    return (f'"""torchmetrics metric classes with no parameters and no buffers (their states are plain\n'
            f'attributes), read from torchmetrics {torchmetrics.__version__} by tests/golden/make_torchmetrics.py.\n'
            f'Generated; do not edit."""\n\nMETRICS = frozenset((\n{body}\n))\n')


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if OUT.read_text() == text else 1
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
