"""The project: files found from import statements, each parsed at most once per run.

Imports are never executed: ``from .blocks import Block`` resolves ``blocks.py`` on disk
under the importing file's package root and evaluates its top level with the same
bounded interpreter, on first use of the name (lazy, like a deferred import).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Callable, Dict, List, Optional, Tuple

from paramlint.discovery import package_root  # noqa: F401  (re-exported; lives apart for a light start-up)
from paramlint.source import SourceError, SourceFile, load
from paramlint.evaluate.values import Environ
from paramlint.types import Location


class ModuleNS:
    """A project module: its namespace, filled by evaluating its top level once."""

    __slots__ = ("name", "path", "source", "ns", "state", "error", "error_location", "is_package", "parsed", "library")

    def __init__(self, name: str, path: str, source: Optional[SourceFile], is_package: bool = False) -> None:
        self.name = name
        self.path = path
        self.source = source
        self.ns: Dict[str, Any] = {"__name__": name, "__file__": path,
                                   "__package__": name if is_package else name.rpartition(".")[0]}
        #: "new" | "loading" | "loaded"
        self.state = "new"
        self.error: Optional[str] = None
        #: Where reading or parsing the file failed (a syntax error's line), when known.
        self.error_location: Optional[Location] = None
        self.is_package = is_package
        #: False until the file is read and parsed (on first import, not when found).
        self.parsed = source is not None
        #: paramlint's model of a library (``evaluate/library/``), not a file of the project.
        self.library = False

    def __repr__(self) -> str:
        return f"ModuleNS({self.name})"


class LazyImport:
    """A name bound by an import, resolved to its value on first read."""

    __slots__ = ("module", "attr", "where")

    def __init__(self, module: str, attr: Optional[str], where: Any = None) -> None:
        self.module = module
        self.attr = attr
        #: (SourceFile, node) of the import statement: where a failed resolution is reported.
        self.where = where


class Project:
    """Source files by module name; reads each at most once (``reader`` is injectable for tests
    and for reading another git revision, with ``exists`` telling which files that revision has)."""

    def __init__(self, reader: Optional[Callable[[str], bytes]] = None, exists: Optional[Callable[[str], bool]] = None,
                 sources: Optional[Dict[Tuple[str, str], Tuple[bytes, Any]]] = None) -> None:
        self.reader = reader or _read_file
        self.exists = exists or os.path.isfile
        #: Parsed files shared between Projects of one run (see :meth:`load`): projects are
        #: per analyzed file, parse trees are immutable, so each file is parsed once per process.
        self.sources = sources
        self.modules: Dict[str, Optional[ModuleNS]] = {}
        self.by_path: Dict[str, ModuleNS] = {}
        self.roots: List[str] = []
        self._bound: Dict[str, Any] = {}
        #: Mutable objects (of any module) changed under an unknown condition: id -> (obj, why).
        #: Kept here, not per file: modules are evaluated once and shared by every file.
        self.poisoned: Dict[int, Tuple[Any, Any]] = {}
        #: Files whose contents the run depended on (for the cache key).
        self.files_read: Dict[str, bytes] = {}
        #: ``os.environ`` as the analyzed code sees it: empty, so figures are those of a build
        #: with no environment variable set (a clean CI job), never of the shell paramlint runs
        #: in. One dict per project, like one ``os.environ`` per process.
        self.environ: Environ = Environ()
        #: Keras's global configuration as the analyzed code set it (``set_image_data_format``).
        self.keras_config: Dict[str, Any] = {}
        #: Why value-known arrays can no longer be trusted: one was changed in place
        #: (``a.mul_(2)``, ``a[0] = 1``, ``a += 1``), and views and aliases of it are not tracked.
        self.arrays_mutated: Optional[Any] = None
        #: Objects that outlive one entry point's build (module and class namespaces, function
        #: defaults, what they hold): id -> object. See ``evaluate/isolation.py``.
        #: Attributes the analyzed code set on names from outside the project
        #: (``nn.LayerNorm = MyNorm``): qualified name -> value, seen by later lookups.
        self.patched: Dict[str, Any] = {}
        self.shared: Dict[int, Any] = {id(self.environ): self.environ, id(self.patched): self.patched}
        #: True while an entry point is being built; ``dirty`` once a build changed a shared object.
        self.building = False
        self.dirty = False
        #: Module top levels being evaluated (an import reached lazily during a build).
        self.loading = 0
        #: ``id()`` tokens by the Python id of the object (values.ObjectId): one per object
        #: for every interpreter over these modules.
        self.object_ids: Dict[int, Any] = {}
        #: Modules and parameters a module-tree walk handed out (their ``id()`` is known).
        self.anchored: Dict[int, Any] = {}
        #: Keras InputLayers by the Python id of their input tensor: (tensor, layer, name).
        self.keras_input_layers: Dict[int, Any] = {}
        #: Keras layers made so far that can put a mask on a tensor (``Embedding(mask_zero=True)``,
        #: ``Masking``, a class with its own ``compute_mask``...): with none, no tensor has one.
        self.keras_mask_sources = 0
        #: The frameworks the analyzed code imported so far (their dependencies are installed).
        self.frameworks: set = set()

    def add_root(self, root: str) -> None:
        if root not in self.roots:
            self.roots.append(root)

    def module_for_path(self, path: str, data: Optional[bytes] = None) -> ModuleNS:
        """The module for an analyzed file (raises SourceError if it cannot be parsed)."""
        apath = os.path.abspath(path)
        mod = self.by_path.get(apath)
        if mod is not None:
            if not mod.parsed:
                self.ensure_parsed(mod, data)
            if mod.source is None:
                raise SourceError(mod.error or "cannot be analyzed")
            return mod
        root, name = package_root(apath, self.exists)
        self.add_root(root)
        self.add_root(os.path.dirname(apath))
        try:
            if data is None:
                data = self.reader(apath)
            self.files_read[apath] = data
            src = self.load(path, name, data)
        except SourceError as e:
            mod = ModuleNS(name, path, None)
            mod.error = e.message
            self.by_path[apath] = mod
            raise
        mod = ModuleNS(name, path, src, is_package=os.path.basename(apath).startswith("__init__."))
        self.by_path[apath] = mod
        self.modules.setdefault(name, mod)
        return mod

    def find(self, name: str) -> Optional[ModuleNS]:
        """A project module by dotted name, or None when it is not a file of the project."""
        if name in self.modules:
            return self.modules[name]
        found: Optional[ModuleNS] = None
        rel = name.replace(".", os.sep)
        for root in self.roots:
            for cand, is_pkg in ((os.path.join(root, rel + ".py"), False), (os.path.join(root, rel, "__init__.py"), True)):
                if self.exists(cand):
                    apath = os.path.abspath(cand)
                    mod = self.by_path.get(apath)
                    if mod is None:
                        # Found, not parsed: many imports only need to know a module exists.
                        mod = ModuleNS(name, os.path.relpath(cand) if not os.path.isabs(cand) else cand, None, is_pkg)
                        self.by_path[apath] = mod
                    found = mod
                    break
            if found is not None:
                break
        if found is None:
            found = _library_module(name)
        self.modules[name] = found
        return found


    def binds(self, mod: ModuleNS, name: str) -> Optional[bool]:
        """Whether a module's top level binds ``name`` (syntactically: assignments, defs,
        imports, also under ``if``/``try``); None when a star import makes it unknowable.
        ``from pkg import x`` takes pkg's attribute ``x`` before the submodule ``pkg.x``."""
        cached = self._bound.get(mod.name, _UNSCANNED)
        if cached is _UNSCANNED:
            self.ensure_parsed(mod)
            cached = _top_level_names(mod.source.tree) if mod.source is not None else set()
            self._bound[mod.name] = cached
        return None if cached is None else name in cached

    def ensure_parsed(self, mod: ModuleNS, data: Optional[bytes] = None) -> None:
        """Read and parse a found module on first use (its ``source`` or ``error`` is set)."""
        if mod.parsed:
            return
        mod.parsed = True
        apath = os.path.abspath(mod.path)
        try:
            if data is None:
                data = self.reader(apath)
            self.files_read[apath] = data
            mod.source = self.load(mod.path, mod.name, data)
        except SourceError as e:
            mod.error = f"{mod.path}: {e.message}"
            mod.error_location = Location(mod.path, e.line, e.column)
        except OSError as e:
            mod.error = f"{mod.path}: {e.strerror or e}"
            mod.error_location = Location(mod.path, 1, 0)


    def load(self, path: str, name: str, data: bytes) -> SourceFile:
        """Parse ``data`` (raises SourceError), reusing the shared parse of identical bytes."""
        if self.sources is None:
            return load(path, name, data)
        key = (os.path.abspath(path), name)
        hit = self.sources.get(key)
        if hit is None or hit[0] != data:
            try:
                hit = (data, load(path, name, data))
            except SourceError as e:
                hit = (data, e)
            self.sources[key] = hit
        src = hit[1]
        if isinstance(src, SourceError):
            raise src
        if src.path != path:  # the same file reached by another spelling of its path
            src.location(None)  # compute positions once, share them with the copy
            src = replace(src, path=path)
        return src  # type: ignore[no-any-return]


