"""SVG charts made at build time: no chart library, nothing fetched by the browser.

Each chart carries a title, a description and its numbers as a table, so a
screen reader gets the same facts as the eye. Names are never cut: each row's
name stands on its own line(s) above its bars, and legends wrap onto more rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from schema.dates import SHORT_MONTHS, danish_date, danish_month
from schema.project import Status

# One colour per status, for chart bars and the status tags in handleplan.css (a test keeps them equal).
# Hues stay clear of the compliance badges' green, orange and red, each is 3:1 or more against white
# (WCAG 1.4.11), and lightness differs enough to tell them apart with red-green colour blindness.
# The life cycle runs grey → cyan → blue → violet → navy; paused is magenta, cancelled charcoal.
STATUS_COLOURS: dict[Status, str] = {
    Status.IDEA: "#7d838b",
    Status.STARTUP: "#00869f",
    Status.EXECUTION: "#1f3fd6",
    Status.BENEFITS: "#a064ec",
    Status.COMPLETED: "#0f1f55",
    Status.PAUSED: "#8e2a72",
    Status.CANCELLED: "#2b2e33",
}
# Expected benefits are an outlined light bar, realised ones a solid bar: told apart by fill, not by hue.
EXPECTED_COLOUR = "#1f3fd6"
EXPECTED_FILL = "#d2d9f7"  # tint(EXPECTED_COLOUR, 0.2)
REALISED_COLOUR = "#1f3fd6"
TEXT_COLOUR = "#1f2328"
TODAY_COLOUR = "#1f2328"
GRID_COLOUR = "#d0d7de"

# 480 units across: at a phone's 350 CSS px, 14-unit text renders at 10 px.
WIDTH = 480
FONT_SIZE = 14
CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous estimate, so estimated text never runs past the edge
LINE_HEIGHT = 18
BAR_HEIGHT = 16
PAIR_BAR_HEIGHT = 14
ROW_GAP = 10
SWATCH = 14


@dataclass(frozen=True)
class Chart:
    """An SVG with its title, description and the numbers behind it."""

    id: str
    title: str
    description: str
    svg: str
    head: list[str]
    rows: list[list[str]]


def tint(colour: str, amount: float = 0.12) -> str:
    """A light background of a colour: `amount` of it on white, as '#rrggbb'."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02x}" for c in channels)


def status_by_group(chart_id: str, title: str, groups: list[tuple[str, list[Status]]]) -> Chart:
    """Stacked horizontal bars: for each group (e.g. a focus area) its projects by status."""
    statuses = [s for s in Status if any(s in members for _, members in groups)]
    largest = max((len(members) for _, members in groups), default=0) or 1
    scale = (WIDTH - _text_width(str(largest)) - 6) / largest
    body, y = _legend([(s.label, STATUS_COLOURS[s], "box") for s in statuses], 0.0)
    for name, members in groups:
        lines, y = _name_lines(name, y)
        body.append(f"<g><title>{escape(name)}: {_projects(len(members))}</title>")
        body += lines
        x = 0.0
        for status in statuses:
            count = members.count(status)
            if count:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{count * scale:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{STATUS_COLOURS[status]}" stroke="#fff"><title>{escape(name)}: {escape(status.label)}, '
                    f"{_projects(count)}</title></rect>"
                )
                x += count * scale
        body.append(_text(x + (6 if x else 0), y + BAR_HEIGHT / 2, str(len(members)), middle=True))
        body.append("</g>")
        y += BAR_HEIGHT + ROW_GAP
    total = sum(len(members) for _, members in groups)
    description = f"Vandrette søjler med antal projekter pr. status; {total} placeringer i alt."
    rows = [[name, *[str(members.count(s)) for s in statuses], str(len(members))] for name, members in groups]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, y, body),
        ["", *[s.label for s in statuses], "I alt"],
        rows,
    )


