"""`handleplan new`: asks, in Danish, for what a project needs; every question is also an option.

The questions are the model's own field titles and descriptions, so they say what
the guide and the editor say. An option that is given is not asked; start and end
dates and the start-up requirements are asked only once a project is past the idea.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

import click
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.cli_common import AMOUNT, DAY, DanishCommand, OneOf, day_of, handle_errors, today_option
from generator.click_danish import confirm
from generator.errors import ProjectExists
from generator.new_project import project_id_from_title, write_new_project
from generator.portfolio import PROJECT_SUFFIX, PROJECTS_DIR, usable_programme
from schema.choices import Choices, labelled, match, suggest
from schema.common import SLUG_MAX_LENGTH, SLUG_PATTERN
from schema.programme import Programme
from schema.project import (
    COMPONENT_LABELS,
    STATUS_LABELS,
    FollowsInfrastructure,
    Project,
    Scope,
    Signoffs,
    SmallProjectGovernance,
    Status,
)
from schema.typing_tools import flatten, is_model

STATUSES = labelled({status.value: label for status, label in STATUS_LABELS.items()})
SCOPES = labelled({scope.value: scope.label for scope in Scope})
COMPONENTS = labelled({component.value: label for component, label in COMPONENT_LABELS.items()})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBERED = re.compile(r"^\s*\d+\s*[.)]\s")


def field_info(path: str) -> list[FieldInfo]:
    """The fields along a dotted path of the Project model ('owner.name'), through sections, lists and alternatives."""
    model: type[BaseModel] | None = Project
    infos = []
    for key in path.split("."):
        if model is None or key not in model.model_fields:
            raise KeyError(path)
        info = model.model_fields[key]
        infos.append(info)
        kinds = flatten(info.annotation)
        kinds += [item for kind in kinds if get_origin(kind) is list for item in flatten(get_args(kind)[0])]
        models = [kind for kind in kinds if is_model(kind)]
        rest = path.split(".")[len(infos) :]
        model = next((m for m in models if rest and rest[0] in m.model_fields), models[0] if models else None)
    return infos


def question(path: str) -> str:
    """The question for a field: its title, with its section's where the title alone is not enough."""
    titles = [info.title or "" for info in field_info(path)]
    own = titles[-1]
    if len(titles) == 1:
        return own
    section = titles[-2]
    if own.lower() in section.lower() or section.lower() in own.lower():
        return max(own, section, key=len)
    return f"{section}: {own[0].lower()}{own[1:]}"


def explanation(path: str) -> str:
    """What the model says a field is."""
    return field_info(path)[-1].description or ""


def _option_help(path: str, extra: str = "") -> str:
    return f"{question(path)}. {explanation(path)}{extra}".replace("..", ".")


def _not_empty(value: str) -> str:
    if not value.strip():
        raise click.BadParameter("skriv noget; feltet må ikke være tomt")
    return value.strip()


