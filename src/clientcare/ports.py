"""The ports: what the core needs from the outside world.

Every port is a ``typing.Protocol`` except :class:`UnitOfWork`, an ABC
because its behaviour is shared by every adapter: it rolls back unless
committed, and on commit it collects the new events of every aggregate its
repositories touched and writes them to the outbox in the same transaction.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import attrs

from clientcare._aggregate import Aggregate
from clientcare._appointments import Appointment
from clientcare._assessments import Assessment, ImprovementPlan
from clientcare._cadences import FollowUp, RecurringRule, SaleCredit, Wish
from clientcare._complaints import Category, Complaint, StandardAnswer
from clientcare._customers import Customer
from clientcare._imports import BatchOutcome, ImportedPurchase
from clientcare._membership import Contract, Membership
from clientcare._notes import Note
from clientcare._points import PointsAccount
from clientcare._purchases import CustomerFigures, Purchase
from clientcare._referrals import ReferralRecord
from clientcare._segments import AbcLabel, AttitudeFacts, AttitudeOverride, TierChange, TierRun
from clientcare._surveys import SurveyResponse
from clientcare._touches import Touch, TouchReason
from clientcare.events import DomainEvent
from clientcare.playbook import AbcRules, SegmentRules

__all__ = [
    "AppointmentRepository",
    "AssessmentRepository",
    "Backend",
    "BulkPurchaseImport",
    "Clock",
    "ComplaintRepository",
    "ContractRepository",
    "CustomerRepository",
    "FollowUpRepository",
    "ImprovementPlanRepository",
    "MembershipRepository",
    "NoteRepository",
    "Notification",
    "Notifier",
    "Outbox",
    "OutboxMessage",
    "PointsRepository",
    "PurchaseRepository",
    "RecurringRuleRepository",
    "ReferralRepository",
    "SaleCreditRepository",
    "StandardAnswerRepository",
    "SurveyRepository",
    "TierRepository",
    "TouchRepository",
    "UnitOfWork",
    "WishRepository",
]


@runtime_checkable
class Clock(Protocol):
    """Where the core gets the time; it never reads the system clock itself."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class CustomerRepository(Protocol):
    """Customers of one tenant. ``seen`` lists what this unit of work touched."""

    seen: list[Aggregate]

    def add(self, customer: Customer) -> None:
        """Store a new customer; DuplicateRecord if its phone is taken."""

    def get(self, customer_id: str) -> Customer:
        """The customer, or NotFound (also for another tenant's customer)."""
        ...

    def save(self, customer: Customer) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def by_phone(self, phone: str) -> Customer | None:
        """The customer with this E.164 phone, if any."""
        ...

    def by_ids(self, customer_ids: Iterable[str]) -> list[Customer]:
        """The customers with these ids (missing ones are left out)."""
        ...

    def search(self, *, name: str | None = None, tag: str | None = None, limit: int = 50) -> list[Customer]:
        """Customers whose name contains ``name`` and/or who carry ``tag``, by name."""
        ...

    def iter_all(self, *, batch: int = 500) -> Iterator[Customer]:
        """Every customer of the tenant, in id order, fetched in batches."""
        ...

    def count(self) -> int:
        """How many customers the tenant has."""
        ...


class PurchaseRepository(Protocol):
    """The deal archive of one tenant."""

    seen: list[Aggregate]

    def add(self, purchase: Purchase) -> None:
        """Store a purchase; DuplicateRecord if its receipt id was seen before."""

    def get(self, purchase_id: str) -> Purchase:
        """The purchase, or NotFound."""
        ...

    def save(self, purchase: Purchase) -> None:
        """Store changes (condition reports); ConcurrencyConflict on a race."""

    def by_receipt(self, receipt_id: str) -> Purchase | None:
        """The purchase with this POS receipt id, if any."""
        ...

    def for_customer(self, customer_id: str, *, limit: int | None = None) -> list[Purchase]:
        """The customer's purchases, newest first."""
        ...

    def returns_of(self, purchase_id: str) -> list[Purchase]:
        """Returns recorded against a sale."""
        ...

    def between(self, start: datetime | None, end: datetime) -> Iterator[Purchase]:
        """Purchases and returns with ``start <= occurred_at < end`` (no lower bound
        when ``start`` is None), oldest first, streamed."""
        ...

    def figures(self, customer_id: str, currency: str) -> CustomerFigures:
        """Spend, counts and dates for one customer, aggregated by the store."""
        ...


