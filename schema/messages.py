"""Turn pydantic's validation errors into findings with Danish messages."""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass, replace
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from schema.catalogue import Finding, Loc, finding
from schema.checks import did_you_mean
from schema.choices import suggest
from schema.common import PASTED_SPACES, TYPOGRAPHIC_ADVICE, typographically_quoted
from schema.typing_tools import flatten, is_model

# Danish wording for pydantic's error types; `{…}` are filled from the error's ctx.
# The editor's JSON Schema uses the same texts (schema/jsonschema.py).
DETAILS: dict[str, str] = {
    "string_type": "skal være tekst. Sæt teksten i anførselstegn, hvis den ligner et tal, en dato eller ja/nej",
    "string_too_short": "må ikke være tom",
    "string_too_long": "er for lang (højst {max_length} tegn)",
    "int_type": "skal være et helt tal uden punktum eller komma, fx 420000",
    "int_parsing": "skal være et helt tal",
    "int_from_float": "skal være et helt tal",
    "float_type": "skal være et tal",
    "bool_type": "skal være true eller false",
    "bool_parsing": "skal være true eller false",
    "date_type": "skal være en dato på formen ÅÅÅÅ-MM-DD",
    "date_parsing": "skal være en gyldig dato på formen ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "skal være en gyldig dato på formen ÅÅÅÅ-MM-DD",
    "date_from_datetime_inexact": "skal være en dato uden klokkeslæt (ÅÅÅÅ-MM-DD)",
    "list_type": "skal være en liste (en linje pr. element, der starter med '- ')",
    "model_type": "skal være et afsnit med felter (feltnavn: værdi)",
    "model_attributes_type": "skal være et afsnit med felter (feltnavn: værdi)",
    "dict_type": "skal være et afsnit med felter (feltnavn: værdi)",
    "enum": "skal være en af: {expected}",
    "literal_error": "skal være en af: {expected}",
    "union_tag_invalid": "skal være en af: {expected_tags}",
    "union_tag_not_found": "feltet {discriminator} mangler",
    "too_short": "skal have mindst {min_length} element(er)",
    "too_long": "må højst have {max_length} elementer",
    "greater_than_equal": "skal være mindst {ge}",
    "less_than_equal": "må højst være {le}",
    "frozen_instance": "kan ikke ændres",
}

# A value in the wrong place is explained by the form its field names (`form()` in schema.common).
GENERIC_FORM = "har ikke den rigtige form"
_QUOTE_TYPES = ("string_type",)


def findings_from_validation_error(error: ValidationError, model: type[BaseModel]) -> list[Finding]:
    """One finding per pydantic error, with the union tags taken out of its location."""
    return [_finding_from_error(details, model) for details in error.errors(include_url=False)]


def display_path(loc: Loc) -> str:
    """A key path as users read it: `governance.business_case.benefits[1].owner`.

    List items are counted from 1, as a project lead counts them.
    """
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(øverste niveau)"


def _finding_from_error(details: ErrorDetails, model: type[BaseModel]) -> Finding:
    kind = details["type"]
    if kind == "extra_forbidden":
        parent = _resolve_loc(model, details["loc"][:-1])
        key = str(details["loc"][-1])
        pasted = next((c for c in key if c in PASTED_SPACES), None)
        if pasted is not None:  # "\u00a0 email": a line indented with a pasted space
            hint = (
                f" Linjen er rykket ind med et {PASTED_SPACES[pasted]} (U+{ord(pasted):04X}) fra fx Word; slet "
                "indrykningen, og skriv den igen med almindelige mellemrum."
            )
        else:
            hint = did_you_mean(key, parent.allowed_keys)
        return finding("HP010", (*parent.loc, key), at_key=True, key=key.strip(), hint=hint)
    place = _resolve_loc(model, details["loc"])
    loc = place.loc
    if kind == "union_tag_invalid":  # point at the key that chooses the variant: `model:`, `follows:`
        loc = (*loc, str(details.get("ctx", {}).get("discriminator", "")).strip("'"))
    if kind == "missing":
        return finding("HP011", loc, key=display_path(loc))
    detail, advice = _detail(details, place)
    found = finding("HP012", loc, key=display_path(loc), detail=detail, hint=_hint(details, place))
    return replace(found, fix=advice)


