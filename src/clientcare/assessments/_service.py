"""Use cases for relationship assessments (P60, P61) and loyalty surveys
(P62, P65, P50): ``care.assessments`` and ``care.surveys``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from clientcare.assessments._assessment import Assessment
from clientcare.assessments._authority import acting_role
from clientcare.assessments._plans import ImprovementPlan, Measure
from clientcare.assessments._read_models import (
    AssessmentDue,
    AssessmentSummary,
    PeriodSummary,
    ScoreTrend,
    period_bounds,
    trend_of,
)
from clientcare.assessments._scoring import IndicatorEntry, Reading
from clientcare.assessments._sources import AssessmentSources
from clientcare.assessments._surveys import (
    AttributeAnswer,
    AttributeRow,
    NpsResult,
    SurveyResponse,
    importance_performance,
    nps,
)
from clientcare.customers._model import Customer
from clientcare.errors import ValidationError
from clientcare.kernel._actor import Actor, RoleSource
from clientcare.kernel._checks import clean_text, one_of
from clientcare.kernel._context import Context
from clientcare.playbook import AbcLabel, FormTemplate, IndicatorKind, IndicatorTemplate, Standing
from clientcare.purchases._model import Purchase, PurchaseKind

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["AssessmentsService", "SurveysService"]

#: What callers may pass per indicator: a full entry, or just a staff score.
Entry = IndicatorEntry | Decimal | int | str


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise ValidationError(field, "must be a decimal string, int or Decimal, not a float")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(field, "must be a decimal number") from None
    if not result.is_finite():
        raise ValidationError(field, "must be finite")
    return result


def _entry(value: Entry) -> IndicatorEntry:
    return value if isinstance(value, IndicatorEntry) else IndicatorEntry(score=value)


def _segment(customer: Customer, tier: AbcLabel | None) -> str:
    """A survey answer's segment: the tier when known, else key or general (P17)."""
    if tier is not None:
        return str(tier)
    return "key" if customer.key else "general"


class _AreaService:
    def __init__(self, ctx: Context, sources: AssessmentSources) -> None:
        self._ctx = ctx
        self._sources = sources


