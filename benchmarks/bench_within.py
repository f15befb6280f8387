"""What ``care.within(conn)`` costs an ERP (a script, not a test).

    python benchmarks/bench_within.py [--sales 300] [--postgres URL]

Side by side in one run, on a fresh SQLite file (and on PostgreSQL when a
URL is given or CLIENTCARE_TEST_POSTGRES_URL is set), the same sales written
three ways:

1. ``two transactions``: the ERP's invoice row in its transaction, then
   ``care.purchases.record`` in clientcare's own (what an ERP does without
   ``within``: a crash in between leaves the two apart);
2. ``within``: the invoice row and the purchase in ONE transaction, a bound
   facade built per sale with ``care.within(conn)``;
3. ``within, facade kept``: the same, with one bound facade per connection
   reused for every sale (the lower bound: the per-sale cost of building one).

Also the cost of ``care.within(conn)`` alone. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

import clientcare
from clientcare.adapters.sqlalchemy import create_clientcare_engine

invoices = sa.Table(
    "bench_invoices",
    sa.MetaData(),
    sa.Column("number", sa.String(32), primary_key=True),
)


def _setup(url: str) -> tuple[sa.Engine, clientcare.Clientcare, str]:
    engine = create_clientcare_engine(url)
    invoices.drop(engine, checkfirst=True)
    invoices.create(engine)
    tenant = f"bench-{time.time_ns()}"
    care = clientcare.connect(url, tenant=tenant, engine=engine, upgrade=True)
    customer = care.customers.register("王芳", f"139{time.time_ns() % 10**8:08d}")
    return engine, care, customer.id


def _interleaved(sales: int, ways: dict[str, Callable[[int], None]]) -> dict[str, float]:
    """Milliseconds per sale of each way, the ways taking turns sale by sale (the machine's load hits all alike)."""
    spent = dict.fromkeys(ways, 0.0)
    for number in range(sales):
        for name, sell in ways.items():
            started = time.perf_counter()
            sell(number)
            spent[name] += time.perf_counter() - started
    return {f"{name}_ms": total * 1000 / sales for name, total in spent.items()}


def measure(url: str, sales: int) -> dict[str, float]:
    """The three ways and the cost of building a bound facade, on ``url``."""
    engine, care, customer_id = _setup(url)
    line = care.purchases.line("QY-2301", "899.00")

    def two_transactions(n: int) -> None:
        with engine.begin() as conn:
            conn.execute(invoices.insert().values(number=f"A-{n}"))
        care.purchases.record(customer_id, [line], receipt_id=f"A-{n}")

    def within(n: int) -> None:
        with engine.begin() as conn:
            conn.execute(invoices.insert().values(number=f"B-{n}"))
            care.within(conn).purchases.record(customer_id, [line], receipt_id=f"B-{n}")

    def within_kept(conn: sa.Connection, shop: clientcare.Clientcare) -> Callable[[int], None]:
        def sell(n: int) -> None:
            with conn.begin():
                conn.execute(invoices.insert().values(number=f"C-{n}"))
                shop.purchases.record(customer_id, [line], receipt_id=f"C-{n}")

        return sell

    with engine.connect() as conn:
        kept = within_kept(conn, care.within(conn))
        figures = _interleaved(sales, {"two_transactions": two_transactions, "within": within, "within_kept": kept})
        builds = []
        for _ in range(50):
            started = time.perf_counter()
            care.within(conn)
            builds.append((time.perf_counter() - started) * 1000)
    figures["build_bound_facade_ms"] = statistics.median(builds)
    figures["within_vs_two_transactions"] = figures["within_ms"] / figures["two_transactions_ms"]
    figures["within_vs_kept"] = figures["within_ms"] / figures["within_kept_ms"]
    invoices.drop(engine)
    care.close()
    engine.dispose()
    return figures


def main() -> None:
    """Measure on SQLite, and on PostgreSQL when a URL is at hand; print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("CLIENTCARE_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        results["sqlite"] = measure(f"sqlite:///{Path(directory) / 'bench.db'}", args.sales)
    if args.postgres:
        results["postgresql"] = measure(args.postgres, args.sales)
    for backend, figures in results.items():
        print(f"{backend} ({args.sales} sales)")
        for name, value in figures.items():
            print(f"  {name:<28} {value:8.3f}")
    print(json.dumps({"sales": args.sales, **results}))


if __name__ == "__main__":
    main()
