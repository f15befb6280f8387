"""Reading import files: numbered rows in a fixed column order, and the forms of
dates a shop's exports use. Shared by the customer and the purchase imports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

import attrs

from clientcare.errors import ValidationError

__all__ = ["ImportProgress", "ImportReject", "Row", "parse_day", "parse_moment", "read_table", "rows_in_order"]

Row = Sequence[object]

#: Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers of 1950-01-01 and 2199-12-31: a bare number in that range is an Excel date.
_EXCEL_RANGE = (18264, 109574)
_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SERIAL = re.compile(r"^\d{5,6}(\.\d+)?$")


@attrs.frozen
class ImportReject:
    """A row that was not imported: its line number and ``field: rule`` (never the value)."""

    line: int
    reason: str


@attrs.frozen
class ImportProgress:
    """Passed to the progress callback after each batch and once at the end.

    ``bytes_read`` and ``total_bytes`` are known for files (not for rows
    handed over in memory).
    """

    lines_read: int
    imported: int
    skipped: int
    rejected: int
    bytes_read: int | None = None
    total_bytes: int | None = None


def rows_in_order(records: Iterable[object], columns: Sequence[str]) -> Iterator[tuple[int, Row]]:
    """Numbered rows (from 1) in ``columns`` order from mappings."""
    for number, record in enumerate(records, start=1):
        get = getattr(record, "get", None)
        if get is None:
            raise ValidationError("records", "must be mappings of column names to values")
        yield number, tuple(get(column) for column in columns)


def read_table(
    source: Path | str | io.TextIOBase,
    columns: Sequence[str],
    required: frozenset[str],
    *,
    encoding: str = "utf-8-sig",
) -> Iterator[tuple[int, Row]]:
    """Numbered rows (by file line; the header is line 1) in ``columns`` order from a CSV file.

    The header names the columns (any order, any case, extra ones ignored).
    """
    if isinstance(source, str | Path):
        with open(source, newline="", encoding=encoding) as handle:
            yield from _read(handle, columns, required)
    else:
        yield from _read(source, columns, required)


def _read(handle: Iterable[str], columns: Sequence[str], required: frozenset[str]) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(handle)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return
    missing = sorted(required - set(header))
    if missing:
        raise ValidationError("csv", f"header lacks column {missing[0]}")
    positions = [header.index(column) if column in header else None for column in columns]
    width = len(header)
    if positions == list(range(len(columns))):
        for row in reader:
            yield reader.line_num, row if len(row) >= width else row + [""] * (width - len(row))
        return
    for row in reader:
        yield reader.line_num, [row[i] if i is not None and i < len(row) else None for i in positions]


def parse_moment(raw: object, zone: tzinfo, field: str) -> datetime:
    """A point in time from ISO 8601, ``2026/1/5 10:00``, a date alone (midnight) or an
    Excel serial number; a time without an offset is in ``zone``."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, time())
    else:
        text = str(raw).strip()
        moment = _moment_of(text, field)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _moment_of(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _SLASHED.match(text)
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise ValidationError(field, "not a real date") from None
    if _SERIAL.match(text):
        serial = float(text)
        if _EXCEL_RANGE[0] <= serial <= _EXCEL_RANGE[1]:
            whole = int(serial)
            seconds = round((serial - whole) * 86400)
            return datetime.combine(_EXCEL_EPOCH + timedelta(days=whole), time()) + timedelta(seconds=seconds)
    raise ValidationError(field, "must be a date and time (2026-01-05 10:00, 2026/1/5 10:00 or an Excel date)")


def parse_day(raw: object, field: str) -> date:
    """A calendar date from ``2026-01-05``, ``2026/1/5`` or an Excel serial number."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = _moment_of(text, field)
    except ValidationError:
        raise ValidationError(field, "must be a date (2026-01-05, 2026/1/5 or an Excel date)") from None
    return moment.date()
