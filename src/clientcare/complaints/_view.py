"""What a web layer answers about a complaint: its state, deadlines and steps taken.

The description, the root cause, the story, the options and every note are
free text about a person: the view leaves them to the calls that need them.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from clientcare.complaints._events import Severity
from clientcare.complaints._machine import ComplaintAction
from clientcare.complaints._model import Complaint
from clientcare.complaints._values import Answer, Category, ComplaintChannel, ComplaintStatus, TimelineStep

__all__ = ["ComplaintStepView", "ComplaintView"]


@attrs.frozen(kw_only=True)
class ComplaintStepView:
    """P49: one step on the complaint's timeline: what, when, by whom."""

    step: TimelineStep
    at: datetime
    by: str


@attrs.frozen(kw_only=True)
class ComplaintView:
    """A complaint as a handler sees it (P41–P51): where it stands, what is due, what may come next."""

    id: str
    customer_id: str | None
    channel: ComplaintChannel
    category: Category
    severity: Severity
    status: ComplaintStatus
    answer: Answer | None
    level: int
    owner_role: str
    received_at: datetime
    received_by: str
    first_response_due: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused: bool
    next_actions: tuple[ComplaintAction, ...]
    timeline: tuple[ComplaintStepView, ...]

    @classmethod
    def of(cls, complaint: Complaint) -> ComplaintView:
        """The view of ``complaint``; ``next_actions`` are the steps the transition table allows now."""
        return cls(
            id=complaint.id,
            customer_id=complaint.customer_id,
            channel=complaint.channel,
            category=complaint.category,
            severity=complaint.severity,
            status=complaint.status,
            answer=complaint.answer,
            level=complaint.level,
            owner_role=complaint.owner_role,
            received_at=complaint.received_at,
            received_by=complaint.received_by,
            first_response_due=complaint.first_response_due,
            resolution_due=complaint.resolution_due,
            resolved_at=complaint.resolved_at,
            closed_at=complaint.closed_at,
            paused=complaint.paused,
            next_actions=tuple(action for action in ComplaintAction if complaint.allows(action)),
            timeline=tuple(ComplaintStepView(step=e.step, at=e.at, by=e.by) for e in complaint.timeline),
        )
