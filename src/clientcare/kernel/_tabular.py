"""Reading import files: numbered rows in a fixed column order, and the forms of
dates a shop's exports use. Shared by the customer and the purchase imports."""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from typing import IO, Any

import attrs
import charset_normalizer

from clientcare.errors import FileUnreadable, ValidationError

__all__ = [
    "BadRow",
    "Headers",
    "ImportProgress",
    "ImportReject",
    "Row",
    "TableFile",
    "check_decodes",
    "detect_encoding",
    "header_mapping",
    "parse_day",
    "parse_moment",
    "read_table",
    "rows_in_order",
]

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


@attrs.frozen
class BadRow:
    """A row the file itself spoils (short, too long, broken quoting): ``reason`` is ``field: rule``."""

    reason: str


#: Bytes looked at to guess an encoding (the whole file is checked before importing).
_SAMPLE = 1 << 16
_CHUNK = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file from its first bytes: a byte-order mark, valid UTF-8, else
    charset-normalizer's best guess (GBK and GB2312 widen to GB18030, which reads both)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    if _reads_as_chinese(sample):
        return "gb18030"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise ValidationError("encoding", "cannot be detected; give encoding=")
    name = codecs.lookup(best.encoding).name
    return "gb18030" if name in {"gbk", "gb2312", "gb18030", "hz"} else name


def _reads_as_chinese(sample: bytes) -> bool:
    """Whether the bytes decode as GB18030 into Chinese text: short exports with a
    few Chinese words are too little for a statistical guess, and they are the common case."""
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 127]
    chinese = sum(
        1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    )
    return bool(wide) and chinese >= 0.9 * len(wide)


def _unreadable(exc: OSError) -> FileUnreadable:
    if isinstance(exc, FileNotFoundError):
        return FileUnreadable("does not exist")
    if isinstance(exc, IsADirectoryError):
        return FileUnreadable("is a directory")
    if isinstance(exc, PermissionError):
        return FileUnreadable("not readable (permission denied)")
    return FileUnreadable("cannot be read")


def _file_size(path: Path) -> int:
    """The file's size in bytes, for progress; a clientcare error when it cannot be read at all."""
    try:
        if path.is_dir():
            raise IsADirectoryError(path.name)
        return path.stat().st_size
    except OSError as exc:
        raise _unreadable(exc) from None


