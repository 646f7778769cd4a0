"""Turn pydantic's validation errors into findings with Danish messages."""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from schema.catalogue import Finding, Loc, finding
from schema.checks import did_you_mean

# Danish wording for pydantic's error types; `{…}` are filled from the error's ctx.
_DETAILS: dict[str, str] = {
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
    "union_tag_invalid": "{discriminator} skal være en af: {expected_tags}",
    "union_tag_not_found": "feltet {discriminator} mangler",
    "too_short": "skal have mindst {min_length} element(er)",
    "too_long": "må højst have {max_length} elementer",
    "greater_than_equal": "skal være mindst {ge}",
    "less_than_equal": "må højst være {le}",
    "frozen_instance": "kan ikke ændres",
}

# A pattern mismatch is explained by what the field holds, known from its name.
_PATTERN_DETAILS: dict[str, str] = {
    "kle": "skal være et KLE-nummer på formen NN.NN.NN, evt. med handlingsfacet som G01",
    "email": "skal være en e-mailadresse, fx navn@norddjurs.dk",
    "url": "skal være en webadresse, der begynder med https:// eller http://",
    "code": "skal have formen HP + tre cifre",
}
_SLUG_DETAIL = "må kun indeholde små bogstaver a-z, tal og bindestreger"


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
        parent, allowed_keys = _resolve_loc(model, details["loc"][:-1])
        key = str(details["loc"][-1])
        return finding("HP010", (*parent, key), at_key=True, key=key, hint=did_you_mean(key, allowed_keys))
    loc, _ = _resolve_loc(model, details["loc"])
    if kind == "missing":
        return finding("HP011", loc, key=display_path(loc))
    return finding("HP012", loc, key=display_path(loc), detail=_detail(details, loc), hint=_hint(details))


def _hint(details: ErrorDetails) -> str:
    """A "did you mean" for a misspelt choice, such as `status: ide`."""
    value = details.get("input")
    if details["type"] not in ("enum", "literal_error") or not isinstance(value, str):
        return ""
    choices = re.findall(r"'([^']*)'", str(details.get("ctx", {}).get("expected", "")))
    return did_you_mean(value, choices)


def _detail(details: ErrorDetails, loc: Loc) -> str:
    kind = details["type"]
    if details.get("input", ...) is None and kind != "none_required":
        return "mangler en værdi efter kolonet"
    context = {key: _readable(value) for key, value in details.get("ctx", {}).items()}
    if kind == "string_pattern_mismatch":
        names = [part for part in loc if isinstance(part, str)]
        field_name = names[-1] if names else ""
        return _PATTERN_DETAILS.get(field_name, _SLUG_DETAIL)
    if kind == "value_error":
        return str(details["msg"]).removeprefix("Value error, ")
    template = _DETAILS.get(kind)
    if template is None:
        return str(details["msg"])
    try:
        return template.format(**context)
    except KeyError:
        return str(details["msg"])


def _readable(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", ".")  # bounds as Danes write them: 1.000.000.000.000
    # pydantic quotes choices as "'a', 'b' or 'c'" and booleans the Python way; users write YAML.
    text = str(value).replace(" or ", " eller ")
    return re.sub(r"\bTrue\b", "true", re.sub(r"\bFalse\b", "false", text))


def _resolve_loc(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[Loc, list[str]]:
    """Drop the union tags pydantic puts in a location; return it with the keys allowed at its end.

    pydantic reports `('governance', 'small_project', 'reason')` for a tagged
    union, but the file says `governance: {model: small_project, reason: …}`.
    """
    clean: list[str | int] = []
    candidates: list[Any] = [model]
    for part in loc:
        models = [c for c in candidates if _is_model(c)]
        lists = [c for c in candidates if get_origin(c) is list]
        if isinstance(part, str) and any(part in m.model_fields for m in models):
            clean.append(part)
            candidates = [
                t for m in models if part in m.model_fields for t in _flatten(m.model_fields[part].annotation)
            ]
        elif isinstance(part, int) and lists:
            clean.append(part)
            candidates = [t for c in lists for t in _flatten(get_args(c)[0])]
        elif isinstance(part, str) and not models:
            clean.append(part)  # a key inside a free-form value: keep it for the locator
        # Otherwise the part is a union tag: it has no place in the file.
    allowed = sorted({name for m in candidates if _is_model(m) for name in m.model_fields})
    return tuple(clean), allowed


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _flatten(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold: unwraps Annotated, Optional and unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _flatten(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(annotation) for t in _flatten(arg)]
    return [annotation]
