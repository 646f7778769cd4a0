"""The CPR guard: the matcher on a corpus, every hiding place in a file, exceptions, and git history."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.cpr import as_shown, find_cpr
from generator.cpr_scan import find_cpr_numbers, walk_values
from generator.loader import parse_document
from generator.portfolio import load_portfolio
from tests.conftest import TODAY, PortfolioFactory, dump_project, valid_project
from tests.test_history import Repo
from tests.test_site import build, copy_repository

GOOD = dump_project(valid_project())
CITIZENS = "citizens: Testet med borgere."  # line 50 of GOOD, its value at column 13
NOTE = "En tidligere version af projektfilen er udeladt, fordi den indeholdt et CPR-nummer."


def flagged(text: str) -> bool:
    """What a parsed string gets: the matcher on the text and on the text as a page shows it."""
    return bool(find_cpr(text) or find_cpr(as_shown(text)))


CPR_NUMBERS = {
    "hyphen": "010190-1234",
    "ten-digits": "0101901234",
    "one-space": "010190 1234",
    "two-spaces": "010190  1234",
    "tab": "010190\t1234",
    "line-break-in-a-literal-block": "010190\n1234",
    "spaced-hyphen": "010190 - 1234",
    "underscore": "010190_1234",
    "dots": "01.01.90-1234",
    "dots-throughout": "01.01.90.1234",
    "slashes": "01/01/90-1234",
    "hyphens-throughout": "01-01-90-1234",
    "spaced-groups": "01 01 90 1234",
    "dots-and-spaces": "01. 01. 90 - 1234",
    "dots-then-run-together": "01.01.901234",
    "no-break-space": "010190\u00a01234",
    "narrow-no-break-space": "010190\u202f1234",
    "em-space": "010190\u20031234",
    "ideographic-space": "010190\u30001234",
    "soft-hyphen-inside": "0101\u00ad901234",
    "zero-width-space-inside": "01019\u200b01234",
    "zero-width-joiner-inside": "01\u200d0190-1234",
    "word-joiner-inside": "0101\u20609012\u206034",
    "byte-order-mark-inside": "010\ufeff190-1234",
    "combining-mark-inside": "01019\u03030-1234",
    "non-breaking-hyphen": "010190\u20111234",
    "minus-sign": "010190\u22121234",
    "en-dash": "010190\u20131234",
    "em-dash": "010190\u20141234",
    "hyphen-u2010": "010190\u20101234",
    "fraction-slash": "010190\u20441234",
    "division-slash": "010190\u22151234",
    "fullwidth-slash": "010190\uff0f1234",
    "fullwidth-digits": "\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14",
    "arabic-indic-digits": "\u0660\u0661\u0660\u0661\u0669\u0660\u0661\u0662\u0663\u0664",
    "devanagari-digits": "\u0966\u0967\u0966\u0967\u096f\u0966-\u0967\u0968\u0969\u096a",
    "mathematical-digits": "\U0001d7ce\U0001d7cf\U0001d7ce\U0001d7cf\U0001d7d7\U0001d7ce1234",
    "superscript-digits": "010190-\u00b9\u00b2\u00b3\u2074",
    "in-a-sentence": "Borger 010190-1234 deltog.",
    "after-cpr-and-a-hyphen": "Ring CPR-0101901234.",
    "after-letters": "CPR0101901234",
    "in-brackets": "(0101901234)",
    "leap-day-2000": "290200-1234",
    "last-day-of-1999": "311299-1234",
    "html-entity-decimal": "&#48;101901234",
    "html-entity-hex": "&#x30;10190-1234",
    "html-entity-nbsp": "010190&nbsp;1234",
    "html-entity-soft-hyphen": "010190&shy;1234",
    "html-entity-dash": "010190&#8209;1234",
    "markdown-strong-splits-digits": "0101**90**-1234",
    "markdown-emphasis-splits-digits": "0101*90*1234",
    "markdown-code-splits-digits": "`0101`901234",
    "markdown-strike-splits-digits": "0101~~90~~-1234",
    "markdown-backslash-escape": "010190\\-1234",
    "html-tag-splits-digits": "0101<b>90</b>1234",
    "html-line-break-between": "010190<br>1234",
}

NOT_CPR_NUMBERS = {
    "phone-in-pairs": "86 12 34 56",
    "phone-with-country-code": "+45 86 12 34 56",
    "phone-with-country-code-run-together": "+4586123456",
    "phone-in-fours": "8612 3456",
    "phone-with-country-code-in-fours": "+45 8612 3456",
    "phone-with-00-prefix": "0045 86 12 34 56",
    "case-number-year-first": "2024-123456",
    "case-number-2011": "2011-123456",
    "esdh-case-number": "17.01.00-P20-1-19",
    "esdh-case-number-with-long-serial": "27.24.00-G01-0101901234",
    "kle-number": "27.24.00",
    "kle-number-with-facet": "27.24.00G01",
    "date-with-four-digit-year": "01.01.1990",
    "date-with-four-digit-year-and-time": "01.01.1990 1234",
    "danish-date": "24-12-2024",
    "iso-date-and-time": "2026-11-24 1030",
    "iso-date-and-four-digits": "2024-01-01 1234",
    "iso-timestamp": "2026-11-24T10:30:00",
    "compact-timestamp": "20260101120000",
    "amount-with-thousands-dots": "1.201.000.000",
    "amount-in-groups-of-three": "12.010.190.123",
    "amount-with-thousands-spaces": "12 010 190 123",
    "cvr-with-country": "DK12345678",
    "cvr": "CVR 12345678",
    "ean": "5798000123456",
    "ean-in-a-sentence": "Telefon 86 12 34 56, EAN 5798000416604",
    "eleven-digits": "01019012345",
    "digit-and-hyphen-before": "1-0101901234",
    "digit-and-dot-before": "1.0101901234",
    "hyphen-and-digit-after": "0101901234-5",
    "dot-and-digit-after": "0101901234.5",
    "right-after-plus": "+0101901234",
    "day-32": "320190-1234",
    "day-00": "000190-1234",
    "month-13": "011390-1234",
    "no-leap-day-in-2001": "290201-1234",
    "four-then-six": "0101 901234",
    "three-three-four": "010 190 1234",
    "five-five": "01019 01234",
    "six-digits-alone": "010190",
    "date-alone": "01.01.90",
    "too-long-a-gap": "010190 -  - 1234",
    "time-range": "kl. 10.30-12.00",
    "year-range": "2021-2025",
    "iban": "DK50 0040 0440 1162 43",
    "isbn": "ISBN 978-87-7245-123-4",
    "not-a-date-ordre": "Ordre 123456-7890",
    "postcode": "8500 Grenaa",
    "version-number": "version 2.10.190",
    "case-numbers-and-dates": "Sag 27.24.00-G01-1234-24 og 2024-01-01",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, True, id=f"cpr:{name}") for name, text in CPR_NUMBERS.items()]
    + [pytest.param(text, False, id=f"not-cpr:{name}") for name, text in NOT_CPR_NUMBERS.items()],
)
def test_the_corpus(text: str, expected: bool) -> None:
    assert flagged(text) is expected


def test_a_match_is_masked_and_placed_in_the_original_text() -> None:
    text = "Borger \u00ad0101\u200b90\u00a01234 deltog"
    [match] = find_cpr(text)
    assert match.masked == "010190-****"
    assert text[match.start : match.end] == "0101\u200b90\u00a01234"


def test_an_amount_in_kroner_is_no_cpr_number() -> None:
    assert find_cpr_numbers("amount_dkk_per_year: 1201000000\n") == []
    assert find_cpr_numbers("owner: 1201000000\n") != []


def test_yaml_source_may_break_the_line_between_groups() -> None:
    assert find_cpr("x: >-\n    Borger 010190\n    1234", source=True)
    assert find_cpr("x: >-\n    Borger 01 01\n\n      - 90 1234", source=True)
    assert not find_cpr("x: >-\n    Borger 010190\n    1234")  # in a parsed value, indentation is no separator


PLAIN = [name for name, text in CPR_NUMBERS.items() if text.isascii() and not re.search(r"[\\&<*`~]", text)]


def block(indicator: str, text: str) -> str:
    return indicator + "\n" + "".join(f"  {line}\n" for line in text.split("\n"))


@pytest.mark.parametrize("name", PLAIN)
def test_without_escapes_or_markup_the_source_finds_all_that_the_values_hold(name: str) -> None:
    # Why the loader walks the values only of files with escapes or markup.
    text = CPR_NUMBERS[name]
    source = "a: " + block(">-", "x\n" + text.replace(" ", "\n", 1)) + "b: " + block("|", text)
    in_text = find_cpr_numbers(source)
    assert len(in_text) == 2
    assert walk_values(parse_document(source), (), in_text) == []


# Each hiding place in a project file, with where HP007 must point.
HIDING_PLACES = [
    pytest.param(GOOD + "# ring 01.01.90-1234\n", 57, 8, id="comment"),
    pytest.param(GOOD.replace(CITIZENS, 'citizens: "Borger \\x30101901234"'), 50, 13, id="hex-escape"),
    pytest.param(GOOD.replace(CITIZENS, 'citizens: "Borger \\u0030101901234"'), 50, 13, id="unicode-escape"),
    pytest.param(GOOD.replace(CITIZENS, 'citizens: "Borger 010190\\\n    -1234"'), 50, 13, id="escaped-line-break"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: >-\n    Borger 010190\n    1234 deltog."), 51, 12, id="folded"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 010190\n    1234 deltog."), 50, 20, id="plain-multiline"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger &#48;101901234."), 50, 13, id="html-entity"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 0101**90**-1234."), 50, 13, id="markdown-emphasis"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 0101<b>90</b>1234."), 50, 13, id="html-tag"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 010190\u00a01234."), 50, 20, id="no-break-space"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 01\u200b01\u200b90-1234."), 50, 20, id="zero-width-space"),
    pytest.param(GOOD.replace(CITIZENS, "citizens: Borger 01.01.90-1234."), 50, 20, id="dots"),
    pytest.param(GOOD + '"01 01 90 1234": x\n', 57, 2, id="a-key"),
]


@pytest.mark.parametrize(("text", "line", "column"), HIDING_PLACES)
def test_each_hiding_place_in_a_file_is_found_once_at_its_line(
    make_portfolio: PortfolioFactory, text: str, line: int, column: int
) -> None:
    root = make_portfolio({"p.yaml": text})
    [checked] = load_portfolio(root, today=TODAY).project_files
    found = [(f.line, f.column, f.message) for f in checked.findings if f.code == "HP007"]
    assert found == [(line, column, "Filen ser ud til at indeholde et CPR-nummer (010190-****).")]


def test_a_number_found_in_the_source_is_not_reported_again_for_its_value(make_portfolio: PortfolioFactory) -> None:
    # '*' makes the loader walk the values too; the number is still reported once.
    root = make_portfolio({"p.yaml": GOOD.replace(CITIZENS, "citizens: Borger *vigtigt* 010190-1234 og 020290-1234.")})
    [checked] = load_portfolio(root, today=TODAY).project_files
    assert [(f.line, f.column) for f in checked.findings if f.code == "HP007"] == [(50, 30), (50, 45)]


def test_a_cpr_number_as_file_name_is_an_error_at_the_top(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"010190-1234.yaml": GOOD})
    [checked] = load_portfolio(root, today=TODAY).project_files
    [found] = checked.findings
    assert (found.code, found.line, found.column) == ("HP007", 1, 1)
    assert found.message == "Filnavnet ser ud til at indeholde et CPR-nummer (010190-****)."
    assert "omdøbes" in found.fix


def test_a_cpr_file_name_stops_build_and_export(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "projects" / "230377-4821.yaml").write_text(GOOD, encoding="utf-8")
    for args in (["build"], ["export", "--format", "csv", "--output", str(tmp_path / "plan.csv")], ["report"]):
        result = CliRunner().invoke(main, ["--root", str(root), *args, "--today", TODAY.isoformat()])
        assert result.exit_code == 1, args
        assert "HP007" in result.stdout
        assert "230377-4821" not in result.stdout.replace("projects/230377-4821.yaml", "")  # only as the path
    assert not (root / "site").exists()
    assert not (tmp_path / "plan.csv").exists()


# --- Reviewed exceptions -----------------------------------------------------------

ACCOUNT = "Kontonr. 0101901234"


def with_exceptions(root: Path, *texts: str) -> None:
    programme = root / "focus_areas.yaml"
    entries = [{"text": t, "reviewed_by": "Dorte DPO", "reviewed_on": "2026-10-01"} for t in texts]
    listed = yaml.safe_dump({"cpr_exceptions": entries}, allow_unicode=True, sort_keys=False)
    text = programme.read_text(encoding="utf-8").replace("cpr_exceptions: []\n", listed)
    programme.write_text(text, encoding="utf-8")


def test_an_exception_excuses_exactly_its_text(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio(
        {
            "excused.yaml": GOOD.replace(CITIZENS, f"citizens: Betaling til {ACCOUNT}."),
            "near-miss.yaml": GOOD.replace(CITIZENS, "citizens: Betaling til Kontonr. 0101901235."),
            "same-number-elsewhere.yaml": GOOD.replace(CITIZENS, f"citizens: {ACCOUNT}, borger 0101901234."),
        }
    )
    with_exceptions(root, ACCOUNT)
    portfolio = load_portfolio(root, today=TODAY)
    found = {f.path: [(x.line, x.column) for x in f.findings if x.code == "HP007"] for f in portfolio.files}
    assert found == {
        "focus_areas.yaml": [],  # the exception's own text does not trip the programme's check
        "projects/excused.yaml": [],
        "projects/near-miss.yaml": [(50, 35)],
        "projects/same-number-elsewhere.yaml": [(50, 41)],
    }


def test_an_escaped_exception_does_not_trip_the_programme_file(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD})
    programme = root / "focus_areas.yaml"
    listed = 'cpr_exceptions:\n- text: "Kontonr. \\x30101901234"\n  reviewed_by: Dorte DPO\n  reviewed_on: 2026-10-01\n'
    programme.write_text(programme.read_text("utf-8").replace("cpr_exceptions: []\n", listed), "utf-8")
    portfolio = load_portfolio(root, today=TODAY)
    assert portfolio.programme is not None
    assert [e.text for e in portfolio.programme.cpr_exceptions] == [ACCOUNT]
    assert portfolio.programme_file.findings == ()


def test_the_compliance_page_lists_the_exceptions(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    with_exceptions(root, ACCOUNT)
    page = (build(root) / "overholdelse" / "index.html").read_text(encoding="utf-8")
    section = page[page.index("Godkendte undtagelser fra CPR-tjekket") :]
    assert "<td>Kontonr. 0101901234</td><td>Dorte DPO</td><td>1. oktober 2026</td>" in section


def test_without_exceptions_the_compliance_page_says_so(tmp_path: Path) -> None:
    page = (build(copy_repository(tmp_path / "repo")) / "overholdelse" / "index.html").read_text(encoding="utf-8")
    assert "Der er ingen undtagelser." in page[page.index("Godkendte undtagelser fra CPR-tjekket") :]


# --- History -----------------------------------------------------------------------

SECRET = "230377-4821"
# The number's digits in order, with at most a few non-alphanumeric characters, tags or entities between.
_GAP = r"(?:[^0-9A-Za-z]|<[^>]*>|&#?\w+;){0,4}"
SECRET_ANY_FORM = re.compile(_GAP.join(SECRET.replace("-", "")))
SECRET_BIRTH_DATE = re.compile(_GAP.join("230377"))


def leaks(text: str) -> bool:
    return any(
        pattern.search(t) for pattern in (SECRET_ANY_FORM, SECRET_BIRTH_DATE) for t in (text, html.unescape(text))
    )


def site_texts(site: Path) -> dict[str, str]:
    """Every file of the built site as text; the xlsx export's parts unzipped."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for name in archive.namelist():
                    texts[f"{path.relative_to(site)}!{name}"] = archive.read(name).decode("utf-8", "replace")
        else:
            texts[str(path.relative_to(site))] = raw.decode("utf-8", "replace")
    return texts


