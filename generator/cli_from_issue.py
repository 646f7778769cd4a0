"""`handleplan from-issue`: the answers of the "Nyt projekt" issue form become a project file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.cli_common import DanishCommand, day_of, handle_errors, today_option
from generator.docs_folder import write_atomically
from generator.errors import HandleplanError
from generator.from_issue import MAX_BODY_BYTES, comment_text, failure_comment, project_from_issue
from generator.portfolio import PROJECT_SUFFIX, PROJECTS_DIR


@click.command("from-issue", cls=DanishCommand)
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    show_default=True,
    help="Filen med issuets tekst, som GitHub viser formularens svar; '-' læser fra standard input.",
)
@click.option(
    "--issue", type=click.IntRange(min=1), default=None, help="Issuets nummer; nævnes i projektfilen og kommentaren."
)
@click.option(
    "--comment-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Skriv også kommentaren til issuet (Markdown) i denne fil.",
)
@today_option
@click.pass_obj
@handle_errors
def from_issue_command(
    root: Path, body_file: Path, issue: int | None, comment_file: Path | None, today: dt.date | None
) -> None:
    """Lav et projekt ud fra svarene i formularen 'Nyt projekt' på GitHub.

    Læser issuets tekst, tjekker projektet, som 'handleplan validate' gør, og
    skriver projects/<id>.yaml med et id dannet af titlen. Viser en kommentar
    til issuet (Markdown) med det, der er lavet, eller det, der skal rettes.
    Afslutter med 0, når filen er skrevet (advarsler tæller ikke), og med 1 ved
    fejl; så skrives ingen projektfil.

    Eksempel: handleplan from-issue --body-file issue.md --issue 12 --comment-file kommentar.md
    """
    try:
        body = _read_body(body_file)
        result = project_from_issue(root, body, today=day_of(today), issue=issue)
    except HandleplanError as error:
        if comment_file is not None:
            write_atomically(comment_file, failure_comment(error).encode("utf-8"))
        raise
    text = comment_text(result, issue=issue)
    if comment_file is not None:
        write_atomically(comment_file, text.encode("utf-8"))
    click.echo(text, nl=False)
    if result.path is None:
        sys.exit(1)
    click.echo(f"Skrev {PROJECTS_DIR}/{result.project_id}{PROJECT_SUFFIX}.")


def _read_body(body_file: Path) -> bytes:
    """The body's bytes, at most one past the limit, so a huge input is refused unread."""
    if str(body_file) == "-":
        return sys.stdin.buffer.read(MAX_BODY_BYTES + 1)
    with body_file.open("rb") as stream:
        return stream.read(MAX_BODY_BYTES + 1)
