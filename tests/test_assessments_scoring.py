"""Assessment scoring, form validation, standings, sources and serialisation (P60, P61)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare import (
    AbcLabel,
    AssessmentSources,
    FormTemplate,
    IndicatorEntry,
    IndicatorKind,
    IndicatorTemplate,
    Playbook,
    Standing,
    serialization,
)
from clientcare.adapters.clock import FixedClock
from clientcare.assessments import Reading, score_form
from clientcare.errors import InvalidTransition, PlaybookError, RuleViolation, ValidationError

CENT = Decimal("0.01")


def _form(weights: Sequence[int], scales: Sequence[int] | None = None) -> FormTemplate:
    scales = scales or [10] * len(weights)
    indicators = tuple(
        IndicatorTemplate(key=f"i{n}", label=f"i{n}", weight=Decimal(w), scale_max=Decimal(s))
        for n, (w, s) in enumerate(zip(weights, scales, strict=True))
    )
    return FormTemplate(key="f", indicators=indicators)


@st.composite
def forms_and_scores(draw: st.DrawFn) -> tuple[FormTemplate, dict[str, Reading]]:
    """A form with 1-8 indicators whose whole-number weights sum to 100, and scores on each scale."""
    count = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    scales = draw(st.lists(st.sampled_from([5, 10, 100]), min_size=count, max_size=count))
    form = _form(weights, scales)
    readings: dict[str, Reading] = {}
    for indicator, scale in zip(form.indicators, scales, strict=True):
        score = draw(st.one_of(st.none(), st.decimals(0, scale, places=2)))
        readings[indicator.key] = Reading(score=score, basis="test")
    if all(r.score is None for r in readings.values()):
        readings[form.indicators[0].key] = Reading(score=Decimal(0), basis="test")
    return form, readings


@settings(max_examples=60, deadline=None)
@given(forms_and_scores())
def test_final_score_is_the_weighted_sum_within_the_scale(case: tuple[FormTemplate, dict[str, Reading]]) -> None:
    """The final score is sum(weight x score/scale) over the rows with data, re-normalised, within 0..100."""
    form, readings = case
    results, total, available, final = score_form(form, readings)
    used = [(i, readings[i.key].score) for i in form.indicators if readings[i.key].score is not None]
    weighted = sum((i.weight * s / i.scale_max for i, s in used if s is not None), Decimal(0))
    assert available == sum((i.weight for i, _ in used), Decimal(0))
    assert final == (weighted * 100 / available).quantize(CENT, ROUND_HALF_UP)
    assert total == weighted.quantize(CENT, ROUND_HALF_UP)
    assert Decimal(0) <= final <= form.scale_max
    assert [r.available for r in results] == [readings[i.key].score is not None for i in form.indicators]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=6).filter(lambda ws: sum(ws) != 100))
def test_weights_not_summing_to_100_are_refused(weights: list[int]) -> None:
    """A form whose weights miss 100% is refused with an error naming the weight key and the form."""
    with pytest.raises(PlaybookError) as caught:
        _form(weights)
    assert caught.value.field == "indicators.weight"
    assert caught.value.rule == "indicator weights must sum to 100"
    assert f"sums to {sum(weights)}" in str(caught.value)


def test_weights_error_from_toml_names_the_full_key() -> None:
    """Loaded from a mapping (as TOML parses), the error names assessment.forms.indicators.weight."""
    form = {"key": "relationship", "indicators": [{"key": "a", "label": "a", "weight": 90}]}
    data = {"assessment": {"forms": [form]}}
    with pytest.raises(PlaybookError) as caught:
        Playbook.from_mapping(data)
    assert caught.value.field == "assessment.forms.indicators.weight"


@settings(max_examples=100, deadline=None)
@given(
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
)
def test_standing_is_monotone_in_the_score(a: Decimal, b: Decimal, t1: Decimal, t2: Decimal) -> None:
    """A higher score never gives a worse standing (terminate < improve < maintain)."""
    low, high = sorted((a, b))
    form = FormTemplate(key="f", terminate_below=min(t1, t2), improve_below=max(t1, t2))
    assert form.standing(low).rank <= form.standing(high).rank


def test_default_playbook_form_is_valid_and_sums_to_100() -> None:
    """The default form's weights sum to 100 and every computed row has a mapping."""
    form = Playbook.default().assessment.form()
    assert sum(i.weight for i in form.indicators) == 100
    assert all(i.zero_at is not None for i in form.indicators if i.source is not IndicatorKind.STAFF)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("terminate_below", 80, "improve_below"),
        ("grades", [{"grade": "A", "min_percent": 50}], "grades"),
    ],
)
def test_bad_ranges_are_refused(field: str, value: object, key: str) -> None:
    """Standing ranges out of order and grade bands without a floor are refused, naming the key."""
    data = {"assessment": {"forms": [{"key": "relationship", field: value}]}}
    with pytest.raises(PlaybookError) as caught:
        Playbook.from_mapping(data)
    assert caught.value.field.endswith(key)


