"""The build-time SVG charts: colours shared with the status tags, legends, names, dates and phone-sized text."""

from __future__ import annotations

import colorsys
import datetime as dt
import itertools
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import charts
from generator.charts import STATUS_COLOURS, Chart
from schema.dates import danish_date
from schema.project import Status
from tests.conftest import REPO, TODAY

SVG = "{http://www.w3.org/2000/svg}"
CSS = (REPO / "site_templates" / "assets" / "handleplan.css").read_text(encoding="utf-8")
COMPLIANCE_CLASSES = ("hp-badge--ok", "hp-badge--warning", "hp-badge--error", "hp-cell--warning", "hp-cell--error")
ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")
LONG_NAME = "Sammenhængende digital understøttelse af borgerrettede velfærdsforløb på tværs af forvaltninger"


def css_rule(selector: str) -> str:
    """The declarations of the one rule whose whole selector is `selector`."""
    rules = re.finditer(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL))
    found = [rule.group(2) for rule in rules if rule.group(1).strip() == selector]
    assert len(found) == 1, f"{selector} should have exactly one rule, has {len(found)}"
    return found[0]


def css_colour(rule: str, prop: str) -> str:
    match = re.search(r"(?:^|;)\s*" + prop + r"\s*:\s*(#[0-9a-fA-F]{6})\s*(?:;|$)", rule)
    assert match, f"no {prop} in {rule!r}"
    return match.group(1).lower()


def compliance_colours() -> set[str]:
    found = {c.lower() for cls in COMPLIANCE_CLASSES for c in re.findall(r"#[0-9a-fA-F]{6}", css_rule(f".{cls}"))}
    assert {"#1a5e20", "#7a3e00", "#a01622", "#e8f5e9", "#fff3e0", "#fdecee"} <= found
    return found


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hue_and_saturation(colour: str) -> tuple[float, float]:
    h, _, s = colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    return h * 360, s


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def readable_strings(root: ET.Element) -> Iterator[str]:
    """Everything a person reads or hears: labels, tooltips, the title and the description."""
    for tag in ("text", "title", "desc"):
        for element in root.iter(f"{SVG}{tag}"):
            yield element.text or ""


def view_width(root: ET.Element) -> float:
    return float(root.attrib["viewBox"].split()[2])


def sample_charts() -> list[Chart]:
    return [
        charts.status_by_group(
            "s",
            "Projekter pr. fokusområde og status",
            [("1. Borgere", list(Status)), (LONG_NAME, [Status.EXECUTION, Status.PAUSED]), ("Tom", [])],
        ),
        charts.expected_vs_realised("g", "Gevinster", [(LONG_NAME, 12_500_000, 300_000), ("Lille", 0, 0)]),
        charts.timeline(
            "t",
            "Tidslinje",
            [
                (LONG_NAME, dt.date(2024, 3, 1), dt.date(2027, 6, 30), Status.EXECUTION),
                ("Kort", dt.date(2026, 1, 1), dt.date(2026, 1, 1), Status.STARTUP),
            ],
            TODAY,
            3,
        ),
    ]


# Colours


def test_status_colours_are_graphics_contrast_against_white() -> None:
    assert set(STATUS_COLOURS) == set(Status)
    for status, colour in STATUS_COLOURS.items():
        assert contrast(colour, "#ffffff") >= 3, status


def test_status_colours_differ_from_each_other() -> None:
    assert len({c.lower() for c in STATUS_COLOURS.values()}) == len(Status)


def test_no_status_colour_is_a_compliance_colour() -> None:
    compliance = compliance_colours()
    for status, colour in STATUS_COLOURS.items():
        assert colour.lower() not in compliance, status
        assert charts.tint(colour) not in compliance, status
    for colour in (charts.TODAY_COLOUR, charts.EXPECTED_COLOUR, charts.EXPECTED_FILL, charts.REALISED_COLOUR):
        assert colour.lower() not in compliance


def test_status_hues_stay_clear_of_the_compliance_hues() -> None:
    compliance = [hue_and_saturation(c)[0] for c in ("#1a5e20", "#7a3e00", "#a01622")]
    for status, colour in STATUS_COLOURS.items():
        hue, saturation = hue_and_saturation(colour)
        if saturation < 0.15:
            continue  # a grey is no traffic-light colour
        for other in compliance:
            assert abs((hue - other + 180) % 360 - 180) >= 35, (status, colour)


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_each_status_tag_uses_its_chart_colour(status: Status) -> None:
    rule = css_rule(f".hp-status--{status.value}")
    assert css_colour(rule, "border-color") == STATUS_COLOURS[status].lower()
    assert css_colour(rule, "background") == charts.tint(STATUS_COLOURS[status])
    text = css_colour(css_rule(".hp-status"), "color")
    assert contrast(text, charts.tint(STATUS_COLOURS[status])) >= 4.5


def test_the_css_styles_no_status_that_does_not_exist() -> None:
    assert set(re.findall(r"\.hp-status--([a-z-]+)", CSS)) == {s.value for s in Status}


