"""Evaluator modules reached from hot functions, imported on first use.

Many evaluator modules call into each other (framework -> modules -> framework ...), so some
imports cannot sit at the top of a file, and a light start-up wants the rarely needed ones
(Keras, Flax, arrays) left unloaded. An ``import`` statement inside a function runs the import
machinery on every call, about a microsecond, on paths taken hundreds of thousands of times per
file; ``lazy.modules`` imports once and is a plain attribute read afterwards.
"""

from __future__ import annotations

from types import ModuleType


def _load(name: str) -> ModuleType:
    # Static imports only: the evaluator never imports a module by a computed name.
    if name == "abcs":
        from paramlint.evaluate import abcs

        return abcs
    if name == "arrays":
        from paramlint.evaluate import arrays

        return arrays
    if name == "attributes":
        from paramlint.evaluate import attributes

        return attributes
    if name == "enums":
        from paramlint.evaluate import enums

        return enums
    if name == "flax_runtime":
        from paramlint.evaluate import flax_runtime

        return flax_runtime
    if name == "keras_graph":
        from paramlint.evaluate import keras_graph

        return keras_graph
    if name == "methods":
        from paramlint.evaluate import methods

        return methods
    if name == "modules":
        from paramlint.evaluate import modules

        return modules
    if name == "records":
        from paramlint.evaluate import records

        return records
    if name == "tensors":
        from paramlint.evaluate import tensors

        return tensors
    raise AttributeError(name)


class _Lazy:
    def __getattr__(self, name: str) -> ModuleType:
        mod = _load(name)
        setattr(self, name, mod)  # later reads never reach __getattr__
        return mod


lazy = _Lazy()
