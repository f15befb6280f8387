"""Loyalty surveys: scales, NPS, the importance/performance table, silent complaints (P62, P65, P50)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare import AttributeAnswer, Playbook, SurveyRules, serialization
from clientcare.adapters.clock import FixedClock
from clientcare.assessments import SurveyResponse, nps
from clientcare.complaints import Severity
from clientcare.errors import PlaybookError, ValidationError
from clientcare.events import SilentComplaintSignal


def _response(recommend: int, segment: str = "A") -> SurveyResponse:
    return SurveyResponse.answer(
        tenant="t",
        customer_id="c",
        segment=segment,
        rules=SurveyRules(),
        at=datetime.fromisoformat("2026-01-05T10:00:00+08:00"),
        repurchase_intention=4,
        recommend=recommend,
        trust=4,
        answered_in_time=4,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=40))
def test_nps_stays_between_minus_100_and_100(scores: list[int]) -> None:
    """NPS is promoters minus detractors in percent, so always within -100..100, counts adding up."""
    result = nps([_response(s) for s in scores])
    assert result.score is not None and -100 <= result.score <= 100
    assert result.promoters + result.passives + result.detractors == len(scores)


def test_nps_without_answers_is_none() -> None:
    """No answers, no score (not zero)."""
    assert nps([]).score is None


def test_unknown_attribute_and_unnamed_competitor_are_refused(care: clientcare.Clientcare) -> None:
    """Attributes come from the playbook; competitor ratings need the competitor's name."""
    customer = care.customers.register("王芳", "13800138000")
    base = {"repurchase_intention": 4, "recommend": 8, "trust": 4, "answered_in_time": 4}
    with pytest.raises(ValidationError) as unknown:
        charm = AttributeAnswer(attribute="charm", importance=3, expected=3, experienced=3)
        care.surveys.record(customer.id, attributes=[charm], **base)
    assert unknown.value.field == "attribute"
    rated = AttributeAnswer(attribute="price", importance=3, expected=3, experienced=3, competitor=4)
    with pytest.raises(ValidationError) as unnamed:
        care.surveys.record(customer.id, attributes=[rated], **base)
    assert unnamed.value.field == "competitor"
    with pytest.raises(ValidationError) as scale:
        care.surveys.record(customer.id, **{**base, "trust": 6})
    assert scale.value.field == "trust"


def test_signal_reaches_subscribers_after_commit(care: clientcare.Clientcare) -> None:
    """The complaints area hears SilentComplaintSignal through ordinary subscriptions."""
    heard: list[SilentComplaintSignal] = []
    care.events.subscribe(SilentComplaintSignal, heard.append)
    customer = care.customers.register("王芳", "13800138000")
    response = care.surveys.record(customer.id, repurchase_intention=1, recommend=1, trust=1, answered_in_time=1)
    assert [(e.customer_id, e.reference, e.severity) for e in heard] == [(customer.id, response.id, Severity.MAJOR)]


def test_segment_defaults_to_key_or_general(care: clientcare.Clientcare) -> None:
    """Without a tier source the segment is "key" for key customers, else "general"."""
    key = care.customers.register("王芳", "13800138000")
    care.customers.set_key(key.id, by="m")
    other = care.customers.register("李娜", "13900139000")
    base = {"repurchase_intention": 4, "recommend": 8, "trust": 4, "answered_in_time": 4}
    assert care.surveys.record(key.id, **base).segment == "key"
    assert care.surveys.record(other.id, **base).segment == "general"


def test_period_filters_answers(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """NPS can be taken over a period: answers before ``since`` are left out."""
    customer = care.customers.register("王芳", "13800138000")
    care.surveys.record(customer.id, repurchase_intention=4, recommend=0, trust=4, answered_in_time=4)
    clock.advance(days=30)
    care.surveys.record(customer.id, repurchase_intention=4, recommend=10, trust=4, answered_in_time=4)
    since = clock.now() - timedelta(days=1)
    assert care.surveys.nps(since=since).score == 100
    assert care.surveys.nps().score == 0


def test_response_round_trips_and_hides_the_comment(care: clientcare.Clientcare) -> None:
    """A response survives JSON; the free-text comment stays out of its repr."""
    customer = care.customers.register("王芳", "13800138000")
    response = care.surveys.record(
        customer.id, repurchase_intention=4, recommend=8, trust=4, answered_in_time=4, comment="店员王丽很耐心"
    )
    data = json.loads(json.dumps(serialization.unstructure(response)))
    assert serialization.unstructure(serialization.structure(data, SurveyResponse)) == data
    assert "王丽" not in repr(response)


def test_survey_thresholds_are_validated() -> None:
    """A non-negative gap threshold is refused, naming the key."""
    with pytest.raises(PlaybookError) as caught:
        Playbook.from_mapping({"survey": {"low_gap_at_most": 0}})
    assert caught.value.field == "survey.low_gap_at_most"