def check_decodes(path: Path, encoding: str) -> None:
    """Decode the whole file once, so an undecodable byte stops the import before
    anything is written (never a half import)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise ValidationError("encoding", "must be an encoding Python knows") from None
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    "file", f"not valid {encoding} text at byte {done + exc.start}; give encoding="
                ) from None
            done += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ValidationError("file", f"not valid {encoding} text at its end; give encoding=") from None


Headers = Mapping[str, str] | str | Path | None


def header_mapping(kind: str, headers: Headers) -> dict[str, str]:
    """Header name to column: the caller's mapping (a dict, or a TOML file with a
    ``[purchases]``/``[customers]`` table or a flat one) over the shipped Chinese POS names."""
    shipped = tomllib.loads(resources.files("clientcare.kernel").joinpath("pos_headers.toml").read_text("utf-8"))
    result = {_fold(k): v for k, v in shipped.get(kind, {}).items()}
    if headers is None:
        return result
    if isinstance(headers, str | Path):
        try:
            data = tomllib.loads(Path(headers).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            raise ValidationError("headers", "not a valid TOML file") from None
        except (OSError, UnicodeDecodeError):  # missing, a directory, unreadable, not UTF-8 text
            raise ValidationError("headers", "not a readable TOML file") from None
        table = data.get(kind, data)
    else:
        table = headers
    for name, column in table.items():
        if not isinstance(column, str):
            raise ValidationError("headers", "each header must map to a column name")
        result[_fold(name)] = column
    return result


def _fold(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower()


class TableFile:
    """Numbered rows in a fixed column order from a CSV file, an ``.xlsx`` workbook or a text stream.

    Paths are opened here: the encoding is detected unless given, the whole file
    is checked to decode before the first row is handed out, and the bytes read
    are counted for progress reports (``bytes_read``, ``total_bytes``).
    """

    def __init__(
        self,
        source: Path | str | IO[str],
        columns: Sequence[str],
        required: Sequence[str],
        *,
        kind: str,
        encoding: str | None = None,
        headers: Headers = None,
    ) -> None:
        self._source = source
        self._columns = tuple(columns)
        self._required = tuple(required)
        self._mapping = header_mapping(kind, headers)
        self._encoding = encoding
        self._counter: _Counter | None = None
        self.total_bytes: int | None = None
        if isinstance(source, str | Path):
            self.total_bytes = _file_size(Path(source))

    @property
    def bytes_read(self) -> int | None:
        """Bytes of the file read so far (None for a text stream)."""
        if self._counter is not None:
            return self._counter.count
        return None

    def __iter__(self) -> Iterator[tuple[int, Row | BadRow]]:
        source = self._source
        if not isinstance(source, str | Path):
            stream = csv.reader(source)
            yield from self._rows(iter(stream), lambda: stream.line_num)
            return
        try:
            yield from self._file(Path(source))
        except OSError as exc:
            raise _unreadable(exc) from None

    def _file(self, path: Path) -> Iterator[tuple[int, Row | BadRow]]:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            yield from self._workbook(path)
            return
        encoding = self._encoding
        if encoding is None:
            with path.open("rb") as handle:
                encoding = detect_encoding(handle.read(_SAMPLE))
        check_decodes(path, encoding)
        with path.open("rb") as raw:
            self._counter = _Counter(raw)
            text = io.TextIOWrapper(io.BufferedReader(self._counter), encoding=encoding, newline="")
            reader = csv.reader(text)
            yield from self._rows(iter(reader), lambda: reader.line_num)

    def _workbook(self, path: Path) -> Iterator[tuple[int, Row | BadRow]]:
        import openpyxl  # noqa: PLC0415 - only workbooks need it

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises zipfile, KeyError and its own errors for a broken file
            raise ValidationError("file", "not a readable .xlsx workbook") from None
        try:
            sheet = book.worksheets[0]
            numbered = enumerate(sheet.iter_rows(values_only=True), start=1)
            rows = (["" if v is None else _cell(v) for v in values] for _, values in numbered)
            line = 0

            def counted() -> Iterator[list[object]]:
                nonlocal line
                for line, row in enumerate(rows, start=1):  # noqa: B007 - read by the closure
                    if any(v != "" for v in row):
                        yield row

            yield from self._rows(counted(), lambda: line, quoting=False)
        finally:
            book.close()
        if self.total_bytes is not None:
            self._counter = _Counter.finished(self.total_bytes)

    def _rows(
        self, reader: Iterator[list[Any]], line_num: Callable[[], int], *, quoting: bool = True
    ) -> Iterator[tuple[int, Row | BadRow]]:
        try:
            header = [self._mapping.get(_fold(str(name)), _fold(str(name))) for name in next(reader)]
        except StopIteration:
            return
        except csv.Error:
            raise ValidationError("csv", "the header line cannot be read") from None
        for need in self._required:
            if not any(option in header for option in need.split("|")):
                raise ValidationError("csv", f"header lacks column {need.split('|')[0]}")
        width = len(header)
        # A column the header lacks reads the None appended at index ``width`` of each row, so
        # one C-level itemgetter picks every row's values in order.
        indexes = [header.index(column) if column in header else width for column in self._columns]
        getter = operator.itemgetter(*indexes)
        pick: Callable[[list[Any]], Row] = getter if len(indexes) > 1 else lambda row: (getter(row),)
        last = line_num()
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                last = line_num()
                yield last, BadRow("row: broken quoting")
                continue
            number = line_num()
            spanned, last = number - last, number
            if not row:
                continue  # a blank line
            if quoting and spanned > 1 and any("\n" in value or "\r" in value for value in row):
                yield number - spanned + 1, BadRow(f"row: unbalanced quote (the row runs over {spanned} lines)")
                continue
            if len(row) < width:
                yield number, BadRow(f"row: short ({len(row)} values, the header has {width})")
                continue
            if len(row) > width and any(str(v).strip() for v in row[width:]):
                yield number, BadRow(f"row: extra values ({len(row)} values, the header has {width})")
                continue
            if len(row) > width:
                del row[width:]  # blank extra values, checked above
            row.append(None)
            yield number, pick(row)


def read_table(
    source: Path | str | IO[str],
    columns: Sequence[str],
    required: Sequence[str],
    *,
    kind: str = "purchases",
    encoding: str | None = None,
    headers: Headers = None,
) -> TableFile:
    """Numbered rows (by file line; the header is line 1) in ``columns`` order; see :class:`TableFile`."""
    return TableFile(source, columns, required, kind=kind, encoding=encoding, headers=headers)


def _cell(value: object) -> object:
    """A workbook cell as the importers read it: numbers without float noise, the rest as is."""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


class _Counter(io.RawIOBase):
    """A binary file that counts the bytes read."""

    def __init__(self, raw: IO[bytes] | None) -> None:
        self._raw = raw
        self.count = 0

    @classmethod
    def finished(cls, size: int) -> _Counter:
        done = cls(None)
        done.count = size
        return done

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._raw is None:
            return 0
        data = self._raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


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
