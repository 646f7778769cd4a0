"""MkDocs 1.6's build with the pages shared between two cores, for the same site.

MkDocs builds one page at a time: it renders every page's Markdown, then puts every
page through the theme and the search index. Those two loops are nine tenths of a
build, and each page's work in them depends only on the state the loop starts from.
So a forked worker (generator/forked.py) takes a share of the pages in each loop,
chosen by their size, and sends back what its pages' work left behind: a page's
rendered state after the first loop, its search entries after the second (it writes
the page's HTML itself). This process puts the results back in page order, with each
page's log records, so the site, the search index and the warnings are the ones
MkDocs' own build makes.

The steps are those of mkdocs.commands.build.build (1.6.1), in its order, and each
page goes through MkDocs' own functions. Whatever this module was not written for
builds with MkDocs' own function: another MkDocs version (ProperDocs too), no second
core or no fork, strict mode, or a plugin other than Material's search, whose page
hooks could keep state of their own. A worker that fails in any way has the rest of
its pages done here, so an error is raised and logged here, as MkDocs would.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

import jinja2
import jinja2.bccache
import mkdocs
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory

from generator.forked import SharedFlag, Worker, can_fork, forked, job, patience

WRITTEN_FOR = "1.6.1"
SAFE_PLUGINS = frozenset({"material/search"})
# What rendering a page sets on it, sent back from the worker; a page given anything else is rendered here.
RENDERED_STATE = frozenset(
    {"markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}
)
# A page's theme work beyond its content, in bytes of content that cost as much: nav, header, footer.
PAGE_FRAME_BYTES = 8_000
# Below this much Markdown a fork costs more than it saves.
SHARED_FROM_BYTES = 500_000
ENDED_MID_PAGE = 75  # the worker's exit status when an interrupt ends it in the middle of a page
INTERRUPT_POLL_SECONDS = 0.01  # how often a worker at work on a page looks whether it must stop
_UNSET = object()
_NOT_COME_TO = object()  # a changed page a build stopped before (Priority)

log = logging.getLogger("mkdocs.commands.build")


@dataclass(frozen=True)
class Priority:
    """The live preview's order of work: the pages a lead is looking at first, the long lists after.

    `urgent` tells those pages by their source path. When any of them changed, a dirty build
    builds only those, and has MkDocs' serve build again for the rest. `waiting` is set once
    urgent pages have been written: a dirty build of other pages stops at its next page, and
    the pages it did not come to stay changed for the next build. A SharedFlag, so that the
    forked worker stops too.
    """

    urgent: Callable[[str], bool]
    waiting: SharedFlag
    build_again: Callable[[], None] = lambda: None  # have MkDocs' serve build again now (it also polls)


def build(
    config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False, priority: Priority | None = None
) -> None:
    """Build the site as `mkdocs.commands.build.build` does, on two cores where that is safe.

    Its signature too: MkDocs' serve calls it so, for the live preview (generator/preview.py),
    which adds its `priority` for dirty builds.
    """
    if not can_share(config):
        mkdocs_build.build(config, serve_url=serve_url, dirty=dirty)
        return
    try:
        start = time.monotonic()
        if _build(config, serve_url, dirty, priority if dirty else None):
            log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
        else:  # the preview waits for "Documentation built" until the pages it wrote are built
            log.debug(f"Built for {time.monotonic() - start:.2f} seconds, then stopped for the pages waiting")
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            log.error(str(error))
            raise Abort("Aborted with a BuildError!") from None
        raise


def can_share(config: MkDocsConfig) -> bool:
    """Whether this module builds the site MkDocs' own build would, with a worker to share it."""
    return (
        mkdocs.__version__ == WRITTEN_FOR
        and not config.strict
        and set(config.plugins) <= SAFE_PLUGINS
        and all(type(plugin).__module__.startswith("material.plugins.search") for plugin in config.plugins.values())
        and can_fork()
    )


