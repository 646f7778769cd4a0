"""What the command-line modules share: Danish click, error mapping, Danish dates, amounts and choices, --today."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

# DanishCommand and DanishGroup are what the command modules declare their commands with.
from generator.click_danish import DanishCommand as DanishCommand
from generator.click_danish import DanishGroup as DanishGroup
from generator.click_danish import install
from generator.errors import FileSystemFailed, GitFailed, HandleplanError, NotAPortfolio, PortfolioHasErrors
from generator.history import History, read_history
from generator.portfolio import PROJECTS_DIR, Portfolio, load_portfolio
from generator.report import format_report, one_line
from schema.choices import Choices, match, suggest
from schema.project import MAX_AMOUNT_DKK

F = TypeVar("F", bound=Callable[..., Any])

# Before any command is declared: click's own texts, and the types named in the help, become Danish.
install()


def handle_errors(command: F) -> F:
    """Map domain errors to exit codes: 2 for usage, 1 for anything the user must fix."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (NotAPortfolio, GitFailed) as error:
            raise click.UsageError(str(error)) from None
        except HandleplanError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:  # disk full, read-only folder, a name too long: the user's to fix
            raise click.ClickException(str(FileSystemFailed(error=error))) from None

    return wrapper  # type: ignore[return-value]


class Day(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.5; the floor is 8.2
    """A date as Danes write it (31-12-2026, 31.12.2026) or as ISO (2026-12-31), within the years a build can date."""

    name = "dato"
    # SOURCE_DATE_EPOCH cannot precede 1970, and a year after is added to some dates.
    EARLIEST = dt.date(1970, 1, 1)
    LATEST = dt.date(9998, 12, 31)
    _ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
    _DANISH = re.compile(r"(?P<day>\d{1,2})([-./])(?P<month>\d{1,2})\2(?P<year>\d{4})")

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            day = value
        else:
            text = str(value).strip()
            found = self._DANISH.fullmatch(text) or self._ISO.fullmatch(text)
            if found is None:
                self.fail(f"'{value}' er ikke en dato. Skriv den som DD-MM-ÅÅÅÅ, fx 31-12-2026.", param, ctx)
            try:
                day = dt.date(int(found["year"]), int(found["month"]), int(found["day"]))
            except ValueError:
                self.fail(f"{text} er ikke en dato i kalenderen; tjek dag og måned.", param, ctx)
        if not self.EARLIEST <= day <= self.LATEST:
            self.fail(f"{day.isoformat()} skal ligge mellem {self.EARLIEST} og {self.LATEST}.", param, ctx)
        return day


DAY = Day()


class DevAddress(click.ParamType):  # type: ignore[type-arg]
    """Where the preview listens, IP:PORT as MkDocs takes it (an IP address or localhost; [..] around IPv6)."""

    name = "adresse"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        host, colon, port = text.rpartition(":")
        if not colon or not host:
            self.fail(f"'{value}' er ikke en adresse. Skriv IP:PORT, fx 127.0.0.1:8000.", param, ctx)
        if host != "localhost":
            try:
                ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
            except ValueError:
                self.fail(f"'{host}' er ikke en IP-adresse; skriv fx 127.0.0.1 eller localhost.", param, ctx)
        if not port.isdigit() or not 0 <= int(port) <= 65535:
            self.fail(f"'{port}' er ikke et portnummer; skriv et tal fra 0 til 65535, fx 8000.", param, ctx)
        return text


DEV_ADDRESS = DevAddress()


class OneOf(click.ParamType):  # type: ignore[type-arg]
    """One of a set of ids, written as the id or as a person reads it on the site ("Gennemførelse", "4. Klima …")."""

    def __init__(self, name: str, choices: Choices) -> None:
        self.name = name
        self.choices = choices

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        found = match(str(value), self.choices)
        if found is None:
            hint = suggest(str(value), self.choices) or f" Vælg en af: {listed(self.choices)}."
            self.fail(f"'{value}' er ikke en af mulighederne.{hint}", param, ctx)
        return found


def listed(choices: Choices) -> str:
    """The choices as a person reads them: 'Idé (idea), Opstart (startup), …'."""
    return ", ".join(f"{next(iter(names), key)} ({key})" for key, names in choices.items())


class Amount(click.ParamType):  # type: ignore[type-arg]
    """Whole kroner as Danes write them: 420.000, 420 000, 420000 or 420.000 kr."""

    name = "beløb"
    _GROUPED = re.compile(r"\d{1,3}(?:([. ])\d{3})?(?:\1\d{3})*")
    _UNIT = re.compile(r"\s*(?:kr\.?|dkk)\s*$|\s*,-\s*$", re.IGNORECASE)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            amount = value
        else:
            text = self._UNIT.sub("", " ".join(str(value).split()).replace("\u00a0", " "))
            text = re.sub(r",0+$", "", text)  # 420.000,00 is whole kroner
            if re.search(r",\d|\.\d{1,2}$", text):
                self.fail(f"'{value}' har øre; skriv beløbet i hele kroner, fx 420.000.", param, ctx)
            if text.startswith("-"):
                self.fail(f"'{value}' er negativt; skriv beløbet uden minus.", param, ctx)
            if not (text.isdigit() or self._GROUPED.fullmatch(text)):
                self.fail(f"'{value}' er ikke et beløb; skriv det i hele kroner, fx 420.000.", param, ctx)
            amount = int(re.sub(r"[. ]", "", text))
        if not 0 <= amount <= MAX_AMOUNT_DKK:
            self.fail(f"{amount} kr. er ikke et muligt beløb.", param, ctx)
        return amount


AMOUNT = Amount()

today_option = click.option(
    "--today",
    type=DAY,
    default=None,
    help="Regn som om det var denne dato (DD-MM-ÅÅÅÅ); standard er i dag.",
)


def checked_portfolio(
    root: Path, today: dt.date, *, not_done: str, with_changes: bool = True
) -> tuple[History, Portfolio]:
    """The git history and the portfolio; with errors, print them as validate does and exit 1.

    `with_changes` reads every committed version too, for the pages and reports that tell history.
    """
    history = read_history(root, with_changes=with_changes)
    warn_if_history_failed(history)
    total = sum(1 for _ in (root / PROJECTS_DIR).glob("*.y*ml")) if (root / PROJECTS_DIR).is_dir() else 0
    with progress_bar("Tjekker projekter", total) as advance:
        portfolio = load_portfolio(root, today=today, last_changed=history.last_changed, progress=advance)
    if portfolio.error_count:
        click.echo(format_report(portfolio, "text"), nl=False)
        raise PortfolioHasErrors(errors=portfolio.error_count, not_done=not_done)
    return history, portfolio


def warn_if_history_failed(history: History) -> None:
    """Say on stderr that git could not be read, so a missing HP205 is never a silent surprise."""
    if history.failed:
        click.echo(f"Bemærk: {one_line(history.note)}.", err=True)


# Below this many files a run is quick enough to need no progress bar.
PROGRESS_THRESHOLD = 300


def interactive() -> bool:
    """True on a terminal outside CI: progress is shown there and nowhere else."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A function to call with each step's size: a bar on a terminal, nothing in logs."""
    if total < PROGRESS_THRESHOLD or not interactive():
        yield lambda steps: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def status(message: str) -> None:
    """A one-line note on what a long run is doing, on a terminal only."""
    if interactive():
        click.echo(message, err=True)


def day_of(today: dt.date | None) -> dt.date:
    """The --today option, or today."""
    return today or dt.date.today()
