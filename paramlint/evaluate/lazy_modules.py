"""Packages that replace themselves with a lazy module (transformers, diffusers)::

    if TYPE_CHECKING:
        from .configuration_bert import *
        from .modeling_bert import BertModel
    else:
        sys.modules[__name__] = _LazyModule(__name__, _file, define_import_structure(_file))

At run time the package is an object that imports ``BertModel`` from ``.modeling_bert`` on
first access; how it finds that out (reading the package's directory) is beyond a static
evaluation, but the ``TYPE_CHECKING`` branch spells out the same mapping for type checkers.
That branch is taken, and its star imports are deferred to the first read of a name the
package lacks (an import on first use, as at run time), so reaching ``transformers.models``
does not evaluate its ~550 model packages. The deferred module answers if it exports the name:
by a literal ``__all__`` or, for a nested lazy package, by its own ``TYPE_CHECKING`` branch; a
module whose exports cannot be read that way is run and its namespace asked, as a star import
would.
"""

from __future__ import annotations

from typing import Any, List, Optional

import libcst as cst

#: Nested lazy packages followed for their exported names.
_MAX_NESTING = 8
#: A lazy package's namespace key: the modules its ``TYPE_CHECKING`` branch star-imports.
STARS = "__paramlint_lazy_stars__"
MISSING = object()


def star_lookup(it: Any, mod: Any, name: str) -> Any:
    """``name`` from the modules ``mod`` star-imports lazily (the last one exporting it, as the
    last star import binds it), bound in ``mod`` on first read; ``MISSING`` if none does."""
    from paramlint.evaluate.project import LazyImport

    for base in reversed(mod.ns.get(STARS, ())):
        names = exported_names(it.project, base)
        if names is None:
            sub = it.import_module(base)
            found = hasattr(sub, "ns") and name in sub.ns and not name.startswith("_")
        else:
            found = name in names
        if found:
            v = mod.ns[name] = it.resolve_lazy(LazyImport(base, name))
            return v
    return MISSING


def is_idiom(node: cst.If) -> bool:
    """``if TYPE_CHECKING: ... else: ... sys.modules[__name__] = ...`` (a top-level ``if``)."""
    test = node.test
    name = test.value if type(test) is cst.Name else test.attr.value if type(test) is cst.Attribute else None
    if name != "TYPE_CHECKING" or type(node.orelse) is not cst.Else:
        return False
    for stmt in node.orelse.body.body:
        for small in stmt.body if type(stmt) is cst.SimpleStatementLine else ():
            if type(small) is cst.Assign and any(_is_own_module_slot(t.target) for t in small.targets):
                return True
    return False


def _is_own_module_slot(target: cst.BaseExpression) -> bool:
    """``sys.modules[__name__]``"""
    if type(target) is not cst.Subscript or len(target.slice) != 1:
        return False
    mod, key = target.value, target.slice[0].slice
    return (type(mod) is cst.Attribute and mod.attr.value == "modules" and type(mod.value) is cst.Name
            and mod.value.value == "sys" and type(key) is cst.Index and type(key.value) is cst.Name
            and key.value.value == "__name__")


def exported_names(project: Any, name: str, depth: int = 0) -> Optional[List[str]]:
    """The names ``from <name> import *`` binds, read from the source without running it;
    None when they cannot be known that way."""
    mod = project.find(name)
    if mod is None or depth > _MAX_NESTING:
        return None
    project.ensure_parsed(mod)
    if mod.source is None:
        return None
    body = mod.source.tree.body
    names = _literal_all(body)
    if names is not None:
        return names
    for stmt in body:
        if type(stmt) is cst.If and is_idiom(stmt):
            return _branch_names(project, mod, stmt.body.body, depth)
    return None


def _literal_all(body: Any) -> Optional[List[str]]:
    """``__all__ = ["A", "B"]``, assigned once at the top level and never changed."""
    found: Optional[List[str]] = None
    for stmt in body:
        if type(stmt) is not cst.SimpleStatementLine:
            if "__all__" in _names_in(stmt):  # set or changed under a condition or in a loop
                return None
            continue
        for small in stmt.body:
            if "__all__" not in _names_in(small):
                continue
            if found is not None or type(small) is not cst.Assign or len(small.targets) != 1:
                return None
            target, value = small.targets[0].target, small.value
            if type(target) is not cst.Name or type(value) not in (cst.List, cst.Tuple):
                return None
            items = []
            for el in value.elements:  # type: ignore[attr-defined]
                if type(el) is not cst.Element or type(el.value) is not cst.SimpleString:
                    return None
                text = el.value.evaluated_value
                if not isinstance(text, str):
                    return None
                items.append(text)
            found = items
    return found


def _names_in(node: cst.CSTNode) -> set:
    """Every identifier a statement mentions (cheap enough: only for the few that name __all__)."""
    out: set = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name:
            out.add(n.value)
        stack.extend(n.children)
    return out


def _branch_names(project: Any, mod: Any, stmts: Any, depth: int) -> Optional[List[str]]:
    from paramlint.evaluate.project import resolve_relative
    from paramlint.evaluate.statements import _dotted  # (statements imports this module)

    names: List[str] = []
    for stmt in stmts:
        if type(stmt) is not cst.SimpleStatementLine:
            return None
        for small in stmt.body:
            if type(small) is not cst.ImportFrom or small.module is None and not small.relative:
                return None
            if not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if alias.asname is not None:
                        names.append(alias.asname.name.value)  # type: ignore[union-attr]
                    elif type(alias.name) is cst.Name:
                        names.append(alias.name.value)
                    else:
                        return None
                continue
            target = _dotted(small.module) if small.module is not None else None
            base = resolve_relative(mod.name, mod.is_package, len(small.relative), target) if small.relative else target
            sub = exported_names(project, base, depth + 1) if base else None
            if sub is None:
                return None
            names.extend(sub)
    return names

