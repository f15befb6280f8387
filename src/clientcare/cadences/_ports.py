"""What the cadences need from storage and the outside world (messages)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import attrs

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._sequences import FollowUp, RecurringRule, SaleCredit, Wish
from clientcare.cadences._touches import Touch, TouchReason

__all__ = [
    "AppointmentRepository",
    "FollowUpRepository",
    "Notification",
    "Notifier",
    "RecurringRuleRepository",
    "SaleCreditRepository",
    "TouchRepository",
    "WishRepository",
]


class TouchRepository(Protocol):
    """Touches of one tenant (P20–P35). ``key`` is unique per tenant.

    :meth:`add_new` is idempotent, also while other workers store the same
    keys: each key is stored once, and one stored meanwhile is skipped, not
    an error (the daily run's idempotence). :meth:`lease_automated` never
    hands a touch to two workers while its lease lasts (many dispatch workers).
    """

    def add(self, touch: Touch) -> None:
        """Store a new touch; DuplicateRecord if its key exists."""

    def add_new(self, touches: Sequence[Touch]) -> list[Touch]:
        """Store those touches whose key is new; returns the ones stored."""
        ...

    def get(self, touch_id: str) -> Touch:
        """The touch, or NotFound."""
        ...

    def save(self, touch: Touch) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def by_key(self, key: str) -> Touch | None:
        """The touch with this key, if any."""
        ...

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Touch]:
        """The customer's touches, by due date."""
        ...

    def for_sequence(self, sequence_id: str) -> list[Touch]:
        """The touches of one follow-up sequence, by number."""
        ...

    def due_between(
        self,
        first: date,
        last: date,
        *,
        owner: str | None = None,
        store_id: str | None = None,
        open_only: bool = True,
    ) -> list[Touch]:
        """Touches due from ``first`` to ``last`` (inclusive), optionally one owner's or store's."""
        ...

    def overdue(self, before: date, *, owner: str | None = None, store_id: str | None = None) -> list[Touch]:
        """Open touches due before ``before``."""
        ...

    def closed_between(self, start: datetime, end: datetime, *, owner: str | None = None) -> list[Touch]:
        """Touches done, skipped or cancelled in ``[start, end)``."""
        ...

    def held(self) -> list[Touch]:
        """Touches on hold (P21: the customer has an open complaint)."""
        ...

    def count_due(self, day: date, reason: TouchReason, owner: str | None) -> int:
        """How many touches of ``reason`` are due on ``day`` for ``owner`` (capacity)."""
        ...

    def count_sent_since(self, customer_id: str, since: datetime) -> int:
        """Automated touches done for the customer since ``since`` (frequency cap)."""
        ...

    def lease_automated(self, *, day: date, now: datetime, worker: str, until: datetime, limit: int) -> list[Touch]:
        """Take up to ``limit`` planned automated touches due by ``day`` whose lease is free or expired."""
        ...


class AppointmentRepository(Protocol):
    """Appointments of one tenant (P29)."""

    def add(self, appointment: Appointment) -> None:
        """Store a new appointment."""

    def get(self, appointment_id: str) -> Appointment:
        """The appointment, or NotFound."""
        ...

    def save(self, appointment: Appointment) -> None:
        """Store changes."""

    def booked_before(self, moment: datetime) -> list[Appointment]:
        """Appointments still booked that started before ``moment``."""
        ...

    def between(self, start: datetime, end: datetime, *, staff_id: str | None = None) -> list[Appointment]:
        """Appointments starting in ``[start, end)``."""
        ...


class FollowUpRepository(Protocol):
    """Follow-up sequences of one tenant (P21)."""

    def add(self, sequence: FollowUp) -> None:
        """Store a new sequence."""

    def get(self, sequence_id: str) -> FollowUp:
        """The sequence, or NotFound."""
        ...

    def save(self, sequence: FollowUp) -> None:
        """Store changes."""

    def active_for(self, customer_id: str) -> list[FollowUp]:
        """The customer's running sequences."""
        ...


class WishRepository(Protocol):
    """Wanted items of one tenant (P28)."""

    def add(self, wish: Wish) -> None:
        """Store a new wish."""

    def save(self, wish: Wish) -> None:
        """Store changes."""

    def open_for(self, style_no: str) -> list[Wish]:
        """Wishes still waiting for ``style_no``, oldest first."""
        ...


class RecurringRuleRepository(Protocol):
    """Staff-set recurring touches of one tenant."""

    def add(self, rule: RecurringRule) -> None:
        """Store a new rule."""

    def get(self, rule_id: str) -> RecurringRule:
        """The rule, or NotFound."""
        ...

    def save(self, rule: RecurringRule) -> None:
        """Store changes."""

    def active_on(self, day: date) -> list[RecurringRule]:
        """Rules that have started and not ended on ``day``."""
        ...


class SaleCreditRepository(Protocol):
    """Which touch preceded each sale (P21, P31); one credit per purchase."""

    def add(self, credit: SaleCredit) -> None:
        """Store a credit; DuplicateRecord if the purchase has one."""

    def between(self, start: datetime, end: datetime) -> list[SaleCredit]:
        """Credits for sales in ``[start, end)``."""
        ...


@attrs.frozen(kw_only=True)
class Notification:
    """One automated message, rendered and addressed. Address and text are personal: no repr."""

    touch_id: str
    customer_id: str
    channel: str
    address: str = attrs.field(repr=False)
    subject: str = attrs.field(repr=False)
    body: str = attrs.field(repr=False)
    locale: str


@runtime_checkable
class Notifier(Protocol):
    """Sends automated messages (SMS, email, messaging); raises on failure."""

    def send(self, notification: Notification) -> None:
        """Deliver one message, or raise so the touch is retried later."""
