"""docs/sql.md, "Adding an aggregate": a new aggregate gets its own typed table and a small repository.

Nothing else is registered: the repository tracks what it stores, so the
unit of work finds the new aggregate's events without a list of repositories.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import attrs
import pytest
from sqlalchemy import Column, Engine, Index, MetaData, String

from clientcare.adapters.sqlalchemy import (
    DocumentRepository,
    SqlBackend,
    SqlUnitOfWork,
    document_table,
    key_string,
)
from clientcare.adapters.sqlalchemy._convert import utc_naive
from clientcare.adapters.sqlalchemy._tables import timestamp
from clientcare.errors import ConcurrencyConflict, NotFound
from clientcare.events import DomainEvent
from clientcare.kernel import Aggregate

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
extra = MetaData()
tickets = document_table(
    "test_tickets",
    Column("customer_id", key_string(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("due_at", timestamp(), nullable=True),
    Index("ix_test_tickets_due", "tenant", "status", "due_at"),
    meta=extra,
)


@attrs.frozen(kw_only=True)
class TicketOpened(DomainEvent):
    """A ticket was opened."""

    ticket_id: str


@attrs.define(eq=False, kw_only=True)
class Ticket(Aggregate):
    """A stand-in for a new aggregate (a warranty claim, a gift card)."""

    customer_id: str
    status: str = "open"
    due_at: datetime | None = None
    steps: tuple[str, ...] = ()


class TicketRepository(DocumentRepository[Ticket]):
    """The whole SQL side of the new aggregate."""

    entity = "ticket"
    table = tickets
    aggregate = Ticket

    def columns(self, obj: Ticket) -> dict[str, Any]:
        return {
            "customer_id": obj.customer_id,
            "status": obj.status,
            "due_at": utc_naive(obj.due_at) if obj.due_at else None,
        }

    def overdue(self, now: datetime) -> list[Ticket]:
        c = self.table.c
        return self._query(c.status == "open", c.due_at < utc_naive(now), order_by=(c.due_at, c.id))


class TicketUnitOfWork(SqlUnitOfWork):
    """The unit of work with the new repository; its events reach the outbox."""

    tickets: TicketRepository

    def _reset(self) -> None:
        super()._reset()
        self.tickets = TicketRepository(self)


@pytest.fixture
def backend(sql_engine: Engine) -> Iterator[SqlBackend]:
    """A backend whose units of work know tickets (table created beside clientcare's, dropped after)."""
    extra.drop_all(sql_engine)
    extra.create_all(sql_engine)
    yield SqlBackend(sql_engine, unit_of_work_class=TicketUnitOfWork)
    extra.drop_all(sql_engine)


def test_new_aggregate_round_trips_with_version_and_tenant(backend: SqlBackend) -> None:
    """Add, load, save, conflict, tenant isolation and outbox work for the new aggregate."""
    ticket = Ticket(id="t1", tenant="shop", customer_id="c1", due_at=T0)
    ticket.record(TicketOpened(tenant="shop", occurred_at=T0, ticket_id="t1"))
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        uow.tickets.add(ticket)
        uow.commit()
    assert ticket.version == 1
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        loaded = uow.tickets.get("t1")
        assert [t.id for t in uow.tickets.overdue(datetime.fromisoformat("2026-02-01T00:00:00+00:00"))] == ["t1"]
        assert [m.name for m in uow.outbox.pending()] == ["TicketOpened"]
    loaded.steps = ("listened",)
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        uow.tickets.save(loaded)
        uow.commit()
    with backend.unit_of_work("shop") as uow, pytest.raises(ConcurrencyConflict):
        assert isinstance(uow, TicketUnitOfWork)
        uow.tickets.save(ticket)  # still version 1: someone saved since
    with backend.unit_of_work("other") as uow, pytest.raises(NotFound):
        assert isinstance(uow, TicketUnitOfWork)
        uow.tickets.get("t1")
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        assert uow.tickets.get("t1").steps == ("listened",)


def test_a_new_aggregates_events_leave_with_the_commit_only(backend: SqlBackend) -> None:
    """Rolled back, the ticket and its event are gone; committed, both are there, the event once."""
    ticket = Ticket(id="t2", tenant="shop", customer_id="c1")
    ticket.record(TicketOpened(tenant="shop", occurred_at=T0, ticket_id="t2"))
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        uow.tickets.add(ticket)
        assert uow.tracked == (ticket,)
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        with pytest.raises(NotFound):
            uow.tickets.get("t2")
        assert uow.outbox.pending() == []
        uow.tickets.add(ticket)
        uow.commit()
        assert uow.tracked == ()
    with backend.unit_of_work("shop") as uow:
        assert isinstance(uow, TicketUnitOfWork)
        ticket.status = "closed"
        uow.tickets.save(ticket)
        uow.commit()
    with backend.unit_of_work("shop") as uow:
        assert [m.payload["ticket_id"] for m in uow.outbox.pending()] == ["t2"]
