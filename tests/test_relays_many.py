"""Several relays of one tenant at once (issue 12): one holds the outbox's lease, a killed holder is taken over.

Against the real RabbitMQ and Redis (random queue and stream names), with
relay processes on one SQLite outbox; and in-process on memory for the lease
rules themselves.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_relays import WORKER, Bus, _busy_tenant, _in_order_per_customer

import clientcare
from clientcare.adapters.relays import OutboxRelay
from clientcare.ports import OutboxMessage

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
DEADLINE_SECONDS = 90


@pytest.fixture(params=["rabbitmq", "redis"])
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    """A fresh RabbitMQ queue or Redis stream, removed afterwards."""
    made = Bus(request.param)
    yield made
    made.close()


class Collecting:
    """A publisher that keeps the outbox ids it was given, in order."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        self.ids.extend(m.id for m, _ in envelopes)


class Clock:
    """A time the test moves."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at


def test_only_the_lease_holder_publishes_until_its_lease_runs_out() -> None:
    """Relay B waits while A holds the lease; A renews it with each batch; when A stops, B takes over."""
    care = _busy_tenant("memory://", customers=3)
    total = len(care.events.pending(limit=1000))
    clock, a_bus, b_bus = Clock(), Collecting(), Collecting()
    a = OutboxRelay(care.backend, care.tenant, a_bus, holder="a", lease_seconds=10, now=clock)
    b = OutboxRelay(care.backend, care.tenant, b_bus, holder="b", lease_seconds=10, now=clock)
    assert a.run_once(limit=2) == 2
    assert b.run_once(limit=2) == 0 and b_bus.ids == []
    clock.at += timedelta(seconds=9)
    assert a.run_once(limit=2) == 2  # renewed until T0 + 19 s
    clock.at += timedelta(seconds=9)
    assert b.run_once(limit=2) == 0
    clock.at += timedelta(seconds=2)  # A's lease ran out: B takes over
    assert b.drain(limit=2) == total - 4
    assert a.run_once(limit=2) == 0  # and A now waits for B's lease
    assert a_bus.ids + b_bus.ids == sorted(a_bus.ids + b_bus.ids) and len(set(a_bus.ids + b_bus.ids)) == total
    assert care.events.pending() == []


def _spawn(bus: Bus, url: str, tenant: str, holder: str, lease: float) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(WORKER), bus.kind, bus.url, bus.target, url, tenant, holder, str(lease)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _holder(db: Path, tenant: str) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT holder FROM cc_outbox_leases WHERE tenant = ?", (tenant,)).fetchone()
    return None if row is None else str(row[0])


def _wait_empty(care: clientcare.Clientcare, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.time() + DEADLINE_SECONDS
    while care.events.pending(limit=1):
        assert time.time() < deadline, "the relays did not empty the outbox in time"
        time.sleep(0.1)
    for worker in workers:
        worker.kill()
        worker.wait()


def test_two_relays_at_once_publish_everything_once_and_in_order(bus: Bus, tmp_path: Path) -> None:
    """Two relay processes on one outbox: every event arrives exactly once (the lease), in order per customer."""
    db = tmp_path / "care.db"
    care = _busy_tenant(f"sqlite:///{db}", customers=8)
    expected = [f"{care.tenant}:{m.id}" for m in care.events.pending(limit=1000)]
    workers = [_spawn(bus, f"sqlite:///{db}", care.tenant, f"r{n}", lease=60) for n in range(2)]
    try:
        _wait_empty(care, workers)
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    received = bus.received()
    assert sorted(event["id"] for event in received) == sorted(expected)  # none lost, none twice
    _in_order_per_customer(received)


def test_a_killed_lease_holder_is_taken_over_without_loss(bus: Bus, tmp_path: Path) -> None:
    """SIGKILL the relay holding the lease half-way: the other takes over when the lease runs out; nothing is lost."""
    db = tmp_path / "care.db"
    care = _busy_tenant(f"sqlite:///{db}", customers=8)
    expected = {f"{care.tenant}:{m.id}" for m in care.events.pending(limit=1000)}
    workers = {f"r{n}": _spawn(bus, f"sqlite:///{db}", care.tenant, f"r{n}", lease=2) for n in range(2)}
    try:
        deadline = time.time() + DEADLINE_SECONDS
        while len(care.events.pending(limit=1000)) > len(expected) // 2 or _holder(db, care.tenant) is None:
            assert time.time() < deadline, "the relays made no progress"
            time.sleep(0.02)
        victim = _holder(db, care.tenant)
        assert victim is not None
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].wait()
        assert care.events.pending(limit=1000) != []  # it really stopped half-way
        _wait_empty(care, list(workers.values()))
        assert _holder(db, care.tenant) != victim  # the survivor took the lease over
    finally:
        for worker in workers.values():
            worker.kill()
            worker.wait()
    received = bus.received()
    assert {event["id"] for event in received} == expected
    _in_order_per_customer(received)
