"""examples/workers: four Dramatiq worker processes plan the day in shards, dispatch and relay.

The test seeds a shop, starts ``dramatiq tasks`` with four processes on a
Redis namespace of its own, enqueues the day as cron would (eight shards,
then dispatch, then the relay) and waits for the relay. Every touch must be
planned once (one row per key, one ``TouchPlanned`` on the stream per row),
every automated message sent once (with a unique idempotency key), every
event relayed once; a second run of the day changes nothing. On PostgreSQL
and on an SQLite file (the example is re-runnable there too).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, create_engine, select

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import _tables as t

from .conftest import server_engine, sqlite_url, wipe

WORKERS = Path(__file__).resolve().parents[2] / "examples" / "workers"
DAY = date(2026, 2, 15)  # two days before the 2026 Spring Festival: greetings are due
NOW = "2026-02-15T10:00:00+08:00"
CUSTOMERS = 40
TENANT = "shop"


def _redis_url() -> str:
    url = os.environ.get("CLIENTCARE_TEST_REDIS_URL")
    if not url:
        message = "CLIENTCARE_TEST_REDIS_URL is not set; export CLIENTCARE_TEST_REDIS_URL=redis://127.0.0.1:6379/0"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path, server_engines: dict[str, Engine]
) -> str:
    """A migrated, empty database: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return sqlite_url(sqlite_template, tmp_path)
    engine = server_engine("postgresql", server_engines)
    wipe(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def namespace() -> Iterator[tuple[redis.Redis, str]]:
    """A Redis client and a random namespace for the broker's keys and the stream, deleted after."""
    client = redis.Redis.from_url(_redis_url())
    name = f"cc-workers-test-{uuid.uuid4().hex[:12]}"
    yield client, name
    for key in client.scan_iter(match=f"{name}*"):
        client.delete(key)
    client.close()


def _seed(url: str) -> None:
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(datetime.fromisoformat(NOW))) as care:
        for i in range(CUSTOMERS):
            customer = care.customers.register(
                f"客户{i}",
                f"1390000{i:04d}",
                birthday=date(1990, 2, 16) if i % 2 else None,
                customer_agrees=True,
                by="staff",
            )
            care.privacy.give_consent(customer.id, "greetings", "sms", method="verbal", source="in_store")


def _wait_for(log: Path, text: str, count: int, workers: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count(text) >= count:
            return
        assert workers.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    raise AssertionError(f"waited 300 s for {text!r} x{count}:\n" + log.read_text(errors="replace")[-3000:])


def _enqueue(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, str(WORKERS / "enqueue.py"), "daily", "--shards", "8", "--day", DAY.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_four_workers_plan_once_send_once_and_relay_once(
    database: str, namespace: tuple[redis.Redis, str], tmp_path: Path
) -> None:
    """Two runs of the day on four processes: every touch planned and sent once, every event relayed once."""
    client, name = namespace
    _seed(database)
    sink, log, stream = tmp_path / "sent.log", tmp_path / "workers.log", f"{name}:events"
    env = {
        **os.environ,
        "CLIENTCARE_URL": database,
        "CLIENTCARE_TENANT": TENANT,
        "CLIENTCARE_NOW": NOW,
        "WORKERS_REDIS_URL": _redis_url(),
        "WORKERS_NAMESPACE": name,
        "WORKERS_SINK": str(sink),
        "WORKERS_STREAM": stream,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "dramatiq", "tasks", "--path", str(WORKERS), "--processes", "4", "--threads", "1"]
    with log.open("wb") as output:
        workers = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _enqueue(env)
        _wait_for(log, "relay finished", 1, workers)
        _enqueue(env)  # the next morning's cron job, replayed for the same day: nothing new
        _wait_for(log, "relay finished", 2, workers)
    finally:
        # SIGTERM to the main process only: it stops its worker processes gracefully (a second signal would kill).
        workers.terminate()
        try:
            workers.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(workers.pid, signal.SIGKILL)
            workers.wait()

    engine = create_engine(database)
    with engine.connect() as conn:
        c = t.touches.c
        rows = conn.execute(select(c.id, c.key, c.status, c.automated).where(c.tenant == TENANT)).all()
        left_in_outbox = conn.execute(select(t.outbox.c.id).where(t.outbox.c.tenant == TENANT)).all()
    engine.dispose()
    # Half the customers have a birthday greeting besides the Spring Festival one.
    assert len(rows) == CUSTOMERS + CUSTOMERS // 2 == len({row.key for row in rows})

    events = [json.loads(fields[b"event"]) for _id, fields in client.xrange(stream)]
    assert len({event["id"] for event in events}) == len(events), "every event relayed once"
    planned = Counter(e["data"]["touch_id"] for e in events if e["type"] == "io.clientcare.TouchPlanned.v1")
    assert planned == Counter(row.id for row in rows), "one TouchPlanned per stored touch"
    assert left_in_outbox == [], "the relay drained the outbox"

    sends = [line.split() for line in sink.read_text().splitlines()]
    assert Counter(touch for touch, _key, _pid in sends).most_common(1)[0][1] == 1, "no message sent twice"
    assert len({key for _touch, key, _pid in sends}) == len(sends), "idempotency keys are unique"
    assert {touch for touch, _key, _pid in sends} == {row.id for row in rows if row.automated}
    assert {row.status for row in rows} == {"done"}

    text = log.read_text(errors="replace")
    assert text.count("planned shard") == 16 and "Traceback" not in text
    assert "1390000" not in text and "客户" not in text, "no phone and no name in the workers' log"
