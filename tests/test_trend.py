"""Compliance over time: month counts from git, judged as of each month's end, on the site and in the report."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import charts, trend
from generator.cli import main
from generator.history import FileChange, History, read_history
from generator.portfolio import CheckedFile, check_project_source, load_portfolio, usable_programme
from generator.render import render_site
from generator.trend import Trend, change_since, compliance_trend, count_files
from generator.versions import VersionChecker
from generator.views import build_site_data
from schema.catalogue import Waiver, finding
from schema.dates import MONTHS
from schema.project import Project
from tests.conftest import REPO, dump_project, valid_project
from tests.test_charts import SVG, contrast, hue_and_saturation, parse, texts, view_width
from tests.test_history import NO_DPO, Repo

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
TODAY = dt.date(2026, 6, 15)
# A dispensation from the DPO sign-off rule (HP104), in force from January to April 2026.
DISPENSATION = {
    "rule": "HP104",
    "reason": "Konsekvensanalysen er i gang.",
    "granted_by": "programme_group",
    "granted_on": dt.date(2026, 1, 10),
    "expires": dt.date(2026, 4, 30),
}


def rows(found: Trend | None) -> list[tuple[str, int, int, int, int]]:
    assert found is not None
    return [
        (m.month.isoformat()[:7], m.counts.errors, m.counts.warnings, m.counts.ok, m.counts.dispensed)
        for m in found.months
    ]


def trend_of(root: Path, today: dt.date = TODAY) -> Trend | None:
    history = read_history(root, with_changes=True)
    portfolio = load_portfolio(root, today=today, last_changed=history.last_changed)
    return compliance_trend(portfolio, history, today)


def pages_of(root: Path, today: dt.date = TODAY) -> dict[str, str]:
    history = read_history(root, with_changes=True)
    portfolio = load_portfolio(root, today=today, last_changed=history.last_changed)
    data = build_site_data(portfolio, today, history)
    return {
        p.path: p.content
        for p in render_site(data, root / "site_templates", "https://example.org/edit/")
        if isinstance(p.content, str)
    }


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """January: one error, one OK, one idea. March: the error fixed, a project ending 10 April added."""
    repo = Repo(tmp_path / "repo")
    repo.write("aula", valid_project(title="Aula"))
    repo.write("borgerservice", dict(NO_DPO, title="Borgerservice"))  # HP104, an error
    repo.write("chatbot", valid_project(title="Chatbot", status="idea"))  # an idea: not counted
    repo.commit("Første projekter", "2026-01-15T12:00:00")
    repo.write("borgerservice", valid_project(title="Borgerservice"))
    repo.write("dokumenter", valid_project(title="Dokumenter", start=dt.date(2025, 1, 1), end=dt.date(2026, 4, 10)))
    repo.commit("Godkendelse og nyt projekt", "2026-03-02T09:00:00")
    return repo


# What is counted, month by month


@needs_git
def test_each_month_counts_the_portfolio_at_its_end(repo: Repo) -> None:
    assert rows(trend_of(repo.root)) == [
        ("2026-01", 1, 0, 1, 0),
        ("2026-02", 1, 0, 1, 0),  # no commit: January's files, checked at 28 February
        ("2026-03", 0, 0, 3, 0),
        ("2026-04", 0, 1, 2, 0),  # no commit, but the planned end (10 April) has passed by 30 April: HP203
        ("2026-05", 0, 1, 2, 0),
        ("2026-06", 0, 1, 2, 0),  # this month: the files as the site shows them, today
    ]


@needs_git
def test_each_month_is_judged_as_of_its_last_day_not_today(repo: Repo) -> None:
    found = trend_of(repo.root)
    assert found is not None
    march, april = found.months[2], found.months[3]
    assert (march.counts.day, april.counts.day) == (dt.date(2026, 3, 31), dt.date(2026, 4, 30))
    assert march.counts.warnings == 0  # judged today, the passed end date would be a warning in March too
    assert found.months[-1].counts.day == TODAY


@needs_git
def test_a_commit_in_the_middle_of_a_month_counts_for_that_month_only_from_its_end(repo: Repo) -> None:
    repo.write("aula", dict(NO_DPO, title="Aula"))
    repo.commit("Aula mister godkendelsen", "2026-05-20T09:00:00")
    repo.write("aula", valid_project(title="Aula"))
    repo.commit("Aula får den igen", "2026-05-25T09:00:00")  # the month's end counts, not the day in between
    assert rows(trend_of(repo.root))[4] == ("2026-05", 0, 1, 2, 0)


@needs_git
def test_a_project_that_is_removed_or_closed_stops_counting(repo: Repo) -> None:
    (repo.root / "projects" / "aula.yaml").unlink()
    repo.write("dokumenter", valid_project(title="Dokumenter", status="completed"))
    repo.commit("Aula fjernet, dokumenter afsluttet", "2026-05-05T09:00:00")
    assert rows(trend_of(repo.root))[4:] == [("2026-05", 0, 0, 1, 0), ("2026-06", 0, 0, 1, 0)]


@needs_git
def test_dispensations_are_counted_while_in_force_and_the_error_returns_after(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("aula", valid_project(title="Aula"))
    repo.write("borgerservice", dict(NO_DPO, title="Borgerservice", dispensations=[DISPENSATION]))
    repo.commit("Med dispensation", "2026-01-15T12:00:00")
    repo.write("borgerservice", valid_project(title="Borgerservice"))  # the working tree is fixed, HEAD is not
    assert rows(trend_of(repo.root, dt.date(2026, 6, 15)))[:-1] == [
        ("2026-01", 0, 0, 2, 1),  # HP104 dispensed: it passes, and the project has a dispensation
        ("2026-02", 0, 0, 2, 1),
        ("2026-03", 0, 0, 2, 1),
        ("2026-04", 0, 0, 2, 1),  # the last day it holds
        ("2026-05", 1, 0, 1, 0),  # expired: HP104 bites again
    ]


def test_a_checked_file_with_a_waived_finding_counts_as_ok_with_a_dispensation() -> None:
    waiver = Waiver("Programgruppen", dt.date(2026, 1, 10), dt.date(2026, 4, 30), "DPIA i gang.")
    waived = finding("HP104", ("signoffs", "dpo"), role="databeskyttelsesrådgiveren", key="dpo")
    project = Project.model_validate(NO_DPO)
    files = [CheckedFile("projects/x.yaml", (replace(waived, waiver=waiver),), "x", project)]
    counts = count_files(files, TODAY)
    assert (counts.errors, counts.warnings, counts.ok, counts.dispensed) == (0, 0, 1, 1)


@needs_git
def test_a_version_with_a_cpr_number_counts_as_an_error_and_is_never_shown(repo: Repo) -> None:
    secret = valid_project(title="Hemmelig titel", summary="Borgerens nummer er 010190-1234.", status="idea")
    repo.write("hemmelig", secret)
    repo.commit("Ups", "2026-04-03T09:00:00")
    (repo.root / "projects" / "hemmelig.yaml").unlink()
    repo.commit("Fjernet igen", "2026-05-02T09:00:00")
    assert rows(trend_of(repo.root))[3:5] == [("2026-04", 1, 1, 2, 0), ("2026-05", 0, 1, 2, 0)]
    pages = pages_of(repo.root)
    for page in ("overholdelse.md", "rapport.md"):
        assert "Hemmelig" not in pages[page] and "010190" not in pages[page]


# Caching: every version read once, and the same answer as checking it afresh


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the versions read and validated afresh, in order."""
    calls: list[str] = []
    original = check_project_source

    def counting(path: str, *args: Any) -> CheckedFile:
        calls.append(path)
        return original(path, *args)

    monkeypatch.setattr("generator.versions.check_project_source", counting)
    return calls


