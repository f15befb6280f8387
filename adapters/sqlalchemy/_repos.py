"""Repositories over the Core tables, and the generic document repository.

:class:`DocumentRepository` is the reusable base for aggregates stored as a
JSON document plus typed key and index columns: it scopes every statement to
the unit of work's tenant, checks and bumps the version on save and round
trips the document through :mod:`clientcare.serialization`. Customers and
notes use it; purchases have fully typed tables (lines are rows, so sales by
product can be aggregated in SQL).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Table, and_, delete, func, insert, or_, select, true, update

from clientcare import serialization
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._aliases import add_alias, repoint, resolve_alias
from clientcare.adapters.sqlalchemy._convert import (
    chunks,
    dump_document,
    from_e4,
    load_document,
    offset_minutes,
    to_e4,
    utc_naive,
    with_offset,
)
from clientcare.adapters.sqlalchemy._customer_filters import codepoint, listing_conditions, resume_after
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._figures import figure_columns, figures_of
from clientcare.adapters.sqlalchemy._save_many import save_many
from clientcare.adapters.sqlalchemy._summaries import buying_summaries
from clientcare.customers import Customer
from clientcare.errors import ConcurrencyConflict, NotFound, StorageUnavailable
from clientcare.kernel import Aggregate, Money
from clientcare.purchases import (
    BatchOutcome,
    BuyingSummary,
    ConditionReport,
    CustomerFigures,
    ImportedPurchase,
    Purchase,
    PurchaseKind,
    PurchaseLine,
)

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

log = logging.getLogger("clientcare")

__all__ = ["DocumentRepository", "SqlCustomerRepository", "SqlPurchaseRepository"]

A = TypeVar("A", bound=Aggregate)


class _Tracking:
    """What every repository shares: its unit of work and the aggregates it handed out."""

    entity: ClassVar[str] = "record"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def tenant(self) -> str:
        """The tenant every statement is scoped to."""
        return self._uow.tenant

    def _track(self, obj: A) -> A:
        self._uow.track(obj)
        return obj

    def _own(self, obj: Aggregate) -> None:
        if obj.tenant != self.tenant:
            # Another tenant's record does not exist as far as this tenant knows.
            raise NotFound(self.entity, obj.id)

    def _versioned_update(self, table: Table, obj: Aggregate, values: dict[str, Any]) -> None:
        """UPDATE … WHERE version = read version; no row means NotFound or a conflict."""
        uow = self._uow
        written = (table.name, obj.id) in uow.written
        expected = obj.version + 1 if written else obj.version
        statement = (
            update(table)
            .where(table.c.tenant == self.tenant, table.c.id == obj.id, table.c.version == expected)
            .values(version=obj.version + 1, **values)
        )
        with translated(self.entity, obj.id):
            result = uow.connection.execute(statement)
        if result.rowcount == 0:
            exists = uow.connection.execute(
                select(table.c.version).where(table.c.tenant == self.tenant, table.c.id == obj.id)
            ).first()
            if exists is None:
                raise NotFound(self.entity, obj.id)
            raise ConcurrencyConflict(self.entity, obj.id)
        uow.wrote(table.name, obj)

    def _insert(self, table: Table, obj: Aggregate, values: dict[str, Any]) -> None:
        uow = self._uow
        with translated(self.entity, obj.id), uow.savepoint():
            uow.connection.execute(
                insert(table).values(tenant=self.tenant, id=obj.id, version=obj.version + 1, **values)
            )
        uow.wrote(table.name, obj)


class DocumentRepository(_Tracking, Generic[A]):
    """Base for aggregates kept as a JSON document plus typed key and index columns.

    Subclasses set ``entity``, ``table`` (with ``tenant``, ``id``, ``version``
    and ``document`` columns) and ``aggregate``, and override :meth:`columns`
    to fill their index columns. See docs/sql.md, "Adding an aggregate".
    """

    table: ClassVar[Table]
    aggregate: ClassVar[type[Aggregate]]
    #: Columns whose value wins over the document's (a merge re-points them with one UPDATE).
    authoritative: ClassVar[tuple[str, ...]] = ()

    def columns(self, obj: A) -> dict[str, Any]:
        """Values of the typed columns besides tenant, id, version and document."""
        return {}

    def _values(self, obj: A) -> dict[str, Any]:
        return {"document": dump_document(obj, drop=("version", "tenant", "id")), **self.columns(obj)}

    #: Rows the last query fetched and the id of the last one, unreadable ones included.
    _seen: tuple[int, str | None] = (0, None)

    def _where(self, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return and_(self.table.c.tenant == self.tenant, *conditions)

    def _load(self, row: Any) -> A:
        columns = {name: getattr(row, name) for name in self.authoritative}
        obj: A = load_document(  # type: ignore[assignment]
            row.document, self.aggregate, id=row.id, tenant=self.tenant, version=row.version, **columns
        )
        return self._track(obj)

    def _query(
        self,
        *conditions: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        skip_unreadable: bool = False,
    ) -> list[A]:
        """Aggregates matching ``conditions``.

        A stored document that cannot be read (written by an older release
        that let an invalid value through) is an error for that record only:
        lookups of it raise ``StorageUnavailable`` (not retryable); listings
        for tenant-wide jobs (``skip_unreadable``) log its id and skip it.
        """
        c = self.table.c
        extra = [c[name] for name in self.authoritative]
        statement = select(c.id, c.version, c.document, *extra).where(self._where(*conditions)).order_by(*order_by)
        if limit is not None:
            statement = statement.limit(limit)
        found: list[A] = []
        self._seen = (0, None)
        for count, row in enumerate(self._uow.connection.execute(statement), start=1):
            self._seen = (count, row.id)
            try:
                found.append(self._read(row))
            except StorageUnavailable:
                if not skip_unreadable:
                    raise
                self._unreadable(row.id)
        return found

    def _read(self, row: Any) -> A:
        """The aggregate stored in ``row``; ``StorageUnavailable`` (not retryable) if it cannot be read."""
        try:
            return self._load(row)
        except Exception:  # any failure to read one stored document
            unreadable = StorageUnavailable(f"{self.entity} record")
            unreadable.retryable = False
            raise unreadable from None

    def _list(
        self, *conditions: ColumnElement[bool], order_by: Sequence[Any] = (), limit: int | None = None
    ) -> list[A]:
        """A listing: :meth:`_query` skipping (and logging the id of) unreadable records."""
        return self._query(*conditions, order_by=order_by, limit=limit, skip_unreadable=True)

    def _unreadable(self, row_id: str) -> None:
        """Log that the stored ``row_id`` could not be read (its id only: the document may hold personal data)."""
        log.warning("skipped an unreadable %s record (id %s)", self.entity, row_id)

    def add(self, obj: A) -> None:
        """Insert a new aggregate (DuplicateRecord on a taken id or unique key)."""
        self._own(obj)
        self._insert(self.table, obj, self._values(obj))
        self._after_write(obj, new=True)
        self._track(obj)

    def get(self, key: str) -> A:
        """The aggregate with this id, or NotFound (also for another tenant's)."""
        found = self._query(self.table.c.id == key)
        if not found:
            raise NotFound(self.entity, key)
        return found[0]

    def save(self, obj: A) -> None:
        """Write changes; ConcurrencyConflict if someone saved since it was read."""
        self._own(obj)
        self._versioned_update(self.table, obj, self._values(obj))
        self._after_write(obj, new=False)
        self._track(obj)

    def save_all(self, objs: Sequence[A]) -> None:
        """:meth:`save` for many, in one version-checked ``UPDATE`` run over all rows (see ``save_many``)."""
        if len(objs) < 2 or not self._uow.connection.dialect.supports_sane_multi_rowcount:
            for obj in objs:
                self.save(obj)
            return
        for obj in objs:
            self._own(obj)
        save_many(self._uow, self.table, self.entity, [(obj, self._values(obj)) for obj in objs])
        for obj in objs:
            self._after_write(obj, new=False)
            self._track(obj)

    def _after_write(self, obj: A, *, new: bool) -> None:
        """Hook for side tables (tags); runs in the same transaction."""

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s rows to ``to_id`` with one UPDATE (a merge; ``customer_id`` is authoritative)."""
        return repoint(self._uow.connection, self.table, self.tenant, from_id, to_id)


class SqlCustomerRepository(DocumentRepository[Customer]):
    """Customers of one tenant; tags also live in a side table for indexed search."""

    entity = "customer"
    table = t.customers
    aggregate = Customer

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow)
        self._tags_read: dict[str, frozenset[str]] = {}

    def get(self, key: str) -> Customer:
        """The customer, read under a key-share lock on PostgreSQL (a share lock on MariaDB).

        Every write about a customer reads her first, so an erasure, which
        takes her row with :meth:`lock`, waits for such a unit to end and
        blocks it while it runs: a note written at the same instant either
        lands first and is erased, or sees her erased and is refused. A key
        share does not block ordinary updates, so two writers of one customer
        still meet only at the version check. SQLite units of work take the
        write lock at BEGIN, which serialises them anyway. The id of a customer
        merged into another gives the kept customer.
        """
        try:
            found = self._locked(key, exclusive=False)
        except NotFound:
            found = None
        if found is None or found.erased_at is not None:
            kept = self.resolve(key)
            if kept != key:
                return self._locked(kept, exclusive=False)
            if found is None:
                raise NotFound("customer", key)
        return found

    def lock(self, key: str) -> Customer:
        """The customer, her row locked for update until the unit of work ends (erasure)."""
        return self._locked(key, exclusive=True)

    def _locked(self, key: str, *, exclusive: bool) -> Customer:
        c = self.table.c
        statement = select(c.id, c.version, c.document).where(self._where(c.id == key))
        if self._uow.dialect != "sqlite":
            statement = (
                statement.with_for_update() if exclusive else statement.with_for_update(read=True, key_share=True)
            )
        with translated(self.entity, key):
            rows = list(self._uow.connection.execute(statement))
        if not rows:
            raise NotFound(self.entity, key)
        return self._read(rows[0])

    def columns(self, obj: Customer) -> dict[str, Any]:
        """Name (for order and search), phone (unique), dates and the key flag."""
        return {
            "name": obj.name,
            "name_fold": obj.name.casefold(),
            "phone": obj.phone,
            "registered_at": utc_naive(obj.registered_at),
            "is_key": obj.key,
            "reviewed_at": utc_naive(obj.reviewed_at) if obj.reviewed_at else None,
            "erased_at": utc_naive(obj.erased_at) if obj.erased_at else None,
        }

    def _load(self, row: Any) -> Customer:
        customer = super()._load(row)
        self._tags_read[customer.id] = customer.tags
        return customer

    def _after_write(self, obj: Customer, *, new: bool) -> None:
        before = frozenset() if new else self._tags_read.get(obj.id)
        if before == obj.tags:
            return
        conn, tags = self._uow.connection, t.customer_tags
        if not new:
            conn.execute(delete(tags).where(tags.c.tenant == self.tenant, tags.c.customer_id == obj.id))
        if obj.tags:
            conn.execute(
                insert(tags), [{"tenant": self.tenant, "tag": tag, "customer_id": obj.id} for tag in sorted(obj.tags)]
            )
        self._tags_read[obj.id] = obj.tags

    def import_customers(self, customers: Sequence[Customer]) -> list[Customer]:
        """The customer import's fast path (``BulkCustomerImport``): unknown ids and phones only."""
        from clientcare.adapters.sqlalchemy._bulk_customers import import_customers  # noqa: PLC0415 - cycle

        return import_customers(self._uow, customers)

    def resolve(self, customer_id: str) -> str:
        """The kept customer's id for a merged one's."""
        return resolve_alias(self._uow.connection, self.tenant, customer_id)

    def alias(self, absorbed_id: str, kept_id: str) -> None:
        """Alias ``absorbed_id`` to ``kept_id``; older aliases of it follow."""
        add_alias(self._uow.connection, self.tenant, absorbed_id, kept_id)

    def by_phone(self, phone: str) -> Customer | None:
        """The customer with this E.164 phone (unique index on tenant + phone)."""
        found = self._query(self.table.c.phone == phone)
        return found[0] if found else None

    def by_ids(self, customer_ids: Iterable[str]) -> list[Customer]:
        """The customers with these ids; unknown ids are left out."""
        wanted = sorted(set(customer_ids))
        result: list[Customer] = []
        for chunk in chunks(wanted):
            result.extend(self._query(self.table.c.id.in_(chunk), skip_unreadable=True))
        return result

    def key_flagged(self, customer_ids: Iterable[str]) -> set[str]:
        """Those of ``customer_ids`` marked key on their card, from the ``is_key`` column."""
        c = self.table.c
        found: set[str] = set()
        for chunk in chunks(sorted(set(customer_ids))):
            statement = select(c.id).where(self._where(c.id.in_(chunk), c.is_key == true()))
            found.update(self._uow.connection.execute(statement).scalars())
        return found

    def search(self, *, name: str | None = None, tag: str | None = None, limit: int = 50) -> list[Customer]:
        """Not erased, name containing ``name`` (case-folded), carrying ``tag``; by name."""
        return self.page(limit=limit, name=name, tag=tag)

    def page(
        self,
        *,
        after: str | None = None,
        limit: int = 50,
        name: str | None = None,
        tag: str | None = None,
        phone: str | None = None,
    ) -> list[Customer]:
        """One keyset page by (name, id) in code point order; ``ix_cc_customers_tenant_name`` serves it."""
        c, dialect = self.table.c, self._uow.dialect
        conditions = listing_conditions(self.tenant, name=name, tag=tag, phone=phone)
        if after is not None:
            conditions.append(resume_after(self.tenant, after, dialect))
        order = (codepoint(c.name, dialect), codepoint(c.id, dialect))
        return self._query(*conditions, order_by=order, limit=limit, skip_unreadable=True)

    def iter_all(self, *, batch: int = 500) -> Iterator[Customer]:
        """Every customer in id order, fetched ``batch`` at a time (keyset paging)."""
        c = self.table.c
        last: str | None = None
        while True:
            conditions = [c.id > last] if last is not None else []
            page = self._query(*conditions, order_by=(c.id,), limit=batch, skip_unreadable=True)
            rows, last = self._seen  # counted before skipping (and before the caller queries again)
            yield from page
            if rows < batch:
                return

    def count(self) -> int:
        """How many customers the tenant has."""
        statement = select(func.count()).select_from(self.table).where(self.table.c.tenant == self.tenant)
        return int(self._uow.connection.execute(statement).scalar_one())


_CONDITIONS = tuple[ConditionReport, ...]


class SqlPurchaseRepository(_Tracking):
    """The deal archive: one row per purchase, one row per line."""

    entity = "purchase"

    def _row(self, purchase: Purchase) -> dict[str, Any]:
        amount_e4, amount_scale = to_e4(purchase.amount.amount, "amount")
        reports = (
            json.dumps(serialization.unstructure(purchase.condition_reports), ensure_ascii=False)
            if purchase.condition_reports
            else None
        )
        return {
            "customer_id": purchase.customer_id,
            "occurred_at": utc_naive(purchase.occurred_at),
            "utc_offset": offset_minutes(purchase.occurred_at),
            "kind": purchase.kind.value,
            "amount_e4": amount_e4,
            "amount_scale": amount_scale,
            "currency": purchase.amount.currency,
            "store_id": purchase.store_id,
            "staff_id": purchase.staff_id,
            "receipt_id": purchase.receipt_id,
            "original_id": purchase.original_id,
            "condition_reports": reports,
        }

    def _lines(self, purchase: Purchase) -> list[dict[str, Any]]:
        rows = []
        for position, line in enumerate(purchase.lines):
            price_e4, price_scale = to_e4(line.unit_price.amount, "unit_price")
            rows.append(
                {
                    "tenant": self.tenant,
                    "purchase_id": purchase.id,
                    "position": position,
                    "style_no": line.style_no,
                    "quantity": line.quantity,
                    "unit_price_e4": price_e4,
                    "price_scale": price_scale,
                    "size": line.size,
                    "colour": line.colour,
                    "structure": line.structure,
                    "description": line.description,
                    "full_price": line.full_price,
                }
            )
        return rows

    def add(self, purchase: Purchase) -> None:
        """Insert a purchase and its lines; DuplicateRecord on a known receipt id."""
        self._own(purchase)
        values, lines = self._row(purchase), self._lines(purchase)
        self._insert(t.purchases, purchase, values)
        with translated(self.entity, purchase.id):
            self._uow.connection.execute(insert(t.purchase_lines), lines)
        self._track(purchase)

    def save(self, purchase: Purchase) -> None:
        """Write changes (condition reports) with the version check; lines never change."""
        self._own(purchase)
        self._versioned_update(t.purchases, purchase, self._row(purchase))
        self._track(purchase)

    def _select(
        self,
        *conditions: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        track: bool = True,
    ) -> list[Purchase]:
        p = t.purchases.c
        statement = select(t.purchases).where(p.tenant == self.tenant, *conditions).order_by(*order_by)
        if limit is not None:
            statement = statement.limit(limit)
        rows = list(self._uow.connection.execute(statement))
        if not rows:
            return []
        lines: dict[str, list[PurchaseLine]] = {}
        ids = [row.id for row in rows]
        currency = {row.id: row.currency for row in rows}
        pl = t.purchase_lines.c
        for chunk in chunks(ids):
            statement_lines = (
                select(t.purchase_lines)
                .where(pl.tenant == self.tenant, pl.purchase_id.in_(chunk))
                .order_by(pl.purchase_id, pl.position)
            )
            for line in self._uow.connection.execute(statement_lines):
                lines.setdefault(line.purchase_id, []).append(
                    PurchaseLine(
                        style_no=line.style_no,
                        unit_price=Money(from_e4(line.unit_price_e4, line.price_scale), currency[line.purchase_id]),
                        quantity=line.quantity,
                        size=line.size,
                        colour=line.colour,
                        structure=line.structure,
                        description=line.description,
                        full_price=bool(line.full_price),
                    )
                )
        result = [self._purchase(row, tuple(lines.get(row.id, ()))) for row in rows]
        return [self._track(purchase) for purchase in result] if track else result

    def _purchase(self, row: Any, lines: tuple[PurchaseLine, ...]) -> Purchase:
        reports: _CONDITIONS = ()
        if row.condition_reports:
            reports = serialization.structure(json.loads(row.condition_reports), _CONDITIONS)
        return Purchase(
            id=row.id,
            tenant=self.tenant,
            version=row.version,
            customer_id=row.customer_id,
            occurred_at=with_offset(row.occurred_at, row.utc_offset),
            kind=PurchaseKind(row.kind),
            lines=lines,
            amount=Money(from_e4(row.amount_e4, row.amount_scale), row.currency),
            store_id=row.store_id,
            staff_id=row.staff_id,
            receipt_id=row.receipt_id,
            original_id=row.original_id,
            condition_reports=reports,
        )

    def get(self, purchase_id: str) -> Purchase:
        """The purchase, or NotFound (also for another tenant's)."""
        found = self._select(t.purchases.c.id == purchase_id)
        if not found:
            raise NotFound(self.entity, purchase_id)
        return found[0]

    def by_receipt(self, receipt_id: str) -> Purchase | None:
        """The purchase with this POS receipt id (unique index on tenant + receipt)."""
        found = self._select(t.purchases.c.receipt_id == receipt_id)
        return found[0] if found else None

    def for_customer(self, customer_id: str, *, limit: int | None = None) -> list[Purchase]:
        """The customer's purchases, newest first (index on tenant + customer + time)."""
        p = t.purchases.c
        return self._select(p.customer_id == customer_id, order_by=(p.occurred_at.desc(), p.id.desc()), limit=limit)

    def returns_of(self, purchase_id: str) -> list[Purchase]:
        """Returns recorded against a sale, oldest first."""
        p = t.purchases.c
        return self._select(
            p.original_id == purchase_id, p.kind == PurchaseKind.RETURN.value, order_by=(p.occurred_at, p.id)
        )

    def between(self, start: datetime | None, end: datetime, *, page: int = 1000) -> Iterator[Purchase]:
        """Purchases with ``start <= occurred_at < end``, oldest first, streamed page by page."""
        p = t.purchases.c
        low = utc_naive(start) if start is not None else None
        last: tuple[datetime, str] | None = None
        while True:
            conditions: list[ColumnElement[bool]] = [p.occurred_at < utc_naive(end)]
            if low is not None:
                conditions.append(p.occurred_at >= low)
            if last is not None:
                conditions.append(or_(p.occurred_at > last[0], and_(p.occurred_at == last[0], p.id > last[1])))
            rows = self._select(*conditions, order_by=(p.occurred_at, p.id), limit=page, track=False)
            yield from rows
            if len(rows) < page:
                return
            last = (utc_naive(rows[-1].occurred_at), rows[-1].id)

    def import_purchases(self, batch: Sequence[ImportedPurchase], *, currency: str) -> BatchOutcome:
        """The import's fast path (:class:`clientcare.ports.BulkPurchaseImport`)."""
        from clientcare.adapters.sqlalchemy._bulk import import_purchases  # noqa: PLC0415 - cycle

        return import_purchases(self._uow, batch, currency=currency)

    def figures(self, customer_id: str, currency: str) -> CustomerFigures:
        """Spend, counts and first/last sale, aggregated in one SQL statement."""
        p = t.purchases.c
        statement = select(*figure_columns()).where(p.tenant == self.tenant, p.customer_id == customer_id)
        return figures_of(customer_id, self._uow.connection.execute(statement).one(), currency)

    def buying_summaries(self, end: datetime, currency: str) -> list[BuyingSummary]:
        """Purchase days and repeat spend per customer, in one aggregate statement."""
        return buying_summaries(self._uow, end, currency)

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s purchases to ``to_id`` with one UPDATE."""
        return repoint(self._uow.connection, t.purchases, self.tenant, from_id, to_id)
