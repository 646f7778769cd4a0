"""handleplan export and report, through click's CliRunner (new: tests/test_new.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from generator import cli_common
from generator.cli import main
from tests.conftest import TODAY, dump_project, valid_project
from tests.test_site import copy_repository

DAY = ["--today", TODAY.isoformat()]


def invoke(root: Path, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def test_export_csv_opens_in_danish_excel(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    result = invoke(repo, "export", "--format", "csv", "--output", str(target), *DAY)
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Id", "Titel", "Resumé", "Status"]  # the model's titles, in its order
    assert len(rows) == 1 + len(list((repo / "projects").glob("*.yaml")))
    aula = dict(zip(rows[0], next(row for row in rows if row[0] == "aula"), strict=True))
    assert aula["Status"] == "Afsluttet"
    assert aula["Projektleder (Navn)"] == "Rasmus Kirkegaard"
    assert aula["Fokusområder"].startswith("3. Sammenhængende")  # ids shown by name


def test_export_csv_with_commas(repo: Path) -> None:
    result = invoke(repo, "export", "--format", "csv", "--delimiter", ",", "--output", "-", *DAY)
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Id", "Titel"] and len(rows) > 12


def test_export_xlsx_round_trips_through_openpyxl(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    assert invoke(repo, "export", "--format", "xlsx", "--output", str(target), *DAY).exit_code == 0
    sheet = load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Id", "Titel"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{sheet.max_row}"
    assert sheet.column_dimensions["B"].width == 45
    assert sheet.max_row == 1 + len(list((repo / "projects").glob("*.yaml")))
    time.sleep(1.1)  # openpyxl stamps by the clock, to the second; the export must not
    again = tmp_path / "again.xlsx"
    invoke(repo, "export", "--format", "xlsx", "--output", str(again), *DAY)
    assert again.read_bytes() == target.read_bytes()  # reproducible, like the site


def test_export_json_has_a_versioned_shape(repo: Path) -> None:
    result = invoke(repo, "export", "--format", "json", "--output", "-", *DAY)
    document = json.loads(result.stdout)
    assert document["schema_version"] == 2
    assert document["generated"] == TODAY.isoformat()
    assert len(document["projects"]) == len(list((repo / "projects").glob("*.yaml")))
    assert set(document["projects"][0]) == set(document["columns"])
    assert {"id", "title", "status", "owner.name", "compliance", "expected_dkk_per_year"} <= set(document["columns"])


def test_export_stops_on_errors_and_writes_nothing(repo: Path, tmp_path: Path) -> None:
    (repo / "projects" / "brudt.yaml").write_text(dump_project(valid_project(focus_areas=[])), "utf-8")
    target = tmp_path / "plan.csv"
    result = invoke(repo, "export", "--format", "csv", "--output", str(target), *DAY)
    assert result.exit_code == 1
    assert "HP101" in result.stdout
    assert not target.exists()


def test_report_covers_each_focus_area(repo: Path) -> None:
    result = invoke(repo, "report", "--since", "2026-01-01", *DAY)
    assert result.exit_code == 0, result.output
    report = result.stdout
    assert report.startswith("# Statusrapport – Digitaliseringsprogram 2021–2025")
    for number in range(1, 7):
        assert f"\n## {number}. " in report
    assert "Advarsel HP203: Den planlagte slutdato 30. juni 2026 er passeret" in report
    assert "### Ændringer siden 1. januar 2026" in report
    assert "Ingen historik at vise." in report  # the copy is not a git repository


def test_report_to_a_file(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.md"
    result = invoke(repo, "report", "--output", str(target), *DAY)
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Statusrapport")


def test_progress_is_shown_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert not cli_common.interactive()
    with cli_common.progress_bar("Tjekker", 10_000) as advance:
        advance(1)  # a no-op in CI logs
    monkeypatch.delenv("CI")
    monkeypatch.setattr(cli_common, "interactive", lambda: True)
    steps: list[int] = []
    monkeypatch.setattr(
        cli_common.click, "progressbar", lambda **kwargs: _FakeBar(steps, kwargs["length"], kwargs["label"])
    )
    with cli_common.progress_bar("Tjekker", 10_000) as advance:
        advance(3)
    assert steps == [10_000, 3]
    with cli_common.progress_bar("Tjekker", 5) as advance:  # too small to bother
        advance(1)
    assert steps == [10_000, 3]


class _FakeBar:
    def __init__(self, steps: list[int], length: int, label: str) -> None:
        self.steps = steps
        steps.append(length)
        assert label == "Tjekker"

    def __enter__(self) -> _FakeBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, steps: int) -> None:
        self.steps.append(steps)


def test_exports_keep_formulas_as_text(repo: Path, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example/","klik")'
    (repo / "projects" / "formel.yaml").write_text(dump_project(valid_project(title=formula)), "utf-8")
    csv_result = invoke(repo, "export", "--format", "csv", "--output", "-", *DAY)
    rows = list(csv.reader(io.StringIO(csv_result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert next(row for row in rows if row[0] == "formel")[1] == "'" + formula
    target = tmp_path / "plan.xlsx"
    invoke(repo, "export", "--format", "xlsx", "--output", str(target), *DAY)
    sheet = load_workbook(target).active
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "formel")
    assert (cell.value, cell.data_type) == (formula, "s")


def _read_as_libreoffice(text: str) -> list[list[str]]:
    """Rows as LibreOffice Calc's default CSV import reads them: cells split on ',', ';' and Tab outside quotes."""
    rows: list[list[str]] = []
    cells: list[str] = []
    cell, quoted = "", False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character in ",;\t" and not quoted:
            cells.append(cell)
            cell = ""
        elif character == "\n" and not quoted:
            rows.append([*cells, cell.removesuffix("\r")])
            cells, cell = [], ""
        else:
            cell += character
    return rows


