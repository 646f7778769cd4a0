"""Photograph every page type of the built site at desktop and phone sizes, and report sideways scrolling.

Serves the built site (``site/``) on 127.0.0.1, opens one representative page of
each page type in headless Chromium at every size, writes ``<size>/<page-type>.png``
and an ``index.html`` contact sheet into the out folder, and measures layout
problems: a page wider than the window, and at desktop sizes the action plan
table overflowing its scroll box.

Exit status: 0 when every page fits, 1 when any layout problem was found,
2 for usage errors (no built site, no Chromium, bad --sizes).

Example:
    handleplan build
    python scripts/screenshots.py --out screenshots
    python scripts/screenshots.py --sizes 1440x900,390x844 --no-full-page
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import html
import http.server
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEARCH_QUERY = "overholdelse"
NOT_FOUND_PATH = "findes-ikke/"
# Below this width a table that scrolls inside its box is the accepted phone fallback.
DESKTOP_MIN_WIDTH = 1024
SETTLE_MS = 150
TIMEOUT_MS = 30_000


class Size(NamedTuple):
    """A browser window size in CSS pixels."""

    width: int
    height: int

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}"


DEFAULT_SIZES = (Size(1440, 900), Size(390, 844))


class ScreenshotError(Exception):
    """A reason the screenshots cannot be taken at all (exit status 2)."""


class NoSiteError(ScreenshotError):
    def __init__(self, site: Path) -> None:
        super().__init__(f"no built site at {site}; run `handleplan build` first")


class NoBrowserError(ScreenshotError):
    def __init__(self) -> None:
        names = ", ".join(CHROMIUM_NAMES)
        super().__init__(f"no Chromium on PATH (looked for {names}): install Debian's chromium package")


@dataclasses.dataclass(frozen=True)
class PageType:
    """One kind of page, with the representative URL path (relative to the site root) to photograph."""

    name: str
    path: str
    title: str
    search: bool = False


@dataclasses.dataclass(frozen=True)
class Layout:
    """What was measured on one page: sideways overflow and the action plan table's fit."""

    overflow_px: int
    table_overflow_px: int | None
    culprits: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Shot:
    """One screenshot written, with what was measured on the page."""

    page: PageType
    size: Size
    file: Path
    layout: Layout
    note: str | None = None

    @property
    def problems(self) -> list[str]:
        found = []
        if self.layout.overflow_px > 0:
            where = f" (from {', '.join(self.layout.culprits)})" if self.layout.culprits else ""
            found.append(f"page scrolls sideways by {self.layout.overflow_px} px{where}")
        if self.layout.table_overflow_px:
            found.append(f"#hp-handleplan-tabel has {self.layout.table_overflow_px} px outside its scroll box")
        return found


@dataclasses.dataclass
class Report:
    """Everything one run wrote, measured and skipped."""

    out: Path
    shots: list[Shot] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    contact_sheet: Path | None = None
    seconds: float = 0.0

    @property
    def files(self) -> list[Path]:
        written = [shot.file for shot in self.shots]
        return [*written, self.contact_sheet] if self.contact_sheet else written

    @property
    def problems(self) -> list[str]:
        return [f"{s.size.name} {s.page.name} (/{s.page.path}): {p}" for s in self.shots for p in s.problems]

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


PAGE_TYPES = [
    PageType("forside", "", "Forside"),
    PageType("handleplan", "handleplan/", "Handleplan"),
    PageType("handleplan-fokusomraader", "handleplan/fokusomraader/", "Handleplan efter fokusområde"),
    PageType("handleplan-initiativer", "handleplan/initiativer/", "Handleplan efter initiativ"),
    PageType("handleplan-forankring", "handleplan/forankring/", "Handleplan efter forankring"),
    PageType("handleplan-idebank", "handleplan/idebank/", "Idébank"),
    PageType("handleplan-afsluttede", "handleplan/afsluttede/", "Afsluttede projekter"),
    PageType("fokusomraader", "fokusomraader/", "Fokusområder"),
    PageType("programmer", "programmer/", "Programmer"),
    PageType("koordinering", "koordinering/", "Koordinering"),
    PageType("overholdelse", "overholdelse/", "Overholdelse"),
    PageType("aendringer", "aendringer/", "Ændringer"),
    PageType("rapport", "rapport/", "Rapport"),
    PageType("projekter", "projekter/", "Projekter"),
    PageType("vejledning", "vejledning/", "Vejledning"),
    PageType("vejledning-felter", "vejledning/felter/", "Vejledning: felter"),
    PageType("vejledning-regler", "vejledning/regler/", "Vejledning: regler"),
]


