"""Dispatch in batches (issue 12): one claim, the sends, one record, touch by touch after a conflict; the cap."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import attrs
import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.cadences import TouchStatus
from clientcare.playbook import Playbook
from clientcare.ports import Notification

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The in-memory store and a SQLite file."""
    return "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'care.db'}"


def _care(url: str, *, cap: int = 100) -> clientcare.Clientcare:
    playbook = Playbook.default()
    contact = attrs.evolve(playbook.cadences.contact, cap_per_window=cap)
    playbook = attrs.evolve(playbook, cadences=attrs.evolve(playbook.cadences, contact=contact))
    return clientcare.connect(url, tenant="shop", clock=FixedClock(T0), playbook=playbook)


def _arrivals(care: clientcare.Clientcare, phone: str, *styles: str) -> list[str]:
    customer = care.customers.register(f"顾客{phone[-2:]}", phone, by="staff")
    care.privacy.give_consent(customer.id, "service", "sms", method="verbal", source="in_store")
    ids: list[str] = []
    for style in styles:
        care.touches.want(customer.id, style, description="风衣")
        ids.extend(t.id for t in care.touches.stock_arrived(style))
    return ids


class MeddlingNotifier:
    """Records sends; during the first one, staff cancel the other touch of the batch (a concurrent change)."""

    def __init__(self, care: clientcare.Clientcare, pair: set[str]) -> None:
        self.care, self.pair = care, pair
        self.sent: list[Notification] = []
        self.cancelled = ""

    def send(self, notification: Notification) -> None:
        if not self.sent:
            [self.cancelled] = self.pair - {notification.touch_id}
            self.care.touches.cancel(self.cancelled, by="店长", why="customer called in")
        self.sent.append(notification)


def test_a_change_during_the_sends_falls_back_to_recording_touch_by_touch(url: str) -> None:
    """The batch's record meets a conflict; each touch is then recorded alone: the sent one done, the cancelled kept."""
    care = _care(url)
    [first] = _arrivals(care, "13800138001", "QY-1")
    [second] = _arrivals(care, "13800138002", "QY-2")
    notifier = MeddlingNotifier(care, {first, second})
    report = care.touches.dispatch(notifier)
    assert report.sent == 2 and {n.touch_id for n in notifier.sent} == {first, second}  # the batch was claimed
    [done] = {first, second} - {notifier.cancelled}
    assert care.touches.get(done).status is TouchStatus.DONE  # recorded alone after the batch's record conflicted
    assert care.touches.get(notifier.cancelled).status is TouchStatus.CANCELLED  # staff's change stands
    assert care.touches.dispatch(notifier).sent == 0


def test_the_frequency_cap_holds_within_one_batch(url: str) -> None:
    """Two messages for one customer in one batch with a cap of one: one is sent, the other waits for tomorrow."""
    care = _care(url, cap=1)
    ids = _arrivals(care, "13800138003", "QY-1", "QY-2")
    sent: list[Notification] = []

    class Keeping:
        def send(self, notification: Notification) -> None:
            sent.append(notification)

    report = care.touches.dispatch(Keeping())
    assert (report.sent, report.deferred_cap) == (1, 1) and len(sent) == 1
    [deferred] = [t for t in ids if t != sent[0].touch_id]
    assert care.touches.get(deferred).status is TouchStatus.PLANNED
    assert care.touches.get(deferred).due > T0.date()
