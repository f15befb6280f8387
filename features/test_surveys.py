"""Steps for loyalty surveys (P62, P65, P50)."""

from __future__ import annotations

from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.errors import ClientcareError

scenarios("surveys.feature")

_NEUTRAL = {"repurchase_intention": 4, "trust": 4, "answered_in_time": 4}


@given(parsers.parse('customers of segment "{segment}" recommend us with {scores}'))
def segment_recommends(care: clientcare.Clientcare, segment: str, scores: str) -> None:
    for n, score in enumerate(int(s) for s in scores.split(",")):
        customer = care.customers.register(f"{segment}-{n}", f"1380013{ord(segment[0]):02d}{n:02d}")
        care.surveys.record(customer.id, recommend=score, segment=segment, **_NEUTRAL)


@given(
    parsers.parse(
        '"{name}" answers: buy again {again:d}, recommend {recommend:d}, trust {trust:d}, answered in time {timely:d}'
    ),
    target_fixture="response",
)
@when(
    parsers.parse(
        '"{name}" answers: buy again {again:d}, recommend {recommend:d}, trust {trust:d}, answered in time {timely:d}'
    ),
    target_fixture="response",
)
def answers(
    care: clientcare.Clientcare, name: str, again: int, recommend: int, trust: int, timely: int
) -> clientcare.SurveyResponse:
    customer = customer_named(care, name)
    return care.surveys.record(
        customer.id, repurchase_intention=again, recommend=recommend, trust=trust, answered_in_time=timely
    )


@when(parsers.parse('"{name}" answers the loyalty survey against "{competitor}":'), target_fixture="response")
def answers_attributes(
    care: clientcare.Clientcare, name: str, competitor: str, datatable: list[list[str]]
) -> clientcare.SurveyResponse:
    header, *rows = datatable
    items = [_attribute(dict(zip(header, row, strict=True))) for row in rows]
    customer_id = customer_named(care, name).id
    return care.surveys.record(customer_id, recommend=8, attributes=items, competitor=competitor, **_NEUTRAL)


def _attribute(cells: dict[str, str]) -> clientcare.AttributeAnswer:
    """A table row as an AttributeAnswer (every column but the attribute is a number)."""
    return clientcare.AttributeAnswer(
        attribute=cells["attribute"],
        importance=int(cells["importance"]),
        expected=int(cells["expected"]),
        experienced=int(cells["experienced"]),
        competitor=int(cells["competitor"]),
    )


@when(parsers.parse('"{name}" tries to answer with a recommendation of {score:d}'), target_fixture="error")
def answer_out_of_scale(care: clientcare.Clientcare, name: str, score: int) -> ClientcareError | None:
    return capture(lambda: care.surveys.record(customer_named(care, name).id, recommend=score, **_NEUTRAL))


@when(parsers.parse('customer service assesses "{name}" with only cooperation {score:d}'), target_fixture="assessment")
def assess(care: clientcare.Clientcare, name: str, score: int) -> clientcare.Assessment:
    return care.assessments.assess(customer_named(care, name).id, by="cs_wang", entries={"cooperation": score})


@then(parsers.parse('the NPS of segment "{segment}" is {score} from {count:d} answers'))
def nps_of_segment(care: clientcare.Clientcare, segment: str, score: str, count: int) -> None:
    result = care.surveys.nps_by_segment()[segment]
    assert (result.score, result.responses) == (Decimal(score), count)


@then(parsers.parse("the NPS over all segments is {score}"))
def nps_overall(care: clientcare.Clientcare, score: str) -> None:
    assert care.surveys.nps().score == Decimal(score)


@then(parsers.parse('the satisfaction gaps are "{gaps}"'))
def satisfaction_gaps(care: clientcare.Clientcare, response: clientcare.SurveyResponse, gaps: str) -> None:
    expected = {k: int(v) for k, v in (pair.split() for pair in gaps.split(","))}
    assert care.surveys.gaps(response.id) == expected


@then("the importance/performance table reads:")
def ipa_table(care: clientcare.Clientcare, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    table = care.surveys.importance_performance()
    assert [[str(getattr(r, h)) for h in header] for r in table] == rows


@then(parsers.parse('a silent complaint signal with severity "{severity}" is raised for "{name}" from the survey'))
def signal_raised(care: clientcare.Clientcare, response: clientcare.SurveyResponse, severity: str, name: str) -> None:
    signals = [m.payload for m in care.events.pending(limit=1000) if m.name == "SilentComplaintSignal"]
    expected = {"customer_id": customer_named(care, name).id, "source": "survey", "reference": response.id}
    assert [(s["severity"], {k: s[k] for k in expected}) for s in signals] == [(severity, expected)]


@then(parsers.parse('no silent complaint signal is raised for "{name}"'))
def no_signal(care: clientcare.Clientcare, name: str) -> None:
    assert not [m for m in care.events.pending(limit=1000) if m.name == "SilentComplaintSignal"]


@then(parsers.parse('the survey answer of "{name}" lists the low answers "{low}"'))
def low_answers(care: clientcare.Clientcare, name: str, low: str) -> None:
    latest = care.surveys.for_customer(customer_named(care, name).id)[0]
    assert latest.low_answers == tuple(x.strip() for x in low.split(","))


@then(parsers.parse('the loyalty indicator of "{name}" scores {score} from "{basis}"'))
def loyalty_indicator(assessment: clientcare.Assessment, name: str, score: str, basis: str) -> None:
    row = assessment.indicator("loyalty")
    assert (row.score, row.basis) == (Decimal(score), basis)
