"""Issue 11 (part B): starting together, serving threads on SQLite, receipts that race, keys that compare alike."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, make_url, text

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ConcurrencyConflict, ConfigurationError, StorageUnavailable, ValidationError
from tests.sql.conftest import SQL_BACKENDS, server_url

T = TypeVar("T")
T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
#: 16 threads × 300 registrations and complaints, as a web server's worker pool would send them.
THREADS = 16
ROUNDS = 300


@pytest.fixture(params=SQL_BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a brand-new, empty database (no tables) on each SQL backend; dropped afterwards."""
    kind = request.param
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    base = make_url(server_url(kind))
    name = f"{base.database}_f{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if kind == "postgresql":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def _start(url: str, worker: int, start_at: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Connect at the agreed moment (migrating if needed) and register one customer."""
    try:
        time.sleep(max(0.0, start_at - time.time()))
        with clientcare.connect(url, tenant="shop", clock=FixedClock(T0)) as care:
            care.customers.register(f"客户{worker}", f"1380000{worker:04d}")
        queue.put(("ok", worker))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_four_processes_connecting_at_once_to_a_fresh_database_all_succeed(fresh_url: str) -> None:
    """Migration on connect runs under a lock: four processes starting together all connect and write."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 3
    processes = [context.Process(target=_start, args=(fresh_url, w, start_at, queue)) for w in range(4)]
    for process in processes:
        process.start()
    results = sorted(queue.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    assert results == [("ok", 0), ("ok", 1), ("ok", 2), ("ok", 3)], results
    with clientcare.connect(fresh_url, tenant="shop", migrate="verify") as care:
        assert len(care.customers.search(name="客户", limit=10)) == 4


def test_migrate_verify_and_off_leave_the_schema_alone(fresh_url: str) -> None:
    """verify refuses a database below head and off touches nothing; auto brings it to head."""
    with pytest.raises(ConfigurationError) as error:
        clientcare.connect(fresh_url, tenant="shop", migrate="verify")
    assert "revision" in str(error.value)
    clientcare.connect(fresh_url, tenant="shop", migrate="off").close()
    with pytest.raises(ConfigurationError):
        clientcare.connect(fresh_url, tenant="shop", migrate="verify")
    clientcare.connect(fresh_url, tenant="shop").close()
    clientcare.connect(fresh_url, tenant="shop", migrate="verify").close()


def test_racing_writers_of_one_receipt_all_get_the_stored_purchase(sql_url: str) -> None:
    """Four connections recording one receipt at once: one purchase is stored and every caller gets it."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        ann = care.customers.register("王芳", "138 0013 8000")
        barrier = threading.Barrier(4)
        got: list[str] = []
        errors: list[BaseException] = []

        def till() -> None:
            try:
                barrier.wait(timeout=30)
                sale = care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="POS-77")
                got.append(sale.id)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=till) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert len(got) == 4 and len(set(got)) == 1
        assert len(care.purchases.for_customer(ann.id)) == 1


def test_receipt_keys_compare_alike_on_every_backend(sql_url: str) -> None:
    """"r" and "R" are two receipts everywhere; "r " is refused rather than padded into "r" (MariaDB)."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        ann = care.customers.register("王芳", "138 0013 8000")
        first = care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="r")
        other = care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="R")
        assert first.id != other.id
        with pytest.raises(ValidationError):
            care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="r ")
        assert care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="r").id == first.id


def test_redeem_at_till_is_idempotent_on_sql(sql_url: str) -> None:
    """A till retry on a SQL backend deducts once and answers the same."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        ann = care.customers.register("王芳", "138 0013 8000")
        care.membership.enrol(ann.id, by="li")  # members earn points; joining by spend waits for an old customer
        care.purchases.record(ann.id, [care.purchases.line("A-1", "5000")], receipt_id="S-1")
        before = care.points.balance(ann.id)
        assert care.points.redeem_at_till(ann.id, 500, receipt_id="POS-1") == care.points.redeem_at_till(
            ann.id, 500, receipt_id="POS-1"
        )
        assert care.points.balance(ann.id) == before - 500


def test_sqlite_serves_sixteen_threads_without_conflicts_on_new_records(tmp_path: Path) -> None:
    """16 threads × 300 registrations and complaints through one facade: no ConcurrencyConflict on new records."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    conflicts: list[int] = []
    errors: list[BaseException] = []
    with clientcare.connect(url, tenant="shop", clock=FixedClock(T0)) as care:

        def patiently(call: Callable[[], T]) -> T:
            # A loaded machine may keep a writer waiting past the busy timeout: that is
            # StorageUnavailable (retryable), not a conflict, so it is waited out here.
            for _attempt in range(20):
                try:
                    return call()
                except StorageUnavailable:
                    continue
            return call()

        def serve(worker: int) -> None:
            for i in range(ROUNDS):
                try:
                    customer = patiently(
                        lambda i=i: care.customers.register(f"客户{worker}-{i}", f"139{worker:02d}{i:06d}")
                    )
                    if i % 2 == 0:
                        patiently(
                            lambda cid=customer.id: care.complaints.file(
                                cid, channel="phone", category="delivery", description="late", by="li"
                            )
                        )
                except ConcurrencyConflict:
                    conflicts.append(worker)
                except BaseException as exc:  # reported below
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=serve, args=(w,)) for w in range(THREADS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(thread.is_alive() for thread in threads), "bounded: the run must end within 10 minutes"
        assert errors == [] and conflicts == []
        assert len(care.customers.search(name="客户", limit=THREADS * ROUNDS + 1)) == THREADS * ROUNDS
        assert time.perf_counter() - started < 600
