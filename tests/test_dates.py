"""Dates as Danish readers write them (schema/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from schema.dates import MONTHS, danish_date, danish_month, short_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 24), "24. november 2026"),
        (dt.date(2025, 3, 1), "1. marts 2025"),
        (dt.date(2024, 5, 9), "9. maj 2024"),
        (dt.date(2027, 12, 31), "31. december 2027"),
    ],
    ids=["november", "no-leading-zero", "short-month", "last-day"],
)
def test_danish_date(day: dt.date, expected: str) -> None:
    assert danish_date(day) == expected


def test_danish_month() -> None:
    assert danish_month(dt.date(2026, 11, 24)) == "november 2026"
    assert danish_month(dt.date(2026, 1, 31)) == "januar 2026"


def test_short_date() -> None:
    assert short_date(dt.date(2024, 9, 1)) == "1. sep. 2024"
    assert short_date(dt.date(2024, 5, 3)) == "3. maj 2024"


def test_every_month_has_its_lower_case_danish_name() -> None:
    names = [danish_month(dt.date(2026, month, 1)) for month in range(1, 13)]
    assert names == [f"{m} 2026" for m in MONTHS]
    assert (names[0], names[2], names[4], names[11]) == ("januar 2026", "marts 2026", "maj 2026", "december 2026")


def test_a_datetime_reads_as_its_date() -> None:
    assert danish_date(dt.datetime(2026, 11, 24, 23, 59)) == "24. november 2026"
