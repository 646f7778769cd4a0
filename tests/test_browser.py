"""End to end in headless Chromium: pages, sorting, filtering, Danish search, no other hosts, axe-core.

Uses Debian's chromium (or any Chromium on PATH) through playwright. Without a
browser these tests skip, except in CI (CI=true), where a missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.test_site import build, copy_repository

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PAGE_TYPES = [
    "",
    "handleplan/",
    "handleplan/fokusomraader/",
    "handleplan/initiativer/",
    "handleplan/idebank/",
    "fokusomraader/",
    "fokusomraader/klima-ressourcer/",
    "overholdelse/",
    "projekter/",
    "projekter/borgerblikket/",
    "vejledning/",
    "vejledning/felter/",
    "aendringer/",
    "rapport/",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
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
    def log_message(self, format: str, *args: Any) -> None:
        pass


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


@pytest.fixture
def page(browser: Any, site_url: str) -> Iterator[Any]:
    context = browser.new_context(locale="da-DK")
    opened = context.new_page()
    opened.requests_seen = []
    opened.console_errors = []
    opened.on("request", lambda request: opened.requests_seen.append(request.url))
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
    assert page.console_errors == []
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#hp-handleplan-tabel tbody tr:visible td:first-child").all_inner_texts()]


def test_the_action_plan_sorts_by_a_column(page: Any, site_url: str) -> None:
    page.goto(site_url + "handleplan/")
    button = page.get_by_role("button", name="Sorter efter Projekt", exact=True)
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
    assert page.locator(".hp-filters__count").inner_text() == f"Viser {started.count()} af {total} projekter."
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
