"""Turn the answers of the "Nyt projekt" issue form into a project file.

GitHub renders a form's answers as Markdown: `### <label>`, a blank line, the
answer; `_No response_` for an empty one; checkboxes as `- [X] label`. The
answers are read back with the form's own questions (`generator.issue_form`),
checked exactly as `handleplan validate` checks a file, and written only when
they give no errors. Every problem is said in Danish and named by its question,
so the person who filled in the form can fix it by editing the issue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cpr import as_shown, find_cpr
from generator.errors import NewProjectInvalid, ProjectExists
from generator.issue_form import FormField, form_fields
from generator.new_project import project_id_from_title, write_new_project
from generator.portfolio import (
    PROJECT_SUFFIX,
    PROJECTS_DIR,
    CheckedFile,
    check_project_source,
    cpr_exceptions,
    usable_programme,
)
from generator.project_yaml import project_text
from schema.catalogue import Finding, Loc, Severity
from schema.checks import CheckContext
from schema.choices import closest, match
from schema.messages import display_path
from schema.programme import Programme
from schema.project import Project, Scope, Status

NO_RESPONSE = "_No response_"
# GitHub caps an issue body at 65,536 characters; anything far larger is not a form's answers.
MAX_BODY_BYTES = 1_000_000
# An answer quoted back in a message: one line, short, shown as code so Markdown in it stays text.
_QUOTE_LENGTH = 60

_HEADING = re.compile(r"^#{3}[ \t]+(.*?)[ \t]*$")
_CHECKBOX = re.compile(r"^[ \t]*[-*][ \t]+\[([ xX])\][ \t]*(.*?)[ \t]*$")
_BULLET = re.compile(r"^[ \t]*[-*][ \t]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DANISH_DATE = re.compile(r"([0-9]{1,2})[-./ ]([0-9]{1,2})[-./ ]([0-9]{4})")
_KLE_SUBJECT = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}")
_KLE_FACET = re.compile(r"[A-Z][0-9]{2}")
_MASKED_CPR = re.compile(r"[0-9]{6}-\*{4}")
_DATE_ADVICE = "Skriv datoen som år-måned-dag, fx 2026-03-01."

# What to do about a rule's finding when the answers come from the form, not a YAML file.
_PAST_IDEA = (
    "Formularen spørger ikke om godkendelser, styring og infrastruktur. Vælg status 'Idé (idea)'; "
    "resten tilføjes i projektfilen, når projektet går i opstart."
)
_FORM_FIXES: dict[str, str] = {
    "HP101": "Sæt kryds ved mindst ét fokusområde.",
    "HP104": _PAST_IDEA,
    "HP106": "Ret startdatoen eller slutdatoen.",
    "HP107": "Besvar spørgsmålene om det fælleskommunale initiativ, eller vælg 'Lokalt (local)'.",
    "HP108": _PAST_IDEA,
    "HP109": _PAST_IDEA,
    "HP111": "Vælg 'Fælleskommunalt (common)', eller slet svarene om det fælleskommunale initiativ.",
    "HP201": "Besvar spørgsmålet ved at redigere issuet, eller skriv det i projektfilen senere.",
    "HP202": "Skriv projektets KLE-numre ved at redigere issuet, eller tilføj dem i projektfilen senere.",
    "HP203": "Ret slutdatoen, eller vælg en anden status.",
}
_CPR_MESSAGE = (
    "Svaret ser ud til at indeholde et CPR-nummer. Slet det ved at redigere issuet. GitHub gemmer den "
    "tidligere tekst i issuets historik: bed programgruppen slette den version."
)
_CPR_REDACTED = "[CPR-nummer fjernet]"

_NOT_THE_FORM = (
    "Issuet ser ikke ud til at være lavet med formularen 'Nyt projekt': ingen af formularens spørgsmål "
    "står i det. Opret et nyt issue med formularen."
)
_UNREADABLE_BODY = (
    f"Issuets tekst kan ikke læses: den er længere end {f'{MAX_BODY_BYTES:_}'.replace('_', '.')} tegn "
    "eller ikke gyldig UTF-8. Opret issuet med formularen 'Nyt projekt'."
)


@dataclass(frozen=True)
class Problem:
    """Something to fix in the answers, in Danish, with the question it concerns (None: the whole issue)."""

    message: str
    question: str | None = None
    severity: Severity = Severity.ERROR
    fix: str = ""  # what to do, said once in a comment however many problems share it


@dataclass(frozen=True)
class IssueProject:
    """What the issue's answers gave: the file written (None when there were errors) and every problem."""

    project_id: str
    path: Path | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        """The problems that kept the file from being written."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that were written anyway."""
        return [p for p in self.problems if p.severity is Severity.WARNING]


