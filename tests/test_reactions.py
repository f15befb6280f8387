"""Reactions between areas from stored jobs (issue 12, item 5): retried with backoff, visible when they keep failing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.app import REACTION_ATTEMPTS
from clientcare.errors import ValidationError
from clientcare.events import SurveyAnswered

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
LOW = {"repurchase_intention": 1, "recommend": 1, "trust": 1, "answered_in_time": 1}


class Flaky:
    """A handler that fails while ``broken`` and remembers the survey answers it handled."""

    def __init__(self) -> None:
        self.broken = True
        self.handled: list[str] = []

    def __call__(self, event: SurveyAnswered) -> None:
        if self.broken:
            raise RuntimeError("downstream unavailable")
        self.handled.append(event.response_id)


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``memory://`` and a fresh SQLite file."""
    return "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'care.db'}"


def test_a_low_survey_answer_opens_its_complaint_through_a_stored_reaction(url: str) -> None:
    """The complaint is opened right after the commit, and no reaction job is left behind."""
    care = clientcare.connect(url, tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.surveys.record(ann.id, **LOW)
    assert len(care.complaints.for_customer(ann.id)) == 1
    assert care.events.failed() == []
    assert care.events.react() == 0


def test_a_failing_reaction_is_retried_after_its_backoff_and_visible_meanwhile(url: str) -> None:
    """A handler that fails keeps its job, with attempts and the error's class; once fixed, react() runs it once."""
    clock = FixedClock(T0)
    care = clientcare.connect(url, tenant="shop", clock=clock)
    flaky = Flaky()
    care.events.react_with("test.flaky", SurveyAnswered, flaky)
    ann = care.customers.register("王芳", "13800138000", by="staff")
    response = care.surveys.record(ann.id, **LOW)
    [job] = care.events.failed()
    assert (job.handler, job.event_name, job.attempts, job.reason) == (
        "test.flaky",
        "SurveyAnswered",
        1,
        "RuntimeError",
    )
    assert job.retry_at is not None and job.retry_at > T0
    flaky.broken = False
    assert care.events.react() == 0  # still backing off
    clock.advance(minutes=1)
    assert care.events.react() == 1
    assert flaky.handled == [response.id]
    assert care.events.failed() == []
    assert len(care.complaints.for_customer(ann.id)) == 1  # the other reaction was never held up


def test_a_reaction_that_keeps_failing_is_given_up_and_stays_visible(url: str) -> None:
    """After the last attempt the job waits in failed() with no retry time, and react() leaves it alone."""
    clock = FixedClock(T0)
    care = clientcare.connect(url, tenant="shop", clock=clock)
    care.events.react_with("test.flaky", SurveyAnswered, Flaky())
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.surveys.record(ann.id, **LOW)
    for _ in range(REACTION_ATTEMPTS):
        clock.advance(hours=2)
        care.events.react()
    [job] = care.events.failed()
    assert (job.attempts, job.retry_at) == (REACTION_ATTEMPTS, None)
    clock.advance(days=30)
    assert care.events.react() == 0


def test_a_reaction_needs_an_event_class_and_a_callable() -> None:
    """react_with refuses what cannot be a durable handler."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    with pytest.raises(ValidationError):
        care.events.react_with("x", str, print)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        care.events.react_with("x", SurveyAnswered, "not callable")  # type: ignore[arg-type]


def test_the_daily_run_runs_the_reactions_that_are_due(url: str) -> None:
    """A reaction waiting for its retry runs with the next daily run, without a separate react() call."""
    clock = FixedClock(T0)
    care = clientcare.connect(url, tenant="shop", clock=clock)
    flaky = Flaky()
    care.events.react_with("test.flaky", SurveyAnswered, flaky)
    ann = care.customers.register("王芳", "13800138000", by="staff")
    response = care.surveys.record(ann.id, **LOW)
    flaky.broken = False
    clock.advance(days=1)
    care.daily.run()
    assert flaky.handled == [response.id]
    assert care.events.failed() == []
