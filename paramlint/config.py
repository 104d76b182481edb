"""Configuration: ``[tool.paramlint]`` in pyproject.toml or a standalone paramlint.toml.

Found like ruff finds its own: walking up from each checked file to the nearest
``paramlint.toml`` / ``.paramlint.toml`` or ``pyproject.toml`` that has a ``[tool.paramlint]``
table (a pyproject without one is passed over). Every value is validated up front so a typo
fails loudly (file, key, line, a close-match suggestion) instead of silently checking nothing.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from paramlint.types import SLOTS, Shape

if TYPE_CHECKING:
    from paramlint.growth import Growth

CONFIG_NAMES = ("paramlint.toml", ".paramlint.toml", "pyproject.toml")
UNKNOWN_MODES = ("ignore", "warn", "error")
BUDGET_KEYS = ("max-params", "max-layer-params", "max-activation-size", "max-activation-memory", "max-macs")
#: Keys that may appear at the top level, in ``[[overrides]]`` and in ``[models."path::Name"]``.
SETTING_KEYS = BUDGET_KEYS + ("max-params-growth", "unknown", "input-shape", "activation-dtype")
TOP_KEYS = SETTING_KEYS + ("include", "exclude", "models", "overrides")
OVERRIDE_KEYS = ("path",) + SETTING_KEYS

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9, "t": 10**12}
_BUDGET_RE = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9_]+)?)\s*([kKmMgGbBtT]?)\s*$")


class ConfigError(Exception):
    """A configuration problem, with where it is. Raised by the loader, reported by the CLI."""

    def __init__(self, path: str, line: Optional[int], key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True, **SLOTS)
class Settings:
    """What applies to one model: budgets (None = no budget) and how to treat unknowns."""

    max_params: Optional[int] = None
    max_layer_params: Optional[int] = None
    max_activation_size: Optional[int] = None
    #: Per model: bytes to hold every layer output of one forward pass, at ``activation_dtype``.
    max_activation_memory: Optional[int] = None
    #: Per model: multiply-accumulates of one forward pass.
    max_macs: Optional[int] = None
    #: Element type for activation memory (``float32``, ``bfloat16``, ...).
    activation_dtype: str = "float32"
    #: ``paramlint diff``: largest allowed growth of a model's total, ``"10%"`` or ``"2M"``.
    max_params_growth: Optional["Growth"] = None
    #: ``ignore`` | ``warn`` | ``error``: what an analysis problem (PRM902-904) does.
    unknown: str = "warn"
    #: Input shapes for models that have none of their own.
    input_shapes: Optional[Tuple[Shape, ...]] = None

    def merged(self, values: Mapping[str, Any]) -> "Settings":
        """These settings with validated ``values`` (kebab-case keys) laid over them."""
        upd = {k.replace("-", "_"): v for k, v in values.items() if k in SETTING_KEYS and k != "input-shape"}
        if "input-shape" in values:
            upd["input_shapes"] = values["input-shape"]
        return replace(self, **upd)


@dataclass(frozen=True, **SLOTS)
class Override:
    """One ``[[tool.paramlint.overrides]]`` entry: settings for files matching ``paths``."""

    paths: Tuple[str, ...]
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    """A loaded configuration; ``root`` is the directory paths in it are relative to."""

    #: The file it came from (None: defaults, no file found).
    path: Optional[str]
    root: str
    base: Settings = field(default_factory=Settings)
    include: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    overrides: Tuple[Override, ...] = ()
    #: ``"path::Name"`` (path relative to ``root``) or ``"Name"`` → validated values.
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The line of each ``models`` table in the configuration file.
    model_lines: Mapping[str, int] = field(default_factory=dict)

    def rel(self, path: str) -> str:
        """``path`` relative to ``root``, with forward slashes."""
        r = os.path.relpath(os.path.abspath(path), self.root)
        return r.replace(os.sep, "/")

    def selects(self, path: str) -> bool:
        """Whether ``include``/``exclude`` let ``path`` be checked."""
        rel = self.rel(path)
        if self.include and not any(glob_match(p, rel) for p in self.include):
            return False
        return not any(glob_match(p, rel) for p in self.exclude)

    def for_file(self, path: str) -> Settings:
        rel = self.rel(path)
        s = self.base
        for o in self.overrides:
            if any(glob_match(p, rel) for p in o.paths):
                s = s.merged(o.values)
        return s

    def for_model(self, path: str, name: str) -> Settings:
        s = self.for_file(path)
        for key in (name, f"{self.rel(path)}::{name}"):
            if key in self.models:
                s = s.merged(self.models[key])
        return s

    def engine_inputs(self, path: str, shapes: Optional[Tuple[Shape, ...]] = None) -> Dict[str, Any]:
        """The engine options (``Options(**...)``) for the input shapes of ``path``'s models, as
        check, diff, summary and explain all use them: each model's own table, then ``shapes``
        (the command line), then the configuration's for the file. Empty ones are left out."""
        out: Dict[str, Any] = {}
        given = shapes or self.for_file(path).input_shapes
        if given:
            out["input_shapes"] = given
        models = self.model_input_shapes(path)
        if models:
            out["model_inputs"] = models
        return out

    def model_input_shapes(self, path: str) -> Dict[str, Tuple[Shape, ...]]:
        """Configured input shapes of the models in ``path``, by model name (for the engine)."""
        rel = self.rel(path)
        out: Dict[str, Tuple[Shape, ...]] = {}
        for key, values in self.models.items():
            file, sep, name = key.rpartition("::")
            if "input-shape" in values and (not sep or file == rel):
                out[name] = values["input-shape"]
        return out


