"""`handleplan new`: asks, in Danish, for what a project needs; every question is also an option."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.cli_common import DAY, DanishCommand, day_of, handle_errors, today_option
from generator.errors import InvalidProgramme
from generator.new_project import NewProject, Person, Signoff, create_project, project_id_from_title
from generator.portfolio import load_programme
from schema.checks import SIGNOFF_ROLES
from schema.common import SLUG_MAX_LENGTH, SLUG_PATTERN
from schema.programme import Programme
from schema.project import STATUS_LABELS, InfrastructureComponent, Scope, Status

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = DAY


def _email(value: str) -> str:
    if not _EMAIL.match(value.strip()):
        raise click.BadParameter("skriv en e-mailadresse, fx navn@norddjurs.dk")
    return value.strip()


def _slug(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise click.BadParameter("brug små bogstaver a-z, tal og bindestreger, fx digital-pladsanvisning")
    if len(value) > SLUG_MAX_LENGTH:
        raise click.BadParameter(f"højst {SLUG_MAX_LENGTH} tegn; id'et bliver til filnavnet og adressen på intranettet")
    return value


def _not_empty(value: str) -> str:
    if not value.strip():
        raise click.BadParameter("må ikke være tom")
    return value.strip()


def _ask(value: Any, text: str, **prompt: Any) -> Any:
    """The option's value if given, else the answer to a Danish prompt."""
    return value if value is not None else click.prompt(text, **prompt)


def _ask_checked(value: Any, text: str, check: Callable[[str], Any], **prompt: Any) -> Any:
    """Like _ask, re-asking until the answer passes `check` (options are checked once)."""
    if value is not None:
        try:
            return check(value)
        except click.BadParameter as error:
            raise click.UsageError(f"{text}: {error.message}") from None
    return click.prompt(text, value_proc=check, **prompt)


def _numbered_choice(title: str, choices: dict[str, str], *, multiple: bool) -> list[str]:
    """Show numbered choices and read one number, or several separated by commas."""
    keys = list(choices)
    click.echo(title)
    for number, key in enumerate(keys, start=1):
        click.echo(f"  {number}. {choices[key]} ({key})")

    def parse(answer: str) -> list[str]:
        picked = []
        for part in re.split(r"[,\s]+", answer.strip()):
            if part.isdigit() and 1 <= int(part) <= len(keys):
                picked.append(keys[int(part) - 1])
            elif part in choices:
                picked.append(part)
            elif part:
                raise click.BadParameter(f"'{part}' er ikke et af numrene 1-{len(keys)}")
        if not picked or (not multiple and len(picked) > 1):
            raise click.BadParameter("vælg ét nummer" if not multiple else "vælg mindst ét nummer")
        return list(dict.fromkeys(picked))

    result: list[str] = click.prompt("Vælg numre adskilt af komma" if multiple else "Vælg et nummer", value_proc=parse)
    return result


def _choose(given: tuple[str, ...] | str | None, title: str, choices: dict[str, str], multiple: bool) -> list[str]:
    if given:
        values = list(given) if isinstance(given, tuple) else [given]
        unknown = [v for v in values if v not in choices]
        if unknown:
            raise click.UsageError(f"{title}: ukendt værdi {', '.join(unknown)}; mulige: {', '.join(choices)}")
        return values
    return _numbered_choice(title, choices, multiple=multiple)


def _programme(root: Path) -> Programme:
    programme_file, programme = load_programme(root)
    if programme is None:
        raise InvalidProgramme(errors=len(programme_file.errors))
    return programme


