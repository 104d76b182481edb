"""Weight reparametrizations (evaluate/reparam.py) and a package importing itself, against torch.

``weight_norm`` adds a magnitude per slice along ``dim`` (wav2vec2's positional conv: +kernel
size; ``dim=None`` and the legacy ``dim=-1``: +1); ``spectral_norm`` keeps the same Parameter.
Expected figures are torch's, computed live (skipped without torch).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_evaluator import ours, write_package

NORMS = {
    "m.py": '''
        from torch import nn
        from torch.nn.utils import weight_norm, spectral_norm
        from torch.nn.utils.parametrizations import weight_norm as pweight_norm
        import torch.nn.utils.parametrizations as P


        class PosConv(nn.Module):
            def __init__(self, embed_dim=64, kernel_size=25, groups=8):
                super().__init__()
                self.conv = nn.Conv1d(embed_dim, embed_dim, kernel_size, padding=kernel_size // 2, groups=groups)
                self.conv = nn.utils.parametrizations.weight_norm(self.conv, name="weight", dim=2)


        class Legacy(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = nn.ModuleList([weight_norm(nn.Conv1d(16, 32, 3)), weight_norm(nn.Linear(8, 4), dim=None),
                                            weight_norm(nn.Conv2d(3, 6, 3), dim=-1), weight_norm(nn.Conv2d(3, 6, 3), dim=1),
                                            weight_norm(nn.Conv2d(3, 6, 3), dim=-2)])
                self.sn = spectral_norm(nn.Linear(10, 10))
                self.psn = P.spectral_norm(nn.Linear(10, 3))


        def frozen_then_norm():
            c = nn.Conv1d(4, 8, 3)
            c.weight.requires_grad_(False)
            a = pweight_norm(c)  # keeps requires_grad; the legacy form makes new Parameters
            b = weight_norm(nn.Conv1d(4, 8, 3))
            b.weight_v.requires_grad = False
            return nn.Sequential(a, b)


        def removed():
            c = weight_norm(nn.Conv1d(4, 8, 3))
            nn.utils.remove_weight_norm(c)
            return c


        def tied_then_normed():
            a = nn.Linear(5, 5)
            b = nn.Linear(5, 5)
            b.weight = a.weight
            weight_norm(b)  # b gets new g and v: no longer tied
            return nn.Sequential(a, b)
    ''',
}

SELF_IMPORT = {
    "__init__.py": "from . import models  # noqa: F401\n",
    "models/__init__.py": "from .base import base_net  # noqa: F401\nfrom .sub.head import head_model  # noqa: F401\n",
    "models/base.py": "from torch import nn\n\n\ndef base_net():\n    return nn.Linear(768, 768)\n",
    "models/sub/__init__.py": "",
    "models/sub/head.py": '''
        from torch import nn

        import {pkg}


        def head_model(ssl_type="base_net"):
            # torchaudio's SQUIM: the package is imported by a module it imports itself; the
            # attribute is read at call time, after the package finished importing
            ssl = getattr({pkg}.models, ssl_type)()
            return nn.Sequential(ssl, nn.Linear(768, 32), nn.Linear(32, 1))
    ''',
}


@pytest.mark.oracle
@pytest.mark.parametrize("builder", ["PosConv", "Legacy", "frozen_then_norm", "removed", "tied_then_normed"])
def test_weight_and_spectral_norm_match_torch(tmp_path: Path, builder: str) -> None:
    torch = pytest.importorskip("torch")
    import importlib
    import sys

    pkg = write_package(tmp_path, NORMS)
    m = ours(tmp_path, pkg, "m.py")[builder]
    sys.path.insert(0, str(tmp_path))
    try:
        model = getattr(importlib.import_module(f"{pkg}.m"), builder)()
    finally:
        sys.path.remove(str(tmp_path))
    params = list(model.parameters())
    assert isinstance(model, torch.nn.Module)
    assert (m.total_params, m.trainable_params) == (sum(p.numel() for p in params),
                                                    sum(p.numel() for p in params if p.requires_grad)), m.unresolved


def test_weight_norm_of_what_is_not_a_parameter_is_unknown(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {"m.py": '''
        from torch import nn
        from torch.nn.utils import weight_norm

        def twice():
            return weight_norm(weight_norm(nn.Linear(4, 4)))  # torch raises: two hooks on one weight

        def bad_dim():
            return weight_norm(nn.Linear(4, 4), dim=3)
    '''})
    models = ours(tmp_path, pkg, "m.py")
    assert models["twice"].total_params is None and models["bad_dim"].total_params is None


def test_a_module_importing_its_own_package_matches_torch(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {})  # reserve a name, then write the package under it
    files = {k: v.replace("{pkg}", pkg) for k, v in SELF_IMPORT.items()}
    for name, text in files.items():
        p = tmp_path / pkg / name
        p.parent.mkdir(parents=True, exist_ok=True)
        import textwrap

        p.write_text(textwrap.dedent(text))
    m = ours(tmp_path, pkg, "models/sub/head.py")["head_model"]
    assert m.total_params == 615_233  # torch: Linear(768, 768) + Linear(768, 32) + Linear(32, 1)
    pytest.importorskip("torch")
    import importlib
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        model = importlib.import_module(f"{pkg}.models.sub.head").head_model()
    finally:
        sys.path.remove(str(tmp_path))
    assert m.total_params == sum(p.numel() for p in model.parameters())
