"""The generated site: every page type, escaping, determinism, and builds that fail safely."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build_site, read_site_config
from generator.cli import main
from generator.errors import SiteBuildFailed, TemplateFailed, UnsafeOutputFolder
from generator.history import read_history
from generator.portfolio import load_portfolio
from generator.preview import regenerate, source_snapshot
from generator.removal import wait_for_removals
from schema.project import Project
from schema.reference import field_reference
from tests.conftest import REPO, TODAY, dump_project, valid_project

SITE_SOURCES = ("focus_areas.yaml", "mkdocs.yml", "projects", "site_templates")


def copy_repository(target: Path) -> Path:
    """The parts of the repository a build reads, copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def build(root: Path) -> Path:
    """Build as `handleplan build` does: with whatever git history the folder has."""
    history = read_history(root, with_changes=True)
    portfolio = load_portfolio(root, today=TODAY, last_changed=history.last_changed)
    assert portfolio.error_count == 0
    result = build_site(portfolio, TODAY, history)
    assert result.warnings == []
    assert result.site_dir is not None
    return result.site_dir


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def page_text(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_repository(tmp_path_factory.mktemp("sample")))


PORTFOLIO = load_portfolio(REPO, today=TODAY)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ["Digitaliseringsprogram 2021–2025", "projekter i alt", "Projekter pr. fokusområde og status"]),
        ("handleplan", ["Handleplan", "Borgerblikket", 'data-hp-filters-for="hp-handleplan-tabel"']),
        ("handleplan/fokusomraader", ["Kommunernes digitale fundamenter", "Automatiseret"]),
        ("handleplan/initiativer", ["KOMBIT", "Borgerblikket"]),
        ("handleplan/forankring", ["Det centrale digitaliseringsteam", "Teknik og Miljø"]),
        ("handleplan/idebank", ["Idébank", '<tr data-status="idea"']),
        ("handleplan/afsluttede", ["Afsluttet", "Stoppet"]),
        ("fokusomraader", ["Klima og ressourcer", "Bedre velfærd og styring med data"]),
        ("fokusomraader/klima-ressourcer", ["Tidslinje", "Forventede og realiserede gevinster", "Sensorovervågning"]),
        ("overholdelse", ["Hvad skal der gøres", "HP104", "Endnu ikke påkrævet", "Hvorfor"]),
        ("projekter", ["Alle projekter"]),
        ("projekter/borgerblikket", ["Borgerblikket", "Databeskyttelsesrådgiver", "Lise Brandt", "Ret projektet"]),
        ("vejledning", ["pull request", "handleplan validate"]),
        ("vejledning/felter", ["signoffs.<wbr>dpo.<wbr>date", "Databeskyttelsesrådgiver"]),
        ("vejledning/regler", ["HP007", "CPR-nummer"]),
        ("rapport", ["Statusrapport", "Kræver handling", "hp-report-area"]),
        ("aendringer", ["Ændringer", "feed.xml", "Ingen historik"]),
    ],
)
def test_each_page_type_has_its_content(sample_site: Path, url: str, expected: list[str]) -> None:
    text = page_text(sample_site, url)
    for snippet in expected:
        assert snippet in text, snippet


def test_the_exports_are_published_with_the_site(sample_site: Path) -> None:
    plan = page_text(sample_site, "handleplan")
    for name in ("handleplan.xlsx", "handleplan.csv", "handleplan.json"):
        assert (sample_site / "eksport" / name).stat().st_size > 0
        assert f'href="../eksport/{name}"' in plan
    projects = json.loads((sample_site / "eksport" / "handleplan.json").read_text(encoding="utf-8"))["projects"]
    assert len(projects) == len(PORTFOLIO.projects)


def test_every_project_has_a_page_at_a_stable_url(sample_site: Path) -> None:
    for project_id, project in PORTFOLIO.projects.items():
        (heading,) = re.findall(
            r"<h1[^>]*>(.*?)<a class=\"headerlink\"", page_text(sample_site, f"projekter/{project_id}")
        )
        assert heading == html.escape(project.title, quote=False), project_id


def test_the_idea_bank_lists_the_ideas_and_nothing_else(sample_site: Path) -> None:
    page = page_text(sample_site, "handleplan/idebank")
    ideas = {p.title for p in PORTFOLIO.projects.values() if p.status.value == "idea"}
    assert ideas
    for project in PORTFOLIO.projects.values():
        listed = f">{html.escape(project.title, quote=False)}</a>" in page
        assert listed == (project.title in ideas), project.title
    # Every row is an idea, so the page leaves out the status column and the "? – ?" of a period not planned yet.
    assert set(re.findall(r'<tr data-status="([a-z]+)"', page)) == {"idea"}
    assert ">Status" not in page and ">Periode" not in page


