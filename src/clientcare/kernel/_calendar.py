"""The business-hours calendar complaint promises are counted on (P40, P51).

A clock that runs only while the shop is open: on the tenant's working days
(public holidays from the ``holidays`` package, China's adjusted working days
included) and within the opening periods of the day (a split shift has a
break that does not count). Pure computation: it is handed moments and
never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import holidays

from clientcare.errors import ValidationError
from clientcare.kernel._checks import aware
from clientcare.playbook import BusinessHours, Playbook

__all__ = ["BusinessCalendar", "Interval"]

#: A span of time, start inclusive, end exclusive (None: still running).
Interval = tuple[datetime, datetime | None]

# Ten years of days: a calendar with no working day at all would otherwise
# make "add 8 business hours" loop for ever.
_HORIZON_DAYS = 3660


def _hours(delta: timedelta) -> Decimal:
    return (Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 1_000_000) / 3600


@attrs.frozen(eq=False)
class BusinessCalendar:
    """Working days and opening periods of one tenant, in its time zone."""

    zone: ZoneInfo
    country: str
    spans: tuple[tuple[time, time], ...]
    weekdays: frozenset[int] | None = None
    extra_workdays: frozenset[date] = frozenset()
    extra_holidays: frozenset[date] = frozenset()
    #: Every day is a working day (the opening periods still apply): see :meth:`every_day`.
    open_every_day: bool = False
    _holidays: Any = attrs.field(init=False, repr=False, alias="_holidays")

    def __attrs_post_init__(self) -> None:
        try:
            table = holidays.country_holidays(self.country)
        except NotImplementedError:
            # No public holiday table for this country: weekends only.
            table = holidays.HolidayBase()
        object.__setattr__(self, "_holidays", table)

    @classmethod
    def from_playbook(cls, playbook: Playbook) -> BusinessCalendar:
        """The calendar of the playbook's country, zone and complaint hours."""
        return cls.of(playbook.complaints.hours, zone=playbook.locale.zone, country=playbook.locale.country)

    @classmethod
    def of(cls, hours: BusinessHours, *, zone: ZoneInfo, country: str) -> BusinessCalendar:
        """A calendar from the playbook's :class:`BusinessHours` section."""
        return cls(
            zone=zone,
            country=country,
            spans=hours.spans(),
            weekdays=frozenset(hours.weekdays) if hours.weekdays is not None else None,
            extra_workdays=frozenset(hours.extra_workdays),
            extra_holidays=frozenset(hours.extra_holidays),
        )

    def every_day(self) -> BusinessCalendar:
        """The same opening periods on every day, weekends and public holidays included.

        P40 counts the first response on it: 第一时间 (seed 001) does not wait
        for the next working day.
        """
        return attrs.evolve(self, open_every_day=True)

    # -- days ------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """Whether the shop's complaint clock runs on ``day``.

        Explicit overrides win; then the country's adjusted working days
        (a Saturday worked in exchange for a longer holiday); then public
        holidays; then the weekend rule.
        """
        if self.open_every_day:
            return True
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        table = self._holidays
        holiday = day in table  # also loads that year, adjusted working days included
        if day in getattr(table, "weekend_workdays", ()):
            return True
        if holiday:
            return False
        if self.weekdays is not None:
            return day.weekday() in self.weekdays
        weekend = getattr(table, "weekend", None) or {5, 6}
        return day.weekday() not in weekend

    def _open_spans(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return
        for start, end in self.spans:
            yield (
                datetime.combine(day, start, tzinfo=self.zone),
                datetime.combine(day, end, tzinfo=self.zone),
            )

    # -- durations ---------------------------------------------------------------
    def business_hours_between(self, start: datetime, end: datetime) -> Decimal:
        """Open hours from ``start`` to ``end`` (zero when end is not after start)."""
        start, end = aware(start, "start"), aware(end, "end")
        if end <= start:
            return Decimal(0)
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            for open_at, close_at in self._open_spans(day):
                lo, hi = max(open_at, start), min(close_at, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return _hours(total)

    def add_business_hours(self, start: datetime, hours: Decimal) -> datetime:
        """The moment ``hours`` open hours after ``start`` (``start`` itself for zero)."""
        start = aware(start, "start")
        if hours < 0:
            raise ValidationError("hours", "must not be negative")
        remaining = timedelta(microseconds=int(hours * 3_600_000_000))
        if not remaining:
            return start
        day = start.astimezone(self.zone).date()
        for _ in range(_HORIZON_DAYS):
            for open_at, close_at in self._open_spans(day):
                lo = max(open_at, start)
                if close_at <= lo:
                    continue
                if lo + remaining <= close_at:
                    return (lo + remaining).astimezone(start.tzinfo)
                remaining -= close_at - lo
            day += timedelta(days=1)
        raise ValidationError("hours", "no working time within ten years; check the business calendar")

    def active_hours(self, start: datetime, end: datetime, pauses: Iterable[Interval]) -> Decimal:
        """Open hours from ``start`` to ``end`` minus those inside ``pauses``."""
        total = self.business_hours_between(start, end)
        for pause_start, pause_end in pauses:
            lo = max(pause_start, start)
            hi = min(pause_end or end, end)
            total -= self.business_hours_between(lo, hi)
        return max(total, Decimal(0))

    def due(self, start: datetime, hours: Decimal, pauses: Iterable[Interval]) -> datetime | None:
        """When ``hours`` of active open time after ``start`` run out, skipping pauses.

        None while a pause that began before the deadline is still running:
        the clock is stopped and the deadline is not known yet.
        """
        cursor, remaining = start, hours
        for pause_start, pause_end in sorted(pauses, key=lambda p: p[0]):
            if pause_end is not None and pause_end <= cursor:
                continue
            if pause_start > cursor:
                available = self.business_hours_between(cursor, pause_start)
                if available >= remaining:
                    return self.add_business_hours(cursor, remaining)
                remaining -= available
            if pause_end is None:
                return None
            cursor = max(cursor, pause_end)
        return self.add_business_hours(cursor, remaining)
