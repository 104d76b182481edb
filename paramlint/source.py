"""Reading, decoding and parsing one file, and mapping CST nodes back to positions.

Positions are computed by one code-generation pass that records the start offset of every
node (about a third of the cost of LibCST's ``PositionProvider``, which builds a
``CodeRange`` per node and tracks line/column per token).
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
from dataclasses import dataclass
from typing import Dict, List, Optional, Union

import libcst as cst
from libcst._nodes.internal import CodegenState

from paramlint.types import Location

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceError(Exception):
    """A file that cannot be analyzed; carries a user-facing message and position."""

    def __init__(self, message: str, line: int = 1, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


from paramlint.discovery import MAX_FILE_BYTES  # noqa: E402  (a light module: the dependents scan uses it too)


def check_readable(path: str) -> None:
    """Refuse, without opening it, what must not be read: a FIFO or device (reading blocks
    or never ends), a directory, a huge file. OSError (missing, loop, permission) passes up."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise SourceError("is a directory, not a Python file")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError("not a regular file (a FIFO, socket or device is never read)")
    if st.st_size > MAX_FILE_BYTES:
        raise SourceError(f"file too large to analyze ({st.st_size:,} bytes, limit {MAX_FILE_BYTES:,})")


def decode(data: bytes) -> str:
    """Decode source bytes as Python does: BOM, then a PEP 263 cookie, else UTF-8."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    else:
        for raw in data.split(b"\n", 2)[:2]:
            m = _COOKIE.match(raw)
            if m:
                encoding = m.group(1).decode("ascii", "replace")
                break
            if raw.strip() and not raw.lstrip().startswith(b"#"):
                break
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"unknown source encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        # (rot13, hex, zlib: codecs, not text encodings; Python: "encoding problem")
        raise SourceError(f"encoding problem: {encoding!r} is not a text encoding")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1)
        raise SourceError(
            f"cannot decode as {encoding}: byte 0x{data[e.start]:02x} at offset {e.start}",
            line,
            col,
        ) from None


def parse(text: str) -> cst.Module:
    """Parse with LibCST after the crash guard; raise SourceError on any failure."""
    if "\x00" in text:
        raise SourceError("source contains a NUL byte", text.count("\n", 0, text.index("\x00")) + 1)
    from paramlint.guard import prescan

    risk = prescan(text)
    if risk is not None:
        raise SourceError(f"not parsed: {risk}")
    try:
        return _parse_unvalidated(text)
    except cst.ParserSyntaxError as e:
        raise _syntax_error(text, e) from None
    except RecursionError:
        raise SourceError("not parsed: nesting too deep for the parser") from None
    except Exception as e:  # the native parser reports some failures as other types
        raise SourceError(f"not parsed: {type(e).__name__}: {e}") from None


def _parse_unvalidated(text: str) -> cst.Module:
    """``parse_module`` without LibCST's per-node validation. Every node's ``__post_init__``
    re-checks its own fields (meant for trees built by hand; LibCST's comment there says so);
    a tree made by the parser is valid by construction, and the checks are a sixth of the
    parse (torchvision's models/: 1.57 s -> 1.30 s of CPU). Only the base class's hook is
    swapped, for the duration of the call; a node class with its own hook keeps it."""
    base = cst.CSTNode
    saved = base.__dict__.get("__post_init__")
    if saved is None:
        return cst.parse_module(text)
    base.__post_init__ = _not_validated  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        base.__post_init__ = saved  # type: ignore[method-assign]


def _not_validated(self: cst.CSTNode) -> None:
    return None


def _syntax_error(text: str, e: cst.ParserSyntaxError) -> SourceError:
    """LibCST's native parser often points past the real error; CPython's parser (only
    parsing, never compiling or running) usually names the cause and place, so prefer it."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():  # its SyntaxWarnings are about the user's code, not ours
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as py:
        if py.lineno and not (py.lineno < e.raw_line and _newer_than_host(text, py.lineno)):
            return SourceError(f"syntax error: {py.msg}", py.lineno, max((py.offset or 1) - 1, 0))
    except (ValueError, RecursionError, MemoryError):
        pass
    return SourceError(f"syntax error: {e.message}", e.raw_line, e.raw_column)


#: Statements LibCST parses but an older running Python does not (the version that added them).
_NEWER_SYNTAX = (
    ((3, 10), re.compile(r"(match|case)\b(?!\s*[=.,)\]:])")),
    ((3, 11), re.compile(r"except\s*\*")),
    ((3, 12), re.compile(r"type\s+\w+\s*[\[=]|(async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[")),
)


def _newer_than_host(text: str, lineno: int) -> bool:
    """Whether line ``lineno`` starts a statement newer than the running Python: there CPython's
    complaint is about valid code (LibCST parsed past it), so its position must not be reported."""
    import sys

    lines = text.splitlines()
    line = lines[lineno - 1].lstrip() if 0 < lineno <= len(lines) else ""
    return any(sys.version_info < v and pat.match(line) for v, pat in _NEWER_SYNTAX)


class _StartRecorder(CodegenState):
    """Code generation that records each node's syntactic start offset."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        #: id(node) -> offset: the tree outlives this table (it is kept by the SourceFile), and
        #: an int key skips LibCST's Python-level ``__hash__`` on every node.
        self.starts: Dict[int, int] = {}

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for tok in self.indent_tokens:
            self.add_token(tok)

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self.offset -= len(self.tokens.pop())

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> "_Mark":
        return _Mark(self, node, start_node)


class _Mark:
    """The context of one node's code generation: a slotted object, not a ``@contextmanager``
    generator (which cost as much as the code generation itself, one per node)."""

    __slots__ = ("rec", "node", "start_node", "start")

    def __init__(self, rec: _StartRecorder, node: cst.CSTNode, start_node: Optional[cst.CSTNode]) -> None:
        self.rec = rec
        self.node = node
        self.start_node = start_node

    def __enter__(self) -> None:
        self.start = self.rec.offset

    def __exit__(self, *exc: object) -> None:
        starts = self.rec.starts
        starts[id(self.node)] = starts[id(self.start_node)] if self.start_node is not None else self.start


@dataclass
class SourceFile:
    """A parsed file: its path (as given), module name, text and CST, with lazy positions."""

    path: str
    module_name: str
    text: str
    tree: cst.Module
    _starts: Optional[Dict[int, int]] = None
    _line_starts: Optional[List[int]] = None

    def location(self, node: Optional[cst.CSTNode]) -> Location:
        """Where ``node`` starts; the first position for nodes code generation skips."""
        if self._starts is None:
            rec = _StartRecorder(self.tree)
            self.tree._codegen(rec)
            self._starts = _realign(self.text, "".join(rec.tokens), rec.starts)
            starts = [0]
            starts.extend(m.end() for m in re.finditer(r"\r\n|\r|\n", self.text))
            self._line_starts = starts
        assert self._line_starts is not None
        offset = self._starts.get(id(node), 0) if node is not None else 0
        line = bisect.bisect_right(self._line_starts, offset)
        return Location(self.path, line, offset - self._line_starts[line - 1])


def _realign(text: str, generated: str, starts: Dict[int, int]) -> Dict[int, int]:
    """Offsets in the original text. LibCST's code generation does not always reproduce the
    source: it drops a form feed before the first statement and a final lone ``\r``. One
    dropped span is mapped back; anything else is left as generated."""
    if len(generated) >= len(text) or text.startswith(generated):
        return starts
    gap = len(text) - len(generated)
    if text.endswith(generated):
        return {node: o + gap for node, o in starts.items()}
    p = 0
    n = min(len(generated), len(text))
    while p < n and generated[p] == text[p]:  # short in practice: the gap is near the start or end
        p += 1
    if text[p + gap:] != generated[p:]:
        return starts
    return {node: (o if o < p else o + gap) for node, o in starts.items()}


def load(path: str, module_name: str, data: Union[bytes, str]) -> SourceFile:
    """Decode and parse ``data``; raise SourceError with a position on failure."""
    text = decode(data) if isinstance(data, bytes) else data
    return SourceFile(path, module_name, text, parse(text))