def _subpages(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(child for child in folder.iterdir() if (child / "index.html").is_file())


def _has_problems(page: Path) -> bool:
    text = (page / "index.html").read_text(encoding="utf-8", errors="replace")
    return "hp-badge--error" in text or "hp-badge--warning" in text


def discover_pages(site: Path) -> tuple[list[PageType], list[str]]:
    """The page types present in `site`, with a representative page each, and notes on those skipped."""
    pages: list[PageType] = []
    notes: list[str] = []

    def add(page: PageType) -> None:
        if (site / page.path / "index.html").is_file():
            pages.append(page)
        else:
            notes.append(f"skipped {page.name}: no page at /{page.path}")

    for page in PAGE_TYPES:
        add(page)
        if page.name == "fokusomraader":
            areas = _subpages(site / "fokusomraader")
            if areas:
                pages.append(PageType("fokusomraade", f"fokusomraader/{areas[0].name}/", "Ét fokusområde"))
            else:
                notes.append("skipped fokusomraade: no focus area under /fokusomraader/")
        elif page.name == "programmer":
            # A draft's or an earlier programme's page, and an archived dashboard where there is one.
            for programme in _subpages(site / "programmer"):
                archive = _subpages(programme)
                if archive:
                    pages.append(
                        PageType(
                            "program-arkiv", f"programmer/{programme.name}/{archive[0].name}/", "Arkiveret fokusområde"
                        )
                    )
            programmes = _subpages(site / "programmer")
            if programmes:
                pages.append(
                    PageType("program", f"programmer/{programmes[0].name}/", "Et program (kladde eller arkiv)")
                )
        elif page.name == "projekter":
            projects = _subpages(site / "projekter")
            troubled = [p for p in projects if _has_problems(p)]
            plain = [p for p in projects if not _has_problems(p)]
            if troubled:
                pages.append(
                    PageType("projekt-med-problemer", f"projekter/{troubled[0].name}/", "Projekt med fejl/advarsler")
                )
            else:
                notes.append("skipped projekt-med-problemer: no project page shows an error or a warning")
            if plain:
                pages.append(PageType("projekt", f"projekter/{plain[0].name}/", "Projekt uden problemer"))
            else:
                notes.append("skipped projekt: every project page shows an error or a warning")
    if (site / "404.html").is_file():
        pages.append(PageType("404", NOT_FOUND_PATH, "Siden findes ikke (404)"))
    else:
        notes.append("skipped 404: no 404.html")
    if (site / "search" / "search_index.json").is_file():
        pages.append(PageType("soegning", "", f"Søgning efter »{SEARCH_QUERY}«", search=True))
    else:
        notes.append("skipped soegning: no search/search_index.json")
    return pages, notes


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site quietly, answering unknown paths with the site's own 404.html as the intranet server does."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at an ephemeral port; yields the base URL ending in "/"."""
    handler = functools.partial(_SiteHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def find_chromium() -> str | None:
    """The first Chromium on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


_MEASURE_JS = """
() => {
  const limit = window.innerWidth;
  const right = (element) => element.getBoundingClientRect().right + window.scrollX;
  const clips = (node) => getComputedStyle(node).overflowX !== "visible";
  const scrollBox = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      if (clips(node)) return node;
    }
    return element.parentElement;
  };
  const name = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    for (const name of [...element.classList].slice(0, 2)) text += "." + name;
    if (element.getAttribute("name")) text += `[name=${element.getAttribute("name")}]`;
    return text;
  };
  // A selector-like name a developer can find in the templates, with the parent and some text for bare tags.
  const describe = (element) => {
    if (element.id || element.classList.length) return name(element);
    const own = [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE);
    const words = own.map((node) => node.textContent).join(" ").trim().slice(0, 30);
    const up = element.parentElement;
    const parent = up && up !== document.body ? name(up) + " > " : "";
    return parent + name(element) + (words ? ` "${words}"` : "");
  };
  const tables = [...document.querySelectorAll("table#hp-handleplan-tabel")]
    .filter((table) => table.offsetParent !== null)
    .map((table) => table.scrollWidth - scrollBox(table).clientWidth);
  const overflow = document.documentElement.scrollWidth - limit;
  // Where the overflow starts: elements past the window's right edge whose parent is not,
  // unless a clipping or scrolling ancestor keeps them from widening the page.
  const culprits = [];
  if (overflow > 0) {
    for (const element of document.body.querySelectorAll("*")) {
      const parent = element.parentElement;
      if (element.getBoundingClientRect().width === 0 || right(element) <= limit + 1) continue;
      if (getComputedStyle(element).position === "fixed") continue;
      if (parent && parent !== document.body && right(parent) > limit + 1) continue;
      let clipped = false;
      for (let node = parent; node && node !== document.body; node = node.parentElement) {
        if (clips(node)) { clipped = true; break; }
      }
      if (clipped) continue;
      culprits.push([Math.round(right(element) - limit), describe(element)]);
    }
  }
  culprits.sort((a, b) => b[0] - a[0]);
  return { overflow, tables, culprits: culprits.slice(0, 3).map(([px, what]) => `${what} +${px} px`) };
}
"""


async def measure(page: Any) -> Layout:
    """Sideways overflow of the open page in px (0 when it fits), the elements causing it, and the worst
    #hp-handleplan-tabel overflow (None without such a table)."""
    found = await page.evaluate(_MEASURE_JS)
    tables = [max(0, int(t)) for t in found["tables"]]
    return Layout(max(0, int(found["overflow"])), max(tables) if tables else None, tuple(found["culprits"]))


