"""The relay loop: outbox messages, oldest first, to a publisher, then off the outbox.

The outbox itself is the relay's persisted position: a message leaves it
(``mark_delivered``) only after the broker confirmed it, in the same order
it was stored. A relay killed in between publishes the unconfirmed tail
again on restart (at least once, same envelope ``id``), never skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from clientcare.adapters.relays._envelope import envelope_json
from clientcare.ports import Backend, OutboxMessage

__all__ = ["OutboxRelay", "Publisher"]

log = logging.getLogger("clientcare.relays")


class Publisher(Protocol):
    """Sends envelopes to a bus, in the given order; returns only once the bus has them all."""

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        """Publish and wait for the broker's confirmation; raise if any is not confirmed."""


class OutboxRelay:
    """Relays one tenant's outbox to a :class:`Publisher`.

    Run one relay per tenant and outbox at a time: the outbox keeps one
    delivery position, and two relays would deliver everything twice (never
    lose it). Events of one customer are published in the order stored.
    """

    def __init__(self, backend: Backend, tenant: str, publisher: Publisher) -> None:
        self._backend = backend
        self._tenant = tenant
        self._publisher = publisher

    def run_once(self, *, limit: int = 500) -> int:
        """Publish up to ``limit`` pending messages; returns how many left the outbox."""
        with self._backend.unit_of_work(self._tenant) as uow:
            messages = uow.outbox.pending(limit=limit)
        if not messages:
            return 0
        self._publisher.publish([(m, envelope_json(self._tenant, m)) for m in messages])
        with self._backend.unit_of_work(self._tenant) as uow:
            uow.outbox.mark_delivered([m.id for m in messages])
            uow.commit()
        log.debug("relayed %d outbox messages of tenant %s", len(messages), self._tenant)
        return len(messages)

    def drain(self, *, limit: int = 500) -> int:
        """Publish until the outbox is empty; returns how many were relayed."""
        total = 0
        while relayed := self.run_once(limit=limit):
            total += relayed
        return total

    def __repr__(self) -> str:
        return f"OutboxRelay(tenant={self._tenant!r}, publisher={type(self._publisher).__name__})"
