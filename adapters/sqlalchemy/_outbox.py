"""The SQL outbox: events written in the unit of work's own transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from clientcare import serialization
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import utc_naive
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.events import DomainEvent
from clientcare.ports import OutboxMessage

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["SqlOutbox"]

#: Ids per DELETE statement, within every backend's parameter limits.
_CHUNK = 500


class SqlOutbox:
    """Outbox rows of one tenant, written in the unit of work's transaction."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Insert the events (called by commit, just before the transaction ends)."""
        rows = []
        for event in events:
            payload = serialization.unstructure(event)
            rows.append(
                {
                    "tenant": self._uow.tenant,
                    "name": event.name,
                    "occurred_at": utc_naive(event.occurred_at),
                    "payload": json.dumps(payload, ensure_ascii=False),
                }
            )
        if rows:
            # A deadlock here (MariaDB's auto-increment and gap locks) is a retryable conflict.
            with translated("outbox"):
                self._uow.connection.execute(insert(t.outbox), rows)

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """Undelivered messages of the tenant, oldest first."""
        o = t.outbox.c
        statement = select(o.id, o.name, o.payload).where(o.tenant == self._uow.tenant).order_by(o.id).limit(limit)
        result = []
        for row in self._uow.connection.execute(statement):
            payload = json.loads(row.payload)
            occurred = payload.get("occurred_at")
            result.append(
                OutboxMessage(
                    id=int(row.id),
                    name=row.name,
                    occurred_at=datetime.fromisoformat(occurred),
                    payload=payload,
                )
            )
        return result

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        """Delete delivered messages of the tenant."""
        o = t.outbox.c
        ids = [int(i) for i in message_ids]
        for start in range(0, len(ids), _CHUNK):
            self._uow.connection.execute(
                delete(t.outbox).where(o.tenant == self._uow.tenant, o.id.in_(ids[start : start + _CHUNK]))
            )

    def claim(self, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take or renew the tenant's relay lease: one conditional UPDATE, or the first INSERT.

        The UPDATE matches only a lease that is ``holder``'s or has run out,
        and it locks the row (SQLite: the database), so of two relays
        claiming at once the second re-reads the first's lease and matches
        nothing. Two first-ever INSERTs meet the primary key: the loser waits.
        """
        lease = t.outbox_leases
        c = lease.c
        uow = self._uow
        renewed = (
            update(lease)
            .where(c.tenant == uow.tenant, or_(c.holder == holder, c.lease_until <= utc_naive(now)))
            .values(holder=holder, lease_until=utc_naive(until))
        )
        with translated("outbox lease"):
            if uow.connection.execute(renewed).rowcount == 1:
                return True
            if uow.connection.execute(select(c.holder).where(c.tenant == uow.tenant)).first() is not None:
                return False
            try:
                with uow.savepoint():
                    uow.connection.execute(
                        insert(lease).values(tenant=uow.tenant, holder=holder, lease_until=utc_naive(until))
                    )
            except IntegrityError:
                return False  # another relay created the lease first
        return True
