"""The import's batch on SQLite and PostgreSQL: its keys checked in one joined statement.

The batch's receipt ids, customer ids and phones go to the database as one
JSON array; one ``SELECT`` joins it to ``cc_purchases`` and ``cc_customers``
and returns only the purchases that need a word: a receipt already stored, a
customer unknown or erased, a phone to turn into a customer id. The lookups
this replaces sent the keys as parameter lists (psycopg adapting 50,000
strings into an array, or 100 ``IN`` lists on SQLite) and brought every match
back into Python.

The rows are built while the keys are gathered, once per purchase, as tuples
of plain values. SQLite then takes each table's rows as one JSON array in one
``INSERT … SELECT … FROM json_each(?)``: the driver releases the GIL for the
whole statement, so B-tree work for a batch runs beside the reading thread's
checks instead of handing the GIL back and forth for every row of an
``executemany``. PostgreSQL takes them by binary ``COPY`` as before.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

from clientcare.adapters.sqlalchemy._errors import driver_errors, translated
from clientcare.purchases import BatchOutcome, ImportedPurchase, ImportReject

if TYPE_CHECKING:
    from sqlalchemy import Dialect

    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "ERASED",
    "JSON_SQLITE",
    "KNOWN",
    "LINE_COLUMNS",
    "LINE_PG_TYPES",
    "NO_CUSTOMER",
    "NO_PHONE",
    "PHONE",
    "PURCHASE_COLUMNS",
    "PURCHASE_PG_TYPES",
    "EncodedPurchases",
    "Rows",
    "encode",
    "import_joined",
    "joins_keys",
    "stored_lines",
    "stored_purchases",
]

#: The SQLite release from which the JSON functions are built in (``->>`` included).
JSON_SQLITE = (3, 38)
_SCALE = Decimal(10_000)
_NO_OFFSET = timedelta(0)
#: Minutes east of UTC by offset: a night's rows share a handful of offsets.
_MINUTES: dict[timedelta, int] = {}

#: What the keys statement says of a purchase (its second column; the CASE below).
KNOWN, NO_CUSTOMER, ERASED, NO_PHONE, PHONE = 1, 2, 3, 4, 5
_REASONS = {
    NO_CUSTOMER: "customer_id: no such customer",
    ERASED: "customer_id: customer was erased",
    NO_PHONE: "customer_phone: no customer with this phone",
}

# Each key is [receipt_id, customer_id, phone, position in the batch]; the phone only where no
# customer id is given. The CASE decides in the generic path's order: a stored receipt first,
# then the customer.
_SQLITE_KEYS = """SELECT k.value ->> 3,
    CASE WHEN p.id IS NOT NULL THEN 1
        WHEN k.value ->> 1 IS NOT NULL AND c.id IS NULL THEN 2
        WHEN c.erased_at IS NOT NULL OR ph.erased_at IS NOT NULL THEN 3
        WHEN k.value ->> 2 IS NOT NULL AND ph.id IS NULL THEN 4
        ELSE 5 END,
    ph.id
FROM json_each(?) AS k
LEFT JOIN cc_purchases AS p ON p.tenant = ? AND p.receipt_id = k.value ->> 0
LEFT JOIN cc_customers AS c ON c.tenant = ? AND c.id = k.value ->> 1
LEFT JOIN cc_customers AS ph ON ph.tenant = ? AND ph.phone = k.value ->> 2
WHERE p.id IS NOT NULL OR k.value ->> 1 IS NOT NULL AND (c.id IS NULL OR c.erased_at IS NOT NULL)
    OR k.value ->> 2 IS NOT NULL"""
# Each lookup is a LATERAL subquery that cannot be flattened (LIMIT 1): a nested loop of
# probes whatever the statistics say, each ordered as its unique index so that index wins
# even when the statistics make every index look alike. A freshly loaded table, not yet
# analysed, got hash joins, or probes of the customer index filtered by receipt, that read
# every purchase of the tenant for each batch.
_PG_KEYS = """SELECT (k.v ->> 3)::int,
    CASE WHEN p.id IS NOT NULL THEN 1
        WHEN k.v ->> 1 IS NOT NULL AND c.id IS NULL THEN 2
        WHEN c.erased_at IS NOT NULL OR ph.erased_at IS NOT NULL THEN 3
        WHEN k.v ->> 2 IS NOT NULL AND ph.id IS NULL THEN 4
        ELSE 5 END,
    ph.id
