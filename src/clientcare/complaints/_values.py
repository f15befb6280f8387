"""The small values of complaint handling: classifications, remedies, the timeline.

Everything here is an enum or a frozen value; the :class:`Complaint`
aggregate holds them and changes them only by replacing them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.complaints._targets import Target
from clientcare.errors import ValidationError
from clientcare.kernel._checks import clean_text
from clientcare.kernel._checks import one_of as _enum
from clientcare.kernel._values import Money

__all__ = [
    "BY_LIMIT",
    "MONEY_BACK",
    "Answer",
    "Category",
    "ComplaintChannel",
    "ComplaintStatus",
    "CorrectiveAction",
    "Decision",
    "Escalation",
    "Option",
    "Pause",
    "PriceCheck",
    "PriceCheckItem",
    "Promise",
    "Remedy",
    "RemedyKind",
    "StoryVersion",
    "TimelineEntry",
    "TimelineStep",
]

#: Longest "by" (a handler's short name or a role) a complaint records.
BY_LIMIT = 64


class ComplaintChannel(enum.StrEnum):
    """P46/P50: where a complaint came in."""

    IN_STORE = "in_store"
    PHONE = "phone"
    EMAIL = "email"
    MAILBOX = "mailbox"  # the satisfaction desk or mailbox of P46
    ONLINE_REVIEW = "online_review"
    MESSAGING = "messaging"
    STAFF_OBSERVATION = "staff_observation"
    SURVEY = "survey"  # P50: a low survey answer
    CONTACT_OUTCOME = "contact_outcome"  # P50: a negative follow-up contact


class Category(enum.StrEnum):
    """P41: what the complaint is about (filed) or what really caused it (diagnosed)."""

    EXPECTATIONS = "expectations"
    PRODUCT_QUALITY = "product_quality"
    STAFF_SERVICE = "staff_service"
    PRICE = "price"
    DELIVERY = "delivery"
    INSTALLATION = "installation"
    OTHER = "other"


class ComplaintStatus(enum.StrEnum):
    """P42's six steps (and P43's approval) as states."""

    RECEIVED = "received"
    LISTENED = "listened"  # step 1
    APOLOGISED = "apologised"  # step 2
    DIAGNOSED = "diagnosed"  # step 3
    ANSWER_DECIDED = "answer_decided"  # step 4, P45
    OPTIONS_OFFERED = "options_offered"  # P43: choices for the customer
    AWAITING_APPROVAL = "awaiting_approval"  # P43: above the owner's authority
    AGREED = "agreed"  # the customer's choice stands
    RESOLVED = "resolved"  # remedy carried out (P44)
    AFTER_CARE_DONE = "after_care_done"  # step 5
    CLOSED = "closed"  # step 6, with the lesson
    REOPENED = "reopened"  # the customer was not satisfied


class Answer(enum.StrEnum):
    """P45: how the complaint is answered."""

    FIX_AND_REMEDY = "fix_and_remedy"  # a fact: improve, solve, remedy
    EXPLAIN = "explain"  # not a fact: explain fully
    RETURN_OR_NEGOTIATE = "return_or_negotiate"  # cannot be done: return or negotiated remedy
    COMMIT_TO_DATE = "commit_to_date"  # needs time: promise a date
    TRIVIAL = "trivial"  # note it and move on


class RemedyKind(enum.StrEnum):
    """P44: what the shop does to set things right."""

    REPAIR = "repair"
    REPLACEMENT = "replacement"
    REFUND = "refund"
    RETURN = "return"
    GIFT = "gift"
    DELIVERY = "delivery"
    INSTALLATION = "installation"
    WARRANTY_SERVICE = "warranty_service"
    PRICE_CONCESSION = "price_concession"  # P52
    EXPLANATION = "explanation"


#: P52: remedies that give money back; on a price complaint each is a concession by another name.
MONEY_BACK = frozenset({RemedyKind.REFUND, RemedyKind.GIFT, RemedyKind.PRICE_CONCESSION})


class PriceCheckItem(enum.StrEnum):
    """P52: what to check before any price concession."""

    MARKET = "market"
    COMPETITOR_QUOTE = "competitor_quote"
    AFTER_SALES = "after_sales"


class TimelineStep(enum.StrEnum):
    """P49: what a timeline entry records; the six steps and the steps around them."""

    RECEIVED = "received"
    LISTENED = "listened"  # step 1
    APOLOGISED = "apologised"  # step 2
    DIAGNOSED = "diagnosed"  # step 3
    ANSWER_DECIDED = "answer_decided"  # step 4
    OPTIONS_OFFERED = "options_offered"
    OPTION_CHOSEN = "option_chosen"
    APPROVED = "approved"
    REFUSED = "refused"
    RESOLVED = "resolved"
    AFTER_CARE_DONE = "after_care_done"  # step 5
    CLOSED = "closed"  # step 6
    REOPENED = "reopened"
    PAUSED = "paused"
    RESUMED = "resumed"
    CUSTOMER_LINKED = "customer_linked"
    PRICE_CHECKED = "price_checked"
    PRICE_QUOTED = "price_quoted"  # P52
    STORY_TOLD = "story_told"
    PROMISED = "promised"
    PROMISE_KEPT = "promise_kept"
    ESCALATED = "escalated"
    BREACHED = "breached"
    CORRECTIVE_ACTION_OPENED = "corrective_action_opened"
    CORRECTIVE_ACTION_CLOSED = "corrective_action_closed"
    RECURRENCE_FLAGGED = "recurrence_flagged"


# -- values --------------------------------------------------------------------


def _by(value: object) -> str:
    """Who acted: a short name or role, checked like every other text."""
    return clean_text(value, "by", limit=BY_LIMIT)


def _step(value: object) -> TimelineStep:
    return _enum(TimelineStep, value, "step")


@attrs.frozen(kw_only=True)
class StoryVersion:
    """P49: one version of the reason the customer hears: who gave it and when."""

    story: str = attrs.field(repr=False)
    by: str
    at: datetime


@attrs.frozen(kw_only=True)
class TimelineEntry:
    """P49: one thing done on the complaint: who, when, what (and which target, if any).

    Entries written before targets were values carry a promise's or a breached
    target's code in ``note`` and no ``target``.
    """

    at: datetime
    by: str
    step: TimelineStep = attrs.field(converter=_step)
    note: str = attrs.field(default="", repr=False)
    target: Target | None = None


def _remedy_kind(value: object) -> RemedyKind:
    return _enum(RemedyKind, value, "kind")


def _remedies(value: Iterable[Remedy]) -> tuple[Remedy, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Remedy:
    """P44: one remedy; ``value`` is what it costs the shop (counts against authority)."""

    kind: RemedyKind = attrs.field(converter=_remedy_kind)
    value: Money | None = None
    description: str = ""
    list_price: Money | None = None  # P52: the price a concession is taken off

    def __attrs_post_init__(self) -> None:
        if self.value is not None and self.value.amount < 0:
            raise ValidationError("value", "must not be negative")
        if self.kind is RemedyKind.PRICE_CONCESSION and (
            self.value is None or self.list_price is None or self.list_price.amount <= 0
        ):
            raise ValidationError("list_price", "a price concession needs its value and a positive list price")

    @property
    def share_of_price(self) -> Decimal:
        """The value as a share of the list price, whatever the kind (0 without both)."""
        if self.value is None or self.list_price is None or self.list_price.amount <= 0:
            return Decimal(0)
        return self.value.amount / self.list_price.amount

    @property
    def concession_share(self) -> Decimal:
        """The concession as a share of the list price (0 for other remedies)."""
        if self.kind is not RemedyKind.PRICE_CONCESSION or self.value is None or self.list_price is None:
            return Decimal(0)
        return self.value.amount / self.list_price.amount


@attrs.frozen(kw_only=True)
class Option:
    """P43: one choice put to the customer, made of remedies."""

    label: str
    remedies: tuple[Remedy, ...] = attrs.field(default=(), converter=_remedies)

    def cost(self, currency: str) -> Money:
        """What the option costs the shop, in ``currency``."""
        return sum((r.value for r in self.remedies if r.value is not None), Money.zero(currency))


@attrs.frozen(kw_only=True)
class Decision:
    """P43: an approval or refusal of a remedy by a role above the owner."""

    at: datetime
    by: str
    role: str
    approved: bool
    amount: Money
    reason: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class Escalation:
    """P51: the complaint moved up to ``role`` (level ``level`` of the chain)."""

    at: datetime
    by: str
    level: int
    role: str
    reason: str


@attrs.frozen(kw_only=True)
class Pause:
    """The clock stopped while waiting for the customer, and why."""

    start: datetime
    reason: str = attrs.field(repr=False)
    end: datetime | None = None


@attrs.frozen(kw_only=True)
class Promise:
    """P43/P51: a date promised to the customer, and whether it was kept."""

    id: str
    what: str = attrs.field(repr=False)
    due: datetime
    made_at: datetime
    made_by: str
    kept_at: datetime | None = None


@attrs.frozen(kw_only=True)
class PriceCheck:
    """P52: one point of the price objection checklist, done."""

    item: PriceCheckItem
    at: datetime
    by: str
    finding: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class CorrectiveAction:
    """P46: an action removing a root cause so the problem does not recur."""

    id: str
    description: str = attrs.field(repr=False)
    owner: str
    due: date
    category: Category
    item: str | None
    opened_at: datetime
    closed_at: datetime | None = None
