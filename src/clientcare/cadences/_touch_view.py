"""What a web layer answers about one touch: the plan and its outcome, nothing internal."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from clientcare.cadences._touches import Outcome, Touch, TouchReason, TouchStatus
from clientcare.customers._model import Channel, Purpose

__all__ = ["TouchView"]


@attrs.frozen(kw_only=True)
class TouchView:
    """One touch as staff see it: why, when, how, by whom, and how it ended.

    Leaves out the dispatcher's lease, delivery attempts, the message's
    details and the outcome's free-text note.
    """

    id: str
    customer_id: str
    reason: TouchReason
    purpose: Purpose
    occasion: date
    due: date
    channel: Channel
    owner: str | None
    store_id: str | None
    automated: bool
    priority: int
    status: TouchStatus
    sequence_no: int | None
    outcome: Outcome | None
    closed_at: datetime | None
    closed_by: str | None

    @classmethod
    def of(cls, touch: Touch) -> TouchView:
        """The view of ``touch``."""
        return cls(
            id=touch.id,
            customer_id=touch.customer_id,
            reason=touch.reason,
            purpose=touch.purpose,
            occasion=touch.occasion,
            due=touch.due,
            channel=touch.precision.channel,
            owner=touch.owner,
            store_id=touch.store_id,
            automated=touch.automated,
            priority=touch.priority,
            status=touch.status,
            sequence_no=touch.sequence_no,
            outcome=touch.outcome,
            closed_at=touch.closed_at,
            closed_by=touch.closed_by,
        )
