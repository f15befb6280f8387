"""Benchmarks of the SQL adapter (a script, not a test): `make bench` or
`python benchmarks/run.py --rows 100000 --customers 10000` for a quick run.

Each figure is measured side by side in one run, every import in a fresh
child process (so peak memory is the import's own):

1. POS CSV import into a SQLite file through clientcare (validation, receipt
   idempotence and customer lookups included) against a plain csv +
   sqlite3.executemany script writing the same rows (the same UUIDv7 ids)
   into tables with the same columns and only their primary keys, in one
   transaction (``--import-only`` runs just this and 2–3);
2. the same import on PostgreSQL (clientcare uses COPY through psycopg 3)
   against a plain psycopg COPY of the same rows into primary-key-only
   tables (skipped without a server, or with ``--no-postgres``), and the
   server's own floor: clientcare's imported rows read back and COPYed as
   bytes into fresh primary-key-only tables and into fresh tables with the
   migrations' indexes (``pg_floor_*``);
3. customer summary looked up by phone with the full data loaded against the
   same with 1% of the purchases;
4. the customer import: 100,000 customers from CSV into SQLite through
   ``care.customers.import_csv`` against csv + ``sqlite3.executemany`` of the
   same rows into the same tables, from ``bench_customers_import.py``
   (size: ``--import-customers``; ``--no-customers-import`` skips it,
   ``--customers-import-only`` runs only it);
5. the ABC tier recomputation (first run and a later one) against one
   hand-written statement, from ``tiers_recompute.py`` (sizes:
   ``--tiers-customers``, ``--tiers-purchases``; ``--no-tiers``, ``--tiers-only``);
6. with ``--cadences`` (or ``--cadences-only``): the daily run and "my board
   today" on SQLite, from ``bench_cadences.py`` (sizes: ``--daily-customers``,
   ``--board-touches``);
7. the daily run on a ``--customers`` SQLite file against one hand-written
   SELECT of the same facts, and on PostgreSQL by 1, 2 and 4 worker
   processes, from ``bench_cadences.measure_daily`` (``--no-daily`` skips
   it, ``--daily-only`` runs only it);
8. dispatch to a local SMTP server against a plain smtplib loop, and the
   outbox relay to RabbitMQ against a plain publish loop, from
   ``bench_delivery.py`` (``--messages``; ``--delivery-only`` runs only these,
   ``--no-delivery`` leaves them out).
9. every ``care.analytics`` call against one hand-written SQL statement on a
   cached SQLite file of ``--customers`` / ``--rows``, from
   ``bench_analytics.py`` (``--analytics-only`` runs just this one,
   ``--no-analytics`` skips it).

Prints each benchmark's table as it goes; the LAST line of output is one JSON
object holding every figure of the run (keys in docs/performance.md):
``machine``, one object per benchmark that ran (``import``,
``customers_import``, ``tiers``, ``cadences``, ``daily``, ``delivery``, ``analytics``)
and ``ratios``, every ratio flat under ``benchmark.measure``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, Table, create_engine, make_url, text

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy._convert import dump_document, utc_naive
from clientcare.adapters.sqlalchemy._migrate import _run
from clientcare.adapters.sqlalchemy._tables import customers as customers_table
from clientcare.adapters.sqlalchemy._tables import purchase_lines, purchases
from clientcare.customers import Customer
from clientcare.kernel._ids import time_ordered_id

TENANT = "bench"
ZONE = timezone(timedelta(hours=8))
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=ZONE)
HEADER = ["receipt_id", "occurred_at", "style_no", "unit_price", "quantity", "customer_id", "store_id"]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/clientcare_bench"


def customer_id(i: int) -> str:
    """Deterministic customer ids so the CSV can refer to them."""
    return f"{i:032x}"


def phone(i: int) -> str:
    """A valid mainland mobile number per customer."""
    return f"+86138{i:08d}"


def write_csv(path: Path, rows: int, customers: int, seed: int = 7) -> None:
    """A POS export: one line per receipt, spread over the customers."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            moment = T0 + timedelta(minutes=i)
            writer.writerow(
                [
                    f"POS-{i:08d}",
                    moment.isoformat(),
                    f"ST-{rng.randrange(500):04d}",
                    f"{rng.randrange(100, 200000) / 100:.2f}",
                    rng.randrange(1, 4),
                    customer_id(rng.randrange(customers)),
                    f"store-{rng.randrange(20)}",
                ]
            )


