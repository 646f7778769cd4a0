"""SVG charts made at build time: no chart library, nothing fetched by the browser.

Each chart carries a title, a description and its numbers as a table, so a
screen reader gets the same facts as the eye.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from schema.project import Status

# Colours meet 3:1 against white for graphics (WCAG 1.4.11); labels are dark text.
STATUS_COLOURS: dict[Status, str] = {
    Status.IDEA: "#8a6d00",
    Status.STARTUP: "#2f6db5",
    Status.EXECUTION: "#1b4f8c",
    Status.BENEFITS: "#2e7d32",
    Status.COMPLETED: "#5f6b76",
    Status.PAUSED: "#b35900",
    Status.CANCELLED: "#a8323e",
}
EXPECTED_COLOUR = "#2f6db5"
REALISED_COLOUR = "#2e7d32"
TEXT_COLOUR = "#1f2328"
WIDTH = 720
LABEL_WIDTH = 250
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Chart:
    """An SVG with its title, description and the numbers behind it."""

    id: str
    title: str
    description: str
    svg: str
    head: list[str]
    rows: list[list[str]]


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="hp-chart__svg">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _label(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{TEXT_COLOUR}" font-size="13" text-anchor="{anchor}" '
        f'dominant-baseline="middle">{escape(text)}</text>'
    )


def _legend(items: list[tuple[str, str]], y: float) -> list[str]:
    parts, x = [], 0.0
    for label, colour in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_label(x + 16, y, label))
        x += 22 + 7.5 * len(label)
    return parts


def status_by_group(chart_id: str, title: str, groups: list[tuple[str, list[Status]]]) -> Chart:
    """Stacked horizontal bars: for each group (e.g. a focus area) its projects by status."""
    statuses = [s for s in Status if any(s in members for _, members in groups)]
    largest = max((len(members) for _, members in groups), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 50) / largest
    body: list[str] = []
    for row, (name, members) in enumerate(groups):
        y = row * ROW_HEIGHT + 4
        body.append(_label(0, y + 10, _shorten(name, 34)))
        x = float(LABEL_WIDTH)
        for status in statuses:
            count = members.count(status)
            if count:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{count * scale:.1f}" height="20" '
                    f'fill="{STATUS_COLOURS[status]}">'
                    f"<title>{escape(name)}: {count} {escape(status.label)}</title></rect>"
                )
                x += count * scale
        body.append(_label(x + 6, y + 10, str(len(members))))
    legend_y = len(groups) * ROW_HEIGHT + 16
    body += _legend([(s.label, STATUS_COLOURS[s]) for s in statuses], legend_y)
    total = sum(len(members) for _, members in groups)
    description = f"Vandrette søjler med antal projekter pr. status; {total} placeringer i alt."
    rows = [[name, *[str(members.count(s)) for s in statuses], str(len(members))] for name, members in groups]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, legend_y + 16, body),
        ["", *[s.label for s in statuses], "I alt"],
        rows,
    )


def expected_vs_realised(chart_id: str, title: str, groups: list[tuple[str, int, int]]) -> Chart:
    """Paired bars: expected and realised benefits in DKK per year for each group."""
    largest = max((max(expected, realised) for _, expected, realised in groups), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 110) / largest
    body: list[str] = []
    for row, (name, expected, realised) in enumerate(groups):
        y = row * (ROW_HEIGHT + 14) + 4
        body.append(_label(0, y + 14, _shorten(name, 34)))
        for offset, amount, colour in ((0, expected, EXPECTED_COLOUR), (16, realised, REALISED_COLOUR)):
            width = max(amount * scale, 1)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset:.1f}" width="{width:.1f}" height="14" fill="{colour}"/>'
            )
            body.append(_label(LABEL_WIDTH + width + 6, y + offset + 7, format_dkk(amount)))
    legend_y = len(groups) * (ROW_HEIGHT + 14) + 16
    body += _legend([("Forventet", EXPECTED_COLOUR), ("Realiseret", REALISED_COLOUR)], legend_y)
    description = (
        f"Forventede og realiserede gevinster i kroner pr. år; i alt {format_dkk(sum(g[1] for g in groups))} "
        f"forventet og {format_dkk(sum(g[2] for g in groups))} realiseret."
    )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, legend_y + 16, body),
        ["", "Forventet (kr./år)", "Realiseret (kr./år)"],
        [[name, format_dkk(expected), format_dkk(realised)] for name, expected, realised in groups],
    )


def timeline(
    chart_id: str, title: str, bars: list[tuple[str, dt.date, dt.date, Status]], today: dt.date, total: int
) -> Chart:
    """One bar per project from start to end, with a line for today."""
    if bars:
        first = min(start for _, start, _, _ in bars).replace(month=1, day=1)
        last = max(end for _, _, end, _ in bars).replace(month=12, day=31)
    else:
        first, last = today.replace(month=1, day=1), today.replace(month=12, day=31)
    span = max((last - first).days, 1)
    scale = (WIDTH - LABEL_WIDTH - 10) / span

    def x_of(day: dt.date) -> float:
        return LABEL_WIDTH + (day - first).days * scale

    height = len(bars) * ROW_HEIGHT + 40
    body: list[str] = []
    for year in range(first.year, last.year + 1):
        x = x_of(dt.date(year, 1, 1))
        body.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" stroke="#d0d7de"/>')
        body.append(_label(x + 3, height - 12, str(year)))
    for row, (name, start, end, status) in enumerate(bars):
        y = row * ROW_HEIGHT + 4
        body.append(_label(0, y + 10, _shorten(name, 34)))
        width = max(x_of(end) - x_of(start), 2)
        body.append(
            f'<rect x="{x_of(start):.1f}" y="{y:.1f}" width="{width:.1f}" height="20" rx="3" '
            f'fill="{STATUS_COLOURS[status]}"><title>{escape(name)}: {start.isoformat()} – {end.isoformat()}'
            f" ({escape(status.label)})</title></rect>"
        )
    if first <= today <= last:
        x = x_of(today)
        body.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" stroke="#a8323e" stroke-width="2"/>')
    shown = f"{len(bars)} af {total} projekter" if total > len(bars) else f"{len(bars)} projekter"
    description = f"Tidslinje med planlagt start og slut for {shown}; den røde linje er i dag ({today.isoformat()})."
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, height, body),
        ["Projekt", "Start", "Slut", "Status"],
        [[name, start.isoformat(), end.isoformat(), status.label] for name, start, end, status in bars],
    )


def format_dkk(amount: int) -> str:
    """Kroner the Danish way: '1.250.000 kr.'."""
    return f"{amount:,} kr.".replace(",", ".")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
