"""Click speaks Danish: every text click can print has a Danish entry, and no command leaks English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator import click_danish
from generator.cli import main
from generator.cli_common import DEV_ADDRESS
from tests.conftest import PortfolioFactory

CLICK_SOURCE = Path(click.__file__).parent


def click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal text click's source passes to `_(…)` and every pair it passes to `ngettext(…)`."""
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for source in sorted(CLICK_SOURCE.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if node.func.id == "_" and texts:
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                pairs.add((texts[0], texts[1]))
    return singles, pairs


def test_click_has_texts_to_scan() -> None:
    singles, pairs = click_texts()
    assert "Usage:" in singles and len(singles) > 40 and len(pairs) > 4


def test_every_text_click_prints_has_a_danish_entry() -> None:
    singles, pairs = click_texts()
    assert sorted(singles - click_danish.MESSAGES.keys()) == []
    assert sorted(pairs - click_danish.PLURALS.keys()) == []


def test_the_text_click_looks_up_by_a_variable_has_an_entry() -> None:
    # core.py: `_(extra["required"])`, where extra["required"] is "required".
    assert '_(extra["required"])' in (CLICK_SOURCE / "core.py").read_text(encoding="utf-8")
    assert click_danish.gettext("required") == "påkrævet"


def _fields(text: str) -> set[str]:
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return braces | set(re.findall(r"%\(\w+\)s", text))


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        *click_danish.MESSAGES.items(),
        *(pair for key, value in click_danish.PLURALS.items() for pair in zip(key, value, strict=True)),
    ],
)
def test_a_danish_text_keeps_the_placeholders(english: str, danish: str) -> None:
    assert _fields(danish) == _fields(english)


def test_the_value_types_have_danish_names() -> None:
    for value_type in vars(click.types).values():
        if isinstance(value_type, type) and issubclass(value_type, click.ParamType):
            name = value_type.__dict__.get("name")
            if isinstance(name, str):
                assert name in click_danish.TYPE_NAMES.values(), value_type


# Words that give away click's English, and Danish that shows the text was translated.
ENGLISH = re.compile(
    r"\b(Usage|Error|Try|option|Options|Invalid|Missing|Aborted|default|required|Commands|Show this message"
    r"|Did you mean|is not|does not|extra argument|Repeat|invalid input|OPTIONS|COMMAND|ARGS|TEXT|INTEGER"
    r"|PATHS?|DIRECTORY|FILE|FILENAME|BOOLEAN)\b|\[y/N\]|\[Y/n\]"
)
DANISH = re.compile(r"Brug:|Fejl:|Tilvalg:|Afbrudt\.")


def _invocations(root: Path) -> list[tuple[list[str], str | None]]:
    """Bad input for every command of `main`, and a few for the group itself."""
    runs: list[tuple[list[str], str | None]] = [
        ([], None),
        (["--help"], None),
        (["frobnicate"], None),
        (["--root", str(root / "findes-ikke"), "validate"], None),
        (["--root", str(root / "focus_areas.yaml"), "validate"], None),
        (["--nope"], None),
        (["--root"], None),
        (["new"], ""),  # interrupted at the first question
        (["new", "--title", "Et projekt"], "Resumé\n"),
        (["schema", "--check"], None),  # the portfolio has no generated files yet
    ]
    for name, command in main.commands.items():
        runs += [([name, "--help"], None), ([name, "--nope"], None), ([name, "--forma", "x"], None)]
        options = [p for p in command.params if isinstance(p, click.Option) and not p.is_flag and not p.hidden]
        for option in options:
            runs.append(([name, option.opts[0]], None))  # no value
            if not isinstance(option.type, click.types.StringParamType) and not _accepts_any_path(option.type):
                runs.append(([name, option.opts[0], "ugyldig-værdi-42"], None))
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if any(a.required for a in arguments):
            runs.append(([name], None))  # missing argument
        if all(a.nargs != -1 for a in arguments):
            runs.append(([name, *("x" for _ in arguments), "ekstra", "mere"], None))
        else:
            runs.append(([name, "findes-ikke.yaml"], None))
    return runs


def _accepts_any_path(value_type: click.ParamType) -> bool:
    return isinstance(value_type, click.Path) and not value_type.exists