class AssessmentsService(_AreaService):
    """P60/P61: assess relationships, route them to review, act on them.

    Overruling the form, answering a review and confirming an ending take an
    :class:`~clientcare.Actor` from the embedder's authentication; ``roles``
    (``connect(roles=…)``) is the embedder's record of who holds which role.
    """

    def __init__(self, ctx: Context, sources: AssessmentSources, *, roles: RoleSource | None = None) -> None:
        super().__init__(ctx, sources)
        self._roles = roles

    def _acting(self, actor: Actor, at_least: str | None = None) -> str:
        rules = self._ctx.playbook.assessment
        return acting_role(actor, self._roles, self._ctx.tenant, rules=rules, at_least=at_least)

    def form(self, key: str | None = None) -> FormTemplate:
        """The playbook's form template (the default form when ``key`` is None)."""
        return self._ctx.playbook.assessment.form(key)

    # -- P60: the form -----------------------------------------------------------
    def assess(
        self,
        customer_id: str,
        *,
        by: str,
        entries: Mapping[str, Entry] | None = None,
        form: str | None = None,
    ) -> Assessment:
        """Complete the form for one customer.

        Staff indicators need a score in ``entries`` (with a basis and remarks
        if wanted); computed ones come from the deal archive, the survey
        answers and the configured sources, and may carry remarks. An
        indicator without data is marked not available and left out. The
        standing follows the form's score ranges; "improve" opens an
        improvement plan at once.
        """
        ctx = self._ctx
        template = self.form(form)
        given = {key: _entry(value) for key, value in (entries or {}).items()}
        for key, entry in given.items():
            indicator = next((i for i in template.indicators if i.key == key), None)
            if indicator is None:
                raise ValidationError(f"entries.{key}", "not an indicator of the form")
            if indicator.source is not IndicatorKind.STAFF and entry.score is not None:
                raise ValidationError(f"entries.{key}", "computed from data; give remarks, not a score")
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            customer.ensure_not_erased()
            now = ctx.now()
            readings = {
                i.key: self._reading(uow, i, customer_id, given.get(i.key, IndicatorEntry()), now)
                for i in template.indicators
            }
            history = uow.assessments.for_customer(customer_id)
            assessment = Assessment.complete(
                tenant=ctx.tenant,
                customer_id=customer_id,
                form=template,
                readings=readings,
                at=now,
                by=by,
                previous=history[0] if history else None,
            )
            self._consequences(uow, assessment, by=by, at=now)
            uow.assessments.add(assessment)
        return assessment

    def _reading(
        self, uow: UnitOfWork, indicator: IndicatorTemplate, customer_id: str, entry: IndicatorEntry, now: datetime
    ) -> Reading:
        remarks = clean_text(entry.remarks, "remarks", limit=1000, required=False)
        extra = clean_text(entry.basis, "basis", limit=1000, required=False)
        if indicator.source is IndicatorKind.STAFF:
            if entry.score is None:
                raise ValidationError(f"entries.{indicator.key}", "required: a staff score")
            basis = extra or "entered by staff"
            return Reading(score=_decimal(entry.score, f"entries.{indicator.key}"), basis=basis, remarks=remarks)
        raw, basis = self._raw(uow, indicator, customer_id, now)
        if extra:
            basis = f"{basis}; {extra}"
        score = None if raw is None else indicator.score_from(raw)
        return Reading(score=score, basis=basis, remarks=remarks)

    def _raw(
        self, uow: UnitOfWork, indicator: IndicatorTemplate, customer_id: str, now: datetime
    ) -> tuple[Decimal | None, str]:
        """The raw figure behind a computed indicator and the basis it rests on."""
        ctx, sources, kind = self._ctx, self._sources, indicator.source
        days = indicator.window_days
        since = now - timedelta(days=days)
        if kind in (IndicatorKind.SPEND, IndicatorKind.SPEND_TREND, IndicatorKind.FREQUENCY, IndicatorKind.RECENCY):
            return _from_deals(kind, uow.purchases.for_customer(customer_id), since, now, days)
        if kind is IndicatorKind.SURVEY:
            answers = [r for r in uow.surveys.for_customer(customer_id) if since <= r.answered_at <= now]
            if not answers:
                return None, f"no survey answer in the last {days} days"
            index = answers[0].loyalty_index(ctx.playbook.survey.rating_max)
            return index, f"loyalty index {index} from the survey of {answers[0].answered_at.date().isoformat()}"
        if kind is IndicatorKind.COMPLAINTS:
            severities = sources.complaints.severities(ctx.tenant, customer_id, since=since, until=now)
            if severities is None:
                return None, "no complaint data"
            weighted = sum((ctx.playbook.assessment.severity_weight(s) for s in severities), Decimal(0))
            return weighted, f"{len(severities)} complaints in the last {days} days, weighted {weighted}"
        if kind is IndicatorKind.REFERRALS:
            given = sources.referrals.referrals_given(ctx.tenant, customer_id, since=since, until=now)
            if given is None:
                return None, "no referral data"
            return Decimal(given), f"{given} referrals in the last {days} days"
        if kind is IndicatorKind.RESPONSIVENESS:
            rate = sources.responsiveness.response_rate(ctx.tenant, customer_id, since=since, until=now)
            if rate is None:
                return None, "no contact data"
            return _decimal(rate, indicator.key), f"answered {rate} of contacts in the last {days} days"
        value = sources.external.reading(ctx.tenant, customer_id, indicator.key, since=since, until=now)
        if value is None:
            return None, "not supplied by the embedding system"
        return _decimal(value, indicator.key), f"{value} as supplied by the embedding system"

    def _consequences(self, uow: UnitOfWork, assessment: Assessment, *, by: str, at: datetime) -> None:
        """P60: "improve" opens a plan and raises the visit frequency; "terminate" waits for confirmation."""
        if assessment.standing is not Standing.IMPROVE:
            return
        plan = uow.improvement_plans.open_for_customer(assessment.customer_id)
        if plan is None:
            plan = ImprovementPlan.open(
                tenant=self._ctx.tenant,
                customer_id=assessment.customer_id,
                assessment_id=assessment.id,
                visit_every_days=self._ctx.playbook.assessment.improve_visit_every_days,
                by=by,
                at=at,
            )
            uow.improvement_plans.add(plan)
        assessment.attach_plan(plan.id)

    def override(self, assessment_id: str, standing: Standing | str, *, reason: str, actor: Actor) -> Assessment:
        """P60: ``actor`` replaces the form's standing, with a reason; "improve" opens a plan.

        The actor's role must rank at or above ``assessment.override_from``.
        """
        chosen = one_of(Standing, standing, "standing")
        ctx = self._ctx
        role = self._acting(actor, ctx.playbook.assessment.override_from)
        with ctx.unit() as uow:
            assessment = uow.assessments.get(assessment_id)
            now = ctx.now()
            assessment.override_standing(chosen, reason=reason, by=actor.id, at=now, role=role)
            self._consequences(uow, assessment, by=actor.id, at=now)
            uow.assessments.save(assessment)
        return assessment

    def confirm_termination(self, assessment_id: str, *, actor: Actor) -> Assessment:
        """P61: ``actor`` confirms a "terminate": marketing touches stop, the history stays.

        Routing is required: the roles of ``assessment.termination_reviewed_by``
        must have answered first (RuleViolation ``assessment.review``), and the
        actor's role must rank at or above ``assessment.confirm_termination_from``
        (``assessment.authority``).
        """
        ctx = self._ctx
        rules = ctx.playbook.assessment
        role = self._acting(actor, rules.confirm_termination_from)
        with ctx.unit() as uow:
            assessment = uow.assessments.get(assessment_id)
            now = ctx.now()
            assessment.confirm_termination(by=actor.id, at=now, role=role, reviewed_by=rules.termination_reviewed_by)
            plan = uow.improvement_plans.open_for_customer(assessment.customer_id)
            if plan is not None:
                plan.close(at=now)
                uow.improvement_plans.save(plan)
            uow.assessments.save(assessment)
        return assessment

    def marketing_stopped(self, customer_id: str) -> bool:
        """Whether a confirmed "terminate" stands: no later assessment reopened the relationship."""
        with self._ctx.unit() as uow:
            history = uow.assessments.for_customer(customer_id)
        for assessment in history:  # newest first
            if assessment.terminated:
                return True
            if assessment.standing is not Standing.TERMINATE:
                return False
        return False

    def stopped_among(self, customer_ids: Sequence[str]) -> set[str]:
        """Those of ``customer_ids`` whose relationship ended (the daily run's bulk check):
        the newest assessments in one read; only a newest unconfirmed "terminate" needs
        the customer's history."""
        wanted = set(customer_ids)
        with self._ctx.unit() as uow:
            latest = uow.assessments.latest_per_customer()
        stopped: set[str] = set()
        for customer_id, assessment in latest.items():
            if customer_id not in wanted:
                continue
            if assessment.terminated or (
                assessment.standing is Standing.TERMINATE and self.marketing_stopped(customer_id)
            ):
                stopped.add(customer_id)
        return stopped

    # -- reading -------------------------------------------------------------
    def get(self, assessment_id: str) -> Assessment:
        """One assessment, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.assessments.get(assessment_id)

    def for_customer(self, customer_id: str) -> list[Assessment]:
        """The customer's assessments, newest first."""
        with self._ctx.unit() as uow:
            return uow.assessments.for_customer(customer_id)

    def trend(self, customer_id: str) -> ScoreTrend:
        """Scores over time, the change since the last assessment and its direction."""
        flat = self._ctx.playbook.assessment.trend_flat_within
        return trend_of(customer_id, self.for_customer(customer_id), flat_within=flat)

    def due(self, *, within_days: int = 0) -> list[AssessmentDue]:
        """Assessments due today or within ``within_days``, key customers first (for the boards).

        The period comes from the playbook: key customers quarterly, others by
        tier or the default. A customer is due one period after the last
        assessment (or registration); ended relationships are not assessed.
        """
        ctx = self._ctx
        rules = ctx.playbook.assessment
        now = ctx.now()
        zone = ctx.playbook.locale.zone
        horizon = now.astimezone(zone).date() + timedelta(days=within_days)
        result: list[AssessmentDue] = []
        with ctx.unit() as uow:
            latest = uow.assessments.latest_per_customer()
            for customer in uow.customers.iter_all():
                last = latest.get(customer.id)
                if customer.erased or (last is not None and last.terminated):
                    continue
                tier = self._sources.tiers.tier_of(ctx.tenant, customer.id)
                every = rules.every_days_for(tier, key=customer.key)
                base = last.assessed_at if last is not None else customer.registered_at
                due_on = base.astimezone(zone).date() + timedelta(days=every)
                if due_on <= horizon:
                    result.append(
                        AssessmentDue(
                            customer_id=customer.id,
                            key=customer.key,
                            tier=tier,
                            every_days=every,
                            last_assessed_at=last.assessed_at if last is not None else None,
                            due_on=due_on,
                        )
                    )
        return sorted(result, key=lambda d: (not d.key, d.due_on, d.customer_id))

    # -- P61: using the results -------------------------------------------------
    def summary(self, assessment_id: str) -> AssessmentSummary:
        """What reviewers see: score, standing, change, weakest rows, answers so far."""
        return AssessmentSummary.of(self.get(assessment_id))

    def summarise(self, period: str = "quarter", *, day: date | None = None) -> PeriodSummary:
        """P61: customer service's roll-up (汇总) of every customer's assessments in the
        week, month, quarter or year holding ``day`` (today by default), for the reviewers."""
        ctx = self._ctx
        zone = ctx.playbook.locale.zone
        start, end = period_bounds(period, day or ctx.now().astimezone(zone).date())
        with ctx.unit() as uow:
            found = uow.assessments.assessed_between(
                datetime.combine(start, time(0), tzinfo=zone), datetime.combine(end, time(0), tzinfo=zone)
            )
        return PeriodSummary.of(found, period=period, start=start, end=end)

    def route(self, assessment_id: str, *, roles: Sequence[str] | None = None) -> AssessmentSummary:
        """P61: send the summary to reviewer roles (the playbook's by default)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            assessment = uow.assessments.get(assessment_id)
            assessment.route(roles or ctx.playbook.assessment.review_roles, at=ctx.now())
            uow.assessments.save(assessment)
        return AssessmentSummary.of(assessment)

    def awaiting_review(self, role: str) -> list[AssessmentSummary]:
        """P61: a reviewer's queue — routed assessments this role has not answered."""
        with self._ctx.unit() as uow:
            return [AssessmentSummary.of(a) for a in uow.assessments.awaiting_review(role)]

    def answer_review(self, assessment_id: str, *, actor: Actor, answer: str) -> AssessmentSummary:
        """P61: the feedback of ``actor``'s role (a role the assessment was routed to)."""
        ctx = self._ctx
        role = self._acting(actor)
        with ctx.unit() as uow:
            assessment = uow.assessments.get(assessment_id)
            assessment.answer(role, answer=answer, by=actor.id, at=ctx.now())
            uow.assessments.save(assessment)
        return AssessmentSummary.of(assessment)

    def draft_measures(self, assessment_id: str, measures: Sequence[Measure], *, by: str) -> ImprovementPlan:
        """P61: marketing's improvement measures become tasks with owners and due dates.

        They join the customer's open plan, or a new plan that leaves the
        visit cadence unchanged (only "improve" raises it).
        """
        ctx = self._ctx
        with ctx.unit() as uow:
            assessment = uow.assessments.get(assessment_id)
            now = ctx.now()
            plan = uow.improvement_plans.open_for_customer(assessment.customer_id)
            if plan is None:
                plan = ImprovementPlan.open(
                    tenant=ctx.tenant,
                    customer_id=assessment.customer_id,
                    assessment_id=assessment.id,
                    visit_every_days=None,
                    by=by,
                    at=now,
                )
                plan.add_measures(measures, assessment_id=assessment.id, at=now)
                uow.improvement_plans.add(plan)
            else:
                plan.add_measures(measures, assessment_id=assessment.id, at=now)
                uow.improvement_plans.save(plan)
            assessment.measures_drafted(plan.id, at=now)
            uow.assessments.save(assessment)
        return plan

    def visit_every(self, customer_ids: Sequence[str]) -> dict[str, int]:
        """P60 "improve": ``{customer id: days}`` of the open improvement plans that set a
        visit interval (the cadences' ``VisitIntervals`` port; the daily run reads it)."""
        with self._ctx.unit() as uow:
            plans = uow.improvement_plans.open_for_customers(customer_ids)
        return {cid: plan.visit_every_days for cid, plan in plans.items() if plan.visit_every_days is not None}

    def plan(self, customer_id: str) -> ImprovementPlan | None:
        """The customer's open improvement plan, if any."""
        with self._ctx.unit() as uow:
            return uow.improvement_plans.open_for_customer(customer_id)

    def complete_task(self, plan_id: str, task_id: str, *, by: str) -> ImprovementPlan:
        """Mark an improvement task done."""
        ctx = self._ctx
        with ctx.unit() as uow:
            plan = uow.improvement_plans.get(plan_id)
            plan.complete_task(task_id, by=by, at=ctx.now())
            uow.improvement_plans.save(plan)
        return plan


