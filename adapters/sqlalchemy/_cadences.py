"""Typed SQL storage for the follow-up area (P20–P35): touches, appointments,
follow-up sequences, wishes, recurring rules and sale credits.

Each aggregate is a JSON document plus the columns its port's lookups need,
through :class:`DocumentRepository`; every lookup is one tenant-scoped,
indexed statement (see the indexes in ``_tables.py``).

Two statements carry the daily run's safety on many workers:

- :meth:`SqlTouchRepository.add_new` stores only touches whose key is new.
  PostgreSQL and SQLite use ``INSERT … ON CONFLICT (tenant, key) DO NOTHING
  RETURNING id`` (a concurrent insert of the same key waits for the other
  transaction, then does nothing); MariaDB/MySQL inserts row by row and
  reads a duplicate-key error on the touch key as "already planned".
- :meth:`SqlTouchRepository.lease_automated` selects with ``FOR UPDATE SKIP
  LOCKED`` where the server has it (PostgreSQL, MariaDB 10.6+, MySQL 8), so
  dispatch workers take disjoint rows without waiting. SQLite has no row
  locks: the lease first takes the database's write lock (a no-op,
  tenant-scoped ``UPDATE``), so concurrent leases queue behind each other
  instead of reading the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Insert, func, insert, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from clientcare.adapters.sqlalchemy import _daily
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import utc_naive
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._repos import DocumentRepository
from clientcare.cadences import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    FollowUpStatus,
    Prefilter,
    RecurringRule,
    SaleCredit,
    Touch,
    TouchReason,
    TouchStatus,
    Wish,
)
from clientcare.errors import DuplicateRecord, StorageUnavailable
from clientcare.purchases import CustomerFigures

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "SqlAppointmentRepository",
    "SqlFollowUpRepository",
    "SqlRecurringRuleRepository",
    "SqlSaleCreditRepository",
    "SqlTouchRepository",
    "SqlWishRepository",
    "attach_cadences",
    "skip_locked_supported",
]

#: Every touch status, listed in board queries so the (…, status, due) indexes serve any status filter.
_ALL_STATUSES = tuple(status.value for status in TouchStatus)
_OPEN_STATUSES = tuple(status.value for status in TouchStatus if status.open)
#: Rows per multi-row INSERT (well below every backend's parameter limit).
_INSERT_CHUNK = 200


def skip_locked_supported(uow: SqlUnitOfWork) -> bool:
    """Whether the server takes ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL, MariaDB ≥ 10.6, MySQL ≥ 8)."""
    dialect = uow.connection.dialect
    if dialect.name == "postgresql":
        return True
    if dialect.name in ("mysql", "mariadb"):
        version = tuple(dialect.server_version_info or ())
        return version >= ((10, 6) if getattr(dialect, "is_mariadb", False) else (8, 0, 1))
    return False


class SqlTouchRepository(DocumentRepository[Touch]):
    """Touches of one tenant; ``(tenant, key)`` is a unique constraint."""

    entity = "touch"
    table = t.touches
    aggregate = Touch

    def columns(self, obj: Touch) -> dict[str, Any]:
        """Key, customer, board and dispatch columns."""
        return {
            "key": obj.key,
            "customer_id": obj.customer_id,
            "reason": obj.reason.value,
            "status": obj.status.value,
            "due": obj.due,
            "priority": obj.priority,
            "owner": obj.owner,
            "store_id": obj.store_id,
            "automated": obj.automated,
            "sequence_id": obj.sequence_id,
            "sequence_no": obj.sequence_no,
            "closed_at": utc_naive(obj.closed_at) if obj.closed_at else None,
            "closed_by": obj.closed_by,
            "lease_until": utc_naive(obj.lease_until) if obj.lease_until else None,
        }

    def _order(self) -> tuple[Any, ...]:
        c = self.table.c
        return (c.due, c.priority, c.id)

    # -- writing ---------------------------------------------------------------
    @staticmethod
    def _violated(error: IntegrityError) -> str:
        """Which unique rule a driver error broke: the touch key or the id (the text is never kept)."""
        text = str(error.orig).lower()
        return "key" if "uq_cc_touches_tenant_key" in text or "cc_touches.key" in text else "id"

    def add(self, obj: Touch) -> None:
        """Insert a new touch; DuplicateRecord(touch, key) if its key is taken, (touch, id) for its id."""
        self._own(obj)
        uow = self._uow
        with translated(self.entity, obj.id):
            try:
                with uow.savepoint():
                    uow.connection.execute(
                        insert(self.table).values(
                            tenant=self.tenant, id=obj.id, version=obj.version + 1, **self._values(obj)
                        )
                    )
            except IntegrityError as exc:
                raise DuplicateRecord(self.entity, self._violated(exc)) from None
        uow.wrote(self.table.name, obj)
        self._track(obj)

    def add_new(self, touches: Sequence[Touch]) -> list[Touch]:
        """Store the touches whose key is not stored yet; returns those stored.

        Safe against other workers planning the same keys at the same time:
        the unique key decides, and a key another transaction stored first is
        simply not stored again (no error, no second touch).
        """
        fresh: dict[str, Touch] = {}
        for touch in touches:
            self._own(touch)
            fresh.setdefault(touch.key, touch)
        if not fresh:
            return []
        # Key order: workers planning overlapping batches lock keys in the same order.
        ordered = [fresh[key] for key in sorted(fresh)]
        dialect = self._uow.dialect
        if dialect in ("postgresql", "sqlite"):
            stored_ids = self._insert_skipping_known(ordered, dialect)
        else:
            stored_ids = {touch.id for touch in self._insert_row_by_row(ordered)}
        stored = [touch for touch in fresh.values() if touch.id in stored_ids]  # in the order given
        for touch in stored:
            self._uow.wrote(self.table.name, touch)
            self._track(touch)
        return stored

    def _rows(self, touches: Sequence[Touch]) -> list[dict[str, Any]]:
        return [
            {"tenant": self.tenant, "id": touch.id, "version": touch.version + 1, **self._values(touch)}
            for touch in touches
        ]

    def _insert_skipping_known(self, touches: Sequence[Touch], dialect: str) -> set[str]:
        """``INSERT … ON CONFLICT (tenant, key) DO NOTHING RETURNING id``, a chunk at a time."""
        uow, c = self._uow, self.table.c
        statement: Insert
        if dialect == "postgresql":
            statement = postgresql.insert(self.table).on_conflict_do_nothing(index_elements=["tenant", "key"])
        else:
            statement = sqlite.insert(self.table).on_conflict_do_nothing(index_elements=["tenant", "key"])
        # One cached statement for any number of rows: SQLAlchemy sends it as multi-row
        # INSERTs (``insertmanyvalues``) and gathers the ids RETURNING gives back.
        statement = statement.returning(c.id)
        with translated(self.entity, touches[0].id):
            try:
                with uow.savepoint():
                    return set(uow.connection.execute(statement, self._rows(touches)).scalars())
            except IntegrityError as exc:  # only an id can still collide
                raise DuplicateRecord(self.entity, self._violated(exc)) from None

    def _insert_row_by_row(self, touches: Sequence[Touch]) -> list[Touch]:
        """MariaDB/MySQL: skip keys already visible, insert the rest one by one; a
        duplicate key from a concurrent worker means "planned already"."""
        uow, c = self._uow, self.table.c
        keys = [touch.key for touch in touches]
        known: set[str] = set()
        for start in range(0, len(keys), _INSERT_CHUNK):
            chunk = keys[start : start + _INSERT_CHUNK]
            known.update(uow.connection.execute(select(c.key).where(self._where(c.key.in_(chunk)))).scalars())
        stored: list[Touch] = []
        for touch in touches:
            if touch.key in known:
                continue
            with translated(self.entity, touch.id):
                try:
                    uow.connection.execute(insert(self.table).values(self._rows([touch])[0]))
                except IntegrityError as exc:
                    if self._violated(exc) != "key":
                        raise DuplicateRecord(self.entity, "id") from None
                    continue  # InnoDB rolled back only this statement
            stored.append(touch)
        return stored

    # -- reading ---------------------------------------------------------------
    def by_key(self, key: str) -> Touch | None:
        """The touch with this key, if any (unique index)."""
        found = self._query(self.table.c.key == key)
        return found[0] if found else None

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Touch]:
        """The customer's touches by due day, priority and id."""
        c = self.table.c
        conditions: list[ColumnElement[bool]] = [c.customer_id == customer_id]
        if open_only:
            conditions.append(c.status.in_(_OPEN_STATUSES))
        return self._list(*conditions, order_by=self._order())

    def for_sequence(self, sequence_id: str) -> list[Touch]:
        """The touches of one follow-up sequence, by number."""
        c = self.table.c
        return self._list(c.sequence_id == sequence_id, order_by=(c.sequence_no, c.id))

    def _scope(self, owner: str | None, store_id: str | None) -> list[ColumnElement[bool]]:
        c = self.table.c
        conditions: list[ColumnElement[bool]] = []
        if owner is not None:
            conditions.append(c.owner == owner)
        if store_id is not None:
            conditions.append(c.store_id == store_id)
        return conditions

    def due_between(
        self,
        first: date,
        last: date,
        *,
        owner: str | None = None,
        store_id: str | None = None,
        open_only: bool = True,
    ) -> list[Touch]:
        """Touches due from ``first`` to ``last`` (inclusive); index on (owner or store, status, due)."""
        c = self.table.c
        statuses = _OPEN_STATUSES if open_only else _ALL_STATUSES
        return self._list(
            *self._scope(owner, store_id),
            c.status.in_(statuses),
            c.due.between(first, last),
            order_by=self._order(),
        )

    def overdue(self, before: date, *, owner: str | None = None, store_id: str | None = None) -> list[Touch]:
        """Open touches due before ``before`` (same indexes: only open rows are read)."""
        c = self.table.c
        return self._list(
            *self._scope(owner, store_id), c.status.in_(_OPEN_STATUSES), c.due < before, order_by=self._order()
        )

    def closed_between(self, start: datetime, end: datetime, *, owner: str | None = None) -> list[Touch]:
        """Touches closed in ``[start, end)``, optionally owned or closed by ``owner``."""
        c = self.table.c
        conditions: list[ColumnElement[bool]] = [c.closed_at >= utc_naive(start), c.closed_at < utc_naive(end)]
        if owner is not None:
            conditions.append(or_(c.owner == owner, c.closed_by == owner))
        return self._list(*conditions, order_by=(c.closed_at, c.id))

    def held(self) -> list[Touch]:
        """Touches on hold (index on status)."""
        c = self.table.c
        return self._list(c.status == TouchStatus.HELD.value, order_by=self._order())

    # -- the daily run's set-based questions (``_daily.py``) --------------------------
    def daily_customers(self) -> list[tuple[str, bool]]:
        """Every customer's id and erasure flag, in id order, from the columns alone."""
        return _daily.customers(self._uow, self.tenant)

    def daily_candidates(self, customer_ids: Sequence[str], prefilters: Sequence[Prefilter]) -> set[str]:
        """Those of ``customer_ids`` some prefilter admits, one statement per prefilter and chunk."""
        return _daily.candidates(self._uow, self.tenant, customer_ids, prefilters)

    def daily_figures(self, customer_ids: Sequence[str], currency: str) -> dict[str, CustomerFigures]:
        """Each customer's figures, one grouped statement per chunk."""
        return _daily.figures(self._uow, self.tenant, customer_ids, currency)

    def referral_counts(self, customer_ids: Sequence[str]) -> dict[str, int]:
        """Referrals made by each customer, one grouped statement per chunk."""
        return _daily.referral_counts(self._uow, self.tenant, customer_ids)

    def known_keys(self, customer_ids: Sequence[str], reasons: Sequence[TouchReason], *, since: date) -> set[str]:
        """Stored keys of the customers' touches of ``reasons`` due from ``since`` (customer index)."""
        wanted = [reason.value for reason in reasons]
        return _daily.known_keys(self._uow, self.tenant, customer_ids, wanted, since=since)

    def held_for(self, customer_ids: Sequence[str]) -> list[Touch]:
        """The customers' touches on hold (customer index)."""
        if not customer_ids:
            return []
        c, wanted = self.table.c, set(customer_ids)
        # A range of the customer index, not thousands of parameters; others in it are dropped.
        within = c.customer_id.between(min(wanted), max(wanted))
        held = self._list(within, c.status == TouchStatus.HELD.value, order_by=self._order())
        return [touch for touch in held if touch.customer_id in wanted]

    def failed(self) -> list[Touch]:
        """Dead-lettered touches (index on status)."""
        c = self.table.c
        return self._list(c.status == TouchStatus.FAILED.value, order_by=self._order())

    def count_due(self, day: date, reason: TouchReason, owner: str | None) -> int:
        """Touches of ``reason`` due on ``day`` for ``owner`` (None: unassigned), any status."""
        c = self.table.c
        who = c.owner.is_(None) if owner is None else c.owner == owner
        statement = (
            select(func.count())
            .select_from(self.table)
            .where(self._where(who, c.status.in_(_ALL_STATUSES), c.due == day, c.reason == reason.value))
        )
        return int(self._uow.connection.execute(statement).scalar_one())

    def count_sent_since(self, customer_id: str, since: datetime) -> int:
        """Automated touches done for the customer since ``since`` (index on customer)."""
        c = self.table.c
        statement = (
            select(func.count())
            .select_from(self.table)
            .where(
                self._where(
                    c.customer_id == customer_id,
                    c.automated == true(),
                    c.status == TouchStatus.DONE.value,
                    c.closed_at >= utc_naive(since),
                )
            )
        )
        return int(self._uow.connection.execute(statement).scalar_one())

    def sent_counts_since(self, customer_ids: Sequence[str], since: datetime) -> dict[str, int]:
        """:meth:`count_sent_since` for many customers: one grouped statement per chunk of ids."""
        c = self.table.c
        counts: dict[str, int] = {}
        wanted = sorted(set(customer_ids))
        for start in range(0, len(wanted), _INSERT_CHUNK):
            statement = (
                select(c.customer_id, func.count())
                .where(
                    self._where(
                        c.customer_id.in_(wanted[start : start + _INSERT_CHUNK]),
                        c.automated == true(),
                        c.status == TouchStatus.DONE.value,
                        c.closed_at >= utc_naive(since),
                    )
                )
                .group_by(c.customer_id)
            )
            with translated(self.entity):
                counts.update({row[0]: int(row[1]) for row in self._uow.connection.execute(statement)})
        return counts

    # -- leasing -----------------------------------------------------------------
    def lease_automated(self, *, day: date, now: datetime, worker: str, until: datetime, limit: int) -> list[Touch]:
        """Take up to ``limit`` planned automated touches due by ``day`` whose lease is free or expired.

        Rows another worker is leasing right now are skipped (``SKIP LOCKED``),
        not waited for; the lease itself is an ordinary versioned save.
        """
        c = self.table.c
        statement = (
            select(c.id, c.version, c.document)
            .where(
                self._where(
                    c.status == TouchStatus.PLANNED.value,
                    c.automated == true(),
                    c.due <= day,
                    or_(c.lease_until.is_(None), c.lease_until <= utc_naive(now)),
                )
            )
            .order_by(*self._order())
            .limit(limit)
        )
        uow = self._uow
        if skip_locked_supported(uow):
            statement = statement.with_for_update(skip_locked=True)
        elif uow.dialect == "sqlite":
            self._take_sqlite_write_lock()
        else:  # an older MariaDB/MySQL: plain row locks, workers wait for each other
            statement = statement.with_for_update()
        with translated(self.entity):
            rows = list(uow.connection.execute(statement))
        taken: list[Touch] = []
        for row in rows:
            try:
                touch = self._read(row)
            except StorageUnavailable:  # the dispatch goes on without it
                self._unreadable(row.id)
                continue
            touch.lease_owner, touch.lease_until = worker, until
            taken.append(touch)
        self.save_all(taken)
        return taken

    def _take_sqlite_write_lock(self) -> None:
        """Begin writing before reading, so two leases never read the same free rows.

        A write statement takes SQLite's single write lock (waiting up to the
        busy timeout for another writer). Called first in a unit of work, the
        lease then reads a snapshot no other writer can change until commit.
        """
        c = self.table.c
        with translated(self.entity):
            self._uow.connection.execute(update(self.table).where(self._where(c.id == "")).values(version=c.version))


