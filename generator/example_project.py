"""An example project that keeps every rule on any day: the guide's, from the model's own examples.

Each field's example comes from the model (`examples=`), the ids from the
programme, and the dates are moved with the day the site is built, so the
example never warns that its end date has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from schema.catalogue import rule_catalogue
from schema.programme import Programme
from schema.project import Project
from schema.typing_tools import flatten, is_model

# The day the model's date examples are written around: each example date keeps its distance to it.
EXAMPLES_WRITTEN_FOR = dt.date(2026, 3, 1)


def example_project(programme: Programme, today: dt.date) -> dict[str, Any]:
    """A valid project in start-up, as plain data the way a project file holds it."""
    shift = today - EXAMPLES_WRITTEN_FOR
    data = _example_of(Project, "", shift)
    data.update(
        status="startup",
        focus_areas=[next(iter(programme.focus_areas_by_id))],
        anchoring=programme.departments[0].id,
    )
    user, _, domain = programme.example_email.partition("@")
    for person in ("owner", "lead"):
        local = str(data[person]["email"]).partition("@")[0]
        data[person]["email"] = f"{local}@{domain}" if user else data[person]["email"]
    return data


def _example_of(model: type[BaseModel], prefix: str, shift: dt.timedelta) -> dict[str, Any]:
    wanted = _fields_the_rules_ask_for()
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        kinds = flatten(info.annotation)
        members = [m for m in kinds if is_model(m)]
        items = [m for t in kinds if get_origin(t) is list for m in flatten(get_args(t)[0]) if is_model(m)]
        needed = info.is_required() or path in wanted
        literal = next((t for t in kinds if get_origin(t) is Literal), None)
        if literal is not None:
            data[name] = get_args(literal)[0]  # the key that chooses between alternatives
        elif members and needed:
            data[name] = _example_of(members[0], f"{path}.", shift)  # of alternatives, the first
            continue
        elif items and needed:
            data[name] = [_example_of(items[0], f"{path}.", shift)]
            continue
        if name in data or not info.examples:
            continue
        example = info.examples[0]
        is_date = dt.date in flatten(info.annotation)
        if needed or is_date or prefix:
            data[name] = _moved(example, shift) if is_date else example
    return data


def _moved(example: Any, shift: dt.timedelta) -> dt.date:
    return dt.date.fromisoformat(str(example)) + shift


def _fields_the_rules_ask_for() -> set[str]:
    """Every key path a rule requires (and the sections holding them), so the example breaks none."""
    paths: set[str] = set()
    for rule in rule_catalogue().values():
        for path in rule.requires:
            if rule.when:  # required only under a condition the example does not meet
                continue
            parts = path.split(".")
            paths |= {".".join(parts[: i + 1]) for i in range(len(parts))}
    return paths
