"""``care.within(connection)``: clientcare's use cases inside the embedder's own transaction.

The embedder's row and clientcare's purchase (with its outbox message)
commit together or not at all, on SQLite, PostgreSQL and MariaDB; the
facade bound to the connection never begins or commits the outer
transaction, tells no subscriber before the embedder's commit, and leaves
the reactions to run after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, create_engine, func, select

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.errors import ConfigurationError, DuplicateRecord, ValidationError
from clientcare.events import PurchaseRecorded

NOW = datetime.fromisoformat("2026-01-05T10:00:00+08:00")

erp = MetaData()
#: The embedder's own table: an invoice per sale.
invoices = Table(
    "erp_test_invoices",
    erp,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
)


@pytest.fixture
def shop(sql_engine: Engine) -> Iterator[clientcare.Clientcare]:
    """The embedder's table beside clientcare's, and a facade on the embedder's engine."""
    erp.drop_all(sql_engine)
    erp.create_all(sql_engine)
    care = clientcare.connect("sqlite://", tenant="shop", clock=FixedClock(NOW), engine=sql_engine)
    yield care
    erp.drop_all(sql_engine)


def _sell(conn: Connection, care: clientcare.Clientcare, customer_id: str, number: str, price: str = "899.00") -> None:
    """The ERP's sale: its invoice row, then clientcare's purchase on the same connection."""
    conn.execute(invoices.insert().values(number=number))
    joined = care.within(conn)
    joined.purchases.record(customer_id, [joined.purchases.line("QY-2301", price)], receipt_id=number)


def _counts(engine: Engine) -> tuple[int, int, int]:
    """Invoices, purchases and PurchaseRecorded outbox messages stored."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(invoices)).scalar_one(),
            conn.execute(select(func.count()).select_from(t.purchases)).scalar_one(),
            conn.execute(
                select(func.count()).select_from(t.outbox).where(t.outbox.c.name == "PurchaseRecorded")
            ).scalar_one(),
        )


def test_the_sale_and_the_purchase_commit_together(shop: clientcare.Clientcare, sql_engine: Engine) -> None:
    """Both rows and the outbox message exist after the embedder's commit, not before."""
    fang = shop.customers.register("王芳", "13800138000")
    with sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        assert _counts(sql_engine) == (0, 0, 0), "nothing is visible before the embedder commits"
    assert _counts(sql_engine) == (1, 1, 1)
    assert shop.customers.summary(fang.id).figures.purchase_count == 1


def test_an_exception_after_both_writes_rolls_back_both(shop: clientcare.Clientcare, sql_engine: Engine) -> None:
    """The embedder's failure after clientcare's use case undoes the invoice, the purchase and its event."""
    fang = shop.customers.register("王芳", "13800138000")
    with pytest.raises(RuntimeError), sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        raise RuntimeError("the ERP failed after both writes")
    assert _counts(sql_engine) == (0, 0, 0)


def test_a_clientcare_validation_error_rolls_back_the_erp_row(shop: clientcare.Clientcare, sql_engine: Engine) -> None:
    """Bad input to clientcare raises through the embedder's block, which then rolls back its own row."""
    fang = shop.customers.register("王芳", "13800138000")
    with pytest.raises(ValidationError), sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1", price="not-a-price")
    assert _counts(sql_engine) == (0, 0, 0)


def test_a_failed_statement_leaves_the_callers_transaction_usable(
    shop: clientcare.Clientcare, sql_engine: Engine
) -> None:
    """A statement clientcare sent failed (a unique phone): its savepoint is undone and the caller goes on.

    On PostgreSQL a failed statement spoils the whole transaction unless it ran in a savepoint.
    """
    fang = shop.customers.register("王芳", "13800138000")
    twin = clientcare.Customer.register(tenant="shop", name="王小芳", phone="13800138000", at=NOW)
    with sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        joined = shop.within(conn)
        with joined.backend.unit_of_work("shop") as uow, pytest.raises(DuplicateRecord):
            uow.customers.add(twin)
        _sell(conn, shop, fang.id, "INV-2")
    assert _counts(sql_engine) == (2, 2, 2)


