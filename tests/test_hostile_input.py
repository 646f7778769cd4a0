"""Hostile or odd input and environments: every case a clean Danish answer, never exit 3."""

from __future__ import annotations

import errno
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.changes import PortfolioDiff, ProjectDiff, diff_as_markdown
from generator.cli import main
from generator.portfolio import load_portfolio
from generator.report import format_report, one_line
from tests.conftest import TODAY, PortfolioFactory, dump_project, valid_project
from tests.test_site import copy_repository

GOOD = dump_project(valid_project())
TITLE = "title: Digital post til virksomheder"


def findings(root: Path) -> list[tuple[str, str, str]]:
    portfolio = load_portfolio(root, today=TODAY)
    return [(f.path, x.code, x.message) for f in portfolio.files for x in f.findings]


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\uFFFE", "U+FFFE"),
        ("\\uFFFF", "U+FFFF"),
        ("\\uFDD0", "U+FDD0"),
        ("\\U0001FFFE", "U+1FFFE"),
        ("\\U0010FFFF", "U+10FFFF"),
        ("\\x1b", "U+001B"),
        ("\\x85", "U+0085"),
        ("\\x9f", "U+009F"),
        ("\\x7f", "U+007F"),
        ("\\0", "U+0000"),
    ],
    ids=lambda value: value.replace("\\", ""),
)
def test_characters_xml_xlsx_or_a_terminal_cannot_carry_are_hp012(
    make_portfolio: PortfolioFactory, escape: str, shown: str
) -> None:
    text = GOOD.replace(TITLE, f'title: "Digital{escape} post"')
    (found,) = findings(make_portfolio({"p.yaml": text}))
    assert found[1] == "HP012"
    assert shown in found[2] and "'title'" in found[2]


def test_a_lone_surrogate_is_refused_cleanly(make_portfolio: PortfolioFactory) -> None:
    text = GOOD.replace(TITLE, 'title: "Digital\\uD800 post"')
    codes = {code for _, code, _ in findings(make_portfolio({"p.yaml": text}))}
    assert codes & {"HP001", "HP012"}


def test_a_noncharacter_never_reaches_the_xlsx_export(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace(TITLE, 'title: "Digital\\uFFFE post"')})
    result = runner.invoke(main, ["--root", str(root), "export", "--format", "xlsx", "--output", str(root / "x.xlsx")])
    assert result.exit_code == 1
    assert "HP012" in result.output and not (root / "x.xlsx").exists()


FORGED = GOOD.replace(
    "title: Digital post til virksomheder",
    'title: Digital post\n"x\\n::error file=a.yaml::forged\\r\\n::warning::x": 1',
)


def test_a_key_with_newlines_cannot_forge_a_workflow_command(make_portfolio: PortfolioFactory) -> None:
    portfolio = load_portfolio(make_portfolio({"p.yaml": FORGED}), today=TODAY)
    for output_format in ("text", "github"):
        lines = format_report(portfolio, output_format).splitlines()
        assert not [line for line in lines if line.startswith("::") and "forged" in line.split("::", 2)[1]]
        assert all(not line.startswith("::warning::x") for line in lines)
    text = format_report(portfolio, "text")
    assert "Ukendt felt 'x\\n::error file=a.yaml::forged\\r\\n::warning::x'." in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("a\x1b[31mb", "a\\u001b[31mb"),
        ("a\u2028b", "a\\u2028b"),
        ("a\x85b", "a\\u0085b"),
        ("a\u202eb", "a\\u202eb"),
        ("Teknik og Miljø – æøå", "Teknik og Miljø – æøå"),
    ],
    ids=["newline", "crlf", "escape-sequence", "line-separator", "next-line", "bidi-override", "danish-untouched"],
)
def test_one_line_escapes_everything_that_could_break_a_line(text: str, expected: str) -> None:
    assert one_line(text) == expected


def test_a_file_name_with_a_newline_stays_on_its_line(make_portfolio: PortfolioFactory) -> None:
    portfolio = load_portfolio(make_portfolio({"a\n::error::forged.yaml": GOOD}), today=TODAY)
    lines = format_report(portfolio, "text").splitlines()
    assert not [line for line in lines if line.startswith("::error")]
    assert lines[0].startswith("projects/a\\n::error::forged.yaml:1:1: HP006")


@pytest.mark.parametrize("amount", ["10" + "0" * 400, "1000000000001"], ids=["10^401", "just-over-the-bound"])
def test_an_absurd_amount_is_hp012_and_builds_and_exports_answer_cleanly(
    make_portfolio: PortfolioFactory, runner: CliRunner, amount: str
) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace("amount_dkk_per_year: 50000", f"amount_dkk_per_year: {amount}")})
    (found,) = findings(root)
    assert found[1:] == (
        "HP012",
        "Ugyldig værdi i 'governance.business_case.benefits[1].amount_dkk_per_year': må højst være 1.000.000.000.000.",
    )
    for command in (["build"], ["export", "--format", "json", "--output", "-"], ["report"]):
        result = runner.invoke(main, ["--root", str(root), *command])
        assert result.exit_code == 1, (command, result.output)


