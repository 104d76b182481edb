"""Lightning's ``LightningModule`` (paramlint's model in ``evaluate/library/lightning_module.py``):
an ``nn.Module`` with no parameters of its own, whose ``save_hyperparameters()`` reads the
``__init__`` frames that called it into ``hparams`` -- which real modules then size their
layers from. Each figure below is what Lightning 2.6.6 (over torch 2.13) builds:
``sum(p.numel() for p in model.parameters())``, or the exception it raises; the oracle test
rebuilds them with Lightning where it is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_evaluator import built, ours, write_package

MODEL = '''
    import argparse

    import torch
    from torch import nn

    import lightning as L
    import lightning.pytorch as pl
    import pytorch_lightning


    class AllArgs(L.LightningModule):
        def __init__(self, d_in: int = 12, d_out: int = 5, bias=False):
            super().__init__()
            self.save_hyperparameters()
            self.fc = nn.Linear(self.hparams.d_in, self.hparams["d_out"], bias=self.hparams.bias)


    class Named(L.LightningModule):
        def __init__(self, a=3, b=4, c=5):
            super().__init__()
            self.save_hyperparameters("a", "c")
            self.fc = nn.Linear(self.hparams.a, self.hparams.c if "b" not in self.hparams else 50)


    class FromDict(pl.LightningModule):
        def __init__(self, n=4):
            super().__init__()
            self.save_hyperparameters({"n": 6, "m": 2})
            self.fc = nn.Linear(self.hparams.n, len(self.hparams))


    class Ignored(L.LightningModule):
        def __init__(self, enc=None, width=7):
            super().__init__()
            self.save_hyperparameters(ignore="enc")
            self.fc = nn.Linear(self.hparams.width, 2 if "enc" in self.hparams else 3)


    class Base(L.LightningModule):
        def __init__(self, width=8, **kwargs):
            super().__init__()
            self.save_hyperparameters()
            self.fc = nn.Linear(self.hparams.width, self.hparams.get("out", 3))


    class Child(Base):
        def __init__(self, width=16, out=5):
            super().__init__(width=4, out=7, extra=1)
            self.more = nn.Linear(len(self.hparams), 1)


    class Inner(L.LightningModule):
        def __init__(self, width=3):
            super().__init__()
            self.save_hyperparameters()
            self.fc = nn.Linear(self.hparams.width, 2)


    class Outer(L.LightningModule):
        # Lightning walks frames, not classes: Inner, built in Outer's __init__, also saves
        # Outer's arguments, over its own (width 5, not 3)
        def __init__(self, width=5):
            super().__init__()
            self.inner = Inner()


    class NoSuper(L.LightningModule):
        # no super() in __init__: no __class__ cell, so Lightning finds no __init__ frame
        def __init__(self, n=4):
            L.LightningModule.__init__(self)
            self.save_hyperparameters()
            self.fc = nn.Linear(self.hparams.get("n", 9), 2)


    class ViaHelper(L.LightningModule):
        def __init__(self, n=6):
            super().__init__()
            self._setup()

        def _setup(self):
            self.save_hyperparameters()
            self.fc = nn.Linear(self.hparams.n, 2)


    class Updated(L.LightningModule):
        def __init__(self, n=2):
            super().__init__()
            self.save_hyperparameters()
            self.hparams.n = 10
            self.hparams.update({"m": 3})
            self.fc = nn.Linear(self.hparams.n, self.hparams.m)
            self.fc0 = nn.Linear(self.hparams_initial.n, 1)


    class TwoCalls(L.LightningModule):
        def __init__(self, a=2, b=3):
            super().__init__()
            self.save_hyperparameters("a")
            self.save_hyperparameters("b")
            self.fc = nn.Linear(self.hparams.a, self.hparams.b)


    class OldPackage(pytorch_lightning.LightningModule):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3 if isinstance(self, L.LightningModule) else 4)
            self.g = nn.Linear(2, 2 if isinstance(self, nn.Module) and isinstance(self, pytorch_lightning.LightningModule) else 5)


    class Missing(L.LightningModule):
        def __init__(self, n=3):
            super().__init__()
            self.fc = nn.Linear(self.hparams.n, 2)


    class NoTrainer(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2 if self.trainer is None else 3)


    class Epoch(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2 + self.current_epoch + self.global_step, 2 if self.logger is None else 3)


    class Primitive(L.LightningModule):
        def __init__(self, n=3):
            super().__init__()
            self.save_hyperparameters(5)
            self.fc = nn.Linear(n, 2)
'''

#: ``sum(p.numel() for p in model.parameters())`` under Lightning 2.6.6.
TOTALS = {
    "AllArgs": 12 * 5, "Named": 3 * 5 + 5, "FromDict": 6 * 2 + 2, "Ignored": 7 * 3 + 3,
    "Base": 8 * 3 + 3,
    "Child": (16 * 5 + 5) + (3 + 1),  # the subclass's arguments over what it passed up: 3 keys
    "Inner": 3 * 2 + 2,
    "Outer": 5 * 2 + 2,  # Inner, built in Outer's __init__, saved Outer's width over its own
    "NoSuper": 9 * 2 + 2,  # no __class__ cell: no __init__ frame is found, hparams stay empty
    "ViaHelper": 6 * 2 + 2, "Updated": (10 * 3 + 3) + (2 + 1), "TwoCalls": 2 * 3 + 3,
    "OldPackage": (3 * 4 + 4) + (2 * 2 + 2),  # pytorch_lightning's class is not lightning's
    "Epoch": 2 * 2 + 2,
}

#: What Lightning raises building these (no count).
RAISES = {
    "Missing": "'AttributeDict' object has no attribute 'n'",
    "NoTrainer": "not attached to a `Trainer`",
    "Primitive": "ValueError",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("lightning")
    pkg = write_package(tmp, {"m.py": MODEL})
    return tmp, pkg, ours(tmp, pkg, "m.py")


@pytest.mark.parametrize("name", sorted(TOTALS))
def test_figures(report, name: str) -> None:  # type: ignore[no-untyped-def]
    m = report[2][name]
    assert m.total_params == TOTALS[name], m.unresolved


@pytest.mark.parametrize("name", sorted(RAISES))
def test_what_lightning_raises_is_unknown_at_the_users_line(report, name: str) -> None:  # type: ignore[no-untyped-def]
    m = report[2][name]
    assert m.total_params is None
    u = m.unresolved[0]
    assert RAISES[name] in u.reason
    # placed in the user's file (the call into the model of Lightning), never in paramlint's own
    assert u.location is not None and u.location.path.endswith("m.py"), u.location


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(TOTALS) + sorted(RAISES))
def test_matches_lightning(report, name: str) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    pytest.importorskip("lightning")
    pytest.importorskip("pytorch_lightning")
    tmp, pkg, models = report
    if name in RAISES:
        with pytest.raises(Exception, match=None) as e:
            built(tmp, pkg, "m.py", name)
        assert RAISES[name] in f"{type(e.value).__name__} {e.value}"
        return
    model = built(tmp, pkg, "m.py", name)
    assert models[name].total_params == sum(p.numel() for p in model.parameters())  # type: ignore[attr-defined]


def test_example_input_array_gives_the_input(tmp_path: Path) -> None:
    src = '''
        import torch
        from torch import nn
        from lightning.pytorch.core.module import LightningModule


        class Net(LightningModule):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(6, 4)
                self.example_input_array = torch.zeros(3, 6)

            def forward(self, x):
                return self.fc(x)


        class Plain(nn.Module):  # only Lightning's convention: a plain module's attribute is not it
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(6, 4)
                self._example_input_array = torch.zeros(3, 6)

            def forward(self, x):
                return self.fc(x)
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    models = ours(tmp_path, pkg, "m.py")
    assert models["Net"].input_shape == ((3, 6),)
    assert [r.output_shape for r in models["Net"].layers] == [(3, 4)]
    assert models["Net"].total_macs == 3 * 6 * 4
    assert models["Plain"].input_shape is None


def test_the_rest_of_lightning_stays_a_library_name(tmp_path: Path) -> None:
    src = '''
        import lightning as L
        from torch import nn


        class Net(L.LightningModule):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(2, 2)
                self.cb = L.pytorch.callbacks.ModelCheckpoint  # (a class, not built: no child)


        def trainer():
            return L.Trainer(max_epochs=1)
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    models = ours(tmp_path, pkg, "m.py")
    assert models["Net"].total_params == 6
    assert "trainer" not in models  # a Trainer is no model


METRICS_MODEL = {"m.py": '''
    import torch
    import torchmetrics
    from torch import nn
    from torchmetrics.classification import MulticlassF1Score

    import lightning as L


    class WithMetrics(L.LightningModule):
        def __init__(self, num_classes=5):
            super().__init__()
            self.save_hyperparameters()
            self.fc = nn.Linear(12, num_classes)
            self.train_acc = torchmetrics.Accuracy(task="multiclass", num_classes=num_classes)
            self.val_f1 = MulticlassF1Score(num_classes=num_classes, average="macro")
            self.mse = torchmetrics.regression.MeanSquaredError()
            self.loss_mean = torchmetrics.MeanMetric()

        def forward(self, x):
            return self.fc(x)


    class WithCollection(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)
            self.metrics = torchmetrics.MetricCollection([torchmetrics.MeanMetric()])
'''}


def test_parameter_free_metrics_count_nothing(tmp_path: Path) -> None:
    # A metric made the LightningModule unknown ("call to torchmetrics.Accuracy is not
    # modelled"); classification/regression/aggregation metrics hold no parameters or buffers
    # (torch 2.13, torchmetrics 1.9: 65). A MetricCollection holds whatever it is given: unknown.
    pkg = write_package(tmp_path, METRICS_MODEL)
    models = ours(tmp_path, pkg, "m.py")
    assert models["WithMetrics"].total_params == 12 * 5 + 5
    assert models["WithCollection"].total_params is None


@pytest.mark.oracle
def test_parameter_free_metrics_match_torch(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("lightning")
    pytest.importorskip("torchmetrics")
    pkg = write_package(tmp_path, METRICS_MODEL)
    model = built(tmp_path, pkg, "m.py", "WithMetrics")
    assert ours(tmp_path, pkg, "m.py")["WithMetrics"].total_params == sum(p.numel() for p in model.parameters())  # type: ignore[attr-defined]


@pytest.mark.oracle
def test_the_metric_table_is_torchmetrics_own() -> None:
    # the generated table is what the installed torchmetrics exports, and every sample built
    # with usual arguments has no parameters and no buffers
    tm = pytest.importorskip("torchmetrics")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_tm", Path(__file__).parent / "golden" / "make_torchmetrics.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    from paramlint.catalog.torchmetrics import METRICS

    if tm.__version__ == "1.9.0":
        assert set(mod.names()) == METRICS
    for name in ("Accuracy", "F1Score", "AUROC", "MeanSquaredError", "R2Score", "MeanMetric", "ConfusionMatrix"):
        cls = getattr(tm, name)
        for kw in ({}, {"task": "multiclass", "num_classes": 3}):
            try:
                m = cls(**kw)
                break
            except Exception:
                continue
        assert not list(m.parameters()) and not list(m.buffers()), name
