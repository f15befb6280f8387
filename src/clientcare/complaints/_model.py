"""Complaints (P40-P52): the six-step procedure as a state machine.

A complaint is one shared record (P49): every department reads the same
timeline of who did what when, and the customer hears one story. The steps
of P42 are states; a step out of order is an :class:`InvalidTransition`.
Promises are counted in business hours on the tenant's calendar (P51);
remedies above the owner's authority wait for an approval (P43).
"""

from __future__ import annotations

import enum
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from clientcare.complaints._events import (
    ComplaintAfterCareDue,
    ComplaintApprovalDecided,
    ComplaintApprovalRequested,
    ComplaintEscalated,
    ComplaintFiled,
    ComplaintGiftSuggested,
    ComplaintPromiseKept,
    ComplaintPromiseMade,
    ComplaintRecurrenceFlagged,
    ComplaintStepTaken,
    ComplaintTargetBreached,
    CorrectiveActionClosed,
    CorrectiveActionOpened,
    Severity,
    StandardAnswerSaved,
)
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._calendar import BusinessCalendar, Interval
from clientcare.kernel._checks import aware, clean_text, tag_set
from clientcare.kernel._checks import one_of as _enum
from clientcare.kernel._values import Money, new_id
from clientcare.playbook import ComplaintRules

__all__ = [
    "Answer",
    "Category",
    "Complaint",
    "ComplaintChannel",
    "ComplaintReview",
    "ComplaintStatus",
    "CorrectiveAction",
    "Decision",
    "Escalation",
    "Option",
    "Pause",
    "PriceCheck",
    "PriceCheckItem",
    "Promise",
    "PromiseStatus",
    "QueueEntry",
    "Remedy",
    "RemedyKind",
    "Severity",
    "StandardAnswer",
    "TargetState",
    "TargetStatus",
    "TimelineEntry",
    "choose_answer",
    "queue_of",
    "review_of",
]

_BY_LIMIT = 64


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


class PriceCheckItem(enum.StrEnum):
    """P52: what to check before any price concession."""

    MARKET = "market"
    COMPETITOR_QUOTE = "competitor_quote"
    AFTER_SALES = "after_sales"


class TargetState(enum.StrEnum):
    """Where a promise stands (P51)."""

    PENDING = "pending"
    PAUSED = "paused"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


# -- values --------------------------------------------------------------------


def _by(value: object) -> str:
    return clean_text(value, "by", limit=_BY_LIMIT)


@attrs.frozen(kw_only=True)
class TimelineEntry:
    """P49: one thing done on the complaint: who, when, what."""

    at: datetime
    by: str
    step: str
    note: str = attrs.field(default="", repr=False)


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


@attrs.frozen(kw_only=True)
class TargetStatus:
    """P51: one target (``first_response``, ``resolution``, ``promise:<id>``)."""

    target: str
    due: datetime | None
    done_at: datetime | None
    state: TargetState


@attrs.frozen(kw_only=True)
class PromiseStatus:
    """P51: which targets of a complaint were met or missed, at a moment."""

    complaint_id: str
    at: datetime
    paused: bool
    targets: tuple[TargetStatus, ...]

    def of(self, target: str) -> TargetStatus:
        """The status of one target, by name."""
        for status in self.targets:
            if status.target == target:
                return status
        raise ValidationError("target", "no such target on this complaint")


@attrs.frozen(kw_only=True)
class QueueEntry:
    """P40: one line of the complaints queue."""

    complaint_id: str
    customer_id: str | None
    key_customer: bool
    severity: Severity
    status: ComplaintStatus
    owner_role: str
    next_due: datetime | None
    overdue: bool
    received_at: datetime


@attrs.frozen(kw_only=True)
class ComplaintReview:
    """P48: a week's or a month's complaints, problems and fixes (JSON-ready)."""

    period: str
    start: date
    end: date  # exclusive
    filed: int
    closed: int
    by_category: dict[str, int]
    by_cause: dict[str, int]
    by_item: dict[str, int]
    by_store: dict[str, int]
    median_first_response_hours: Decimal | None
    median_resolution_hours: Decimal | None
    overdue: int
    escalated: int
    recurrences: int
    corrective_actions_open: int
    lessons: tuple[str, ...] = attrs.field(repr=False)


# -- transitions ---------------------------------------------------------------

S = ComplaintStatus
_OPEN_STATES = frozenset(s for s in S if s is not S.CLOSED)

