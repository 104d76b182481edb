"""paramlint: parameter counts, shapes and budgets for neural-network source code, statically."""

__version__ = "0.1.0"