def _from_deals(
    kind: IndicatorKind, purchases: Sequence[Purchase], since: datetime, until: datetime, days: int
) -> tuple[Decimal | None, str]:
    """Spend, its trend, frequency or recency from the deal archive (P05)."""
    # Windows are (since, until]: a sale recorded "now" counts in this window.
    window = [p for p in purchases if since < p.occurred_at <= until]
    spend = sum((p.amount.amount for p in window), Decimal(0))
    if kind is IndicatorKind.SPEND:
        return spend, f"net spend {spend} in the last {days} days"
    if kind is IndicatorKind.SPEND_TREND:
        before = since - (until - since)
        earlier = sum((p.amount.amount for p in purchases if before < p.occurred_at <= since), Decimal(0))
        if earlier <= 0:
            return None, "no spend in the window before to compare with"
        ratio = (spend / earlier).quantize(Decimal("0.0001"))
        return ratio, f"spend {spend} against {earlier} in the {days} days before (ratio {ratio})"
    sales = [p for p in purchases if p.kind is PurchaseKind.SALE and p.occurred_at <= until]
    if kind is IndicatorKind.FREQUENCY:
        count = sum(1 for p in sales if p.occurred_at > since)
        return Decimal(count), f"{count} purchases in the last {days} days"
    if not sales:
        # The archive is our own data: "never bought" is a fact, scored as the worst recency.
        return Decimal(10**6), "no purchase on record"
    last = max(p.occurred_at for p in sales)
    gone = (until - last).days
    return Decimal(gone), f"last purchase {gone} days ago"


