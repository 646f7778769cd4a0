"""Time the live preview: from saving a project file to its page showing the change.

For each size: a synthetic portfolio is written, `handleplan serve` starts on a free
port and builds everything once; then, a few times, one project's title is changed and
its page is fetched from the preview until the new title is there, then the list of all
projects (MkDocs builds the long lists in a second pass). Prints each latency and the
slowest; the goal is the project page's. Quote the figures of one run; the machines are noisy.

With --browser, the project's page is also open in headless Chromium before each save, as
a project lead has it, and is timed until MkDocs' livereload has reloaded it by itself and
its heading shows the new title (the HTTP polling runs alongside). Prints those latencies,
which are held to the goal too, when each reload came, and the console's errors, and
writes a desktop and a phone screenshot of the last edited page to --shots. Needs
playwright and Chromium on PATH.

With --pace SECONDS, each save comes that long after the previous one showed on its page,
not once the lists show it too: as a lead who fixes one thing after another, saving while
MkDocs still builds the lists of the save before. The lists are then timed once, after the
last save.

    python benchmarks/preview.py --sizes 1000
    python benchmarks/preview.py --sizes 1000 --pace 1
    python benchmarks/preview.py --sizes 1000 --browser
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # for scripts/: the project's Chromium and flags
from synthetic import write_portfolio

from scripts.screenshots import CHROMIUM_FLAGS, find_chromium

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Frame, Page, ViewportSize

GOAL_SECONDS = 2.0
EDITS = 5
STARTUP_TIMEOUT = 600.0
EDIT_TIMEOUT = 60.0
SETTLE_SECONDS = 0.5
BROWSER_SETTLE_SECONDS = 3.0
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
SCREENS: tuple[ViewportSize, ...] = (DESKTOP, {"width": 390, "height": 844})


@dataclass
class Timings:
    """Seconds from each save to its change showing, and what the open page went through (with --browser)."""

    page: list[float] = field(default_factory=list)  # the project's page over HTTP: the goal's figure
    lists: list[float] = field(default_factory=list)  # the list of all projects over HTTP
    browser: list[float] = field(default_factory=list)  # the open page, reloaded by livereload, showing it
    reloads: list[list[float]] = field(default_factory=list)  # when the open page reloaded, per save
    kept: list[bool] = field(default_factory=list)  # the page still showed the change after the save's last reload
    errors: list[str] = field(default_factory=list)  # the open page's console errors
    shots: list[Path] = field(default_factory=list)


class OpenPage:
    """A project page open in Chromium, noting when it reloads and what its console reports."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.navigations: list[float] = []
        self.errors: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _navigated(self, frame: Frame) -> None:
        # The sync API hands events over while it waits, so the main thread waits in playwright, not in sleep.
        if frame == self.page.main_frame:
            self.navigations.append(time.perf_counter())

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    def open(self, url: str) -> None:
        """Open the page before the save; livereload's poll starts with the page's scripts."""
        self.page.goto(url, wait_until="load")
        self.page.locator("h1").wait_for()

    def heading(self) -> str:
        """The text of the page's <h1>, or "" between two documents."""
        from playwright.sync_api import Error

        try:
            return str(self.page.evaluate("document.querySelector('h1')?.textContent ?? ''"))
        except Error:  # a reload took the document away while asked
            return ""

    def wait_for_title(self, title: str, since: float) -> float:
        """Seconds from `since` until the page's heading shows `title`, reloaded by livereload alone."""
        # Asked every 50 ms, as over HTTP: playwright's own waiting backs off to 500 ms across a reload.
        while time.perf_counter() - since < EDIT_TIMEOUT:
            if title in self.heading():
                return time.perf_counter() - since
            self.page.wait_for_timeout(50)
        raise SystemExit(f"the open page did not show {title!r} within {EDIT_TIMEOUT:.0f} s")

    def wait(self, seconds: float, until: Future[tuple[float, float]] | None = None) -> None:
        """Wait `seconds`, and first for `until`, taking in the page's events meanwhile."""
        while until is not None and not until.done():
            self.page.wait_for_timeout(50)
        self.page.wait_for_timeout(seconds * 1000)

    def reloads(self, since: float) -> list[float]:
        """Seconds from `since` to each navigation after it: livereload's, as the script navigates only before."""
        return [moment - since for moment in self.navigations if moment > since]

    def photograph(self, folder: Path, name: str) -> list[Path]:
        """Screenshots of the page as it is shown, at desktop and phone size."""
        folder.mkdir(parents=True, exist_ok=True)
        shots = []
        for screen in SCREENS:
            self.page.set_viewport_size(screen)
            self.page.wait_for_timeout(300)  # Material lays out its header and navigation for the width
            shots.append(folder / f"{name}-{screen['width']}x{screen['height']}.png")
            self.page.screenshot(path=shots[-1], animations="disabled")
        self.page.set_viewport_size(DESKTOP)
        return shots


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, timeout: float, since: float | None = None) -> float:
    """Seconds from `since` (by default now) until the page at `url` holds `text`."""
    started = time.perf_counter() if since is None else since
    while time.perf_counter() - started < timeout:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f} s")


