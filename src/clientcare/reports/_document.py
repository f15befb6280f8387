"""The report as a document: sections of a table and an optional chart, written as one
self-contained HTML file, CSV files or an XLSX workbook."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

import attrs

from clientcare.errors import ConfigurationError

__all__ = ["Cell", "MonthlyReport", "ReportSection", "ReportTable"]

Cell = str | int | Decimal | None

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px}
td.n{text-align:right}th{background:#f4f4f4}p.note{color:#666;font-size:13px}
"""


@attrs.frozen(kw_only=True)
class ReportTable:
    """Headers and rows of plain values (text, whole numbers, decimals)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@attrs.frozen(kw_only=True)
class ReportSection:
    """One part of the report: a title, a table, and a chart drawn as inline SVG."""

    key: str
    title: str
    table: ReportTable
    chart: str | None = attrs.field(default=None, repr=False)
    note: str = ""


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


@attrs.frozen(kw_only=True)
class MonthlyReport:
    """The owner's monthly report (P63–P66 and the areas' figures) for ``month``."""

    month: date
    language: str
    title: str
    sections: tuple[ReportSection, ...]

    def section(self, key: str) -> ReportSection:
        """The section with this key; KeyError when the report has none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def html(self) -> str:
        """The whole report as one HTML page: inline CSS and SVG, no script, no link."""
        lang = "zh-CN" if self.language == "zh-CN" else "en"
        parts = [
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
            f"<title>{escape(self.title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{escape(self.title)}</h1>",
        ]
        for section in self.sections:
            parts.append(f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>')
            if section.note:
                parts.append(f'<p class="note">{escape(section.note)}</p>')
            if section.chart:
                parts.append(f'<figure class="chart">{section.chart}</figure>')
            parts.append(_html_table(section.table))
            parts.append("</section>")
        parts.append("</body></html>")
        return "".join(parts)

    def write_html(self, path: str | Path) -> Path:
        """Write the HTML page to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        target.write_text(self.html(), encoding="utf-8")
        return target

    def write_csv(self, folder: str | Path) -> list[Path]:
        """One CSV file per section's table (``<key>.csv``, UTF-8 with a BOM for spreadsheet apps)."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for section in self.sections:
            path = target / f"{section.key}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(section.table.headers)
                writer.writerows([_text(cell) for cell in row] for row in section.table.rows)
            written.append(path)
        return written

    def write_xlsx(self, path: str | Path) -> Path:
        """One worksheet per section's table; needs the ``report`` extra (openpyxl)."""
        try:
            from openpyxl import Workbook  # noqa: PLC0415  (optional extra, imported on use)
        except ImportError as exc:
            raise ConfigurationError("XLSX export needs the report extra: pip install 'clientcare[report]'") from exc
        book = Workbook()
        book.remove(book.active)
        for section in self.sections:
            sheet = book.create_sheet(section.key[:31])
            sheet.append(list(section.table.headers))
            for row in section.table.rows:
                sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
        target = Path(path)
        book.save(target)
        return target


def _html_table(table: ReportTable) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="n">{escape(_text(c))}</td>' if isinstance(c, int | Decimal) else f"<td>{escape(_text(c))}</td>"
            for c in row
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> ReportTable:
    """A report table from any sequences."""
    return ReportTable(headers=tuple(headers), rows=tuple(tuple(r) for r in rows))
