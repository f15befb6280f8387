"""Complaints (P40-P52): the six-step procedure as a state machine.

A complaint is one shared record (P49): every department reads the same
timeline of who did what when, and the customer hears one story. The steps
of P42 are states; a step out of order is an :class:`InvalidTransition`
(the table is in ``_machine``). Promises are counted in business hours on
the tenant's calendar (P51); remedies above the owner's authority wait for
an approval (P43).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import ClassVar

import attrs

from clientcare.complaints._authority import approval_reasons, check_approver, check_known_role
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
    ComplaintStoryFlagged,
    ComplaintTargetBreached,
    CorrectiveActionClosed,
    CorrectiveActionOpened,
    Severity,
    StandardAnswerNeeded,
)
from clientcare.complaints._machine import ComplaintAction
from clientcare.complaints._pricing import PriceQuote
from clientcare.complaints._record import ComplaintRecord
from clientcare.complaints._targets import Target, TargetKind
from clientcare.complaints._values import (
    BY_LIMIT,
    MONEY_BACK,
    Answer,
    Category,
    ComplaintChannel,
    ComplaintStatus,
    CorrectiveAction,
    Decision,
    Escalation,
    Option,
    Pause,
    PriceCheck,
    PriceCheckItem,
    Promise,
    RemedyKind,
    StoryVersion,
    TimelineStep,
    _by,
)
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.kernel._calendar import BusinessCalendar
from clientcare.kernel._checks import aware, clean_text, tag_set
from clientcare.kernel._checks import one_of as _enum
from clientcare.kernel._values import Money, new_id
from clientcare.playbook import ComplaintRules

__all__ = ["Complaint"]

A = ComplaintAction
Step = TimelineStep


@attrs.define(eq=False, kw_only=True)
class Complaint(ComplaintRecord):
    """One complaint: filed, walked through the six steps, promised, reviewed."""

    STEPS: ClassVar[tuple[TimelineStep, ...]] = (Step.LISTENED, Step.APOLOGISED, Step.DIAGNOSED, Step.ANSWER_DECIDED)

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
        complaint._log(at, by, Step.RECEIVED, f"{complaint.channel.value}/{complaint.category.value}")
        complaint.record(
            ComplaintFiled(
                **complaint._header(at, by),
                channel=complaint.channel.value,
                category=complaint.category.value,
                severity=complaint.severity.value,
                key_customer=key_customer,
            )
        )
        return complaint

    def call_for_standard_answer(self, count: int, *, at: datetime) -> None:
        """P46: its category just reached ``count`` complaints in the window and has no standard answer."""
        self.record(StandardAnswerNeeded(tenant=self.tenant, occurred_at=at, category=self.category.value, count=count))

    # -- the six steps (P42) -----------------------------------------------------
    def listen(self, *, heard: str, by: str, at: datetime) -> None:
        """Step 1: listen and accept the criticism; the first response (P40)."""
        self._require(A.LISTEN)
        note = clean_text(heard, "heard", limit=4000)
        if self.first_response_at is None:
            self.first_response_at = at
        self._step(at, by, Step.LISTENED, ComplaintStatus.LISTENED, note)

    def apologise(self, *, by: str, at: datetime, note: str = "") -> None:
        """Step 2: apologise."""
        self._require(A.APOLOGISE)
        text = clean_text(note, "note", limit=2000, required=False)
        self._step(at, by, Step.APOLOGISED, ComplaintStatus.APOLOGISED, text)

    def diagnose(self, *, root_cause: str, cause: Category | str, by: str, at: datetime) -> None:
        """Step 3 (P41): ask carefully and record the real cause."""
        self._require(A.DIAGNOSE)
        self.root_cause = clean_text(root_cause, "root_cause", limit=2000)
        self.cause = _enum(Category, cause, "cause")
        self._step(at, by, Step.DIAGNOSED, ComplaintStatus.DIAGNOSED, f"cause: {self.cause.value}")

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
        self._require(A.DECIDE)
        chosen = _enum(Answer, answer, "answer")
        if chosen is Answer.COMMIT_TO_DATE and promised_by is None:
            raise ValidationError("promised_by", "required when committing to a date")
        self._tell(story, by=by, at=at)
        self.answer = chosen
        self._step(at, by, Step.ANSWER_DECIDED, ComplaintStatus.ANSWER_DECIDED, chosen.value)
        if promised_by is not None:
            self.promise(what=promise or "resolution as committed", due=promised_by, by=by, at=at)

    def tell_story(self, *, story: str, by: str, at: datetime, rules: ComplaintRules) -> None:
        """P49: change the one customer-facing reason (everybody tells the same).

        Every version is kept; when the reason has changed
        ``rules.story_changes_flag_at`` times the complaint is flagged
        (``ComplaintStoryFlagged``): purchasing and sales are not telling one story.
        """
        self._require(A.TELL_STORY)
        self._tell(story, by=by, at=at)
        self._side_step(at, by, Step.STORY_TOLD, f"change {self.story_changes}")
        if self.story_flagged_at is None and self.story_changes >= rules.story_changes_flag_at:
            self.story_flagged_at = at
            self.record(ComplaintStoryFlagged(**self._header(at, by), changes=self.story_changes))

    def _tell(self, story: str, *, by: str, at: datetime) -> None:
        text = clean_text(story, "story", limit=1000)
        if not self.stories and self.story:
            # Kept before the history existed: its version dates from the decided answer.
            decided = next((e for e in self.timeline if e.step is Step.ANSWER_DECIDED), None)
            since = (decided.at, decided.by) if decided else (self.received_at, self.received_by)
            self.stories = (StoryVersion(story=self.story, by=since[1], at=since[0]),)
        self.story = text
        self.stories = (*self.stories, StoryVersion(story=text, by=_by(by), at=aware(at, "at")))

    def offer_options(self, options: Sequence[Option], *, by: str, at: datetime) -> None:
        """P43: take the customer's side and offer choices."""
        self._require(A.OFFER_OPTIONS)
        offered = tuple(options)
        if not offered:
            raise ValidationError("options", "at least one option")
        for option in offered:
            clean_text(option.label, "label", limit=200)
        self.options = offered
        self.chosen = None
        self._step(at, by, Step.OPTIONS_OFFERED, ComplaintStatus.OPTIONS_OFFERED, f"{len(offered)} options")

    def choose(self, index: int, *, by: str, role: str, at: datetime, rules: ComplaintRules, currency: str) -> bool:
        """P43: record the customer's choice. Returns True when it needs an approval.

        ``role`` is the acting person's (``by``'s): a remedy costing more than
        their authority, not the complaint owner's, or a price
        concession above the playbook's cap (P52), waits for a role above.
        A price concession, and on a price complaint a refund or gift, needs the P52 checklist first.
        """
        self._require(A.CHOOSE)
        if not 0 <= index < len(self.options):
            raise ValidationError("option", "not one of the options offered")
        option = self.options[index]
        self._check_money_back(option)
        reasons = approval_reasons(
            option, role=role, rules=rules, currency=currency, price_objection=self.price_objection
        )
        self.chosen = index
        if not reasons:
            self.approval_reason = None
            self.approval_role = None
            self._step(at, by, Step.OPTION_CHOSEN, ComplaintStatus.AGREED, option.label)
            return False
        self.approval_reason = ", ".join(reasons)
        self.approval_role = role
        self._step(at, by, Step.OPTION_CHOSEN, ComplaintStatus.AWAITING_APPROVAL, f"{option.label}; needs approval")
        cost = option.cost(currency)
        self.record(
            ComplaintApprovalRequested(
                **self._header(at, by),
                amount=cost.amount,
                currency=cost.currency,
                role=role,
                reason=self.approval_reason,
            )
        )
        return True

    def _check_money_back(self, option: Option) -> None:
        """P52: a concession, and on a price complaint a refund or gift too, waits for the three-point check."""
        kinds = MONEY_BACK if self.price_objection else {RemedyKind.PRICE_CONCESSION}
        given = [r for r in option.remedies if r.kind in kinds and r.value is not None]
        if given and not self.price_checklist_done():
            raise RuleViolation(
                "complaint.price_check", "check market, competitor quote and after-sales problems before a concession"
            )
        if any(r.list_price is None or r.list_price.amount <= 0 for r in given):
            # The cap is a share of the price: without the price there is nothing to hold it to.
            raise ValidationError("list_price", "a refund or gift on a price complaint needs the list price")

    def quoted(self, quote: PriceQuote, *, by: str, at: datetime) -> None:
        """P52: a price was quoted from cost, volume and potential, after the three-point check."""
        if not self.price_objection:
            raise RuleViolation("complaint.quote", "a quote answers a price complaint")
        if not self.price_checklist_done():
            raise RuleViolation(
                "complaint.price_check", "check market, competitor quote and after-sales problems before a quote"
            )
        self._require(A.CHECK_PRICE)
        self._side_step(at, by, Step.PRICE_QUOTED, f"{quote.price.amount} ({quote.concession_share} off)")

    def approve(
        self, *, by: str, role: str, at: datetime, rules: ComplaintRules, currency: str, note: str = ""
    ) -> None:
        """P43: a role whose limit covers the remedy approves it."""
        self._require(A.APPROVE)
        cost = self._chosen_or_fail().cost(currency)
        requester = self.approval_role or self.owner_role  # older records kept no requester role
        check_approver(role, requester_role=requester, cost=cost, rules=rules)
        self._decide(True, by=by, role=role, at=at, cost=cost, note=note)
        self._step(at, by, Step.APPROVED, ComplaintStatus.AGREED, f"by {role}")

    def refuse(self, *, by: str, role: str, at: datetime, rules: ComplaintRules, currency: str, reason: str) -> None:
        """P43: the remedy is refused; the handler offers other options."""
        self._require(A.REFUSE)
        cost = self._chosen_or_fail().cost(currency)
        check_known_role(role, rules)
        self._decide(False, by=by, role=role, at=at, cost=cost, note=clean_text(reason, "reason", limit=1000))
        self.chosen = None
        self._step(at, by, Step.REFUSED, ComplaintStatus.ANSWER_DECIDED, f"by {role}")

    def _chosen_or_fail(self) -> Option:
        # Awaiting approval is only reached by choosing; a stored record that
        # says otherwise is corrupt, and that is worth a clear error.
        option = self.chosen_option
        if option is None:
            raise RuleViolation("complaint.chosen", "no option was chosen")
        return option

    def _decide(self, approved: bool, *, by: str, role: str, at: datetime, cost: Money, note: str) -> None:
        decision = Decision(at=at, by=_by(by), role=role, approved=approved, amount=cost, reason=note)
        self.decisions = (*self.decisions, decision)
        self.record(ComplaintApprovalDecided(**self._header(at, by), role=role, approved=approved))

    def resolve(
        self, *, by: str, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar, note: str = ""
    ) -> None:
        """P44: the remedy was carried out (or, for explain/trivial, the answer given).

        Plans the after-care contact (step 5) and, for a major complaint or a
        key customer, suggests a gift (P47).
        """
        self._require(A.RESOLVE)
        if self.paused:
            self.resume(by=by, at=at, rules=rules, calendar=calendar)
        self.resolved_at = at
        self.after_care_due = calendar.add_business_hours(at, rules.after_care_hours)
        text = clean_text(note, "note", limit=2000, required=False)
        self._step(at, by, Step.RESOLVED, ComplaintStatus.RESOLVED, text)
        self.record(ComplaintAfterCareDue(**self._header(at, by), due=self.after_care_due))
        self._suggest_gift(by=by, at=at, rules=rules)

    def _suggest_gift(self, *, by: str, at: datetime, rules: ComplaintRules) -> None:
        """P47: a major complaint or a key customer's gets a gift after handling (once)."""
        reason = None
        if self.severity is Severity.MAJOR and rules.gift_for_major:
            reason = "major complaint"
        elif self.key_customer and rules.gift_for_key_customers:
            reason = "key customer"
        if reason is not None and self.gift_reason is None:
            self.gift_reason = reason
            self.record(ComplaintGiftSuggested(**self._header(at, by), reason=reason))

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
        self._require(A.AFTER_CARE)
        self.after_care_at = at
        text = clean_text(note, "note", limit=2000, required=False)
        self._step(at, by, Step.AFTER_CARE_DONE, ComplaintStatus.AFTER_CARE_DONE, text)
        if not satisfied:
            self.reopen(by=by, at=at, reason="not satisfied at after-care", rules=rules, calendar=calendar)

    def close(self, *, lesson: str, by: str, at: datetime) -> None:
        """Step 6: record it in detail and draw the lesson."""
        self._require(A.CLOSE)
        self.lesson = clean_text(lesson, "lesson", limit=4000)
        self.closed_at = at
        self._step(at, by, Step.CLOSED, ComplaintStatus.CLOSED)

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
        self._require(A.REOPEN)
        self.reopen_count += 1
        self.resolved_at = self.after_care_at = self.after_care_due = self.closed_at = None
        self.chosen = None
        self.clock_started_at = at
        self.breaches = tuple(b for b in self.breaches if b != Target.RESOLUTION)
        text = clean_text(reason, "reason", limit=1000)
        self._step(at, by, Step.REOPENED, ComplaintStatus.REOPENED, text)
        self._plan(rules, calendar)

    # -- around the steps ----------------------------------------------------------
    def link_customer(
        self,
        customer_id: str,
        *,
        key_customer: bool,
        by: str,
        at: datetime,
        rules: ComplaintRules,
        calendar: BusinessCalendar,
    ) -> None:
        """A walk-in's complaint is linked to the customer once known.

        The open targets are planned again: a key customer gets tighter promises.
        """
        self.customer_id = customer_id
        self.key_customer = key_customer
        self._plan(rules, calendar)
        self._side_step(at, by, Step.CUSTOMER_LINKED)

    def wait_for_customer(self, *, reason: str, by: str, at: datetime) -> None:
        """Stop the clock while waiting for the customer (photos, a visit); the reason is kept."""
        self._require(A.WAIT_FOR_CUSTOMER)
        if self.paused:
            raise InvalidTransition("complaint", "paused", A.WAIT_FOR_CUSTOMER)
        self.pauses = (*self.pauses, Pause(start=at, reason=clean_text(reason, "reason", limit=500)))
        self._side_step(at, by, Step.PAUSED, self.pauses[-1].reason)

    def resume(self, *, by: str, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar) -> None:
        """Start the clock again; deadlines move by the paused business time."""
        self._require(A.RESUME)
        if not self.paused:
            raise InvalidTransition("complaint", "running", A.RESUME)
        last = self.pauses[-1]
        self.pauses = (*self.pauses[:-1], attrs.evolve(last, end=max(at, last.start)))
        self._plan(rules, calendar)
        self._side_step(at, by, Step.RESUMED)

    def promise(self, *, what: str, due: datetime, by: str, at: datetime) -> Promise:
        """P43/P51: promise sincerely, with a date that is tracked."""
        self._require(A.PROMISE)
        made = Promise(
            id=new_id()[-12:],
            what=clean_text(what, "what", limit=500),
            due=aware(due, "due"),
            made_at=at,
            made_by=_by(by),
        )
        if made.due < at:
            raise ValidationError("due", "a promise must lie in the future")
        self.promises = (*self.promises, made)
        self._side_step(at, by, Step.PROMISED, target=Target.for_promise(made.id))
        self.record(ComplaintPromiseMade(**self._header(at, by), promise_id=made.id, due=made.due))
        return made

    def keep_promise(self, promise_id: str, *, by: str, at: datetime) -> bool:
        """P43: the promise was kept; returns whether on time."""
        for n, item in enumerate(self.promises):
            if item.id == promise_id:
                if item.kept_at is not None:
                    raise RuleViolation("complaint.promise", "already kept")
                self.promises = (*self.promises[:n], attrs.evolve(item, kept_at=at), *self.promises[n + 1 :])
                on_time = at <= item.due
                self._side_step(at, by, Step.PROMISE_KEPT, target=Target.for_promise(promise_id))
                self.record(ComplaintPromiseKept(**self._header(at, by), promise_id=promise_id, on_time=on_time))
                return on_time
        raise ValidationError("promise_id", "no such promise on this complaint")

    def check_price(self, item: PriceCheckItem | str, *, finding: str, by: str, at: datetime) -> None:
        """P52: tick one point of the price objection checklist."""
        self._require(A.CHECK_PRICE)
        check = PriceCheck(
            item=_enum(PriceCheckItem, item, "item"),
            at=at,
            by=_by(by),
            finding=clean_text(finding, "finding", limit=1000),
        )
        self.price_checks = (*(c for c in self.price_checks if c.item is not check.item), check)
        self._side_step(at, by, Step.PRICE_CHECKED, check.item.value)

    def escalate(self, *, by: str, at: datetime, reason: str, rules: ComplaintRules) -> bool:
        """P51: move one level up the chain; False when already at the top."""
        self._require(A.ESCALATE)
        chain = rules.escalation_chain
        if self.level + 1 >= len(chain):
            return False
        self.level += 1
        self.owner_role = chain[self.level]
        escalation = Escalation(at=at, by=_by(by), level=self.level, role=self.owner_role, reason=reason)
        self.escalations = (*self.escalations, escalation)
        self._log(at, by, Step.ESCALATED, f"{self.owner_role}: {reason}")
        self.record(ComplaintEscalated(**self._header(at, by), level=self.level, role=self.owner_role))
        return True

    def check_deadlines(self, *, at: datetime, rules: ComplaintRules, calendar: BusinessCalendar) -> list[Target]:
        """P51: raise a breach for every newly missed target and escalate.

        One level up per new breach, and one more for every
        ``escalate_every_hours`` of open time a breached target stays open.
        Safe to call repeatedly. Returns the targets newly breached.
        """
        if not self.is_open or self.paused:
            return []
        new: list[Target] = []
        for target, due, done in self.targets():
            if done is not None or due is None or due >= at or target in self.breaches:
                continue
            if target.kind is TargetKind.RESOLUTION and self.resolved_at is not None:
                continue
            new.append(target)
            self.breaches = (*self.breaches, target)
            self._log(at, "system", Step.BREACHED, target=target)
            self.record(ComplaintTargetBreached(**self._header(at, "system"), target=target.code, due=due))
            self.escalate(by="system", at=at, reason=f"{target} missed", rules=rules)
        if not new and self._still_breached():
            since = self.escalations[-1].at if self.escalations else self.received_at
            if calendar.active_hours(since, at, self.intervals()) >= rules.escalate_every_hours:
                self.escalate(by="system", at=at, reason="still overdue", rules=rules)
        return new

    def _still_breached(self) -> bool:
        open_targets = {target for target, _, done in self.targets() if done is None}
        if self.resolved_at is not None:
            open_targets.discard(Target.RESOLUTION)
        return bool(open_targets & set(self.breaches))

    # -- root causes (P46) -------------------------------------------------------
    def open_corrective_action(
        self, *, description: str, owner: str, due: date, item: str | None, by: str, at: datetime
    ) -> CorrectiveAction:
        """P46: an action that removes the root cause, with an owner and a due date."""
        action = CorrectiveAction(
            id=new_id()[-12:],
            description=clean_text(description, "description", limit=2000),
            owner=clean_text(owner, "owner", limit=BY_LIMIT),
            due=due,
            category=self.cause or self.category,
            item=item,
            opened_at=at,
        )
        self.corrective_actions = (*self.corrective_actions, action)
        self._log(at, by, Step.CORRECTIVE_ACTION_OPENED, action.id)
        self.record(CorrectiveActionOpened(**self._header(at, by), action_id=action.id, owner=action.owner, due=due))
        return action

    def close_corrective_action(self, action_id: str, *, by: str, at: datetime) -> None:
        """P46: the root cause was removed."""
        for n, action in enumerate(self.corrective_actions):
            if action.id == action_id:
                if action.closed_at is not None:
                    raise RuleViolation("complaint.corrective_action", "already closed")
                done = attrs.evolve(action, closed_at=at)
                self.corrective_actions = (*self.corrective_actions[:n], done, *self.corrective_actions[n + 1 :])
                self._log(at, by, Step.CORRECTIVE_ACTION_CLOSED, action_id)
                self.record(CorrectiveActionClosed(**self._header(at, by), action_id=action_id))
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
        self._log(at, "system", Step.RECURRENCE_FLAGGED, earlier.id)
        self.record(
            ComplaintRecurrenceFlagged(
                **self._header(at, "system"),
                category=(self.cause or self.category).value,
                item=self.items[0] if self.items else None,
                earlier_complaint_id=earlier.id,
            )
        )
