"""Refuse, before parsing, the sources that would crash or hang LibCST's native parser.

Why this exists
---------------
``libcst.parse_module`` runs a recursive-descent (PEG) parser written in Rust.  On
deeply nested input it does not raise: it overflows the C stack and the whole
process dies with SIGSEGV -- no ``except`` clause, no pytest report, no pre-commit
message.  Well before that it becomes super-linear: the time (and memory) grows
roughly with the cube of the nesting depth and the square of an operator chain.
Measured on this project's machine (2 cores, Python 3.11, 8 MB main-thread stack,
libcst 1.9.0 from PyPI and 1.0.1; ``parse_module`` in the main thread, which is
where pre-commit and our CLI call it):

=====================================  ==================  =====================
input                                  parse time          native crash (SIGSEGV)
=====================================  ==================  =====================
``((((1))))`` nested parentheses       100: 0.05 s         ~1 250 levels
``[[[[]]]]`` / ``{1:{1:..}}``          100: 0.2-0.35 s,    ~1 250 / ~1 330
                                       400: 3.6 s / 7 s
``f(f(f(1)))`` / ``a[a[a[1]]]``        100: 0.5-0.6 s,     ~1 400 / ~1 450
                                       300: 7 s
unclosed ``((((((1`` at end of file    --                  crashes like closed
``1+1+...+1`` (one statement)          1 000: 0.2 s,       no crash before the
                                       4 000: 4.3 s,       hang
                                       10 000: > 2 min
``a.b.c...`` / ``a[1][1]...``          1 000: 0.3 / 1.2 s  ~10 000 (attr)
                                       4 000: 5 / 58 s
``not not ... x`` / ``- - ... x``      crash near 1e4      see notes
``lambda: lambda: ...``                crash near 1e4      see notes
indentation (nested ``if``)            99 levels fine      never: 100 levels
                                                           is a ParserSyntaxError
``if/elif`` chain                      5 000: 1.1 s        ~20 000 elifs
flat statements                        50 kB 1.2 s, 400 kB never (but ~1.3 kB of
                                       17 s (~linear)      RSS per source byte)
=====================================  ==================  =====================

(The full tables, including libcst 1.0.1 and a 512 MB-stack thread, are in the
project notes; the thresholds move by at most a few percent between versions.)

Python's own parser refuses 200 nested brackets and 100 indentation levels, so
real code is far below these numbers: the limits below keep a margin of more than
10x to the crash and keep the worst accepted construct to about a second.  Files
over MAX_CHARS are refused outright (time and memory, not a crash).

What is measured
----------------
Comments, string literals and backslash continuations are blanked out first (one
regular-expression pass; the code inside f-/t-string replacement fields is kept,
PEP 701 nested quotes of one level included).  Then innermost bracket groups are
peeled off one level per pass (``re.subn``), which yields the nesting depth;
before a group is collapsed, every comma-separated piece of it that is long
enough to matter has its chain tokens counted (binary/unary operators, ``.``,
calls and subscripts -- a collapsed group is one token --, adjacent strings,
``and``/``or``/``not``/``if``/``else``/``lambda``/``await``/``for``/``in``...).
The same count runs on every top-level logical line at the end.  ``elif``
chains are counted only when the file has many ``elif`` at all.

Everything is counted conservatively (``**`` counts as two operators, brackets
inside an f-string's literal text count), so errors go towards rejecting.  Cost:
a handful of regex passes, linear in the size of the file (see the notes for ms
per MB); typically a few percent of ``parse_module`` itself.
"""

from __future__ import annotations

import re
from typing import Dict, Optional

__all__ = ["prescan", "MAX_DEPTH", "MAX_CHAIN", "MAX_ELIF", "MAX_CHARS", "MAX_TOKENS"]

#: deepest accepted bracket nesting (crash at ~1 250; Python itself stops at 200)
MAX_DEPTH = 100
#: most chain tokens accepted in one comma-separated piece of an expression
MAX_CHAIN = 500
#: most ``elif`` branches accepted in one ``if`` statement (crash at ~20 000)
MAX_ELIF = 500
#: largest accepted source, in characters: parsing is about linear but slow and
#: memory-hungry (400 kB of flat statements: 17 s, 520 MB RSS; 10 MB would need
#: minutes and ~13 GB), so huge files are refused rather than left to hang
MAX_CHARS = 1_000_000
#: most tokens accepted (strings and comments count as one): LibCST needs about 10 µs and 10 kB
#: per token (a 250 kB real file, transformers' modeling_utils.py, has 48k tokens and parses in
#: 0.25 s; a 1 MB list literal of 500k items took 16 s and 2 GB), so this keeps the worst
#: accepted file to a few seconds, five times the largest real model file we know
MAX_TOKENS = 250_000

_STR = "\x02"  # an erased string literal / comment: one atom, counts as a chain token
_GRP = "\x01"  # a bracket group already measured and collapsed: one chain token

# ---------------------------------------------------------------- stage 1
# String bodies end at the closing quote or, unterminated, at end of line / file, so
# every quote is consumed once and the pass stays linear.  No branch can fail after
# its opening quote, which keeps the regex engine from backtracking.
_SQ = r"'[^'\\\n]*(?:\\[\s\S]?[^'\\\n]*)*(?:'|$)"
_DQ = r'"[^"\\\n]*(?:\\[\s\S]?[^"\\\n]*)*(?:"|$)'
_TSQ = r"'''[^'\\]*(?:(?:\\[\s\S]?|'(?!''))[^'\\]*)*(?:'''|\Z)"
_TDQ = r'"""[^"\\]*(?:(?:\\[\s\S]?|"(?!""))[^"\\]*)*(?:"""|\Z)'
_PLAIN = "(?:" + "|".join((_TSQ, _TDQ, _SQ, _DQ)) + ")"


