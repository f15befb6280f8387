"""Tiers, membership, points, referrals, benefits and contracts (P10–P17, P33).

:class:`AbcLabel` lives here, at the bottom of the layers, because every area
that speaks of tiers (loyalty, cadences, assessments) and the rules that
depend on a tier (rotation cycles, assessment periods) use the same words.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import at_least_zero, choice, fraction, month_days, positive
from clientcare.playbook._provenance import assumed, documented

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


@attrs.frozen
class AbcRules:
    """P10: ABC by purchase amount over a rolling period.

    ``basis = "spend"`` (the default) cuts by cumulative share of spend: the
    customers who make the first 80% of spend are A, the next 15% B, the rest
    C. ``basis = "customers"`` cuts by share of customers instead (the top 20%
    A, the next 30% B). See docs/tiers.md for ties and zero spend.
    """

    basis: str = documented(
        "spend", seed="002", passage="80%的销售业绩来自与20%的顾客", validator=choice("spend", "customers")
    )
    a_spend_share: Decimal = documented(
        Decimal("0.80"), seed="002", passage="80%的销售业绩来自与20%的顾客", validator=fraction
    )
    b_spend_share: Decimal = assumed(
        Decimal("0.15"), why="the documents say B is between A and C without a cut; the next 15%", validator=fraction
    )
    a_customer_share: Decimal = documented(
        Decimal("0.20"), seed="002", passage="80%的销售业绩来自与20%的顾客", validator=fraction
    )
    b_customer_share: Decimal = assumed(
        Decimal("0.30"), why="the documents say B is between A and C without a cut; the next 30%", validator=fraction
    )
    period_days: int = assumed(365, why="no period in the documents; a year of sales", validator=positive)

    def __attrs_post_init__(self) -> None:
        if self.a_spend_share + self.b_spend_share > 1:
            raise PlaybookError("b_spend_share", "a_spend_share + b_spend_share must not exceed 1")
        if self.a_customer_share + self.b_customer_share > 1:
            raise PlaybookError("b_customer_share", "a_customer_share + b_customer_share must not exceed 1")


@attrs.frozen
class SegmentRules:
    """P11 attitude segments, P13 new/returning/old, P17 key accounts."""

    window_days: int = assumed(365, why="seed 001 names the segments but no window; a year", validator=positive)
    loyal_min_purchases: int = assumed(
        3, why="seed 001 gives no count for a loyal customer; three sales", validator=positive
    )
    loyal_recency_days: int = assumed(180, why="no recency in the documents; half a year", validator=positive)
    early_adopter_days: int = assumed(
        30, why="seed 001 names early adopters of new products without a period; a month", validator=positive
    )
    switcher_lapse_days: int = assumed(180, why="no lapse in the documents; half a year", validator=positive)
    switcher_tag: str = assumed("bought-competitor", why="a tag name staff set; the documents have none")
    discount_share: Decimal = assumed(
        Decimal("0.5"), why="seed 001 names customers with no brand loyalty, not a share; half", validator=fraction
    )
    old_min_purchases: int = assumed(
        3, why="seed 002 says 有连续购买欲望和行为 (keeps buying) without a count; three sales", validator=positive
    )
    poor_relationship_tag: str = assumed("relationship-poor", why="a tag name staff set; the documents have none")
    a_customers_are_key: bool = documented(True, seed="001", passage="劃分為ABC三類。A類,大客戶")

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
    threshold: Decimal = assumed(
        Decimal(0), why="a level open to all unless the tenant sets a threshold", validator=at_least_zero
    )
    by_invitation: bool = assumed(False, why="a level anyone qualifying enters unless the tenant says otherwise")
    discount: Decimal = documented(Decimal("0.12"), seed="002", passage="正价商品8.8折", validator=fraction)
    points_multiplier: Decimal = assumed(Decimal(1), why="the documents give no multiplier", validator=at_least_zero)
    birthday_gift: bool = documented(True, seed="002", passage="生日时,可获赠生日礼品")
    catalogue: bool = documented(True, seed="002", passage="每季的新品画册")
    free_services: tuple[str, ...] = assumed((), why="the tenant's own services; the documents list none")


def _default_levels() -> tuple[MemberLevel, ...]:
    return (
        # The document's brand: VIPs get 12% off full-price goods (8.8折), points
        # redeemable for gifts, a birthday gift and each season's catalogue. The
        # thresholds are assumptions: no document gives a spend for a level.
        MemberLevel(name="vip", threshold=Decimal(3000), by_invitation=True),
        MemberLevel(
            name="gold", threshold=Decimal(10000), points_multiplier=Decimal("1.5"), free_services=("alterations",)
        ),
    )


def _days_ahead(value: object) -> tuple[int, ...]:
    # One number (the older form of the key) is one reminder.
    items = (value,) if isinstance(value, int) else tuple(value) if isinstance(value, (list, tuple)) else ()
    if not items or any(isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in items):
        raise PlaybookError("expiry_reminder_days", "must be one or more whole numbers of days greater than zero")
    return tuple(sorted(set(items), reverse=True))


@attrs.frozen
class MembershipRules:
    """P14–P16: the membership programme as a policy, lowest level first."""

    levels: tuple[MemberLevel, ...] = attrs.field(
        factory=_default_levels,
        metadata={
            "provenance": {
                "source": "assumption",
                "why": "the 12% off full-price goods, points for gifts, the birthday gift and the season's "
                "catalogue are seed 002's (8.8折, 积分兑换礼品, 生日礼品, 新品画册), but no document gives "
                "a spend to reach a level: 3,000 (vip) and 10,000 (gold) are ours",
            }
        },
    )
    measure: str = assumed(
        "spend",
        why="the documents name no measure for a level",
        validator=choice("spend", "points_earned", "purchases"),
    )
    window: str = assumed("rolling", why="no window in the documents", validator=choice("rolling", "calendar"))
    window_days: int = assumed(365, why="no window in the documents; a year", validator=positive)
    validity_days: int = assumed(
        365, why="seed 000 speaks of a card expiring (快到期) but not its validity; a year", validator=positive
    )
    grace_days: int = assumed(30, why="no grace period in the documents; a month", validator=at_least_zero)
    downgrade: str = assumed(
        "at_review",
        why="the documents do not say when a member goes down",
        validator=choice("never", "at_review", "anniversary", "fixed_dates", "months_after_promotion"),
    )
    downgrade_step: str = assumed(
        "one_step",
        why="the documents do not say how far a member goes down",
        validator=choice("one_step", "recalculate"),
    )
    fixed_dates: tuple[str, ...] = assumed(
        ("01-01",), why="only read with downgrade = fixed_dates; New Year", validator=month_days
    )
    months_after_promotion: int = assumed(
        12, why="only read with downgrade = months_after_promotion; a year", validator=positive
    )
    #: P14/P22: the one setting for card expiry reminders — ``MembershipExpiring`` and
    #: a touch at the first (largest) number of days before the validity ends, a
    #: second touch at each further one; the first is also the renewal window.
    expiry_reminder_days: tuple[int, ...] = attrs.field(
        default=(30, 7),
        converter=_days_ahead,
        metadata={
            "provenance": {
                "source": "assumption",
                "why": "seed 000 calls the member when the card is about to expire (会员优惠卡快到期了打个电话提醒她) "
                "but gives no number of days: a month ahead, then a week ahead, are ours",
            }
        },
    )
    #: P14: only old customers (P13, ``segments.is_old``) are invited, join at a
    #: sale or are enrolled; a brand-new customer's big first sale makes no member.
    old_customers_only: bool = attrs.field(
        default=True,
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "002",
                "passage": "◇建议老顾客申请办理我们马克华菲VIP、并告知VIP顾客的优惠及福利、VIP管理制度。",
            }
        },
    )

    @property
    def first_reminder_days(self) -> int:
        """Days before the validity end of the first card reminder (and the renewal window)."""
        return max(self.expiry_reminder_days)

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

    rate: Decimal = assumed(
        Decimal(1), why="seed 002 gives points (积分兑换礼品) but no rate; a point a yuan", validator=at_least_zero
    )
    rounding: str = assumed("down", why="no rounding in the documents", validator=choice("down", "half_up"))
    expiry_days: int = assumed(
        365, why="seed 004's points cycle (消費循環積分) without an expiry; a year", validator=positive
    )
    expiry_warning_days: int = assumed(30, why="no warning period in the documents; a month", validator=positive)
    min_redeem: int = assumed(100, why="no minimum in the documents", validator=positive)
    point_value: Decimal = assumed(Decimal("0.01"), why="no value in the documents; 1% back", validator=at_least_zero)
    members_only: bool = documented(True, seed="002", passage="积分兑换礼品")
    gifts: tuple[Gift, ...] = assumed(
        why="seed 002 names gifts for points but no catalogue; two examples", factory=_default_gifts
    )


@attrs.frozen
class ReferralRules:
    """P33: what a referrer gets when the referred customer first buys."""

    credit_points: int = assumed(
        200, why="seed 003 asks for referrals (轉介紹) and thanks but gives no reward", validator=at_least_zero
    )


@attrs.frozen
class BenefitRules:
    """P15/P16: benefits at the till beyond the member discount."""

    frequency_every: int = assumed(10, why="seed 003 names frequency marketing without numbers", validator=positive)
    frequency_discount: Decimal = assumed(
        Decimal("0.10"), why="seed 003 names frequency marketing without numbers", validator=fraction
    )
    bundle_categories: tuple[str, ...] = assumed(
        ("top", "bottom", "outerwear"), why="seed 003 names bundles of the full line; a clothing shop's categories"
    )
    bundle_discount: Decimal = assumed(Decimal("0.05"), why="no bundle discount in the documents", validator=fraction)
    birthday_treat: str = documented("birthday gift", seed="004", passage="在會員生日當月會免費贈送生日餐")


@attrs.frozen
class ContractRules:
    """P16: B2B contracts that lock in terms; renewal is prepared in advance."""

    renewal_notice_days: int = assumed(
        60, why="seed 003 names contracts that lock in terms, not their renewal; two months", validator=positive
    )
