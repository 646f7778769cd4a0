"""Plain, precomputed values for the site's templates: no business logic in templates."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from generator.changes import Event, events_by_month, events_by_project, history_events
from generator.history import History
from generator.portfolio import CheckedFile, Portfolio
from generator.trend import Trend, compliance_trend
from generator.versions import VersionChecker
from schema.catalogue import AppliesTo, Finding, Rule, Severity, rule_catalogue
from schema.checks import CHECKS, applicable_codes
from schema.dates import danish_date
from schema.field_values import Names, Value, as_text, field_labels, field_values
from schema.periods import areas_in, programme_facts, programmes_of
from schema.programme import FocusArea, Programme, ProgrammeVersion
from schema.project import (
    Benefit,
    FollowsInfrastructure,
    Project,
    ProjectModelGovernance,
    Scope,
    SmallProjectGovernance,
    Status,
)

COMPLIANCE_ORDER = ("error", "warning", "dispensed", "ok", "not-yet")
# The matrix's rule columns: every rule checked on a project, and the clean-up of dispensations after them.
MATRIX_CODES = (*CHECKS, "HP206")
ACTIVE_STATUSES = (Status.STARTUP, Status.EXECUTION, Status.BENEFITS, Status.PAUSED)
CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)


class Compliance(StrEnum):
    """A project's state against one rule, or against all of them."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    DISPENSED = "dispensed"  # broken, but a dispensation in force covers it: it passes
    NOT_YET = "not-yet"

    @property
    def label(self) -> str:
        """Danish text shown in badges and matrix cells (never colour alone)."""
        return _COMPLIANCE_TEXTS[self][0]

    @property
    def short_label(self) -> str:
        """A short Danish text for dense tables such as the compliance matrix."""
        return _COMPLIANCE_TEXTS[self][1]

    @property
    def symbol(self) -> str:
        """A glyph that carries the state beside its colour."""
        return _COMPLIANCE_TEXTS[self][2]

    @property
    def needs_action(self) -> bool:
        """An error or a warning: what the front page and the dashboards ask someone to do something about."""
        return self in (Compliance.ERROR, Compliance.WARNING)


_COMPLIANCE_TEXTS = {
    Compliance.OK: ("OK", "OK", "✓"),
    Compliance.WARNING: ("Advarsel", "Adv.", "!"),
    Compliance.ERROR: ("Fejl", "Fejl", "✗"),
    Compliance.DISPENSED: ("Dispenseret", "Disp.", "§"),
    Compliance.NOT_YET: ("Endnu ikke påkrævet", "–", "–"),
}


@dataclass(frozen=True)
class BenefitView:
    """One expected benefit with what is realised so far."""

    description: str
    owner: str
    realisation_date: dt.date
    expected_dkk: int | None
    realised_dkk: int | None
    realised_note: str | None
    overdue: bool


@dataclass(frozen=True)
class FindingView:
    """A finding as the site shows it."""

    code: str
    title: str
    severity: Severity
    message: str
    fix: str
    line: int | None
    action: str  # what needs doing, in plain words (the rule's action)


@dataclass(frozen=True)
class DispensedView:
    """A rule the project breaks under a dispensation in force, as the site shows it."""

    code: str
    title: str
    message: str
    reason: str
    granted_by: str
    granted_on: dt.date
    expires: dt.date