# ---- globs ---------------------------------------------------------------------------


def _glob_regex(pattern: str) -> "re.Pattern[str]":
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def glob_match(pattern: str, rel: str) -> bool:
    """gitignore-like matching of a ``/``-separated relative path: ``**`` spans directories, a
    pattern matches a file or any directory above it, and a pattern without ``/`` matches at any
    depth (``exclude = ["experiments"]`` excludes every ``experiments/`` directory)."""
    pat = pattern.strip()
    pat = (pat[2:] if pat.startswith("./") else pat).rstrip("/")
    if "/" not in pat:
        pat = "**/" + pat
    rx = _glob_regex(pat)
    parts = rel.split("/")
    return any(rx.fullmatch("/".join(parts[:n])) for n in range(len(parts), 0, -1))


# ---- values --------------------------------------------------------------------------


def _close(word: str, choices: Sequence[str], n: int = 1, cutoff: float = 0.6) -> List[str]:
    """Close matches for a suggestion (difflib is imported only when something is wrong)."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def parse_budget(value: Any) -> int:
    """An int, or a string like ``"25M"``, ``"1.5k"``, ``"25_000_000"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number or a string like \"25M\", got {value!r}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        n = int(value)
    elif isinstance(value, str):
        s = value.strip()
        neg = s.startswith("-")
        m = _BUDGET_RE.match(s[1:] if neg else s)
        if m is None:
            raise ValueError(f"cannot read {value!r} as a count (use e.g. 25000000, \"25M\", \"1.5k\")")
        # Exact decimal arithmetic on ints ("1.5k" = 15 · 1000 / 10): no float rounding.
        whole, _, frac = m.group(1).replace("_", "").replace(",", "").partition(".")
        scaled = int(whole + frac) * _SUFFIX[m.group(2).lower()]
        d, rem = divmod(scaled, 10 ** len(frac))
        if rem:
            raise ValueError(f"{value!r} is not a whole number of parameters")
        n = -d if neg else d
    else:
        raise ValueError(f"expected a number or a string like \"25M\", got {type(value).__name__}")
    if n < 0:
        raise ValueError(f"a budget cannot be negative ({value!r})")
    return n


def parse_input_shape(value: Any) -> Tuple[Shape, ...]:
    """``[1, 3, 32, 32]``, ``[[1, 3, 32, 32], [1, 10]]`` or ``"1,3,32,32"``; ValueError otherwise."""
    if isinstance(value, str):
        from paramlint.entrypoints import parse_shapes

        shapes = parse_shapes(value)
        if shapes is None:
            raise ValueError(f"cannot read {value!r} as a shape (expected e.g. [1, 3, 32, 32])")
        return shapes
    if isinstance(value, list) and value:
        rows = value if all(isinstance(v, list) for v in value) else [value]
        out = []
        for row in rows:
            if not row or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in row):
                raise ValueError(f"expected positive integers, e.g. [1, 3, 32, 32], got {value!r}")
            out.append(tuple(row))
        return tuple(out)
    raise ValueError(f"expected a list of positive integers, e.g. [1, 3, 32, 32], got {value!r}")


# ---- loading -------------------------------------------------------------------------


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # type: ignore[import-not-found]

    return tomli


def _read(path: str) -> Tuple[str, Dict[str, Any]]:
    toml = _toml()
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
    except OSError as e:
        raise ConfigError(path, None, "", f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "", "not valid UTF-8") from None
    try:
        return text, toml.loads(text)
    except toml.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else getattr(e, "lineno", None)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        raise ConfigError(path, line, "", f"invalid TOML: {msg}") from None


def _table(doc: Mapping[str, Any], path: str) -> Optional[Mapping[str, Any]]:
    if os.path.basename(path) == "pyproject.toml":
        tool = doc.get("tool")
        return tool.get("paramlint") if isinstance(tool, dict) else None
    return doc


