"""The exports made by a second process while this one renders the pages.

On a machine with two cores the exports (the XLSX above all) need not wait for the
pages, nor the pages for them. The child is forked, so it shares the computed site
data without pickling it; only the finished bytes come back. Without fork (Windows)
or a second core, the exports are made here, afterwards, with the same result.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from generator.export import FORMATS, export
from generator.views import SiteData

Exports = dict[str, bytes]

# The data the forked child reads: set before the fork, so the child has it in its copy of memory.
_data: SiteData | None = None


@contextmanager
def exports_in_background(data: SiteData) -> Iterator[Callable[[], Exports]]:
    """A function that returns every export (format → bytes), made meanwhile in a forked process where possible."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield functools.cache(lambda: make_exports(data))  # asked twice, made once, as the future is
        return
    global _data
    _data = data
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_exports_of_shared_data)
            yield future.result
    finally:
        _data = None


def make_exports(data: SiteData) -> Exports:
    """Every export format's bytes."""
    return {output_format: export(data, output_format) for output_format in FORMATS}


def _exports_of_shared_data() -> Exports:
    assert _data is not None, "set before the fork"
    return make_exports(_data)
