"""The cadences of section C: which touches are due for a customer on a day.

Everything here is pure: the planners get a customer, their figures, tier,
card expiry and complaint flag, a day and the playbook, and return the
touches that day calls for. The daily run stores those whose key is new,
so a day can be planned any number of times with the same result.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import holidays as holiday_calendars

from clientcare.cadences._events import FollowUpStarted, FollowUpStopped, WantedItemArrived, WantedItemRegistered
from clientcare.cadences._touches import PURPOSE_OF, Precision, Touch, TouchReason
from clientcare.customers._model import Channel, Customer, Purpose
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._events import reason_code
from clientcare.kernel._texts import Texts
from clientcare.kernel._values import new_id
from clientcare.playbook import AbcLabel, Playbook
from clientcare.purchases._model import CustomerFigures, Purchase

__all__ = [
    "CustomerView",
    "FollowUp",
    "FollowUpStatus",
    "Planner",
    "RecurringRule",
    "RepeatUnit",
    "SaleCredit",
    "Wish",
    "choose_channel",
    "holidays_between",
    "slot_due",
]


# -- aggregates ------------------------------------------------------------------


class FollowUpStatus(enum.StrEnum):
    """P21: a sequence runs until a stop (purchase, reply, opt-out, terminated)."""

    ACTIVE = "active"
    STOPPED = "stopped"


@attrs.define(eq=False, kw_only=True)
class FollowUp(Aggregate):
    """P21: a follow-up sequence of up to ``max_touches`` touches for one customer."""

    customer_id: str
    owner: str | None
    topic: str = attrs.field(repr=False)
    started_at: datetime
    status: FollowUpStatus = FollowUpStatus.ACTIVE
    touches_done: int = 0
    stopped_why: str | None = None
    priority: int = 3

    @classmethod
    def start(
        cls, *, tenant: str, customer_id: str, owner: str | None, topic: str, at: datetime, priority: int = 3
    ) -> FollowUp:
        """Begin a sequence; the service plans touch number 1 at once."""
        sequence = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            owner=owner,
            topic=clean_text(topic, "topic", limit=200, required=False),
            started_at=aware(at, "at"),
            priority=priority,
        )
        sequence.record(
            FollowUpStarted(
                tenant=tenant, occurred_at=at, sequence_id=sequence.id, customer_id=customer_id, owner=owner
            )
        )
        return sequence

    def touch_done(self) -> int:
        """One more touch of the sequence was done; returns how many so far."""
        if self.status is not FollowUpStatus.ACTIVE:
            raise InvalidTransition("follow_up", self.status.value, "count a touch")
        self.touches_done += 1
        return self.touches_done

    def stop(self, *, why: str, at: datetime) -> bool:
        """End the sequence; False if it had ended already."""
        if self.status is FollowUpStatus.STOPPED:
            return False
        self.status = FollowUpStatus.STOPPED
        self.stopped_why = clean_text(why, "why", limit=100)
        self.record(
            FollowUpStopped(
                tenant=self.tenant,
                occurred_at=at,
                sequence_id=self.id,
                customer_id=self.customer_id,
                why=reason_code(self.stopped_why),
                touches_done=self.touches_done,
            )
        )
        return True


@attrs.define(eq=False, kw_only=True)
class Wish(Aggregate):
    """P28: a customer wants an item that is out of stock."""

    customer_id: str
    style_no: str
    description: str = attrs.field(default="", repr=False)
    registered_at: datetime
    arrived_at: datetime | None = None
    touch_id: str | None = None

    @classmethod
    def register(cls, *, tenant: str, customer_id: str, style_no: str, description: str, at: datetime) -> Wish:
        """Take the customer's wish; they are told when the item arrives."""
        wish = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            style_no=clean_text(style_no, "style_no", limit=64),
            description=clean_text(description, "description", limit=200, required=False),
            registered_at=aware(at, "at"),
        )
        wish.record(
            WantedItemRegistered(
                tenant=tenant, occurred_at=at, wish_id=wish.id, customer_id=customer_id, style_no=wish.style_no
            )
        )
        return wish

    @property
    def open(self) -> bool:
        """Still waiting for stock."""
        return self.arrived_at is None

    def arrive(self, *, at: datetime, touch_id: str | None) -> None:
        """P28: the item came in; ``touch_id`` is the touch that tells the customer
        (None when no channel was consented)."""
        if not self.open:
            raise InvalidTransition("wish", "arrived", "arrive")
        self.arrived_at, self.touch_id = aware(at, "at"), touch_id
        self.record(
            WantedItemArrived(
                tenant=self.tenant,
                occurred_at=at,
                wish_id=self.id,
                customer_id=self.customer_id,
                style_no=self.style_no,
                touch_id=touch_id,
            )
        )


