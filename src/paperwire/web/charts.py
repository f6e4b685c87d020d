"""Server-rendered SVG charts: sparklines and bar charts, no script and no external service.

Colours come from the page's CSS variables (--accent, --muted, --fg), so a chart follows the light or
dark scheme; every chart is an <svg role="img"> with a label, and templates put its numbers in a table
beside it (_macros.html `chart_table`) for screen readers and for anyone who would rather read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    label: str  # x-axis label (a day, a month)
    value: float


def sparkline(values: list[float], label: str, width: int = 120, height: int = 28) -> Markup:
    """A line through the values (oldest first), scaled to the largest; a dot on the last value."""
    if not values:
        return Markup("")
    top = max(max(values), 1e-9)
    step = width / max(len(values) - 1, 1)
    points = [(round(i * step, 1), round(height - 2 - (v / top) * (height - 4), 1)) for i, v in enumerate(values)]
    path = " ".join(f"{x},{y}" for x, y in points)
    last_x, last_y = points[-1]
    return Markup(  # noqa: S704 -- the label is escaped, the rest are numbers
        f'<svg class="chart sparkline" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><title>{escape(label)}</title>'
        f'<polyline class="chart-line" fill="none" points="{path}"/>'
        f'<circle class="chart-dot" cx="{last_x}" cy="{last_y}" r="2.5"/></svg>'
    )


def bar_chart(bars: list[Bar], label: str, width: int = 640, height: int = 160) -> Markup:
    """Vertical bars with the first, middle and last x labels and the maximum on the y axis."""
    if not bars:
        return Markup("")
    left, bottom, top_pad = 34, 20, 8
    top = max(max(b.value for b in bars), 1)
    inner_w, inner_h = width - left - 4, height - bottom - top_pad
    slot = inner_w / len(bars)
    parts = [
        f'<svg class="chart bars" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none"><title>{escape(label)}</title>',
        f'<line class="chart-axis" x1="{left}" y1="{top_pad + inner_h}" x2="{width - 4}" y2="{top_pad + inner_h}"/>',
        f'<text class="chart-text" x="{left - 4}" y="{top_pad + 8}" text-anchor="end">{_number(top)}</text>',
        f'<text class="chart-text" x="{left - 4}" y="{top_pad + inner_h}" text-anchor="end">0</text>',
    ]
    for i, bar in enumerate(bars):
        h = inner_h * bar.value / top
        x = left + i * slot + slot * 0.1
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{top_pad + inner_h - h:.1f}" width="{max(slot * 0.8, 0.5):.1f}" '
            f'height="{h:.1f}"><title>{escape(bar.label)}: {_number(bar.value)}</title></rect>'
        )
    for i in sorted({0, len(bars) // 2, len(bars) - 1}):
        anchor = "start" if i == 0 else "end" if i == len(bars) - 1 else "middle"
        x = left + i * slot + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        parts.append(
            f'<text class="chart-text" x="{x:.1f}" y="{height - 4}" text-anchor="{anchor}">'
            f"{escape(bars[i].label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- labels are escaped, the rest are numbers


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def day_series(points: list[tuple[date, int]], *, cumulative: bool = False, max_days: int = 90) -> list[dict[str, Any]]:
    """[{day, value}] for every day from the first to the last point (gaps are 0, or the running total
    when `cumulative`), the last `max_days` days at most."""
    if not points:
        return []
    counts = dict(points)
    first, last = points[0][0], points[-1][0]
    running = sum(n for day, n in points if day < last - timedelta(days=max_days - 1)) if cumulative else 0
    first = max(first, last - timedelta(days=max_days - 1))
    series = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        running = running + counts.get(day, 0) if cumulative else counts.get(day, 0)
        series.append({"label": day.isoformat(), "value": running})
    return series


def month_series(points: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """[{label: YYYY-MM, value}] for every month from the first to the last point (gaps are 0)."""
    if not points:
        return []
    counts = dict(points)
    year, month = map(int, points[0][0].split("-"))
    series = []
    while f"{year:04d}-{month:02d}" <= points[-1][0]:
        label = f"{year:04d}-{month:02d}"
        series.append({"label": label, "value": counts.get(label, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def bars_of(series: list[dict[str, Any]], label: str) -> Markup:
    """bar_chart of a day_series or month_series (templates call this)."""
    return bar_chart([Bar(point["label"], point["value"]) for point in series], label)
