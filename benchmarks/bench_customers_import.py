"""The customer import on SQLite (a script, not a test): 100,000 customers from CSV.

clientcare (``care.customers.import_csv``: CSV reader, every row checked and
normalised — name, phone, birthday, tags, consents with their provenance —
customers built, documents written with the driver's ``executemany``) against
a plain script: the csv module and ``sqlite3.executemany`` of the same rows
(the same document per customer, phones already in E.164) into the same
tables (``cc_customers``, ``cc_customer_tags``), in one transaction. Both run
side by side in one run, each in a fresh child process on a fresh database
file migrated to head. Run directly (``python benchmarks/bench_customers_import.py
--customers 100000``) or through ``benchmarks/run.py``. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import upgrade
from clientcare.customers import Customer, customer_id_for

TENANT = "bench"
ZONE = timezone(timedelta(hours=8))
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=ZONE)
HEADER = ["external_id", "name", "phone", "store", "birthday", "tags", "consents", "consent_method", "consent_source"]
COLUMNS = "tenant, id, version, name, name_fold, phone, registered_at, is_key, reviewed_at, erased_at, document"
TAGS = ["vip", "老客", "团购", "新客", "婚庆"]


def write_csv(path: Path, count: int, seed: int = 11) -> None:
    """The old system's member list: one customer a line, phones in E.164."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            birthday = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
            writer.writerow(
                [
                    f"M{i:07d}",
                    f"客户{i}",
                    f"+86138{i:08d}",
                    f"store-{rng.randrange(20)}",
                    birthday.isoformat(),
                    ";".join(rng.sample(TAGS, rng.randrange(3))),
                    "marketing:sms;greetings:sms" if i % 3 else "",
                    "written",
                    "in_store",
                ]
            )


def child_clientcare(url: str, csv_path: str) -> dict[str, Any]:
    """clientcare's path: reader, checks, customers, fast path."""
    start = time.perf_counter()
    with clientcare.connect(url, tenant=TENANT, clock=FixedClock(NOW), upgrade=False) as care:
        report = care.customers.import_csv(csv_path, batch_size=10_000)
    return {"seconds": time.perf_counter() - start, "imported": report.imported, "rejected": len(report.rejected)}


def _template() -> dict[str, Any]:
    """The stored document of a customer, as a dict the plain script fills in."""
    customer = Customer.register(tenant=TENANT, name="x", phone="13800138000", at=NOW)
    from clientcare.adapters.sqlalchemy._convert import dump_document  # noqa: PLC0415

    return dict(json.loads(dump_document(customer, drop=("version", "tenant", "id"))))


def child_plain(db_path: str, csv_path: str) -> dict[str, Any]:
    """The plain script: csv module + sqlite3.executemany of the same rows, one transaction."""
    start = time.perf_counter()
    template = _template()
    registered = NOW.isoformat()
    stamp = NOW.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    rows: list[tuple[object, ...]] = []
    tags: list[tuple[object, ...]] = []
    count = 0
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for external, name, phone, store, birthday, tag_text, consents, method, source in reader:
            cid = customer_id_for(TENANT, external)
            labels = sorted(t for t in tag_text.split(";") if t)
            document = dict(template, name=name, phone=phone, registered_at=registered, home_store=store, tags=labels)
            document["hard"] = dict(template["hard"], birthday=birthday)
            document["consents"] = [
                {
                    "purpose": item.split(":")[0],
                    "channel": item.split(":")[1],
                    "given_at": registered,
                    "method": method,
                    "source": source,
                    "withdrawn_at": None,
                }
                for item in consents.split(";")
                if item
            ]
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            rows.append((TENANT, cid, 1, name, name.casefold(), phone, stamp, False, None, None, text))
            tags.extend((TENANT, tag, cid) for tag in labels)
            if len(rows) == 10_000:
                count += _flush(conn, rows, tags)
                rows, tags = [], []
    count += _flush(conn, rows, tags)
    conn.commit()
    conn.close()
    return {"seconds": time.perf_counter() - start, "imported": count}


def _flush(conn: sqlite3.Connection, rows: list[tuple[object, ...]], tags: list[tuple[object, ...]]) -> int:
    conn.executemany(f"INSERT INTO cc_customers ({COLUMNS}) VALUES ({','.join('?' * 11)})", rows)
    conn.executemany("INSERT INTO cc_customer_tags (tenant, tag, customer_id) VALUES (?, ?, ?)", tags)
    return len(rows)


def run_child(kind: str, target: str, csv_path: str) -> dict[str, Any]:
    """One measured import in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, target, csv_path], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(count: int) -> dict[str, Any]:
    """Make the file and the databases, measure both imports, print the table and the JSON line."""
    work = Path(tempfile.mkdtemp(prefix="cc-bench-customers-"))
    try:
        path = work / "members.csv"
        write_csv(path, count)
        for name in ("clientcare", "plain"):
            upgrade(f"sqlite:///{work / (name + '.db')}")
        ours = run_child("clientcare", f"sqlite:///{work / 'clientcare.db'}", str(path))
        plain = run_child("plain", str(work / "plain.db"), str(path))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if ours["imported"] != count or plain["imported"] != count:
        raise SystemExit(f"imported {ours['imported']} and {plain['imported']} of {count}")
    figures = {
        "customers": count,
        "customers_import_s": round(ours["seconds"], 2),
        "customers_plain_s": round(plain["seconds"], 2),
        "customers_import_ratio": round(ours["seconds"] / plain["seconds"], 2),
        "customers_per_s": round(count / ours["seconds"]),
    }
    rows = [
        (f"customer import, {count} customers, clientcare", f"{figures['customers_import_s']} s", ""),
        (
            "customer import, csv+executemany",
            f"{figures['customers_plain_s']} s",
            f"ratio {figures['customers_import_ratio']}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>12}  note")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>12}  {note}")
    print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers in the file (default 100,000)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, target, csv_path = args.child
        result = {"clientcare": child_clientcare, "plain": child_plain}[kind](target, csv_path)
        print(json.dumps(result))
        return
    measure(args.customers)


if __name__ == "__main__":
    main()
