"""What every aggregate root shares: identity, tenant, version, new events."""

from __future__ import annotations

import itertools

import attrs

from clientcare.kernel._events import DomainEvent

__all__ = ["Aggregate"]

# One sequence for every aggregate in the process, so a unit of work can put the
# events of several aggregates back in the order they were recorded
# (next() on a count is atomic under the GIL).
_recorded = itertools.count()


@attrs.define(eq=False, kw_only=True)
class Aggregate:
    """An entity that is loaded and saved as a whole.

    Two aggregates are equal when they are the same kind with the same id:
    entities compare by identity, not by their current field values.
    ``version`` counts saves and guards against lost updates.
    """

    id: str
    tenant: str = attrs.field(repr=False)
    version: int = attrs.field(default=0, repr=False)
    _events: list[tuple[int, DomainEvent]] = attrs.field(factory=list, init=False, repr=False, alias="_events")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.id == other.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def record(self, event: DomainEvent) -> None:
        """Remember an event; the unit of work publishes it on commit."""
        self._events.append((next(_recorded), event))

    @property
    def pending_events(self) -> tuple[DomainEvent, ...]:
        """The events recorded and not yet handed over, in order."""
        return tuple(event for _, event in self._events)

    def amend_pending(self, old: DomainEvent, new: DomainEvent) -> None:
        """Replace a not yet published event, keeping its place (a plan settled before it is stored)."""
        self._events = [(n, new if event is old else event) for n, event in self._events]

    def pull_events(self) -> list[DomainEvent]:
        """Hand over the events recorded since the last pull."""
        return [event for _, event in self.pull_numbered_events()]

    def pull_numbered_events(self) -> list[tuple[int, DomainEvent]]:
        """Hand over the events recorded since the last pull, each with its place in the
        order of recording across all aggregates (for merging several aggregates' events)."""
        events, self._events = self._events, []
        return events
