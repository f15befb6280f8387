"""Benchmark: ABC tier recomputation on SQLite (P10).

Builds a SQLite file with 100,000 customers and 1,000,000 purchases (5% of
them returns) and times, on the same file:

1. the adapter's set-based recomputation (``uow.tiers.recompute_abc``), on
   the first run (every label written) and on a second run (nothing changed);
2. one hand-written SQL statement computing the same labels;
3. a per-customer Python loop: one spend query per customer, labels in Python.

All three must produce the same labels. Run::

    python benchmarks/tiers_recompute.py [--customers 100000] [--purchases 1000000] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy._convert import dump_document, utc_naive
from clientcare.adapters.sqlalchemy._uow import SQLITE_CACHE_KIB
from clientcare.customers import Customer
from clientcare.loyalty import AbcLabel, abc_labels
from clientcare.playbook import AbcRules

T = TypeVar("T")
TENANT = "bench"
NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
START = NOW - timedelta(days=365)

#: The labels in one statement, written by hand: net spend per customer in
#: (start, end], the spend of everyone strictly ahead (running sum minus the
#: customer's own tie group), and the 80% / 95% cuts as exact integer fractions.
HAND_WRITTEN = """
WITH spend AS (
    SELECT c.id AS customer_id, COALESCE(SUM(p.amount_e4), 0) AS spend
    FROM cc_customers AS c
    LEFT JOIN cc_purchases AS p
      ON p.tenant = c.tenant AND p.customer_id = c.id AND p.occurred_at > :start AND p.occurred_at <= :end
    WHERE c.tenant = :tenant
    GROUP BY c.id
), ranked AS (
    SELECT customer_id, spend,
           SUM(CASE WHEN spend > 0 THEN spend ELSE 0 END) OVER () AS total,
           SUM(CASE WHEN spend > 0 THEN spend ELSE 0 END) OVER (ORDER BY CASE WHEN spend > 0 THEN spend ELSE 0 END DESC)
         - SUM(CASE WHEN spend > 0 THEN spend ELSE 0 END) OVER (PARTITION BY CASE WHEN spend > 0 THEN spend ELSE 0 END)
             AS ahead
    FROM spend
)
SELECT customer_id,
       CASE WHEN spend <= 0 THEN 'C'
            WHEN ahead * 5 < total * 4 THEN 'A'
            WHEN ahead * 20 < total * 19 THEN 'B'
            ELSE 'C' END AS label
