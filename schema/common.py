"""Building blocks shared by the project and programme models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2000),
    Field(json_schema_extra={"format": "uri"}),
]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254),
    Field(json_schema_extra={"format": "email"}),
]


class StrictModel(BaseModel):
    """A model that refuses unknown keys, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