class SqlAppointmentRepository(DocumentRepository[Appointment]):
    """Appointments of one tenant (P29)."""

    entity = "appointment"
    table = t.appointments
    aggregate = Appointment
    authoritative = ("customer_id",)

    def columns(self, obj: Appointment) -> dict[str, Any]:
        """Customer, staff member, status and start."""
        return {
            "customer_id": obj.customer_id,
            "staff_id": obj.staff_id,
            "status": obj.status.value,
            "starts_at": utc_naive(obj.starts_at),
        }

    def booked_before(self, moment: datetime) -> list[Appointment]:
        """Appointments still booked that started before ``moment`` (index on status, start)."""
        c = self.table.c
        return self._list(
            c.status == AppointmentStatus.BOOKED.value, c.starts_at < utc_naive(moment), order_by=(c.starts_at, c.id)
        )

    def between(self, start: datetime, end: datetime, *, staff_id: str | None = None) -> list[Appointment]:
        """Appointments starting in ``[start, end)``, optionally one staff member's."""
        c = self.table.c
        conditions: list[ColumnElement[bool]] = [c.starts_at >= utc_naive(start), c.starts_at < utc_naive(end)]
        if staff_id is not None:
            conditions.append(c.staff_id == staff_id)
        return self._list(*conditions, order_by=(c.starts_at, c.id))