@click.command("new", cls=DanishCommand)
@click.option("--title", help="Projektets navn.")
@click.option("--id", "project_id", help="Filnavnet uden .yaml; standard dannes af titlen.")
@click.option("--summary", help="Kort beskrivelse af projektet.")
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Status; standard er idea.")
@click.option("--focus-area", "focus_areas", multiple=True, help="Fokusområdets id; kan gentages.")
@click.option("--scope", type=click.Choice([s.value for s in Scope]), help="local eller common.")
@click.option("--initiative", help="Fælleskommunalt initiativ (ved scope common).")
@click.option("--initiative-body", help="Organisationen bag initiativet, fx KOMBIT.")
@click.option("--initiative-url", help="Link til initiativet.")
@click.option("--anchoring", help="Det centrale team eller et fagområde (id).")
@click.option("--owner-name", help="Projektejerens navn.")
@click.option("--owner-email", help="Projektejerens e-mail.")
@click.option("--lead-name", help="Projektlederens navn.")
@click.option("--lead-email", help="Projektlederens e-mail.")
@click.option("--start", type=_DATE, help="Planlagt start (ÅÅÅÅ-MM-DD).")
@click.option("--end", type=_DATE, help="Planlagt slut (ÅÅÅÅ-MM-DD).")
@click.option("--dpo-name", help="Databeskyttelsesrådgiveren, der har godkendt.")
@click.option("--dpo-date", type=_DATE, help="Dato for databeskyttelsesrådgiverens godkendelse.")
@click.option("--security-name", help="Informationssikkerhedskoordinatoren, der har godkendt.")
@click.option("--security-date", type=_DATE, help="Dato for informationssikkerhedskoordinatorens godkendelse.")
@click.option("--it-name", help="Den i IT og Digitalisering, der har godkendt.")
@click.option("--it-date", type=_DATE, help="Dato for IT og Digitaliserings godkendelse.")
@click.option("--small-project-reason", help="Et lille projekt på alternativ model: begrundelsen.")
@click.option("--business-case", help="Businesscasens reference (sagsnummer eller link).")
@click.option("--benefit", help="Den vigtigste forventede gevinst.")
@click.option(
    "--benefit-amount", type=click.IntRange(min=0), help="Gevinstens beløb i kr. pr. år (udelad for kvalitativ)."
)
@click.option("--benefit-owner", help="Gevinstejeren.")
@click.option("--benefit-date", type=_DATE, help="Hvornår gevinsten skal være realiseret.")
@click.option("--component", "components", multiple=True, help="Komponent i den fælleskommunale infrastruktur.")
@click.option("--deviation", help="Begrundet afvigelse fra den fælleskommunale infrastruktur.")
@today_option
@click.pass_obj
@handle_errors
def new_command(root: Path, /, **answers: Any) -> None:
    """Opret et nyt projekt: spørger om det nødvendige og skriver projects/<id>.yaml.

    Alle spørgsmål kan også gives som tilvalg, så kommandoen kan bruges i scripts.
    Filen tjekkes, før den skrives, og et eksisterende projekt overskrives aldrig.

    Eksempel: handleplan new --title "Digital pladsanvisning" --status idea
    """
    programme = _programme(root)
    title = _ask_checked(answers["title"], "Projektets navn", _not_empty)
    project_id = _ask_checked(answers["project_id"] or project_id_from_title(title), "Id", _slug)
    summary = _ask_checked(answers["summary"], "Kort beskrivelse (formål og målgruppe)", _not_empty)
    status_labels = {s.value: label for s, label in STATUS_LABELS.items()}
    status = answers["status"] or _choose(None, "Status", status_labels, multiple=False)[0]
    areas = {a.id: f"{a.number}. {a.title}" for a in programme.focus_areas_by_id.values()}
    focus_areas = _choose(answers["focus_areas"], "Fokusområder", areas, multiple=True)
    scope = answers["scope"] or _choose(None, "Omfang", {s.value: s.label for s in Scope}, multiple=False)[0]
    initiative = None
    if scope == Scope.COMMON.value:
        initiative = (
            _ask_checked(answers["initiative"], "Fælleskommunalt initiativ", _not_empty),
            _ask_checked(answers["initiative_body"], "Organisationen bag (fx KL, KOMBIT)", _not_empty),
            _ask_checked(answers["initiative_url"], "Link til initiativet (https://…)", _not_empty),
        )
    anchoring = _choose(answers["anchoring"], "Forankring", programme.anchorings, multiple=False)[0]
    owner = Person(
        _ask_checked(answers["owner_name"], "Projektejerens navn", _not_empty),
        _ask_checked(answers["owner_email"], "Projektejerens e-mail", _email),
    )
    lead = Person(
        _ask_checked(answers["lead_name"], "Projektlederens navn", _not_empty),
        _ask_checked(answers["lead_email"], "Projektlederens e-mail", _email),
    )
    start = _ask(answers["start"], "Planlagt start (ÅÅÅÅ-MM-DD)", type=_DATE)
    end = _ask(answers["end"], "Planlagt slut (ÅÅÅÅ-MM-DD)", type=_DATE)
    new = NewProject(title, summary, status, focus_areas, scope, anchoring, owner, lead, start, end)
    new.initiative = initiative
    if status != Status.IDEA.value:
        _ask_start_up(new, answers)
    path = create_project(root, project_id, new, day_of(answers["today"]))
    click.echo(f"Oprettede {path}. Udfyld det, der står som TODO, og opret en pull request.")


def _ask_start_up(new: NewProject, answers: dict[str, Any]) -> None:
    """What the programme requires once a project has left the idea bank."""
    click.echo("Projektet er ud over idéfasen: programmet kræver godkendelser, styring og infrastruktur.")
    for key, role in SIGNOFF_ROLES.items():
        name = _ask_checked(answers[f"{key}_name"], f"Godkendt af {role} (navn)", _not_empty)
        date = _ask(answers[f"{key}_date"], f"Dato for godkendelsen fra {role} (ÅÅÅÅ-MM-DD)", type=_DATE)
        new.signoffs[key] = Signoff(name, date)
    reason = answers["small_project_reason"]
    reference = answers["business_case"]
    if reason is None and reference is None:
        small = click.confirm("Er det et lille projekt på en alternativ model (uden businesscase)?", default=False)
        if small:
            reason = _ask_checked(None, "Begrundelse for den alternative model", _not_empty)
    if reason is not None:
        new.small_project_reason = reason
    else:
        new.business_case = (
            _ask_checked(reference, "Businesscasens reference (sagsnummer eller link)", _not_empty),
            _ask_checked(answers["benefit"], "Den vigtigste forventede gevinst", _not_empty),
            answers["benefit_amount"]
            if answers["benefit_amount"] is not None or answers["benefit"] is not None
            else click.prompt("Beløb i kr. pr. år (0 for en kvalitativ gevinst)", type=click.IntRange(min=0)) or None,
            _ask_checked(answers["benefit_owner"], "Gevinstejer", _not_empty),
            _ask(answers["benefit_date"], "Gevinsten realiseres senest (ÅÅÅÅ-MM-DD)", type=_DATE),
        )
    components = {c.value: c.label for c in InfrastructureComponent}
    if answers["deviation"]:
        new.infrastructure_deviation = answers["deviation"]
    elif answers["components"]:
        new.infrastructure_components = _choose(answers["components"], "Komponenter", components, multiple=True)
    elif click.confirm("Følger projektet den fælleskommunale infrastruktur?", default=True):
        new.infrastructure_components = _choose(None, "Hvilke komponenter bruges", components, multiple=True)
    else:
        new.infrastructure_deviation = _ask_checked(None, "Begrundelse for afvigelsen", _not_empty)
