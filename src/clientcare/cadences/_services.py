"""Use cases of section C: touches, the daily run, appointments, boards, staff figures.

The services reach tiers, complaints, membership and the staff roster
through narrow ports (:class:`CadencePorts`). Each has an explicit default
so the library works before those areas are wired:

* :class:`SegmentLookup` — no tiers known: key customers (card flag) count
  as tier A, everyone else as tier C.
* :class:`OpenComplaints` — no complaint information: nothing is paused.
* :class:`MembershipDates` — no member cards: no expiry reminders.
* :class:`MarketingStops` — no assessments: no relationship counts as ended.
* :class:`StaffRoster` — no roster: touches stay unassigned (the store's
  or tenant's board shows them) and rotation capacity applies to the pool.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import attrs

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._boards import (
    LeaderboardRow,
    MonthlyBoard,
    SalesByTouchNumber,
    StaffFigures,
    WeeklyBoard,
    appointment_items,
    board_items,
    monthly_board,
    sales_by_touch_number,
    staff_figures,
    weekly_board,
)
from clientcare.cadences._events import LeadReferred, LostCustomerInterviewed, SaleCredited, WantedItemArrived
from clientcare.cadences._ports import Notification, Notifier
from clientcare.cadences._sequences import (
    CustomerView,
    FollowUp,
    Planner,
    RecurringRule,
    RepeatUnit,
    SaleCredit,
    Wish,
    holidays_between,
)
from clientcare.cadences._touches import PURPOSE_OF, Outcome, Precision, Touch, TouchReason, TouchStatus
from clientcare.customers._model import Channel, ConsentMethod, Customer, DataSource, Purpose
from clientcare.errors import ConcurrencyConflict, ConsentRequired, DuplicateRecord, RuleViolation, ValidationError
from clientcare.kernel._checks import clean_text, one_of
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._texts import Texts
from clientcare.kernel._values import Money
from clientcare.playbook import AbcLabel, Playbook
from clientcare.purchases._model import CustomerFigures, Purchase

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = [
    "AppointmentsService",
    "BoardsService",
    "CadencePorts",
    "DailyRunReport",
    "DailyService",
    "DispatchReport",
    "FixedRoster",
    "MarketingStops",
    "MembershipDates",
    "NoComplaints",
    "NoMembership",
    "NoSegments",
    "NoStops",
    "OpenComplaints",
    "Referral",
    "SegmentLookup",
    "StaffRoster",
    "StaffService",
    "TouchResponsiveness",
    "TouchesService",
    "cadences_after_purchase",
    "schedule_after_purchase",
]

log = logging.getLogger("clientcare.touches")

#: Attempts at one daily-run batch when another worker commits the same touches first.
_RETRIES = 3


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


class MarketingStops(Protocol):
    """Ended relationships from the assessments area (P61 "terminate")."""

    def marketing_stopped(self, customer_id: str) -> bool:
        """Whether a confirmed ending stands: no marketing touch may be planned."""
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


class NoStops:
    """Default: no assessment information, so no relationship counts as ended."""

    def marketing_stopped(self, customer_id: str) -> bool:
        """Always False."""
        return False


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


class _Ctx(Protocol):
    """What the services need from the facade's shared context."""

    tenant: str
    playbook: Playbook

    def now(self) -> datetime: ...

    def unit(self) -> AbstractContextManager[UnitOfWork]: ...


def _stable_owner(customer_id: str, staff: Sequence[str]) -> str | None:
    """The customer's own staff member: the same one every day (a hash of the id)."""
    if not staff:
        return None
    return staff[zlib.crc32(customer_id.encode()) % len(staff)]


def _view(customer: Customer, figures: CustomerFigures, tiers: Mapping[str, AbcLabel], **extra: object) -> CustomerView:
    found = tiers.get(customer.id)
    tier = AbcLabel(found) if found else (AbcLabel.A if customer.key else AbcLabel.C)
    return CustomerView(customer=customer, figures=figures, tier=tier, **extra)  # type: ignore[arg-type]


# -- the purchase hook (P20, P35, P21) ---------------------------------------------


def schedule_after_purchase(
    uow: UnitOfWork, *, tenant: str, playbook: Playbook, now: datetime, purchase: Purchase
) -> None:
    """Called by ``PurchasesService.record`` in its unit of work: plan the return
    visit (P20) and after-sales touches (P35), stop follow-up sequences (P21: a
    purchase ends them) and credit the sale to the touch that preceded it."""
    if purchase.customer_id is None:
        return
    customer = uow.customers.get(purchase.customer_id)
    figures = uow.purchases.figures(customer.id, playbook.locale.currency)
    # No tier lookup here: another area's port must not run inside this
    # transaction. The card's key flag gives key customers their priority.
    planner = Planner(tenant=tenant, playbook=playbook, now=now, texts=Texts(playbook))
    uow.touches.add_new(planner.after_purchase(_view(customer, figures, {}), purchase))
    _credit_sale(uow, playbook, purchase)
    for sequence in uow.follow_ups.active_for(customer.id):
        _stop_sequence(uow, sequence, why="purchase", at=now)


def cadences_after_purchase(ctx: _Ctx, uow: UnitOfWork, purchase: Purchase) -> None:
    """P20/P35/P21: the return visit and after-sales touches, the sale's credit, the end of sequences."""
    schedule_after_purchase(uow, tenant=ctx.tenant, playbook=ctx.playbook, now=ctx.now(), purchase=purchase)


def _credit_sale(uow: UnitOfWork, playbook: Playbook, purchase: Purchase) -> None:
    assert purchase.customer_id is not None
    window = timedelta(days=playbook.cadences.after_purchase.attribution_days)
    preceding = [
        t
        for t in uow.touches.for_customer(purchase.customer_id)
        if t.status is TouchStatus.DONE
        and t.outcome is not None
        and t.outcome.reached
        and t.closed_at is not None
        and purchase.occurred_at - window <= t.closed_at <= purchase.occurred_at
    ]
    last = max(preceding, key=lambda t: (t.closed_at, t.id)) if preceding else None
    in_sequence = [t for t in preceding if t.sequence_no is not None]
    numbered = max(in_sequence, key=lambda t: (t.closed_at, t.id)) if in_sequence else None
    credit = SaleCredit(
        id=purchase.id,
        tenant=purchase.tenant,
        customer_id=purchase.customer_id,
        occurred_at=purchase.occurred_at,
        amount=purchase.amount.amount,
        currency=purchase.amount.currency,
        touch_id=last.id if last else None,
        touch_no=numbered.sequence_no if numbered else None,
        # Whoever did the touch earns the sale (P31); a message earns it for nobody.
        owner=None if last is None or last.automated else (last.closed_by or last.owner),
        reason=last.reason if last else None,
    )
    credit.record(
        SaleCredited(
            tenant=purchase.tenant,
            occurred_at=purchase.occurred_at,
            purchase_id=purchase.id,
            customer_id=purchase.customer_id,
            touch_id=credit.touch_id,
            touch_no=credit.touch_no,
            owner=credit.owner,
            amount=credit.amount,
            currency=credit.currency,
        )
    )
    uow.sale_credits.add(credit)


