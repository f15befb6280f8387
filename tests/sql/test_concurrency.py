"""Optimistic concurrency with real concurrent connections, and SQLite under several processes."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend
from clientcare.errors import ConcurrencyConflict

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def test_two_units_of_work_on_one_customer_end_in_one_conflict(sql_engine: Engine) -> None:
    """Two threads change one customer at once: one commits, the other gets ConcurrencyConflict.

    On SQLite the second unit of work waits at BEGIN IMMEDIATE for the first,
    so both read in turn and both commit: no conflict and no lost update.
    """
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    serialised = sql_engine.dialect.name == "sqlite"
    loaded = threading.Barrier(1 if serialised else 2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def change(size: str) -> None:
        try:
            with backend.unit_of_work("shop") as uow:
                customer = uow.customers.get(ann.id)
                loaded.wait(timeout=10)
                customer.update_profile(by=size, at=T0, clothing_size=size)
                uow.customers.save(customer)
                uow.commit()
            result = "committed"
        except ConcurrencyConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=change, args=(size,)) for size in ("M", "L")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    final = care.customers.get(ann.id)
    if serialised:
        assert sorted(outcomes) == ["committed", "committed"]
        assert final.version == 3 and len(final.history) == 2
        return
    assert sorted(outcomes) == ["committed", "conflict"]
    assert final.version == 2
    assert len(final.history) == 1 and final.hard.clothing_size == final.history[0].by


def test_retried_use_cases_lose_no_update(sql_engine: Engine) -> None:
    """Threads tagging one customer with retries on conflict keep every tag (no lost update)."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    errors: list[BaseException] = []

    def tag_many(prefix: str) -> None:
        facade = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
        for i in range(6):
            for _attempt in range(200):
                try:
                    facade.customers.tag(ann.id, f"{prefix}{i}", by=prefix)
                    break
                except ConcurrencyConflict:
                    time.sleep(random.uniform(0, 0.005))  # back off, as a caller's retry loop should
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)
                    return
            else:
                errors.append(RuntimeError(f"gave up on {prefix}{i}"))

    threads = [threading.Thread(target=tag_many, args=(p,)) for p in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert care.customers.get(ann.id).tags == {f"{p}{i}" for p in "abc" for i in range(6)}
    assert care.customers.search(tag="b5")[0].id == ann.id


def _worker(url: str, worker: int, rounds: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Register customers and read them back, retrying only on ConcurrencyConflict."""
    try:
        care = clientcare.connect(url, tenant="shop", clock=FixedClock(T0))
        for i in range(rounds):
            for _attempt in range(200):
                try:
                    care.customers.register(f"客户{worker}-{i}", f"1380{worker:03d}{i:04d}")
                    break
                except ConcurrencyConflict:
                    time.sleep(random.uniform(0, 0.01))
            else:
                raise RuntimeError("gave up after 200 conflicts")
            care.customers.search(name="客户")
        care.close()
        queue.put(("ok", worker))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_sqlite_file_serves_several_processes(tmp_path: Path) -> None:
    """Writers and readers in separate processes never fail with "database is locked"."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    clientcare.connect(url, tenant="shop", clock=FixedClock(T0)).close()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(url, w, 15, queue)) for w in range(3)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert sorted(results) == [("ok", 0), ("ok", 1), ("ok", 2)], results
    with clientcare.connect(url, tenant="shop", clock=FixedClock(T0)) as care:
        assert len(care.customers.search(name="客户", limit=100)) == 45


@pytest.mark.parametrize("rounds", [1])
def test_conflict_leaves_the_connection_usable(sql_engine: Engine, rounds: int) -> None:
    """After a conflict the next unit of work on the same backend works normally."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    stale = care.customers.get(ann.id)
    care.customers.set_key(ann.id, by="s")
    for _ in range(rounds):
        with backend.unit_of_work("shop") as uow, pytest.raises(ConcurrencyConflict):
            stale.mark_key(False, by="s", at=T0)
            uow.customers.save(stale)
    assert care.customers.get(ann.id).key is True
