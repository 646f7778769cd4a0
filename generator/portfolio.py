"""Load the programme and every project file, validated, each with its findings."""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from generator.cpr_scan import exception_texts, find_cpr_in_file_name, find_cpr_in_values, find_cpr_numbers
from generator.errors import InvalidProgramme, NotAPortfolio
from generator.forked import map_shared
from generator.loader import MAX_FILE_BYTES, Document, DocumentError, decode, parse_document, too_large
from schema.catalogue import Finding, Severity, finding
from schema.checks import CheckContext, check_project
from schema.common import SLUG_MAX_LENGTH, SLUG_PATTERN
from schema.messages import findings_from_validation_error
from schema.partial import partial_project
from schema.programme import Programme
from schema.project import Project

PROJECTS_DIR = "projects"
PROGRAMME_FILE = "focus_areas.yaml"
PROJECT_SUFFIX = ".yaml"
# From this many files on, a second core checks part of them (generator/forked.py): below, a fork costs more.
SHARED_FROM = 200
# Its results are pickled back, which costs this process time too: it checks a little less than half.
WORKER_SHARE = 0.45

_SLUG = re.compile(SLUG_PATTERN)
# A file's bytes; or why it could not be read, as a finding; or None when that is unknown.
Source = bytes | Finding | None
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class CheckedFile:
    """One file of the portfolio: what it holds, if it could be read, and its findings."""

    path: str
    findings: tuple[Finding, ...]
    project_id: str | None = None
    project: Project | None = None
    # The bytes read, kept so that what reads the file again (history, migrate) need not go back to the disk.
    source: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Finding]:
        """The findings that fail validation (not those a valid dispensation covers)."""
        return [f for f in self.findings if f.severity is Severity.ERROR and f.waiver is None]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are reported but pass (not those a valid dispensation covers)."""
        return [f for f in self.findings if f.severity is Severity.WARNING and f.waiver is None]

    @property
    def dispensed(self) -> list[Finding]:
        """The findings a valid dispensation covers: shown as "dispenseret", and they pass."""
        return [f for f in self.findings if f.waiver is not None]


@dataclass(frozen=True)
class Portfolio:
    """The programme and the checked project files, in file-name order."""

    root: Path
    programme: Programme | None
    programme_file: CheckedFile
    project_files: tuple[CheckedFile, ...]

    @property
    def files(self) -> tuple[CheckedFile, ...]:
        """The programme file first, then every project file."""
        return (self.programme_file, *self.project_files)

    @property
    def projects(self) -> dict[str, Project]:
        """Every project that could be read, by id."""
        return {f.project_id: f.project for f in self.project_files if f.project_id and f.project}

    @property
    def error_count(self) -> int:
        """How many findings fail validation."""
        return sum(len(f.errors) for f in self.files)

    @property
    def warning_count(self) -> int:
        """How many findings are warnings."""
        return sum(len(f.warnings) for f in self.files)

    @property
    def dispensed_count(self) -> int:
        """How many findings a dispensation in force covers."""
        return sum(len(f.dispensed) for f in self.files)


def load_portfolio(
    root: Path,
    paths: Sequence[Path] = (),
    *,
    today: dt.date | None = None,
    last_changed: Mapping[str, dt.date] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Portfolio:
    """Read and check the programme and the project files under `root`.

    With `paths`, only those files (or the project files in those folders) are
    checked; related ids are still resolved against every project in `root`.
    `last_changed` (from git) enables the rule on projects left unchanged too long;
    `progress` is called with how many more files are checked.

    Raises:
        NotAPortfolio: `root` has no focus_areas.yaml or no projects folder.
    """
    root = root.resolve()
    projects_dir = root / PROJECTS_DIR
    programme_path = root / PROGRAMME_FILE
    if not projects_dir.is_dir():
        raise NotAPortfolio(root=root, missing=f"mappen {PROJECTS_DIR}/")
    programme_file, programme = load_programme(root)
    selected = _select_project_paths(projects_dir, [p for p in paths if p.resolve() != programme_path])
    context = None
    if programme is not None:
        # Only what can be read is a project that `related` may name: not a link, a folder or a dangling name.
        ids = {p.stem for p in projects_dir.glob(f"*{PROJECT_SUFFIX}") if _is_regular_file(p)}
        if paths:  # files named outside projects/ count too
            ids |= {p.stem for p in selected if _is_regular_file(p)}
        titles = _titles_reader(lambda: {p.stem: _read_bytes(p) for p in projects_dir.glob(f"*{PROJECT_SUFFIX}")})
        context = CheckContext(programme, today or dt.date.today(), frozenset(ids), project_titles=titles)

    def check(path: Path) -> CheckedFile:
        return check_project_source(_shown_path(path, root), _read_bytes(path), context, last_changed)

    with _cyclic_gc_paused():
        share = WORKER_SHARE if len(selected) >= SHARED_FROM else 0
        project_files = map_shared(check, selected, worker_share=share, done=progress)
    return Portfolio(root, programme, programme_file, tuple(project_files))


def portfolio_from_sources(
    root: Path, sources: Mapping[str, bytes], *, today: dt.date, last_changed: Mapping[str, dt.date] | None = None
) -> Portfolio:
    """A portfolio from file contents keyed by path ('focus_areas.yaml', 'projects/x.yaml'), e.g. from git.

    A revision without a readable focus_areas.yaml gives a portfolio without a programme.
    """
    programme_raw = sources.get(PROGRAMME_FILE)
    if programme_raw is None:
        missing = finding("HP003", detail=f"{PROGRAMME_FILE} findes ikke i denne version.").at(1, 1)
        programme_file, programme = CheckedFile(PROGRAMME_FILE, (missing,)), None
    else:
        programme_file, programme = check_model_source(PROGRAMME_FILE, programme_raw, Programme)
    projects = sorted(path for path in sources if is_project_path(path))
    context = None
    if programme is not None:
        ids = frozenset(PurePosixPath(path).stem for path in projects)
        titles = _titles_reader(lambda: {PurePosixPath(path).stem: sources[path] for path in projects})
        context = CheckContext(programme, today, ids, project_titles=titles)
    with _cyclic_gc_paused():
        project_files = tuple(check_project_source(path, sources[path], context, last_changed) for path in projects)
    return Portfolio(root, programme, programme_file, project_files)


def _titles_reader(read_sources: Callable[[], Mapping[str, Source]]) -> Callable[[], Mapping[str, str]]:
    """A function giving each project's title, reading the files the first time it is called."""

    @cache
    def titles() -> Mapping[str, str]:
        found: dict[str, str] = {}
        for project_id, raw in read_sources().items():
            try:
                title = parse_document(decode(raw)).data.get("title") if isinstance(raw, bytes) else None
            except DocumentError:
                continue
            if isinstance(title, str):
                found[project_id] = title
        return found

    return titles


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cycle collector while files are read.

    Loading allocates millions of short-lived, acyclic objects (reference
    counting frees them) while the portfolio it builds keeps growing, so every
    automatic collection rescans the whole portfolio: a third of the time at
    10,000 projects. Cyclic garbage (recursive YAML aliases) waits until after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_programme(root: Path) -> tuple[CheckedFile, Programme | None]:
    """The checked focus_areas.yaml, and the programme if it has no errors.

    Raises:
        NotAPortfolio: `root` has no focus_areas.yaml.
    """
    path = root.resolve() / PROGRAMME_FILE
    if not path.is_file():
        raise NotAPortfolio(root=root.resolve(), missing=PROGRAMME_FILE)
    return check_model_source(_shown_path(path, root.resolve()), _read_bytes(path), Programme)


