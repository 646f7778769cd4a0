"""Write the editor JSON Schemas into schema/, from the models and the programme."""

from __future__ import annotations

from pathlib import Path

from generator.errors import InvalidProgramme
from generator.portfolio import load_programme
from schema.jsonschema import dump_schema, programme_json_schema, project_json_schema

SCHEMA_DIR = "schema"
PROJECT_SCHEMA = "project.schema.json"
PROGRAMME_SCHEMA = "programme.schema.json"


def expected_schemas(root: Path) -> dict[Path, str]:
    """The schema files as the models and focus_areas.yaml make them now, by path.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    programme_file, programme = load_programme(root)
    if programme is None:
        raise InvalidProgramme(errors=len(programme_file.errors))
    directory = root / SCHEMA_DIR
    return {
        directory / PROJECT_SCHEMA: dump_schema(project_json_schema(programme)),
        directory / PROGRAMME_SCHEMA: dump_schema(programme_json_schema()),
    }


def write_schemas(root: Path, *, check_only: bool = False) -> list[Path]:
    """Write the schema files that differ from what the models make; return their paths.

    With `check_only`, nothing is written: the returned paths are the stale ones.

    Raises:
        InvalidProgramme: focus_areas.yaml has errors.
    """
    stale = []
    for path, text in expected_schemas(root).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not check_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return stale
