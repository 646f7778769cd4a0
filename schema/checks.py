"""The programme's rules, checked on a project that already has the right shape.

Each check is registered under its catalogue code. Checks whose rule applies
`past_idea` are skipped for ideas: for them the rule is "not yet required".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from typing import Any

from schema.catalogue import AppliesTo, Finding, finding, rule_catalogue
from schema.choices import suggest
from schema.dates import danish_date, months_before
from schema.dispensations import apply_dispensations, invalid_dispensations
from schema.errors import FieldUnavailable
from schema.programme import Programme
from schema.project import Project, ProjectModelGovernance, Scope, Status

SIGNOFF_ROLES: dict[str, str] = {
    "dpo": "databeskyttelsesrådgiveren",
    "security": "informationssikkerhedskoordinatoren",
    "it": "IT og Digitalisering",
}

CONSIDERATION_TOPICS: dict[str, str] = {
    "citizens": "borgerinddragelse og samskabelse",
    "coherence": "sammenhæng med andre digitale løsninger",
    "climate": "klima og ressourcer",
}


@dataclass(frozen=True)
class CheckContext:
    """What a check needs to know beyond the project itself.

    `last_changed` is when git last saw the project's file change, if known.
    """

    programme: Programme
    today: dt.date
    project_ids: frozenset[str]
    last_changed: dt.date | None = None
    # Each project id's title, read only when a related id is unknown (a lead may have written the title).
    project_titles: Callable[[], Mapping[str, str]] = field(default=lambda: {}, compare=False)


Check = Callable[[Project, CheckContext], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def _check(code: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        assert code in rule_catalogue(), f"{code} is not in rules.yaml"
        CHECKS[code] = function
        return function

    return register


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A Danish " Mente du 'x'?" hint, or an empty string when nothing is close."""
    matches = get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Mente du '{matches[0]}'?" if matches else ""


@cache
def applicable_codes(status: Status) -> tuple[str, ...]:
    """The codes of the registered checks that apply to a project with this status."""
    return tuple(
        code for code in CHECKS if status.is_past_idea or rule_catalogue()[code].applies_to is not AppliesTo.PAST_IDEA
    )


def check_project(project: Project, context: CheckContext) -> list[Finding]:
    """Every finding of every rule that applies to this project.

    On a partly read project (schema.partial), a rule that needs a part with a
    shape error is skipped: the shape error is that part's finding. Without a
    readable status, only the rules for every status are checked.
    """
    try:
        codes = applicable_codes(project.status)
    except FieldUnavailable:
        codes = applicable_codes(Status.IDEA)
    found: list[Finding] = []
    for code in codes:
        try:
            found.extend(CHECKS[code](project, context))  # extend keeps what a rule found before it stopped
        except FieldUnavailable:
            continue
    return apply_dispensations(project, found, context.today)


