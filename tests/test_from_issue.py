"""The "Nyt projekt" issue form: generated from the programme, and its answers turned into a project file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

import generator.from_issue as from_issue_module
from generator.cli import main
from generator.errors import InvalidProgramme, ProjectExists
from generator.from_issue import (
    NO_RESPONSE,
    comment_text,
    project_data,
    project_from_issue,
    question_choices,
    read_answers,
)
from generator.issue_form import ISSUE_FORM_PATH, ISSUE_LABEL, expected_issue_forms, form_fields, issue_form_text
from generator.portfolio import load_portfolio, load_programme
from schema.choices import match
from schema.programme import Programme
from tests.conftest import REPO, TODAY, PortfolioFactory

FIXTURE = REPO / "tests" / "fixtures" / "issues" / "nyt-projekt.md"
WORKFLOW = REPO / ".github" / "workflows" / "from-issue.yml"
CPR = "010190-1234"  # a valid date and four digits: the form of a CPR number

EXPECTED: dict[str, Any] = {
    "title": "Digital pladsanvisning i dagtilbud",
    "summary": "Forældre søger og får tilbudt plads i dagtilbud digitalt, så færre henvendelser går via telefon.\n\n"
    "Løsningen bygger på **Den fælleskommunale infrastruktur** og erstatter papirskemaet.",
    "status": "idea",
    "focus_areas": ["borger-teknologi-lokaldemokrati", "sammenhaengende-forloeb", "digitale-fundamenter"],
    "scope": "common",
    "common_initiative": {
        "name": "Den fælleskommunale infrastruktur",
        "body": "KOMBIT",
        "url": "https://www.kombit.dk/",
    },
    "anchoring": "dagtilbud",
    "owner": {"name": "Mette Hansen", "email": "mette.hansen@norddjurs.dk"},
    "lead": {"name": "Jonas Berg", "email": "jonas.berg@norddjurs.dk"},
    "start": dt.date(2026, 2, 1),
    "end": dt.date(2026, 12, 31),
    "considerations": {
        "citizens": "Forældre tester ansøgningen i en prototype, og deres ønsker kommer med i kravene.",
        "coherence": "Bruger MitID og kommunens eksisterende system til pladsanvisning.",
        "climate": "Færre breve og mindre papir.",
    },
    "kle": ["28.01.00", "28.01.00G01"],
}


@pytest.fixture(scope="module")
def programme() -> Programme:
    loaded = load_programme(REPO)[1]
    assert loaded is not None
    return loaded


def body() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def answer(text: str, label: str, new: str) -> str:
    """The body with the answer under `### label` replaced."""
    pattern = re.compile(rf"(^### {re.escape(label)}\n\n)(.*?)(?=\n\n### |\Z)", re.S | re.M)
    replaced, count = pattern.subn(lambda m: m.group(1) + new, text, count=1)
    assert count == 1, label
    return replaced


def from_issue(runner: CliRunner, root: Path, text: str | bytes, *extra: str) -> Result:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return runner.invoke(
        main,
        ["--root", str(root), "from-issue", "--today", TODAY.isoformat(), *extra],
        input=raw,
        catch_exceptions=False,
    )


def written(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "projects").iterdir())


# --- The form ------------------------------------------------------------------


def test_the_committed_form_is_the_generated_one() -> None:
    expected = expected_issue_forms(REPO)
    assert list(expected) == [REPO / ISSUE_FORM_PATH]
    assert (REPO / ISSUE_FORM_PATH).read_text(encoding="utf-8") == expected[REPO / ISSUE_FORM_PATH], (
        "Regenerate .github/ISSUE_TEMPLATE/nyt-projekt.yml from generator/issue_form.py"
    )


def test_the_form_offers_the_programmes_choices(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    programme_text = (root / "focus_areas.yaml").read_text(encoding="utf-8")
    programme_text = programme_text.replace(
        "  - id: oekonomi\n    name: Økonomi\n", "  - id: oekonomi\n    name: Økonomi\n  - id: havn\n    name: Havnen\n"
    ).replace("title: Klima og ressourcer", "title: Klima, natur og ressourcer")
    (root / "focus_areas.yaml").write_text(programme_text, encoding="utf-8")
    form = yaml.safe_load(expected_issue_forms(root)[root / ISSUE_FORM_PATH])
    elements = {element.get("id"): element for element in form["body"]}
    assert "Havnen" in elements["anchoring"]["attributes"]["options"]
    assert {"label": "4. Klima, natur og ressourcer"} in elements["focus_areas"]["attributes"]["options"]


def test_a_broken_programme_gives_no_form(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    (root / "focus_areas.yaml").write_text("name: Uden fokusområder\n", encoding="utf-8")
    with pytest.raises(InvalidProgramme):
        expected_issue_forms(root)


def test_the_form_asks_every_question_once_in_danish(programme: Programme) -> None:
    form = yaml.safe_load(issue_form_text(programme))
    assert form["labels"] == [ISSUE_LABEL]
    questions = [e for e in form["body"] if e["type"] != "markdown"]
    labels = [e["attributes"]["label"] for e in questions]
    assert len(set(labels)) == len(labels)
    assert labels[:2] == ["Titel", "Resumé"]
    assert "CPR-numre" in form["body"][0]["attributes"]["value"]
    status = next(e for e in questions if e["id"] == "status")
    assert status["attributes"]["options"][status["attributes"]["default"]] == "Idé (idea)"


def test_every_option_reads_back_as_its_id(programme: Programme) -> None:
    for field in form_fields(programme):
        for text, choice_id in field.options:
            assert match(text, question_choices(field, programme)) == choice_id, text


def test_the_workflow_runs_for_the_forms_label() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow[True] == {"issues": {"types": ["opened", "edited"]}}  # YAML 1.1 reads `on` as true
    assert f"'{ISSUE_LABEL}'" in workflow["jobs"]["project"]["if"]


# --- Reading the answers -------------------------------------------------------


def test_every_answer_is_read(programme: Programme) -> None:
    fields = form_fields(programme)
    data, problems = project_data(read_answers(body(), fields), fields, programme)
    assert problems == []
    assert data == EXPECTED


def test_windows_line_endings_read_the_same(programme: Programme) -> None:
    fields = form_fields(programme)
    data, problems = project_data(read_answers(body().replace("\n", "\r\n"), fields), fields, programme)
    assert (data, problems) == (EXPECTED, [])


def test_optional_questions_may_be_left_empty(programme: Programme) -> None:
    text = body()
    for label in ("Slut", "Overvejelser: sammenhæng", "Overvejelser: klima og ressourcer", "KLE-numre"):
        text = answer(text, label, NO_RESPONSE)
    text = answer(text, "Omfang", "Lokalt (local)")
    for label in ("navn", "ansvarlig organisation", "link"):
        text = answer(text, f"Fælleskommunalt initiativ: {label}", NO_RESPONSE)
    fields = form_fields(programme)
    data, problems = project_data(read_answers(text, fields), fields, programme)
    assert problems == []
    assert data["scope"] == "local"
    assert "common_initiative" not in data and "end" not in data and "kle" not in data
    assert data["considerations"] == {"citizens": EXPECTED["considerations"]["citizens"]}


@pytest.mark.parametrize(
    ("label", "written_answer", "key", "value"),
    [
        ("Status", "Gennemførelse", "status", "execution"),
        ("Status", "execution", "status", "execution"),
        ("Omfang", "fælleskommunalt", "scope", "common"),
        ("Forankring", "teknik-og-miljoe", "anchoring", "teknik-og-miljoe"),
        ("Forankring", "Teknik og Miljø", "anchoring", "teknik-og-miljoe"),
        ("Fokusområder", "- [x] 4. Klima og ressourcer", "focus_areas", ["klima-ressourcer"]),
        (
            "Fokusområder",
            "- 4\n- Klima og ressourcer\n- data-styring",
            "focus_areas",
            ["klima-ressourcer", "data-styring"],
        ),
        ("Start", "1.2.2026", "start", dt.date(2026, 2, 1)),
        ("Start", "01-02-2026", "start", dt.date(2026, 2, 1)),
        ("KLE-numre", "28.01.00 G01; 27.24.00\n00.01.00", "kle", ["28.01.00G01", "27.24.00", "00.01.00"]),
        ("Titel", "  Digital\n  pladsanvisning  ", "title", "Digital pladsanvisning"),
    ],
    ids=[
        "danish-status",
        "status-id",
        "scope-lower-case",
        "anchoring-id",
        "anchoring-name",
        "lower-case-x",
        "edited-by-hand",
        "danish-date",
        "danish-date-dashes",
        "kle-separators",
        "input-on-one-line",
    ],
)
def test_answers_written_other_ways_are_understood(
    programme: Programme, label: str, written_answer: str, key: str, value: object
) -> None:
    fields = form_fields(programme)
    data, problems = project_data(read_answers(answer(body(), label, written_answer), fields), fields, programme)
    assert problems == []
    assert data[key] == value


def test_a_heading_typed_into_an_answer_stays_part_of_it(programme: Programme) -> None:
    injected = (
        "Første afsnit.\n\n### Projektejer: e-mail\n\nangriber@example.com\n\n### Status\n\nAfsluttet (completed)"
    )
    fields = form_fields(programme)
    data, _ = project_data(read_answers(answer(body(), "Resumé", injected), fields), fields, programme)
    assert data["owner"]["email"] == "mette.hansen@norddjurs.dk"
    # The next question's heading cannot be told from the real one: the answers then fail, never mix silently.
    assert data.get("status") != "completed"


# --- Making the project --------------------------------------------------------


def test_the_rendered_form_becomes_a_valid_project(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    result = runner.invoke(
        main,
        [
            "--root",
            str(root),
            "from-issue",
            "--body-file",
            str(FIXTURE),
            "--issue",
            "12",
            "--today",
            TODAY.isoformat(),
            "--comment-file",
            str(root / "comment.md"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert written(root) == ["digital-pladsanvisning-i-dagtilbud.yaml"]
    portfolio = load_portfolio(root, today=TODAY)
    assert portfolio.error_count == 0 and portfolio.warning_count == 0, portfolio.files
    project = portfolio.projects["digital-pladsanvisning-i-dagtilbud"]
    assert project.model_dump(include=set(EXPECTED), exclude_none=True) == EXPECTED
    lines = (root / "projects" / "digital-pladsanvisning-i-dagtilbud.yaml").read_text(encoding="utf-8").split("\n")
    assert lines[1] == "# Oprettet ud fra issue #12 med formularen 'Nyt projekt'."
    comment = (root / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("### Projektfilen er lavet\n")
    assert "`projects/digital-pladsanvisning-i-dagtilbud.yaml`" in comment and "issue #12" in comment
    assert result.output == comment + "Skrev projects/digital-pladsanvisning-i-dagtilbud.yaml.\n"


def test_the_body_is_read_from_standard_input(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, body().replace("\n", "\r\n"))
    assert result.exit_code == 0, result.output
    assert written(root) == ["digital-pladsanvisning-i-dagtilbud.yaml"]


def test_a_taken_id_gets_a_number(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio({"digital-pladsanvisning-i-dagtilbud.yaml": "title: Den første\n"})
    assert from_issue(runner, root, body()).exit_code == 0
    assert from_issue(runner, root, body()).exit_code == 0
    assert written(root) == [
        "digital-pladsanvisning-i-dagtilbud-2.yaml",
        "digital-pladsanvisning-i-dagtilbud-3.yaml",
        "digital-pladsanvisning-i-dagtilbud.yaml",
    ]
    assert (root / "projects" / "digital-pladsanvisning-i-dagtilbud.yaml").read_text() == "title: Den første\n"


def test_an_id_taken_while_checking_gets_the_next_number(
    make_portfolio: PortfolioFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_portfolio()
    real = from_issue_module.write_new_project

    def taken_first(root: Path, project_id: str, data: Mapping[str, Any], today: dt.date) -> Path:
        if project_id == "digital-pladsanvisning-i-dagtilbud":
            (root / "projects" / f"{project_id}.yaml").write_text("title: Samtidig\n", encoding="utf-8")
            raise ProjectExists(path=root / "projects" / f"{project_id}.yaml")
        return real(root, project_id, data, today)

    monkeypatch.setattr(from_issue_module, "write_new_project", taken_first)
    result = project_from_issue(root, body(), today=TODAY)
    assert result.path == root / "projects" / "digital-pladsanvisning-i-dagtilbud-2.yaml"
    assert result.path.is_file()


def test_warnings_are_listed_and_the_file_is_written(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    text = answer(answer(body(), "KLE-numre", NO_RESPONSE), "Overvejelser: klima og ressourcer", NO_RESPONSE)
    result = from_issue(runner, root, text)
    assert result.exit_code == 0
    assert "2 advarsler: projektet kan oprettes" in result.output
    assert "- **KLE-numre**: Projektet har ingen KLE-numre." in result.output
    assert "- **Overvejelser: klima og ressourcer**: Overvejelsen om klima og ressourcer mangler." in result.output


@pytest.mark.parametrize(
    ("label", "bad", "expected"),
    [
        (
            "Forankring",
            "Havnen",
            "- **Forankring**: `Havnen` er ikke et af svarene. Vælg et af: Det centrale digitaliseringsteam; "
            "Borgerservice;",
        ),
        ("Status", "Idee", "- **Status**: `Idee` er ikke et af svarene. Mente du 'Idé (idea)'?"),
        ("Fokusområder", "- [X] 7. Rummet", "- **Fokusområder**: `7. Rummet` er ikke et af svarene."),
        ("Projektejer: e-mail", "mette.hansen", "- **Projektejer: e-mail**: Skal være en e-mailadresse"),
        ("Start", "næste forår", "- **Start**: `næste forår` er ikke en dato. Skriv datoen som år-måned-dag"),
        ("Slut", "2025-12-31", "- **Slut**: Slutdatoen 31. december 2025 ligger før startdatoen 1. februar 2026."),
        ("Titel", NO_RESPONSE, "- **Titel**: Spørgsmålet er ikke besvaret. Svar på det ved at redigere issuet."),
        (
            "Fokusområder",
            "\n".join(f"- [ ] {n}." for n in range(1, 7)),
            "- **Fokusområder**: Projektet er ikke placeret i noget fokusområde. Sæt kryds ved mindst ét fokusområde.",
        ),
        (
            "Fælleskommunalt initiativ: link",
            "kombit.dk",
            "- **Fælleskommunalt initiativ: link**: Skal være en webadresse, der begynder med https://",
        ),
        ("KLE-numre", "28.01, 27.24.00", "- **KLE-numre (nr. 1)**: Skal være et KLE-nummer på formen NN.NN.NN"),
        (
            "Status",
            "Gennemførelse (execution)",
            "- **Godkendelser**: Godkendelse fra databeskyttelsesrådgiveren mangler (navn og dato). Formularen "
            "spørger ikke om godkendelser, styring og infrastruktur. Vælg status 'Idé (idea)'",
        ),
        ("Projektleder: navn", "Jonas\x07 Berg", "- **Projektleder: navn**: Indeholder kontroltegnet U+0007"),
        ("Resumé", "x" * 20001, "- **Resumé**: Er for lang (højst 20.000 tegn)."),
    ],
    ids=[
        "unknown-anchoring",
        "misspelt-status",
        "unknown-focus-area",
        "bad-email",
        "not-a-date",
        "end-before-start",
        "no-title",
        "no-focus-area",
        "bad-url",
        "bad-kle",
        "past-idea-needs-more",
        "control-character",
        "too-long",
    ],
)
def test_answers_with_errors_are_refused_in_danish(
    make_portfolio: PortfolioFactory, runner: CliRunner, label: str, bad: str, expected: str
) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, answer(body(), label, bad), "--comment-file", str(root / "comment.md"))
    assert result.exit_code == 1
    assert written(root) == []
    comment = (root / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("### Projektfilen er ikke lavet endnu\n")
    assert expected in comment, comment
    assert result.output == comment
    assert "Traceback" not in result.output


def test_a_flood_of_problems_keeps_the_comment_short(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    result = from_issue(runner, make_portfolio(), answer(body(), "KLE-numre", ", ".join(["x"] * 5000)))
    assert result.exit_code == 1
    assert result.output.count("\n- ") == 26
    assert "- … og 4975 til. Ret dem ovenfor, så viser handleplanen resten." in result.output


def test_a_problem_is_said_once_per_question(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    result = from_issue(runner, make_portfolio(), answer(body(), "Omfang", "Regionalt"))
    assert result.output.count("**Omfang**") == 1
    assert "Svarene har 1 fejl" in result.output


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("Resumé", f"Borgeren med CPR-nr. {CPR} har testet løsningen."),
        ("Titel", f"Sag om {CPR}"),
        ("Projektleder: navn", CPR.replace("-", "")),
        ("KLE-numre", f"28.01.00, {CPR}"),
        ("Overvejelser: klima og ressourcer", f"Se <b>{CPR[:6]}</b>-{CPR[7:]}"),
        ("Resumé", f"Med Windows-linjeskift:\r\n{CPR}\r\n"),
    ],
    ids=["summary", "title-and-file-name", "no-dash", "kle", "split-by-html", "crlf"],
)
def test_a_cpr_number_is_refused_and_never_echoed(
    make_portfolio: PortfolioFactory, runner: CliRunner, label: str, text: str
) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, answer(body(), label, text), "--comment-file", str(root / "comment.md"))
    assert result.exit_code == 1
    assert written(root) == []
    comment = (root / "comment.md").read_text(encoding="utf-8")
    assert f"- **{label}**: Svaret ser ud til at indeholde et CPR-nummer." in comment
    for shown in (comment, result.output):
        assert CPR[:6] not in shown and CPR[7:] not in shown


@pytest.mark.parametrize(
    "summary",
    [
        "<script>alert('x')</script> <img src=x onerror=alert(1)> [klik](javascript:alert(1))",
        "title: Noget andet\nstatus: completed\nfocus_areas: [ukendt]\n- a: b\n---\n...\n"
        "&anker *anker !!python/object:os.system",
        "```yaml\nowner:\n  email: x@y.dk\n```\n\n> citat\n\n| a | b |\n|---|---|",
        "@programgruppen #1 " + "lang tekst " * 1500,
        "Emoji 🚀, RTL \u202e, nul-bredde \u200b og æøå ÆØÅ.",
    ],
    ids=["html", "yaml-looking-lines", "markdown", "mentions-and-long-text", "unicode"],
)
def test_hostile_text_is_kept_as_text(make_portfolio: PortfolioFactory, runner: CliRunner, summary: str) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, answer(body(), "Resumé", summary))
    assert result.exit_code == 0, result.output
    portfolio = load_portfolio(root, today=TODAY)
    assert portfolio.error_count == 0
    project = portfolio.projects["digital-pladsanvisning-i-dagtilbud"]
    assert project.summary == summary.strip()
    assert project.status.value == "idea" and project.owner.email == "mette.hansen@norddjurs.dk"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "Issuet ser ikke ud til at være lavet med formularen 'Nyt projekt'"),
        (b"<h1>Hej</h1>\n### Noget andet\n\nsvar", "ingen af formularens spørgsmål står i det"),
        (b"### Titel\n\n\xff\xfe", "ikke gyldig UTF-8"),
        (b"### Titel\n\n" + b"x" * 1_000_001, "længere end 1.000.000 tegn"),
    ],
    ids=["empty", "not-the-form", "not-utf-8", "too-large"],
)
def test_an_unusable_body_is_refused_without_a_traceback(
    make_portfolio: PortfolioFactory, runner: CliRunner, raw: bytes, expected: str
) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, raw)
    assert result.exit_code == 1
    assert result.output.startswith("### Projektfilen er ikke lavet\n")
    assert expected in result.output
    assert written(root) == []


def test_a_broken_programme_is_said_in_the_comment(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    (root / "focus_areas.yaml").write_text("name: Uden fokusområder\n", encoding="utf-8")
    result = from_issue(runner, root, body(), "--comment-file", str(root / "comment.md"))
    assert result.exit_code == 1
    assert "focus_areas.yaml har" in result.output
    comment = (root / "comment.md").read_text(encoding="utf-8")
    assert "det kan ikke rettes i issuet" in comment
    assert written(root) == []


def test_the_library_reports_without_writing_on_errors(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    result = project_from_issue(root, answer(body(), "Forankring", "Havnen"), today=TODAY)
    assert result.path is None and [p.question for p in result.errors] == ["Forankring"]
    assert comment_text(result, issue=3).startswith("### Projektfilen er ikke lavet endnu")


def test_the_command_has_danish_help(runner: CliRunner) -> None:
    result = runner.invoke(main, ["from-issue", "--help"])
    assert result.exit_code == 0
    assert "Lav et projekt ud fra svarene i formularen 'Nyt projekt'" in result.output
    assert "Eksempel: handleplan from-issue" in result.output


def test_the_fixture_has_every_question_of_the_form(programme: Programme) -> None:
    headings = re.findall(r"^### (.+)$", body(), re.M)
    assert headings == [field.label for field in form_fields(programme)]


def test_the_fixture_is_stored_as_github_sends_it() -> None:
    raw = FIXTURE.read_bytes()  # the Windows line endings are tested by converting it
    assert b"\r" not in raw and not raw.endswith(b"\n")


def test_a_shared_fix_is_said_once_and_one_error_is_it(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    result = from_issue(runner, root, answer(body(), "Status", "Opstart (startup)"))
    assert result.exit_code == 1
    assert result.output.count("Vælg status 'Idé (idea)'") == 1  # one wrong answer, one piece of advice
    assert "efter kolonet" not in result.output  # the form has no colons
    single = from_issue(runner, root, answer(body(), "Projektejer: e-mail", "ikke-en-adresse"))
    assert "Svarene har 1 fejl" in single.output and "Ret den ved at redigere" in single.output