@dataclass
class ProjectView:
    """Everything a page shows about one project."""

    id: str
    path: str
    project: Project
    focus_areas: list[FocusArea]
    anchoring_name: str
    compliance: Compliance
    findings: list[FindingView]  # what needs doing: the findings no dispensation covers
    rule_states: dict[str, Compliance]
    benefits: list[BenefitView]
    dispensed: list[DispensedView] = field(default_factory=list)
    related_to: list[str] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)
    last_changed: dt.date | None = None
    events: list[Event] = field(default_factory=list)
    names: Names = field(default_factory=dict, repr=False)  # each id's name, by field

    @property
    def title(self) -> str:
        """The project's title."""
        return self.project.title

    @cached_property
    def fingerprint(self) -> tuple[object, ...]:
        """Everything the project's row and page show of it: equal fingerprints, equal output (generator/render.py)."""
        return (
            self.path,
            self.project.model_dump_json(),
            self.compliance,
            tuple(self.findings),
            tuple(self.dispensed),
            self.last_changed,
            tuple(self.related_to),
            tuple(self.referenced_by),
            tuple(self.events),
        )

    def field_value(self, path: str) -> Value:
        """One field as it reads (schema.field_values), ids shown by their names."""
        return self._field_values[path]

    def other_fields(self, shown: list[str]) -> list[tuple[str, str]]:
        """(label, text) of the filled-in fields a page does not show by itself (`shown`: paths or sections).

        So a field new to the model appears on the project page before any template names it.
        """
        labels = field_labels()
        return [
            (labels[path], as_text(value))
            for path, value in self._field_values.items()
            if value is not None and path.partition(".")[0] not in shown
        ]

    @cached_property
    def _field_values(self) -> dict[str, Value]:
        return {f.path: f.value for f in field_values(self.project, self.names)}

    @property
    def status_label(self) -> str:
        """The Danish status."""
        return self.project.status.label

    @property
    def status_order(self) -> int:
        """The status's place in the life cycle, for sorting."""
        return list(Status).index(self.project.status)

    @property
    def period(self) -> str:
        """Start and end the Danish way ('1. februar 2025 – 30. juni 2027'), or what is known of them."""
        start, end = self.project.start, self.project.end
        if start and end:
            return f"{danish_date(start)} – {danish_date(end)}"
        if start:
            return f"Fra {danish_date(start)}"
        return f"Til {danish_date(end)}" if end else "Ikke planlagt endnu"

    @property
    def compliance_order(self) -> int:
        """Errors first, then warnings, then compliant projects, for sorting."""
        return COMPLIANCE_ORDER.index(self.compliance)

    @property
    def tab(self) -> tuple[str, str]:
        """The list page the project belongs to, as (title, path from the site root): its breadcrumb's parent."""
        status = self.project.status
        if status is Status.IDEA:
            return ("Idébank", "handleplan/idebank/")
        if status.is_closed:
            return ("Afsluttede og stoppede", "handleplan/afsluttede/")
        return ("Handleplan", "handleplan/")

    @property
    def expected_dkk(self) -> int:
        """Expected benefits in DKK per year, summed."""
        return sum(b.expected_dkk or 0 for b in self.benefits)

    @property
    def realised_dkk(self) -> int:
        """Realised benefits in DKK per year, summed."""
        return sum(b.realised_dkk or 0 for b in self.benefits)

    @property
    def governance_label(self) -> str:
        """How the project is governed, in Danish."""
        governance = self.project.governance
        if isinstance(governance, SmallProjectGovernance):
            return "Lille projekt på alternativ model"
        if isinstance(governance, ProjectModelGovernance):
            return "Projektmodel med businesscase"
        return "Ikke angivet"

    @property
    def infrastructure_label(self) -> str:
        """The project's stance on the common-municipal infrastructure, in Danish."""
        infrastructure = self.project.infrastructure
        if infrastructure is None:
            return "Ikke angivet"
        if isinstance(infrastructure, FollowsInfrastructure):
            components = ", ".join(c.label for c in infrastructure.components)
            return f"Følger infrastrukturen ({components})" if components else "Følger infrastrukturen"
        return "Begrundet afvigelse"


@dataclass
class ActionGroup:
    """One thing to do (a rule's plain-words action) and the projects, with their findings, it concerns."""

    action: str
    severity: Severity
    entries: list[tuple[ProjectView, list[FindingView]]]


@dataclass(frozen=True)
class ProgrammeSummary:
    """One programme of the succession as the programme pages list it."""

    version: ProgrammeVersion
    state: str  # "current", "earlier" or "draft"
    projects: int  # how many projects' periods overlap it (none for a draft)
    successor: ProgrammeVersion | None  # the programme that follows it

    @property
    def state_label(self) -> str:
        """The state in Danish."""
        return {"current": "Gældende", "earlier": "Tidligere (arkiv)", "draft": "Kladde, ikke taget i brug"}[self.state]


@dataclass(frozen=True)
class RuleView:
    """A programme rule as the compliance page explains it."""

    rule: Rule
    checked_from: str
    broken_by: int


@dataclass(frozen=True)
class CprExceptionView:
    """A text reviewed as no CPR number, as the compliance page lists it."""

    text: str
    reviewed_by: str
    reviewed_on: dt.date


