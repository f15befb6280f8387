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
import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine, insert

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import dump_document, utc_naive
from clientcare.cadences import Precision, Touch, TouchReason
from clientcare.customers import Channel, Customer

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


def sizes(text: str) -> list[int]:
    """``"10000,100000"`` -> ``[10000, 100000]`` (empty: none)."""
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--daily", type=sizes, default=[10_000, 100_000], help="customer counts (default 10000,100000)")
    parser.add_argument("--board", type=sizes, default=[10_000, 1_000_000], help="touch counts (default 10000,1000000)")
    parser.add_argument("--board-repeat", type=int, default=50, help="boards timed per size (default 50)")
    args = parser.parse_args()
    measure(args.daily, args.board, args.board_repeat)


if __name__ == "__main__":
    main()
