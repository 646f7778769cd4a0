"""The `handleplan` command: a thin layer over the library that knows about exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.build import build_site
from generator.changes import diff_as_json, diff_as_markdown, diff_portfolios
from generator.errors import GitFailed, HandleplanError, NotAPortfolio, PortfolioHasErrors
from generator.history import History, files_at, read_history
from generator.portfolio import Portfolio, load_portfolio, portfolio_from_sources
from generator.preview import serve_site
from generator.report import FORMATS, format_report
from generator.schemas import write_schemas

F = TypeVar("F", bound=Callable[..., Any])


def _handle_errors(command: F) -> F:
    """Map domain errors to exit codes: 2 for usage, 1 for anything the user must fix."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (NotAPortfolio, GitFailed) as error:
            raise click.UsageError(str(error)) from None
        except HandleplanError as error:
            raise click.ClickException(str(error)) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Roden af handleplan-repositoriet (mappen med focus_areas.yaml og projects/).",
)
@click.version_option(package_name="handleplan")
@click.pass_context
def main(context: click.Context, root: Path) -> None:
    """Digitaliseringshandleplanen som kode: tjek projekterne og byg overblikket."""
    context.obj = root


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text til mennesker, github til annoteringer i GitHub Actions, json til maskiner.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Tjek som om det var denne dato (ÅÅÅÅ-MM-DD); standard er i dag.",
)
@click.pass_obj
@_handle_errors
def validate(root: Path, paths: tuple[Path, ...], output_format: str, today: dt.datetime | None) -> None:
    """Tjek projektfilerne mod programmets regler.

    Uden PATHS tjekkes alle projekter i projects/. Afslutter med 0, når der ingen
    fejl er (advarsler tæller ikke), og med 1 ved mindst én fejl.

    Eksempel: handleplan validate projects/borgerblikket.yaml
    """
    history = read_history(root)
    portfolio = load_portfolio(root, paths, today=today.date() if today else None, last_changed=history.last_changed)
    click.echo(format_report(portfolio, output_format), nl=False)
    if portfolio.error_count:
        sys.exit(1)


_TODAY_OPTION = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Byg som om det var denne dato (ÅÅÅÅ-MM-DD); standard er i dag.",
)


def _checked_portfolio(root: Path, today: dt.date, history: History) -> Portfolio:
    """The portfolio; with errors, print them as validate does and exit 1."""
    portfolio = load_portfolio(root, today=today, last_changed=history.last_changed)
    if portfolio.error_count:
        click.echo(format_report(portfolio, "text"), nl=False)
        raise PortfolioHasErrors(errors=portfolio.error_count)
    return portfolio


@main.command()
@_TODAY_OPTION
@click.pass_obj
@_handle_errors
def build(root: Path, today: dt.datetime | None) -> None:
    """Byg intranetsitet i site/ ud fra projektfilerne.

    Tjekker først alle projekter; ved fejl bygges intet, og det seneste gode site
    bliver stående. Siderne genereres i docs_dir fra mkdocs.yml og bygges med
    MkDocs ved siden af det gamle site, som først derefter udskiftes.

    Eksempel: handleplan build
    """
    day = today.date() if today else dt.date.today()
    history = read_history(root, with_changes=True)
    portfolio = _checked_portfolio(root, day, history)
    result = build_site(portfolio, day, history)
    for warning in result.warnings:
        click.echo(f"MkDocs: {warning}", err=True)
    click.echo(
        f"Byggede {result.pages} sider ({result.written} ændret, {result.removed} fjernet) til {result.site_dir}."
    )


@main.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Adresse og port for forhåndsvisningen.")
@_TODAY_OPTION
@click.pass_obj
@_handle_errors
def serve(root: Path, dev_addr: str, today: dt.datetime | None) -> None:
    """Vis sitet lokalt og opdater det, når en projektfil eller skabelon ændres.

    Eksempel: handleplan serve, og åbn http://127.0.0.1:8000 i browseren.
    """
    day = today.date() if today else dt.date.today()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.addHandler(logging.StreamHandler())  # "Serving on …" and reloads
    serve_site(root, day, dev_addr, report=lambda text: click.echo(text, err=True))


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown til pull requests og styregruppen, json til maskiner.",
)
@_TODAY_OPTION
@click.pass_obj
@_handle_errors
def diff(root: Path, base: str, head: str | None, output_format: str, today: dt.datetime | None) -> None:
    """Vis ændringerne i porteføljen mellem to git-revisioner.

    BASE og HEAD er git-revisioner (en commit, en gren, et tag). Uden HEAD
    sammenlignes med arbejdskopien. Filerne læses fra git, så intet skal
    tjekkes ud.

    Eksempel: handleplan diff origin/main
    """
    day = today.date() if today else dt.date.today()
    old = portfolio_from_sources(root, files_at(root, base), today=day)
    if head is None:
        new = load_portfolio(root, today=day)
    else:
        new = portfolio_from_sources(root, files_at(root, head), today=day)
    changes = diff_portfolios(old, new, base, head or "arbejdskopien")
    if output_format == "json":
        click.echo(json.dumps(diff_as_json(changes), ensure_ascii=False, indent=2))
    else:
        click.echo(diff_as_markdown(changes), nl=False)


@main.command()
@click.option("--check", is_flag=True, help="Skriv intet; afslut med 1, hvis de gemte skemaer er forældede.")
@click.pass_obj
@_handle_errors
def schema(root: Path, check: bool) -> None:
    """Skriv JSON-skemaerne til editorer i schema/ ud fra datamodellen.

    Editorer med YAML-understøttelse bruger dem til at foreslå felter og vise
    forklaringer, mens man skriver.

    Eksempel: handleplan schema --check
    """
    stale = write_schemas(root, check_only=check)
    for path in stale:
        click.echo(f"{'Forældet' if check else 'Skrev'}: {path}")
    if check and stale:
        raise click.ClickException("JSON-skemaerne er forældede. Kør 'handleplan schema' og commit resultatet.")
    if not stale:
        click.echo("JSON-skemaerne er opdaterede.")


def run() -> None:
    """Console entry point: no traceback reaches the user unless HANDLEPLAN_DEBUG is set."""
    try:
        main(prog_name="handleplan")
    except Exception as error:
        if os.environ.get("HANDLEPLAN_DEBUG"):
            raise
        click.echo(
            f"Intern fejl i handleplan ({type(error).__name__}: {error}). "
            "Kør igen med HANDLEPLAN_DEBUG=1 for detaljer, og meld fejlen til IT og Digitalisering.",
            err=True,
        )
        sys.exit(3)