def test_every_focus_area_has_a_dashboard(sample_site: Path) -> None:
    assert PORTFOLIO.programme is not None
    for area in PORTFOLIO.programme.focus_areas:
        assert area.title in page_text(sample_site, f"fokusomraader/{area.id}")


def test_relations_show_both_ways(sample_site: Path) -> None:
    rights = page_text(sample_site, "projekter/automatiseret-rettighedsstyring")
    assert 'href="../../projekter/borgerblikket/"' in rights


def test_the_action_plan_lists_active_projects_only(sample_site: Path) -> None:
    text = page_text(sample_site, "handleplan")
    for project in PORTFOLIO.projects.values():
        shown = project.title.replace("&", "&amp;") in text
        assert shown == (project.status.value in ("startup", "execution", "benefits", "paused")), project.title


def test_the_field_reference_lists_every_model_field(sample_site: Path) -> None:
    text = page_text(sample_site, "vejledning/felter").replace("<wbr>", "")
    for field in field_reference(Project):
        assert f"<code>{field.path}</code>" in text


def test_the_guide_example_is_a_valid_project(sample_site: Path, make_portfolio) -> None:  # type: ignore[no-untyped-def]
    source = (sample_site.parent / "docs_generated" / "vejledning" / "index.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", source, re.DOTALL)
    assert example is not None
    portfolio = load_portfolio(make_portfolio({"digital-pladsanvisning.yaml": example.group(1)}), today=TODAY)
    assert [f.code for checked in portfolio.files for f in checked.findings] == []


def test_charts_are_svg_with_title_description_and_numbers(sample_site: Path) -> None:
    text = page_text(sample_site, "")
    assert text.count('class="hp-chart__svg"') == 2
    assert '<title id="status-pr-fokusomraade-title">' in text
    assert '<desc id="status-pr-fokusomraade-desc">' in text
    assert "Vis tallene bag figuren" in text


def test_the_site_requests_nothing_from_other_hosts(sample_site: Path) -> None:
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for sheet in sample_site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\"?(https?:)?//", sheet.read_text(encoding="utf-8")), sheet


def test_each_project_costs_under_100_kb_of_site(sample_site: Path) -> None:
    for project_id in PORTFOLIO.projects:
        assert (sample_site / "projekter" / project_id / "index.html").stat().st_size < 100_000


HOSTILE = valid_project(
    title='</title><script>alert("titel")</script> <img src=x onerror=alert(0)> *fed*',
    lead={"name": "<img src=x onerror=alert(9)>", "email": "x@norddjurs.dk"},
    common_initiative={"name": "<script>alert(10)</script>", "body": "KL", "url": "https://kl.dk"},
    summary=(
        "Hej <script>alert(1)</script> [klik](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n"
        '<iframe src="https://example.org"></iframe> <a href="#" onclick="alert(4)">x</a> **fed**'
    ),
    infrastructure={"follows": False, "deviation": "[link](javascript:alert(5)) <b onmouseover=alert(6)>x</b>"},
    considerations={"citizens": "<script>alert(7)</script>", "coherence": "ok", "climate": "ok"},
)


def test_text_from_project_files_cannot_inject_script(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "projects" / "ondsindet.yaml").write_text(dump_project(HOSTILE), encoding="utf-8")
    site = build(root)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert not re.search(r"(href|src)=\"\s*javascript:", html, re.IGNORECASE), page
        assert not re.search(r"<[^>]+ on(error|click|mouseover)=", html), page
        assert "<iframe" not in html, page
    project_page = page_text(site, "projekter/ondsindet")
    assert "<strong>fed</strong>" in project_page  # Markdown in the summary still works
    assert "&lt;/title&gt;&lt;script&gt;alert(&#34;titel&#34;)" in project_page


def test_the_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    first = build(copy_repository(tmp_path / "one"))
    second = build(copy_repository(tmp_path / "two"))
    assert tree_digest(first) == tree_digest(second)


