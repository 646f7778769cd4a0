"""Exceptions the schema package raises to its own callers."""


class FieldUnavailable(Exception):
    """A rule asked for a part of a partly read project that has a shape error (see schema.partial)."""