def _fstring_body(quote: str) -> str:
    multiline = len(quote) == 3
    nl = "" if multiline else r"\n"
    q0 = re.escape(quote[0])
    field = r"\{(?:[^{}'\"\\%s]|%s|\{[^{}%s]*\})*\}" % (nl, _PLAIN, nl)
    if multiline:
        lit = r"[^{}\\%s]|%s(?!%s)" % (q0, q0, re.escape(quote[1:]))
        end = r"(?:%s|\Z)" % re.escape(quote)
    else:
        lit = r"[^{}\\%s\n]" % q0
        end = r"(?:%s|$)" % q0
    return r"%s(?:%s|\\[\s\S]?|\{\{|\}\}|%s|[{}])*%s" % (re.escape(quote), lit, field, end)


# An f-/t-string is recognised by the letter before its quote (a name ending in f
# before a string, which is a syntax error anyway, only makes us keep more text).
_FSTRING = r"(?:(?<=[fFtT])|(?<=[fFtT][rR]))(?P<fb>%s)" % "|".join(
    _fstring_body(q) for q in ("'''", '"""', "'", '"')
)
_STRIP_RE = re.compile(
    r"(?=[#'\"\\])(?:\#[^\n]*|%s|%s|\\\n)" % (_FSTRING, _PLAIN), re.MULTILINE
)

# ---------------------------------------------------------------- stage 2
_TOKEN_RE = re.compile(r"\w+|[^\s\w]")
_GROUP_RE = re.compile(r"[(\[{][^()\[\]{}]*[)\]}]")
_LONG_GROUP_RE = re.compile(r"[(\[{][^()\[\]{}]{%d,}[)\]}]" % MAX_CHAIN)
_LONG_PIECE_RE = re.compile(r"[^,;]{%d,}" % MAX_CHAIN)
_OPEN_RE = re.compile(r"[(\[{]")
_OPEN_OR_CLOSE_RE = re.compile(r"[()\[\]{}]")
_CHAIN_TOKEN_RE = re.compile(
    r"[-+*/%@&|^~<>=!.\x01\x02]"
    r"|\b(?:and|or|not|if|else|lambda|await|for|in|is|yield|from)\b"
)
_LINE_RE = re.compile(r"^([ \t]*)(elif\b)?", re.MULTILINE)


def _longest_chain(text: str) -> int:
    """Chain tokens in the worst comma-separated piece of ``text`` (only pieces at
    least MAX_CHAIN characters long can exceed the limit, so only those are counted)."""
    worst = 0
    for piece in _LONG_PIECE_RE.findall(text):
        worst = max(worst, len(_CHAIN_TOKEN_RE.findall(piece)))
    return worst


def prescan(source: str) -> Optional[str]:
    """Return why ``source`` might crash or hang LibCST's native parser, else None.

    Pure and linear-time.  Accepts everything a human writes: bracket nesting up
    to MAX_DEPTH, expression chains up to MAX_CHAIN tokens, files up to MAX_CHARS
    characters and MAX_TOKENS tokens.
    """
    if len(source) > MAX_CHARS:
        return f"file too large to parse quickly ({len(source)} characters, limit {MAX_CHARS})"
    if "\r" in source:  # "\r" alone is a newline to the parser
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    text = _STRIP_RE.sub(lambda m: _STR + (m.group("fb") or ""), source)
    if len(text) > MAX_TOKENS:  # (fewer characters than that: fewer tokens too)
        tokens = len(_TOKEN_RE.findall(text))
        if tokens > MAX_TOKENS:
            return f"file too large to parse quickly (about {tokens:,} tokens, limit {MAX_TOKENS:,})"

    depth = 0
    head, tail = [], []  # top-level text set aside so that later passes skip it
    while True:
        for group in _LONG_GROUP_RE.findall(text):
            n = _longest_chain(group)
            if n > MAX_CHAIN:
                return f"an expression chain of about {n} operators/trailers (limit {MAX_CHAIN})"
        text, peeled = _GROUP_RE.subn(_GRP, text)
        if not peeled:
            break
        depth += 1
        if depth > MAX_DEPTH:
            return f"brackets nested more than {MAX_DEPTH} deep"
        # Text before the first and after the last remaining bracket is top level:
        # park it, so a deep nest costs passes over itself, not over the whole file.
        first = _OPEN_OR_CLOSE_RE.search(text)
        if first is None:
            break
        last = max(text.rfind(c) for c in "()[]{}")
        head.append(text[: first.start()])
        tail.append(text[last + 1 :])
        text = text[first.start() : last + 1]
    text = "".join(head) + text + "".join(reversed(tail))
    unclosed = len(_OPEN_RE.findall(text))
    if depth + unclosed > MAX_DEPTH:
        return (
            f"brackets nested {depth} deep with {unclosed} never closed "
            f"(limit {MAX_DEPTH} in all)"
        )

    # all groups are collapsed: what is left is top-level code, one statement a line
    for line in text.split("\n"):
        if len(line) >= MAX_CHAIN:
            n = _longest_chain(line)
            if n > MAX_CHAIN:
                return f"an expression chain of about {n} operators/trailers (limit {MAX_CHAIN})"

    if text.count("elif") > MAX_ELIF:
        open_chains: Dict[str, int] = {}
        for m in _LINE_RE.finditer(text):
            indent, elif_kw = m.groups()
            if elif_kw:
                count = open_chains.get(indent, 0) + 1
                if count > MAX_ELIF:
                    return f"an if statement with more than {MAX_ELIF} elif branches"
                open_chains[indent] = count
            elif m.end() < len(text) and text[m.end()] not in "\n\x02":  # blank/comment
                open_chains.pop(indent, None)
    return None
