"""Dispatch workers killed with SIGKILL at random points lose no message (issue 12, item 4).

Three worker processes dispatch the same tenant's touches through a sink
that records every delivery in a shared SQLite file (and fails one send in
ten). The test kills a random worker every second or two and starts a new
one, up to ``KILLS`` times, then lets the workers empty the queue. Then: every touch reached the
sink at least once, all deliveries of a touch carry one idempotency key,
and every touch is marked sent. On SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import clientcare
from clientcare.cadences import TouchStatus

from .dispatch_crash_worker import RunningClock, fast_playbook

WORKER = Path(__file__).with_name("dispatch_crash_worker.py")
CUSTOMERS = 15
WORKERS = 3
#: SIGKILLs before the workers are left to finish (a worker takes a few seconds to start on a busy machine).
KILLS = 10
#: Bound on the whole run: a stuck queue fails the test instead of hanging it.
DEADLINE_SECONDS = 150


def _plan(care: clientcare.Clientcare) -> list[str]:
    """One automated SMS per customer (a wanted item arrived), all due now."""
    for n in range(CUSTOMERS):
        customer = care.customers.register(f"顾客{n}", f"138001{n:05d}", by="staff")
        care.privacy.give_consent(customer.id, "service", "sms", method="verbal", source="in_store")
        care.touches.want(customer.id, "QY-1", description="风衣")
    return [t.id for t in care.touches.stock_arrived("QY-1") if t.automated]


def _spawn(url: str, tenant: str, sink: Path, start: float, n: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(WORKER), url, tenant, str(sink), repr(start), f"w{n}"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_dispatchers_lose_nothing_and_never_change_a_key(sql_url: str, tmp_path: Path) -> None:
    """SIGKILLed and restarted workers deliver every message at least once, each under one key, and mark all sent."""
    sink = tmp_path / "sink.db"
    with sqlite3.connect(sink) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE deliveries (touch_id TEXT, key TEXT, worker TEXT)")
    start = time.time()
    tenant = f"crash-{uuid.uuid4().hex[:8]}"
    care = clientcare.connect(sql_url, tenant=tenant, clock=RunningClock(start), playbook=fast_playbook())
    touch_ids = _plan(care)
    assert len(touch_ids) == CUSTOMERS
    workers = [_spawn(sql_url, tenant, sink, start, n) for n in range(WORKERS)]
    spawned, kills = WORKERS, 0
    try:
        while any(care.touches.get(t).status is TouchStatus.PLANNED for t in touch_ids):
            assert time.time() - start < DEADLINE_SECONDS, "the queue did not empty in time"
            time.sleep(random.uniform(1.0, 3.0))
            if kills >= KILLS:
                continue
            victim = random.randrange(WORKERS)
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait()
            kills += 1
            workers[victim] = _spawn(sql_url, tenant, sink, start, spawned)
            spawned += 1
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        care.close()
    with sqlite3.connect(sink) as db:
        rows = db.execute("SELECT touch_id, key FROM deliveries").fetchall()
    keys: dict[str, set[str]] = {}
    for touch_id, key in rows:
        keys.setdefault(touch_id, set()).add(key)
    assert kills > 0
    assert set(keys) == set(touch_ids)  # none lost
    assert all(len(k) == 1 for k in keys.values())  # never two keys for one message
    assert len({k for ks in keys.values() for k in ks}) == len(touch_ids)  # keys differ between messages
    reopened = clientcare.connect(sql_url, tenant=tenant, clock=RunningClock(start))
    assert {reopened.touches.get(t).status for t in touch_ids} == {TouchStatus.DONE}
    reopened.close()
