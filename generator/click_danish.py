"""Click in Danish: every text click itself prints (usage, errors, help headings, prompts).

Click's modules look their texts up through `gettext` (`from gettext import
gettext as _`, and `ngettext`) when they print them. `install` puts a lookup in
this table in their place, names click's value types in Danish for the help, and
makes yes/no questions take ja/nej. A test lists every text click passes to
`gettext`, so a click release with a new text fails it instead of speaking English.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import importlib
import pkgutil
from typing import Any

import click
import click.types

# click's text → the Danish shown instead; placeholders are kept as they are.
MESSAGES: dict[str, str] = {
    # Usage, help and errors
    "Usage:": "Brug:",
    "Options": "Tilvalg",
    "Commands": "Kommandoer",
    "Positional arguments": "Argumenter",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Show the version and exit.": "Vis versionen og afslut.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "standard: {default}",
    "required": "påkrævet",
    "env var: {var}": "miljøvariabel: {var}",
    "(dynamic)": "(beregnes)",
    "deprecated": "udgået",
    "Error: {message}": "Fejl: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' for at få hjælp.",
    "Aborted!": "Afbrudt.",
    "unknown error": "ukendt fejl",
    "Missing command.": "Der mangler en kommando.",
    "No such command {name!r}.": "Kommandoen {name!r} findes ikke.",
    "No such option {name!r}.": "Tilvalget {name!r} findes ikke.",
    "No such option: {name}": "Tilvalget {name} findes ikke.",  # click 8.2 and older
    "Invalid value: {message}": "Ugyldig værdi: {message}",
    "Invalid value for {param_hint}: {message}": "Ugyldig værdi for {param_hint}: {message}",
    "Missing argument": "Mangler argumentet",
    "Missing option": "Mangler tilvalget",
    "Missing parameter": "Mangler parameteren",
    "Missing {param_type}": "Mangler {param_type}",
    "Missing parameter: {param_name}": "Mangler parameteren: {param_name}",
    "Value must be an iterable.": "Værdien skal være en liste.",
    "Invalid start character for option ({option})": "Ugyldigt første tegn i tilvalget ({option})",
    "Option {name!r} does not take a value.": "Tilvalget {name!r} skal ikke have en værdi.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} skal have {nargs} værdier.",
    "Could not open file {filename!r}: {message}": "Filen {filename!r} kunne ikke åbnes: {message}",
    # Values
    "Choose from:\n\t{choices}": "Vælg mellem:\n\t{choices}",
    "Choice({choices})": "Valg({choices})",
    "{value} is not in the range {range}.": "{value} ligger ikke i intervallet {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt {number_type}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} er hverken ja eller nej. Mulige svar: {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} er ikke et gyldigt UUID.",
    "file": "fil",
    "directory": "mappe",
    "path": "sti",
    "{name} {filename!r} does not exist.": "{name} {filename!r} findes ikke.",
    "{name} {filename!r} is a file.": "{name} {filename!r} er en fil.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} er en mappe.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan ikke læses.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan ikke skrives.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} kan ikke køres.",
    # Prompts
    "Repeat for confirmation": "Gentag for at bekræfte",
    "Error: The two entered values do not match.": "Fejl: De to svar er ikke ens.",
    "Error: The value you entered was invalid.": "Fejl: Svaret er ugyldigt.",  # click 8.1
    "Error: invalid input": "Fejl: svar ja eller nej",
    "Do you want to continue?": "Vil du fortsætte?",
    "Confirm the action without prompting.": "Bekræft uden at spørge.",
    "Press any key to continue...": "Tryk på en tast for at fortsætte …",
    "d": "d",  # days in a progress bar's time left
    # Rarely seen: editors, terminals, shells, and mistakes in a command's own definition
    "{editor}: Editing failed": "{editor}: Redigeringen mislykkedes",
    "{editor}: Editing failed: {e}": "{editor}: Redigeringen mislykkedes: {e}",
    "Windows error: {error}": "Windows-fejl: {error}",
    "Unknown color {colour!r}": "Ukendt farve {colour!r}",
    "Unknown standard stream '{name}'": "Ukendt standardstrøm '{name}'",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Bash-versionen kunne ikke findes, så fuldførelse med tabulatortasten virker ikke."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Fuldførelse med tabulatortasten virker ikke i Bash før version 4.4."
    ),
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Advarsel: Kommandoen {name!r} er udgået.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Advarsel: {param_type} {name!r} er udgået.{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "Tilvalget med erklæringerne {decls!r} har intet navn"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": (
        "Der er ingen tilvalg, men et navn er givet ({name}). Skulle det være et argument? Eller '--{name}'?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Et argument har præcis én erklæring, ikke {length}: {decls}."
    ),
    "Name '{name}' defined twice": "Navnet '{name}' er erklæret to gange",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "Ja/nej-tilvalget {decl!r} kan ikke bruge samme navn til ja og nej."
    ),
}

# (singular, plural) → the Danish pair.
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Uventet ekstra argument ({args})",
        "Uventede ekstra argumenter ({args})",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Mente du {possibility}?",
        "(Mente du en af: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tilvalget {name!r} skal have en værdi.",
        "Tilvalget {name!r} skal have {nargs} værdier.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Skal have {nargs} værdier, men fik 1.",
        "Skal have {nargs} værdier, men fik {len}.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} er ikke {choice}.",
        "{value!r} er ikke en af {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} passer ikke til formen {format}.",
        "{value!r} passer ikke til nogen af formerne {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "Der skal være {len_type} værdier, men der er {len_value}.",
        "Der skal være {len_type} værdier, men der er {len_value}.",
    ),
}

# The names click gives its value types; the help shows them upper-case (TEKST, HELTAL).
TYPE_NAMES: dict[str, str] = {
    "text": "tekst",
    "integer": "heltal",
    "integer range": "heltal",
    "float": "decimaltal",
    "float range": "decimaltal",
    "boolean": "ja/nej",
    "uuid": "uuid",
    "datetime": "tidspunkt",
    "filename": "filnavn",
    "choice": "valg",
}

OPTIONS_METAVAR = "[TILVALG]"
_METAVAR_WORDS = {"COMMAND": "KOMMANDO", "ARGS": "ARGUMENTER"}

YES = frozenset({"j", "ja", "y", "yes"})
NO = frozenset({"n", "nej", "no"})


def gettext(message: str) -> str:
    """The Danish for one of click's texts (click's own text if it is new to this table)."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The Danish singular or plural for one of click's counted texts."""
    singular, plural = PLURALS.get((singular, plural), (singular, plural))
    return singular if count == 1 else plural


