"""Domain events: facts that happened, carried to subscribers and the outbox.

Events carry identifiers and figures, never personal data, so they can be
stored in an outbox, logged and sent to other systems safely.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

__all__ = [
    "AppointmentChanged",
    "CardReviewed",
    "ConsentGiven",
    "ConsentWithdrawn",
    "CustomerErased",
    "CustomerRegistered",
    "DomainEvent",
    "FollowUpStarted",
    "FollowUpStopped",
    "LostCustomerInterviewed",
    "NoteAdded",
    "ProfileChanged",
    "PurchaseRecorded",
    "ReturnRecorded",
    "SaleCredited",
    "SilentComplaintSignal",
    "TouchCancelled",
    "TouchCompleted",
    "TouchHeld",
    "TouchPlanned",
    "TouchRescheduled",
    "TouchSkipped",
    "WantedItemArrived",
    "WantedItemRegistered",
]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: the tenant it belongs to and when it happened."""

    tenant: str
    occurred_at: datetime

    @property
    def name(self) -> str:
        """The event's type name, as stored in the outbox."""
        return type(self).__name__


@attrs.frozen(kw_only=True)
class CustomerRegistered(DomainEvent):
    """P01: a customer was registered."""

    customer_id: str
    store_id: str | None


@attrs.frozen(kw_only=True)
class ProfileChanged(DomainEvent):
    """P02/P03/P06: profile or card fields changed (names only, not values)."""

    customer_id: str
    fields: tuple[str, ...]
    by: str


@attrs.frozen(kw_only=True)
class CardReviewed(DomainEvent):
    """P06: a staff member confirmed the relationship card is accurate."""

    customer_id: str
    by: str


@attrs.frozen(kw_only=True)
class ConsentGiven(DomainEvent):
    """P04: consent given for a purpose on a channel."""

    customer_id: str
    purpose: str
    channel: str


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(DomainEvent):
    """P04: consent withdrawn; nothing more may be sent for it."""

    customer_id: str
    purpose: str
    channel: str


@attrs.frozen(kw_only=True)
class CustomerErased(DomainEvent):
    """P04: personal data erased; anonymous purchase figures kept."""

    customer_id: str


@attrs.frozen(kw_only=True)
class NoteAdded(DomainEvent):
    """P08: a staff member wrote a note about a customer."""

    customer_id: str
    note_id: str
    author: str


@attrs.frozen(kw_only=True)
class PurchaseRecorded(DomainEvent):
    """P05: a sale was recorded in the deal archive."""

    purchase_id: str
    customer_id: str | None
    store_id: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class ReturnRecorded(DomainEvent):
    """P05: goods came back; the amount is negative."""

    purchase_id: str
    original_id: str
    customer_id: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class SilentComplaintSignal(DomainEvent):
    """P50: a sign of an unhappy customer who did not complain (a low survey
    answer, a negative contact outcome). The complaints area listens and
    opens a complaint, so the customer is heard before leaving."""

    customer_id: str
    source: str  # "survey", "contact_outcome", ...
    reference: str  # the survey answer or touch that raised it
    severity: str = "normal"


# -- follow-up cadences and touches (P20–P35) ------------------------------------


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
    """A touch moved to another day (no answer, staff decision, quiet hours)."""

    touch_id: str
    customer_id: str
    before: date
    after: date
    why: str


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
    """P27: a lost customer told why they left, to whom, and if they may return."""

    touch_id: str
    customer_id: str
    reason: str
    competitor: str | None
    win_back: bool
