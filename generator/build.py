"""Generate the site's Markdown into docs_dir and build it with MkDocs into site_dir.

The build writes only inside its own output folders (and the lock file beside
them), one build at a time per checkout. MkDocs builds into a staging folder of
this build's own beside site_dir, which is then swapped in so that site_dir is a
whole site, old or new, at every instant: a failed or killed build leaves the
last good site in place.
"""

from __future__ import annotations

import calendar
import ctypes
import datetime as dt
import errno
import functools
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.background import in_background
from generator.docs_folder import claim, remove_unwanted, write_changed, write_page
from generator.errors import InvalidSiteConfig, SiteBuildFailed, UnsafeOutputFolder
from generator.export import FORMATS as EXPORT_FORMATS
from generator.history import History
from generator.loader import FastSafeLoader, yaml_error_at
from generator.lock import output_lock
from generator.mkdocs_process import MkDocsFailed, MkDocsProcess
from generator.portfolio import Portfolio
from generator.removal import remove_later
from generator.render import EXPORTS_DIR, TEMPLATES_DIR, Page, export_path, render_site
from generator.views import build_site_data

CONFIG_FILE = "mkdocs.yml"
SITE_MARKER = ".handleplan-site"
# Sources an output folder may never be, or be inside of.
_SOURCES = (
    "projects",
    "schema",
    "generator",
    "site_templates",
    "tests",
    "benchmarks",
    ".git",
    ".github",
    ".ci",
    "focus_areas.yaml",
    "mkdocs.yml",
    "pyproject.toml",
    "README.md",
    "CHANGES.md",
)


@dataclass(frozen=True)
class SiteConfig:
    """What handleplan reads from mkdocs.yml."""

    config_file: Path
    docs_dir: Path
    site_dir: Path
    edit_url: str
    new_project_url: str = ""

    @property
    def root(self) -> Path:
        """The repository root, where the output lock lives."""
        return self.config_file.parent


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    pages: int
    written: int
    removed: int
    warnings: list[str]
    site_dir: Path | None


class _IgnoreUnknownTags(FastSafeLoader):
    """mkdocs.yml may carry MkDocs' own tags (!ENV, !!python/name); read them as None."""


_IgnoreUnknownTags.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_config(root: Path) -> SiteConfig:
    """docs_dir, site_dir and the edit link from mkdocs.yml, checked to be safe outputs.

    Raises:
        UnsafeOutputFolder: docs_dir or site_dir would overwrite sources.
        SiteBuildFailed: mkdocs.yml is missing or unreadable.
    """
    root = root.resolve()
    config_file = root / CONFIG_FILE
    problem = None
    try:
        text = config_file.read_text(encoding="utf-8")
        config = yaml.load(text, Loader=_IgnoreUnknownTags) or {}
    except OSError as error:
        problem = f" ({error.strerror or error})"
    except UnicodeDecodeError:
        problem = ": den er ikke gemt som UTF-8"
    except yaml.YAMLError as error:
        line, column, detail = yaml_error_at(text, error)
        problem = f", linje {line}, kolonne {column}: {detail}"
    if problem is not None:
        # Where site_dir is cannot be read either: judge by the default one.
        site_kept = (root / "site" / SITE_MARKER).is_file()
        raise SiteBuildFailed(detail=f"{CONFIG_FILE} kan ikke læses{problem}", site_kept=site_kept)
    docs_dir = _output_folder(root, str(config.get("docs_dir", "docs_generated")))
    site_dir = _output_folder(root, str(config.get("site_dir", "site")))
    extra = config.get("extra") or {}
    settings = extra.get("handleplan") or {}
    edit_url = _link_setting(
        settings,
        "edit_url",
        _EDIT_URL,
        "og slutter med /, fx https://github.com/kommune/handleplan/edit/main/projects/",
    )
    new_project_url = _link_setting(
        settings,
        "new_project_url",
        _LINK_URL,
        "fx https://github.com/kommune/handleplan/issues/new?template=nyt-projekt.yml",
    )
    return SiteConfig(config_file, docs_dir, site_dir, edit_url, new_project_url)


def _link_setting(settings: dict[str, Any], key: str, pattern: re.Pattern[str], example: str) -> str:
    """A web address from extra.handleplan in mkdocs.yml, or ''; never a javascript: or data: address."""
    value = str(settings.get(key) or "")
    if value and not pattern.fullmatch(value):
        raise InvalidSiteConfig(
            key=f"extra.handleplan.{key}",
            detail=f"skal være en webadresse, der begynder med https:// eller http:// {example}",
        )
    return value


