"""P49/P51: the complaint's record: what it holds, what it can tell, how a step is written.

:class:`ComplaintRecord` is the state of one complaint and its queries
(open or paused, deadlines and their status) plus the bookkeeping every
command shares: the guard from the transition table, the one shared
timeline and the events. :class:`~clientcare.complaints.Complaint` adds the
commands; nothing else subclasses this.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TypedDict

import attrs

from clientcare.complaints._events import ComplaintStepTaken, Severity
from clientcare.complaints._machine import ComplaintAction, allowed
from clientcare.complaints._targets import PromiseStatus, Target, TargetState, TargetStatus
from clientcare.complaints._values import (
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
    StoryVersion,
    TimelineEntry,
    TimelineStep,
    _by,
)
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._calendar import BusinessCalendar, Interval
from clientcare.kernel._checks import aware
from clientcare.playbook import ComplaintRules

__all__ = ["ComplaintRecord", "EventHeader"]


class EventHeader(TypedDict):
    """The fields every complaint event starts with (see ``ComplaintEvent``)."""

    tenant: str
    occurred_at: datetime
    complaint_id: str
    customer_id: str | None
    by: str


@attrs.define(eq=False, kw_only=True)
class ComplaintRecord(Aggregate):
    """The state of one complaint, its queries and the bookkeeping of its steps."""

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
    #: P49: every reason the customer was given, oldest first (三番四次的理由 show here).
    stories: tuple[StoryVersion, ...] = attrs.field(default=(), repr=False)
    #: P49: when the story had changed ``complaints.story_changes_flag_at`` times.
    story_flagged_at: datetime | None = None
    options: tuple[Option, ...] = attrs.field(default=(), repr=False)
    chosen: int | None = None
    approval_reason: str | None = None
    #: The role of the person who chose a remedy needing approval; the approver ranks above it.
    approval_role: str | None = None
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
    breaches: tuple[Target, ...] = ()
    price_checks: tuple[PriceCheck, ...] = attrs.field(default=(), repr=False)
    corrective_actions: tuple[CorrectiveAction, ...] = attrs.field(default=(), repr=False)
    recurrence_of: str | None = None
    gift_reason: str | None = None
    reopen_count: int = 0
    timeline: tuple[TimelineEntry, ...] = attrs.field(default=(), repr=False)

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

    @property
    def awaits_gift(self) -> bool:
        """P47: resolved, a gift suggested, and the after-care visit (where it is given) still to come."""
        return self.gift_reason is not None and self.resolved_at is not None and self.after_care_at is None

    @property
    def open_corrective_actions(self) -> int:
        """P46: how many of its corrective actions are not closed yet."""
        return sum(1 for action in self.corrective_actions if action.closed_at is None)

    def allows(self, action: ComplaintAction) -> bool:
        """Whether ``action`` may be taken now (the transition table, P42/P43/P45)."""
        return allowed(action, self.status, self.answer)

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

    def targets(self) -> list[tuple[Target, datetime | None, datetime | None]]:
        """Every target as (target, due, done at)."""
        result: list[tuple[Target, datetime | None, datetime | None]] = [
            (Target.FIRST_RESPONSE, self.first_response_due, self.first_response_at),
            (Target.RESOLUTION, self.resolution_due, self.resolved_at),
        ]
        result.extend((Target.for_promise(p.id), p.due, p.kept_at) for p in self.promises)
        return result

    def promise_status(self, at: datetime) -> PromiseStatus:
        """P51: which targets are met, missed, pending, overdue or paused at ``at``."""
        statuses = []
        for target, due, done in self.targets():
            if done is not None:
                state = TargetState.MET if due is None or done <= due else TargetState.MISSED
            elif self.paused and target.pauses:
                state = TargetState.PAUSED
            elif due is not None and due < at:
                state = TargetState.OVERDUE
            else:
                state = TargetState.PENDING
            statuses.append(TargetStatus(target=target, due=due, done_at=done, state=state))
        return PromiseStatus(complaint_id=self.id, at=at, paused=self.paused, targets=tuple(statuses))

    def overdue(self, at: datetime) -> bool:
        """Whether any open target is past its due time at ``at``."""
        return any(s.state is TargetState.OVERDUE for s in self.promise_status(at).targets)

    @property
    def story_changes(self) -> int:
        """P49: how many times the reason the customer hears was replaced by another one."""
        return sum(
            1 for before, after in zip(self.stories, self.stories[1:], strict=False) if before.story != after.story
        )

    @property
    def price_objection(self) -> bool:
        """P52: filed or diagnosed as a price complaint (价格高)."""
        return Category.PRICE in (self.category, self.cause)

    def price_checklist_done(self) -> bool:
        """P52: market, competitor quote and after-sales problems all checked."""
        return {c.item for c in self.price_checks} >= set(PriceCheckItem)

    # -- bookkeeping ---------------------------------------------------------------
    def _require(self, action: ComplaintAction) -> None:
        if not self.allows(action):
            raise InvalidTransition("complaint", self.status.value, action)

    def _header(self, at: datetime, by: str) -> EventHeader:
        return EventHeader(
            tenant=self.tenant, occurred_at=at, complaint_id=self.id, customer_id=self.customer_id, by=_by(by)
        )

    def _log(self, at: datetime, by: str, step: TimelineStep, note: str = "", *, target: Target | None = None) -> None:
        at = aware(at, "at")
        if self.timeline and at < self.timeline[-1].at:
            # One timeline shared by all departments (P49) must read in order.
            raise ValidationError("at", "must not precede the last timeline entry")
        entry = TimelineEntry(at=at, by=_by(by), step=step, note=note, target=target)
        self.timeline = (*self.timeline, entry)

    def _step(
        self,
        at: datetime,
        by: str,
        step: TimelineStep,
        status: ComplaintStatus,
        note: str = "",
        *,
        target: Target | None = None,
    ) -> None:
        self._log(at, by, step, note, target=target)
        self.status = status
        self.record(ComplaintStepTaken(**self._header(at, by), step=step.value, status=status.value))

    def _side_step(
        self, at: datetime, by: str, step: TimelineStep, note: str = "", *, target: Target | None = None
    ) -> None:
        """A recorded step that does not move the state (pause, price check, link)."""
        self._step(at, by, step, self.status, note, target=target)

    def _hours(self, table: str, rules: ComplaintRules) -> Decimal:
        hours = getattr(rules, table).for_severity(self.severity.value)
        return hours * rules.key_customer_factor if self.key_customer else Decimal(hours)

    def _plan(self, rules: ComplaintRules, calendar: BusinessCalendar) -> None:
        """Work out the first-response and resolution deadlines, skipping pauses."""
        pauses = self.intervals()
        if self.first_response_at is None:
            hours = self._hours("first_response_hours", rules)
            due = calendar.due(self.received_at, hours, pauses)
            if rules.first_response_every_day and due is not None:
                # 第一时间处理顾客投诉 (seed 001): a weekend or a holiday does not hold the
                # first response back; the opening periods still do.
                sooner = calendar.every_day().due(self.received_at, hours, pauses)
                due = min(due, sooner) if sooner is not None else due
            self.first_response_due = due
        if self.resolved_at is None:
            self.resolution_due = calendar.due(self.clock_started_at, self._hours("resolution_hours", rules), pauses)
