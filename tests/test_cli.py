"""The command line: exit codes, formats, bad files next to good ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

from paramlint import __version__
from paramlint.cli import main


def test_version(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    assert __version__ in capsys.readouterr().out


def test_summary_text_groups_numbers(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["summary", str(FIXTURES / "lenet_torch.py")]) == 0
    out = capsys.readouterr().out
    assert "Total params: 62,958" in out
    assert "48,120" in out
    assert "(1, 8, 28, 28)" in out


def test_input_shape_flag(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "net.py"
    src.write_text(
        "import torch.nn as nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(16, 4)\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n"
    )
    assert main(["summary", "--format", "json", "--input-shape", "2,16", str(src)]) == 0
    doc = json.loads(capsys.readouterr().out)
    m = doc["files"][0]["models"][0]
    # nn.Linear(16, 4): weight 4·16 + bias 4 = 68 (torch.nn.Linear, torch/nn/modules/linear.py)
    assert m["total_params"] == 68
    assert m["layers"][0]["output_shape"] == [2, 4]
    assert m["input_shape"] == [[2, 16]]


def test_json_schema_and_null_for_unknown(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "cli_model.py"
    src.write_text(
        "import argparse\nimport torch.nn as nn\n"
        "def build():\n"
        "    n = argparse.ArgumentParser().parse_args().width\n"
        "    return nn.Sequential(nn.Linear(8, n))\n"
    )
    assert main(["summary", "--format", "json", str(src)]) == 0
    doc = json.loads(capsys.readouterr().out)
    f = doc["files"][0]
    assert set(f) >= {"path", "error", "models"}
    m = f["models"][0]
    assert set(m) >= {"name", "line", "framework", "input_shape", "total_params", "trainable_params",
                      "non_trainable_params", "exact", "layers", "unresolved"}
    assert m["total_params"] is None and m["exact"] is False
    assert m["unresolved"] and m["unresolved"][0]["line"] == 4


def test_bad_file_does_not_stop_the_others(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "a_bad.py"
    bad.write_text("class Broken(:\n    pass\n")
    undecodable = tmp_path / "b_bytes.py"
    undecodable.write_bytes(b"x = '\xff\xfe'\n")
    good = tmp_path / "c_good.py"
    good.write_text((FIXTURES / "lenet_torch.py").read_text())
    code = main(["summary", "--format", "json", str(tmp_path)])
    assert code == 2
    doc = json.loads(capsys.readouterr().out)
    by = {Path(f["path"]).name: f for f in doc["files"]}
    assert "syntax error" in by["a_bad.py"]["error"]
    assert by["a_bad.py"]["error_location"]["line"] == 1
    assert "decode" in by["b_bytes.py"]["error"]
    assert by["c_good.py"]["models"][0]["total_params"] == 62958


def test_module_entry_point_runs() -> None:
    r = subprocess.run([sys.executable, "-m", "paramlint", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and __version__ in r.stdout


def test_summary_and_explain_take_the_configured_input_shapes(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # check used [tool.paramlint.models."m.py::Net"] input-shape; summary and explain did not
    # (no shapes, no MACs), so the figures a check judged could not be looked at
    (tmp_path / "pyproject.toml").write_text('[tool.paramlint.models."m.py::Net"]\ninput-shape = [2, 8]\n')
    (tmp_path / "m.py").write_text("import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
                                   "        super().__init__()\n        self.fc = nn.Linear(8, 4)\n\n"
                                   "    def forward(self, x):\n        return self.fc(x)\n")
    monkeypatch.chdir(tmp_path)
    assert main(["summary", "--no-cache", "--format", "json", "m.py"]) == 0
    (m,) = json.loads(capsys.readouterr().out)["files"][0]["models"]
    assert m["input_shape"] == [[2, 8]] and m["total_macs"] == 2 * 8 * 4
    assert main(["explain", "m.py::Net"]) == 0
    assert "(2, 8) → (2, 4)" in capsys.readouterr().out


def test_explain_of_a_directory_says_so(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["explain", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "a directory; explain takes one file" in err and ":1:1:" not in err
