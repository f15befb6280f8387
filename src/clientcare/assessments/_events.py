"""Events of assessments and surveys.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from clientcare.kernel._events import DomainEvent

__all__ = [
    "AssessmentCompleted",
    "AssessmentOverridden",
    "AssessmentReviewed",
    "AssessmentRouted",
    "ImprovementPlanOpened",
    "ImprovementTaskAdded",
    "ImprovementTaskDone",
    "MarketingStopped",
    "SurveyAnswered",
]


@attrs.frozen(kw_only=True)
class AssessmentCompleted(DomainEvent):
    """P60: a relationship assessment was completed with its final score and standing."""

    customer_id: str
    assessment_id: str
    form: str
    final_score: Decimal
    standing: str
    by: str


@attrs.frozen(kw_only=True)
class AssessmentOverridden(DomainEvent):
    """P60: staff replaced the form's standing (the reason stays on the assessment)."""

    customer_id: str
    assessment_id: str
    from_standing: str
    to_standing: str
    by: str


@attrs.frozen(kw_only=True)
class AssessmentRouted(DomainEvent):
    """P61: a summary of the assessment was sent to reviewers in these roles."""

    customer_id: str
    assessment_id: str
    roles: tuple[str, ...]


@attrs.frozen(kw_only=True)
class AssessmentReviewed(DomainEvent):
    """P61: one reviewer role answered (the answer stays on the assessment)."""

    customer_id: str
    assessment_id: str
    role: str
    by: str


@attrs.frozen(kw_only=True)
class ImprovementPlanOpened(DomainEvent):
    """P60 "improve": a plan was opened; the cadence engine visits every
    ``visit_every_days`` (None: measures only, the visit cadence stays)."""

    customer_id: str
    plan_id: str
    assessment_id: str
    visit_every_days: int | None


@attrs.frozen(kw_only=True)
class ImprovementTaskAdded(DomainEvent):
    """P61: an improvement measure became a task with an owner and a due date."""

    customer_id: str
    plan_id: str
    task_id: str
    owner: str
    due_on: date


@attrs.frozen(kw_only=True)
class ImprovementTaskDone(DomainEvent):
    """P61: an improvement task was carried out."""

    customer_id: str
    plan_id: str
    task_id: str
    by: str


@attrs.frozen(kw_only=True)
class MarketingStopped(DomainEvent):
    """P61: a confirmed "terminate" — no more marketing touches; the history stays."""

    customer_id: str
    assessment_id: str
    by: str


@attrs.frozen(kw_only=True)
class SurveyAnswered(DomainEvent):
    """P62: a customer answered the loyalty survey."""

    customer_id: str
    response_id: str
    segment: str
    recommend: int
