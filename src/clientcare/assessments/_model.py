"""Relationship assessments (P60, P61): the completed form, its review by the
departments, and the improvement plan that follows.

Scoring is a pure function of the form and the readings, so it can be tested
on its own: each available indicator contributes ``weight% x score/scale``;
indicators without data are left out and the remaining weights re-normalised
to 100%, so the final score stays on the form's scale.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.assessments._events import (
    AssessmentCompleted,
    AssessmentOverridden,
    AssessmentReviewed,
    AssessmentRouted,
    ImprovementPlanOpened,
    ImprovementTaskAdded,
    ImprovementTaskDone,
    MarketingStopped,
)
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.playbook import AbcLabel, FormTemplate, IndicatorKind, Standing

__all__ = [
    "Assessment",
    "AssessmentDue",
    "AssessmentStatus",
    "AssessmentSummary",
    "ImprovementPlan",
    "IndicatorEntry",
    "IndicatorResult",
    "Measure",
    "PlanTask",
    "Reading",
    "Review",
    "ScorePoint",
    "ScoreTrend",
    "StandingOverride",
    "score_form",
    "trend_of",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _q(value: Decimal) -> Decimal:
    return value.quantize(_CENT, ROUND_HALF_UP)


class AssessmentStatus(enum.StrEnum):
    """P61: where a completed assessment is in its review."""

    SUBMITTED = "submitted"  # completed by customer service
    IN_REVIEW = "in_review"  # routed; some reviewers have not answered
    REVIEWED = "reviewed"  # every routed role answered
    ACTIONED = "actioned"  # reviewed, and marketing drafted the measures


@attrs.frozen(kw_only=True)
class IndicatorEntry:
    """What staff type into one row: a score (staff indicators only), basis, remarks."""

    score: Decimal | int | str | None = None
    basis: str = attrs.field(default="", repr=False)
    remarks: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class Reading:
    """One indicator's score on its scale, or ``None`` when there is no data."""

    score: Decimal | None
    basis: str = attrs.field(repr=False)
    remarks: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """P60: one row of the completed form.

    ``weight`` is the form's weight in percent; ``effective_weight`` the
    weight actually used after leaving out indicators without data;
    ``points`` the row's share of the final score.
    """

    key: str
    label: str
    source: IndicatorKind
    weight: Decimal
    scale_max: Decimal
    available: bool
    score: Decimal | None
    grade: str | None
    effective_weight: Decimal
    points: Decimal
    basis: str = attrs.field(repr=False)
    remarks: str = attrs.field(default="", repr=False)
    previous_score: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """The score's change since the previous assessment (None if either is missing)."""
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def percent(self) -> Decimal | None:
        """The score as a percentage of its scale."""
        return None if self.score is None else _q(self.score * _HUNDRED / self.scale_max)


def score_form(
    form: FormTemplate, readings: Mapping[str, Reading]
) -> tuple[tuple[IndicatorResult, ...], Decimal, Decimal, Decimal]:
    """Score every row of ``form``: (results, total, available weight, final score).

    ``total`` is the weighted sum of the available rows on the form's scale
    (合计); ``final`` re-normalises it to the available weight (最终得分), so
    missing data neither punishes nor rewards the customer. Both equal the
    plain weighted sum when every indicator has data.
    """
    available_weight = sum(
        (i.weight for i in form.indicators if readings.get(i.key, Reading(score=None, basis="")).score is not None),
        Decimal(0),
    )
    if available_weight == 0:
        raise RuleViolation("assessment.no_data", "no indicator of the form has data or a staff score")
    results: list[IndicatorResult] = []
    total = Decimal(0)
    for indicator in form.indicators:
        reading = readings.get(indicator.key, Reading(score=None, basis="no data"))
        score = reading.score
        if score is not None and not Decimal(0) <= score <= indicator.scale_max:
            raise ValidationError(f"scores.{indicator.key}", f"must be between 0 and {indicator.scale_max}")
        if score is None:
            results.append(
                IndicatorResult(
                    key=indicator.key,
                    label=indicator.label,
                    source=indicator.source,
                    weight=indicator.weight,
                    scale_max=indicator.scale_max,
                    available=False,
                    score=None,
                    grade=None,
                    effective_weight=Decimal(0),
                    points=Decimal(0),
                    basis=reading.basis or "no data",
                    remarks=reading.remarks,
                )
            )
            continue
        contribution = indicator.weight * score / indicator.scale_max * form.scale_max / _HUNDRED
        total += contribution
        results.append(
            IndicatorResult(
                key=indicator.key,
                label=indicator.label,
                source=indicator.source,
                weight=indicator.weight,
                scale_max=indicator.scale_max,
                available=True,
                score=score,
                grade=form.grade(score, indicator.scale_max),
                effective_weight=_q(indicator.weight * _HUNDRED / available_weight),
                points=_q(contribution * _HUNDRED / available_weight),
                basis=reading.basis,
                remarks=reading.remarks,
            )
        )
    final = _q(total * _HUNDRED / available_weight)
    return tuple(results), _q(total), available_weight, final


