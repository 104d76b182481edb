"""`paramlint diff`: model figures between git revisions, read from git, working tree untouched.

Expected figures come from the frameworks: the fixtures' goldens (tests/golden, produced by
torch) and, for a model changed only here, a live torch oracle test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GOLDEN = ROOT / "tests" / "golden"


def golden(name: str) -> Dict[str, dict]:
    return json.loads((GOLDEN / f"{name}.json").read_text())["models"]  # type: ignore[no-any-return]


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def commit(repo: Path, msg: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg)


def run(repo: Path, *argv: str) -> tuple:
    from paramlint.cli import main

    buf = io.StringIO()
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        with redirect_stdout(buf):
            rc = main(["diff", *argv])
    finally:
        os.chdir(cwd)
    return rc, buf.getvalue()


WIDER_FC1 = [("nn.Linear(16 * 5 * 5, 120)", "nn.Linear(16 * 5 * 5, 160)"), ("nn.Linear(120, 84)", "nn.Linear(160, 84)")]


def widen(text: str) -> str:
    for a, b in WIDER_FC1:
        assert a in text
        text = text.replace(a, b)
    return text


@pytest.fixture
def lenet_repo(tmp_path: Path) -> Path:
    """A repository with the course LeNet committed, then committed again with a wider fc1."""
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    src = (FIXTURES / "lenet_torch.py").read_text()
    (repo / "models" / "lenet.py").write_text(src)
    shutil.copy(FIXTURES / "lenet_keras.py", repo / "models" / "lenet_keras.py")
    commit(repo, "lenet")
    (repo / "models" / "lenet.py").write_text(widen(src))
    commit(repo, "wider fc1")
    return repo


def snapshot(repo: Path) -> Dict[str, str]:
    """Hashes of every file in the work tree and of the index: what diff must not touch."""
    out = {}
    for p in sorted(repo.rglob("*")):
        if p.is_file() and "objects" not in p.parts and "logs" not in p.parts:
            out[str(p.relative_to(repo))] = hashlib.sha256(p.read_bytes()).hexdigest() + str(p.stat().st_mtime_ns)
    return out


def test_diff_between_commits_json(lenet_repo: Path) -> None:
    before = snapshot(lenet_repo)
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "json")
    assert rc == 0
    assert snapshot(lenet_repo) == before  # nothing written, not even the index
    doc = json.loads(out)
    models = {f"{m['file']}::{m['name']}": m for m in doc["models"]}
    g = golden("lenet_torch")["LeNet"]
    lenet = models["models/lenet.py::LeNet"]
    assert lenet["status"] == "changed"
    assert lenet["params_before"] == g["total_params"] == 62958
    # Head figures by the framework's formula for Linear (out·in + out), checked live by the
    # oracle test below: fc1 160·400 + 160 = 64,160; fc2 84·160 + 84 = 13,524.
    assert lenet["params_after"] == 82358
    assert lenet["params_delta"] == 82358 - 62958
    layers = {c["path"]: c for c in lenet["layers"]}
    assert set(layers) == {"fc1", "fc2"}
    gl = {r["path"]: r for r in g["layers"]}
    assert layers["fc1"]["before"]["params"] == gl["fc1"]["params"]
    assert layers["fc1"]["after"]["params"] == 64160
    assert layers["fc1"]["before"]["output_shape"] == gl["fc1"]["output_shape"]
    assert layers["fc1"]["after"]["output_shape"] == [1, 160]
    assert layers["fc2"]["after"]["output_shape"] == gl["fc2"]["output_shape"]
    # activations: sum of every layer application's output elements (golden shapes)
    acts = sum(_prod(r["output_shape"]) for r in g["layers"])
    assert lenet["activations_before"] == acts
    assert lenet["activations_after"] == acts + 40
    keras = models["models/lenet_keras.py::model"]
    assert keras["status"] == "unchanged"
    assert keras["params_before"] == keras["params_after"] == golden("lenet_keras")["model"]["total_params"]


def _prod(shape: List[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


@pytest.mark.oracle
def test_changed_model_against_torch(lenet_repo: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import frameworks
    finally:
        sys.path.pop(0)
    head = tmp_path / "lenet_wide.py"
    head.write_text(widen((FIXTURES / "lenet_torch.py").read_text()))
    truth = frameworks.torch_truth(head, "LeNet")
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "json")
    lenet = {m["name"]: m for m in json.loads(out)["models"]}["LeNet"]
    assert lenet["params_after"] == truth["total_params"]
    layers = {c["path"]: c for c in lenet["layers"]}
    tl = {r["path"]: r for r in truth["layers"]}
    for path in ("fc1", "fc2"):
        assert layers[path]["after"]["params"] == tl[path]["params"]
        assert layers[path]["after"]["output_shape"] == list(tl[path]["output_shape"])


def test_markdown_and_growth_budget(lenet_repo: Path) -> None:
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "markdown", "--max-params-growth", "10%")
    assert rc == 1  # +30.8% > 10%
    assert "| `models/lenet.py::LeNet` | 62,958 → 82,358 | +19,400 (+30.8%) |" in out
    assert "budget 10% = 6,295" in out  # ⌊62,958 · 10%⌋
    assert "<details>" in out and "| changed | `fc1` | Linear | 48,120 → 64,160 (+16,040) | (1, 120) → (1, 160) |" in out
    assert "lenet_keras" not in out.split("unchanged")[0] or "1 unchanged model" in out
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "markdown", "--max-params-growth", "20k")
    assert rc == 0 and "Growth budget" not in out
    rc, _ = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--max-params-growth", "19399")
    assert rc == 1
    rc, _ = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--max-params-growth", "lots")
    assert rc == 2


def test_working_tree_is_default_head_and_base_is_read_from_git(lenet_repo: Path) -> None:
    # Uncommitted edit: the head side sees it, the base side (HEAD) must not.
    f = lenet_repo / "models" / "lenet.py"
    f.write_text((FIXTURES / "lenet_torch.py").read_text())
    rc, out = run(lenet_repo, "HEAD", "models", "--format", "json")
    lenet = {m["name"]: m for m in json.loads(out)["models"]}["LeNet"]
    assert (lenet["params_before"], lenet["params_after"]) == (82358, 62958)
    assert "working tree" in json.loads(out)["head"]


def test_cross_file_model_reads_imports_at_the_base_revision(tmp_path: Path) -> None:
    """project_pkg's model imports its blocks from another file; at the base revision both
    come from git. Head: SmallNet's defaults changed to small_net_wide's (golden figures)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURES / "project_pkg", repo / "project_pkg")
    commit(repo, "pkg")
    model = repo / "project_pkg" / "model.py"
    text = model.read_text()
    text = text.replace("# paramlint: input-shape=1,3,32,32\nclass SmallNet", "# paramlint: input-shape=1,1,28,28\nclass SmallNet")
    text = text.replace("in_channels: int = 3, num_classes: int = 10, width: int = 16", "in_channels: int = 1, num_classes: int = 10, width: int = 32")
    model.write_text(text)
    # A working-tree-only change to the imported file: must not leak into the base side.
    blocks = repo / "project_pkg" / "blocks.py"
    blocks.write_text(blocks.read_text() + "\n# edited\n")
    rc, out = run(repo, "main", "--format", "json")
    assert rc == 0
    g = golden("project_pkg.model")
    models = {m["name"]: m for m in json.loads(out)["models"]}
    assert models["SmallNet"]["params_before"] == g["SmallNet"]["total_params"]
    assert models["SmallNet"]["params_after"] == g["small_net_wide"]["total_params"]
    assert models["small_net_wide"]["status"] == "unchanged"


