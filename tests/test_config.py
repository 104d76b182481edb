"""Configuration: budget values, discovery, overrides, and errors that name file, key and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paramlint.cli import main
from paramlint.config import ConfigError, Finder, glob_match, load, parse_budget


@pytest.mark.parametrize("value, expected", [
    (25_000_000, 25_000_000), ("25M", 25_000_000), ("25m", 25_000_000), ("1.5k", 1_500), ("25_000_000", 25_000_000),
    ("2.26M", 2_260_000), ("1,000", 1_000), ("0", 0), (2.5e6, 2_500_000), ("1G", 10**9), (" 3 K ", 3_000),
])
def test_budget_values(value, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_budget(value) == expected


@pytest.mark.parametrize("value", [-1, "-5M", "1.2345k", "25MB", "lots", True, 1.5, [1], ""])
def test_bad_budget_values(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        parse_budget(value)


@pytest.mark.parametrize("pattern, path, hit", [
    ("models/**/*.py", "models/a.py", True), ("models/**/*.py", "models/x/y/a.py", True),
    ("models/**/*.py", "other/models/a.py", False), ("experiments/**", "experiments/a/b.py", True),
    ("experiments", "src/experiments/b.py", True), ("*_test.py", "pkg/net_test.py", True),
    ("scratch/", "scratch/x.py", True), ("./models/*.py", "models/a.py", True), ("models/*.py", "models/x/a.py", False),
])
def test_globs(pattern: str, path: str, hit: bool) -> None:
    assert glob_match(pattern, path) is hit


def _write(tmp_path: Path, text: str, name: str = "pyproject.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("toml, line, key, words", [
    ("[tool.paramlint]\nmax-parms = '5M'\n", 2, "[tool.paramlint] max-parms", "did you mean 'max-params'"),
    ("[tool.paramlint]\nmax_params = '5M'\n", 2, "max_params", "did you mean 'max-params'"),
    ("[tool.paramlint]\nunknown = 'warn'\n\nmax-params = -3\n", 4, "max-params", "negative"),
    ("[tool.paramlint]\nmax-layer-params = true\n", 2, "max-layer-params", "expected a number"),
    ("[tool.paramlint]\nmax-params = 'lots'\n", 2, "max-params", "cannot read 'lots'"),
    ("[tool.paramlint]\nunknown = 'warning'\n", 2, "unknown", 'did you mean "warn"'),
    ("[tool.paramlint]\ninclude = 'a' \nexclude = [1]\n", 3, "exclude", "list of glob strings"),
    ("[tool.paramlint]\nmax-params = 1\n[tool.paramlint.models.\"a.py::Net\"]\ninput-shape = [1, 0]\n", 4,
     "[tool.paramlint.models.\"a.py::Net\"] input-shape", "positive integers"),
    ("[tool.paramlint]\n[tool.paramlint.models.\"a.py::Net\"]\nmax-param = 1\n", 3, "max-param", "did you mean 'max-params'"),
    ("[tool.paramlint]\n[[tool.paramlint.overrides]]\npath = 'a/**'\n[[tool.paramlint.overrides]]\npath = 'b/**'\nmax-params = '1x'\n", 6,
     "[[tool.paramlint.overrides]] #2 max-params", "cannot read"),
    ("[tool.paramlint]\n[[tool.paramlint.overrides]]\nmax-params = 1\n", 2, "overrides", "missing required key 'path'"),
    ("[tool.paramlint]\nmax-params = \n", 2, "", "invalid TOML"),
    ("[tool]\nparamlint.max-prams = 1\n", 2, "max-prams", "did you mean"),
])
def test_config_errors_name_file_key_and_line(tmp_path: Path, toml: str, line: int, key: str, words: str) -> None:
    p = _write(tmp_path, toml)
    with pytest.raises(ConfigError) as e:
        load(str(p))
    err = e.value
    assert err.path == str(p) and err.line == line and key in err.key and words in err.message, str(err)
    assert str(err).startswith(f"{p}:{line}: ")


def test_config_error_exits_2_with_message(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path, "[tool.paramlint]\nmax-parms = '5M'\n")
    (tmp_path / "net.py").write_text("x = 1\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["check", "net.py"]) == 2
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert "pyproject.toml:2: [tool.paramlint] max-parms: unknown key (did you mean 'max-params'?)" in err


def test_explicit_config_and_missing_config_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "net.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["check", "--config", str(tmp_path / "nope.toml"), str(tmp_path / "net.py")]) == 2
    assert "nope.toml: cannot read" in capsys.readouterr().err
    cfg = _write(tmp_path, "max-params = '5M'\n", "paramlint.toml")
    assert main(["check", "--config", str(cfg), str(tmp_path / "net.py")]) == 0


def test_discovery_walks_up_like_ruff(tmp_path: Path) -> None:
    _write(tmp_path, "[tool.paramlint]\nmax-params = '5M'\n")
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    _write(tmp_path / "pkg", "[project]\nname = 'x'\n")  # no [tool.paramlint]: passed over
    _write(tmp_path / "pkg" / "sub", "max-params = '1k'\n", "paramlint.toml")
    f = Finder()
    assert f.for_path(str(tmp_path / "pkg" / "a.py")).base.max_params == 5_000_000
    assert f.for_path(str(tmp_path / "pkg" / "sub" / "b.py")).base.max_params == 1_000
    assert f.for_path(str(tmp_path / "pkg" / "sub" / "b.py")).root == str(tmp_path / "pkg" / "sub")


def test_precedence_top_then_overrides_then_model(tmp_path: Path) -> None:
    p = _write(tmp_path, """
[tool.paramlint]
max-params = "5M"
max-layer-params = "1M"
unknown = "error"
[[tool.paramlint.overrides]]
path = ["experiments/**", "scratch/*.py"]
max-params = "100M"
[[tool.paramlint.overrides]]
path = "experiments/big/**"
max-params = "200M"
[tool.paramlint.models."experiments/big/net.py::ResNet"]
max-params = "30M"
input-shape = [1, 3, 224, 224]
[tool.paramlint.models.Tiny]
input-shape = "1,3,32,32"
""")
    c = load(str(p))
    exp = str(tmp_path / "experiments" / "big" / "net.py")
    assert c.for_file(str(tmp_path / "models" / "a.py")).max_params == 5_000_000
    assert c.for_file(str(tmp_path / "experiments" / "a.py")).max_params == 100_000_000
    assert c.for_file(exp).max_params == 200_000_000
    assert c.for_model(exp, "ResNet").max_params == 30_000_000
    assert c.for_model(exp, "ResNet").max_layer_params == 1_000_000
    assert c.for_model(exp, "ResNet").unknown == "error"
    assert c.model_input_shapes(exp) == {"ResNet": ((1, 3, 224, 224),), "Tiny": ((1, 3, 32, 32),)}
    assert c.model_input_shapes(str(tmp_path / "other.py")) == {"Tiny": ((1, 3, 32, 32),)}
