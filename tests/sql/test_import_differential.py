"""The SQL import's fast path against the generic one, purchase by purchase.

Hypothesis makes random nights of POS rows (receipts repeated next to each
other and apart, customers by id or by phone, unknown ones, erased ones,
walk-ins) and imports them twice over, in random batch sizes: on the memory
adapter, which stores purchase by purchase through the repositories, and on
a SQL adapter, whose batches are checked by one joined statement and written
in bulk. Both facades mint the same ids, so the reports and every stored
purchase compare field by field.

SQLite always runs; PostgreSQL and MariaDB when their URLs are set (required
under ``CI=true``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import NotFound

from .conftest import SQL_BACKENDS, CountingIds, _fresh_url

T0 = datetime.fromisoformat("2026-03-01T10:00:00+08:00")

customers = st.lists(st.fixed_dictionaries({"erased": st.booleans()}), min_size=1, max_size=4)
#: Who a row names: a customer by id or phone (index), an unknown id or phone, or nobody.
owners = st.one_of(
    st.tuples(st.just("id"), st.integers(0, 3)),
    st.tuples(st.just("phone"), st.integers(0, 3)),
    st.just(("unknown id", 0)),
    st.just(("unknown phone", 0)),
    st.just(("walk-in", 0)),
)
rows = st.lists(
    st.tuples(
        st.integers(0, 7),  # receipt R0…R7: repeats next to each other join lines, apart they repeat
        owners,
        st.sampled_from(["9.9", "120", "0.5", "1999.99"]),
        st.integers(1, 3),
        st.integers(0, 200),  # minutes after T0
    ),
    min_size=1,
    max_size=14,
)


def _night(
    url: str, people: list[dict[str, Any]], night: list[tuple[Any, ...]], sizes: tuple[int, int]
) -> tuple[list[object], list[object]]:
    """Import half the night, then all of it, on ``url``: the two reports and every stored purchase."""
    ids = CountingIds()
    care = clientcare.connect(url, tenant="shop", clock=FixedClock(T0), ids=ids)
    try:
        known = [care.customers.register(f"客户{n}", f"1380013800{n}").id for n in range(len(people))]
        for person, customer_id in zip(people, known, strict=True):
            if person["erased"]:
                care.privacy.erase(customer_id, by="test")
        records = [_record(row, known) for row in night]
        reports = [
            care.purchases.import_rows(records[: len(records) // 2], batch_size=sizes[0]),
            care.purchases.import_rows(records, batch_size=sizes[1]),
        ]
        seen = [(r.imported, r.skipped, r.lines_read, [(j.line, j.reason) for j in r.rejected]) for r in reports]
        stored: list[object] = []
        for n in range(1, ids.n + 1):
            try:
                purchase = care.purchases.get(f"{n:032x}")
            except NotFound:
                continue
            stored.append(
                (
                    purchase.id,
                    purchase.receipt_id,
                    purchase.customer_id,
                    purchase.occurred_at,
                    purchase.amount,
                    purchase.store_id,
                    [(line.style_no, line.quantity, line.unit_price, line.full_price) for line in purchase.lines],
                )
            )
        return list(seen), stored
    finally:
        care.close()


def _record(row: tuple[Any, ...], known: list[str]) -> dict[str, object]:
    receipt, (kind, who), price, quantity, minutes = row
    record: dict[str, object] = {
        "receipt_id": f"R{receipt}",
        "occurred_at": f"2026-02-01 10:{minutes % 60:02d}",
        "style_no": f"ST-{minutes % 5}",
        "unit_price": price,
        "quantity": quantity,
    }
    if kind == "id":
        record["customer_id"] = known[who % len(known)]
    elif kind == "phone":
        record["customer_phone"] = f"1380013800{who % len(known)}"
    elif kind == "unknown id":
        record["customer_id"] = "nobody"
    elif kind == "unknown phone":
        record["customer_phone"] = "13911112222"
    return record


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_fast_import_stores_what_the_generic_import_stores(
    backend: str, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, server_engines: dict[str, Engine]
) -> None:
    """Random nights imported twice over: the SQL fast path and the memory adapter's purchase-by-purchase
    path give the same reports and store the same purchases, field by field."""

    examples = 40 if backend == "sqlite" else 15

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(people=customers, night=rows, sizes=st.tuples(st.integers(1, 4), st.integers(1, 6)))
    def check(people: list[dict[str, Any]], night: list[tuple[Any, ...]], sizes: tuple[int, int]) -> None:
        url = _fresh_url(backend, sqlite_template, tmp_path_factory.mktemp("import"), server_engines)
        assert _night(url, people, night, sizes) == _night("memory://", people, night, sizes)

    check()
