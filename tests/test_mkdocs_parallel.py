"""MkDocs' build shared between two cores gives MkDocs' own site, warnings and errors."""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from generator import forked, mkdocs_parallel
from generator.forked import can_fork
from tests.test_site import build, copy_repository, tree_digest

needs_fork = pytest.mark.skipif(not can_fork(), reason="the pages are shared only with a second core and fork")

CONFIG = """\
site_name: Prøve
use_directory_urls: true
theme:
  name: material
  language: da
plugins:
  - search:
      lang: da
markdown_extensions:
  - toc:
      permalink: true
not_in_nav: |
  /skjult/*.md
validation:
  anchors: warn
"""


@pytest.fixture(autouse=True)
def share_every_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mkdocs_parallel, "SHARED_FROM_BYTES", 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")


def small_site(root: Path, *, extra: dict[str, bytes] | None = None) -> Path:
    """A MkDocs project of pages in and out of the nav, some with links MkDocs warns about."""
    docs = root / "docs"
    (docs / "skjult").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# Forside\n\n[Side 3](side-3.md#findes)\n", encoding="utf-8")
    for number in range(1, 13):
        body = "Tekst om æ, ø og å. " * (40 * number)
        link = f"[brudt](mangler-{number}.md)" if number % 4 == 0 else f"[næste](side-{number + 1}.md)"
        (docs / f"side-{number}.md").write_text(f"# Side {number}\n\n## Findes\n\n{body}\n\n{link}\n", "utf-8")
        (docs / "skjult" / f"p-{number}.md").write_text(f"# Skjult {number}\n\n[anker](#intet-{number})\n", "utf-8")
    for name, content in (extra or {}).items():
        (docs / name).write_bytes(content)
    return root


