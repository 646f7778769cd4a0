"""Dates as Danish readers write them: '24. november 2026', 'november 2026', '24. nov. 2026'.

ISO dates stay in the data, the exports and machine-readable attributes; these are for text people read.
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
# CLDR's Danish abbreviations, as Danish calendars and Excel print them.
SHORT_MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def danish_date(day: dt.date) -> str:
    """'24. november 2026'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def danish_month(day: dt.date) -> str:
    """'november 2026'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """'24. nov. 2026', for dense tables."""
    return f"{day.day}. {SHORT_MONTHS[day.month - 1]} {day.year}"
