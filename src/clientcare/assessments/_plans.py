"""Improvement plans (P60 "improve", P61 measures): what will be done for one
customer, by whom and by when, and the visit frequency it asks of the cadences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs

from clientcare.assessments._events import ImprovementPlanOpened, ImprovementTaskAdded, ImprovementTaskDone
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id

__all__ = ["ImprovementPlan", "Measure", "PlanTask"]


@attrs.frozen(kw_only=True)
class Measure:
    """P61: an improvement measure as marketing drafts it."""

    title: str = attrs.field(repr=False)
    owner: str
    due_on: date


@attrs.frozen(kw_only=True)
class PlanTask:
    """An improvement measure as a task: owner, due date, done or not."""

    id: str
    title: str = attrs.field(repr=False)
    owner: str
    due_on: date
    added_at: datetime
    assessment_id: str
    done_at: datetime | None = None
    done_by: str | None = None

    @property
    def done(self) -> bool:
        """Whether the task was carried out."""
        return self.done_at is not None


@attrs.define(eq=False, kw_only=True)
class ImprovementPlan(Aggregate):
    """P60 "improve" / P61 measures: what will be done for one customer, by whom, by when."""

    customer_id: str
    assessment_id: str
    opened_at: datetime
    opened_by: str
    visit_every_days: int | None
    tasks: tuple[PlanTask, ...] = ()
    closed_at: datetime | None = None

    @classmethod
    def open(
        cls,
        *,
        tenant: str,
        customer_id: str,
        assessment_id: str,
        visit_every_days: int | None,
        by: str,
        at: datetime,
    ) -> ImprovementPlan:
        """Open a plan and tell the cadence engine to visit more often."""
        plan = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            assessment_id=assessment_id,
            opened_at=aware(at, "at"),
            opened_by=by,
            visit_every_days=visit_every_days,
        )
        plan.record(
            ImprovementPlanOpened(
                tenant=tenant,
                occurred_at=at,
                customer_id=customer_id,
                plan_id=plan.id,
                assessment_id=assessment_id,
                visit_every_days=visit_every_days,
            )
        )
        return plan

    @property
    def open_tasks(self) -> tuple[PlanTask, ...]:
        """Tasks not done yet, by due date."""
        return tuple(sorted((t for t in self.tasks if not t.done), key=lambda t: (t.due_on, t.id)))

    def add_measures(self, measures: Sequence[Measure], *, assessment_id: str, at: datetime) -> tuple[PlanTask, ...]:
        """P61: each drafted measure becomes a task with an owner and a due date."""
        if self.closed_at is not None:
            raise InvalidTransition("improvement_plan", "closed", "add tasks")
        if not measures:
            raise ValidationError("measures", "at least one measure")
        new: list[PlanTask] = []
        for measure in measures:
            if measure.due_on < aware(at, "at").date():
                raise ValidationError("due_on", "must not be in the past")
            task = PlanTask(
                id=new_id(),
                title=clean_text(measure.title, "title", limit=500),
                owner=clean_text(measure.owner, "owner", limit=64),
                due_on=measure.due_on,
                added_at=at,
                assessment_id=assessment_id,
            )
            new.append(task)
            self.record(
                ImprovementTaskAdded(
                    tenant=self.tenant,
                    occurred_at=at,
                    customer_id=self.customer_id,
                    plan_id=self.id,
                    task_id=task.id,
                    owner=task.owner,
                    due_on=task.due_on,
                )
            )
        self.tasks = self.tasks + tuple(new)
        return tuple(new)

    def complete_task(self, task_id: str, *, by: str, at: datetime) -> None:
        """Mark a task done (once)."""
        index = next((n for n, t in enumerate(self.tasks) if t.id == task_id), None)
        if index is None:
            raise ValidationError("task_id", "not a task of this plan")
        if self.tasks[index].done:
            return
        tasks = list(self.tasks)
        tasks[index] = attrs.evolve(tasks[index], done_at=aware(at, "at"), done_by=by)
        self.tasks = tuple(tasks)
        self.record(
            ImprovementTaskDone(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.customer_id,
                plan_id=self.id,
                task_id=task_id,
                by=by,
            )
        )

    def close(self, *, at: datetime) -> None:
        """End the plan (a later assessment says "maintain", or the relationship ended)."""
        if self.closed_at is None:
            self.closed_at = aware(at, "at")