def built(
    root: Path, site: str, builder: Callable[[MkDocsConfig], None], level: int = logging.INFO
) -> tuple[dict[str, str], list[tuple[str, str]], Exception | None]:
    """The site's files, MkDocs' log records (level, message) in order, and what was raised."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / site))
    with kept_records(level) as records:
        raised = None
        try:
            builder(config)
        except Exception as error:
            raised = error
    return tree_digest(root / site), records, raised


class _Keep(logging.Handler):
    def __init__(self, into: list[tuple[str, str]]) -> None:
        super().__init__(logging.NOTSET)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Documentation built in", "Building documentation to")):  # name the run
            self.into.append((record.levelname, message))


@contextmanager
def kept_records(level: int = logging.INFO) -> Iterator[list[tuple[str, str]]]:
    """MkDocs' log records (level, message) from `level` up, kept while in the block."""
    records: list[tuple[str, str]] = []
    logger = logging.getLogger("mkdocs")
    saved = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate = [_Keep(records)], False
    logger.setLevel(level)
    try:
        yield records
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def worker_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pages each loop gave the worker, recorded here as they are handed over."""
    given: list[int] = []
    split = mkdocs_parallel._split

    def counting(costs: list[int]) -> tuple[list[int], list[int]]:
        mine, theirs = split(costs)
        given.append(len(theirs))
        return mine, theirs

    monkeypatch.setattr(mkdocs_parallel, "_split", counting)
    return given


@needs_fork
def test_a_shared_build_gives_mkdocs_own_site_and_warnings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = small_site(tmp_path)
    own = built(root, "own", mkdocs_build.build)
    given = worker_counted(monkeypatch)
    shared = built(root, "shared", mkdocs_parallel.build)
    assert len(given) == 2 and all(given), "both loops gave the worker pages"
    assert shared[2] is None and own[2] is None
    assert shared[0] == own[0]  # every file, the search index included, byte for byte
    warnings = [message for level, message in own[1] if level == "WARNING"]
    assert any("mangler-4.md" in message for message in warnings) and any("intet-7" in message for message in warnings)
    assert shared[1] == own[1]  # the same records, in the same order
    # Its debug records too (with them on, MkDocs checks no anchors: a run of its own).
    debug = built(root, "own", mkdocs_build.build, logging.DEBUG)[1]
    assert built(root, "shared", mkdocs_parallel.build, logging.DEBUG)[1] == debug
    assert "Reading: side-3.md" in [message for _, message in debug]


@needs_fork
def test_a_shared_preview_build_and_its_dirty_rebuild_give_mkdocs_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As MkDocs' serve calls it: the first build for the preview, then dirty rebuilds of the changed pages.
    root = small_site(tmp_path, extra={"kladde.md": b"---\ndraft: true\n---\n# Kladde\n"})
    (root / "mkdocs.yml").write_text(CONFIG + "draft_docs: |\n  kladde.md\n", encoding="utf-8")
    serve_url = "http://127.0.0.1:8000/"

    def serving(build: Callable[..., None], dirty: bool) -> Callable[[MkDocsConfig], None]:
        return lambda config: build(config, serve_url=serve_url, dirty=dirty)

    own = built(root, "own", serving(mkdocs_build.build, False))
    assert built(root, "shared", serving(mkdocs_parallel.build, False)) == own
    assert any("kladde" in message for _, message in own[1])  # built only for the preview, and told so
    time.sleep(0.01)
    for number in (2, 7, 11):  # changed after the first build, so newer than their pages
        page = root / "docs" / f"side-{number}.md"
        page.write_text(page.read_text(encoding="utf-8").replace("# Side", "# Ændret side"), encoding="utf-8")
    unchanged = root / "shared" / "side-3" / "index.html"
    unchanged_since = unchanged.stat().st_mtime_ns
    given = worker_counted(monkeypatch)
    own = built(root, "own", serving(mkdocs_build.build, True))
    shared = built(root, "shared", serving(mkdocs_parallel.build, True))
    assert shared == own and own[2] is None
    assert "Ændret side 7" in (root / "shared" / "side-7" / "index.html").read_text(encoding="utf-8")
    assert unchanged.stat().st_mtime_ns == unchanged_since  # dirty: only the changed pages are built again
    assert given and all(given)


@needs_fork
def test_the_generated_site_is_the_same_shared(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    build(root)
    shutil.rmtree(root / "site")
    assert built(root, "shared", mkdocs_parallel.build)[:2] == built(root, "own", mkdocs_build.build)[:2]


@needs_fork
@pytest.mark.parametrize("parity", ["even here", "odd here"])
@pytest.mark.parametrize("failing", ["render", "theme"])
def test_a_failing_page_fails_as_in_mkdocs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failing: str, parity: str
) -> None:
    # Not UTF-8, MkDocs cannot read it; or a theme template that does not exist.
    broken = b"---\ntemplate: findes-ikke.html\n---\n# Brudt\n" if failing == "theme" else b"# Brudt \xff\xfe\n"
    root = small_site(tmp_path, extra={"side-5.md": broken})
    own = built(root, "own", mkdocs_build.build)

    # Every other page each: with either parity, the broken page is in one share and later pages in the other.
    def split(costs: list[int]) -> tuple[list[int], list[int]]:
        shares = list(range(0, len(costs), 2)), list(range(1, len(costs), 2))
        return shares if parity == "even here" else (shares[1], shares[0])

    monkeypatch.setattr(mkdocs_parallel, "_split", split)
    shared = built(root, "shared", mkdocs_parallel.build)
    assert own[2] is not None and type(shared[2]) is type(own[2])
    assert str(shared[2]) == str(own[2])
    assert shared[1] == own[1]
    assert any("side-5.md" in message for level, message in own[1] if level == "ERROR")
    # Pages after the failing one, which MkDocs never came to, are dated back for a dirty rebuild to redo.
    too_soon = set(shared[0]) - set(own[0])
    assert (failing == "render") == (not too_soon)
    assert all((root / "shared" / path).stat().st_mtime == 0 for path in too_soon)


@needs_fork
def test_a_worker_that_dies_has_its_pages_done_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = small_site(tmp_path)
    own = built(root, "own", mkdocs_build.build)
    monkeypatch.setattr(mkdocs_parallel, "_worker_share", functools.partial(os._exit, 3))  # pickles: it is run
    assert built(root, "shared", mkdocs_parallel.build) == (own[0], own[1], None)


@needs_fork
def test_a_worker_that_hangs_is_ended_and_its_pages_done_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # As a worker forked from the preview's threads might, stuck on a lock another thread held at the fork.
    root = small_site(tmp_path)
    own = built(root, "own", mkdocs_build.build)
    monkeypatch.setattr(mkdocs_parallel, "_worker_share", functools.partial(time.sleep, 3600))  # pickles: it is run
    monkeypatch.setattr(forked, "PATIENCE_SECONDS", 0.5)
    started = time.monotonic()
    assert built(root, "shared", mkdocs_parallel.build) == (own[0], own[1], None)
    assert time.monotonic() - started < 30  # two loops' patience, not the hour the worker would sleep
    assert not multiprocessing.active_children()  # ended, not left behind


@needs_fork
def test_no_process_to_be_had_has_every_page_done_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = small_site(tmp_path)
    own = built(root, "own", mkdocs_build.build)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert built(root, "shared", mkdocs_parallel.build) == (own[0], own[1], None)


@needs_fork
def test_a_page_changed_beyond_its_rendered_state_is_rendered_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As if a plugin had set something on the page that the worker does not send back.
    root = small_site(tmp_path)
    own = built(root, "own", mkdocs_build.build)
    monkeypatch.setattr(mkdocs_parallel, "RENDERED_STATE", mkdocs_parallel.RENDERED_STATE - {"toc"})
    assert built(root, "shared", mkdocs_parallel.build) == (own[0], own[1], None)


@pytest.mark.parametrize("unlike", ["another MkDocs", "strict", "another plugin"])
def test_what_it_was_not_written_for_builds_with_mkdocs_own_function(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unlike: str
) -> None:
    root = small_site(tmp_path)
    if unlike == "another plugin":  # Material's tags plugin keeps state of its own from page to page
        (root / "mkdocs.yml").write_text(CONFIG.replace("  - search:", "  - tags\n  - search:"), encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    assert mkdocs_parallel.can_share(config) == (can_fork() and unlike != "another plugin")
    if unlike == "another MkDocs":
        monkeypatch.setattr(mkdocs, "__version__", "1.6.2")
    config.strict = unlike == "strict"
    own_builds: list[tuple[MkDocsConfig, object, bool]] = []
    monkeypatch.setattr(
        mkdocs_build, "build", lambda config, serve_url, dirty: own_builds.append((config, serve_url, dirty))
    )
    mkdocs_parallel.build(config, dirty=True)
    assert own_builds == [(config, None, True)]
    assert not mkdocs_parallel.can_share(config)


SERVE_URL = "http://127.0.0.1:8000/"


def _preview_builder(priority: mkdocs_parallel.Priority) -> Callable[[MkDocsConfig], None]:
    return lambda config: mkdocs_parallel.build(config, serve_url=SERVE_URL, dirty=True, priority=priority)


def _saved(root: Path, pages: list[str]) -> dict[str, float]:
    """Each page changed (as a save would), newer than its built page; their sources' modification times."""
    time.sleep(0.01)
    for name in pages:
        source = root / "docs" / name
        source.write_text(source.read_text(encoding="utf-8") + "\n\nGemt i forhåndsvisningen.\n", encoding="utf-8")
    return {name: (root / "docs" / name).stat().st_mtime for name in pages}