@needs_git
def test_each_version_is_read_and_validated_once_and_todays_files_not_again(repo: Repo, reads: list[str]) -> None:
    calls = reads
    trend_of(repo.root)
    # Only January's borgerservice: every other version is the file on disk, which today's check has read.
    assert calls == ["projects/borgerservice.yaml"]
    repo.write("aula", valid_project(title="Aula", summary="Ikke committet."))
    calls.clear()
    trend_of(repo.root)
    assert sorted(calls) == ["projects/aula.yaml", "projects/borgerservice.yaml"]  # aula's committed version


@needs_git
def test_the_history_and_the_trend_read_each_version_once_between_them(repo: Repo, reads: list[str]) -> None:
    calls = reads
    history = read_history(repo.root, with_changes=True)
    portfolio = load_portfolio(repo.root, today=TODAY, last_changed=history.last_changed)
    data = build_site_data(portfolio, TODAY, history)
    assert data.events and data.trend is not None
    # The events read every committed version not on disk today, the trend none again.
    assert calls == ["projects/borgerservice.yaml"]


def test_the_cached_checks_give_the_same_counts_as_fresh_ones() -> None:
    programme = usable_programme(REPO)
    versions = [
        valid_project(title="A", end=dt.date(2026, 3, 10)),
        dict(NO_DPO, title="B", dispensations=[DISPENSATION]),
        valid_project(title="C", related=["b"]),  # HP110 once b is gone
        valid_project(title="D", status="paused", end=dt.date(2026, 5, 1)),
    ]
    changes = [
        FileChange("c1", dt.date(2025, 11, 3), "", "projects/a.yaml", "A", dump_project(versions[0]).encode()),
        FileChange("c1", dt.date(2025, 11, 3), "", "projects/b.yaml", "A", dump_project(versions[1]).encode()),
        FileChange("c2", dt.date(2026, 1, 9), "", "projects/c.yaml", "A", dump_project(versions[2]).encode()),
        FileChange("c3", dt.date(2026, 2, 9), "", "projects/d.yaml", "A", dump_project(versions[3]).encode()),
        FileChange("c4", dt.date(2026, 6, 1), "", "projects/b.yaml", "D", None),
    ]
    days = [trend._month_end(month) for month in trend._months(dt.date(2025, 11, 1), dt.date(2026, 8, 1))]
    cached = list(trend._replay(changes, programme, days))
    fresh = [next(trend._replay(changes, programme, [day], VersionChecker())) for day in days]
    assert cached == fresh
    assert len({(c.errors, c.warnings, c.ok, c.dispensed) for c in cached}) > 2  # the months do differ


