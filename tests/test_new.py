"""Writing a new project: the project file's text, the checked writer, and `handleplan new`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import ValidationError

from generator.cli import main
from generator.errors import NewProjectInvalid, ProjectExists
from generator.loader import parse_document
from generator.new_project import project_id_from_title, write_new_project
from generator.portfolio import check_project_source, load_portfolio
from generator.project_yaml import SCHEMA_LINE, project_text
from schema.project import Project
from tests.conftest import REPO, TODAY, VALID_PROJECT, PortfolioFactory, valid_project
from tests.test_site import copy_repository

# --- project_text ------------------------------------------------------------

IDEA: dict[str, Any] = {
    key: VALID_PROJECT[key] for key in ("title", "summary", "focus_areas", "anchoring", "owner", "lead")
} | {"status": "idea", "scope": "local"}


def test_the_text_starts_with_the_schema_line_and_keeps_the_models_order() -> None:
    shuffled = dict(reversed(list(VALID_PROJECT.items())))
    text = project_text(shuffled)
    assert text.startswith(SCHEMA_LINE + "\n")
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == [key for key in Project.model_fields if key in VALID_PROJECT]


def test_the_choosing_key_comes_first_in_alternatives() -> None:
    text = project_text(
        valid_project(
            governance={"reason": "Kort forsøg", "model": "small_project"},
            infrastructure={"deviation": "Ingen komponenter passer", "follows": False},
        )
    )
    assert "governance:\n  model: small_project\n  reason: " in text
    assert "infrastructure:\n  follows: false\n  deviation: " in text


def test_values_keep_their_kind() -> None:
    text = project_text(valid_project(kle=["27.24.00"], title="no", related=["on"]))
    assert '  - "27.24.00"' in text  # a KLE number stays text
    assert 'title: "no"' in text and '  - "on"' in text  # not YAML 1.1 booleans
    assert "start: 2025-01-01" in text and "amount_dkk_per_year: 50000" in text and "done: true" in text


def test_fields_left_out_get_hints_from_the_model() -> None:
    text = project_text(IDEA)
    for key in ("milestones", "signoffs", "governance", "infrastructure", "considerations", "kle"):
        info = Project.model_fields[key]
        assert info.title is not None and info.description is not None
        hint = next(line for line in text.splitlines() if line.startswith(f"# UDFYLD: {info.title}"))
        assert info.description in hint
        assert f"# {key}:" in text
    assert "# UDFYLD: Styring (fra opstart)" in text
    assert '# kle:\n#   - "27.24.00"' in text


def test_hints_are_only_comments() -> None:
    text = project_text(IDEA)
    assert parse_document(text).data == IDEA


# Text as a lead might paste it: every character a UTF-8 file can hold.
_ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@given(title=_ANY_TEXT, name=_ANY_TEXT, kle=st.lists(_ANY_TEXT, max_size=3), note=_ANY_TEXT)
def test_any_text_reads_back_as_written(title: str, name: str, kle: list[str], note: str) -> None:
    data = valid_project(title=title, kle=kle, considerations={"citizens": note})
    data["owner"] = {"name": name, "email": "ae@norddjurs.dk"}
    assert parse_document(project_text(data)).data == data


@hypothesis_settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(title=_ANY_TEXT, summary=_ANY_TEXT, reason=_ANY_TEXT)
def test_a_valid_project_loads_back_as_the_same_project(title: str, summary: str, reason: str) -> None:
    data = valid_project(title=title, summary=summary, governance={"model": "small_project", "reason": reason})
    try:
        expected = Project.model_validate(data)
    except ValidationError:
        assume(False)
        raise
    checked = check_project_source("projects/p.yaml", project_text(data).encode("utf-8"), None)
    assert checked.project == expected


# --- write_new_project ---------------------------------------------------------


def test_a_new_project_is_written_checked(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    path = write_new_project(root, "digital-post", VALID_PROJECT, TODAY)
    assert path == root / "projects" / "digital-post.yaml"
    assert path.read_text(encoding="utf-8") == project_text(VALID_PROJECT)


def test_a_new_project_with_errors_is_not_written(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    with pytest.raises(NewProjectInvalid) as raised:
        write_new_project(root, "uden-ejer", valid_project(owner=None, focus_areas=["klima"]), TODAY)
    messages = raised.value.values["messages"]
    assert isinstance(messages, list)
    assert any(m.startswith("HP011 Feltet 'owner' mangler.") for m in messages)
    assert any("klima" in m for m in messages)
    assert "Projektet er ikke oprettet" in str(raised.value)
    assert not (root / "projects" / "uden-ejer.yaml").exists()


def test_a_new_project_never_overwrites(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"digital-post.yaml": "title: x\n"})
    with pytest.raises(ProjectExists):
        write_new_project(root, "digital-post", VALID_PROJECT, TODAY)
    assert (root / "projects" / "digital-post.yaml").read_text(encoding="utf-8") == "title: x\n"


def test_a_new_project_refuses_a_link_in_its_place(make_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    root = make_portfolio()
    (root / "projects" / "digital-post.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(ProjectExists):
        write_new_project(root, "digital-post", VALID_PROJECT, TODAY)
    assert not (tmp_path / "elsewhere.yaml").exists()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Skærmbesøg i ældreplejen", "skaermbesoeg-i-aeldreplejen"),
        ("Åben data: Økonomi & HR (fase 2)", "aaben-data-oekonomi-hr-fase-2"),
        ("Café-booking", "cafe-booking"),
        ("!!!", "projekt"),
    ],
)
def test_an_id_is_made_from_a_danish_title(title: str, expected: str) -> None:
    assert project_id_from_title(title) == expected


def test_dates_are_dates_after_reading() -> None:
    assert parse_document(project_text(VALID_PROJECT)).data["start"] == dt.date(2025, 1, 1)


# --- handleplan new -----------------------------------------------------------

DAY = ["--today", "24-11-2026"]


def invoke(root: Path, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def errors(root: Path, project_id: str) -> list[str]:
    portfolio = load_portfolio(root, [root / "projects" / f"{project_id}.yaml"], today=TODAY)
    return [f"{f.code} {f.message}" for checked in portfolio.files for f in checked.errors]


IDEA_ANSWERS = [
    "Digital pladsanvisning",  # title
    "Forældre søger plads i dagtilbud digitalt.",  # summary
    "",  # status: Enter picks idé
    "3, Bedre velfærd og styring med data",  # focus areas: a number and a name
    "1",  # scope: local
    "dagtilbud",  # anchoring, by id
    "Hanne Ejer",
    "he@norddjurs.dk",
    "Lars Leder",
    "ikke-en-adresse",  # refused, asked again
    "ll@norddjurs.dk",
]


def test_new_asks_in_danish_and_writes_a_valid_idea(repo: Path) -> None:
    result = invoke(repo, "new", *DAY, input="\n".join(IDEA_ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert "Fokusområder:\n  1. Borger, teknologi og lokaldemokratiet\n" in result.output  # numbered once
    assert "  1. Idé\n" in result.output and "Vælg et nummer [1]:" in result.output
    assert "Fejl: skriv en e-mailadresse, fx navn@norddjurs.dk" in result.output
    assert Project.model_fields["title"].description in result.output  # the question says what the guide says
    assert "Planlagt" not in result.output  # an idea is not asked for its dates
    text = (repo / "projects" / "digital-pladsanvisning.yaml").read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE + "\n")
    assert "status: idea\n" in text
    assert "focus_areas:\n  - sammenhaengende-forloeb\n  - data-styring\n" in text
    assert "anchoring: dagtilbud\n" in text
    assert "# UDFYLD:" in text
    assert errors(repo, "digital-pladsanvisning") == []


START_UP_ANSWERS = [
    "Robot i lønnen",
    "Robotter bogfører lønrefusioner.",
    "Gennemførelse",  # status, by its name
    "2",
    "Fælleskommunalt",
    "Fælles robotter",
    "KL",
    "https://kl.dk",
    "HR og Løn",
    "Ejer",
    "ejer@norddjurs.dk",
    "Leder",
    "leder@norddjurs.dk",
    "01.02.2026",  # start, Danish with dots
    "31-01-2027",  # end, Danish with dashes
    "D",
    "10-01-2026",
    "S",
    "2026-01-11",  # ISO still works
    "I",
    "32-01-2026",  # no such day: asked again
    "12-01-2026",
    "måske",  # small project? refused, asked again
    "nej",
    "Sag 81.00.00-A00-1-26",
    "Færre manuelle posteringer",
    "250.000,50",  # øre: refused, asked again
    "250.000 kr.",
    "Lønchefen",
    "31-12-2027",
    "j",  # follows the infrastructure
    "Organisation, 6",
]


def test_new_asks_what_start_up_requires_in_danish_forms(repo: Path) -> None:
    result = invoke(repo, "new", *DAY, input="\n".join(START_UP_ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert "[j/N]" in result.output and "[J/n]" in result.output
    assert "Fejl: svar ja eller nej (j/n)" in result.output
    assert "har øre; skriv beløbet i hele kroner" in result.output
    assert "32-01-2026 er ikke en dato i kalenderen" in result.output
    text = (repo / "projects" / "robot-i-loennen.yaml").read_text(encoding="utf-8")
    assert "status: execution\n" in text and "start: 2026-02-01\n" in text and "end: 2027-01-31\n" in text
    assert "amount_dkk_per_year: 250000\n" in text
    assert "  components:\n    - organisation\n    - adgangsstyring\n" in text
    assert errors(repo, "robot-i-loennen") == []


def test_a_taken_id_is_asked_again(repo: Path) -> None:
    answers = ["Aula", "", "x", "idé", "1", "1", "1", "A", "a@norddjurs.dk", "B", "b@norddjurs.dk"]  # Enter: aula-2
    result = invoke(repo, "new", *DAY, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Der findes allerede et projekt med id'et aula." in result.output
    assert (repo / "projects" / "aula-2.yaml").is_file()


START_UP_OPTIONS = [
    "--title",
    'Robot i "lønnen": fase 2',
    "--summary",
    "Robotter bogfører lønrefusioner.",
    "--status",
    "execution",
    "--focus-area",
    "digital-transformation",
    "--scope",
    "common",
    "--initiative",
    "Fælles robotter",
    "--initiative-body",
    "KL",
    "--initiative-url",
    "https://kl.dk",
    "--anchoring",
    "hr-og-loen",
    "--owner-name",
    "Ejer",
    "--owner-email",
    "ejer@norddjurs.dk",
    "--lead-name",
    "Leder",
    "--lead-email",
    "leder@norddjurs.dk",
    "--start",
    "2026-02-01",
    "--end",
    "31-01-2027",
    "--dpo-name",
    "D",
    "--dpo-date",
    "2026-01-10",
    "--security-name",
    "S",
    "--security-date",
    "11.01.2026",
    "--it-name",
    "I",
    "--it-date",
    "2026-01-12",
    "--business-case",
    "Sag 81.00.00-A00-1-26",
    "--benefit",
    "Færre manuelle posteringer",
    "--benefit-amount",
    "250.000",
    "--benefit-owner",
    "Lønchefen",
    "--benefit-date",
    "2027-12-31",
    "--component",
    "organisation",
]


def test_new_runs_from_options_alone_and_passes_every_rule(repo: Path) -> None:
    result = invoke(repo, "new", *DAY, *START_UP_OPTIONS, input="")
    assert result.exit_code == 0, result.output
    project_id = "robot-i-loennen-fase-2"
    text = (repo / "projects" / f"{project_id}.yaml").read_text(encoding="utf-8")
    assert 'title: "Robot i \\"lønnen\\": fase 2"' in text
    assert "amount_dkk_per_year: 250000\n" in text and "end: 2027-01-31\n" in text
    assert errors(repo, project_id) == []


@pytest.mark.parametrize(
    ("option", "value", "written"),
    [
        ("--status", "Gennemførelse", "status: execution\n"),
        ("--status", "opstart", "status: startup\n"),
        ("--focus-area", "4. Klima og ressourcer", "focus_areas:\n  - klima-ressourcer\n"),
        ("--focus-area", "4", "focus_areas:\n  - klima-ressourcer\n"),
        ("--anchoring", "Teknik og Miljø", "anchoring: teknik-og-miljoe\n"),
        ("--scope", "Fælleskommunalt", "scope: common\n"),
        ("--component", "Digital Post", "    - digital-post\n"),
    ],
)
def test_options_take_what_the_site_shows(repo: Path, option: str, value: str, written: str) -> None:
    options = list(START_UP_OPTIONS)
    options[options.index(option) + 1] = value
    result = invoke(repo, "new", *DAY, *options, input="")
    assert result.exit_code == 0, result.output
    assert written in (repo / "projects" / "robot-i-loennen-fase-2.yaml").read_text(encoding="utf-8")


def test_an_idea_from_options_is_not_asked_for_dates(repo: Path) -> None:
    options = ["--title", "Idé", "--summary", "s", "--focus-area", "1", "--scope", "local", "--anchoring", "central"]
    people = ["--owner-name", "A", "--owner-email", "a@norddjurs.dk", "--lead-name", "B", "--lead-email", "b@x.dk"]
    result = invoke(repo, "new", *DAY, *options, *people, input="\n")  # Enter: the status is idé
    assert result.exit_code == 0, result.output
    text = (repo / "projects" / "ide.yaml").read_text(encoding="utf-8")
    assert "status: idea\n" in text and "\nstart:" not in text


def test_new_never_overwrites(repo: Path) -> None:
    before = (repo / "projects" / "aula.yaml").read_bytes()
    result = invoke(repo, "new", *DAY, *START_UP_OPTIONS, "--id", "aula", input="")
    assert result.exit_code == 1
    assert "findes allerede og overskrives ikke" in result.stderr
    assert (repo / "projects" / "aula.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--focus-area", "klima", "Ugyldig værdi for '--focus-area': 'klima' er ikke en af mulighederne. Mente du"),
        (
            "--anchoring",
            "teknik",
            "'teknik' er ikke en af mulighederne. Mente du 'teknik-og-miljoe' (Teknik og Miljø)?",
        ),
        ("--status", "igang", "Vælg en af: Idé (idea), Opstart (startup)"),
        ("--lead-email", "leder", "Ugyldig værdi for '--lead-email': skriv en e-mailadresse, fx navn@norddjurs.dk"),
        ("--id", "Robot_2", "brug små bogstaver"),
        ("--benefit-amount", "250.000,50", "har øre; skriv beløbet i hele kroner"),
        ("--start", "1. februar", "er ikke en dato. Skriv den som DD-MM-ÅÅÅÅ"),
    ],
    ids=lambda value: str(value)[:20],
)
def test_new_refuses_bad_options_as_usage_errors(repo: Path, option: str, value: str, message: str) -> None:
    options = list(START_UP_OPTIONS)
    if option in options:
        options[options.index(option) + 1] = value
    else:
        options += [option, value]
    result = invoke(repo, "new", *DAY, *options, input="")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Brug: main new [TILVALG]" in result.stderr


def test_no_municipality_is_written_into_the_code() -> None:
    for module in ("cli_new.py", "new_project.py", "project_yaml.py", "cli_common.py"):
        assert "norddjurs" not in (REPO / "generator" / module).read_text(encoding="utf-8").lower(), module


@pytest.mark.parametrize("stop", ["", "Titel\n", "Titel\nResumé\n"], ids=["at-once", "after-1", "after-2"])
def test_an_interrupted_new_says_so_in_danish_and_writes_nothing(repo: Path, stop: str) -> None:
    before = sorted((repo / "projects").iterdir())
    result = invoke(repo, "new", *DAY, input=stop)
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("Afbrudt.")
    assert "Aborted" not in result.output
    assert sorted((repo / "projects").iterdir()) == before


def test_every_bad_option_is_named_at_once_before_any_question(repo: Path) -> None:
    result = invoke(
        repo, "new", *DAY, "--status", "foo", "--focus-area", "Klima", "--component", "x",
        "--owner-email", "nope", input="",
    )  # fmt: skip
    assert result.exit_code == 2
    for option in ("'--status'", "'--focus-area'", "'--component'", "'--owner-email'"):
        assert f"Ugyldig værdi for {option}" in result.stderr
    assert "Mente du 'klima-ressourcer' (4. Klima og ressourcer)?" in result.stderr
    assert "Titel" not in result.output  # nothing was asked
    assert not (repo / "projects" / "x.yaml").exists()
