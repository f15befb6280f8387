"""Model-based test of the touch life cycle (issue 10, item 8).

A plain model of the rules in docs/cadences.md predicts, for every command
(complete, reschedule, skip, cancel, hold, release, a failed
delivery, requeue), whether the touch
accepts it, what it returns, which events it records and where the touch
stands afterwards; the test asserts the library agrees, step by step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import attrs
import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from clientcare.cadences import Outcome, Precision, Touch, TouchReason, TouchStatus
from clientcare.customers import Channel
from clientcare.errors import InvalidTransition
from clientcare.events import (
    DomainEvent,
    SilentComplaintSignal,
    TouchCancelled,
    TouchCompleted,
    TouchDeliveryFailed,
    TouchHeld,
    TouchRescheduled,
    TouchSkipped,
)

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
D0 = T0.date()
OPEN = frozenset({"planned", "held"})
#: P50: the outcomes that are a silent complaint.
COMPLAINING = frozenset({Outcome.COMPLAINT_RAISED, Outcome.NEGATIVE})

days = st.integers(min_value=0, max_value=20)
#: No-answer is one outcome of thirteen but the only one with its own rule: drawn as often as all others.
outcomes = st.one_of(st.just(Outcome.NO_ANSWER), st.sampled_from(Outcome))


@attrs.define
class TouchModel:
    """What the rules say about one touch, written without the library's code."""

    status: str = "planned"
    due: date = D0
    attempts: int = 0
    outcome: Outcome | None = None
    delivery_attempts: int = 0

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def complete(
        self, outcome: Outcome, *, on: date, max_retries: int, retry_after_days: int
    ) -> tuple[bool, list[type[DomainEvent]]] | None:
        """None when refused; else whether the touch closed and the events it records."""
        if not self.open:
            return None
        self.attempts += 1
        if outcome is Outcome.NO_ANSWER and self.attempts <= max_retries:
            self.due = max(self.due, on) + timedelta(days=retry_after_days)
            return False, [TouchRescheduled]
        self.status, self.outcome = "done", outcome
        return True, [TouchCompleted] + ([SilentComplaintSignal] if outcome in COMPLAINING else [])

    def reschedule(self, to: date) -> list[type[DomainEvent]] | None:
        if not self.open:
            return None
        self.status, self.due = "planned", to
        return [TouchRescheduled]

    def close(self, status: str, event: type[DomainEvent]) -> list[type[DomainEvent]] | None:
        if not self.open:
            return None
        self.status = status
        return [event]

    def hold(self) -> list[type[DomainEvent]] | None:
        if self.status == "held":
            return []
        if self.status != "planned":
            return None
        self.status = "held"
        return [TouchHeld]

    def delivery_failed(self, *, dead: bool) -> list[type[DomainEvent]] | None:
        """A failed send counts an attempt; a dead letter leaves the open statuses."""
        if self.status != "planned":
            return None
        self.delivery_attempts += 1
        if dead:
            self.status = "failed"
        return [TouchDeliveryFailed]

    def requeue(self, due: date) -> list[type[DomainEvent]] | None:
        if self.status != "failed":
            return None
        self.status, self.due, self.delivery_attempts = "planned", max(self.due, due), 0
        return [TouchRescheduled]

    def release(self, due: date) -> list[type[DomainEvent]]:
        if self.status != "held":
            return []
        self.status, self.due = "planned", max(self.due, due)
        return [TouchHeld]


