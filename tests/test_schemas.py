"""The editor JSON Schemas and the other generated files: shaped for editors, true to the models, never stale.

What yaml-language-server makes of the schemas is tested against the real server
in tests/test_lsp.py; these tests need no node and run in the fast suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel, ValidationError

from generator.issue_form import ISSUE_FORM_PATH
from generator.portfolio import load_programme
from generator.schemas import drift_note, expected_generated_files, stale_generated_files, write_generated_files
from schema.jsonschema import programme_json_schema, project_json_schema
from schema.programme import Programme
from schema.project import (
    InfrastructureComponent,
    Project,
    ProjectModelGovernance,
    Scope,
    SmallProjectGovernance,
    Status,
)
from schema.typing_tools import flatten, is_model
from tests.conftest import REPO, PortfolioFactory, valid_project
from tests.test_cli import invoke

_, PROGRAMME = load_programme(REPO)
assert PROGRAMME is not None
PROJECT_SCHEMA = project_json_schema(PROGRAMME)
SCHEMAS = {"project": PROJECT_SCHEMA, "programme": programme_json_schema()}


def model_classes(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The model and every model its fields hold, through sections, lists and choices."""
    yield model
    for info in model.model_fields.values():
        for candidate in flatten(info.annotation):
            inner = get_args(candidate)[0] if get_origin(candidate) is list else candidate
            for member in flatten(inner):
                if is_model(member):
                    yield from model_classes(member)


def class_names(model: type[BaseModel]) -> set[str]:
    """The names of the model's classes that are not also their Danish titles (as "Person" is)."""
    return {m.__name__ for m in model_classes(model) if m.model_config.get("title") != m.__name__}


def _nodes(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in a schema, with where it is."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{path}/{index}")


def _all_nodes() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, schema in SCHEMAS.items():
        for path, node in _nodes(schema):
            if not path.endswith(("/examples", "/default")) and "/examples/" not in path:
                yield f"{name}{path}", node


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_schemas_are_valid_json_schemas(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name])


def test_no_class_names_refs_or_anyof_reach_the_editor() -> None:
    # A $ref would show the class's title, anyOf joins titles ("Start || Start").
    found = [
        (path, key) for path, node in _all_nodes() for key in ("$ref", "$defs", "anyOf", "discriminator") if key in node
    ]
    assert found == []
    titles = {node["title"] for _, node in _all_nodes() if isinstance(node.get("title"), str)}
    assert not titles & {name for root in (Project, Programme) for name in class_names(root)}


def test_every_check_has_a_danish_message() -> None:
    missing = []
    for path, node in _all_nodes():
        checks = {"type", "enum", "required"} & set(node) or ({"additionalProperties"} & set(node))
        if checks and "errorMessage" not in node and not path.endswith("/properties"):
            missing.append(path)
        if "pattern" in node and "patternErrorMessage" not in node:
            missing.append(f"{path} (pattern)")
        if "minItems" in node or ("minLength" in node and node["minLength"] > 0):
            missing.append(f"{path} (a length yaml-language-server says in English)")
    assert missing == []


def test_every_choice_has_a_danish_description() -> None:
    for path, node in _all_nodes():
        if "enum" in node:
            descriptions = node.get("enumDescriptions", [])
            assert len(descriptions) == len(node["enum"]), path
            assert all(descriptions), path


def _described(node: dict[str, Any]) -> dict[Any, str]:
    return dict(zip(node["enum"], node["enumDescriptions"], strict=True))


def test_the_choices_are_described_by_the_models_and_the_programme() -> None:
    properties = PROJECT_SCHEMA["properties"]
    assert _described(properties["status"]) == {status.value: status.label for status in Status}
    assert _described(properties["scope"]) == {scope.value: scope.label for scope in Scope}
    components = properties["infrastructure"]["oneOf"][0]["properties"]["components"]["items"]
    assert _described(components) == {component.value: component.label for component in InfrastructureComponent}
    assert _described(properties["focus_areas"]["items"]) == PROGRAMME.names_by_field["focus_areas"]
    assert _described(properties["anchoring"]) == PROGRAMME.anchorings
    assert _described(properties["governance"]["properties"]["model"]) == {
        "project_model": ProjectModelGovernance.model_fields["model"].description,
        "small_project": SmallProjectGovernance.model_fields["model"].description,
    }
    # "true: projektet følger …" reads "projektet følger …" beside the value true.
    assert _described(properties["infrastructure"]["properties"]["follows"])[True].startswith("projektet følger")


def test_a_section_takes_the_title_of_the_field_that_holds_it() -> None:
    properties = PROJECT_SCHEMA["properties"]
    for name in ("common_initiative", "owner", "signoffs", "governance", "infrastructure"):
        assert properties[name]["title"] == Project.model_fields[name].title
        assert properties[name]["description"] == Project.model_fields[name].description
    assert properties["signoffs"]["properties"]["dpo"]["title"] == "Databeskyttelsesrådgiver"