def test_a_till_retry_inside_the_transaction_records_the_sale_once(
    shop: clientcare.Clientcare, sql_engine: Engine
) -> None:
    """Recording a receipt twice on the bound facade returns the stored purchase (idempotent per receipt)."""
    fang = shop.customers.register("王芳", "13800138000")
    with sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        joined = shop.within(conn)
        again = joined.purchases.record(fang.id, [joined.purchases.line("QY-2301", "899.00")], receipt_id="INV-1")
    assert _counts(sql_engine) == (1, 1, 1)
    assert shop.customers.summary(fang.id).recent_purchases[0].id == again.id


def test_it_never_begins_the_outer_transaction(shop: clientcare.Clientcare, sql_engine: Engine) -> None:
    """Without a transaction open on the connection a use case is refused and writes nothing."""
    fang = shop.customers.register("王芳", "13800138000")
    with sql_engine.connect() as conn:
        joined = shop.within(conn)
        with pytest.raises(ConfigurationError, match="begin a transaction first"):
            joined.purchases.record(fang.id, [joined.purchases.line("QY-2301", "1.00")], receipt_id="INV-1")
        assert not conn.in_transaction()
    assert _counts(sql_engine) == (0, 0, 0)


def test_subscribers_wait_and_reactions_run_after_the_callers_commit(
    shop: clientcare.Clientcare, sql_engine: Engine
) -> None:
    """Nothing is told inside the open transaction; the reaction's job commits with it and runs afterwards."""
    heard: list[str] = []
    reacted: list[str] = []
    shop.events.subscribe(PurchaseRecorded, lambda event: heard.append(event.purchase_id))
    shop.events.react_with("erp.loyalty_sync", PurchaseRecorded, lambda event: reacted.append(event.purchase_id))
    fang = shop.customers.register("王芳", "13800138000")
    with sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        joined = shop.within(conn)
        with pytest.raises(ConfigurationError):
            joined.events.subscribe(PurchaseRecorded, heard.append)
    assert heard == [] and reacted == []
    assert shop.events.react() == 1
    with sql_engine.connect() as conn:
        assert reacted == [conn.execute(select(t.purchases.c.id)).scalar_one()]


def test_facades_built_on_the_bound_backend_stay_inside_the_transaction(
    shop: clientcare.Clientcare, sql_engine: Engine
) -> None:
    """for_tenant on a bound facade, or a facade built by hand on ``on_connection``, tells nobody either."""
    with sql_engine.connect() as conn, conn.begin():
        other = shop.within(conn).for_tenant("other-shop")
        by_hand = clientcare.Clientcare(shop.backend.on_connection(conn), "shop", clock=FixedClock(NOW))  # type: ignore[attr-defined]
        for facade in (other, by_hand):
            with pytest.raises(ConfigurationError, match="calls no subscriber"):
                facade.events.subscribe(PurchaseRecorded, print)
        other.customers.register("李娜", "13700137000")
    assert shop.for_tenant("other-shop").customers.find_by_phone("13700137000") is not None


def test_a_rolled_back_sale_leaves_no_reaction_job(shop: clientcare.Clientcare, sql_engine: Engine) -> None:
    """The job is part of the transaction: rolled back with it, nothing runs later."""
    reacted: list[str] = []
    shop.events.react_with("erp.loyalty_sync", PurchaseRecorded, lambda event: reacted.append(event.purchase_id))
    fang = shop.customers.register("王芳", "13800138000")
    with pytest.raises(RuntimeError), sql_engine.connect() as conn, conn.begin():
        _sell(conn, shop, fang.id, "INV-1")
        raise RuntimeError("the ERP failed")
    assert shop.events.react() == 0 and reacted == []


def test_a_backend_that_cannot_join_is_a_configuration_error() -> None:
    """The in-memory backend has no caller's transaction to join."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    with pytest.raises(ConfigurationError, match="cannot join"):
        care.within(object())


def test_a_plain_sqlite_engine_is_refused(tmp_path: Path) -> None:
    """pysqlite's own transaction handling breaks savepoints: only clientcare's recipe is accepted."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    care = clientcare.connect(url, tenant="shop", clock=FixedClock(NOW))
    plain = create_engine(url)
    with plain.connect() as conn, conn.begin(), pytest.raises(ConfigurationError, match="create_clientcare_engine"):
        care.within(conn)
    plain.dispose()
    care.close()


def test_the_documented_example_runs() -> None:
    """The block under "Your connection and transaction" in docs/sql.md runs as written."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "sql.md").read_text(encoding="utf-8")
    section = page[page.index("**Your connection and transaction.**") :]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None
    exec(compile(found.group(1), "docs/sql.md (care.within)", "exec"), {})