def _build(config: MkDocsConfig, serve_url: str | None, dirty: bool, priority: Priority | None) -> bool:
    """MkDocs' build; False if it stopped for urgent pages written meanwhile (see Priority)."""
    if priority is not None:
        priority.waiting.clear()  # urgent pages written before now are seen as changed below
    inclusion = InclusionLevel.is_in_serve if serve_url else InclusionLevel.is_included
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    if not dirty:
        log.info("Cleaning site directory")
        clean_directory(config.site_dir)
    else:
        log.warning(
            "A 'dirty' build is being performed, this will likely lead to inaccurate navigation and other"
            " links within your site. This option is designed for site development purposes only."
        )
    if not serve_url:
        log.info(f"Building documentation to directory: {config.site_dir}")
        if dirty and mkdocs_build.site_directory_contains_stale_files(config.site_dir):
            log.info("The directory contains stale files. Use --clean to remove them.")
    files = get_files(config)
    env = config.theme.get_env()
    env.bytecode_cache = _COMPILED_THEME
    _add_files_from_theme(files, env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)

    log.debug("Reading markdown pages.")
    pages, openings, excluded = [], [], []
    for file in files.documentation_pages(inclusion=inclusion):
        # What MkDocs logs as it comes to a page belongs with the page's own records, in page order.
        with _page_records() as opening:
            log.debug(f"Reading: {file.src_uri}")
            if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
                if serve_url and file.inclusion.is_excluded():  # type: ignore[no-untyped-call]
                    excluded.append(urljoin(serve_url, file.url))
                Page(None, file, config)  # registers itself as file.page
        assert file.page is not None
        pages.append(file.page)
        openings.append(opening)
    # A dirty build does only the pages whose files changed (MkDocs writes none before the second
    # loop, so this holds for both): the rest cost nothing and stay here.
    changed = [not dirty or page.file.is_modified() for page in pages]
    later: list[Page] = []  # changed pages left for the next build
    interrupt = None
    if priority is not None:
        urgent = [
            is_changed and priority.urgent(page.file.src_uri) for page, is_changed in zip(pages, changed, strict=True)
        ]
        if any(urgent):
            later = [
                page for page, is_changed, first in zip(pages, changed, urgent, strict=True) if is_changed and not first
            ]
            changed = urgent
        else:
            interrupt = priority.waiting
    source_times: dict[str, int] = {}
    if dirty:
        # Asked again later in the build, a page saved meanwhile would be built unread: decided once, here.
        for page, is_changed in zip(pages, changed, strict=True):
            page.file.is_modified = _modified if is_changed else _not_modified  # type: ignore[method-assign]
            if is_changed:
                source_times[page.file.src_uri] = _modified_ns(page.file.abs_src_path)
    costs = [_source_bytes(page.file) if is_changed else 0 for page, is_changed in zip(pages, changed, strict=True)]
    rendered = _shared(_Rendering(config, files, dirty), pages, costs, openings, interrupt)
    for index, (page, result) in enumerate(zip(pages, rendered, strict=True)):
        if result is _NOT_COME_TO:  # passed by in the theme loop too: its built page stays older than its source
            page.file.is_modified = _not_modified  # type: ignore[method-assign]
            later.append(page)
            changed[index] = False
    if excluded:
        log.info(
            "The following pages are being built only for the preview "
            "but will be excluded from `mkdocs build` per `draft_docs` config:\n  - " + "\n  - ".join(excluded)
        )

    env = config.plugins.on_env(env, config=config, files=files)
    log.debug("Copying static assets.")
    files.copy_static_files(dirty=dirty, inclusion=inclusion)
    for template in config.theme.static_templates:
        mkdocs_build._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mkdocs_build._build_extra_template(template, files, config, nav)

    log.debug("Building markdown pages.")
    doc_files = files.documentation_pages(inclusion=inclusion)  # the same pages, in the same order
    search = _search_index(config)
    earlier_entries = list(search.entries) if search is not None else []
    theming = _Theming(config, doc_files, nav, env, search, dirty, source_times)
    costs = [
        PAGE_FRAME_BYTES + len(page.content or "") if is_changed else 0
        for page, is_changed in zip(pages, changed, strict=True)
    ]
    per_page = _shared(theming, pages, costs, interrupt=interrupt)
    later += [page for page, entries in zip(pages, per_page, strict=True) if entries is _NOT_COME_TO]
    if search is not None:
        search.entries = earlier_entries + [
            entry for entries in per_page if entries is not _NOT_COME_TO for entry in entries
        ]

    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)
    if later:
        _ask_for_another_build(later[0])
        if priority is not None:
            priority.build_again()
    return interrupt is None or not interrupt.is_set()


def _modified_ns(path: str | None) -> int:
    """A source's modification time (0 for one MkDocs cannot read: it says why when it reads it)."""
    try:
        return os.stat(path).st_mtime_ns if path is not None else 0
    except OSError:
        return 0