@dataclass(frozen=True)
class SiteData:
    """The whole portfolio, ready for the templates."""

    programme: Programme
    today: dt.date
    projects: list[ProjectView]
    by_id: dict[str, ProjectView]
    rules: list[RuleView]
    history_note: str
    history_available: bool = False
    events: list[Event] = field(default_factory=list)
    trend: Trend | None = None  # compliance month by month, from git; None without history

    @property
    def events_by_month(self) -> list[tuple[str, list[Event]]]:
        """The portfolio's history, month by month, newest first."""
        return events_by_month(self.events)

    @property
    def cpr_exceptions(self) -> list[CprExceptionView]:
        """The programme's reviewed exceptions to the CPR check, in the programme's order."""
        return [CprExceptionView(e.text, e.reviewed_by, e.reviewed_on) for e in self.programme.cpr_exceptions]

    def with_status(self, *statuses: Status) -> list[ProjectView]:
        """The projects with one of these statuses, in title order."""
        return [p for p in self.projects if p.project.status in statuses]

    def in_focus_area(self, area_id: str) -> list[ProjectView]:
        """The projects placed in this focus area, in title order."""
        return [p for p in self.projects if area_id in p.project.focus_areas]

    @cached_property
    def programme_facts(self) -> list[tuple[str, list[ProjectView]]]:
        """What the programme group should know about the programme periods, with the projects concerned."""
        facts = programme_facts(self.programme, ((v.id, v.project) for v in self.projects), self.today)
        return [(fact.text, [self.by_id[i] for i in fact.project_ids]) for fact in facts]

    @cached_property
    def programme_summaries(self) -> list[ProgrammeSummary]:
        """Every programme of the succession, the first first, with its state and how many projects belong to it."""
        summaries = []
        programmes = self.programme.programmes
        for index, version in enumerate(programmes):
            if version.draft:
                state, count = "draft", 0
            else:
                state = "current" if version is self.programme.current else "earlier"
                count = sum(1 for v in self.projects if version in programmes_of(v.project, self.programme))
            successor = programmes[index + 1] if index + 1 < len(programmes) else None
            summaries.append(ProgrammeSummary(version, state, count, successor))
        return summaries

    def archive_projects(self, version: ProgrammeVersion, area_id: str) -> list[ProjectView]:
        """The projects that belonged to an earlier programme in one of its focus areas, in title order."""
        return [
            v
            for v in self.projects
            if version in programmes_of(v.project, self.programme) and area_id in areas_in(v.project, version)
        ]

    def active_in_focus_area(self, area_id: str) -> list[ProjectView]:
        """The active projects placed in this focus area, in title order."""
        return [p for p in self.in_focus_area(area_id) if p.project.status in ACTIVE_STATUSES]

    @property
    def focus_area_summaries(self) -> list[tuple[FocusArea, int, int, int]]:
        """Each focus area with its number of projects, active projects and projects needing action."""
        summaries = []
        for area in self.programme.focus_areas_by_id.values():
            projects = self.in_focus_area(area.id)
            active = sum(1 for p in projects if p.project.status in ACTIVE_STATUSES)
            needing_action = sum(1 for p in projects if p.compliance.needs_action)
            summaries.append((area, len(projects), active, needing_action))
        return summaries

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """Every status with its number of projects, in life-cycle order."""
        counts = Counter(p.project.status for p in self.projects)
        return [(status.label, counts[status]) for status in Status]

    @property
    def status_tiles(self) -> list[tuple[Status, int, str]]:
        """Every status with its number of projects and the filtered table that lists them."""
        counts = Counter(p.project.status for p in self.projects)
        tiles = []
        for status in Status:
            if status is Status.IDEA:
                path = "handleplan/idebank/"
            elif status.is_closed:
                path = f"handleplan/afsluttede/?status={status.value}"
            else:
                path = f"handleplan/?status={status.value}"
            tiles.append((status, counts[status], path))
        return tiles

    @property
    def compliance_counts(self) -> list[tuple[Compliance, int]]:
        """How many projects are OK, have warnings or errors, and (when any) pass under a dispensation."""
        counts = Counter(p.compliance for p in self.projects)
        states = [Compliance.OK, Compliance.WARNING, Compliance.ERROR]
        if counts[Compliance.DISPENSED]:
            states.insert(1, Compliance.DISPENSED)
        return [(state, counts[state]) for state in states]

    @property
    def dispensations(self) -> list[tuple[ProjectView, DispensedView]]:
        """Every dispensation in force with its project, the soonest to expire first."""
        pairs = [(view, dispensed) for view in self.projects for dispensed in view.dispensed]
        return sorted(pairs, key=lambda pair: (pair[1].expires, pair[0].title.casefold(), pair[1].code))

    @property
    def recently_changed(self) -> list[ProjectView]:
        """Up to ten projects by the date their file last changed, newest first."""
        dated = [p for p in self.projects if p.last_changed]
        return sorted(dated, key=lambda p: (p.last_changed, p.id), reverse=True)[:10]

    @property
    def needing_action(self) -> list[ProjectView]:
        """Projects with an error or a warning: errors first, then by title."""
        return sorted((p for p in self.projects if p.findings), key=lambda p: p.compliance_order)

    @property
    def by_compliance(self) -> list[ProjectView]:
        """Every project, those with problems first, then by title."""
        return sorted(self.projects, key=lambda p: p.compliance_order)

    @property
    def action_groups(self) -> list[ActionGroup]:
        """What needs doing, each with the projects it concerns: error actions first, then the most common."""
        groups: dict[str, ActionGroup] = {}
        for view in self.projects:
            for found in view.findings:
                action = rule_catalogue()[found.code].action
                group = groups.setdefault(action, ActionGroup(action, found.severity, []))
                if found.severity is Severity.ERROR:
                    group.severity = Severity.ERROR
                entries = group.entries
                if entries and entries[-1][0] is view:
                    entries[-1][1].append(found)
                else:
                    entries.append((view, [found]))
        return sorted(groups.values(), key=lambda g: (g.severity is not Severity.ERROR, -len(g.entries), g.action))

    @property
    def benefit_totals(self) -> tuple[int, int]:
        """Expected and realised benefits in DKK per year over the whole portfolio."""
        return sum(p.expected_dkk for p in self.projects), sum(p.realised_dkk for p in self.projects)

    @property
    def todo_by_lead(self) -> list[tuple[str, list[ProjectView]]]:
        """Project leads with their projects that need action, by lead name."""
        grouped: dict[str, list[ProjectView]] = defaultdict(list)
        for view in self.projects:
            if view.findings:
                grouped[view.project.lead.name].append(view)
        return sorted(grouped.items())

    def grouped_by_initiative(self) -> list[tuple[str, str, list[ProjectView]]]:
        """Common projects by initiative (name, body, projects), then local ones."""
        grouped: dict[tuple[str, str], list[ProjectView]] = defaultdict(list)
        for view in self.with_status(*ACTIVE_STATUSES):
            initiative = view.project.common_initiative
            if view.project.scope is Scope.COMMON and initiative is not None:
                grouped[(initiative.name, initiative.body)].append(view)
        return [(name, body, views) for (name, body), views in sorted(grouped.items())]

    def grouped_by_anchoring(self) -> list[tuple[str, list[ProjectView]]]:
        """Active projects by anchoring, in the programme's order of departments."""
        active = self.with_status(*ACTIVE_STATUSES)
        groups = []
        for anchoring_id, name in self.programme.anchorings.items():
            views = [v for v in active if v.project.anchoring == anchoring_id]
            if views:
                groups.append((name, views))
        return groups


