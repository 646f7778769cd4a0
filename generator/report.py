"""Write a portfolio's findings as text, GitHub Actions annotations or JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from generator.portfolio import CheckedFile, Portfolio
from schema.catalogue import Finding, Severity
from schema.dates import danish_date
from schema.messages import display_path

JSON_SCHEMA_VERSION = 1
FORMATS = ("text", "github", "json")


def format_report(portfolio: Portfolio, output_format: str) -> str:
    """The whole report in one of FORMATS, ending with a newline."""
    if output_format == "json":
        return json.dumps(report_as_json(portfolio), ensure_ascii=False, indent=2) + "\n"
    lines = _github_lines(portfolio) if output_format == "github" else _text_lines(portfolio)
    return "".join(f"{line}\n" for line in (*lines, summary(portfolio)))


def summary(portfolio: Portfolio) -> str:
    """One Danish line: how much was checked and what was found."""
    checked = len(portfolio.project_files)
    errors, warnings = portfolio.error_count, portfolio.warning_count
    failing = sum(1 for f in portfolio.files if f.errors)
    found = []
    if errors:
        found.append(f"{errors} fejl i {failing} {'fil' if failing == 1 else 'filer'}")
    if warnings:
        found.append(f"{warnings} {'advarsel' if warnings == 1 else 'advarsler'}")
    projects = f"{checked} {'projekt' if checked == 1 else 'projekter'}"
    text = f"Tjekkede {projects}: {' og '.join(found) if found else 'ingen fejl eller advarsler'}"
    dispensed = portfolio.dispensed_count
    if dispensed:
        text += f" ({dispensed} dispenseret)"
    return text + "."


def report_as_json(portfolio: Portfolio) -> dict[str, object]:
    """The report as plain data; its shape is versioned by `schema_version`."""
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "summary": {
            "projects_checked": len(portfolio.project_files),
            "errors": portfolio.error_count,
            "warnings": portfolio.warning_count,
            "files_with_errors": sum(1 for f in portfolio.files if f.errors),
            "dispensed": portfolio.dispensed_count,
        },
        "findings": [
            {
                "file": checked.path,
                "line": found.line,
                "column": found.column,
                "code": found.code,
                "severity": found.severity.value,
                "title": found.rule.title,
                "message": found.message,
                "fix": found.fix,
                "key_path": display_path(found.loc) if found.loc else None,
                # A dispensation in force covers the finding until this day (ISO); it passes meanwhile.
                "dispensed_until": found.waiver.expires.isoformat() if found.waiver else None,
            }
            for checked, found in _all_findings(portfolio)
        ],
    }


def _all_findings(portfolio: Portfolio) -> Iterator[tuple[CheckedFile, Finding]]:
    for checked in portfolio.files:
        for found in checked.findings:
            yield checked, found


def _text_lines(portfolio: Portfolio) -> Iterator[str]:
    for checked, found in _all_findings(portfolio):
        where = f"{one_line(checked.path)}:{found.line}:{found.column}"
        if found.waiver is not None:
            until = danish_date(found.waiver.expires)
            yield f"{where}: {found.code} dispenseret til og med {until}: {one_line(found.message)}"
            continue
        yield f"{where}: {found.code} {found.severity.label}: {one_line(found.message)}"
        if found.fix:  # left out where the message already says what to write
            yield f"    Sådan retter du det: {one_line(found.fix)}"


# Everything that could end a line in a terminal or a CI log (C0 and C1 controls, DEL,
# U+2028/U+2029), or hide text (bidi controls), shown as an escape instead.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """User text made safe for plain-text output: it can never start a line of its own.

    A key or file name holding a newline could otherwise print `::error …`, which
    GitHub Actions would take as a workflow command of its own.
    """
    return _LINE_BREAKING.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(character) or f"\\u{ord(character):04x}"


def _github_lines(portfolio: Portfolio) -> Iterator[str]:
    for checked, found in _all_findings(portfolio):
        # A dispensed finding passes: a notice shows it in the pull request without failing it.
        level = "error" if found.severity is Severity.ERROR else "warning"
        level = "notice" if found.waiver is not None else level
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", checked.path),
                ("line", found.line),
                ("col", found.column),
                ("title", f"{found.code} {found.rule.title}"),
            )
        )
        text = f"{found.message} {found.fix}".strip()
        if found.waiver is not None:
            text = f"Dispenseret til og med {danish_date(found.waiver.expires)}: {found.message}"
        yield f"::{level} {properties}::{_escape_data(one_line(text))}"


def _escape_data(text: str) -> str:
    # The escaping GitHub's workflow commands expect (@actions/core's escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