def _modified() -> bool:  # this build's File.is_modified (the Files are made anew for each build)
    return True


def _not_modified() -> bool:
    return False


def _ask_for_another_build(page: Page) -> None:
    """A file event under docs_dir, for a serve that polls it (the preview also asks: Priority.build_again)."""
    with suppress(OSError):
        os.utime(page.file.abs_src_path)  # type: ignore[arg-type]  # a file of docs_dir: the preview wrote it


def _add_files_from_theme(files: Files, env: jinja2.Environment, config: MkDocsConfig) -> None:
    """files.add_files_from_theme(env, config), the theme's files listed once while its folders hold the same.

    Listing and filtering Material's ten thousand files was a third of the preview's rebuild after a
    save. The installed theme does not change while a process runs; the override folder
    (custom_dir), which may, is listed again for every build.
    """
    key = (tuple(config.theme.dirs), tuple(config.theme.static_templates), _listing(config.theme.custom_dir))
    if key not in _THEME_FILES:
        listed = Files([])
        listed.add_files_from_theme(env, config)
        _THEME_FILES.clear()  # one theme at a time
        _THEME_FILES[key] = [(file.src_uri, file.src_dir) for file in listed]
    for path, folder in _THEME_FILES[key]:
        if files.get_file_from_path(path) is None:  # theme files do not override docs_dir files
            files.append(File(path, folder, config.site_dir, config.use_directory_urls))


_THEME_FILES: dict[tuple[Any, ...], list[tuple[str, str | None]]] = {}


def _listing(folder: str | None) -> tuple[str, ...]:
    """Every path under `folder`, its folders included."""
    if folder is None:
        return ()
    return tuple(sorted(os.path.join(top, name) for top, folders, names in os.walk(folder) for name in folders + names))


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates as compiled, kept from one build to the next in this process.

    MkDocs makes a new Jinja environment for every build, so the preview's rebuild after a save
    compiled Material's templates again (a third of its time). Jinja checks each template's
    source against what was compiled, so a changed template is compiled anew.
    """

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


_COMPILED_THEME = _CompiledTemplates()


class _Loop(Protocol):
    """One of MkDocs' loops over the pages, as the worker and this process share it."""

    def do(self, page: Page) -> Any:
        """Do the page's work; return its result."""

    def sent(self, page: Page, result: Any) -> Any:
        """In the worker: what of the page's work goes back. Raises _NotShareable if it cannot."""

    def received(self, page: Page, sent: Any) -> Any:
        """Here: put what the worker sent back on the page; return the page's result as `do` would."""

    def not_done(self, page: Page) -> None:
        """Undo what of the page's work MkDocs would not have done: a page before it failed."""


class _NotShareable(Exception):
    """The worker's page changed in a way this module was not written for."""


class _Rendering:
    """MkDocs' first loop: each page's Markdown rendered to HTML, its title, table of contents and anchors."""

    def __init__(self, config: MkDocsConfig, files: Files, dirty: bool) -> None:
        self.config, self.files, self.dirty = config, files, dirty

    def do(self, page: Page) -> Any:
        before = dict(vars(page))
        mkdocs_build._populate_page(page, self.config, self.files, self.dirty)
        return {name for name, value in vars(page).items() if before.get(name, _UNSET) is not value}

    def sent(self, page: Page, result: Any) -> Any:
        if not result <= RENDERED_STATE:  # set by something this module was not written for
            raise _NotShareable(sorted(result - RENDERED_STATE))
        return {name: value for name, value in vars(page).items() if name in RENDERED_STATE} | {
            "links_to_anchors": {file.src_uri: links for file, links in (page.links_to_anchors or {}).items()}
        }

    def received(self, page: Page, sent: Any) -> Any:
        for name, value in sent.items():
            setattr(page, name, value)
        # The linked pages' files are this process's own, as the anchor check compares them.
        page.links_to_anchors = {self.files.src_uris[uri]: links for uri, links in sent["links_to_anchors"].items()}
        return set(sent)

    def not_done(self, page: Page) -> None:
        pass  # nothing is written in this loop, and the build fails