# Shallow clones and no history


@needs_git
def test_a_shallow_clone_gives_the_same_months_as_far_as_it_reaches(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True, capture_output=True
    )
    full, shallow = trend_of(repo.root), trend_of(clone)
    assert rows(shallow) == rows(full)[2:]  # from March, the month of the one commit it has
    assert shallow is not None and shallow.note.startswith("Historikken er ufuldstændig")
    page = pages_of(clone)["overholdelse.md"]
    section = page[page.index("## Udvikling over tid") :]
    assert "Historikken er ufuldstændig" in section
    assert 'id="overholdelse-over-tid"' in section


def test_without_git_the_page_says_so_and_draws_no_chart(tmp_path: Path, make_portfolio: Any) -> None:
    root = make_portfolio({"aula.yaml": dump_project(valid_project())})
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    assert trend_of(root) is None
    section = pages_of(root)["overholdelse.md"].split("## Udvikling over tid")[1]
    assert "kan ikke vises her. Ingen historik: handleplanen er ikke bygget fra et git-repositorium." in section
    assert "<svg" not in section and "<table" not in section
    report = pages_of(root)["rapport.md"]
    assert "Udviklingen over tid læses fra git-historikken og kan ikke vises her." in report


def test_a_history_without_changes_gives_no_trend(make_portfolio: Any) -> None:
    root = make_portfolio({"aula.yaml": dump_project(valid_project())})
    portfolio = load_portfolio(root, today=TODAY)
    assert compliance_trend(portfolio, History(note="Ingen historik endnu.", available=True), TODAY) is None


# The site and the report


@needs_git
def test_the_compliance_page_ends_with_the_chart_and_its_numbers(repo: Repo) -> None:
    page = pages_of(repo.root)["overholdelse.md"]
    section = page[page.index("## Udvikling over tid") :]
    assert page.rindex("\n## ") == page.index("## Udvikling over tid") - 1  # the last section
    assert 'id="overholdelse-over-tid"' in section
    assert '<tr><th scope="row">April 2026</th><td>0</td><td>1</td><td>2</td><td>0</td></tr>' in section
    assert "idéer og afsluttede eller stoppede projekter tæller ikke med" in section


@needs_git
def test_report_since_states_the_change(repo: Repo) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(repo.root), "report", "--since", "2026-03-01", "--today", "2026-06-15"]
    )
    assert result.exit_code == 0, result.output
    assert "Siden 1. marts 2026: projekter med fejl 1 → 0, med advarsler 0 → 1, i orden 1 → 2." in result.stdout
    assert "| Juni 2026 (til i dag) | 0 | 1 | 2 | 0 |" in result.stdout
    assert "| Januar 2026 | 1 | 0 | 1 | 0 |" in result.stdout
    assert result.stdout.index("| Juni 2026") < result.stdout.index("| Januar 2026")  # newest first


@needs_git
def test_report_since_a_day_inside_a_month_compares_with_the_day_before(repo: Repo) -> None:
    found = trend_of(repo.root)
    # 2 March: the commit of that day counts after it, so the 1 March state is the one before.
    assert change_since(found, dt.date(2026, 3, 2)).startswith("Siden 2. marts 2026: projekter med fejl 1 → 0,")
    assert change_since(found, dt.date(2026, 3, 3)).startswith("Siden 3. marts 2026: projekter med fejl 0 → 0,")


@needs_git
def test_report_since_before_the_history_says_it_cannot_tell(repo: Repo) -> None:
    text = change_since(trend_of(repo.root), dt.date(2025, 12, 1))
    assert text == (
        "Udviklingen siden 1. december 2025 kan ikke vises, fordi git-historikken ikke når så langt tilbage. "
        "Historikken begynder 15. januar 2026."
    )