#: action -> states it may be taken from (P42's order).
_ALLOWED: dict[str, frozenset[ComplaintStatus]] = {
    "listen": frozenset({S.RECEIVED, S.REOPENED}),
    "apologise": frozenset({S.LISTENED}),
    "diagnose": frozenset({S.APOLOGISED}),
    "decide": frozenset({S.DIAGNOSED}),
    "offer options": frozenset({S.ANSWER_DECIDED}),
    "choose an option": frozenset({S.OPTIONS_OFFERED}),
    "decide on approval": frozenset({S.AWAITING_APPROVAL}),
    "resolve": frozenset({S.AGREED, S.ANSWER_DECIDED}),
    "do after-care": frozenset({S.RESOLVED}),
    "close": frozenset({S.AFTER_CARE_DONE}),
    "reopen": frozenset({S.RESOLVED, S.AFTER_CARE_DONE, S.CLOSED}),
}

#: Answers that need no remedy: the complaint may be resolved straight after deciding (P45).
_NO_REMEDY = frozenset({Answer.EXPLAIN, Answer.TRIVIAL})


def choose_answer(*, fact: bool, feasible: bool = True, needs_time: bool = False, trivial: bool = False) -> Answer:
    """P45's decision: trivial → note it; not a fact → explain; cannot be done →
    return or negotiate; needs time → commit to a date; else fix and remedy."""
    if trivial:
        return Answer.TRIVIAL
    if not fact:
        return Answer.EXPLAIN
    if not feasible:
        return Answer.RETURN_OR_NEGOTIATE
    if needs_time:
        return Answer.COMMIT_TO_DATE
    return Answer.FIX_AND_REMEDY


