"""Events of touches, sequences and appointments.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.kernel._events import DomainEvent

__all__ = [
    "AppointmentChanged",
    "FollowUpStarted",
    "FollowUpStopped",
    "LeadReferred",
    "LostCustomerInterviewed",
    "SaleCredited",
    "TouchCancelled",
    "TouchCompleted",
    "TouchDeliveryFailed",
    "TouchHeld",
    "TouchPlanned",
    "TouchRescheduled",
    "TouchSkipped",
    "WantedItemArrived",
    "WantedItemRegistered",
]


@attrs.frozen(kw_only=True)
class TouchPlanned(DomainEvent):
    """P20–P35: a touch was planned for a customer."""

    touch_id: str
    customer_id: str
    reason: str
    due: date
    owner: str | None
    automated: bool


@attrs.frozen(kw_only=True)
class TouchCompleted(DomainEvent):
    """A touch was done; ``outcome`` says what came of it."""

    touch_id: str
    customer_id: str
    reason: str
    outcome: str
    by: str
    sequence_no: int | None = None


@attrs.frozen(kw_only=True)
class TouchRescheduled(DomainEvent):
    """A touch moved to another day.

    ``why`` is a code: ``no_answer`` (retried after no answer) or ``by_staff``
    (moved by hand; the reason staff typed stays on the touch, never in the outbox).
    """

    touch_id: str
    customer_id: str
    before: date
    after: date
    why: str


@attrs.frozen(kw_only=True)
class TouchDeliveryFailed(DomainEvent):
    """An automated message could not be delivered.

    ``reason`` is a code (the notifier's error class or ``refused``), never
    the error's text; ``retry_at`` is when dispatch tries again, ``None`` once
    the touch is dead-lettered (``care.touches.failed()``).
    """

    touch_id: str
    customer_id: str
    attempt: int
    reason: str
    retry_at: datetime | None


@attrs.frozen(kw_only=True)
class TouchSkipped(DomainEvent):
    """A touch was not done on purpose; ``why`` says why."""

    touch_id: str
    customer_id: str
    reason: str
    why: str


@attrs.frozen(kw_only=True)
class TouchCancelled(DomainEvent):
    """A touch is no longer wanted (sequence stopped, opt-out)."""

    touch_id: str
    customer_id: str
    reason: str
    why: str


@attrs.frozen(kw_only=True)
class TouchHeld(DomainEvent):
    """P21: a touch paused for an open complaint (``held``) or released."""

    touch_id: str
    customer_id: str
    held: bool


@attrs.frozen(kw_only=True)
class FollowUpStarted(DomainEvent):
    """P21: a follow-up sequence of up to 11 touches began."""

    sequence_id: str
    customer_id: str
    owner: str | None


@attrs.frozen(kw_only=True)
class FollowUpStopped(DomainEvent):
    """P21: a sequence ended (purchase, reply, opt-out, terminated, exhausted)."""

    sequence_id: str
    customer_id: str
    why: str
    touches_done: int


@attrs.frozen(kw_only=True)
class SaleCredited(DomainEvent):
    """P21/P31: a sale followed a touch; ``touch_no`` is its place in a sequence."""

    purchase_id: str
    customer_id: str
    touch_id: str | None
    touch_no: int | None
    owner: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class AppointmentChanged(DomainEvent):
    """P29: an appointment was booked, moved, cancelled, missed or attended."""

    appointment_id: str
    customer_id: str
    status: str
    staff_id: str | None


@attrs.frozen(kw_only=True)
class WantedItemRegistered(DomainEvent):
    """P28: a customer wants an item that is out of stock."""

    wish_id: str
    customer_id: str
    style_no: str


@attrs.frozen(kw_only=True)
class WantedItemArrived(DomainEvent):
    """P28: the item arrived and the customer's touch was planned."""

    wish_id: str
    customer_id: str
    style_no: str
    touch_id: str | None


@attrs.frozen(kw_only=True)
class LostCustomerInterviewed(DomainEvent):
    """P27: a lost customer was interviewed and may or may not be won back.

    Why they left and to whom is free text: it stays on the touch's outcome
    details, never in the outbox.
    """

    touch_id: str
    customer_id: str
    win_back: bool


@attrs.frozen(kw_only=True)
class LeadReferred(DomainEvent):
    """P33: a customer gave a referral at a touch and the friend was registered as a lead."""

    touch_id: str
    referrer_id: str
    referred_id: str
