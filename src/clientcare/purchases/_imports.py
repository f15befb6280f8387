"""The nightly POS import (P05 at scale): streaming, batched, idempotent.

Rows come from any iterable of mappings or from a CSV file whose header
names the columns of :data:`CSV_COLUMNS` (order free, extra columns
ignored). Consecutive rows with the same ``receipt_id`` are the lines of one
purchase. Each row is checked; a bad one becomes an :class:`ImportReject`
(line number and ``field: rule``, never the value) and the rest go on. Good
purchases are written ``batch_size`` at a time, each batch in its own unit
of work, so memory stays flat and a crash loses at most one batch. A receipt
id already in the archive is skipped, so importing a file twice adds nothing.

Imported purchases do not publish ``PurchaseRecorded`` events and plan no
touches: a night's import is history the POS already acted on, not a sale
happening now (record live sales with ``purchases.record``).

The storage adapter may offer a fast path (:class:`clientcare.ports.BulkPurchaseImport`);
otherwise the purchases go through the ordinary repositories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple, cast, overload

import attrs

from clientcare.errors import ClientcareError, NotFound, ValidationError
from clientcare.kernel._ids import bulk_id_maker
from clientcare.kernel._tabular import BadRow, Headers, ImportProgress, ImportReject, TableFile, parse_moment
from clientcare.kernel._values import Money, normalise_phone
from clientcare.purchases._model import Purchase, PurchaseLine

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = [
    "CSV_COLUMNS",
    "BatchOutcome",
    "ImportProgress",
    "ImportReject",
    "ImportReport",
    "ImportedLine",
    "ImportedPurchase",
    "PurchaseBatch",
    "checked_batches",
    "generic_import",
    "read_csv",
    "validated_purchases",
]

#: The documented CSV layout (docs/sql.md): required ones first.
CSV_COLUMNS = (
    "receipt_id",
    "occurred_at",
    "style_no",
    "unit_price",
    "quantity",
    "customer_id",
    "customer_phone",
    "store_id",
    "staff_id",
    "size",
    "colour",
    "full_price",
    "amount",
)
#: Columns the header must name; ``a|b``: either will do (a unit price, or a line amount to divide).
REQUIRED = ("receipt_id", "occurred_at", "style_no", "unit_price|amount")
#: Money in an import carries at most this many decimal places (as the SQL adapter stores).
PRICE_PLACES = 4
#: The longest receipt id, style number, customer, store or staff id (the columns' width).
_ID_LIMIT = 64
_TRUE = frozenset({"", "1", "true", "yes", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "f"})


class ImportedLine(NamedTuple):
    """One checked line of an imported purchase (``places``: decimals of the price as given)."""

    style_no: str
    quantity: int
    unit_price: Decimal
    size: str | None
    colour: str | None
    full_price: bool
    places: int


class ImportedPurchase(NamedTuple):
    """One checked purchase of an import, ready to store (``line``: where it started)."""

    line: int
    id: str
    receipt_id: str
    occurred_at: datetime
    customer_id: str | None
    customer_phone: str | None
    store_id: str | None
    staff_id: str | None
    lines: tuple[ImportedLine, ...]


@attrs.frozen
class BatchOutcome:
    """What the storage did with one batch."""

    imported: int
    skipped: int
    rejected: tuple[ImportReject, ...] = ()


@attrs.define
class ImportReport:
    """The outcome of an import: counts and every rejected line."""

    imported: int = 0
    skipped: int = 0
    rejected: list[ImportReject] = attrs.field(factory=list)
    lines_read: int = 0


def _text(value: object, field: str, limit: int) -> str | None:
    if value is None:
        return None
    text = value.strip() if type(value) is str else str(value).strip()
    if len(text) > limit:
        raise ValidationError(field, f"at most {limit} characters")
    return text or None


class _RowChecker:
    """Turns raw rows into checked values quickly (the import's hot path)."""

    def __init__(self, zone: tzinfo, region: str) -> None:
        self.zone = zone
        self.region = region
        self._phones: dict[str, str] = {}

    def phone(self, raw: str) -> str:
        cached = self._phones.get(raw)
        if cached is None:
            if len(self._phones) > 10_000:
                self._phones.clear()
            cached = normalise_phone(raw, self.region, "customer_phone")
            self._phones[raw] = cached
        return cached

    def moment(self, raw: object) -> datetime:
        if isinstance(raw, str):
            try:  # the common case, without the other forms' detours
                moment = datetime.fromisoformat(raw)
            except ValueError:
                return parse_moment(raw, self.zone, "occurred_at")
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)
        if raw is None:
            raise ValidationError("occurred_at", "required")
        return parse_moment(raw, self.zone, "occurred_at")

    def unit_price(self, raw: object, amount: object, quantity: int) -> tuple[Decimal, int]:
        """The unit price, or the line amount divided by the quantity when only that is given."""
        if raw is not None and str(raw).strip():
            return self.price(raw)
        if amount is None or not str(amount).strip():
            raise ValidationError("unit_price", "required (or an amount)")
        total, _ = self.price(amount, field="amount")
        price = total / quantity
        places = max(0, -int(price.normalize().as_tuple().exponent))
        if places > PRICE_PLACES:
            raise ValidationError("amount", f"divided by the quantity needs more than {PRICE_PLACES} decimal places")
        return price.quantize(Decimal(1).scaleb(-places)), places

    @staticmethod
    def price(raw: object, field: str = "unit_price") -> tuple[Decimal, int]:
        """The price and its number of decimal places."""
        text = str(raw).strip()
        try:
            price = Decimal(text)
        except InvalidOperation:
            raise ValidationError(field, "must be a decimal number") from None
        if not price.is_finite():
            raise ValidationError(field, "must be finite")
        if price < 0:
            raise ValidationError(field, "must not be negative")
        head, dot, tail = text.partition(".")
        if dot and tail.isdigit():
            places = len(tail)
        elif not dot and head.lstrip("+-").isdigit():
            places = 0
        else:  # exponent notation and other spellings: ask the Decimal
            exponent = price.as_tuple().exponent
            places = max(0, -exponent) if isinstance(exponent, int) else 0
        if places > PRICE_PLACES:
            raise ValidationError(field, f"at most {PRICE_PLACES} decimal places")
        return price, places

    @staticmethod
    def quantity(raw: object) -> int:
        if type(raw) is str and raw.isdecimal():  # the common case: int() as below, without the detours
            quantity = int(raw)
            if quantity > 0:
                return quantity
        text = str(raw).strip() if raw is not None else ""
        if not text:
            return 1
        try:
            quantity = int(text)
        except ValueError:
            raise ValidationError("quantity", "must be a whole number above zero") from None
        if quantity <= 0:
            raise ValidationError("quantity", "must be a whole number above zero")
        return quantity

    @staticmethod
    def flag(raw: object) -> bool:
        text = str(raw).strip().lower() if raw is not None else ""
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError("full_price", "must be true or false")


