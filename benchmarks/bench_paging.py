"""Customer pages (a script, not a test): keyset cursors against OFFSET, side by side in one run.

``care.customers.page`` resumes after the last customer through the
(tenant, name, id) index; the usual alternative is ``LIMIT … OFFSET k`` on the
same order, which reads and throws away k rows first. Both fetch the same
pages of the same archive (``--customers``, loaded with
``care.customers.import_rows``) at the start, the middle and the end of the
listing, on an SQLite file and, when ``--postgres`` names a server, on
PostgreSQL. Prints a table, the ratios and one JSON line.

    python benchmarks/bench_paging.py --customers 50000
    python benchmarks/bench_paging.py --customers 50000 --postgres postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

import clientcare

TENANT = "bench-pages"
LIMIT = 50


def _load(care: clientcare.Clientcare, customers: int) -> None:
    if care.customers.page(limit=1).customers:
        return  # a second run on the same database measures the same archive
    rows = ({"name": f"顾客{n * 7919 % customers:06d}", "phone": f"139{n:08d}"} for n in range(customers))
    care.customers.import_rows(rows, batch_size=10_000)


def _timed(call: Any, repeat: int) -> float:
    """The median of ``repeat`` runs of ``call``, in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def _cursors(care: clientcare.Clientcare, depths: list[int]) -> dict[int, str | None]:
    """The cursor that starts the page at each depth, found by walking the listing once."""
    found: dict[int, str | None] = {0: None}
    page, seen = care.customers.page(limit=LIMIT), 0
    while page.next_cursor is not None:
        seen += len(page.customers)
        if seen in depths:
            found[seen] = page.next_cursor
        page = care.customers.page(cursor=page.next_cursor, limit=LIMIT)
    return found


def measure(url: str, customers: int, repeat: int) -> list[dict[str, Any]]:
    """Keyset and OFFSET page times at three depths on ``url``."""
    results = []
    with clientcare.connect(url, tenant=TENANT) as care:
        _load(care, customers)
        engine = care.backend.engine  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE cc_customers"))
        order = 'name COLLATE "C", id COLLATE "C"' if engine.dialect.name == "postgresql" else "name, id"
        offset_sql = text(
            f"SELECT id, version, document FROM cc_customers WHERE tenant = :t AND erased_at IS NULL "
            f"ORDER BY {order} LIMIT {LIMIT} OFFSET :k"
        )
        depths = [0, customers // 2 // LIMIT * LIMIT, (customers - LIMIT) // LIMIT * LIMIT]
        cursors = _cursors(care, depths)
        for depth in depths:
            cursor = cursors[depth]
            keyset = _timed(lambda c=cursor: care.customers.page(cursor=c, limit=LIMIT), repeat)

            def offset(k: int = depth) -> None:
                with engine.connect() as conn:
                    conn.execute(offset_sql, {"t": TENANT, "k": k}).fetchall()

            results.append(
                {
                    "backend": engine.dialect.name,
                    "depth": depth,
                    "keyset_ms": keyset,
                    "offset_ms": _timed(offset, repeat),
                }
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per figure (median)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL to measure there too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = measure(f"sqlite:///{Path(folder) / 'pages.db'}", args.customers, args.repeat)
    if args.postgres:
        results += measure(args.postgres, args.customers, args.repeat)
    print(f"{'backend':<11}{'depth':>8}{'keyset ms':>11}{'offset ms':>11}{'offset/keyset':>15}")
    for row in results:
        ratio = row["offset_ms"] / row["keyset_ms"]
        print(f"{row['backend']:<11}{row['depth']:>8}{row['keyset_ms']:>11.2f}{row['offset_ms']:>11.2f}{ratio:>15.1f}")
    print(json.dumps({"customers": args.customers, "limit": LIMIT, "results": results}))


if __name__ == "__main__":
    main()