def _shows_the_save(root: Path, page: str) -> bool:
    built_page = root / "site" / page.removesuffix(".md") / "index.html"
    return "Gemt i forhåndsvisningen." in built_page.read_text(encoding="utf-8")


@contextmanager
def _finished_builds() -> Iterator[list[str]]:
    """MkDocs' "Documentation built" messages, the preview's signal that the pages it wrote are built."""
    told: list[str] = []
    handler = _Keep([])
    handler.emit = lambda record: told.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addHandler(handler)
    try:
        yield told
    finally:
        logger.removeHandler(handler)


@needs_fork
def test_the_preview_builds_the_pages_a_lead_looks_at_first_and_the_rest_next(tmp_path: Path) -> None:
    root = small_site(tmp_path)
    priority = mkdocs_parallel.Priority(lambda uri: uri.startswith("skjult/"), forked.SharedFlag())
    built(root, "site", lambda config: mkdocs_parallel.build(config, serve_url=SERVE_URL))
    saved = _saved(root, ["skjult/p-3.md", "side-5.md", "side-9.md"])
    with _finished_builds() as told:
        assert built(root, "site", _preview_builder(priority))[2] is None
    assert _shows_the_save(root, "skjult/p-3.md")
    assert not _shows_the_save(root, "side-5.md") and not _shows_the_save(root, "side-9.md")
    assert (root / "docs" / "side-5.md").stat().st_mtime > saved["side-5.md"]  # MkDocs' serve is asked to go on
    assert any(message.startswith("Documentation built in") for message in told)
    built(root, "site", _preview_builder(priority))
    assert _shows_the_save(root, "side-5.md") and _shows_the_save(root, "side-9.md")