@attrs.define(eq=False, kw_only=True)
class Complaint(Aggregate):
    """One complaint: filed, walked through the six steps, promised, reviewed."""

    customer_id: str | None
    key_customer: bool = False
    channel: ComplaintChannel
    category: Category
    severity: Severity
    description: str = attrs.field(repr=False)
    wish: str = attrs.field(default="", repr=False)
    purchase_ids: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    store_id: str | None = None
    received_at: datetime
    received_by: str
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    signal_source: str | None = None
    signal_reference: str | None = None
    cause: Category | None = None
    root_cause: str = attrs.field(default="", repr=False)
    answer: Answer | None = None
    story: str = attrs.field(default="", repr=False)
    options: tuple[Option, ...] = attrs.field(default=(), repr=False)
    chosen: int | None = None
    approval_reason: str | None = None
    decisions: tuple[Decision, ...] = attrs.field(default=(), repr=False)
    level: int = 0
    owner_role: str = "handler"
    escalations: tuple[Escalation, ...] = attrs.field(default=(), repr=False)
    pauses: tuple[Pause, ...] = attrs.field(default=(), repr=False)
    promises: tuple[Promise, ...] = attrs.field(default=(), repr=False)
    clock_started_at: datetime
    first_response_at: datetime | None = None
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    resolved_at: datetime | None = None
    after_care_due: datetime | None = None
    after_care_at: datetime | None = None
    closed_at: datetime | None = None
    lesson: str = attrs.field(default="", repr=False)
    breaches: tuple[str, ...] = ()
    price_checks: tuple[PriceCheck, ...] = attrs.field(default=(), repr=False)
    corrective_actions: tuple[CorrectiveAction, ...] = attrs.field(default=(), repr=False)
    recurrence_of: str | None = None
    gift_reason: str | None = None
    reopen_count: int = 0
    timeline: tuple[TimelineEntry, ...] = attrs.field(default=(), repr=False)

    STEPS: ClassVar[tuple[str, ...]] = ("listened", "apologised", "diagnosed", "answer_decided")

    # -- filing ------------------------------------------------------------------
    @classmethod
    def file(
        cls,
        *,
        tenant: str,
        customer_id: str | None,
        key_customer: bool,
        channel: ComplaintChannel | str,
        category: Category | str,
        severity: Severity | str,
        description: str,
        at: datetime,
        by: str,
        rules: ComplaintRules,
        calendar: BusinessCalendar,
        wish: str = "",
        purchase_ids: Sequence[str] = (),
        items: Sequence[str] = (),
        store_id: str | None = None,
        signal: tuple[str, str] | None = None,
        complaint_id: str | None = None,
    ) -> Complaint:
        """P41/P46: register and classify a complaint; its promises start now."""
        at = aware(at, "at")
        complaint = cls(
            id=complaint_id or new_id(),
            tenant=tenant,
            customer_id=customer_id,
            key_customer=key_customer,
            channel=_enum(ComplaintChannel, channel, "channel"),
            category=_enum(Category, category, "category"),
            severity=_enum(Severity, severity, "severity"),
            description=clean_text(description, "description", limit=4000),
            wish=clean_text(wish, "wish", limit=1000, required=False),
            purchase_ids=tuple(dict.fromkeys(purchase_ids)),
            items=tuple(sorted(tag_set(items))),
            store_id=store_id,
            received_at=at,
            received_by=_by(by),
            signal_source=signal[0] if signal else None,
            signal_reference=signal[1] if signal else None,
            clock_started_at=at,
            owner_role=rules.escalation_chain[0],
        )
        complaint._plan(rules, calendar)
        complaint._log(at, by, "received", f"{complaint.channel.value}/{complaint.category.value}")
        complaint.record(
            ComplaintFiled(
                tenant=tenant,
                occurred_at=at,
                complaint_id=complaint.id,
                customer_id=customer_id,
                by=complaint.received_by,
                channel=complaint.channel.value,
                category=complaint.category.value,
                severity=complaint.severity.value,
                key_customer=key_customer,
            )
        )
        return complaint

    # -- queries -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Not closed yet (after-care pending counts as open)."""
        return self.status is not ComplaintStatus.CLOSED

    @property
    def paused(self) -> bool:
        """Whether the clock is stopped, waiting for the customer."""
        return bool(self.pauses) and self.pauses[-1].end is None

    @property
    def chosen_option(self) -> Option | None:
        """The option the customer chose, if any."""
        return self.options[self.chosen] if self.chosen is not None else None

    @property
    def approved(self) -> bool:
        """Whether the latest decision on the chosen remedy is an approval."""
        return bool(self.decisions) and self.decisions[-1].approved

    def intervals(self) -> list[Interval]:
        """The pauses as (start, end) pairs for the calendar."""
        return [(p.start, p.end) for p in self.pauses]

    def next_due(self) -> datetime | None:
        """The earliest open deadline: first response, promises, resolution, after-care."""
        dues: list[datetime] = []
        if self.first_response_at is None and self.first_response_due is not None:
            dues.append(self.first_response_due)
        if self.resolved_at is None:
            dues.extend(p.due for p in self.promises if p.kept_at is None)
            if self.resolution_due is not None:
                dues.append(self.resolution_due)
        elif self.after_care_at is None and self.after_care_due is not None:
            dues.append(self.after_care_due)
        return min(dues) if dues else None

    def targets(self) -> list[tuple[str, datetime | None, datetime | None]]:
        """Every target as (name, due, done at)."""
        result: list[tuple[str, datetime | None, datetime | None]] = [
            ("first_response", self.first_response_due, self.first_response_at),
            ("resolution", self.resolution_due, self.resolved_at),
        ]
        result.extend((f"promise:{p.id}", p.due, p.kept_at) for p in self.promises)
        return result

    def promise_status(self, at: datetime) -> PromiseStatus:
        """P51: which targets are met, missed, pending, overdue or paused at ``at``."""
        statuses = []
        for name, due, done in self.targets():
            if done is not None:
                state = TargetState.MET if due is None or done <= due else TargetState.MISSED
            elif self.paused and not name.startswith("promise:"):
                state = TargetState.PAUSED
            elif due is not None and due < at:
                state = TargetState.OVERDUE
            else:
                state = TargetState.PENDING
            statuses.append(TargetStatus(target=name, due=due, done_at=done, state=state))
        return PromiseStatus(complaint_id=self.id, at=at, paused=self.paused, targets=tuple(statuses))

    def overdue(self, at: datetime) -> bool:
        """Whether any open target is past its due time at ``at``."""
        return any(s.state is TargetState.OVERDUE for s in self.promise_status(at).targets)

    def price_checklist_done(self) -> bool:
        """P52: market, competitor quote and after-sales problems all checked."""
        return {c.item for c in self.price_checks} >= set(PriceCheckItem)

    # -- helpers -----------------------------------------------------------------
    def _require(self, action: str) -> None:
        if self.status not in _ALLOWED[action]:
            raise InvalidTransition("complaint", self.status.value, action)

    def _require_open(self, action: str) -> None:
        if not self.is_open:
            raise InvalidTransition("complaint", self.status.value, action)

    def _log(self, at: datetime, by: str, step: str, note: str = "") -> None:
        at = aware(at, "at")
        if self.timeline and at < self.timeline[-1].at:
            # One timeline shared by all departments (P49) must read in order.
            raise ValidationError("at", "must not precede the last timeline entry")
        self.timeline = (*self.timeline, TimelineEntry(at=at, by=_by(by), step=step, note=note))

    def _step(self, at: datetime, by: str, step: str, status: ComplaintStatus, note: str = "") -> None:
        self._log(at, by, step, note)
        self.status = status
        self.record(
            ComplaintStepTaken(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                step=step,
                status=status.value,
            )
        )

    def _side_step(self, at: datetime, by: str, step: str, note: str = "") -> None:
        """A recorded step that does not move the state (pause, price check, link)."""
        self._step(at, by, step, self.status, note)

    def _hours(self, table: str, rules: ComplaintRules) -> Decimal:
        hours = getattr(rules, table).for_severity(self.severity.value)
        return hours * rules.key_customer_factor if self.key_customer else Decimal(hours)

    def _plan(self, rules: ComplaintRules, calendar: BusinessCalendar) -> None:
        """Work out the first-response and resolution deadlines, skipping pauses."""
        pauses = self.intervals()
        if self.first_response_at is None:
            self.first_response_due = calendar.due(self.received_at, self._hours("first_response_hours", rules), pauses)
        if self.resolved_at is None:
            self.resolution_due = calendar.due(self.clock_started_at, self._hours("resolution_hours", rules), pauses)

    # -- the six steps (P42) -----------------------------------------------------
    def listen(self, *, heard: str, by: str, at: datetime) -> None:
        """Step 1: listen and accept the criticism; the first response (P40)."""
        self._require("listen")
        note = clean_text(heard, "heard", limit=4000)
        if self.first_response_at is None:
            self.first_response_at = at
        self._step(at, by, "listened", ComplaintStatus.LISTENED, note)

    def apologise(self, *, by: str, at: datetime, note: str = "") -> None:
        """Step 2: apologise."""
        self._require("apologise")
        self._step(
            at, by, "apologised", ComplaintStatus.APOLOGISED, clean_text(note, "note", limit=2000, required=False)
        )

    def diagnose(self, *, root_cause: str, cause: Category | str, by: str, at: datetime) -> None:
        """Step 3 (P41): ask carefully and record the real cause."""
        self._require("diagnose")
        self.root_cause = clean_text(root_cause, "root_cause", limit=2000)
        self.cause = _enum(Category, cause, "cause")
        self._step(at, by, "diagnosed", ComplaintStatus.DIAGNOSED, f"cause: {self.cause.value}")

    def decide(
        self,
        *,
        answer: Answer | str,
        story: str,
        by: str,
        at: datetime,
        promised_by: datetime | None = None,
        promise: str = "",
    ) -> None:
        """Step 4 (P45, P49): decide the answer and the one reason the customer hears.

        ``commit_to_date`` needs ``promised_by``: the date is tracked as a promise.
        """
        self._require("decide")
        chosen = _enum(Answer, answer, "answer")
        if chosen is Answer.COMMIT_TO_DATE and promised_by is None:
            raise ValidationError("promised_by", "required when committing to a date")
        self.story = clean_text(story, "story", limit=1000)
        self.answer = chosen
        self._step(at, by, "answer_decided", ComplaintStatus.ANSWER_DECIDED, chosen.value)
        if promised_by is not None:
            self.promise(what=promise or "resolution as committed", due=promised_by, by=by, at=at)

    def tell_story(self, *, story: str, by: str, at: datetime) -> None:
        """P49: change the one customer-facing reason (everybody tells the same)."""
        self._require_open("tell the story")
        self.story = clean_text(story, "story", limit=1000)
        self._side_step(at, by, "story_told")

    def offer_options(self, options: Sequence[Option], *, by: str, at: datetime) -> None:
        """P43: take the customer's side and offer choices."""
        self._require("offer options")
        offered = tuple(options)
        if not offered:
            raise ValidationError("options", "at least one option")
        for option in offered:
            clean_text(option.label, "label", limit=200)
        self.options = offered
        self.chosen = None
        self._step(at, by, "options_offered", ComplaintStatus.OPTIONS_OFFERED, f"{len(offered)} options")

    def choose(self, index: int, *, by: str, at: datetime, rules: ComplaintRules, currency: str) -> bool:
        """P43: record the customer's choice. Returns True when it needs an approval.

        A remedy costing more than the owner's authority, or a price
        concession above the playbook's cap (P52), waits for a role above.
        A price concession needs the P52 checklist done first.
        """
        self._require("choose an option")
        if not 0 <= index < len(self.options):
            raise ValidationError("option", "not one of the options offered")
        option = self.options[index]
        if any(r.kind is RemedyKind.PRICE_CONCESSION for r in option.remedies) and not self.price_checklist_done():
            raise RuleViolation(
                "complaint.price_check", "check market, competitor quote and after-sales problems before a concession"
            )
        cost = option.cost(currency)
        limit = rules.limit_of(self.owner_role) or Decimal(0)
        reasons = []
        if cost.amount > limit:
            reasons.append("above authority")
        if any(r.concession_share > rules.price_concession_cap for r in option.remedies):
            reasons.append("concession above cap")
        self.chosen = index
        if not reasons:
            self.approval_reason = None
            self._step(at, by, "option_chosen", ComplaintStatus.AGREED, option.label)
            return False
        self.approval_reason = ", ".join(reasons)
        self._step(at, by, "option_chosen", ComplaintStatus.AWAITING_APPROVAL, f"{option.label}; needs approval")
        self.record(
            ComplaintApprovalRequested(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                amount=cost.amount,
                currency=cost.currency,
                role=self.owner_role,
                reason=self.approval_reason,
            )
        )
        return True

    def _may_approve(self, role: str, cost: Money, rules: ComplaintRules) -> None:
        limit = rules.limit_of(role)
        if limit is None:
            raise ValidationError("role", "not a role of the playbook's authority limits")
        own = rules.limit_of(self.owner_role) or Decimal(0)
        chain = rules.escalation_chain
        above = (
            chain.index(role) > chain.index(self.owner_role)
            if role in chain and self.owner_role in chain
            else limit > own
        )
        if not above:
            raise RuleViolation("complaint.authority", "approval must come from a role above the owner")
        if cost.amount > limit:
            raise RuleViolation("complaint.authority", "the approver's limit does not cover the remedy")

    def approve(
        self, *, by: str, role: str, at: datetime, rules: ComplaintRules, currency: str, note: str = ""
    ) -> None:
        """P43: a role whose limit covers the remedy approves it."""
        self._require("decide on approval")
        option = self._chosen_or_fail()
        cost = option.cost(currency)
        self._may_approve(role, cost, rules)
        self._decide(True, by=by, role=role, at=at, cost=cost, note=note)
        self._step(at, by, "approved", ComplaintStatus.AGREED, f"by {role}")

    def _chosen_or_fail(self) -> Option:
        # Awaiting approval is only reached by choosing; a stored record that
        # says otherwise is corrupt, and that is worth a clear error.
        option = self.chosen_option
        if option is None:
            raise RuleViolation("complaint.chosen", "no option was chosen")
        return option

    def refuse(self, *, by: str, role: str, at: datetime, rules: ComplaintRules, currency: str, reason: str) -> None:
        """P43: the remedy is refused; the handler offers other options."""
        self._require("decide on approval")
        option = self._chosen_or_fail()
        cost = option.cost(currency)
        if rules.limit_of(role) is None:
            raise ValidationError("role", "not a role of the playbook's authority limits")
        self._decide(False, by=by, role=role, at=at, cost=cost, note=clean_text(reason, "reason", limit=1000))
        self.chosen = None
        self._step(at, by, "refused", ComplaintStatus.ANSWER_DECIDED, f"by {role}")

    def _decide(self, approved: bool, *, by: str, role: str, at: datetime, cost: Money, note: str) -> None:
        self.decisions = (
            *self.decisions,
            Decision(at=at, by=_by(by), role=role, approved=approved, amount=cost, reason=note),
        )
        self.record(
            ComplaintApprovalDecided(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                role=role,
                approved=approved,
            )
        )

    def resolve(
        self, *, by: str, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar, note: str = ""
    ) -> None:
        """P44: the remedy was carried out (or, for explain/trivial, the answer given).

        Plans the after-care contact (step 5) and, for a major complaint or a
        key customer, suggests a gift (P47).
        """
        self._require("resolve")
        if self.status is ComplaintStatus.ANSWER_DECIDED and self.answer not in _NO_REMEDY:
            raise InvalidTransition("complaint", self.status.value, "resolve before the customer chose a remedy")
        if self.paused:
            self.resume(by=by, at=at, rules=rules, calendar=calendar)
        self.resolved_at = at
        self.after_care_due = calendar.add_business_hours(at, rules.after_care_hours)
        self._step(at, by, "resolved", ComplaintStatus.RESOLVED, clean_text(note, "note", limit=2000, required=False))
        self.record(
            ComplaintAfterCareDue(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                due=self.after_care_due,
            )
        )
        reason = None
        if self.severity is Severity.MAJOR and rules.gift_for_major:
            reason = "major complaint"
        elif self.key_customer and rules.gift_for_key_customers:
            reason = "key customer"
        if reason is not None and self.gift_reason is None:
            self.gift_reason = reason
            self.record(
                ComplaintGiftSuggested(
                    tenant=self.tenant,
                    occurred_at=at,
                    complaint_id=self.id,
                    customer_id=self.customer_id,
                    by=_by(by),
                    reason=reason,
                )
            )

    def after_care(
        self,
        *,
        by: str,
        at: datetime,
        rules: ComplaintRules,
        calendar: BusinessCalendar,
        note: str = "",
        satisfied: bool = True,
    ) -> None:
        """Step 5: contact the customer again and apologise once more.

        A customer who is still not satisfied reopens the complaint.
        """
        self._require("do after-care")
        self.after_care_at = at
        self._step(
            at,
            by,
            "after_care_done",
            ComplaintStatus.AFTER_CARE_DONE,
            clean_text(note, "note", limit=2000, required=False),
        )
        if not satisfied:
            self.reopen(by=by, at=at, reason="not satisfied at after-care", rules=rules, calendar=calendar)

    def close(self, *, lesson: str, by: str, at: datetime) -> None:
        """Step 6: record it in detail and draw the lesson."""
        self._require("close")
        self.lesson = clean_text(lesson, "lesson", limit=4000)
        self.closed_at = at
        self._step(at, by, "closed", ComplaintStatus.CLOSED)

    def reopen(
        self,
        *,
        by: str,
        at: datetime,
        reason: str,
        rules: ComplaintRules,
        calendar: BusinessCalendar,
    ) -> None:
        """The customer is not satisfied: back to listening, with a fresh resolution promise."""
        self._require("reopen")
        self.reopen_count += 1
        self.resolved_at = self.after_care_at = self.after_care_due = self.closed_at = None
        self.chosen = None
        self.clock_started_at = at
        self.breaches = tuple(b for b in self.breaches if b != "resolution")
        self._step(at, by, "reopened", ComplaintStatus.REOPENED, clean_text(reason, "reason", limit=1000))
        self._plan(rules, calendar)

    # -- around the steps ----------------------------------------------------------
    def link_customer(self, customer_id: str, *, key_customer: bool, by: str, at: datetime) -> None:
        """A walk-in's complaint is linked to the customer once known."""
        self.customer_id = customer_id
        self.key_customer = key_customer
        self._side_step(at, by, "customer_linked")

    def wait_for_customer(self, *, reason: str, by: str, at: datetime) -> None:
        """Stop the clock while waiting for the customer (photos, a visit); the reason is kept."""
        self._require_open("wait for the customer")
        if self.paused:
            raise InvalidTransition("complaint", "paused", "wait for the customer")
        self.pauses = (*self.pauses, Pause(start=at, reason=clean_text(reason, "reason", limit=500)))
        self._side_step(at, by, "paused", self.pauses[-1].reason)

    def resume(self, *, by: str, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar) -> None:
        """Start the clock again; deadlines move by the paused business time."""
        if not self.paused:
            raise InvalidTransition("complaint", self.status.value, "resume a clock that runs")
        last = self.pauses[-1]
        self.pauses = (*self.pauses[:-1], attrs.evolve(last, end=max(at, last.start)))
        self._plan(rules, calendar)
        self._side_step(at, by, "resumed")

    def promise(self, *, what: str, due: datetime, by: str, at: datetime) -> Promise:
        """P43/P51: promise sincerely, with a date that is tracked."""
        self._require_open("make a promise")
        made = Promise(
            id=new_id()[:12],
            what=clean_text(what, "what", limit=500),
            due=aware(due, "due"),
            made_at=at,
            made_by=_by(by),
        )
        if made.due < at:
            raise ValidationError("due", "a promise must lie in the future")
        self.promises = (*self.promises, made)
        self._side_step(at, by, "promised", f"promise:{made.id}")
        self.record(
            ComplaintPromiseMade(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=made.made_by,
                promise_id=made.id,
                due=made.due,
            )
        )
        return made

    def keep_promise(self, promise_id: str, *, by: str, at: datetime) -> bool:
        """P43: the promise was kept; returns whether on time."""
        for n, item in enumerate(self.promises):
            if item.id == promise_id:
                if item.kept_at is not None:
                    raise RuleViolation("complaint.promise", "already kept")
                self.promises = (*self.promises[:n], attrs.evolve(item, kept_at=at), *self.promises[n + 1 :])
                on_time = at <= item.due
                self._side_step(at, by, "promise_kept", f"promise:{promise_id}")
                self.record(
                    ComplaintPromiseKept(
                        tenant=self.tenant,
                        occurred_at=at,
                        complaint_id=self.id,
                        customer_id=self.customer_id,
                        by=_by(by),
                        promise_id=promise_id,
                        on_time=on_time,
                    )
                )
                return on_time
        raise ValidationError("promise_id", "no such promise on this complaint")

    def check_price(self, item: PriceCheckItem | str, *, finding: str, by: str, at: datetime) -> None:
        """P52: tick one point of the price objection checklist."""
        self._require_open("check the price objection")
        check = PriceCheck(
            item=_enum(PriceCheckItem, item, "item"),
            at=at,
            by=_by(by),
            finding=clean_text(finding, "finding", limit=1000),
        )
        self.price_checks = (*(c for c in self.price_checks if c.item is not check.item), check)
        self._side_step(at, by, "price_checked", check.item.value)

    def escalate(self, *, by: str, at: datetime, reason: str, rules: ComplaintRules) -> bool:
        """P51: move one level up the chain; False when already at the top."""
        self._require_open("escalate")
        chain = rules.escalation_chain
        if self.level + 1 >= len(chain):
            return False
        self.level += 1
        self.owner_role = chain[self.level]
        self.escalations = (
            *self.escalations,
            Escalation(at=at, by=_by(by), level=self.level, role=self.owner_role, reason=reason),
        )
        self._log(at, by, "escalated", f"{self.owner_role}: {reason}")
        self.record(
            ComplaintEscalated(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                level=self.level,
                role=self.owner_role,
                reason=reason,
            )
        )
        return True

    def check_deadlines(self, *, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar) -> list[str]:
        """P51: raise a breach for every newly missed target and escalate.

        One level up per new breach, and one more for every
        ``escalate_every_hours`` of open time a breached target stays open.
        Safe to call repeatedly. Returns the targets newly breached.
        """
        if not self.is_open or self.paused:
            return []
        new: list[str] = []
        for name, due, done in self.targets():
            if done is None and due is not None and due < at and name not in self.breaches:
                if name == "resolution" and self.resolved_at is not None:
                    continue
                new.append(name)
                self.breaches = (*self.breaches, name)
                self._log(at, "system", "breached", name)
                self.record(
                    ComplaintTargetBreached(
                        tenant=self.tenant,
                        occurred_at=at,
                        complaint_id=self.id,
                        customer_id=self.customer_id,
                        by="system",
                        target=name,
                        due=due,
                    )
                )
                self.escalate(by="system", at=at, reason=f"{name} missed", rules=rules)
        if not new and self._still_breached():
            since = self.escalations[-1].at if self.escalations else self.received_at
            if calendar.active_hours(since, at, self.intervals()) >= rules.escalate_every_hours:
                self.escalate(by="system", at=at, reason="still overdue", rules=rules)
        return new

    def _still_breached(self) -> bool:
        open_targets = {name for name, _, done in self.targets() if done is None}
        if self.resolved_at is not None:
            open_targets.discard("resolution")
        return bool(open_targets & set(self.breaches))

    # -- root causes (P46) -------------------------------------------------------
    def open_corrective_action(
        self, *, description: str, owner: str, due: date, item: str | None, by: str, at: datetime
    ) -> CorrectiveAction:
        """P46: an action that removes the root cause, with an owner and a due date."""
        action = CorrectiveAction(
            id=new_id()[:12],
            description=clean_text(description, "description", limit=2000),
            owner=clean_text(owner, "owner", limit=_BY_LIMIT),
            due=due,
            category=self.cause or self.category,
            item=item,
            opened_at=at,
        )
        self.corrective_actions = (*self.corrective_actions, action)
        self._log(at, by, "corrective_action_opened", action.id)
        self.record(
            CorrectiveActionOpened(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by=_by(by),
                action_id=action.id,
                owner=action.owner,
                due=due,
            )
        )
        return action

    def close_corrective_action(self, action_id: str, *, by: str, at: datetime) -> None:
        """P46: the root cause was removed."""
        for n, action in enumerate(self.corrective_actions):
            if action.id == action_id:
                if action.closed_at is not None:
                    raise RuleViolation("complaint.corrective_action", "already closed")
                done = attrs.evolve(action, closed_at=at)
                self.corrective_actions = (
                    *self.corrective_actions[:n],
                    done,
                    *self.corrective_actions[n + 1 :],
                )
                self._log(at, by, "corrective_action_closed", action_id)
                self.record(
                    CorrectiveActionClosed(
                        tenant=self.tenant,
                        occurred_at=at,
                        complaint_id=self.id,
                        customer_id=self.customer_id,
                        by=_by(by),
                        action_id=action_id,
                    )
                )
                return
        raise ValidationError("action_id", "no such corrective action on this complaint")

    def recurs_after(self, earlier: Complaint) -> bool:
        """P46: same cause and item as a closed corrective action of ``earlier``."""
        category = self.cause or self.category
        for action in earlier.corrective_actions:
            if action.closed_at is None or action.closed_at > self.received_at or action.category != category:
                continue
            if action.item is None or action.item in self.items:
                return True
        return False

    def flag_recurrence(self, earlier: Complaint, *, at: datetime) -> None:
        """P46: mark this complaint as a recurrence of ``earlier``."""
        if self.recurrence_of is not None:
            return
        self.recurrence_of = earlier.id
        self._log(at, "system", "recurrence_flagged", earlier.id)
        self.record(
            ComplaintRecurrenceFlagged(
                tenant=self.tenant,
                occurred_at=at,
                complaint_id=self.id,
                customer_id=self.customer_id,
                by="system",
                category=(self.cause or self.category).value,
                item=self.items[0] if self.items else None,
                earlier_complaint_id=earlier.id,
            )
        )


