"""A dispatch worker for the crash test: sends through a SQLite sink until killed.

Run as ``python dispatch_crash_worker.py URL TENANT SINK START WORKER``. The
clock is ``NOON`` plus the real seconds since ``START`` (an epoch), so every
process agrees on the time and leases really expire.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta

import attrs

import clientcare
from clientcare.errors import ConcurrencyConflict
from clientcare.playbook import Playbook
from clientcare.ports import Notification

NOON = datetime.fromisoformat("2026-06-01T12:00:00+08:00")


class RunningClock:
    """NOON, then as the wall clock moves since ``start``."""

    def __init__(self, start: float) -> None:
        self.start = start

    def now(self) -> datetime:
        """The shared test time."""
        return NOON + timedelta(seconds=time.time() - self.start)


class SqliteSink:
    """Records every delivery (touch id, idempotency key, process) in a SQLite file shared by all workers.

    One send in ten fails, so retries with backoff run under the kills too.
    """

    def __init__(self, path: str, worker: str) -> None:
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.worker = worker

    def send(self, notification: Notification) -> None:
        """Record the delivery, or fail on purpose now and then."""
        if random.random() < 0.1:
            raise ConnectionError("sink unavailable (simulated)")
        self.db.execute(
            "INSERT INTO deliveries (touch_id, key, worker) VALUES (?, ?, ?)",
            (notification.touch_id, notification.idempotency_key, self.worker),
        )
        time.sleep(random.random() * 0.02)  # widen the window between send and mark


def fast_playbook() -> Playbook:
    """Many attempts and a short backoff, so a failing send comes back within the test."""
    playbook = Playbook.default()
    contact = attrs.evolve(
        playbook.cadences.contact,
        send_attempts=1000,
        send_backoff_seconds=1,
        send_backoff_max_seconds=1,
        cap_per_window=100,
        quiet_from_hour=0,
        quiet_until_hour=0,
    )
    return attrs.evolve(playbook, cadences=attrs.evolve(playbook.cadences, contact=contact))


def main(url: str, tenant: str, sink: str, start: str, worker: str) -> None:
    """Dispatch in small rounds, forever (the test kills this process)."""
    care = clientcare.connect(url, tenant=tenant, clock=RunningClock(float(start)), playbook=fast_playbook())
    notifier = SqliteSink(sink, worker)
    while True:
        try:
            report = care.touches.dispatch(notifier, worker=worker, limit=3, lease_seconds=2)
        except ConcurrencyConflict:
            continue
        if report.sent == 0:
            time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:6])