@dataclass(frozen=True)
class HistoryViews:
    """What the site tells from git: the events and the compliance trend. The slow part, with history."""

    events: list[Event]
    trend: Trend | None


def history_views(portfolio: Portfolio, today: dt.date, history: History) -> HistoryViews:
    """The events and the trend; one checker for both, so each committed version is read once."""
    assert portfolio.programme is not None
    checker = VersionChecker()
    if history.changes:
        checker.know(portfolio)
    ids = {f.project_id for f in portfolio.project_files if f.project is not None and f.project_id}
    events = history_events(history.changes, portfolio.programme, ids, checker)
    return HistoryViews(events, compliance_trend(portfolio, history, today, checker))


def build_site_data(
    portfolio: Portfolio,
    today: dt.date,
    history: History | None = None,
    told: HistoryViews | None = None,
) -> SiteData:
    """Compute every view from a portfolio whose programme could be read.

    `told`: the history's events and trend computed before (the live preview keeps them between saves).
    """
    if portfolio.programme is None:
        raise ValueError("the programme has errors; validate before building views")
    programme = portfolio.programme
    history = history or History()
    files = sorted(
        (f for f in portfolio.project_files if f.project is not None and f.project_id),
        key=lambda f: (f.project.title.casefold() if f.project else "", f.project_id or ""),
    )
    views = [_project_view(f, programme, today, history.last_changed.get(f.project_id or "")) for f in files]
    by_id = {view.id: view for view in views}
    for view in views:
        view.related_to = [r for r in view.project.related if r in by_id]
        for related in view.related_to:
            if view.id not in by_id[related].referenced_by:
                by_id[related].referenced_by.append(view.id)
    told = told or history_views(portfolio, today, history)
    events = told.events
    for project_id, project_events in events_by_project(events).items():
        if project_id in by_id:
            by_id[project_id].events = project_events
    rules = [
        RuleView(
            rule=rule_catalogue()[code],
            checked_from="Fra opstart" if rule_catalogue()[code].applies_to is AppliesTo.PAST_IDEA else "Altid",
            broken_by=sum(1 for v in views if v.rule_states.get(code) in (Compliance.WARNING, Compliance.ERROR)),
        )
        for code in MATRIX_CODES
    ]
    return SiteData(programme, today, views, by_id, rules, history.note, history.available, events, told.trend)