class RepeatUnit(enum.StrEnum):
    """How a staff-set recurring touch repeats."""

    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARLY = "yearly"


@attrs.define(eq=False, kw_only=True)
class RecurringRule(Aggregate):
    """A touch a staff member wants every N days/weeks/months or on a yearly date, until an end."""

    customer_id: str
    owner: str | None
    unit: RepeatUnit
    every: int
    starts_on: date
    ends_on: date | None
    information: str = attrs.field(repr=False)
    channel: Channel | None = None

    @classmethod
    def create(
        cls,
        *,
        tenant: str,
        customer_id: str,
        owner: str | None,
        unit: RepeatUnit | str,
        every: int,
        starts_on: date,
        ends_on: date | None,
        information: str,
        channel: Channel | None = None,
    ) -> RecurringRule:
        """A recurring touch; ``ends_on`` None means until stopped."""
        if every <= 0:
            raise ValidationError("every", "must be greater than zero")
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError("ends_on", "must not be before starts_on")
        return cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            owner=owner,
            unit=RepeatUnit(unit),
            every=every,
            starts_on=starts_on,
            ends_on=ends_on,
            information=clean_text(information, "information", limit=500),
            channel=channel,
        )

    def occurs_on(self, day: date) -> bool:
        """Whether the rule calls for a touch on ``day``."""
        if day < self.starts_on or (self.ends_on is not None and day > self.ends_on):
            return False
        if self.unit is RepeatUnit.DAYS:
            return (day - self.starts_on).days % self.every == 0
        if self.unit is RepeatUnit.WEEKS:
            return (day - self.starts_on).days % (7 * self.every) == 0
        if self.unit is RepeatUnit.MONTHS:
            months = (day.year - self.starts_on.year) * 12 + day.month - self.starts_on.month
            # A rule started on the 31st falls on the last day of shorter months.
            last = (date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)).day
            return months % self.every == 0 and day.day == min(self.starts_on.day, last)
        return (day.year - self.starts_on.year) % self.every == 0 and (day.month, day.day) == (
            self.starts_on.month,
            self.starts_on.day,
        )

    def end(self, on: date) -> None:
        """Stop the rule after ``on``."""
        self.ends_on = on if self.ends_on is None else min(self.ends_on, on)


@attrs.define(eq=False, kw_only=True)
class SaleCredit(Aggregate):
    """P21/P31: a sale and the touch that preceded it (id = the purchase id)."""

    customer_id: str
    occurred_at: datetime
    amount: Decimal
    currency: str
    touch_id: str | None = None
    touch_no: int | None = None
    owner: str | None = None
    reason: TouchReason | None = None


# -- planning --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CustomerView:
    """What the planners need to know about one customer on one day."""

    customer: Customer
    figures: CustomerFigures
    tier: AbcLabel = AbcLabel.C
    card_expires: date | None = None
    open_complaint: bool = False

    @property
    def key(self) -> bool:
        """P17: key customers are tier A or marked key on their card."""
        return self.customer.key or self.tier == AbcLabel.A


def choose_channel(customer: Customer, purpose: Purpose, channels: Sequence[str], at: datetime) -> Channel | None:
    """P04/P24: the first preferred channel the customer consented to for ``purpose``."""
    for name in channels:
        channel = Channel(name)
        if customer.has_consent(purpose, channel, at=at):
            return channel
    return None


def slot_due(customer_id: str, day: date, cycle: int) -> bool:
    """Whether ``day`` is the customer's slot in a ``cycle``-day rotation.

    Each customer gets a fixed offset from a hash of their id, so visits
    spread evenly over the cycle and every customer has exactly one slot in
    any ``cycle`` consecutive days — without any state to keep.
    """
    offset = zlib.crc32(customer_id.encode()) % cycle
    return (day.toordinal() - offset) % cycle == 0


def holidays_between(
    country: str, names: Sequence[str], first: date, last: date, language: str = "en_US"
) -> list[tuple[date, str, str]]:
    """The first day of each named public holiday between ``first`` and ``last``:
    (day, English name as the playbook lists it, name in ``language`` for greetings)."""
    years = range(first.year, last.year + 1)
    calendar = holiday_calendars.country_holidays(country, years=years, language="en_US")
    supported = getattr(calendar, "supported_languages", ())
    local = (
        holiday_calendars.country_holidays(country, years=years, language=language)
        if language in supported
        else calendar
    )
    wanted = set(names)
    result: list[tuple[date, str, str]] = []
    seen: set[tuple[int, str]] = set()
    for day, label in sorted(calendar.items()):
        local_names = str(local.get(day, label)).split("; ")
        for index, name in enumerate(str(label).split("; ")):
            if "(observed)" in name or name.startswith("Day off"):
                continue
            if "*" not in wanted and name not in wanted:
                continue
            if (day.year, name) in seen:
                continue  # a holiday spanning days is greeted once, for its first day
            seen.add((day.year, name))
            if first <= day <= last:
                shown = local_names[index] if index < len(local_names) else name
                result.append((day, name, shown))
    return result


