"""Events of the deal archive.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.kernel._events import DomainEvent

__all__ = ["PurchaseRecorded", "ReturnRecorded"]


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
