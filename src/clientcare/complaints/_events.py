"""Events of complaint handling, and the signal that opens a complaint.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.errors import ValidationError
from clientcare.kernel._events import DomainEvent

__all__ = [
    "ComplaintAfterCareDue",
    "ComplaintApprovalDecided",
    "ComplaintApprovalRequested",
    "ComplaintEscalated",
    "ComplaintEvent",
    "ComplaintFiled",
    "ComplaintGiftSuggested",
    "ComplaintPromiseKept",
    "ComplaintPromiseMade",
    "ComplaintRecurrenceFlagged",
    "ComplaintStepTaken",
    "ComplaintStoryFlagged",
    "ComplaintTargetBreached",
    "CorrectiveActionClosed",
    "CorrectiveActionOpened",
    "Severity",
    "SilentComplaintSignal",
    "StandardAnswerNeeded",
    "StandardAnswerSaved",
]


class Severity(enum.StrEnum):
    """How hard the complaint weighs; sets its promises (P51) and queue rank (P40)."""

    MINOR = "minor"
    NORMAL = "normal"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        """2 for major, 1 for normal, 0 for minor."""
        return ("minor", "normal", "major").index(self.value)


def _severity(value: str) -> Severity:
    # An unknown severity is a bug in the signalling area, never "normal" by default.
    try:
        return Severity(value)
    except ValueError:
        raise ValidationError("severity", "must be minor, normal or major") from None


@attrs.frozen(kw_only=True)
class SilentComplaintSignal(DomainEvent):
    """P50: a sign of an unhappy customer who did not complain (a low survey
    answer, a negative contact outcome). The complaints area listens and
    opens a complaint, so the customer is heard before leaving."""

    customer_id: str
    source: str  # "survey", "contact_outcome", ...
    reference: str  # the survey answer or touch that raised it
    severity: Severity = attrs.field(default=Severity.NORMAL, converter=_severity)


@attrs.frozen(kw_only=True)
class ComplaintEvent(DomainEvent):
    """Base of every complaint event: which complaint, whose, and who acted."""

    complaint_id: str
    customer_id: str | None
    by: str


@attrs.frozen(kw_only=True)
class ComplaintFiled(ComplaintEvent):
    """P41/P46: a complaint was registered and classified."""

    channel: str
    category: str
    severity: str
    key_customer: bool


@attrs.frozen(kw_only=True)
class ComplaintStepTaken(ComplaintEvent):
    """P42: one of the six steps (or a step around them) was recorded.

    ``step`` is the code of the ``TimelineStep`` written: ``listened``,
    ``apologised``, ``diagnosed``, ``answer_decided``, ``options_offered``,
    ``option_chosen``, ``approved``, ``refused``, ``resolved``,
    ``after_care_done``, ``closed``, ``reopened``, ``paused``, ``resumed``,
    ``customer_linked``, ``price_checked``, ``story_told``, ``promised``,
    ``promise_kept``; ``status`` the ``ComplaintStatus`` code after it.
    """

    step: str
    status: str


@attrs.frozen(kw_only=True)
class ComplaintApprovalRequested(ComplaintEvent):
    """P43/P52: the chosen remedy is beyond the acting person's authority or the concession cap.

    ``role`` is the role of the person who asked (the approver must rank above it).
    """

    amount: Decimal
    currency: str
    role: str
    reason: str


@attrs.frozen(kw_only=True)
class ComplaintApprovalDecided(ComplaintEvent):
    """P43: a role above the handler approved or refused the remedy."""

    role: str
    approved: bool


@attrs.frozen(kw_only=True)
class ComplaintTargetBreached(ComplaintEvent):
    """P51: a promise was not kept in time (first response, resolution or a promised date).

    ``target`` is the ``Target``'s code: ``first_response``, ``resolution`` or ``promise:<id>``.
    """

    target: str
    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintEscalated(ComplaintEvent):
    """P51: the complaint moved one level up the escalation chain.

    The reason staff gave is free text about the customer: it stays on the
    complaint (``Complaint.escalations``), never in the outbox.
    """

    level: int
    role: str


@attrs.frozen(kw_only=True)
class ComplaintPromiseMade(ComplaintEvent):
    """P43/P51: a dated promise was given to the customer."""

    promise_id: str
    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintPromiseKept(ComplaintEvent):
    """P43/P51: a promise was kept (``on_time`` says whether before its date)."""

    promise_id: str
    on_time: bool


@attrs.frozen(kw_only=True)
class ComplaintAfterCareDue(ComplaintEvent):
    """P42 step 5: the complaint was resolved; contact the customer again by ``due``.

    The follow-up cadences turn this into a touch on the boards.
    """

    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintGiftSuggested(ComplaintEvent):
    """P47: a major complaint or a key customer: give a gift after handling."""

    reason: str


@attrs.frozen(kw_only=True)
class ComplaintStoryFlagged(ComplaintEvent):
    """P49: the reason the customer hears changed ``changes`` times: departments are not telling one story."""

    changes: int


@attrs.frozen(kw_only=True)
class ComplaintRecurrenceFlagged(ComplaintEvent):
    """P46: the same cause on the same item came back after its corrective action closed."""

    category: str
    item: str | None
    earlier_complaint_id: str


@attrs.frozen(kw_only=True)
class CorrectiveActionOpened(ComplaintEvent):
    """P46: an action to remove a root cause, with an owner and a due date."""

    action_id: str
    owner: str
    due: date


@attrs.frozen(kw_only=True)
class CorrectiveActionClosed(ComplaintEvent):
    """P46: a corrective action was completed."""

    action_id: str


@attrs.frozen(kw_only=True)
class StandardAnswerNeeded(DomainEvent):
    """P46: a category recurs above the threshold and has no standard answer yet."""

    category: str
    count: int


@attrs.frozen(kw_only=True)
class StandardAnswerSaved(DomainEvent):
    """P46: a standard answer (Q&A) was added or changed for a category."""

    answer_id: str
    category: str
    by: str