@runtime_checkable
class BulkPurchaseImport(Protocol):
    """Optional fast path a purchase repository may offer for the nightly import.

    Same outcome as the generic path (:func:`clientcare._imports.generic_import`):
    receipts already stored are skipped, purchases of unknown or erased
    customers are rejected, the rest are written in the unit of work's
    transaction, without events.
    """

    def import_purchases(self, batch: Sequence[ImportedPurchase], *, currency: str) -> BatchOutcome:
        """Store a batch of checked purchases (receipt ids unique within it)."""
        ...


class NoteRepository(Protocol):
    """The notebook of one tenant (P08)."""

    seen: list[Aggregate]

    def add(self, note: Note) -> None:
        """Store a new note."""

    def for_customer(self, customer_id: str) -> list[Note]:
        """The customer's notes, newest first."""
        ...

    def search(
        self, fragment: str, *, customer_id: str | None = None, author: str | None = None, limit: int = 50
    ) -> list[Note]:
        """Notes whose text or tags contain ``fragment`` (case-insensitive), newest first."""
        ...

    def delete_for_customer(self, customer_id: str) -> int:
        """Remove a customer's notes (erasure); returns how many."""
        ...


class TierRepository(Protocol):
    """P10–P12: ABC labels with their history, attitude overrides, tier runs.

    :meth:`recompute_abc` is the one set-based operation: an SQL adapter
    computes spend per customer and the cumulative shares with aggregation and
    window functions and writes changed labels back in bulk; the memory
    adapter calls :func:`clientcare._segments.abc_labels`, the reference both
    must agree with.
    """

    seen: list[Aggregate]

    def recompute_abc(
        self, *, start: datetime, end: datetime, rules: AbcRules, at: datetime
    ) -> tuple[dict[str, AbcLabel], list[TierChange]]:
        """Label every customer by net spend in ``(start, end]``, store changed labels
        with history; return all labels and the changes (ordered by customer id)."""
        ...

    def labels(self) -> dict[str, AbcLabel]:
        """The current label of every labelled customer."""
        ...

    def label_of(self, customer_id: str) -> AbcLabel | None:
        """The customer's current label (None before the first run)."""
        ...

    def history(self, customer_id: str) -> list[TierChange]:
        """The customer's label changes, oldest first."""
        ...

    def attitude_facts(
        self, *, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None = None
    ) -> dict[str, AttitudeFacts]:
        """P11: the facts the attitude rules need, for every customer or those in
        ``customer_ids`` (see :func:`clientcare._segments.attitude_facts_from`;
        style launches are judged over the whole tenant either way)."""
        ...

    def override_of(self, customer_id: str) -> AttitudeOverride | None:
        """The customer's attitude override record, lifted or not."""
        ...

    def add_override(self, override: AttitudeOverride) -> None:
        """Store a first override."""

    def save_override(self, override: AttitudeOverride) -> None:
        """Store a changed override; ConcurrencyConflict on a race."""

    def active_overrides(self) -> dict[str, AttitudeOverride]:
        """Overrides in force (not lifted), by customer id."""
        ...

    def add_run(self, run: TierRun) -> None:
        """Keep a finished run (its events go to the outbox)."""

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        """Runs, newest first."""
        ...


class MembershipRepository(Protocol):
    """P14/P15: memberships, keyed by customer id."""

    seen: list[Aggregate]

    def add(self, membership: Membership) -> None:
        """Store a new membership record."""

    def get(self, customer_id: str) -> Membership:
        """The customer's membership record, or NotFound."""
        ...

    def find(self, customer_id: str) -> Membership | None:
        """The customer's membership record, if any."""
        ...

    def save(self, membership: Membership) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def iter_all(self, *, batch: int = 500) -> Iterator[Membership]:
        """Every membership record of the tenant, by customer id."""
        ...


