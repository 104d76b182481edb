"""Python's builtin exception hierarchy as data, and which ``except`` clause catches what.

A raised exception is known by its builtin class name (``Raised.exc``) or, for a project
exception class, by that class (``Raised.cls``, whose MRO ends in builtin exceptions). A
handler runs only when the match is certain either way: ``except MyError`` after
``raise KeyError`` is certainly not taken, ``except LookupError`` after ``raise MyError`` with
``class MyError(KeyError)`` certainly is; a class whose bases cannot be seen leaves it unknown.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

#: Every builtin exception class -> its bases (CPython 3.13; names of newer versions included,
#: since the analyzed code's Python is not ours).
BASES: Dict[str, Tuple[str, ...]] = {
    "BaseException": (),
    "BaseExceptionGroup": ("BaseException",), "GeneratorExit": ("BaseException",),
    "KeyboardInterrupt": ("BaseException",), "SystemExit": ("BaseException",),
    "Exception": ("BaseException",),
    "ArithmeticError": ("Exception",), "AssertionError": ("Exception",), "AttributeError": ("Exception",),
    "BufferError": ("Exception",), "EOFError": ("Exception",), "ImportError": ("Exception",),
    "LookupError": ("Exception",), "MemoryError": ("Exception",), "NameError": ("Exception",),
    "OSError": ("Exception",), "ReferenceError": ("Exception",), "RuntimeError": ("Exception",),
    "StopAsyncIteration": ("Exception",), "StopIteration": ("Exception",), "SyntaxError": ("Exception",),
    "SystemError": ("Exception",), "TypeError": ("Exception",), "ValueError": ("Exception",),
    "Warning": ("Exception",),
    "ExceptionGroup": ("BaseExceptionGroup", "Exception"),
    "FloatingPointError": ("ArithmeticError",), "OverflowError": ("ArithmeticError",),
    "ZeroDivisionError": ("ArithmeticError",),
    "ModuleNotFoundError": ("ImportError",),
    "IndexError": ("LookupError",), "KeyError": ("LookupError",),
    "UnboundLocalError": ("NameError",),
    "BlockingIOError": ("OSError",), "ChildProcessError": ("OSError",), "ConnectionError": ("OSError",),
    "FileExistsError": ("OSError",), "FileNotFoundError": ("OSError",), "InterruptedError": ("OSError",),
    "IsADirectoryError": ("OSError",), "NotADirectoryError": ("OSError",), "PermissionError": ("OSError",),
    "ProcessLookupError": ("OSError",), "TimeoutError": ("OSError",),
    "BrokenPipeError": ("ConnectionError",), "ConnectionAbortedError": ("ConnectionError",),
    "ConnectionRefusedError": ("ConnectionError",), "ConnectionResetError": ("ConnectionError",),
    "NotImplementedError": ("RuntimeError",), "PythonFinalizationError": ("RuntimeError",),
    "RecursionError": ("RuntimeError",),
    "IndentationError": ("SyntaxError",), "TabError": ("IndentationError",),
    "UnicodeError": ("ValueError",),
    "UnicodeDecodeError": ("UnicodeError",), "UnicodeEncodeError": ("UnicodeError",),
    "UnicodeTranslateError": ("UnicodeError",),
    "BytesWarning": ("Warning",), "DeprecationWarning": ("Warning",), "EncodingWarning": ("Warning",),
    "FutureWarning": ("Warning",), "ImportWarning": ("Warning",), "PendingDeprecationWarning": ("Warning",),
    "ResourceWarning": ("Warning",), "RuntimeWarning": ("Warning",), "SyntaxWarning": ("Warning",),
    "UnicodeWarning": ("Warning",), "UserWarning": ("Warning",),
}

#: Other names of the same class (``IOError is OSError``).
ALIASES = {"IOError": "OSError", "EnvironmentError": "OSError"}


def is_builtin_exception(name: str) -> bool:
    return name in BASES


def builtin_is(name: str, target: str) -> bool:
    """``issubclass(<builtin name>, <builtin target>)``."""
    if name == target:
        return True
    return any(builtin_is(b, target) for b in BASES.get(name, ()))


def class_is(it: Any, cls: Any, target: str) -> Any:
    """``issubclass(<project exception class>, <builtin target>)``: through the builtin
    exceptions among its bases; Unknown past a base that is neither."""
    from paramlint.evaluate.values import Builtin, Class

    unknown = None
    for b in cls.mro():
        if isinstance(b, Builtin) and b.name in BASES:
            if builtin_is(b.name, target):
                return True
        elif not isinstance(b, Class):
            if unknown is None:
                unknown = it.unknown("an exception class with a base that is not modelled", None)
    return unknown if unknown is not None else False


def catches(it: Any, target: Any, exc: Optional[str], cls: Any) -> Any:
    """Whether ``except <target>`` (one class, not a tuple) catches an exception known by its
    builtin name ``exc`` or project class ``cls``: True/False, or None when it cannot be known."""
    from paramlint.evaluate.values import Builtin, Class, External, Unknown

    name = target.name if isinstance(target, Builtin) else None
    if isinstance(target, External) and target.qualname.startswith("builtins."):
        name = ALIASES.get(target.qualname[9:], target.qualname[9:])
    if name is not None and name in BASES:
        if cls is not None:
            r = class_is(it, cls, name)
            return None if isinstance(r, Unknown) else r
        if exc in BASES:
            return builtin_is(exc, name)
        return None
    if isinstance(target, Class):
        if cls is not None:
            return target in cls.mro()
        if exc in BASES:
            return False  # a builtin exception is never an instance of a project class
        return None
    return None  # a library's exception class, or not a class at all


def raised_is(it: Any, r: Any, target: str) -> Any:
    """Whether the exception a ``Raised`` carries is a ``target`` (a builtin exception name):
    True/False, or None when it cannot be known (``getattr(obj, n, default)`` takes the default
    for an AttributeError only)."""
    from paramlint.evaluate.values import Unknown

    if r.value is not None and getattr(r.value, "cls", None) is not None:
        m = class_is(it, r.value.cls, target)
        return None if isinstance(m, Unknown) else m
    if r.exc in BASES:
        return builtin_is(r.exc, target)
    return None
