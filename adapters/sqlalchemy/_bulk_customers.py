"""The fast path of the customer import: one query for known ids, one for known
phones, then plain tuples to the driver (``executemany``, or ``COPY`` on psycopg 3)
in the unit of work's transaction. The customers were checked by the core."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._bulk import known_customers, write_rows
from clientcare.adapters.sqlalchemy._convert import dump_document
from clientcare.adapters.sqlalchemy._errors import driver_errors, translated
from clientcare.customers import Customer

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["import_customers"]

_CUSTOMER_COLUMNS = (
    "tenant",
    "id",
    "version",
    "name",
    "name_fold",
    "phone",
    "registered_at",
    "is_key",
    "reviewed_at",
    "erased_at",
    "document",
)
_TAG_COLUMNS = ("tenant", "tag", "customer_id")
_DROP = ("version", "tenant", "id")


def import_customers(uow: SqlUnitOfWork, customers: Sequence[Customer]) -> list[Customer]:
    """Store the customers whose id and phone are unknown; return those stored."""
    c = t.customers.c
    with translated("customer"), driver_errors(uow.connection):
        ids = known_customers(uow, c.id, {customer.id for customer in customers})
        phones = known_customers(uow, c.phone, {customer.phone for customer in customers if customer.phone})
    sqlite = uow.dialect == "sqlite"
    stored: list[Customer] = []
    rows: list[tuple[object, ...]] = []
    tags: list[tuple[object, ...]] = []
    for customer in customers:
        if customer.id in ids or (customer.phone and customer.phone in phones):
            continue
        stored.append(customer)
        rows.append(
            (
                uow.tenant,
                customer.id,
                customer.version + 1,
                customer.name,
                customer.name.casefold(),
                customer.phone,
                _stamp(customer.registered_at, sqlite=sqlite),
                customer.key,
                None,
                None,
                dump_document(customer, drop=_DROP),
            )
        )
        tags.extend((uow.tenant, tag, customer.id) for tag in sorted(customer.tags))
    if rows:
        with translated("customer"), driver_errors(uow.connection):
            write_rows(uow, t.customers.name, _CUSTOMER_COLUMNS, rows)
            if tags:
                write_rows(uow, t.customer_tags.name, _TAG_COLUMNS, tags)
    return stored


def _stamp(moment: datetime, *, sqlite: bool) -> object:
    """UTC without a zone; pysqlite stores what it is given: the text form the column holds."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(" ", "microseconds") if sqlite else utc
