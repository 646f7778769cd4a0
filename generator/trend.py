"""Compliance over time: month by month, how many projects have errors, warnings or none, from git.

Each month is the portfolio as it stood at the month's end (its last commit on or
before that day), checked as of that day by the same code that checks today's
files, so a planned end passes or a dispensation expires in the month it did.
The current month is the portfolio the site shows, checked as of today.

Only the action plan's projects count (start-up, execution, benefits realisation,
paused): most rules do not yet apply to ideas, and closed projects are done. A
file that cannot be read as a project, or holds a CPR number, counts as one with
errors whatever its status; its contents are never shown.

Checking every project for every month would read every version many times, so
each version is read and validated once, by its bytes, and only the programme's
rules (the date-dependent part) run again for each month; the versions on disk
today are taken over from today's check.

A shallow clone gives the same months from its oldest commit on, and the site says
its history is incomplete; only the rule on projects unchanged too long (HP205) can
differ there, as it does today, since the clone cannot see older changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from generator.history import FileChange, History
from generator.portfolio import CheckedFile, Portfolio
from generator.versions import VersionChecker
from schema.checks import CheckContext
from schema.dates import danish_date, danish_month
from schema.programme import Programme
from schema.project import Status

# The projects the trend counts: those on the action plan.
COUNTED_STATUSES = frozenset({Status.STARTUP, Status.EXECUTION, Status.BENEFITS, Status.PAUSED})


@dataclass(frozen=True)
class Counts:
    """The counted projects on one day: errors, warnings only, none; and how many have a dispensation."""

    day: dt.date
    errors: int = 0
    warnings: int = 0
    ok: int = 0
    dispensed: int = 0  # overlaps the three above: a project with a dispensation in force may be in any of them

    @property
    def total(self) -> int:
        """Every counted project."""
        return self.errors + self.warnings + self.ok


@dataclass(frozen=True)
class MonthCounts:
    """One month of the trend: its first day, and the counts at its end (or today, this month)."""

    month: dt.date
    counts: Counts

    @property
    def label(self) -> str:
        """'november 2026'."""
        return danish_month(self.month)


@dataclass(frozen=True)
class Trend:
    """The compliance trend, oldest month first, with the note on how far the history reaches."""

    months: tuple[MonthCounts, ...]
    note: str = ""
    changes: tuple[FileChange, ...] = field(default=(), repr=False, compare=False)
    programme: Programme | None = field(default=None, repr=False, compare=False)
    now: Counts | None = field(default=None, repr=False, compare=False)

    @property
    def first_day(self) -> dt.date | None:
        """The day of the oldest change the history holds."""
        return min((c.date for c in self.changes), default=None)

    def counts_at(self, day: dt.date) -> Counts | None:
        """The counts at the end of `day`, from the history; None before the history begins."""
        first = self.first_day
        if self.programme is None or first is None or day < first:
            return None
        if self.now is not None and day >= self.now.day:
            return self.now
        return next(_replay(self.changes, self.programme, [day], VersionChecker()))

    def with_today(self, files: Iterable[CheckedFile], today: dt.date) -> Trend:
        """The same history with this month counted afresh from `files`: the preview's files after a save."""
        now = count_files(files, today)
        return replace(self, months=(*self.months[:-1], MonthCounts(today.replace(day=1), now)), now=now)


def compliance_trend(
    portfolio: Portfolio, history: History, today: dt.date, checker: VersionChecker | None = None
) -> Trend | None:
    """The trend from the first month git saw a project file to this month; None without history.

    `checker` may hold versions read already (the history's events read the same ones).
    """
    programme = portfolio.programme
    if not history.available or not history.changes or programme is None:
        return None
    changes = tuple(c for c in history.changes if c.date <= today)
    now = count_files(portfolio.project_files, today)
    ends = [_month_end(month) for month in _months(min((c.date for c in changes), default=today), today)][:-1]
    if checker is None:
        checker = VersionChecker()
        checker.know(portfolio)
    months = [MonthCounts(c.day.replace(day=1), c) for c in _replay(changes, programme, ends, checker)]
    months.append(MonthCounts(today.replace(day=1), now))
    return Trend(tuple(months), history.note, changes, programme, now)


def count_files(files: Iterable[CheckedFile], day: dt.date) -> Counts:
    """Count checked project files: with errors, with warnings only, with neither; with a dispensation."""
    errors = warnings = ok = dispensed = 0
    for checked in files:
        if not _counted(checked):
            continue
        if checked.errors:
            errors += 1
        elif checked.warnings:
            warnings += 1
        else:
            ok += 1
        if checked.dispensed:
            dispensed += 1
    return Counts(day, errors, warnings, ok, dispensed)


def _counted(checked: CheckedFile) -> bool:
    # A file that is no readable project, or has a CPR number, is counted as an error of the plan's.
    if checked.project is None or any(f.code == "HP007" for f in checked.findings):
        return True
    return checked.project.status in COUNTED_STATUSES


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s to `last`'s."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _month_end(month) + dt.timedelta(days=1)
    return months


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _replay(
    changes: Sequence[FileChange], programme: Programme, days: Sequence[dt.date], checker: VersionChecker | None = None
) -> Iterator[Counts]:
    """The counts at the end of each of `days` (ascending), applying the changes in first-parent order."""
    checker = checker or VersionChecker()
    files: dict[str, bytes] = {}
    last_changed: dict[str, dt.date] = {}
    position = 0
    for day in days:
        while position < len(changes) and changes[position].date <= day:
            change = changes[position]
            if change.content is None:
                files.pop(change.path, None)
            else:
                files[change.path] = change.content
            last_changed[PurePosixPath(change.path).stem] = change.date
            position += 1
        ids = frozenset(PurePosixPath(path).stem for path in files)
        context = CheckContext(programme, day, ids)
        checked = [checker.check(path, content, context, last_changed) for path, content in sorted(files.items())]
        yield count_files(checked, day)


def change_since(trend: Trend | None, since: dt.date) -> str:
    """'Siden 1. september 2026: projekter med fejl 3 → 1, …', or why it cannot be said, in Danish."""
    if trend is None or trend.now is None:
        return ""
    if since > trend.now.day:
        return ""
    before = trend.counts_at(since - dt.timedelta(days=1))
    if before is None:
        first = trend.first_day
        reach = f" Historikken begynder {danish_date(first)}." if first else ""
        return (
            f"Udviklingen siden {danish_date(since)} kan ikke vises, fordi git-historikken ikke når så langt "
            f"tilbage.{reach}"
        )
    now = trend.now
    parts = [
        f"projekter med fejl {before.errors} → {now.errors}",
        f"med advarsler {before.warnings} → {now.warnings}",
        f"i orden {before.ok} → {now.ok}",
    ]
    if before.dispensed or now.dispensed:
        parts.append(f"med dispensation {before.dispensed} → {now.dispensed}")
    return f"Siden {danish_date(since)}: " + ", ".join(parts) + "."
