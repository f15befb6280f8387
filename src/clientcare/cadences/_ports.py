"""What the cadences need from storage, the outside world (messages) and other areas.

The ports into other areas (tiers, complaints, membership, assessments, the
staff roster) are gathered in :class:`CadencePorts`. Each has an explicit
default so the library works before those areas are wired:

* :class:`SegmentLookup` — no tiers known: key customers (card flag) count
  as tier A, everyone else as tier C.
* :class:`OpenComplaints` — no complaint information: nothing is paused.
* :class:`MembershipDates` — no member cards: no expiry reminders.
* :class:`MarketingStops` — no assessments: no relationship counts as ended.
* :class:`VisitIntervals` — no improvement plans: every customer is visited
  on their tier's rotation cycle.
* :class:`StaffRoster` — no roster: touches stay unassigned (the store's
  or tenant's board shows them) and rotation capacity applies to the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import attrs

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._candidates import Prefilter
from clientcare.cadences._sequences import FollowUp, RecurringRule, SaleCredit, Wish
from clientcare.cadences._touches import Touch, TouchReason
from clientcare.errors import ValidationError
from clientcare.playbook import AbcLabel
from clientcare.purchases._model import CustomerFigures

__all__ = [
    "AppointmentRepository",
    "CadencePorts",
    "DailyRunQueries",
    "FixedRoster",
    "FollowUpRepository",
    "MarketingStops",
    "MembershipDates",
    "NoComplaints",
    "NoMembership",
    "NoSegments",
    "NoStops",
    "NoVisitIntervals",
    "Notification",
    "Notifier",
    "NotifierSession",
    "OpenComplaints",
    "Picture",
    "RecurringRuleRepository",
    "SaleCreditRepository",
    "SegmentLookup",
    "StaffRoster",
    "TouchRepository",
    "VisitIntervals",
    "WishRepository",
]


class DailyRunQueries(Protocol):
    """What the set-based daily run asks the storage, one statement per batch of customers.

    A plain implementation (the memory adapter's reference) may answer
    customer by customer and admit every customer to every prefilter; the
    daily run plans the same touches either way, only slower.
    """

    def daily_customers(self) -> list[tuple[str, bool]]:
        """Every customer's id and whether she is erased, in id order."""
        ...

    def daily_candidates(self, customer_ids: Sequence[str], prefilters: Sequence[Prefilter]) -> set[str]:
        """Those of ``customer_ids`` some prefilter admits (a superset is correct, a subset is not)."""
        ...

    def daily_figures(self, customer_ids: Sequence[str], currency: str) -> dict[str, CustomerFigures]:
        """Each customer's figures (as ``purchases.figures``), for every id given."""
        ...

    def referral_counts(self, customer_ids: Sequence[str]) -> dict[str, int]:
        """How many people each customer referred (customers without referrals may be left out)."""
        ...

    def known_keys(self, customer_ids: Sequence[str], reasons: Sequence[TouchReason], *, since: date) -> set[str]:
        """Keys of the customers' stored touches of ``reasons`` due on or after ``since``."""
        ...

    def held_for(self, customer_ids: Sequence[str]) -> list[Touch]:
        """The customers' touches on hold."""
        ...


class TouchRepository(DailyRunQueries, Protocol):
    """Touches of one tenant (P20–P35). ``key`` is unique per tenant.

    :meth:`add_new` is idempotent, also while other workers store the same
    keys: each key is stored once, and one stored meanwhile is skipped, not
    an error (the daily run's idempotence). :meth:`lease_automated` never
    hands a touch to two workers while its lease lasts (many dispatch workers).
    """

    def add(self, touch: Touch) -> None:
        """Store a new touch; DuplicateRecord if its key exists."""

    def add_new(self, touches: Sequence[Touch]) -> list[Touch]:
        """Store those touches whose key is new; returns the ones stored."""
        ...

    def get(self, touch_id: str) -> Touch:
        """The touch, or NotFound."""
        ...

    def save(self, touch: Touch) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def save_all(self, touches: Sequence[Touch]) -> None:
        """:meth:`save` for a batch, as one statement where the store can; ConcurrencyConflict if
        someone saved any of them in between (the unit of work then writes none)."""

    def by_key(self, key: str) -> Touch | None:
        """The touch with this key, if any."""
        ...

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Touch]:
        """The customer's touches, by due date."""
        ...

    def for_sequence(self, sequence_id: str) -> list[Touch]:
        """The touches of one follow-up sequence, by number."""
        ...

    def due_between(
        self,
        first: date,
        last: date,
        *,
        owner: str | None = None,
        store_id: str | None = None,
        open_only: bool = True,
    ) -> list[Touch]:
        """Touches due from ``first`` to ``last`` (inclusive), optionally one owner's or store's."""
        ...

    def overdue(self, before: date, *, owner: str | None = None, store_id: str | None = None) -> list[Touch]:
        """Open touches due before ``before``."""
        ...

    def closed_between(self, start: datetime, end: datetime, *, owner: str | None = None) -> list[Touch]:
        """Touches done, skipped or cancelled in ``[start, end)``."""
        ...

    def held(self) -> list[Touch]:
        """Touches on hold (P21: the customer has an open complaint)."""
        ...

    def failed(self) -> list[Touch]:
        """Dead-lettered touches (delivery given up), by due date."""
        ...

    def count_due(self, day: date, reason: TouchReason, owner: str | None) -> int:
        """How many touches of ``reason`` are due on ``day`` for ``owner`` (capacity)."""
        ...

    def count_sent_since(self, customer_id: str, since: datetime) -> int:
        """Automated touches done for the customer since ``since`` (frequency cap)."""
        ...

    def sent_counts_since(self, customer_ids: Sequence[str], since: datetime) -> Mapping[str, int]:
        """:meth:`count_sent_since` for many customers at once (dispatch's batch); absent ids sent nothing."""
        ...

    def lease_automated(self, *, day: date, now: datetime, worker: str, until: datetime, limit: int) -> list[Touch]:
        """Take up to ``limit`` planned automated touches due by ``day`` whose lease is free or expired."""
        ...


