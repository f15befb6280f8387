"""Touches (P20–P35): one planned contact with a customer, and what came of it.

A touch carries the "four precisions" (P25): what to say, what to offer, by
which channel and when. It moves from ``planned`` to ``done`` with an
outcome, or is rescheduled, skipped with a reason, cancelled, or held while
the customer has an open complaint. Its ``key`` (customer, reason, occasion)
is unique per tenant, which is what makes the daily run idempotent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime, timedelta

import attrs

from clientcare.cadences._events import (
    TouchCancelled,
    TouchCompleted,
    TouchDeliveryFailed,
    TouchHeld,
    TouchPlanned,
    TouchRescheduled,
    TouchSkipped,
)
from clientcare.complaints._events import Severity, SilentComplaintSignal
from clientcare.customers._model import Channel, Purpose
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._events import reason_code
from clientcare.kernel._values import new_id

__all__ = [
    "PURPOSE_OF",
    "Outcome",
    "Precision",
    "Touch",
    "TouchReason",
    "TouchStatus",
    "touch_key",
]


class TouchReason(enum.StrEnum):
    """Why a touch exists; each cadence of section C has its own reason."""

    RETURN_VISIT = "return_visit"  # P20
    AFTER_SALES = "after_sales"  # P35
    FOLLOW_UP = "follow_up"  # P21
    BIRTHDAY = "birthday"  # P07/P22
    IMPORTANT_DATE = "important_date"  # P07
    HOLIDAY = "holiday"  # P22
    CARD_EXPIRY = "card_expiry"  # P14/P22
    ROTATION_VISIT = "rotation_visit"  # P23
    THANK_YOU = "thank_you"  # P26
    LOST_INTERVIEW = "lost_interview"  # P27
    WANTED_ITEM = "wanted_item"  # P28
    APPOINTMENT = "appointment"  # P29
    INFORM = "inform"  # P32
    OCCASION = "occasion"  # P22 new brochure, P32 customer conference and award event (playbook days)
    REFERRAL_THANKS = "referral_thanks"  # P33
    REPEAT_ASK = "repeat_ask"  # P34
    AFTER_CARE = "after_care"  # P42 step 5, planned from a resolved complaint
    RECURRING = "recurring"  # set by staff
    MANUAL = "manual"


#: P04: the consent purpose each reason needs on its channel.
PURPOSE_OF: dict[TouchReason, Purpose] = {
    TouchReason.RETURN_VISIT: Purpose.SERVICE,
    TouchReason.AFTER_SALES: Purpose.SERVICE,
    TouchReason.FOLLOW_UP: Purpose.MARKETING,
    TouchReason.BIRTHDAY: Purpose.GREETINGS,
    TouchReason.IMPORTANT_DATE: Purpose.GREETINGS,
    TouchReason.HOLIDAY: Purpose.GREETINGS,
    TouchReason.CARD_EXPIRY: Purpose.SERVICE,
    TouchReason.AFTER_CARE: Purpose.SERVICE,
    TouchReason.ROTATION_VISIT: Purpose.SERVICE,
    TouchReason.THANK_YOU: Purpose.SERVICE,
    TouchReason.LOST_INTERVIEW: Purpose.SURVEYS,
    TouchReason.WANTED_ITEM: Purpose.SERVICE,
    TouchReason.APPOINTMENT: Purpose.SERVICE,
    TouchReason.INFORM: Purpose.MARKETING,
    TouchReason.OCCASION: Purpose.MARKETING,
    TouchReason.REFERRAL_THANKS: Purpose.SERVICE,
    TouchReason.REPEAT_ASK: Purpose.MARKETING,
    TouchReason.RECURRING: Purpose.SERVICE,
    TouchReason.MANUAL: Purpose.SERVICE,
}


class TouchStatus(enum.StrEnum):
    """Where a touch stands."""

    PLANNED = "planned"
    HELD = "held"  # P21: paused while the customer has an open complaint
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"  # dead letter: delivery given up, waits for ``requeue``

    @property
    def open(self) -> bool:
        """Still to be done (planned or held)."""
        return self in (TouchStatus.PLANNED, TouchStatus.HELD)


class Outcome(enum.StrEnum):
    """What came of a touch; outcomes feed the rest of the library."""

    REACHED = "reached"
    SENT = "sent"  # automated message handed to the notifier
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    DO_NOT_CONTACT = "do_not_contact"  # withdraws consent
    APPOINTMENT_MADE = "appointment_made"
    COMPLAINT_RAISED = "complaint_raised"
    NEGATIVE = "negative"
    REFERRAL_GIVEN = "referral_given"
    FEEDBACK_NOTED = "feedback_noted"
    PURCHASE_INTENTION = "purchase_intention"
    REPLIED = "replied"  # P21: the customer answered; the follow-up goes on (seed 000)
    INTERVIEWED = "interviewed"  # P27

    @property
    def reached(self) -> bool:
        """Whether the customer was actually in contact."""
        return self not in (Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)


@attrs.frozen(kw_only=True)
class Precision:
    """P25: the four precisions — information, reward, channel, time window."""

    information: str = attrs.field(repr=False)
    reward: str | None = None
    channel: Channel
    window_start: datetime | None = None
    window_end: datetime | None = None


def touch_key(customer_id: str, reason: TouchReason | str, occasion: date, reference: str = "") -> str:
    """The unique key of a touch: one per customer, reason and occasion (and reference)."""
    base = f"{customer_id}|{reason}|{occasion.isoformat()}"
    return f"{base}|{reference}" if reference else base


@attrs.define(eq=False, kw_only=True)
class Touch(Aggregate):
    """One planned contact with a customer, and its outcome."""

    key: str
    customer_id: str
    reason: TouchReason
    purpose: Purpose
    occasion: date
    due: date
    precision: Precision
    owner: str | None = None
    store_id: str | None = None
    automated: bool = False
    priority: int = 3
    status: TouchStatus = TouchStatus.PLANNED
    template: str | None = None
    reference: str | None = None
    sequence_id: str | None = None
    sequence_no: int | None = None
    attempts: int = 0
    outcome: Outcome | None = None
    outcome_note: str | None = attrs.field(default=None, repr=False)
    details: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)
    closed_at: datetime | None = None
    closed_by: str | None = None
    status_reason: str | None = None
    planned_at: datetime
    lease_owner: str | None = None
    #: While leased, when the lease ends; after a failed send, when it may be retried (backoff).
    lease_until: datetime | None = None
    #: Failed sends since planned or requeued; reaching the playbook's maximum dead-letters the touch.
    delivery_attempts: int = 0

    @classmethod
    def plan(
        cls,
        *,
        tenant: str,
        customer_id: str,
        reason: TouchReason | str,
        occasion: date,
        due: date,
        precision: Precision,
        at: datetime,
        owner: str | None = None,
        store_id: str | None = None,
        automated: bool = False,
        priority: int = 3,
        template: str | None = None,
        reference: str | None = None,
        sequence_id: str | None = None,
        sequence_no: int | None = None,
        purpose: Purpose | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Touch:
        """A new planned touch; the key makes the same occasion plannable only once.
        ``details`` are what its message template needs besides the customer's name."""
        why = TouchReason(reason)
        if due < occasion - timedelta(days=366):
            raise ValidationError("due", "more than a year before its occasion")
        if not 1 <= priority <= 5:
            raise ValidationError("priority", "must be 1 (first) to 5")
        touch = cls(
            id=new_id(),
            tenant=tenant,
            key=touch_key(customer_id, why, occasion, reference or ""),
            customer_id=customer_id,
            reason=why,
            purpose=purpose or PURPOSE_OF[why],
            occasion=occasion,
            due=due,
            precision=precision,
            owner=owner,
            store_id=store_id,
            automated=automated,
            priority=priority,
            template=template,
            reference=reference,
            sequence_id=sequence_id,
            sequence_no=sequence_no,
            details=tuple(sorted((details or {}).items())),
            planned_at=aware(at, "at"),
        )
        touch.record(touch._planned(at))
        return touch

    def _planned(self, at: datetime) -> TouchPlanned:
        return TouchPlanned(
            tenant=self.tenant,
            occurred_at=at,
            touch_id=self.id,
            customer_id=self.customer_id,
            reason=self.reason.value,
            due=self.due,
            owner=self.owner,
            automated=self.automated,
        )

    # -- lifecycle -------------------------------------------------------------
    def _require_open(self, action: str) -> None:
        if not self.status.open:
            raise InvalidTransition("touch", self.status.value, action)

    def complete(
        self,
        outcome: Outcome | str,
        *,
        by: str,
        at: datetime,
        note: str | None = None,
        details: Mapping[str, str] | None = None,
        max_retries: int = 0,
        retry_after_days: int = 1,
    ) -> bool:
        """Record the outcome. A no-answer is retried by rule: the touch moves
        ``retry_after_days`` on until ``max_retries`` retries are spent.
        Returns whether the touch is now closed."""
        self._require_open("complete")
        result = Outcome(outcome)
        self.attempts += 1
        if result is Outcome.NO_ANSWER and self.attempts <= max_retries:
            self._retry_later(at, retry_after_days)
            return False
        self.status = TouchStatus.DONE
        self.outcome = result
        self.outcome_note = clean_text(note, "note", limit=2000, required=False) or None
        self.details = tuple(sorted((details or {}).items()))
        self.closed_at = aware(at, "at")
        self.closed_by = by
        self.lease_owner = self.lease_until = None
        self.record(
            TouchCompleted(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                reason=self.reason.value,
                outcome=result.value,
                by=by,
                sequence_no=self.sequence_no,
            )
        )
        if result in (Outcome.COMPLAINT_RAISED, Outcome.NEGATIVE):
            # P50: a negative contact is a silent complaint; the complaints area listens.
            self.record(
                SilentComplaintSignal(
                    tenant=self.tenant,
                    occurred_at=at,
                    customer_id=self.customer_id,
                    source="contact_outcome",
                    reference=self.id,
                    severity=Severity.MAJOR if result is Outcome.COMPLAINT_RAISED else Severity.NORMAL,
                )
            )
        return True

    def _retry_later(self, at: datetime, retry_after_days: int) -> None:
        before = self.due
        self.due = max(self.due, at.date()) + timedelta(days=retry_after_days)
        self.status_reason = "no answer, retry"
        self.record(
            TouchRescheduled(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                before=before,
                after=self.due,
                why="no_answer",
            )
        )

    def reschedule(self, to: date, *, by: str, at: datetime, why: str) -> None:
        """Move the touch to another day (held touches are released too)."""
        self._require_open("reschedule")
        before = self.due
        self.due = to
        self.status = TouchStatus.PLANNED
        self.status_reason = clean_text(why, "why", limit=200)
        self.lease_owner = self.lease_until = None
        self.record(
            TouchRescheduled(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                before=before,
                after=to,
                why="by_staff",
            )
        )

    def skip(self, *, why: str, by: str, at: datetime) -> None:
        """Not done on purpose, with a reason (no consent, customer away, ...)."""
        self._require_open("skip")
        self._close_without_outcome(TouchStatus.SKIPPED, TouchSkipped, why=why, by=by, at=at)

    def cancel(self, *, why: str, by: str, at: datetime) -> None:
        """No longer wanted (a purchase stopped the sequence, an opt-out)."""
        self._require_open("cancel")
        self._close_without_outcome(TouchStatus.CANCELLED, TouchCancelled, why=why, by=by, at=at)

    def _close_without_outcome(
        self,
        status: TouchStatus,
        event: type[TouchSkipped] | type[TouchCancelled],
        *,
        why: str,
        by: str,
        at: datetime,
    ) -> None:
        self.status = status
        self.status_reason = clean_text(why, "why", limit=200)
        self.closed_at, self.closed_by = aware(at, "at"), by
        self.lease_owner = self.lease_until = None
        self.record(
            event(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                reason=self.reason.value,
                why=reason_code(self.status_reason),
            )
        )

    def delivery_failed(self, *, reason: str, at: datetime, retry_at: datetime | None) -> None:
        """A send failed: retry no earlier than ``retry_at``, or, when ``None``,
        give up and keep the touch as a dead letter with ``reason`` (a code)."""
        if self.status is not TouchStatus.PLANNED:
            raise InvalidTransition("touch", self.status.value, "delivery_failed")
        self.delivery_attempts += 1
        self.lease_owner = None
        self.lease_until = retry_at
        if retry_at is None:
            self.status = TouchStatus.FAILED
            self.status_reason = clean_text(reason, "reason", limit=200)
            self.closed_at, self.closed_by = aware(at, "at"), "dispatch"
        self.record(
            TouchDeliveryFailed(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                attempt=self.delivery_attempts,
                reason=reason,
                retry_at=retry_at,
            )
        )

    def requeue(self, *, by: str, at: datetime, due: date) -> None:
        """Give a dead-lettered touch a fresh set of attempts, due no earlier than ``due``."""
        if self.status is not TouchStatus.FAILED:
            raise InvalidTransition("touch", self.status.value, "requeue")
        before = self.due
        self.status = TouchStatus.PLANNED
        self.due = max(self.due, due)
        self.delivery_attempts = 0
        self.status_reason = "requeued"
        self.closed_at = self.closed_by = None
        self.lease_owner = self.lease_until = None
        self.record(
            TouchRescheduled(
                tenant=self.tenant,
                occurred_at=at,
                touch_id=self.id,
                customer_id=self.customer_id,
                before=before,
                after=self.due,
                why=f"requeued by {by}",
            )
        )

    def hold(self, *, why: str, at: datetime) -> None:
        """P21: pause (an open complaint); nothing is sent while held."""
        if self.status is TouchStatus.HELD:
            return
        self._require_open("hold")
        self.status = TouchStatus.HELD
        self.status_reason = clean_text(why, "why", limit=200)
        self.record(
            TouchHeld(tenant=self.tenant, occurred_at=at, touch_id=self.id, customer_id=self.customer_id, held=True)
        )

    def release(self, *, due: date, at: datetime) -> None:
        """End a hold: the touch is planned again, due no earlier than ``due``."""
        if self.status is not TouchStatus.HELD:
            return
        self.status = TouchStatus.PLANNED
        self.due = max(self.due, due)
        self.status_reason = None
        self.record(
            TouchHeld(tenant=self.tenant, occurred_at=at, touch_id=self.id, customer_id=self.customer_id, held=False)
        )

    def assign(self, *, owner: str | None, due: date) -> None:
        """P23: while it is being planned, give the touch its staff member and day
        (rotation capacity); its ``TouchPlanned`` event says where it went."""
        pending = [e for e in self.pending_events if isinstance(e, TouchPlanned) and e.touch_id == self.id]
        if not pending:
            # Once stored, a touch moves by reschedule, with a reason and its own event.
            raise RuleViolation("touch.assign", "only a touch being planned is assigned")
        self.owner, self.due = owner, due
        for event in pending:
            self.amend_pending(event, self._planned(event.occurred_at))

    def detail(self, name: str) -> str | None:
        """One recorded outcome detail (``competitor``, ``win_back`` ...)."""
        return dict(self.details).get(name)
