"""Building blocks shared by the project and programme models."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# An id is a file name and a URL: short enough for every file system and an e-mail.
SLUG_MAX_LENGTH = 80

# Control characters (YAML lets "\x0b" through) have no place in a page, a feed or a spreadsheet.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Nor have characters XML (so XLSX and the Atom feed) cannot carry: lone surrogates
# (YAML's "\ud800") and the Unicode noncharacters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF.
_UNCARRIABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


# Spaces a word processor pastes that look like spaces but are none to YAML (not indentation, not a separator).
PASTED_SPACES = {"\u00a0": "hårdt mellemrum", "\u202f": "smalt hårdt mellemrum", "\u2007": "tal-mellemrum"}

# Quotes a word processor puts in: YAML reads them as part of the text, not as quoting.
TYPOGRAPHIC_QUOTES = "“”„‟«»‘’‚‛‹›"
TYPOGRAPHIC_ADVICE = (
    'Brug almindelige anførselstegn ("…") i stedet for typografiske (“…” eller „…“), '
    "som fx Word sætter ind, eller slet dem"
)


def typographically_quoted(text: str) -> bool:
    """True for a value wrapped in a word processor's quotes, such as “Aula” or „27.24.00“."""
    stripped = text.strip()
    return len(stripped) >= 2 and stripped[0] in TYPOGRAPHIC_QUOTES and stripped[-1] in TYPOGRAPHIC_QUOTES


def _printable(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"indeholder kontroltegnet U+{ord(found.group()):04X}, som ikke må stå i en tekst")
    found = _UNCARRIABLE.search(text)
    if found:
        raise ValueError(
            f"indeholder tegnet U+{ord(found.group()):04X}, som ikke kan vises på intranettet eller gemmes i et "
            "regneark; slet det (det kommer ofte med, når tekst kopieres fra andre programmer)"
        )
    if typographically_quoted(text):
        raise ValueError(
            f"står i typografiske anførselstegn, som ellers bliver en del af teksten. {TYPOGRAPHIC_ADVICE}"
        )
    return text


Printable = AfterValidator(_printable)
# The expected form of a constrained value, said once: in validate's messages and,
# through the JSON Schema's `patternErrorMessage`, in the editor.
SLUG_FORM = "et id med små bogstaver a-z, tal og bindestreger, fx ny-borgerportal"
URL_FORM = "en webadresse, der begynder med https:// eller http://, fx https://intranet.kommune.dk/projekt"
EMAIL_FORM = "en e-mailadresse, fx navn@kommune.dk"


def form(text: str) -> Any:
    """Field metadata naming the form a value must have (read by messages and the JSON Schema)."""
    return Field(json_schema_extra={"patternErrorMessage": f"Skal være {text}."})


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH), form(SLUG_FORM)]
# An id of something defined elsewhere (a focus area, a department, a project). Its form
# is not checked here: a rule that knows the ids reports an unknown one with the id meant.
# A number ("- 4" for focus area 4) is read as the text it is, so the rule can say which id it means.
# No Printable: a value that is no known id is an error, so it never reaches a page or a spreadsheet.
Reference = Annotated[
    str,
    BeforeValidator(lambda value: str(value) if isinstance(value, int) and not isinstance(value, bool) else value),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Printable]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000), Printable]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2000),
    Printable,
    Field(json_schema_extra={"format": "uri", "patternErrorMessage": f"Skal være {URL_FORM}."}),
]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254),
    Printable,
    Field(json_schema_extra={"format": "email", "patternErrorMessage": f"Skal være {EMAIL_FORM}."}),
]


class StrictModel(BaseModel):
    """A model that refuses unknown keys, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