def test_added_and_removed_models_and_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(FIXTURES / "lenet_torch.py", repo / "a.py")
    commit(repo, "a")
    os.remove(repo / "a.py")
    shutil.copy(FIXTURES / "vgg_cfg.py", repo / "b.py")
    commit(repo, "b")
    rc, out = run(repo, "HEAD~1", "--head", "HEAD", "--format", "json", "--max-params-growth", "10%")
    assert rc == 0  # a relative budget does not apply to new models
    models = {f"{m['file']}::{m['name']}": m for m in json.loads(out)["models"]}
    assert models["a.py::LeNet"]["status"] == "removed"
    assert models["a.py::LeNet"]["params_delta"] == -golden("lenet_torch")["LeNet"]["total_params"]
    for name, g in golden("vgg_cfg").items():
        m = models[f"b.py::{name}"]
        assert m["status"] == "added"
        assert m["params_after"] == g["total_params"]
    rc, out = run(repo, "HEAD~1", "--head", "HEAD", "--max-params-growth", "1k")
    assert rc == 1 and "PRM202" in out


def test_git_errors_exit_2(tmp_path: Path, lenet_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _ = run(lenet_repo, "--base", "no-such-rev")
    assert rc == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    rc, _ = run(plain, "--base", "HEAD")
    assert rc == 2
    assert "git" in capsys.readouterr().err


def test_default_base_is_merge_base_with_main(lenet_repo: Path) -> None:
    git(lenet_repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    (lenet_repo / "models" / "lenet.py").write_text(widen((FIXTURES / "lenet_torch.py").read_text()).replace("160", "200"))
    commit(lenet_repo, "feature")
    rc, out = run(lenet_repo, "--head", "HEAD", "--format", "json")
    doc = json.loads(out)
    base = git(lenet_repo, "merge-base", "HEAD", "main").strip()
    assert doc["base"] == base or doc["base"].startswith(base[:10])
    lenet = {m["name"]: m for m in doc["models"]}["LeNet"]
    assert lenet["params_before"] == 62958
    # fc1 200·400 + 200 = 80,200; fc2 84·200 + 84 = 16,884 (Linear: out·in + out)
    assert lenet["params_after"] == 62958 - 48120 - 10164 + 80200 + 16884


def test_compare_marks_unknown_change_as_unknown() -> None:
    from paramlint.diff import BudgetFor, check_growth, compare_models, DiffReport, Growth
    from paramlint.types import ModelReport, Unresolved

    known = ModelReport("M", None, "torch", None, 100, 100, 0, ())
    unknown = ModelReport("M", None, "torch", None, None, None, None, (), unresolved=(Unresolved("width comes from argparse", None),))
    d = compare_models("m.py", "M", known, unknown)
    assert d.status == "changed" and d.params_delta is None
    findings = check_growth(DiffReport("a", "b", (d,)), BudgetFor(Growth(count=10)))
    assert len(findings) == 1 and findings[0].growth is None and "argparse" in findings[0].message


@pytest.mark.parametrize("text,before,limit", [("10%", 62958, 6295), ("2M", 5, 2_000_000), ("0.5%", 1000, 5), ("1.5k", 0, 1500)])
def test_growth_budgets(text: str, before: int, limit: int) -> None:
    from paramlint.diff import parse_growth

    assert parse_growth(text).limit(before) == limit


def test_markdown_escapes_table_cells() -> None:
    from paramlint.diff import DiffReport, compare_models
    from paramlint.report.markdown_diff import render
    from paramlint.types import LayerRow, ModelReport

    row = LayerRow("a|b", "T", None, 1, 1, None, None)
    m = compare_models("x.py", "M", None, ModelReport("M", None, "torch", None, 1, 1, 0, (row,)))
    out = render(DiffReport("a", "b", (m,)))
    assert re.search(r"`a\\\|b`", out)


def test_growth_budget_from_configuration(lenet_repo: Path) -> None:
    (lenet_repo / "pyproject.toml").write_text(
        '[tool.paramlint]\nmax-params-growth = "50%"\n'
        '[tool.paramlint.models."models/lenet.py::LeNet"]\nmax-params-growth = "10k"\n'
    )
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "concise")
    assert rc == 1
    assert out.splitlines()[0] == "models/lenet.py:27:1: PRM202 LeNet grew by +19,400 params (+30.8%), budget 10,000"
    # the command line overrides the configuration
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "concise", "--max-params-growth", "40%")
    assert rc == 0 and "PRM202" not in out
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "github")
    assert rc == 1 and out.startswith("::error file=models/lenet.py,line=27,")