def test_computed_indicator_needs_a_mapping() -> None:
    """A computed indicator without zero_at/full_at is refused."""
    with pytest.raises(PlaybookError):
        IndicatorTemplate(key="spend", label="spend", weight=Decimal(100), source=IndicatorKind.SPEND)


def test_score_from_is_linear_and_clamped_both_ways() -> None:
    """Raw figures map linearly onto the scale and clamp; full_at below zero_at means less is better."""
    recency = IndicatorTemplate(
        key="r", label="r", weight=Decimal(1), source=IndicatorKind.RECENCY, zero_at=Decimal(365), full_at=Decimal(30)
    )
    assert recency.score_from(Decimal(10)) == Decimal(10)
    assert recency.score_from(Decimal(400)) == Decimal(0)
    assert recency.score_from(Decimal("197.5")) == Decimal(5)


class _Histories:
    """Complaints, referrals and responsiveness as another area would report them."""

    def severities(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> list[str]:
        return ["major", "minor"]

    def referrals_given(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> int:
        return 1

    def response_rate(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Decimal:
        return Decimal("0.8")


def test_wired_sources_feed_their_indicators(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """Complaints (severity-weighted), referrals and responsiveness are scored once a source is wired."""
    histories = _Histories()
    sources = AssessmentSources(complaints=histories, referrals=histories, responsiveness=histories)
    wired = clientcare.Clientcare(care.backend, care.tenant, clock=clock, assessment_sources=sources)
    customer = wired.customers.register("王芳", "13800138000")
    assessment = wired.assessments.assess(customer.id, by="cs", entries={"cooperation": 6})
    complaints = assessment.indicator("complaints")
    assert (complaints.score, complaints.basis) == (Decimal("1.67"), "2 complaints in the last 365 days, weighted 5")
    assert assessment.indicator("referrals").score == Decimal(5)
    assert assessment.indicator("responsiveness").score == Decimal(8)
    passed_on = wired.for_tenant("other").assessments._sources
    assert (passed_on.complaints, passed_on.referrals, passed_on.responsiveness) == (histories, histories, histories)


def test_staff_indicator_needs_a_score_and_computed_ones_refuse_one(care: clientcare.Clientcare) -> None:
    """Staff rows require a score; data rows refuse one; unknown rows are named."""
    customer = care.customers.register("王芳", "13800138000")
    with pytest.raises(ValidationError) as missing:
        care.assessments.assess(customer.id, by="cs")
    assert missing.value.field == "entries.cooperation"
    with pytest.raises(ValidationError) as computed:
        care.assessments.assess(customer.id, by="cs", entries={"cooperation": 5, "spend": 9})
    assert computed.value.field == "entries.spend"
    with pytest.raises(ValidationError) as unknown:
        care.assessments.assess(customer.id, by="cs", entries={"cooperation": 5, "charm": 9})
    assert unknown.value.field == "entries.charm"
    with pytest.raises(ValidationError) as out_of_scale:
        care.assessments.assess(customer.id, by="cs", entries={"cooperation": 11})
    assert out_of_scale.value.field == "scores.cooperation"
    with pytest.raises(ValidationError):
        care.assessments.assess(customer.id, by="cs", entries={"cooperation": 5.5})  # type: ignore[dict-item]


def test_a_form_without_any_data_is_refused() -> None:
    """With no row available there is no score to give: a rule violation, not a zero."""
    with pytest.raises(RuleViolation) as caught:
        score_form(_form([100]), {})
    assert caught.value.rule == "assessment.no_data"


_MANAGER = clientcare.Actor("m", "marketing_manager")


def test_reviews_follow_their_rules(care: clientcare.Clientcare) -> None:
    """Measures need routing first; a role not asked cannot answer; nobody answers twice."""
    customer = care.customers.register("王芳", "13800138000")
    assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": 5})
    measure = clientcare.Measure(title="回访", owner="li", due_on=assessment.assessed_at.date() + timedelta(days=7))
    with pytest.raises(InvalidTransition):
        care.assessments.draft_measures(assessment.id, [measure], by="marketing")
    care.assessments.route(assessment.id, roles=["marketing_director"])
    with pytest.raises(RuleViolation):
        care.assessments.answer_review(assessment.id, actor=clientcare.Actor("f", "finance"), answer="ok")
    director = clientcare.Actor("d", "marketing_director")
    care.assessments.answer_review(assessment.id, actor=director, answer="ok")
    with pytest.raises(InvalidTransition):
        care.assessments.answer_review(assessment.id, actor=director, answer="again")
    plan = care.assessments.draft_measures(assessment.id, [measure], by="marketing")
    task = plan.tasks[0]
    done = care.assessments.complete_task(plan.id, task.id, by="li")
    assert done.tasks[0].done and done.open_tasks == ()


def test_override_after_a_confirmed_termination_is_refused(care: clientcare.Clientcare) -> None:
    """Once an ending is confirmed, the standing is final; the history stays readable."""
    customer = care.customers.register("孙强", "13600136000")
    assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": 1})
    assert assessment.standing is Standing.TERMINATE
    care.assessments.route(assessment.id)
    care.assessments.answer_review(assessment.id, actor=clientcare.Actor("mm", "marketing_manager"), answer="同意")
    care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor("d", "marketing_director"))
    with pytest.raises(InvalidTransition):
        care.assessments.override(assessment.id, "maintain", reason="误判", actor=_MANAGER)
    assert care.assessments.for_customer(customer.id)[0].terminated


def test_override_to_improve_opens_a_plan(care: clientcare.Clientcare) -> None:
    """Overriding to "improve" carries the same consequence as the form's own "improve"."""
    customer = care.customers.register("孙强", "13600136000")
    assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": 1})
    care.assessments.override(assessment.id, Standing.IMPROVE, reason="新店开业，给一次机会", actor=_MANAGER)
    plan = care.assessments.plan(customer.id)
    assert plan is not None and plan.assessment_id == assessment.id and plan.visit_every_days == 14


def test_assessment_and_plan_round_trip_through_json(care: clientcare.Clientcare) -> None:
    """Assessments and plans survive unstructure -> JSON -> structure unchanged."""
    customer = care.customers.register("王芳", "13800138000")
    first = care.assessments.assess(customer.id, by="cs", entries={"cooperation": IndicatorEntry(score=5)})
    assessment = care.assessments.override(first.id, "improve", reason="新客户", actor=_MANAGER)
    plan = care.assessments.plan(customer.id)
    for obj, cls in ((assessment, clientcare.Assessment), (plan, clientcare.ImprovementPlan)):
        data = json.loads(json.dumps(serialization.unstructure(obj)))
        back = serialization.structure(data, cls)
        assert serialization.unstructure(back) == serialization.unstructure(obj)


def test_reprs_hide_staff_text(care: clientcare.Clientcare) -> None:
    """Basis, remarks and override reasons may name people: they stay out of reprs."""
    customer = care.customers.register("王芳", "13800138000")
    entry = IndicatorEntry(score=5, basis="王经理说付款慢", remarks="电话13800138000")
    assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": entry})
    assert "王经理" not in repr(assessment) and "13800138000" not in repr(assessment.indicator("cooperation"))


class _Tiers:
    """The tiers area's answer: everyone is tier "B"."""

    def tier_of(self, tenant: str, customer_id: str) -> AbcLabel | None:
        return AbcLabel.B


def test_due_period_follows_tier_and_key_status(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """Tier B is due after 182 days; a key customer of tier B after 91 (the shorter period wins)."""
    tiered = clientcare.Clientcare(
        care.backend, care.tenant, clock=clock, assessment_sources=AssessmentSources(tiers=_Tiers())
    )
    plain = tiered.customers.register("王芳", "13800138000")
    key = tiered.customers.register("李娜", "13900139000")
    tiered.customers.set_key(key.id, by="m")
    clock.advance(days=100)
    assert [(d.customer_id, d.tier, d.every_days) for d in tiered.assessments.due()] == [(key.id, AbcLabel.B, 91)]
    clock.advance(days=90)
    assert [d.customer_id for d in tiered.assessments.due()] == [key.id, plain.id]
    survey = tiered.surveys.record(plain.id, repurchase_intention=4, recommend=8, trust=4, answered_in_time=4)
    assert survey.segment == "B"
