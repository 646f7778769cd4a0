"""Dispensations: a rule waived while one is in force, biting again after it, never for the file's own rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner

from generator.cli import main
from generator.portfolio import load_portfolio
from tests.conftest import TODAY, PortfolioFactory, valid_project


def without_dpo(**changes: Any) -> dict[str, Any]:
    """A valid project that lacks the DPO's sign-off: an HP104 error."""
    project = valid_project(**changes)
    project["signoffs"] = {key: value for key, value in project["signoffs"].items() if key != "dpo"}
    return project


def dispensation(rule: str = "HP104", **changes: Any) -> dict[str, Any]:
    granted = {
        "rule": rule,
        "reason": "Konsekvensanalysen er i gang; databeskyttelsesrådgiveren godkender, når den er færdig.",
        "granted_by": "programme_group",
        "granted_on": dt.date(2026, 10, 1),
        "expires": dt.date(2027, 3, 31),
    }
    return granted | changes


def _checked(make_portfolio: PortfolioFactory, project: dict[str, Any], today: dt.date = TODAY) -> Any:
    root = make_portfolio({"projekt.yaml": project})
    return load_portfolio(root, today=today).project_files[0]


def _codes(findings: list[Any]) -> list[str]:
    return [f.code for f in findings]


def test_without_a_dispensation_the_missing_sign_off_is_an_error(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo())
    assert _codes(checked.errors) == ["HP104"]


def test_a_dispensation_in_force_waives_the_error(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation()]))
    assert checked.errors == [] and checked.warnings == []
    [waived] = checked.dispensed
    assert waived.code == "HP104"
    assert waived.waiver.expires == dt.date(2027, 3, 31)
    assert waived.waiver.granted_by == "Programgruppen"
    assert waived.line is not None  # still placed in the file, for the lead's view


def test_after_expiry_the_rule_bites_again_and_the_dispensation_is_named(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation()]), today=dt.date(2027, 4, 1))
    assert _codes(checked.errors) == ["HP104"]
    [cleanup] = checked.warnings
    assert cleanup.code == "HP206"
    assert cleanup.message == (
        "Dispensationen fra HP104 (Manglende godkendelse ved opstart) udløb 31. marts 2027. Reglen gælder igen."
    )
    assert checked.dispensed == []


def test_on_its_last_day_it_still_holds(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation()]), today=dt.date(2027, 3, 31))
    assert checked.errors == [] and _codes(checked.dispensed) == ["HP104"]


def test_one_granted_for_later_does_not_hold_yet(make_portfolio: PortfolioFactory) -> None:
    later = dispensation(granted_on=dt.date(2026, 12, 1), expires=dt.date(2027, 5, 31))
    checked = _checked(make_portfolio, without_dpo(dispensations=[later]))
    assert _codes(checked.errors) == ["HP104"]
    assert "gælder først fra 1. december 2026" in checked.warnings[0].message


def test_the_cpr_rule_cannot_be_dispensed(make_portfolio: PortfolioFactory) -> None:
    project = valid_project(summary="Borgerens nummer 010203-1234 står her.", dispensations=[dispensation("HP007")])
    root = make_portfolio({"projekt.yaml": project})
    checked = load_portfolio(root, today=TODAY).project_files[0]
    assert "HP007" in _codes(checked.errors)
    assert "HP115" in _codes(checked.errors)
    assert checked.dispensed == []


def test_a_files_own_rule_cannot_be_dispensed(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation("HP010")]))
    assert sorted(_codes(checked.errors)) == ["HP104", "HP115"]


def test_an_error_rule_is_dispensed_for_at_most_twelve_months(make_portfolio: PortfolioFactory) -> None:
    too_long = dispensation(granted_on=dt.date(2026, 10, 1), expires=dt.date(2027, 10, 2))
    checked = _checked(make_portfolio, without_dpo(dispensations=[too_long]))
    assert sorted(_codes(checked.errors)) == ["HP104", "HP115"]
    message = next(f.message for f in checked.errors if f.code == "HP115")
    assert "højst 12 måneder, her til og med 1. oktober 2027" in message
    twelve = dispensation(granted_on=dt.date(2026, 10, 1), expires=dt.date(2027, 10, 1))
    assert _checked(make_portfolio, without_dpo(dispensations=[twelve])).errors == []