def read_answers(body: str, fields: Sequence[FormField]) -> dict[str, str]:
    """Each question's answer by field id ('' when unanswered), from the body GitHub renders for the form.

    Headings are looked for in the form's order, each after the one before, so a
    later question's heading typed into an answer stays part of that answer.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = [(index, found.group(1)) for index, line in enumerate(lines) if (found := _HEADING.match(line))]
    starts: dict[str, int] = {}
    position = 0
    for field in fields:
        for number in range(position, len(headings)):
            if _same_label(headings[number][1], field.label):
                starts[field.id] = number
                position = number + 1
                break
    chosen = sorted(starts.values())
    answers: dict[str, str] = {}
    for field_id, number in starts.items():
        later = [n for n in chosen if n > number]
        end = headings[later[0]][0] if later else len(lines)
        answer = "\n".join(lines[headings[number][0] + 1 : end]).strip()
        answers[field_id] = "" if answer == NO_RESPONSE else answer
    return answers


def _same_label(heading: str, label: str) -> bool:
    return " ".join(heading.split()).casefold() == " ".join(label.split()).casefold()


def project_data(
    answers: Mapping[str, str], fields: Sequence[FormField], programme: Programme
) -> tuple[dict[str, Any], list[Problem]]:
    """The project as a plain mapping, as the Project model reads it, and the answers it could not use."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in fields:
        answer = answers.get(field.id) or None
        value: Any
        if field.kind == "checkboxes":
            value, unknown = _checked(answer or "", question_choices(field, programme))
            problems += [_unknown_choice(field, text, programme) for text in unknown]
        elif answer is None:
            continue
        elif field.kind == "dropdown":
            value = match(answer, question_choices(field, programme))
            if value is None:
                problems.append(_unknown_choice(field, answer, programme))
                continue
        elif field.loc in (("start",), ("end",)):
            value = _date(answer)
            if value is None:
                problems.append(Problem(f"{_quoted(answer)} er ikke en dato. {_DATE_ADVICE}", field.label))
                continue
        elif field.loc == ("kle",):
            value = _kle_numbers(answer)
        elif field.kind == "input":
            value = " ".join(answer.split())  # a one-line answer: line breaks and runs of spaces are noise
        else:
            value = answer
        _put(data, field.loc, value)
    # A required part ("Projektejer: navn") left empty is missing from its section, not the section from the file.
    for field in fields:
        if field.required and len(field.loc) == 2:
            data.setdefault(field.loc[0], {})
    return data, problems


def question_choices(field: FormField, programme: Programme) -> dict[str, list[str]]:
    """The option texts of a question with every other name its ids go by."""
    names_by_question: dict[tuple[str, ...], Mapping[str, list[str]]] = {
        ("status",): {s.value: [s.label] for s in Status},
        ("scope",): {s.value: [s.label] for s in Scope},
        ("focus_areas",): programme.focus_area_choices,
        ("anchoring",): programme.anchoring_choices,
    }
    others = names_by_question.get(field.loc, {})
    return {choice_id: [*names, *others.get(choice_id, [])] for choice_id, names in field.choices.items()}


