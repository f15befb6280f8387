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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._bulk_json import (
    ERASED,
    KNOWN,
    LINE_COLUMNS,
    NO_CUSTOMER,
    NO_PHONE,
    PHONE,
    PURCHASE_COLUMNS,
    Rows,
    import_joined,
    joins_keys,
    stored_lines,
    stored_purchases,
)
from clientcare.adapters.sqlalchemy._convert import chunks
from clientcare.adapters.sqlalchemy._errors import driver_errors, translated
from clientcare.purchases import BatchOutcome, ImportedPurchase

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["import_purchases", "known_customers", "write_rows"]

_CHUNK = 500


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
    rows = Rows(uow.dialect == "sqlite")
    for item in batch:
        rows.add(item)
    tenant = uow.tenant
    with translated("purchase"), driver_errors(uow.connection):
        outcome, purchases, lines = rows.settle(batch, _verdicts(uow, batch))
        if purchases:
            write_rows(uow, t.purchases.name, PURCHASE_COLUMNS, stored_purchases(tenant, currency, purchases))
        if lines:
            write_rows(uow, t.purchase_lines.name, LINE_COLUMNS, stored_lines(tenant, lines))
    return outcome


def _verdicts(uow: SqlUnitOfWork, batch: Sequence[ImportedPurchase]) -> list[tuple[int, int, str | None]]:
    """What the joined keys statement would say of the batch, from one lookup of known receipts
    and one per kind of customer key (the purchases that need a word, by position)."""
    known = _known_receipts(uow, [item.receipt_id for item in batch])
    ids = {item.customer_id for item in batch if item.customer_id is not None}
    phones = {item.customer_phone for item in batch if item.customer_id is None and item.customer_phone is not None}
    by_id = known_customers(uow, t.customers.c.id, ids) if ids else {}
    by_phone = known_customers(uow, t.customers.c.phone, phones) if phones else {}
    said: list[tuple[int, int, str | None]] = []
    for index, item in enumerate(batch):
        if item.receipt_id in known:
            said.append((index, KNOWN, None))
        elif item.customer_id is not None:
            found = by_id.get(item.customer_id)
            if found is None or found[1]:
                said.append((index, NO_CUSTOMER if found is None else ERASED, None))
        elif item.customer_phone is not None:
            found = by_phone.get(item.customer_phone)
            if found is None or found[1]:
                said.append((index, NO_PHONE if found is None else ERASED, None))
            else:
                said.append((index, PHONE, found[0]))
    return said


def write_rows(
    uow: SqlUnitOfWork,
    table: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple[object, ...]],
) -> None:
    """Hand the rows to the driver: COPY on psycopg 3, executemany elsewhere.

    (The purchase import's PostgreSQL rows go by binary COPY with their
    columns' types, in :mod:`._bulk_json`.)
    """
    dbapi = uow.connection.connection.dbapi_connection
    names = ", ".join(columns)
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        if uow.dialect == "postgresql" and uow.connection.dialect.driver == "psycopg":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marker = "?" if uow.connection.dialect.paramstyle == "qmark" else "%s"
        placeholders = ", ".join([marker] * len(columns))
        listed = rows if isinstance(rows, list) else list(rows)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", listed)  # noqa: S608 - fixed names
    finally:
        cursor.close()
