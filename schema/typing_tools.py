"""Reading type annotations: which models and values a field may hold."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel


def flatten(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold: unwraps Annotated, Optional and unions (not lists)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return flatten(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(annotation) for t in flatten(arg)]
    return [annotation]


def is_model(candidate: Any) -> bool:
    """True for a pydantic model class."""
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)
