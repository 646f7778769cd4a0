"""The handleplan command through click's CliRunner: output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO, PortfolioFactory, dump_project, valid_project

GOOD = dump_project(valid_project())
NO_DPO = GOOD.replace("  dpo:\n    name: Dorte DPO\n    date: 2024-12-01\n    reference: DPIA sag 1\n", "")


def invoke(runner: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_clean_portfolio_exits_0(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"digital-post.yaml": GOOD})
    code, out, _ = invoke(runner, root, "validate", "--today", "2026-11-24")
    assert (code, out) == (0, "Tjekkede 1 projekt: ingen fejl eller advarsler.\n")


def test_warnings_are_shown_and_pass(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace("kle:\n- 00.01.00\n", "")})
    code, out, _ = invoke(runner, root, "validate", "--today", "2026-11-24")
    assert code == 0
    assert out.splitlines() == [
        "projects/p.yaml:2:1: HP202 advarsel: Projektet har ingen KLE-numre.",
        "    Sådan retter du det: Tilføj de KLE-numre, projektets data hører under, fx kle: ['27.24.00'].",
        "Tjekkede 1 projekt: 1 advarsel.",
    ]


def test_a_missing_signoff_fails_with_file_line_and_fix(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": NO_DPO, "q.yaml": GOOD})
    code, out, _ = invoke(runner, root, "validate", "--today", "2026-11-24")
    assert code == 1
    assert out.splitlines() == [
        "projects/p.yaml:25:1: HP104 fejl: Godkendelse fra databeskyttelsesrådgiveren mangler (navn og dato).",
        "    Sådan retter du det: Tilføj signoffs.dpo med name (hvem) og date (hvornår), "
        "evt. reference til DPIA eller risikovurdering.",
        "Tjekkede 2 projekter: 1 fejl i 1 fil.",
    ]


def test_given_paths_limit_what_is_checked(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": NO_DPO, "q.yaml": GOOD})
    code, out, _ = invoke(runner, root, "validate", "--today", "2026-11-24", str(root / "projects" / "q.yaml"))
    assert (code, out) == (0, "Tjekkede 1 projekt: ingen fejl eller advarsler.\n")


def test_the_root_as_a_path_means_every_project(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"q.yaml": GOOD})
    (root / "notes.yaml").write_text("bare: en note\n", encoding="utf-8")
    code, out, _ = invoke(runner, root, "validate", "--today", "2026-11-24", str(root))
    assert (code, out) == (0, "Tjekkede 1 projekt: ingen fejl eller advarsler.\n")


def test_related_ids_resolve_against_the_whole_portfolio(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": dump_project(valid_project(related=["q"])), "q.yaml": GOOD})
    code, _, _ = invoke(runner, root, "validate", "--today", "2026-11-24", str(root / "projects" / "p.yaml"))
    assert code == 0


def test_github_format_annotates_the_line(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": NO_DPO})
    code, out, _ = invoke(runner, root, "validate", "--format", "github", "--today", "2026-11-24")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=projects/p.yaml,line=25,col=1,title=HP104 Manglende godkendelse ved opstart::"
        "Godkendelse fra databeskyttelsesrådgiveren mangler (navn og dato). "
        "Tilføj signoffs.dpo med name (hvem) og date (hvornår), evt. reference til DPIA eller risikovurdering."
    )


def test_github_format_escapes_what_would_break_the_command(
    runner: CliRunner, make_portfolio: PortfolioFactory
) -> None:
    root = make_portfolio({"a,b:c%.yaml": GOOD})
    _, out, _ = invoke(runner, root, "validate", "--format", "github")
    assert out.startswith("::error file=projects/a%2Cb%3Ac%25.yaml,line=1,col=1,title=HP006 ")


def test_json_format_is_machine_readable(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": NO_DPO})
    code, out, _ = invoke(runner, root, "validate", "--format", "json", "--today", "2026-11-24")
    assert code == 1
    report = json.loads(out)
    assert report["schema_version"] == 1
    assert report["summary"] == {
        "projects_checked": 1,
        "errors": 1,
        "warnings": 0,
        "files_with_errors": 1,
        "dispensed": 0,
    }
    (found,) = report["findings"]
    assert found == {
        "file": "projects/p.yaml",
        "line": 25,
        "column": 1,
        "code": "HP104",
        "severity": "error",
        "title": "Manglende godkendelse ved opstart",
        "message": "Godkendelse fra databeskyttelsesrådgiveren mangler (navn og dato).",
        "fix": "Tilføj signoffs.dpo med name (hvem) og date (hvornår), evt. reference til DPIA eller risikovurdering.",
        "key_path": "signoffs.dpo",
        "dispensed_until": None,
    }


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "--format", "xml"], id="unknown-format"),
        pytest.param(["validate", "no/such/file.yaml"], id="missing-path"),
        pytest.param(["validate", "--today", "2026-24-11"], id="malformed-date"),
        pytest.param(["frobnicate"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, make_portfolio: PortfolioFactory, args: list[str]) -> None:
    code, _, _ = invoke(runner, make_portfolio(), *args)
    assert code == 2


def test_a_folder_that_is_no_portfolio_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, tmp_path, "validate")
    assert code == 2
    assert "ligner ikke en handleplan: mappen projects/ mangler" in err


def test_schema_check_reports_stale_and_write_fixes_it(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    code, out, err = invoke(runner, root, "schema", "--check")
    assert code == 1
    assert "Forældet" in out and "handleplan schema" in err
    code, out, _ = invoke(runner, root, "schema")
    assert code == 0 and "Skrev" in out
    code, out, _ = invoke(runner, root, "schema", "--check")
    assert (code, out) == (0, "De genererede filer er opdaterede.\n")


def test_schema_refuses_a_broken_programme(runner: CliRunner, make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    (root / "focus_areas.yaml").write_text("name: [\n", encoding="utf-8")
    code, _, err = invoke(runner, root, "schema")
    assert code == 1
    assert "focus_areas.yaml har 1 fejl" in err


def test_the_committed_schemas_are_current(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, REPO, "schema", "--check")
    assert code == 0, f"Run 'handleplan schema' and commit: {out}"


def test_every_command_has_danish_help_with_an_example(runner: CliRunner) -> None:
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Eksempel: handleplan" in result.output, name
        assert "Vis denne hjælp og afslut." in result.output, name
