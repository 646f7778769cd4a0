"""JSON Schemas for editors, generated from the models: the models stay the one source."""

from __future__ import annotations

import json
from typing import Any

from schema.programme import Programme
from schema.project import Project

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def project_json_schema(programme: Programme | None = None) -> dict[str, Any]:
    """The project file's JSON Schema; with a programme, its focus areas and anchorings as choices."""
    schema = _with_dialect(
        Project.model_json_schema(),
        "Projekt i handleplanen",
        "Et digitaliseringsprojekt i handleplanen: én fil pr. projekt i projects/.",
    )
    if programme is not None:
        properties = schema["properties"]
        areas = programme.focus_areas_by_id
        _offer_choices(properties["focus_areas"]["items"], {a.id: a.title for a in areas.values()})
        _offer_choices(properties["anchoring"], programme.anchorings)
    return schema


def programme_json_schema() -> dict[str, Any]:
    """The JSON Schema of focus_areas.yaml."""
    return _with_dialect(
        Programme.model_json_schema(),
        "Digitaliseringsprogrammet",
        "Programmet som data: navn, periode, fokusområder og fagområder.",
    )


def dump_schema(schema: dict[str, Any]) -> str:
    """The schema as the committed file holds it: stable, readable, ending in a newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _with_dialect(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    # The models' docstrings are English notes for developers; editors show the
    # Danish field descriptions instead.
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def _offer_choices(property_schema: dict[str, Any], choices: dict[str, str]) -> None:
    property_schema["enum"] = list(choices)
    listing = "; ".join(f"{key}: {name}" for key, name in choices.items())
    property_schema["description"] = f"Mulige værdier - {listing}."
