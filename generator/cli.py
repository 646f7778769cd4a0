"""The `handleplan` command: a thin layer over the library that knows about exit codes."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from generator.build import build_site, mkdocs_started, read_site_config, restore_site
from generator.changes import WORKING_TREE, diff_as_json, diff_as_markdown, diff_portfolios
from generator.cli_common import (
    DAY,
    DEV_ADDRESS,
    DanishGroup,
    checked_portfolio,
    day_of,
    handle_errors,
    status,
    today_option,
    warn_if_history_failed,
)
from generator.cli_from_issue import from_issue_command
from generator.cli_new import new_command
from generator.docs_folder import write_atomically
from generator.errors import HandleplanError, InvalidProgramme, PortfolioHasErrors
from generator.export import FORMATS as EXPORT_FORMATS
from generator.export import export as export_portfolio
from generator.history import files_at, read_history
from generator.migrate import apply_migration, migration_lines, plan_migration
from generator.mkdocs_process import MkDocsProcess
from generator.portfolio import Portfolio, load_portfolio, portfolio_from_sources
from generator.preview import serve_site
from generator.render import render_report
from generator.report import FORMATS, format_report, one_line
from generator.schemas import drift_note, relative_path, stale_generated_files, stale_note, write_generated_files
from generator.views import build_site_data
from schema.periods import programme_facts


@click.group(cls=DanishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Roden af handleplan-repositoriet (mappen med focus_areas.yaml og projects/).",
)
@click.version_option(package_name="handleplan", help="Vis versionen og afslut.")
@click.pass_context
def main(context: click.Context, root: Path) -> None:
    """Digitaliseringshandleplanen som kode: tjek projekterne og byg overblikket."""
    context.obj = root


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[STIER]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text til mennesker, github til annoteringer i GitHub Actions, json til maskiner.",
)
@today_option
@click.pass_obj
@handle_errors
def validate(root: Path, paths: tuple[Path, ...], output_format: str, today: dt.date | None) -> None:
    """Tjek projektfilerne mod programmets regler.

    Uden STIER tjekkes alle projekter i projects/. Afslutter med 0, når der ingen
    fejl er (advarsler tæller ikke), og med 1 ved mindst én fejl.

    Eksempel: handleplan validate projects/borgerblikket.yaml
    """
    history = read_history(root)
    portfolio = load_portfolio(root, paths, today=day_of(today), last_changed=history.last_changed)
    click.echo(format_report(portfolio, output_format), nl=False)
    warn_if_history_failed(history)
    _warn_if_generated_files_drifted(root)
    _tell_programme_facts(portfolio, day_of(today))
    if portfolio.error_count:
        sys.exit(1)


def _tell_programme_facts(portfolio: Portfolio, today: dt.date) -> None:
    # Facts about the programme, not a project's rule: said beside the report, never failing it.
    if portfolio.programme is None:
        return
    for fact in programme_facts(portfolio.programme, portfolio.projects.items(), today):
        named = f": {', '.join(fact.project_ids)}." if fact.project_ids else ""
        click.echo(f"Bemærk: {one_line(fact.text)}{one_line(named)}", err=True)


@main.command()
@today_option
@click.pass_obj
@handle_errors
def build(root: Path, today: dt.date | None) -> None:
    """Byg intranetsitet i site/ ud fra projektfilerne.

    Tjekker først alle projekter; ved fejl bygges intet, og det seneste gode site
    bliver stående. Siderne genereres i docs_dir fra mkdocs.yml og bygges med
    MkDocs ved siden af det gamle site, som først derefter udskiftes. Kører der
    allerede en build i samme mappe, venter den på, at den bliver færdig.

    Eksempel: handleplan build
    """
    day = day_of(today)
    with _mkdocs_started_early(root, day) as mkdocs:
        try:
            history, portfolio = checked_portfolio(root, day, not_done="Sitet er ikke bygget")
        except PortfolioHasErrors as error:
            # Tidy up after a killed build first, so the message says truly what site is left.
            site_kept = restore_site(root, on_wait=_tell_waiting)
            errors = error.values["errors"]
            assert isinstance(errors, int)
            raise PortfolioHasErrors(errors=errors, not_done="Sitet er ikke bygget", site_kept=site_kept) from None
        status("Genererer siderne og bygger sitet med MkDocs …")
        result = build_site(portfolio, day, history, on_wait=_tell_waiting, mkdocs=mkdocs)
    for warning in result.warnings:
        click.echo(f"MkDocs: {one_line(warning)}", err=True)
    click.echo(
        f"Byggede {result.pages} sider ({result.written} ændret, {result.removed} fjernet) til {result.site_dir}."
    )
    _warn_if_generated_files_drifted(root)


@contextmanager
def _mkdocs_started_early(root: Path, day: dt.date) -> Iterator[MkDocsProcess | None]:
    # MkDocs gets ready while the projects are checked. An unusable mkdocs.yml is reported
    # where it always was, after the check: build_site reads it again and says why.
    try:
        config = read_site_config(root)
    except HandleplanError:
        yield None
        return
    with mkdocs_started(config, day) as mkdocs:
        yield mkdocs


def _tell_waiting(text: str) -> None:
    click.echo(text, err=True)


def _warn_if_generated_files_drifted(root: Path) -> None:
    # A warning, not a failure: the projects and the site are right; the pull-request
    # workflow's `schema --check` is what fails on it.
    note = drift_note(root)
    if note is not None:
        click.echo(f"Bemærk: {note}", err=True)


@main.command()
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    type=DEV_ADDRESS,
    help="Adresse og port for forhåndsvisningen.",
)
@today_option
@click.pass_obj
@handle_errors
def serve(root: Path, dev_addr: str, today: dt.date | None) -> None:
    """Vis sitet lokalt og opdater det, når en projektfil eller skabelon ændres.

    Eksempel: handleplan serve, og åbn http://127.0.0.1:8000 i browseren.
    """
    day = day_of(today)
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.addHandler(logging.StreamHandler())  # "Serving on …" and reloads
    serve_site(root, day, dev_addr, report=lambda text: click.echo(text, err=True))


@main.command()
@click.argument("base", metavar="FRA")
@click.argument("head", required=False, metavar="[TIL]")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown til pull requests og styregruppen, json til maskiner.",
)
@today_option
@click.pass_obj
@handle_errors
def diff(root: Path, base: str, head: str | None, output_format: str, today: dt.date | None) -> None:
    """Vis ændringerne i porteføljen mellem to git-revisioner.

    FRA og TIL er git-revisioner (en commit, en gren, et tag). Uden TIL
    sammenlignes med arbejdskopien. Filerne læses fra git, så intet skal
    tjekkes ud.

    Eksempel: handleplan diff origin/main
    """
    day = day_of(today)
    old = portfolio_from_sources(root, files_at(root, base), today=day)
    if head is None:
        new = load_portfolio(root, today=day)
    else:
        new = portfolio_from_sources(root, files_at(root, head), today=day)
    changes = diff_portfolios(old, new, base, head or WORKING_TREE)
    if output_format == "json":
        click.echo(json.dumps(diff_as_json(changes), ensure_ascii=False, indent=2))
    else:
        click.echo(diff_as_markdown(changes), nl=False)


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="xlsx til Excel, csv (UTF-8 med BOM) eller json.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Filen, der skrives; standard er handleplan.<format> i den aktuelle mappe. '-' skriver til stdout.",
)
@click.option(
    "--delimiter",
    type=click.Choice([";", ","]),
    default=";",
    show_default=True,
    help="Skilletegn i CSV; ';' passer til dansk Excel.",
)
@today_option
@click.pass_obj
@handle_errors
def export(root: Path, output_format: str, output: Path | None, delimiter: str, today: dt.date | None) -> None:
    """Eksportér handleplanen med én række pr. projekt og overholdelsesstatus.

    Eksempel: handleplan export --format xlsx --output handleplan.xlsx
    """
    day = day_of(today)
    history, portfolio = checked_portfolio(
        root, day, not_done="Intet er eksporteret", with_changes=False
    )  # the export shows no history
    content = export_portfolio(build_site_data(portfolio, day, history), output_format, delimiter)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(content)
        return
    target = output or Path(f"handleplan.{output_format}")
    write_atomically(target, content)
    click.echo(f"Skrev {len(portfolio.projects)} projekter til {target}.")


@main.command()
@click.option(
    "--since",
    type=DAY,
    default=None,
    help="Vis ændringer fra denne dato (DD-MM-ÅÅÅÅ); standard er første dag i forrige måned.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Skriv rapporten til denne fil i stedet for til skærmen.",
)
@today_option
@click.pass_obj
@handle_errors
def report(root: Path, since: dt.date | None, output: Path | None, today: dt.date | None) -> None:
    """Statusrapport til styregruppen, pr. fokusområde, som Markdown.

    Viser projekter efter status, hvad der kræver handling, forventede og
    realiserede gevinster og ændringerne siden en dato (fra git), og hvordan
    antallet af projekter med fejl, med advarsler og i orden har udviklet sig
    måned for måned og siden datoen. Samme rapport ligger på intranettet som en
    side, der kan udskrives.

    Eksempel: handleplan report --since 2026-10-01 --output statusrapport.md
    """
    day = day_of(today)
    history, portfolio = checked_portfolio(root, day, not_done="Statusrapporten er ikke lavet")
    text = render_report(portfolio.root, build_site_data(portfolio, day, history), since)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text.encode("utf-8"))
        click.echo(f"Skrev statusrapporten til {output}.")


@main.command()
@click.option("--check", is_flag=True, help="Skriv intet; afslut med 1, hvis de gemte filer er forældede.")
@click.pass_obj
@handle_errors
def schema(root: Path, check: bool) -> None:
    """Skriv de filer, der laves ud fra datamodellen og focus_areas.yaml.

    Det er JSON-skemaerne i schema/, som editorer bruger til at foreslå felter og
    vise forklaringer, mens man skriver, og formularen til nye projekter i
    .github/ISSUE_TEMPLATE/. Kør kommandoen, når fokusområder, fagområder eller
    felter er ændret, og commit resultatet.

    Eksempel: handleplan schema --check
    """
    changed = stale_generated_files(root) if check else write_generated_files(root)
    for path in changed:
        click.echo(f"{'Forældet' if check else 'Skrev'}: {relative_path(root, path)}")
    if check and changed:
        raise click.ClickException(stale_note(root, changed))
    if not changed:
        click.echo("De genererede filer er opdaterede.")


@main.command()
@click.option("--check", "dry_run", is_flag=True, help="Vis, hvad der ville blive ændret, uden at skrive noget.")
@today_option
@click.pass_obj
@handle_errors
def migrate(root: Path, dry_run: bool, today: dt.date | None) -> None:
    """Flyt de aktive projekter til det nyeste programs fokusområder.

    Bruger mappingen i focus_areas.yaml: svarer et fokusområde til ét nyt, skiftes
    det ud; svarer det til flere, skrives en TODO-kommentar i filen, så
    projektlederen vælger. De gamle fokusområder gemmes under earlier_focus_areas,
    så arkivet bevarer dem, og afsluttede projekter beholder deres. Er det nyeste
    program en kladde, tages det i brug. Gennemgå ændringerne med git diff, og send
    dem som et ændringsforslag.

    Eksempel: handleplan migrate --check
    """
    day = day_of(today)
    portfolio = load_portfolio(root, today=day)
    if portfolio.programme is None:
        raise InvalidProgramme(errors=len(portfolio.programme_file.errors))
    plan = plan_migration(portfolio)
    for line in migration_lines(plan):
        click.echo(one_line(line))
    if dry_run:
        click.echo("Tørkørsel: intet er skrevet.")
        return
    written = apply_migration(portfolio.root, plan)
    after = load_portfolio(root, today=day)
    errors = after.error_count
    click.echo(
        f"Skrev {len(written)} {'fil' if len(written) == 1 else 'filer'}. "
        + (
            "Efter flytningen er der ingen fejl."
            if not errors
            else f"Efter flytningen er der {errors} fejl: kør 'handleplan validate', og lad projektlederne vælge."
        )
    )
    click.echo(
        "Gennemgå ændringerne med 'git diff', og send dem som et ændringsforslag (pull request), "
        "som programgruppen godkender."
    )


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


main.add_command(new_command)
main.add_command(from_issue_command)
