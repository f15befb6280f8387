"""P40/P48/P49: read models: the queue, the periodic review, a complaint's story history."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.complaints._events import Severity
from clientcare.complaints._model import Complaint
from clientcare.complaints._values import ComplaintStatus, StoryVersion
from clientcare.kernel._calendar import BusinessCalendar

__all__ = ["ComplaintReview", "QueueEntry", "StoryHistory", "queue_of", "review_of"]


@attrs.frozen(kw_only=True)
class QueueEntry:
    """P40: one line of the complaints queue."""

    complaint_id: str
    customer_id: str | None
    key_customer: bool
    severity: Severity
    status: ComplaintStatus
    owner_role: str
    next_due: datetime | None
    overdue: bool
    received_at: datetime
    #: P49: how often the reason the customer hears changed, and whether that is flagged.
    story_changes: int = 0
    story_flagged: bool = False


@attrs.frozen(kw_only=True)
class StoryHistory:
    """P49: every reason the customer was given, oldest first, and whether it keeps changing.

    ``flagged`` once the reason changed ``complaints.story_changes_flag_at``
    times (不能出現三番四次的理由, seed 003). The stories are free text and stay
    out of the repr.
    """

    complaint_id: str
    versions: tuple[StoryVersion, ...] = attrs.field(repr=False)
    changes: int
    flagged: bool

    @classmethod
    def of(cls, complaint: Complaint) -> StoryHistory:
        """The story history of one complaint."""
        return cls(
            complaint_id=complaint.id,
            versions=complaint.stories,
            changes=complaint.story_changes,
            flagged=complaint.story_flagged_at is not None,
        )


@attrs.frozen(kw_only=True)
class ComplaintReview:
    """P48: a week's or a month's complaints, problems and fixes (JSON-ready)."""

    period: str
    start: date
    end: date  # exclusive
    filed: int
    closed: int
    by_category: dict[str, int]
    by_cause: dict[str, int]
    by_item: dict[str, int]
    by_store: dict[str, int]
    median_first_response_hours: Decimal | None
    median_resolution_hours: Decimal | None
    overdue: int
    escalated: int
    recurrences: int
    corrective_actions_open: int
    lessons: tuple[str, ...] = attrs.field(repr=False)


def queue_of(complaints: Iterable[Complaint], *, at: datetime) -> list[QueueEntry]:
    """P40: open complaints, key customers and severe ones first, then by deadline."""
    entries = [
        QueueEntry(
            complaint_id=c.id,
            customer_id=c.customer_id,
            key_customer=c.key_customer,
            severity=c.severity,
            status=c.status,
            owner_role=c.owner_role,
            next_due=c.next_due(),
            overdue=c.overdue(at),
            received_at=c.received_at,
            story_changes=c.story_changes,
            story_flagged=c.story_flagged_at is not None,
        )
        for c in complaints
        if c.is_open
    ]
    far = datetime.max.replace(tzinfo=at.tzinfo)
    return sorted(
        entries,
        key=lambda e: (
            not e.key_customer,
            -e.severity.rank,
            not e.overdue,
            e.next_due or far,
            e.received_at,
            e.complaint_id,
        ),
    )


def _median(values: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(Decimal("0.01")) if values else None


def review_of(
    complaints: Iterable[Complaint],
    *,
    period: str,
    start: date,
    end: date,
    start_at: datetime,
    end_at: datetime,
    at: datetime,
    open_actions: int,
    calendar: BusinessCalendar,
) -> ComplaintReview:
    """P48: the summary of complaints received from ``start_at`` to ``end_at``, as seen at ``at``."""
    chosen = [c for c in complaints if start_at <= c.received_at < end_at]
    first = [
        calendar.active_hours(c.received_at, c.first_response_at, c.intervals())
        for c in chosen
        if c.first_response_at is not None
    ]
    resolution = [
        calendar.active_hours(c.received_at, c.resolved_at, c.intervals()) for c in chosen if c.resolved_at is not None
    ]
    items: Counter[str] = Counter(item for c in chosen for item in c.items)
    return ComplaintReview(
        period=period,
        start=start,
        end=end,
        filed=len(chosen),
        closed=sum(1 for c in chosen if c.status is ComplaintStatus.CLOSED),
        by_category=dict(sorted(Counter(c.category.value for c in chosen).items())),
        by_cause=dict(sorted(Counter(c.cause.value for c in chosen if c.cause is not None).items())),
        by_item=dict(sorted(items.items())),
        by_store=dict(sorted(Counter(c.store_id or "-" for c in chosen).items())),
        median_first_response_hours=_median(first),
        median_resolution_hours=_median(resolution),
        overdue=sum(1 for c in chosen if c.breaches or c.overdue(min(at, end_at))),
        escalated=sum(1 for c in chosen if c.escalations),
        recurrences=sum(1 for c in chosen if c.recurrence_of is not None),
        corrective_actions_open=open_actions,
        lessons=tuple(c.lesson for c in chosen if c.lesson),
    )
