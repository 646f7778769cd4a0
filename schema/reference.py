"""The field reference of a model, for the site's guide: generated, never written twice.

What a field is (title, description, example) comes from the model; from when it
is required comes from the rule catalogue (`requires`), so neither is said twice.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from schema.catalogue import AppliesTo, Severity, rule_catalogue
from schema.typing_tools import is_model

ALWAYS = "Altid"
FROM_START_UP = "Fra opstart"
RECOMMENDED = "Anbefales"
IN_SECTION = "Ja"
NOT_REQUIRED = "Nej"


@dataclass(frozen=True)
class FieldDoc:
    """One field as the guide shows it.

    `required` says when the field must be filled in: always, from start-up, under
    a condition, or (nested) whenever its section is there. `variant` names the
    alternative a field belongs to, such as "model: small_project".
    """

    path: str
    title: str
    kind: str
    required: str
    description: str
    example: str | None = None
    variant: str | None = None


def field_reference(model: type[BaseModel], prefix: str = "", variant: str | None = None) -> list[FieldDoc]:
    """Every field of the model and its sub-models, depth first, in declaration order."""
    docs: list[FieldDoc] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        docs.append(_doc(path, info, top_level=not prefix, variant=variant))
        members = _sub_models(info.annotation)
        alternatives = _alternatives(members)
        if alternatives is not None:
            key, by_tag = alternatives
            docs.append(_choice_doc(f"{path}.{key}", by_tag, docs[-1].required))
            for tag, member in by_tag.items():
                docs.extend(
                    doc
                    for doc in field_reference(member, f"{path}.", variant=f"{key}: {tag}")
                    if doc.path != f"{path}.{key}"
                )
            continue
        seen: set[type[BaseModel]] = set()
        for sub_model, in_list in members:
            if sub_model not in seen:
                seen.add(sub_model)
                docs.extend(field_reference(sub_model, f"{path}[]." if in_list else f"{path}.", variant))
    return docs


def _doc(path: str, info: FieldInfo, *, top_level: bool, variant: str | None) -> FieldDoc:
    example = info.examples[0] if info.examples else None
    return FieldDoc(
        path=path,
        title=info.title or path,
        kind=describe_type(info.annotation),
        required=requirement(path, info, top_level=top_level),
        description=info.description or "",
        example=None if example is None else _as_yaml(example),
        variant=variant,
    )


def requirement(path: str, info: FieldInfo, *, top_level: bool = True) -> str:
    """When the field at `path` must be filled in, in Danish: 'Altid', 'Fra opstart', a condition, 'Nej'."""
    for rule in rule_catalogue().values():
        if path not in rule.requires:
            continue
        if rule.severity is Severity.WARNING:
            return RECOMMENDED
        if rule.when:
            return rule.when
        return FROM_START_UP if rule.applies_to is AppliesTo.PAST_IDEA else ALWAYS
    if info.is_required():
        return ALWAYS if top_level else IN_SECTION
    return NOT_REQUIRED


def _choice_doc(path: str, by_tag: dict[str, type[BaseModel]], required: str) -> FieldDoc:
    """The one row for the key that chooses between alternatives, each alternative named."""
    tags = list(by_tag)
    choices = "; ".join(f"{tag}: {member.model_config.get('title') or tag}" for tag, member in by_tag.items())
    return FieldDoc(
        path=path,
        title="Vælg én",
        kind=" eller ".join(tags),
        required=IN_SECTION if required != NOT_REQUIRED else NOT_REQUIRED,
        description=f"{choices}. Felterne herunder hører til det valgte.",
        example=tags[0],
    )


def _alternatives(members: list[tuple[type[BaseModel], bool]]) -> tuple[str, dict[str, type[BaseModel]]] | None:
    """The discriminator key and the models it chooses between, for a tagged union of models."""
    if len(members) < 2:
        return None
    keys = {_discriminator(member) for member, _ in members}
    if len(keys) != 1 or None in keys:
        return None
    key = keys.pop()
    assert key is not None
    by_tag = {_as_yaml(get_args(member.model_fields[key].annotation)[0]): member for member, _ in members}
    return key, by_tag


def _discriminator(model: type[BaseModel]) -> str | None:
    for name, info in model.model_fields.items():
        if get_origin(info.annotation) is Literal:
            return name
    return None


def _as_yaml(value: Any) -> str:
    """A value as it is written in a project file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_as_yaml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_as_yaml(key)}: {_as_yaml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, str) and value[:1].isdigit():
        return json.dumps(value, ensure_ascii=False) if "." in value[:3] else value  # KLE numbers are quoted
    return str(value)


def describe_type(annotation: Any) -> str:
    """A Danish description of what a field holds, e.g. 'liste af tekst'."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return describe_type(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        kinds = [describe_type(arg) for arg in get_args(annotation) if arg is not type(None)]
        return " eller ".join(dict.fromkeys(kinds))
    if origin is list:
        return f"liste af {describe_type(get_args(annotation)[0])}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"afsnit, hvor hver nøgle ({describe_type(key)}) har en {describe_type(value)}"
    if origin is Literal:
        return " eller ".join(_as_yaml(value) for value in get_args(annotation))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "afsnit med felter"
        if issubclass(annotation, Enum):
            return "en af: " + ", ".join(str(member.value) for member in annotation)
        if issubclass(annotation, bool):
            return "true eller false"
        if issubclass(annotation, int):
            return "heltal"
        if issubclass(annotation, dt.date):
            return "dato (ÅÅÅÅ-MM-DD)"
        if issubclass(annotation, str):
            return "tekst"
    return str(annotation)


def _sub_models(annotation: Any, in_list: bool = False) -> list[tuple[type[BaseModel], bool]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _sub_models(get_args(annotation)[0], in_list)
    if origin is Union or origin is types.UnionType:
        return [found for arg in get_args(annotation) for found in _sub_models(arg, in_list)]
    if origin is list:
        return _sub_models(get_args(annotation)[0], True)
    if is_model(annotation):
        return [(annotation, in_list)]
    return []