def test_a_warning_rule_may_be_dispensed_for_longer(make_portfolio: PortfolioFactory) -> None:
    long = dispensation("HP202", granted_on=dt.date(2026, 1, 1), expires=dt.date(2028, 12, 31))
    checked = _checked(make_portfolio, valid_project(kle=[], dispensations=[long]))
    assert checked.errors == [] and checked.warnings == []
    assert _codes(checked.dispensed) == ["HP202"]


def test_an_unknown_rule_is_named(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, valid_project(dispensations=[dispensation("HP999")]))
    [unknown] = checked.errors
    assert unknown.code == "HP115" and unknown.loc == ("dispensations", 0, "rule")
    assert "reglen findes ikke" in unknown.message


def test_expiry_before_the_grant_is_an_error(make_portfolio: PortfolioFactory) -> None:
    backwards = dispensation(granted_on=dt.date(2026, 10, 1), expires=dt.date(2026, 9, 1))
    checked = _checked(make_portfolio, without_dpo(dispensations=[backwards]))
    assert "HP115" in _codes(checked.errors)
    assert next(f for f in checked.errors if f.code == "HP115").loc == ("dispensations", 0, "expires")


def test_who_granted_it_is_one_of_the_two_groups(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation(granted_by="projektlederen")]))
    assert any(f.code == "HP012" and f.loc[:2] == ("dispensations", 0) for f in checked.errors)


def test_a_group_written_in_danish_is_understood(make_portfolio: PortfolioFactory) -> None:
    checked = _checked(make_portfolio, without_dpo(dispensations=[dispensation(granted_by="Styregruppen")]))
    shape = [f for f in checked.errors if f.code == "HP012"]
    assert shape and "steering_group" in shape[0].message


def test_the_pull_request_diff_names_an_added_dispensation(make_portfolio: PortfolioFactory) -> None:
    from generator.changes import diff_as_markdown, diff_portfolios

    base = load_portfolio(make_portfolio({"projekt.yaml": without_dpo()}), today=TODAY)
    head_root = make_portfolio({"projekt.yaml": without_dpo(dispensations=[dispensation()])})
    head = load_portfolio(head_root, today=TODAY)
    diff = diff_portfolios(base, head, "main", "forslag")
    markdown = diff_as_markdown(diff)
    section = markdown[markdown.index("### Nye dispensationer") : markdown.index("### Ændrede projekter")]
    assert (
        "HP104 Manglende godkendelse ved opstart: Programgruppen 1. oktober 2026, til og med 31. marts 2027" in section
    )
    # The waived rule is not reported as fixed: it is still broken, under a dispensation.
    assert "Rettet: HP104" not in markdown
    unchanged = diff_portfolios(head, head, "main", "forslag")
    assert unchanged.dispensations == []


def test_validate_prints_a_dispensed_finding_as_passing(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"projekt.yaml": without_dpo(dispensations=[dispensation()])})
    result = CliRunner().invoke(main, ["--root", str(root), "validate", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "HP104 dispenseret til og med 31. marts 2027: Godkendelse fra databeskyttelsesrådgiveren mangler" in (
        result.output
    )
    assert "(1 dispenseret)" in result.output
    github = CliRunner().invoke(main, ["--root", str(root), "validate", "--today", "2026-11-24", "--format", "github"])
    assert github.output.startswith("::notice ")


def test_the_status_report_lists_dispensations_with_their_expiry() -> None:
    from tests.conftest import REPO

    result = CliRunner().invoke(main, ["--root", str(REPO), "report", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    section = result.output[result.output.index("## Dispensationer") : result.output.index("## 1.")]
    assert "| Digital affaldsordning og ruteplanlægning | HP104 Manglende godkendelse ved opstart |" in section
    assert "| 30. april 2027 |" in section