def usable_programme(root: Path) -> Programme:
    """The programme, for commands that cannot work without one.

    Raises:
        NotAPortfolio: `root` has no focus_areas.yaml.
        InvalidProgramme: focus_areas.yaml has errors.
    """
    programme_file, programme = load_programme(root)
    if programme is None:
        raise InvalidProgramme(errors=len(programme_file.errors))
    return programme


def is_project_path(path: str) -> bool:
    """True for a project file directly in projects/ (files in subfolders are no projects)."""
    posix = PurePosixPath(path)
    return posix.parent == PurePosixPath(PROJECTS_DIR) and posix.suffix == PROJECT_SUFFIX


def _select_project_paths(projects_dir: Path, paths: Iterable[Path]) -> list[Path]:
    # The root itself ("handleplan validate .") means every project, not the YAML files beside them.
    # Paths are made absolute without resolving links: a link must be seen as one, not followed.
    chosen = [projects_dir if p.resolve() == projects_dir.parent else p.parent.resolve() / p.name for p in paths] or [
        projects_dir
    ]
    selected: dict[Path, None] = {}
    for path in chosen:
        if path.is_dir() and not path.is_symlink():
            # Every entry that looks like a project file, whatever it is: a link or a folder
            # named x.yaml is reported, never skipped in silence.
            for child in sorted(path.iterdir()):
                if child.suffix in (".yaml", ".yml"):
                    selected[child] = None
        else:
            selected[path] = None
    return list(selected)


