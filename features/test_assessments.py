"""Steps for relationship assessments (P60, P61)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError

scenarios("assessments.feature")


class _Erp:
    """The embedding system's figures: payment punctuality per customer."""

    def __init__(self) -> None:
        self.punctuality: dict[str, Decimal] = {}

    def reading(
        self, tenant: str, customer_id: str, indicator: str, *, since: datetime, until: datetime
    ) -> Decimal | None:
        return self.punctuality.get(customer_id) if indicator == "payment_punctuality" else None


# -- given ---------------------------------------------------------------------


@given(parsers.parse('"{name}" bought for {amount:d} yuan {ago} days ago'))
@when(parsers.parse('"{name}" bought for {amount:d} yuan {ago} days ago'))
def bought(care: clientcare.Clientcare, clock: FixedClock, name: str, amount: int, ago: str) -> None:
    customer = customer_named(care, name)
    for days in (int(d) for d in ago.split(",")):
        care.purchases.record(customer.id, [care.purchases.line("S-1", amount)], at=clock.now() - timedelta(days=days))


@given(parsers.parse('"{name}" is a key customer'))
def key_customer(care: clientcare.Clientcare, name: str) -> None:
    care.customers.set_key(customer_named(care, name).id, by="manager")


@given(
    "a supplier form with payment punctuality from the ERP weighing 40% and cooperation 60%",
    target_fixture="erp",
)
def supplier_form(care: clientcare.Clientcare) -> _Erp:
    return _Erp()


@given(parsers.parse('the ERP reports a payment punctuality of {value} for "{name}"'), target_fixture="care")
def erp_reports(
    care: clientcare.Clientcare, clock: FixedClock, erp: _Erp, value: str, name: str
) -> clientcare.Clientcare:
    erp.punctuality[customer_named(care, name).id] = Decimal(value)
    playbook = clientcare.Playbook.from_toml(_SUPPLIER_FORM)
    sources = clientcare.AssessmentSources(external=erp)
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook, assessment_sources=sources)


_SUPPLIER_FORM = """
[assessment]
default_form = "supplier"

[[assessment.forms]]
key = "supplier"
title = "供应商客户关系评估表"

[[assessment.forms.indicators]]
key = "payment_punctuality"
label = "付款及时率"
weight = 40
source = "external"
zero_at = 0
full_at = 1

[[assessment.forms.indicators]]
key = "cooperation"
label = "合作态度"
weight = 60
"""


# -- when ----------------------------------------------------------------------


@given(
    parsers.parse('customer service assessed "{name}" with cooperation {score:d} because "{basis}"'),
    target_fixture="assessment",
)
@when(
    parsers.parse('customer service assesses "{name}" with cooperation {score:d} because "{basis}"'),
    target_fixture="assessment",
)
def assess(care: clientcare.Clientcare, name: str, score: int, basis: str) -> clientcare.Assessment:
    entry = clientcare.IndicatorEntry(score=score, basis=basis)
    return care.assessments.assess(customer_named(care, name).id, by="cs_wang", entries={"cooperation": entry})


_MANAGER = clientcare.Actor("manager", "marketing_manager")
_DIRECTOR = clientcare.Actor("director", "marketing_director")


@when(
    parsers.parse('the sales manager overrides the standing to "{standing}" because "{reason}"'),
    target_fixture="assessment",
)
def override(care: clientcare.Clientcare, assessment: clientcare.Assessment, standing: str, reason: str) -> object:
    return care.assessments.override(assessment.id, standing, reason=reason, actor=_MANAGER)


@when(
    parsers.parse('the sales manager tries to override the standing to "{standing}" without a reason'),
    target_fixture="error",
)
def override_without_reason(
    care: clientcare.Clientcare, assessment: clientcare.Assessment, standing: str
) -> ClientcareError | None:
    return capture(lambda: care.assessments.override(assessment.id, standing, reason=" ", actor=_MANAGER))