def _present(owner: object, keys: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) for each key of a section that could be read."""
    for key in keys:
        try:
            yield key, getattr(owner, key)
        except FieldUnavailable:
            continue


@_check("HP101")
def _has_focus_area(project: Project, context: CheckContext) -> Iterator[Finding]:
    if not project.focus_areas:
        yield finding("HP101", ("focus_areas",))


@_check("HP102")
def _focus_areas_known(project: Project, context: CheckContext) -> Iterator[Finding]:
    programme = context.programme
    # Any adopted programme's area is known: a closed project keeps those it had; HP116 moves an active one on.
    for index, area in enumerate(project.focus_areas):
        if area not in programme.adopted_focus_areas:
            hint = suggest(area, programme.focus_area_choices)
            yield finding("HP102", ("focus_areas", index), value=area, hint=hint)
    earlier = {version.id: version for version in programme.earlier}
    for programme_id, areas in project.earlier_focus_areas.items():
        version = earlier.get(programme_id)
        if version is None:
            names = ", ".join(f"'{i}'" for i in earlier) or "ingen"
            hint = f" Nøglen under earlier_focus_areas skal være id'et på et tidligere program: {names}."
            yield finding("HP102", ("earlier_focus_areas", programme_id), at_key=True, value=programme_id, hint=hint)
            continue
        for index, area in enumerate(areas):
            if area not in version.focus_areas_by_id:
                hint = suggest(area, version.focus_area_choices)
                yield finding("HP102", ("earlier_focus_areas", programme_id, index), value=area, hint=hint)


@_check("HP116")
def _focus_areas_current(project: Project, context: CheckContext) -> Iterator[Finding]:
    programme = context.programme
    if _is_closed(project) or not programme.earlier:
        return
    for index, area in enumerate(project.focus_areas):
        if area in programme.focus_areas_by_id or area not in programme.adopted_focus_areas:
            continue
        version, _ = programme.adopted_focus_areas[area]
        yield finding(
            "HP116",
            ("focus_areas", index),
            value=area,
            programme=version.name,
            current=programme.current.name,
            hint=_successor_hint(programme, area),
        )


def _successor_hint(programme: Programme, area: str) -> str:
    names = programme.names_by_field["focus_areas"]
    successors = [f"'{a}' ({names[a]})" for a in programme.successors_of(area)]
    if len(successors) == 1:
        return f" Mente du {successors[0]}?"
    if successors:
        return f" Det svarer til et eller flere af: {', '.join(successors)}; vælg dem, der passer."
    return ""


def _is_closed(project: Project) -> bool:
    try:
        return project.status.is_closed
    except FieldUnavailable:
        return False


@_check("HP103")
def _anchoring_known(project: Project, context: CheckContext) -> Iterator[Finding]:
    known = context.programme.anchorings
    if project.anchoring not in known:
        value = project.anchoring
        yield finding("HP103", ("anchoring",), value=value, hint=suggest(value, context.programme.anchoring_choices))


@_check("HP104")
def _signoffs_present(project: Project, context: CheckContext) -> Iterator[Finding]:
    for key, signoff in _present(project.signoffs, SIGNOFF_ROLES):
        if signoff is None:
            yield finding("HP104", ("signoffs", key), role=SIGNOFF_ROLES[key], key=key)


@_check("HP105")
def _signoffs_not_in_future(project: Project, context: CheckContext) -> Iterator[Finding]:
    for key, signoff in _present(project.signoffs, SIGNOFF_ROLES):
        if signoff is not None and signoff.date > context.today:
            yield finding("HP105", ("signoffs", key, "date"), role=SIGNOFF_ROLES[key], date=danish_date(signoff.date))


@_check("HP106")
def _end_after_start(project: Project, context: CheckContext) -> Iterator[Finding]:
    if project.start and project.end and project.end < project.start:
        yield finding("HP106", ("end",), start=danish_date(project.start), end=danish_date(project.end))


@_check("HP107")
def _common_has_initiative(project: Project, context: CheckContext) -> Iterator[Finding]:
    if project.scope is Scope.COMMON and project.common_initiative is None:
        yield finding("HP107", ("scope",))


@_check("HP108")
def _has_governance(project: Project, context: CheckContext) -> Iterator[Finding]:
    governance = project.governance
    if governance is None:
        yield finding("HP108", ("governance",))
    elif isinstance(governance, ProjectModelGovernance) and governance.business_case is None:
        yield finding("HP108", ("governance", "business_case"))


@_check("HP109")
def _has_infrastructure_stance(project: Project, context: CheckContext) -> Iterator[Finding]:
    if project.infrastructure is None:
        yield finding("HP109", ("infrastructure",))


@_check("HP110")
def _related_exist(project: Project, context: CheckContext) -> Iterator[Finding]:
    for index, related in enumerate(project.related):
        if related not in context.project_ids:
            yield finding(
                "HP110",
                ("related", index),
                value=related,
                hint=suggest(related, _project_choices(context)),
            )


@_check("HP112")
def _not_related_exist(project: Project, context: CheckContext) -> Iterator[Finding]:
    for index, marker in enumerate(project.not_related):
        if marker.project not in context.project_ids:
            hint = suggest(marker.project, _project_choices(context))
            yield finding("HP112", ("not_related", index, "project"), value=marker.project, hint=hint)


def _project_choices(context: CheckContext) -> dict[str, list[str]]:
    titles = context.project_titles()
    return {project_id: [titles[project_id]] if project_id in titles else [] for project_id in context.project_ids}


@_check("HP111")
def _local_has_no_initiative(project: Project, context: CheckContext) -> Iterator[Finding]:
    if project.scope is Scope.LOCAL and project.common_initiative is not None:
        yield finding("HP111", ("common_initiative",), at_key=True)


@_check("HP201")
def _considerations_present(project: Project, context: CheckContext) -> Iterator[Finding]:
    for key, value in _present(project.considerations, CONSIDERATION_TOPICS):
        if value is None:
            yield finding("HP201", ("considerations", key), topic=CONSIDERATION_TOPICS[key], key=key)


@_check("HP202")
def _has_kle(project: Project, context: CheckContext) -> Iterator[Finding]:
    if not project.kle:
        yield finding("HP202", ("kle",))


@_check("HP203")
def _not_overdue(project: Project, context: CheckContext) -> Iterator[Finding]:
    if project.end and project.end < context.today and not project.status.is_closed:
        yield finding("HP203", ("end",), end=danish_date(project.end), status=project.status.label)


@_check("HP204")
def _benefits_followed_up(project: Project, context: CheckContext) -> Iterator[Finding]:
    governance = project.governance
    if not isinstance(governance, ProjectModelGovernance) or governance.business_case is None:
        return
    if project.status in (Status.IDEA, Status.CANCELLED):
        return
    for index, benefit in enumerate(governance.business_case.benefits):
        if benefit.realisation_date < context.today and not benefit.has_realised_value:
            yield finding(
                "HP204",
                ("governance", "business_case", "benefits", index),
                benefit=benefit.description,
                date=danish_date(benefit.realisation_date),
            )


@_check("HP205")
def _not_stale(project: Project, context: CheckContext) -> Iterator[Finding]:
    if context.last_changed is None or not project.status.is_active:
        return
    months = context.programme.stale_after_months
    if context.last_changed < months_before(context.today, months):
        yield finding("HP205", (), date=danish_date(context.last_changed), months=months)


@_check("HP115")
def _dispensations_usable(project: Project, context: CheckContext) -> Iterator[Finding]:
    yield from invalid_dispensations(project)