FROM jsonb_array_elements(%s::jsonb) AS k(v)
LEFT JOIN LATERAL (
    SELECT id FROM cc_purchases WHERE tenant = %s AND receipt_id = k.v ->> 0 ORDER BY tenant, receipt_id LIMIT 1
) AS p ON TRUE
LEFT JOIN LATERAL (
    SELECT id, erased_at FROM cc_customers WHERE tenant = %s AND id = k.v ->> 1 ORDER BY tenant, id LIMIT 1
) AS c ON TRUE
LEFT JOIN LATERAL (
    SELECT id, erased_at FROM cc_customers WHERE tenant = %s AND phone = k.v ->> 2 ORDER BY tenant, phone LIMIT 1
) AS ph ON TRUE
WHERE p.id IS NOT NULL OR k.v ->> 1 IS NOT NULL AND (c.id IS NULL OR c.erased_at IS NOT NULL)
    OR k.v ->> 2 IS NOT NULL"""

# Tenant, version, kind and currency are the same for a whole batch: parameters, not row values.
_SQLITE_PURCHASES = """INSERT INTO cc_purchases (tenant, id, version, customer_id, occurred_at, utc_offset,
    kind, amount_e4, amount_scale, currency, store_id, staff_id, receipt_id)
SELECT ?, value ->> 0, 1, value ->> 1, value ->> 2, value ->> 3, 'sale', value ->> 4, value ->> 5, ?,
    value ->> 6, value ->> 7, value ->> 8
FROM json_each(?)"""
_SQLITE_LINES = """INSERT INTO cc_purchase_lines (tenant, purchase_id, position, style_no, quantity,
    unit_price_e4, price_scale, size, colour, full_price)
SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
    value ->> 7, value ->> 8
