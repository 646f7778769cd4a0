"""JSON Schemas for editors, generated from the models: the models stay the one source.

Editors' YAML support (yaml-language-server, in VS Code and others) shows a field's
`title` and `description` on hover and in completion, `enumDescriptions` beside each
choice, and a schema's `errorMessage` or `patternErrorMessage` instead of its own
English message. pydantic's schema is reshaped for that:

- every `$ref` is inlined, so a section carries the Danish title of the field that
  holds it, never a class name;
- `anyOf: [X, {type: null}]` becomes X that also allows null: the server joins the
  titles of `anyOf` branches into "Start || Start";
- every choice has a Danish description: an enum's `label`, a tagged union's tag
  its field's description, the programme's names for its ids;
- every check carries the message `handleplan validate` gives for it (the rule
  catalogue and schema.messages). A schema has one `errorMessage` for all its
  checks, so an object's type and unknown-key checks are `allOf` parts of their own.

What the server says without asking the schema stays English: lengths, numeric
bounds, YAML syntax errors and the headings "Allowed Values", "Example" and "Source".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from schema.catalogue import rule_catalogue
from schema.messages import DETAILS, GENERIC_FORM, display_path
from schema.programme import Programme
from schema.project import Project
from schema.typing_tools import flatten, is_model

DIALECT = "https://json-schema.org/draft/2020-12/schema"

KeyPath = tuple[str, ...]
Choices = Mapping[KeyPath, Mapping[str, str]]

_NULL = {"type": "null"}
# The type each JSON type is checked as, in validate's words (schema.messages).
_TYPE_DETAILS = {
    "string": "string_type",
    "integer": "int_type",
    "number": "float_type",
    "boolean": "bool_type",
    "array": "list_type",
    "object": "model_type",
}


def project_json_schema(programme: Programme | None = None) -> dict[str, Any]:
    """The project file's JSON Schema; with a programme, its focus areas and anchorings as choices."""
    choices: Choices = {} if programme is None else {(key,): names for key, names in programme.names_by_field.items()}
    return _editor_schema(
        Project,
        choices,
        "Projekt i handleplanen",
        "Et digitaliseringsprojekt i handleplanen: én fil pr. projekt i projects/.",
    )


def programme_json_schema() -> dict[str, Any]:
    """The JSON Schema of focus_areas.yaml."""
    return _editor_schema(
        Programme,
        {},
        "Digitaliseringsprogrammet",
        "Programmet som data: navn, periode, fokusområder og fagområder.",
    )