def _project_view(checked: CheckedFile, programme: Programme, today: dt.date, changed: dt.date | None) -> ProjectView:
    project = checked.project
    assert project is not None and checked.project_id is not None
    areas = programme.adopted_focus_areas  # a closed project's areas may be an earlier programme's
    return ProjectView(
        id=checked.project_id,
        path=checked.path,
        project=project,
        focus_areas=[areas[a][1] for a in project.focus_areas if a in areas],
        anchoring_name=programme.anchorings.get(project.anchoring, project.anchoring),
        compliance=_overall(checked.findings),
        findings=[
            FindingView(f.code, f.rule.title, f.severity, f.message, f.fix, f.line, f.rule.action)
            for f in checked.findings
            if f.waiver is None
        ],
        rule_states=_rule_states(project, checked.findings),
        benefits=_benefits(project, today),
        dispensed=[
            DispensedView(
                f.code,
                f.rule.title,
                f.message,
                f.waiver.reason,
                f.waiver.granted_by,
                f.waiver.granted_on,
                f.waiver.expires,
            )
            for f in checked.findings
            if f.waiver is not None
        ],
        last_changed=changed,
        names=programme.names_by_field,
    )


def _overall(findings: tuple[Finding, ...]) -> Compliance:
    severities = {f.severity for f in findings if f.waiver is None}
    if Severity.ERROR in severities:
        return Compliance.ERROR
    if Severity.WARNING in severities:
        return Compliance.WARNING
    return Compliance.DISPENSED if findings else Compliance.OK


def _rule_states(project: Project, findings: tuple[Finding, ...]) -> dict[str, Compliance]:
    applicable = {*applicable_codes(project.status), "HP206"}
    worst: dict[str, Compliance] = {}
    for found in findings:
        if found.waiver is not None:
            state = Compliance.DISPENSED
        else:
            state = Compliance.ERROR if found.severity is Severity.ERROR else Compliance.WARNING
        if COMPLIANCE_ORDER.index(state) < COMPLIANCE_ORDER.index(worst.get(found.code, Compliance.OK)):
            worst[found.code] = state
    return {code: worst.get(code, Compliance.OK if code in applicable else Compliance.NOT_YET) for code in MATRIX_CODES}


def _benefits(project: Project, today: dt.date) -> list[BenefitView]:
    governance = project.governance
    if not isinstance(governance, ProjectModelGovernance) or governance.business_case is None:
        return []
    return [_benefit_view(b, today) for b in governance.business_case.benefits]


def _benefit_view(benefit: Benefit, today: dt.date) -> BenefitView:
    return BenefitView(
        description=benefit.description,
        owner=benefit.owner,
        realisation_date=benefit.realisation_date,
        expected_dkk=benefit.amount_dkk_per_year,
        realised_dkk=benefit.realised_dkk_per_year,
        realised_note=benefit.realised_note,
        overdue=benefit.realisation_date < today and not benefit.has_realised_value,
    )