def expected_vs_realised(chart_id: str, title: str, groups: list[tuple[str, int, int]]) -> Chart:
    """Paired bars: expected and realised benefits in DKK per year for each group."""
    largest = max((max(expected, realised) for _, expected, realised in groups), default=0) or 1
    scale = (WIDTH - _text_width(format_dkk(largest)) - 6) / largest
    body, y = _legend([("Forventet", EXPECTED_COLOUR, "outline"), ("Realiseret", REALISED_COLOUR, "box")], 0.0)
    for name, expected, realised in groups:
        lines, y = _name_lines(name, y)
        body.append(f"<g><title>{escape(name)}</title>")
        body += lines
        for word, amount, kind, colour in (
            ("Forventet", expected, "outline", EXPECTED_COLOUR),
            ("Realiseret", realised, "box", REALISED_COLOUR),
        ):
            width = max(amount * scale, 2)
            tooltip = f"{escape(name)}: {word.lower()} {format_dkk(amount)} pr. år"
            body.append(_box(0, y, width, PAIR_BAR_HEIGHT, kind, colour, tooltip))
            body.append(_text(width + 6, y + PAIR_BAR_HEIGHT / 2, format_dkk(amount), middle=True))
            y += PAIR_BAR_HEIGHT + 2
        body.append("</g>")
        y += ROW_GAP - 2
    description = (
        f"Forventede og realiserede gevinster i kroner pr. år; i alt {format_dkk(sum(g[1] for g in groups))} "
        f"forventet og {format_dkk(sum(g[2] for g in groups))} realiseret."
    )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, y, body),
        ["", "Forventet (kr./år)", "Realiseret (kr./år)"],
        [[name, format_dkk(expected), format_dkk(realised)] for name, expected, realised in groups],
    )


def timeline(
    chart_id: str, title: str, bars: list[tuple[str, dt.date, dt.date, Status]], today: dt.date, total: int
) -> Chart:
    """One bar per project from start to end, with a dashed line for today."""
    first = min([today, *(start for _, start, _, _ in bars)]).replace(month=1, day=1)
    last = max([today, *(end for _, _, end, _ in bars)]).replace(month=12, day=31)
    scale = WIDTH / ((last - first).days + 1)

    def x_of(day: dt.date) -> float:
        return (day - first).days * scale

    statuses = [s for s in Status if any(s is status for *_, status in bars)]
    items = [(s.label, STATUS_COLOURS[s], "box") for s in statuses]
    body, y = _legend([*items, (f"I dag ({danish_date(today)})", TODAY_COLOUR, "dash")], 0.0)
    today_x = x_of(today) + scale / 2
    anchor = "start" if today_x < 24 else "end" if today_x > WIDTH - 24 else "middle"
    body.append(_text(today_x, y + FONT_SIZE, "I dag", anchor=anchor, bold=True))
    top = y + LINE_HEIGHT + 2
    y = top
    rects: list[str] = []
    names: list[str] = []
    for name, start, end, status in bars:
        lines, y = _name_lines(name, y, halo=True)
        left, right = x_of(start), x_of(end + dt.timedelta(days=1))
        names += lines
        rects.append(
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(right - left, 2):.1f}" height="{BAR_HEIGHT}" rx="3" '
            f'fill="{STATUS_COLOURS[status]}" data-start="{start.isoformat()}" data-end="{end.isoformat()}">'
            f"<title>{escape(name)}: {danish_date(start)} – {danish_date(end)} ({escape(status.label)})</title></rect>"
        )
        y += BAR_HEIGHT + ROW_GAP
    bottom = y
    body += _year_grid(first.year, last.year, x_of, top, bottom)
    body += rects
    body.append(
        f'<line x1="{today_x:.1f}" y1="{top - 2:.1f}" x2="{today_x:.1f}" y2="{bottom:.1f}" stroke="{TODAY_COLOUR}" '
        f'stroke-width="2" stroke-dasharray="6 4" data-date="{today.isoformat()}"/>'
    )
    # Names last, with a white halo, so neither the today line nor the year lines cross them.
    body += names
    shown = f"{len(bars)} af {total} projekter" if total > len(bars) else _projects(len(bars))
    description = (
        f"Tidslinje med planlagt start og slut for {shown}; den stiplede linje er i dag, {danish_date(today)}."
    )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, bottom + LINE_HEIGHT + 4, body),
        ["Projekt", "Start", "Slut", "Status"],
        [[name, danish_date(start), danish_date(end), status.label] for name, start, end, status in bars],
    )


def format_dkk(amount: int) -> str:
    """Kroner the Danish way: '1.250.000 kr.'."""
    return f"{amount:,} kr.".replace(",", ".")