class SqlFollowUpRepository(DocumentRepository[FollowUp]):
    """Follow-up sequences of one tenant (P21)."""

    entity = "follow_up"
    table = t.follow_ups
    aggregate = FollowUp
    authoritative = ("customer_id",)

    def columns(self, obj: FollowUp) -> dict[str, Any]:
        """Customer, status and start."""
        return {"customer_id": obj.customer_id, "status": obj.status.value, "started_at": utc_naive(obj.started_at)}

    def active_for(self, customer_id: str) -> list[FollowUp]:
        """The customer's running sequences, oldest first."""
        c = self.table.c
        return self._list(
            c.customer_id == customer_id,
            c.status == FollowUpStatus.ACTIVE.value,
            order_by=(c.started_at, c.id),
        )


class SqlWishRepository(DocumentRepository[Wish]):
    """Wanted items of one tenant (P28)."""

    entity = "wish"
    table = t.wishes
    aggregate = Wish
    authoritative = ("customer_id",)

    def columns(self, obj: Wish) -> dict[str, Any]:
        """Customer, style and the two moments."""
        return {
            "customer_id": obj.customer_id,
            "style_no": obj.style_no,
            "registered_at": utc_naive(obj.registered_at),
            "arrived_at": utc_naive(obj.arrived_at) if obj.arrived_at else None,
        }

    def open_for(self, style_no: str) -> list[Wish]:
        """Wishes still waiting for ``style_no``, oldest first (index on style, arrival)."""
        c = self.table.c
        return self._list(c.style_no == style_no, c.arrived_at.is_(None), order_by=(c.registered_at, c.id))


