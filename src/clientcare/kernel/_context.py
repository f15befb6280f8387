"""What every use case shares: storage, tenant, clock, ids, playbook, subscribers."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clientcare.errors import ValidationError
from clientcare.kernel._checks import clean_text
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._ids import TimeOrderedIds, ids_in_force
from clientcare.kernel._ports import Backend, Clock, IdGenerator
from clientcare.kernel._values import normalise_phone
from clientcare.playbook import Playbook

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["Context", "Handler"]

log = logging.getLogger("clientcare")

# Any: a handler subscribed for a subclass is only ever called with that subclass.
Handler = Callable[[Any], None]


class Context:
    """What every service shares: where data lives, whose it is, time, ids and rules."""

    def __init__(
        self, backend: Backend, tenant: str, clock: Clock, playbook: Playbook, *, ids: IdGenerator | None = None
    ) -> None:
        self.backend = backend
        self.tenant = clean_text(tenant, "tenant", limit=64)
        self.clock = clock
        self.playbook = playbook
        if ids is not None and not isinstance(ids, IdGenerator):
            raise ValidationError("ids", "must have a new_id() method")
        self.ids: IdGenerator = ids if ids is not None else TimeOrderedIds()
        self.subscribers: list[tuple[type[DomainEvent], Handler]] = []
        #: Durable handlers by name: their jobs are stored with the events (``Reactions``).
        self.reactions: dict[str, tuple[type[DomainEvent], Handler]] = {}
        self._reactor: Callable[[], object] | None = None

    @property
    def reactor(self) -> Callable[[], object] | None:
        """Runs due reaction jobs; the facade sets it, and a commit that stored jobs calls it.

        None inside a caller's transaction: reactions run after the caller commits.
        """
        return None if self.joined else self._reactor

    @reactor.setter
    def reactor(self, value: Callable[[], object] | None) -> None:
        self._reactor = value

    @property
    def joined(self) -> bool:
        """Whether units of work run inside a transaction the embedder owns (a backend that says ``joined``)."""
        return getattr(self.backend, "joined", False) is True

    def now(self) -> datetime:
        """The clock's time; a clock without a time zone is refused (ValidationError on ``clock``)."""
        moment = self.clock.now()
        if moment.tzinfo is None:
            raise ValidationError("clock", "must return timezone-aware datetimes")
        return moment

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """One transaction: committed when the block ends without error.

        Aggregates created inside take their ids from this context's generator.
        """
        with self.minting():
            uow = self.backend.unit_of_work(self.tenant)
            uow.reaction_routes = [(name, kind) for name, (kind, _) in self.reactions.items()]
            with uow:
                yield uow
                uow.commit()
        if self.joined:
            # The caller's transaction may still roll back: no subscriber hears of it and no
            # reaction runs inside it; the events and reaction jobs wait in the same transaction.
            return
        self.publish(uow.committed_events)
        if uow.enqueued_reactions and self.reactor is not None:
            self.reactor()

    def minting(self) -> AbstractContextManager[None]:
        """Put this context's id generator in force for a block that creates aggregates outside a unit."""
        return ids_in_force(self.ids)

    def mint_in_calls(self, service: object) -> None:
        """Run every public method of ``service`` with this context's id generator in force.

        Units of work alone do not cover a use case: some create aggregates
        between them (the daily run plans touches after its reads, before its
        writes, so that other areas' ports never run inside a transaction).
        """
        for name in dir(type(service)):
            if not name.startswith("_") and inspect.isfunction(inspect.getattr_static(type(service), name)):
                setattr(service, name, self._minting(getattr(service, name)))

    def _minting(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            with ids_in_force(self.ids):
                return method(*args, **kwargs)

        return call

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Hand committed ``events`` to the in-process subscribers, in order."""
        for event in events:
            for kind, handler in self.subscribers:
                if isinstance(event, kind):
                    try:
                        handler(event)
                    except Exception:  # a subscriber's bug must not undo a committed use case
                        log.exception("event handler failed for %s", event.name)

    def phone(self, raw: str) -> str:
        """``raw`` as the E.164 number of the playbook's country (ValidationError on ``phone`` if it is none)."""
        return normalise_phone(raw, self.playbook.locale.country)