async def _settle(page: Any) -> None:
    await page.evaluate("document.fonts.ready.then(() => true)")
    await page.wait_for_timeout(SETTLE_MS)
    # Measured mid-transition, Material's search overlay (scaled up 45 times on phones) reads as sideways
    # overflow that is gone a moment later, so wait until nothing animates (looping animations excepted).
    await page.wait_for_function(
        "document.getAnimations()"
        ".every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)",
        timeout=TIMEOUT_MS,
    )


async def _open_search(page: Any) -> str | None:
    """Open Material's search, type the query and wait for results; a note when it did not work out."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import expect

    try:
        field_ = page.locator(".md-search__input")
        # On a phone the field hides behind the header's magnifier button.
        magnifier = page.locator('label.md-header__button[for="__search"]')
        if await magnifier.is_visible():
            await magnifier.click()
        else:
            await field_.click()
        # Words typed before the index has loaded are never searched for (see tests/test_browser.py).
        await expect(page.locator(".md-search-result__meta")).to_have_text("Indtast søgeord", timeout=TIMEOUT_MS)
        await field_.press_sequentially(SEARCH_QUERY)
        await page.locator(".md-search-result__item").first.wait_for(timeout=TIMEOUT_MS)
    except (PlaywrightError, AssertionError) as error:
        return f"search did not show results: {str(error).splitlines()[0]}"
    return None


async def _photograph(page: Any, base_url: str, kind: PageType, size: Size, target: Path, full_page: bool) -> Shot:
    await page.goto(base_url + kind.path, wait_until="networkidle")
    await _settle(page)
    note = None
    if kind.search:
        note = await _open_search(page)
        await _settle(page)
    layout = await measure(page)
    if size.width < DESKTOP_MIN_WIDTH:
        layout = dataclasses.replace(layout, table_overflow_px=None)
    target.parent.mkdir(parents=True, exist_ok=True)
    if full_page and not kind.search:
        # Clipped to the window's width: what a reader sees; sideways overflow is reported instead.
        # Animations disabled: growing the window to the page's height restarts Material's fade-ins.
        height = await page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": size.width, "height": height}
        await page.screenshot(path=str(target), full_page=True, clip=clip, animations="disabled")
    else:
        # The search overlay is fixed to the window, so a full page adds nothing.
        await page.screenshot(path=str(target), animations="disabled")
    return Shot(kind, size, target, layout, note)


async def _photograph_size(
    browser: Any, base_url: str, pages: Sequence[PageType], size: Size, out: Path, full_page: bool
) -> list[Shot]:
    context = await browser.new_context(
        viewport={"width": size.width, "height": size.height}, locale="da-DK", device_scale_factor=1
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        return [
            await _photograph(page, base_url, kind, size, out / size.name / f"{kind.name}.png", full_page)
            for kind in pages
        ]
    finally:
        await context.close()


async def _photograph_all(
    executable: str, base_url: str, pages: Sequence[PageType], sizes: Sequence[Size], out: Path, full_page: bool
) -> list[Shot]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            # Sizes side by side: most of a page's time is waiting for the network to go quiet.
            per_size = await asyncio.gather(
                *(_photograph_size(browser, base_url, pages, size, out, full_page) for size in sizes)
            )
        finally:
            await browser.close()
    return [shot for shots in per_size for shot in shots]


def take_screenshots(site: Path, out: Path, sizes: Sequence[Size] = DEFAULT_SIZES, *, full_page: bool = True) -> Report:
    """Photograph every page type of the built `site` at every size into `out`, with a contact sheet.

    Raises:
        NoSiteError: `site` holds no built site.
        NoBrowserError: no Chromium on PATH.
    """
    started = time.perf_counter()
    if not (site / "index.html").is_file():
        raise NoSiteError(site)
    executable = find_chromium()
    if executable is None:
        raise NoBrowserError()
    pages, notes = discover_pages(site)
    report = Report(out=out, notes=notes)
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base_url:
        report.shots = asyncio.run(_photograph_all(executable, base_url, pages, sizes, out, full_page))
    report.contact_sheet = write_contact_sheet(report, sizes)
    report.seconds = time.perf_counter() - started
    return report


_SHEET_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2125; }
h2 { margin: 2.5rem 0 .25rem; font-size: 1.2rem; }
.path { color: #4a535c; font-family: monospace; }
.row { display: flex; gap: 1.5rem; align-items: flex-start; }
figure { margin: 0; min-width: 0; }
.frame { max-height: 85vh; overflow-y: auto; border: 1px solid #c5cbd1; }
img { display: block; width: 100%; height: auto; }
figcaption { font-size: .9rem; margin: .25rem 0; }
.problem { color: #a01622; font-weight: 600; }
.note { color: #7a3e00; }
"""