def _wrap(text: str, width: float = WIDTH) -> list[str]:
    """Lines that fit `width` units at the chart's font size; a word longer than a line is split."""
    per_line = max(int(width // CHAR_WIDTH), 1)
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in _pieces(word, per_line):
            if not line:
                line = piece
            elif len(line) + 1 + len(piece) <= per_line:
                line += " " + piece
            else:
                lines.append(line)
                line = piece
    return [*lines, line] if line or not lines else lines


def _pieces(word: str, per_line: int) -> Iterator[str]:
    for start in range(0, len(word), per_line):
        yield word[start : start + per_line]


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> str:
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="hp-chart__svg" '
            f'font-size="{FONT_SIZE}">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    bold: bool = False,
    middle: bool = False,
    halo: bool = False,
) -> str:
    """A label whose baseline is at y, or whose middle is at y with `middle`; `halo` rings it with white."""
    baseline = y + FONT_SIZE * 0.35 if middle else y
    extra = ' font-weight="700"' if bold else ""
    if halo:
        extra += ' stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
    return (
        f'<text x="{x:.1f}" y="{baseline:.1f}" fill="{TEXT_COLOUR}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'
    )


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _name_lines(name: str, y: float, *, halo: bool = False) -> tuple[list[str], float]:
    """The row's name, wrapped, from y down; returns the texts and the y below them."""
    texts = []
    for line in _wrap(name):
        texts.append(_text(0, y + FONT_SIZE, line, halo=halo))
        y += LINE_HEIGHT
    return texts, y + 2


def _legend(items: list[tuple[str, str, str]], y: float) -> tuple[list[str], float]:
    """Swatches with labels, wrapped onto more rows at the right edge; returns them and the y below."""
    parts: list[str] = []
    x = 0.0
    row_height = LINE_HEIGHT + 4
    for label, colour, kind in items:
        width = SWATCH + 6 + _text_width(label)
        if x and x + width > WIDTH:
            x, y = 0.0, y + row_height
        middle = y + row_height / 2
        if kind == "dash":
            parts.append(
                f'<line x1="{x:.1f}" y1="{middle:.1f}" x2="{x + SWATCH:.1f}" y2="{middle:.1f}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="4 2"/>'
            )
        else:
            parts.append(_box(x, middle - SWATCH / 2, SWATCH, SWATCH, kind, colour))
        parts.append(_text(x + SWATCH + 6, middle, label, middle=True))
        x += width + 18
    return ['<g class="hp-chart__legend">', *parts, "</g>"], y + row_height + 8


def _box(x: float, y: float, width: float, height: float, kind: str, colour: str, tooltip: str = "") -> str:
    """A solid rectangle, or with kind "outline" a light one inside a line of the colour."""
    if kind == "outline":
        x, y, width, height = x + 0.5, y + 0.5, width - 1, height - 1
        paint = f'fill="{EXPECTED_FILL}" stroke="{colour}"'
    else:
        paint = f'fill="{colour}"'
    size = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    return f"<rect {size} {paint}><title>{tooltip}</title></rect>" if tooltip else f"<rect {size} {paint}/>"


def _year_grid(first: int, last: int, x_of: Callable[[dt.date], float], top: float, bottom: float) -> list[str]:
    """A line at each new year and a year label below, thinned out when the years are narrow."""
    years = last - first + 1
    step = max(math.ceil((_text_width("2026") + 10) / (WIDTH / years)), 1)
    parts: list[str] = []
    for year in range(first, last + 1):
        x = x_of(dt.date(year, 1, 1))
        parts.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID_COLOUR}"/>')
        if (year - first) % step == 0:
            parts.append(_text(x + 3, bottom + FONT_SIZE + 2, str(year)))
    return parts


def _projects(count: int) -> str:
    return f"{count} projekt" if count == 1 else f"{count} projekter"


# The compliance trend's colours: the hues of the compliance badges in handleplan.css (error red, warning
# orange, OK green), each 3:1 or more against white, and light, middle and dark apart so that they are
# told apart with red-green colour blindness too; a dispensation is the dispensed badge's olive, as a line.
TREND_COLOURS: dict[str, str] = {
    "error": "#a01622",
    "warning": "#d97a00",
    "ok": "#2e8540",
    "dispensed": "#3b5215",
}
TREND_PLOT_HEIGHT = 180


