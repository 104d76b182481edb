"""`paramlint check` on tests/check_project: golden output for every format, exit codes,
suppression, and the figures behind the findings (all framework-verified: see the project's
pyproject.toml)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from conftest import ROOT

from paramlint import __version__
from paramlint.cli import main
from paramlint.diagnostics import RULES, CheckResult
from paramlint.report import CHECK_FORMATS, check_formatter
from paramlint.runner import run

PROJECT = ROOT / "tests" / "check_project"
GOLDEN = ROOT / "tests" / "check_golden"
SUFFIX = {"json": "json", "sarif": "json", "gitlab": "json", "rdjson": "json", "markdown": "md"}
UPDATE = os.environ.get("PARAMLINT_UPDATE_GOLDEN") == "1"


def _chdir(path: Path) -> Iterator[None]:
    cwd = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def result() -> Iterator[CheckResult]:
    for _ in _chdir(PROJECT):
        yield run(["."])


@pytest.fixture
def in_project() -> Iterator[None]:
    yield from _chdir(PROJECT)


def _render(result: CheckResult, fmt: str) -> str:
    cwd = os.getcwd()
    os.chdir(PROJECT)
    try:
        # repository-relative paths (SARIF, GitLab): pin the root so the goldens do not depend on
        # where the checkout is
        return check_formatter(fmt)(replace(result, root=str(PROJECT))).replace(f'"version": "{__version__}"', '"version": "<version>"')
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_golden_output(result: CheckResult, fmt: str) -> None:
    text = _render(result, fmt)
    path = GOLDEN / f"{fmt}.{SUFFIX.get(fmt, 'txt')}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"regenerate with PARAMLINT_UPDATE_GOLDEN=1 after checking the diff ({path})"


def test_findings_carry_verified_figures(result: CheckResult) -> None:
    """Each finding's figure is the framework's: course network (fixtures/lenet_torch.py),
    SmallNet (tests/golden/project_pkg.model.json), vgg13_small (fixtures/vgg_cfg.py)."""
    got = {(d.code, d.model, d.layer): (d.value, d.limit) for d in result.diagnostics if d.value is not None}
    assert got == {
        ("PRM201", "LeNet", None): (62_958, 50_000),
        ("PRM101", "LeNet", "fc1"): (48_120, 40_000),
        ("PRM102", "LeNet", "conv1"): (6_272, 5_000),
        ("PRM101", "SmallNet", "stage2.conv"): (18_432, 10_000),
        ("PRM201", "vgg13_small", None): (2_286_068, 2_260_000),
    }
    msgs = [d.message for d in result.diagnostics]
    assert "LeNet.fc1 (Linear) has 48,120 params, budget 40,000 (+20%)" in msgs
    # the layer finding points at the constructor call, in the file where it is built
    conv = next(d for d in result.diagnostics if d.layer == "stage2.conv")
    assert (conv.path, conv.line) == (os.path.join("models", "blocks.py"), 10)
    assert result.suppressed == 3
    assert not any("scratch" in d.path for d in result.diagnostics)  # excluded by the config


def test_sarif_is_valid_against_the_official_schema(result: CheckResult) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "tests" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    doc = json.loads(_render(result, "sarif"))
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    run0 = doc["runs"][0]
    assert [r["id"] for r in run0["tool"]["driver"]["rules"]] == sorted(RULES)
    assert all(r["ruleId"] in RULES for r in run0["results"])
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run0["results"] for loc in r["locations"]}
    assert "models/blocks.py" in uris and not any(u.startswith(("/", "file:")) for u in uris)


def test_repository_relative_paths(in_project: None) -> None:
    from paramlint.diagnostics import Diagnostic
    from paramlint.runner import repo_root

    assert os.path.exists(os.path.join(repo_root(), ".git")) or repo_root() == os.getcwd()
    res = CheckResult((Diagnostic(os.path.join("models", "lenet.py"), 27, 0, "PRM201", "m"),), root=str(ROOT))
    assert json.loads(check_formatter("gitlab")(res))[0]["location"]["path"] == "tests/check_project/models/lenet.py"
    sarif = json.loads(check_formatter("sarif")(res))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert sarif["artifactLocation"] == {"uri": "tests/check_project/models/lenet.py", "uriBaseId": "%SRCROOT%"}
    # GitHub resolves an annotation's file against the repository too (it was cwd-relative:
    # a job running in a subdirectory annotated nothing)
    assert check_formatter("github")(res).startswith("::error file=tests/check_project/models/lenet.py,line=27,")


def test_gitlab_fingerprints_survive_line_moves(tmp_path: Path) -> None:
    from paramlint.diagnostics import Diagnostic

    d = Diagnostic("m.py", 10, 4, "PRM101", "N.fc (Linear) has 48,120 params, budget 40,000 (+20%)", model="N", layer="fc")
    moved = replace(d, line=25, message="N.fc (Linear) has 52,000 params, budget 40,000 (+30%)")
    other = replace(d, layer="fc2")
    fp = [json.loads(check_formatter("gitlab")(CheckResult((x,))))[0]["fingerprint"] for x in (d, moved, other)]
    assert fp[0] == fp[1] != fp[2]


def test_github_escapes_and_caps() -> None:
    from paramlint.diagnostics import Diagnostic

    d = Diagnostic("a,b:c.py", 1, 0, "PRM902", "100% sure\nnot", severity="warning")
    out = check_formatter("github")(CheckResult((d,)))
    assert out.splitlines()[0] == "::warning file=a%2Cb%3Ac.py,line=1,col=1,title=PRM902 unknown-layer::PRM902 100%25 sure%0Anot"
    many = tuple(Diagnostic("m.py", i, 0, "PRM101", f"x{i}", value=100 + i, limit=100) for i in range(1, 14))
    lines = check_formatter("github")(CheckResult(many)).splitlines()
    annotated = [ln for ln in lines if ln.startswith("::error")]
    assert len(annotated) == 10 and "x13" in annotated[0]  # worst (most over budget) first
    assert lines[-1].startswith("paramlint: Found 13 errors.") and "3 more not annotated" in lines[-1]


# ---- exit codes -----------------------------------------------------------------------

def test_exit_codes_on_the_project(in_project: None, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", "models/lenet.py"]) == 1
    assert main(["check", "--exit-zero", "models/lenet.py"]) == 0
    assert main(["check", "models/small.py", "models/blocks.py"]) == 1
    assert main(["check", "models/quiet.py"]) == 0  # all suppressed
    assert main(["check", "models/mystery.py"]) == 0  # warnings only
    assert main(["check", "scratch/huge.py"]) == 0  # excluded, even when named
    assert main(["check", "no/such/file.py"]) == 2
    out = capsys.readouterr().out
    assert "All checks passed! (3 suppressed)" in out


def _project(tmp_path: Path, toml: str, files: dict) -> Path:  # type: ignore[type-arg]
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


LENET = (PROJECT / "models" / "lenet.py").read_text(encoding="utf-8")


def test_exit_2_on_a_file_that_cannot_be_parsed(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _project(tmp_path, "[tool.paramlint]\nmax-params = '1M'\n", {"net.py": LENET, "broken.py": "def f(:\n"})
    for _ in _chdir(tmp_path):
        assert main(["check", "."]) == 2
        assert main(["check", "--exit-zero", "."]) == 2
    out = capsys.readouterr().out
    assert re.search(r"^broken\.py:1:\d+: PRM901 ", out, re.M)


def test_exit_codes_follow_unknown_setting(tmp_path: Path) -> None:
    mystery = (PROJECT / "models" / "mystery.py").read_text(encoding="utf-8")
    for mode, code in (("ignore", 0), ("warn", 0), ("error", 1)):
        _project(tmp_path, f"[tool.paramlint]\nmax-params = '1M'\nunknown = '{mode}'\n", {"m.py": mystery})
        for _ in _chdir(tmp_path):
            res = run(["m.py"])
            assert main(["check", "m.py"]) == code
        assert (len(res.diagnostics) == 0) == (mode == "ignore")


def test_clean_and_no_config(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "net.py").write_text(LENET, encoding="utf-8")
    for _ in _chdir(tmp_path):
        assert main(["check", "."]) == 0  # no configuration: no budgets
    _project(tmp_path, "[tool.paramlint]\nmax-params = 62_958\nmax-layer-params = '48.12k'\n", {})
    for _ in _chdir(tmp_path):
        assert main(["check", "."]) == 0  # budgets are inclusive
    assert "All checks passed!" in capsys.readouterr().out


def test_cli_input_shape_enables_activation_budget(tmp_path: Path) -> None:
    src = LENET.replace("# paramlint: input-shape=1,3,32,32\n", "").split('if __name__ == "__main__":')[0]
    _project(tmp_path, "[tool.paramlint]\nmax-activation-size = '5k'\nunknown = 'ignore'\n", {"net.py": src})
    for _ in _chdir(tmp_path):
        assert main(["check", "net.py"]) == 0
        assert main(["check", "--input-shape", "1,3,32,32", "net.py"]) == 1
        res = run(["net.py"], input_shapes=((1, 3, 32, 32),))
    assert [(d.code, d.layer, d.value) for d in res.diagnostics] == [("PRM102", "conv1", 6272)]


def test_results_do_not_depend_on_which_files_are_passed(in_project: None) -> None:
    """pre-commit may pass only models/small.py, or only blocks.py with it, or everything."""
    def small(paths):  # type: ignore[no-untyped-def]
        return [d for d in run(paths).diagnostics if d.model == "SmallNet"]

    alone = small(["models/small.py"])
    assert alone == small(["models/blocks.py", "models/small.py"]) == small(["."]) == small([os.path.abspath("models/small.py")])
    assert [d.code for d in alone] == ["PRM101"]
    # only the block file (it changed): the model that imports it is checked too
    assert small(["models/blocks.py"]) == alone
    assert [d for d in run(["models/blocks.py"], follow_dependents=False).diagnostics] == []


# ---- suppression ----------------------------------------------------------------------

@pytest.mark.parametrize("comment, suppressed", [
    ("  # noqa: PRM101", True),
    ("  # noqa:PRM101,PRM102", True),
    ("  # noqa", True),
    ("  # NOQA: prm101", True),
    ("  # noqa: PRM102", False),
    ("  # noqa: E501", False),
    ("  # paramlint: ignore[PRM101]", True),
    ("  # paramlint: ignore[layer-params-over-budget]", True),
    ("  # paramlint: ignore", True),
    ("  # paramlint: ignore[PRM201]", False),
])
def test_suppression_on_the_line(tmp_path: Path, comment: str, suppressed: bool) -> None:
    src = LENET.replace("self.fc1 = nn.Linear(16 * 5 * 5, 120)  # expect: params=48120",
                        "self.fc1 = nn.Linear(16 * 5 * 5, 120)" + comment)
    _project(tmp_path, "[tool.paramlint]\nmax-layer-params = '40k'\n", {"net.py": src})
    for _ in _chdir(tmp_path):
        res = run(["net.py"])
    assert [d.layer for d in res.diagnostics] == ([] if suppressed else ["fc1"])
    assert res.suppressed == (1 if suppressed else 0)


@pytest.mark.parametrize("above, suppressed", [
    ("# noqa: PRM101", True),
    ("# paramlint: ignore[PRM101]", True),
    ("# paramlint: ignore", True),
    ("# noqa", False),  # a bare noqa only covers its own line
    ("x = 1  # noqa: PRM101", False),  # only comment lines count as 'the line above'
])
def test_suppression_on_the_line_above(tmp_path: Path, above: str, suppressed: bool) -> None:
    src = LENET.replace("        self.fc1 = nn.Linear(16 * 5 * 5, 120)",
                        f"        {above}\n        self.fc1 = nn.Linear(16 * 5 * 5, 120)")
    _project(tmp_path, "[tool.paramlint]\nmax-layer-params = '40k'\n", {"net.py": src})
    for _ in _chdir(tmp_path):
        res = run(["net.py"])
    assert [d.layer for d in res.diagnostics] == ([] if suppressed else ["fc1"])


def test_evaluation_limit_is_reported_not_guessed(tmp_path: Path) -> None:
    src = ("import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
           "        n = 0\n        while True:\n            n += 1\n        self.fc = nn.Linear(n, 4)\n")
    _project(tmp_path, "[tool.paramlint]\nmax-params = '1M'\n", {"net.py": src})
    for _ in _chdir(tmp_path):
        res = run(["net.py"])
        assert main(["check", "net.py"]) == 0  # warnings by default
    assert sorted(d.code for d in res.diagnostics) == ["PRM903", "PRM904"]
    assert all(d.severity == "warning" and d.line == 4 for d in res.diagnostics)


def test_flake8_plugin_in_process(in_project: None) -> None:
    from paramlint.flake8_plugin import Plugin

    got = [(ln, col, msg.split(" ", 1)[0]) for ln, col, msg, _ in Plugin(None, os.path.join("models", "small.py")).run()]  # type: ignore[arg-type]
    assert got == [(8, 0, "PRM101")]
    msgs = [m for _, _, m, _ in Plugin(None, os.path.join("models", "small.py")).run()]  # type: ignore[arg-type]
    assert msgs[0].endswith(f"(at {os.path.join('models', 'blocks.py')}:10)")


def test_a_path_with_a_newline_cannot_forge_a_line() -> None:
    # A file name holding "\n::error file=x.py,line=1::" printed a line of its own in the
    # concise output: a workflow command GitHub Actions would have obeyed.
    from paramlint.diagnostics import Diagnostic

    d = Diagnostic("evil\n::error file=x.py,line=1::injected.py", 5, 27, "PRM901", "syntax error")
    for fmt in ("concise", "full"):
        out = check_formatter(fmt)(CheckResult((d,)))
        assert not any(ln.startswith("::") for ln in out.splitlines()), out
        assert "evil\\n::error" in out


def test_comments_that_do_nothing_are_reported(tmp_path: Path) -> None:
    # A typo silently disabled a suppression or an input shape (the malformed shape turned the
    # PRM102 errors into one PRM903 saying to add the comment that was there).
    from paramlint.suppress import invalid_comments

    src = (
        "# paramlint: input-shape=1,3,abc\n"
        "class LeNet(nn.Module):  # noqa: PRM1O1, E501\n"
        "    x = 1  # paramlint: ignore[layer-param-over-budget]\n"
        "    y = 2  # paramlint: inputshape=1,3\n"
        "    z = 3  # noqa: PRM101  # paramlint: ignore[layer-params-over-budget, PRM201]\n"
        "# paramlint: input-shape=1,3,32,32;1,10 input-dtype=int64\n"
    )
    found = [(line, why.split(":", 1)[1].strip()[:30]) for line, _, why in invalid_comments(src)]
    assert [line for line, _ in found] == [1, 2, 3, 4], found
    rules = json.loads(check_formatter("sarif")(CheckResult(())))["runs"][0]["tool"]["driver"]["rules"]
    assert "PRM905" in {r["id"] for r in rules}


def test_model_settings_that_match_nothing_are_reported(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # A typo in a model table's key silently dropped its budget (exit 0, "All checks passed!")
    toml = (
        '[tool.paramlint]\nmax-params = "1M"\n\n'
        '[tool.paramlint.models."models/net.py::Nett"]\nmax-params = "10"\n\n'
        '[tool.paramlint.models."models/gone.py::Net"]\nmax-params = "10"\n\n'
        '[tool.paramlint.models."models/other.py::Net"]\nmax-params = "10"\n\n'  # (a file not checked now)
        '[tool.paramlint.models."models/net.py::Net"]\nmax-params = "1k"\n\n'
        '[tool.paramlint.models."Whatever"]\nmax-params = "10"\n'
    )
    net = "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n"
    _project(tmp_path, toml, {"models/net.py": net, "models/other.py": net})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--no-dependents", "models/net.py"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [ln.split(" PRM906 ")[0] for ln in out if "PRM906" in ln] == ["pyproject.toml:4:1:", "pyproject.toml:7:1:"], out


def test_markdown_peak_activation_with_a_parameter_row(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # A parameter registered on the model (a row with no output) made the peak "?" although
    # every layer's output was known (torch: fc's output, 2 x 16 = 32 elements, is the peak)
    src = ("import torch\nimport torch.nn as nn\n\n\n# paramlint: input-shape=2,8\nclass Net(nn.Module):\n"
           "    def __init__(self):\n        super().__init__()\n        self.scale = nn.Parameter(torch.ones(16))\n"
           "        self.fc = nn.Linear(8, 16)\n        self.out = nn.Linear(16, 4)\n\n"
           "    def forward(self, x):\n        return self.out(self.fc(x) * self.scale)\n")
    _project(tmp_path, '[tool.paramlint]\nmax-params = "1M"\n', {"m.py": src})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--format", "markdown", "m.py"]) == 0
    assert "| `fc` 32 |" in capsys.readouterr().out
