"""What every use case shares: storage, tenant, clock, playbook, subscribers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clientcare.errors import ValidationError
from clientcare.kernel._checks import clean_text
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._ports import Backend, Clock
from clientcare.kernel._values import normalise_phone
from clientcare.playbook import Playbook

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["Context", "Handler"]

log = logging.getLogger("clientcare")

# Any: a handler subscribed for a subclass is only ever called with that subclass.
Handler = Callable[[Any], None]


class Context:
    """What every service shares: where data lives, whose it is, time and rules."""

    def __init__(self, backend: Backend, tenant: str, clock: Clock, playbook: Playbook) -> None:
        self.backend = backend
        self.tenant = clean_text(tenant, "tenant", limit=64)
        self.clock = clock
        self.playbook = playbook
        self.subscribers: list[tuple[type[DomainEvent], Handler]] = []

    def now(self) -> datetime:
        moment = self.clock.now()
        if moment.tzinfo is None:
            raise ValidationError("clock", "must return timezone-aware datetimes")
        return moment

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """One transaction: committed when the block ends without error."""
        uow = self.backend.unit_of_work(self.tenant)
        with uow:
            yield uow
            uow.commit()
        self.publish(uow.committed_events)

    def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for kind, handler in self.subscribers:
                if isinstance(event, kind):
                    try:
                        handler(event)
                    except Exception:  # a subscriber's bug must not undo a committed use case
                        log.exception("event handler failed for %s", event.name)

    def phone(self, raw: str) -> str:
        return normalise_phone(raw, self.playbook.locale.country)
