"""The YAML loader: the same values as PyYAML's safe loader, clean errors for anything else."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import Document, DocumentError, decode, locate, parse_document
from generator.portfolio import load_portfolio
from tests.conftest import REPO

keys = st.text(min_size=1, max_size=12).filter(lambda k: k.strip() == k and k != "<<")
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.dates(min_value=dt.date(1900, 1, 1))
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)
mappings = st.dictionaries(keys, values, min_size=1, max_size=6)


def load(text: str) -> Document:
    return parse_document(decode(text.encode("utf-8")))


@given(mappings)
def test_values_match_pyyaml_safe_load(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    assert load(text).data == yaml.safe_load(text)


@given(mappings, st.data())
def test_every_path_is_located_on_a_line_of_the_file(data: dict[str, Any], draw: st.DataObject) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)
    document = load(text)
    path: list[str | int] = []
    node: Any = document.data
    while isinstance(node, (dict, list)) and node:
        part = draw.draw(st.sampled_from(list(node)) if isinstance(node, dict) else st.integers(0, len(node) - 1))
        path.append(part)
        node = node[part]
    assert locate(document.root, tuple(path)) == _position_by_pyyaml(text, path)


def _position_by_pyyaml(text: str, path: list[str | int]) -> tuple[int, int]:
    """Where PyYAML's own pure-Python composer puts the value at `path`: an independent answer."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for part in path:
        if isinstance(part, str):
            node = next(value for key, value in node.value if key.value == part)
        else:
            node = node.value[part]
    return node.start_mark.line + 1, node.start_mark.column + 1


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_document_or_a_clean_error(raw: bytes) -> None:
    _load_or_clean_error(raw)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t'\"[]{}&*!|>#%@`,?\\0.9\r\ufeffæ")), max_size=200))
def test_arbitrary_yaml_like_text_gives_a_document_or_a_clean_error(text: str) -> None:
    _load_or_clean_error(text.encode("utf-8"))


def _load_or_clean_error(raw: bytes) -> None:
    try:
        document = parse_document(decode(raw))
    except DocumentError as error:
        assert error.finding.line is not None and error.finding.line >= 1
        assert error.finding.code in {"HP001", "HP002", "HP003", "HP004"}
        assert error.finding.message
    else:
        assert isinstance(document.data, dict)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_project_files_never_crash_validation(tmp_path: Path, raw: bytes) -> None:
    root = tmp_path
    (root / "projects").mkdir(exist_ok=True)
    (root / "focus_areas.yaml").write_bytes((REPO / "focus_areas.yaml").read_bytes())
    (root / "projects" / "p.yaml").write_bytes(raw)
    portfolio = load_portfolio(root)
    (checked,) = portfolio.project_files
    assert all(f.line and f.column and f.message for f in checked.findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 0x1F", 31),
        ("a: 1_000", 1000),
        ("a: 1:30", 90),
        ("a: .inf", math.inf),
        ("a: ~", None),
        ("a: Yes", True),
        ("a: off", False),
        ("a: 2024-02-29", dt.date(2024, 2, 29)),
        ("a: 2024-02-30", "2024-02-30"),
        ("a: '2024-01-01'", "2024-01-01"),
        ("a: !!str 12", "12"),
        ("a: 27.24.00", "27.24.00"),
    ],
)
def test_scalars_resolve_like_yaml_1_1(text: str, expected: Any) -> None:
    assert load(text).data == {"a": expected}


def test_keys_are_kept_as_written() -> None:
    assert load("no: 1\n2: b\non: c\n").data == {"no": 1, "2": "b", "on": "c"}


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(DocumentError) as raised:
        load("a: &a [*a]\n")
    assert raised.value.finding.code == "HP004"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: b\nc: d\x07\n", 2, 5), ("titel: Økonomi – ærlig talt\nc: æøå\x07\n", 2, 7)],
    ids=["ascii", "after-danish-letters"],  # libyaml counts bytes; the lead counts characters
)
def test_control_characters_are_refused_with_their_position(text: str, line: int, column: int) -> None:
    with pytest.raises(DocumentError) as raised:
        load(text)
    found = raised.value.finding
    assert (found.line, found.column, found.message) == (
        line,
        column,
        "YAML-fejl: tegnet U+0007 må ikke stå i en YAML-fil",
    )


def test_several_documents_are_refused() -> None:
    with pytest.raises(DocumentError) as raised:
        load("a: 1\n---\nb: 2\n")
    assert "der må kun være ét" in raised.value.finding.message


def _libyaml_depth_limit(*args: Any, **kwargs: Any) -> Any:
    # What libyaml 0.2.6 and newer raise at their own nesting limit, whatever our limit.
    raise yaml.scanner.ScannerError(
        problem="exceeded maximum nesting depth", problem_mark=yaml.Mark("", 0, 0, 1002, None, None)
    )


def test_libyamls_own_depth_limit_is_hp004_at_our_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.loader as loader

    real_parse = yaml.parse

    def parse(text: str, Loader: Any) -> Any:
        if Loader is loader._Loader:
            _libyaml_depth_limit()
        return real_parse(text, Loader=Loader)

    monkeypatch.setattr(loader.yaml, "parse", parse)
    with pytest.raises(DocumentError) as caught:
        load("a: " + "[" * 50 + "]" * 50 + "\n")
    found = caught.value.finding
    assert (found.code, found.line, found.column, found.message) == (
        "HP004",
        1,
        4 + loader.MAX_DEPTH,
        "Filen er indlejret for mange niveauer.",
    )


def test_libyamls_depth_limit_while_composing_is_hp004(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.loader as loader

    monkeypatch.setattr(loader.yaml, "compose", _libyaml_depth_limit)
    with pytest.raises(DocumentError) as caught:
        load("a: 1\n")
    assert (caught.value.finding.code, caught.value.finding.message) == (
        "HP004",
        "Filen er indlejret for mange niveauer.",
    )
