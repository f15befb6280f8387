"""Assessments, improvement plans and survey answers, in memory (P60-P62, P65)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from clientcare.adapters.memory._backend import MemoryRepository
from clientcare.assessments import Assessment, ImprovementPlan, SurveyResponse

__all__ = ["MemoryAssessmentRepository", "MemoryImprovementPlanRepository", "MemorySurveyRepository"]


class MemoryAssessmentRepository(MemoryRepository[Assessment]):
    """Completed assessments, in memory."""

    entity = "assessment"

    def for_customer(self, customer_id: str) -> list[Assessment]:
        return sorted(
            self._find(lambda a: a.customer_id == customer_id),
            key=lambda a: (a.assessed_at, a.number, a.id),
            reverse=True,
        )

    def latest_per_customer(self) -> dict[str, Assessment]:
        latest: dict[str, Assessment] = {}
        for row in self._rows():
            current = latest.get(row.customer_id)
            if current is None or (row.assessed_at, row.number) > (current.assessed_at, current.number):
                latest[row.customer_id] = row
        wanted = {row.id for row in latest.values()}
        return {row.customer_id: row for row in self._find(lambda a: a.id in wanted)}

    def assessed_between(self, since: datetime, until: datetime) -> list[Assessment]:
        return sorted(
            self._find(lambda a: since <= a.assessed_at < until), key=lambda a: (a.assessed_at, a.number, a.id)
        )

    def awaiting_review(self, role: str) -> list[Assessment]:
        return sorted(
            self._find(lambda a: role in a.pending_roles()),
            key=lambda a: (a.assessed_at, a.id),
        )


class MemoryImprovementPlanRepository(MemoryRepository[ImprovementPlan]):
    """Improvement plans, in memory."""

    entity = "improvement_plan"

    def open_for_customer(self, customer_id: str) -> ImprovementPlan | None:
        found = self._find(lambda p: p.customer_id == customer_id and p.closed_at is None)
        return max(found, key=lambda p: (p.opened_at, p.id)) if found else None

    def for_customer(self, customer_id: str) -> list[ImprovementPlan]:
        return sorted(
            self._find(lambda p: p.customer_id == customer_id), key=lambda p: (p.opened_at, p.id), reverse=True
        )

    def open_for_customers(self, customer_ids: Sequence[str]) -> dict[str, ImprovementPlan]:
        wanted = set(customer_ids)
        result: dict[str, ImprovementPlan] = {}
        for plan in sorted(self._find(lambda p: p.customer_id in wanted and p.closed_at is None), key=_newest):
            result[plan.customer_id] = plan  # the newest open one wins, as in open_for_customer
        return result


class MemorySurveyRepository(MemoryRepository[SurveyResponse]):
    """Survey answers, in memory."""

    entity = "survey_response"

    def for_customer(self, customer_id: str) -> list[SurveyResponse]:
        return sorted(
            self._find(lambda r: r.customer_id == customer_id), key=lambda r: (r.answered_at, r.id), reverse=True
        )

    def answered_between(
        self, since: datetime | None = None, until: datetime | None = None, *, segment: str | None = None
    ) -> list[SurveyResponse]:
        def match(r: SurveyResponse) -> bool:
            return (
                (since is None or r.answered_at >= since)
                and (until is None or r.answered_at < until)
                and (segment is None or r.segment == segment)
            )

        return sorted(self._find(match), key=lambda r: (r.answered_at, r.id))


def _newest(plan: ImprovementPlan) -> tuple[datetime, str]:
    return (plan.opened_at, plan.id)
