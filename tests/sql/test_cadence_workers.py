"""Several worker processes run the daily run and the dispatch at once on PostgreSQL and MariaDB.

Every worker plans the whole day (no sharding: the most overlap there can
be) and then dispatches until nothing is left. Afterwards: each touch was
planned once (one row per key, one ``TouchPlanned`` event per row, and a
further run plans nothing), and each automated message was sent exactly once.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.errors import ConcurrencyConflict
from clientcare.ports import Notification

from .conftest import server_engine, wipe

DAY = date(2026, 2, 15)  # two days before the 2026 Spring Festival: greetings are due
NOW = datetime.fromisoformat("2026-02-15T10:00:00+08:00")
WORKERS = 4
CUSTOMERS = 60


class FileNotifier:
    """Appends each sent touch id to a file (one per worker), so the parent can count sends."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notification: Notification) -> None:
        """Record the touch id (never the address or text)."""
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(notification.touch_id + "\n")


def _facade(url: str) -> clientcare.Clientcare:
    care = clientcare.connect(url, tenant="shop", clock=FixedClock(NOW), upgrade=False)
    care = care.with_cadence_ports(roster=clientcare.FixedRoster({None: ["alice", "bob"]}))
    return care


def _retrying(action: Any) -> Any:
    """Run a use case again on ConcurrencyConflict, as a scheduler would (both are idempotent)."""
    for _attempt in range(50):
        try:
            return action()
        except ConcurrencyConflict:
            time.sleep(random.uniform(0, 0.05))
    raise RuntimeError("gave up after 50 conflicts")


def _worker(url: str, name: str, sent_file: str, start: Any, queue: Any) -> None:
    """Plan the day, then dispatch in small leases until three rounds in a row find nothing."""
    try:
        care = _facade(url)
        notifier = FileNotifier(Path(sent_file))
        start.wait(timeout=60)
        _retrying(lambda: care.daily.run(DAY, batch=7))
        idle = 0
        while idle < 3:
            report = _retrying(lambda: care.touches.dispatch(notifier, worker=name, limit=4))
            busy = report.sent + report.skipped_no_consent + report.deferred_cap + report.failed
            idle = 0 if busy else idle + 1
            if not busy:
                time.sleep(0.05)
        care.close()
        queue.put(("ok", name))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", f"{name}: {type(exc).__name__}: {exc}"))


def _seed(url: str) -> None:
    care = _facade(url)
    for i in range(CUSTOMERS):
        customer = care.customers.register(
            f"客户{i}",
            f"1390000{i:04d}",
            birthday=date(1990, 2, 16) if i % 2 else None,
            customer_agrees=True,
            by="staff",
        )
        care.privacy.give_consent(customer.id, "greetings", "sms", method="verbal", source="in_store")
    care.close()


@pytest.mark.parametrize(
    "kind", [pytest.param("postgresql", marks=pytest.mark.postgres), pytest.param("mariadb", marks=pytest.mark.mariadb)]
)
def test_concurrent_workers_plan_once_and_send_once(
    kind: str, server_engines: dict[str, Engine], tmp_path: Path
) -> None:
    """Four processes running the daily run and dispatch together plan every touch once and send each message once."""
    engine = server_engine(kind, server_engines)
    wipe(engine)
    url = engine.url.render_as_string(hide_password=False)
    _seed(url)
    with engine.begin() as conn:
        conn.execute(t.outbox.delete())
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start = context.Barrier(WORKERS)
    files = [tmp_path / f"sent-{w}.txt" for w in range(WORKERS)]
    processes = [
        context.Process(target=_worker, args=(url, f"w{w}", str(files[w]), start, queue)) for w in range(WORKERS)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert sorted(r[0] for r in results) == ["ok"] * WORKERS, results

    touches = t.touches.c
    with engine.connect() as conn:
        rows = conn.execute(select(touches.id, touches.key, touches.status, touches.automated)).all()
        planned_events = [
            json.loads(payload)["touch_id"]
            for payload in conn.execute(select(t.outbox.c.payload).where(t.outbox.c.name == "TouchPlanned")).scalars()
        ]
        keys = conn.execute(select(func.count(func.distinct(touches.key)))).scalar_one()
    # 60 customers: a Spring Festival greeting each, a birthday greeting for every second one.
    assert len(rows) == CUSTOMERS + CUSTOMERS // 2 == keys
    assert Counter(planned_events) == Counter(row.id for row in rows), "one TouchPlanned per stored touch"
    assert _facade(url).daily.run(DAY).planned == 0, "nothing was left for a later run"

    sends = [line for f in files if f.exists() for line in f.read_text().split()]
    duplicates = [touch for touch, n in Counter(sends).items() if n > 1]
    assert duplicates == [], "no message is sent twice"
    automated = {row.id for row in rows if row.automated}
    assert set(sends) == automated, "every automated touch was sent"
    assert {row.status for row in rows} == {"done"}
    assert len({f for f in files if f.exists() and f.read_text()}) >= 2, "the work was shared"