class _Theming:
    """MkDocs' second loop: each page through the theme into site_dir, and into the search index."""

    def __init__(
        self,
        config: MkDocsConfig,
        doc_files: Sequence[File],
        nav: Navigation,
        env: Any,
        search: Any,
        dirty: bool,
        source_times: dict[str, int],
    ) -> None:
        self.config, self.doc_files, self.nav, self.env = config, doc_files, nav, env
        self.search, self.dirty, self.source_times = search, dirty, source_times

    def do(self, page: Page) -> Any:
        before = len(self.search.entries) if self.search is not None else 0
        excluded = page.file.inclusion.is_excluded()  # type: ignore[no-untyped-call]
        mkdocs_build._build_page(page, self.config, self.doc_files, self.nav, self.env, self.dirty, excluded)
        source_time = self.source_times.get(page.file.src_uri)
        if source_time is not None and page.file.is_modified():  # built now, not passed by
            # Dated as its source was when it was read, not now: a source saved since, while the page was
            # being built, stays newer than it, and the next dirty build builds it again.
            with suppress(OSError):
                os.utime(page.file.abs_dest_path, ns=(source_time, source_time))
        return self.search.entries[before:] if self.search is not None else []

    def sent(self, page: Page, result: Any) -> Any:
        return result

    def received(self, page: Page, sent: Any) -> Any:
        return sent

    def not_done(self, page: Page) -> None:
        # Its HTML is written, where MkDocs would have left the last one: dated back, so that the
        # preview's next dirty rebuild builds it again, as it would have.
        with suppress(OSError):
            os.utime(page.file.abs_dest_path, (0, 0))


def _shared(
    loop: _Loop,
    pages: list[Page],
    costs: list[int],
    openings: list[list[logging.LogRecord]] | None = None,
    interrupt: SharedFlag | None = None,
) -> list[Any]:
    """[loop.do(page) for page in pages], the worker doing a share; logged and raised as that would be.

    `openings` are records logged as each page was come to, before its work: replayed ahead of it.
    Once the `interrupt` event is set, no more changed pages are begun, and the worker, which then
    has the largest pages, ends itself: the result of a page not done is _NOT_COME_TO.
    """
    everything = list(range(len(pages)))
    split = _split_largest_away if interrupt is not None else _split
    mine, theirs = split(costs) if sum(costs) >= SHARED_FROM_BYTES else (everything, [])
    with ExitStack() as stack:
        started = _started(stack, (loop, pages, theirs, interrupt)) if theirs else None
        if started is None:
            mine, theirs = everything, []
        own_start = time.monotonic()
        done: dict[int, tuple[Any, list[logging.LogRecord]]] = {}
        failed: tuple[int, Exception, list[logging.LogRecord]] | None = None
        for index in mine:
            if costs[index] and interrupt is not None and interrupt.is_set():
                continue  # not come to; an unchanged page costs nothing and is done (MkDocs passes it by)
            with _page_records() as records:
                try:
                    done[index] = (loop.do(pages[index]), records)
                except Exception as error:
                    failed = (index, error, records)
                    break
        worker_done: dict[int, tuple[Any, list[logging.LogRecord]]] = {}
        ended = False
        if started is not None:
            # If it died, could not send its pages back or did not answer in time, they are done here below.
            worker, future = started
            with suppress(Exception):
                worker_done = dict(zip(theirs, future.result(patience(time.monotonic() - own_start)), strict=False))
            if not future.done():
                worker.end()
            # Ended by us, or by itself for an interrupt: it may have written a page, or half of one.
            ended = not future.done() or future.cancelled() or future.exception() is not None
    results = []
    index = 0
    try:
        for index, page in enumerate(pages):
            _replay(openings[index] if openings is not None else [])
            if failed is not None and index == failed[0]:
                _replay(failed[2])
                raise failed[1]
            if index in done:
                result, records = done[index]
            elif index in worker_done:
                sent, records = worker_done[index]
                result = loop.received(page, sent)
            elif interrupt is not None and interrupt.is_set():
                if ended and index in theirs:
                    loop.not_done(page)  # the worker may have written it, or half of it
                results.append(_NOT_COME_TO)
                continue
            else:  # the worker's, undone: done here, logging as it goes
                results.append(loop.do(page))
                continue
            _replay(records)
            results.append(result)
    except Exception:
        # MkDocs would have stopped at this page: those after it were done too soon.
        for later in range(index + 1, len(pages)):
            if later in done or later in worker_done:
                loop.not_done(pages[later])
        raise
    return results


def _started(stack: ExitStack, work: Any) -> tuple[Worker, Future[Any]] | None:
    """The worker's share handed to a forked worker, or None where none can start: then it is done here."""
    try:
        worker = stack.enter_context(forked(work))
        return (worker, worker(_worker_share)) if worker is not None else None
    except OSError:  # no process or no semaphore to be had (EAGAIN, ENOMEM, no /dev/shm)
        return None