# -- standard answers (P46) ------------------------------------------------------


@attrs.define(eq=False, kw_only=True)
class StandardAnswer(Aggregate):
    """P46: the agreed answer to a frequent complaint, so everyone says the same."""

    category: Category
    question: str
    answer: str
    keywords: frozenset[str] = attrs.field(factory=frozenset, converter=tag_set)
    updated_at: datetime
    updated_by: str

    @classmethod
    def write(
        cls,
        *,
        tenant: str,
        category: Category | str,
        question: str,
        answer: str,
        keywords: Iterable[str] = (),
        by: str,
        at: datetime,
    ) -> StandardAnswer:
        """A new Q&A entry for a category."""
        entry = cls(
            id=new_id(),
            tenant=tenant,
            category=_enum(Category, category, "category"),
            question=clean_text(question, "question", limit=500),
            answer=clean_text(answer, "answer", limit=4000),
            keywords=tag_set(keywords),
            updated_at=aware(at, "at"),
            updated_by=_by(by),
        )
        entry.record(
            StandardAnswerSaved(
                tenant=tenant, occurred_at=at, answer_id=entry.id, category=entry.category.value, by=entry.updated_by
            )
        )
        return entry

    def revise(self, *, answer: str, by: str, at: datetime) -> None:
        """Change the agreed wording."""
        self.answer = clean_text(answer, "answer", limit=4000)
        self.updated_at, self.updated_by = at, _by(by)
        self.record(
            StandardAnswerSaved(
                tenant=self.tenant, occurred_at=at, answer_id=self.id, category=self.category.value, by=self.updated_by
            )
        )

    def relevance(self, text: str) -> int:
        """How many of the keywords (or question words) the text mentions."""
        folded = text.casefold()
        words = self.keywords or frozenset(self.question.split())
        return sum(1 for word in words if word.casefold() in folded)


