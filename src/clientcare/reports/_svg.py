"""Charts as inline SVG: bars, lines and a heatmap, drawn without any script.

Every chart has a fixed view box and scales to the page width; labels are
escaped text, so whatever a label holds cannot break the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "heatmap", "line_chart"]

WIDTH = 640
HEIGHT = 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 56
PALETTE = ("#3b6ea5", "#e08a2e", "#4a9a5b", "#b04a5a", "#7a5aa6")


def _frame(body: str, title: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )


def _axis_labels(top: float) -> str:
    plot_h = HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<line x1="{_LEFT}" y1="{HEIGHT - _BOTTOM}" x2="{WIDTH - _RIGHT}" y2="{HEIGHT - _BOTTOM}" stroke="#888"/>'
    ]
    for step in range(5):
        value = top * step / 4
        y = HEIGHT - _BOTTOM - plot_h * step / 4
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{_short(value)}</text>')
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" stroke="#eee"/>')
    return "".join(parts)


def _short(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}" if value == int(value) or abs(value) >= 10 else f"{value:.2f}"


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> str:
    """Grouped vertical bars: one group per label, one bar per series, with a legend."""
    top = max([v for _, values in series for v in values] + [0.0]) or 1.0
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    group = plot_w / max(1, len(labels))
    bar = group * 0.8 / max(1, len(series))
    parts = [_axis_labels(top)]
    for i, label in enumerate(labels):
        x0 = _LEFT + group * i + group * 0.1
        for s, (_, values) in enumerate(series):
            value = max(0.0, values[i])
            height = max(1.0, plot_h * value / top)
            parts.append(
                f'<rect class="bar" x="{x0 + bar * s:.1f}" y="{HEIGHT - _BOTTOM - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(label)}: {value:g}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group * 0.4:.1f}" y="{HEIGHT - _BOTTOM + 14}" text-anchor="middle" '
            f'font-size="10">{escape(label[:14])}</text>'
        )
    parts.append(_legend([name for name, _ in series]))
    return _frame("".join(parts), title)


def _legend(names: Sequence[str]) -> str:
    parts = []
    for s, name in enumerate(names):
        x = _LEFT + 150 * s
        y = HEIGHT - 16
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(name)}</text>')
    return "".join(parts)


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> str:
    """Lines over the labels (x evenly spaced), one per series, with a legend."""
    values = [v for _, vs in series for v in vs]
    top = max([*values, 0.0]) or 1.0
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    step = plot_w / max(1, len(labels) - 1)
    parts = [_axis_labels(top)]
    for s, (_, vs) in enumerate(series):
        points = " ".join(
            f"{_LEFT + step * i:.1f},{HEIGHT - _BOTTOM - plot_h * max(0.0, v) / top:.1f}" for i, v in enumerate(vs)
        )
        colour = PALETTE[s % len(PALETTE)]
        parts.append(f'<polyline class="line" points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{_LEFT + step * i:.1f}" y="{HEIGHT - _BOTTOM + 14}" text-anchor="middle" '
                f'font-size="10">{escape(label[:12])}</text>'
            )
    parts.append(_legend([name for name, _ in series]))
    return _frame("".join(parts), title)


def heatmap(title: str, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[float | None]]) -> str:
    """A matrix of shares 0..1 shaded from white to blue; ``None`` cells stay empty."""
    left, top = 70, 24
    cell_w = (WIDTH - left - _RIGHT) / max(1, len(columns))
    cell_h = 20
    height = top + cell_h * len(rows) + 8
    parts = []
    for j, column in enumerate(columns):
        x = left + cell_w * j + cell_w / 2
        parts.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" font-size="10">{escape(column)}</text>')
    for i, row in enumerate(rows):
        y = top + cell_h * i
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="10">{escape(row)}</text>')
        for j, value in enumerate(cells[i]):
            if value is None:
                continue
            shade = int(255 - 200 * min(1.0, max(0.0, value)))
            x = left + cell_w * j
            parts.append(
                f'<rect class="cell" x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="rgb({shade},{shade + (255 - shade) // 3},255)"><title>{value:.0%}</title></rect>'
            )
    return _frame("".join(parts), title, height=max(height, 60))
