"""The guide's example keeps every rule whatever day the site is built."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from generator.example_project import example_project
from generator.portfolio import check_project_source
from generator.project_yaml import project_text
from schema.checks import CheckContext
from schema.programme import Programme
from tests.conftest import REPO

PROGRAMME = Programme.model_validate(yaml.safe_load((REPO / "focus_areas.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "day", [dt.date(2026, 1, 1), dt.date(2026, 11, 24), dt.date(2031, 5, 5), dt.date(2040, 12, 31)]
)
def test_the_example_is_valid_and_warns_of_nothing_on_any_day(day: dt.date) -> None:
    text = project_text(example_project(PROGRAMME, day), hints=False)
    checked = check_project_source(
        "projects/digital-pladsanvisning.yaml", text.encode(), CheckContext(PROGRAMME, day, frozenset())
    )
    assert checked.project is not None and checked.findings == ()
    assert checked.project.status.is_past_idea  # so it shows the sign-offs, governance and infrastructure too


def test_the_example_uses_the_programme_and_not_the_code_for_local_details() -> None:
    data = example_project(PROGRAMME, dt.date(2026, 11, 24))
    assert data["focus_areas"][0] in PROGRAMME.focus_areas_by_id
    assert data["anchoring"] in PROGRAMME.anchorings
    assert data["owner"]["email"].endswith(f"@{PROGRAMME.email_domain}")