def load(path: str) -> Config:
    """Load and validate one configuration file (raises :class:`ConfigError`)."""
    text, doc = _read(path)
    table = _table(doc, path)
    prefix = ("tool", "paramlint") if os.path.basename(path) == "pyproject.toml" else ()
    root = os.path.dirname(os.path.abspath(path))
    if table is None:
        if prefix:
            raise ConfigError(path, None, "", "no [tool.paramlint] table")
        table = {}
    v = _Validator(path, text, prefix)
    if not isinstance(table, dict):
        raise ConfigError(path, v.line((), prefix[-1] if prefix else ""), ".".join(prefix), "expected a table")
    v.keys(table, (), TOP_KEYS)
    base = Settings().merged(v.settings(table, ()))
    include = v.globs(table, (), "include")
    exclude = v.globs(table, (), "exclude")
    overrides: List[Override] = []
    raw_overrides = table.get("overrides", [])
    if not isinstance(raw_overrides, list) or not all(isinstance(o, dict) for o in raw_overrides):
        raise ConfigError(path, v.line((), "overrides"), v.name((), "overrides"), "expected an array of tables ([[tool.paramlint.overrides]])")
    for i, o in enumerate(raw_overrides):
        where: Tuple[Any, ...] = ("overrides", i)
        v.keys(o, where, OVERRIDE_KEYS)
        if "path" not in o:
            raise ConfigError(path, v.line(where, None), v.name(where, None), "missing required key 'path' (a glob or a list of globs)")
        paths = v.globs(o, where, "path")
        overrides.append(Override(paths, v.settings(o, where)))
    models: Dict[str, Mapping[str, Any]] = {}
    lines: Dict[str, int] = {}
    raw_models = table.get("models", {})
    if not isinstance(raw_models, dict):
        raise ConfigError(path, v.line((), "models"), v.name((), "models"), "expected a table of tables ([tool.paramlint.models.\"path::Name\"])")
    for key, m in raw_models.items():
        where = ("models", key)
        if not isinstance(m, dict):
            raise ConfigError(path, v.line(("models",), key), v.name(("models",), key), "expected a table")
        if not key or key.startswith("::") or key.endswith("::"):
            raise ConfigError(path, v.line(where, None), v.name(where, None), "expected a key like \"models/net.py::Net\" or \"Net\"")
        v.keys(m, where, SETTING_KEYS)
        file, sep, name = key.rpartition("::")
        norm_key = f"{file[2:] if file.startswith('./') else file}::{name}" if sep else key
        models[norm_key] = v.settings(m, where)
        lines[norm_key] = v.line(where, None) or 1
    return Config(path, root, base, include, exclude, tuple(overrides), models, lines)