def _worker_share() -> list[tuple[Any, list[logging.LogRecord]]]:
    """In the worker: its pages' results and log records, in order, until one fails or cannot be sent.

    Interrupted, it stops between pages, or ends itself in the middle of one (_EndsMidPage).
    """
    loop, pages, indexes, interrupt = job()
    mid_page = _EndsMidPage(interrupt) if interrupt is not None else None
    done = []
    for index in indexes:
        page = pages[index]
        with mid_page if mid_page is not None else nullcontext():
            if interrupt is not None and interrupt.is_set():
                break  # the rest are left for the next build
            with _page_records() as records:
                try:
                    sent = loop.sent(page, loop.do(page))
                except Exception:
                    break  # the rest are done in the parent, which raises and logs as MkDocs does
        done.append((sent, records))
    return done


class _EndsMidPage:
    """In the worker: while a page is worked on, the interrupt ends the process at once.

    Only from inside: killed from outside, the worker could die halfway through sending its results,
    and the pool's reader would wait for the rest of them for ever. Between pages, and while the
    results go back, it is not ended.
    """

    def __init__(self, interrupt: SharedFlag) -> None:
        self.interrupt = interrupt
        self.working = threading.Lock()
        self.in_page = False
        threading.Thread(target=self._watch, name="handleplan-interrupt", daemon=True).start()

    def __enter__(self) -> None:
        with self.working:
            self.in_page = True

    def __exit__(self, *exception: object) -> None:
        with self.working:
            self.in_page = False

    def _watch(self) -> None:
        while not self.interrupt.is_set():
            time.sleep(INTERRUPT_POLL_SECONDS)
        with self.working:
            if self.in_page:
                os._exit(ENDED_MID_PAGE)


def _split(costs: list[int]) -> tuple[list[int], list[int]]:
    """Page indexes for this process and for the worker, costing about the same (largest first).

    Pages that cost nothing (unchanged in a dirty build) stay here: the worker would have nothing to send.
    """
    loads = [0, 0]
    shares: list[list[int]] = [[index for index, cost in enumerate(costs) if not cost], []]
    for index in sorted((i for i, cost in enumerate(costs) if cost), key=lambda i: -costs[i]):
        lighter = 0 if loads[0] <= loads[1] else 1
        shares[lighter].append(index)
        loads[lighter] += costs[index]
    return sorted(shares[0]), sorted(shares[1])


def _split_largest_away(costs: list[int]) -> tuple[list[int], list[int]]:
    """Like _split, but the worker has the largest pages: one that must stop for urgent pages ends
    itself, mid-page, while this process stops only between pages, which are then its smaller ones."""
    changed = sorted((index for index, cost in enumerate(costs) if cost), key=lambda index: -costs[index])
    half, given = sum(costs) / 2, 0
    theirs = []
    for index in changed:
        if given >= half:
            break
        theirs.append(index)
        given += costs[index]
    return sorted(set(range(len(costs))) - set(theirs)), sorted(theirs)


def _source_bytes(file: File) -> int:
    """What a page's Markdown costs to render: its size."""
    if file.abs_src_path is not None:
        try:
            return os.path.getsize(file.abs_src_path)
        except OSError:
            return 0  # MkDocs says why when it reads it
    return len(file.content_bytes)


def _search_index(config: MkDocsConfig) -> Any:
    return getattr(config.plugins.get("material/search"), "search_index", None)


class _Records(logging.Handler):
    """Keeps the log records of one page, to be handled later in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None  # so that it pickles
        self.records.append(record)


@contextmanager
def _page_records() -> Iterator[list[logging.LogRecord]]:
    """MkDocs' log records while in the block, kept instead of handled."""
    logger = logging.getLogger("mkdocs")
    keeper = _Records()
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [keeper], False
    try:
        yield keeper.records
    finally:
        logger.handlers, logger.propagate = handlers, propagate


def _replay(records: list[logging.LogRecord]) -> None:
    """Handle kept records as the handlers from "mkdocs" up would have: the loggers below it and
    their filters had them already, where they were logged."""
    for record in records:
        logger: logging.Logger | None = logging.getLogger("mkdocs")
        while logger is not None:
            for handler in logger.handlers:
                if record.levelno >= handler.level:
                    handler.handle(record)
            logger = logger.parent if logger.propagate else None