def test_tint_mixes_with_white() -> None:
    assert charts.tint("#000000", 0.5) == "#808080"
    assert charts.tint("#ffffff") == "#ffffff"
    assert charts.tint(charts.EXPECTED_COLOUR, 0.2) == charts.EXPECTED_FILL


# Structure and accessibility


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_every_chart_is_an_image_with_title_and_description(chart: Chart) -> None:
    root = parse(chart)
    assert root.attrib["role"] == "img"
    assert root.attrib["class"] == "hp-chart__svg"
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    assert root.find(f"{SVG}title").attrib["id"] == title_id == f"{chart.id}-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").attrib["id"] == desc_id == f"{chart.id}-desc"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == chart.description  # type: ignore[union-attr]
    assert all(len(row) == len(chart.head) for row in chart.rows)


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_text_renders_at_10_px_or_more_on_a_phone(chart: Chart) -> None:
    root = parse(chart)
    size = float(root.attrib["font-size"])
    assert not [t for t in texts(root) if "font-size" in t.attrib]
    assert size * 350 / view_width(root) >= 10


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_no_text_runs_past_the_edges(chart: Chart) -> None:
    root = parse(chart)
    width = view_width(root)
    for text in texts(root):
        estimate = len(text.text or "") * 0.6 * float(root.attrib["font-size"])
        x = float(text.attrib["x"])
        left = {"start": x, "middle": x - estimate / 2, "end": x - estimate}[text.attrib["text-anchor"]]
        assert left >= 0 and left + estimate <= width, text.text
    height = float(root.attrib["viewBox"].split()[3])
    assert all(float(t.attrib["y"]) <= height for t in texts(root))


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_output_is_deterministic(chart: Chart) -> None:
    again = {c.id: c for c in sample_charts()}[chart.id]
    assert again == chart


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_names_are_never_cut(chart: Chart) -> None:
    root = parse(chart)
    labels = [t.text or "" for t in texts(root)]
    assert not any("…" in label for label in labels)
    assert LONG_NAME not in labels  # too long for one line: wrapped …
    assert LONG_NAME in " ".join(labels)  # … but all there, in order
    assert any((t.text or "").startswith(LONG_NAME) for t in root.iter(f"{SVG}title"))


def test_a_word_longer_than_a_line_is_split_not_cut() -> None:
    word = "x" * 100
    chart = charts.status_by_group("s", "T", [(word, [Status.IDEA])])
    assert "".join(t.text or "" for t in texts(parse(chart)) if (t.text or "").startswith("x")) == word


