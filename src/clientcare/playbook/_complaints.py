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

    periods: tuple[str, ...] = attrs.field(default=("09:00-12:00", "13:30-18:00"), converter=tuple, validator=_periods)
    weekdays: tuple[int, ...] | None = attrs.field(default=None, validator=_weekdays)
    extra_workdays: tuple[date, ...] = attrs.field(default=CN_2026_ADJUSTED_WORKDAYS, converter=iso_dates)
    extra_holidays: tuple[date, ...] = attrs.field(default=(), converter=iso_dates)

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
    #: From the documents (seed 001: 第一时间处理顾客投诉): the first response is
    #: counted on the opening periods of every day, weekends and public holidays
    #: included, so a complaint filed on a closed day is not answered a week later.
    #: False counts it on working days only, like the resolution.
    first_response_every_day: bool = True
    resolution_hours: SeverityHours = attrs.field(factory=_default_sla_resolution)
    key_customer_factor: Decimal = attrs.field(default=Decimal("0.5"), validator=fraction)
    after_care_hours: Decimal = attrs.field(default=Decimal(16), validator=_hours)
    escalation_chain: tuple[str, ...] = attrs.field(
        default=("handler", "supervisor", "store_manager", "regional_manager"), converter=tuple, validator=_chain
    )
    escalate_every_hours: Decimal = attrs.field(default=Decimal(4), validator=_hours)
    # hash=False: a dict is unhashable, and the playbook must stay hashable.
    authority_limits: dict[str, Decimal] = attrs.field(factory=_default_limits, converter=_limits, hash=False)
    price_concession_cap: Decimal = attrs.field(default=Decimal("0.05"), validator=fraction)
    recurrence_threshold: int = attrs.field(default=3, validator=positive)
    recurrence_window_days: int = attrs.field(default=30, validator=positive)
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
