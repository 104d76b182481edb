"""Models of small pure-Python libraries, written as Python source that the evaluator runs like
a project file (``namex.py`` here is what ``import namex`` finds when the project has no
``namex``; ``lightning_module.py`` is what ``lightning.pytorch.LightningModule`` names;
``argparse.py`` the standard library's, for the defaults a training script builds from). A library's class can then be subclassed and its methods called through
``super()`` (keras-hub's ``class keras_hub_export(namex.export)``), which a table of
functions cannot give. Each file keeps the library's behaviour that decides what gets built
and leaves out the rest (registries, error messages); it is paramlint's own code, never the
user's, and is read from disk, not imported.

Also here: which packages are installed wherever a framework is (its required dependencies),
so that ``try: import namex`` / ``except ImportError`` in Keras code takes the ``try`` branch.
"""

from __future__ import annotations

import os
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

_DIR = os.path.dirname(os.path.abspath(__file__))

#: Top-level names with a model here.
MODELLED: FrozenSet[str] = frozenset(("namex", "argparse"))

#: Modules of a package paramlint does not model whole, by import name: their file here. The
#: rest of the package stays a library name (``lightning.pytorch.Trainer``).
MODULES: Dict[str, str] = {
    "lightning.pytorch.core.module": "lightning_module.py",
    "pytorch_lightning.core.module": "lightning_module.py",
}

#: The public names of the classes modelled in ``MODULES``: (module, class name).
CLASSES: Dict[str, Tuple[str, str]] = {
    **{f"{pkg}{path}.LightningModule": (f"{pkg}.core.module", "LightningModule")
       for pkg in ("lightning.pytorch", "pytorch_lightning") for path in ("", ".core", ".core.module")},
    "lightning.LightningModule": ("lightning.pytorch.core.module", "LightningModule"),
}

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
    if name in MODULES:
        return os.path.join(_DIR, MODULES[name])
    if name.split(".", 1)[0] not in MODELLED:
        return None
    rel = name.replace(".", os.sep)
    for cand in (os.path.join(_DIR, rel + ".py"), os.path.join(_DIR, rel, "__init__.py")):
        if os.path.isfile(cand):
            return cand
    return None


def modelled_class(it: Any, qualname: str) -> Any:
    """The modelled class a library name stands for (``qualname`` in CLASSES)."""
    module, name = CLASSES[qualname]
    mod = it.import_module(module)
    return it.get_attr(mod, name, None)


def is_lightning_module(cls: Any) -> bool:
    """Whether a project class derives from the modelled LightningModule."""
    from paramlint.evaluate.values import Class

    return any(isinstance(b, Class) and b.module.library and b.name == "LightningModule" for b in cls.mro())


def hooks(name: str) -> Dict[str, Any]:
    """What the evaluator gives a modelled module beyond Python (names starting ``_paramlint``)."""
    if MODULES.get(name) != "lightning_module.py":
        return {}
    from paramlint.evaluate.values import Builtin

    return {"_paramlint_init_args": Builtin("_paramlint_init_args", _init_args)}


def _init_args(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """Lightning's ``collect_init_args``: the arguments of the ``__init__`` frames of instances
    of ``args[0]`` (their locals' values now, ``**kwargs`` merged in), from the caller of the
    modelled method outwards: first the innermost frame that is one, then each caller while
    it is one too (``super().__init__`` chains; also an enclosing LightningModule's
    ``__init__`` building this one, as Lightning walks frames, not classes). A frame is one
    when its function is an ``__init__`` with a ``__class__`` cell (it names ``super`` or
    ``__class__``) and its first argument is such an instance."""
    import libcst as cst

    from paramlint.evaluate.values import Class, Instance, Layer

    target = args[0] if args else None
    found: List[Dict[str, Any]] = []
    for fn, env, _call, _caller in reversed(it.frames[:-1]):  # (the modelled method's own frame left out)
        local = env.vars
        node_ = fn.node
        params = getattr(node_, "params", None)
        one = False
        if fn.name == "__init__" and fn.owner is not None and params is not None and _has_class_cell(node_):
            names = [p.name.value for p in (*params.posonly_params, *params.params)]
            self_ = local.get(names[0]) if names else None
            cls = getattr(self_, "cls", None) if isinstance(self_, (Layer, Instance)) else None
            one = isinstance(cls, Class) and target in cls.mro()
        if not one:
            if found:
                break
            continue
        assert params is not None
        star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
        starstar = params.star_kwarg.name.value if params.star_kwarg is not None else None
        every = [*names, *(p.name.value for p in params.kwonly_params)]
        if star:
            every.append(star)
        if starstar:
            every.append(starstar)
        got: Dict[str, Any] = {}
        for n in every:
            if n not in local:
                return it.unknown(f"save_hyperparameters(): the argument {n!r} of {fn.name} was deleted", node)
            got[n] = local[n]
        if starstar:
            extra = got[starstar]
            if not isinstance(extra, dict):
                return it.unknown("save_hyperparameters(): **kwargs is not a dict here", node)
            got.update(extra)
        for n in (names[0], star, starstar, "__class__", "frame", "frame_args"):
            got.pop(n, None)  # type: ignore[arg-type]
        found.append(got)
    return found


def _has_class_cell(node: Any) -> bool:
    """Whether CPython gives the function a ``__class__`` cell: it names ``super`` or
    ``__class__`` (itself or a function nested in it; a nested class has its own)."""
    import libcst as cst

    stack = [node.body]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name) and n.value in ("super", "__class__"):
            return True
        if isinstance(n, cst.ClassDef):
            continue
        stack.extend(n.children)
    return False
