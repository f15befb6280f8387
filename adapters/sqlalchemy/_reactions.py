"""Reaction jobs of one tenant in ``cc_reactions``, written in the unit of work's transaction.

:meth:`SqlReactions.finish` is a conditional ``DELETE``: when another worker
ran and finished the same job first it deletes nothing, which is reported as
``ConcurrencyConflict`` (the handlers are idempotent, so running twice is
harmless; finishing twice is refused).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, or_, select, update

from clientcare import serialization
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, utc_naive
from clientcare.errors import ConcurrencyConflict
from clientcare.events import DomainEvent
from clientcare.ports import ReactionJob

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["SqlReactions"]


class SqlReactions:
    """The ``Reactions`` port on ``cc_reactions`` (index on tenant, handler, attempts, id)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def enqueue(self, jobs: Sequence[tuple[str, DomainEvent]]) -> None:
        """Insert one row per (handler, event), in the transaction that commits the events."""
        rows = [
            {
                "tenant": self._uow.tenant,
                "handler": handler,
                "event_name": event.name,
                "payload": json.dumps(serialization.unstructure(event), ensure_ascii=False),
                "attempts": 0,
            }
            for handler, event in jobs
        ]
        if rows:
            self._uow.connection.execute(insert(t.reactions), rows)

    def due(self, *, handlers: Sequence[str], now: datetime, limit: int) -> list[ReactionJob]:
        """Jobs of ``handlers`` never failed, or failed with ``retry_at`` passed, oldest first."""
        r = t.reactions.c
        statement = (
            select(t.reactions)
            .where(
                r.tenant == self._uow.tenant,
                r.handler.in_(list(handlers)),
                or_(r.attempts == 0, and_(r.retry_at.is_not(None), r.retry_at <= utc_naive(now))),
            )
            .order_by(r.id)
            .limit(limit)
        )
        return [_job(row._mapping) for row in self._uow.connection.execute(statement)]

    def finish(self, job_id: int) -> None:
        """Delete the job; ConcurrencyConflict when it is gone already."""
        r = t.reactions.c
        result = self._uow.connection.execute(delete(t.reactions).where(r.tenant == self._uow.tenant, r.id == job_id))
        if result.rowcount != 1:
            raise ConcurrencyConflict("reaction", job_id)

    def record_failure(self, job_id: int, *, reason: str, retry_at: datetime | None) -> None:
        """Count the failed run and keep its reason code; ConcurrencyConflict when the job is gone."""
        r = t.reactions.c
        statement = (
            update(t.reactions)
            .where(r.tenant == self._uow.tenant, r.id == job_id)
            .values(attempts=r.attempts + 1, reason=reason[:100], retry_at=utc_naive(retry_at) if retry_at else None)
        )
        if self._uow.connection.execute(statement).rowcount != 1:
            raise ConcurrencyConflict("reaction", job_id)

    def failed(self, *, limit: int) -> list[ReactionJob]:
        """Jobs whose last run failed, oldest first."""
        r = t.reactions.c
        statement = select(t.reactions).where(r.tenant == self._uow.tenant, r.attempts > 0).order_by(r.id).limit(limit)
        return [_job(row._mapping) for row in self._uow.connection.execute(statement)]


def _job(row: Any) -> ReactionJob:
    return ReactionJob(
        id=int(row["id"]),
        handler=row["handler"],
        event_name=row["event_name"],
        payload=json.loads(row["payload"]),
        attempts=int(row["attempts"]),
        reason=row["reason"],
        retry_at=aware_utc(row["retry_at"]) if row["retry_at"] is not None else None,
    )