def save(path: Path, title: str) -> float:
    """Give the project file a new title, as an editor saves it; return when it was written."""
    text = path.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title_line, f"title: {title}", 1), encoding="utf-8")
    return time.perf_counter()


def polled(base: str, stem: str, title: str, since: float) -> tuple[float, float]:
    """Seconds from `since` to the project's page holding `title`, and to the list of all projects holding it."""
    page = wait_for(f"{base}projekter/{stem}/", title, EDIT_TIMEOUT, since)
    # The long lists follow in MkDocs' next pass; the next save comes once they show the change too.
    return page, wait_for(f"{base}projekter/", title, EDIT_TIMEOUT, since)


def chromium_page(stack: ExitStack) -> OpenPage:
    """A desktop-sized page in headless Chromium, closed with `stack`."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise SystemExit("--browser needs Chromium on PATH: install Debian's chromium package")
    playwright = stack.enter_context(sync_playwright())
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
    stack.callback(browser.close)
    return OpenPage(browser.new_page(viewport=DESKTOP))


def edit_in_browser(shown: OpenPage, base: str, path: Path, title: str, timings: Timings) -> tuple[float, float]:
    """Save `title` into `path` with its page open; time its reload, and poll HTTP alongside for the same save."""
    shown.open(f"{base}projekter/{path.stem}/")
    saved = save(path, title)
    with ThreadPoolExecutor(max_workers=1) as pool:
        polling = pool.submit(polled, base, path.stem, title, saved)
        timings.browser.append(shown.wait_for_title(title, saved))
        # Longer than without a browser, so the reloads one save brings are counted with it, not the next.
        shown.wait(BROWSER_SETTLE_SECONDS, until=polling)
        timings.reloads.append(shown.reloads(saved))
        timings.kept.append(title in shown.heading())
        return polling.result()


def measure(size: int, workdir: Path, shots: Path | None = None, pace: float | None = None) -> Timings:
    """Time each save; with `shots`, also in a page open in Chromium, photographed there after the last save.

    With `pace`, each save comes `pace` seconds after the one before showed on its page.
    """
    root = write_portfolio(workdir / f"portfolio-{size}", size, with_site=True)
    projects = sorted((root / "projects").glob("*.yaml"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-c", "from generator.cli import run; run()", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timings = Timings()
    try:
        with ExitStack() as stack:
            shown = chromium_page(stack) if shots is not None else None
            wait_for(f"{base}projekter/{projects[0].stem}/", "<h1", STARTUP_TIMEOUT)
            time.sleep(2)  # the exports of the first regeneration, and MkDocs settling
            for number, path in enumerate(projects[1 : EDITS + 1], start=1):
                title = f"Rettet i forhåndsvisningen {number}"
                if pace is not None:  # the lists of the save before are still being built
                    saved = save(path, title)
                    timings.page.append(wait_for(f"{base}projekter/{path.stem}/", title, EDIT_TIMEOUT, saved))
                    if number < EDITS:
                        time.sleep(pace)
                    else:
                        timings.lists.append(wait_for(f"{base}projekter/", title, EDIT_TIMEOUT, saved))
                    continue
                if shown is None:
                    page, lists = polled(base, path.stem, title, save(path, title))
                    time.sleep(SETTLE_SECONDS)
                else:
                    page, lists = edit_in_browser(shown, base, path, title, timings)
                timings.page.append(page)
                timings.lists.append(lists)
            if shown is not None and shots is not None:
                # The last edited page, as its reloads left it.
                timings.shots = shown.photograph(shots, f"{size}-projekt")
                timings.errors = shown.errors
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def marked(reloads: list[float], latency: float) -> str:
    """The reload times, the one that brought the change (the last before it showed) marked with *."""
    bringing = max((moment for moment in reloads if moment <= latency), default=None)
    return ", ".join(f"{moment:.2f}{'*' if moment == bringing else ''}" for moment in reloads)


def print_browser(size: int, timings: Timings) -> None:
    """The open page's figures: its latencies, its reloads, whether one lost the change, its console errors."""
    shown = seconds(timings.browser)
    print(f"{size} projects: save to open page reloaded {shown} s; slowest {max(timings.browser):.2f} s", flush=True)
    reloads = "; ".join(f"[{marked(*save)}]" for save in zip(timings.reloads, timings.browser, strict=True))
    print(f"{size} projects: the open page reloaded at {reloads} s after each save (* showed it)", flush=True)
    lost = [number for number, kept in enumerate(timings.kept, start=1) if not kept]
    if lost:
        print(f"{size} projects: a later reload LOST the change of save {lost}", flush=True)
    print(f"{size} projects: console errors: {'; '.join(timings.errors) or 'none'}", flush=True)
    print(f"{size} projects: screenshots {', '.join(str(shot) for shot in timings.shots)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000", help="comma-separated portfolio sizes")
    parser.add_argument("--browser", action="store_true", help="also time the page open in Chromium reloading")
    default_shots = Path(tempfile.gettempdir()) / "preview-shots"
    parser.add_argument("--shots", type=Path, default=default_shots, help="folder for --browser's screenshots")
    parser.add_argument("--pace", type=float, help="save this many seconds after the last save showed on its page")
    args = parser.parse_args()
    if args.pace is not None and args.browser:
        parser.error("--pace times over HTTP only; leave out --browser")
    if args.browser:
        try:
            importlib.import_module("playwright.sync_api")
        except ImportError:
            raise SystemExit("--browser needs playwright: pip install playwright (Chromium comes from PATH)") from None
    failures = []
    with tempfile.TemporaryDirectory(prefix="handleplan-preview-bench-") as directory:
        for size in (int(s) for s in args.sizes.split(",")):
            timings = measure(size, Path(directory), args.shots if args.browser else None, args.pace)
            shown = seconds(timings.page)
            paced = f", each save {args.pace:g} s after the last showed" if args.pace is not None else ""
            print(f"{size} projects{paced}: save to project page {shown} s; slowest {max(timings.page):.2f} s")
            lists = "the last save to the lists" if args.pace is not None else "save to the lists"
            print(f"{size} projects: {lists} {seconds(timings.lists)} s", flush=True)
            if max(timings.page) > GOAL_SECONDS:
                failures.append(f"{size}: {max(timings.page):.2f} s (goal {GOAL_SECONDS} s)")
            if args.browser:
                print_browser(size, timings)
                if max(timings.browser) > GOAL_SECONDS:
                    failures.append(f"{size}, open page: {max(timings.browser):.2f} s (goal {GOAL_SECONDS} s)")
    print("meets the goal" if not failures else "MISSES: " + "; ".join(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
