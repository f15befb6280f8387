"""Analytics benchmark on SQLite (a script, not a test): each ``care.analytics`` call against one
hand-written SQL statement computing the same figures, side by side in one run.

The data: 100,000 customers and 1,000,000 receipts over 2025 (one line each,
3% of them returns, 5% walk-ins, 20 stores in 4 regions, 60 staff members),
written with ``sqlite3.executemany`` into a file migrated to head, then
labelled once by the tiers (``recompute_abc``) so sales can be sliced by
grade. The file is cached under ``.benchmarks/analytics/`` (gitignored) and
reused while sizes and schema match; ``--fresh`` rebuilds it.

For every call: the median of ``--repeat`` timed runs of clientcare (through
the facade: SQLAlchemy, conversion to result objects, rates and money) and of
the hand-written statement through plain ``sqlite3`` (rows fetched, nothing
converted), alternating, after one warm-up each; the ratio; and the peak of
Python memory during the warm-up of each (``tracemalloc``). Both answers are
checked to agree. Run directly (``python benchmarks/bench_analytics.py``,
``--customers 10000 --purchases 100000`` for a quick run) or through
``benchmarks/run.py`` (``make bench``). Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import HEAD, SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy._convert import dump_document
from clientcare.customers import Customer
from clientcare.playbook import AbcRules

TENANT = "bench"
ZONE = timezone(timedelta(hours=8))
YEAR = datetime(2025, 1, 1, tzinfo=ZONE)
END = datetime(2026, 1, 1, tzinfo=ZONE)
QUARTER = END - timedelta(days=90)
STORES = [f"store-{i:02d}" for i in range(20)]
REGIONS = {store: f"region-{i % 4}" for i, store in enumerate(STORES)}
CACHE = Path(__file__).resolve().parent.parent / ".benchmarks" / "analytics"
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _naive(moment: datetime) -> str:
    """A moment as SQLAlchemy stores it on SQLite: naive UTC text with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime(STAMP)


# -- the data ----------------------------------------------------------------------------


def build(path: Path, customers: int, purchases: int, seed: int = 13) -> None:
    """Write the benchmark file: schema at head, customers, receipts with one line each, tier labels."""
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    template = Customer.register(tenant=TENANT, name="客户", phone="13800000000", at=YEAR)
    document = dump_document(template, drop=("version", "tenant", "id"))
    registered = _naive(YEAR)
    conn.executemany(
        "INSERT INTO cc_customers (tenant, id, version, name, name_fold, phone, registered_at, is_key, document)"
        " VALUES (?, ?, 1, ?, ?, ?, ?, 0, ?)",
        (
            (TENANT, f"c{i:07d}", f"客户{i}", f"客户{i}", f"+86138{i:08d}", registered, document)
            for i in range(customers)
        ),
    )
    seconds = int((END - YEAR).total_seconds())
    sold: list[tuple[str, str | None, int, str, str, int]] = []

    def rows() -> Any:
        for n in range(purchases):
            pid = f"p{n:08d}"
            if sold and rng.random() < 0.03:
                # A return of an earlier sale's whole line, a few days later (clipped to the year).
                opid, who, when, store, style, price = sold.pop(rng.randrange(len(sold)))
                at = min(when + rng.randrange(86_400, 10 * 86_400), seconds - 1)
                yield (pid, who, at, "return", -price, store, style, price, opid)
                continue
            who = None if rng.random() < 0.05 else f"c{rng.randrange(customers):07d}"
            at = rng.randrange(seconds)
            store, style, price = rng.choice(STORES), f"ST-{rng.randrange(500):04d}", rng.randrange(100, 200_000) * 100
            sold.append((pid, who, at, store, style, price))
            yield (pid, who, at, "sale", price, store, style, price, None)

    batch_p: list[tuple[Any, ...]] = []
    batch_l: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO cc_purchases (tenant, id, version, customer_id, occurred_at, utc_offset, kind, amount_e4,"
            " amount_scale, currency, store_id, staff_id, receipt_id, original_id)"
            " VALUES (?, ?, 1, ?, ?, 480, ?, ?, 2, 'CNY', ?, ?, NULL, ?)",
            batch_p,
        )
        conn.executemany(
            "INSERT INTO cc_purchase_lines (tenant, purchase_id, position, style_no, quantity, unit_price_e4,"
            " price_scale, full_price) VALUES (?, ?, 0, ?, 1, ?, 2, 1)",
            batch_l,
        )
        batch_p.clear()
        batch_l.clear()

    for pid, who, at, kind, amount, store, style, price, original in rows():
        staff = f"staff-{rng.randrange(60):02d}"
        batch_p.append((TENANT, pid, who, _naive(YEAR + timedelta(seconds=at)), kind, amount, store, staff, original))
        batch_l.append((TENANT, pid, style, price))
        if len(batch_p) == 50_000:
            flush()
    flush()
    conn.commit()
    conn.close()
    engine = create_clientcare_engine(url)
    backend = SqlBackend(engine)
    with backend.unit_of_work(TENANT) as uow:
        uow.tiers.recompute_abc(start=YEAR, end=END, rules=AbcRules(), at=END)
        uow.commit()
    engine.dispose()


