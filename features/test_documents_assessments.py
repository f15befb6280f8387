"""Steps for issue 17, P60/P61: using assessments follows seed 003, each scenario quoting its passage."""

from __future__ import annotations

from datetime import timedelta

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.assessments import PeriodSummary
from clientcare.errors import ClientcareError

scenarios("documents_assessments.feature")


class _Roster:
    """The shop's own record of who holds which role (a role source)."""

    def __init__(self, roles: dict[str, str]) -> None:
        self.roles = roles

    def role_of(self, tenant: str, person_id: str) -> str | None:
        return self.roles.get(person_id)


@given(parsers.parse('"{name}" bought for {amount:d} yuan {ago} days ago'))
def bought(care: clientcare.Clientcare, clock: FixedClock, name: str, amount: int, ago: str) -> None:
    customer = customer_named(care, name)
    for days in (int(d) for d in ago.split(",")):
        care.purchases.record(customer.id, [care.purchases.line("S-1", amount)], at=clock.now() - timedelta(days=days))


@given(
    parsers.parse('customer service assessed "{name}" with cooperation {score:d} because "{basis}"'),
    target_fixture="assessment",
)
def assess(care: clientcare.Clientcare, name: str, score: int, basis: str) -> clientcare.Assessment:
    entry = clientcare.IndicatorEntry(score=score, basis=basis)
    return care.assessments.assess(customer_named(care, name).id, by="cs_wang", entries={"cooperation": entry})


@when(parsers.parse('"{who}" confirms the termination as "{role}"'), target_fixture="error")
def confirms_as(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str, role: str) -> object:
    return capture(lambda: care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor(who, role)))


@then(parsers.parse('the ending is refused until the review is in, and marketing goes on for "{name}"'))
def ending_refused(care: clientcare.Clientcare, error: ClientcareError | None, name: str) -> None:
    assert error is not None and getattr(error, "rule", None) == "assessment.review"
    assert not care.assessments.marketing_stopped(customer_named(care, name).id)


@when("customer service routes the assessment to review")
def route(care: clientcare.Clientcare, assessment: clientcare.Assessment) -> None:
    care.assessments.route(assessment.id)


@when(parsers.parse('"{who}" answers as "{role}" "{answer}"'))
def answers_as(
    care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str, role: str, answer: str
) -> None:
    care.assessments.answer_review(assessment.id, actor=clientcare.Actor(who, role), answer=answer)


@then(parsers.parse('marketing is stopped for "{name}", confirmed by "{who}" as "{role}"'))
def stopped(care: clientcare.Clientcare, name: str, who: str, role: str, error: ClientcareError | None) -> None:
    assert error is None and care.assessments.marketing_stopped(customer_named(care, name).id)
    ended = care.assessments.for_customer(customer_named(care, name).id)[0]
    assert (ended.termination_confirmed_by, ended.termination_confirmed_role) == (who, role)


# -- the period's roll-up (汇总) -------------------------------------------------------------


@when("customer service summarises the quarter", target_fixture="summary")
def summarises(care: clientcare.Clientcare) -> PeriodSummary:
    return care.assessments.summarise("quarter")


@then(parsers.parse('the summary counts {count:d} customers: 1 "maintain", 1 "improve", 1 "terminate"'))
def summary_counts(summary: PeriodSummary, count: int) -> None:
    assert summary.assessed == count
    assert summary.by_standing == {"maintain": 1, "improve": 1, "terminate": 1}


@then(
    parsers.parse("{unrouted:d} are not routed, {waiting:d} awaits review and {open_endings:d} ending is unconfirmed")
)
def summary_review(summary: PeriodSummary, unrouted: int, waiting: int, open_endings: int) -> None:
    assert (summary.not_routed, summary.awaiting_review, summary.ending_unconfirmed) == (
        unrouted,
        waiting,
        open_endings,
    )


@then(parsers.parse('the summary lists "{first}", "{second}", "{third}", lowest score first'))
def summary_order(care: clientcare.Clientcare, summary: PeriodSummary, first: str, second: str, third: str) -> None:
    expected = [customer_named(care, name).id for name in (first, second, third)]
    assert [row.customer_id for row in summary.customers] == expected


# -- the acting person ----------------------------------------------------------------------


@given(
    parsers.parse('the shop\'s roster says "{a}" is "{role_a}", "{b}" is "{role_b}" and "{c}" is "{role_c}"'),
    target_fixture="care",
)
def roster(
    care: clientcare.Clientcare, clock: FixedClock, a: str, role_a: str, b: str, role_b: str, c: str, role_c: str
) -> clientcare.Clientcare:
    roles = _Roster({a: role_a, b: role_b, c: role_c})
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, roles=roles)


@given(parsers.parse('the assessment was routed and "{who}" answered "{answer}"'))
def routed_and_answered(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str, answer: str) -> None:
    care.assessments.route(assessment.id)
    care.assessments.answer_review(assessment.id, actor=clientcare.Actor(who), answer=answer)


@when(parsers.parse('"{who}" tries to overrule the standing to "{standing}"'), target_fixture="error")
def tries_override(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str, standing: str) -> object:
    actor = clientcare.Actor(who)
    return capture(lambda: care.assessments.override(assessment.id, standing, reason="老客户", actor=actor))


@when(parsers.parse('"{who}" tries to confirm the termination'), target_fixture="error")
def tries_confirm(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str) -> object:
    return capture(lambda: care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor(who)))


@when(parsers.parse('"{who}" tries to confirm the termination claiming to be a "{role}"'), target_fixture="error")
def tries_confirm_as(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str, role: str) -> object:
    return capture(lambda: care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor(who, role)))


@then(parsers.parse('it is refused with "{rule}" and the standing stays "{standing}"'))
def refused(
    care: clientcare.Clientcare, assessment: clientcare.Assessment, error: object, rule: str, standing: str
) -> None:
    assert isinstance(error, ClientcareError) and getattr(error, "rule", None) == rule
    current = care.assessments.get(assessment.id)
    assert current.standing.value == standing and not current.terminated


@when(parsers.parse('"{who}" confirms the termination by id only'), target_fixture="error")
def confirms_by_id(care: clientcare.Clientcare, assessment: clientcare.Assessment, who: str) -> object:
    return capture(lambda: care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor(who)))
