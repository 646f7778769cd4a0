"""The steering group's status report: per focus area, status, what needs action, benefits and changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.changes import Event, newest_events
from generator.trend import MonthCounts, Trend
from generator.views import ProjectView, SiteData
from schema.programme import FocusArea
from schema.project import Status

# The report's trend table: the last year, newest month first (the site's compliance page has every month).
TREND_MONTHS = 12


@dataclass(frozen=True)
class AreaReport:
    """One focus area's part of the report."""

    area: FocusArea
    total: int
    status_counts: list[tuple[str, int]]
    needing_action: list[ProjectView]
    expected_dkk: int
    realised_dkk: int
    changes: list[Event]


def report_by_area(data: SiteData, since: dt.date) -> list[AreaReport]:
    """The report's sections, in the programme's order of focus areas."""
    sections = []
    for area in data.programme.focus_areas_by_id.values():
        projects = data.in_focus_area(area.id)
        ids = {p.id for p in projects}
        sections.append(
            AreaReport(
                area=area,
                total=len(projects),
                status_counts=[
                    (status.label, sum(1 for p in projects if p.project.status is status)) for status in Status
                ],
                needing_action=[p for p in projects if p.findings],
                expected_dkk=sum(p.expected_dkk for p in projects),
                realised_dkk=sum(p.realised_dkk for p in projects),
                changes=[e for e in newest_events(data.events) if e.project_id in ids and e.date >= since],
            )
        )
    return sections


def default_since(today: dt.date) -> dt.date:
    """The first day of the previous month: a report covers at least the last full month."""
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def trend_rows(trend: Trend | None) -> list[MonthCounts]:
    """The report's months of the compliance trend, newest first; empty without history."""
    return list(reversed(trend.months[-TREND_MONTHS:])) if trend else []