@pytest.fixture
def history(tmp_path: Path) -> Repo:
    """Autumn 2026: a title with a CPR number, fixed; and a file named by one, renamed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = Repo(tmp_path / "repo")
    repo.write("aula", valid_project(title="Aula", status="execution"))
    repo.commit("Aula", "2026-10-02T09:00:00")
    repo.git("tag", "clean")
    repo.write("digital-post", valid_project(title=f"Digital post til borger {SECRET}", status="startup"))
    (repo.root / "projects" / f"{SECRET}.yaml").write_text(dump_project(valid_project(title="Borgerportal")), "utf-8")
    repo.commit("Nye projekter", "2026-10-05T09:00:00")
    repo.git("tag", "leaky")
    repo.write("digital-post", valid_project(title="Digital post til virksomheder", status="execution"))
    repo.git("mv", f"projects/{SECRET}.yaml", "projects/borgerportal.yaml")
    repo.commit("Uden CPR-nummer", "2026-10-20T09:00:00")
    return repo


def test_a_version_with_a_cpr_number_is_never_published(history: Repo) -> None:
    result = history.invoke("build", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    site = history.root / "site"
    texts = site_texts(site)
    assert {"feed.xml", "search/search_index.json", "rapport/index.html", "eksport/handleplan.csv"} <= set(texts)
    assert [name for name, text in texts.items() if leaks(text)] == []
    for page in ("aendringer/index.html", "feed.xml", "rapport/index.html", "projekter/digital-post/index.html"):
        assert NOTE in texts[page], page
    changes = texts["aendringer/index.html"]
    assert "Ny version uden CPR-nummer, status Gennemførelse." in changes
    assert "Projektfil med udeladt navn" in changes  # the file named by a number is not named
    assert texts["feed.xml"].count('href="aendringer/"') == 3  # the feed's own, the unnamed file's two


def test_the_status_report_command_withholds_it_too(history: Repo) -> None:
    result = history.invoke("report", "--since", "2026-10-01", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert NOTE in result.stdout
    assert not leaks(result.stdout)


@pytest.mark.parametrize(
    ("revisions", "note"),
    [
        (["clean", "leaky"], "Den nye version er udeladt, fordi den indeholder et CPR-nummer."),
        (["leaky", "HEAD"], "Den tidligere version er udeladt, fordi den indeholdt et CPR-nummer."),
        (["leaky"], "Den tidligere version er udeladt, fordi den indeholdt et CPR-nummer."),  # the working tree
    ],
)
def test_diff_withholds_a_version_with_a_cpr_number(history: Repo, revisions: list[str], note: str) -> None:
    markdown = history.invoke("diff", *revisions)
    as_json = history.invoke("diff", *revisions, "--format", "json")
    assert markdown.exit_code == as_json.exit_code == 0, markdown.output
    assert not leaks(markdown.stdout)
    assert not leaks(as_json.stdout)
    assert "### Udeladte versioner" in markdown.stdout
    assert f"`digital-post`: {note}" in markdown.stdout
    assert {"id": "digital-post", "note": note} in json.loads(as_json.stdout)["withheld"]
