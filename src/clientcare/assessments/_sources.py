"""Ports for the data an assessment reads from outside its own area.

Complaints, referrals and contact responsiveness belong to other areas, and
figures such as payment punctuality live in the embedding system's ERP.
Each is a narrow ``typing.Protocol``. Every method may answer ``None``,
meaning "no data": the indicator is then marked as not available and left
out, and the weights of the others are re-normalised. A made-up number is
never used in its place.

:class:`NoData` implements all of them and answers ``None`` every time; it
is the default until a real source is wired in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from clientcare.playbook import AbcLabel

__all__ = [
    "AssessmentSources",
    "ComplaintHistory",
    "IndicatorSource",
    "NoData",
    "ReferralHistory",
    "ResponsivenessHistory",
    "TierLookup",
]


@runtime_checkable
class ComplaintHistory(Protocol):
    """Complaints filed by a customer (the complaints area)."""

    def severities(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Sequence[str] | None:
        """The severity of each complaint filed in ``[since, until)``; None when unknown."""
        ...


@runtime_checkable
class ReferralHistory(Protocol):
    """Referrals given by a customer (P33, the follow-up area)."""

    def referrals_given(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> int | None:
        """How many customers this one referred in ``[since, until)``; None when unknown."""
        ...


@runtime_checkable
class ResponsivenessHistory(Protocol):
    """How well a customer answers when contacted (the follow-up area)."""

    def response_rate(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Decimal | None:
        """Answered contacts over attempted ones in ``[since, until)``, 0..1; None when no contact was tried."""
        ...


@runtime_checkable
class IndicatorSource(Protocol):
    """Figures the embedding system supplies (payment punctuality from the ERP, ...)."""

    def reading(
        self, tenant: str, customer_id: str, indicator: str, *, since: datetime, until: datetime
    ) -> Decimal | None:
        """The raw figure for ``indicator`` (mapped by the form's zero_at/full_at); None when unknown."""
        ...


@runtime_checkable
class TierLookup(Protocol):
    """A customer's tier (the tiers area), which sets how often it is assessed."""

    def tier_of(self, tenant: str, customer_id: str) -> AbcLabel | None:
        """The customer's ABC tier, or None when the customer has none."""
        ...


class NoData:
    """Every source at once, answering "no data" — never a number it does not have."""

    def severities(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Sequence[str] | None:
        """No complaint data."""
        return None

    def referrals_given(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> int | None:
        """No referral data."""
        return None

    def response_rate(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Decimal | None:
        """No contact data."""
        return None

    def reading(
        self, tenant: str, customer_id: str, indicator: str, *, since: datetime, until: datetime
    ) -> Decimal | None:
        """No external figure."""
        return None

    def tier_of(self, tenant: str, customer_id: str) -> AbcLabel | None:
        """No tier."""
        return None

    def __repr__(self) -> str:
        return "NoData()"


_NO_DATA = NoData()


@attrs.frozen(kw_only=True)
class AssessmentSources:
    """The outside data an assessment may use; each part defaults to :class:`NoData`.

    Pass one to :class:`clientcare.Clientcare` (``assessment_sources=``) to
    wire the ERP, or the other areas' real histories.
    """

    complaints: ComplaintHistory = _NO_DATA
    referrals: ReferralHistory = _NO_DATA
    responsiveness: ResponsivenessHistory = _NO_DATA
    external: IndicatorSource = _NO_DATA
    tiers: TierLookup = _NO_DATA