@attrs.frozen(kw_only=True)
class StandingOverride:
    """P60: staff replaced the form's standing, and why."""

    from_standing: Standing
    to_standing: Standing
    reason: str = attrs.field(repr=False)
    by: str
    at: datetime


@attrs.frozen(kw_only=True)
class Review:
    """P61: one reviewer role's copy of the summary and its answer."""

    role: str
    requested_at: datetime
    answered_at: datetime | None = None
    answered_by: str | None = None
    answer: str | None = attrs.field(default=None, repr=False)

    @property
    def answered(self) -> bool:
        """Whether this role has answered."""
        return self.answered_at is not None


def _role(value: object) -> str:
    return clean_text(value, "role", limit=64)


@attrs.define(eq=False, kw_only=True)
class Assessment(Aggregate):
    """P60: a completed 客户关系评估表 for one customer."""

    customer_id: str
    number: int
    form: str
    title: str
    assessed_at: datetime
    assessed_by: str
    indicators: tuple[IndicatorResult, ...]
    total: Decimal
    available_weight: Decimal
    final_score: Decimal
    computed_standing: Standing
    standing: Standing
    previous_score: Decimal | None = None
    override: StandingOverride | None = None
    status: AssessmentStatus = AssessmentStatus.SUBMITTED
    reviews: tuple[Review, ...] = ()
    plan_id: str | None = None
    measures_drafted_at: datetime | None = None
    termination_confirmed_at: datetime | None = None
    termination_confirmed_by: str | None = None

    @classmethod
    def complete(
        cls,
        *,
        tenant: str,
        customer_id: str,
        form: FormTemplate,
        readings: Mapping[str, Reading],
        at: datetime,
        by: str,
        previous: Assessment | None = None,
    ) -> Assessment:
        """P60: score the form and take its recommended standing."""
        results, total, available, final = score_form(form, readings)
        if previous is not None:
            before = {r.key: r.score for r in previous.indicators}
            results = tuple(attrs.evolve(r, previous_score=before.get(r.key)) for r in results)
        standing = form.standing(final)
        assessment = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            number=(previous.number + 1) if previous is not None else 1,
            form=form.key,
            title=form.title,
            assessed_at=aware(at, "at"),
            assessed_by=clean_text(by, "by", limit=64),
            indicators=results,
            total=total,
            available_weight=available,
            final_score=final,
            computed_standing=standing,
            standing=standing,
            previous_score=previous.final_score if previous is not None else None,
        )
        assessment.record(
            AssessmentCompleted(
                tenant=tenant,
                occurred_at=at,
                customer_id=customer_id,
                assessment_id=assessment.id,
                form=form.key,
                final_score=final,
                standing=standing.value,
                by=assessment.assessed_by,
            )
        )
        return assessment

    # -- reading -------------------------------------------------------------
    @property
    def change_since_last(self) -> Decimal | None:
        """Final score minus the previous assessment's (None for the first)."""
        return None if self.previous_score is None else self.final_score - self.previous_score

    @property
    def terminated(self) -> bool:
        """Whether ending the relationship was confirmed (marketing stops)."""
        return self.termination_confirmed_at is not None

    def indicator(self, key: str) -> IndicatorResult:
        """The row for ``key``."""
        for result in self.indicators:
            if result.key == key:
                return result
        raise ValidationError("indicator", "not on this assessment")

    def pending_roles(self) -> tuple[str, ...]:
        """Reviewer roles that have not answered yet."""
        return tuple(r.role for r in self.reviews if not r.answered)

    # -- changes -------------------------------------------------------------
    def override_standing(self, standing: Standing, *, reason: str, by: str, at: datetime) -> None:
        """P60: staff know better than the form; the reason is required and kept."""
        if self.terminated:
            raise InvalidTransition("assessment", "terminated", "override")
        why = clean_text(reason, "reason", limit=1000)
        if standing is self.standing:
            return
        self.override = StandingOverride(
            from_standing=self.computed_standing, to_standing=standing, reason=why, by=by, at=aware(at, "at")
        )
        before, self.standing = self.standing, standing
        self.record(
            AssessmentOverridden(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.customer_id,
                assessment_id=self.id,
                from_standing=before.value,
                to_standing=standing.value,
                by=by,
            )
        )

    def confirm_termination(self, *, by: str, at: datetime) -> None:
        """P61: a "terminate" takes effect only when someone confirms it."""
        if self.standing is not Standing.TERMINATE:
            raise RuleViolation("assessment.terminate", "only a terminate standing can be confirmed")
        if self.terminated:
            return
        self.termination_confirmed_at = aware(at, "at")
        self.termination_confirmed_by = clean_text(by, "by", limit=64)
        self.record(
            MarketingStopped(
                tenant=self.tenant, occurred_at=at, customer_id=self.customer_id, assessment_id=self.id, by=by
            )
        )

    def route(self, roles: Iterable[str], *, at: datetime) -> tuple[str, ...]:
        """P61: send the summary to reviewers; returns the roles newly asked."""
        wanted = tuple(dict.fromkeys(_role(r) for r in roles))
        if not wanted:
            raise ValidationError("roles", "at least one role")
        asked = {r.role for r in self.reviews}
        new = tuple(r for r in wanted if r not in asked)
        if not new:
            return ()
        self.reviews = self.reviews + tuple(Review(role=r, requested_at=aware(at, "at")) for r in new)
        if self.status is not AssessmentStatus.ACTIONED:
            self.status = AssessmentStatus.IN_REVIEW
        self.record(
            AssessmentRouted(
                tenant=self.tenant, occurred_at=at, customer_id=self.customer_id, assessment_id=self.id, roles=new
            )
        )
        return new

    def answer(self, role: str, *, answer: str, by: str, at: datetime) -> None:
        """P61: a reviewer role gives its feedback; the last answer completes the review."""
        text = clean_text(answer, "answer", limit=4000)
        index = next((n for n, r in enumerate(self.reviews) if r.role == role), None)
        if index is None:
            raise RuleViolation("assessment.review", "this role was not asked to review")
        if self.reviews[index].answered:
            raise InvalidTransition("review", "answered", "answer again")
        reviews = list(self.reviews)
        reviews[index] = attrs.evolve(reviews[index], answered_at=aware(at, "at"), answered_by=by, answer=text)
        self.reviews = tuple(reviews)
        if not self.pending_roles() and self.status is AssessmentStatus.IN_REVIEW:
            self.status = AssessmentStatus.ACTIONED if self.measures_drafted_at else AssessmentStatus.REVIEWED
        self.record(
            AssessmentReviewed(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.customer_id,
                assessment_id=self.id,
                role=role,
                by=by,
            )
        )

    def measures_drafted(self, plan_id: str, *, at: datetime) -> None:
        """P61: marketing drafted measures in ``plan_id``; needs the assessment routed first."""
        if self.status is AssessmentStatus.SUBMITTED:
            raise InvalidTransition("assessment", self.status.value, "draft measures")
        self.plan_id = plan_id
        self.measures_drafted_at = aware(at, "at")
        if self.status is AssessmentStatus.REVIEWED:
            self.status = AssessmentStatus.ACTIONED

    def attach_plan(self, plan_id: str) -> None:
        """Remember the improvement plan this assessment opened or fed."""
        self.plan_id = plan_id


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


# -- read models ---------------------------------------------------------------


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
