"""Class annotations as Python keeps them: ``cls.__annotations__``, ``inspect.get_annotations``
and ``typing.get_type_hints``. Model code reads them in class hooks (transformers derives a
model's ``config_class`` from its ``config: BertConfig`` annotation in ``__init_subclass__``).

Python evaluates a class body's annotations when the class statement runs, or keeps their
source text under ``from __future__ import annotations``; ``get_type_hints`` evaluates such
text in the defining module. Here they are evaluated from the class body on request, after the
body ran (a name the body rebinds after the annotation is not told apart).
"""

from __future__ import annotations

from typing import Any, Dict, List

import libcst as cst

from paramlint.evaluate.values import Builtin, Class, External, Unknown

#: Bases whose annotations do not reach a subclass's hints (none or only typing machinery).
_NO_HINTS = ("builtins.object", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol")
#: The names a framework base annotates (torch 2.13's ``inspect.get_annotations(nn.Module)``);
#: their values are not modelled, the names are what a subclass's hints hold besides its own.
_FRAMEWORK_HINTS = {
    "torch.nn.Module": (
        "dump_patches", "_version", "training", "_parameters", "_buffers", "_non_persistent_buffers_set",
        "_backward_pre_hooks", "_backward_hooks", "_is_full_backward_hook", "_forward_hooks",
        "_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_forward_pre_hooks",
        "_forward_pre_hooks_with_kwargs", "_state_dict_hooks", "_load_state_dict_pre_hooks",
        "_state_dict_pre_hooks", "_load_state_dict_post_hooks", "_modules", "call_super_init",
        "_compiled_call_impl", "forward", "__call__",
    ),
}
_FUTURE: Dict[int, bool] = {}


def own(it: Any, cls: Class, node: Any) -> Any:
    """``cls.__annotations__``: name -> evaluated annotation (source text under the future
    import), in body order; Unknown when some are set under a condition."""
    from paramlint.evaluate.interpreter import Env

    ns = cls._ns if cls._ns is not None else it.fw.materialize(it, cls)
    body = cls.node.body.body if isinstance(cls.node.body, cst.IndentedBlock) else []
    as_text = _future_annotations(cls.module)
    env = Env(ns, cls.env, cls.module, is_class=True)
    out: Dict[str, Any] = {}
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            if _has_annotation(stmt):
                return it.unknown(f"annotations of {cls.name} set under a condition", node)
            continue
        for small in stmt.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                ann = small.annotation.annotation
                saved = it.module
                it.module = cls.module
                try:
                    out[small.target.value] = cst.Module([]).code_for_node(ann) if as_text else it.eval(ann, env)
                finally:
                    it.module = saved
    return out


def type_hints(it: Any, cls: Class, node: Any) -> Any:
    """``typing.get_type_hints(cls)``: annotations along the MRO, base first, text evaluated in
    the defining module. A framework base's annotations are names with unknown values
    (``nn.Module``'s) or, for a base not listed, make the whole answer unknown."""
    from paramlint.evaluate.interpreter import Env

    hints: Dict[str, Any] = {}
    opaque: List[str] = []
    for base in reversed(cls.mro()):
        if isinstance(base, External):
            q = "torch.nn.Module" if base.qualname == "torch.nn.modules.module.Module" else base.qualname
            if q in _FRAMEWORK_HINTS:
                for k in _FRAMEWORK_HINTS[q]:
                    hints[k] = it.unknown(f"the annotation of {q}.{k} is not modelled", node)
            elif q not in _NO_HINTS:
                opaque.append(q)
            continue
        if not isinstance(base, Class):
            return it.unknown(f"type hints of {cls.name}: a base is not known", node)
        anns = own(it, base, node)
        if isinstance(anns, Unknown):
            return anns
        env = Env(base.module.ns, None, base.module)
        for k, v in anns.items():
            if isinstance(v, str):
                v = _evaluate_text(it, v, env, base, node)
            hints[k] = External("builtins.NoneType") if v is None else v
    if opaque:
        return it.unknown(f"type hints of {cls.name}: the annotations of {opaque[0]} are not modelled", node)
    return hints


def _evaluate_text(it: Any, text: str, env: Any, cls: Class, node: Any) -> Any:
    try:
        expr = cst.parse_expression(text)  # parsing only, as typing evaluates a forward reference
    except Exception:
        return it.unknown(f"annotation {text!r} of {cls.name} does not parse", node)
    saved = it.module
    it.module = cls.module
    try:
        return it.eval(expr, env)
    finally:
        it.module = saved


def _future_annotations(module: Any) -> bool:
    src = module.source
    if src is None:
        return False
    key = id(src.tree)
    hit = _FUTURE.get(key)
    if hit is None:
        hit = False
        for stmt in src.tree.body:
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                if (isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name)
                        and small.module.value == "__future__" and not isinstance(small.names, cst.ImportStar)
                        and any(isinstance(a.name, cst.Name) and a.name.value == "annotations" for a in small.names)):
                    hit = True
        _FUTURE[key] = hit
    return hit


def _has_annotation(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return False
    stack = [stmt]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.AnnAssign):
            return True
        if not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.BaseExpression)):
            stack.extend(n.children)
    return False


def _get_annotations(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    obj = args[0] if args else kwargs.get("obj")
    if isinstance(obj, Class):
        return own(it, obj, node)
    return obj if isinstance(obj, Unknown) else it.unknown("get_annotations() of anything but a class is not modelled", node)


def _get_type_hints(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    obj = args[0] if args else kwargs.get("obj")
    if isinstance(obj, Class) and len(args) <= 1 and not kwargs:
        return type_hints(it, obj, node)
    return obj if isinstance(obj, Unknown) else it.unknown("get_type_hints() of anything but a class is not modelled", node)


def _get_origin(it: Any, args: List[Any], kwargs: Dict[str, Any], node: Any) -> Any:
    """``typing.get_origin``: None for a plain class, ``types.UnionType`` for ``X | Y``."""
    from paramlint.evaluate.classcheck import is_type_like
    from paramlint.evaluate.values import GenericAlias, TypeUnion

    tp = args[0] if len(args) == 1 and not kwargs else None
    if isinstance(tp, TypeUnion):
        return External("types.UnionType")
    if isinstance(tp, GenericAlias):
        return tp.origin
    if tp is None or isinstance(tp, (Class, Builtin)) and is_type_like(tp) or isinstance(tp, External) and "[" not in tp.qualname:
        return None if tp is not None or args else it.unknown("get_origin() arity", node)
    return tp if isinstance(tp, Unknown) else it.unknown(f"get_origin() of a {type(tp).__name__}", node)


STDLIB: Dict[str, Any] = {
    "typing.get_origin": Builtin("get_origin", _get_origin),
    "inspect.get_annotations": Builtin("get_annotations", _get_annotations),
    "typing.get_type_hints": Builtin("get_type_hints", _get_type_hints),
    "typing_extensions.get_type_hints": Builtin("get_type_hints", _get_type_hints),
}