class _Validator:
    """Checks values and finds the line of a key in the TOML text for error messages."""

    def __init__(self, path: str, text: str, prefix: Tuple[str, ...]) -> None:
        self.path, self.text, self.prefix = path, text, prefix

    def name(self, where: Tuple[Any, ...], key: Optional[str]) -> str:
        parts = list(self.prefix) + [p for p in where if isinstance(p, str)]
        dotted = ".".join(_toml_key(p) for p in parts)
        if where and where[0] == "overrides":
            dotted = f"[[{dotted}]] #{where[1] + 1}"
        else:
            dotted = f"[{dotted}]" if dotted else ""
        return f"{dotted} {key}".strip() if key else dotted

    def line(self, where: Tuple[Any, ...], key: Optional[str]) -> Optional[int]:
        return find_line(self.text, list(self.prefix) + [p for p in where if isinstance(p, str)], key,
                         where[1] if len(where) > 1 and where[0] == "overrides" else None)

    def fail(self, where: Tuple[Any, ...], key: str, message: str) -> ConfigError:
        return ConfigError(self.path, self.line(where, key), self.name(where, key), message)

    def keys(self, table: Mapping[str, Any], where: Tuple[Any, ...], allowed: Sequence[str]) -> None:
        for k in table:
            if k not in allowed:
                close = _close(k, allowed, n=1, cutoff=0.6)
                if not close and k.replace("_", "-") in allowed:
                    close = [k.replace("_", "-")]
                hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
                raise self.fail(where, k, f"unknown key{hint}")

    def settings(self, table: Mapping[str, Any], where: Tuple[Any, ...]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for k in BUDGET_KEYS:
            if k in table:
                try:
                    out[k] = parse_budget(table[k])
                except ValueError as e:
                    raise self.fail(where, k, str(e)) from None
        if "max-params-growth" in table:
            from paramlint.growth import parse_growth

            try:
                out["max-params-growth"] = parse_growth(table["max-params-growth"])
            except ValueError as e:
                raise self.fail(where, "max-params-growth", str(e)) from None
        if "activation-dtype" in table:
            from paramlint.macs import DTYPE_BYTES

            d = table["activation-dtype"]
            if d not in DTYPE_BYTES:
                close = _close(str(d), list(DTYPE_BYTES), n=1) if isinstance(d, str) else []
                hint = f" (did you mean \"{close[0]}\"?)" if close else f" (expected one of: {', '.join(DTYPE_BYTES)})"
                raise self.fail(where, "activation-dtype", f"unknown dtype {d!r}{hint}")
            out["activation-dtype"] = d
        if "unknown" in table:
            u = table["unknown"]
            if u not in UNKNOWN_MODES:
                close = _close(str(u), UNKNOWN_MODES, n=1) if isinstance(u, str) else []
                hint = f" (did you mean \"{close[0]}\"?)" if close else ""
                raise self.fail(where, "unknown", f"expected \"ignore\", \"warn\" or \"error\", got {u!r}{hint}")
            out["unknown"] = u
        if "input-shape" in table:
            try:
                out["input-shape"] = parse_input_shape(table["input-shape"])
            except ValueError as e:
                raise self.fail(where, "input-shape", str(e)) from None
        return out

    def globs(self, table: Mapping[str, Any], where: Tuple[Any, ...], key: str) -> Tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
            raise self.fail(where, key, f"expected a list of glob strings, got {value!r}")
        return tuple(value)


def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else '"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"'


_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*(\.|$)')


def _split_key(s: str) -> List[str]:
    parts, i = [], 0
    while i < len(s):
        m = _KEY_PART.match(s, i)
        if m is None:
            return []
        p = m.group(1)
        parts.append(p[1:-1].replace('\\"', '"').replace("\\\\", "\\") if p[0] in "\"'" else p)
        i = m.end()
    return parts


def find_line(text: str, table: Sequence[str], key: Optional[str], array_index: Optional[int] = None) -> Optional[int]:
    """Best-effort 1-based line of ``key`` in ``[table]`` (the ``array_index``-th ``[[table]]``);
    the table header's line when the key is not found, None when neither is. tomllib keeps no
    positions, so this scans headers and ``key =`` lines (dotted keys under a parent table too)."""
    current: List[str] = []
    seen_arrays = -1
    header_line: Optional[int] = None
    table = list(table)
    for n, raw in enumerate(text.splitlines(), 1):
        m = _HEADER.match(raw)
        if m and not raw.lstrip().startswith("#") and "=" not in raw.split("]")[0]:
            current = _split_key(m.group(2))
            if m.group(1) == "[[" and current == table[: len(current)] and array_index is not None and len(current) == len(table):
                seen_arrays += 1
            if current == table and (array_index is None or seen_arrays == array_index):
                header_line = n
            continue
        if array_index is not None and current == table and seen_arrays != array_index:
            continue
        if "=" not in raw or raw.lstrip().startswith("#"):
            continue
        lhs = _split_key(raw.split("=", 1)[0])
        if not lhs:
            continue
        full = current + lhs
        if key is None:
            if full[: len(table)] == table and len(full) > len(table) and header_line is None:
                return n
            continue
        if full == table + [key] or (full[: len(table) + 1] == table + [key] and len(full) > len(table) + 1):
            return n
    return header_line


# ---- discovery -----------------------------------------------------------------------


class Finder:
    """Finds (and caches) the configuration that applies to each file."""

    def __init__(self, explicit: Optional[str] = None) -> None:
        self.explicit = load(explicit) if explicit else None
        self._by_dir: Dict[str, Optional[str]] = {}
        self._loaded: Dict[str, Config] = {}
        self.default = Config(None, os.getcwd())

    def for_path(self, path: str) -> Config:
        if self.explicit is not None:
            return self.explicit
        start = os.path.abspath(path)
        if not os.path.isdir(start):
            start = os.path.dirname(start)
        found = self._find(start)
        if found is None:
            return self.default
        if found not in self._loaded:
            self._loaded[found] = load(found)
        return self._loaded[found]

    def _find(self, d: str) -> Optional[str]:
        visited = []
        result: Optional[str] = None
        while True:
            if d in self._by_dir:
                result = self._by_dir[d]
                break
            visited.append(d)
            hit = _config_in(d)
            if hit is not None:
                result = hit
                break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        for v in visited:
            self._by_dir[v] = result
        return result


def _config_in(d: str) -> Optional[str]:
    for name in CONFIG_NAMES:
        p = os.path.join(d, name)
        if not os.path.isfile(p):
            continue
        if name != "pyproject.toml":
            return p
        try:
            with open(p, "rb") as f:
                head = f.read()
        except OSError:
            continue
        # cheap pre-filter; the real test is the parsed table
        if b"paramlint" in head:
            try:
                _, doc = _read(p)
            except ConfigError:
                return p  # broken TOML in the nearest candidate must be reported, not skipped
            if _table(doc, p) is not None:
                return p
    return None
