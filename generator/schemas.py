"""The files generated from the models and the programme: the editor JSON Schemas and the issue forms.

They are committed, so editors and GitHub find them; `handleplan schema` writes
them, and `validate`, `build` and `schema --check` notice when a committed copy no
longer matches focus_areas.yaml and the models.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.errors import InvalidProgramme
from generator.issue_form import expected_issue_forms
from generator.portfolio import usable_programme
from schema.jsonschema import dump_schema, programme_json_schema, project_json_schema

SCHEMA_DIR = "schema"
PROJECT_SCHEMA = "project.schema.json"
PROGRAMME_SCHEMA = "programme.schema.json"
# The command that writes them all, for the messages that say a copy is stale.
FIX_COMMAND = "handleplan schema"

Generator = Callable[[Path], dict[Path, str]]


def expected_schemas(root: Path) -> dict[Path, str]:
    """The schema files as the models and focus_areas.yaml make them now, by path.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    programme = usable_programme(root)
    directory = root / SCHEMA_DIR
    return {
        directory / PROJECT_SCHEMA: dump_schema(project_json_schema(programme)),
        directory / PROGRAMME_SCHEMA: dump_schema(programme_json_schema()),
    }


def expected_generated_files(root: Path) -> dict[Path, str]:
    """Every generated file as the models and focus_areas.yaml make it now, by path.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    files: dict[Path, str] = {}
    for generate in _generators():
        files.update(generate(root))
    return files


def stale_generated_files(root: Path, *, missing_too: bool = True) -> list[Path]:
    """The generated files whose committed copy differs from what they should be.

    Without `missing_too`, only files that exist count: a portfolio may keep none.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    return [
        path
        for path, text in expected_generated_files(root).items()
        if _current(path) != text and (missing_too or path.is_file())
    ]


def write_generated_files(root: Path) -> list[Path]:
    """Write the generated files that differ from what they should be; return their paths.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    written = []
    for path, text in expected_generated_files(root).items():
        if _current(path) == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


def stale_note(root: Path, stale: list[Path]) -> str:
    """The Danish note that generated files are stale, naming them and the command that fixes them."""
    names = [str(relative_path(root, path)) for path in stale]
    named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"
    return (
        f"{named} passer ikke længere til focus_areas.yaml og datamodellen; editoren og formularen til nye "
        f"projekter tilbyder derfor forkerte felter og valg. Kør '{FIX_COMMAND}' og commit resultatet."
    )


def drift_note(root: Path) -> str | None:
    """The stale note for committed generated files that differ, or None (also for a broken programme).

    A file that is not there is not reported: `schema --check` does that.
    """
    try:
        stale = stale_generated_files(root, missing_too=False)
    except InvalidProgramme:  # validate reports the programme's errors itself
        return None
    return stale_note(root, stale) if stale else None


def _generators() -> list[Generator]:
    return [expected_schemas, expected_issue_forms]


def _current(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def relative_path(root: Path, path: Path) -> Path:
    """The path as seen from the portfolio's root, as messages name it."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path
