"""`handleplan serve`: MkDocs' live preview, with the pages regenerated as sources change.

A save regenerates only what it can affect. The saved project file is checked again
(the others keep their check), the history's events and past months are kept (git does
not change when a file is saved; only this month's count is made afresh), and rows and
project pages whose content cannot have changed come from the previous regeneration
(generator/render.py RenderCache). Only files whose content changed are written, and
MkDocs rebuilds only those (its dirty reload). The exports follow a moment later.
A change to focus_areas.yaml, mkdocs.yml, a template, or a project file added or
removed regenerates everything, and for mkdocs.yml every page is rebuilt by MkDocs. Errors keep the last
good pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.background import exports_in_background
from generator.build import CONFIG_FILE, SiteConfig, read_site_config
from generator.docs_folder import sync_folder, write_page
from generator.errors import HandleplanError, NothingToPreview
from generator.forked import SharedFlag
from generator.history import read_history
from generator.lock import output_lock
from generator.portfolio import PROGRAMME_FILE, PROJECTS_DIR, CheckedFile, Portfolio, load_portfolio
from generator.render import PROJECT_PAGES, TEMPLATES_DIR, Page, RenderCache, export_path, render_site
from generator.report import format_report
from generator.views import HistoryViews, build_site_data, history_views

if TYPE_CHECKING:  # imported when serving: MkDocs is not needed to regenerate
    from generator.mkdocs_parallel import Priority

POLL_SECONDS = 0.2
MKDOCS_WAIT_SECONDS = 5.0


def source_snapshot(root: Path) -> dict[Path, float]:
    """Modification times of every file the pages are made from, and of mkdocs.yml."""
    sources = [
        root / PROGRAMME_FILE,
        root / CONFIG_FILE,
        *(root / PROJECTS_DIR).glob("*.y*ml"),
        *(root / TEMPLATES_DIR).rglob("*"),
    ]
    return {path: path.stat().st_mtime_ns for path in sources if path.is_file()}


class Preview:
    """The preview's state between saves: each file's check, the history's views, rendered rows and pages."""

    def __init__(
        self,
        root: Path,
        today: dt.date,
        report: Callable[[str], None],
        built: threading.Event | None = None,
        waiting: SharedFlag | None = None,
    ) -> None:
        self.root = root
        # Set when MkDocs has finished a build: the lists wait for it, so the saved page is built alone first.
        self.built = built
        # Set when project pages are written: MkDocs stops a build of the lists for them (mkdocs_parallel.Priority).
        self.waiting = waiting
        # Called when pages are written: MkDocs' serve builds at once (serve_site sets it).
        self.wake: Callable[[], None] = lambda: None
        self.today = today
        self.report = report
        self.history = read_history(root, with_changes=True)
        self.seen: dict[Path, float] = {}
        self.files: dict[str, CheckedFile] = {}
        self.told: HistoryViews | None = None
        self.cache = RenderCache()
        self.exports: dict[str, bytes] = {}  # the last exports made, by format
        self.written: dict[str, bytes] = {}  # what each file in docs_dir holds, as this preview wrote it
        self.fresh = True  # the next write starts afresh: every file compared, stale ones removed
        self.touch_all = False  # mkdocs.yml changed: MkDocs must rebuild every page

    def regenerate(self) -> bool:
        """Regenerate what changed since the last call; on errors report them and keep the last good pages."""
        current = source_snapshot(self.root)
        portfolio = self._checked(current)
        self.seen = current
        if portfolio.error_count:
            self.report(format_report(portfolio, "text") + "Forhåndsvisningen viser de seneste gode sider.")
            return False
        try:
            self._write(portfolio)
        except HandleplanError as error:
            self.report(str(error))
            return False
        return True

    def _checked(self, current: dict[Path, float]) -> Portfolio:
        projects_dir = self.root / PROJECTS_DIR
        changed = {path for path in current.keys() | self.seen.keys() if current.get(path) != self.seen.get(path)}
        saved = {path for path in changed if path.parent == projects_dir and path in current and path in self.seen}
        # mkdocs.yml: MkDocs' dirty reload would rebuild no page for it (none changed), so all are touched.
        self.touch_all = bool(self.files) and self.root / CONFIG_FILE in changed
        if not self.files or changed - saved:
            # The programme, a template, or a project added or removed (related ids change): start afresh.
            portfolio = load_portfolio(self.root, today=self.today, last_changed=self.history.last_changed)
            self.files = {checked.path: checked for checked in portfolio.project_files}
            self.told = None
            self.cache = RenderCache()
            self.fresh = True
            return portfolio
        portfolio = load_portfolio(self.root, sorted(saved), today=self.today, last_changed=self.history.last_changed)
        self.files |= {checked.path: checked for checked in portfolio.project_files}
        return replace(portfolio, project_files=tuple(self.files[path] for path in sorted(self.files)))

    def _write(self, portfolio: Portfolio) -> None:
        config = read_site_config(self.root)
        if self.told is None:
            self.told = history_views(portfolio, self.today, self.history)
        elif self.told.trend is not None:
            self.told = HistoryViews(self.told.events, self.told.trend.with_today(portfolio.project_files, self.today))
        data = build_site_data(portfolio, self.today, self.history, self.told)
        templates = self.root / TEMPLATES_DIR
        with exports_in_background(data) as made:
            # The pages first, with the last exports; the new exports follow when they are made.
            earlier = self.exports
            exports = (lambda: earlier) if earlier else made
            pages: list[Page] = []
            flushed: int | None = None  # how many pages went ahead: the project pages
            for page in render_site(data, templates, config.edit_url, config.new_project_url, exports, self.cache):
                pages.append(page)
                if not self.fresh and flushed is None and len(pages) == len(data.projects):
                    # The project pages come first: the saved one is built before the long lists are rendered.
                    flushed = self._write_changed(config, pages, wait_for_mkdocs=True)
            if self.fresh:
                # Under the output lock for the writing only: a build may run while the preview does.
                with output_lock(config.root, self.report):
                    sync_folder(config.docs_dir, pages)
                    if self.touch_all:
                        for path in config.docs_dir.rglob("*"):
                            if path.is_file():
                                os.utime(path)
                self.written = {page.path: page.data for page in pages}
                self.fresh = False
                self.wake()
            else:
                self._write_changed(config, pages[flushed or 0 :])
            self.exports = made()  # made once: asked again, it answers the same
            if earlier:
                self._write_changed(
                    config, [Page(export_path(name), content) for name, content in self.exports.items()]
                )

    def _write_changed(self, config: SiteConfig, pages: list[Page], *, wait_for_mkdocs: bool = False) -> int:
        """Write the pages whose content differs from what this preview last wrote; return how many were looked at.

        With `wait_for_mkdocs`, return once MkDocs has built them (or after MKDOCS_WAIT_SECONDS).
        """
        changed = [page for page in pages if self.written.get(page.path) != page.data]
        if changed:
            if self.built is not None:
                self.built.clear()
            with output_lock(config.root, self.report):
                for page in changed:
                    write_page(config.docs_dir, page)
                    self.written[page.path] = page.data
            if wait_for_mkdocs and self.waiting is not None:
                self.waiting.set()
            self.wake()
            if wait_for_mkdocs and self.built is not None:
                self.built.wait(MKDOCS_WAIT_SECONDS)
        return len(pages)