_Row = Sequence[object]


def _group(
    rows: Iterable[tuple[int, _Row | BadRow]], checker: _RowChecker, rejects: list[ImportReject]
) -> Iterator[tuple[_RawPurchase, list[_RawLine]]]:
    """Check rows (in CSV_COLUMNS order) and join consecutive ones of a receipt.

    The hot loop of a night's import: every check runs on every row, but the
    common case (short, clean text) is tested inline and only a value that
    fails it goes through the general check, which gives the same reason.
    Yields each purchase's first eight :class:`ImportedPurchase` fields and its lines
    as plain tuples (see :class:`PurchaseBatch`).
    """
    mint = bulk_id_maker()  # here, not per row: the body runs inside the import's minting()
    current: list[object] | None = None
    lines: list[_RawLine] = []
    bad_receipt: str | None = None
    for number, row in rows:
        if isinstance(row, BadRow):
            rejects.append(ImportReject(number, row.reason))
            continue
        raw = row[0]
        try:
            receipt = raw.strip() if type(raw) is str and len(raw) <= _ID_LIMIT else _text(raw, "receipt_id", _ID_LIMIT)
            if not receipt:
                raise ValidationError("receipt_id", "required")
        except ValidationError as exc:
            rejects.append(ImportReject(number, str(exc)))
            continue
        if current is not None and receipt != current[2]:
            yield _purchase(current, lines)
            current, lines = None, []
        if receipt == bad_receipt:
            rejects.append(ImportReject(number, "receipt_id: an earlier line of this receipt was rejected"))
            continue
        bad_receipt = None
        try:
            line = _line(row, checker)
            if current is None:
                current = _head(number, mint, receipt, row, checker)
        except ClientcareError as exc:
            rejects.append(ImportReject(number, str(exc)))
            if current is not None and current[2] == receipt:
                rejects.append(
                    ImportReject(int(str(current[0])), "receipt_id: a later line of this receipt was rejected")
                )
            current, lines, bad_receipt = None, [], receipt
            continue
        lines.append(line)
    if current is not None:
        yield _purchase(current, lines)


