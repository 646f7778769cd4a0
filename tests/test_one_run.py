"""A lead sees every problem of a file in the first run, with the id meant where one is close."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.portfolio import check_project_source, load_portfolio
from schema.checks import CheckContext
from schema.partial import removable_prefix
from schema.programme import Programme
from tests.conftest import REPO, TODAY, VALID_PROJECT, PortfolioFactory, dump_project, valid_project

PROGRAMME = Programme.model_validate(yaml.safe_load((REPO / "focus_areas.yaml").read_text(encoding="utf-8")))
CONTEXT = CheckContext(PROGRAMME, TODAY, frozenset({"digital-post"}))

# A rushed lead's first draft, written from what the site shows: Danish labels where ids belong,
# a Danish date, a misspelt key, an unquoted KLE number, a missing sign-off and dates reversed.
RUSHED = """\
title: Ny borgerportal
summary: Borgerne finder selvbetjening og egne sager ét sted.
status: Gennemførelse
focus_areas:
  - 4. Klima og ressourcer
  - Borger, teknologi og lokaldemokratiet
scope: Lokalt
anchoring: Teknik og Miljø
owner:
  name: Anne Ejer
  email: ae@kommune.dk
lead:
  name: Bo Leder
  email: bl@kommune.dk
start: 2026-09-01
end: 2026-03-01
signoffs:
  dpo:
    name: Dorte DPO
    date: 1.3.2026
  security:
    name: Sune Sikker
    date: 2026-02-01
governance:
  model: small_project
  reason: Et kort forsøg.
infrastructure:
  follows: ja
considerations:
  citizens: Borgerpanel.
  coherence: Bruger MitID.
  climate: Mindre papir.
kle:
  - 13.02
