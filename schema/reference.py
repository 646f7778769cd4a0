"""The field reference of a model, for the site's guide: generated, never written twice."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel


@dataclass(frozen=True)
class FieldDoc:
    """One field as the guide shows it."""

    path: str
    title: str
    kind: str
    required: bool
    description: str


def field_reference(model: type[BaseModel], prefix: str = "") -> list[FieldDoc]:
    """Every field of the model and its sub-models, depth first, in declaration order."""
    docs: list[FieldDoc] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        docs.append(
            FieldDoc(
                path=path,
                title=info.title or name,
                kind=describe_type(info.annotation),
                required=info.is_required(),
                description=info.description or "",
            )
        )
        seen: set[type[BaseModel]] = set()
        for sub_model, in_list in _sub_models(info.annotation):
            if sub_model in seen:
                continue
            seen.add(sub_model)
            docs.extend(field_reference(sub_model, f"{path}[]." if in_list else f"{path}."))
    return docs


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
    if origin is Literal:
        return " eller ".join(_literal(value) for value in get_args(annotation))
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


def _literal(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _sub_models(annotation: Any, in_list: bool = False) -> list[tuple[type[BaseModel], bool]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _sub_models(get_args(annotation)[0], in_list)
    if origin is Union or origin is types.UnionType:
        return [found for arg in get_args(annotation) for found in _sub_models(arg, in_list)]
    if origin is list:
        return _sub_models(get_args(annotation)[0], True)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, in_list)]
    return []
