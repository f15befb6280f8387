"""The ports every area shares: clock, ids, outbox, the unit of work's base, backend.

The unit of work here knows no area: :class:`clientcare.ports.UnitOfWork`
adds one typed repository attribute per area on top of it.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

import attrs

from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._events import DomainEvent

if TYPE_CHECKING:
    # The unit of work with every area's repositories lives above the areas;
    # the kernel names it for type checking only.
    from clientcare.ports import UnitOfWork as FullUnitOfWork

__all__ = [
    "Backend",
    "Clock",
    "IdGenerator",
    "JoinableBackend",
    "Outbox",
    "OutboxMessage",
    "ReactionJob",
    "Reactions",
    "UnitOfWork",
]


@runtime_checkable
class Clock(Protocol):
    """Where the core gets the time; it never reads the system clock itself."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


@runtime_checkable
class IdGenerator(Protocol):
    """Where new aggregates get their ids.

    The facade puts its generator in force for every use case it runs, so
    every aggregate a use case creates takes its id from here. The default is
    time-ordered (:class:`clientcare.kernel.TimeOrderedIds`, UUIDv7 hex); a
    test passes a deterministic one.
    """

    def new_id(self) -> str:
        """A fresh id: never handed out before, at most 64 characters, safe in URLs and SQL keys.

        Parts of an aggregate (a complaint's promises and corrective actions)
        take the last 12 characters, so those should differ between ids too
        (a UUIDv7's first 12 are its millisecond, its last 12 random).
        """
        ...


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """An event stored for delivery to other systems (at least once)."""

    id: int
    name: str
    occurred_at: datetime
    payload: dict[str, object]


class Outbox(Protocol):
    """Events written in the same transaction as the change that caused them."""

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Store events of this unit of work."""

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """Undelivered messages, oldest first."""
        ...

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        """Remove delivered messages from the pending list."""

    def claim(self, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take or renew the relay lease of this outbox for ``holder`` until ``until``.

        True when ``holder`` holds it now (it was free, had run out at ``now``,
        or was already ``holder``'s); False while another holder's lease runs.
        Two relays claiming at once never both get it.
        """
        ...


@attrs.frozen(kw_only=True)
class ReactionJob:
    """One event waiting for one durable handler (a reaction between areas).

    ``attempts`` counts failed runs; ``reason`` is the last failure's error
    class (never its text); ``retry_at`` is when the next run may happen,
    ``None`` once the handler has been given up on.
    """

    id: int
    handler: str
    event_name: str
    payload: dict[str, object]
    attempts: int = 0
    reason: str | None = None
    retry_at: datetime | None = None


class Reactions(Protocol):
    """Per-handler progress of the reactions between areas, stored with the data.

    A job per (handler, event) is written in the transaction that commits the
    event, so no crash between commit and reaction can lose it; it stays until
    the handler has run (at least once: handlers are idempotent).
    """

    def enqueue(self, jobs: Sequence[tuple[str, DomainEvent]]) -> None:
        """Store a job for each (handler name, event) of this unit of work."""

    def due(self, *, handlers: Sequence[str], now: datetime, limit: int) -> list[ReactionJob]:
        """Jobs of these handlers to run now, oldest first: never failed, or failed and past ``retry_at``."""
        ...

    def finish(self, job_id: int) -> None:
        """The handler ran: drop the job; ConcurrencyConflict if another worker did already."""

    def record_failure(self, job_id: int, *, reason: str, retry_at: datetime | None) -> None:
        """The handler failed: count the attempt, keep the reason code, retry at ``retry_at`` (None: give up)."""

    def failed(self, *, limit: int) -> list[ReactionJob]:
        """Jobs whose last run failed, oldest first (those given up included)."""
        ...


class UnitOfWork(abc.ABC):
    """One transaction for one tenant.

    Use as a context manager; leaving the block without :meth:`commit` rolls
    everything back, so a use case that fails half-way writes nothing.
    """

    tenant: str
    outbox: Outbox
    reactions: Reactions

    def __init__(self) -> None:
        self.committed_events: list[DomainEvent] = []
        #: Durable handlers (name, event type) whose jobs commit writes with the events; set by the context.
        self.reaction_routes: Sequence[tuple[str, type[DomainEvent]]] = ()
        #: How many reaction jobs the last commit stored.
        self.enqueued_reactions = 0
        # By identity, in the order first seen; holding the objects keeps their
        # id() from being reused while this unit lives.
        self._tracked: dict[int, Aggregate] = {}

    def __enter__(self) -> Self:
        self.committed_events = []
        self._tracked = {}
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._tracked = {}
            self._end()

    def track(self, aggregate: Aggregate) -> None:
        """Remember an aggregate this unit handed out or stored, so its events reach the outbox."""
        self._tracked.setdefault(id(aggregate), aggregate)

    @property
    def tracked(self) -> Sequence[Aggregate]:
        """The aggregates this unit has handed out or stored so far, in the order first seen."""
        return tuple(self._tracked.values())

    def collect_events(self) -> list[DomainEvent]:
        """Take the new events of every aggregate touched in this unit of work, in the order recorded."""
        numbered: list[tuple[int, DomainEvent]] = []
        for aggregate in self._tracked.values():
            numbered.extend(aggregate.pull_numbered_events())
        numbered.sort(key=lambda pair: pair[0])
        return [event for _, event in numbered]

    def commit(self) -> None:
        """Write the outbox and make everything durable at once."""
        events = self.collect_events()
        jobs = [(name, event) for event in events for name, kind in self.reaction_routes if isinstance(event, kind)]
        if events:
            self.outbox.append(events)
        if jobs:
            self.reactions.enqueue(jobs)
        self._commit()
        self.enqueued_reactions = len(jobs)
        self.committed_events.extend(events)
        self._tracked = {}

    @abc.abstractmethod
    def _begin(self) -> None:
        """Start a transaction."""

    @abc.abstractmethod
    def _commit(self) -> None:
        """Make the transaction durable."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Undo everything not committed (a no-op after commit)."""

    @abc.abstractmethod
    def redact_customer(
        self,
        customer_id: str,
        *,
        redact: Callable[[Aggregate], Aggregate],
        redact_payload: Callable[[Any], Any],
    ) -> int:
        """Erasure (P04): store ``redact(a)`` for every aggregate about ``customer_id``.

        "About her" means every stored aggregate, in any table, whose
        ``customer_id`` is hers or whose id is hers (her points, membership,
        overrides), except the customer record itself, which erases itself.
        Outbox messages that name her id, or the id of any of those aggregates,
        get ``redact_payload(payload)``. Runs in this unit of work; returns how
        many aggregates changed.
        """

    def _end(self) -> None:  # noqa: B027 - an optional hook, not every adapter holds resources
        """Release resources at the end of the block (a connection, a lock)."""


class Backend(Protocol):
    """A storage adapter: opens units of work for a tenant."""

    def unit_of_work(self, tenant: str) -> FullUnitOfWork:
        """A fresh unit of work scoped to ``tenant``."""
        ...

    def close(self) -> None:
        """Release connections."""


@runtime_checkable
class JoinableBackend(Protocol):
    """A backend that can work inside a transaction its embedder opened (an optional port).

    ``Clientcare.within(connection)`` asks for it: the SQL adapter returns a
    backend whose units of work run as savepoints in the caller's open
    transaction and never begin or commit it. The backend returned says
    ``joined = True``: a facade on it then calls no subscriber and runs no
    reaction, since nothing commits before the caller does.
    """

    def on_connection(self, connection: Any) -> Backend:
        """A backend bound to ``connection``'s open transaction."""
        ...