# -- read models -------------------------------------------------------------------


def queue_of(complaints: Iterable[Complaint], *, at: datetime) -> list[QueueEntry]:
    """P40: open complaints, key customers and severe ones first, then by deadline."""
    entries = [
        QueueEntry(
            complaint_id=c.id,
            customer_id=c.customer_id,
            key_customer=c.key_customer,
            severity=c.severity,
            status=c.status,
            owner_role=c.owner_role,
            next_due=c.next_due(),
            overdue=c.overdue(at),
            received_at=c.received_at,
        )
        for c in complaints
        if c.is_open
    ]
    far = datetime.max.replace(tzinfo=at.tzinfo)
    return sorted(
        entries,
        key=lambda e: (
            not e.key_customer,
            -e.severity.rank,
            not e.overdue,
            e.next_due or far,
            e.received_at,
            e.complaint_id,
        ),
    )


def _median(values: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(Decimal("0.01")) if values else None


def review_of(
    complaints: Iterable[Complaint],
    *,
    period: str,
    start: date,
    end: date,
    start_at: datetime,
    end_at: datetime,
    at: datetime,
    open_actions: int,
    calendar: BusinessCalendar,
) -> ComplaintReview:
    """P48: the summary of complaints received from ``start_at`` to ``end_at``, as seen at ``at``."""
    chosen = [c for c in complaints if start_at <= c.received_at < end_at]
    first = [
        calendar.active_hours(c.received_at, c.first_response_at, c.intervals())
        for c in chosen
        if c.first_response_at is not None
    ]
    resolution = [
        calendar.active_hours(c.received_at, c.resolved_at, c.intervals()) for c in chosen if c.resolved_at is not None
    ]
    items: Counter[str] = Counter(item for c in chosen for item in c.items)
    return ComplaintReview(
        period=period,
        start=start,
        end=end,
        filed=len(chosen),
        closed=sum(1 for c in chosen if c.status is ComplaintStatus.CLOSED),
        by_category=dict(sorted(Counter(c.category.value for c in chosen).items())),
        by_cause=dict(sorted(Counter(c.cause.value for c in chosen if c.cause is not None).items())),
        by_item=dict(sorted(items.items())),
        by_store=dict(sorted(Counter(c.store_id or "-" for c in chosen).items())),
        median_first_response_hours=_median(first),
        median_resolution_hours=_median(resolution),
        overdue=sum(1 for c in chosen if c.breaches or c.overdue(min(at, end_at))),
        escalated=sum(1 for c in chosen if c.escalations),
        recurrences=sum(1 for c in chosen if c.recurrence_of is not None),
        corrective_actions_open=open_actions,
        lessons=tuple(c.lesson for c in chosen if c.lesson),
    )
