"""Read models of assessments: the score line over time, the assessments due for
the boards, the summary reviewers see and the period's roll-up (P60, P61)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from clientcare.assessments._assessment import Assessment, AssessmentStatus, Review
from clientcare.errors import ValidationError
from clientcare.playbook import AbcLabel, Standing

__all__ = [
    "AssessmentDue",
    "AssessmentSummary",
    "PeriodSummary",
    "ScorePoint",
    "ScoreTrend",
    "period_bounds",
    "trend_of",
]


@attrs.frozen(kw_only=True)
class ScorePoint:
    """One assessment on the customer's score line."""

    assessment_id: str
    assessed_at: datetime
    final_score: Decimal
    standing: Standing


@attrs.frozen(kw_only=True)
class ScoreTrend:
    """Scores over time: oldest first, the change since the last, the direction."""

    customer_id: str
    points: tuple[ScorePoint, ...]
    change_since_last: Decimal | None
    direction: str  # "none", "first", "up", "down", "flat"


def trend_of(customer_id: str, assessments: Iterable[Assessment], *, flat_within: Decimal) -> ScoreTrend:
    """The score line of one customer; "flat" when the last change is within ``flat_within``."""
    points = tuple(
        ScorePoint(assessment_id=a.id, assessed_at=a.assessed_at, final_score=a.final_score, standing=a.standing)
        for a in sorted(assessments, key=lambda a: (a.assessed_at, a.number))
    )
    if not points:
        return ScoreTrend(customer_id=customer_id, points=(), change_since_last=None, direction="none")
    if len(points) == 1:
        return ScoreTrend(customer_id=customer_id, points=points, change_since_last=None, direction="first")
    change = points[-1].final_score - points[-2].final_score
    direction = "flat" if abs(change) <= flat_within else ("up" if change > 0 else "down")
    return ScoreTrend(customer_id=customer_id, points=points, change_since_last=change, direction=direction)


@attrs.frozen(kw_only=True)
class AssessmentDue:
    """An assessment that is (or will be) due, for the boards."""

    customer_id: str
    key: bool
    tier: AbcLabel | None
    every_days: int
    last_assessed_at: datetime | None
    due_on: date

    def overdue_days(self, today: date) -> int:
        """Days past the due date (0 when not yet due)."""
        return max(0, (today - self.due_on).days)


@attrs.frozen(kw_only=True)
class AssessmentSummary:
    """P61: what reviewers see — score, standing, change, weakest rows, answers."""

    assessment_id: str
    customer_id: str
    number: int
    assessed_at: datetime
    final_score: Decimal
    standing: Standing
    computed_standing: Standing
    overridden: bool
    change_since_last: Decimal | None
    weakest: tuple[str, ...]
    not_available: tuple[str, ...]
    status: AssessmentStatus
    pending_roles: tuple[str, ...]
    reviews: tuple[Review, ...]

    @classmethod
    def of(cls, assessment: Assessment, *, weakest: int = 2) -> AssessmentSummary:
        """Summarise one assessment (the ``weakest`` lowest-scoring rows by percent)."""
        rows = sorted((r for r in assessment.indicators if r.available), key=lambda r: (r.percent, r.key))
        return cls(
            assessment_id=assessment.id,
            customer_id=assessment.customer_id,
            number=assessment.number,
            assessed_at=assessment.assessed_at,
            final_score=assessment.final_score,
            standing=assessment.standing,
            computed_standing=assessment.computed_standing,
            overridden=assessment.override is not None,
            change_since_last=assessment.change_since_last,
            weakest=tuple(r.key for r in rows[:weakest]),
            not_available=tuple(r.key for r in assessment.indicators if not r.available),
            status=assessment.status,
            pending_roles=assessment.pending_roles(),
            reviews=assessment.reviews,
        )


_PERIODS = ("week", "month", "quarter", "year")


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The week (Monday first), month, quarter or year holding ``day``: (start, end exclusive)."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if period == "year":
        return day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
    months = {"month": 1, "quarter": 3}.get(period)
    if months is None:
        raise ValidationError("period", f"must be one of {', '.join(_PERIODS)}")
    first = (day.month - 1) // months * months + 1
    start = day.replace(month=first, day=1)
    after = first + months
    end = start.replace(year=start.year + 1, month=1) if after > 12 else start.replace(month=after)
    return start, end


@attrs.frozen(kw_only=True)
class PeriodSummary:
    """P61: customer service's roll-up (汇总) of a period's assessments, for the reviewers.

    Each customer counts once, by their latest assessment in the period;
    ``customers`` lists those summaries, lowest score first (the ones to
    look at). ``awaiting_review`` counts routed assessments some role has
    not answered; ``ending_unconfirmed`` "terminate" standings nobody
    confirmed yet. JSON-ready through ``clientcare.serialization``.
    """

    period: str
    start: date
    end: date  # exclusive
    assessed: int
    by_standing: dict[str, int]
    average_score: Decimal | None
    improved: int
    declined: int
    not_routed: int
    awaiting_review: int
    endings_confirmed: int
    ending_unconfirmed: int
    customers: tuple[AssessmentSummary, ...]

    @classmethod
    def of(cls, assessments: Iterable[Assessment], *, period: str, start: date, end: date) -> PeriodSummary:
        """Roll up ``assessments`` (oldest first) of the period: each customer's latest counts."""
        latest: dict[str, Assessment] = {}
        for assessment in assessments:
            latest[assessment.customer_id] = assessment
        chosen = list(latest.values())
        scores = [a.final_score for a in chosen]
        changes = [a.change_since_last for a in chosen if a.change_since_last is not None]
        standings = Counter(a.standing.value for a in chosen)
        return cls(
            period=period,
            start=start,
            end=end,
            assessed=len(chosen),
            by_standing={s.value: standings.get(s.value, 0) for s in Standing},
            average_score=(sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None,
            improved=sum(1 for c in changes if c > 0),
            declined=sum(1 for c in changes if c < 0),
            not_routed=sum(1 for a in chosen if a.status is AssessmentStatus.SUBMITTED),
            awaiting_review=sum(1 for a in chosen if a.pending_roles()),
            endings_confirmed=sum(1 for a in chosen if a.terminated),
            ending_unconfirmed=sum(1 for a in chosen if a.standing is Standing.TERMINATE and not a.terminated),
            customers=tuple(
                AssessmentSummary.of(a) for a in sorted(chosen, key=lambda a: (a.final_score, a.customer_id))
            ),
        )
