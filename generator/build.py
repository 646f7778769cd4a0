"""Generate the site's Markdown into docs_dir and build it with MkDocs into site_dir.

The build never touches anything but its own two output folders, and a failed
build leaves the last good site in place: MkDocs builds beside it, then the
new site is swapped in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import SiteBuildFailed, UnsafeOutputFolder
from generator.history import History
from generator.portfolio import Portfolio
from generator.render import TEMPLATES_DIR, Page, render_site
from generator.views import build_site_data

CONFIG_FILE = "mkdocs.yml"
DOCS_MARKER = ".handleplan-generated"
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


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    pages: int
    written: int
    removed: int
    warnings: list[str]
    site_dir: Path | None


class _IgnoreUnknownTags(yaml.SafeLoader):
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
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreUnknownTags) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SiteBuildFailed(detail=f"{CONFIG_FILE} kan ikke læses ({error})") from None
    docs_dir = _output_folder(root, str(config.get("docs_dir", "docs_generated")))
    site_dir = _output_folder(root, str(config.get("site_dir", "site")))
    extra = config.get("extra") or {}
    edit_url = str(((extra.get("handleplan") or {}).get("edit_url")) or "")
    return SiteConfig(config_file, docs_dir, site_dir, edit_url)


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


def generate_docs(portfolio: Portfolio, config: SiteConfig, today: dt.date, history: History) -> tuple[int, int, int]:
    """Render every page into docs_dir; return (pages, files written, stale files removed).

    Raises:
        UnsafeOutputFolder: docs_dir holds files handleplan did not make.
        TemplateFailed: a template fails.
    """
    data = build_site_data(portfolio, today, history)
    pages = list(render_site(data, portfolio.root / TEMPLATES_DIR, config.edit_url))
    written, removed = sync_folder(config.docs_dir, pages)
    return len(pages), written, removed


def sync_folder(folder: Path, pages: Iterable[Page]) -> tuple[int, int]:
    """Make `folder` hold exactly `pages`, writing only what changed; return (written, removed).

    Raises:
        UnsafeOutputFolder: the folder exists, is not empty and was not made by handleplan.
    """
    _claim(folder, DOCS_MARKER)
    wanted: set[Path] = set()
    written = 0
    for page in pages:
        path = folder / page.path
        wanted.add(path)
        content = page.content.encode("utf-8") if isinstance(page.content, str) else page.content
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, content)
        written += 1
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted and path.name != DOCS_MARKER:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written, removed


def write_atomically(path: Path, content: bytes) -> None:
    """Write beside the target, then rename: readers never see half a file, a failure leaves the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def _claim(folder: Path, marker: str) -> None:
    """Create the folder with a marker, or check that the marker is there."""
    if folder.is_dir() and not (folder / marker).is_file() and any(folder.iterdir()):
        raise UnsafeOutputFolder(folder=folder, reason="den indeholder filer, som handleplan ikke har lavet")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / marker).touch()


def build_with_mkdocs(config: SiteConfig, today: dt.date) -> list[str]:
    """Build docs_dir with MkDocs beside site_dir, then swap it in; return MkDocs' warnings.

    Raises:
        UnsafeOutputFolder: site_dir holds files handleplan did not make.
        SiteBuildFailed: MkDocs failed; site_dir is as it was.
    """
    site_dir = config.site_dir
    if site_dir.is_dir() and not (site_dir / SITE_MARKER).is_file() and any(site_dir.iterdir()):
        raise UnsafeOutputFolder(folder=site_dir, reason="den indeholder filer, som handleplan ikke har lavet")
    staging = site_dir.with_name(f".{site_dir.name}.new")
    retired = site_dir.with_name(f".{site_dir.name}.old")
    for leftover in (staging, retired):  # from an interrupted build: ours by name
        shutil.rmtree(leftover, ignore_errors=True)
    with _reproducible(today), _captured_warnings() as warnings:
        try:
            _run_mkdocs(config.config_file, staging)
        except Exception as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise SiteBuildFailed(detail=str(error) or type(error).__name__) from None
    (staging / SITE_MARKER).touch()
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    return warnings


def _run_mkdocs(config_file: Path, site_dir: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


@contextmanager
def _reproducible(today: dt.date) -> Iterator[None]:
    """Date the build by the day it describes, so the same input gives the same bytes."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(today.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("mkdocs")
    handler = _ListHandler()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def build_site(portfolio: Portfolio, today: dt.date, history: History | None = None) -> BuildResult:
    """Generate the docs and build the site from a portfolio without errors.

    Raises:
        UnsafeOutputFolder, TemplateFailed, SiteBuildFailed: see the steps.
    """
    config = read_site_config(portfolio.root)
    pages, written, removed = generate_docs(portfolio, config, today, history or History())
    warnings = build_with_mkdocs(config, today)
    return BuildResult(pages, written, removed, warnings, config.site_dir)