def data_file(customers: int, purchases: int, *, fresh: bool) -> Path:
    """The cached file for these sizes and this schema, built when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"analytics-{customers}-{purchases}-{HEAD}.db"
    if fresh or not path.exists():
        started = time.perf_counter()
        build(path, customers, purchases)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


# -- the hand-written statements ---------------------------------------------------------

WINDOW = "p.tenant = :tenant AND p.occurred_at >= :start AND p.occurred_at < :end"
SIGN = "CASE WHEN p.kind = 'sale' THEN 1 ELSE -1 END"
COMPOSITION = f"""
SELECT {{key}} AS key, SUM({SIGN} * l.unit_price_e4 * l.quantity), SUM({SIGN} * l.quantity),
       COUNT(DISTINCT p.customer_id)
FROM cc_purchases AS p
JOIN cc_purchase_lines AS l ON l.tenant = p.tenant AND l.purchase_id = p.id
{{join}}
WHERE {WINDOW}
GROUP BY key
"""
REGION_CASE = (
    "CASE p.store_id " + " ".join(f"WHEN '{s}' THEN '{r}'" for s, r in REGIONS.items()) + " ELSE 'unknown' END"
)
GRADE_JOIN = "LEFT JOIN cc_customer_tiers AS t ON t.tenant = p.tenant AND t.id = p.customer_id"
GRADE_KEY = "CASE WHEN p.customer_id IS NULL THEN 'walk-in' ELSE COALESCE(t.label, 'unknown') END"
RELATIONSHIP = """
WITH c AS (
  SELECT customer_id AS who,
         MIN(CASE WHEN kind = 'sale' THEN occurred_at END) AS first_sale,
         MAX(CASE WHEN kind = 'sale' AND occurred_at >= :start THEN 1 ELSE 0 END) AS now,
         MAX(CASE WHEN kind = 'sale' AND occurred_at >= :before AND occurred_at < :start THEN 1 ELSE 0 END) AS prev,
         SUM(CASE WHEN occurred_at >= :start THEN amount_e4 ELSE 0 END) AS spend
  FROM cc_purchases WHERE tenant = :tenant AND occurred_at < :end GROUP BY customer_id)
SELECT SUM(CASE WHEN who IS NOT NULL THEN now ELSE 0 END), SUM(CASE WHEN who IS NOT NULL THEN prev ELSE 0 END),
       SUM(CASE WHEN who IS NOT NULL THEN now * prev ELSE 0 END), SUM(spend),
       SUM(CASE WHEN who IS NOT NULL AND first_sale < :start THEN spend ELSE 0 END)
FROM c
"""
FIRST_SALES = """
WITH f AS (SELECT customer_id AS who, MIN(occurred_at) AS first_sale FROM cc_purchases
           WHERE tenant = :tenant AND kind = 'sale' AND customer_id IS NOT NULL AND occurred_at < :end
           GROUP BY customer_id)
"""
STORE = f"""{FIRST_SALES}
SELECT p.store_id,
       COUNT(DISTINCT CASE WHEN f.first_sale >= :start THEN p.customer_id END),
       SUM(CASE WHEN f.first_sale >= :start THEN p.amount_e4 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN f.first_sale < :start THEN p.customer_id END),
       SUM(CASE WHEN f.first_sale < :start THEN p.amount_e4 ELSE 0 END)
FROM cc_purchases AS p JOIN f ON f.who = p.customer_id
WHERE {WINDOW} AND p.kind = 'sale' AND p.store_id = :store
GROUP BY p.store_id
"""
SCORED = f"""
WITH b AS (
  SELECT p.customer_id AS who, MAX(CASE WHEN p.kind = 'sale' THEN p.occurred_at END) AS last_at,
         SUM(p.kind = 'sale') AS sales, SUM(p.amount_e4) AS spend
  FROM cc_purchases AS p WHERE {WINDOW} AND p.customer_id IS NOT NULL
  GROUP BY p.customer_id HAVING SUM(p.kind = 'sale') > 0),
r AS (SELECT *, RANK() OVER (ORDER BY last_at) AS rr, RANK() OVER (ORDER BY sales) AS fr,
             RANK() OVER (ORDER BY spend) AS mr, COUNT(*) OVER () AS n FROM b),
s AS (SELECT who, last_at, sales, spend, 1 + (5 * (rr - 1)) / n AS r, 1 + (5 * (fr - 1)) / n AS f,
             1 + (5 * (mr - 1)) / n AS m FROM r),
