"""Cadence benchmarks on SQLite (a script, not a test): the daily run and "my board today".

1. The daily run (``care.daily.run``) for 10,000 and 100,000 customers: every
   customer has one purchase 20 to 620 days ago (figures; most are silent
   long enough for a lost-customer interview, as on a first run after an
   import), consents for greetings by SMS and service, marketing and surveys
   by phone, and a birthday spread over the year; staff grow with the
   customers (one per 2,000). A second run (which plans nothing) is timed too.
   Reported: seconds, microseconds per customer and the growth ratio.
2. "My board today" (``care.boards.weekly(staff=...)``, and the repository's
   ``due_between(today, today, owner=...)``) with 10,000 planned touches and
   with 1,000,000: ten touches a day for each staff member over 100 days, so
   a board has the same rows in both cases and only the table grows (10 and
   1,000 staff members, 1,000 and 100,000 customers). Median of repeated
   calls for random staff members.

Data are written with Core ``executemany`` (not through the use cases), into
fresh SQLite files migrated to head. Run directly
(``python benchmarks/bench_cadences.py --daily 10000,100000 --board 10000,1000000``)
or through ``benchmarks/run.py --cadences``. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine, create_engine, insert, make_url, text

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import dump_document, utc_naive
from clientcare.adapters.sqlalchemy._loyalty_tables import customer_tiers, memberships
from clientcare.cadences import Precision, Touch, TouchReason
from clientcare.customers import Channel, Customer, DateKind, ImportantDate
from clientcare.loyalty import Membership

TENANT = "bench"
ZONE = timezone(timedelta(hours=8))
DAILY_DAY = date(2026, 3, 10)
BOARD_DAY = date(2026, 3, 9)  # a Monday: the weekly board covers seven days
CHUNK = 10_000


def customer_id(i: int) -> str:
    """Deterministic 32-hex customer ids."""
    return f"{i:032x}"


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def _flush(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(table), rows)
        rows.clear()


def load_customers(engine: Engine, count: int, *, purchases: bool, now: datetime) -> None:
    """``count`` customers with consents and a birthday (and one purchase each when asked)."""
    template = Customer.register(tenant=TENANT, name="客户", phone="13800000000", at=now - timedelta(days=800))
    for purpose, channel in (("greetings", "sms"), ("service", "phone"), ("marketing", "phone"), ("surveys", "phone")):
        template.give_consent(purpose, channel, at=now - timedelta(days=800), method="verbal", source="in_store")
    hard = template.hard
    customers: list[dict[str, Any]] = []
    sales: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for i in range(count):
        template.id, template.name, template.phone = customer_id(i), f"客户{i}", f"+86138{i:08d}"
        template.hard = attrs.evolve(hard, birthday=date(1990, 1, 1) + timedelta(days=i % 365))
        customers.append(
            {
                "tenant": TENANT,
                "id": template.id,
                "version": 1,
                "name": template.name,
                "name_fold": template.name.casefold(),
                "phone": template.phone,
                "registered_at": utc_naive(template.registered_at),
                "is_key": False,
                "reviewed_at": None,
                "erased_at": None,
                "document": dump_document(template, drop=("version", "tenant", "id")),
            }
        )
        if purchases:
            pid = f"p{i:031x}"
            sales.append(
                {
                    "tenant": TENANT,
                    "id": pid,
                    "version": 1,
                    "customer_id": template.id,
                    "occurred_at": utc_naive(now - timedelta(days=20 + i % 600)),
                    "utc_offset": 480,
                    "kind": "sale",
                    "amount_e4": 1_990_000,
                    "amount_scale": 2,
                    "currency": "CNY",
                    "store_id": None,
                    "staff_id": None,
                    "receipt_id": f"R{i:09d}",
                    "original_id": None,
                    "condition_reports": None,
                }
            )
            lines.append(
                {
                    "tenant": TENANT,
                    "purchase_id": pid,
                    "position": 0,
                    "style_no": f"ST-{i % 500:04d}",
                    "quantity": 1,
                    "unit_price_e4": 1_990_000,
                    "price_scale": 2,
                    "size": None,
                    "colour": None,
                    "structure": None,
                    "description": None,
                    "full_price": True,
                }
            )
        if len(customers) == CHUNK:
            _flush(engine, t.customers, customers)
            _flush(engine, t.purchases, sales)
            _flush(engine, t.purchase_lines, lines)
    _flush(engine, t.customers, customers)
    _flush(engine, t.purchases, sales)
    _flush(engine, t.purchase_lines, lines)


def load_touches(engine: Engine, count: int, *, staff: int, customers: int, first: date, days: int = 100) -> None:
    """``count`` planned touches: ``count / (staff * days)`` a day for each staff member from ``first``."""
    per_day = count // (staff * days)
    template = Touch.plan(
        tenant=TENANT,
        customer_id=customer_id(0),
        reason=TouchReason.MANUAL,
        occasion=first,
        due=first,
        precision=Precision(information="回访：询问穿着感受，邀请到店", channel=Channel.PHONE),
        at=_moment(first) - timedelta(days=1),
        owner="s0",
        store_id="store-1",
    )
    document: dict[str, Any] = serialization.unstructure(template)
    for name in ("version", "tenant", "id"):
        document.pop(name, None)
    rng = random.Random(5)
    rows: list[dict[str, Any]] = []
    n = 0
    for s in range(staff):
        owner = f"s{s}"
        for d in range(days):
            due = first + timedelta(days=d)
            for k in range(per_day):
                n += 1
                touch_id = f"{n:032x}"
                customer = customer_id(rng.randrange(customers))
                key = f"{customer}|manual|{due.isoformat()}|{owner}-{d}-{k}"
                document.update(
                    key=key, customer_id=customer, occasion=due.isoformat(), due=due.isoformat(), owner=owner
                )
                rows.append(
                    {
                        "tenant": TENANT,
                        "id": touch_id,
                        "version": 1,
                        "key": key,
                        "customer_id": customer,
                        "reason": "manual",
                        "status": "planned",
                        "due": due,
                        "priority": 1 + k % 5,
                        "owner": owner,
                        "store_id": "store-1",
                        "automated": False,
                        "sequence_id": None,
                        "sequence_no": None,
                        "closed_at": None,
                        "closed_by": None,
                        "lease_until": None,
                        "document": json.dumps(document, ensure_ascii=False, separators=(",", ":")),
                    }
                )
                if len(rows) == CHUNK:
                    _flush(engine, t.touches, rows)
    _flush(engine, t.touches, rows)


def fresh_database(template: Path, directory: Path, name: str) -> str:
    """A SQLite URL on a copy of the migrated template."""
    target = directory / f"{name}.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def migrated_template(directory: Path) -> Path:
    """An empty SQLite file at the newest migration."""
    path = directory / "template.db"
    engine = create_clientcare_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def daily_run(template: Path, work: Path, customers: int) -> dict[str, Any]:
    """Seconds for one daily run over ``customers`` customers (data loading not timed)."""
    now = _moment(DAILY_DAY)
    url = fresh_database(template, work, f"daily-{customers}")
    engine = create_clientcare_engine(url)
    load_customers(engine, customers, purchases=True, now=now)
    engine.dispose()
    staff = [f"s{i}" for i in range(max(2, customers // 2000))]
    roster = clientcare.CadencePorts(roster=clientcare.FixedRoster({None: staff}))
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(now), upgrade=False, cadence_ports=roster) as care:
        start = time.perf_counter()
        report = care.daily.run(DAILY_DAY)
        seconds = time.perf_counter() - start
        again = time.perf_counter()
        second = care.daily.run(DAILY_DAY)
        rerun = time.perf_counter() - again
    return {
        "customers": customers,
        "seconds": round(seconds, 2),
        "us_per_customer": round(seconds / customers * 1e6, 1),
        "planned": report.planned,
        "by_reason": dict(report.by_reason),
        "rerun_seconds": round(rerun, 2),
        "rerun_planned": second.planned,
    }


def board(template: Path, work: Path, touches: int, repeat: int) -> dict[str, Any]:
    """Median milliseconds of the weekly board and of today's touches for one staff member."""
    staff = max(1, touches // 1000)
    customers = max(100, touches // 10)
    url = fresh_database(template, work, f"board-{touches}")
    engine = create_clientcare_engine(url)
    now = _moment(BOARD_DAY)
    load_customers(engine, customers, purchases=False, now=now)
    load_touches(engine, touches, staff=staff, customers=customers, first=BOARD_DAY - timedelta(days=0))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    rng = random.Random(11)
    picks = [f"s{rng.randrange(staff)}" for _ in range(repeat)]
    weekly: list[float] = []
    today: list[float] = []
    rows = 0
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(now), upgrade=False) as care:
        backend = SqlBackend(engine)
        for owner in picks[:5]:  # warm the caches
            care.boards.weekly(BOARD_DAY, staff=owner)
        for owner in picks:
            start = time.perf_counter()
            result = care.boards.weekly(BOARD_DAY, staff=owner)
            weekly.append(time.perf_counter() - start)
            start = time.perf_counter()
            with backend.unit_of_work(TENANT) as uow:
                rows = len(uow.touches.due_between(BOARD_DAY, BOARD_DAY, owner=owner))
            today.append(time.perf_counter() - start)
        items = len(result.today) + len(result.tomorrow) + len(result.this_week)
    engine.dispose()
    return {
        "touches": touches,
        "staff": staff,
        "weekly_ms": round(statistics.median(weekly) * 1000, 3),
        "today_ms": round(statistics.median(today) * 1000, 3),
        "board_items": items,
        "today_rows": rows,
    }


def measure(daily_sizes: list[int], board_sizes: list[int], repeat: int) -> dict[str, Any]:
    """Run both benchmarks; returns the figures (also printed)."""
    work = Path(tempfile.mkdtemp(prefix="cc-cadences-"))
    figures: dict[str, Any] = {}
    try:
        template = migrated_template(work)
        daily = [daily_run(template, work, n) for n in daily_sizes]
        boards = [board(template, work, n, repeat) for n in board_sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["daily"] = daily
    figures["board"] = boards
    if len(daily) >= 2:
        size = daily[-1]["customers"] / daily[0]["customers"]
        figures["daily_growth"] = round(daily[-1]["seconds"] / daily[0]["seconds"], 2)
        figures["daily_size_ratio"] = size
    if len(boards) >= 2:
        figures["board_weekly_ratio"] = round(boards[-1]["weekly_ms"] / boards[0]["weekly_ms"], 2)
        figures["board_today_ratio"] = round(boards[-1]["today_ms"] / boards[0]["today_ms"], 2)
    rows = [
        (
            f"daily run, {d['customers']} customers",
            f"{d['seconds']} s",
            f"{d['us_per_customer']} µs/customer, {d['planned']} planned",
        )
        for d in daily
    ]
    if "daily_growth" in figures:
        rows.append(
            ("daily run growth", f"x{figures['daily_growth']}", f"for x{figures['daily_size_ratio']:g} customers")
        )
    rows += [
        (
            f"weekly board, {b['touches']} touches",
            f"{b['weekly_ms']} ms",
            f"{b['board_items']} items; today {b['today_ms']} ms",
        )
        for b in boards
    ]
    if "board_weekly_ratio" in figures:
        rows.append(
            ("board ratio", f"x{figures['board_weekly_ratio']}", f"today's query x{figures['board_today_ratio']}")
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>12}  note")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>12}  {note}")
    print(json.dumps(figures, ensure_ascii=False))
    return figures


# -- the daily run against one hand-written SELECT (issue 16) -------------------------------
#: The ordinary day timed; the day before is the first run after the import (catch-up).
ORDINARY_DAY = date(2026, 3, 10)
BASELINE_SQL = {
    "sqlite": (
        "SELECT c.id, json_extract(c.document, '$.hard.birthday'), json_extract(c.document, '$.consents'),"
        " p.last_sale, k.label, m.valid_until FROM cc_customers c"
        " LEFT JOIN (SELECT customer_id, max(occurred_at) AS last_sale FROM cc_purchases"
        " WHERE tenant = :t AND kind = 'sale' GROUP BY customer_id) p ON p.customer_id = c.id"
        " LEFT JOIN cc_customer_tiers k ON k.tenant = c.tenant AND k.id = c.id"
        " LEFT JOIN cc_memberships m ON m.tenant = c.tenant AND m.id = c.id WHERE c.tenant = :t"
    ),
    "postgresql": (
        "SELECT c.id, json_extract_path_text(c.document::json, 'hard', 'birthday'),"
        " json_extract_path_text(c.document::json, 'consents'),"
        " p.last_sale, k.label, m.valid_until FROM cc_customers c"
        " LEFT JOIN (SELECT customer_id, max(occurred_at) AS last_sale FROM cc_purchases"
        " WHERE tenant = :t AND kind = 'sale' GROUP BY customer_id) p ON p.customer_id = c.id"
        " LEFT JOIN cc_customer_tiers k ON k.tenant = c.tenant AND k.id = c.id"
        " LEFT JOIN cc_memberships m ON m.tenant = c.tenant AND m.id = c.id WHERE c.tenant = :t"
    ),
}


def _tenant_rows(i: int, template: Customer, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Customer ``i`` of a realistic tenant: birthday, consents, 1–3 sales of various ages,
    a tier, for 30% a membership, for 5% an anniversary, 2% key customers."""
    template.id, template.name, template.phone = customer_id(i), f"客户{i}", f"+86138{i:08d}"
    template.hard = attrs.evolve(template.hard, birthday=date(1970 + i % 30, 1, 1) + timedelta(days=i * 7919 % 365))
    template.important_dates = (
        (ImportantDate(kind=DateKind.ANNIVERSARY, label="纪念日", month=1 + i % 12, day=1 + i % 28),)
        if i % 20 == 0
        else ()
    )
    key = i % 50 == 0
    rows: dict[str, list[dict[str, Any]]] = {"customers": [], "sales": [], "tiers": [], "members": []}
    rows["customers"].append(
        {
            "tenant": TENANT,
            "id": template.id,
            "version": 1,
            "name": template.name,
            "name_fold": template.name.casefold(),
            "phone": template.phone,
            "registered_at": utc_naive(template.registered_at),
            "is_key": key,
            "reviewed_at": None,
            "erased_at": None,
            "document": dump_document(attrs.evolve(template, key=key), drop=("version", "tenant", "id")),
        }
    )
    last_age, gap = 1 + i * 37 % 700, 30 + i % 120
    for n in range(1 + i % 3):
        rows["sales"].append(_sale(i, n, now - timedelta(days=last_age + n * gap)))
    label = "A" if i % 20 == 1 else "B" if i % 20 in (2, 3, 4) else "C"
    since = utc_naive(now - timedelta(days=30))
    rows["tiers"].append({"tenant": TENANT, "id": template.id, "label": label, "since": since, "since_offset": 480})
    if i % 10 < 3:
        until = now + timedelta(days=i * 13 % 400 - 30)
        member = Membership(id=template.id, tenant=TENANT, level="vip", joined_at=now - timedelta(days=400))
        member.valid_until = until
        rows["members"].append(
            {
                "tenant": TENANT,
                "id": template.id,
                "version": 1,
                "level": "vip",
                "valid_until": utc_naive(until),
                "document": dump_document(member, drop=("version", "tenant", "id")),
            }
        )
    return rows


def _sale(i: int, n: int, at: datetime) -> dict[str, Any]:
    return {
        "tenant": TENANT,
        "id": f"p{i:029x}{n:02x}",
        "version": 1,
        "customer_id": customer_id(i),
        "occurred_at": utc_naive(at),
        "utc_offset": 480,
        "kind": "sale",
        "amount_e4": 1_990_000,
        "amount_scale": 2,
        "currency": "CNY",
        "store_id": None,
        "staff_id": None,
        "receipt_id": f"R{i:09d}-{n}",
        "original_id": None,
        "condition_reports": None,
    }


def load_tenant(engine: Engine, count: int, now: datetime) -> None:
    """``count`` customers of a realistic tenant (see :func:`_tenant_rows`), by Core executemany."""
    template = Customer.register(tenant=TENANT, name="客户", phone="13800000000", at=now - timedelta(days=800))
    for purpose, channel in (("greetings", "sms"), ("service", "phone"), ("marketing", "phone"), ("surveys", "phone")):
        template.give_consent(purpose, channel, at=now - timedelta(days=800), method="verbal", source="in_store")
    tables = {"customers": t.customers, "sales": t.purchases, "tiers": customer_tiers, "members": memberships}
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
    for i in range(count):
        for name, rows in _tenant_rows(i, template, now).items():
            pending[name].extend(rows)
        if len(pending["customers"]) == CHUNK or i == count - 1:
            for name, table in tables.items():
                _flush(engine, table, pending[name])


def baseline(engine: Engine, repeat: int = 3) -> tuple[float, float, int]:
    """Best of ``repeat`` runs of the one hand-written SELECT of the same facts, into tuples:
    wall seconds, this process's CPU seconds, rows."""
    statement = text(BASELINE_SQL[engine.dialect.name])
    best, cpu, rows = float("inf"), float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        start, ticks = time.perf_counter(), time.process_time()
        with engine.connect() as conn:
            found = [tuple(row) for row in conn.execute(statement, {"t": TENANT})]
        best, cpu, rows = min(best, time.perf_counter() - start), min(cpu, time.process_time() - ticks), len(found)
    return best, cpu, rows


def _facade(url: str, day: date) -> clientcare.Clientcare:
    roster = clientcare.CadencePorts(roster=clientcare.FixedRoster({None: [f"s{i}" for i in range(50)]}))
    return clientcare.connect(url, tenant=TENANT, clock=FixedClock(_moment(day)), upgrade=False, cadence_ports=roster)


def _timed_run(url: str, day: date, shard: int = 0, shards: int = 1) -> dict[str, Any]:
    with _facade(url, day) as care:
        gc.collect()  # what the setup left behind is not the run's to collect
        start, ticks = time.perf_counter(), time.process_time()
        report = care.daily.run(day, shard=shard, shards=shards)
        return {
            "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - ticks,
            "planned": report.planned,
            "customers": report.customers,
        }


def _worker(url: str, day: str, shard: int, shards: int, results: Any) -> None:
    results.put(_timed_run(url, date.fromisoformat(day), shard, shards))


def daily_against_select(template: Path, work: Path, customers: int) -> dict[str, Any]:
    """SQLite: the first run after the import (the day before), then the ordinary day's run
    and a rerun, each against the one SELECT, in one process, side by side."""
    url = fresh_database(template, work, f"tenant-{customers}")
    engine = create_clientcare_engine(url)
    load_tenant(engine, customers, _moment(ORDINARY_DAY))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    select_before, cpu_before, rows = baseline(engine)
    catch_up = _timed_run(url, ORDINARY_DAY - timedelta(days=1))
    with engine.connect() as conn:  # the night between: the catch-up's pages move from the WAL into the file
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ordinary = _timed_run(url, ORDINARY_DAY)
    rerun = _timed_run(url, ORDINARY_DAY)
    select_after, cpu_after, _ = baseline(engine)
    engine.dispose()
    select_seconds, select_cpu = min(select_before, select_after), min(cpu_before, cpu_after)
    return {
        "customers": customers,
        "select_seconds": round(select_seconds, 3),
        "select_cpu_seconds": round(select_cpu, 3),
        "select_rows": rows,
        "first_run_seconds": round(catch_up["seconds"], 2),
        "first_run_planned": catch_up["planned"],
        "daily_seconds": round(ordinary["seconds"], 2),
        "daily_cpu_seconds": round(ordinary["cpu_seconds"], 2),
        "daily_planned": ordinary["planned"],
        "rerun_seconds": round(rerun["seconds"], 2),
        "rerun_planned": rerun["planned"],
        "ratio": round(ordinary["seconds"] / select_seconds, 2),
        "cpu_ratio": round(ordinary["cpu_seconds"] / select_cpu, 2),
        "first_run_ratio": round(catch_up["seconds"] / select_seconds, 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def postgres_workers(url: str, customers: int, workers: tuple[int, ...] = (1, 2, 4)) -> dict[str, Any]:
    """PostgreSQL: the same tenant; the ordinary day by 1, 2 and 4 worker processes (shards),
    the day's new touches deleted between the measurements so each plans the same."""
    _own_database(url)
    engine = create_clientcare_engine(url)
    upgrade(engine)
    load_tenant(engine, customers, _moment(ORDINARY_DAY))
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    catch_up = _parallel(url, ORDINARY_DAY - timedelta(days=1), max(workers))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bench_keep AS SELECT id FROM cc_touches")
    select_seconds, _, _ = baseline(engine)
    runs = []
    for count in workers:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM cc_touches WHERE id NOT IN (SELECT id FROM bench_keep)")
        runs.append({"workers": count, **_parallel(url, ORDINARY_DAY, count)})
    engine.dispose()
    for run in runs:
        run["ratio"] = round(run["seconds"] / select_seconds, 2)
    return {"customers": customers, "select_seconds": round(select_seconds, 3), "first_run": catch_up, "runs": runs}


def _own_database(url: str) -> None:
    """Make the benchmark's own PostgreSQL database afresh (never point it at a shared one)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def _parallel(url: str, day: date, count: int) -> dict[str, Any]:
    """``count`` worker processes, one shard each; wall seconds from start to the last one done."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start = time.perf_counter()
    processes = [
        context.Process(target=_worker, args=(url, day.isoformat(), shard, count, results)) for shard in range(count)
    ]
    for process in processes:
        process.start()
    done = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "slowest_run_seconds": round(max(d["seconds"] for d in done), 2),
        "planned": sum(d["planned"] for d in done),
    }


def measure_daily(customers: int, postgres: str | None) -> dict[str, Any]:
    """The daily run against one SELECT on SQLite, and by 1, 2 and 4 workers on PostgreSQL."""
    work = Path(tempfile.mkdtemp(prefix="cc-daily-"))
    try:
        sqlite_figures = daily_against_select(migrated_template(work), work, customers)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures: dict[str, Any] = {"daily_vs_select": sqlite_figures}
    s = sqlite_figures
    rows = [
        (f"SELECT of the facts, {customers} customers", f"{s['select_seconds']} s", f"{s['select_rows']} rows"),
        (
            "first run after the import",
            f"{s['first_run_seconds']} s",
            f"x{s['first_run_ratio']}, {s['first_run_planned']} planned",
        ),
        (
            "daily run, an ordinary day",
            f"{s['daily_seconds']} s",
            f"x{s['ratio']} the SELECT, {s['daily_planned']} planned",
        ),
        (
            "  the same, CPU seconds",
            f"{s['daily_cpu_seconds']} s",
            f"x{s['cpu_ratio']} the SELECT's {s['select_cpu_seconds']} s (load {s['load_average']})",
        ),
        ("same day again", f"{s['rerun_seconds']} s", f"{s['rerun_planned']} planned"),
    ]
    print(json.dumps(figures, ensure_ascii=False), flush=True)  # the SQLite figures, before PostgreSQL's
    if postgres:
        pg = postgres_workers(postgres, customers)
        figures["daily_postgres"] = pg
        rows.append((f"PostgreSQL SELECT, {customers} customers", f"{pg['select_seconds']} s", ""))
        rows += [
            (f"PostgreSQL, {r['workers']} worker(s)", f"{r['seconds']} s", f"x{r['ratio']}, {r['planned']} planned")
            for r in pg["runs"]
        ]
    width = max(len(r[0]) for r in rows)
    print(f"{'daily run vs SELECT':<{width}}  {'time':>10}  note")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>10}  {note}")
    print(json.dumps(figures, ensure_ascii=False))
    return figures


def sizes(text: str) -> list[int]:
    """``"10000,100000"`` -> ``[10000, 100000]`` (empty: none)."""
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--daily", type=sizes, default=[10_000, 100_000], help="customer counts (default 10000,100000)")
    parser.add_argument("--board", type=sizes, default=[10_000, 1_000_000], help="touch counts (default 10000,1000000)")
    parser.add_argument("--board-repeat", type=int, default=50, help="boards timed per size (default 50)")
    parser.add_argument("--against-select", type=int, default=0, help="customers for the daily run vs one SELECT")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL for the 1/2/4-worker daily runs")
    args = parser.parse_args()
    if args.against_select:
        measure_daily(args.against_select, args.postgres)
        return
    measure(args.daily, args.board, args.board_repeat)


if __name__ == "__main__":
    main()