# The chart


def months_of(count: int) -> list[tuple[dt.date, int, int, int, int]]:
    first = dt.date(2024, 11, 1)
    return [
        (
            dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1),
            i % 3,
            i % 5,
            40 + i,
            i % 2,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [1, 2, 24, 120])
def test_the_chart_fits_and_reads_on_a_phone(count: int) -> None:
    chart = charts.compliance_trend("t", "Overholdelse", months_of(count))
    root = parse(chart)
    width = view_width(root)
    assert width == charts.WIDTH and float(root.attrib["font-size"]) * 350 / width >= 10
    for text in texts(root):
        estimate = len(text.text or "") * 0.6 * float(root.attrib["font-size"])
        x = float(text.attrib["x"])
        left = {"start": x, "middle": x - estimate / 2, "end": x - estimate}[text.attrib["text-anchor"]]
        assert left >= 0 and left + estimate <= width, text.text
    assert all(len(row) == len(chart.head) for row in chart.rows) and len(chart.rows) == count


def test_the_chart_has_a_legend_on_top_danish_months_and_a_table() -> None:
    chart = charts.compliance_trend("t", "Overholdelse", months_of(3))
    root = parse(chart)
    legend = [t.text for t in root.find(f"{SVG}g").iter(f"{SVG}text")]  # type: ignore[union-attr]
    assert legend == ["Fejl", "Advarsel", "OK", "Med dispensation"]
    labels = [t.text for t in texts(root)]
    assert [label for label in labels if label and label.endswith(".")] == ["nov.", "dec.", "jan."]
    assert "2024" in labels and "2025" in labels
    assert chart.head == ["Måned", "Fejl", "Advarsel", "OK", "Med dispensation"]
    assert chart.rows[0] == ["November 2024", "0", "0", "40", "0"]
    assert chart.rows[0][0].lower().split()[0] in MONTHS
    assert charts.compliance_trend("t", "Overholdelse", months_of(3)) == chart  # deterministic


def test_the_chart_uses_the_compliance_hues_and_no_status_colour() -> None:
    badges = {"error": "#a01622", "warning": "#7a3e00", "ok": "#1a5e20", "dispensed": "#3b5215"}
    status = {c.lower() for c in charts.STATUS_COLOURS.values()}
    for key, colour in charts.TREND_COLOURS.items():
        assert contrast(colour, "#ffffff") >= 3, key
        assert colour not in status, key
        hue, badge_hue = hue_and_saturation(colour)[0], hue_and_saturation(badges[key])[0]
        assert abs((hue - badge_hue + 180) % 360 - 180) <= 15, key
    fills = {e.attrib["fill"] for e in parse(charts.compliance_trend("t", "T", months_of(4))).iter(f"{SVG}rect")}
    assert {charts.TREND_COLOURS[k] for k in ("error", "warning", "ok")} <= fills


def test_the_chart_says_so_in_its_description() -> None:
    chart = charts.compliance_trend("t", "T", [(dt.date(2026, 5, 1), 1, 2, 3, 4)])
    assert chart.description.endswith("Senest: 1 med fejl, 2 med advarsler, 3 i orden og 4 med dispensation.")
    assert ET.fromstring(chart.svg).find(f"{SVG}desc").text == chart.description  # type: ignore[union-attr]


def test_without_dispensations_the_chart_draws_no_line_for_them() -> None:
    months = [(month, errors, warnings, ok, 0) for month, errors, warnings, ok, _ in months_of(3)]
    root = parse(charts.compliance_trend("t", "T", months))
    legend = [t.text for t in root.find(f"{SVG}g").iter(f"{SVG}text")]  # type: ignore[union-attr]
    assert legend == ["Fejl", "Advarsel", "OK"]
    assert root.find(f"{SVG}polyline") is None and root.find(f"{SVG}circle") is None


@needs_git
def test_the_built_site_shows_the_trend_on_the_compliance_page_and_in_the_report(repo: Repo) -> None:
    result = repo.invoke("build", "--today", "2026-06-15")
    assert result.exit_code == 0, result.output
    compliance = (repo.root / "site" / "overholdelse" / "index.html").read_text(encoding="utf-8")
    assert 'id="overholdelse-over-tid"' in compliance and '<th scope="row">Januar 2026</th>' in compliance
    report = (repo.root / "site" / "rapport" / "index.html").read_text(encoding="utf-8")
    assert "Siden 1. maj 2026: projekter med fejl 0 → 0, med advarsler 1 → 1, i orden 2 → 2." in report
