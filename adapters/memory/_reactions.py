"""Reaction jobs of one tenant, in memory: staged in the unit of work, applied at its commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from clientcare import serialization
from clientcare.errors import ConcurrencyConflict
from clientcare.events import DomainEvent
from clientcare.ports import ReactionJob

if TYPE_CHECKING:
    from clientcare.adapters.memory._backend import MemoryUnitOfWork

__all__ = ["MemoryReactions"]


class MemoryReactions:
    """The ``Reactions`` port over the backend's per-tenant job list."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._new: list[tuple[str, DomainEvent]] = []
        self._finished: set[int] = set()
        self._failures: dict[int, tuple[str, datetime | None]] = {}

    def _jobs(self) -> dict[int, ReactionJob]:
        return self._uow._backend._data(self._uow.tenant).reactions

    def enqueue(self, jobs: Sequence[tuple[str, DomainEvent]]) -> None:
        self._new.extend(jobs)

    def due(self, *, handlers: Sequence[str], now: datetime, limit: int) -> list[ReactionJob]:
        wanted = set(handlers)
        ready = [
            j
            for j in self._jobs().values()
            if j.handler in wanted and (j.attempts == 0 or (j.retry_at is not None and j.retry_at <= now))
        ]
        return sorted(ready, key=lambda j: j.id)[:limit]

    def finish(self, job_id: int) -> None:
        self._finished.add(job_id)

    def record_failure(self, job_id: int, *, reason: str, retry_at: datetime | None) -> None:
        self._failures[job_id] = (reason, retry_at)

    def failed(self, *, limit: int) -> list[ReactionJob]:
        return sorted((j for j in self._jobs().values() if j.attempts > 0), key=lambda j: j.id)[:limit]

    def check(self) -> None:
        """Before commit: a job finished or failed meanwhile by another unit is a conflict."""
        jobs = self._jobs()
        for job_id in self._finished | set(self._failures):
            if job_id not in jobs:
                raise ConcurrencyConflict("reaction", job_id)

    def apply(self) -> None:
        """At commit, under the backend's lock (after :meth:`check`)."""
        backend = self._uow._backend
        jobs = self._jobs()
        for job_id in self._finished:
            del jobs[job_id]
        for job_id, (reason, retry_at) in self._failures.items():
            job = jobs[job_id]
            jobs[job_id] = attrs.evolve(job, attempts=job.attempts + 1, reason=reason, retry_at=retry_at)
        for handler, event in self._new:
            job_id = backend._next_message
            backend._next_message += 1
            payload = serialization.unstructure(event)
            jobs[job_id] = ReactionJob(id=job_id, handler=handler, event_name=event.name, payload=payload)
        self._new, self._finished, self._failures = [], set(), {}