class AppointmentRepository(Protocol):
    """Appointments of one tenant (P29)."""

    def add(self, appointment: Appointment) -> None:
        """Store a new appointment."""

    def get(self, appointment_id: str) -> Appointment:
        """The appointment, or NotFound."""
        ...

    def save(self, appointment: Appointment) -> None:
        """Store changes."""

    def booked_before(self, moment: datetime) -> list[Appointment]:
        """Appointments still booked that started before ``moment``."""
        ...

    def between(self, start: datetime, end: datetime, *, staff_id: str | None = None) -> list[Appointment]:
        """Appointments starting in ``[start, end)``."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s appointments to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class FollowUpRepository(Protocol):
    """Follow-up sequences of one tenant (P21)."""

    def add(self, sequence: FollowUp) -> None:
        """Store a new sequence."""

    def get(self, sequence_id: str) -> FollowUp:
        """The sequence, or NotFound."""
        ...

    def save(self, sequence: FollowUp) -> None:
        """Store changes."""

    def active_for(self, customer_id: str) -> list[FollowUp]:
        """The customer's running sequences."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s follow-ups to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class WishRepository(Protocol):
    """Wanted items of one tenant (P28)."""

    def add(self, wish: Wish) -> None:
        """Store a new wish."""

    def save(self, wish: Wish) -> None:
        """Store changes."""

    def open_for(self, style_no: str) -> list[Wish]:
        """Wishes still waiting for ``style_no``, oldest first."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s wishes to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class RecurringRuleRepository(Protocol):
    """Staff-set recurring touches of one tenant."""

    def add(self, rule: RecurringRule) -> None:
        """Store a new rule."""

    def get(self, rule_id: str) -> RecurringRule:
        """The rule, or NotFound."""
        ...

    def save(self, rule: RecurringRule) -> None:
        """Store changes."""

    def active_on(self, day: date) -> list[RecurringRule]:
        """Rules that have started and not ended on ``day``."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s recurring rules to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class SaleCreditRepository(Protocol):
    """Which touch preceded each sale (P21, P31); one credit per purchase."""

    def add(self, credit: SaleCredit) -> None:
        """Store a credit; DuplicateRecord if the purchase has one."""

    def between(self, start: datetime, end: datetime) -> list[SaleCredit]:
        """Credits for sales in ``[start, end)``."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s sale credits to ``to_id`` (a merge), in one statement; returns how many."""
        ...