# Every project page links here: a javascript: or data: address would run on the intranet.
_EDIT_URL = re.compile(r"https?://[^\s/?#\\\"'<>]+(?:/[^\s\"'<>\\]*)?/")
_LINK_URL = re.compile(r"https?://[^\s/?#\\\"'<>]+[^\s\"'<>\\]*")


def _output_folder(root: Path, name: str) -> Path:
    folder = (root / name).resolve()
    if folder == root or root not in folder.parents:
        raise UnsafeOutputFolder(folder=folder, reason="den skal ligge inde i handleplan-repositoriet")
    relative = folder.relative_to(root).parts
    if relative[0] in _SOURCES:
        raise UnsafeOutputFolder(folder=folder, reason=f"{relative[0]} er en af kildefilerne")
    if folder.exists() and not folder.is_dir():
        raise UnsafeOutputFolder(folder=folder, reason="det er en fil, ikke en mappe")
    return folder


def build_with_mkdocs(
    config: SiteConfig,
    mkdocs: MkDocsProcess,
    on_wait: Callable[[str], None] | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> list[str]:
    """Build docs_dir with `mkdocs` (see mkdocs_started) beside site_dir, then swap it in; return its warnings.

    `before_swap` is given the new site's folder, to add what was made while MkDocs ran.

    Raises:
        UnsafeOutputFolder: site_dir holds files handleplan did not make.
        SiteBuildFailed: MkDocs failed; site_dir is as it was.
        OutputFolderBusy: another build held the output folders too long.
    """
    with output_lock(config.root, on_wait):
        has_site = recover_site(config.site_dir)
        return _build_and_swap(config, has_site, mkdocs, before_swap)


def _why_mkdocs_failed(error: Exception) -> str:
    """MkDocs' own words, which are English, said to be its, and where to look when it is mkdocs.yml."""
    said = (str(error) or type(error).__name__).rstrip(".!")
    if not isinstance(error, MkDocsFailed):
        return said
    where = f"fejlen er i {CONFIG_FILE}. " if said.startswith("Config value") else ""
    return f"{where}MkDocs' egen forklaring (på engelsk): {said}"


@contextmanager
def mkdocs_started(config: SiteConfig, today: dt.date) -> Iterator[MkDocsProcess]:
    """MkDocs, started in a process of its own to build `config` for `today` when asked; ended if never asked."""
    process = MkDocsProcess(config.config_file, _staging_folder(config.site_dir), _build_environment(today))
    try:
        yield process
    finally:
        process.close()


def restore_site(root: Path, on_wait: Callable[[str], None] | None = None) -> bool:
    """Under the output lock, tidy what killed builds left; return whether a built site is in place.

    Raises:
        UnsafeOutputFolder, SiteBuildFailed: mkdocs.yml is unusable (see read_site_config).
        OutputFolderBusy: another build held the output folders too long.
    """
    config = read_site_config(root)
    with output_lock(config.root, on_wait):
        return recover_site(config.site_dir)


def recover_site(site_dir: Path) -> bool:
    """Put back a site a killed build left retired, remove leftover staging and retired folders.

    Call with the output lock held: then no other build owns any of them. Returns
    whether a built site is in place.
    """
    parent = site_dir.parent
    kinds = {path: _leftover_kind(site_dir, path) for path in parent.iterdir()} if parent.is_dir() else {}
    leftovers = sorted(path for path, kind in kinds.items() if kind)
    retired = [path for path in leftovers if kinds[path] == "old" and (path / SITE_MARKER).is_file()]
    if retired and not site_dir.exists():
        # Killed between the fallback's two renames: the old site is whole in its retired name.
        newest = max(retired, key=lambda path: path.stat().st_mtime_ns)
        _rename(newest, site_dir)
        leftovers.remove(newest)
    for leftover in leftovers:
        _remove_tree(leftover)
    return (site_dir / SITE_MARKER).is_file()


def _build_and_swap(
    config: SiteConfig, has_site: bool, mkdocs: MkDocsProcess, before_swap: Callable[[Path], None] | None = None
) -> list[str]:
    site_dir = config.site_dir
    if site_dir.is_dir() and not (site_dir / SITE_MARKER).is_file() and any(site_dir.iterdir()):
        raise UnsafeOutputFolder(folder=site_dir, reason="den indeholder filer, som handleplan ikke har lavet")
    staging = mkdocs.site_dir
    retired = site_dir.with_name(staging.name.replace(".new-", ".old-", 1))
    try:
        warnings = mkdocs.build()
        if before_swap is not None:
            before_swap(staging)
    except Exception as error:
        _remove_tree(staging)
        raise SiteBuildFailed(detail=_why_mkdocs_failed(error), site_kept=has_site) from None
    (staging / SITE_MARKER).touch()
    _swap_in(staging, site_dir, retired)
    return warnings


def _staging_folder(site_dir: Path) -> Path:
    """A staging folder beside site_dir, named as this build's own so nothing of another run's is in the way."""
    return site_dir.with_name(f".{site_dir.name}.new-{os.getpid()}-{secrets.token_hex(4)}")


def _swap_in(staging: Path, site_dir: Path, retired: Path) -> None:
    """Put the staged site at site_dir so that site_dir is a whole site, old or new, at every instant."""
    if not site_dir.exists():
        _rename(staging, site_dir)
    elif _exchange(staging, site_dir):
        _discard(staging)  # the old site, now under the staging name
    else:
        # Between these renames there is no site_dir: a build killed there leaves the
        # old site whole under `retired`, and the next build's recover_site puts it back.
        _rename(site_dir, retired)
        _rename(staging, site_dir)
        # Under a staging name the old site is never put back, however much of it is removed.
        _rename(retired, staging)
        _discard(staging)


def _leftover_kind(site_dir: Path, path: Path) -> str | None:
    """'new' for a staging folder of site_dir's, 'old' for a retired one (ours by name), else None.

    Earlier versions named them without the suffix (.site.new, .site.old).
    """
    for kind in ("new", "old"):
        prefix = f".{site_dir.name}.{kind}"
        if path.name == prefix or path.name.startswith(f"{prefix}-"):
            return kind
    return None


# The file-system steps of the swap, one function each, so tests can interrupt them.


def _rename(source: Path, target: Path) -> None:
    os.rename(source, target)


def _discard(path: Path) -> None:
    """Remove the replaced site without waiting: the new one is in place (generator/removal.py)."""
    remove_later(path)


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the OS or the file system cannot.

    Raises:
        OSError: the exchange failed for another reason (a path is missing, no permission).
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a kernel or file system without it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _build_environment(today: dt.date) -> dict[str, str]:
    """What MkDocs runs with: dated by the day the build describes, so the same input gives the same bytes."""
    environment = {"NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}  # Material's end-of-life banner
    environment["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH") or str(calendar.timegm(today.timetuple()))
    return environment


def build_site(
    portfolio: Portfolio,
    today: dt.date,
    history: History | None = None,
    on_wait: Callable[[str], None] | None = None,
    mkdocs: MkDocsProcess | None = None,
) -> BuildResult:
    """Generate the docs and build the site from a portfolio without errors.

    Holds the output lock throughout, so the site is built from this build's own
    pages; `on_wait` hears (in Danish) if it must first wait for another build. MkDocs
    gets ready in a process of its own meanwhile (`mkdocs`, started by the caller before
    it checked the portfolio, or here). A forked process renders the project pages while
    this one renders the lists, and makes the exports while MkDocs builds
    (generator/background.py); they are put in the docs and the new site before it is
    swapped in.

    Raises:
        UnsafeOutputFolder, TemplateFailed, SiteBuildFailed, OutputFolderBusy: see the steps.
    """
    config = read_site_config(portfolio.root)
    if mkdocs is None:
        with mkdocs_started(config, today) as started:
            return build_site(portfolio, today, history, on_wait, started)
    templates = portfolio.root / TEMPLATES_DIR
    docs_dir = config.docs_dir
    with output_lock(config.root, on_wait):  # the steps take it again: a no-op while held
        data = build_site_data(portfolio, today, history or History())
        claim(docs_dir)  # before the worker writes into it
        with in_background(data, templates, config.edit_url, config.new_project_url, docs_dir) as background:
            rest = list(render_site(data, templates, config.edit_url, config.new_project_url, parts="rest"))
            # Every page rendered, none written: the worker writes its pages while this process writes these.
            projects_written = background.write_project_pages()
            wanted, written = write_changed(docs_dir, rest)
            projects = projects_written()
            removed = remove_unwanted(docs_dir, wanted | projects.paths, keep=EXPORTS_DIR)
            written += projects.changed
            for output_format in EXPORT_FORMATS:
                # Until the exports are made, the last ones (or empty files) stand in: the pages link to them.
                if not (config.docs_dir / export_path(output_format)).is_file():
                    write_page(config.docs_dir, Page(export_path(output_format), b""))
            exported: list[Page] = []

            def add_exports(staging: Path) -> None:
                exported.extend(Page(export_path(f), content) for f, content in background.exports().items())
                for page in exported:
                    write_page(config.docs_dir, page)  # the docs too: plain `mkdocs build` gets the same
                    write_page(staging, page)

            warnings = build_with_mkdocs(config, mkdocs, before_swap=add_exports)
    pages = len(rest) + len(projects.paths) + len(exported)
    return BuildResult(pages, written + len(exported), removed, warnings, config.site_dir)
