"""The sample portfolio in projects/: valid, varied, and in step with the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.portfolio import load_portfolio
from schema.catalogue import Severity
from schema.project import Scope, Status
from tests.conftest import REPO, TODAY

PORTFOLIO = load_portfolio(REPO, today=TODAY)
PROJECT_FILES = sorted((REPO / "projects").glob("*.yaml"))


def test_the_sample_portfolio_has_no_errors_and_some_warnings() -> None:
    assert PORTFOLIO.error_count == 0, [f.message for c in PORTFOLIO.files for f in c.errors]
    assert PORTFOLIO.warning_count > 0
    assert len(PORTFOLIO.projects) >= 12


def test_the_sample_portfolio_covers_every_status_focus_area_and_scope() -> None:
    projects = PORTFOLIO.projects.values()
    assert {p.status for p in projects} == set(Status)
    assert {p.scope for p in projects} == set(Scope)
    assert PORTFOLIO.programme is not None
    assert {a for p in projects for a in p.focus_areas} == set(PORTFOLIO.programme.focus_areas_by_id)


def test_the_warnings_come_from_several_rules() -> None:
    codes = {f.code for c in PORTFOLIO.files for f in c.findings if f.severity is Severity.WARNING}
    assert len(codes) >= 3


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: p.stem)
def test_each_project_file_points_editors_at_the_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../schema/project.schema.json"


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: p.stem)
def test_each_project_file_passes_the_editor_json_schema(path: Path) -> None:
    schema = json.loads((REPO / "schema" / "project.schema.json").read_text(encoding="utf-8"))
    instance = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.Draft202012Validator(schema).validate(instance)


def test_focus_areas_yaml_passes_its_json_schema() -> None:
    schema = json.loads((REPO / "schema" / "programme.schema.json").read_text(encoding="utf-8"))
    instance = json.loads(json.dumps(yaml.safe_load((REPO / "focus_areas.yaml").read_text("utf-8")), default=str))
    jsonschema.Draft202012Validator(schema).validate(instance)