g AS (SELECT *, CASE WHEN r >= 4 AND f >= 4 THEN 'champions' WHEN r >= 3 AND f >= 3 THEN 'loyal'
                     WHEN r = 5 AND f = 1 THEN 'new' WHEN r >= 4 THEN 'potential_loyalists'
                     WHEN r <= 2 AND f >= 4 AND m >= 4 THEN 'cant_lose' WHEN r <= 2 AND f >= 3 THEN 'at_risk'
                     WHEN r = 1 THEN 'lost' ELSE 'hibernating' END AS segment FROM s)
"""
RFM = SCORED + "SELECT who, last_at, sales, spend, r, f, m, segment FROM g"
SEGMENTS = SCORED + "SELECT segment, COUNT(*), SUM(spend) FROM g GROUP BY segment"
MONTH = (
    "CAST(strftime('%Y', occurred_at, utc_offset || ' minutes') AS INTEGER) * 12"
    " + CAST(strftime('%m', occurred_at, utc_offset || ' minutes') AS INTEGER) - 1"
)
COHORTS = f"""
WITH m AS (SELECT DISTINCT customer_id AS who, {MONTH} AS month FROM cc_purchases
           WHERE tenant = :tenant AND kind = 'sale' AND customer_id IS NOT NULL),
c AS (SELECT month, MIN(month) OVER (PARTITION BY who) AS cohort FROM m)
SELECT cohort, month - cohort AS since, COUNT(*) FROM c
WHERE cohort BETWEEN :low AND :high AND month <= :high GROUP BY cohort, since
"""
PARETO = f"""
WITH s AS (SELECT p.customer_id AS who, SUM(p.amount_e4) AS spend FROM cc_purchases AS p
           WHERE {WINDOW} AND p.customer_id IS NOT NULL GROUP BY p.customer_id HAVING SUM(p.amount_e4) > 0),
r AS (SELECT ROW_NUMBER() OVER w AS n, SUM(spend) OVER (w ROWS UNBOUNDED PRECEDING) AS running,
             COUNT(*) OVER () AS pop, SUM(spend) OVER () AS total
      FROM s WINDOW w AS (ORDER BY spend DESC, who))
SELECT n, pop, running, total FROM r WHERE (n * :points) / pop > ((n - 1) * :points) / pop ORDER BY n
"""
STAFF = f"""{FIRST_SALES}
SELECT p.staff_id, SUM(p.kind = 'sale'), SUM(p.kind <> 'sale'), SUM(p.amount_e4),
       COUNT(DISTINCT CASE WHEN p.kind = 'sale' THEN p.customer_id END),
       COUNT(DISTINCT CASE WHEN p.kind = 'sale' AND p.occurred_at = f.first_sale THEN p.customer_id END)
