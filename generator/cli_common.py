"""What the command-line modules share: error mapping, the --today option, the checked portfolio."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.errors import FileSystemFailed, GitFailed, HandleplanError, NotAPortfolio, PortfolioHasErrors
from generator.history import History, read_history
from generator.portfolio import PROJECTS_DIR, Portfolio, load_portfolio
from generator.report import format_report, one_line

F = TypeVar("F", bound=Callable[..., Any])


class _DanishHelp:
    """Click's own --help text, in Danish like the rest of the help."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Vis denne hjælp og afslut."
        return option  # type: ignore[no-any-return]


class DanishCommand(_DanishHelp, click.Command):
    """A command whose --help is described in Danish."""


class DanishGroup(_DanishHelp, click.Group):
    """A group whose commands describe --help in Danish."""

    command_class = DanishCommand


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
    """A date written ÅÅÅÅ-MM-DD, within the years the build can date itself by (Danish errors)."""

    name = "ÅÅÅÅ-MM-DD"
    # SOURCE_DATE_EPOCH cannot precede 1970, and a year after is added to some dates.
    EARLIEST = dt.date(1970, 1, 1)
    LATEST = dt.date(9998, 12, 31)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD, fx 2026-12-31.", param, ctx)
        if not self.EARLIEST <= day <= self.LATEST:
            self.fail(f"{day.isoformat()} skal ligge mellem {self.EARLIEST} og {self.LATEST}.", param, ctx)
        return day


DAY = Day()

today_option = click.option(
    "--today",
    type=DAY,
    default=None,
    help="Regn som om det var denne dato (ÅÅÅÅ-MM-DD); standard er i dag.",
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