def dump_schema(schema: dict[str, Any]) -> str:
    """The schema as the committed file holds it: stable, readable, ending in a newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _editor_schema(model: type[BaseModel], choices: Choices, title: str, description: str) -> dict[str, Any]:
    raw = model.model_json_schema()
    shaper = _Shaper(raw.pop("$defs", {}), _enum_labels(model), choices)
    # The models' docstrings are English notes for developers; the editor shows Danish.
    raw.pop("description", None)
    shaped = shaper.shape({**raw, "title": title}, (), title)
    return {"$schema": DIALECT, "title": title, "description": description, **shaped}


@dataclass(frozen=True)
class _Shaper:
    """Reshapes pydantic's JSON Schema for yaml-language-server, one node at a time."""

    definitions: dict[str, Any]
    enum_labels: dict[tuple[Any, ...], list[str]]
    choices: Choices

    def shape(self, node: dict[str, Any], path: KeyPath, title: str, nullable: bool = False) -> dict[str, Any]:
        """The node for the editor; `title` is the closest Danish title, for messages."""
        node = dict(node)
        if "$ref" in node:
            return self.shape(self._definition(node.pop("$ref"), node), path, title, nullable)
        branches = node.get("anyOf")
        if isinstance(branches, list) and _NULL in branches and len(branches) == 2:
            del node["anyOf"]
            inner = next(branch for branch in branches if branch != _NULL)
            return self.shape({**inner, **node}, path, title, nullable=True)
        title = node.get("title") or title
        node.pop("discriminator", None)  # OpenAPI's, not JSON Schema's; its mapping names the inlined $defs
        if "default" in node and (node["default"] is None or isinstance(node["default"], list | dict)):
            del node["default"]  # offered as a "Default value" to pick: noise for an empty section
        if "const" in node:  # a union's tag: a choice of one, described by its field
            node["enum"] = [node.pop("const")]
            node["enumDescriptions"] = [_without_value_prefix(node.get("description", ""), node["enum"][0])]
        if "oneOf" in node:
            return self._union(node, path, title, nullable)
        if node.get("type") == "object":
            return self._object(node, path, title, nullable)
        if node.get("type") == "array":
            return self._array(node, path, title, nullable)
        return self._scalar(node, path, nullable)

    def _definition(self, ref: str, siblings: dict[str, Any]) -> dict[str, Any]:
        name = ref.rsplit("/", 1)[-1]
        target = copy.deepcopy(self.definitions[name])
        target.pop("description", None)  # the class docstring, in English
        if not siblings and target.get("title") == name:
            del target["title"]  # a class name, such as a list item's "FocusArea"
        return {**target, **siblings}

    def _object(self, node: dict[str, Any], path: KeyPath, title: str, nullable: bool) -> dict[str, Any]:
        properties = {
            name: self.shape(schema, (*path, name), schema.get("title") or name)
            for name, schema in node.pop("properties", {}).items()
        }
        required = node.pop("required", [])
        closed = node.pop("additionalProperties", None) is False
        node.pop("type")
        # A mapping with free keys (a dict field, such as earlier_focus_areas): its values shaped as any field.
        patterns = node.pop("patternProperties", None)
        if patterns:
            node["patternProperties"] = {key: self.shape(value, path, title) for key, value in patterns.items()}
        shaped: dict[str, Any] = {**node, "properties": properties}
        # yaml-language-server fills in the required keys when it completes the section's key.
        if required:
            shaped["required"] = required
            shaped["errorMessage"] = _missing(path, title, {name: properties[name] for name in required})
        parts: list[dict[str, Any]] = [
            {"type": ["object", "null"] if nullable else "object", "errorMessage": _invalid(path, "object")}
        ]
        if closed:
            parts.append(
                {
                    "properties": dict.fromkeys(properties, True),
                    "additionalProperties": False,
                    "errorMessage": _unknown(title, list(properties)),
                }
            )
        shaped["allOf"] = parts
        return shaped

    def _array(self, node: dict[str, Any], path: KeyPath, title: str, nullable: bool) -> dict[str, Any]:
        node["items"] = self.shape(node["items"], path, title)
        node["errorMessage"] = _invalid(path, "array")
        if nullable:
            node["type"] = ["array", "null"]
        least = node.pop("minItems", None)
        if least:  # minItems has no message of the schema's own; `contains` has
            too_short = DETAILS["too_short"].format(min_length=least)
            node["allOf"] = [{"contains": {}, "minContains": least, "errorMessage": _message(path, too_short)}]
        return node

    def _union(self, node: dict[str, Any], path: KeyPath, title: str, nullable: bool) -> dict[str, Any]:
        branches = []
        for branch in node.pop("oneOf"):
            raw = self._inlined(branch)
            raw.pop("title", None)  # the hover shows the field's title, once
            tag = _tag(raw)
            label = title if tag is None else f"{title} ({tag[0]}: {_yaml(tag[1])})"
            branches.append(self.shape(raw, path, label))
        # The tag's every value, said on the union too: completion offers the values of
        # the member that fits best, and before the tag is written, that is any one.
        tags = {}
        for key, values in _tags(branches).items():
            message = _message((*path, key), _choice_detail(values))
            for branch in branches:
                branch["properties"][key]["errorMessage"] = message
            tags[key] = {
                "title": branches[0]["properties"][key].get("title", key),
                "enum": list(values),
                "enumDescriptions": list(values.values()),
                "errorMessage": message,
            }
        wrong_type = _invalid(path, "object")
        if nullable:
            branches.append({**_NULL, "errorMessage": wrong_type})
        # The type, said here too, makes completing the key open a section.
        kind = ["object", "null"] if nullable else "object"
        return {**node, "type": kind, "errorMessage": wrong_type, "properties": tags, "oneOf": branches}

    def _inlined(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node with its `$ref` inlined, not yet shaped."""
        node = dict(node)
        return self._definition(node.pop("$ref"), node) if "$ref" in node else node

    def _scalar(self, node: dict[str, Any], path: KeyPath, nullable: bool) -> dict[str, Any]:
        choices = self.choices.get(path)
        if choices is not None:
            node["enum"] = list(choices)
            node["enumDescriptions"] = list(choices.values())
        if "enum" in node:
            return self._choice(node, path, nullable)
        kind = node.get("type")
        form = node.pop("patternErrorMessage", None)
        if isinstance(form, str):  # "Skal være …." from the type's metadata (schema.common.form)
            detail = form[0].lower() + form[1:].removesuffix(".")
            node["patternErrorMessage"] = node["errorMessage"] = _message(path, detail)
        else:
            node["errorMessage"] = _invalid(path, "date" if node.get("format") == "date" else str(kind))
            if "pattern" in node:
                node["patternErrorMessage"] = _message(path, GENERIC_FORM)
            elif kind == "string" and node.get("minLength") == 1:
                # The texts are stripped, so "not empty" means a visible character; and a
                # pattern, unlike minLength, may carry a message of its own.
                del node["minLength"]
                node["pattern"] = r"\S"
                node["patternErrorMessage"] = _message(path, DETAILS["string_too_short"])
        if nullable and kind is not None:
            node["type"] = [kind, "null"]
        return node

    def _choice(self, node: dict[str, Any], path: KeyPath, nullable: bool) -> dict[str, Any]:
        values = node["enum"]
        descriptions = node.get("enumDescriptions") or self.enum_labels.get(tuple(values))
        for implied in ("type", "minLength", "maxLength", "pattern"):
            node.pop(implied, None)  # the choices say it, and a second check would say it twice
        if descriptions:
            node["enumDescriptions"] = list(descriptions)
        named = dict(zip(values, descriptions or [""] * len(values), strict=True))
        node["errorMessage"] = _message(path, _choice_detail(named))
        if nullable:
            node["enum"] = [*values, None]
            if descriptions:
                node["enumDescriptions"].append("")
        return node


def _enum_labels(model: type[BaseModel]) -> dict[tuple[Any, ...], list[str]]:
    """The Danish label of every value of each enum the model uses, by the enum's values."""
    labels: dict[tuple[Any, ...], list[str]] = {}
    for candidate in _reachable(model):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            names = [getattr(member, "label", None) for member in candidate]
            if all(isinstance(name, str) for name in names):
                labels[tuple(member.value for member in candidate)] = [str(name) for name in names]
    return labels


def _reachable(model: type[BaseModel]) -> Iterator[Any]:
    """Every type the model's fields may hold, through sections and lists."""
    seen: set[Any] = set()
    waiting: list[Any] = [model]
    while waiting:
        candidate = waiting.pop()
        if candidate in seen:
            continue
        seen.add(candidate)
        yield candidate
        if is_model(candidate):
            for info in candidate.model_fields.values():
                waiting.extend(_member_types(info.annotation))


def _member_types(annotation: Any) -> Iterator[Any]:
    for candidate in flatten(annotation):
        if get_origin(candidate) is list:
            yield from _member_types(get_args(candidate)[0])
        else:
            yield candidate


def _tag(branch: dict[str, Any]) -> tuple[str, Any] | None:
    """The key and value a union member is chosen by: its one property with a constant."""
    for key, schema in branch.get("properties", {}).items():
        if isinstance(schema, dict) and "const" in schema:
            return key, schema["const"]
    return None


def _tags(branches: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """For the key that chooses a union member: every member's value and description."""
    tags: dict[str, dict[Any, str]] = {}
    for branch in branches:
        for key, schema in branch.get("properties", {}).items():
            if len(schema.get("enum", ())) == 1 and all(key in b.get("properties", {}) for b in branches):
                tags.setdefault(key, {})[schema["enum"][0]] = schema.get("enumDescriptions", [""])[0]
    return tags


def _message(path: KeyPath, detail: str) -> str:
    """A value's message as `handleplan validate` words it (HP012)."""
    return rule_catalogue()["HP012"].format_message(key=display_path(path), detail=detail, hint="")


def _invalid(path: KeyPath, kind: str) -> str:
    """The message for a value of the wrong JSON type (or, for "date", form)."""
    return _message(path, DETAILS["date_type" if kind == "date" else _TYPE_DETAILS.get(kind, "string_type")])


def _missing(path: KeyPath, title: str, required: dict[str, dict[str, Any]]) -> str:
    """A section's one message for any of its required keys missing (HP011)."""
    rule = rule_catalogue()["HP011"]
    if len(required) == 1:
        return rule.format_message(key=display_path((*path, next(iter(required)))))
    keys = [f"{name} ({schema.get('title', name)})" for name, schema in required.items()]
    return f"{rule.title}: {title} skal have {_join(keys, 'og')}."


def _unknown(title: str, keys: list[str]) -> str:
    """A section's one message for a key it does not have (HP010)."""
    return f"{rule_catalogue()['HP010'].title}: {title} kan kun have felterne {_join(keys, 'og')}."


def _choice_detail(choices: Mapping[Any, str]) -> str:
    """ "skal være en af: idea (Idé), … eller cancelled (Stoppet)", as validate says it."""
    named = [f"{_yaml(value)} ({name.removesuffix('.')})" if name else _yaml(value) for value, name in choices.items()]
    return DETAILS["enum"].format(expected=_join(named, "eller"))


def _without_value_prefix(description: str, value: Any) -> str:
    """ "true: projektet følger …" reads "projektet følger …" beside the value true."""
    return description.removeprefix(f"{_yaml(value)}: ")


def _yaml(value: Any) -> str:
    """A value as it is written in YAML."""
    return value if isinstance(value, str) else json.dumps(value)


def _join(items: list[str], last: str) -> str:
    """ "a, b og c" (or "eller")."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"
