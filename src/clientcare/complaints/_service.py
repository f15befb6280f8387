"""The complaints use cases (P40-P52), reached as ``care.complaints``.

Each method is one user intention in one unit of work. Time comes from the
context's clock, promises are counted on the tenant's business calendar and
every number comes from the playbook's ``complaints`` section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from clientcare.complaints._answers import StandardAnswer
from clientcare.complaints._events import Severity, SilentComplaintSignal
from clientcare.complaints._machine import choose_answer
from clientcare.complaints._model import Complaint
from clientcare.complaints._pricing import PriceQuote, customer_standing, quote_price
from clientcare.complaints._review import ComplaintReview, QueueEntry, StoryHistory, queue_of, review_of
from clientcare.complaints._targets import PromiseStatus
from clientcare.complaints._values import (
    Answer,
    Category,
    ComplaintChannel,
    CorrectiveAction,
    Option,
    PriceCheckItem,
    Promise,
    Remedy,
    RemedyKind,
    TimelineEntry,
)
from clientcare.errors import ValidationError
from clientcare.kernel._actor import Actor, RoleSource, verified_role
from clientcare.kernel._calendar import BusinessCalendar
from clientcare.kernel._checks import one_of
from clientcare.kernel._context import Context
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._values import Money
from clientcare.playbook import ComplaintRules

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["ComplaintsService"]

T = TypeVar("T")

#: P50: where a silent-complaint signal came from → the channel it is filed on.
_SIGNAL_CHANNELS = {
    "survey": ComplaintChannel.SURVEY,
    "contact_outcome": ComplaintChannel.CONTACT_OUTCOME,
}


class ComplaintsService:
    """Complaints: the six steps, promises, authority, standard answers, review."""

    def __init__(self, ctx: Context, *, roles: RoleSource | None = None) -> None:
        self._ctx = ctx
        self._roles = roles
        self._calendar: BusinessCalendar | None = None

    # -- shared ------------------------------------------------------------------
    @property
    def rules(self) -> ComplaintRules:
        """The playbook's complaint rules in force."""
        return self._ctx.playbook.complaints

    @property
    def calendar(self) -> BusinessCalendar:
        """The tenant's business-hours calendar (P51)."""
        if self._calendar is None:
            self._calendar = BusinessCalendar.from_playbook(self._ctx.playbook)
        return self._calendar

    def _role_of(self, actor: Actor) -> str:
        """The acting person's role: the embedder's role source decides where one is plugged in."""
        return verified_role(actor, self._roles, self._ctx.tenant)

    @property
    def _currency(self) -> str:
        return self._ctx.playbook.locale.currency

    def _change(self, complaint_id: str, action: Callable[[Complaint, datetime], T]) -> T:
        ctx = self._ctx
        with ctx.unit() as uow:
            complaint = uow.complaints.get(complaint_id)
            result = action(complaint, ctx.now())
            uow.complaints.save(complaint)
        return result

    def remedy(
        self,
        kind: RemedyKind | str,
        value: str | int | Decimal | None = None,
        *,
        description: str = "",
        list_price: str | int | Decimal | None = None,
    ) -> Remedy:
        """P44: a remedy valued in the tenant's currency (``value`` is its cost to the shop)."""
        currency = self._currency
        return Remedy(
            kind=kind,
            value=Money.of(value, currency) if value is not None else None,
            description=description,
            list_price=Money.of(list_price, currency) if list_price is not None else None,
        )

    @staticmethod
    def option(label: str, *remedies: Remedy) -> Option:
        """P43: one choice for the customer, made of remedies."""
        return Option(label=label, remedies=remedies)

    # -- filing (P41, P46, P50) -----------------------------------------------------
    def file(
        self,
        customer_id: str | None,
        *,
        channel: ComplaintChannel | str,
        category: Category | str,
        description: str,
        by: str,
        severity: Severity | str = Severity.NORMAL,
        wish: str = "",
        purchase_ids: Sequence[str] = (),
        items: Sequence[str] = (),
        store_id: str | None = None,
    ) -> Complaint:
        """P41/P46: register and classify a complaint on any channel.

        ``customer_id`` may be None for a walk-in (link later). Items are
        style numbers; purchases must belong to the customer.
        """
        return self._file(
            customer_id,
            channel=channel,
            category=category,
            description=description,
            by=by,
            severity=severity,
            wish=wish,
            purchase_ids=purchase_ids,
            items=items,
            store_id=store_id,
        )

    def _file(
        self,
        customer_id: str | None,
        *,
        channel: ComplaintChannel | str,
        category: Category | str,
        description: str,
        by: str,
        severity: Severity | str,
        wish: str = "",
        purchase_ids: Sequence[str] = (),
        items: Sequence[str] = (),
        store_id: str | None = None,
        signal: tuple[str, str] | None = None,
    ) -> Complaint:
        ctx = self._ctx
        with ctx.unit() as uow:
            if signal is not None:
                existing = uow.complaints.by_signal(*signal)
                if existing is not None:
                    return existing  # the same signal twice opens one complaint
            key = self._customer_key(uow, customer_id)
            for purchase_id in purchase_ids:
                purchase = uow.purchases.get(purchase_id)
                if customer_id is not None and purchase.customer_id not in (None, customer_id):
                    raise ValidationError("purchase_ids", "must be purchases of the complaining customer")
            now = ctx.now()
            complaint = Complaint.file(
                tenant=ctx.tenant,
                customer_id=customer_id,
                key_customer=key,
                channel=channel,
                category=category,
                severity=severity,
                description=description,
                at=now,
                by=by,
                rules=self.rules,
                calendar=self.calendar,
                wish=wish,
                purchase_ids=purchase_ids,
                items=items,
                store_id=store_id,
                signal=signal,
            )
            self._check_recurrence(uow, complaint, now)
            self._check_standard_answer(uow, complaint, now)
            uow.complaints.add(complaint)
        return complaint

    def _customer_key(self, uow: UnitOfWork, customer_id: str | None) -> bool:
        if customer_id is None:
            return False
        customer = uow.customers.get(customer_id)
        customer.ensure_not_erased()
        return customer.key

    def _check_recurrence(self, uow: UnitOfWork, complaint: Complaint, now: datetime) -> None:
        for earlier in uow.complaints.with_corrective_actions():
            if earlier.id != complaint.id and complaint.recurs_after(earlier):
                complaint.flag_recurrence(earlier, at=now)
                return

    def _check_standard_answer(self, uow: UnitOfWork, complaint: Complaint, now: datetime) -> None:
        since = now - timedelta(days=self.rules.recurrence_window_days)
        count = uow.complaints.count_in_category(complaint.category, since) + 1
        # Raised once, when the category crosses the threshold, not on every complaint after.
        if count == self.rules.recurrence_threshold and not uow.standard_answers.for_category(complaint.category):
            complaint.call_for_standard_answer(count, at=now)

    def open_from_signal(
        self, customer_id: str, *, source: str, reference: str, severity: Severity | str = Severity.NORMAL
    ) -> Complaint:
        """P50: a low survey answer or a negative contact opens a complaint (once per signal)."""
        channel = _SIGNAL_CHANNELS.get(source, ComplaintChannel.STAFF_OBSERVATION)
        return self._file(
            customer_id,
            channel=channel,
            category=Category.OTHER,
            description=f"silent complaint found by {channel.value}; ask the customer what went wrong",
            by="system",
            severity=severity,
            signal=(source, reference),
        )

    def on_signal(self, event: DomainEvent) -> None:
        """Subscriber for :class:`SilentComplaintSignal`, wired by the facade (P50)."""
        if isinstance(event, SilentComplaintSignal) and event.tenant == self._ctx.tenant:
            self.open_from_signal(
                event.customer_id, source=event.source, reference=event.reference, severity=event.severity
            )

    def link_customer(self, complaint_id: str, customer_id: str, *, by: str) -> None:
        """A walk-in's complaint is linked to the customer record once known."""
        ctx = self._ctx
        with ctx.unit() as uow:
            key = self._customer_key(uow, customer_id)
            complaint = uow.complaints.get(complaint_id)
            complaint.link_customer(
                customer_id, key_customer=key, by=by, at=ctx.now(), rules=self.rules, calendar=self.calendar
            )
            uow.complaints.save(complaint)

    # -- the six steps (P42, P45) -------------------------------------------------------
    def listen(self, complaint_id: str, *, heard: str, by: str) -> None:
        """Step 1: listen and accept the criticism (the first response, P40)."""
        self._change(complaint_id, lambda c, now: c.listen(heard=heard, by=by, at=now))

    def apologise(self, complaint_id: str, *, by: str, note: str = "") -> None:
        """Step 2: apologise."""
        self._change(complaint_id, lambda c, now: c.apologise(by=by, at=now, note=note))

    def diagnose(self, complaint_id: str, *, root_cause: str, cause: Category | str, by: str) -> None:
        """Step 3 (P41): the real cause, found by asking carefully."""
        ctx = self._ctx
        with ctx.unit() as uow:
            complaint = uow.complaints.get(complaint_id)
            now = ctx.now()
            complaint.diagnose(root_cause=root_cause, cause=cause, by=by, at=now)
            self._check_recurrence(uow, complaint, now)
            uow.complaints.save(complaint)

    def decide(
        self,
        complaint_id: str,
        *,
        story: str,
        by: str,
        answer: Answer | str | None = None,
        fact: bool = True,
        feasible: bool = True,
        needs_time: bool = False,
        trivial: bool = False,
        promised_by: datetime | None = None,
    ) -> Answer:
        """Step 4 (P45): decide the answer and the one reason the customer hears (P49).

        Give ``answer`` directly, or the findings (``fact``, ``feasible``,
        ``needs_time``, ``trivial``) and P45's table chooses it.
        """
        chosen = (
            one_of(Answer, answer, "answer")
            if answer is not None
            else choose_answer(fact=fact, feasible=feasible, needs_time=needs_time, trivial=trivial)
        )
        self._change(
            complaint_id, lambda c, now: c.decide(answer=chosen, story=story, by=by, at=now, promised_by=promised_by)
        )
        return chosen

    def tell_story(self, complaint_id: str, *, story: str, by: str) -> None:
        """P49: change the one customer-facing reason."""
        rules = self.rules
        self._change(complaint_id, lambda c, now: c.tell_story(story=story, by=by, at=now, rules=rules))

    def offer_options(self, complaint_id: str, options: Sequence[Option], *, by: str) -> None:
        """P43: offer the customer choices."""
        self._change(complaint_id, lambda c, now: c.offer_options(options, by=by, at=now))

    def choose(self, complaint_id: str, option: int, *, actor: Actor) -> bool:
        """P43: the customer's choice, recorded by ``actor``; True when it now waits for an approval.

        The limit is the acting person's role, not the complaint owner's:
        a handler cannot grant more because the complaint moved up the chain.
        """
        rules, currency = self.rules, self._currency
        role = self._role_of(actor)
        return self._change(
            complaint_id,
            lambda c, now: c.choose(option, by=actor.id, role=role, at=now, rules=rules, currency=currency),
        )

    def approve(self, complaint_id: str, *, actor: Actor, note: str = "") -> None:
        """P43: ``actor`` approves; their role must rank above the person who asked and cover the remedy."""
        rules, currency = self.rules, self._currency
        role = self._role_of(actor)
        self._change(
            complaint_id,
            lambda c, now: c.approve(by=actor.id, role=role, at=now, rules=rules, currency=currency, note=note),
        )

    def refuse(self, complaint_id: str, *, actor: Actor, reason: str) -> None:
        """P43: ``actor`` refuses the remedy; other options must be offered."""
        rules, currency = self.rules, self._currency
        role = self._role_of(actor)
        self._change(
            complaint_id,
            lambda c, now: c.refuse(by=actor.id, role=role, at=now, rules=rules, currency=currency, reason=reason),
        )

    def resolve(self, complaint_id: str, *, by: str, note: str = "") -> None:
        """P44: the remedy was carried out; the after-care contact is planned (step 5)."""
        rules, calendar = self.rules, self.calendar
        self._change(complaint_id, lambda c, now: c.resolve(by=by, at=now, rules=rules, calendar=calendar, note=note))

    def after_care(self, complaint_id: str, *, by: str, note: str = "", satisfied: bool = True) -> None:
        """Step 5: contact the customer again; not satisfied reopens the complaint."""
        rules, calendar = self.rules, self.calendar
        self._change(
            complaint_id,
            lambda c, now: c.after_care(by=by, at=now, rules=rules, calendar=calendar, note=note, satisfied=satisfied),
        )

    def close(self, complaint_id: str, *, lesson: str, by: str) -> None:
        """Step 6: record it in detail and draw the lesson."""
        self._change(complaint_id, lambda c, now: c.close(lesson=lesson, by=by, at=now))

    def reopen(self, complaint_id: str, *, reason: str, by: str) -> None:
        """The customer is not satisfied: listen again, with a fresh resolution promise."""
        rules, calendar = self.rules, self.calendar
        self._change(
            complaint_id, lambda c, now: c.reopen(by=by, at=now, reason=reason, rules=rules, calendar=calendar)
        )

    # -- promises and escalation (P40, P51) ----------------------------------------------
    def wait_for_customer(self, complaint_id: str, *, reason: str, by: str) -> None:
        """Stop the clock while waiting for the customer; the reason is kept."""
        self._change(complaint_id, lambda c, now: c.wait_for_customer(reason=reason, by=by, at=now))

    def resume(self, complaint_id: str, *, by: str) -> None:
        """Start the clock again; deadlines move by the business time paused."""
        rules, calendar = self.rules, self.calendar
        self._change(complaint_id, lambda c, now: c.resume(by=by, at=now, rules=rules, calendar=calendar))

    def promise(self, complaint_id: str, *, what: str, due: datetime, by: str) -> Promise:
        """P43/P51: a dated promise to the customer, tracked until kept."""
        return self._change(complaint_id, lambda c, now: c.promise(what=what, due=due, by=by, at=now))

    def keep_promise(self, complaint_id: str, promise_id: str, *, by: str) -> bool:
        """The promise was kept; returns whether on time."""
        return self._change(complaint_id, lambda c, now: c.keep_promise(promise_id, by=by, at=now))

    def escalate(self, complaint_id: str, *, reason: str, by: str) -> bool:
        """Move the complaint one level up the chain by hand; False at the top."""
        rules = self.rules
        return self._change(complaint_id, lambda c, now: c.escalate(by=by, at=now, reason=reason, rules=rules))

    def check_deadlines(self) -> list[str]:
        """P51: breach and escalate every open complaint past a target (run it hourly).

        Safe to run twice. Returns the ids of complaints that were escalated
        or breached in this run.
        """
        ctx, rules, calendar = self._ctx, self.rules, self.calendar
        changed: list[str] = []
        with ctx.unit() as uow:
            now = ctx.now()
            for complaint in uow.complaints.open_complaints():
                before = (len(complaint.breaches), complaint.level)
                complaint.check_deadlines(at=now, rules=rules, calendar=calendar)
                if (len(complaint.breaches), complaint.level) != before:
                    uow.complaints.save(complaint)
                    changed.append(complaint.id)
        return changed

    def promise_status(self, complaint_id: str) -> PromiseStatus:
        """P51: which targets were met or missed, which are pending, overdue or paused."""
        return self.get(complaint_id).promise_status(self._ctx.now())

    # -- authority and price objections (P43, P52) -------------------------------------
    def check_price(self, complaint_id: str, item: PriceCheckItem | str, *, finding: str, by: str) -> None:
        """P52: market, competitor quote or after-sales problems checked, with the finding."""
        self._change(complaint_id, lambda c, now: c.check_price(item, finding=finding, by=by, at=now))

    def quote(
        self,
        complaint_id: str,
        *,
        list_price: str | int | Decimal,
        unit_cost: str | int | Decimal,
        market_price: str | int | Decimal | None = None,
        potential: bool = False,
        by: str,
    ) -> PriceQuote:
        """P52: quote from cost, volume and potential (核算所有的成本…針對客戶的量和潛力再具體報價).

        After the three-point check. An old customer (the playbook's one rule)
        earns a share of the cap by tier, one tier up with ``potential``; a new
        customer earns none. Never below full cost plus ``quote_min_margin``.
        """
        ctx, currency = self._ctx, self._currency
        prices = [Money.of(p, currency) if p is not None else None for p in (list_price, unit_cost, market_price)]
        if prices[0] is None or prices[0].amount <= 0 or prices[1] is None or prices[1].amount < 0:
            raise ValidationError("list_price", "a positive list price and a unit cost not below zero")
        with ctx.unit() as uow:
            complaint = uow.complaints.get(complaint_id)
            old, tier = customer_standing(uow, complaint.customer_id, rules=ctx.playbook.segments, currency=currency)
            quote = quote_price(
                complaint_id=complaint_id,
                list_price=prices[0],
                unit_cost=prices[1],
                market_price=prices[2],
                old_customer=old,
                tier=tier,
                potential=potential,
                rules=self.rules,
            )
            complaint.quoted(quote, by=by, at=ctx.now())
            uow.complaints.save(complaint)
        return quote

    def limit_of(self, role: str) -> Money | None:
        """P43: what a role may grant alone."""
        limit = self.rules.limit_of(role)
        return Money.of(limit, self._currency) if limit is not None else None

    # -- the system around it (P46-P48) ----------------------------------------------------
    def open_corrective_action(
        self, complaint_id: str, *, description: str, owner: str, due: date, by: str, item: str | None = None
    ) -> CorrectiveAction:
        """P46: remove the root cause: an action with an owner and a due date."""
        return self._change(
            complaint_id,
            lambda c, now: c.open_corrective_action(
                description=description, owner=owner, due=due, item=item, by=by, at=now
            ),
        )

    def close_corrective_action(self, complaint_id: str, action_id: str, *, by: str) -> None:
        """P46: the root cause was removed; the same cause on the same item again is a recurrence."""
        self._change(complaint_id, lambda c, now: c.close_corrective_action(action_id, by=by, at=now))

    def add_standard_answer(
        self, category: Category | str, *, question: str, answer: str, by: str, keywords: Sequence[str] = ()
    ) -> StandardAnswer:
        """P46: a standard answer so everyone says the same."""
        ctx = self._ctx
        with ctx.unit() as uow:
            entry = StandardAnswer.write(
                tenant=ctx.tenant,
                category=category,
                question=question,
                answer=answer,
                keywords=keywords,
                by=by,
                at=ctx.now(),
            )
            uow.standard_answers.add(entry)
        return entry

    def revise_standard_answer(self, answer_id: str, *, answer: str, by: str) -> None:
        """P46: change the agreed wording of a standard answer."""
        ctx = self._ctx
        with ctx.unit() as uow:
            entry = uow.standard_answers.get(answer_id)
            entry.revise(answer=answer, by=by, at=ctx.now())
            uow.standard_answers.save(entry)

    def suggest_answers(self, complaint_id: str, *, limit: int = 3) -> list[StandardAnswer]:
        """P46: the standard answers of the complaint's category, best match first."""
        with self._ctx.unit() as uow:
            complaint = uow.complaints.get(complaint_id)
            categories = dict.fromkeys(c for c in (complaint.cause, complaint.category) if c is not None)
            found = [a for category in categories for a in uow.standard_answers.for_category(category)]
        text = f"{complaint.description} {complaint.wish}"
        ranked = sorted(enumerate(found), key=lambda pair: (-pair[1].relevance(text), pair[0]))
        return [answer for _, answer in ranked][:limit]

    def categories_needing_standard_answer(self) -> dict[Category, int]:
        """P46: categories recurring at or above the threshold that have no standard answer yet."""
        ctx, rules = self._ctx, self.rules
        since = ctx.now() - timedelta(days=rules.recurrence_window_days)
        result: dict[Category, int] = {}
        with ctx.unit() as uow:
            for category in Category:
                count = uow.complaints.count_in_category(category, since)
                if count >= rules.recurrence_threshold and not uow.standard_answers.for_category(category):
                    result[category] = count
        return result

    def gift_suggestions(self) -> list[Complaint]:
        """P47: resolved major complaints and key customers' ones, awaiting their gift at after-care."""
        with self._ctx.unit() as uow:
            return [c for c in uow.complaints.open_complaints() if c.awaits_gift]

    def review(self, period: str = "week", *, day: date | None = None) -> ComplaintReview:
        """P48: the weekly (Monday to Sunday) or monthly summary of the period containing ``day``."""
        ctx = self._ctx
        zone = ctx.playbook.locale.zone
        day = day or ctx.now().astimezone(zone).date()
        if period == "week":
            start = day - timedelta(days=day.weekday())
            end = start + timedelta(days=7)
        elif period == "month":
            start = day.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1)
        else:
            raise ValidationError("period", "must be one of week, month")
        start_at = datetime.combine(start, time(0), tzinfo=zone)
        end_at = datetime.combine(end, time(0), tzinfo=zone)
        with ctx.unit() as uow:
            complaints = uow.complaints.received_between(start_at, end_at)
            open_actions = sum(c.open_corrective_actions for c in uow.complaints.with_corrective_actions())
        return review_of(
            complaints,
            period=period,
            start=start,
            end=end,
            start_at=start_at,
            end_at=end_at,
            at=ctx.now(),
            open_actions=open_actions,
            calendar=self.calendar,
        )

    # -- queries (P40, P49) ---------------------------------------------------------------
    def get(self, complaint_id: str) -> Complaint:
        """The complaint, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.complaints.get(complaint_id)

    def timeline(self, complaint_id: str) -> list[TimelineEntry]:
        """P49: the one shared record: who did what when, oldest first."""
        return list(self.get(complaint_id).timeline)

    def story(self, complaint_id: str) -> str:
        """P49: the one reason every department gives the customer."""
        return self.get(complaint_id).story

    def story_history(self, complaint_id: str) -> StoryHistory:
        """P49: every reason the customer was given, and whether it keeps changing (flagged)."""
        return StoryHistory.of(self.get(complaint_id))

    def queue(self) -> list[QueueEntry]:
        """P40: open complaints, key customers and the most severe first, then by deadline.

        Complaints come before any other work on the boards.
        """
        with self._ctx.unit() as uow:
            complaints = uow.complaints.open_complaints()
        return queue_of(complaints, at=self._ctx.now())

    def has_open_complaint(self, customer_id: str) -> bool:
        """Whether the customer has a complaint that is not closed (follow-ups pause on it)."""
        with self._ctx.unit() as uow:
            return uow.complaints.has_open(customer_id)

    def with_open_complaint(self) -> set[str]:
        """Every customer with a complaint not closed (the daily run's bulk check, one read)."""
        with self._ctx.unit() as uow:
            return {c.customer_id for c in uow.complaints.open_complaints() if c.customer_id is not None}

    def severities(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Sequence[str] | None:
        """Severities of complaints received in ``[since, until)`` (``ComplaintHistory``); None: other tenant."""
        if tenant != self._ctx.tenant:
            return None
        return [c.severity.value for c in self.for_customer(customer_id) if since <= c.received_at < until]

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Complaint]:
        """The customer's complaints, newest first."""
        with self._ctx.unit() as uow:
            return uow.complaints.for_customer(customer_id, open_only=open_only)
