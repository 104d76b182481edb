"""Diagnostics as data, and the rule registry that gives each code its name and docs.

Codes are stable (``PRM`` + 3 digits, free in ruff and flake8); names are kebab-case like
ruff's. Adding a rule is adding one :class:`Rule` to :data:`RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

from paramlint.types import SLOTS, ModelReport

@dataclass(frozen=True, **SLOTS)
class Rule:
    code: str
    name: str
    #: One line: what the rule reports.
    summary: str
    #: Why it matters and what to do about it.
    doc: str


RULES: Dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("PRM101", "layer-params-over-budget", "A layer has more parameters than max-layer-params.",
             "One oversized layer (often the first fully connected layer after a flatten) dominates a model's "
             "size. Shrink it (fewer units, pool before flattening) or raise max-layer-params for this model."),
        Rule("PRM102", "layer-activation-over-budget", "A layer's output has more elements than max-activation-size.",
             "Output elements (batch included) drive activation memory in training. Needs an input shape "
             "(a `# paramlint: input-shape=` comment, `input-shape` in the config, or --input-shape)."),
        Rule("PRM201", "model-params-over-budget", "A model has more parameters in total than max-params.",
             "The total counts each distinct parameter once (tied weights once), trainable and not, as the "
             "framework reports it."),
        Rule("PRM202", "model-params-growth-over-budget", "A model grew by more than max-params-growth between two revisions.",
             "Reported by `paramlint diff`: the growth of the model's total from the base revision, against "
             "max-params-growth (a share of the base size like \"10%\", or a count like \"2M\"). A new model is "
             "checked against a count budget only."),
        Rule("PRM203", "model-activation-memory-over-budget", "A forward pass's activations take more bytes than max-activation-memory.",
             "The sum of every layer output's elements (batch from the input shape) times the size of "
             "activation-dtype (default float32). Needs an input shape."),
        Rule("PRM204", "model-macs-over-budget", "A forward pass takes more multiply-accumulates than max-macs.",
             "MACs, not FLOPs (one MAC is a multiply and an add; FLOPs are about 2x MACs), as "
             "torch.utils.flop_counter counts them divided by 2. Needs an input shape."),
        Rule("PRM901", "parse-error", "A file could not be read, decoded or parsed, or its analysis failed.",
             "Nothing in the file was checked. Always an error; the run exits with status 2."),
        Rule("PRM902", "unknown-layer", "A layer type is not in paramlint's catalog.",
             "Its parameters cannot be counted, so totals that include it are unknown (never guessed). "
             "Severity follows the `unknown` setting."),
        Rule("PRM903", "unresolved-figure", "A figure that a budget needs could not be computed exactly.",
             "The message says why and where (e.g. a size that comes from argparse). The budget was not "
             "checked. Severity follows the `unknown` setting."),
        Rule("PRM904", "evaluation-limit", "Analysis stopped at an evaluation limit.",
             "paramlint bounds steps, loops, recursion and sizes; figures past the limit are unknown. "
             "Severity follows the `unknown` setting."),
        Rule("PRM905", "invalid-comment", "A suppression or `# paramlint:` directive that paramlint cannot read.",
             "A code or rule name it does not have (`# noqa: PRM1O1`), a directive key it does not know, or "
             "an input shape that is not one: the comment did nothing. Severity follows the `unknown` setting."),
        Rule("PRM906", "unmatched-model-settings", "A [tool.paramlint.models.\"path::Name\"] table names no model.",
             "Its file does not exist, or was checked and has no model of that name (a typo or a rename): its "
             "budgets and input shape apply to nothing. A warning, at the table's line in the configuration."),
    )
}

BY_NAME: Dict[str, str] = {r.name: c for c, r in RULES.items()}

SEVERITY_RANK = {"error": 0, "warning": 1}


@dataclass(frozen=True, **SLOTS)
class Diagnostic:
    """One finding. Positions are LibCST-native (1-based line, 0-based code-point column)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    #: ``error`` (fails the run) or ``warning`` (reported, exit status unaffected).
    severity: str = "error"
    #: The model (entry point) the finding is about, if any.
    model: Optional[str] = None
    #: The layer's dotted path in that model, if any.
    layer: Optional[str] = None
    #: The measured figure and the budget it broke, for budget rules.
    value: Optional[int] = None
    limit: Optional[int] = None
    #: Extra detail for the ``full`` format (e.g. the framework formula of a layer's count).
    note: str = ""

    @property
    def name(self) -> str:
        return RULES[self.code].name

    @property
    def overage(self) -> float:
        """How far over budget, as a ratio (0 when not a budget finding) — for ordering."""
        if self.value is None or self.limit is None:
            return 0.0
        return float("inf") if self.limit == 0 else (self.value - self.limit) / self.limit

    def sort_key(self) -> Tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def order_key(self) -> Tuple[str, int, int, str]:
        """Report order: by place, then code; ties keep emission order (layer order in a model)."""
        return (self.path, self.line, self.column, self.code)

    def worst_first_key(self) -> Tuple[int, float, Tuple[str, int, int, str]]:
        return (SEVERITY_RANK.get(self.severity, 9), -self.overage, self.order_key())


@dataclass(frozen=True, **SLOTS)
class CheckedModel:
    """A model that was checked, with the settings that applied (for the markdown table)."""

    path: str
    model: ModelReport
    max_params: Optional[int]
    max_layer_params: Optional[int]
    max_activation_size: Optional[int]


@dataclass(frozen=True)
class CheckResult:
    """Everything a formatter may show: diagnostics (sorted) and the checked models."""

    diagnostics: Tuple[Diagnostic, ...]
    models: Tuple[CheckedModel, ...] = ()
    files_checked: int = 0
    #: Directory that repository-relative paths (SARIF, GitLab) are relative to.
    root: str = "."

    def repo_path(self, path: str) -> str:
        """``path`` (relative to the working directory, or absolute) relative to ``root``, with
        ``/``; absolute when outside it."""
        import os

        a = os.path.abspath(path)
        r = os.path.relpath(a, os.path.abspath(self.root))
        return a if r.startswith("..") else r.replace(os.sep, "/")
    #: Source lines of files that have diagnostics (for ``full`` and byte columns).
    lines: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    #: Diagnostics silenced by inline comments.
    suppressed: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    @property
    def abnormal(self) -> bool:
        return any(d.code == "PRM901" for d in self.diagnostics)