def test_plain_mkdocs_and_properdocs_rebuild_the_same_site(sample_site: Path, tmp_path: Path) -> None:
    root = sample_site.parent
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1795478400", "NO_MKDOCS_2_WARNING": "1"}
    bin_dir = Path(sys.executable).parent
    for tool in ("mkdocs", "properdocs"):
        out = tmp_path / tool
        subprocess.run(
            [str(bin_dir / tool), "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(out)],
            cwd=root,
            env=environment,
            check=True,
        )
        ours = {k: v for k, v in tree_digest(sample_site).items() if not k.startswith(".handleplan")}
        theirs = tree_digest(out)
        assert set(theirs) == set(ours), tool
        if tool == "mkdocs":
            assert theirs == ours


def _hostile_site(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = copy_repository(tmp_path / "repo")
    site = build(root)
    return root, tree_digest(site)


def test_a_portfolio_with_errors_keeps_the_last_good_site(tmp_path: Path) -> None:
    root, before = _hostile_site(tmp_path)
    (root / "projects" / "ny.yaml").write_text(dump_project(valid_project(focus_areas=["ukendt"])), "utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "projects/ny.yaml:6:3: HP102 fejl: Ukendt fokusområde 'ukendt'." in result.stdout
    assert "Det seneste gode site er uændret." in result.stderr
    assert tree_digest(root / "site") == before


def test_a_failing_template_keeps_the_last_good_site(tmp_path: Path) -> None:
    root, before = _hostile_site(tmp_path)
    (root / "site_templates" / "project.md.j2").write_text("{{ view.no_such_field }}", encoding="utf-8")
    with pytest.raises(TemplateFailed) as raised:
        build_site(load_portfolio(root, today=TODAY), TODAY)
    assert "site_templates/project.md.j2" in str(raised.value)
    assert "projekter/" in str(raised.value)
    assert tree_digest(root / "site") == before


def test_a_failing_mkdocs_build_keeps_the_last_good_site(tmp_path: Path) -> None:
    root, before = _hostile_site(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
    with pytest.raises(SiteBuildFailed):
        build_site(load_portfolio(root, today=TODAY), TODAY)
    assert tree_digest(root / "site") == before
    wait_for_removals()  # the first build's old site, removed in the background
    assert not list(root.glob(".site.*"))  # no staging folder is left behind


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("docs_dir", "projects"),
        ("docs_dir", "."),
        ("site_dir", "../elsewhere"),
        ("site_dir", "site_templates/out"),
        ("site_dir", "README.md"),
        ("docs_dir", "focus_areas.yaml"),
        ("site_dir", "notes.txt"),
    ],
)
def test_output_folders_never_overlap_sources(tmp_path: Path, setting: str, value: str) -> None:
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    text = re.sub(rf"^{setting}: .*$", f"{setting}: {value}", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(text, encoding="utf-8")
    (root / "notes.txt").write_text("a file of someone's", encoding="utf-8")
    with pytest.raises(UnsafeOutputFolder):
        read_site_config(root)


def test_a_foreign_folder_is_never_emptied(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "site").mkdir()
    (root / "site" / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UnsafeOutputFolder):
        build_site(load_portfolio(root, today=TODAY), TODAY)
    assert (root / "site" / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_a_removed_project_disappears_from_the_generated_pages(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    build(root)
    (root / "projects" / "min-side-paa-norddjurs-dk.yaml").unlink()
    site = build(root)
    assert not (root / "docs_generated" / "projekter" / "min-side-paa-norddjurs-dk.md").exists()
    assert not (site / "projekter" / "min-side-paa-norddjurs-dk").exists()


def test_build_reports_what_it_did(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert re.match(r"Byggede \d+ sider \(\d+ ændret, 0 fjernet\) til ", result.stdout)


def test_the_preview_regenerates_and_keeps_the_last_good_pages_on_errors(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    messages: list[str] = []
    assert regenerate(root, TODAY, messages.append)
    page = root / "docs_generated" / "projekter" / "aula.md"
    good = page.read_text(encoding="utf-8")
    source = root / "projects" / "aula.yaml"
    original = source.read_text(encoding="utf-8")
    snapshot = source_snapshot(root)

    source.write_text(original.replace("status: completed", "status: faerdig"), encoding="utf-8")
    os.utime(source, (1, 1))
    assert source_snapshot(root) != snapshot
    assert not regenerate(root, TODAY, messages.append)
    assert "projects/aula.yaml:" in messages[-1] and "HP012" in messages[-1]
    assert page.read_text(encoding="utf-8") == good

    source.write_text(re.sub(r"^title: (.*)$", r"title: Nyt navn for \1", original, count=1, flags=re.M), "utf-8")
    assert regenerate(root, TODAY, messages.append)
    assert "Nyt navn for" in page.read_text(encoding="utf-8")


def test_the_preview_refuses_to_start_without_good_pages(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "projects" / "brudt.yaml").write_text(dump_project(valid_project(focus_areas=[])), "utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "serve", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "HP101" in result.stderr
    assert "Der er ingen sider at vise" in result.stderr


def _section(page: str, heading: str) -> str:
    start = page.index(f">{heading}<")
    return page[start : page.index("<h2", start)]


def test_the_front_page_names_every_project_that_needs_action(sample_site: Path) -> None:
    page = page_text(sample_site, "")
    needing = {f.project_id: f.errors + f.warnings for f in PORTFOLIO.project_files if f.errors + f.warnings}
    assert needing  # the sample portfolio has warnings
    section = _section(page, "Kræver handling")
    for project_id, findings in needing.items():
        assert f'href="projekter/{project_id}/"' in section, project_id
        for found in findings:
            assert html.escape(found.rule.action, quote=False) in section  # grouped by what to do
    for project_id in set(PORTFOLIO.projects) - set(needing):
        assert f'href="projekter/{project_id}/"' not in section, project_id
    assert "HP2" not in section  # plain words for the steering group, no rule codes


def test_the_front_page_tiles_link_to_filtered_tables(sample_site: Path) -> None:
    section = _section(page_text(sample_site, ""), "Fremdrift")
    for link in ("handleplan/idebank/", "handleplan/?status=execution", "handleplan/afsluttede/?status=cancelled"):
        assert f'href="{link}"' in section, link
    for state in ("ok", "warning", "error"):
        assert f'href="projekter/?compliance={state}"' in section
    assert "realiseret af" in section and " %)" in section


def test_dates_read_the_danish_way(sample_site: Path) -> None:
    front = page_text(sample_site, "")
    assert f"pr. {TODAY.day}. november {TODAY.year}" in front
    assert not re.search(r">[^<]*\b20\d\d-\d\d-\d\d\b[^<]*<", front)  # ISO only in datetime attributes
    plan = page_text(sample_site, "handleplan")
    assert "1. sep. 2024</span> – <span" in plan  # Nexus: 2024-09-01 to 2026-06-30
    assert re.search(r"<h2[^>]*>November 2026", page_text(sample_site, "aendringer")) or "Ingen historik" in page_text(
        sample_site, "aendringer"
    )


def test_grouped_views_leave_out_the_column_they_group_by(sample_site: Path) -> None:
    def headings(url: str) -> list[str]:
        table = page_text(sample_site, url).split("<thead>", 1)[1].split("</thead>", 1)[0]
        return re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)

    assert headings("handleplan")[:3] == ["Projekt", "Status", "Overholdelse"]
    assert "Fokusområder" not in headings("handleplan/fokusomraader")
    assert "Forankring" not in headings("handleplan/forankring")
    assert "Omfang" not in headings("handleplan/initiativer")
    assert "Fokusområder" not in headings("fokusomraader/klima-ressourcer")


def test_the_compliance_matrix_lists_problems_first(sample_site: Path) -> None:
    page = page_text(sample_site, "overholdelse")
    rows = re.findall(r'<tr class="hp-matrix__row--([a-z-]+)">', page)
    order = {"error": 0, "warning": 1, "dispensed": 2, "ok": 3}
    assert rows and rows == sorted(rows, key=order.__getitem__)
    assert "warning" in rows


def test_project_pages_have_a_breadcrumb_and_problems_in_plain_words(sample_site: Path) -> None:
    page = page_text(sample_site, "projekter/nexus-paa-faelleskommunal-infrastruktur")
    assert 'data-hp-tab="../../handleplan/"' in page
    box = page.split('class="hp-problems', 1)[1].split("</section>", 1)[0]
    plain = box.split("<details", 1)[0]
    assert "Opdatér status eller slutdato" in plain and "HP203" not in plain and "linje" not in plain
    assert "HP203</strong>, linje" in box.split("<details", 1)[1]
    idea = page_text(sample_site, "projekter/digital-borgerinddragelse-i-planlaegning")
    assert "Idébank</a>" in idea.split("hp-breadcrumb", 1)[1].split("</nav>", 1)[0]
    assert "? – ?" not in idea


DISPENSED_PROJECT = "digital-affaldsordning-og-ruteplanlaegning"  # the sample's dispensation from HP104


def test_a_dispensation_in_force_shows_on_the_project_page_and_passes(sample_site: Path) -> None:
    page = page_text(sample_site, f"projekter/{DISPENSED_PROJECT}")
    assert "Dispensationer, der gælder nu" in page
    assert "Programgruppen gav dispensation" in page and "30. april 2027" in page
    assert "hp-badge--dispensed" in page and "ting skal følges op på" not in page


def test_the_compliance_page_lists_dispensations_with_their_expiry(sample_site: Path) -> None:
    page = page_text(sample_site, "overholdelse")
    table = _section(page, "Dispensationer")
    assert f'href="../projekter/{DISPENSED_PROJECT}/"' in table and "30. april 2027" in table
    row = re.search(
        rf'<tr class="hp-matrix__row--dispensed"><th scope="row"><a href="[./]*projekter/{DISPENSED_PROJECT}/"', page
    )
    assert row, "the project's matrix row is marked dispensed"


def test_a_dispensed_project_is_not_asked_for_action(sample_site: Path) -> None:
    assert f"projekter/{DISPENSED_PROJECT}/" not in _section(page_text(sample_site, ""), "Kræver handling")
