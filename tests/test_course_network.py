"""The classic course CNN, both ways: the numbers the frameworks report, not the course's.

Framework truth (torch 2.13.0 ``parameters()``, Keras 3.15 ``count_params()``; see
tests/golden/lenet_*.json, produced by tests/golden/make_golden.py):
608 / 0 / 3,216 / 0 / 48,120 / 10,164 / 850 = 62,958 parameters, activations
6,272 / 1,568 / 1,600 / 400 / 120 / 84 / 10.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, analyze, models_by_name

FRAMEWORK_PARAMS = [608, 0, 3216, 0, 48120, 10164, 850]
FRAMEWORK_ACTIVATIONS = [6272, 1568, 1600, 400, 120, 84, 10]
# The course handout's table: forgets input channels, one bias per layer. Wrong.
COURSE_TABLE = [208, 416, 48001, 10081, 841]


def _course_rows(model):  # type: ignore[no-untyped-def]
    return [r for r in model.layers if r.type not in ("Flatten",)]


@pytest.mark.parametrize("fixture,name", [("lenet_torch.py", "LeNet"), ("lenet_keras.py", "model"), ("lenet_tf_keras.py", "model")])
def test_course_network_is_exact(fixture: str, name: str) -> None:
    report = analyze(FIXTURES / fixture)
    assert report.error is None
    m = models_by_name(report)[name]
    assert m.total_params == 62958
    assert m.trainable_params == 62958
    assert m.non_trainable_params == 0
    rows = _course_rows(m)
    assert [r.params for r in rows] == FRAMEWORK_PARAMS
    assert [r.activation_size for r in rows] == FRAMEWORK_ACTIVATIONS


def test_course_table_is_not_what_frameworks_count() -> None:
    m = models_by_name(analyze(FIXTURES / "lenet_torch.py"))["LeNet"]
    ours = [r.params for r in _course_rows(m) if r.params]
    conv_fc = [608, 3216, 48120, 10164, 850]
    assert ours == conv_fc
    # conv: 5·5·3·8 + 8 (input channels and one bias per filter), not 5·5·8 + 8 = 208
    assert ours[0] == 5 * 5 * 3 * 8 + 8 and COURSE_TABLE[0] == 5 * 5 * 8 + 8
    # fc: 400·120 + 120 (one bias per unit), not 400·120 + 1 = 48,001
    assert ours[2] == 400 * 120 + 120 and COURSE_TABLE[2] == 400 * 120 + 1
    assert all(a != b for a, b in zip(ours, COURSE_TABLE))


def test_formula_shows_the_framework_convention() -> None:
    m = models_by_name(analyze(FIXTURES / "lenet_torch.py"))["LeNet"]
    conv1 = m.layers[0]
    assert conv1.formula == "weight 8·3·5·5 = 600, bias 8"
