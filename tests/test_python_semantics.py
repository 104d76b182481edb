"""Python semantics found in Hugging Face transformers' model code, against torch live.

Each was a wrong count or an internal error: a base's ``__init_subclass__`` applying
``dataclass(cls)`` (transformers v5 configs: the subclass's own defaults must hold),
``if typing.TYPE_CHECKING:`` (false when the code runs) and other external attributes taken as
true, a weight tie through ``get_parameter()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_evaluator import ours, torch_total, write_package

MODELS = {
    "m.py": '''
        import os.path
        import typing
        from dataclasses import dataclass
        from typing import TYPE_CHECKING

        import torch.nn as nn


        @dataclass
        class BaseConfig:
            bias: bool = True
            width: int = 4

            def __init_subclass__(cls, **kwargs):
                super().__init_subclass__(**kwargs)
                dataclass(cls)


        class Config(BaseConfig):
            bias: bool = False


        def init_subclass_dataclass():
            cfg = Config()
            return nn.Linear(cfg.width, 4, bias=cfg.bias)


        REGISTRY = {}


        class Block(nn.Module):
            def __init_subclass__(cls, width=2, **kwargs):
                super().__init_subclass__(**kwargs)
                REGISTRY[cls.__name__] = width


        class Wide(Block, width=8):
            pass


        def registered_width():
            Wide  # the hook runs for the class; its keyword reaches it
            return nn.Linear(REGISTRY["Wide"], 1)


        def type_checking_branch():
            if typing.TYPE_CHECKING:
                return nn.Linear(4, 4)
            if TYPE_CHECKING:
                return nn.Linear(4, 3)
            return nn.Linear(4, 1)


        def external_constant():
            if os.path.supports_unicode_filenames:  # False on Linux: not known here
                return nn.Linear(4, 4)
            return nn.Linear(4, 1)


        class Tied(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(100, 16)
                self.head = nn.Linear(16, 100, bias=False)
                self.head.weight = self.get_parameter("embed.weight")
    ''',
}


@pytest.mark.oracle
@pytest.mark.parametrize("builder", ["init_subclass_dataclass", "registered_width", "type_checking_branch", "Tied"])
def test_matches_torch(tmp_path: Path, builder: str) -> None:
    pkg = write_package(tmp_path, MODELS)
    m = ours(tmp_path, pkg, "m.py")[builder]
    assert m.total_params == torch_total(tmp_path, pkg, "m.py", builder), m.unresolved


def test_an_external_constant_is_not_taken_as_true(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, MODELS)
    m = ours(tmp_path, pkg, "m.py")["external_constant"]
    assert m.total_params is None and "truth value of os.path.supports_unicode_filenames" in m.unresolved[0].reason


def test_an_unknown_value_assigned_over_a_parameter_is_unknown_not_an_error(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {"m.py": '''
        import torch
        import torch.nn as nn
        import somewhere

        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.zeros(3))
                self.w = somewhere.make()
                self.lin = nn.Linear(2, 2)
    '''})
    m = ours(tmp_path, pkg, "m.py")["M"]
    assert m.total_params is None
    assert not any("internal error" in u.reason for u in m.unresolved)
