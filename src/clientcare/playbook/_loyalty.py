"""Tiers, membership, points, referrals, benefits and contracts (P10–P17, P33).

:class:`AbcLabel` lives here, at the bottom of the layers, because every area
that speaks of tiers (loyalty, cadences, assessments) and the rules that
depend on a tier (rotation cycles, assessment periods) use the same words.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import at_least_zero, choice, fraction, positive

__all__ = [
    "AbcLabel",
    "AbcRules",
    "BenefitRules",
    "ContractRules",
    "Gift",
    "MemberLevel",
    "MembershipRules",
    "PointsRules",
    "ReferralRules",
    "SegmentRules",
]


class AbcLabel(enum.StrEnum):
    """P10: A — the few with most of the spend; C — the many with little."""

    A = "A"
    B = "B"
    C = "C"


def _month_day(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for item in value:
        month, _, day = item.partition("-")
        if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            raise PlaybookError(attribute.name, "each date must be MM-DD")


@attrs.frozen
class AbcRules:
    """P10: ABC by purchase amount over a rolling period.

    ``basis = "spend"`` (the default) cuts by cumulative share of spend: the
    customers who make the first 80% of spend are A, the next 15% B, the rest
    C. ``basis = "customers"`` cuts by share of customers instead (the top 20%
    A, the next 30% B). See docs/tiers.md for ties and zero spend.
    """

    basis: str = attrs.field(default="spend", validator=choice("spend", "customers"))
    a_spend_share: Decimal = attrs.field(default=Decimal("0.80"), validator=fraction)
    b_spend_share: Decimal = attrs.field(default=Decimal("0.15"), validator=fraction)
    a_customer_share: Decimal = attrs.field(default=Decimal("0.20"), validator=fraction)
    b_customer_share: Decimal = attrs.field(default=Decimal("0.30"), validator=fraction)
    period_days: int = attrs.field(default=365, validator=positive)

    def __attrs_post_init__(self) -> None:
        if self.a_spend_share + self.b_spend_share > 1:
            raise PlaybookError("b_spend_share", "a_spend_share + b_spend_share must not exceed 1")
        if self.a_customer_share + self.b_customer_share > 1:
            raise PlaybookError("b_customer_share", "a_customer_share + b_customer_share must not exceed 1")


@attrs.frozen
class SegmentRules:
    """P11 attitude segments, P13 new/returning/old, P17 key accounts."""

    window_days: int = attrs.field(default=365, validator=positive)
    loyal_min_purchases: int = attrs.field(default=3, validator=positive)
    loyal_recency_days: int = attrs.field(default=180, validator=positive)
    early_adopter_days: int = attrs.field(default=30, validator=positive)
    switcher_lapse_days: int = attrs.field(default=180, validator=positive)
    switcher_tag: str = "bought-competitor"
    discount_share: Decimal = attrs.field(default=Decimal("0.5"), validator=fraction)
    old_min_purchases: int = attrs.field(default=3, validator=positive)
    poor_relationship_tag: str = "relationship-poor"
    a_customers_are_key: bool = True

    def is_old(self, *, sales: int, referrals: int, poor_relationship: bool) -> bool:
        """P13, the one rule for "old customer" (tiers, cadences, membership alike):
        has bought, the relationship is not poor, and has referred someone
        (带来新的客户, seed 002) or keeps buying (``old_min_purchases`` sales)."""
        return sales >= 1 and not poor_relationship and (referrals >= 1 or sales >= self.old_min_purchases)


@attrs.frozen
class MemberLevel:
    """P14: one membership level, its entry rule and its benefits.

    A customer enters the level when the programme's qualifying measure in
    its window reaches ``threshold`` (or by invitation when
    ``by_invitation``). ``discount`` applies to full-price goods only.
    """

    name: str
    threshold: Decimal = attrs.field(default=Decimal(0), validator=at_least_zero)
    by_invitation: bool = False
    discount: Decimal = attrs.field(default=Decimal("0.12"), validator=fraction)
    points_multiplier: Decimal = attrs.field(default=Decimal(1), validator=at_least_zero)
    birthday_gift: bool = True
    catalogue: bool = True
    free_services: tuple[str, ...] = ()


def _default_levels() -> tuple[MemberLevel, ...]:
    return (
        # The document's brand: VIPs get 12% off full-price goods (8.8折), points
        # redeemable for gifts, a birthday gift and each season's catalogue.
        MemberLevel(name="vip", threshold=Decimal(3000), by_invitation=True),
        MemberLevel(
            name="gold", threshold=Decimal(10000), points_multiplier=Decimal("1.5"), free_services=("alterations",)
        ),
    )


@attrs.frozen
class MembershipRules:
    """P14–P16: the membership programme as a policy, lowest level first."""

    levels: tuple[MemberLevel, ...] = attrs.field(factory=_default_levels)
    measure: str = attrs.field(default="spend", validator=choice("spend", "points_earned", "purchases"))
    window: str = attrs.field(default="rolling", validator=choice("rolling", "calendar"))
    window_days: int = attrs.field(default=365, validator=positive)
    validity_days: int = attrs.field(default=365, validator=positive)
    grace_days: int = attrs.field(default=30, validator=at_least_zero)
    downgrade: str = attrs.field(
        default="at_review",
        validator=choice("never", "at_review", "anniversary", "fixed_dates", "months_after_promotion"),
    )
    downgrade_step: str = attrs.field(default="one_step", validator=choice("one_step", "recalculate"))
    fixed_dates: tuple[str, ...] = attrs.field(default=("01-01",), validator=_month_day)
    months_after_promotion: int = attrs.field(default=12, validator=positive)
    expiry_reminder_days: int = attrs.field(default=30, validator=positive)
    invite_old_customers_only: bool = True

    def __attrs_post_init__(self) -> None:
        names = [level.name for level in self.levels]
        if not names:
            raise PlaybookError("levels", "at least one level")
        if len(set(names)) != len(names):
            raise PlaybookError("levels", "level names must be unique")
        thresholds = [level.threshold for level in self.levels]
        if thresholds != sorted(thresholds):
            raise PlaybookError("levels", "thresholds must rise from the first level to the last")


@attrs.frozen
class Gift:
    """P14: a gift in the points catalogue."""

    code: str
    name: str
    points: int = attrs.field(validator=positive)


def _default_gifts() -> tuple[Gift, ...]:
    return (Gift(code="tote", name="帆布袋", points=500), Gift(code="scarf", name="丝巾", points=2000))


@attrs.frozen
class PointsRules:
    """P14/P15: points that cycle — earned on purchases, redeemed, expiring.

    ``rate`` points per currency unit paid, times the level's multiplier,
    rounded ``down`` (whole points, never in the customer's disfavour by more
    than one point) or ``half_up``.
    """

    rate: Decimal = attrs.field(default=Decimal(1), validator=at_least_zero)
    rounding: str = attrs.field(default="down", validator=choice("down", "half_up"))
    expiry_days: int = attrs.field(default=365, validator=positive)
    expiry_warning_days: int = attrs.field(default=30, validator=positive)
    min_redeem: int = attrs.field(default=100, validator=positive)
    point_value: Decimal = attrs.field(default=Decimal("0.01"), validator=at_least_zero)
    members_only: bool = True
    gifts: tuple[Gift, ...] = attrs.field(factory=_default_gifts)


@attrs.frozen
class ReferralRules:
    """P33: what a referrer gets when the referred customer first buys."""

    credit_points: int = attrs.field(default=200, validator=at_least_zero)


@attrs.frozen
class BenefitRules:
    """P15/P16: benefits at the till beyond the member discount."""

    frequency_every: int = attrs.field(default=10, validator=positive)
    frequency_discount: Decimal = attrs.field(default=Decimal("0.10"), validator=fraction)
    bundle_categories: tuple[str, ...] = ("top", "bottom", "outerwear")
    bundle_discount: Decimal = attrs.field(default=Decimal("0.05"), validator=fraction)
    birthday_treat: str = "birthday gift"


@attrs.frozen
class ContractRules:
    """P16: B2B contracts that lock in terms; renewal is prepared in advance."""

    renewal_notice_days: int = attrs.field(default=60, validator=positive)
