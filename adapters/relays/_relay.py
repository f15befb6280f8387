"""The relay loop: outbox messages, oldest first, to a publisher, then off the outbox.

The outbox itself is the relay's persisted position: a message leaves it
(``mark_delivered``) only after the broker confirmed it, in the same order
it was stored. A relay killed in between publishes the unconfirmed tail
again on restart (at least once, same envelope ``id``), never skips it.

Several relays of one tenant may run at once (for availability): each
batch starts by claiming the outbox's lease, so one relay publishes at a
time; the others find it held and wait. A killed holder's lease runs out
and the next relay to ask takes over, republishing what was not confirmed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from clientcare.adapters.relays._envelope import envelope_json
from clientcare.errors import ValidationError
from clientcare.ports import Backend, OutboxMessage

__all__ = ["OutboxRelay", "Publisher"]

log = logging.getLogger("clientcare.relays")


class Publisher(Protocol):
    """Sends envelopes to a bus, in the given order; returns only once the bus has them all."""

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        """Publish and wait for the broker's confirmation; raise if any is not confirmed."""


class OutboxRelay:
    """Relays one tenant's outbox to a :class:`Publisher`.

    Any number of relays of one tenant may run: a batch is published only
    by the relay holding the outbox's lease (``lease_seconds`` long, renewed
    with each batch), so the others do not publish everything twice. When
    the holder dies, its lease runs out and another relay takes over. Events
    of one customer are published in the order stored; after a takeover the
    unconfirmed tail of the dead relay's batch comes again, same ``id``.
    Give ``lease_seconds`` well above the time one batch takes to publish:
    a lease that runs out mid-batch lets a second relay publish the same
    batch (duplicates, never a loss or a reordering).
    """

    def __init__(
        self,
        backend: Backend,
        tenant: str,
        publisher: Publisher,
        *,
        holder: str | None = None,
        lease_seconds: float = 30.0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if lease_seconds <= 0:
            raise ValidationError("lease_seconds", "must be positive")
        self._backend = backend
        self._tenant = tenant
        self._publisher = publisher
        #: This relay's name in the lease (host, process and a random part unless given).
        self.holder = (holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")[:64]
        self._lease = timedelta(seconds=lease_seconds)
        self._now = now or (lambda: datetime.now(UTC))

    def run_once(self, *, limit: int = 500) -> int:
        """Publish up to ``limit`` pending messages; returns how many left the outbox
        (0 too while another relay holds the lease)."""
        now = self._now()
        with self._backend.unit_of_work(self._tenant) as uow:
            if not uow.outbox.claim(self.holder, now=now, until=now + self._lease):
                return 0
            messages = uow.outbox.pending(limit=limit)
            uow.commit()
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
        return (
            f"OutboxRelay(tenant={self._tenant!r}, holder={self.holder!r}, publisher={type(self._publisher).__name__})"
        )
