"""Read models of assessments: the score line over time, the assessments due for
the boards, and the summary reviewers see (P60, P61)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.assessments._assessment import Assessment, AssessmentStatus, Review
from clientcare.playbook import AbcLabel, Standing

__all__ = ["AssessmentDue", "AssessmentSummary", "ScorePoint", "ScoreTrend", "trend_of"]


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