class PointsRepository(Protocol):
    """P14/P15: points accounts, keyed by customer id.

    An SQL adapter stores the entries append-only and a balance row carrying
    the version, so concurrent redemptions conflict instead of overspending.
    """

    seen: list[Aggregate]

    def add(self, account: PointsAccount) -> None:
        """Store a new account."""

    def find(self, customer_id: str) -> PointsAccount | None:
        """The customer's account, if any."""
        ...

    def save(self, account: PointsAccount) -> None:
        """Append new entries; ConcurrencyConflict if the account changed meanwhile."""

    def iter_all(self, *, batch: int = 500) -> Iterator[PointsAccount]:
        """Every account of the tenant, by customer id."""
        ...


class ReferralRepository(Protocol):
    """P33: who referred whom."""

    seen: list[Aggregate]

    def add(self, referral: ReferralRecord) -> None:
        """Store a referral; DuplicateRecord if the customer was referred already."""

    def save(self, referral: ReferralRecord) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def by_referred(self, customer_id: str) -> ReferralRecord | None:
        """The referral that brought this customer, if any."""
        ...

    def by_referrer(self, customer_id: str) -> list[ReferralRecord]:
        """Referrals made by this customer, oldest first."""
        ...

    def open_leads(self) -> list[ReferralRecord]:
        """Referrals whose customer has not bought yet, oldest first."""
        ...


class ContractRepository(Protocol):
    """P16: B2B contracts."""

    seen: list[Aggregate]

    def add(self, contract: Contract) -> None:
        """Store a new contract."""

    def get(self, contract_id: str) -> Contract:
        """The contract, or NotFound."""
        ...

    def save(self, contract: Contract) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def for_customer(self, customer_id: str) -> list[Contract]:
        """The customer's contracts, newest first."""
        ...

    def iter_all(self, *, batch: int = 500) -> Iterator[Contract]:
        """Every contract of the tenant."""


class AssessmentRepository(Protocol):
    """Completed relationship assessments of one tenant (P60, P61)."""

    seen: list[Aggregate]

    def add(self, assessment: Assessment) -> None:
        """Store a new assessment."""

    def get(self, assessment_id: str) -> Assessment:
        """The assessment, or NotFound."""
        ...

    def save(self, assessment: Assessment) -> None:
        """Store changes (override, review, termination); ConcurrencyConflict on a race."""

    def for_customer(self, customer_id: str) -> list[Assessment]:
        """The customer's assessments, newest first."""
        ...

    def latest_per_customer(self) -> dict[str, Assessment]:
        """Each assessed customer's newest assessment, by customer id."""
        ...

    def awaiting_review(self, role: str) -> list[Assessment]:
        """Assessments routed to ``role`` and not yet answered by it, oldest first."""
        ...


class ImprovementPlanRepository(Protocol):
    """Improvement plans and their tasks (P60 "improve", P61 measures)."""

    seen: list[Aggregate]

    def add(self, plan: ImprovementPlan) -> None:
        """Store a new plan."""

    def get(self, plan_id: str) -> ImprovementPlan:
        """The plan, or NotFound."""
        ...

    def save(self, plan: ImprovementPlan) -> None:
        """Store changes (tasks added or done, closed)."""

    def open_for_customer(self, customer_id: str) -> ImprovementPlan | None:
        """The customer's open plan, if any (at most one is open at a time)."""
        ...

    def for_customer(self, customer_id: str) -> list[ImprovementPlan]:
        """Every plan of the customer, newest first."""
        ...


class SurveyRepository(Protocol):
    """Loyalty survey answers (P62, P65)."""

    seen: list[Aggregate]

    def add(self, response: SurveyResponse) -> None:
        """Store a new response."""

    def get(self, response_id: str) -> SurveyResponse:
        """The response, or NotFound."""
        ...

    def for_customer(self, customer_id: str) -> list[SurveyResponse]:
        """The customer's answers, newest first."""
        ...

    def answered_between(
        self, since: datetime | None = None, until: datetime | None = None, *, segment: str | None = None
    ) -> list[SurveyResponse]:
        """Answers given in ``[since, until)`` (open ends when None), of ``segment`` when given."""


