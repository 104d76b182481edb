"""Libraries paramlint models as Python source (``paramlint/evaluate/library/``) and the
packages a framework requires: keras-hub's export decorator subclasses ``namex.export`` behind
``try: import namex`` / ``except ImportError`` (every keras-hub class was unknown: "depends on
whether the try body raised"). namex is a required dependency of Keras 3, so in code that
imports Keras the ``try`` branch is what runs; in code that does not, it stays unknown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_evaluator import built, ours, write_package
from test_keras_semantics import _keras

API_EXPORT = '''
    import types

    from keras.saving import register_keras_serializable

    try:
        import namex
    except ImportError:
        namex = None


    def maybe_register_serializable(path, symbol):
        if isinstance(path, (list, tuple)):
            for name in path:
                name = name.split(".")[-1]
                register_keras_serializable(package="hub", name=name)(symbol)
        if isinstance(symbol, types.FunctionType) or hasattr(symbol, "get_config"):
            register_keras_serializable(package="hub")(symbol)


    if namex:

        class hub_export(namex.export):
            def __init__(self, path):
                super().__init__(package="hub", path=path)

            def __call__(self, symbol):
                maybe_register_serializable(self.path, symbol)
                return super().__call__(symbol)

    else:

        class hub_export:
            def __init__(self, path):
                self.path = path

            def __call__(self, symbol):
                maybe_register_serializable(self.path, symbol)
                return symbol
'''

MODEL = '''
    import keras
    from keras import layers

    from .api_export import hub_export


    @hub_export("hub.layers.Block")
    class Block(layers.Layer):
        def __init__(self, units=8, **kwargs):
            super().__init__(**kwargs)
            self.d1 = layers.Dense(units)
            self.d2 = layers.Dense(units)

        def call(self, x):
            return self.d2(self.d1(x))


    @hub_export(["hub.models.exported", "hub.models.exported_too"])
    def exported():
        inp = keras.Input((16,))
        return keras.Model(inp, Block(12)(inp))


    @hub_export("hub.layers.Scale")
    class Scale(layers.Layer):
        pass


    def exported_twice():
        try:  # namex refuses a second export of one symbol
            hub_export("hub.layers.Again")(Scale)
            n = 4
        except ValueError:
            n = 8
        inp = keras.Input((2,))
        return keras.Model(inp, layers.Dense(n)(inp))


    @hub_export("hub.models.tied_lm")
    def tied_lm():
        tokens = keras.Input((7,), dtype="int32")
        emb = layers.ReversibleEmbedding(50, 8)
        h = layers.Dense(8)(emb(tokens))
        return keras.Model(tokens, emb(h, reverse=True))
'''

#: ``model.count_params()`` of Keras 3.15 (torch backend) for each builder (oracle test below).
TOTALS = {
    "exported": (16 * 12 + 12) + (12 * 12 + 12),
    "tied_lm": 50 * 8 + (8 * 8 + 8),
    "exported_twice": 2 * 8 + 8,  # the reverse projection is the embeddings, transposed
}


@pytest.mark.parametrize("builder", sorted(TOTALS))
def test_figures(tmp_path: Path, builder: str) -> None:
    pkg = write_package(tmp_path, {"api_export.py": API_EXPORT, "m.py": MODEL})
    m = ours(tmp_path, pkg, "m.py")[builder]
    assert m.total_params == TOTALS[builder], m.unresolved


@pytest.mark.oracle
@pytest.mark.parametrize("builder", sorted(TOTALS))
def test_matches_keras(tmp_path: Path, builder: str) -> None:
    keras = _keras()
    pytest.importorskip("namex")
    pkg = write_package(tmp_path, {"api_export.py": API_EXPORT, "m.py": MODEL})
    m = ours(tmp_path, pkg, "m.py")[builder]
    assert m.total_params == built(tmp_path, pkg, "m.py", builder).count_params()  # type: ignore[attr-defined]
    keras.backend.clear_session()


def test_a_dependency_of_a_framework_the_code_does_not_import_stays_unknown(tmp_path: Path) -> None:
    src = '''
        import torch.nn as nn

        try:
            import namex
        except ImportError:
            namex = None


        def build():
            return nn.Linear(4, 4) if namex else nn.Linear(4, 2)
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    m = ours(tmp_path, pkg, "m.py")["build"]
    assert m.total_params is None
    assert "whether the try body raised" in str(m.unresolved)


def test_the_projects_own_module_comes_before_the_model(tmp_path: Path) -> None:
    own = '''
        class export:
            def __init__(self, package, path):
                self.path = path

            def __call__(self, symbol):
                return None
    '''
    src = '''
        import keras
        from keras import layers
        import namex


        @namex.export(package="p", path="p.f")
        def f():
            return 1


        def build():
            i = keras.Input((4,))
            return keras.Model(i, layers.Dense(f or 3)(i))
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    (tmp_path / pkg / "namex.py").write_text(own.replace("\n        ", "\n"))
    # run with the package directory as an import root too: the project's namex shadows ours
    m = ours(tmp_path, pkg, "m.py")["build"]
    assert m.total_params == 4 * 3 + 3  # f is None: the project's export returned None


def test_another_framework_imported_in_a_try_may_be_missing(tmp_path: Path) -> None:
    src = '''
        import torch.nn as nn

        try:
            import tensorflow as tf
        except ImportError:
            tf = None
        try:
            import torch  # (imported above: installed)
            has_torch = True
        except ImportError:
            has_torch = False


        def build():
            return nn.Linear(4, 4 if tf else 2)


        def build_torch():
            return nn.Linear(4, 4 if has_torch else 2)
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    models = ours(tmp_path, pkg, "m.py")
    assert models["build"].total_params is None  # (it was taken as installed: 20 where torch builds 10)
    assert models["build_torch"].total_params == 4 * 4 + 4


def test_find_spec_answers_as_imports_do(tmp_path: Path) -> None:
    # a spec (true) for the standard library and a framework the code imported; never "None"
    # for another package (it may be installed where the model is built)
    src = '''
        import importlib.util

        import torch.nn as nn

        HAS_TORCH = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("math") is not None
        HAS_FLASH = importlib.util.find_spec("flash_attn") is not None


        def build_torch():
            return nn.Linear(4, 4 if HAS_TORCH else 2)


        def build_flash():
            return nn.Linear(4, 4 if HAS_FLASH else 2)
    '''
    pkg = write_package(tmp_path, {"m.py": src})
    models = ours(tmp_path, pkg, "m.py")
    assert models["build_torch"].total_params == 4 * 4 + 4  # (torch builds 20: CPython's find_spec finds both)
    assert models["build_flash"].total_params is None