releated: []
"""

EXPECTED = [
    (3, "HP012", "Ugyldig værdi i 'status'", "Mente du 'execution' (Gennemførelse)?"),
    (5, "HP102", "Ukendt fokusområde '4. Klima og ressourcer'", "Mente du 'klima-ressourcer'"),
    (6, "HP102", "Ukendt fokusområde 'Borger, teknologi og lokaldemokratiet'", "'borger-teknologi-lokaldemokrati'"),
    (7, "HP012", "Ugyldig værdi i 'scope'", "Mente du 'local' (Lokalt)?"),
    (8, "HP103", "Ukendt forankring 'Teknik og Miljø'", "Mente du 'teknik-og-miljoe' (Teknik og Miljø)?"),
    (16, "HP106", "", ""),
    (16, "HP203", "er passeret", ""),
    (20, "HP012", "Ugyldig værdi i 'signoffs.dpo.date'", ""),
    (17, "HP104", "IT og Digitalisering", ""),
    (28, "HP012", "Ugyldig værdi i 'infrastructure.follows'", "Mente du 'true'"),
    (34, "HP012", "Ugyldig værdi i 'kle[1]'", "'27.24.00' eller '27.24.00G01'"),
    (35, "HP010", "Ukendt felt 'releated'", "Mente du 'related'?"),
]


def test_a_rushed_draft_gets_every_problem_in_the_first_run(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"ny-borgerportal.yaml": RUSHED})
    (checked,) = load_portfolio(root, today=TODAY).project_files
    found = [(f.line, f.code, f.message) for f in checked.findings]
    for line, code, start, hint in EXPECTED:
        assert any(
            (line, code) == (f_line, f_code) and start in message and hint in message
            for f_line, f_code, message in found
        ), (line, code, start, found)
    # Nothing else: no noise about parts that could not be read (the DPO's sign-off is reported once).
    assert len(found) == len(EXPECTED), found


def test_the_advice_is_specific_or_left_out(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"ny-borgerportal.yaml": RUSHED})
    (checked,) = load_portfolio(root, today=TODAY).project_files
    advice = {(f.line, f.code): f.fix for f in checked.findings}
    assert advice[(20, "HP012")] == "Skriv 2026-03-01 (år-måned-dag)."
    assert "anførselstegn" in advice[(34, "HP012")]
    assert advice[(3, "HP012")] == ""  # the message already says what to write
    assert all("feltoversigten beskriver" not in fix for fix in advice.values())


def test_a_broken_status_judged_by_its_meaning_keeps_the_start_up_rules(make_portfolio: PortfolioFactory) -> None:
    # Gennemførelse is past the idea stage: the missing IT sign-off is an error now, not in the next round.
    root = make_portfolio({"p.yaml": RUSHED})
    codes = [f.code for f in load_portfolio(root, today=TODAY).project_files[0].findings]
    assert "HP104" in codes


def test_an_unreadable_status_skips_only_the_start_up_rules(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": RUSHED.replace("status: Gennemførelse", "status: [1, 2]")})
    codes = [f.code for f in load_portfolio(root, today=TODAY).project_files[0].findings]
    assert "HP104" not in codes  # applies from start-up on
    assert "HP106" in codes  # applies to every status
    assert codes.count("HP102") == 2 and "HP103" in codes and "HP010" in codes


def test_a_misspelt_section_is_not_also_reported_missing(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": RUSHED.replace("signoffs:", "sigoffs:")})
    found = load_portfolio(root, today=TODAY).project_files[0].findings
    assert [f.message for f in found if f.code == "HP010" and "sigoffs" in f.message]
    assert not [f for f in found if f.code in ("HP104", "HP105")]


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("signoffs", "dpo", "date"), ("signoffs", "dpo")),
        (("governance", "business_case", "benefits", 0, "owner"), ("governance", "business_case")),
        (("kle", 2), ("kle",)),
        (("status",), ("status",)),
        (("owner", "email"), ("owner",)),
        (("signoffs", "dpo", "reference"), ("signoffs", "dpo", "reference")),
    ],
)
def test_a_broken_part_is_cut_at_the_nearest_optional_key(
    loc: tuple[str | int, ...], expected: tuple[str | int, ...]
) -> None:
    assert removable_prefix(loc) == expected


def test_a_related_project_written_by_its_title_is_matched(make_portfolio: PortfolioFactory) -> None:
    other = RUSHED.replace("title: Ny borgerportal", "title: Digital pladsanvisning i dagtilbud")
    draft = RUSHED.replace("releated: []", "related:\n  - Digital pladsanvisning i dagtilbud")
    root = make_portfolio({"ny-borgerportal.yaml": draft, "pladsanvisning.yaml": other})
    checked = next(f for f in load_portfolio(root, today=TODAY).project_files if f.project_id == "ny-borgerportal")
    (message,) = [f.message for f in checked.findings if f.code == "HP110"]
    assert message.endswith("Mente du 'pladsanvisning' (Digital pladsanvisning i dagtilbud)?")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: Gennemførelse", "status: GENNEMFOERELSE", "Mente du 'execution' (Gennemførelse)?"),
        ("status: Gennemførelse", "status: Drift og gevinstrealisering", "Mente du 'benefits'"),
        ("scope: Lokalt", "scope: fælleskommunalt", "Mente du 'common' (Fælleskommunalt)?"),
        ("  - 4. Klima og ressourcer", "  - klima og ressourcer", "Mente du 'klima-ressourcer'"),
        ("  - 4. Klima og ressourcer", "  - 4", "Mente du 'klima-ressourcer'"),
        ("anchoring: Teknik og Miljø", "anchoring: teknik-og-miljø", "Mente du 'teknik-og-miljoe'"),
        ("anchoring: Teknik og Miljø", "anchoring: TEKNIK OG MILJOE", "Mente du 'teknik-og-miljoe'"),
        (
            "  follows: ja",
            "  follows: true\n  components:\n    - Digital Post",
            "Mente du 'digital-post' (Digital Post)?",
        ),
        ("  model: small_project", "  model: Lille projekt", "Mente du 'small_project'"),
        ("  follows: ja", "  follows: nej", "Mente du 'false'"),
    ],
)
def test_what_the_site_shows_is_matched_to_the_id(
    make_portfolio: PortfolioFactory, old: str, new: str, expected: str
) -> None:
    assert old in RUSHED
    root = make_portfolio({"p.yaml": RUSHED.replace(old, new)})
    messages = [f.message for f in load_portfolio(root, today=TODAY).project_files[0].findings]
    assert any(expected in message for message in messages), messages


# Anything a lead might put in a field by mistake.
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
)
_FIELDS = sorted(set(VALID_PROJECT) - {"considerations"})


@given(field=st.sampled_from(_FIELDS), junk=_JUNK)
@settings(max_examples=150)
def test_junk_in_one_field_never_hides_the_rules_on_the_others(field: str, junk: object) -> None:
    # Without considerations the valid project has three HP201 warnings; they must survive any junk elsewhere.
    project = valid_project(considerations=None, **{field: junk})
    if junk is None:
        project[field] = None
    text = dump_project(project)
    checked = check_project_source("projects/p.yaml", text.encode("utf-8"), CONTEXT)
    codes = [f.code for f in checked.findings]
    assert codes.count("HP201") == 3, checked.findings
    assert all(f.line is not None for f in checked.findings)


# Text pasted from Word: typographic quotes and non-breaking spaces look right and read wrong.
@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("title: Ny borgerportal", "title: “Ny borgerportal”", 1, "typografiske anførselstegn"),
        ("  - 13.02", "  - „27.24.00“", 34, "værdien står i typografiske anførselstegn"),
        ("title: Ny borgerportal", "title: “Byggesag: digital ansøgning”", 1, "Linjen har typografiske anførselstegn"),
        ("  email: bl@kommune.dk", "\u00a0 email: bl@kommune.dk", 14, "hårdt mellemrum (U+00A0)"),
        ("    name: Dorte DPO", "    name: Dorte DPO\n  \u00a0 x: 1", 20, "hårdt mellemrum (U+00A0)"),
    ],
)
def test_text_pasted_from_word_is_named(
    make_portfolio: PortfolioFactory, old: str, new: str, line: int, expected: str
) -> None:
    assert old in RUSHED
    root = make_portfolio({"p.yaml": RUSHED.replace(old, new)})
    found = load_portfolio(root, today=TODAY).project_files[0].findings
    assert any(f.line == line and expected in f.message + f.fix for f in found), [(f.line, f.message) for f in found]