def _lists_saved_after_a_build(tmp_path: Path) -> tuple[Path, mkdocs_parallel.Priority, list[str]]:
    """A built site whose twelve pages in the nav (the "lists") were saved since; skjult/ pages are urgent."""
    root = small_site(tmp_path)
    priority = mkdocs_parallel.Priority(lambda uri: uri.startswith("skjult/"), forked.SharedFlag())
    built(root, "site", lambda config: mkdocs_parallel.build(config, serve_url=SERVE_URL))
    lists = [f"side-{number}.md" for number in range(1, 13)]
    _saved(root, lists)
    return root, priority, lists


@needs_fork
@pytest.mark.parametrize("when", ["before any page", "after this process's first page"])
def test_a_build_of_the_lists_stops_for_pages_written_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, when: str
) -> None:
    root, priority, lists = _lists_saved_after_a_build(tmp_path)
    waiting = priority.waiting
    split, do = mkdocs_parallel._split_largest_away, mkdocs_parallel._Rendering.do
    if when == "before any page":  # as the build hands the worker its share: the worker must stop too

        def split_then_wait(costs: list[int]) -> tuple[list[int], list[int]]:
            waiting.set()
            return split(costs)

        monkeypatch.setattr(mkdocs_parallel, "_split_largest_away", split_then_wait)
    else:

        def rendered_then_wait(self: Any, page: Any) -> Any:
            result = do(self, page)
            waiting.set()
            return result

        monkeypatch.setattr(mkdocs_parallel._Rendering, "do", rendered_then_wait)
    with _finished_builds() as told:
        assert built(root, "site", _preview_builder(priority))[2] is None
    shown = [name for name in lists if _shows_the_save(root, name)]
    assert not shown if when == "before any page" else len(shown) < len(lists)
    assert not any(message.startswith("Documentation built in") for message in told)  # the preview waits on
    monkeypatch.setattr(mkdocs_parallel, "_split_largest_away", split)
    monkeypatch.setattr(mkdocs_parallel._Rendering, "do", do)
    built(root, "site", _preview_builder(priority))  # the next build does the rest
    assert all(_shows_the_save(root, name) for name in lists)


@needs_fork
def test_a_worker_busy_with_a_long_page_is_ended_for_pages_written_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root, priority, lists = _lists_saved_after_a_build(tmp_path)
    waiting = priority.waiting
    here, do = os.getpid(), mkdocs_parallel._Theming.do

    def slow_there(self: Any, page: Any) -> Any:
        result = do(self, page)
        if os.getpid() != here:  # the worker writes its first page, then the lead saves, then it takes an hour
            waiting.set()
            time.sleep(3600)
        return result

    monkeypatch.setattr(mkdocs_parallel._Theming, "do", slow_there)
    started = time.monotonic()
    built(root, "site", _preview_builder(priority))
    assert time.monotonic() - started < 30 and not multiprocessing.active_children()
    # What the worker wrote is dated back (its search entries never came): the next build does it again.
    written_there = [
        name
        for name in lists
        if _shows_the_save(root, name)
        and (root / "site" / name.removesuffix(".md") / "index.html").stat().st_mtime == 0
    ]
    assert len(written_there) == 1
    monkeypatch.setattr(mkdocs_parallel._Theming, "do", do)
    built(root, "site", _preview_builder(priority))
    assert all(_shows_the_save(root, name) for name in lists)


def _a_dirty_build_saving_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, saved: str, meanwhile: Callable[[Path], None]
) -> tuple[Path, Callable[[], Exception | None]]:
    """A built site, `saved` saved since, and a dirty build (which must succeed) during which `meanwhile`
    saves between MkDocs' two loops, as the preview saves while MkDocs builds; the root, and the next
    dirty build with nothing saved meanwhile."""
    root = small_site(tmp_path)
    built(root, "site", lambda config: mkdocs_parallel.build(config, serve_url=SERVE_URL))
    _saved(root, [saved])
    search_index = mkdocs_parallel._search_index  # asked for between the two loops

    def saving_meanwhile(config: MkDocsConfig) -> Any:
        meanwhile(root)
        return search_index(config)

    monkeypatch.setattr(mkdocs_parallel, "_search_index", saving_meanwhile)
    dirty = lambda config: mkdocs_parallel.build(config, serve_url=SERVE_URL, dirty=True)  # noqa: E731
    assert built(root, "site", dirty)[2] is None

    def next_build() -> Exception | None:
        monkeypatch.setattr(mkdocs_parallel, "_search_index", search_index)
        return built(root, "site", dirty)[2]

    return root, next_build