@given(st.text(alphabet="abc æøå-", max_size=200))
def test_wrapped_lines_fit_and_keep_every_word(text: str) -> None:
    lines = charts._wrap(text)
    limit = int(charts.WIDTH // charts.CHAR_WIDTH)
    assert all(len(line) <= limit for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert len(lines) == 1 or all(lines)


def test_each_name_stands_above_its_bar() -> None:
    chart = charts.status_by_group("s", "T", [(LONG_NAME, [Status.EXECUTION])])
    root = parse(chart)
    name_lines = [t for t in texts(root) if (t.text or "") and (t.text or "") in LONG_NAME]
    bar = next(r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None)
    assert len(name_lines) == 2
    assert all(float(t.attrib["y"]) <= float(bar.attrib["y"]) for t in name_lines)
    assert float(bar.attrib["x"]) == 0  # the bar has the full width to itself


# Legends


def legend_labels(root: ET.Element) -> list[str]:
    (legend,) = (g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "hp-chart__legend")
    return [t.text or "" for t in legend.iter(f"{SVG}text")]


def test_status_legend_names_the_statuses_shown() -> None:
    chart = charts.status_by_group("s", "T", [("A", [Status.PAUSED, Status.IDEA]), ("B", [Status.PAUSED])])
    assert legend_labels(parse(chart)) == [Status.IDEA.label, Status.PAUSED.label]


def test_benefit_legend_names_expected_and_realised() -> None:
    chart = charts.expected_vs_realised("g", "T", [("A", 10, 5)])
    assert legend_labels(parse(chart)) == ["Forventet", "Realiseret"]


def test_timeline_legend_names_its_statuses_and_today() -> None:
    bars = [("A", dt.date(2025, 1, 1), dt.date(2027, 1, 1), Status.BENEFITS)]
    chart = charts.timeline("t", "T", bars, dt.date(2026, 11, 24), 1)
    assert legend_labels(parse(chart)) == [Status.BENEFITS.label, "I dag (24. november 2026)"]


def test_a_long_legend_wraps_onto_more_rows() -> None:
    chart = charts.status_by_group("s", "T", [("A", list(Status))])
    root = parse(chart)
    rows = {t.attrib["y"] for t in texts(root) if t.text in {s.label for s in Status}}
    assert len(rows) >= 3  # seven statuses do not fit one row 480 units wide
    assert legend_labels(root) == [s.label for s in Status]


# The timeline's today line and dates


def today_line(root: ET.Element) -> ET.Element:
    (line,) = (x for x in root.iter(f"{SVG}line") if "data-date" in x.attrib)
    return line


def test_today_is_a_labelled_dashed_line_in_no_compliance_colour() -> None:
    bars = [("A", dt.date(2025, 1, 1), dt.date(2027, 1, 1), Status.EXECUTION)]
    root = parse(charts.timeline("t", "T", bars, TODAY, 1))
    line = today_line(root)
    assert line.attrib["data-date"] == "2026-11-24"
    assert "stroke-dasharray" in line.attrib
    assert line.attrib["stroke"].lower() not in compliance_colours()
    label = next(t for t in texts(root) if t.text == "I dag")
    assert float(label.attrib["y"]) < float(line.attrib["y1"])  # at its top
    assert abs(float(label.attrib["x"]) - float(line.attrib["x1"])) < 1


@pytest.mark.parametrize(
    ("today", "anchor"),
    [(dt.date(2030, 12, 30), "end"), (dt.date(2020, 1, 1), "start"), (dt.date(2026, 12, 31), "end")],
    ids=["after-every-bar", "before-every-bar", "last-day"],
)
def test_today_is_drawn_even_outside_the_bars(today: dt.date, anchor: str) -> None:
    bars = [("A", dt.date(2025, 1, 1), dt.date(2026, 12, 31), Status.EXECUTION)]
    root = parse(charts.timeline("t", "T", bars, today, 1))
    assert today_line(root).attrib["data-date"] == today.isoformat()
    label = next(t for t in texts(root) if t.text == "I dag")
    assert label.attrib["text-anchor"] == anchor


def test_timeline_dates_read_the_danish_way() -> None:
    bars = [("A", dt.date(2025, 3, 1), dt.date(2027, 6, 30), Status.EXECUTION)]
    chart = charts.timeline("t", "T", bars, TODAY, 1)
    root = parse(chart)
    assert "24. november 2026" in chart.description
    assert chart.rows == [["A", "1. marts 2025", "30. juni 2027", "Gennemførelse"]]
    tooltip = next(r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None)
    assert tooltip.find(f"{SVG}title").text == "A: 1. marts 2025 – 30. juni 2027 (Gennemførelse)"  # type: ignore[union-attr]
    assert (tooltip.attrib["data-start"], tooltip.attrib["data-end"]) == ("2025-03-01", "2027-06-30")


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda c: c.id)
def test_iso_dates_stay_in_attributes(chart: Chart) -> None:
    for string in [*readable_strings(parse(chart)), *(cell for row in chart.rows for cell in row)]:
        assert not ISO_DATE.search(string), string


def test_year_labels_thin_out_over_many_years() -> None:
    bars = [("A", dt.date(2010, 1, 1), dt.date(2040, 1, 1), Status.EXECUTION)]
    root = parse(charts.timeline("t", "T", bars, TODAY, 1))
    years = sorted(float(t.attrib["x"]) for t in texts(root) if re.fullmatch(r"\d{4}", t.text or ""))
    assert 3 < len(years) < 31
    assert all(b - a >= 4 * 0.6 * charts.FONT_SIZE for a, b in itertools.pairwise(years))


def test_timeline_counts_what_it_leaves_out() -> None:
    bars = [("A", dt.date(2025, 1, 1), dt.date(2026, 1, 1), Status.EXECUTION)]
    assert "1 af 40 projekter" in charts.timeline("t", "T", bars, TODAY, 40).description


# Edge cases and speed


def test_empty_charts_still_render() -> None:
    for chart in (
        charts.status_by_group("s", "T", []),
        charts.expected_vs_realised("g", "T", []),
        charts.timeline("t", "T", [], TODAY, 0),
    ):
        assert parse(chart).tag == f"{SVG}svg"
        assert chart.rows == []


def test_names_are_escaped() -> None:
    chart = charts.status_by_group("s", 'A & "B"', [("<b>C</b> & D", [Status.IDEA])])
    root = parse(chart)
    assert "<b>" not in chart.svg
    assert "<b>C</b> & D" in [t.text for t in texts(root)]


def test_forty_rows_on_six_pages_render_quickly() -> None:
    names = [f"Projekt nummer {i} med et ret langt navn om digital understøttelse af noget" for i in range(40)]
    bars = [
        (n, dt.date(2022 + i % 4, 1 + i % 12, 1), dt.date(2027, 12, 31), Status.EXECUTION) for i, n in enumerate(names)
    ]
    started = time.perf_counter()
    for _ in range(6):
        charts.timeline("t", "T", bars, TODAY, 40)
        charts.expected_vs_realised("g", "T", [(n, 1_000_000, 500_000) for n in names])
        charts.status_by_group("s", "T", [(n, list(Status)) for n in names])
    assert time.perf_counter() - started < 1


def test_format_dkk() -> None:
    assert charts.format_dkk(1_250_000) == "1.250.000 kr."
    assert charts.format_dkk(0) == "0 kr."


def test_the_danish_date_helper_is_the_one_charts_use() -> None:
    assert danish_date(TODAY) == "24. november 2026"
