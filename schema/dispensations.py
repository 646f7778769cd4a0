"""Dispensations: the programme or steering group lets a project deviate from one rule for a while.

A dispensation in force turns the findings of its rule into waived findings, which are
shown as "dispenseret" and pass. It cannot cover the file's own rules (HP0xx, the CPR
rule among them), and for a rule that gives errors it lasts at most twelve months. One
that has expired, has not begun or covers nothing is a warning to clean it up (HP206).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from schema.catalogue import Finding, Severity, Waiver, finding, rule_catalogue
from schema.dates import danish_date, months_before
from schema.errors import FieldUnavailable
from schema.project import Dispensation, Project

MAX_MONTHS_FOR_AN_ERROR_RULE = 12


def dispensation_problem(dispensation: Dispensation) -> tuple[str, str] | None:
    """The field at fault and why the dispensation can never be used, in Danish; None when it can."""
    rule = rule_catalogue().get(dispensation.rule)
    if rule is None:
        return "rule", "reglen findes ikke. Regellisten i Vejledningen viser kodene."
    if dispensation.rule == "HP007":
        return "rule", "der kan ikke dispenseres fra CPR-reglen. Et CPR-nummer må aldrig stå i en projektfil."
    if not rule.can_be_dispensed:
        return "rule", f"'{rule.title}' er en regel om selve filen eller om dispensationer; den kan ikke dispenseres."
    if dispensation.expires < dispensation.granted_on:
        given = danish_date(dispensation.granted_on)
        return "expires", f"den udløber {danish_date(dispensation.expires)}, før den er givet ({given})."
    latest = latest_expiry(dispensation)
    if rule.severity is Severity.ERROR and dispensation.expires > latest:
        return "expires", (
            f"den gælder til {danish_date(dispensation.expires)}, men en dispensation fra en regel, der giver "
            f"fejl, gælder højst {MAX_MONTHS_FOR_AN_ERROR_RULE} måneder, her til og med {danish_date(latest)}."
        )
    return None


def latest_expiry(dispensation: Dispensation) -> dt.date:
    """The last day a dispensation from a rule that gives errors may run to."""
    return months_before(dispensation.granted_on, -MAX_MONTHS_FOR_AN_ERROR_RULE)


def invalid_dispensations(project: Project) -> Iterator[Finding]:
    """HP115 for each dispensation that can never be used."""
    for index, dispensation in enumerate(project.dispensations):
        problem = dispensation_problem(dispensation)
        if problem is not None:
            key, detail = problem
            yield finding("HP115", ("dispensations", index, key), value=dispensation.rule, detail=detail)


def apply_dispensations(project: Project, found: list[Finding], today: dt.date) -> list[Finding]:
    """The findings with those of a dispensed rule waived, and HP206 for each dispensation to clean up."""
    try:
        dispensations = project.dispensations
    except FieldUnavailable:
        return found
    if not dispensations:
        return found
    usable = [(i, d) for i, d in enumerate(dispensations) if dispensation_problem(d) is None]
    in_force: dict[str, Dispensation] = {}
    for _, dispensation in usable:
        if dispensation.in_force(today):
            current = in_force.get(dispensation.rule)
            if current is None or dispensation.expires > current.expires:
                in_force[dispensation.rule] = dispensation
    fired = {f.code for f in found}
    result = [_waived(f, in_force[f.code]) if f.code in in_force else f for f in found]
    for index, dispensation in usable:
        detail = _cleanup(dispensation, today, dispensation.rule in fired)
        if detail is not None:
            title = rule_catalogue()[dispensation.rule].title
            result.append(
                finding("HP206", ("dispensations", index), value=dispensation.rule, title=title, detail=detail)
            )
    return result


def _cleanup(dispensation: Dispensation, today: dt.date, rule_fires: bool) -> str | None:
    if dispensation.expires < today:
        again = " Reglen gælder igen." if rule_fires else ""
        return f"udløb {danish_date(dispensation.expires)}.{again}"
    if dispensation.granted_on > today:
        return f"gælder først fra {danish_date(dispensation.granted_on)}; indtil da gælder reglen."
    if not rule_fires:
        return "dækker ikke noget: reglen melder ikke noget på projektet nu."
    return None


def _waived(found: Finding, dispensation: Dispensation) -> Finding:
    waiver = Waiver(
        granted_by=dispensation.granted_by.label,
        granted_on=dispensation.granted_on,
        expires=dispensation.expires,
        reason=dispensation.reason,
    )
    return replace(found, waiver=waiver)
