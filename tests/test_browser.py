"""End to end in headless Chromium: pages, sorting, filtering, Danish search, no other hosts, axe-core.

Uses Debian's chromium (or any Chromium on PATH) through playwright. Without a
browser these tests skip, except in CI (CI=true), where a missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from scripts.screenshots import CHROMIUM_FLAGS, find_chromium
from tests.test_site import build, copy_repository

pytestmark = pytest.mark.browser


PAGE_TYPES = [
    "",
    "handleplan/",
    "handleplan/fokusomraader/",
    "handleplan/initiativer/",
    "handleplan/forankring/",
    "handleplan/idebank/",
    "handleplan/afsluttede/",
    "fokusomraader/",
    "fokusomraader/klima-ressourcer/",
    "programmer/",
    "programmer/digitaliseringsstrategi-2026-2029/",  # the sample's draft successor
    "koordinering/",
    "overholdelse/",
    "projekter/",
    "projekter/borgerblikket/",
    "projekter/nexus-paa-faelleskommunal-infrastruktur/",
    "projekter/digital-affaldsordning-og-ruteplanlaegning/",  # a dispensation in force
    "vejledning/",
    "vejledning/felter/",
    "aendringer/",
    "rapport/",
    "vejledning/regler/",
    "findes-ikke/",  # the 404 page, as the intranet's web server shows it
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = find_chromium()
    if executable is None:
        message = "no Chromium on PATH: install Debian's chromium package (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as an intranet web server would: quietly, with the site's own 404 page."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.exists(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as opened:
            body = opened.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build(copy_repository(tmp_path_factory.mktemp("e2e")))
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=[DESKTOP], ids=["1440x900"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def page(browser: Any, site_url: str, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(locale="da-DK", viewport=viewport)
    opened = context.new_page()
    opened.requests_seen = []
    opened.console_errors = []
    opened.failed = []
    opened.on("request", lambda request: opened.requests_seen.append(request.url))
    opened.on("response", lambda response: response.status >= 400 and opened.failed.append(response.url))
    opened.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
    opened.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    yield opened
    context.close()


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_each_page_type_is_clean_local_and_accessible(page: Any, site_url: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url + path, wait_until="networkidle")
    assert page.locator("h1").first.inner_text().strip()
    foreign = [url for url in page.requests_seen if not url.startswith(site_url) and not url.startswith("data:")]
    assert foreign == []
    # Only the 404 page's own address may fail; its styles and scripts must load.
    assert page.failed == ([site_url + path] if path == "findes-ikke/" else [])
    assert [e for e in page.console_errors if not (page.failed and e.startswith("Failed to load resource"))] == []
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#hp-handleplan-tabel tbody tr:visible th").all_inner_texts()]


def test_the_action_plan_sorts_by_a_column(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/")
    button = page.get_by_role("button", name="Sortér efter Projekt", exact=True)
    button.click()
    ascending = _titles(page)
    assert ascending == sorted(ascending, key=str.casefold)
    assert page.locator("#hp-handleplan-tabel th").first.get_attribute("aria-sort") == "ascending"
    button.click()
    assert _titles(page) == list(reversed(ascending))


def test_the_action_plan_filters_by_status_and_text(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/")
    total = len(_titles(page))
    page.locator("select[name=status]").select_option("startup")
    started = page.locator("#hp-handleplan-tabel tbody tr:visible")
    assert 0 < started.count() < total
    for status in started.evaluate_all("rows => rows.map(r => r.dataset.status)"):
        assert status == "startup"
    assert (
        page.locator(".hp-filters__count").inner_text()
        == f"Viser {started.count()} af {total} projekter. Nulstil filtrene"
    )
    page.locator("select[name=status]").select_option("")
    page.get_by_label("Søg i tabellen").fill("nexus")
    assert [t.lower() for t in _titles(page)] == ["nexus på den fælleskommunale infrastruktur"]


def test_search_finds_danish_words(page: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(site_url)
    search = page.locator(".md-search__input")
    search.click()
    # Words typed before the search index has loaded are never searched for: wait until
    # Material asks for them ("Indtast søgeord"), then type them as a person would.
    expect(page.locator(".md-search-result__meta")).to_have_text("Indtast søgeord", timeout=30_000)
    search.press_sequentially("vandforbruget")
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    assert "Sensorovervågning" in page.locator(".md-search-result").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1440x900"], indirect=True)
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_page_scrolls_sideways(page: Any, site_url: str, path: str, viewport: dict[str, int]) -> None:
    page.goto(site_url + path, wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [PHONE], ids=["390x844"], indirect=True)
def test_chart_text_is_readable_on_a_phone(page: Any, site_url: str) -> None:
    page.goto(site_url + "fokusomraader/klima-ressourcer/", wait_until="networkidle")
    sizes = page.evaluate(
        "[...document.querySelectorAll('.hp-chart__svg text')].map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 9  # CSS px; the glyph box of 10 px text


def test_every_action_plan_column_is_in_view_at_1440(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/", wait_until="networkidle")
    headings = page.locator("#hp-handleplan-tabel thead th")
    assert headings.all_inner_texts()[:3] == ["Projekt", "Status", "Overholdelse"]
    rights = headings.evaluate_all("cells => cells.map(c => c.getBoundingClientRect().right)")
    wrap = page.locator(".hp-projects").first.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert wrap[0] <= wrap[1]
    assert max(rights) <= DESKTOP["width"]
    # A date never breaks in the middle: each stays on one line.
    heights = page.locator("#hp-handleplan-tabel td[data-label=Periode] .hp-nowrap").evaluate_all(
        "spans => spans.map(s => s.getClientRects().length)"
    )
    assert heights and set(heights) == {1}


def test_filters_live_in_the_url(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/?compliance=warning&scope=local")
    rows = page.locator("#hp-handleplan-tabel tbody tr:visible")
    assert rows.count() > 0
    for compliance, scope in rows.evaluate_all("rows => rows.map(r => [r.dataset.compliance, r.dataset.scope])"):
        assert (compliance, scope) == ("warning", "local")
    assert page.locator("select[name=compliance]").input_value() == "warning"
    page.locator("select[name=status]").select_option("execution")
    assert "status=execution" in page.url and "compliance=warning" in page.url
    page.get_by_role("button", name="Nulstil filtrene").click()
    assert page.url.rstrip("/").endswith("handleplan")
    assert page.locator(".hp-filters__count").inner_text().startswith("Viser alle 12 projekter")


def test_an_empty_result_says_why_and_leads_on(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/")
    page.get_by_label("Søg i tabellen").fill("Aula")  # a completed project: not in the action plan
    empty = page.locator(".hp-filters__empty")
    assert empty.is_visible()
    assert "Ingen projekter i denne tabel passer til filtrene" in empty.inner_text()
    empty.get_by_role("link").click()
    page.wait_for_url(lambda url: url.endswith("/projekter/?tekst=Aula"))
    assert [t.split("–")[0].strip() for t in _visible_titles(page, "#hp-alle-projekter")] == ["Aula"]
    page.go_back()
    page.get_by_role("button", name="Nulstil filtrene").click()
    assert len(_titles(page)) == 12


def _visible_titles(page: Any, table: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{table} tbody tr:visible th").all_inner_texts()]


def test_a_project_page_shows_where_it_is_and_its_problems_first(page: Any, site_url: str) -> None:
    page.goto(site_url + "projekter/nexus-paa-faelleskommunal-infrastruktur/", wait_until="networkidle")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Handleplan"
    assert page.locator(".hp-breadcrumb li").all_inner_texts() == ["Forside", "Handleplan"]
    box = page.locator(".hp-problems")
    title_bottom = page.locator("h1").evaluate("h => h.getBoundingClientRect().bottom")
    assert box.evaluate("b => b.getBoundingClientRect().top") - title_bottom < 150
    text = box.inner_text()
    assert "Slutdato overskredet" in text and "30. juni 2026" in text and "Opdatér status eller slutdato" in text
    assert "HP203" not in text and "linje" not in text  # the lead's details are folded away
    box.get_by_text("Til projektlederen").click()
    assert "HP203, linje" in box.inner_text()


def test_a_focus_area_page_marks_its_tab(page: Any, site_url: str) -> None:
    page.goto(site_url + "fokusomraader/klima-ressourcer/", wait_until="networkidle")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Fokusområder"


def test_the_404_page_is_danish(page: Any, site_url: str) -> None:
    response = page.goto(site_url + "findes-ikke/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Siden findes ikke"
    assert "Not found" not in page.content()


@pytest.mark.parametrize(
    ("words", "page_url"),
    [
        ("statusrapport", "rapport/"),
        ("overholdelse", "overholdelse/"),
        ("Klima og ressourcer", "fokusomraader/klima-ressourcer/"),
        ("idébank", "handleplan/idebank/"),
        ("afsluttede", "handleplan/afsluttede/"),
        ("forankring", "handleplan/forankring/"),
        ("feltoversigt", "vejledning/felter/"),
    ],
)
def test_search_finds_every_page_by_its_title(page: Any, site_url: str, words: str, page_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(site_url)
    search = page.locator(".md-search__input")
    search.click()
    expect(page.locator(".md-search-result__meta")).to_have_text("Indtast søgeord", timeout=30_000)
    search.press_sequentially(words)
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    found = page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)")
    assert site_url + page_url in [href.split("#")[0].split("?")[0] for href in found]