FROM cc_purchases AS p LEFT JOIN f ON f.who = p.customer_id
WHERE {WINDOW} AND p.staff_id IS NOT NULL
GROUP BY p.staff_id
"""


def _e4(value: Any) -> Decimal:
    return Decimal(int(value or 0)) / 10_000


def cases(care: clientcare.Clientcare) -> list[tuple[str, Callable[[], Any], str, dict[str, Any], Callable[..., Any]]]:
    """(name, clientcare call, hand-written SQL, its parameters, how to compare) for every figure."""
    a = care.analytics
    quarter = {"tenant": TENANT, "start": _naive(QUARTER), "end": _naive(END)}
    year = {"tenant": TENANT, "start": _naive(YEAR), "end": _naive(END)}

    def slices(ours: list[Any], hand: list[Any]) -> bool:
        return sorted((r.key, r.sales.amount, r.units, r.customers) for r in ours) == sorted(
            (k, _e4(s), u, c) for k, s, u, c in hand
        )

    def composition(by: str, key: str, join: str = "") -> tuple[Any, ...]:
        regions = REGIONS if by == "region" else None
        return (
            f"composition by {by}, 90 days",
            lambda: a.composition(QUARTER, END, by=by, regions=regions),  # type: ignore[arg-type]
            COMPOSITION.format(key=key, join=join),
            quarter,
            slices,
        )

    return [
        composition("product", "l.style_no"),
        composition("store", "COALESCE(p.store_id, 'unknown')"),
        composition("region", REGION_CASE),
        composition("grade", GRADE_KEY, GRADE_JOIN),
        (
            "figures (P64), 90 days",
            lambda: a.figures(QUARTER, END),
            RELATIONSHIP,
            {**quarter, "before": _naive(QUARTER - (END - QUARTER))},
            lambda ours, hand: (
                (ours.buyers, ours.previous_buyers, ours.net_sales.amount) == (hand[0][0], hand[0][1], _e4(hand[0][3]))
            ),
        ),
        (
            "store traffic (P66), 90 days",
            lambda: a.store_traffic(STORES[3], QUARTER, END, new_visitors=10**7, old_visitors=10**7),
            STORE,
            {**quarter, "store": STORES[3]},
            lambda ours, hand: (
                (ours.new_conversion, ours.old_conversion)
                == tuple((Decimal(n) / 10**7).quantize(Decimal("0.0001")) for n in (hand[0][1], hand[0][3]))
            ),
        ),
        (
            "RFM scores, 1 year",
            lambda: a.rfm(YEAR, END),
            RFM,
            year,
            lambda ours, hand: (
                sorted((r.customer_id, r.recency, r.frequency, r.monetary, r.segment.value) for r in ours)
                == sorted((w, r, f, m, g) for w, _, _, _, r, f, m, g in hand)
            ),
        ),
        (
            "RFM segments, 1 year",
            lambda: a.rfm_segments(YEAR, END),
            SEGMENTS,
            year,
            lambda ours, hand: (
                sorted((r.segment.value, r.customers, r.spend) for r in ours)
                == sorted((g, n, _e4(s)) for g, n, s in hand)
            ),
        ),
        (
            "cohorts, 12 months",
            lambda: a.cohorts(date(2025, 1, 1), date(2025, 12, 1)),
            COHORTS,
            {"tenant": TENANT, "low": 2025 * 12, "high": 2025 * 12 + 11},
            lambda ours, hand: (
                sorted((c.months_since, c.customers) for c in ours) == sorted((s, n) for _, s, n in hand)
            ),
        ),
        (
            "Pareto curve, 1 year",
            lambda: a.pareto(YEAR, END, points=20),
            PARETO,
            {**year, "points": 20},
            lambda ours, hand: (
                [(p.customers, p.cumulative_spend) for p in ours] == [(n, _e4(r)) for n, _, r, _ in hand]
            ),
        ),
        (
            "staff sales (P31), 90 days",
            lambda: a.staff(QUARTER, END),
            STAFF,
            quarter,
            lambda ours, hand: (
                sorted((s.staff, s.sales, s.returns, s.net_sales, s.customers, s.new_customers) for s in ours)
                == sorted((st, n, r, _e4(net), c, new) for st, n, r, net, c, new in hand)
            ),
        ),
    ]


def _traced(action: Callable[[], Any]) -> tuple[Any, float]:
    """The action's answer and the peak of Python memory while it ran, in MB."""
    tracemalloc.start()
    try:
        answer = action()
        return answer, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(customers: int, purchases: int, repeat: int, *, fresh: bool = False) -> dict[str, Any]:
    """Build or reuse the file, time every case side by side, print the table and the JSON line."""
    path = data_file(customers, purchases, fresh=fresh)
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA cache_size = -32768")  # the same page cache as clientcare's connections
    figures: dict[str, Any] = {"customers": customers, "purchases": purchases, "calls": {}}
    width = 30
    print(f"{'analytics call':<{width}}  {'clientcare':>10}  {'hand SQL':>9}  {'ratio':>5}  peak MB (ours/hand)  agree")
    with clientcare.connect(f"sqlite:///{path}", tenant=TENANT, clock=FixedClock(END), upgrade=False) as care:
        for name, ours, sql, params, agree in cases(care):

            def hand(sql: str = sql, params: dict[str, Any] = params) -> list[Any]:
                return plain.execute(sql, params).fetchall()

            # The warm-up runs traced: the answers to compare and the memory peaks (not timed).
            (first_ours, ours_mb), (first_hand, hand_mb) = _traced(ours), _traced(hand)
            same = bool(agree(first_ours, first_hand))
            ours_t, hand_t = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                ours()
                ours_t.append(time.perf_counter() - started)
                started = time.perf_counter()
                hand()
                hand_t.append(time.perf_counter() - started)
            mine, theirs = statistics.median(ours_t), statistics.median(hand_t)
            figures["calls"][name] = {
                "clientcare_s": round(mine, 3),
                "hand_sql_s": round(theirs, 3),
                "ratio": round(mine / theirs, 2),
                "clientcare_peak_mb": round(ours_mb, 1),
                "hand_sql_peak_mb": round(hand_mb, 1),
                "same_answer": same,
            }
            row = figures["calls"][name]
            # Printed as measured: a full-size run takes a while.
            print(
                f"{name:<{width}}  {row['clientcare_s']:>9.3f}s  {row['hand_sql_s']:>8.3f}s  {row['ratio']:>5.2f}"
                f"  {row['clientcare_peak_mb']:>8.1f} / {row['hand_sql_peak_mb']:<8.1f}  {row['same_answer']}",
                flush=True,
            )
    plain.close()
    print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per call (median)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached data file")
    args = parser.parse_args()
    measure(args.customers, args.purchases, args.repeat, fresh=args.fresh)


if __name__ == "__main__":
    main()
