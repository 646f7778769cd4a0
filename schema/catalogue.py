"""The rule catalogue (rules.yaml) and the findings that rules produce."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import Field, TypeAdapter

from schema.common import StrictModel, Text


class Severity(StrEnum):
    """Errors fail validation; warnings are reported and pass."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return "fejl" if self is Severity.ERROR else "advarsel"


class AppliesTo(StrEnum):
    """Which projects a rule is checked on."""

    FILE = "file"
    ALL = "all"
    PAST_IDEA = "past_idea"


# A rule's code: in the catalogue and wherever a project names a rule (a dispensation).
RULE_CODE_PATTERN = r"^HP[0-9]{3}$"


class Rule(StrictModel):
    """One entry of the rule catalogue."""

    code: str = Field(pattern=RULE_CODE_PATTERN)
    severity: Severity
    applies_to: AppliesTo
    title: Text
    action: Text
    message: Text
    why: Text
    fix: Text
    requires: list[str] = Field(default_factory=list)
    when: Text | None = None
    dispensable: bool = True

    @property
    def can_be_dispensed(self) -> bool:
        """Whether a dispensation may cover the rule: a programme rule, never the file's own (HP0xx)."""
        return self.dispensable and not self.code.startswith("HP0")

    def format_message(self, **values: Any) -> str:
        """The Danish message with its placeholders filled in."""
        return self.message.format(**values)

    @property
    def general_fix(self) -> str:
        """The remedy as a rule list shows it, placeholders read as '…'."""
        return re.sub(r"\{[a-z_]+\}", "…", self.fix)

    def format_fix(self, **values: Any) -> str:
        """The Danish remedy with its placeholders filled in."""
        return self.fix.format(**values)


@cache
def rule_catalogue() -> dict[str, Rule]:
    """Every rule, keyed by code, in catalogue order."""
    text = files("schema").joinpath("rules.yaml").read_text(encoding="utf-8")
    rules = TypeAdapter(list[Rule]).validate_python(yaml.safe_load(text))
    return {rule.code: rule for rule in rules}


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Waiver:
    """A valid dispensation covering a finding: who granted it, why, and the last day it holds."""

    granted_by: str
    granted_on: dt.date
    expires: dt.date
    reason: str


@dataclass(frozen=True)
class Finding:
    """A rule broken by one project, with where in the file it happened.

    `loc` is the key path inside the file; `at_key` says whether the finding
    points at the key itself (an unknown or duplicate key) or at its value.
    `line` and `column` are filled in by whoever knows the file (1-based).
    """

    code: str
    message: str
    fix: str
    loc: Loc = ()
    at_key: bool = False
    line: int | None = None
    column: int | None = None
    # Set when a valid dispensation covers the finding: it is shown as "dispenseret" and passes.
    waiver: Waiver | None = None

    def at(self, line: int, column: int) -> Finding:
        """The same finding, placed at a 1-based line and column."""
        return replace(self, line=line, column=column)

    @property
    def rule(self) -> Rule:
        """The catalogue entry behind this finding."""
        return rule_catalogue()[self.code]

    @property
    def severity(self) -> Severity:
        """Error or warning, as the catalogue says."""
        return self.rule.severity


def finding(code: str, loc: Loc = (), *, at_key: bool = False, **values: Any) -> Finding:
    """Build a finding for rule `code`, its texts filled in from the catalogue."""
    rule = rule_catalogue()[code]
    return Finding(
        code=code,
        message=rule.format_message(**values),
        fix=rule.format_fix(**values),
        loc=loc,
        at_key=at_key,
    )
