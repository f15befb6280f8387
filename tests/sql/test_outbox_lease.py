"""The relay lease on SQLite, PostgreSQL and MariaDB: one holder at a time, taken over when it runs out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.relays import OutboxRelay
from clientcare.ports import OutboxMessage

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


class Collecting:
    """A publisher that keeps the outbox ids it was given, in order."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        self.ids.extend(m.id for m, _ in envelopes)


def test_one_relay_holds_the_outbox_until_its_lease_runs_out(sql_url: str) -> None:
    """B finds A's lease and waits; A renews it; after it runs out B takes over and A waits in turn."""
    care = clientcare.connect(sql_url, tenant=f"lease-{uuid.uuid4().hex[:8]}", clock=FixedClock(T0))
    for n in range(3):
        care.customers.register(f"顾客{n}", f"1380013{n:04d}", by="staff")
    total = len(care.events.pending(limit=1000))
    at = [T0]
    a_bus, b_bus = Collecting(), Collecting()
    a = OutboxRelay(care.backend, care.tenant, a_bus, holder="a", lease_seconds=10, now=lambda: at[0])
    b = OutboxRelay(care.backend, care.tenant, b_bus, holder="b", lease_seconds=10, now=lambda: at[0])
    assert b.run_once(limit=1) == 1  # the first claim creates the lease row
    assert a.run_once(limit=1) == 0
    at[0] += timedelta(seconds=11)
    assert a.run_once(limit=1) == 1
    assert b.run_once(limit=1) == 0
    at[0] += timedelta(seconds=11)
    assert b.drain(limit=1) == total - 2
    assert b_bus.ids[:1] + a_bus.ids + b_bus.ids[1:] == sorted(a_bus.ids + b_bus.ids)
    assert care.events.pending() == []
    care.close()
