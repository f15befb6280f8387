"""The playbook: every number the source documents give, as one typed object.

Defaults come from the documents (the 20/80 weighting of hard and soft
profile, China as the first market). A tenant may load its own playbook from
TOML; a wrong value is a :class:`~clientcare.errors.PlaybookError` naming the
key (``profile.hard_weight``) and the rule it broke.
"""

from __future__ import annotations

import itertools
import tomllib
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs

from clientcare.errors import PlaybookError
from clientcare.playbook._assessments import AssessmentRules, SurveyRules

__all__ = [
    "AbcRules",
    "AfterPurchaseRules",
    "AnalyticsRules",
    "AssessmentRules",
    "BenefitRules",
    "BusinessHours",
    "CadenceRules",
    "CardRules",
    "ComplaintRules",
    "ContactRules",
    "ContractRules",
    "FollowUpRules",
    "Gift",
    "GreetingRules",
    "LocaleSettings",
    "LostRules",
    "MemberLevel",
    "MembershipRules",
    "Playbook",
    "PointsRules",
    "ProfileWeights",
    "ReferralRules",
    "RotationRules",
    "SegmentRules",
    "SurveyRules",
]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value <= 0:
        raise PlaybookError(attribute.name, "must be greater than zero")


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise PlaybookError(attribute.name, "must be between 0 and 1")


