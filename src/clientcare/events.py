"""Domain events: facts that happened, carried to subscribers and the outbox.

Events carry identifiers and figures, never personal data, so they can be
stored in an outbox, logged and sent to other systems safely.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

__all__ = [
    "CardReviewed",
    "ConsentGiven",
    "ConsentWithdrawn",
    "CustomerErased",
    "CustomerRegistered",
    "DomainEvent",
    "NoteAdded",
    "ProfileChanged",
    "PurchaseRecorded",
    "ReturnRecorded",
    "SilentComplaintSignal",
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