def _stop_sequence(uow: UnitOfWork, sequence: FollowUp, *, why: str, at: datetime) -> None:
    if sequence.stop(why=why, at=at):
        for touch in uow.touches.for_sequence(sequence.id):
            if touch.status.open:
                touch.cancel(why=f"follow-up stopped: {why}", by="system", at=at)
                uow.touches.save(touch)
        uow.follow_ups.save(sequence)


# -- results ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DailyRunReport:
    """What one daily run did (a second run for the same day plans nothing new)."""

    day: date
    customers: int
    planned: int
    by_reason: tuple[tuple[str, int], ...]
    held: int
    released: int
    appointments_missed: int


@attrs.frozen(kw_only=True)
class DispatchReport:
    """What one dispatch round did with due automated touches."""

    sent: int = 0
    skipped_no_consent: int = 0
    skipped_no_address: int = 0
    skipped_window_over: int = 0
    deferred_cap: int = 0
    failed: int = 0
    quiet_hours: bool = False


@attrs.frozen(kw_only=True)
class Referral:
    """P33: a friend the customer referred, who agreed to be contacted on ``channels``."""

    name: str = attrs.field(repr=False)
    phone: str = attrs.field(repr=False)
    channels: tuple[str, ...] = ("phone",)


class _Service:
    def __init__(self, ctx: _Ctx, ports: CadencePorts) -> None:
        self._ctx = ctx
        self._ports = ports

    def _today(self) -> date:
        return self._ctx.now().astimezone(self._ctx.playbook.locale.zone).date()

    def _planner(self) -> Planner:
        ctx = self._ctx
        return Planner(tenant=ctx.tenant, playbook=ctx.playbook, now=ctx.now(), texts=Texts(ctx.playbook))

    def _day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        zone = self._ctx.playbook.locale.zone
        return (
            datetime.combine(first, time.min, zone),
            datetime.combine(last + timedelta(days=1), time.min, zone),
        )


# -- touches ------------------------------------------------------------------------


