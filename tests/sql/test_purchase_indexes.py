"""Only the indexes the queries need on the purchase tables (migration 0009, issue 16).

Every lookup of the purchase repository and of the import's fast path still
searches an index once the lines-by-style index is gone and the returns index
is partial: on SQLite every statement the lookups send is traced and run
through ``EXPLAIN QUERY PLAN``; on PostgreSQL the same statements are
explained with sequential scans priced out, so a plan without a usable index
would show one. The migration's downgrade brings the old indexes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, inspect

from clientcare.adapters.sqlalchemy import (
    HEAD,
    SqlBackend,
    _bulk_json,
    create_clientcare_engine,
    current_revision,
    upgrade,
)
from clientcare.adapters.sqlalchemy._bulk import _known_receipts, known_customers
from clientcare.adapters.sqlalchemy._migrate import _config
from clientcare.adapters.sqlalchemy._tables import customers
from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork
from clientcare.errors import NotFound

from .conftest import server_engine, sqlite_url

TENANT = "shop"
_Lookup = Callable[[SqlUnitOfWork], object]

#: Each lookup, the table it reads and the index (or primary key, "pk") it must search.
LOOKUPS: dict[str, tuple[_Lookup, str, str]] = {
    "purchases.get": (lambda u: _missing(lambda: u.purchases.get("p1")), "cc_purchases", "pk"),
    "purchases.by_receipt": (lambda u: u.purchases.by_receipt("R-1"), "cc_purchases", "receipt"),
    "purchases.for_customer": (lambda u: u.purchases.for_customer("c1"), "cc_purchases", "ix_cc_purchases_customer"),
    "purchases.figures": (lambda u: u.purchases.figures("c1", "CNY"), "cc_purchases", "ix_cc_purchases_customer"),
    "purchases.returns_of": (lambda u: u.purchases.returns_of("p1"), "cc_purchases", "ix_cc_purchases_original"),
    "import.known_receipts": (lambda u: _known_receipts(u, ["R-1", "R-2"]), "cc_purchases", "receipt"),
    "import.customers_by_id": (lambda u: known_customers(u, customers.c.id, {"c1", "c2"}), "cc_customers", "pk"),
    "import.customers_by_phone": (
        lambda u: known_customers(u, customers.c.phone, {"+8613800138000"}),
        "cc_customers",
        "phone",
    ),
}


def _missing(call: Callable[[], object]) -> None:
    """Run a lookup of a purchase the empty database does not hold."""
    with pytest.raises(NotFound):
        call()


def _traced(engine: Engine, lookup: _Lookup) -> list[str]:
    """The SELECTs ``lookup`` sends, as SQLite ran them (parameters filled in)."""
    seen: list[str] = []
    with SqlBackend(engine).unit_of_work(TENANT) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        raw = uow.connection.connection.dbapi_connection
        raw.set_trace_callback(seen.append)  # type: ignore[union-attr]
        try:
            lookup(uow)
        finally:
            raw.set_trace_callback(None)  # type: ignore[union-attr]
    return [s for s in seen if s.lstrip().upper().startswith("SELECT") and "cc_" in s]


def _sqlite_index_of(step: str) -> str:
    """The index a ``SEARCH`` step of SQLite's plan uses, named as LOOKUPS names it."""
    if "PRIMARY KEY" in step or "sqlite_autoindex_cc_purchase_lines_1" in step:
        return "pk"
    if "sqlite_autoindex_cc_customers_1" in step or "sqlite_autoindex_cc_purchases_1" in step:
        return "pk"
    if "uq_cc_purchases_tenant_receipt_id" in step or "sqlite_autoindex_cc_purchases_2" in step:
        return "receipt"
    if "uq_cc_customers_tenant_phone" in step or "sqlite_autoindex_cc_customers_2" in step:
        return "phone"
    named = re.search(r"USING (?:COVERING )?INDEX (\S+)", step)
    return named.group(1) if named else step


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_every_purchase_lookup_searches_its_index_on_sqlite(name: str, sqlite_template: Path, tmp_path: Path) -> None:
    """No lookup of a purchase, a return, a receipt or an import's customer scans a table."""
    lookup, table, index = LOOKUPS[name]
    engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
    statements = _traced(engine, lookup)
    assert statements, name
    with engine.connect() as conn:
        for statement in statements:
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement)]
            assert not [step for step in plan if step.startswith("SCAN cc_")], (name, plan)
            searched = [_sqlite_index_of(step) for step in plan if step.startswith(f"SEARCH {table}")]
            if f"FROM {table} " in statement:
                assert searched and searched[0] == index, (name, plan)
    engine.dispose()


#: The same lookups written out for PostgreSQL's EXPLAIN, with the index each must use.
PG_PLANS = {
    "SELECT * FROM cc_purchases WHERE tenant = 'shop' AND original_id = 'p1' AND kind = 'return'": (
        "ix_cc_purchases_original"
    ),
    "SELECT * FROM cc_purchases WHERE tenant = 'shop' AND customer_id = 'c1' ORDER BY occurred_at DESC": (
        "ix_cc_purchases_customer"
    ),
    "SELECT receipt_id FROM cc_purchases WHERE tenant = 'shop' AND receipt_id = ANY(ARRAY['R-1', 'R-2'])": (
        "uq_cc_purchases_tenant_receipt_id"
    ),
    "SELECT * FROM cc_purchase_lines WHERE tenant = 'shop' AND purchase_id IN ('p1', 'p2')": "pk_cc_purchase_lines",
}


