"""Complaint handling (P40–P52): business hours, promises per severity, escalation
and authority. Every number here is documented in docs/complaints.md."""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal
from typing import Any

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import fraction, iso_dates, positive
from clientcare.playbook._provenance import assumed, documented

__all__ = ["CN_2026_ADJUSTED_WORKDAYS", "BusinessHours", "ComplaintRules", "SeverityHours"]


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

    periods: tuple[str, ...] = assumed(
        ("09:00-12:00", "13:30-18:00"),
        why="the documents give no opening hours; a shop's day with a lunch break",
        converter=tuple,
        validator=_periods,
    )
    weekdays: tuple[int, ...] | None = assumed(
        None, why="the documents give no working week; the country's own weekend rule", validator=_weekdays
    )
    extra_workdays: tuple[date, ...] = assumed(
        CN_2026_ADJUSTED_WORKDAYS,
        why="not in the documents: the State Council's 2026 schedule of adjusted working days",
        converter=iso_dates,
    )
    extra_holidays: tuple[date, ...] = assumed(
        (), why="the shop's own closing days: the documents cannot know them", converter=iso_dates
    )

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


def _tier_shares(value: object) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise PlaybookError("quote_allowance_by_tier", "must be a table of tier = share")
    result: dict[str, Decimal] = {}
    for tier, share in value.items():
        if str(tier) not in ("A", "B", "C") or isinstance(share, (bool, float)):
            raise PlaybookError("quote_allowance_by_tier", "tiers A, B or C, shares as integers or decimal strings")
        result[str(tier)] = Decimal(str(share))
        if not Decimal(0) <= result[str(tier)] <= 1:
            raise PlaybookError("quote_allowance_by_tier", "shares from 0 to 1")
    return result


def _default_tier_shares() -> dict[str, Decimal]:
    return {"A": Decimal(1), "B": Decimal("0.5"), "C": Decimal(0)}


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

    first_response_hours: SeverityHours = assumed(
        why="seed 001 says 第一时间 (at once) but gives no hours; 8/4/1 business hours by severity",
        factory=_default_sla_first,
    )
    #: From the documents (seed 001: 第一时间处理顾客投诉): the first response is
    #: counted on the opening periods of every day, weekends and public holidays
    #: included, so a complaint filed on a closed day is not answered a week later.
    #: False counts it on working days only, like the resolution.
    first_response_every_day: bool = documented(True, seed="001", passage="處理顧客投訴。一定要重視顧客的投訴")
    resolution_hours: SeverityHours = assumed(
        why="the documents set no resolution time; five, three and one working days by severity",
        factory=_default_sla_resolution,
    )
    key_customer_factor: Decimal = assumed(
        Decimal("0.5"),
        why="seeds 001/003 put key customers first but give no factor; half the time",
        validator=fraction,
    )
    after_care_hours: Decimal = assumed(
        Decimal(16),
        why="seed 001 asks for the after-care contact (step 5) but gives no delay; two working days",
        validator=_hours,
    )
    escalation_chain: tuple[str, ...] = assumed(
        ("handler", "supervisor", "store_manager", "regional_manager"),
        why="the documents say larger amounts are approved above (seed 001) but name no roles; a chain store's",
        converter=tuple,
        validator=_chain,
    )
    escalate_every_hours: Decimal = assumed(
        Decimal(4), why="no escalation period in the documents; half a working day", validator=_hours
    )
    # hash=False: a dict is unhashable, and the playbook must stay hashable.
    authority_limits: dict[str, Decimal] = assumed(
        why="seed 001 (在允許的職責…範圍內) names no amounts; limits a small chain might set",
        factory=_default_limits,
        converter=_limits,
        hash=False,
    )
    price_concession_cap: Decimal = assumed(
        Decimal("0.05"),
        why="seed 003 warns against a big cut (一次的大幅度降價) but gives no figure; 5% of the price",
        validator=fraction,
    )
    #: P52: a quote never goes below the full unit cost plus this margin (核算所有的成本, seed 003).
    quote_min_margin: Decimal = assumed(
        Decimal("0.10"),
        why="seed 003 says cost everything (核算所有的成本) but names no margin; 10%",
        validator=fraction,
    )
    #: P52: the share of ``price_concession_cap`` an old customer's volume (tier) earns in a quote;
    #: potential moves a customer one tier up. New customers earn none.
    quote_allowance_by_tier: dict[str, Decimal] = assumed(
        why="seed 003 quotes by volume and potential (針對客戶的量和潛力) without figures; A all, B half, C none",
        factory=_default_tier_shares,
        converter=_tier_shares,
        hash=False,
    )
    recurrence_threshold: int = assumed(
        3,
        why="seed 003 asks for standard answers to frequent complaints (常被投訴) without a count",
        validator=positive,
    )
    recurrence_window_days: int = assumed(
        30, why="no window in the documents; a month, the longer review period of seed 003", validator=positive
    )
    story_changes_flag_at: int = assumed(
        2,
        why="seed 003 forbids 三番四次的理由 (a reason changed again and again) without a count; a third reason",
        validator=positive,
    )
    gift_for_major: bool = documented(
        True, seed="003", passage="針對重大投訴及重要顧客,在處理客戶投訴之后,適當贈送庫存機子"
    )
    gift_for_key_customers: bool = documented(
        True, seed="003", passage="針對重大投訴及重要顧客,在處理客戶投訴之后,適當贈送庫存機子"
    )
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
