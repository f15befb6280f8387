"""The repository contract for assessments, improvement plans and survey answers.

Mixed into :class:`clientcare.testing.BackendContract` by adapters that store
these aggregates (it uses the same ``backend`` fixture and ``tenant``
attributes); runnable on its own by subclassing and implementing
``make_backend``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from clientcare.assessments import Assessment, AttributeAnswer, ImprovementPlan, Measure, Reading, SurveyResponse
from clientcare.errors import ConcurrencyConflict, NotFound
from clientcare.playbook import FormTemplate, SurveyRules
from clientcare.ports import Backend
from clientcare.testing._base import ContractBase, state

__all__ = ["AssessmentsContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def _assessment(tenant: str, customer_id: str, score: str = "7", *, at: datetime = T0) -> Assessment:
    form = FormTemplate(key="relationship")
    readings = {i.key: Reading(score=Decimal(score), basis="contract") for i in form.indicators}
    return Assessment.complete(tenant=tenant, customer_id=customer_id, form=form, readings=readings, at=at, by="cs")


def _response(tenant: str, customer_id: str, *, segment: str = "A", at: datetime = T0) -> SurveyResponse:
    answer = AttributeAnswer(attribute="price", importance=5, expected=4, experienced=3, competitor=4)
    return SurveyResponse.answer(
        tenant=tenant,
        customer_id=customer_id,
        segment=segment,
        rules=SurveyRules(),
        at=at,
        repurchase_intention=4,
        recommend=8,
        trust=4,
        answered_in_time=4,
        attributes=[answer],
        competitor="优衣库",
        comment="店员很耐心",
    )


class AssessmentsContract(ContractBase):
    """What every backend must do with assessments, plans and survey answers."""

    def test_assessment_round_trips(self, backend: Backend) -> None:
        """A stored assessment reads back with every row, review and override intact."""
        assessment = _assessment(self.tenant, "c1", "5")
        assessment.route(["marketing_director"], at=T0)
        assessment.answer("marketing_director", answer="同意", by="d1", at=T0)
        assessment.override_standing(assessment.standing, reason="no change", by="m", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.assessments.add(assessment)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.assessments.get(assessment.id)
        assert state(loaded) == state(assessment)

    def test_assessments_newest_first_and_latest_per_customer(self, backend: Backend) -> None:
        """for_customer is newest first; latest_per_customer picks each customer's newest."""
        old = _assessment(self.tenant, "c1", "4", at=T0)
        new = _assessment(self.tenant, "c1", "8", at=T0 + timedelta(days=90))
        other = _assessment(self.tenant, "c2", "6", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            for a in (old, new, other):
                uow.assessments.add(a)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [a.id for a in uow.assessments.for_customer("c1")] == [new.id, old.id]
            latest = uow.assessments.latest_per_customer()
        assert {k: v.id for k, v in latest.items()} == {"c1": new.id, "c2": other.id}

    def test_assessed_between_lists_the_period_oldest_first(self, backend: Backend) -> None:
        """P61: the period's assessments of every customer, ``[since, until)``, oldest first."""
        early = _assessment(self.tenant, "c1", "4", at=T0)
        inside = _assessment(self.tenant, "c2", "6", at=T0 + timedelta(days=10))
        edge = _assessment(self.tenant, "c1", "8", at=T0 + timedelta(days=30))
        with backend.unit_of_work(self.tenant) as uow:
            for a in (inside, early, edge):
                uow.assessments.add(a)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            found = uow.assessments.assessed_between(T0, T0 + timedelta(days=30))
        assert [a.id for a in found] == [early.id, inside.id]

    def test_awaiting_review_lists_unanswered_roles_only(self, backend: Backend) -> None:
        """A role's queue holds routed assessments it has not answered yet."""
        first, second = _assessment(self.tenant, "c1"), _assessment(self.tenant, "c2")
        for a in (first, second):
            a.route(["marketing_director", "marketing_manager"], at=T0)
        second.answer("marketing_director", answer="ok", by="d", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.assessments.add(first)
            uow.assessments.add(second)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [a.id for a in uow.assessments.awaiting_review("marketing_director")] == [first.id]
            assert len(uow.assessments.awaiting_review("marketing_manager")) == 2

    def test_answers_and_late_routing_update_the_review_queues(self, backend: Backend) -> None:
        """Answering takes an assessment off that role's queue only; routing it later puts it on one."""
        routed, later = _assessment(self.tenant, "c1"), _assessment(self.tenant, "c2", at=T0 + timedelta(days=1))
        routed.route(["marketing_director", "marketing_manager"], at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.assessments.add(routed)
            uow.assessments.add(later)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.assessments.awaiting_review("sales") == []
            loaded = uow.assessments.get(routed.id)
            loaded.answer("marketing_director", answer="同意", by="d1", at=T0)
            uow.assessments.save(loaded)
            newer = uow.assessments.get(later.id)
            newer.route(["marketing_manager"], at=T0 + timedelta(days=1))
            uow.assessments.save(newer)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.assessments.awaiting_review("marketing_director") == []
            assert [a.id for a in uow.assessments.awaiting_review("marketing_manager")] == [routed.id, later.id]
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.assessments.awaiting_review("marketing_manager") == []
            assert uow.assessments.latest_per_customer() == {}
            assert uow.assessments.for_customer("c1") == []

    def test_assessments_are_tenant_scoped_and_versioned(self, backend: Backend) -> None:
        """Another tenant cannot read it; a stale copy cannot overwrite a newer one."""
        assessment = _assessment(self.tenant, "c1")
        with backend.unit_of_work(self.tenant) as uow:
            uow.assessments.add(assessment)
            uow.commit()
        with backend.unit_of_work(self.other_tenant) as uow, pytest.raises(NotFound):
            uow.assessments.get(assessment.id)
        with backend.unit_of_work(self.tenant) as uow:
            first = uow.assessments.get(assessment.id)
        with backend.unit_of_work(self.tenant) as uow:
            second = uow.assessments.get(assessment.id)
            second.route(["marketing_manager"], at=T0)
            uow.assessments.save(second)
            uow.commit()
        first.route(["marketing_director"], at=T0)
        with backend.unit_of_work(self.tenant) as uow, pytest.raises(ConcurrencyConflict):
            uow.assessments.save(first)
            uow.commit()

    def test_plans_round_trip_and_only_open_ones_are_open(self, backend: Backend) -> None:
        """A plan keeps its tasks; a closed plan is no longer the open one."""
        plan = ImprovementPlan.open(
            tenant=self.tenant, customer_id="c1", assessment_id="a1", visit_every_days=14, by="cs", at=T0
        )
        plan.add_measures([Measure(title="拜访", owner="li", due_on=date(2026, 4, 1))], assessment_id="a1", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.improvement_plans.add(plan)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.improvement_plans.open_for_customer("c1")
            assert loaded is not None and state(loaded) == state(plan)
            assert {k: v.id for k, v in uow.improvement_plans.open_for_customers(["c1", "c2"]).items()} == {
                "c1": plan.id
            }
            assert uow.improvement_plans.open_for_customers([]) == {}
            # As many customers as a daily run asks about at once: the same answer.
            many = ["c2", *(f"x{i:05d}" for i in range(12_000)), "c1"]
            assert {k: v.id for k, v in uow.improvement_plans.open_for_customers(many).items()} == {"c1": plan.id}
            assert uow.improvement_plans.open_for_customers(many[:-1]) == {}
            loaded.close(at=T0)
            uow.improvement_plans.save(loaded)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.improvement_plans.open_for_customer("c1") is None
            assert uow.improvement_plans.open_for_customers(["c1"]) == {}
            assert [p.id for p in uow.improvement_plans.for_customer("c1")] == [plan.id]

    def test_survey_answers_round_trip_and_filter_by_period_and_segment(self, backend: Backend) -> None:
        """Answers read back intact; answered_between honours [since, until) and the segment."""
        early = _response(self.tenant, "c1", segment="A", at=T0)
        late = _response(self.tenant, "c2", segment="C", at=T0 + timedelta(days=10))
        with backend.unit_of_work(self.tenant) as uow:
            uow.surveys.add(early)
            uow.surveys.add(late)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert state(uow.surveys.get(early.id)) == state(early)
            assert [r.id for r in uow.surveys.answered_between()] == [early.id, late.id]
            assert [r.id for r in uow.surveys.answered_between(T0 + timedelta(days=1))] == [late.id]
            assert [r.id for r in uow.surveys.answered_between(until=T0 + timedelta(days=10))] == [early.id]
            assert [r.id for r in uow.surveys.answered_between(segment="C")] == [late.id]
            assert [r.id for r in uow.surveys.for_customer("c1")] == [early.id]