class ComplaintRepository(Protocol):
    """Complaints of one tenant (P40-P52).

    A SQL adapter keeps tenant, id, customer_id, status (and whether it is
    open), severity, key_customer, category, received_at, the signal source
    and reference (a unique key) and the counts of corrective actions as
    columns (for the queries below) and the rest of the record, timeline
    included, as one JSON document.
    """

    seen: list[Aggregate]

    def add(self, complaint: Complaint) -> None:
        """Store a new complaint."""

    def get(self, complaint_id: str) -> Complaint:
        """The complaint, or NotFound (also for another tenant's complaint)."""
        ...

    def save(self, complaint: Complaint) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def open_complaints(self) -> list[Complaint]:
        """Every complaint not closed yet, oldest first."""
        ...

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Complaint]:
        """The customer's complaints, newest first."""
        ...

    def has_open(self, customer_id: str) -> bool:
        """Whether the customer has a complaint that is not closed."""
        ...

    def by_signal(self, source: str, reference: str) -> Complaint | None:
        """The complaint opened from this silent-complaint signal (P50), if any."""
        ...

    def received_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints received from ``start`` (inclusive) to ``end`` (exclusive), oldest first."""
        ...

    def count_in_category(self, category: Category, since: datetime) -> int:
        """How many complaints of ``category`` were received since ``since``."""
        ...

    def with_corrective_actions(self) -> list[Complaint]:
        """Complaints that carry at least one corrective action (P46)."""
        ...


class StandardAnswerRepository(Protocol):
    """The Q&A base of standard answers (P46)."""

    seen: list[Aggregate]

    def add(self, answer: StandardAnswer) -> None:
        """Store a new standard answer."""

    def get(self, answer_id: str) -> StandardAnswer:
        """The answer, or NotFound."""
        ...

    def save(self, answer: StandardAnswer) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def for_category(self, category: Category) -> list[StandardAnswer]:
        """The answers of one category, oldest first."""
        ...


class TouchRepository(Protocol):
    """Touches of one tenant (P20–P35). ``key`` is unique per tenant.

    SQL adapters back :meth:`add_new` with ``INSERT … ON CONFLICT DO NOTHING``
    on the key (the daily run's idempotence) and :meth:`lease_automated`
    with ``SELECT … FOR UPDATE SKIP LOCKED`` (many dispatch workers).
    """

    seen: list[Aggregate]

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

    def count_due(self, day: date, reason: TouchReason, owner: str | None) -> int:
        """How many touches of ``reason`` are due on ``day`` for ``owner`` (capacity)."""
        ...

    def count_sent_since(self, customer_id: str, since: datetime) -> int:
        """Automated touches done for the customer since ``since`` (frequency cap)."""
        ...

    def lease_automated(self, *, day: date, now: datetime, worker: str, until: datetime, limit: int) -> list[Touch]:
        """Take up to ``limit`` planned automated touches due by ``day`` whose lease is free or expired."""
        ...


class AppointmentRepository(Protocol):
    """Appointments of one tenant (P29)."""

    seen: list[Aggregate]

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


class FollowUpRepository(Protocol):
    """Follow-up sequences of one tenant (P21)."""

    seen: list[Aggregate]

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


class WishRepository(Protocol):
    """Wanted items of one tenant (P28)."""

    seen: list[Aggregate]

    def add(self, wish: Wish) -> None:
        """Store a new wish."""

    def save(self, wish: Wish) -> None:
        """Store changes."""

    def open_for(self, style_no: str) -> list[Wish]:
        """Wishes still waiting for ``style_no``, oldest first."""
        ...


class RecurringRuleRepository(Protocol):
    """Staff-set recurring touches of one tenant."""

    seen: list[Aggregate]

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


class SaleCreditRepository(Protocol):
    """Which touch preceded each sale (P21, P31); one row per purchase."""

    seen: list[Aggregate]

    def add(self, credit: SaleCredit) -> None:
        """Store a credit; DuplicateRecord if the purchase has one."""

    def between(self, start: datetime, end: datetime) -> list[SaleCredit]:
        """Credits for sales in ``[start, end)``."""
        ...


@attrs.frozen(kw_only=True)
class Notification:
    """One automated message, rendered and addressed. Address and text are personal: no repr."""

    touch_id: str
    customer_id: str
    channel: str
    address: str = attrs.field(repr=False)
    subject: str = attrs.field(repr=False)
    body: str = attrs.field(repr=False)
    locale: str


@runtime_checkable
class Notifier(Protocol):
    """Sends automated messages (SMS, email, messaging); raises on failure."""

    def send(self, notification: Notification) -> None:
        """Deliver one message, or raise so the touch is retried later."""


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """An event stored for delivery to other systems (at least once)."""

    id: int
    name: str
    occurred_at: datetime
    payload: dict[str, object]


class Outbox(Protocol):
    """Events written in the same transaction as the change that caused them."""

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Store events of this unit of work."""

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """Undelivered messages, oldest first."""
        ...

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        """Remove delivered messages from the pending list."""


class UnitOfWork(abc.ABC):
    """One transaction for one tenant.

    Use as a context manager; leaving the block without :meth:`commit` rolls
    everything back, so a use case that fails half-way writes nothing.
    """

    tenant: str
    customers: CustomerRepository
    purchases: PurchaseRepository
    notes: NoteRepository
    assessments: AssessmentRepository
    improvement_plans: ImprovementPlanRepository
    surveys: SurveyRepository
    complaints: ComplaintRepository
    standard_answers: StandardAnswerRepository
    touches: TouchRepository
    appointments: AppointmentRepository
    follow_ups: FollowUpRepository
    wishes: WishRepository
    recurring: RecurringRuleRepository
    sale_credits: SaleCreditRepository
    outbox: Outbox
    tiers: TierRepository
    memberships: MembershipRepository
    points: PointsRepository
    referrals: ReferralRepository
    contracts: ContractRepository

    def __init__(self) -> None:
        self.committed_events: list[DomainEvent] = []

    def __enter__(self) -> Self:
        self.committed_events = []
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._end()

    def repositories(self) -> Sequence[object]:
        """The repositories whose ``seen`` aggregates carry events (override to add more)."""
        # Looked up by name: an adapter without an area's repositories cannot
        # have touched its aggregates, so it loses no events and still commits.
        areas = (
            "complaints",
            "standard_answers",
            "assessments",
            "improvement_plans",
            "surveys",
            # Tiers, membership, points, referrals, contracts (P10-P17, P33).
            "tiers",
            "memberships",
            "points",
            "referrals",
            "contracts",
            "touches",
            "appointments",
            "follow_ups",
            "wishes",
            "recurring",
            "sale_credits",
        )
        extra = tuple(r for r in (getattr(self, name, None) for name in areas) if r is not None)
        return (self.customers, self.purchases, self.notes, *extra)

    def collect_events(self) -> list[DomainEvent]:
        """Take the new events of every aggregate touched in this unit of work."""
        events: list[DomainEvent] = []
        for repository in self.repositories():
            seen: list[Aggregate] = getattr(repository, "seen", [])
            for aggregate in seen:
                events.extend(aggregate.pull_events())
        return events

    def commit(self) -> None:
        """Write the outbox and make everything durable at once."""
        events = self.collect_events()
        if events:
            self.outbox.append(events)
        self._commit()
        self.committed_events.extend(events)
        for repository in self.repositories():
            getattr(repository, "seen", []).clear()

    @abc.abstractmethod
    def _begin(self) -> None:
        """Start a transaction."""

    @abc.abstractmethod
    def _commit(self) -> None:
        """Make the transaction durable."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Undo everything not committed (a no-op after commit)."""

    def _end(self) -> None:  # noqa: B027 - an optional hook, not every adapter holds resources
        """Release resources at the end of the block (a connection, a lock)."""


class Backend(Protocol):
    """A storage adapter: opens units of work for a tenant."""

    def unit_of_work(self, tenant: str) -> UnitOfWork:
        """A fresh unit of work scoped to ``tenant``."""
        ...

    def close(self) -> None:
        """Release connections."""