@attrs.frozen(kw_only=True)
class Picture:
    """A picture in a message (P70: 文字搭配上图片): a web address, or the image itself.

    ``url`` is where the picture lives (the HTML template shows it, an SMS
    gateway may link it); ``data`` is the image when the embedder has it
    (an e-mail then carries it inline). Pictures show products, not
    customers, yet the bytes stay out of the repr (they are long).
    """

    content_type: str
    url: str = ""
    data: bytes = attrs.field(default=b"", repr=False)
    #: A file name for the e-mail part (``qy-2301.jpg``); derived from the URL when empty.
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.content_type.startswith("image/"):
            raise ValidationError("content_type", "must be an image/* type")
        if not self.url and not self.data:
            raise ValidationError("picture", "needs a url or the image data")
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValidationError("url", "must be an http(s) address")

    @property
    def filename(self) -> str:
        """``name``, else the last part of the URL's path, else ``picture``."""
        if self.name:
            return self.name
        tail = self.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return tail or "picture"


@attrs.frozen(kw_only=True)
class Notification:
    """One automated message, rendered and addressed. Address and text are personal: no repr.

    ``idempotency_key`` is the same on every attempt to send the same touch
    (dispatch derives it from tenant and touch id), so a channel or sink that
    remembers keys drops duplicates of an at-least-once delivery.
    """

    touch_id: str
    customer_id: str
    channel: str
    address: str = attrs.field(repr=False)
    subject: str = attrs.field(repr=False)
    #: The plain text (SMS, messaging, the e-mail's text part).
    body: str = attrs.field(repr=False)
    locale: str
    #: The e-mail's HTML part (values escaped); channels without HTML ignore it.
    html: str = attrs.field(default="", repr=False)
    #: The signed unsubscribe link (also in the texts); ``""`` for service messages.
    unsubscribe_url: str = attrs.field(default="", repr=False)
    #: The same on every attempt at this touch, so a sink can drop duplicates.
    idempotency_key: str
    #: P70: pictures that go with the text (the HTML part places those with a URL); kept out of the repr,
    #: which names the message, not its content.
    pictures: tuple[Picture, ...] = attrs.field(default=(), repr=False)


@runtime_checkable
class Notifier(Protocol):
    """Sends automated messages (SMS, email, messaging); raises on failure.

    Raise :class:`clientcare.errors.DeliveryFailed` with ``permanent=True``
    when the channel refuses this message for good (the touch is then
    dead-lettered at once, see ``care.touches.failed()``); any other
    exception means "try again later", with backoff.
    """

    def send(self, notification: Notification) -> None:
        """Deliver one message, or raise so the touch is retried later.

        An error with a true ``permanent`` attribute (a refused address, a
        4xx answer) dead-letters the touch at once instead of retrying it.
        """


@runtime_checkable
class NotifierSession(Protocol):
    """A notifier that can keep a connection open across the sends of one dispatch pass.

    Dispatch enters ``session()`` around each batch it sends: an SMTP
    notifier logs in once and sends the batch over one connection, then
    closes it when the block ends (also on an error). Optional: a notifier
    without ``session`` is called message by message.
    """

    def session(self) -> AbstractContextManager[object]:
        """A block inside which sends may share one connection."""
        ...


# -- ports into other areas ------------------------------------------------------


class SegmentLookup(Protocol):
    """Tiers from the segmentation area (issue 4): ``{customer_id: AbcLabel}``."""

    def tier_of(self, customer_ids: Sequence[str]) -> Mapping[str, AbcLabel]:
        """Tiers of the given customers; missing ids fall back to the default."""
        ...