FROM json_each(?)"""
PURCHASE_COLUMNS = (
    "tenant",
    "id",
    "version",
    "customer_id",
    "occurred_at",
    "utc_offset",
    "kind",
    "amount_e4",
    "amount_scale",
    "currency",
    "store_id",
    "staff_id",
    "receipt_id",
)
LINE_COLUMNS = (
    "tenant",
    "purchase_id",
    "position",
    "style_no",
    "quantity",
    "unit_price_e4",
    "price_scale",
    "size",
    "colour",
    "full_price",
)
#: The PostgreSQL types of those columns, for a binary COPY (migrations 0001–0009;
#: tests/sql/test_import.py compares them with the database's).
PURCHASE_PG_TYPES = (
    "varchar",
    "varchar",
    "int4",
    "varchar",
    "timestamp",
    "int2",
    "varchar",
    "int8",
    "int2",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
)
LINE_PG_TYPES = ("varchar", "varchar", "int2", "varchar", "int4", "int8", "int2", "varchar", "varchar", "bool")


def joins_keys(dialect: Dialect) -> bool:
    """Whether this path serves a database: SQLite with its JSON functions built in
    (3.38 and later), or PostgreSQL through psycopg 3."""
    if dialect.name == "sqlite":
        return sqlite3.sqlite_version_info >= JSON_SQLITE
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


class EncodedPurchases(Sequence[ImportedPurchase]):
    """A batch with its rows already built (:meth:`SqlBackend.encode_purchases`), read as the batch itself."""

    __slots__ = ("_batch", "rows")

    def __init__(self, batch: Sequence[ImportedPurchase], rows: Rows) -> None:
        self._batch = batch
        self.rows = rows

    def __len__(self) -> int:
        return len(self._batch)

    @overload
    def __getitem__(self, index: int) -> ImportedPurchase: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ImportedPurchase]: ...

    def __getitem__(self, index: int | slice) -> ImportedPurchase | Sequence[ImportedPurchase]:
        return self._batch[index]

    def __iter__(self) -> Iterator[ImportedPurchase]:
        return iter(self._batch)

    def __repr__(self) -> str:  # never the rows: they hold customers' phone numbers
        return f"<EncodedPurchases of {len(self._batch)} purchases>"


def encode(batch: Sequence[ImportedPurchase], *, sqlite: bool) -> EncodedPurchases:
    """The batch with its keys and rows built, and written out as JSON where SQLite reads them so."""
    rows = Rows(sqlite)
    for item in batch:
        rows.add(item)
    rows.dump()
    return EncodedPurchases(batch, rows)


def import_joined(uow: SqlUnitOfWork, batch: Sequence[ImportedPurchase], *, currency: str) -> BatchOutcome:
    """Store a checked batch; skip known receipts, reject unknown or erased customers."""
    sqlite = uow.dialect == "sqlite"
    if isinstance(batch, EncodedPurchases) and batch.rows.sqlite == sqlite:
        rows = batch.rows
    else:
        rows = encode(batch, sqlite=sqlite).rows
    cursor: Any = uow.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with translated("purchase"), driver_errors(uow.connection):
            tenant = uow.tenant
            if sqlite:
                cursor.execute(_SQLITE_KEYS, (rows.keys_document, tenant, tenant, tenant))
            else:
                cursor.execute(_PG_KEYS, (rows.keys_document, tenant, tenant, tenant), prepare=False)
            outcome, purchases, lines = rows.settle(batch, cursor.fetchall())
            if purchases and sqlite:
                # The rows' JSON, written in the reading thread, serves while they are the rows as built.
                documents = rows.documents if purchases is rows.purchases else None
                _insert_sqlite(cursor, tenant, currency, documents or (_json(purchases), _json(lines)))
            elif purchases:
                _copy(cursor, tenant, currency, purchases, lines)
    finally:
        cursor.close()
    return outcome


def _insert_sqlite(cursor: Any, tenant: str, currency: str, documents: tuple[str, str]) -> None:
    purchases, lines = documents
    cursor.execute(_SQLITE_PURCHASES, (tenant, currency, purchases))
    cursor.execute(_SQLITE_LINES, (tenant, lines))


def _json(values: object) -> str:
    # Not ASCII-escaped: text goes to the driver as it would as a parameter, so text the
    # driver cannot encode fails the same way, and Chinese text stays a third of the size.
    return json.dumps(values, ensure_ascii=False)


def _copy(
    cursor: Any, tenant: str, currency: str, purchases: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]
) -> None:
    with cursor.copy(f"COPY cc_purchases ({', '.join(PURCHASE_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(PURCHASE_PG_TYPES))
        for row in stored_purchases(tenant, currency, purchases):
            copy.write_row(row)
    with cursor.copy(f"COPY cc_purchase_lines ({', '.join(LINE_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(LINE_PG_TYPES))
        for row in stored_lines(tenant, lines):
            copy.write_row(row)


def stored_purchases(tenant: str, currency: str, purchases: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """:class:`Rows` purchase rows as whole ``cc_purchases`` rows, in :data:`PURCHASE_COLUMNS` order."""
    for pid, customer, moment, minutes, amount, scale, store, staff, receipt in purchases:
        yield tenant, pid, 1, customer, moment, minutes, "sale", amount, scale, currency, store, staff, receipt


def stored_lines(tenant: str, lines: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """:class:`Rows` line rows as whole ``cc_purchase_lines`` rows, in :data:`LINE_COLUMNS` order."""
    for line in lines:
        yield (tenant, *line)


def _customer_key(key: tuple[str, str | None, str | None, int]) -> str:
    return key[1] or key[2] or ""


class Rows:
    """A batch's keys and rows, built in one pass; :meth:`settle` drops what must not be stored.

    Purchase rows: id, customer id, UTC moment (text on SQLite: the form its
    timestamp columns hold), minutes east of UTC, amount and its scale, store,
    staff, receipt. Line rows: purchase id, position, style, quantity, unit
    price and its scale, size, colour, full price. Plain tuples of plain
    values, which the garbage collector soon stops tracking.
    """

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.keys: list[tuple[str, str | None, str | None, int]] = []
        self.purchases: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []
        self.starts: list[int] = []
        self.keys_document = "[]"
        #: The purchase and line rows as JSON (SQLite), while they are the rows as built.
        self.documents: tuple[str, str] | None = None

    def add(self, item: ImportedPurchase) -> None:
        """The keys and rows of one purchase."""
        moment = item.occurred_at
        offset = moment.utcoffset() or _NO_OFFSET
        minutes = _MINUTES.get(offset)
        if minutes is None:
            minutes = _MINUTES.setdefault(offset, int(offset.total_seconds()) // 60)
        # Subtracting the offset is what astimezone(UTC) does, at a quarter of its cost.
        utc = (moment - offset).replace(tzinfo=None)
        stored: object = utc.isoformat(" ", "microseconds") if self.sqlite else utc
        purchase_id = item.id
        lines = self.lines
        self.starts.append(len(lines))
        amount_e4 = amount_scale = 0
        for position, line in enumerate(item.lines):
            price_e4 = int(line.unit_price * _SCALE)
            amount_e4 += price_e4 * line.quantity
            amount_scale = max(amount_scale, line.places)
            lines.append(
                (
                    purchase_id,
                    position,
                    line.style_no,
                    line.quantity,
                    price_e4,
                    line.places,
                    line.size,
                    line.colour,
                    line.full_price,
                )
            )
        customer_id = item.customer_id
        phone = item.customer_phone if customer_id is None else None
        self.keys.append((item.receipt_id, customer_id, phone, len(self.keys)))
        self.purchases.append(
            (
                purchase_id,
                customer_id,
                stored,
                minutes,
                amount_e4,
                amount_scale,
                item.store_id,
                item.staff_id,
                item.receipt_id,
            )
        )

    def dump(self) -> None:
        """Write the keys (and on SQLite the rows) out as JSON, as the statements read them."""
        # In customer order: each probe of the customer index then lands beside the last one, on
        # pages still in the CPU's and the database's cache (a third of the statement's time on
        # PostgreSQL, with 50,000 purchases of 100,000 customers).
        self.keys.sort(key=_customer_key)
        self.keys_document = _json(self.keys)
        self.keys = []
        if self.sqlite:
            self.documents = (_json(self.purchases), _json(self.lines))

    def settle(
        self, batch: Sequence[ImportedPurchase], said: Sequence[tuple[Any, ...]]
    ) -> tuple[BatchOutcome, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Apply what the keys statement said (``(position, verdict, customer id found by phone)``
        for the purchases that need a word): the outcome, and the purchase and line rows to write,
        skipped and rejected purchases and their lines left out, phones' customer ids put in place."""
        if not said:
            return BatchOutcome(len(self.purchases), 0), self.purchases, self.lines
        skipped = 0
        rejected: list[ImportReject] = []
        dropped: set[int] = set()
        owners: dict[int, object] = {}
        for index, verdict, phone_owner in said:
            if verdict == PHONE:
                owners[index] = phone_owner
                continue
            dropped.add(index)
            if verdict == KNOWN:
                skipped += 1
            else:
                rejected.append(ImportReject(batch[index].line, _REASONS[verdict]))
        purchases: list[tuple[Any, ...]] = []
        lines: list[tuple[Any, ...]] = []
        starts = [*self.starts, len(self.lines)]
        for index, row in enumerate(self.purchases):
            if index in dropped:
                continue
            owner = owners.get(index)
            purchases.append(row if owner is None else (row[0], owner, *row[2:]))
            lines.extend(self.lines[starts[index] : starts[index + 1]])
        rejected.sort(key=lambda reject: reject.line)
        return BatchOutcome(len(purchases), skipped, tuple(rejected)), purchases, lines
