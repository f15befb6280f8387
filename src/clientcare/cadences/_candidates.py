"""Candidate prefilters: which customers each daily rule may plan for on a day.

The :class:`~clientcare.cadences.Planner` decides, customer by customer,
which touches are due; it stays the one source of truth. Each daily rule
also declares a *prefilter*: a cheap question the storage (or a port) can
answer for a whole batch at once, whose answer contains every customer the
rule could plan for. The daily run builds views only for customers some
prefilter admits. A prefilter may admit too many (the planner then plans
nothing for them), never too few; a rule that declares none admits every
customer, so a rule added later is correct before anyone makes it fast.
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

import attrs

from clientcare.cadences._sequences import slot_due
from clientcare.cadences._touches import TouchReason, touch_key
from clientcare.playbook import AbcLabel, Playbook

__all__ = [
    "EVERYONE",
    "BirthdayWithin",
    "Everyone",
    "ImportantDateWithin",
    "Prefilter",
    "SilenceDue",
    "daily_prefilters",
    "expiring",
    "next_occasion_day",
    "silence_thresholds",
    "silence_verdict",
    "slot_candidates",
    "slots_due",
]


@attrs.frozen
class Everyone:
    """Every customer may be due (a rule without a narrower prefilter)."""


#: The prefilter of a rule that declares none.
EVERYONE = Everyone()


@attrs.frozen
class BirthdayWithin:
    """Customers whose birthday (month and day) falls from ``first`` to ``last``.

    29 February counts as 28 February too, as the greeting does in other years.
    """

    first: date
    last: date

    def month_days(self) -> list[tuple[str, str]]:
        """The window as inclusive ``("MM-DD", "MM-DD")`` ranges (two when it crosses New Year)."""
        start, stop = self.first.strftime("%m-%d"), self.last.strftime("%m-%d")
        ranges = [(start, stop)] if start <= stop else [(start, "12-31"), ("01-01", stop)]
        if any(low <= "02-28" <= high for low, high in ranges):
            ranges.append(("02-29", "02-29"))
        return ranges


@attrs.frozen
class ImportantDateWithin:
    """Customers with an important date (month and day) from ``first`` to ``last``."""

    first: date
    last: date

    def admits(self, month: int, day: int) -> bool:
        """Whether an important date on ``month``/``day`` may be greeted in the window."""
        shown = f"{month:02d}-{day:02d}"
        return any(low <= shown <= high for low, high in BirthdayWithin(self.first, self.last).month_days())


@attrs.frozen
class SilenceDue:
    """P27/P34: customers whose sales put them past the repeat ask or the lost threshold
    on ``day``, and whose touch for that silence is not stored yet."""

    day: date
    zone: tzinfo
    playbook: Playbook = attrs.field(repr=False)

    def lost_key(self, customer_id: str, last: datetime) -> str:
        """The key of the lost-customer interview for the silence since ``last``; once it is
        stored, nothing more is due for this silence (it only grows until the next sale)."""
        return touch_key(customer_id, TouchReason.LOST_INTERVIEW, last.astimezone(self.zone).date())

    def key_due(self, customer_id: str, sales: int, first: datetime, last: datetime, referrals: int) -> str | None:
        """The key of the silence touch the planner may plan, or None when none can be due
        (the repeat ask only for old customers, P13, as far as sales and referrals tell)."""
        zone = self.zone
        reason, occasion = silence_verdict(
            self.playbook, self.day, sales, first.astimezone(zone).date(), last.astimezone(zone).date()
        )
        if reason is TouchReason.REPEAT_ASK and not self.playbook.segments.is_old(
            sales=sales, referrals=referrals, poor_relationship=False
        ):
            return None
        return None if reason is None else touch_key(customer_id, reason, occasion)


Prefilter = Everyone | BirthdayWithin | ImportantDateWithin | SilenceDue


def silence_verdict(
    playbook: Playbook, day: date, sales: int, first: date, last: date
) -> tuple[TouchReason | None, date]:
    """Which silence touch a customer's sales call for on ``day``: the lost-customer
    interview, the repeat-business ask (when the customer is old, P13), or none.

    The planner and the prefilter both ask this, so they cannot disagree.
    """
    silent = (day - last).days
    lost_after, repeat_after = silence_thresholds(playbook, sales, first, last)
    if silent >= lost_after:
        return TouchReason.LOST_INTERVIEW, last
    if repeat_after is not None and silent >= repeat_after:
        return TouchReason.REPEAT_ASK, last
    return None, last


def silence_thresholds(playbook: Playbook, sales: int, first: date, last: date) -> tuple[Decimal, Decimal | None]:
    """Days of silence after which a customer is lost, and after which an old one is asked again."""
    rules = playbook.cadences.lost
    lost_after = rules.lost_after(sales=sales, first=first, last=last)
    if sales >= 2:
        rhythm = Decimal((last - first).days) / Decimal(sales - 1)
        return lost_after, rules.repeat_factor * rhythm if rhythm > 0 else None
    # P13: a referrer is old after one purchase, which gives no rhythm; the
    # ask comes at the same share of the way to "lost" as with one.
    return lost_after, lost_after * rules.repeat_factor / rules.lost_factor


def daily_prefilters(
    playbook: Playbook, day: date, holidays: Sequence[tuple[date, str, str]]
) -> dict[TouchReason, Prefilter | None]:
    """Each daily rule's storage prefilter for ``day``.

    None means the storage is not asked: the rule is due for nobody that day
    (a greeting switched off, no holiday ahead), the daily run narrows it
    itself (rotation and thank-you slots by the hash of the id, card reminders
    through the membership port), or a sale plans it (return visit, after-sales).
    A rule of :data:`~clientcare.cadences.DAILY_RULES` missing here admits everyone.
    """
    greet = playbook.cadences.greetings
    horizon = day + timedelta(days=greet.days_ahead)
    greeted = any(day <= when <= horizon for when, _, _ in holidays)
    silence = SilenceDue(day=day, zone=playbook.locale.zone, playbook=playbook)
    return {
        TouchReason.BIRTHDAY: BirthdayWithin(day, horizon) if greet.birthday else None,
        TouchReason.IMPORTANT_DATE: ImportantDateWithin(day, horizon) if greet.important_dates else None,
        TouchReason.HOLIDAY: EVERYONE if greeted else None,
        TouchReason.CARD_EXPIRY: None,
        # An occasion's window admits everyone its audience may hold (as a holiday does);
        # outside every window it is due for nobody.
        TouchReason.OCCASION: EVERYONE if _in_an_occasion_window(playbook, day) else None,
        TouchReason.THANK_YOU: None,
        TouchReason.LOST_INTERVIEW: silence,
        TouchReason.REPEAT_ASK: silence,
        TouchReason.ROTATION_VISIT: None,
        TouchReason.RETURN_VISIT: None,
        TouchReason.AFTER_SALES: None,
    }


def _in_an_occasion_window(playbook: Playbook, day: date) -> bool:
    """Whether ``day`` falls within ``days_ahead`` of an occasion's next date (P22/P32),
    by the planner's own reading of the dates."""
    for _, occasion in playbook.cadences.occasions.items():
        when = next_occasion_day(occasion.dates, day)
        if when is not None and day >= when - timedelta(days=occasion.days_ahead):
            return True
    return False


