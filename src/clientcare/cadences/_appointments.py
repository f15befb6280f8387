"""Appointments (P29): booked, moved, cancelled, missed or attended — never lost.

Every change but attendance leaves a rescheduling touch behind (the service
plans it in the same unit of work), so an appointment cannot silently vanish.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from clientcare.cadences._events import AppointmentChanged
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id

__all__ = ["Appointment", "AppointmentStatus"]


class AppointmentStatus(enum.StrEnum):
    """Where an appointment stands."""

    BOOKED = "booked"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    MISSED = "missed"

    @property
    def open(self) -> bool:
        """Still ahead of us."""
        return self is AppointmentStatus.BOOKED


@attrs.define(eq=False, kw_only=True)
class Appointment(Aggregate):
    """A customer is expected at a time, with a staff member, for a purpose."""

    customer_id: str
    starts_at: datetime
    staff_id: str | None = None
    store_id: str | None = None
    topic: str = attrs.field(default="", repr=False)
    status: AppointmentStatus = AppointmentStatus.BOOKED
    moves: tuple[datetime, ...] = ()
    touch_id: str | None = None
    closed_at: datetime | None = None
    why: str | None = None

    @classmethod
    def book(
        cls,
        *,
        tenant: str,
        customer_id: str,
        starts_at: datetime,
        at: datetime,
        staff_id: str | None = None,
        store_id: str | None = None,
        topic: str = "",
        touch_id: str | None = None,
    ) -> Appointment:
        """P29: book a time (optionally as the outcome of a touch)."""
        when = aware(starts_at, "starts_at")
        if when < aware(at, "at"):
            raise ValidationError("starts_at", "must not be in the past")
        appointment = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            starts_at=when,
            staff_id=staff_id,
            store_id=store_id,
            topic=clean_text(topic, "topic", limit=200, required=False),
            touch_id=touch_id,
        )
        appointment._changed(at)
        return appointment

    def _changed(self, at: datetime) -> None:
        self.record(
            AppointmentChanged(
                tenant=self.tenant,
                occurred_at=at,
                appointment_id=self.id,
                customer_id=self.customer_id,
                status=self.status.value,
                staff_id=self.staff_id,
            )
        )

    def _require_booked(self, action: str) -> None:
        if not self.status.open:
            raise InvalidTransition("appointment", self.status.value, action)

    def move(self, to: datetime, *, at: datetime) -> None:
        """P29: a new time; the old one is kept in ``moves``."""
        self._require_booked("move")
        if aware(to, "to") < at:
            raise ValidationError("to", "must not be in the past")
        self.moves = (*self.moves, self.starts_at)
        self.starts_at = to
        self._changed(at)

    def cancel(self, *, why: str, at: datetime) -> None:
        """P29: cancelled (by either side); a rescheduling touch follows."""
        self._require_booked("cancel")
        self.status = AppointmentStatus.CANCELLED
        self.why = clean_text(why, "why", limit=200)
        self.closed_at = at
        self._changed(at)

    def miss(self, *, at: datetime) -> None:
        """P29: the customer did not come; a rescheduling touch follows."""
        self._require_booked("miss")
        self.status = AppointmentStatus.MISSED
        self.closed_at = at
        self._changed(at)

    def attend(self, *, at: datetime) -> None:
        """The customer came."""
        self._require_booked("attend")
        self.status = AppointmentStatus.ATTENDED
        self.closed_at = at
        self._changed(at)