@when("the marketing director confirms the termination", target_fixture="assessment")
def confirm(care: clientcare.Clientcare, assessment: clientcare.Assessment) -> clientcare.Assessment:
    return care.assessments.confirm_termination(assessment.id, actor=_DIRECTOR)


@when("the marketing director tries to confirm the termination", target_fixture="error")
def try_confirm(care: clientcare.Clientcare, assessment: clientcare.Assessment) -> ClientcareError | None:
    return capture(lambda: care.assessments.confirm_termination(assessment.id, actor=_DIRECTOR))


@when(parsers.parse("a playbook is loaded whose only indicator weighs {weight:d}%"), target_fixture="error")
def load_bad_playbook(weight: int) -> ClientcareError | None:
    text = f"""
[[assessment.forms]]
key = "relationship"
[[assessment.forms.indicators]]
key = "a"
label = "a"
weight = {weight}
"""
    return capture(lambda: clientcare.Playbook.from_toml(text))


@when("customer service routes the assessment to review", target_fixture="summary")
def route(care: clientcare.Clientcare, assessment: clientcare.Assessment) -> clientcare.AssessmentSummary:
    return care.assessments.route(assessment.id)


@when(parsers.parse('"{role}" answers "{answer}"'), target_fixture="summary")
def answer(care: clientcare.Clientcare, assessment: clientcare.Assessment, role: str, answer: str) -> object:
    return care.assessments.answer_review(assessment.id, actor=clientcare.Actor(f"{role}_1", role), answer=answer)


@when(
    parsers.parse('marketing drafts the measure "{title}" owned by "{owner}" due in {days:d} days'),
    target_fixture="plan",
)
def draft(
    care: clientcare.Clientcare, clock: FixedClock, assessment: clientcare.Assessment, title: str, owner: str, days: int
) -> clientcare.ImprovementPlan:
    measure = clientcare.Measure(title=title, owner=owner, due_on=clock.now().date() + timedelta(days=days))
    return care.assessments.draft_measures(assessment.id, [measure], by="marketing")


# -- then ----------------------------------------------------------------------


@then(parsers.parse('the indicator "{key}" scores {score} with grade "{grade}"'))
def indicator_scores(assessment: clientcare.Assessment, key: str, score: str, grade: str) -> None:
    row = assessment.indicator(key)
    assert (row.score, row.grade) == (Decimal(score), grade)


@then(parsers.parse('the indicator "{key}" scores {score} with grade "{grade}" and basis "{basis}"'))
def indicator_with_basis(assessment: clientcare.Assessment, key: str, score: str, grade: str, basis: str) -> None:
    row = assessment.indicator(key)
    assert (row.score, row.grade, row.basis) == (Decimal(score), grade, basis)


@then(parsers.parse('the indicator "{key}" is not available with basis "{basis}"'))
def not_available(assessment: clientcare.Assessment, key: str, basis: str) -> None:
    row = assessment.indicator(key)
    assert (row.available, row.score, row.effective_weight, row.basis) == (False, None, 0, basis)


@then(parsers.parse('the effective weight of "{key}" is {weight}%'))
def effective_weight(assessment: clientcare.Assessment, key: str, weight: str) -> None:
    assert assessment.indicator(key).effective_weight == Decimal(weight)


@then(parsers.parse("the total is {total} out of an available weight of {weight:d}%"))
def total_is(assessment: clientcare.Assessment, total: str, weight: int) -> None:
    assert (assessment.total, assessment.available_weight) == (Decimal(total), weight)


@then(parsers.parse('the final score is {score} and the standing is "{standing}"'))
def final_score(assessment: clientcare.Assessment, score: str, standing: str) -> None:
    assert (assessment.final_score, assessment.standing) == (Decimal(score), standing)


@then(parsers.parse('the standing is "{standing}", overridden from "{computed}"'))
def overridden(care: clientcare.Clientcare, assessment: clientcare.Assessment, standing: str, computed: str) -> None:
    stored = care.assessments.get(assessment.id)
    assert (stored.standing, stored.computed_standing, stored.override is not None) == (standing, computed, True)


