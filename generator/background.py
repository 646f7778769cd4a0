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

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.export import FORMATS, export
from generator.lock import close_inherited
from generator.render import Page, render_site
from generator.views import SiteData

Exports = dict[str, bytes]


@dataclass(frozen=True)
class _Job:
    data: SiteData
    templates: Path
    edit_url: str
    new_project_url: str


# What the forked child works on: set before the fork, so the child has it in its copy of memory.
_job: _Job | None = None
_parent = 0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Background:
    """The project pages and the exports, each given when asked for (made meanwhile where possible)."""

    project_pages: Callable[[], list[Page]]
    exports: Callable[[], Exports]


@contextmanager
def in_background(data: SiteData, templates: Path, edit_url: str, new_project_url: str) -> Iterator[Background]:
    """The project pages and then the exports, made by a forked process while the caller goes on."""
    job = _Job(data, templates, edit_url, new_project_url)
    with _forked(job) as submit:
        if submit is None:
            yield Background(functools.cache(lambda: _project_pages(job)), functools.cache(lambda: make_exports(data)))
            return
        pages, exports = submit(_project_pages_of_job), submit(_exports_of_job)
        yield Background(pages.result, exports.result)


@contextmanager
def exports_in_background(data: SiteData) -> Iterator[Callable[[], Exports]]:
    """A function that returns every export (format → bytes), made meanwhile in a forked process where possible."""
    with _forked(_Job(data, Path(), "", "")) as submit:
        yield functools.cache(lambda: make_exports(data)) if submit is None else submit(_exports_of_job).result


def make_exports(data: SiteData) -> Exports:
    """Every export format's bytes."""
    return {output_format: export(data, output_format) for output_format in FORMATS}


@contextmanager
def _forked(job: _Job) -> Iterator[Callable[[Callable[[], Any]], Future[Any]] | None]:
    """A submit function to one forked worker that sees `job`, or None where forking cannot help."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    global _job, _parent
    _job, _parent = job, os.getpid()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_as_helper) as pool:
            yield pool.submit  # one worker: the tasks run in the order they are submitted
    finally:
        _job = None


def _as_helper() -> None:
    """In the forked worker: die with the build, and hold none of its locks."""
    close_inherited()
    # The worker holds copies of its own pipes, so it would never see the build end if the build were
    # killed: Linux ends it with its parent; on macOS a killed build can leave the idle worker behind.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _parent:
        os._exit(1)  # the build died before the worker could ask to die with it


def _project_pages(job: _Job) -> list[Page]:
    return list(render_site(job.data, job.templates, job.edit_url, job.new_project_url, parts="projects"))


def _project_pages_of_job() -> list[Page]:
    assert _job is not None, "set before the fork"
    return _project_pages(_job)


def _exports_of_job() -> Exports:
    assert _job is not None, "set before the fork"
    return make_exports(_job.data)
