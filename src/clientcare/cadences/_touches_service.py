"""P20–P35 use cases on touches: plan, do and close them; follow-up sequences,
wishes, informing, recurring touches, and the dispatch of automated ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._boards import SalesByTouchNumber, sales_by_touch_number
from clientcare.cadences._dispatch import Dispatcher, DispatchReport
from clientcare.cadences._events import LeadReferred, LostCustomerInterviewed
from clientcare.cadences._messages import RenderedMessage
from clientcare.cadences._planner import Planner
from clientcare.cadences._ports import CadencePorts, Notifier
from clientcare.cadences._sequences import (
    CustomerView,
    FollowUp,
    FollowUpStatus,
    RecurringRule,
    RepeatUnit,
    Wish,
)
from clientcare.cadences._service_base import (
    CadenceContext,
    CadenceService,
    customer_view,
    no_figures,
    stop_sequence,
)
from clientcare.cadences._touches import PURPOSE_OF, Outcome, Precision, Touch, TouchReason
from clientcare.customers._model import Channel, ConsentMethod, Customer, DataSource, Purpose
from clientcare.errors import ConsentRequired, RuleViolation, ValidationError
from clientcare.kernel._checks import clean_text, one_of
from clientcare.kernel._texts import Texts

if TYPE_CHECKING:
    from clientcare.assessments import MarketingStopped
    from clientcare.ports import UnitOfWork

__all__ = ["Referral", "TouchesService"]


@attrs.frozen(kw_only=True)
class Referral:
    """P33: a friend the customer referred, who agreed to be contacted on ``channels``."""

    name: str = attrs.field(repr=False)
    phone: str = attrs.field(repr=False)
    channels: tuple[str, ...] = ("phone",)


class TouchesService(CadenceService):
    """P20–P35: plan, do and close touches; follow-up sequences, wishes, informing."""

    def __init__(self, ctx: CadenceContext, ports: CadencePorts) -> None:
        super().__init__(ctx, ports)
        self._dispatcher = Dispatcher(ctx)

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
                details=details,
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
            self._opted_out(uow, touch, now=now, by=by)
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
        # P21 (seed 000): a friendly answer (回答当然是肯定的) is no reason to stop;
        # only a purchase, an opt-out or an ended relationship ends a sequence.
        if touch.sequence_id is not None:
            self._next_in_sequence(uow, touch.sequence_id, touch.customer_id, now)
        elif result is Outcome.PURCHASE_INTENTION and not uow.follow_ups.active_for(touch.customer_id):
            self._start_sequence(uow, touch.customer_id, touch.owner or by, "purchase intention", now, priority=2)

    def _opted_out(self, uow: UnitOfWork, touch: Touch, *, now: datetime, by: str) -> None:
        """P04: consent for the purpose is withdrawn everywhere; its open touches and the sequences end."""
        customer = uow.customers.get(touch.customer_id)
        customer.withdraw_consent(touch.purpose, None, at=now)
        uow.customers.save(customer)
        for other in uow.touches.for_customer(touch.customer_id, open_only=True):
            if other.purpose is touch.purpose:
                other.cancel(why="customer asked not to be contacted", by=by, at=now)
                uow.touches.save(other)
        for sequence in uow.follow_ups.active_for(touch.customer_id):
            stop_sequence(uow, sequence, why="opt-out", at=now)

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
            CustomerView(
                customer=referrer,
                figures=uow.purchases.figures(referrer.id, ctx.playbook.locale.currency),
                referrals=len(uow.referrals.by_referrer(referrer.id)),
            ),
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

    # -- P21 follow-up sequences ----------------------------------------------------
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
            stop_sequence(uow, sequence, why="no consent", at=ctx.now())
            return None
        uow.touches.add_new([touch])
        return touch

    def _next_in_sequence(self, uow: UnitOfWork, sequence_id: str, customer_id: str, now: datetime) -> None:
        sequence = uow.follow_ups.get(sequence_id)
        if sequence.status is not FollowUpStatus.ACTIVE:
            return
        done = sequence.touch_done()
        rules = self._ctx.playbook.cadences.follow_up
        if done >= rules.max_touches:
            stop_sequence(uow, sequence, why="exhausted", at=now)
            return
        uow.follow_ups.save(sequence)
        day = now.astimezone(self._ctx.playbook.locale.zone).date()
        customer = uow.customers.get(customer_id)
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

    def on_marketing_stopped(self, event: MarketingStopped) -> None:
        """P61 -> P21: an ended relationship stops its sequences and open marketing touches."""
        ctx = self._ctx
        with ctx.unit() as uow:
            now = ctx.now()
            for sequence in uow.follow_ups.active_for(event.customer_id):
                stop_sequence(uow, sequence, why="terminated", at=now)
            for touch in uow.touches.for_customer(event.customer_id, open_only=True):
                if touch.purpose is Purpose.MARKETING:
                    touch.cancel(why="relationship ended", by="system", at=now)
                    uow.touches.save(touch)

    def stop_follow_up(self, customer_id: str, *, why: str) -> int:
        """P21: stop the customer's sequences (a reply, a terminated relationship); returns how many."""
        ctx = self._ctx
        with ctx.unit() as uow:
            active = uow.follow_ups.active_for(customer_id)
            for sequence in active:
                stop_sequence(uow, sequence, why=clean_text(why, "why", limit=100), at=ctx.now())
        return len(active)

    def follow_up(self, sequence_id: str) -> tuple[FollowUp, list[Touch]]:
        """A sequence and its touches, by number."""
        with self._ctx.unit() as uow:
            return uow.follow_ups.get(sequence_id), uow.touches.for_sequence(sequence_id)

    # -- closing without an outcome, P27 ---------------------------------------------
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
            for wish in uow.wishes.open_for(clean_text(style_no, "style_no", limit=64)):
                touch = self._tell_arrival(uow, planner, wish, now)
                wish.arrive(at=now, touch_id=touch.id if touch else None)
                uow.wishes.save(wish)
                if touch is not None:
                    planned.extend(uow.touches.add_new([touch]))
        return planned

    def _tell_arrival(self, uow: UnitOfWork, planner: Planner, wish: Wish, now: datetime) -> Touch | None:
        """The touch that tells the customer: a message where consented, else a call."""
        ctx = self._ctx
        today = now.astimezone(ctx.playbook.locale.zone).date()
        customer = uow.customers.get(wish.customer_id)
        if customer.erased:
            # Erased (P04): her wish closes, nobody is asked to tell her.
            return None
        view = CustomerView(customer=customer, figures=uow.purchases.figures(customer.id, ctx.playbook.locale.currency))
        item = wish.description or wish.style_no
        for automated in (True, False):
            touch = planner.touch(
                view,
                TouchReason.WANTED_ITEM,
                occasion=today,
                due=today,
                information=Texts(ctx.playbook).render("wanted_item", "brief", item=item),
                automated=automated,
                owner=self._owner_of(customer),
                reference=wish.id,
                priority=2,
                details={"item": item},
            )
            if touch is not None:
                return touch
        return None

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
        """P32: news, new products, promotions to consenting customers; with
        ``invite_key_customers`` key customers get a personal invitation.

        P24: a small audience (``cadences.contact.call_audience_up_to``) is
        phoned, a larger one gets bulk messages; a customer without consent
        for the one gets the other."""
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
        views = []
        for customer in customers:
            if customer.erased or self._ports.relationships.marketing_stopped(customer.id):
                continue
            view = customer_view(customer, no_figures(customer.id, ctx.playbook.locale.currency), tiers)
            if not key_only or view.key:
                views.append(view)
        few = len(views) <= ctx.playbook.cadences.contact.call_audience_up_to
        touches: list[Touch] = []
        for view in views:
            invited = invite_key_customers and view.key
            touch = None
            for personal in (True, False) if invited or few else (False,):
                touch = planner.touch(
                    view,
                    TouchReason.INFORM,
                    occasion=day,
                    due=day,
                    information=texts.render("inform", "brief", topic=subject, information=text) if personal else text,
                    automated=not personal,
                    owner=self._owner_of(view.customer),
                    reference=subject,
                    reward="invitation" if invited and personal else None,
                    template="inform",
                    details={"information": text, "topic": subject},
                )
                if touch is not None:
                    break
            if touch is not None:
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

    # -- P21 report, dispatch ---------------------------------------------------------
    def sales_by_touch_number(self, start: date, end: date) -> SalesByTouchNumber:
        """P21: the share of sales by the number of the touch that preceded them."""
        first, last = self._day_bounds(start, end)
        with self._ctx.unit() as uow:
            credits = uow.sale_credits.between(first, last)
        return sales_by_touch_number(start, end, credits)

    def dispatch(
        self, notifier: Notifier, *, worker: str = "worker", limit: int = 100, lease_seconds: int = 300
    ) -> DispatchReport:
        """Send due automated touches through ``notifier``, within consent, quiet
        hours and the per-customer frequency cap. Safe with many workers: each
        touch is leased before sending; a failed send is retried with backoff, then
        dead-lettered (:meth:`failed`). Every message carries its idempotency key."""
        return self._dispatcher.run(notifier, worker=worker, limit=limit, lease_seconds=lease_seconds)

    def preview(self, touch_id: str) -> RenderedMessage:
        """Exactly what the customer receives for this automated touch if sent now: subject, text, HTML, channel."""
        return self._dispatcher.preview(touch_id)

    def failed(self) -> list[Touch]:
        """Dead letters: automated touches whose delivery was given up; the reason code is ``status_reason``."""
        with self._ctx.unit() as uow:
            return uow.touches.failed()

    def requeue(self, touch_id: str, *, by: str = "staff") -> Touch:
        """Send a dead-lettered touch again, with a fresh set of attempts, from today."""
        return self._change(touch_id, lambda t, now: t.requeue(by=by, at=now, due=self._today()))