def test_bad_growth_budget_in_configuration(lenet_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (lenet_repo / "pyproject.toml").write_text('[tool.paramlint]\nmax-params-growth = "ten percent"\n')
    rc, _ = run(lenet_repo, "HEAD~1", "--head", "HEAD")
    assert rc == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:2" in err and "max-params-growth" in err


def _review_cnn_before() -> str:
    """fixtures/review_cnn.py as first committed: no BatchNorm, biased convs, 128 hidden units."""
    text = (FIXTURES / "review_cnn.py").read_text()
    for a, b in [
        ("nn.Conv2d(3, 16, 3, padding=1, bias=False),\n            nn.BatchNorm2d(16),", "nn.Conv2d(3, 16, 3, padding=1),"),
        ("nn.Conv2d(16, 32, 3, padding=1, bias=False),\n            nn.BatchNorm2d(32),", "nn.Conv2d(16, 32, 3, padding=1),"),
        ("nn.Linear(32 * 8 * 8, 256)", "nn.Linear(32 * 8 * 8, 128)"),
        ("            nn.Dropout(0.2),\n", ""),
        ("nn.Linear(256, num_classes)", "nn.Linear(128, num_classes)"),
    ]:
        assert a in text
        text = text.replace(a, b)
    return text


def test_inserted_layers_shift_indices_but_match_by_order_and_type(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "cnn.py").write_text(_review_cnn_before())
    commit(repo, "before")
    shutil.copy(FIXTURES / "review_cnn.py", repo / "cnn.py")
    commit(repo, "after")
    rc, out = run(repo, "HEAD~1", "--head", "HEAD", "--format", "json")
    m = json.loads(out)["models"][0]
    head = golden("review_cnn")["SmallCNN"]
    hl = {r["path"]: r for r in head["layers"]}
    assert m["params_after"] == head["total_params"]
    got = [(c["status"], c["old_path"], c["path"]) for c in m["layers"]]
    assert got == [
        ("changed", "features.0", "features.0"),      # bias dropped
        ("added", None, "features.1"),                # BatchNorm2d(16)
        ("changed", "features.3", "features.4"),      # same conv, bias dropped, index shifted
        ("added", None, "features.5"),                # BatchNorm2d(32)
        ("changed", "classifier.1", "classifier.1"),  # 128 → 256 units
        ("changed", "classifier.2", "classifier.2"),  # ReLU output (1, 128) → (1, 256)
        ("added", None, "classifier.3"),              # Dropout
        ("changed", "classifier.3", "classifier.4"),  # Linear(128→256, 10)
    ]
    for c in m["layers"]:
        assert c["after"]["params"] == hl[c["path"]]["params"]
    # base side, by torch's Conv2d/Linear formulas (out·in·k·k + out, out·in + out);
    # checked live against torch in test_review_cnn_base_against_torch
    before = {c["old_path"]: c["before"]["params"] for c in m["layers"] if c["before"]}
    assert before == {"features.0": 16 * 3 * 9 + 16, "features.3": 32 * 16 * 9 + 32,
                      "classifier.1": 2048 * 128 + 128, "classifier.2": 0, "classifier.3": 128 * 10 + 10}
    assert m["params_before"] == 268650


@pytest.mark.oracle
def test_review_cnn_base_against_torch(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import frameworks
    finally:
        sys.path.pop(0)
    f = tmp_path / "cnn.py"
    f.write_text(_review_cnn_before())
    truth = frameworks.torch_truth(f, "SmallCNN")
    assert truth["total_params"] == 268650
    tl = {r["path"]: r["params"] for r in truth["layers"]}
    assert (tl["features.0"], tl["features.3"], tl["classifier.1"], tl["classifier.3"]) == (448, 4640, 262272, 1290)


def test_alignment_falls_back_to_paths_when_huge() -> None:
    from paramlint import diff
    from paramlint.types import LayerRow, ModelReport

    rows_a = tuple(LayerRow(f"s.{i}", "ReLU", None, 0, 0, None, None) for i in range(5))
    rows_b = (LayerRow("s.0", "Linear", None, 6, 6, None, None),) + tuple(LayerRow(f"s.{i + 1}", "ReLU", None, 0, 0, None, None) for i in range(5))
    a = ModelReport("M", None, "torch", None, 0, 0, 0, rows_a)
    b = ModelReport("M", None, "torch", None, 6, 6, 0, rows_b)
    d = diff.compare_models("m.py", "M", a, b)
    assert [(c.status, c.path) for c in d.layers] == [("added", "s.0")]
    old = diff._ALIGN_LIMIT
    diff._ALIGN_LIMIT = 1
    try:
        d = diff.compare_models("m.py", "M", a, b)
    finally:
        diff._ALIGN_LIMIT = old
    assert [(c.status, c.path) for c in d.layers] == [("changed", "s.0"), ("added", "s.5")]


def test_paths_may_follow_options(lenet_repo: Path) -> None:
    rc, out = run(lenet_repo, "HEAD~1", "--format", "json", "--head", "HEAD", "models/lenet.py")
    assert rc == 0
    assert [m["name"] for m in json.loads(out)["models"]] == ["LeNet"]


def test_configuration_input_shapes_and_excludes_apply_to_both_sides(lenet_repo: Path) -> None:
    (lenet_repo / "pyproject.toml").write_text(
        '[tool.paramlint]\nexclude = ["models/lenet_keras.py"]\n'
        '[tool.paramlint.models."models/lenet.py::LeNet"]\ninput-shape = [4, 3, 32, 32]\n'
    )
    rc, out = run(lenet_repo, "HEAD~1", "--head", "HEAD", "--format", "json")
    models = {m["name"]: m for m in json.loads(out)["models"]}
    assert set(models) == {"LeNet"}
    g = golden("lenet_torch")["LeNet"]
    fc1 = {c["path"]: c for c in models["LeNet"]["layers"]}["fc1"]
    assert fc1["before"]["output_shape"] == [4] + g["layers"][4]["output_shape"][1:]  # batch 4 on both sides
    assert fc1["after"]["output_shape"] == [4, 160]
    assert models["LeNet"]["activations_before"] == 4 * sum(_prod(r["output_shape"]) for r in g["layers"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "concise", "github", "sarif"])
def test_a_suppressed_growth_finding_is_suppressed_in_every_format(lenet_repo: Path, fmt: str) -> None:
    # text, markdown and json listed the suppressed PRM202 and exited 1; the check formats
    # dropped it and exited 0: the exit code depended on --format
    lenet = lenet_repo / "models" / "lenet.py"
    lenet.write_text(lenet.read_text().replace("class LeNet(nn.Module):", "class LeNet(nn.Module):  # noqa: PRM202"))
    commit(lenet_repo, "accepted growth")
    rc, out = run(lenet_repo, "HEAD~2", "--head", "HEAD", "--format", fmt, "--max-params-growth", "10%")
    assert rc == 0, out
    assert "grew by" not in out or fmt == "sarif" and '"results": []' in out


def test_a_model_unknown_on_both_sides_is_unknown_when_its_sources_changed(tmp_path: Path) -> None:
    # Its figures are unknown on both sides (an unmodelled call sizes it): the same unknowns
    # said "unchanged" although the hidden size went from 256 to 4096. Now: "unknown" when its
    # file (or a file it imports) differs; "unchanged", with no growth finding, when not.
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    src = (
        "import torch.nn as nn\nfrom somewhere import parse\n\n\n"
        "def build(hidden=parse(256)):\n    return nn.Sequential(nn.Linear(8, hidden), nn.Linear(hidden, 2))\n"
    )
    (repo / "m.py").write_text(src)
    (repo / "other.py").write_text("x = 1\n")
    commit(repo, "base")
    (repo / "other.py").write_text("x = 2\n")  # (m.py does not import it)
    rc, out = run(repo, "HEAD", "--format", "json", "--max-params-growth", "10%")
    (m,) = json.loads(out)["models"]
    assert (m["status"], rc) == ("unchanged", 0), out
    (repo / "m.py").write_text(src.replace("256", "4096"))
    rc, out = run(repo, "HEAD", "--format", "json")
    (m,) = json.loads(out)["models"]
    assert m["status"] == "unknown" and m["params_before"] is None and m["params_after"] is None
    rc, out = run(repo, "HEAD")
    assert "m.py::build (figures unknown; its sources changed)" in out


def test_an_unknown_revision_is_named(lenet_repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # the message was "git: git rev-parse failed", naming neither the revision nor the problem
    rc, _ = run(lenet_repo, "nosuchrev")
    assert rc == 2
    assert "'nosuchrev' is neither a revision of this repository nor an existing path" in capsys.readouterr().err


def test_a_named_block_file_brings_in_the_models_built_from_it(tmp_path: Path) -> None:
    # "diff main models/blocks.py" said "no model changed (0 compared)" while the models built
    # from blocks.py grew; check already brought in the files importing a named file
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "models" / "__init__.py").write_text("")
    (repo / "models" / "blocks.py").write_text("import torch.nn as nn\n\nWIDTH = 8\n\n\ndef block():\n    return nn.Linear(4, WIDTH)\n")
    (repo / "models" / "net.py").write_text("from models.blocks import block\n\n\ndef build():\n    return block()\n")
    commit(repo, "base")
    (repo / "models" / "blocks.py").write_text("import torch.nn as nn\n\nWIDTH = 16\n\n\ndef block():\n    return nn.Linear(4, WIDTH)\n")
    rc, out = run(repo, "HEAD", "models/blocks.py", "--format", "json")
    changed = {m["name"]: (m["params_before"], m["params_after"]) for m in json.loads(out)["models"] if m["status"] == "changed"}
    assert changed == {"block": (4 * 8 + 8, 4 * 16 + 16), "build": (4 * 8 + 8, 4 * 16 + 16)}, out  # (net.py's build too)
