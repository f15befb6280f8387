"""Events of tiers, membership, points and referrals.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from clientcare.kernel._events import DomainEvent
from clientcare.playbook import AbcLabel

__all__ = [
    "AttitudeOverridden",
    "ContractRenewalDue",
    "ContractSigned",
    "MembershipAnniversary",
    "MembershipDowngraded",
    "MembershipExpiring",
    "MembershipInvited",
    "MembershipJoined",
    "MembershipRenewed",
    "MembershipUpgraded",
    "PointsBalanceChanged",
    "PointsExpiring",
    "ReferralCredited",
    "ReferralRecorded",
    "TierDowngraded",
    "TierUpgraded",
    "TiersRecomputed",
]


@attrs.frozen(kw_only=True)
class TierUpgraded(DomainEvent):
    """P10: a customer moved up the ABC ladder (C to B, B to A)."""

    customer_id: str
    before: AbcLabel
    after: AbcLabel


@attrs.frozen(kw_only=True)
class TierDowngraded(DomainEvent):
    """P10: a customer moved down the ABC ladder; worth a look before they drift away."""

    customer_id: str
    before: AbcLabel
    after: AbcLabel


@attrs.frozen(kw_only=True)
class TiersRecomputed(DomainEvent):
    """P10/P12: the periodic ABC run finished; counts and the serialisation degree."""

    run_id: str
    a: int
    b: int
    c: int
    changed: int
    serialisation_degree: Decimal


@attrs.frozen(kw_only=True)
class AttitudeOverridden(DomainEvent):
    """P11: staff set (or lifted, ``segment`` None) a customer's attitude segment."""

    customer_id: str
    segment: str | None
    by: str


@attrs.frozen(kw_only=True)
class MembershipInvited(DomainEvent):
    """P14: an old customer was invited to join the membership."""

    customer_id: str
    by: str


@attrs.frozen(kw_only=True)
class MembershipJoined(DomainEvent):
    """P14: a customer became a member at ``level``."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class MembershipUpgraded(DomainEvent):
    """P14: a member moved to a higher level."""

    customer_id: str
    before: str
    after: str
    reason: str


@attrs.frozen(kw_only=True)
class MembershipDowngraded(DomainEvent):
    """P14: a member moved down (``after`` None: the membership lapsed)."""

    customer_id: str
    before: str
    after: str | None
    reason: str


@attrs.frozen(kw_only=True)
class MembershipRenewed(DomainEvent):
    """P14: the level's rule was met again; the card is valid for longer."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class MembershipExpiring(DomainEvent):
    """P14/P22: remind the member before the card expires."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class PointsBalanceChanged(DomainEvent):
    """P14/P15: points earned, redeemed, expired or reversed."""

    customer_id: str
    change: int
    balance: int
    reason: str


@attrs.frozen(kw_only=True)
class PointsExpiring(DomainEvent):
    """P15: points will expire soon; a nudge to come back and use them."""

    customer_id: str
    points: int
    expires_at: datetime


@attrs.frozen(kw_only=True)
class ContractSigned(DomainEvent):
    """P16: a B2B contract locks in terms for a period."""

    contract_id: str
    customer_id: str
    ends_on: datetime


@attrs.frozen(kw_only=True)
class ContractRenewalDue(DomainEvent):
    """P16: a contract's renewal date is near; prepare the renewal talk."""

    contract_id: str
    customer_id: str
    renewal_on: datetime


@attrs.frozen(kw_only=True)
class ReferralRecorded(DomainEvent):
    """P33: a customer referred a new lead (A-grade priority)."""

    referral_id: str
    referrer_id: str
    referred_id: str


@attrs.frozen(kw_only=True)
class ReferralCredited(DomainEvent):
    """P33: the referred customer bought; thank the referrer."""

    referral_id: str
    referrer_id: str
    referred_id: str
    points: int


@attrs.frozen(kw_only=True)
class MembershipAnniversary(DomainEvent):
    """P15: a year (or more) since the customer joined; worth a greeting."""

    customer_id: str
    years: int
