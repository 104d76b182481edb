"""Models of small pure-Python libraries, written as Python source that the evaluator runs like
a project file (``namex.py`` here is what ``import namex`` finds when the project has no
``namex``). A library's class can then be subclassed and its methods called through
``super()`` (keras-hub's ``class keras_hub_export(namex.export)``), which a table of
functions cannot give. Each file keeps the library's behaviour that decides what gets built
and leaves out the rest (registries, error messages); it is paramlint's own code, never the
user's, and is read from disk, not imported.

Also here: which packages are installed wherever a framework is (its required dependencies),
so that ``try: import namex`` / ``except ImportError`` in Keras code takes the ``try`` branch.
"""

from __future__ import annotations

import os
from typing import Dict, FrozenSet, Optional

_DIR = os.path.dirname(os.path.abspath(__file__))

#: Top-level names with a model here.
MODELLED: FrozenSet[str] = frozenset(("namex",))

#: Required dependencies of the frameworks (their ``Requires-Dist`` without extras: Keras 3.15,
#: torch 2.13, JAX 0.10, Flax 0.12), by import name: installed wherever the framework is, so
#: in code that imported it.
REQUIRED_BY: Dict[str, FrozenSet[str]] = {
    "namex": frozenset(("keras",)), "absl": frozenset(("keras",)), "rich": frozenset(("keras", "flax")),
    "h5py": frozenset(("keras",)), "optree": frozenset(("keras",)), "ml_dtypes": frozenset(("keras", "jax")),
    "packaging": frozenset(("keras",)), "filelock": frozenset(("torch",)), "sympy": frozenset(("torch",)),
    "networkx": frozenset(("torch",)), "jinja2": frozenset(("torch",)), "fsspec": frozenset(("torch",)),
    "opt_einsum": frozenset(("jax",)), "scipy": frozenset(("jax",)), "jaxlib": frozenset(("jax",)),
    "msgpack": frozenset(("flax",)), "optax": frozenset(("flax",)), "orbax": frozenset(("flax",)),
    "tensorstore": frozenset(("flax",)), "yaml": frozenset(("flax",)), "treescope": frozenset(("flax",)),
    "numpy": frozenset(("keras", "jax", "flax", "tensorflow")), "typing_extensions": frozenset(("torch", "flax")),
    "jax": frozenset(("flax",)),
}


def path_for(name: str) -> Optional[str]:
    """The file of a modelled library module (``namex``), or None."""
    if name.split(".", 1)[0] not in MODELLED:
        return None
    rel = name.replace(".", os.sep)
    for cand in (os.path.join(_DIR, rel + ".py"), os.path.join(_DIR, rel, "__init__.py")):
        if os.path.isfile(cand):
            return cand
    return None