def _checked(answer: str, choices: Mapping[str, list[str]]) -> tuple[list[str], list[str]]:
    """The ids of the ticked options, and what was ticked (or written as a list) that names none."""
    picked: list[str] = []
    unknown: list[str] = []
    for line in answer.split("\n"):
        box = _CHECKBOX.match(line)
        if box is not None:
            if box.group(1) == " ":
                continue
            text = box.group(2)
        else:  # a body edited by hand: "- 4. Klima og ressourcer", or just "4"
            text = _BULLET.sub("", line).strip()
            if not text or text == NO_RESPONSE:
                continue
        choice_id = match(text, choices)
        if choice_id is None:
            unknown.append(text)
        elif choice_id not in picked:
            picked.append(choice_id)
    return picked, unknown


def _unknown_choice(field: FormField, text: str, programme: Programme) -> Problem:
    meant = closest(text, question_choices(field, programme))
    hint = next((f" Mente du '{option}'?" for option, choice_id in field.options if choice_id == meant), "")
    options = "; ".join(option for option, _ in field.options)
    return Problem(f"{_quoted(text)} er ikke et af svarene.{hint} Vælg et af: {options}.", field.label)


def _date(answer: str) -> dt.date | None:
    """A date written år-måned-dag, or the Danish way (1.3.2026, 01-03-2026); None for anything else."""
    text = " ".join(answer.split())
    iso = _ISO_DATE.fullmatch(text)
    danish = _DANISH_DATE.fullmatch(text)
    try:
        if iso is not None:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if danish is not None:
            return dt.date(int(danish.group(3)), int(danish.group(2)), int(danish.group(1)))
    except ValueError:
        pass
    return None


def _kle_numbers(answer: str) -> list[str]:
    """KLE numbers separated by commas, semicolons, line breaks or spaces; a facet may stand apart ("27.24.00 G01")."""
    numbers: list[str] = []
    for part in re.split(r"[,;\n]+", answer):
        for token in _BULLET.sub("", part).split():
            if numbers and _KLE_FACET.fullmatch(token) and _KLE_SUBJECT.fullmatch(numbers[-1]):
                numbers[-1] += token
            else:
                numbers.append(token)
    return numbers


def _put(data: dict[str, Any], loc: tuple[str, ...], value: Any) -> None:
    target = data
    for key in loc[:-1]:
        target = target.setdefault(key, {})
    target[loc[-1]] = value


def _quoted(text: str) -> str:
    """An answer as a message quotes it: one line, shortened, as code so no Markdown or mention in it acts."""
    line = " ".join(text.split())
    if len(line) > _QUOTE_LENGTH:
        line = line[: _QUOTE_LENGTH - 1] + "…"
    return "`" + line.replace("`", "'") + "`"


def project_from_issue(root: Path, body: bytes | str, *, today: dt.date, issue: int | None = None) -> IssueProject:
    """Read the form's answers, check the project they give, and write projects/<id>.yaml if it has no errors.

    The id comes from the title, with -2, -3 … when it is taken. Nothing is
    written when there is an error; warnings are reported and written. The
    file's first comment names the `issue` it came from.

    Raises:
        NotAPortfolio, InvalidProgramme: the repository or its programme is not usable.
    """
    programme = usable_programme(root)
    text = _body_text(body)
    if text is None:
        return IssueProject("", None, (Problem(_UNREADABLE_BODY),))
    fields = form_fields(programme)
    answers = read_answers(text, fields)
    if not answers:
        return IssueProject("", None, (Problem(_NOT_THE_FORM),))
    data, problems = project_data(answers, fields, programme)
    title = data.get("title")
    project_id = free_project_id(root, title if isinstance(title, str) else "")
    checked = _check(root, project_id, data, programme, today)
    # An answer that could not be read is missing from the file too: say once what is wrong with it.
    reported = {p.question for p in problems}
    problems += [
        p
        for p in _problems(checked.findings, answers, fields, cpr_exceptions(programme))
        if p.question not in reported or p.message == _CPR_MESSAGE
    ]
    if any(p.severity is Severity.ERROR for p in problems):
        return IssueProject(project_id, None, tuple(problems))
    for _ in range(_WRITE_ATTEMPTS):
        try:
            path = write_new_project(root, project_id, data, today)
        except ProjectExists:  # another run took the id just now: take the next one
            project_id = free_project_id(root, title if isinstance(title, str) else "")
            continue
        except NewProjectInvalid as error:  # the file's own check found what this one did not: say it, unwritten
            messages = error.values["messages"]
            assert isinstance(messages, list)
            return IssueProject(project_id, None, (*problems, *(Problem(str(m)) for m in messages)))
        if issue is not None:
            _mention_issue(path, issue)
        return IssueProject(project_id, path, tuple(problems))
    raise ProjectExists(path=root / PROJECTS_DIR / f"{project_id}{PROJECT_SUFFIX}")


