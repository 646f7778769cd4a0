"""Work a second, forked process does while this one renders or MkDocs builds.

On a machine with two cores a build need not do everything in turn: a forked child
renders the project pages while this process renders the lists, then makes the
exports (the XLSX above all) while MkDocs builds the site; the live preview has it
make the exports while MkDocs rebuilds the saved page. The child is forked, so it
shares the computed site data without pickling it; only finished pages and bytes
come back. Without fork (Windows) or a second core, the same work is done here, when
it is asked for, with the same result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.export import FORMATS, export
from generator.forked import forked, job
from generator.render import Page, render_site
from generator.views import SiteData

Exports = dict[str, bytes]


@dataclass(frozen=True)
class _Job:
    data: SiteData
    templates: Path
    edit_url: str
    new_project_url: str


@dataclass(frozen=True)
class Background:
    """The project pages and the exports, each given when asked for (made meanwhile where possible)."""

    project_pages: Callable[[], list[Page]]
    exports: Callable[[], Exports]


@contextmanager
def in_background(data: SiteData, templates: Path, edit_url: str, new_project_url: str) -> Iterator[Background]:
    """The project pages and then the exports, made by a forked process while the caller goes on."""
    work = _Job(data, templates, edit_url, new_project_url)
    with forked(work) as submit:
        if submit is None:
            yield Background(functools.cache(lambda: _project_pages(work)), functools.cache(lambda: make_exports(data)))
            return
        pages, exports = submit(_project_pages_of_job), submit(_exports_of_job)
        yield Background(pages.result, exports.result)


@contextmanager
def exports_in_background(data: SiteData) -> Iterator[Callable[[], Exports]]:
    """A function that returns every export (format → bytes), made meanwhile in a forked process where possible."""
    with forked(_Job(data, Path(), "", "")) as submit:
        yield functools.cache(lambda: make_exports(data)) if submit is None else submit(_exports_of_job).result


def make_exports(data: SiteData) -> Exports:
    """Every export format's bytes."""
    return {output_format: export(data, output_format) for output_format in FORMATS}


def _project_pages(work: _Job) -> list[Page]:
    return list(render_site(work.data, work.templates, work.edit_url, work.new_project_url, parts="projects"))


def _project_pages_of_job() -> list[Page]:
    return _project_pages(job())


def _exports_of_job() -> Exports:
    return make_exports(job().data)
