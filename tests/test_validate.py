"""Whole files through load_portfolio: shape rules, file rules and their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cpr_scan import find_cpr_numbers
from generator.portfolio import load_portfolio
from tests.conftest import TODAY, PortfolioFactory, dump_project, valid_project

GOOD = dump_project(valid_project())


def problems(root: Path) -> list[tuple[str, int | None, int | None, str, str]]:
    portfolio = load_portfolio(root, today=TODAY)
    return [(f.path, x.line, x.column, x.code, x.message) for f in portfolio.files for x in f.findings]


# (file text, expected (line, column, code, message)); line 1 is the schema comment.
BAD_FILES = [
    pytest.param(
        GOOD.replace("title: Digital post", "titel: Digital post"),
        (2, 1, "HP010", "Ukendt felt 'titel'. Mente du 'title'?"),
        id="unknown-key-with-hint",
    ),
    pytest.param(
        GOOD.replace("  email: bl@norddjurs.dk\n", "  email: bl@norddjurs.dk\n  telefon: '12345678'\n"),
        (19, 3, "HP010", "Ukendt felt 'telefon'."),
        id="unknown-nested-key",
    ),
    pytest.param(
        GOOD.replace("summary: Virksomheder modtager post fra kommunen digitalt.\n", ""),
        (2, 1, "HP011", "Feltet 'summary' mangler."),
        id="missing-key-points-at-the-mapping",
    ),
    pytest.param(
        GOOD.replace("    name: Dorte DPO\n", ""),
        (26, 3, "HP011", "Feltet 'signoffs.dpo.name' mangler."),
        id="missing-nested-key-points-at-its-parent-key",
    ),
    pytest.param(
        GOOD.replace("start: 2025-01-01", "start: 2025-02-30"),
        (
            19,
            8,
            "HP012",
            "Ugyldig værdi i 'start': skal være en gyldig dato på formen ÅÅÅÅ-MM-DD.",
        ),
        id="impossible-date",
    ),
    pytest.param(
        GOOD.replace("status: execution", "status: igang"),
        (
            4,
            9,
            "HP012",
            "Ugyldig værdi i 'status': skal være en af: 'idea', 'startup', 'execution', 'benefits', "
            "'completed', 'paused' eller 'cancelled'.",
        ),
        id="unknown-status",
    ),
    pytest.param(
        GOOD.replace("status: execution", "status: executoin"),
        (
            4,
            9,
            "HP012",
            "Ugyldig værdi i 'status': skal være en af: 'idea', 'startup', 'execution', 'benefits', "
            "'completed', 'paused' eller 'cancelled'. Mente du 'execution' (Gennemførelse)?",
        ),
        id="misspelt-status-with-hint",
    ),
    pytest.param(
        GOOD.replace("title: Digital post til virksomheder", "title:"),
        (2, 7, "HP012", "Ugyldig værdi i 'title': mangler en værdi efter kolonet."),
        id="key-without-value",
    ),
    pytest.param(
        GOOD.replace("amount_dkk_per_year: 50000", "amount_dkk_per_year: mange"),
        (
            42,
            28,
            "HP012",
            "Ugyldig værdi i 'governance.business_case.benefits[1].amount_dkk_per_year': "
            "skal være et helt tal uden punktum eller komma, fx 420000.",
        ),
        id="wrong-type-in-list-item",
    ),
    pytest.param(
        GOOD.replace("amount_dkk_per_year: 50000", "amount_dkk_per_year: 420.000"),
        (
            42,
            28,
            "HP012",
            "Ugyldig værdi i 'governance.business_case.benefits[1].amount_dkk_per_year': "
            "skal være et helt tal uden punktum eller komma, fx 420000.",
        ),
        id="danish-thousands-separator-is-no-amount",
    ),
    pytest.param(
        GOOD.replace("- 00.01.00", "- 1.2.3"),
        (
            55,
            3,
            "HP012",
            "Ugyldig værdi i 'kle[1]': skal være et KLE-nummer i anførselstegn på formen NN.NN.NN, "
            "evt. med handlingsfacet, fx '27.24.00' eller '27.24.00G01'.",
        ),
        id="malformed-kle",
    ),
    pytest.param(
        GOOD.replace("model: project_model", "model: projektmodel"),
        (
            37,
            10,
            "HP012",
            "Ugyldig værdi i 'governance.model': skal være en af: 'project_model' eller 'small_project'. "
            "Mente du 'project_model' (Projektmodel med businesscase)?",
        ),
        id="unknown-governance-model",
    ),
    pytest.param(
        GOOD.replace("focus_areas:\n- digitale-fundamenter", "focus_areas:\n- digitale-fundamenter\n- borger"),
        (
            7,
            3,
            "HP102",
            "Ukendt fokusområde 'borger'. Mente du 'borger-teknologi-lokaldemokrati' "
            "(1. Borger, teknologi og lokaldemokratiet)?",
        ),
        id="unknown-focus-area-line",
    ),
    pytest.param(
        GOOD + "title: Igen\n",
        (57, 1, "HP005", "Feltet 'title' står to gange i samme afsnit (første gang på linje 2)."),
        id="duplicate-key",
    ),
    pytest.param(
        GOOD.replace("Testet med borgere.", "Testet med borger 010190-1234."),
        (50, 31, "HP007", "Filen ser ud til at indeholde et CPR-nummer (010190-****)."),
        id="cpr-number-with-hyphen",
    ),
    pytest.param(
        GOOD.replace("Testet med borgere.", "Ring CPR-0101901234."),
        (50, 22, "HP007", "Filen ser ud til at indeholde et CPR-nummer (010190-****)."),
        id="cpr-number-after-a-hyphen",
    ),
    pytest.param(
        GOOD.replace("Testet med borgere.", "Borger 010190 1234 deltog."),
        (50, 20, "HP007", "Filen ser ud til at indeholde et CPR-nummer (010190-****)."),
        id="cpr-number-with-a-space",
    ),
    pytest.param(
        GOOD.replace("Testet med borgere.", "Borger 010190–1234 deltog."),
        (50, 20, "HP007", "Filen ser ud til at indeholde et CPR-nummer (010190-****)."),
        id="cpr-number-with-an-en-dash",
    ),
    pytest.param(
        GOOD + "# kontakt 2512881234 for detaljer\n",
        (57, 11, "HP007", "Filen ser ud til at indeholde et CPR-nummer (251288-****)."),
        id="cpr-number-in-a-comment-without-hyphen",
    ),
    pytest.param(
        GOOD.replace("scope: common", "scope common"),
        (8, 1, "HP001", "YAML-fejl: der mangler et kolon efter feltnavnet"),
        id="yaml-syntax-error",
    ),
    pytest.param("", (1, 1, "HP003", "Filen er tom."), id="empty-file"),
    pytest.param("# kun en kommentar\n", (1, 1, "HP003", "Filen er tom."), id="only-a-comment"),
    pytest.param(
        "- title: x\n",
        (1, 1, "HP003", "Øverst i filen skal der stå felter (feltnavn: værdi), ikke en liste."),
        id="top-level-list",
    ),
    pytest.param(
        "bare tekst\n",
        (1, 1, "HP003", "Øverst i filen skal der stå felter (feltnavn: værdi), ikke en enkelt værdi."),
        id="top-level-scalar",
    ),
    pytest.param(
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
        + "title: *h\n",
        (
            1,
            32,
            "HP004",
            "Filen udfolder sig til for mange værdier (YAML-ankre og -aliaser brugt for meget).",
        ),
        id="billion-laughs",
    ),
    pytest.param(
        "a: " + "[" * 100 + "]" * 100 + "\n",
        (1, 44, "HP004", "Filen er indlejret for mange niveauer."),
        id="deep-nesting",
    ),
    pytest.param(
        "a: " + "[" * 40_000 + "]" * 40_000 + "\n",
        (1, 44, "HP004", "Filen er indlejret for mange niveauer."),
        id="nesting-deep-enough-to-overflow-libyaml-is-refused-before-composing",
    ),
    pytest.param(
        "- " * 30_000 + "x\n",
        (1, 83, "HP004", "Filen er indlejret for mange niveauer."),
        id="a-long-chain-of-block-sequences",
    ),
    pytest.param(
        GOOD.replace("amount_dkk_per_year: 50000", "amount_dkk_per_year: " + "9" * 5000),
        (
            42,
            28,
            "HP012",
            "Ugyldig værdi i 'governance.business_case.benefits[1].amount_dkk_per_year': "
            "skal være et helt tal uden punktum eller komma, fx 420000.",
        ),
        id="an-integer-beyond-pythons-digit-limit",
    ),
    pytest.param(
        GOOD.replace("name: Bo Leder", 'name: "Bo\\x0bLeder"'),
        (17, 9, "HP012", "Ugyldig værdi i 'lead.name': indeholder kontroltegnet U+000B, som ikke må stå i en tekst."),
        id="a-control-character-in-text",
    ),
    pytest.param(
        "title: !!python/object:os.system echo\n",
        (
            1,
            8,
            "HP001",
            "YAML-fejl: YAML-mærket 'tag:yaml.org,2002:python/object:os.system' understøttes ikke",
        ),
        id="python-tag-refused",
    ),
    pytest.param(
        "base: &b {title: x}\n<<: *b\n",
        (
            2,
            1,
            "HP001",
            "YAML-fejl: feltnavne skal være almindelig tekst (sammenfletning med << understøttes ikke)",
        ),
        id="merge-key-refused",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_a_bad_file_is_reported_at_its_line(
    make_portfolio: PortfolioFactory, text: str, expected: tuple[int, int, str, str]
) -> None:
    root = make_portfolio({"p.yaml": text})
    found = [(line, column, code, message) for path, line, column, code, message in problems(root)]
    assert expected in found


def test_every_problem_in_every_file_is_reported(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio(
        {
            "a.yaml": GOOD.replace("title:", "titel:", 1).replace("status: execution", "status: x"),
            "b.yaml": "",
            "c.yaml": GOOD,
        }
    )
    found = [(path, code) for path, _, _, code, _ in problems(root)]
    assert found == [
        ("projects/a.yaml", "HP010"),
        ("projects/a.yaml", "HP011"),
        ("projects/a.yaml", "HP012"),
        ("projects/b.yaml", "HP003"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Stort_Projekt.yaml", "Filnavnet 'Stort_Projekt.yaml' kan ikke bruges som projekt-id."),
        ("projekt.yml", "Filnavnet 'projekt.yml' kan ikke bruges som projekt-id."),
    ],
)
def test_a_file_name_that_is_no_id_is_reported(make_portfolio: PortfolioFactory, name: str, expected: str) -> None:
    root = make_portfolio({name: GOOD})
    assert [(code, message) for _, _, _, code, message in problems(root)] == [("HP006", expected)]


def test_a_file_that_is_not_utf8_is_reported_at_the_byte(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace("Økonomichefen", "Ø").encode("utf-8").replace(b"\xc3\x98", b"\xd8")})
    (found,) = problems(root)
    assert found[1:] == (43, 14, "HP002", "Filen er ikke gemt som UTF-8 (ugyldig byte 0xd8).")


def test_a_file_over_the_size_limit_is_refused_unread(make_portfolio: PortfolioFactory) -> None:
    text = GOOD + "#" * 300_000 + "\n"
    root = make_portfolio({"p.yaml": text})
    (found,) = problems(root)
    size = f"{len(text.encode('utf-8')):,}".replace(",", ".")
    assert found[3:] == ("HP004", f"Filen fylder {size} byte; grænsen er 262.144.")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GOOD.replace("\n", "\r\n"), id="crlf"),
        pytest.param("\ufeff" + GOOD, id="byte-order-mark"),
        pytest.param(GOOD.replace("title:", "# a comment\ntitle:", 1) + "# the end\n", id="comments"),
        pytest.param(GOOD.split("\n", 1)[1], id="no-schema-line"),
    ],
)
def test_harmless_variations_are_accepted(make_portfolio: PortfolioFactory, text: str) -> None:
    root = make_portfolio({"p.yaml": text})
    assert problems(root) == []


def test_key_order_does_not_matter(make_portfolio: PortfolioFactory) -> None:
    reordered = dict(reversed(list(valid_project().items())))
    root = make_portfolio({"p.yaml": reordered})
    assert problems(root) == []


def test_yes_and_no_keys_stay_text(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD + "no: 1\n"})
    assert [(code, message) for *_, code, message in problems(root)] == [("HP010", "Ukendt felt 'no'.")]


def test_a_duplicate_key_does_not_hide_other_problems(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD.replace("kle:\n- 00.01.00\n", "kle: []\nkle: []\n")})
    assert [code for *_, code, _ in problems(root)] == ["HP005", "HP202"]


def test_programme_errors_are_reported_in_focus_areas_yaml(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio({"p.yaml": GOOD})
    programme = root / "focus_areas.yaml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("number: 2", "number: 1"), encoding="utf-8")
    found = problems(root)
    assert found[0][0] == "focus_areas.yaml"
    assert found[0][3:] == (
        "HP012",
        "Ugyldig værdi i '(øverste niveau)': fokusområde-nummer forekommer flere gange: 1.",
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("amount_dkk_per_year: 1201000000", id="an-amount-in-kroner"),
        pytest.param("Sag 27.24.00-G01-1234-24 og 2024-01-01", id="case-numbers-and-dates"),
        pytest.param("Telefon 86 12 34 56, EAN 5798000416604", id="phone-and-ean"),
        pytest.param("Nummer 01019012345", id="eleven-digits"),
    ],
)
def test_numbers_that_are_no_cpr_numbers_pass(text: str) -> None:
    assert find_cpr_numbers(text + "\n") == []