def test_no_command_speaks_english(
    make_portfolio: PortfolioFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_portfolio()
    monkeypatch.chdir(tmp_path)  # whatever a command might write lands here
    runner = CliRunner()
    leaks = []
    for args, given in _invocations(root):
        full = args if args[:1] == ["--root"] else ["--root", str(root), *args]
        result = runner.invoke(main, full, input=given)
        assert isinstance(result.exception, SystemExit | None), (args, result.exception)
        output = result.output
        found = ENGLISH.search(output)
        if found or not DANISH.search(output):
            leaks.append(f"{' '.join(args)}: {found.group() if found else 'ingen dansk'}\n{output}")
    assert leaks == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["validate", "--format", "xml"],
            "Fejl: Ugyldig værdi for '--format': 'xml' er ikke en af 'text', 'github', 'json'.",
        ),
        (["validate", "--formt", "xml"], "Fejl: Tilvalget '--formt' findes ikke. Mente du '--format'?"),
        (["diff"], "Fejl: Mangler argumentet 'FRA'."),
        (["diff", "a", "b", "c"], "Fejl: Uventet ekstra argument (c)"),
        (["export"], "Fejl: Mangler tilvalget '--format'."),
        (["from-issue", "--issue", "0"], "0 ligger ikke i intervallet x>=1."),
        (["validate", "--today", "31-02-2026"], "31-02-2026 er ikke en dato i kalenderen"),
        (["validate", "findes-ikke.yaml"], "Sti 'findes-ikke.yaml' findes ikke."),
        (["frobnicate"], "Fejl: Kommandoen 'frobnicate' findes ikke."),
        (["serve", "--dev-addr", "8000"], "'8000' er ikke en adresse. Skriv IP:PORT, fx 127.0.0.1:8000."),
        (["serve", "--dev-addr", "999.1.1.1:8000"], "'999.1.1.1' er ikke en IP-adresse"),
        (["serve", "--dev-addr", "127.0.0.1:70000"], "'70000' er ikke et portnummer"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, list) else None,
)
def test_click_errors_read_as_danish(make_portfolio: PortfolioFactory, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, ["--root", str(make_portfolio()), *args])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Skriv 'main" in result.stderr and "--help' for at få hjælp." in result.stderr


@pytest.mark.parametrize("address", ["127.0.0.1:8000", "localhost:8001", "[::1]:8002", "0.0.0.0:0"])
def test_the_addresses_mkdocs_takes_are_taken(address: str) -> None:
    assert DEV_ADDRESS.convert(address, None, None) == address


def test_help_is_danish_down_to_the_usage_line() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.output.startswith("Brug: main [TILVALG] KOMMANDO [ARGUMENTER]...\n")
    assert "\nTilvalg:\n" in result.output and "\nKommandoer:\n" in result.output
    assert "--root MAPPE" in result.output and "[standard: .]" in result.output
    validate = CliRunner().invoke(main, ["validate", "--help"]).output
    assert validate.startswith("Brug: main validate [TILVALG] [STIER]...\n") and "--today DATO" in validate


@pytest.mark.parametrize(
    ("answer", "default", "expected"),
    [
        ("ja", False, True),
        ("J", False, True),
        ("yes", False, True),
        ("nej", True, False),
        ("n", True, False),
        ("", True, True),
        ("", False, False),
    ],
)
def test_yes_no_questions_take_danish(answer: str, default: bool, expected: bool) -> None:
    @click.command()
    def ask() -> None:
        click.echo(f"svar={click_danish.confirm('Fortsæt?', default=default)}")

    result = CliRunner().invoke(ask, input=f"{answer}\n")
    assert result.output.startswith(f"Fortsæt? [{'J/n' if default else 'j/N'}]: ")
    assert f"svar={expected}" in result.output


def test_a_yes_no_question_asks_again_in_danish() -> None:
    @click.command()
    def ask() -> None:
        click.echo(f"svar={click.confirm('Fortsæt?')}")  # click's own confirm is Danish too

    result = CliRunner().invoke(ask, input="måske\nj\n")
    assert "Fejl: svar ja eller nej (j/n)" in result.output and "svar=True" in result.output