def compliance_trend(chart_id: str, title: str, months: list[tuple[dt.date, int, int, int, int]]) -> Chart:
    """Stacked columns per month: projects with errors, with warnings, in order; a line for dispensations.

    `months` holds (the month's first day, errors, warnings, ok, with a dispensation), oldest first.
    """
    series = [("Fejl", "error"), ("Advarsel", "warning"), ("OK", "ok")]
    items = [(word, TREND_COLOURS[key], "box") for word, key in series]
    any_dispensed = any(m[4] for m in months)  # the line, and its legend, only when there is something to show
    if any_dispensed:
        items.append(("Med dispensation", TREND_COLOURS["dispensed"], "dash"))
    body, y = _legend(items, 0.0)
    largest = max((sum(m[1:4]) for m in months), default=0)
    step = _nice_step(largest)
    top_value = max(step * math.ceil(largest / step), step)
    left = _text_width(str(top_value)) + 6
    top = y + FONT_SIZE + 4  # room for the tallest column's total
    bottom = top + TREND_PLOT_HEIGHT
    scale = TREND_PLOT_HEIGHT / top_value
    for value in range(0, top_value + 1, step):
        level = bottom - value * scale
        body.append(f'<line x1="{left:.1f}" y1="{level:.1f}" x2="{WIDTH}" y2="{level:.1f}" stroke="{GRID_COLOUR}"/>')
        body.append(_text(left - 6, level, str(value), anchor="end", middle=True))
    slot = (WIDTH - left) / max(len(months), 1)
    bar = min(slot * 0.7, 40.0)
    points: list[tuple[float, float]] = []
    for index, (month, *counts) in enumerate(months):
        centre = left + slot * (index + 0.5)
        name = danish_month(month)
        level = bottom
        for (word, key), count in zip(series, counts[:3], strict=True):
            if count:
                height = count * scale
                level -= height
                body.append(
                    f'<rect x="{centre - bar / 2:.1f}" y="{level:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                    f'fill="{TREND_COLOURS[key]}" stroke="#fff" data-month="{month.isoformat()[:7]}">'
                    f"<title>{escape(name)}: {escape(word)}, {_projects(count)}</title></rect>"
                )
        total = sum(counts[:3])
        if _text_width(str(total)) + 6 <= slot:
            body.append(_text(centre, level - 4, str(total), anchor="middle"))
        points.append((centre, bottom - counts[3] * scale))
    body += _month_labels([m[0] for m in months], left, slot, bottom)
    if points and any_dispensed:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        colour = TREND_COLOURS["dispensed"]
        body.append(f'<polyline points="{line}" fill="none" stroke="#fff" stroke-width="5"/>')
        body.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="4 2"/>'
        )
        for (x, y), (month, *counts) in zip(points, months, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" stroke="#fff">'
                f"<title>{escape(danish_month(month))}: med dispensation, {_projects(counts[3])}</title></circle>"
            )
    description = "Ingen måneder at vise."
    if months:
        (first, *_), (_, errors, warnings, ok, dispensed) = months[0], months[-1]
        line = "; en stiplet linje viser, hvor mange der har en dispensation" if any_dispensed else ""
        description = (
            f"Søjler med antal projekter med fejl, med advarsler og i orden for hver måned fra {danish_month(first)} "
            f"til {danish_month(months[-1][0])}{line}. Senest: {errors} med fejl, {warnings} med advarsler, "
            f"{ok} i orden og {dispensed} med dispensation."
        )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, bottom + 2 * LINE_HEIGHT + 8, body),
        ["Måned", "Fejl", "Advarsel", "OK", "Med dispensation"],
        [[danish_month(month).capitalize(), *(str(c) for c in counts)] for month, *counts in months],
    )


def _nice_step(largest: int) -> int:
    """A grid step of 1, 2 or 5 times a power of ten giving at most five lines above zero."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= 5 * factor * magnitude:
                return factor * magnitude
        magnitude *= 10


def _month_labels(months: list[dt.date], left: float, slot: float, bottom: float) -> list[str]:
    """Short month names under the columns, thinned out to fit, and the year under each January and the first."""
    step = max(math.ceil((_text_width("sep.") + 6) / slot), 1) if slot else 1
    parts: list[str] = []
    free_from = 0.0  # where the next year label may begin without touching the one before
    for index, month in enumerate(months):
        centre = left + slot * (index + 0.5)
        if index % step == 0:
            parts.append(_edge_text(centre, bottom + FONT_SIZE + 4, SHORT_MONTHS[month.month - 1]))
        year = str(month.year)
        half = _text_width(year) / 2
        if index == 0 or (month.month == 1 and centre - half >= free_from):
            parts.append(_edge_text(centre, bottom + FONT_SIZE + 4 + LINE_HEIGHT, year))
            free_from = max(centre, half) + half + 6
    return parts


def _edge_text(x: float, y: float, text: str) -> str:
    """A label centred on x, moved inside the chart where it would run past an edge."""
    half = _text_width(text) / 2
    if x - half < 0:
        return _text(0, y, text)
    if x + half > WIDTH:
        return _text(WIDTH, y, text, anchor="end")
    return _text(x, y, text, anchor="middle")