class TouchLifeCycle(RuleBasedStateMachine):
    """Random commands on one touch; the model predicts each answer."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.touch, self.model = self._new_touch(), TouchModel()

    @staticmethod
    def _new_touch() -> Touch:
        touch = Touch.plan(
            tenant="shop",
            customer_id="c1",
            reason=TouchReason.RETURN_VISIT,
            occasion=D0,
            due=D0,
            precision=Precision(information="询问是否满意", channel=Channel.PHONE),
            at=T0,
        )
        touch.pull_events()
        return touch

    @rule()
    def another_touch(self) -> None:
        """A closed touch refuses everything; a fresh one lets a run explore another life."""
        self.touch, self.model = self._new_touch(), TouchModel()

    def _agree(self, expected: list[type[DomainEvent]] | None, command: object) -> None:
        """The library refuses exactly when the model does, and records the predicted events."""
        if expected is None:
            assert isinstance(command, InvalidTransition), f"accepted what the model refuses: {command!r}"
            assert self.touch.pull_events() == []
            return
        assert not isinstance(command, BaseException), f"refused what the model accepts: {command!r}"
        assert [type(e) for e in self.touch.pull_events()] == expected

    @staticmethod
    def _run(action: Callable[[], object]) -> object:
        """The command's answer, or the InvalidTransition it raised (any other error fails the test)."""
        try:
            return action()
        except InvalidTransition as refused:
            return refused

    @rule(hours=st.integers(min_value=1, max_value=72))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(
        outcome=outcomes,
        max_retries=st.integers(min_value=0, max_value=3),
        retry_after_days=st.integers(min_value=1, max_value=5),
    )
    def complete(self, outcome: Outcome, max_retries: int, retry_after_days: int) -> None:
        expected = self.model.complete(
            outcome, on=self.now.date(), max_retries=max_retries, retry_after_days=retry_after_days
        )
        answer = self._run(
            lambda: self.touch.complete(
                outcome, by="alice", at=self.now, max_retries=max_retries, retry_after_days=retry_after_days
            )
        )
        if expected is None:
            self._agree(None, answer)
            return
        closed, events = expected
        assert answer is closed
        self._agree(events, answer)

    @rule(days_on=days)
    def reschedule(self, days_on: int) -> None:
        to = D0 + timedelta(days=days_on)
        expected = self.model.reschedule(to)
        self._agree(expected, self._run(lambda: self.touch.reschedule(to, by="alice", at=self.now, why="顾客出差")))

    @rule()
    def skip(self) -> None:
        expected = self.model.close("skipped", TouchSkipped)
        self._agree(expected, self._run(lambda: self.touch.skip(why="顾客已来店", by="alice", at=self.now)))

    @rule()
    def cancel(self) -> None:
        expected = self.model.close("cancelled", TouchCancelled)
        self._agree(expected, self._run(lambda: self.touch.cancel(why="opt-out", by="alice", at=self.now)))

    @rule()
    def hold(self) -> None:
        expected = self.model.hold()
        self._agree(expected, self._run(lambda: self.touch.hold(why="open complaint", at=self.now)))

    @rule(shift=st.integers(min_value=-5, max_value=5))
    def release(self, shift: int) -> None:
        # Around the touch's own due date: a release day before it must not pull the touch forward.
        due = self.model.due + timedelta(days=shift)
        expected = self.model.release(due)
        self._agree(expected, self._run(lambda: self.touch.release(due=due, at=self.now)))

    @rule(dead=st.booleans())
    def delivery_fails(self, dead: bool) -> None:
        expected = self.model.delivery_failed(dead=dead)
        retry_at = None if dead else self.now + timedelta(minutes=5)
        self._agree(
            expected,
            self._run(lambda: self.touch.delivery_failed(reason="TimeoutError", at=self.now, retry_at=retry_at)),
        )

    @rule(shift=st.integers(min_value=-5, max_value=5))
    def requeue(self, shift: int) -> None:
        due = self.model.due + timedelta(days=shift)
        expected = self.model.requeue(due)
        self._agree(expected, self._run(lambda: self.touch.requeue(by="alice", at=self.now, due=due)))

    @invariant()
    def stands_where_the_model_says(self) -> None:
        touch, model = self.touch, self.model
        assert (touch.status.value, touch.due, touch.attempts, touch.outcome) == (
            model.status,
            model.due,
            model.attempts,
            model.outcome,
        )
        assert touch.delivery_attempts == model.delivery_attempts
        assert touch.status.open is model.open
        assert (touch.closed_at is None) is model.open
        if not model.open:
            assert touch.closed_by == ("dispatch" if model.status == "failed" else "alice")
            assert touch.lease_owner is None


TestTouchLifeCycle = TouchLifeCycle.TestCase
TestTouchLifeCycle.settings = settings(
    max_examples=300, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_the_model_covers_every_status() -> None:
    """The model's statuses are the library's: a new status needs a rule in the model first."""
    assert {s.value for s in TouchStatus} == OPEN | {"done", "skipped", "cancelled", "failed"}