class TouchResponsiveness:
    """P60: how responsive a customer is, from the outcomes of the touches staff made;
    the assessments area reads it through its ``ResponsivenessHistory`` port."""

    def __init__(self, ctx: _Ctx) -> None:
        self._ctx = ctx

    def _touches(self, customer_id: str) -> list[Touch]:
        with self._ctx.unit() as uow:
            return uow.touches.for_customer(customer_id)

    def response_rate(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Decimal | None:
        """How often the customer answered when staff tried to reach them in ``[since, until)``:
        personal touches that reached the customer over every attempt, unanswered retries
        included (the assessments' ``ResponsivenessHistory``). None when nobody tried, or for
        another tenant, whose data this facade cannot see."""
        if tenant != self._ctx.tenant:
            return None
        # Every attempt counts, the unanswered retries of a still-open touch too.
        tried = [
            t
            for t in self._touches(customer_id)
            if not t.automated and t.attempts > 0 and since <= (t.closed_at or t.planned_at) < until
        ]
        attempts = sum(t.attempts for t in tried)
        if not attempts:
            return None
        reached = sum(1 for t in tried if t.outcome is not None and t.outcome.reached)
        return (Decimal(reached) / Decimal(attempts)).quantize(Decimal("0.0001"))


class TouchesService(_Service):
    """P20–P35: plan, do and close touches; follow-up sequences, wishes, informing."""

    def get(self, touch_id: str) -> Touch:
        """One touch, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.touches.get(touch_id)

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Touch]:
        """The customer's touches by due date."""
        with self._ctx.unit() as uow:
            return uow.touches.for_customer(customer_id, open_only=open_only)

    def plan(
        self,
        customer_id: str,
        *,
        information: str,
        due: date | None = None,
        reason: TouchReason | str = TouchReason.MANUAL,
        channel: Channel | str = Channel.PHONE,
        owner: str | None = None,
        reward: str | None = None,
        window: tuple[datetime, datetime] | None = None,
        priority: int = 3,
        reference: str | None = None,
    ) -> Touch:
        """P25: a touch precise in information, reward, channel and time; needs consent."""
        ctx = self._ctx
        why = one_of(TouchReason, reason, "reason")
        ch = one_of(Channel, channel, "channel")
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            now = ctx.now()
            if not customer.has_consent(PURPOSE_OF[why], ch, at=now):
                raise ConsentRequired("touch.consent", f"no {PURPOSE_OF[why].value} consent on {ch.value}")
            day = due or self._today()
            touch = Touch.plan(
                tenant=ctx.tenant,
                customer_id=customer_id,
                reason=why,
                occasion=day,
                due=day,
                precision=Precision(
                    information=clean_text(information, "information", limit=1000),
                    reward=reward,
                    channel=ch,
                    window_start=window[0] if window else None,
                    window_end=window[1] if window else None,
                ),
                at=now,
                owner=owner,
                store_id=customer.home_store,
                priority=priority,
                reference=reference or now.isoformat(),
            )
            uow.touches.add(touch)
        return touch

    def complete(
        self,
        touch_id: str,
        outcome: Outcome | str,
        *,
        by: str,
        note: str | None = None,
        appointment_at: datetime | None = None,
        referral: Referral | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Touch:
        """Record what came of a touch; outcomes feed consent, appointments, referrals,
        complaints (via ``SilentComplaintSignal``) and follow-up sequences."""
        result = one_of(Outcome, outcome, "outcome")
        if result is Outcome.APPOINTMENT_MADE and appointment_at is None:
            raise ValidationError("appointment_at", "required when an appointment was made")
        if result is Outcome.REFERRAL_GIVEN and referral is None:
            raise ValidationError("referral", "required when a referral was given")
        ctx = self._ctx
        contact = ctx.playbook.cadences.contact
        with ctx.unit() as uow:
            now = ctx.now()
            touch = uow.touches.get(touch_id)
            closed = touch.complete(
                result,
                by=by,
                at=now,
                note=note,
                details=dict(details or {}),
                max_retries=contact.no_answer_retries,
                retry_after_days=contact.retry_after_days,
            )
            uow.touches.save(touch)
            if closed:
                self._after_outcome(
                    uow, touch, result, now=now, by=by, appointment_at=appointment_at, referral=referral
                )
        return touch

    def _after_outcome(
        self,
        uow: UnitOfWork,
        touch: Touch,
        result: Outcome,
        *,
        now: datetime,
        by: str,
        appointment_at: datetime | None,
        referral: Referral | None,
    ) -> None:
        ctx = self._ctx
        if result is Outcome.DO_NOT_CONTACT:
            customer = uow.customers.get(touch.customer_id)
            customer.withdraw_consent(touch.purpose, None, at=now)
            uow.customers.save(customer)
            for other in uow.touches.for_customer(touch.customer_id, open_only=True):
                if other.purpose is touch.purpose:
                    other.cancel(why="customer asked not to be contacted", by=by, at=now)
                    uow.touches.save(other)
            for sequence in uow.follow_ups.active_for(touch.customer_id):
                _stop_sequence(uow, sequence, why="opt-out", at=now)
            return
        if result is Outcome.APPOINTMENT_MADE and appointment_at is not None:
            uow.appointments.add(
                Appointment.book(
                    tenant=ctx.tenant,
                    customer_id=touch.customer_id,
                    starts_at=appointment_at,
                    at=now,
                    staff_id=touch.owner or by,
                    store_id=touch.store_id,
                    touch_id=touch.id,
                )
            )
        if result is Outcome.REFERRAL_GIVEN and referral is not None:
            self._referred(uow, touch, referral, now, by)
        if result is Outcome.REPLIED and touch.sequence_id is not None:
            _stop_sequence(uow, uow.follow_ups.get(touch.sequence_id), why="reply", at=now)
            return
        if touch.sequence_id is not None:
            self._next_in_sequence(uow, touch, now)
        elif result is Outcome.PURCHASE_INTENTION and not uow.follow_ups.active_for(touch.customer_id):
            self._start_sequence(uow, touch.customer_id, touch.owner or by, "purchase intention", now, priority=2)

    def _referred(self, uow: UnitOfWork, touch: Touch, referral: Referral, now: datetime, by: str) -> None:
        """P33: the referred friend becomes an A-grade lead worked first; the referrer is thanked."""
        ctx = self._ctx
        lead = Customer.register(
            tenant=ctx.tenant,
            name=referral.name,
            phone=referral.phone,
            at=now,
            store=touch.store_id,
            region=ctx.playbook.locale.country,
        )
        if lead.phone and uow.customers.by_phone(lead.phone) is not None:
            return  # already known: nothing to register, the thanks still follows
        lead.tag("referred", by=by, at=now)
        # The referral itself travels as a fact with both ids; the loyalty area records it.
        lead.record(
            LeadReferred(
                tenant=ctx.tenant,
                occurred_at=now,
                touch_id=touch.id,
                referrer_id=touch.customer_id,
                referred_id=lead.id,
            )
        )
        for name in referral.channels:
            for purpose in (Purpose.MARKETING, Purpose.SERVICE):
                lead.give_consent(purpose, name, at=now, method=ConsentMethod.VERBAL, source=DataSource.REFERRAL)
        uow.customers.add(lead)
        self._start_sequence(uow, lead.id, touch.owner or by, "referral", now, priority=1, customer=lead)
        referrer = uow.customers.get(touch.customer_id)
        thanks = self._planner().touch(
            CustomerView(customer=referrer, figures=uow.purchases.figures(referrer.id, ctx.playbook.locale.currency)),
            TouchReason.REFERRAL_THANKS,
            occasion=now.astimezone(ctx.playbook.locale.zone).date(),
            due=now.astimezone(ctx.playbook.locale.zone).date() + timedelta(days=1),
            information=Texts(ctx.playbook).render("referral_thanks", "brief"),
            owner=touch.owner or by,
            reference=lead.id,
            priority=1,
        )
        if thanks is not None:
            uow.touches.add_new([thanks])

    def _start_sequence(
        self,
        uow: UnitOfWork,
        customer_id: str,
        owner: str | None,
        topic: str,
        now: datetime,
        *,
        priority: int = 3,
        customer: Customer | None = None,
    ) -> tuple[FollowUp, Touch | None]:
        ctx = self._ctx
        sequence = FollowUp.start(
            tenant=ctx.tenant, customer_id=customer_id, owner=owner, topic=topic, at=now, priority=priority
        )
        uow.follow_ups.add(sequence)
        who = customer or uow.customers.get(customer_id)
        first = self._sequence_touch(uow, sequence, who, 1, now.astimezone(ctx.playbook.locale.zone).date())
        return sequence, first

    def _sequence_touch(
        self, uow: UnitOfWork, sequence: FollowUp, customer: Customer, number: int, due: date
    ) -> Touch | None:
        ctx = self._ctx
        view = CustomerView(customer=customer, figures=uow.purchases.figures(customer.id, ctx.playbook.locale.currency))
        touch = self._planner().touch(
            view,
            TouchReason.FOLLOW_UP,
            occasion=due,
            due=due,
            information=Texts(ctx.playbook).render("follow_up", "brief", number=number, topic=sequence.topic),
            owner=sequence.owner,
            reference=f"{sequence.id}:{number}",
            priority=sequence.priority,
            sequence=(sequence.id, number),
        )
        if touch is None:
            _stop_sequence(uow, sequence, why="no consent", at=ctx.now())
            return None
        uow.touches.add_new([touch])
        return touch

    def _next_in_sequence(self, uow: UnitOfWork, touch: Touch, now: datetime) -> None:
        assert touch.sequence_id is not None
        sequence = uow.follow_ups.get(touch.sequence_id)
        if sequence.status.value != "active":
            return
        done = sequence.touch_done()
        rules = self._ctx.playbook.cadences.follow_up
        if done >= rules.max_touches:
            _stop_sequence(uow, sequence, why="exhausted", at=now)
            return
        uow.follow_ups.save(sequence)
        day = now.astimezone(self._ctx.playbook.locale.zone).date()
        customer = uow.customers.get(touch.customer_id)
        self._sequence_touch(uow, sequence, customer, done + 1, day + timedelta(days=rules.gap_after(done)))

    def start_follow_up(self, customer_id: str, *, owner: str | None, topic: str = "", priority: int = 3) -> FollowUp:
        """P21: a sequence of up to 11 touches with growing gaps; touch 1 is due today."""
        ctx = self._ctx
        if self._ports.relationships.marketing_stopped(customer_id):
            raise RuleViolation("follow_up.terminated", "the relationship was ended (P61)")
        with ctx.unit() as uow:
            sequence, first = self._start_sequence(uow, customer_id, owner, topic, ctx.now(), priority=priority)
            if first is None:
                raise ConsentRequired("follow_up.consent", "no marketing consent on a staff channel")
        return sequence

    def on_marketing_stopped(self, event: DomainEvent) -> None:
        """P61 -> P21: an ended relationship stops its sequences and open marketing touches."""
        customer_id = getattr(event, "customer_id", None)
        if not isinstance(customer_id, str):
            return
        ctx = self._ctx
        with ctx.unit() as uow:
            now = ctx.now()
            for sequence in uow.follow_ups.active_for(customer_id):
                _stop_sequence(uow, sequence, why="terminated", at=now)
            for touch in uow.touches.for_customer(customer_id, open_only=True):
                if touch.purpose is Purpose.MARKETING:
                    touch.cancel(why="relationship ended", by="system", at=now)
                    uow.touches.save(touch)

    def stop_follow_up(self, customer_id: str, *, why: str) -> int:
        """P21: stop the customer's sequences (a reply, a terminated relationship); returns how many."""
        ctx = self._ctx
        with ctx.unit() as uow:
            active = uow.follow_ups.active_for(customer_id)
            for sequence in active:
                _stop_sequence(uow, sequence, why=clean_text(why, "why", limit=100), at=ctx.now())
        return len(active)

    def follow_up(self, sequence_id: str) -> tuple[FollowUp, list[Touch]]:
        """A sequence and its touches, by number."""
        with self._ctx.unit() as uow:
            return uow.follow_ups.get(sequence_id), uow.touches.for_sequence(sequence_id)

    def reschedule(self, touch_id: str, to: date, *, by: str, why: str) -> Touch:
        """Move a touch to another day."""
        return self._change(touch_id, lambda t, now: t.reschedule(to, by=by, at=now, why=why))

    def skip(self, touch_id: str, *, by: str, why: str) -> Touch:
        """Not done on purpose, with a reason."""
        return self._change(touch_id, lambda t, now: t.skip(why=why, by=by, at=now))

    def cancel(self, touch_id: str, *, by: str, why: str) -> Touch:
        """No longer wanted."""
        return self._change(touch_id, lambda t, now: t.cancel(why=why, by=by, at=now))

    def _change(self, touch_id: str, action: Callable[[Touch, datetime], object]) -> Touch:
        with self._ctx.unit() as uow:
            touch = uow.touches.get(touch_id)
            action(touch, self._ctx.now())
            uow.touches.save(touch)
        return touch

    def interview(
        self, touch_id: str, *, by: str, reason: str, competitor: str | None = None, win_back: bool, note: str = ""
    ) -> Touch:
        """P27: the lost-customer interview — why they left, to whom, can they be won back.
        A customer who may come back gets a win-back follow-up sequence."""
        ctx = self._ctx
        why = clean_text(reason, "reason", limit=200)
        rival = clean_text(competitor, "competitor", limit=100, required=False) or None
        with ctx.unit() as uow:
            now = ctx.now()
            touch = uow.touches.get(touch_id)
            if touch.reason is not TouchReason.LOST_INTERVIEW:
                raise RuleViolation("interview.reason", "only a lost-customer touch takes an interview")
            details = {"reason": why, "win_back": "yes" if win_back else "no"}
            if rival:
                details["competitor"] = rival
            touch.complete(Outcome.INTERVIEWED, by=by, at=now, note=note or None, details=details)
            touch.record(
                LostCustomerInterviewed(
                    tenant=ctx.tenant,
                    occurred_at=now,
                    touch_id=touch.id,
                    customer_id=touch.customer_id,
                    reason=why,
                    competitor=rival,
                    win_back=win_back,
                )
            )
            uow.touches.save(touch)
            if win_back and not uow.follow_ups.active_for(touch.customer_id):
                self._start_sequence(uow, touch.customer_id, touch.owner or by, "win-back", now, priority=2)
        return touch

    # -- P28 -----------------------------------------------------------------
    def want(self, customer_id: str, style_no: str, *, description: str = "") -> Wish:
        """P28: take a wish for an item out of stock."""
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            wish = Wish.register(
                tenant=ctx.tenant, customer_id=customer_id, style_no=style_no, description=description, at=ctx.now()
            )
            uow.wishes.add(wish)
        return wish

    def stock_arrived(self, style_no: str) -> list[Touch]:
        """P28: the embedding system reports stock; every waiting customer gets a touch
        (an automated message where consented, else a call by staff)."""
        ctx = self._ctx
        planner = self._planner()
        planned: list[Touch] = []
        with ctx.unit() as uow:
            now = ctx.now()
            today = now.astimezone(ctx.playbook.locale.zone).date()
            for wish in uow.wishes.open_for(clean_text(style_no, "style_no", limit=64)):
                customer = uow.customers.get(wish.customer_id)
                view = CustomerView(
                    customer=customer, figures=uow.purchases.figures(customer.id, ctx.playbook.locale.currency)
                )
                item = wish.description or wish.style_no
                touch = None
                for automated in (True, False):
                    touch = planner.touch(
                        view,
                        TouchReason.WANTED_ITEM,
                        occasion=today,
                        due=today,
                        information=Texts(ctx.playbook).render("wanted_item", "brief", item=item),
                        automated=automated,
                        owner=_stable_owner(customer.id, self._ports.roster.staff_of(customer.home_store)),
                        reference=wish.id,
                        priority=2,
                    )
                    if touch is not None:
                        touch.details = (("item", item),)
                        break
                wish.arrived_at, wish.touch_id = now, touch.id if touch else None
                wish.record(
                    WantedItemArrived(
                        tenant=ctx.tenant,
                        occurred_at=now,
                        wish_id=wish.id,
                        customer_id=wish.customer_id,
                        style_no=wish.style_no,
                        touch_id=wish.touch_id,
                    )
                )
                uow.wishes.save(wish)
                if touch is not None:
                    planned.extend(uow.touches.add_new([touch]))
        return planned

    # -- P32 -----------------------------------------------------------------
    def inform(
        self,
        topic: str,
        information: str,
        *,
        customer_ids: Sequence[str] | None = None,
        key_only: bool = False,
        invite_key_customers: bool = False,
        due: date | None = None,
    ) -> list[Touch]:
        """P32: news, new products, promotions to consenting customers (automated);
        with ``invite_key_customers`` key customers get a personal invitation instead."""
        ctx = self._ctx
        subject = clean_text(topic, "topic", limit=100)
        text = clean_text(information, "information", limit=1000)
        planner = self._planner()
        texts = Texts(ctx.playbook)
        day = due or self._today()
        with ctx.unit() as uow:
            customers = (
                uow.customers.by_ids(customer_ids) if customer_ids is not None else list(uow.customers.iter_all())
            )
        tiers = self._ports.segments.tier_of([c.id for c in customers])
        touches: list[Touch] = []
        for customer in customers:
            if customer.erased or self._ports.relationships.marketing_stopped(customer.id):
                continue
            view = _view(customer, _no_figures(customer.id, ctx.playbook.locale.currency), tiers)
            if key_only and not view.key:
                continue
            personal = invite_key_customers and view.key
            touch = planner.touch(
                view,
                TouchReason.INFORM,
                occasion=day,
                due=day,
                information=texts.render("inform", "brief", topic=subject, information=text) if personal else text,
                automated=not personal,
                owner=_stable_owner(customer.id, self._ports.roster.staff_of(customer.home_store)),
                reference=subject,
                reward="invitation" if personal else None,
            )
            if touch is not None:
                touch.template = "inform"
                touch.details = (("information", text), ("topic", subject))
                touches.append(touch)
        with ctx.unit() as uow:
            return uow.touches.add_new(touches)

    # -- recurring -------------------------------------------------------------
    def recurring(
        self,
        customer_id: str,
        *,
        every: int,
        unit: RepeatUnit | str,
        information: str,
        owner: str | None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        channel: Channel | str | None = None,
    ) -> RecurringRule:
        """A touch staff want every N days/weeks/months or on a yearly date, with an end."""
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            rule = RecurringRule.create(
                tenant=ctx.tenant,
                customer_id=customer_id,
                owner=owner,
                unit=one_of(RepeatUnit, unit, "unit"),
                every=every,
                starts_on=starts_on or self._today(),
                ends_on=ends_on,
                information=information,
                channel=one_of(Channel, channel, "channel") if channel is not None else None,
            )
            uow.recurring.add(rule)
        return rule

    def end_recurring(self, rule_id: str, *, on: date | None = None) -> RecurringRule:
        """Stop a recurring touch after ``on`` (today by default)."""
        with self._ctx.unit() as uow:
            rule = uow.recurring.get(rule_id)
            rule.end(on or self._today())
            uow.recurring.save(rule)
        return rule

    # -- P21 report --------------------------------------------------------------
    def sales_by_touch_number(self, start: date, end: date) -> SalesByTouchNumber:
        """P21: the share of sales by the number of the touch that preceded them."""
        first, last = self._day_bounds(start, end)
        with self._ctx.unit() as uow:
            credits = uow.sale_credits.between(first, last)
        return sales_by_touch_number(start, end, credits)

    # -- dispatch ---------------------------------------------------------------
    def dispatch(
        self, notifier: Notifier, *, worker: str = "worker", limit: int = 100, lease_seconds: int = 300
    ) -> DispatchReport:
        """Send due automated touches through ``notifier``, within consent, quiet
        hours and the per-customer frequency cap. Safe with many workers: each
        touch is leased before sending; a failed send is retried after the lease."""
        ctx = self._ctx
        contact = ctx.playbook.cadences.contact
        now = ctx.now()
        local = now.astimezone(ctx.playbook.locale.zone)
        if contact.quiet(local.hour):
            return DispatchReport(quiet_hours=True)
        try:
            with ctx.unit() as uow:
                leased = [
                    t.id
                    for t in uow.touches.lease_automated(
                        day=local.date(),
                        now=now,
                        worker=worker,
                        until=now + timedelta(seconds=lease_seconds),
                        limit=limit,
                    )
                ]
        except ConcurrencyConflict:
            # Another worker leased the same rows first (the SQL adapter skips
            # locked rows instead); this round sends nothing, the next one goes on.
            return DispatchReport()
        counts = dict.fromkeys(
            ("sent", "skipped_no_consent", "skipped_no_address", "skipped_window_over", "deferred_cap", "failed"), 0
        )
        texts = Texts(ctx.playbook)
        for touch_id in leased:
            counts[self._send_one(notifier, touch_id, worker, now, texts)] += 1
        return DispatchReport(
            sent=counts["sent"],
            skipped_no_consent=counts["skipped_no_consent"],
            skipped_no_address=counts["skipped_no_address"],
            skipped_window_over=counts["skipped_window_over"],
            deferred_cap=counts["deferred_cap"],
            failed=counts["failed"],
        )

    def _send_one(self, notifier: Notifier, touch_id: str, worker: str, now: datetime, texts: Texts) -> str:
        ctx = self._ctx
        contact = ctx.playbook.cadences.contact
        with ctx.unit() as uow:
            touch = uow.touches.get(touch_id)
            if touch.lease_owner != worker or touch.status is not TouchStatus.PLANNED:
                return "failed"
            customer = uow.customers.get(touch.customer_id)
            channel = touch.precision.channel
            if touch.precision.window_end is not None and now >= touch.precision.window_end:
                # P71: promotions are told while they run, never after.
                touch.skip(why="window over", by="dispatch", at=now)
                uow.touches.save(touch)
                return "skipped_window_over"
            if not customer.has_consent(touch.purpose, channel, at=now):
                touch.skip(why="no consent", by="dispatch", at=now)
                uow.touches.save(touch)
                return "skipped_no_consent"
            if (
                uow.touches.count_sent_since(customer.id, now - timedelta(days=contact.cap_window_days))
                >= contact.cap_per_window
            ):
                touch.reschedule(
                    now.astimezone(ctx.playbook.locale.zone).date() + timedelta(days=1),
                    by="dispatch",
                    at=now,
                    why="frequency cap",
                )
                uow.touches.save(touch)
                return "deferred_cap"
            address = _address(customer, channel)
            if address is None:
                touch.skip(why="no address for channel", by="dispatch", at=now)
                uow.touches.save(touch)
                return "skipped_no_address"
            values: dict[str, object] = {
                "date": touch.occasion.isoformat(),
                "information": touch.precision.information,
                **dict(touch.details),
                "name": customer.name,
                "shop": ctx.playbook.cadences.greetings.sender or ctx.tenant,
            }
            template = touch.template or touch.reason.value
            notification = Notification(
                touch_id=touch.id,
                customer_id=customer.id,
                channel=channel.value,
                address=address,
                subject=texts.render(template, "subject", **values),
                body=texts.render(template, "body", **values),
                locale=texts.locale,
            )
            try:
                notifier.send(notification)
            except Exception as exc:  # the lease expires and another round retries
                log.warning("notifier failed for touch %s: %s", touch.id, type(exc).__name__)
                return "failed"
            touch.complete(Outcome.SENT, by="dispatch", at=now)
            uow.touches.save(touch)
        return "sent"


def _no_figures(customer_id: str, currency: str) -> CustomerFigures:
    return CustomerFigures(
        customer_id=customer_id,
        total_spend=Money.zero(currency),
        purchase_count=0,
        return_count=0,
        first_purchase_at=None,
        last_purchase_at=None,
    )


def _address(customer: Customer, channel: Channel) -> str | None:
    if channel in (Channel.SMS, Channel.PHONE):
        return customer.phone
    if channel is Channel.EMAIL:
        return customer.hard.email
    if channel is Channel.MESSAGING:
        return next((c.value for c in customer.contacts if c.kind in ("messaging", "wechat")), None)
    return None  # face to face, club and post are not automated


# -- the daily run ------------------------------------------------------------------


class DailyService(_Service):
    """The daily run: every cadence's due touches for one day, for every customer."""

    def run(self, day: date | None = None, *, shard: int = 0, shards: int = 1, batch: int = 200) -> DailyRunReport:
        """Plan every touch due on ``day`` (today by default).

        Idempotent: each touch has a unique key (customer, reason, occasion),
        and a second run stores nothing new. Resumable: customers are
        planned in batches, each its own transaction, so a crashed run is
        simply run again. Several workers split the customers with
        ``shard``/``shards`` (by a hash of the id); even if they overlap, the
        unique keys keep every touch single. Shard 0 also sweeps missed
        appointments and staff-set recurring touches.
        """
        if not 0 <= shard < shards:
            raise ValidationError("shard", "must be from 0 to shards - 1")
        ctx = self._ctx
        today = day or self._today()
        with ctx.unit() as uow:
            ids = [c.id for c in uow.customers.iter_all() if zlib.crc32(c.id.encode()) % shards == shard]
        greet = ctx.playbook.cadences.greetings
        holidays = holidays_between(
            ctx.playbook.locale.country,
            greet.holidays,
            today,
            today + timedelta(days=greet.days_ahead),
            language=ctx.playbook.locale.language,
        )
        by_reason: dict[str, int] = {}
        held = released = 0
        capacity: dict[tuple[str | None, date], int] = {}
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            stored, h, r = self._plan_batch_retrying(chunk, today, holidays, capacity)
            held += h
            released += r
            for touch in stored:
                by_reason[touch.reason.value] = by_reason.get(touch.reason.value, 0) + 1
        missed = 0
        if shard == 0:
            for touch in self._recurring(today):
                by_reason[touch.reason.value] = by_reason.get(touch.reason.value, 0) + 1
            missed = _sweep_missed(self._ctx, self._ports, today)
            by_reason[TouchReason.APPOINTMENT.value] = by_reason.get(TouchReason.APPOINTMENT.value, 0) + missed
        return DailyRunReport(
            day=today,
            customers=len(ids),
            planned=sum(by_reason.values()),
            by_reason=tuple(sorted((k, v) for k, v in by_reason.items() if v)),
            held=held,
            released=released,
            appointments_missed=missed,
        )

    def _plan_batch_retrying(
        self,
        ids: Sequence[str],
        day: date,
        holidays: Sequence[tuple[date, str, str]],
        capacity: dict[tuple[str | None, date], int],
    ) -> tuple[list[Touch], int, int]:
        """Another worker may commit the same keys first: replan the batch, which
        then finds those touches stored and adds only what is still missing."""
        for attempt in range(_RETRIES):
            try:
                return self._plan_batch(ids, day, holidays, dict(capacity) if attempt else capacity)
            except (DuplicateRecord, ConcurrencyConflict):
                if attempt == _RETRIES - 1:
                    raise
                capacity.clear()  # counts are re-read from the store on the next attempt
        raise AssertionError("unreachable")  # pragma: no cover

    def _plan_batch(
        self,
        ids: Sequence[str],
        day: date,
        holidays: Sequence[tuple[date, str, str]],
        capacity: dict[tuple[str | None, date], int],
    ) -> tuple[list[Touch], int, int]:
        ctx, ports = self._ctx, self._ports
        currency = ctx.playbook.locale.currency
        with ctx.unit() as uow:
            customers = [c for c in uow.customers.by_ids(ids) if not c.erased]
            figures = {c.id: uow.purchases.figures(c.id, currency) for c in customers}
        # Other areas' ports run between transactions, never inside one.
        tiers = ports.segments.tier_of([c.id for c in customers])
        expiries = ports.membership.card_expiries([c.id for c in customers])
        complaints = {c.id for c in customers if ports.complaints.has_open_complaint(c.id)}
        ended = {c.id for c in customers if ports.relationships.marketing_stopped(c.id)}
        planner = self._planner()
        candidates: list[Touch] = []
        rotation: list[Touch] = []
        for customer in sorted(customers, key=lambda c: c.id):
            view = _view(
                customer,
                figures[customer.id],
                tiers,
                card_expires=expiries.get(customer.id),
                open_complaint=customer.id in complaints,
            )
            owner = _stable_owner(customer.id, ports.roster.staff_of(customer.home_store))
            candidates.extend(planner.greetings(view, day, owner, holidays))
            for extra in (planner.thank_you(view, day, owner), planner.silence(view, day, owner)):
                # P21: no selling to a customer whose complaint is open; P61: nor
                # to one whose relationship was ended.
                quiet = view.open_complaint or customer.id in ended
                if extra is not None and not (quiet and extra.purpose is Purpose.MARKETING):
                    candidates.append(extra)
            visit = planner.rotation(view, day)
            if visit is not None:
                rotation.append(visit)
        held = released = 0
        with ctx.unit() as uow:
            stored = uow.touches.add_new(candidates)
            stored.extend(self._assign_rotation(uow, rotation, customers, capacity))
            now = ctx.now()
            for customer_id in sorted(complaints):
                for touch in uow.touches.for_customer(customer_id, open_only=True):
                    if touch.status is TouchStatus.PLANNED and touch.purpose is Purpose.MARKETING:
                        touch.hold(why="open complaint", at=now)
                        uow.touches.save(touch)
                        held += 1
            mine = {c.id for c in customers}
            for touch in uow.touches.held():
                if touch.customer_id in mine and touch.customer_id not in complaints:
                    touch.release(due=day, at=now)
                    uow.touches.save(touch)
                    released += 1
        return stored, held, released

    def _assign_rotation(
        self,
        uow: UnitOfWork,
        visits: list[Touch],
        customers: Sequence[Customer],
        capacity: dict[tuple[str | None, date], int],
    ) -> list[Touch]:
        """P23: spread rotation visits over staff within each one's daily capacity;
        what does not fit moves to the next day with room (key customers first)."""
        limit = self._ctx.playbook.cadences.rotation.daily_capacity
        stores = {c.id: c.home_store for c in customers}
        stored: list[Touch] = []
        for visit in sorted(visits, key=lambda t: (t.priority, t.customer_id)):
            if uow.touches.by_key(visit.key) is not None:
                continue  # planned by an earlier run: it already holds its place
            staff: list[str | None] = list(self._ports.roster.staff_of(stores.get(visit.customer_id))) or [None]
            first = _stable_owner(visit.customer_id, [s for s in staff if s is not None])
            order = ([first] if first is not None else []) + [s for s in staff if s != first]
            due = visit.due
            chosen: str | None = None
            while True:
                for owner in order:
                    slot = (owner, due)
                    if slot not in capacity:
                        capacity[slot] = uow.touches.count_due(due, TouchReason.ROTATION_VISIT, owner)
                    if capacity[slot] < limit:
                        chosen = owner
                        break
                else:
                    due = due + timedelta(days=1)
                    continue
                break
            capacity[(chosen, due)] += 1
            visit.owner, visit.due = chosen, due
            stored.extend(uow.touches.add_new([visit]))
        return stored

    def _recurring(self, day: date) -> list[Touch]:
        ctx = self._ctx
        planner = self._planner()
        with ctx.unit() as uow:
            rules = [r for r in uow.recurring.active_on(day) if r.occurs_on(day)]
            customers = {c.id: c for c in uow.customers.by_ids({r.customer_id for r in rules})}
            touches: list[Touch] = []
            for rule in rules:
                customer = customers.get(rule.customer_id)
                if customer is None or customer.erased:
                    continue
                view = CustomerView(customer=customer, figures=_no_figures(customer.id, ctx.playbook.locale.currency))
                touch = planner.touch(
                    view,
                    TouchReason.RECURRING,
                    occasion=day,
                    due=day,
                    information=rule.information,
                    owner=rule.owner,
                    reference=rule.id,
                    channel=rule.channel,
                )
                if touch is not None:
                    touches.append(touch)
            return uow.touches.add_new(touches)


def _reschedule_touch(
    ctx: _Ctx, uow: UnitOfWork, appointment: Appointment, why: str, now: datetime, *, due: date
) -> Touch | None:
    """P29: the touch that brings a moved, cancelled or missed appointment back."""
    customer = uow.customers.get(appointment.customer_id)
    planner = Planner(tenant=ctx.tenant, playbook=ctx.playbook, now=now, texts=Texts(ctx.playbook))
    view = CustomerView(customer=customer, figures=_no_figures(customer.id, ctx.playbook.locale.currency))
    touch = planner.touch(
        view,
        TouchReason.APPOINTMENT,
        occasion=due,
        due=due,
        information=Texts(ctx.playbook).render("appointment", "brief", why=why),
        owner=appointment.staff_id,
        reference=f"{appointment.id}:{why}:{len(appointment.moves)}",
        priority=2,
    )
    if touch is None:
        # Without consent to call, staff still must not lose it: an in-person
        # note on their board (no message is sent for a face-to-face touch).
        touch = Touch.plan(
            tenant=ctx.tenant,
            customer_id=customer.id,
            reason=TouchReason.APPOINTMENT,
            occasion=due,
            due=due,
            precision=Precision(
                information=Texts(ctx.playbook).render("appointment", "brief", why=why), channel=Channel.IN_PERSON
            ),
            at=now,
            owner=appointment.staff_id,
            store_id=appointment.store_id,
            reference=f"{appointment.id}:{why}:{len(appointment.moves)}",
            priority=2,
        )
    stored = uow.touches.add_new([touch])
    return stored[0] if stored else None


def _sweep_missed(ctx: _Ctx, ports: CadencePorts, day: date) -> int:
    """P29: appointments still booked after their day are missed, with a touch each."""
    zone = ctx.playbook.locale.zone
    with ctx.unit() as uow:
        now = ctx.now()
        count = 0
        for appointment in uow.appointments.booked_before(datetime.combine(day, time.min, zone)):
            appointment.miss(at=now)
            uow.appointments.save(appointment)
            _reschedule_touch(ctx, uow, appointment, "missed", now, due=day)
            count += 1
    return count


# -- appointments ---------------------------------------------------------------------


class AppointmentsService(_Service):
    """P29: appointments that are moved, cancelled or missed are rescheduled, not lost."""

    def book(
        self,
        customer_id: str,
        starts_at: datetime,
        *,
        staff_id: str | None = None,
        topic: str = "",
    ) -> Appointment:
        """Book a time with a staff member."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            appointment = Appointment.book(
                tenant=ctx.tenant,
                customer_id=customer_id,
                starts_at=starts_at,
                at=ctx.now(),
                staff_id=staff_id,
                store_id=customer.home_store,
                topic=topic,
            )
            uow.appointments.add(appointment)
        return appointment

    def get(self, appointment_id: str) -> Appointment:
        """One appointment, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.appointments.get(appointment_id)

    def move(self, appointment_id: str, to: datetime) -> Touch | None:
        """A new time; a touch to confirm it with the customer is planned for today."""
        return self._change(appointment_id, "moved", lambda a, now: a.move(to, at=now))

    def cancel(self, appointment_id: str, *, why: str) -> Touch | None:
        """Cancelled; a touch to find a new time is planned for today."""
        return self._change(appointment_id, "cancelled", lambda a, now: a.cancel(why=why, at=now))

    def miss(self, appointment_id: str) -> Touch | None:
        """The customer did not come; a touch to find a new time is planned for today."""
        return self._change(appointment_id, "missed", lambda a, now: a.miss(at=now))

    def attend(self, appointment_id: str) -> None:
        """The customer came."""
        ctx = self._ctx
        with ctx.unit() as uow:
            appointment = uow.appointments.get(appointment_id)
            appointment.attend(at=ctx.now())
            uow.appointments.save(appointment)

    def _change(self, appointment_id: str, why: str, action: Callable[[Appointment, datetime], None]) -> Touch | None:
        ctx = self._ctx
        with ctx.unit() as uow:
            now = ctx.now()
            appointment = uow.appointments.get(appointment_id)
            action(appointment, now)
            uow.appointments.save(appointment)
            return _reschedule_touch(ctx, uow, appointment, why, now, due=self._today())


# -- boards and staff figures --------------------------------------------------------------


class BoardsService(_Service):
    """P30: the weekly and monthly boards for a staff member, a store or the tenant."""

    def _scope(self, staff: str | None, store: str | None) -> str:
        if staff is not None and store is not None:
            raise ValidationError("scope", "give a staff member or a store, not both")
        return f"staff:{staff}" if staff else f"store:{store}" if store else "tenant"

    def _items(
        self, first: date, last: date, *, staff: str | None, store: str | None, overdue: bool
    ) -> tuple[list[Touch], dict[str, Customer]]:
        with self._ctx.unit() as uow:
            touches = uow.touches.due_between(first, last, owner=staff, store_id=store)
            if overdue:
                touches = uow.touches.overdue(first, owner=staff, store_id=store) + touches
            customers = {c.id: c for c in uow.customers.by_ids({t.customer_id for t in touches})}
        return touches, customers

    def _flags(self, customer_ids: Sequence[str]) -> tuple[Mapping[str, AbcLabel], frozenset[str]]:
        ports = self._ports
        return (
            ports.segments.tier_of(list(customer_ids)),
            frozenset(c for c in customer_ids if ports.complaints.has_open_complaint(c)),
        )

    def weekly(self, day: date | None = None, *, staff: str | None = None, store: str | None = None) -> WeeklyBoard:
        """P30: overdue, today's, tomorrow's and this week's focus (to Sunday)."""
        scope = self._scope(staff, store)
        today = day or self._today()
        sunday = today + timedelta(days=6 - today.weekday())
        last = max(sunday, today + timedelta(days=1))
        touches, customers = self._items(today, last, staff=staff, store=store, overdue=True)
        tiers, complaints = self._flags(sorted(customers))
        items = board_items(touches, customers, today=today, tiers=tiers, complaints=complaints)
        first_dt, last_dt = self._day_bounds(today, last)
        with self._ctx.unit() as uow:
            appointments = [
                a
                for a in uow.appointments.between(first_dt, last_dt, staff_id=staff)
                if a.status.open and (store is None or a.store_id == store)
            ]
            people = {c.id: c for c in uow.customers.by_ids({a.customer_id for a in appointments})}
        return weekly_board(scope, today, items=items, appointments=appointment_items(appointments, people))

    def monthly(self, day: date | None = None, *, staff: str | None = None, store: str | None = None) -> MonthlyBoard:
        """P30: the month's plan by week, and the items that span weeks."""
        scope = self._scope(staff, store)
        today = day or self._today()
        first = today.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        touches, customers = self._items(first, last, staff=staff, store=store, overdue=False)
        tiers, complaints = self._flags(sorted(customers))
        items = board_items(touches, customers, today=today, tiers=tiers, complaints=complaints)
        return monthly_board(scope, first, items)


class StaffService(_Service):
    """P31: each staff member's contacts and the sales after them; a contest leaderboard."""

    def _period(self, start: date, end: date) -> tuple[list[Touch], list[SaleCredit]]:
        if end < start:
            raise ValidationError("end", "must not be before start")
        first, last = self._day_bounds(start, end)
        with self._ctx.unit() as uow:
            return uow.touches.closed_between(first, last), uow.sale_credits.between(first, last)

    def figures(self, staff: str, start: date, end: date) -> StaffFigures:
        """Touches done by reason and outcome, customers reached, visits per month, sales after touches."""
        done, credits = self._period(start, end)
        return staff_figures(
            staff, start=start, end=end, done=done, credits=credits, currency=self._ctx.playbook.locale.currency
        )

    def leaderboard(self, start: date, end: date, *, by: str = "customers_reached") -> list[LeaderboardRow]:
        """P31: the "maintenance month" contest, best first (``by`` names the figure)."""
        if by not in ("customers_reached", "touches_done", "visits", "sales_after_touches", "sales_amount"):
            raise ValidationError("by", "must be a leaderboard figure")
        done, credits = self._period(start, end)
        people: set[str] = {c.owner for c in credits if c.owner}
        for t in done:
            if t.closed_by and t.outcome is not None and not t.automated:
                people.add(t.closed_by)
        names = sorted(people)
        currency = self._ctx.playbook.locale.currency
        figures = [staff_figures(n, start=start, end=end, done=done, credits=credits, currency=currency) for n in names]
        figures.sort(key=lambda f: (-getattr(f, by), f.staff))
        return [
            LeaderboardRow(
                rank=index + 1,
                staff=f.staff,
                customers_reached=f.customers_reached,
                touches_done=f.touches_done,
                visits=f.visits,
                sales_after_touches=f.sales_after_touches,
                sales_amount=f.sales_amount,
            )
            for index, f in enumerate(figures)
        ]