def _timezone(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlaybookError(attribute.name, "must be an IANA time zone name") from None


def _currency(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise PlaybookError(attribute.name, "must be an upper-case ISO 4217 code")


def _country(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        raise PlaybookError(attribute.name, "must be an upper-case ISO 3166 alpha-2 code")


@attrs.frozen
class LocaleSettings:
    """Where the tenant trades: currency, time zone, country, language."""

    currency: str = attrs.field(default="CNY", validator=_currency)
    timezone: str = attrs.field(default="Asia/Shanghai", validator=_timezone)
    country: str = attrs.field(default="CN", validator=_country)
    language: str = "zh_CN"

    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


@attrs.frozen
class ProfileWeights:
    """P03: the hard archive is worth 20% of a profile, the soft archive 80%."""

    hard_weight: Decimal = attrs.field(default=Decimal("0.2"), validator=_fraction)
    soft_weight: Decimal = attrs.field(default=Decimal("0.8"), validator=_fraction)

    def __attrs_post_init__(self) -> None:
        if self.hard_weight + self.soft_weight != Decimal(1):
            raise PlaybookError("hard_weight", "hard_weight + soft_weight must equal 1")


@attrs.frozen
class CardRules:
    """P06: a relationship card not reviewed within this many days is stale."""

    stale_after_days: int = attrs.field(default=90, validator=_positive)
    key_stale_after_days: int = attrs.field(default=30, validator=_positive)


# -- tiers, membership, points, referrals (P10–P17, P33) ---------------------


def _choice(*allowed: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in allowed:
            raise PlaybookError(attribute.name, f"must be one of {', '.join(allowed)}")

    return check


def _at_least_zero(instance: object, attribute: attrs.Attribute[Any], value: Decimal | int) -> None:
    if value < 0:
        raise PlaybookError(attribute.name, "must not be negative")


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

    basis: str = attrs.field(default="spend", validator=_choice("spend", "customers"))
    a_spend_share: Decimal = attrs.field(default=Decimal("0.80"), validator=_fraction)
    b_spend_share: Decimal = attrs.field(default=Decimal("0.15"), validator=_fraction)
    a_customer_share: Decimal = attrs.field(default=Decimal("0.20"), validator=_fraction)
    b_customer_share: Decimal = attrs.field(default=Decimal("0.30"), validator=_fraction)
    period_days: int = attrs.field(default=365, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.a_spend_share + self.b_spend_share > 1:
            raise PlaybookError("b_spend_share", "a_spend_share + b_spend_share must not exceed 1")
        if self.a_customer_share + self.b_customer_share > 1:
            raise PlaybookError("b_customer_share", "a_customer_share + b_customer_share must not exceed 1")


@attrs.frozen
class SegmentRules:
    """P11 attitude segments, P13 new/returning/old, P17 key accounts."""

    window_days: int = attrs.field(default=365, validator=_positive)
    loyal_min_purchases: int = attrs.field(default=3, validator=_positive)
    loyal_recency_days: int = attrs.field(default=180, validator=_positive)
    early_adopter_days: int = attrs.field(default=30, validator=_positive)
    switcher_lapse_days: int = attrs.field(default=180, validator=_positive)
    switcher_tag: str = "bought-competitor"
    discount_share: Decimal = attrs.field(default=Decimal("0.5"), validator=_fraction)
    old_min_purchases: int = attrs.field(default=3, validator=_positive)
    poor_relationship_tag: str = "relationship-poor"
    a_customers_are_key: bool = True


@attrs.frozen
class MemberLevel:
    """P14: one membership level, its entry rule and its benefits.

    A customer enters the level when the programme's qualifying measure in
    its window reaches ``threshold`` (or by invitation when
    ``by_invitation``). ``discount`` applies to full-price goods only.
    """

    name: str
    threshold: Decimal = attrs.field(default=Decimal(0), validator=_at_least_zero)
    by_invitation: bool = False
    discount: Decimal = attrs.field(default=Decimal("0.12"), validator=_fraction)
    points_multiplier: Decimal = attrs.field(default=Decimal(1), validator=_at_least_zero)
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
    measure: str = attrs.field(default="spend", validator=_choice("spend", "points_earned", "purchases"))
    window: str = attrs.field(default="rolling", validator=_choice("rolling", "calendar"))
    window_days: int = attrs.field(default=365, validator=_positive)
    validity_days: int = attrs.field(default=365, validator=_positive)
    grace_days: int = attrs.field(default=30, validator=_at_least_zero)
    downgrade: str = attrs.field(
        default="at_review",
        validator=_choice("never", "at_review", "anniversary", "fixed_dates", "months_after_promotion"),
    )
    downgrade_step: str = attrs.field(default="one_step", validator=_choice("one_step", "recalculate"))
    fixed_dates: tuple[str, ...] = attrs.field(default=("01-01",), validator=_month_day)
    months_after_promotion: int = attrs.field(default=12, validator=_positive)
    expiry_reminder_days: int = attrs.field(default=30, validator=_positive)
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
    points: int = attrs.field(validator=_positive)


def _default_gifts() -> tuple[Gift, ...]:
    return (Gift(code="tote", name="帆布袋", points=500), Gift(code="scarf", name="丝巾", points=2000))


@attrs.frozen
class PointsRules:
    """P14/P15: points that cycle — earned on purchases, redeemed, expiring.

    ``rate`` points per currency unit paid, times the level's multiplier,
    rounded ``down`` (whole points, never in the customer's disfavour by more
    than one point) or ``half_up``.
    """

    rate: Decimal = attrs.field(default=Decimal(1), validator=_at_least_zero)
    rounding: str = attrs.field(default="down", validator=_choice("down", "half_up"))
    expiry_days: int = attrs.field(default=365, validator=_positive)
    expiry_warning_days: int = attrs.field(default=30, validator=_positive)
    min_redeem: int = attrs.field(default=100, validator=_positive)
    point_value: Decimal = attrs.field(default=Decimal("0.01"), validator=_at_least_zero)
    members_only: bool = True
    gifts: tuple[Gift, ...] = attrs.field(factory=_default_gifts)


@attrs.frozen
class ReferralRules:
    """P33: what a referrer gets when the referred customer first buys."""

    credit_points: int = attrs.field(default=200, validator=_at_least_zero)


@attrs.frozen
class BenefitRules:
    """P15/P16: benefits at the till beyond the member discount."""

    frequency_every: int = attrs.field(default=10, validator=_positive)
    frequency_discount: Decimal = attrs.field(default=Decimal("0.10"), validator=_fraction)
    bundle_categories: tuple[str, ...] = ("top", "bottom", "outerwear")
    bundle_discount: Decimal = attrs.field(default=Decimal("0.05"), validator=_fraction)
    birthday_treat: str = "birthday gift"


@attrs.frozen
class ContractRules:
    """P16: B2B contracts that lock in terms; renewal is prepared in advance."""

    renewal_notice_days: int = attrs.field(default=60, validator=_positive)


# -- complaints (P40-P52) -----------------------------------------------------
# Every number below is documented in docs/complaints.md.


def _period(text: str) -> tuple[time, time]:
    start, sep, end = text.partition("-")
    try:
        result = (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
    except ValueError:
        raise PlaybookError("periods", "each period must read HH:MM-HH:MM") from None
    if not sep or result[0] >= result[1]:
        raise PlaybookError("periods", "each period must start before it ends (HH:MM-HH:MM)")
    return result


def _periods(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value:
        raise PlaybookError(attribute.name, "at least one opening period")
    spans = sorted(_period(v) for v in value)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise PlaybookError(attribute.name, "periods must not overlap")


def _weekdays(instance: object, attribute: attrs.Attribute[Any], value: tuple[int, ...] | None) -> None:
    if value is not None and (not value or any(d not in range(7) for d in value)):
        raise PlaybookError(attribute.name, "weekday numbers 0 (Monday) to 6 (Sunday), at least one")


def _dates(value: object) -> tuple[date, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    result: list[date] = []
    for item in items:
        if isinstance(item, date):
            result.append(item)
            continue
        try:
            result.append(date.fromisoformat(str(item)))
        except ValueError:
            raise PlaybookError("dates", "must be ISO dates (YYYY-MM-DD)") from None
    return tuple(sorted(set(result)))


#: China's 2026 adjusted working days (调休: weekends worked in exchange for
#: longer holidays), as published by the State Council. The holidays package
#: knows them as well (``weekend_workdays``); these are the fallback for a
#: tenant whose package version lags behind a new year's schedule.
CN_2026_ADJUSTED_WORKDAYS: tuple[date, ...] = (
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
)


@attrs.frozen
class BusinessHours:
    """When complaint clocks run (P40/P51): working days and opening periods.

    Working days come from the ``holidays`` package for ``locale.country``
    (with China's adjusted working days); ``extra_workdays`` and
    ``extra_holidays`` override it. ``periods`` are the day's opening hours;
    two periods make a split shift with a break between them. ``weekdays``
    replaces the country's weekend rule (``[0,1,2,3,4,5,6]`` for a store open
    every day that is not a public holiday).
    """

    periods: tuple[str, ...] = attrs.field(default=("09:00-12:00", "13:30-18:00"), converter=tuple, validator=_periods)
    weekdays: tuple[int, ...] | None = attrs.field(default=None, validator=_weekdays)
    extra_workdays: tuple[date, ...] = attrs.field(default=CN_2026_ADJUSTED_WORKDAYS, converter=_dates)
    extra_holidays: tuple[date, ...] = attrs.field(default=(), converter=_dates)

    def spans(self) -> tuple[tuple[time, time], ...]:
        """The opening periods as (start, end) times, in order."""
        return tuple(sorted(_period(p) for p in self.periods))


def _hours(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if value <= 0:
        raise PlaybookError(attribute.name, "must be greater than zero")


@attrs.frozen
class SeverityHours:
    """Business hours allowed per severity (minor, normal, major)."""

    minor: Decimal = attrs.field(validator=_hours)
    normal: Decimal = attrs.field(validator=_hours)
    major: Decimal = attrs.field(validator=_hours)

    def __attrs_post_init__(self) -> None:
        if not self.major <= self.normal <= self.minor:
            raise PlaybookError("major", "a more severe complaint must not get more time (major <= normal <= minor)")

    def for_severity(self, severity: str) -> Decimal:
        """The hours for ``severity`` (``minor``, ``normal`` or ``major``)."""
        return Decimal(getattr(self, str(severity)))


def _chain(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value or any(not isinstance(r, str) or not r.strip() for r in value):
        raise PlaybookError(attribute.name, "at least one role, none empty")
    if len(set(value)) != len(value):
        raise PlaybookError(attribute.name, "roles must not repeat")


def _limits(value: object) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise PlaybookError("authority_limits", "must be a table of role = amount")
    result: dict[str, Decimal] = {}
    for role, amount in value.items():
        if isinstance(amount, (bool, float)) or not isinstance(amount, (int, str, Decimal)):
            raise PlaybookError("authority_limits", "amounts must be integers or decimal strings")
        result[str(role)] = Decimal(str(amount))
        if result[str(role)] < 0:
            raise PlaybookError("authority_limits", "amounts must not be negative")
    return result


def _default_sla_first() -> SeverityHours:
    return SeverityHours(minor=Decimal(8), normal=Decimal(4), major=Decimal(1))


def _default_sla_resolution() -> SeverityHours:
    return SeverityHours(minor=Decimal(40), normal=Decimal(24), major=Decimal(8))


def _default_limits() -> dict[str, Decimal]:
    return {
        "handler": Decimal(200),
        "supervisor": Decimal(1000),
        "store_manager": Decimal(5000),
        "regional_manager": Decimal(20000),
    }


@attrs.frozen
class ComplaintRules:
    """P40-P52: promises, escalation, authority and the complaint system.

    ``first_response_hours`` and ``resolution_hours`` are business hours on
    the :class:`BusinessHours` calendar; key customers (P17) get them times
    ``key_customer_factor``. A missed target escalates one level along
    ``escalation_chain`` and one more every ``escalate_every_hours`` it stays
    missed. ``authority_limits`` are in the tenant's currency (P43).
    """

    first_response_hours: SeverityHours = attrs.field(factory=_default_sla_first)
    resolution_hours: SeverityHours = attrs.field(factory=_default_sla_resolution)
    key_customer_factor: Decimal = attrs.field(default=Decimal("0.5"), validator=_fraction)
    after_care_hours: Decimal = attrs.field(default=Decimal(16), validator=_hours)
    escalation_chain: tuple[str, ...] = attrs.field(
        default=("handler", "supervisor", "store_manager", "regional_manager"), converter=tuple, validator=_chain
    )
    escalate_every_hours: Decimal = attrs.field(default=Decimal(4), validator=_hours)
    # hash=False: a dict is unhashable, and the playbook must stay hashable.
    authority_limits: dict[str, Decimal] = attrs.field(factory=_default_limits, converter=_limits, hash=False)
    price_concession_cap: Decimal = attrs.field(default=Decimal("0.05"), validator=_fraction)
    recurrence_threshold: int = attrs.field(default=3, validator=_positive)
    recurrence_window_days: int = attrs.field(default=30, validator=_positive)
    gift_for_major: bool = True
    gift_for_key_customers: bool = True
    hours: BusinessHours = attrs.field(factory=BusinessHours)

    def __attrs_post_init__(self) -> None:
        if self.key_customer_factor == 0:
            raise PlaybookError("key_customer_factor", "must be greater than zero")
        missing = [role for role in self.escalation_chain if role not in self.authority_limits]
        if missing:
            raise PlaybookError("authority_limits", "every role of escalation_chain needs a limit", missing[0])

    def limit_of(self, role: str) -> Decimal | None:
        """The compensation a ``role`` may grant alone (None for an unknown role)."""
        return self.authority_limits.get(role)


@attrs.frozen
class AnalyticsRules:
    """P64: the assumptions behind lifetime value (the documents give no numbers)."""

    gross_margin: Decimal = attrs.field(default=Decimal("0.40"), validator=_fraction)
    discount_rate: Decimal = attrs.field(default=Decimal("0.10"), validator=_fraction)
    yearly_service_cost: Decimal = attrs.field(default=Decimal("0"))

    def __attrs_post_init__(self) -> None:
        if self.yearly_service_cost < 0:
            raise PlaybookError("yearly_service_cost", "must not be negative")


def _positive_days(instance: object, attribute: attrs.Attribute[Any], value: tuple[int, ...]) -> None:
    if any(v <= 0 for v in value):
        raise PlaybookError(attribute.name, "every value must be greater than zero")


def _hour(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if not 0 <= value <= 23:
        raise PlaybookError(attribute.name, "must be an hour from 0 to 23")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 0:
        raise PlaybookError(attribute.name, "must not be negative")


@attrs.frozen
class AfterPurchaseRules:
    """P20/P35: what a recorded sale schedules, and how long a touch earns a sale.

    P20 names no delay; three days lets the customer use the item first.
    P35 says after-sales touches are scheduled, not left to memory: a week,
    a month and a quarter after the sale by default.
    """

    return_visit_days: int = attrs.field(default=3, validator=_positive)
    after_sales_days: tuple[int, ...] = attrs.field(default=(7, 30, 90), validator=_positive_days)
    #: A sale within this many days of a reached touch is credited to it (P21, P31).
    attribution_days: int = attrs.field(default=30, validator=_positive)


@attrs.frozen
class FollowUpRules:
    """P21: up to 11 touches; gaps between them grow (the documents give no gaps)."""

    max_touches: int = attrs.field(default=11, validator=_positive)
    gaps_days: tuple[int, ...] = attrs.field(default=(2, 3, 4, 5, 7, 9, 11, 14, 18, 21), validator=_positive_days)

    def __attrs_post_init__(self) -> None:
        if len(self.gaps_days) < self.max_touches - 1:
            raise PlaybookError("gaps_days", "needs one gap between each two touches (max_touches - 1)")
        if list(self.gaps_days) != sorted(self.gaps_days):
            raise PlaybookError("gaps_days", "must not shrink: persistence means growing spacing")

    def gap_after(self, number: int) -> int:
        """Days between touch ``number`` and the next one."""
        return self.gaps_days[min(number, len(self.gaps_days)) - 1]


@attrs.frozen
class GreetingRules:
    """P07/P14/P22: greetings ahead of the day, gifts for key customers, card reminders.

    ``holidays`` lists the English names the ``holidays`` package gives the
    tenant country's public holidays; ``["*"]`` greets on every one.
    """

    days_ahead: int = attrs.field(default=3, validator=_not_negative)
    #: The shop's name in greetings (``$shop``); empty means the tenant id.
    sender: str = ""
    holidays: tuple[str, ...] = (
        "Chinese New Year (Spring Festival)",
        "Mid-Autumn Festival",
        "National Day",
    )
    birthday: bool = True
    important_dates: bool = True
    gift_for_key_customers: bool = True
    #: P14/P22: member card expiry reminders, this many days before.
    card_expiry_days_ahead: tuple[int, ...] = attrs.field(default=(30, 7), validator=_positive_days)


@attrs.frozen
class RotationRules:
    """P23: every customer is visited within the cycle of their tier; P26 thanks."""

    cycle_days_a: int = attrs.field(default=30, validator=_positive)
    cycle_days_b: int = attrs.field(default=90, validator=_positive)
    cycle_days_c: int = attrs.field(default=180, validator=_positive)
    #: Rotation visits one staff member (or the unassigned pool) takes per day.
    daily_capacity: int = attrs.field(default=8, validator=_positive)
    #: P26: tier A customers get a thank-you call this often.
    thank_you_every_days: int = attrs.field(default=90, validator=_positive)

    def cycle_for(self, tier: str) -> int:
        """The rotation cycle in days for tier ``A``, ``B`` or ``C`` (others as C)."""
        return {"A": self.cycle_days_a, "B": self.cycle_days_b}.get(tier, self.cycle_days_c)


@attrs.frozen
class LostRules:
    """P27/P34: silence measured against the customer's own buying rhythm.

    The rhythm is the average gap between purchases. Past ``repeat_factor``
    rhythms an old customer is asked for repeat business (P34); past
    ``lost_factor`` rhythms, and never sooner than ``floor_days``, the
    customer counts as lost and gets an interview (P27).
    """

    repeat_factor: Decimal = attrs.field(default=Decimal("1.0"))
    lost_factor: Decimal = attrs.field(default=Decimal("2.0"))
    floor_days: int = attrs.field(default=90, validator=_positive)
    #: Customers with a single purchase have no rhythm: lost after this many days.
    single_purchase_days: int = attrs.field(default=180, validator=_positive)
    #: "Old customer" (P13/P33/P34): this many purchases at least.
    old_customer_purchases: int = attrs.field(default=2, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) < self.repeat_factor < self.lost_factor:
            raise PlaybookError("repeat_factor", "must be above 0 and below lost_factor")


@attrs.frozen
class ContactRules:
    """P24/P04: how touches reach people: channels, quiet hours, caps, retries."""

    staff_channels: tuple[str, ...] = ("phone", "messaging", "in_person")
    automated_channels: tuple[str, ...] = ("sms", "messaging", "email")
    quiet_from_hour: int = attrs.field(default=21, validator=_hour)
    quiet_until_hour: int = attrs.field(default=9, validator=_hour)
    #: At most this many automated messages per customer within ``cap_window_days``.
    cap_per_window: int = attrs.field(default=2, validator=_positive)
    cap_window_days: int = attrs.field(default=7, validator=_positive)
    no_answer_retries: int = attrs.field(default=2, validator=_not_negative)
    retry_after_days: int = attrs.field(default=1, validator=_positive)

    def quiet(self, hour: int) -> bool:
        """Whether ``hour`` (tenant time) is inside quiet hours (may wrap midnight)."""
        if self.quiet_from_hour == self.quiet_until_hour:
            return False
        if self.quiet_from_hour > self.quiet_until_hour:
            return hour >= self.quiet_from_hour or hour < self.quiet_until_hour
        return self.quiet_from_hour <= hour < self.quiet_until_hour


@attrs.frozen
class CadenceRules:
    """Section C of the procedures: every follow-up cadence (docs/cadences.md)."""

    after_purchase: AfterPurchaseRules = attrs.field(factory=AfterPurchaseRules)
    follow_up: FollowUpRules = attrs.field(factory=FollowUpRules)
    greetings: GreetingRules = attrs.field(factory=GreetingRules)
    rotation: RotationRules = attrs.field(factory=RotationRules)
    lost: LostRules = attrs.field(factory=LostRules)
    contact: ContactRules = attrs.field(factory=ContactRules)
    #: Tenant texts over the shipped ones: ``{locale: {template: {subject, body}}}``.
    templates: dict[str, dict[str, dict[str, str]]] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class Playbook:
    """Every tunable number of clientcare, with the documents' defaults."""

    locale: LocaleSettings = attrs.field(factory=LocaleSettings)
    profile: ProfileWeights = attrs.field(factory=ProfileWeights)
    card: CardRules = attrs.field(factory=CardRules)
    abc: AbcRules = attrs.field(factory=AbcRules)
    segments: SegmentRules = attrs.field(factory=SegmentRules)
    membership: MembershipRules = attrs.field(factory=MembershipRules)
    points: PointsRules = attrs.field(factory=PointsRules)
    referrals: ReferralRules = attrs.field(factory=ReferralRules)
    benefits: BenefitRules = attrs.field(factory=BenefitRules)
    contracts: ContractRules = attrs.field(factory=ContractRules)
    assessment: AssessmentRules = attrs.field(factory=AssessmentRules)
    survey: SurveyRules = attrs.field(factory=SurveyRules)
    analytics: AnalyticsRules = attrs.field(factory=AnalyticsRules)
    complaints: ComplaintRules = attrs.field(factory=ComplaintRules)
    cadences: CadenceRules = attrs.field(factory=CadenceRules)

    @classmethod
    def default(cls) -> Playbook:
        """The documents' defaults: China, CNY, Asia/Shanghai, 20/80 profile."""
        return cls()

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Playbook:
        """Build from nested dicts (as parsed TOML); unknown keys are refused."""
        try:
            return _converter.structure(data, cls)
        except PlaybookError:
            raise
        except Exception as exc:  # cattrs reports a tree of errors; name the first leaf
            raise _first_error(exc, "") from None

    @classmethod
    def from_toml(cls, source: str | Path) -> Playbook:
        """Load a playbook from TOML text or a path to a ``.toml`` file."""
        if isinstance(source, Path) or (isinstance(source, str) and source.endswith(".toml")):
            text = Path(source).read_text(encoding="utf-8")
        else:
            text = source
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PlaybookError("playbook", "not valid TOML", str(exc)) from None
        return cls.from_mapping(data)


def _first_error(exc: BaseException, path: str) -> PlaybookError:
    if isinstance(exc, PlaybookError):
        field = f"{path}.{exc.field}".lstrip(".") if path else exc.field
        # A validator names only its attribute; the path gives the section.
        if path and path.endswith(exc.field):
            field = path
        return PlaybookError(field, exc.rule, exc.detail)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        key = sorted(exc.extra_fields)[0]
        return PlaybookError(f"{path}.{key}".lstrip("."), "unknown key")
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            note = _note(sub)
            return _first_error(sub, f"{path}.{note}".strip(".") if note else path)
    if isinstance(exc, KeyError):
        return PlaybookError(path or "playbook", "required key missing")
    return PlaybookError(path or "playbook", "wrong type or value", type(exc).__name__)


def _note(exc: BaseException) -> str:
    for note in getattr(exc, "__notes__", []):
        name = getattr(note, "name", None)
        if isinstance(name, str):
            return name
    return ""


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float, Decimal)):
        raise PlaybookError("value", "must be a number")
    return Decimal(str(value))


# Private: the playbook's own converter refuses unknown keys, so a typo in a
# tenant's TOML is an error rather than a silently ignored setting.
_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(Decimal, _structure_decimal)


def _structure_date(value: object, _: type) -> date:
    # TOML has native dates; strings in ISO form are accepted as well.
    return _dates(value)[0]


_converter.register_structure_hook(date, _structure_date)