def write_contact_sheet(report: Report, sizes: Sequence[Size]) -> Path:
    """Write `index.html` in the out folder: every page type as a row, its sizes side by side."""
    rows: dict[str, list[Shot]] = {}
    for shot in report.shots:
        rows.setdefault(shot.page.name, []).append(shot)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Screenshots of the handleplan site</title>",
        f"<style>{_SHEET_CSS}</style></head><body>",
        "<h1>Screenshots of the handleplan site</h1>",
        f"<p>{len(report.shots)} screenshots at {html.escape(', '.join(s.name for s in sizes))}.</p>",
    ]
    if report.problems:
        parts.append("<p class='problem'>Layout problems:</p><ul>")
        parts += [f"<li>{html.escape(problem)}</li>" for problem in report.problems]
        parts.append("</ul>")
    parts += [f"<p class='note'>{html.escape(note)}</p>" for note in report.notes]
    parts.append("<nav><ul>")
    parts += [f"<li><a href='#{html.escape(name)}'>{html.escape(name)}</a></li>" for name in rows]
    parts.append("</ul></nav>")
    for name, shots in rows.items():
        page = shots[0].page
        parts.append(f"<section id='{html.escape(name)}'>")
        parts.append(f"<h2>{html.escape(page.title)} <span class='path'>/{html.escape(page.path)}</span></h2>")
        parts.append("<div class='row'>")
        for shot in shots:
            src = html.escape(shot.file.relative_to(report.out).as_posix())
            caption = [f"<a href='{src}'>{html.escape(shot.size.name)}</a>"]
            caption += [f"<span class='problem'>{html.escape(p)}</span>" for p in shot.problems]
            if shot.note:
                caption.append(f"<span class='note'>{html.escape(shot.note)}</span>")
            # Widths as flex weights: every size is shown at the same scale.
            parts.append(
                f"<figure style='flex: {shot.size.width} 1 0'><figcaption>{' · '.join(caption)}</figcaption>"
                f"<div class='frame'><a href='{src}'><img src='{src}' alt='{html.escape(name)} at "
                f"{html.escape(shot.size.name)}' loading='lazy'></a></div></figure>"
            )
        parts.append("</div></section>")
    parts.append("</body></html>")
    sheet = report.out / "index.html"
    sheet.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return sheet


def parse_sizes(text: str) -> list[Size]:
    """Sizes from "1440x900,390x844"."""
    sizes = []
    for item in text.split(","):
        width, sep, height = item.strip().lower().partition("x")
        if not sep or not width.isdigit() or not height.isdigit() or int(width) == 0 or int(height) == 0:
            raise argparse.ArgumentTypeError(f"not a size: {item.strip()!r} (expected WIDTHxHEIGHT, e.g. 1440x900)")
        sizes.append(Size(int(width), int(height)))
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run from the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        description="Screenshot every page type of the built handleplan site and report sideways scrolling.",
        epilog="Example: handleplan build && python scripts/screenshots.py --out screenshots",
    )
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site folder (default: site)")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="where to write (default: screenshots)")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="window sizes, comma-separated (default: 1440x900,390x844)",
    )
    parser.add_argument(
        "--full-page",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="photograph whole pages, not just the first screen (default: on)",
    )
    options = parser.parse_args(argv)
    try:
        report = take_screenshots(options.site, options.out, options.sizes, full_page=options.full_page)
    except ScreenshotError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for written in report.files:
        print(written)
    for note in report.notes:
        print(f"note: {note}")
    for shot in report.shots:
        if shot.note:
            print(f"note: {shot.size.name} {shot.page.name}: {shot.note}")
    for problem in report.problems:
        print(f"problem: {problem}")
    pages = len({shot.page.name for shot in report.shots})
    verdict = f"{len(report.problems)} layout problem(s)" if report.problems else "no layout problems"
    print(f"{len(report.shots)} screenshots of {pages} page types in {report.seconds:.1f} s; {verdict}.")
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
