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


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier, or the month's last day where it has fewer."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))