def _is_regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def check_project_source(
    shown: str, raw: Source, context: CheckContext | None, last_changed: Mapping[str, dt.date] | None = None
) -> CheckedFile:
    """Check one project file's bytes (None: unreadable); `shown` is its path in messages."""
    name = PurePosixPath(shown).name
    project_id = PurePosixPath(shown).stem
    id_findings: list[Finding] = []
    if not name.endswith(PROJECT_SUFFIX) or not _SLUG.fullmatch(project_id) or len(project_id) > SLUG_MAX_LENGTH:
        id_findings.append(finding("HP006", name=name).at(1, 1))
    excused = cpr_exceptions(context.programme) if context is not None else ()
    id_findings += find_cpr_in_file_name(shown, excused)
    document, findings = _parse(raw, excused)
    project = None
    if document is not None:
        project, model_findings = _validate(document, Project)
        findings += model_findings
        # A file with shape errors still has the programme's rules checked on what could be read.
        readable = project if project is not None else partial_project(document.data, model_findings)
        if readable is not None and context is not None:
            changed = (last_changed or {}).get(project_id)
            if changed is not None:
                context = replace(context, last_changed=changed)
            findings += [document.locate(f) for f in check_project(readable, context)]
    source = raw if isinstance(raw, bytes) else None
    return CheckedFile(shown, _in_file_order(id_findings + findings), project_id, project, source)


def check_model_source(shown: str, raw: Source, model: type[ModelT]) -> tuple[CheckedFile, ModelT | None]:
    """Check a file against a model alone (the programme file); `shown` is its path in messages."""
    document, findings = _parse(raw, excused=None)
    instance = None
    if document is not None:
        instance, model_findings = _validate(document, model)
        findings += model_findings
    return CheckedFile(shown, _in_file_order(findings), source=raw if isinstance(raw, bytes) else None), instance


def _read_bytes(path: Path) -> bytes | Finding:
    """A regular file's bytes, at most one byte past the size limit; or why it cannot be read."""
    if path.is_symlink():
        detail = "Filen er et symbolsk link. Links følges ikke, fordi de kan pege uden for repositoriet."
        return finding("HP008", detail=detail).at(1, 1)
    try:
        with path.open("rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode):
                return finding("HP008", detail="Det er ikke en almindelig fil.").at(1, 1)
            if status.st_size > MAX_FILE_BYTES:  # refused unread: a 1 GiB file costs nothing
                return too_large(status.st_size)
            return stream.read(MAX_FILE_BYTES + 1)  # a file that grows while read stops at the limit
    except IsADirectoryError:
        return finding("HP008", detail="Det er en mappe, ikke en fil.").at(1, 1)
    except FileNotFoundError:
        return finding("HP003", detail="Filen findes ikke.").at(1, 1)
    except OSError as error:
        return finding("HP003", detail=f"Filen kan ikke læses ({error.strerror or error}).").at(1, 1)


def cpr_exceptions(programme: Programme) -> tuple[str, ...]:
    """The texts the programme has reviewed as no CPR numbers."""
    return tuple(exception.text for exception in programme.cpr_exceptions)


def _parse(raw: Source, excused: Sequence[str] | None = ()) -> tuple[Document | None, list[Finding]]:
    """The parsed document, or None, with what reading it found (CPR numbers, duplicate keys).

    `excused` are the reviewed exceptions to the CPR check; None reads them from
    the file itself (the programme, whose own list must not trip its check).
    """
    if raw is None:
        return None, [finding("HP003", detail="Filen kan ikke læses.").at(1, 1)]
    if isinstance(raw, Finding):
        return None, [raw]
    try:
        text = decode(raw)
    except DocumentError as error:
        return None, [error.finding]
    try:
        document = parse_document(text)
    except DocumentError as error:
        return None, [*find_cpr_numbers(text, excused or ()), error.finding]
    if excused is None:
        excused = exception_texts(document.data)
    findings = find_cpr_numbers(text, excused)
    findings += find_cpr_in_values(document, text, excused, findings)
    return document, [*findings, *document.findings]


def _validate(document: Document, model: type[ModelT]) -> tuple[ModelT | None, list[Finding]]:
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, [document.locate(f) for f in findings_from_validation_error(error, model)]


def _in_file_order(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.code)))


def _shown_path(path: Path, root: Path) -> str:
    """The path relative to the root, as messages show it; `path` is already resolved."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
