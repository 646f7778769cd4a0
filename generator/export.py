"""The action plan as a spreadsheet or data: one row per project, a column per field of the model.

CSV opens correctly in Danish Excel and LibreOffice (UTF-8 with a byte-order mark,
`;`, every text quoted), XLSX has a bold, frozen, filtered header, date cells and
a print layout, and JSON has a versioned, documented shape.
Every format is byte-identical for the same input, so the site stays reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.views import ProjectView, SiteData
from schema.catalogue import Severity
from schema.field_values import field_labels

FORMATS = ("csv", "xlsx", "json")
# 2: a column for every field of the model, keyed by its path in the file (owner.name, …).
JSON_SCHEMA_VERSION = 2
Value = str | int | dt.date | None  # dates stay dates: XLSX date cells, ISO text in CSV and JSON


@dataclass(frozen=True)
class Column:
    """One column: its JSON key, its Danish heading, its width in XLSX and how to read it."""

    key: str
    heading: str
    width: int
    value: Callable[[ProjectView], Value]


def _field_column(path: str, label: str) -> Column:
    """A column for one field, labelled and read as the model says (schema.field_values)."""

    return Column(path, label, _width(path, label), lambda view: view.field_value(path))


def _width(path: str, label: str) -> int:
    if path in ("title", "summary") or path.startswith(("considerations.", "governance", "infrastructure")):
        return 45
    return min(max(len(label) + 2, 14), 40)


def _errors(view: ProjectView) -> int:
    return sum(1 for f in view.findings if f.severity is Severity.ERROR)


def _warnings(view: ProjectView) -> int:
    return sum(1 for f in view.findings if f.severity is Severity.WARNING)


# The project's id, every field of the model in its order (a new field is a new column),
# then what the action plan computes from them.
COLUMNS: list[Column] = [
    Column("id", "Id", 28, lambda v: v.id),
    *(_field_column(path, label) for path, label in field_labels().items()),
    Column("compliance", "Overholdelse", 14, lambda v: v.compliance.label),
    Column("errors", "Fejl", 7, _errors),
    Column("warnings", "Advarsler", 10, _warnings),
    Column("expected_dkk_per_year", "Forventet gevinst (kr./år)", 16, lambda v: v.expected_dkk),
    Column("realised_dkk_per_year", "Realiseret gevinst (kr./år)", 16, lambda v: v.realised_dkk),
    Column("last_changed", "Senest ændret", 14, lambda v: v.last_changed),
]


def export_rows(data: SiteData) -> list[list[Value]]:
    """One row per project, in the action plan's order (by title)."""
    return [[column.value(view) for column in COLUMNS] for view in data.projects]


# A cell starting with one of these is a formula to Excel; `=HYPERLINK(…)` in a title must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text_cell(value: Value) -> Value:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _as_json(value: Value) -> str | int | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def to_csv(data: SiteData, delimiter: str = ";") -> bytes:
    """CSV for Danish Excel: UTF-8 with BOM and, by default, `;` between fields."""
    buffer = io.StringIO(newline="")
    # Every text quoted: LibreOffice splits on ',' and ';' alike by default, and a focus area
    # such as "1. Borger, teknologi og lokaldemokratiet" must stay one cell.
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([column.heading for column in COLUMNS])
    writer.writerows([[_as_text_cell(value) for value in row] for row in export_rows(data)])
    return buffer.getvalue().encode("utf-8-sig")


def to_json(data: SiteData) -> bytes:
    """JSON: {"schema_version", "generated", "programme", "organisation", "columns", "projects": [...]}."""
    document: dict[str, Any] = {
        "schema_version": JSON_SCHEMA_VERSION,
        "generated": data.today.isoformat(),
        "programme": data.programme.current.name,
        "organisation": data.programme.organisation,
        "columns": {column.key: column.heading for column in COLUMNS},
        "projects": [
            dict(zip([c.key for c in COLUMNS], [_as_json(value) for value in row], strict=True))
            for row in export_rows(data)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(data: SiteData) -> bytes:
    """An Excel workbook: a bold, frozen, filtered header, date cells, kroner with thousands, printable.

    Dates are date cells shown dd-mm-åååå, so they sort, filter and count as dates;
    whole numbers show a thousands separator in the reader's own locale; the sheet
    prints in landscape, one page wide, with the header on every page.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Handleplan"
    sheet.append([column.heading for column in COLUMNS])
    for row_index, row in enumerate(export_rows(data), start=2):
        for column_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column_index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a live formula
            elif isinstance(value, dt.date):
                cell.number_format = "dd-mm-yyyy"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", bold=True)  # a named font: without one, LibreOffice falls back to a serif
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    stamp = dt.datetime.combine(data.today, dt.time())
    workbook.properties.creator = "handleplan"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_fixed_times(buffer.getvalue(), stamp)


def _with_fixed_times(archive: bytes, stamp: dt.datetime) -> bytes:
    """The same zip dated `stamp` throughout: openpyxl dates the entries and 'modified' by the clock."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    output = io.BytesIO()
    modified = f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp.isoformat()}Z</dcterms:modified>'.encode()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", modified, content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, content)
    return output.getvalue()


def export(data: SiteData, output_format: str, delimiter: str = ";") -> bytes:
    """The export in one of FORMATS."""
    if output_format == "csv":
        return to_csv(data, delimiter)
    if output_format == "xlsx":
        return to_xlsx(data)
    return to_json(data)
