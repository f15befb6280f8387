"""A completed relationship assessment (P60) and its review by the departments (P61).

The form is scored by :func:`~clientcare.assessments._scoring.score_form`; the
assessment keeps the rows, the standing the form gives, a staff override with
its reason, the reviewers' answers and the confirmation that ends a
relationship.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

import attrs

from clientcare.assessments._events import (
    AssessmentCompleted,
    AssessmentOverridden,
    AssessmentReviewed,
    AssessmentRouted,
    MarketingStopped,
)
from clientcare.assessments._scoring import IndicatorResult, Reading, score_form
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.playbook import FormTemplate, Standing

__all__ = ["Assessment", "AssessmentStatus", "Review", "StandingOverride"]


class AssessmentStatus(enum.StrEnum):
    """P61: where a completed assessment is in its review."""

    SUBMITTED = "submitted"  # completed by customer service
    IN_REVIEW = "in_review"  # routed; some reviewers have not answered
    REVIEWED = "reviewed"  # every routed role answered
    ACTIONED = "actioned"  # reviewed, and marketing drafted the measures


@attrs.frozen(kw_only=True)
class StandingOverride:
    """P60: staff replaced the form's standing, and why."""

    from_standing: Standing
    to_standing: Standing
    reason: str = attrs.field(repr=False)
    by: str
    at: datetime
    #: The acting person's role (from the embedder's authentication); None before issue 17.
    role: str | None = None


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
    termination_confirmed_role: str | None = None

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
    def override_standing(
        self, standing: Standing, *, reason: str, by: str, at: datetime, role: str | None = None
    ) -> None:
        """P60: staff know better than the form; the reason (and the acting person's role) is kept."""
        if self.terminated:
            raise InvalidTransition("assessment", "terminated", "override")
        why = clean_text(reason, "reason", limit=1000)
        if standing is self.standing:
            return
        self.override = StandingOverride(
            from_standing=self.computed_standing, to_standing=standing, reason=why, by=by, at=aware(at, "at"), role=role
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

    def confirm_termination(
        self, *, by: str, at: datetime, role: str | None = None, reviewed_by: Iterable[str] = ()
    ) -> None:
        """P61: a "terminate" takes effect only when confirmed, after the required review.

        Every role of ``reviewed_by`` must have been asked and have answered
        (routing is required: an ending stops all marketing).
        """
        if self.standing is not Standing.TERMINATE:
            raise RuleViolation("assessment.terminate", "only a terminate standing can be confirmed")
        if self.terminated:
            return
        answered = {r.role for r in self.reviews if r.answered}
        if any(role_ not in answered for role_ in reviewed_by):
            raise RuleViolation("assessment.review", "an ending is confirmed only after the required review")
        self.termination_confirmed_at = aware(at, "at")
        self.termination_confirmed_by = clean_text(by, "by", limit=64)
        self.termination_confirmed_role = role
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