def _hint(details: ErrorDetails, place: _Place) -> str:
    """A "did you mean" for a misspelt choice (`status: ide`) or one written in Danish (`Gennemførelse`)."""
    value = details.get("input")
    if details["type"] not in ("enum", "literal_error", "union_tag_invalid", "bool_type", "bool_parsing"):
        return ""
    if details["type"] == "union_tag_invalid" and isinstance(value, dict):
        tag = str(details.get("ctx", {}).get("discriminator", "")).strip("'")
        value = value.get(tag)
    choices = _choices(place)
    return suggest(value, choices) if choices and isinstance(value, str) else ""


def _choices(place: _Place) -> dict[str, list[str]]:
    """The ids that may stand at a place, each with its Danish names."""
    choices: dict[str, list[str]] = {}
    for candidate in place.types:
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            for member in candidate:
                choices[str(member.value)] = [str(getattr(member, "label", member.value))]
        elif is_model(candidate):
            tag = _tag_of(candidate)
            if tag is not None:
                title = candidate.model_config.get("title") or tag
                choices[_yaml_value(tag)] = [title, *_YES_NO.get(tag, ())]
        elif get_origin(candidate) is Literal:
            for value in get_args(candidate):
                choices[_yaml_value(str(value))] = [*_YES_NO.get(str(value), ())]
    if place.types and all(t is bool for t in place.types):
        choices = {"true": ["ja"], "false": ["nej"]}
    return choices


_YES_NO = {"True": ("ja",), "False": ("nej",)}


def _yaml_value(tag: str) -> str:
    return {"True": "true", "False": "false"}.get(tag, tag)


def _form(place: _Place) -> str | None:
    """The form the field's type names, without its leading 'Skal være' and full stop."""
    extras: list[Any] = []
    for candidate in place.types:
        if get_origin(candidate) is Annotated:
            extras += [m.json_schema_extra for m in get_args(candidate)[1:] if isinstance(m, FieldInfo)]
    if place.field is not None:
        extras.append(place.field.json_schema_extra)
    for extra in extras:
        if isinstance(extra, dict) and isinstance(extra.get("patternErrorMessage"), str):
            text = str(extra["patternErrorMessage"])
            return text.removeprefix("Skal være ").removesuffix(".")
    return None


def _detail(details: ErrorDetails, place: _Place) -> tuple[str, str]:
    """The Danish detail of the message and the advice line (empty when the message says it all)."""
    kind = details["type"]
    value = details.get("input", ...)
    if value is None and kind != "none_required":
        return "mangler en værdi efter kolonet", _fill_in_advice(place)
    form = _form(place)
    if isinstance(value, str) and typographically_quoted(value) and kind != "value_error":
        detail = f"skal være {form}" if form else GENERIC_FORM
        return f"{detail}; værdien står i typografiske anførselstegn (“…”)", TYPOGRAPHIC_ADVICE + "."
    if kind == "string_pattern_mismatch" or (kind in _QUOTE_TYPES and form):
        detail = f"skal være {form}" if form else GENERIC_FORM
        if kind in _QUOTE_TYPES and not isinstance(value, (dict, list)):
            return detail, f"YAML læser {_yaml_text(value)} som et tal eller en dato; sæt anførselstegn om teksten."
        return detail, ""
    if kind in _QUOTE_TYPES and isinstance(value, (int, float, bool, dt.date)):
        return DETAILS[kind], f'Skriv fx "{_yaml_text(value)}" med anførselstegn.'
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return DETAILS.get(kind, "skal være en dato"), _date_advice(value)
    if kind == "int_type" and isinstance(value, float):
        return DETAILS[kind], "Skriv beløbet uden tusindtalspunktum, fx 420000 for 420.000 kr."
    if kind == "value_error":
        return str(details["msg"]).removeprefix("Value error, "), ""
    template = DETAILS.get(kind)
    if template is None:
        return str(details["msg"]), ""
    context = {key: _readable(value) for key, value in details.get("ctx", {}).items()}
    if "expected_tags" in context:  # pydantic lists tags as "'a', 'b'"; Danish says "'a' eller 'b'"
        head, _, last = context["expected_tags"].rpartition(", ")
        context["expected_tags"] = f"{head} eller {last}" if head else last
    try:
        return template.format(**context), ""
    except KeyError:
        return str(details["msg"]), ""


