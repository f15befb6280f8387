"""The cadences of section C: which touches are due for a customer on a day.

Everything here is pure: the planners get a customer, their figures, tier,
card expiry and complaint flag, a day and the playbook, and return the
touches that day calls for. The daily run stores those whose key is new,
so a day can be planned any number of times with the same result.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from clientcare.cadences._events import FollowUpStarted, FollowUpStopped, WantedItemArrived, WantedItemRegistered
from clientcare.cadences._touches import TouchReason
from clientcare.customers._model import Channel, Customer, Purpose
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._events import reason_code
from clientcare.kernel._values import new_id
from clientcare.playbook import AbcLabel
from clientcare.purchases._model import CustomerFigures

__all__ = [
    "CustomerView",
    "FollowUp",
    "FollowUpStatus",
    "RecurringRule",
    "RepeatUnit",
    "SaleCredit",
    "Wish",
    "choose_channel",
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
    #: P13: people this customer has referred (a referrer is an old customer).
    referrals: int = 0
    #: P60: the visit interval of an open improvement plan (None: the tier's cycle).
    visit_every_days: int | None = None

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