class OpenComplaints(Protocol):
    """Open complaints from the complaints area (issue 6)."""

    def has_open_complaint(self, customer_id: str) -> bool:
        """Whether the customer has a complaint not yet closed."""
        ...

    def with_open_complaint(self) -> set[str]:
        """Every customer of the tenant with a complaint not yet closed (the daily run's bulk check)."""
        ...


class MarketingStops(Protocol):
    """Ended relationships from the assessments area (P61 "terminate")."""

    def marketing_stopped(self, customer_id: str) -> bool:
        """Whether a confirmed ending stands: no marketing touch may be planned."""
        ...

    def stopped_among(self, customer_ids: Sequence[str]) -> set[str]:
        """Those of ``customer_ids`` whose relationship ended (the daily run's bulk check)."""
        ...


class VisitIntervals(Protocol):
    """Visit intervals asked by the assessments area (P60 "improve": visit every N days)."""

    def visit_every(self, customer_ids: Sequence[str]) -> Mapping[str, int]:
        """``{customer id: days}`` for the given customers whose open improvement plan
        sets a visit interval; customers without one are left out."""
        ...


class MembershipDates(Protocol):
    """Member card expiry dates from the membership area (issue 4)."""

    def card_expiries(self, customer_ids: Sequence[str]) -> Mapping[str, date]:
        """Expiry dates of the given customers' cards (members only)."""
        ...


class StaffRoster(Protocol):
    """Who works where: rotation visits and greetings are spread over these people."""

    def staff_of(self, store_id: str | None) -> Sequence[str]:
        """Staff ids of a store (``None``: the tenant's staff without a store)."""
        ...


class NoSegments:
    """Default: no tiers known (key customers count as A, others as C)."""

    def tier_of(self, customer_ids: Sequence[str]) -> Mapping[str, AbcLabel]:
        """Nothing: the planners fall back to the card's key flag."""
        return {}


class NoComplaints:
    """Default: no complaint information, so nothing is paused."""

    def has_open_complaint(self, customer_id: str) -> bool:
        """Always False."""
        return False

    def with_open_complaint(self) -> set[str]:
        """Nobody."""
        return set()


class NoStops:
    """Default: no assessment information, so no relationship counts as ended."""

    def marketing_stopped(self, customer_id: str) -> bool:
        """Always False."""
        return False

    def stopped_among(self, customer_ids: Sequence[str]) -> set[str]:
        """Nobody."""
        return set()


class NoVisitIntervals:
    """Default: no improvement plans, so the tier's rotation cycle alone decides."""

    def visit_every(self, customer_ids: Sequence[str]) -> Mapping[str, int]:
        """Nothing."""
        return {}


class NoMembership:
    """Default: no member cards, so no expiry reminders."""

    def card_expiries(self, customer_ids: Sequence[str]) -> Mapping[str, date]:
        """Nothing."""
        return {}


@attrs.define
class FixedRoster:
    """A roster from a mapping ``{store_id or None: [staff ids]}``."""

    staff: Mapping[str | None, Sequence[str]] = attrs.field(factory=dict)

    def staff_of(self, store_id: str | None) -> Sequence[str]:
        """The store's staff, else the tenant-wide list under ``None``."""
        return tuple(self.staff.get(store_id) or self.staff.get(None) or ())


@attrs.frozen(kw_only=True)
class CadencePorts:
    """The outside knowledge cadences use; give your own to wire a real area.

    Frozen: a facade builds its own copy with its own tenant's areas filled in
    where a default stands, so one object can be passed to many facades.
    """

    segments: SegmentLookup = attrs.field(factory=NoSegments)
    complaints: OpenComplaints = attrs.field(factory=NoComplaints)
    membership: MembershipDates = attrs.field(factory=NoMembership)
    relationships: MarketingStops = attrs.field(factory=NoStops)
    roster: StaffRoster = attrs.field(factory=FixedRoster)
    #: P60: an improved relationship is visited on its plan's interval.
    visits: VisitIntervals = attrs.field(factory=NoVisitIntervals)