def test_the_largest_allowed_amount_exports(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace("amount_dkk_per_year: 50000", "amount_dkk_per_year: 1000000000000")})
    result = runner.invoke(main, ["--root", str(root), "export", "--format", "json", "--output", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["projects"]


def test_a_huge_file_is_refused_without_being_read(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio()
    with (root / "projects" / "big.yaml").open("wb") as stream:
        stream.truncate(1 << 30)  # a sparse GiB: costs no disk, would cost a GiB of memory if read
    tracemalloc.start()
    try:
        (found,) = findings(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == ("projects/big.yaml", "HP004", "Filen fylder 1.073.741.824 byte; grænsen er 262.144.")
    assert peak < 20 * 1024 * 1024


@pytest.fixture
def outside_file(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(GOOD.replace(TITLE, "title: Hemmelig titel"), encoding="utf-8")
    return secret


def test_a_symlink_to_a_file_outside_is_refused_and_not_published(
    make_portfolio: PortfolioFactory, runner: CliRunner, outside_file: Path
) -> None:
    root = make_portfolio({"good.yaml": GOOD})
    (root / "projects" / "linked.yaml").symlink_to(outside_file)
    found = findings(root)
    assert found == [
        (
            "projects/linked.yaml",
            "HP008",
            "Filen er et symbolsk link. Links følges ikke, fordi de kan pege uden for repositoriet.",
        )
    ]
    portfolio = load_portfolio(root, today=TODAY)
    assert set(portfolio.projects) == {"good"}
    result = runner.invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1 and "HP008" in result.output
    assert not (root / "site").exists()


def test_a_symlinked_programme_file_is_refused(make_portfolio: PortfolioFactory, tmp_path: Path) -> None:
    root = make_portfolio({"good.yaml": GOOD})
    real = tmp_path / "elsewhere.yaml"
    (root / "focus_areas.yaml").rename(real)
    (root / "focus_areas.yaml").symlink_to(real)
    portfolio = load_portfolio(root, today=TODAY)
    assert [x.code for x in portfolio.programme_file.findings] == ["HP008"]


def test_dangling_links_and_folders_are_findings_and_no_project_for_related(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"good.yaml": dump_project(valid_project(related=["dangling", "folder"]))})
    (root / "projects" / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    (root / "projects" / "folder.yaml").mkdir()
    found = findings(root)
    assert ("projects/dangling.yaml", "HP008") in [(path, code) for path, code, _ in found]
    assert ("projects/folder.yaml", "HP008", "Det er en mappe, ikke en fil.") in found
    related = [message for path, code, message in found if path == "projects/good.yaml" and code == "HP110"]
    assert len(related) == 2


def test_disk_full_is_a_danish_user_error(
    make_portfolio: PortfolioFactory, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_portfolio({"good.yaml": GOOD})

    def full(path: Path, content: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("generator.cli.write_atomically", full)
    result = runner.invoke(main, ["--root", str(root), "export", "--format", "csv", "--output", str(root / "x.csv")])
    assert result.exit_code == 1
    assert "der er ikke mere plads på disken" in result.stderr
    assert "Intern fejl" not in result.output


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.ENAMETOOLONG], ids=["read-only", "denied", "long"])
@pytest.mark.parametrize("writer", ["generator.build.write_changed", "generator.docs_folder.write_page"])
def test_os_errors_while_building_are_danish_user_errors(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, code: int, writer: str
) -> None:
    # The lists are written by the build, the project pages by its forked worker: both say it in Danish.
    root = copy_repository(tmp_path / "repo")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(root / "site"))

    monkeypatch.setattr(writer, refuse)
    result = runner.invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1, result.output
    assert "En fil kunne ikke læses eller skrives" in result.stderr


def test_an_over_long_id_is_refused_in_danish(make_portfolio: PortfolioFactory, runner: CliRunner) -> None:
    root = make_portfolio()
    answers = ["--title", "Nyt", "--summary", "Kort.", "--focus-area", "data-styring", "--scope", "local"]
    answers += ["--anchoring", "it-og-digitalisering", "--owner", "A", "--owner-email", "a@b.dk"]
    answers += ["--lead", "B", "--lead-email", "b@b.dk", "--start", "2027-01-01", "--end", "2027-06-30"]
    result = runner.invoke(main, ["--root", str(root), "new", "--id", "a" * 300, *answers], input="\n" * 20)
    assert result.exit_code in (1, 2), result.output
    assert "Intern fejl" not in result.output
    assert not list((root / "projects").iterdir())


@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31", "9999-12-31"])
def test_an_out_of_range_today_is_a_usage_error(make_portfolio: PortfolioFactory, runner: CliRunner, day: str) -> None:
    root = make_portfolio({"good.yaml": GOOD})
    for command in (["validate"], ["build"], ["report"]):
        result = runner.invoke(main, ["--root", str(root), *command, "--today", day])
        assert result.exit_code == 2, result.output
        assert "skal ligge mellem 1970-01-01 og 9998-12-31" in result.stderr


def test_the_markdown_diff_lets_no_text_break_out() -> None:
    change = ProjectDiff("bad`id", "Spørg @kommunaldirektoer om [dette](https://evil.example)")
    change.status_from, change.status_to = "Idé", "Opstart"
    diff = PortfolioDiff(
        "main`; @x",
        "HEAD",
        added=[("x``y", "Ny @borgmester titel", "Idé")],
        removed=[("old", "**fed** <script>")],
        renamed=[("a`b", "c")],
        changed=[change],
    )
    text = diff_as_markdown(diff)
    assert "@kommunaldirektoer" not in text and "@borgmester" not in text
    assert "](https://" not in text and "<script>" not in text and "**fed**" not in text
    assert "https://evil" not in text
    assert "`` bad`id ``" in text and "``` x``y ```" in text and "`` a`b ``" in text
    assert "`` main`; @x ``" in text


def test_an_over_long_file_name_is_no_project_id(make_portfolio: PortfolioFactory) -> None:
    found = findings(make_portfolio({f"{'a' * 81}.yaml": GOOD, f"{'b' * 80}.yaml": GOOD}))
    assert [(path[:11], code) for path, code, _ in found] == [("projects/aa", "HP006")]


@pytest.mark.parametrize(
    "edit_url",
    ["javascript:alert(1)//", "data:text/html,x/", "https://intranet.example/edit", 'https://a.dk/"onclick=x/'],
    ids=["javascript", "data", "no-trailing-slash", "quote"],
)
def test_an_unsafe_edit_url_is_refused(tmp_path: Path, runner: CliRunner, edit_url: str) -> None:
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "edit_url: https://github.com/norddjurs/handleplan/edit/main/projects/" in text
    config.write_text(
        text.replace("https://github.com/norddjurs/handleplan/edit/main/projects/", json.dumps(edit_url)), "utf-8"
    )
    result = runner.invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1, result.output
    assert "mkdocs.yml: extra.handleplan.edit_url skal være en webadresse" in result.stderr
    assert not (root / "site").exists()


@pytest.mark.parametrize(
    ("appended", "expected"),
    [
        (b"theme:\n  name: material\n features: [a]\n", ", linje {last}, kolonne 2: forkert indrykning"),
        (b'nav: "abc\n', ", linje {end}, kolonne 1: filen slutter midt i en værdi"),
        (b"nav: [a, b\n", ", linje {end}, kolonne 1: en liste i [ ] mangler et komma"),
        (b"x: \xe2\x80\x9ca: b\xe2\x80\x9d\n", ", linje {last}, kolonne 6: der står et kolon, hvor"),
        # After the Danish letters above it (libyaml counts bytes, a person characters).
        (b'x: "\xc3\xa6\x01"\n', ", linje {last}, kolonne 6: tegnet U+0001 må ikke stå i en YAML-fil"),
        (b'x: "\xff"\n', ": den er ikke gemt som UTF-8"),
    ],
    ids=["indentation", "unclosed-quote", "unclosed-list", "word-quotes", "control-character", "not-utf8"],
)
def test_an_unreadable_mkdocs_yml_is_told_in_danish_with_its_line(
    tmp_path: Path, runner: CliRunner, appended: bytes, expected: str
) -> None:
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    text = config.read_bytes()
    config.write_bytes(text + appended)
    last = text.count(b"\n") + appended.count(b"\n")
    result = runner.invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1, result.output
    assert (
        f"Fejl: MkDocs kunne ikke bygge sitet: mkdocs.yml kan ikke læses{expected.format(last=last, end=last + 1)}"
        in (result.stderr)
    )
    assert "Traceback" not in result.output and "while parsing" not in result.stderr  # not PyYAML's English
    assert not (root / "site").exists()


def test_a_failed_write_names_the_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    from generator.docs_folder import write_atomically

    target = tmp_path / "out" / "x.csv"
    with pytest.raises(OSError) as raised:
        write_atomically(target, b"data")
    assert raised.value.filename == str(target)
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.csv").mkdir()  # the rename onto a folder fails after the temporary is written
    with pytest.raises(OSError):
        write_atomically(folder / "x.csv", b"data")
    assert sorted(p.name for p in folder.iterdir()) == ["x.csv"]