class Planner:
    """Plans one customer's due touches for one day under one playbook."""

    def __init__(self, *, tenant: str, playbook: Playbook, now: datetime, texts: Texts) -> None:
        self.tenant = tenant
        self.playbook = playbook
        self.rules = playbook.cadences
        self.now = now
        self.texts = texts

    def _brief(
        self,
        template: str,
        view: CustomerView | None = None,
        gift: bool = False,
        values: Mapping[str, object] | None = None,
    ) -> str:
        filled = dict(values or {})
        filled["gift"] = self.texts.raw("asks", "gift") if gift else ""
        text = self.texts.render(template, "brief", **filled)
        if view is not None and view.figures.purchase_count >= self.rules.lost.old_customer_purchases:
            text += self.texts.raw("asks", "referral")  # P33: ask old customers for referrals at each contact
        return text

    def touch(
        self,
        view: CustomerView,
        reason: TouchReason,
        *,
        occasion: date,
        due: date,
        information: str,
        automated: bool = False,
        owner: str | None = None,
        reward: str | None = None,
        template: str | None = None,
        reference: str | None = None,
        priority: int | None = None,
        channel: Channel | None = None,
        sequence: tuple[str, int] | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Touch | None:
        """A touch for ``view``'s customer, or None when no consented channel exists."""
        purpose = PURPOSE_OF[reason]
        contact = self.rules.contact
        if channel is not None:
            chosen = channel if view.customer.has_consent(purpose, channel, at=self.now) else None
        else:
            channels = contact.automated_channels if automated else contact.staff_channels
            chosen = choose_channel(view.customer, purpose, channels, self.now)
        if chosen is None:
            return None  # P04: never plan a contact the customer has not agreed to
        return Touch.plan(
            tenant=self.tenant,
            customer_id=view.customer.id,
            reason=reason,
            occasion=occasion,
            due=due,
            precision=Precision(information=information, reward=reward, channel=chosen),
            at=self.now,
            owner=None if automated else owner,
            store_id=view.customer.home_store,
            automated=automated,
            priority=priority if priority is not None else (1 if view.key else 2 if view.tier == "B" else 3),
            template=template or reason.value,
            reference=reference,
            sequence_id=sequence[0] if sequence else None,
            sequence_no=sequence[1] if sequence else None,
            details=details,
        )

    # -- P20/P35 -----------------------------------------------------------------
    def after_purchase(self, view: CustomerView, purchase: Purchase) -> list[Touch]:
        """P20 return visit and P35 after-sales touches for a recorded sale."""
        rules = self.rules.after_purchase
        sold = purchase.occurred_at.astimezone(self.playbook.locale.zone).date()
        result: list[Touch | None] = [
            self.touch(
                view,
                TouchReason.RETURN_VISIT,
                occasion=sold,
                due=sold + timedelta(days=rules.return_visit_days),
                information=self._brief("return_visit", view),
                owner=purchase.staff_id,
                reference=purchase.id,
            )
        ]
        for days in rules.after_sales_days:
            result.append(
                self.touch(
                    view,
                    TouchReason.AFTER_SALES,
                    occasion=sold,
                    due=sold + timedelta(days=days),
                    information=self._brief("after_sales", view),
                    owner=purchase.staff_id,
                    reference=f"{purchase.id}:{days}d",
                )
            )
        return [t for t in result if t is not None]

    # -- P07/P22/P14 -------------------------------------------------------------
    def _greeting(
        self, view: CustomerView, reason: TouchReason, occasion: date, day: date, owner: str | None, **values: str
    ) -> Touch | None:
        greet = self.rules.greetings
        due = occasion - timedelta(days=greet.days_ahead)
        if not due <= day <= occasion:
            return None
        gift = view.key and greet.gift_for_key_customers
        # Key customers get a personal greeting from their staff member with a
        # small gift (P22); everyone else an automated message.
        reference = values.pop("reference", "")
        touch = self.touch(
            view,
            reason,
            occasion=occasion,
            due=due,
            information=self._brief(reason.value, None, gift=gift, values=values),
            automated=not gift,
            owner=owner,
            reward="gift" if gift else None,
            reference=reference or None,
            details=values,
        )
        if touch is None and gift:
            # No consent for a call: fall back to a consented automated greeting.
            touch = self.touch(
                view,
                reason,
                occasion=occasion,
                due=due,
                information=self._brief(reason.value, None, values=values),
                automated=True,
                reference=reference or None,
                details=values,
            )
        return touch

    def greetings(
        self, view: CustomerView, day: date, owner: str | None, holidays: Sequence[tuple[date, str, str]]
    ) -> list[Touch]:
        """P07/P22: birthday, important dates and public holidays, ahead of the day."""
        greet = self.rules.greetings
        horizon = day + timedelta(days=greet.days_ahead)
        result: list[Touch | None] = []
        birthday = view.customer.hard.birthday
        if greet.birthday and birthday is not None:
            for year in (day.year, day.year + 1):
                try:
                    when = birthday.replace(year=year)
                except ValueError:  # 29 February: greet on 28 February
                    when = date(year, 2, 28)
                if day <= when <= horizon:
                    result.append(self._greeting(view, TouchReason.BIRTHDAY, when, day, owner))
        if greet.important_dates:
            for important in view.customer.important_dates:
                when = important.next_on_or_after(day)
                if when <= horizon:
                    result.append(
                        self._greeting(
                            view,
                            TouchReason.IMPORTANT_DATE,
                            when,
                            day,
                            owner,
                            label=important.label,
                            reference=important.kind.value + ":" + important.label,
                        )
                    )
        for when, name, shown in holidays:
            if day <= when <= horizon:
                result.append(
                    self._greeting(view, TouchReason.HOLIDAY, when, day, owner, holiday=shown, reference=name)
                )
        if view.card_expires is not None:
            result.extend(self._card_expiry(view, day, owner))
        return [t for t in result if t is not None]

    def _card_expiry(self, view: CustomerView, day: date, owner: str | None) -> list[Touch | None]:
        expires = view.card_expires
        if expires is None:
            return []
        aheads = sorted(self.rules.greetings.card_expiry_days_ahead, reverse=True)
        result: list[Touch | None] = []
        for index, ahead in enumerate(aheads):
            start = expires - timedelta(days=ahead)
            stop = expires - timedelta(days=aheads[index + 1]) if index + 1 < len(aheads) else expires
            if start <= day < stop or (day == stop == expires):
                result.append(
                    self.touch(
                        view,
                        TouchReason.CARD_EXPIRY,
                        occasion=expires,
                        due=start,
                        information=self._brief("card_expiry", None, values={"date": expires.isoformat()}),
                        automated=True,
                        reference=f"{ahead}d",
                        details={"date": expires.isoformat()},
                    )
                )
        return result

    # -- P23/P26 -----------------------------------------------------------------
    def rotation(self, view: CustomerView, day: date) -> Touch | None:
        """P23: the customer's rotation slot, once per tier cycle (owner assigned later)."""
        cycle = self.rules.rotation.cycle_for(view.tier)
        if not slot_due(view.customer.id, day, cycle):
            return None
        return self.touch(
            view, TouchReason.ROTATION_VISIT, occasion=day, due=day, information=self._brief("rotation_visit", view)
        )

    def thank_you(self, view: CustomerView, day: date, owner: str | None) -> Touch | None:
        """P26: the most valuable customers get a thank-you call every period."""
        if not view.key or not slot_due("thanks:" + view.customer.id, day, self.rules.rotation.thank_you_every_days):
            return None
        return self.touch(
            view,
            TouchReason.THANK_YOU,
            occasion=day,
            due=day,
            information=self._brief("thank_you", view),
            owner=owner,
            priority=1,
        )

    # -- P27/P34 -----------------------------------------------------------------
    def silence(self, view: CustomerView, day: date, owner: str | None) -> Touch | None:
        """P34 repeat-business ask, then P27 lost-customer interview, by the customer's own rhythm."""
        figures = view.figures
        if figures.last_purchase_at is None or figures.first_purchase_at is None:
            return None
        zone = self.playbook.locale.zone
        last = figures.last_purchase_at.astimezone(zone).date()
        first = figures.first_purchase_at.astimezone(zone).date()
        silent = (day - last).days
        rules = self.rules.lost
        if figures.purchase_count >= 2:
            rhythm = Decimal((last - first).days) / Decimal(figures.purchase_count - 1)
            lost_after = max(Decimal(rules.floor_days), rules.lost_factor * rhythm)
        else:
            rhythm = None
            lost_after = Decimal(rules.single_purchase_days)
        if silent >= lost_after:
            return self.touch(
                view,
                TouchReason.LOST_INTERVIEW,
                occasion=last,
                due=day,
                information=self._brief("lost_interview"),
                owner=owner,
            )
        old = figures.purchase_count >= rules.old_customer_purchases
        if old and rhythm is not None and rhythm > 0 and silent >= rules.repeat_factor * rhythm:
            return self.touch(
                view,
                TouchReason.REPEAT_ASK,
                occasion=last,
                due=day,
                information=self._brief("repeat_ask", view),
                owner=owner,
            )
        return None