def _slug(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise click.BadParameter("brug små bogstaver a-z, tal og bindestreger, fx digital-pladsanvisning")
    if len(value) > SLUG_MAX_LENGTH:
        raise click.BadParameter(f"højst {SLUG_MAX_LENGTH} tegn; id'et bliver til filnavnet og adressen på intranettet")
    return value


def _url(value: str) -> str:
    if not re.match(r"^https?://\S+$", value.strip()):
        raise click.BadParameter("skriv en webadresse, der begynder med https://")
    return value.strip()


class Questions:
    """The answers: from an option when it is given, else from a question in Danish."""

    def __init__(self, answers: dict[str, Any], programme: Programme) -> None:
        self.answers = answers
        self.programme = programme
        self.context = click.get_current_context()

    def given(self, name: str) -> bool:
        """True when the option `name` was given."""
        return self.answers[name] not in (None, ())

    def _checked(self, name: str, check: Callable[[Any], Any]) -> Any:
        """The option's value through `check`; a refusal names the option, as click's own errors do."""
        try:
            return check(self.answers[name])
        except click.BadParameter as error:
            param = next(p for p in self.context.command.params if p.name == name)
            raise click.BadParameter(error.message, ctx=self.context, param=param) from None

    def text(self, name: str, path: str, check: Callable[[str], Any] = _not_empty, hint: str = "") -> Any:
        """A text answer for the field at `path`."""
        if self.given(name):
            return self._checked(name, check)
        # An empty answer reaches the check (click would ask again without a word), which says why.
        return self._ask(path, f"{question(path)}{hint}", value_proc=check, default="", show_default=False)

    def email(self, name: str, path: str) -> str:
        """An e-mail address, with the municipality's own domain as the example."""
        example = self.programme.example_email
        result: str = self.text(name, path, self.email_check, hint=f" (fx {example})")
        return result

    def email_check(self, value: str) -> str:
        """The address, or a Danish refusal with the municipality's own domain as the example."""
        if not _EMAIL.match(value.strip()):
            raise click.BadParameter(f"skriv en e-mailadresse, fx {self.programme.example_email}")
        return value.strip()

    def refuse_bad_options(self) -> None:
        """Report every option given with a value that cannot be used, together, before any question."""
        choices: dict[str, Choices] = {
            "status": STATUSES,
            "scope": SCOPES,
            "anchoring": self.programme.anchoring_choices,
            "focus_areas": self.programme.focus_area_choices,
            "components": COMPONENTS,
        }
        checks = {name: _choice_check(name, table) for name, table in choices.items()}
        checks |= {"owner_email": self.email_check, "lead_email": self.email_check, "initiative_url": _url}
        problems = []
        for name, check in checks.items():
            if not self.given(name):
                continue
            try:
                check(self.answers[name])
            except click.BadParameter as error:
                param = next(p for p in self.context.command.params if p.name == name)
                problems.append(f"Ugyldig værdi for '{param.opts[0]}': {error.message}")
        if problems:
            raise click.UsageError("\n".join(problems), ctx=self.context)

    def date(self, name: str, path: str) -> Any:
        """A date, written as Danes write it or as ÅÅÅÅ-MM-DD."""
        if self.given(name):
            return self.answers[name]
        return self._ask(path, f"{question(path)} (fx 31-12-2026 eller 2026-12-31)", type=DAY)

    def amount(self, name: str, path: str) -> int | None:
        """Whole kroner; Enter for none (a benefit that is not counted in kroner)."""
        if self.given(name):
            value: int = self.answers[name]
            return value

        def read(value: str) -> int | None:
            return AMOUNT.convert(value, None, None) if value.strip() else None

        hint = " (fx 420.000; tryk Enter, hvis gevinsten ikke kan gøres op i kroner)"
        result: int | None = self._ask(path, question(path) + hint, default="", show_default=False, value_proc=read)
        return result

    def choose(self, name: str, path: str, choices: Choices, *, default: str | None = None) -> str:
        """One of `choices`, by number, id or name."""
        if self.given(name):
            found: str = self._checked(name, _choice_check(name, choices))
            return found
        return _pick(question(path), choices, multiple=False, default=default)[0]

    def choose_several(self, name: str, path: str, choices: Choices) -> list[str]:
        """One or more of `choices`, by numbers, ids or names separated by commas."""
        if self.given(name):
            return list(dict.fromkeys(self._checked(name, _choice_check(name, choices))))
        return _pick(question(path), choices, multiple=True)

    def _ask(self, path: str, text: str, **prompt: Any) -> Any:
        # The question says which date forms it takes; the file's own form is not the lead's concern here.
        described = explanation(path).replace(" (ÅÅÅÅ-MM-DD)", "")
        if described:
            click.echo(described)
        return click.prompt(text, **prompt)


def _choice_check(name: str, choices: Choices) -> Callable[[Any], Any]:
    """A check of an option's value (or values, for a repeated option) against `choices`."""
    one = OneOf(name, choices)

    def check(value: Any) -> Any:
        if isinstance(value, tuple):
            return [one.convert(item, None, None) for item in value]
        return one.convert(value, None, None)

    return check


def _pick(title: str, choices: Choices, *, multiple: bool, default: str | None = None) -> list[str]:
    """Show the choices numbered once (by their own numbers where they have them) and read the answer."""
    names = {key: next(iter(labels), key) for key, labels in choices.items()}
    own_numbers = all(_NUMBERED.match(name) for name in names.values())
    numbers = {key: str(position) for position, key in enumerate(names, start=1)}
    click.echo(f"{title}:")
    for key, name in names.items():
        click.echo(f"  {name}" if own_numbers else f"  {numbers[key]}. {name}")
    by_number = {} if own_numbers else {number: key for key, number in numbers.items()}

    def one(part: str) -> str:
        found = by_number.get(part.strip().rstrip(".")) or match(part, choices)
        if found is None:
            hint = suggest(part, choices)
            raise click.BadParameter(f"'{part.strip()}' er ikke en af mulighederne.{hint} Skriv et nummer fra listen.")
        return found

    def parse(answer: str) -> list[str]:
        parts = [p for chunk in re.split(r"[,;]", answer) for p in _split_numbers(chunk) if p.strip()]
        if not parts or (len(parts) > 1 and not multiple):
            raise click.BadParameter("vælg mindst ét nummer" if multiple else "vælg ét nummer")
        return list(dict.fromkeys(one(part) for part in parts))

    ask = "Vælg et eller flere numre, adskilt af komma" if multiple else "Vælg et nummer"
    shown_default = None if default is None else numbers[default]
    picked: list[str] = click.prompt(ask, default=shown_default, value_proc=parse)
    return picked


def _split_numbers(chunk: str) -> list[str]:
    # "3 5" is two numbers; "Klima og ressourcer" is one name.
    return chunk.split() if re.fullmatch(r"[\d.\s]+", chunk) else [chunk]


def _free_id(root: Path, asked: Questions, title: str) -> str:
    """The project's id: given, or made from the title (asking for another when that one is taken)."""

    def taken(project_id: str) -> bool:
        return (root / PROJECTS_DIR / f"{project_id}{PROJECT_SUFFIX}").exists()

    if asked.given("project_id"):
        project_id: str = asked.text("project_id", "title", _slug)
        if taken(project_id):
            raise ProjectExists(path=root / PROJECTS_DIR / f"{project_id}{PROJECT_SUFFIX}")
        return project_id
    project_id = project_id_from_title(title)
    while taken(project_id):
        click.echo(f"Der findes allerede et projekt med id'et {project_id}.")
        project_id = click.prompt("Id (filnavnet uden .yaml)", default=f"{project_id}-2", value_proc=_slug)
    return project_id


@click.command("new", cls=DanishCommand)
@click.option("--title", help=_option_help("title"))
@click.option("--id", "project_id", help="Filnavnet uden .yaml; standard dannes af titlen.")
@click.option("--summary", help=_option_help("summary"))
@click.option(
    "--status",
    metavar="STATUS",
    help="Status, fx Idé, Gennemførelse eller execution; når der spørges, vælger Enter Idé.",
)
@click.option(
    "--focus-area",
    "focus_areas",
    metavar="FOKUSOMRÅDE",
    multiple=True,
    help=_option_help("focus_areas", " Kan gentages."),
)
@click.option("--scope", metavar="OMFANG", help="Omfang: Lokalt (local) eller Fælleskommunalt (common).")
@click.option("--initiative", help=_option_help("common_initiative.name"))
@click.option("--initiative-body", help=_option_help("common_initiative.body"))
@click.option("--initiative-url", help=_option_help("common_initiative.url"))
@click.option("--anchoring", metavar="FORANKRING", help=_option_help("anchoring"))
@click.option("--owner-name", help=_option_help("owner.name"))
@click.option("--owner-email", help=_option_help("owner.email"))
@click.option("--lead-name", help=_option_help("lead.name"))
@click.option("--lead-email", help=_option_help("lead.email"))
@click.option("--start", type=DAY, help=_option_help("start"))
@click.option("--end", type=DAY, help=_option_help("end"))
@click.option("--dpo-name", help=_option_help("signoffs.dpo.name"))
@click.option("--dpo-date", type=DAY, help=_option_help("signoffs.dpo.date"))
@click.option("--security-name", help=_option_help("signoffs.security.name"))
@click.option("--security-date", type=DAY, help=_option_help("signoffs.security.date"))
@click.option("--it-name", help=_option_help("signoffs.it.name"))
@click.option("--it-date", type=DAY, help=_option_help("signoffs.it.date"))
@click.option("--small-project-reason", help=_option_help("governance.reason"))
@click.option("--business-case", help=_option_help("governance.business_case.reference"))
@click.option("--benefit", help=_option_help("governance.business_case.benefits.description"))
@click.option(
    "--benefit-amount", type=AMOUNT, help=_option_help("governance.business_case.benefits.amount_dkk_per_year")
)
@click.option("--benefit-owner", help=_option_help("governance.business_case.benefits.owner"))
@click.option("--benefit-date", type=DAY, help=_option_help("governance.business_case.benefits.realisation_date"))
@click.option(
    "--component",
    "components",
    metavar="KOMPONENT",
    multiple=True,
    help=_option_help("infrastructure.components", " Kan gentages."),
)
@click.option("--deviation", help=_option_help("infrastructure.deviation"))
@today_option
@click.pass_obj
@handle_errors
def new_command(root: Path, /, **answers: Any) -> None:
    """Opret et nyt projekt: spørger om det nødvendige og skriver projects/<id>.yaml.

    Alle spørgsmål kan også gives som tilvalg, så kommandoen kan bruges i scripts.
    Valg kan skrives med nummer, id eller navn, som de står på intranettet, og
    datoer som 31-12-2026. Filen tjekkes, før den skrives, og et eksisterende
    projekt overskrives aldrig.

    Eksempel: handleplan new --title "Digital pladsanvisning" --status Idé
    """
    programme = usable_programme(root)
    asked = Questions(answers, programme)
    asked.refuse_bad_options()
    title = asked.text("title", "title")
    project_id = _free_id(root, asked, title)
    data: dict[str, Any] = {"title": title, "summary": asked.text("summary", "summary")}
    status = asked.choose("status", "status", STATUSES, default=Status.IDEA.value)
    data["status"] = status
    data["focus_areas"] = asked.choose_several("focus_areas", "focus_areas", programme.focus_area_choices)
    data["scope"] = asked.choose("scope", "scope", SCOPES)
    if data["scope"] == Scope.COMMON.value:
        data["common_initiative"] = {
            "name": asked.text("initiative", "common_initiative.name"),
            "body": asked.text("initiative_body", "common_initiative.body"),
            "url": asked.text("initiative_url", "common_initiative.url", _url),
        }
    data["anchoring"] = asked.choose("anchoring", "anchoring", programme.anchoring_choices)
    for role in ("owner", "lead"):
        data[role] = {
            "name": asked.text(f"{role}_name", f"{role}.name"),
            "email": asked.email(f"{role}_email", f"{role}.email"),
        }
    past_idea = Status(status).is_past_idea
    for key in ("start", "end"):  # an idea has no plan yet
        data[key] = asked.date(key, key) if past_idea or asked.given(key) else None
    if past_idea:
        click.echo("Projektet er ud over idéfasen: programmet kræver godkendelser, styring og infrastruktur.")
        data |= _start_up(asked)
    path = write_new_project(root, project_id, data, day_of(answers["today"]))
    click.echo(f"Oprettede {path}. Udfyld det, der står som UDFYLD, og opret en pull request.")


def _start_up(asked: Questions) -> dict[str, Any]:
    """What the programme requires once a project has left the idea bank."""
    signoffs = {
        key: {
            "name": asked.text(f"{key}_name", f"signoffs.{key}.name"),
            "date": asked.date(f"{key}_date", f"signoffs.{key}.date"),
        }
        for key in Signoffs.model_fields
    }
    return {"signoffs": signoffs, "governance": _governance(asked), "infrastructure": _infrastructure(asked)}


def _governance(asked: Questions) -> dict[str, Any]:
    small_project = str(SmallProjectGovernance.model_config.get("title"))
    if asked.given("small_project_reason") or (
        not asked.given("business_case") and confirm(f"Er det et {small_project.lower()}?", default=False)
    ):
        return {"model": "small_project", "reason": asked.text("small_project_reason", "governance.reason")}
    reference = asked.text("business_case", "governance.business_case.reference")
    benefits = "governance.business_case.benefits"
    benefit: dict[str, Any] = {"description": asked.text("benefit", f"{benefits}.description")}
    # A script that gives the benefit and no amount means a benefit not counted in kroner.
    scripted = asked.given("benefit")
    benefit["amount_dkk_per_year"] = (
        asked.answers["benefit_amount"]
        if scripted
        else asked.amount("benefit_amount", f"{benefits}.amount_dkk_per_year")
    )
    benefit["owner"] = asked.text("benefit_owner", f"{benefits}.owner")
    benefit["realisation_date"] = asked.date("benefit_date", f"{benefits}.realisation_date")
    return {"model": "project_model", "business_case": {"reference": reference, "benefits": [benefit]}}


def _infrastructure(asked: Questions) -> dict[str, Any]:
    follows = str(FollowsInfrastructure.model_config.get("title"))
    if asked.given("deviation"):
        return {"follows": False, "deviation": asked.text("deviation", "infrastructure.deviation")}
    if asked.given("components") or confirm(f"Følger projektet {follows.removeprefix('Følger ')}?", default=True):
        return {
            "follows": True,
            "components": asked.choose_several("components", "infrastructure.components", COMPONENTS),
        }
    return {"follows": False, "deviation": asked.text("deviation", "infrastructure.deviation")}