def _fill_in_advice(place: _Place) -> str:
    example = place.field.examples[0] if place.field is not None and place.field.examples else None
    if example is None or isinstance(example, (dict, list)):
        return "Skriv værdien efter kolonet, eller slet linjen, hvis feltet ikke skal udfyldes."
    return f"Skriv værdien efter kolonet, fx {_yaml_text(example)}, eller slet linjen."


_DANISH_DATE = re.compile(r"^\s*(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})\s*$")


def _date_advice(value: object) -> str:
    """Turn a date written the Danish way (1.3.2026, 01-03-2026) into the form the file needs."""
    found = _DANISH_DATE.match(value) if isinstance(value, str) else None
    if found:
        day, month, year = (int(part) for part in found.groups())
        try:
            return f"Skriv {dt.date(year, month, day).isoformat()} (år-måned-dag)."
        except ValueError:
            return ""
    return "Skriv datoen som år-måned-dag, fx 2026-03-01."


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _readable(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", ".")  # bounds as Danes write them: 1.000.000.000.000
    # pydantic quotes choices as "'a', 'b' or 'c'" and booleans the Python way; users write YAML.
    text = str(value).replace(" or ", " eller ")
    return re.sub(r"\bTrue\b", "true", re.sub(r"\bFalse\b", "false", text))


@dataclass(frozen=True)
class _Place:
    """Where an error sits in the model: its path as the file writes it, and what may stand there."""

    loc: Loc
    allowed_keys: list[str]
    types: list[Any]  # the leaf's possible types, Annotated metadata kept
    field: FieldInfo | None  # the model field the path ends in (or whose list it ends in)


def _resolve_loc(model: type[BaseModel], loc: tuple[int | str, ...]) -> _Place:
    """Drop the union tags pydantic puts in a location; say what is allowed at its end.

    pydantic reports `('governance', 'small_project', 'reason')` for a tagged
    union, but the file says `governance: {model: small_project, reason: …}`.
    """
    clean: list[str | int] = []
    candidates: list[Any] = [model]
    field: FieldInfo | None = None
    for part in loc:
        models = [c for c in candidates if is_model(c)]
        lists = [c for c in candidates if get_origin(c) is list]
        if isinstance(part, str) and any(part in m.model_fields for m in models):
            clean.append(part)
            fields = [m.model_fields[part] for m in models if part in m.model_fields]
            field = fields[0]
            candidates = [t for info in fields for t in _flatten_kept(info.annotation)]
        elif isinstance(part, int) and lists:
            clean.append(part)
            candidates = [t for c in lists for t in _flatten_kept(get_args(c)[0])]
        elif isinstance(part, str) and not models:
            clean.append(part)  # a key inside a free-form value: keep it for the locator
        elif isinstance(part, str):
            # A union tag: it has no place in the file; go on in the member it names.
            tagged = [m for m in models if _tag_of(m) == part]
            candidates = tagged or candidates
    allowed = sorted({name for m in candidates if is_model(m) for name in m.model_fields})
    return _Place(tuple(clean), allowed, candidates, field)


def _flatten_kept(annotation: Any) -> list[Any]:
    """Like typing_tools.flatten, but an Annotated scalar keeps its metadata (the form it must have)."""
    if get_origin(annotation) is Annotated and not is_model(get_args(annotation)[0]):
        inner = get_args(annotation)[0]
        if get_origin(inner) is not Union and get_origin(inner) is not types.UnionType:
            return [annotation]
    return flatten(annotation)


def _tag_of(model: type[BaseModel]) -> str | None:
    """The discriminator value a union member is chosen by, as pydantic names it in locations."""
    for info in model.model_fields.values():
        if get_origin(info.annotation) is Literal:
            return str(get_args(info.annotation)[0])
    return None