def _head(number: int, mint: Callable[[], str], receipt: str, row: _Row, checker: _RowChecker) -> list[object]:
    """The checked fields of a purchase from its first line, in :class:`ImportedPurchase` order."""
    phone = _text(row[6], "customer_phone", 32) if row[6] else None
    purchase_id = mint()  # after the phone's check, as before: a sequence of ids stays the same
    occurred_at = checker.moment(row[1])
    raw = row[5]
    if type(raw) is str and len(raw) <= _ID_LIMIT:  # the common case of _text, inline
        customer_id: str | None = raw.strip() or None
    else:
        customer_id = _text(raw, "customer_id", _ID_LIMIT) if raw else None
    return [
        number,
        purchase_id,
        receipt,
        occurred_at,
        customer_id,
        checker.phone(phone) if phone is not None else None,
        _text(row[7], "store_id", _ID_LIMIT) if row[7] else None,
        _text(row[8], "staff_id", _ID_LIMIT) if row[8] else None,
    ]


def _line(row: _Row, checker: _RowChecker) -> _RawLine:
    """One checked line of a receipt (the checks in the order their reasons are reported)."""
    raw = row[2]
    style = raw.strip() if type(raw) is str and len(raw) <= _ID_LIMIT else _text(raw, "style_no", _ID_LIMIT)
    if not style:
        raise ValidationError("style_no", "required")
    raw = row[4]
    if type(raw) is not str or not raw.isdecimal() or (quantity := int(raw)) <= 0:
        quantity = checker.quantity(raw)
    raw = row[3]
    places = _plain_places(raw)
    if places >= 0:  # digits with at most PRICE_PLACES decimals: a valid price as it stands
        price = Decimal(str(raw))
    elif raw:
        price, places = checker.price(raw)
    else:
        price, places = checker.unit_price(raw, row[12], quantity)
    return (
        style,
        quantity,
        price,
        _text(row[9], "size", 50) if row[9] else None,
        _text(row[10], "colour", 50) if row[10] else None,
        checker.flag(row[11]) if row[11] else True,
        places,
    )


def _plain_places(raw: object) -> int:
    """The decimals of a price written as ASCII digits with at most :data:`PRICE_PLACES` of them
    (``129``, ``59.90``): such a text needs none of :meth:`_RowChecker.price`'s checks; -1 otherwise."""
    if type(raw) is not str or not raw.isascii():
        return -1
    head, dot, tail = raw.partition(".")
    if not head.isdigit():
        return -1
    if not dot:
        return 0
    return len(tail) if tail.isdigit() and len(tail) <= PRICE_PLACES else -1


def _purchase(head: list[object], lines: list[_RawLine]) -> tuple[_RawPurchase, list[_RawLine]]:
    return tuple(head), lines


#: An :class:`ImportedLine` as a plain tuple of the same fields.
_RawLine = tuple[str, int, Decimal, str | None, str | None, bool, int]
#: The first eight fields of an :class:`ImportedPurchase` as a plain tuple; in a batch,
#: followed by where its lines start and end in the batch's list of lines.
_RawPurchase = tuple[object, ...]
# The fields are already in order: tuple.__new__ skips the NamedTuple's Python-level __new__.
_new_purchase = _new_line = tuple.__new__


class PurchaseBatch(Sequence[ImportedPurchase]):
    """Checked purchases of one batch, receipt ids unique, with how many repeats were dropped.

    Held as flat tuples of plain values and turned into :class:`ImportedPurchase`
    only as they are read: the garbage collector stops tracking such a tuple
    in its first pass, but keeps scanning NamedTuples (and nested tuples for a
    pass per level), and 50,000 of them alive per batch made its full
    collections about a fifth of an import's CPU (docs/performance.md).
    """

    __slots__ = ("_lines", "_raw", "repeated")

    def __init__(self) -> None:
        self._raw: list[_RawPurchase] = []
        self._lines: list[_RawLine] = []
        #: Purchases dropped because an earlier one of the batch had their receipt id.
        self.repeated = 0

    def append(self, head: _RawPurchase, lines: list[_RawLine]) -> None:
        """Add a purchase: its first eight fields and its lines."""
        start = len(self._lines)
        self._lines.extend(lines)
        self._raw.append((*head, start, len(self._lines)))

    def _view(self, raw: _RawPurchase) -> ImportedPurchase:
        start, end = cast("tuple[int, int]", raw[8:])
        lines = tuple([_new_line(ImportedLine, line) for line in self._lines[start:end]])
        return _new_purchase(ImportedPurchase, (*raw[:8], lines))

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> ImportedPurchase: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ImportedPurchase]: ...

    def __getitem__(self, index: int | slice) -> ImportedPurchase | Sequence[ImportedPurchase]:
        if isinstance(index, slice):
            return [self._view(raw) for raw in self._raw[index]]
        return self._view(self._raw[index])

    def __iter__(self) -> Iterator[ImportedPurchase]:
        return map(self._view, self._raw)

    def __repr__(self) -> str:  # never the rows: they hold customers' phone numbers
        return f"<PurchaseBatch of {len(self._raw)} purchases>"


