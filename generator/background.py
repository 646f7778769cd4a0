"""Work a second, forked process does while this one renders or MkDocs builds.

On a machine with two cores a build need not do everything in turn: a forked child
renders and writes the project pages while this process renders the lists, then makes the
exports (the XLSX above all) while MkDocs builds the site; the live preview has it
make the exports while MkDocs rebuilds the saved page. The child is forked, so it
shares the computed site data without pickling it; only finished pages and bytes
come back. Without fork (Windows) or a second core, the same work is done here, when
it is asked for, with the same result.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.docs_folder import NewFileWriter, write_changed
from generator.export import FORMATS, export
from generator.forked import forked, job, result_or_here
from generator.render import Page, render_site
from generator.views import SiteData

Exports = dict[str, bytes]


@dataclass(frozen=True)
class _Job:
    data: SiteData
    templates: Path
    edit_url: str
    new_project_url: str
    docs_dir: Path = Path()


@dataclass(frozen=True)
class Written:
    """Pages written into the docs folder: their paths, and how many of them changed."""

    paths: set[str]
    changed: int


@dataclass(frozen=True)
class Background:
    """The project pages and the exports, made meanwhile where possible.

    `write_project_pages` has the project pages written into the docs folder, to be called once
    the caller's own pages rendered too: a template error (raised by it) leaves the docs as they
    were. It returns a function that waits for the writing and tells what was written, so that
    the caller can write its own pages meanwhile. `exports` returns the exports.
    """

    write_project_pages: Callable[[], Callable[[], Written]]
    exports: Callable[[], Exports]


@contextmanager
def in_background(
    data: SiteData, templates: Path, edit_url: str, new_project_url: str, docs_dir: Path
) -> Iterator[Background]:
    """The project pages rendered by a forked process while the caller goes on, then the exports.

    The pages go into the claimed `docs_dir` when asked to; the pages and files are the same
    where no process can be forked.
    """
    work = _Job(data, templates, edit_url, new_project_url, docs_dir)
    with forked(work) as submit:
        if submit is None:

            def write_here() -> Callable[[], Written]:
                written = _write(work, _project_pages(work))
                return lambda: written

            yield Background(write_here, functools.cache(lambda: make_exports(data)))
            return
        rendered = submit(_render_project_pages)
        exports: list[Future[Exports]] = []

        def write_there() -> Callable[[], Written]:
            rendered.result()  # a template error is raised here, before anything is written
            written = submit(_write_project_pages)
            exports.append(submit(_exports_of_job))  # then, while MkDocs builds
            return written.result

        def exports_there() -> Exports:
            return exports[0].result() if exports else make_exports(data)

        yield Background(write_there, exports_there)


@contextmanager
def exports_in_background(data: SiteData) -> Iterator[Callable[[], Exports]]:
    """A function that returns every export (format → bytes), made meanwhile in a forked process where possible."""
    with forked(_Job(data, Path(), "", "")) as worker:
        if worker is None:
            yield functools.cache(lambda: make_exports(data))
            return
        made = worker(_exports_of_job)
        started = time.monotonic()
        # The preview forks this worker from its watcher thread while MkDocs' threads run: one stuck on a
        # lock held at the fork, or one that died, must not stop the preview for good.
        exports = functools.cache(
            lambda: result_or_here(worker, made, time.monotonic() - started, lambda: make_exports(data))
        )
        yield exports


def make_exports(data: SiteData) -> Exports:
    """Every export format's bytes."""
    return {output_format: export(data, output_format) for output_format in FORMATS}


def _project_pages(work: _Job) -> list[Page]:
    return list(render_site(work.data, work.templates, work.edit_url, work.new_project_url, parts="projects"))


def _write(work: _Job, pages: list[Page]) -> Written:
    return Written(*write_changed(work.docs_dir, pages))


# In the worker: what one task rendered, for the next, which writes the pages whose files exist.
_rendered: list[Page] = []
_new: list[str] = []


def _render_project_pages() -> None:
    """Render every project page; those whose files do not exist yet are written meanwhile."""
    work = job()
    writer = NewFileWriter(work.docs_dir)
    _rendered.clear()
    _new.clear()
    for page in render_site(work.data, work.templates, work.edit_url, work.new_project_url, parts="projects"):
        if writer.offer(page):
            _new.append(page.path)
        else:
            _rendered.append(page)
    writer.finish()


def _write_project_pages() -> Written:
    existing = _write(job(), _rendered)
    return Written(existing.paths | set(_new), existing.changed + len(_new))


def _exports_of_job() -> Exports:
    return make_exports(job().data)
