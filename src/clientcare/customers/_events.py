"""Events of the customer archive.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

import attrs

from clientcare.kernel._events import DomainEvent

__all__ = [
    "CardReviewed",
    "ConsentGiven",
    "ConsentWithdrawn",
    "CustomerErased",
    "CustomerRegistered",
    "CustomersMerged",
    "NoteAdded",
    "ProfileChanged",
]


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
    """P04: personal data erased; anonymous purchase figures kept. The audit entry:
    who (``by``, a staff id) erased whom (``customer_id``) and when (``occurred_at``)."""

    customer_id: str
    by: str = ""


@attrs.frozen(kw_only=True)
class NoteAdded(DomainEvent):
    """P08: a staff member wrote a note about a customer."""

    customer_id: str
    note_id: str
    author: str


@attrs.frozen(kw_only=True)
class CustomersMerged(DomainEvent):
    """One person registered twice is one customer again: ``absorbed_id`` now resolves to ``kept_id``."""

    kept_id: str
    absorbed_id: str
    by: str