def load_customers(url: str, count: int) -> None:
    """Put ``count`` customers in the database with Core inserts (setup, not measured)."""
    engine = create_clientcare_engine(url)
    template = Customer.register(tenant=TENANT, name="客户", phone="13800000000", at=T0)
    with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        for i in range(count):
            template.id, template.name, template.phone = customer_id(i), f"客户{i}", phone(i)
            batch.append(
                {
                    "tenant": TENANT,
                    "id": template.id,
                    "version": 1,
                    "name": template.name,
                    "name_fold": template.name.casefold(),
                    "phone": template.phone,
                    "registered_at": utc_naive(T0),
                    "is_key": False,
                    "reviewed_at": None,
                    "erased_at": None,
                    "document": dump_document(template, drop=("version", "tenant", "id")),
                }
            )
            if len(batch) == 10_000:
                conn.execute(customers_table.insert(), batch)
                batch = []
        if batch:
            conn.execute(customers_table.insert(), batch)
    engine.dispose()


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist (its own, never a shared one)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first()
            if exists is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def fresh_schema(url: str) -> None:
    """Drop and recreate clientcare's tables."""
    engine = create_clientcare_engine(url)
    _run(engine, "base")
    upgrade(engine)
    engine.dispose()


def primary_keys_only(url: str) -> None:
    """Replace the purchase tables by ones with the same columns and only their primary keys.

    The plain scripts write into these: what the engine does with no index
    upkeep beyond the key, the floor clientcare's import is measured against.
    """
    engine = create_clientcare_engine(url)
    bare = MetaData()
    for table in (purchase_lines, purchases):
        key = [column.name for column in table.primary_key.columns]
        Table(
            table.name,
            bare,
            *(Column(column.name, column.type, nullable=column.nullable) for column in table.columns),
            PrimaryKeyConstraint(*key),
        )
    with engine.begin() as conn:
        for name in ("cc_purchase_lines", "cc_purchases"):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        bare.create_all(conn)
    engine.dispose()


def whole_purchase_tables(url: str) -> None:
    """Put back the purchase tables as the migrations make them (after :func:`primary_keys_only`)."""
    engine = create_clientcare_engine(url)
    with engine.begin() as conn:
        for name in ("cc_purchase_lines", "cc_purchases"):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        purchases.create(conn)
        purchase_lines.create(conn)
    engine.dispose()


# -- the measured children ---------------------------------------------------------------
def child_clientcare(url: str, csv_path: str) -> dict[str, Any]:
    """clientcare's import path: CSV reader, validation, batched fast path."""
    start = time.perf_counter()
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(T0), upgrade=False) as care:
        report = care.purchases.import_csv(csv_path, batch_size=int(os.environ.get("CC_BENCH_BATCH", "50000")))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "imported": report.imported, "rejected": len(report.rejected)}


def _plain_rows(csv_path: str, sqlite: bool) -> Any:
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for receipt, occurred, style, price, quantity, customer, store in reader:
            pid = time_ordered_id()  # the same UUIDv7 ids as clientcare's import
            cents = int(Decimal(price) * 10_000)
            yield (
                (
                    TENANT,
                    pid,
                    1,
                    customer,
                    occurred,
                    480,
                    "sale",
                    cents * int(quantity),
                    2,
                    "CNY",
                    store,
                    None,
                    receipt,
                ),
                (TENANT, pid, 0, style, int(quantity), cents, 2, None, None, 1 if sqlite else True),
            )


P_COLUMNS = (
    "tenant, id, version, customer_id, occurred_at, utc_offset, kind, amount_e4, amount_scale, currency,"
    " store_id, staff_id, receipt_id"
)
L_COLUMNS = "tenant, purchase_id, position, style_no, quantity, unit_price_e4, price_scale, size, colour, full_price"