def next_occasion_day(dates: Sequence[str], day: date) -> date | None:
    """The first of the ``MM-DD`` days on or after ``day`` (31 in a shorter month: its last day)."""
    found: list[date] = []
    for item in dates:
        month, day_of_month = (int(x) for x in item.split("-"))
        for year in (day.year, day.year + 1):
            last = calendar.monthrange(year, month)[1]
            candidate = date(year, month, min(day_of_month, last))
            if candidate >= day:
                found.append(candidate)
                break
    return min(found, default=None)


def slot_candidates(customer_ids: Iterable[str], playbook: Playbook, day: date) -> set[str]:
    """P23/P26 by the hash of the id (as :func:`slot_due`): customers whose rotation slot
    falls on ``day`` for any tier's cycle (the tier is learned later, for candidates
    only), or whose thank-you slot does (whether they are key customers is the planner's)."""
    rotation = playbook.cadences.rotation
    every = rotation.thank_you_every_days
    ordinal = day.toordinal()
    # Each cycle with the offset a customer needs to be due today: crc % cycle == ordinal % cycle.
    wanted = [(cycle, ordinal % cycle) for cycle in sorted({rotation.cycle_for(label) for label in AbcLabel})]
    found: set[str] = set()
    crc32 = zlib.crc32
    for customer_id in customer_ids:
        crc = crc32(customer_id.encode())
        if any(crc % cycle == due for cycle, due in wanted) or crc32(b"thanks:" + customer_id.encode()) % every == (
            ordinal % every
        ):
            found.add(customer_id)
    return found


def slots_due(
    customer_ids: Iterable[str], tiers: Mapping[str, AbcLabel], flagged: set[str], playbook: Playbook, day: date
) -> set[str]:
    """Of ``customer_ids`` (from :func:`slot_candidates`), those whose rotation visit or
    thank-you call falls on ``day`` by their tier, as the views will have it: the
    segments port's label, else A for a key-flagged customer and C for the others."""
    rotation = playbook.cadences.rotation
    found: set[str] = set()
    for customer_id in customer_ids:
        known = tiers.get(customer_id)
        tier = AbcLabel(known) if known else (AbcLabel.A if customer_id in flagged else AbcLabel.C)
        key = customer_id in flagged or tier == AbcLabel.A
        if slot_due(customer_id, day, rotation.cycle_for(tier)) or (
            key and slot_due("thanks:" + customer_id, day, rotation.thank_you_every_days)
        ):
            found.add(customer_id)
    return found


def expiring(expiries: Mapping[str, date], playbook: Playbook, day: date) -> set[str]:
    """Members whose card expiry puts ``day`` inside a reminder window (P14/P22)."""
    longest = playbook.membership.first_reminder_days
    return {cid for cid, expires in expiries.items() if expires - timedelta(days=longest) <= day <= expires}