def subcommand_metavar(english: str) -> str:
    """A group's 'COMMAND [ARGS]...' in Danish."""
    for word, danish in _METAVAR_WORDS.items():
        english = english.replace(word, danish)
    return english


def yes_no(default: bool | None) -> Any:
    """A prompt's reader of ja/nej (j/n, yes/no); Enter gives `default` when there is one."""

    def read(answer: str) -> bool:
        word = answer.strip().casefold()
        if word in YES:
            return True
        if word in NO:
            return False
        if not word and default is not None:
            return default
        raise click.UsageError("svar ja eller nej (j/n)")

    return read


def confirm(
    text: str,
    default: bool | None = False,
    abort: bool = False,
    prompt_suffix: str = ": ",
    show_default: bool = True,
    err: bool = False,
) -> bool:
    """A yes/no question answered ja/nej, shown as [j/N]; click.confirm's signature.

    Raises:
        click.Abort: the question was interrupted, or answered no with `abort`.
    """
    choices = "j/n" if default is None else ("J/n" if default else "j/N")
    question = f"{text} [{choices}]" if show_default else text
    answer: bool = click.prompt(
        question,
        default="" if default is not None else None,
        show_default=False,
        value_proc=yes_no(default),
        prompt_suffix=prompt_suffix,
        err=err,
    )
    if abort and not answer:
        raise click.Abort()
    return answer


def click_modules() -> list[Any]:
    """Every module of the installed click that can be imported here."""
    modules = [click]
    for info in pkgutil.iter_modules(click.__path__):
        try:
            modules.append(importlib.import_module(f"click.{info.name}"))
        except (ImportError, AssertionError):  # _winconsole refuses to load off Windows
            continue
    return modules


def install() -> None:
    """Make click speak Danish; safe to call more than once."""
    for module in click_modules():
        if getattr(module, "_", None) in (stdlib_gettext.gettext, gettext):
            module._ = gettext
        if getattr(module, "ngettext", None) in (stdlib_gettext.ngettext, ngettext):
            module.ngettext = ngettext
        if getattr(module, "confirm", None) is not None and module is not click.termui:
            module.confirm = confirm
    click.termui.confirm = confirm
    for value_type in vars(click.types).values():
        if isinstance(value_type, type) and issubclass(value_type, click.ParamType):
            name = value_type.__dict__.get("name")
            if isinstance(name, str) and name in TYPE_NAMES:
                value_type.name = TYPE_NAMES[name]
    click.types.BoolParamType.bool_states.update({"ja": True, "j": True, "nej": False})


class _Danish:
    """Usage lines in Danish: '[TILVALG]' for '[OPTIONS]'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class DanishCommand(_Danish, click.Command):
    """A command whose help and usage are Danish."""


class DanishGroup(_Danish, click.Group):
    """A group whose help, usage and commands are Danish."""

    command_class = DanishCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.subcommand_metavar:
            self.subcommand_metavar = subcommand_metavar(self.subcommand_metavar)


# The group class a DanishGroup makes with @group.group(); set here, once both exist.
DanishGroup.group_class = DanishGroup