@needs_fork
def test_a_page_saved_between_the_two_loops_waits_for_the_next_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # MkDocs asks each page "modified?" in both loops: a page saved in between was put through the
    # theme unread (Material's search failed on its missing content).
    root, next_build = _a_dirty_build_saving_meanwhile(
        monkeypatch, tmp_path, "side-2.md", lambda root: _saved(root, ["side-7.md"])
    )
    assert _shows_the_save(root, "side-2.md") and not _shows_the_save(root, "side-7.md")
    assert next_build() is None
    assert _shows_the_save(root, "side-7.md")


@needs_fork
def test_a_page_saved_again_while_it_is_built_is_built_again_next_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Read in the first loop, saved again before its HTML is written: dated as now, that HTML would be
    # newer than the new source, and the save would never show.
    def saved_again(root: Path) -> None:
        time.sleep(0.01)
        source = root / "docs" / "side-3.md"
        source.write_text(source.read_text(encoding="utf-8") + "\n\nGemt igen.\n", encoding="utf-8")

    root, next_build = _a_dirty_build_saving_meanwhile(monkeypatch, tmp_path, "side-3.md", saved_again)
    page = root / "site" / "side-3" / "index.html"
    assert _shows_the_save(root, "side-3.md") and "Gemt igen." not in page.read_text(encoding="utf-8")
    assert next_build() is None
    assert "Gemt igen." in page.read_text(encoding="utf-8")


def test_a_build_that_may_be_stopped_gives_the_worker_the_largest_pages() -> None:
    costs = [0, 100, 1, 1, 60, 40, 1, 0]
    assert mkdocs_parallel._split_largest_away(costs) == ([0, 2, 3, 5, 6, 7], [1, 4])


@needs_fork
def test_a_file_added_to_the_theme_overrides_is_picked_up_by_the_next_build(tmp_path: Path) -> None:
    # The installed theme's files are listed once; the override folder every build, as it may change.
    root = small_site(tmp_path)
    (root / "mkdocs.yml").write_text(
        CONFIG.replace("  language: da", "  language: da\n  custom_dir: overrides"), "utf-8"
    )
    (root / "overrides" / "assets").mkdir(parents=True)
    assert built(root, "shared", mkdocs_parallel.build) == built(root, "own", mkdocs_build.build)
    (root / "overrides" / "assets" / "ekstra.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    (root / "overrides" / "404.html").write_text("{% extends 'main.html' %}\n", encoding="utf-8")
    shared, own = built(root, "shared", mkdocs_parallel.build), built(root, "own", mkdocs_build.build)
    assert shared == own
    assert "assets/ekstra.css" in shared[0]


def test_the_split_balances_the_cost_largest_first() -> None:
    costs = [100, 1, 1, 1, 60, 40, 1]
    mine, theirs = mkdocs_parallel._split(costs)
    assert sorted(mine + theirs) == list(range(7)) and mine == sorted(mine) and theirs == sorted(theirs)
    assert abs(sum(costs[i] for i in mine) - sum(costs[i] for i in theirs)) <= 2


@needs_fork
def test_the_compiled_theme_is_kept_between_builds_and_a_changed_template_compiled_anew(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = small_site(tmp_path)
    overrides = root / "overrides"
    overrides.mkdir()
    config = CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    (root / "mkdocs.yml").write_text(config, "utf-8")
    main = overrides / "main.html"
    main.write_text(
        '{% extends "base.html" %}{% block content %}<p>Første udgave</p>{{ super() }}{% endblock %}', "utf-8"
    )
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def compiling(self: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    built(root, "first", mkdocs_parallel.build)
    assert "Første udgave" in (root / "first" / "side-1" / "index.html").read_text(encoding="utf-8")
    compiled.clear()
    main.write_text(
        '{% extends "base.html" %}{% block content %}<p>Anden udgave</p>{{ super() }}{% endblock %}', "utf-8"
    )
    built(root, "second", mkdocs_parallel.build)
    page = (root / "second" / "side-1" / "index.html").read_text(encoding="utf-8")
    assert "Anden udgave" in page and "Første udgave" not in page
    assert "main.html" in compiled  # changed: compiled anew
    assert "base.html" not in compiled and "partials/nav.html" not in compiled  # kept from the first build