def validated_purchases(
    rows: Iterable[tuple[int, _Row | BadRow]], *, zone: tzinfo, region: str, rejects: list[ImportReject]
) -> Iterator[ImportedPurchase]:
    """Checked purchases from numbered rows in :data:`CSV_COLUMNS` order; bad rows go to ``rejects``."""
    for head, lines in _group(rows, _RowChecker(zone, region), rejects):
        yield _new_purchase(ImportedPurchase, (*head, tuple([_new_line(ImportedLine, line) for line in lines])))


def checked_batches(
    rows: Iterable[tuple[int, _Row | BadRow]], size: int, *, zone: tzinfo, region: str, rejects: list[ImportReject]
) -> Iterator[PurchaseBatch]:
    """The checked purchases of numbered rows, ``size`` at a time; a receipt id repeated
    within a batch keeps its first purchase (the others count in ``repeated``)."""
    batch = PurchaseBatch()
    receipts: set[object] = set()
    for head, lines in _group(rows, _RowChecker(zone, region), rejects):
        receipt = head[2]
        if receipt in receipts:
            batch.repeated += 1
            continue
        receipts.add(receipt)
        batch.append(head, lines)
        if len(batch) >= size:
            yield batch
            batch, receipts = PurchaseBatch(), set()
    if batch or batch.repeated:
        yield batch


def rows_from_mappings(records: Iterable[Mapping[str, object]]) -> Iterator[tuple[int, _Row]]:
    """Numbered rows (from 1) in :data:`CSV_COLUMNS` order from mappings."""
    for number, record in enumerate(records, start=1):
        yield number, tuple(record.get(column) for column in CSV_COLUMNS)


def read_csv(source: Path | str | IO[str], *, encoding: str | None = None, headers: Headers = None) -> TableFile:
    """Numbered rows (by file line) in :data:`CSV_COLUMNS` order from a CSV file or
    ``.xlsx`` workbook with a header (see :class:`clientcare.kernel._tabular.TableFile`)."""
    return TableFile(source, CSV_COLUMNS, REQUIRED, kind="purchases", encoding=encoding, headers=headers)


def generic_import(uow: UnitOfWork, batch: Sequence[ImportedPurchase], *, tenant: str, currency: str) -> BatchOutcome:
    """Store a batch through the ordinary repositories (any adapter)."""
    imported = skipped = 0
    rejected: list[ImportReject] = []
    for item in batch:
        if uow.purchases.by_receipt(item.receipt_id) is not None:
            skipped += 1
            continue
        customer_id = item.customer_id
        try:
            if customer_id is not None:
                customer = uow.customers.get(customer_id)
            elif item.customer_phone is not None:
                found = uow.customers.by_phone(item.customer_phone)
                if found is None:
                    raise ValidationError("customer_phone", "no customer with this phone")
                customer, customer_id = found, found.id
            else:
                customer = None
        except NotFound:
            rejected.append(ImportReject(item.line, "customer_id: no such customer"))
            continue
        except ValidationError as exc:
            rejected.append(ImportReject(item.line, str(exc)))
            continue
        if customer is not None and customer.erased:
            rejected.append(ImportReject(item.line, "customer_id: customer was erased"))
            continue
        purchase = Purchase.sale(
            tenant=tenant,
            customer_id=customer_id,
            lines=[
                PurchaseLine(
                    style_no=line.style_no,
                    unit_price=Money(line.unit_price, currency),
                    quantity=line.quantity,
                    size=line.size,
                    colour=line.colour,
                    full_price=line.full_price,
                )
                for line in item.lines
            ],
            at=item.occurred_at,
            currency=currency,
            store_id=item.store_id,
            staff_id=item.staff_id,
            receipt_id=item.receipt_id,
            purchase_id=item.id,
        )
        purchase.pull_events()  # an import publishes no per-purchase events
        uow.purchases.add(purchase)
        imported += 1
    return BatchOutcome(imported, skipped, tuple(rejected))


ProgressCallback = Callable[[ImportProgress], None]
