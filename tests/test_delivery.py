"""Delivery with guarantees (issue 12, item 4): backoff with jitter, dead letters, requeue, idempotency keys."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.cadences import TouchStatus, backoff, delivery_key
from clientcare.errors import InvalidTransition
from clientcare.events import TouchDeliveryFailed
from clientcare.playbook import ContactRules, Playbook
from clientcare.ports import Notification

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


class Refused(Exception):
    """A channel's answer that retrying cannot change (a 4xx, an unknown address)."""

    permanent = True


class RefusingNotifier:
    """Refuses every message for good."""

    def send(self, notification: Notification) -> None:
        raise Refused


def _care(clock: FixedClock, **contact: int) -> tuple[clientcare.Clientcare, str]:
    playbook = Playbook.default()
    rules = attrs.evolve(playbook.cadences.contact, **contact)
    playbook = attrs.evolve(playbook, cadences=attrs.evolve(playbook.cadences, contact=rules))
    care = clientcare.connect("memory://", tenant="shop", clock=clock, playbook=playbook)
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.privacy.give_consent(ann.id, "service", "sms", method="verbal", source="in_store")
    care.touches.want(ann.id, "QY-1", description="风衣")
    [touch] = care.touches.stock_arrived("QY-1")
    return care, touch.id


def test_backoff_doubles_up_to_the_cap_with_at_most_a_quarter_of_jitter() -> None:
    """Each failed attempt waits twice as long as the one before, capped, plus 0–25 % jitter fixed per touch."""
    rules = ContactRules(send_backoff_seconds=10, send_backoff_max_seconds=60)
    for attempt, base in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        wait = backoff(rules, "t1", attempt).total_seconds()
        assert base <= wait <= base * 1.25
        assert backoff(rules, "t1", attempt) == backoff(rules, "t1", attempt)
    assert len({backoff(rules, f"t{n}", 1) for n in range(20)}) > 1  # touches that failed together spread out


def test_failed_sends_back_off_then_dead_letter_with_the_reason_code() -> None:
    """A failing channel is retried after each backoff; the last attempt dead-letters the touch."""
    clock = FixedClock(T0)
    care, touch_id = _care(clock, send_attempts=3, send_backoff_seconds=60, send_backoff_max_seconds=600)
    notifier = RecordingNotifier()
    failures: list[TouchDeliveryFailed] = []
    care.events.subscribe(TouchDeliveryFailed, failures.append)
    notifier.fail_next = 3
    assert care.touches.dispatch(notifier).failed == 1
    assert care.touches.dispatch(notifier).failed == 0  # backing off
    clock.advance(seconds=76)  # 60 s plus the most jitter
    assert care.touches.dispatch(notifier).failed == 1
    clock.advance(seconds=151)
    assert care.touches.dispatch(notifier).failed == 1
    [dead] = care.touches.failed()
    assert (dead.id, dead.status, dead.status_reason, dead.delivery_attempts) == (
        touch_id,
        TouchStatus.FAILED,
        "ConnectionError",
        3,
    )
    assert [(f.attempt, f.reason, f.retry_at is None) for f in failures] == [
        (1, "ConnectionError", False),
        (2, "ConnectionError", False),
        (3, "ConnectionError", True),
    ]
    clock.advance(days=1)
    assert care.touches.dispatch(notifier).sent == 0  # a dead letter is never sent by itself


def test_a_requeued_dead_letter_is_sent_with_its_old_key() -> None:
    """Requeue gives a dead letter fresh attempts; it goes out under the key every earlier attempt carried."""
    clock = FixedClock(T0)
    care, touch_id = _care(clock, send_attempts=1)
    notifier = RecordingNotifier()
    notifier.fail_next = 1
    care.touches.dispatch(notifier)
    assert [t.id for t in care.touches.failed()] == [touch_id]
    requeued = care.touches.requeue(touch_id)
    assert (requeued.status, requeued.delivery_attempts) == (TouchStatus.PLANNED, 0)
    assert care.touches.dispatch(notifier).sent == 1
    assert care.touches.failed() == []
    [sent] = notifier.sent
    assert sent.idempotency_key == delivery_key("shop", touch_id)
    with pytest.raises(InvalidTransition):
        care.touches.requeue(touch_id)  # only dead letters are requeued


def test_a_permanent_refusal_dead_letters_at_once() -> None:
    """An error marked permanent is not retried: the touch is a dead letter with reason ``refused``."""
    clock = FixedClock(T0)
    care, touch_id = _care(clock, send_attempts=5)
    assert care.touches.dispatch(RefusingNotifier()).failed == 1
    [dead] = care.touches.failed()
    assert (dead.id, dead.status_reason, dead.delivery_attempts) == (touch_id, "refused", 1)


def test_idempotency_keys_are_stable_per_touch_and_differ_between_tenants_and_touches() -> None:
    """The key depends on tenant and touch only: the same on every attempt, different elsewhere."""
    key = delivery_key("shop", "t1")
    assert key == delivery_key("shop", "t1") and len(key) == 32
    assert len({key, delivery_key("other", "t1"), delivery_key("shop", "t2")}) == 3


class FlakyKeyLog:
    """Notes the key of every attempt; the first attempt fails after the channel saw it."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def send(self, notification: Notification) -> None:
        self.keys.append(notification.idempotency_key)
        if len(self.keys) == 1:
            raise TimeoutError


def test_every_attempt_at_one_touch_carries_the_same_key() -> None:
    """A send retried after a timeout carries the key of the first attempt, which the channel may have kept."""
    clock = FixedClock(T0)
    care, touch_id = _care(clock)
    notifier = FlakyKeyLog()
    assert care.touches.dispatch(notifier, lease_seconds=30).failed == 1
    clock.advance(minutes=5)
    assert care.touches.dispatch(notifier).sent == 1
    assert notifier.keys == [delivery_key("shop", touch_id)] * 2