_WRITE_ATTEMPTS = 5


def _mention_issue(path: Path, issue: int) -> None:
    """Say under the schema line which issue the file came from (a comment with a number: still the checked file)."""
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(
        f"{first}\n# Oprettet ud fra issue #{issue} med formularen 'Nyt projekt'.\n{rest}", encoding="utf-8"
    )


def _body_text(body: bytes | str) -> str | None:
    if isinstance(body, bytes):
        if len(body) > MAX_BODY_BYTES:
            return None
        try:
            body = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return body if len(body) <= MAX_BODY_BYTES else None


def free_project_id(root: Path, title: str) -> str:
    """The id the title gives, with -2, -3 … added while a project file by that name exists."""
    base = project_id_from_title(title)
    candidate, number = base, 1
    while any(_exists(root / PROJECTS_DIR / f"{candidate}{suffix}") for suffix in (PROJECT_SUFFIX, ".yml")):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _check(root: Path, project_id: str, data: Mapping[str, Any], programme: Programme, today: dt.date) -> CheckedFile:
    """The findings `handleplan validate` would report for the file the answers give."""
    projects = root / PROJECTS_DIR
    ids = frozenset(p.stem for p in projects.glob(f"*{PROJECT_SUFFIX}")) | {project_id}
    context = CheckContext(programme, today, ids)
    source = project_text(data).encode("utf-8")
    return check_project_source(f"{PROJECTS_DIR}/{project_id}{PROJECT_SUFFIX}", source, context)


def _problems(
    findings: Iterable[Finding], answers: Mapping[str, str], fields: Sequence[FormField], excused: Sequence[str]
) -> list[Problem]:
    """The findings as problems named by the question they concern; CPR numbers by where they are, never as digits."""
    problems = []
    cpr_found = False
    for found in findings:
        if found.code == "HP007":
            cpr_found = True
        else:
            problems.append(_problem(found, fields))
    if cpr_found:
        questions = [f.label for f in fields if _has_cpr(answers.get(f.id, ""), excused)]
        problems += [Problem(_CPR_MESSAGE, question) for question in questions] or [Problem(_CPR_MESSAGE)]
    return problems


def _has_cpr(text: str, excused: Sequence[str]) -> bool:
    """True when the answer, or the answer as a page shows it, has the form of a CPR number."""
    return any(find_cpr(shown, excused=excused) for shown in (text, as_shown(text)))


def _problem(found: Finding, fields: Sequence[FormField]) -> Problem:
    question, in_form = _question(found.loc, fields)
    path = display_path(found.loc)
    message = found.message
    if in_form and found.code == "HP011":
        return Problem("Spørgsmålet er ikke besvaret. Svar på det ved at redigere issuet.", question)
    if found.code == "HP012" and message.startswith(prefix := f"Ugyldig værdi i '{path}': "):
        message = message.removeprefix(prefix)
        message = message[:1].upper() + message[1:]
    elif question is not None:
        message = message.replace(f"'{path}'", f"'{question}'")
    if found.code == "HP012" and message.startswith("Mangler en værdi efter kolonet"):  # a section left empty
        return Problem("Spørgsmålene er ikke besvaret. Svar på dem ved at redigere issuet.", question)
    # The form's answers are never YAML: a hint about quoting them does not apply.
    message = message.replace(" i anførselstegn", "")
    return Problem(message, question, found.severity, _FORM_FIXES.get(found.code, ""))