class SqlRecurringRuleRepository(DocumentRepository[RecurringRule]):
    """Staff-set recurring touches of one tenant."""

    entity = "recurring_rule"
    table = t.recurring_rules
    aggregate = RecurringRule
    authoritative = ("customer_id",)

    def columns(self, obj: RecurringRule) -> dict[str, Any]:
        """Customer and the validity dates."""
        return {"customer_id": obj.customer_id, "starts_on": obj.starts_on, "ends_on": obj.ends_on}

    def active_on(self, day: date) -> list[RecurringRule]:
        """Rules started and not ended on ``day`` (index on end: ended rules are not read)."""
        c = self.table.c
        return self._list(or_(c.ends_on.is_(None), c.ends_on >= day), c.starts_on <= day, order_by=(c.id,))


class SqlSaleCreditRepository(DocumentRepository[SaleCredit]):
    """Which touch preceded each sale; the id is the purchase id, so one credit per purchase."""

    entity = "sale_credit"
    table = t.sale_credits
    aggregate = SaleCredit
    authoritative = ("customer_id",)

    def columns(self, obj: SaleCredit) -> dict[str, Any]:
        """Customer and the moment of the sale."""
        return {"customer_id": obj.customer_id, "occurred_at": utc_naive(obj.occurred_at)}

    def between(self, start: datetime, end: datetime) -> list[SaleCredit]:
        """Credits for sales in ``[start, end)``."""
        c = self.table.c
        return self._list(
            c.occurred_at >= utc_naive(start), c.occurred_at < utc_naive(end), order_by=(c.occurred_at, c.id)
        )


def attach_cadences(uow: SqlUnitOfWork) -> None:
    """Give ``uow`` fresh follow-up repositories (called whenever it begins)."""
    uow.touches = SqlTouchRepository(uow)
    uow.appointments = SqlAppointmentRepository(uow)
    uow.follow_ups = SqlFollowUpRepository(uow)
    uow.wishes = SqlWishRepository(uow)
    uow.recurring = SqlRecurringRuleRepository(uow)
    uow.sale_credits = SqlSaleCreditRepository(uow)