def child_plain_sqlite(db_path: str, csv_path: str) -> dict[str, Any]:
    """The plain script: csv module + sqlite3.executemany, one transaction."""
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    purchases, lines = [], []
    count = 0
    for p, line in _plain_rows(csv_path, sqlite=True):
        purchases.append(p)
        lines.append(line)
        if len(purchases) == 10_000:
            conn.executemany(f"INSERT INTO cc_purchases ({P_COLUMNS}) VALUES ({','.join('?' * 13)})", purchases)
            conn.executemany(f"INSERT INTO cc_purchase_lines ({L_COLUMNS}) VALUES ({','.join('?' * 10)})", lines)
            count += len(purchases)
            purchases, lines = [], []
    if purchases:
        conn.executemany(f"INSERT INTO cc_purchases ({P_COLUMNS}) VALUES ({','.join('?' * 13)})", purchases)
        conn.executemany(f"INSERT INTO cc_purchase_lines ({L_COLUMNS}) VALUES ({','.join('?' * 10)})", lines)
        count += len(purchases)
    conn.commit()
    conn.close()
    return {"seconds": time.perf_counter() - start, "imported": count}


def child_plain_copy(url: str, csv_path: str) -> dict[str, Any]:
    """The plain script: psycopg 3 COPY of the same CSV into the same tables."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    start = time.perf_counter()
    count = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        lines = []
        with cur.copy(f"COPY cc_purchases ({P_COLUMNS}) FROM STDIN") as copy:
            for p, line in _plain_rows(csv_path, sqlite=False):
                copy.write_row(p)
                lines.append(line)
                count += 1
        with cur.copy(f"COPY cc_purchase_lines ({L_COLUMNS}) FROM STDIN") as copy:
            for line in lines:
                copy.write_row(line)
    return {"seconds": time.perf_counter() - start, "imported": count}


def pg_server_floor(url: str) -> dict[str, float]:
    """What the server alone takes to store the rows clientcare just imported, by shape of table.

    The rows are read back once (binary), then each shape gets fresh tables and one binary
    COPY of the same bytes per table, in one transaction: the client only hands over bytes,
    so the time is the server's parsing, heap and index upkeep, and commit. ``pk``: primary
    keys only (the plain COPY's tables); ``indexed``: every index the migrations give
    (``LIKE … INCLUDING ALL``), the tables clientcare's import writes into;
    ``no_customer_index``: those without ``(tenant, customer_id, occurred_at)``, to show
    that one index's share.
    """
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    columns = {"cc_purchases": P_COLUMNS, "cc_purchase_lines": L_COLUMNS}
    data: dict[str, bytes] = {}
    figures: dict[str, float] = {}
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for table, listed in columns.items():
            with cur.copy(f"COPY {table} ({listed}) TO STDOUT (FORMAT BINARY)") as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
        conn.commit()
        for shape in ("pk", "indexed", "no_customer_index"):
            for table in columns:
                like = "INCLUDING DEFAULTS" if shape == "pk" else "INCLUDING ALL"
                cur.execute(f"CREATE TABLE floor_{table} (LIKE {table} {like})")
                if shape == "pk":
                    key = "tenant, id" if table == "cc_purchases" else "tenant, purchase_id, position"
                    cur.execute(f"ALTER TABLE floor_{table} ADD PRIMARY KEY ({key})")
            if shape == "no_customer_index":
                cur.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'floor_cc_purchases'"
                    " AND indexdef LIKE '%(tenant, customer_id, occurred_at)%'"
                )
                for (name,) in cur.fetchall():
                    cur.execute(f"DROP INDEX {name}")
            conn.commit()
            start = time.perf_counter()
            for table, listed in columns.items():
                with cur.copy(f"COPY floor_{table} ({listed}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data[table])
            conn.commit()
            figures[f"pg_floor_{shape}_s"] = round(time.perf_counter() - start, 2)
            for table in columns:
                cur.execute(f"DROP TABLE floor_{table}")
            conn.commit()
    figures["pg_floor_ratio"] = round(figures["pg_floor_indexed_s"] / figures["pg_floor_pk_s"], 2)
    return figures


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's before exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, target: str, csv_path: str) -> dict[str, Any]:
    """Run one measured import in a fresh interpreter; add its peak RSS in MB."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, target, csv_path], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary_lookup(url: str, phones: list[str], repeat: int) -> float:
    """Median seconds for find_by_phone + summary."""
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(T0), upgrade=False) as care:
        for number in phones[:20]:  # warm the caches
            found = care.customers.find_by_phone(number)
            assert found is not None
            care.customers.summary(found.id)
        times = []
        for i in range(repeat):
            number = phones[i % len(phones)]
            start = time.perf_counter()
            found = care.customers.find_by_phone(number)
            assert found is not None
            care.customers.summary(found.id)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="purchases in the import (default 1,000,000)")
    parser.add_argument("--customers", type=int, default=100_000, help="customers loaded (default 100,000)")
    parser.add_argument("--small-rows", type=int, default=None, help="purchases for the small summary case (rows/100)")
    parser.add_argument("--lookups", type=int, default=300, help="summary lookups timed per case")
    parser.add_argument("--postgres", default=os.environ.get("CLIENTCARE_BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL figures")
    parser.add_argument("--batch-size", type=int, default=50_000, help="purchases per import transaction")
    parser.add_argument("--import-only", action="store_true", help="run only the purchase import (and summary)")
    parser.add_argument("--no-tiers", action="store_true", help="skip the tier recomputation benchmark")
    parser.add_argument("--tiers-only", action="store_true", help="run only the tier recomputation benchmark")
    parser.add_argument("--tiers-customers", type=int, default=100_000, help="customers for the tiers (100,000)")
    parser.add_argument("--tiers-purchases", type=int, default=1_000_000, help="purchases for the tiers (1,000,000)")
    parser.add_argument("--cadences", action="store_true", help="also run the cadence benchmarks (bench_cadences.py)")
    parser.add_argument("--cadences-only", action="store_true", help="run only the cadence benchmarks")
    parser.add_argument("--daily-customers", default="10000,100000", help="daily-run sizes (default 10000,100000)")
    parser.add_argument("--board-touches", default="10000,1000000", help="board sizes (default 10000,1000000)")
    parser.add_argument("--board-repeat", type=int, default=50, help="boards timed per size (default 50)")
    parser.add_argument("--no-daily", action="store_true", help="skip the daily run against one SELECT")
    parser.add_argument("--daily-only", action="store_true", help="run only the daily run against one SELECT")
    parser.add_argument("--import-customers", type=int, default=100_000, help="customers in the import (100,000)")
    parser.add_argument("--no-customers-import", action="store_true", help="skip the customer import benchmark")
    parser.add_argument("--customers-import-only", action="store_true", help="run only the customer import benchmark")
    parser.add_argument("--messages", type=int, default=500, help="messages per delivery benchmark (default 500)")
    parser.add_argument(
        "--rabbitmq", default=os.environ.get("CLIENTCARE_BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    parser.add_argument("--no-delivery", action="store_true", help="skip the delivery benchmarks")
    parser.add_argument("--delivery-only", action="store_true", help="run only the delivery benchmarks")
    parser.add_argument("--no-analytics", action="store_true", help="skip the analytics benchmark")
    parser.add_argument("--analytics-only", action="store_true", help="run only the analytics benchmark")
    parser.add_argument("--analytics-repeat", type=int, default=3, help="timed runs per analytics call (median)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def _selected(args: argparse.Namespace) -> set[str]:
    """Which benchmarks this run measures: one ``--…-only`` names one, otherwise all but the ``--no-…`` ones."""
    only = {
        "import": args.import_only,
        "customers_import": args.customers_import_only,
        "tiers": args.tiers_only,
        "cadences": args.cadences_only,
        "delivery": args.delivery_only,
        "analytics": args.analytics_only,
        "daily": args.daily_only,
    }
    chosen = {name for name, wanted in only.items() if wanted}
    if chosen:
        return chosen
    skipped = {
        "customers_import": args.no_customers_import,
        "tiers": args.no_tiers,
        "cadences": not args.cadences,
        "delivery": args.no_delivery,
        "analytics": args.no_analytics,
        "daily": args.no_daily,
    }
    return {name for name in only if not skipped.get(name, False)}


def main() -> None:
    """Run the selected benchmarks; the last line of output is one JSON object with all their figures."""
    args = _arguments()
    os.environ["CC_BENCH_BATCH"] = str(args.batch_size)
    if args.child:
        kind, target, csv_path = args.child
        result = {
            "sqlite": child_clientcare,
            "postgres": child_clientcare,
            "plain-sqlite": child_plain_sqlite,
            "plain-copy": child_plain_copy,
        }[kind](target, csv_path)
        result["peak_mb"] = peak_rss_mb()
        result["cpu_s"] = cpu_seconds()
        print(json.dumps(result))
        return
    selected = _selected(args)
    run: dict[str, Any] = {"schema": 1, "machine": machine(), "started": datetime.now(UTC).isoformat()}
    # Sibling scripts are imported only when their benchmark runs (each pulls in its own drivers).
    if "import" in selected:
        work = Path(tempfile.mkdtemp(prefix="cc-bench-"))
        try:
            run["import"] = measure(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if "customers_import" in selected:
        import bench_customers_import  # noqa: PLC0415

        run["customers_import"] = bench_customers_import.measure(args.import_customers)
    if "tiers" in selected:
        import tiers_recompute  # noqa: PLC0415

        run["tiers"] = tiers_recompute.measure(args.tiers_customers, args.tiers_purchases)
    if "cadences" in selected:
        import bench_cadences  # noqa: PLC0415

        run["cadences"] = bench_cadences.measure(
            bench_cadences.sizes(args.daily_customers), bench_cadences.sizes(args.board_touches), args.board_repeat
        )
    if "delivery" in selected:
        import bench_delivery  # noqa: PLC0415

        run["delivery"] = bench_delivery.measure(args.messages, args.rabbitmq)
    if "analytics" in selected:
        import bench_analytics  # noqa: PLC0415

        run["analytics"] = bench_analytics.measure(args.customers, args.rows, args.analytics_repeat)
    if "daily" in selected:
        run["daily"] = _daily_against_select(args)
    run["ratios"] = ratios(run)
    print(json.dumps(run, ensure_ascii=False, sort_keys=True))


def _daily_against_select(args: argparse.Namespace) -> dict[str, Any]:
    import bench_cadences  # noqa: PLC0415 - a sibling script, loaded only when asked for

    # Its own database beside the import benchmark's: its tables are dropped and remade.
    postgres = (
        None if args.no_postgres else make_url(args.postgres).set(database="cc_daily_bench").render_as_string(False)
    )
    return bench_cadences.measure_daily(args.customers, postgres)


def ratios(run: dict[str, Any]) -> dict[str, float]:
    """Every ratio of the run under one flat, stable key (``area.measure``): what a script compares."""
    flat: dict[str, float] = {}
    for area, figures in run.items():
        if not isinstance(figures, dict):
            continue
        for key, value in figures.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and "ratio" in key:
                flat[f"{area}.{key}"] = value
            elif isinstance(value, dict) and isinstance(value.get("ratio"), (int, float)):
                flat[f"{area}.{key}"] = value["ratio"]
        for name, call in (figures.get("calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("ratio"), (int, float)):
                flat[f"{area}.{name}"] = call["ratio"]
    return dict(sorted(flat.items()))


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, memory, load, versions."""
    import platform  # noqa: PLC0415

    import sqlalchemy  # noqa: PLC0415

    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "load_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "psycopg": psycopg.__version__,
    }


def cpu_seconds() -> float:
    """User plus system CPU time of this process: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 2)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Make the data in ``work``, measure the purchase import and the summary, print a table; the figures."""
    small = args.small_rows or max(args.rows // 100, 1)
    big_csv, small_csv = work / "big.csv", work / "small.csv"
    write_csv(big_csv, args.rows, args.customers)
    write_csv(small_csv, small, args.customers, seed=8)
    figures: dict[str, Any] = {"rows": args.rows, "customers": args.customers, "small_rows": small}

    # 1. SQLite import: clientcare against csv + executemany, each on a fresh file with the customers.
    sqlite_urls = {}
    for name in ("clientcare", "plain", "small"):
        url = f"sqlite:///{work / (name + '.db')}"
        upgrade(url)
        load_customers(url, args.customers)
        sqlite_urls[name] = url
    primary_keys_only(sqlite_urls["plain"])
    ours = run_child("sqlite", sqlite_urls["clientcare"], str(big_csv))
    plain = run_child("plain-sqlite", str(work / "plain.db"), str(big_csv))
    figures["sqlite_import_s"] = round(ours["seconds"], 2)
    figures["sqlite_plain_s"] = round(plain["seconds"], 2)
    figures["sqlite_ratio"] = round(ours["seconds"] / plain["seconds"], 2)
    figures["sqlite_rows_per_s"] = round(ours["imported"] / ours["seconds"])
    figures["sqlite_peak_mb"] = round(ours["peak_mb"], 1)
    figures["plain_peak_mb"] = round(plain["peak_mb"], 1)
    figures["sqlite_cpu_s"], figures["sqlite_plain_cpu_s"] = ours["cpu_s"], plain["cpu_s"]
    figures["sqlite_cpu_ratio"] = round(ours["cpu_s"] / plain["cpu_s"], 2)

    # 2. PostgreSQL import: clientcare (COPY) against plain psycopg COPY.
    if not args.no_postgres:
        try:
            ensure_database(args.postgres)
            fresh_schema(args.postgres)
            load_customers(args.postgres, args.customers)
            ours_pg = run_child("postgres", args.postgres, str(big_csv))
            figures.update(pg_server_floor(args.postgres))
            fresh_schema(args.postgres)
            primary_keys_only(args.postgres)
            plain_pg = run_child("plain-copy", args.postgres, str(big_csv))
            whole_purchase_tables(args.postgres)
            figures["pg_import_s"] = round(ours_pg["seconds"], 2)
            figures["pg_plain_copy_s"] = round(plain_pg["seconds"], 2)
            figures["pg_ratio"] = round(ours_pg["seconds"] / plain_pg["seconds"], 2)
            figures["pg_indexed_floor_ratio"] = round(ours_pg["seconds"] / figures["pg_floor_indexed_s"], 2)
            figures["pg_peak_mb"] = round(ours_pg["peak_mb"], 1)
            figures["pg_plain_peak_mb"] = round(plain_pg["peak_mb"], 1)
            # Client-side CPU only: the server's share runs in its own processes.
            figures["pg_client_cpu_s"], figures["pg_plain_client_cpu_s"] = ours_pg["cpu_s"], plain_pg["cpu_s"]
            fresh_schema(args.postgres)
        except Exception as exc:  # no server: report and go on
            figures["pg_error"] = type(exc).__name__

    # 3. Summary by phone: full data against 1% of it.
    run_child("sqlite", sqlite_urls["small"], str(small_csv))
    phones = [phone(random.Random(i).randrange(args.customers)) for i in range(args.lookups)]
    big_s = summary_lookup(sqlite_urls["clientcare"], phones, args.lookups)
    small_s = summary_lookup(sqlite_urls["small"], phones, args.lookups)
    figures["summary_big_ms"] = round(big_s * 1000, 3)
    figures["summary_small_ms"] = round(small_s * 1000, 3)
    figures["summary_ratio"] = round(big_s / small_s, 2)

    rows = [
        ("SQLite import, clientcare", f"{figures['sqlite_import_s']} s", f"peak {figures['sqlite_peak_mb']} MB"),
        ("SQLite import, csv+executemany", f"{figures['sqlite_plain_s']} s", f"ratio {figures['sqlite_ratio']}"),
    ]
    if "pg_ratio" in figures:
        rows += [
            ("PostgreSQL import, clientcare COPY", f"{figures['pg_import_s']} s", f"peak {figures['pg_peak_mb']} MB"),
            ("PostgreSQL import, plain COPY", f"{figures['pg_plain_copy_s']} s", f"ratio {figures['pg_ratio']}"),
            ("PostgreSQL server alone, pk-only tables", f"{figures['pg_floor_pk_s']} s", "same rows, binary COPY"),
            (
                "PostgreSQL server alone, indexed tables",
                f"{figures['pg_floor_indexed_s']} s",
                f"ratio {figures['pg_floor_ratio']} to pk-only",
            ),
            (
                "PostgreSQL server alone, all but customer index",
                f"{figures['pg_floor_no_customer_index_s']} s",
                "the gap to indexed is that index",
            ),
        ]
    rows += [
        (f"summary by phone, {args.rows} purchases", f"{figures['summary_big_ms']} ms", ""),
        (
            f"summary by phone, {small} purchases",
            f"{figures['summary_small_ms']} ms",
            f"ratio {figures['summary_ratio']}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>12}  note")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>12}  {note}")
    return figures


if __name__ == "__main__":
    main()
