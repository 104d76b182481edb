"""Keeping one entry point's build from changing what the next one sees.

The framework builds each model in a fresh process: importing the file, then calling one
builder. Here the entry points of a file share one evaluation of its module top level (and of
the modules it imports), which is exact as long as no build changes that shared state. So the
objects that outlive a build -- module and class namespaces, function defaults, and everything
reachable from them -- are recorded when they are created (:func:`share`), every mutation site
reports the object it changes (:func:`touch`), and a build that changed a shared object marks the
project dirty: the engine then evaluates the module afresh for the next entry point. Changes made
by a module's own top level, imported lazily during a build (a registry decorator filling a
dict), are not counted: every process importing the file makes them.
"""

from __future__ import annotations

from typing import Any

from paramlint.evaluate.values import Class, Function, Instance, Layer

_MAX_SHARED = 500_000


def share(project: Any, root: Any) -> None:
    """Record ``root`` and what it reaches as state shared between builds."""
    shared = project.shared
    stack = [root]
    while stack and len(shared) < _MAX_SHARED:
        v = stack.pop()
        if isinstance(v, (list, dict, set)):
            if id(v) in shared:
                continue
            shared[id(v)] = v
            stack.extend(v.values() if isinstance(v, dict) else v)
        elif isinstance(v, tuple):
            stack.extend(v)
        elif isinstance(v, (Instance, Function)):
            if id(v) in shared:
                continue
            shared[id(v)] = v
            stack.append(v.attrs)
            if isinstance(v, Function):
                stack.append(v.defaults)
        elif isinstance(v, Class):
            shared[id(v)] = v
            if v._ns is not None and id(v._ns) not in shared:  # (its body runs on first use)
                stack.append(v._ns)
        elif isinstance(v, Layer):
            if id(v) in shared:
                continue
            shared[id(v)] = v
            stack.extend((v.attrs, v.children))
            for p in (*v.params.values(), *v.buffers.values()):  # requires_grad, .data
                if p is not None:
                    shared[id(p)] = p
        elif type(v).__name__ == "Iterator":  # pulling it changes it
            if id(v) in shared:
                continue
            shared[id(v)] = v
            stack.extend(v.items)
        elif type(v).__name__ == "ModuleNS":
            shared[id(v)] = v
            stack.append(v.ns)


def touch(it: Any, obj: Any) -> None:
    """``obj`` is being changed: if it is shared state and a build is running, the next build
    must start from a fresh evaluation."""
    project = it.project
    if project.building and not project.loading and id(obj) in project.shared and project.shared[id(obj)] is obj:
        project.dirty = True
