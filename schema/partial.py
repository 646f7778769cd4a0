"""A project that could only partly be read, so the programme's rules still see what could.

A shape error in one field must not hide the rules for the rest of the file: a
lead should see every problem in the first run. The broken parts are cut out of
the data at the nearest optional key above them, the rest is validated, and the
result is wrapped so that a rule touching a cut-out part raises
`FieldUnavailable` — the rule is then skipped, and nothing is reported twice.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from enum import Enum
from functools import cache
from typing import Any, Optional, cast

from pydantic import BaseModel, ValidationError, create_model

from schema.catalogue import Finding, Loc
from schema.choices import match
from schema.errors import FieldUnavailable
from schema.project import Project
from schema.typing_tools import flatten, is_model

# Findings whose location names a part of the file that could not be read.
_BROKEN_CODES = frozenset({"HP011", "HP012"})


def partial_project(data: dict[str, Any], findings: Iterable[Finding]) -> Project | None:
    """The readable part of a project whose validation gave `findings`, or None if nothing sensible is left.

    The returned object behaves as a Project for the rules; reading a broken
    part raises FieldUnavailable.
    """
    data = copy.deepcopy(data)
    unavailable: set[Loc] = set()
    for found in findings:
        if found.code == "HP010" and found.at_key:
            _delete(data, found.loc)  # an unknown key: drop it alone
            meant = _meant_key(found)
            if meant is not None and _get(data, meant) is _MISSING:
                unavailable.add(meant)  # "sigoffs:" meant signoffs: don't also say signoffs are missing
        elif found.code in _BROKEN_CODES and found.loc:
            if found.loc == ("status",) and _read_as_choice(data, "status"):
                continue  # "Gennemførelse" meant execution: judge the rules as for execution
            cut = removable_prefix(found.loc)
            _delete(data, cut)
            unavailable.add(cut)
    try:
        readable = _lenient_project().model_validate(data)
    except ValidationError:
        return None  # should not happen: every reported part was cut out
    return cast(Project, _Partial(readable, frozenset(unavailable), ()))


def removable_prefix(loc: Loc) -> Loc:
    """The key path nearest above `loc` (or `loc` itself) that may be left out of the file.

    Never a list item (that would shift the positions of the items after it):
    then the optional list itself, or failing that the top-level field.
    """
    model: Any = Project
    prefix: list[str | int] = []
    candidate: Loc = (loc[0],)
    for part in loc:
        if isinstance(part, int):
            break
        models = [m for m in flatten(model) if is_model(m) and part in m.model_fields]
        prefix.append(part)
        if not models:
            break
        info = models[0].model_fields[part]
        if not info.is_required():
            candidate = tuple(prefix)
        model = info.annotation
    return candidate


_MISSING = object()


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part, _MISSING)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return _MISSING
        if data is _MISSING:
            return data
    return data


def _delete(data: Any, loc: Loc) -> None:
    parent = _get(data, loc[:-1])
    if isinstance(parent, dict) and loc[-1] in parent:
        del parent[loc[-1]]


def _meant_key(found: Finding) -> Loc | None:
    # The hint of an unknown key reads " Mente du 'signoffs'?".
    start = found.message.find("Mente du '")
    if start < 0:
        return None
    meant = found.message[start + len("Mente du '") :].split("'", 1)[0]
    return (*found.loc[:-1], meant)


def _read_as_choice(data: dict[str, Any], key: str) -> bool:
    """Replace a top-level choice written as its Danish label with its id; True if that worked."""
    annotation = Project.model_fields[key].annotation
    value = data.get(key)
    if not (isinstance(annotation, type) and issubclass(annotation, Enum) and isinstance(value, str)):
        return False
    choices = {member.value: [getattr(member, "label", member.value)] for member in annotation}
    meant = match(value, choices)
    if meant is None:
        return False
    data[key] = meant
    return True


@cache
def _lenient_project() -> type[BaseModel]:
    """Project with every required field optional, so a file missing some can still be read."""
    optional: dict[str, Any] = {
        name: (Optional[info.annotation], None)  # noqa: UP045  # annotation is a runtime value
        for name, info in Project.model_fields.items()
        if info.is_required()
    }
    return create_model("Project", __base__=Project, **optional)


class _Partial:
    """A read-only view of a model that raises FieldUnavailable for the parts that were cut out."""

    __slots__ = ("_model", "_prefix", "_unavailable")

    def __init__(self, model: Any, unavailable: frozenset[Loc], prefix: Loc) -> None:
        self._model = model
        self._unavailable = unavailable
        self._prefix = prefix

    @property  # type: ignore[misc]  # isinstance() sees the wrapped model's class
    def __class__(self) -> type:
        return type(self._model)

    def __getattr__(self, name: str) -> Any:
        path = (*self._prefix, name)
        if path in self._unavailable:
            raise FieldUnavailable(".".join(str(p) for p in path))
        value = getattr(self._model, name)
        if isinstance(value, BaseModel) and any(loc[: len(path)] == path for loc in self._unavailable):
            return _Partial(value, self._unavailable, path)
        return value