class SurveysService(_AreaService):
    """P62/P65/P50: loyalty surveys, NPS per segment, satisfaction gaps."""

    def record(
        self,
        customer_id: str,
        *,
        repurchase_intention: int,
        recommend: int,
        trust: int,
        answered_in_time: int,
        attributes: Sequence[AttributeAnswer] = (),
        competitor: str | None = None,
        segment: str | None = None,
        comment: str | None = None,
    ) -> SurveyResponse:
        """Store one customer's answers; a low answer raises a silent-complaint signal (P50).

        ``segment`` defaults to the customer's tier, else "key" or "general".
        """
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            customer.ensure_not_erased()
            chosen = segment or _segment(customer, self._sources.tiers.tier_of(ctx.tenant, customer_id))
            response = SurveyResponse.answer(
                tenant=ctx.tenant,
                customer_id=customer_id,
                segment=chosen,
                rules=ctx.playbook.survey,
                at=ctx.now(),
                repurchase_intention=repurchase_intention,
                recommend=recommend,
                trust=trust,
                answered_in_time=answered_in_time,
                attributes=attributes,
                competitor=competitor,
                comment=comment,
            )
            uow.surveys.add(response)
        return response

    def get(self, response_id: str) -> SurveyResponse:
        """One response, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.surveys.get(response_id)

    def for_customer(self, customer_id: str) -> list[SurveyResponse]:
        """The customer's answers, newest first."""
        with self._ctx.unit() as uow:
            return uow.surveys.for_customer(customer_id)

    def _answers(self, since: datetime | None, until: datetime | None, segment: str | None) -> list[SurveyResponse]:
        with self._ctx.unit() as uow:
            return uow.surveys.answered_between(since, until, segment=segment)

    def nps(
        self, *, segment: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> NpsResult:
        """P62: Net Promoter Score of the answers (of one segment when given)."""
        return nps(self._answers(since, until, segment), segment=segment)

    def nps_by_segment(self, *, since: datetime | None = None, until: datetime | None = None) -> dict[str, NpsResult]:
        """P62: NPS for every segment that answered."""
        answers = self._answers(since, until, None)
        return {s: nps(answers, segment=s) for s in sorted({r.segment for r in answers})}

    def importance_performance(
        self, *, segment: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[AttributeRow]:
        """P62/P65: importance vs performance per attribute, with gaps and the competitor."""
        rating_max = self._ctx.playbook.survey.rating_max
        return importance_performance(self._answers(since, until, segment), rating_max=rating_max, segment=segment)

    def gaps(self, response_id: str) -> dict[str, int]:
        """P65: experienced minus expected, per attribute, for one response."""
        return self.get(response_id).gaps