@then(parsers.parse('"{name}" has an open improvement plan visiting every {days:d} days'))
def open_plan(care: clientcare.Clientcare, name: str, days: int) -> None:
    plan = care.assessments.plan(customer_named(care, name).id)
    assert plan is not None and plan.visit_every_days == days


@then(parsers.parse('the outbox holds an "{event}" event for "{name}"'))
@then(parsers.parse('the outbox holds a "{event}" event for "{name}"'))
def outbox_holds(care: clientcare.Clientcare, event: str, name: str) -> None:
    customer_id = customer_named(care, name).id
    assert any(m.name == event and m.payload["customer_id"] == customer_id for m in care.events.pending(limit=1000))


@then(parsers.parse('marketing is stopped for "{name}"'))
def marketing_stopped(care: clientcare.Clientcare, name: str) -> None:
    assert care.assessments.marketing_stopped(customer_named(care, name).id)


@then(parsers.parse('marketing is not stopped for "{name}"'))
def marketing_not_stopped(care: clientcare.Clientcare, name: str) -> None:
    assert not care.assessments.marketing_stopped(customer_named(care, name).id)


@then(parsers.parse('"{name}" is no longer due for assessment within {days:d} days'))
def not_due(care: clientcare.Clientcare, name: str, days: int) -> None:
    customer_id = customer_named(care, name).id
    assert customer_id not in {d.customer_id for d in care.assessments.due(within_days=days)}


@then(parsers.parse('the trend of "{name}" is "{direction}" with a change of {change} over {count:d} assessments'))
def trend(care: clientcare.Clientcare, name: str, direction: str, change: str, count: int) -> None:
    line = care.assessments.trend(customer_named(care, name).id)
    assert (line.direction, line.change_since_last, len(line.points)) == (direction, Decimal(change), count)


@then(parsers.parse('the assessments due today are for "{name}" only'))
def due_today(care: clientcare.Clientcare, name: str) -> None:
    assert [d.customer_id for d in care.assessments.due()] == [customer_named(care, name).id]


@then(parsers.parse('within {days:d} days the assessments due are for "{names}"'))
def due_within(care: clientcare.Clientcare, days: int, names: str) -> None:
    expected = [customer_named(care, n.strip()).id for n in names.split(",")]
    assert [d.customer_id for d in care.assessments.due(within_days=days)] == expected


@then(parsers.parse('"{role}" has {count:d} assessment awaiting review, standing "{standing}"'))
def awaiting(care: clientcare.Clientcare, role: str, count: int, standing: str) -> None:
    queue = care.assessments.awaiting_review(role)
    assert (len(queue), {s.standing for s in queue}) == (count, {standing})


@then(parsers.parse('the assessment is "{status}" and nobody is still asked'))
def status_is(care: clientcare.Clientcare, assessment: clientcare.Assessment, status: str) -> None:
    summary = care.assessments.summary(assessment.id)
    assert (summary.status, summary.pending_roles, len(summary.reviews)) == (status, (), 3)


@then(parsers.parse('the improvement plan of "{name}" has an open task owned by "{owner}" due on "{day}"'))
def plan_task(care: clientcare.Clientcare, name: str, owner: str, day: str) -> None:
    plan = care.assessments.plan(customer_named(care, name).id)
    assert plan is not None and [(t.owner, t.due_on) for t in plan.open_tasks] == [(owner, date.fromisoformat(day))]


@then(parsers.parse("the change since the last assessment is {change}"))
def change_since_last(assessment: clientcare.Assessment, change: str) -> None:
    assert assessment.change_since_last == Decimal(change)


@then(parsers.parse('the indicator "{key}" changed by {change}'))
def indicator_change(assessment: clientcare.Assessment, key: str, change: str) -> None:
    assert assessment.indicator(key).change == Decimal(change)