def _fill_purchases(conn: Connection) -> None:
    """A tenant of 5,000 purchases over 500 customer ids (rolled back by the caller)."""
    conn.exec_driver_sql(
        "INSERT INTO cc_purchases (tenant, id, version, customer_id, occurred_at, utc_offset, kind, amount_e4,"
        " amount_scale, currency, receipt_id) SELECT 'shop', 'plan-' || n, 1, 'c' || mod(n, 500),"
        " TIMESTAMP '2026-01-01' + n * INTERVAL '1 minute', 480, 'sale', 10000, 2, 'CNY', 'PLAN-' || n"
        " FROM generate_series(1, 5000) AS n"
    )


@pytest.mark.postgres
@pytest.mark.parametrize("statement", sorted(PG_PLANS))
def test_every_purchase_lookup_has_an_index_on_postgresql(statement: str, server_engines: dict[str, Engine]) -> None:
    """With sequential scans priced out, each lookup's plan names its index."""
    engine = server_engine("postgresql", server_engines)
    with engine.connect() as conn:
        # A tenant of many purchases, rolled back after: on a nearly empty table every
        # index costs the same and the planner may pick any of them.
        _fill_purchases(conn)
        conn.exec_driver_sql("ANALYZE cc_purchases")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement))
        conn.rollback()
    assert "Seq Scan" not in plan and PG_PLANS[statement] in plan, plan


#: The import's keys statement (adapters/sqlalchemy/_bulk_json.py): one key of each kind.
KEYS = '[["R-1", "c1", null], ["R-2", null, "+8613800138000"], ["R-3", null, null]]'
#: Each table the keys statement probes, and the unique index its probe must use.
KEY_INDEXES = {"p": "receipt", "c": "pk", "ph": "phone"}


def test_the_import_keys_statement_probes_unique_indexes_on_sqlite(sqlite_template: Path, tmp_path: Path) -> None:
    """Receipts, customer ids and phones of a batch are each looked up through their unique index."""
    engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
    with engine.connect() as conn:
        plan = [
            row[3]
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + _bulk_json._SQLITE_KEYS, (KEYS,) + (TENANT,) * 3)
        ]
    engine.dispose()
    assert not [step for step in plan if step.startswith("SCAN cc_")], plan
    searched = {step.split()[1]: _sqlite_index_of(step) for step in plan if step.startswith("SEARCH ")}
    assert searched == KEY_INDEXES, plan


@pytest.mark.postgres
@pytest.mark.parametrize("analysed", [True, False], ids=["analysed", "never-analysed"])
def test_the_import_keys_statement_probes_unique_indexes_on_postgresql(
    analysed: bool, server_engines: dict[str, Engine]
) -> None:
    """One probe per key through each unique index, also before the tables were ever analysed:
    a first import into a fresh database runs on no statistics at all."""
    engine = server_engine("postgresql", server_engines)
    with engine.connect() as conn:
        _fill_purchases(conn)
        conn.exec_driver_sql(
            "INSERT INTO cc_customers (tenant, id, version, name, name_fold, phone, registered_at, is_key, document)"
            " SELECT 'shop', 'c' || n, 1, 'name', 'name', '+86138' || lpad(n::text, 8, '0'),"
            " TIMESTAMP '2026-01-01', false, '{}' FROM generate_series(1, 2000) AS n"
        )
        if analysed:
            conn.exec_driver_sql("ANALYZE cc_purchases, cc_customers")
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN " + _bulk_json._PG_KEYS, (KEYS, *(TENANT,) * 3), prepare=False)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        conn.rollback()
    assert "Seq Scan" not in plan and "Hash" not in plan, plan
    for index in ("uq_cc_purchases_tenant_receipt_id", "pk_cc_customers", "uq_cc_customers_tenant_phone"):
        assert f"Index Scan using {index}" in plan or f"Index Only Scan using {index}" in plan, plan


def test_the_downgrade_of_0009_brings_the_old_indexes_back(sqlite_template: Path, tmp_path: Path) -> None:
    """0009 down: lines by style and the whole returns index again; up: gone and partial."""
    engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))

    def indexes() -> dict[str, object]:
        found = inspect(engine).get_indexes("cc_purchase_lines") + inspect(engine).get_indexes("cc_purchases")
        return {ix["name"]: str(ix.get("dialect_options", {}).get("sqlite_where")) for ix in found}

    after = indexes()
    assert "ix_cc_purchase_lines_style" not in after and after["ix_cc_purchases_original"] != "None"
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0008")  # type: ignore[arg-type]
    before = indexes()
    assert "ix_cc_purchase_lines_style" in before and before["ix_cc_purchases_original"] == "None"
    upgrade(engine)
    assert current_revision(engine) == HEAD and indexes() == after
    engine.dispose()