_UNSCANNED = object()


def _library_module(name: str) -> Optional[ModuleNS]:
    """paramlint's model of a library the project does not hold (``evaluate/library/``): read
    from paramlint's own files whatever ``reader`` the project has, and not a dependency of
    the cache key (the key has paramlint's version)."""
    from paramlint.evaluate import library

    path = library.path_for(name)
    if path is None:
        return None
    with open(path, "rb") as f:
        src = load(path, name, f.read())
    mod = ModuleNS(name, path, src, is_package=os.path.basename(path) == "__init__.py")
    mod.library = True
    mod.ns.update(library.hooks(name))
    return mod


def _top_level_names(tree: Any) -> Optional[set]:
    import libcst as cst

    from paramlint.evaluate.havoc import children, effects

    stmts = list(tree.body)
    stack: List[Any] = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(n, cst.ImportFrom) and isinstance(n.names, cst.ImportStar):
            return None
        if isinstance(n, (cst.BaseSuite, cst.BaseStatement, cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Else, cst.ExceptHandler, cst.Finally)):
            stack.extend(children(n))
    names, _, _ = effects(stmts)
    return names


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def resolve_relative(current: str, is_package: bool, level: int, target: Optional[str]) -> Optional[str]:
    """Absolute module name of ``from <level dots><target> import ...`` inside ``current``."""
    parts = current.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base or None
