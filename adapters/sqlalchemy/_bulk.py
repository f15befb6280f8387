"""The fast path of the nightly import: plain values straight to the driver.

On SQLite and PostgreSQL a batch goes through :mod:`._bulk_json` (its keys
checked in one joined statement). Elsewhere (MariaDB), per batch: one query
for receipt ids already stored, one for the customers referred to, then the
purchases and their lines go in with the driver's ``executemany``, in the
unit of work's transaction. No domain objects are built: the rows were
checked by the core before they got here. :func:`write_rows` also serves the
customer import (COPY on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._bulk_json import LINE_COLUMNS, PURCHASE_COLUMNS, import_joined, joins_keys
from clientcare.adapters.sqlalchemy._convert import chunks
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.purchases import BatchOutcome, ImportedPurchase, ImportReject

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["import_purchases", "known_customers", "write_rows"]

_CHUNK = 500


_SCALE = Decimal(10_000)
_NO_OFFSET = timedelta(0)
#: Minutes east of UTC by offset: a night's rows share a handful of offsets.
_MINUTES: dict[timedelta, int] = {}


def _lookup(uow: SqlUnitOfWork, selected: str, column: str, values: list[str]) -> list[tuple[Any, ...]]:
    """``SELECT selected FROM cc_… WHERE tenant = … AND column IN values``, straight through the driver.

    One array parameter on psycopg 3 (server-side preparation off: a generic
    plan for a long list fell back to scanning the tenant's rows); elsewhere
    chunks of plain placeholders. Compiling an expanding ``IN`` through
    SQLAlchemy for every chunk cost about 13 % of a 200,000-line import,
    these statements about 4 % (docs/performance.md), so they are written
    here, with fixed table and column names only.
    """
    table = "cc_purchases" if column == "receipt_id" else "cc_customers"
    cursor: Any = uow.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    found: list[tuple[Any, ...]] = []
    try:
        if uow.dialect == "postgresql" and uow.connection.dialect.driver == "psycopg":
            cursor.execute(
                f"SELECT {selected} FROM {table} WHERE tenant = %s AND {column} = ANY(%s)",  # noqa: S608 - our names
                (uow.tenant, values),
                prepare=False,
            )
            return list(cursor.fetchall())
        marker = "?" if uow.connection.dialect.paramstyle == "qmark" else "%s"
        for chunk in chunks(values, _CHUNK):
            listed = ", ".join([marker] * len(chunk))
            cursor.execute(
                f"SELECT {selected} FROM {table} WHERE tenant = {marker} AND {column} IN ({listed})",  # noqa: S608
                (uow.tenant, *chunk),
            )
            found.extend(cursor.fetchall())
    finally:
        cursor.close()
    return found


def _known_receipts(uow: SqlUnitOfWork, receipts: list[str]) -> set[str]:
    return {row[0] for row in _lookup(uow, "receipt_id", "receipt_id", receipts)}


def known_customers(uow: SqlUnitOfWork, column: Any, keys: set[str]) -> dict[str, tuple[str, bool]]:
    """Customers by ``column`` (``id`` or ``phone``) among ``keys``: their id and whether they were erased."""
    name = t.customers.c[column.name].name  # only a column of cc_customers gets here
    rows = _lookup(uow, f"{name}, id, erased_at", name, sorted(keys))
    return {key: (customer_id, erased_at is not None) for key, customer_id, erased_at in rows}


def import_purchases(uow: SqlUnitOfWork, batch: Sequence[ImportedPurchase], *, currency: str) -> BatchOutcome:
    """Store a checked batch; skip known receipts, reject unknown or erased customers."""
    if joins_keys(uow.connection.dialect):
        return import_joined(uow, batch, currency=currency)
    known = _known_receipts(uow, [item.receipt_id for item in batch])
    ids = {item.customer_id for item in batch if item.customer_id is not None}
    phones = {item.customer_phone for item in batch if item.customer_id is None and item.customer_phone is not None}
    by_id = known_customers(uow, t.customers.c.id, ids) if ids else {}
    by_phone = known_customers(uow, t.customers.c.phone, phones) if phones else {}
    rows = _BatchRows(uow, currency)
    purchases = list(rows.purchases(batch, known, by_id, by_phone))
    with translated("purchase"):
        if purchases:
            write_rows(uow, t.purchases.name, PURCHASE_COLUMNS, purchases)
        if rows.lines:
            write_rows(uow, t.purchase_lines.name, LINE_COLUMNS, rows.lines)
    return BatchOutcome(rows.imported, rows.skipped, tuple(rows.rejected))


def _copies(uow: SqlUnitOfWork) -> bool:
    """Whether the rows go in with COPY (psycopg 3 on PostgreSQL)."""
    return uow.dialect == "postgresql" and uow.connection.dialect.driver == "psycopg"


class _BatchRows:
    """The rows of one batch as they are built, with what was skipped or rejected on the way."""

    def __init__(self, uow: SqlUnitOfWork, currency: str) -> None:
        self.tenant = uow.tenant
        self.currency = currency
        self.sqlite = uow.dialect == "sqlite"
        self.lines: list[tuple[object, ...]] = []
        self.rejected: list[ImportReject] = []
        self.imported = self.skipped = 0

    def purchases(
        self,
        batch: Sequence[ImportedPurchase],
        known: set[str],
        by_id: dict[str, tuple[str, bool]],
        by_phone: dict[str, tuple[str, bool]],
    ) -> Iterator[tuple[object, ...]]:
        """The ``cc_purchases`` rows to write; their lines gather in :attr:`lines`."""
        for item in batch:
            if item.receipt_id in known:
                self.skipped += 1
                continue
            customer_id, reason = _owner(item, by_id, by_phone)
            if reason is not None:
                self.rejected.append(ImportReject(item.line, reason))
                continue
            purchase, lines = _rows_of(self.tenant, item, customer_id, self.currency, sqlite=self.sqlite)
            self.lines.extend(lines)
            self.imported += 1
            yield purchase


def _owner(
    item: ImportedPurchase, by_id: dict[str, tuple[str, bool]], by_phone: dict[str, tuple[str, bool]]
) -> tuple[str | None, str | None]:
    """The purchase's customer id (None for a walk-in), or the reason it is rejected."""
    if item.customer_id is not None:
        found = by_id.get(item.customer_id)
        if found is None:
            return None, "customer_id: no such customer"
    elif item.customer_phone is not None:
        found = by_phone.get(item.customer_phone)
        if found is None:
            return None, "customer_phone: no customer with this phone"
    else:
        return None, None
    customer_id, erased = found
    if erased:
        return None, "customer_id: customer was erased"
    return customer_id, None


def _rows_of(
    tenant: str, item: ImportedPurchase, customer_id: str | None, currency: str, *, sqlite: bool
) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """The ``cc_purchases`` row of an imported sale and its ``cc_purchase_lines`` rows, in
    :data:`PURCHASE_COLUMNS` / :data:`LINE_COLUMNS` order (each price scaled once)."""
    moment = item.occurred_at
    offset = moment.utcoffset() or _NO_OFFSET
    minutes = _MINUTES.get(offset)
    if minutes is None:
        minutes = _MINUTES.setdefault(offset, int(offset.total_seconds()) // 60)
    # Subtracting the offset is what astimezone(UTC) does, at a quarter of its cost.
    utc = (moment - offset).replace(tzinfo=None)
    # pysqlite stores what it is given: the text form the timestamp columns hold.
    stored: object = utc.isoformat(" ", "microseconds") if sqlite else utc
    amount_e4 = 0
    amount_scale = 0
    lines: list[tuple[object, ...]] = []
    purchase_id = item.id
    for position, line in enumerate(item.lines):
        price_e4 = int(line.unit_price * _SCALE)
        amount_e4 += price_e4 * line.quantity
        amount_scale = max(amount_scale, line.places)
        lines.append(
            (
                tenant,
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
    purchase = (
        tenant,
        purchase_id,
        1,
        customer_id,
        stored,
        minutes,
        "sale",
        amount_e4,
        amount_scale,
        currency,
        item.store_id,
        item.staff_id,
        item.receipt_id,
    )
    return purchase, lines


def write_rows(
    uow: SqlUnitOfWork,
    table: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple[object, ...]],
    pg_types: tuple[str, ...] = (),
) -> None:
    """Hand the rows to the driver: COPY on psycopg 3, executemany elsewhere.

    With ``pg_types`` (the PostgreSQL type of each column) the COPY is binary:
    psycopg's C dumpers pack each value instead of formatting it as text and
    the server parses none, about a quarter of the client's CPU for the rows
    (docs/performance.md). A type that disagrees with the table fails the COPY.
    """
    dbapi = uow.connection.connection.dbapi_connection
    names = ", ".join(columns)
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        if _copies(uow):
            binary = " (FORMAT BINARY)" if pg_types else ""
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN{binary}") as copy:
                if pg_types:
                    copy.set_types(list(pg_types))
                for row in rows:
                    copy.write_row(row)
            return
        marker = "?" if uow.connection.dialect.paramstyle == "qmark" else "%s"
        placeholders = ", ".join([marker] * len(columns))
        listed = rows if isinstance(rows, list) else list(rows)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", listed)  # noqa: S608 - fixed names
    finally:
        cursor.close()
