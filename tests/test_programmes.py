"""Programme periods: successive programmes, active projects on the current one, `migrate`, the archive."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from generator.cli import main
from generator.portfolio import load_portfolio
from schema.periods import programme_facts
from schema.programme import Programme
from tests.conftest import REPO, TODAY, PortfolioFactory, valid_project
from tests.test_site import build, copy_repository, page_text

SAMPLE = yaml.safe_load((REPO / "focus_areas.yaml").read_text(encoding="utf-8"))
OLD, NEW = "digitaliseringsprogram-2021-2025", "digitaliseringsstrategi-2026-2029"
# Projects in the sample whose old areas include one the mapping leaves to the lead.
LEFT_TO_THE_LEAD = (
    "digital-hjaelp-til-borgere",
    "nexus-paa-faelleskommunal-infrastruktur",
    "skaermbesoeg-i-hjemmeplejen",
)


def adopted() -> dict[str, Any]:
    """The sample programme with its example successor taken into use."""
    data = copy.deepcopy(SAMPLE)
    data["successors"][0].pop("draft")
    return data


def with_programme(make_portfolio: PortfolioFactory, programme: dict[str, Any], projects: dict[str, Any]) -> Path:
    root = make_portfolio(projects)
    (root / "focus_areas.yaml").write_text(yaml.safe_dump(programme, allow_unicode=True), encoding="utf-8")
    return root


def invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--root", str(root), *args, "--today", "2026-11-24"])


# --- The programme file ---------------------------------------------------


def test_the_sample_keeps_its_programme_while_the_successor_is_a_draft() -> None:
    programme = Programme.model_validate(SAMPLE)
    assert programme.current.id == OLD
    assert [d.id for d in programme.drafts] == [NEW]
    assert programme.successors_of("data-styring", programme.programmes[-1]) == ["digitalt-fundament"]
    assert programme.successors_of("sammenhaengende-forloeb", programme.programmes[-1]) == [
        "brugervenlig",
        "digitalt-fundament",
    ]


def test_an_adopted_successor_is_current_and_the_first_is_earlier() -> None:
    programme = Programme.model_validate(adopted())
    assert programme.current.id == NEW
    assert [p.id for p in programme.earlier] == [OLD]
    assert "brugervenlig" in programme.focus_areas_by_id and "data-styring" not in programme.focus_areas_by_id
    assert "data-styring" in programme.adopted_focus_areas


def _after_a_draft(data: dict[str, Any]) -> None:
    later = {**data["successors"][0], "id": "senere", "draft": False, "mapping": {}}
    later["period"] = {"start": dt.date(2030, 1, 1), "end": dt.date(2033, 12, 31)}
    data["successors"].append(later)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["successors"][0]["mapping"].update({"ukendt": ["brugervenlig"]}), "'ukendt' er ikke et fokus"),
        (lambda d: d["successors"][0]["mapping"].update({"data-styring": ["ukendt"]}), "peger på ukendt"),
        (lambda d: d.pop("id"), "skal have et id"),
        (
            lambda d: d["successors"][0].update(period={"start": dt.date(2020, 1, 1), "end": dt.date(2029, 12, 31)}),
            "skal begynde efter",
        ),
        (_after_a_draft, "følger en kladde"),
    ],
    ids=["mapping-from-unknown", "mapping-to-unknown", "no-id", "starts-before", "after-a-draft"],
)
def test_a_broken_succession_is_refused_in_danish(change: Any, message: str) -> None:
    data = copy.deepcopy(SAMPLE)
    change(data)
    with pytest.raises(ValidationError, match=message):
        Programme.model_validate(data)


def test_facts_name_the_ended_period_and_the_projects_outside_it() -> None:
    portfolio = load_portfolio(REPO, today=TODAY)
    assert portfolio.programme is not None
    facts = programme_facts(portfolio.programme, portfolio.projects.items(), TODAY)
    assert facts[0].text.startswith("Programperioden for Digitaliseringsprogram 2021–2025 sluttede 31. december 2025.")
    assert "handleplan migrate" in facts[0].text
    assert facts[1].project_ids == ("digital-affaldsordning-og-ruteplanlaegning", "digital-hjaelp-til-borgere")


def test_validate_states_the_programme_facts_without_failing(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--root", str(REPO), "validate", "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert "Bemærk: Programperioden for Digitaliseringsprogram 2021–2025 sluttede" in result.output


# --- The rules --------------------------------------------------------------


def _codes_and_messages(root: Path) -> list[tuple[str, str]]:
    [checked] = load_portfolio(root, today=TODAY).project_files
    return [(f.code, f.message) for f in checked.findings]


def test_an_active_project_on_an_earlier_programme_is_told_what_it_maps_to(make_portfolio: PortfolioFactory) -> None:
    project = valid_project(focus_areas=["digitale-fundamenter"])
    root = with_programme(make_portfolio, adopted(), {"p.yaml": project})
    assert _codes_and_messages(root) == [
        (
            "HP116",
            "'digitale-fundamenter' er et fokusområde i Digitaliseringsprogram 2021–2025, som er afløst af "
            "Digitaliseringsstrategi 2026–2029 (eksempel). Mente du 'digitalt-fundament' (3. Et sammenhængende "
            "digitalt fundament)?",
        )
    ]


def test_an_ambiguous_mapping_lists_the_candidates(make_portfolio: PortfolioFactory) -> None:
    root = with_programme(make_portfolio, adopted(), {"p.yaml": valid_project(focus_areas=["sammenhaengende-forloeb"])})
    [(code, message)] = _codes_and_messages(root)
    assert code == "HP116"
    assert "svarer til et eller flere af: 'brugervenlig'" in message and "'digitalt-fundament'" in message


def test_a_closed_project_keeps_the_areas_it_had(make_portfolio: PortfolioFactory) -> None:
    closed = valid_project(status="completed", focus_areas=["digitale-fundamenter"])
    root = with_programme(make_portfolio, adopted(), {"p.yaml": closed})
    assert [c for c, _ in _codes_and_messages(root)] == []
    unknown = valid_project(status="completed", focus_areas=["ukendt-omraade"])
    root = with_programme(make_portfolio, adopted(), {"p.yaml": unknown})
    assert [c for c, _ in _codes_and_messages(root)] == ["HP102"]


def test_earlier_focus_areas_must_name_an_earlier_programme(make_portfolio: PortfolioFactory) -> None:
    project = valid_project(focus_areas=["digitalt-fundament"], earlier_focus_areas={"gammelt": ["data-styring"]})
    root = with_programme(make_portfolio, adopted(), {"p.yaml": project})
    [(code, message)] = _codes_and_messages(root)
    assert code == "HP102" and f"'{OLD}'" in message


# --- migrate ----------------------------------------------------------------


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def test_check_writes_nothing(sample_copy: Path) -> None:
    before = {p: p.read_bytes() for p in sample_copy.rglob("*.yaml")}
    result = invoke(sample_copy, "migrate", "--check")
    assert result.exit_code == 0, result.output
    assert "Tager Digitaliseringsstrategi 2026–2029 (eksempel) i brug" in result.output
    assert "Tørkørsel: intet er skrevet." in result.output
    assert {p: p.read_bytes() for p in sample_copy.rglob("*.yaml")} == before


def test_the_sample_migrates_cleanly_and_the_lead_chooses_the_ambiguous(sample_copy: Path) -> None:
    closed = {p.name: p.read_bytes() for p in (sample_copy / "projects").glob("*.yaml")}
    result = invoke(sample_copy, "migrate")
    assert result.exit_code == 0, result.output
    assert "Efter flytningen er der ingen fejl." in result.output
    portfolio = load_portfolio(sample_copy, today=TODAY)
    assert portfolio.error_count == 0
    assert portfolio.programme is not None and portfolio.programme.current.id == NEW
    for project_id, project in portfolio.projects.items():
        text = (sample_copy / "projects" / f"{project_id}.yaml").read_text(encoding="utf-8")
        if project.status.is_closed:
            assert text.encode() == closed[f"{project_id}.yaml"]  # closed projects keep their areas
            continue
        assert set(project.focus_areas) <= set(portfolio.programme.focus_areas_by_id)
        assert ("TODO (handleplan migrate)" in text) == (project_id in LEFT_TO_THE_LEAD)
    borgerblikket = portfolio.projects["borgerblikket"]
    assert borgerblikket.focus_areas == ["brugervenlig", "digitalt-fundament"]
    assert borgerblikket.earlier_focus_areas == {OLD: ["borger-teknologi-lokaldemokrati", "data-styring"]}
    again = invoke(sample_copy, "migrate")
    assert "Alle aktive projekter bruger allerede fokusområderne" in again.output


def test_migrate_changes_only_the_focus_area_lines(sample_copy: Path) -> None:
    path = sample_copy / "projects" / "borgerblikket.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    invoke(sample_copy, "migrate")
    after = path.read_text(encoding="utf-8").splitlines()
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert removed == ["  - borger-teknologi-lokaldemokrati", "  - data-styring"]
    assert added == [
        "  - brugervenlig",
        "  - digitalt-fundament",
        "earlier_focus_areas:",
        f"  {OLD}:",
        "    - borger-teknologi-lokaldemokrati",
        "    - data-styring",
    ]
    programme = (sample_copy / "focus_areas.yaml").read_text(encoding="utf-8")
    assert "    draft: true\n" not in programme and "# AN EXAMPLE TO ADAPT" in programme


def test_nothing_is_guessed_when_every_area_is_ambiguous(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": valid_project(focus_areas=["sammenhaengende-forloeb"])})
    result = invoke(root, "migrate")
    assert result.exit_code == 0, result.output
    text = (root / "projects" / "p.yaml").read_text(encoding="utf-8")
    assert "focus_areas: []" in text and "TODO (handleplan migrate)" in text
    assert "Efter flytningen er der 1 fejl" in result.output  # HP101: the lead chooses


def test_windows_line_endings_are_kept(make_portfolio: PortfolioFactory) -> None:
    from tests.conftest import dump_project

    root = make_portfolio({"p.yaml": dump_project(valid_project(focus_areas=["data-styring"])).replace("\n", "\r\n")})
    invoke(root, "migrate")
    data = (root / "projects" / "p.yaml").read_bytes()
    assert b"\r\nfocus_areas:\r\n- digitalt-fundament\r\nearlier_focus_areas:\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert load_portfolio(root, today=TODAY).error_count == 0


def test_a_single_programme_has_nothing_to_migrate(make_portfolio: PortfolioFactory) -> None:
    programme = copy.deepcopy(SAMPLE)
    programme.pop("successors")
    root = with_programme(make_portfolio, programme, {"p.yaml": valid_project()})
    result = invoke(root, "migrate")
    assert result.exit_code != 0
    assert "beskriver kun ét program" in result.output and "Traceback" not in result.output


# --- The site -----------------------------------------------------------------


def test_after_migration_the_old_dashboards_stay_as_an_archive(sample_copy: Path) -> None:
    invoke(sample_copy, "migrate")
    site = build(sample_copy)
    archive = page_text(site, f"programmer/{OLD}/data-styring")
    assert "Arkiv fra Digitaliseringsprogram 2021–2025" in archive
    assert 'href="../../../projekter/borgerblikket/"' in archive
    assert "Gældende" in page_text(site, "programmer")
    current = page_text(site, "fokusomraader/brugervenlig")
    assert 'href="../../projekter/borgerblikket/"' in current
    front = page_text(site, "")
    assert "Digitaliseringsstrategi 2026–2029 (eksempel)" in front
    moved = page_text(site, "fokusomraader/data-styring")  # the old address of an area that is gone
    assert f'href="../../programmer/{OLD}/data-styring/"' in moved
    assert 'href="../../fokusomraader/digitalt-fundament/"' in moved


def test_the_sample_site_shows_the_draft_and_the_ended_period(sample_copy: Path) -> None:
    site = build(sample_copy)
    draft = page_text(site, f"programmer/{NEW}")
    assert "Kladde:" in draft and "En brugervenlig digital offentlig sektor" in draft
    assert "Svarer til" in draft
    front = page_text(site, "")
    assert "sluttede 31. december 2025" in front
    assert 'href="projekter/digital-hjaelp-til-borgere/"' in front


def test_the_migration_reads_well_in_the_pull_request_diff(sample_copy: Path) -> None:
    from generator.changes import diff_as_markdown, diff_portfolios

    before = load_portfolio(sample_copy, today=TODAY)
    invoke(sample_copy, "migrate")
    after = load_portfolio(sample_copy, today=TODAY)
    markdown = diff_as_markdown(diff_portfolios(before, after, "main", "migrate"))
    assert (
        "  - Fokusområder: borger-teknologi-lokaldemokrati; data-styring → brugervenlig; digitalt-fundament" in markdown
    )
    assert (
        f"Fokusområder i tidligere programmer: ikke angivet → {OLD}: borger-teknologi-lokaldemokrati, data-styring"
        in (markdown)
    )