def _without_dirty_warning(record: logging.LogRecord) -> bool:
    # MkDocs warns (in English) on every dirty rebuild that links may be off; the preview asks for those rebuilds.
    return not str(record.msg).startswith("A 'dirty' build is being performed")


class _BuildFinished(logging.Handler):
    """Sets an event when MkDocs says it has built the site (its one signal that a rebuild is done)."""

    def __init__(self, built: threading.Event) -> None:
        super().__init__(logging.INFO)
        self.built = built

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Documentation built in"):
            self.built.set()


def regenerate(root: Path, today: dt.date, report: Callable[[str], None]) -> bool:
    """Regenerate every page once (a fresh preview state); on errors report them and keep the last good pages."""
    return Preview(root.resolve(), today, report).regenerate()


def serve_site(root: Path, today: dt.date, dev_addr: str, report: Callable[[str], None]) -> None:
    """Serve a live preview until interrupted.

    Raises:
        NothingToPreview: the portfolio has errors and no earlier pages exist to show.
    """
    root = root.resolve()
    config = read_site_config(root)
    built = threading.Event()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addHandler(_BuildFinished(built))
    build_log.addFilter(_without_dirty_warning)
    waiting = _flag_for_a_forked_worker()
    preview = Preview(root, today, report, built, waiting)
    if not preview.regenerate() and not config.docs_dir.is_dir():
        raise NothingToPreview()
    stop = threading.Event()

    def watch() -> None:
        seen = source_snapshot(root)
        while not stop.wait(POLL_SECONDS):
            current = source_snapshot(root)
            if current != seen:
                seen = current
                if preview.regenerate():
                    report("Siderne er opdateret.")

    watcher = threading.Thread(target=watch, name="handleplan-watch", daemon=True)
    watcher.start()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands import serve as mkdocs_serve

    from generator.mkdocs_parallel import Priority

    # Dirty reload: MkDocs rebuilds the pages whose files changed, not all of them. Its serve has no hook
    # for its builder and calls the build it imported; for the preview that is MkDocs' build with the
    # pages on two cores (the first build of every page, and the long lists after each save), and the
    # saved project's page before the lists, even when the lists of an earlier save are being built.
    servers: list[Any] = []
    preview.wake = functools.partial(_build_now, servers)
    priority = Priority(_is_project_page, waiting, preview.wake) if waiting is not None else None
    mkdocs_build, mkdocs_serve.build = mkdocs_serve.build, _PreviewBuilds(priority)  # type: ignore[attr-defined]
    server_class = mkdocs_serve.LiveReloadServer  # type: ignore[attr-defined]
    mkdocs_serve.LiveReloadServer = functools.partial(_kept, servers, server_class, config.docs_dir)  # type: ignore[attr-defined,assignment]
    try:
        mkdocs_serve.serve(config_file=str(config.config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
    finally:
        mkdocs_serve.build = mkdocs_build  # type: ignore[attr-defined]
        mkdocs_serve.LiveReloadServer = server_class  # type: ignore[attr-defined]
        stop.set()


def _kept(servers: list[Any], server_class: Any, docs_dir: Path, *args: Any, **kwargs: Any) -> Any:
    """MkDocs' live-reload server, made as MkDocs' serve asks and kept in `servers`.

    Where the preview can ask it to build (_build_now), it does not poll docs_dir: the preview writes
    everything there and asks, and the poll would find the same files half a second later and build
    them again, reloading the open pages once more.
    """
    server = server_class(*args, **kwargs)
    servers.append(server)
    if _can_build_now(server):
        watch = server.watch

        def watch_but_docs(path: str, *more: Any, **options: Any) -> None:
            if Path(path).resolve() != docs_dir:
                watch(path, *more, **options)

        server.watch = watch_but_docs
    return server


def _build_now(servers: list[Any]) -> None:
    """Have MkDocs' serve build now (it does not poll docs_dir for the preview's pages, see _kept)."""
    for server in servers:
        if _can_build_now(server):
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()


def _can_build_now(server: Any) -> bool:
    """Whether MkDocs' server can be asked to build: MkDocs 1.6's has no public way, only these."""
    return hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild")


def _is_project_page(src_uri: str) -> bool:
    """A project's own page (projekter/<id>.md), which the lead who saved it looks at."""
    folder, _, name = src_uri.partition("/")
    return folder == PROJECT_PAGES and name != "index.md" and "/" not in name


def _flag_for_a_forked_worker() -> SharedFlag | None:
    """A flag the forked MkDocs worker sees too, or None where none can be had (no fork, no shared memory)."""
    try:
        return SharedFlag()
    except (ValueError, OSError):
        return None


class _PreviewBuilds:
    """MkDocs' serve's build: on two cores, the saved project's page first (generator/mkdocs_parallel.py)."""

    def __init__(self, priority: Priority | None) -> None:
        self.priority = priority
        self.first = True

    def __call__(self, config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
        from generator.mkdocs_parallel import build

        # Not the first: the site is served only after it, and a build asked for before then is never heard of.
        build(config, serve_url=serve_url, dirty=dirty, priority=None if self.first else self.priority)
        if self.first:
            # What the first build leaves (the preview's caches, MkDocs, Material, the modules) lives as long as
            # the preview: kept out of the garbage collector's full passes, which stopped every thread for
            # 0.15 s or more, several times a save, at 1,000 projects (0.05 s once frozen).
            self.first = False
            gc.collect()
            gc.freeze()