FROM ranked
"""


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by ``action`` and its result."""
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def build(path: Path, customers: int, purchases: int, seed: int = 7) -> None:
    """A migrated SQLite file with the customers and purchases (plain executemany)."""
    engine = create_clientcare_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rnd = random.Random(seed)
    template = Customer.register(tenant=TENANT, name="客户", phone="13800138000", at=NOW)
    document = dump_document(template, drop=("version", "tenant", "id"))
    registered = str(utc_naive(NOW))
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.executemany(
        "INSERT INTO cc_customers (tenant, id, version, name, name_fold, phone, registered_at, is_key, document)"
        " VALUES (?, ?, 1, '客户', '客户', ?, ?, 0, ?)",
        ((TENANT, f"c{i:07d}", f"+86138{i:08d}", registered, document) for i in range(customers)),
    )
    # A skewed customer base: a few big spenders, many small ones (roughly 80/20).
    weights = [rnd.paretovariate(1.2) for _ in range(customers)]

    def rows() -> Any:
        picks = rnd.choices(range(customers), weights=weights, k=purchases)
        for n, who in enumerate(picks):
            at = NOW - timedelta(days=rnd.uniform(0, 500))
            amount = rnd.randint(5_000, 300_000) * 100  # 50.00 .. 30,000.00 in ten-thousandths
            kind = "return" if n % 20 == 0 else "sale"
            yield (
                TENANT,
                f"p{n:08d}",
                f"c{who:07d}",
                str(utc_naive(at)),
                kind,
                -amount // 4 if kind == "return" else amount,
            )

    db.executemany(
        "INSERT INTO cc_purchases (tenant, id, version, customer_id, occurred_at, utc_offset, kind, amount_e4,"
        " amount_scale, currency) VALUES (?, ?, 1, ?, ?, 480, ?, ?, 2, 'CNY')",
        rows(),
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def adapter_run(backend: SqlBackend) -> dict[str, AbcLabel]:
    """The library's recomputation in one unit of work, committed."""
    with backend.unit_of_work(TENANT) as uow:
        labels, _ = uow.tiers.recompute_abc(start=START, end=NOW, rules=AbcRules(), at=NOW)
        uow.commit()
    return labels


def hand_written(path: Path) -> dict[str, str]:
    """The one hand-written statement (on a connection with clientcare's page cache, so only the work differs)."""
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    params = {"tenant": TENANT, "start": str(utc_naive(START)), "end": str(utc_naive(NOW))}
    result = dict(db.execute(HAND_WRITTEN, params).fetchall())
    db.close()
    return result


def per_customer_loop(path: Path) -> dict[str, AbcLabel]:
    """What a naive integration does: one spend query per customer, then the labels in Python."""
    db = sqlite3.connect(path)
    ids = [row[0] for row in db.execute("SELECT id FROM cc_customers WHERE tenant = ? ORDER BY id", (TENANT,))]
    spend: dict[str, Decimal] = {}
    for cid in ids:
        (total,) = db.execute(
            "SELECT COALESCE(SUM(amount_e4), 0) FROM cc_purchases"
            " WHERE tenant = ? AND customer_id = ? AND occurred_at > ? AND occurred_at <= ?",
            (TENANT, cid, str(utc_naive(START)), str(utc_naive(NOW))),
        ).fetchone()
        spend[cid] = Decimal(total)
    db.close()
    return abc_labels(spend, AbcRules())


def measure(customers: int, purchases: int, db: Path | None = None) -> dict[str, Any]:
    """Build the file (unless it exists), time the three ways, check they agree; the figures."""
    if db is None:  # a file of its own, removed afterwards
        with tempfile.TemporaryDirectory(prefix="cc-tiers-") as work:
            return measure(customers, purchases, Path(work) / "tiers-bench.db")
    path = db
    if not path.exists():
        seconds, _ = timed(lambda: build(path, customers, purchases))
        print(f"built {customers:,} customers / {purchases:,} purchases in {seconds:.1f} s: {path}")
    engine = create_clientcare_engine(f"sqlite:///{path}")
    backend = SqlBackend(engine)
    warm, by_hand = timed(lambda: hand_written(path))  # warms the file cache for the first run too
    first, labels = timed(lambda: adapter_run(backend))
    again, labels_again = timed(lambda: adapter_run(backend))
    hand, _ = timed(lambda: hand_written(path))
    hand = min(hand, warm)
    loop, by_loop = timed(lambda: per_customer_loop(path))
    engine.dispose()
    assert {k: v.value for k, v in labels.items()} == by_hand, "adapter and hand-written SQL disagree"
    assert labels == labels_again == by_loop, "adapter and per-customer loop disagree"
    counts = {label: sum(1 for v in labels.values() if v is label) for label in AbcLabel}
    print(f"labels: A {counts[AbcLabel.A]:,}  B {counts[AbcLabel.B]:,}  C {counts[AbcLabel.C]:,}")
    print(f"adapter, first run (all labels written): {first:7.2f} s  ({first / hand:.2f} x hand-written)")
    print(f"adapter, second run (nothing changed):   {again:7.2f} s  ({again / hand:.2f} x hand-written)")
    print(f"one hand-written SQL statement:          {hand:7.2f} s")
    print(f"per-customer Python loop:                {loop:7.2f} s  (adapter is {loop / again:.1f} x faster)")
    return {
        "customers": customers,
        "purchases": purchases,
        "first_run_s": round(first, 3),
        "later_run_s": round(again, 3),
        "hand_written_s": round(hand, 3),
        "loop_s": round(loop, 3),
        "first_run_ratio": round(first / hand, 2),
        "later_run_ratio": round(again / hand, 2),
        "labels": {label.value: count for label, count in counts.items()},
    }


def main() -> None:
    """Time the three ways on a built (or given) file and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.customers, args.purchases, args.db)))


if __name__ == "__main__":
    main()