# A project with one change, and whether the model takes it: the schema must say the same.
VARIANTS = [
    pytest.param({}, id="valid"),
    pytest.param({"start": None, "common_initiative": None, "governance": None}, id="empty-optional-values"),
    pytest.param({"title": "   "}, id="blank-title"),
    pytest.param({"status": "færdig"}, id="unknown-status"),
    pytest.param({"kle": ["27.24"]}, id="kle-without-subject"),
    pytest.param({"kle": ["27.24.00G01"]}, id="kle-with-facet"),
    pytest.param({"owner": {"name": "Anne"}}, id="owner-without-email"),
    pytest.param({"owner": {"name": "Anne", "email": "a@b.dk", "phone": "1"}}, id="owner-with-phone"),
    pytest.param({"governance": {"model": "small_project"}}, id="small-project-without-reason"),
    pytest.param({"governance": {"model": "small_project", "reason": "Kort forsøg"}}, id="small-project"),
    pytest.param(
        {"governance": {"model": "project_model", "business_case": {"reference": "r", "benefits": []}}},
        id="no-benefits",
    ),
    pytest.param({"infrastructure": {"follows": False}}, id="deviation-without-reason"),
    pytest.param({"infrastructure": {"follows": True, "deviation": "x"}}, id="follows-with-deviation"),
    pytest.param({"milestones": [{"title": "A", "date": "2026-01-01", "done": "ja"}]}, id="done-in-danish"),
    pytest.param({"focus_areas": ["ukendt"]}, id="unknown-focus-area"),
    pytest.param({"anchoring": "central"}, id="central-anchoring"),
]


@pytest.mark.parametrize("changes", VARIANTS)
def test_the_schema_accepts_what_the_model_accepts(changes: dict[str, Any]) -> None:
    project = json.loads(json.dumps(valid_project(), default=str)) | changes
    try:
        Project.model_validate(project)
        model_takes_it = project.get("focus_areas") != ["ukendt"]  # the programme's ids are a rule, not the model
    except ValidationError:
        model_takes_it = False
    schema_takes_it = jsonschema.Draft202012Validator(PROJECT_SCHEMA).is_valid(project)
    assert schema_takes_it == model_takes_it


# --- no drift --------------------------------------------------------------------------------------

NEW_AREA = """
  - id: faelles-data
    number: 7
    title: Fælles data på tværs
    description: Data deles på tværs af fagområderne.
"""


def _with_generated_files(make_portfolio: PortfolioFactory) -> Path:
    root = make_portfolio()
    write_generated_files(root)
    return root


def _add_focus_area(root: Path) -> None:
    path = root / "focus_areas.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndepartments:", NEW_AREA + "\ndepartments:", 1), encoding="utf-8")


def test_schema_writes_every_generated_file(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    written = write_generated_files(root)
    assert {path.relative_to(root) for path in written} == {
        Path("schema/project.schema.json"),
        Path("schema/programme.schema.json"),
        ISSUE_FORM_PATH,
    }
    assert stale_generated_files(root) == []
    assert set(expected_generated_files(root)) == set(written)


def test_validate_says_in_danish_that_the_generated_files_are_stale(
    runner: CliRunner, make_portfolio: PortfolioFactory
) -> None:
    root = _with_generated_files(make_portfolio)
    _add_focus_area(root)
    code, _, err = invoke(runner, root, "validate")
    assert code == 0  # the projects are right; the pull request's `schema --check` fails on it
    drift = [line for line in err.splitlines() if "schema.json" in line]  # beside the programme's own notes
    assert drift == [
        "Bemærk: schema/project.schema.json og .github/ISSUE_TEMPLATE/nyt-projekt.yml passer ikke længere til "
        "focus_areas.yaml og datamodellen; editoren og formularen til nye projekter tilbyder derfor forkerte "
        "felter og valg. Kør 'handleplan schema' og commit resultatet."
    ]


def test_schema_check_fails_in_danish_and_schema_fixes_it(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = _with_generated_files(make_portfolio)
    (root / "focus_areas.yaml").write_text(
        (root / "focus_areas.yaml")
        .read_text(encoding="utf-8")
        .replace("  name: Økonomi\n", "  name: Økonomi og Løn\n"),
        encoding="utf-8",
    )
    code, out, err = invoke(runner, root, "schema", "--check")
    assert code == 1
    assert out == "Forældet: schema/project.schema.json\nForældet: .github/ISSUE_TEMPLATE/nyt-projekt.yml\n"
    assert "passer ikke længere til focus_areas.yaml og datamodellen" in err
    assert "Kør 'handleplan schema' og commit resultatet." in err
    code, out, _ = invoke(runner, root, "schema")
    assert code == 0
    assert out == "Skrev: schema/project.schema.json\nSkrev: .github/ISSUE_TEMPLATE/nyt-projekt.yml\n"
    schema = json.loads((root / "schema" / "project.schema.json").read_text(encoding="utf-8"))
    assert "Økonomi og Løn" in schema["properties"]["anchoring"]["enumDescriptions"]
    assert invoke(runner, root, "schema", "--check")[:2] == (0, "De genererede filer er opdaterede.\n")
    assert "passer ikke længere" not in invoke(runner, root, "validate")[2]


def test_a_portfolio_without_generated_files_is_not_nagged(make_portfolio: PortfolioFactory) -> None:
    assert drift_note(make_portfolio()) is None


def test_a_broken_programme_is_left_to_validate(make_portfolio: PortfolioFactory) -> None:
    root = _with_generated_files(make_portfolio)
    (root / "focus_areas.yaml").write_text("name: [\n", encoding="utf-8")
    assert drift_note(root) is None


def test_the_issue_form_is_generated_yaml(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    form = yaml.safe_load(expected_generated_files(root)[root / ISSUE_FORM_PATH])
    assert form["name"] == "Nyt projekt"
