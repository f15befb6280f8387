"""What assessments and surveys need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from clientcare.assessments._assessment import Assessment
from clientcare.assessments._plans import ImprovementPlan
from clientcare.assessments._surveys import SurveyResponse

__all__ = ["AssessmentRepository", "ImprovementPlanRepository", "SurveyRepository"]


class AssessmentRepository(Protocol):
    """Completed relationship assessments of one tenant (P60, P61)."""

    def add(self, assessment: Assessment) -> None:
        """Store a new assessment."""

    def get(self, assessment_id: str) -> Assessment:
        """The assessment, or NotFound."""
        ...

    def save(self, assessment: Assessment) -> None:
        """Store changes (override, review, termination); ConcurrencyConflict on a race."""

    def for_customer(self, customer_id: str) -> list[Assessment]:
        """The customer's assessments, newest first."""
        ...

    def latest_per_customer(self) -> dict[str, Assessment]:
        """Each assessed customer's newest assessment, by customer id."""
        ...

    def assessed_between(self, since: datetime, until: datetime) -> list[Assessment]:
        """P61: every customer's assessments made in ``[since, until)``, oldest first."""
        ...

    def awaiting_review(self, role: str) -> list[Assessment]:
        """Assessments routed to ``role`` and not yet answered by it, oldest first."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s assessments to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class ImprovementPlanRepository(Protocol):
    """Improvement plans and their tasks (P60 "improve", P61 measures)."""

    def add(self, plan: ImprovementPlan) -> None:
        """Store a new plan."""

    def get(self, plan_id: str) -> ImprovementPlan:
        """The plan, or NotFound."""
        ...

    def save(self, plan: ImprovementPlan) -> None:
        """Store changes (tasks added or done, closed)."""

    def open_for_customer(self, customer_id: str) -> ImprovementPlan | None:
        """The customer's open plan, if any (at most one is open at a time)."""
        ...

    def for_customer(self, customer_id: str) -> list[ImprovementPlan]:
        """Every plan of the customer, newest first."""
        ...

    def open_for_customers(self, customer_ids: Sequence[str]) -> dict[str, ImprovementPlan]:
        """``{customer id: open plan}`` for the given customers that have one (one query:
        the daily run asks it per batch for the visit intervals, P60)."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s improvement plans to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class SurveyRepository(Protocol):
    """Loyalty survey answers (P62, P65)."""

    def add(self, response: SurveyResponse) -> None:
        """Store a new response."""

    def get(self, response_id: str) -> SurveyResponse:
        """The response, or NotFound."""
        ...

    def for_customer(self, customer_id: str) -> list[SurveyResponse]:
        """The customer's answers, newest first."""
        ...

    def answered_between(
        self, since: datetime | None = None, until: datetime | None = None, *, segment: str | None = None
    ) -> list[SurveyResponse]:
        """Answers given in ``[since, until)`` (open ends when None), of ``segment`` when given."""

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s survey answers to ``to_id`` (a merge), in one statement; returns how many."""
        ...