def _question(loc: Loc, fields: Sequence[FormField]) -> tuple[str | None, bool]:
    """The question a key path is answered by ("KLE-numre (nr. 2)"), and whether it is in the form at all."""
    for field in fields:
        if tuple(loc[: len(field.loc)]) == field.loc:
            rest = [part for part in loc[len(field.loc) :] if isinstance(part, int)]
            return (f"{field.label} (nr. {rest[0] + 1})" if rest else field.label), True
    if not loc or not isinstance(loc[0], str) or loc[0] not in Project.model_fields:
        return None, False
    title = Project.model_fields[loc[0]].title
    in_form = any(field.loc[: len(loc)] == tuple(loc) for field in fields)
    return title, in_form


def comment_text(result: IssueProject, *, issue: int | None = None) -> str:
    """The Danish Markdown comment for the issue: what was made, or what to fix, and how."""
    if not result.project_id:  # not the form's answers, or unreadable: nothing to fix by editing
        return scrub_cpr("\n".join(["### Projektfilen er ikke lavet", "", *_listed(result.problems)]) + "\n")
    shown = f"`{PROJECTS_DIR}/{result.project_id}{PROJECT_SUFFIX}`"
    source = f"svarene i issue #{issue}" if issue is not None else "svarene i issuet"
    if result.path is not None:
        lines = [
            "### Projektfilen er lavet",
            "",
            f"Handleplanen har lavet {shown} ud fra {source}. Programgruppen gennemgår den i en pull request.",
        ]
        if result.warnings:
            lines += ["", f"{_count(result.warnings)}: projektet kan oprettes, men svarene bør gøres færdige.", ""]
            lines += _listed(result.warnings)
        lines += ["", "Retter du svarene ved at redigere issuet, laver handleplanen projektfilen igen."]
    else:
        lines = [
            "### Projektfilen er ikke lavet endnu",
            "",
            f"Svarene har {_count(result.errors)}, som skal rettes, før handleplanen kan lave projektfilen. "
            f"Ret {'den' if len(result.errors) == 1 else 'dem'} ved at redigere issuet "
            "(de tre prikker øverst på issuet, så 'Edit'); "
            "så prøver handleplanen igen.",
            "",
            *_listed(result.errors),
        ]
        if result.warnings:
            lines += ["", f"Desuden {_count(result.warnings)}, som bør rettes:", "", *_listed(result.warnings)]
    return scrub_cpr("\n".join(lines) + "\n")


def failure_comment(error: Exception) -> str:
    """The comment for the issue when the repository itself keeps the project from being made."""
    return scrub_cpr(
        "### Projektfilen er ikke lavet\n\n"
        "Handleplanen kunne ikke behandle svarene, og det kan ikke rettes i issuet: programgruppen skal "
        f"først rette handleplanen. Besked til programgruppen: {error}\n"
    )


def _count(problems: Sequence[Problem]) -> str:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        return f"{len(errors)} fejl"
    return f"{len(problems)} advarsel" if len(problems) == 1 else f"{len(problems)} advarsler"


def _listed(problems: Sequence[Problem]) -> list[str]:
    """One line per problem; past the first few the rest are counted, so the comment stays within GitHub's limit."""
    lines, said = [], set()
    for p in problems[:_MAX_LISTED]:
        text = f"{p.message} {p.fix}" if p.fix and p.fix not in said else p.message
        said.add(p.fix)
        lines.append(f"- **{p.question}**: {text}" if p.question else f"- {text}")
    if len(problems) > _MAX_LISTED:
        lines.append(f"- … og {len(problems) - _MAX_LISTED} til. Ret dem ovenfor, så viser handleplanen resten.")
    return lines


_MAX_LISTED = 25


def scrub_cpr(text: str) -> str:
    """The text with everything that has the form of a CPR number, or of a masked one, taken out."""
    for found in reversed(find_cpr(text)):
        text = text[: found.start] + _CPR_REDACTED + text[found.end :]
    return _MASKED_CPR.sub(_CPR_REDACTED, text)