def test_export_csv_stays_column_true_with_libreoffices_default_separators(repo: Path) -> None:
    result = invoke(repo, "export", "--format", "csv", "--output", "-", *DAY)
    text = result.stdout_bytes.decode("utf-8-sig")
    rows = _read_as_libreoffice(text)
    assert len(rows) == 1 + len(list((repo / "projects").glob("*.yaml")))
    assert "," in text  # focus areas and texts hold commas
    assert all(len(row) == len(rows[0]) for row in rows)


def test_export_xlsx_has_date_cells_kroner_and_a_print_layout(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    assert invoke(repo, "export", "--format", "xlsx", "--output", str(target), *DAY).exit_code == 0
    sheet = load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    aula = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "aula")
    start = aula[header.index("Start")]
    assert start.is_date and start.value.date() == dt.date(2019, 2, 1) and start.number_format == "dd-mm-yyyy"
    expected = aula[header.index("Forventet gevinst (kr./år)")]
    assert isinstance(expected.value, int) and expected.number_format == "#,##0"
    assert sheet["A1"].font.name == "Calibri" and sheet["A1"].font.bold
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"


# UTF-8, every text quoted, cells as shown: the date and thousands formats are what Calc displays.
_CALC_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here")
def test_export_xlsx_opens_in_libreoffice(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    assert invoke(repo, "export", "--format", "xlsx", "--output", str(target), *DAY).exit_code == 0
    subprocess.run(
        ["soffice", "--headless", "--convert-to", _CALC_CSV, "--outdir", str(tmp_path), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "plan.csv").read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["Id", "Titel"] and len(rows) > 12
    aula = dict(zip(rows[0], next(row for row in rows if row[0] == "aula"), strict=True))
    assert aula["Start"] == "01-02-2019"  # a date cell, shown dd-mm-åååå
    assert aula["Forventet gevinst (kr./år)"].replace(",", ".") == "260.000"  # thousands in Calc's locale
