"""The SQL adapter behind the facade: embedding, isolation, rollback, statements, errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend, SqlNoteRepository, create_clientcare_engine
from clientcare.errors import DuplicateRecord, NotFound

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


@pytest.fixture
def clock() -> FixedClock:
    """Monday 5 January 2026, 10:00 in Shanghai."""
    return FixedClock(T0)


@pytest.fixture
def care(sql_url: str, clock: FixedClock) -> Iterator[clientcare.Clientcare]:
    """The facade for tenant "shop" on each SQL backend, opened by URL."""
    with clientcare.connect(sql_url, tenant="shop", clock=clock) as facade:
        yield facade


class StatementLog:
    """Records every SQL statement an engine sends."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)
        self.engine = engine

    def _record(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        self.statements.append(statement)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def _engine(care: clientcare.Clientcare) -> Engine:
    backend = care.backend
    assert isinstance(backend, SqlBackend) and backend.engine is not None
    return backend.engine


def _story(care: clientcare.Clientcare, purchases: int = 3, notes: int = 2) -> str:
    ann = care.customers.register("王芳", "13800138000", by="s1")
    care.customers.tag(ann.id, "vip", by="s1")
    care.customers.set_key(ann.id, by="s1")
    care.privacy.give_consent(ann.id, "marketing", "sms", method="written", source="in_store")
    for i in range(purchases):
        care.purchases.record(ann.id, [care.purchases.line(f"ST-{i}", "99.50", 2)], receipt_id=f"R-{i}")
    for i in range(notes):
        care.notebook.write(ann.id, f"note {i} about silk", author="s1", tags=["style"])
    return ann.id


def test_database_file_survives_reopening(tmp_path: Path, clock: FixedClock) -> None:
    """A SQLite file made by connect() keeps its customers for the next process."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    with clientcare.connect(url, tenant="shop", clock=clock) as care:
        ann = care.customers.register("王芳", "13800138000")
    with clientcare.connect(url, tenant="shop", clock=clock) as care:
        assert care.customers.get(ann.id).name == "王芳"
        mode = _engine(care).connect().exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


def test_summary_statement_count_does_not_grow_with_data(care: clientcare.Clientcare) -> None:
    """The customer summary issues a fixed, small number of statements (no N+1)."""
    small = _story(care, purchases=2, notes=1)
    big = _story(care.for_tenant("other"), purchases=25, notes=12)
    log = StatementLog(_engine(care))
    try:
        care.customers.summary(small)
        few = len(log.statements)
        log.statements.clear()
        care.for_tenant("other").customers.summary(big, recent=10)
        many = len(log.statements)
    finally:
        log.close()
    assert few == many
    assert many <= 8


def test_every_statement_is_scoped_to_the_tenant(care: clientcare.Clientcare) -> None:
    """Each SELECT, UPDATE and DELETE on clientcare's tables filters by tenant."""
    log = StatementLog(_engine(care))
    try:
        ann_id = _story(care)
        care.customers.search(name="王")
        care.customers.search(tag="vip")
        care.customers.stale_cards()
        care.customers.summary(ann_id)
        care.notebook.search("silk", author="s1")
        sale = care.purchases.for_customer(ann_id)[0]
        care.purchases.record_return(sale.id, [sale.lines[0]])
        care.purchases.report_condition(sale.id, style_no=sale.lines[0].style_no, years_in_use=1, condition="好")
        care.events.mark_delivered([m.id for m in care.events.pending()])
        care.privacy.export(ann_id)
        care.privacy.erase(ann_id, by="li")
    finally:
        log.close()
    checked = 0
    for statement in log.statements:
        flat = " ".join(statement.split()).lower()
        if re.match(r"^(select|update|delete)\b", flat) and "cc_" in flat and "clientcare_alembic" not in flat:
            assert "tenant" in flat.split(" where ", 1)[-1], statement
            checked += 1
    assert checked > 20


def test_other_tenant_cannot_write_through_any_repository(sql_engine: Engine) -> None:
    """Saving, deleting and delivering across tenants finds nothing to touch."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "a", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    sale = care.purchases.record(ann.id, [care.purchases.line("ST-1", "10")], receipt_id="R1")
    care.notebook.write(ann.id, "hello", author="s1")
    messages = care.events.pending()
    with backend.unit_of_work("b") as uow:
        with pytest.raises(NotFound):
            uow.customers.save(ann)
        with pytest.raises(NotFound):
            uow.customers.add(ann)
        with pytest.raises(NotFound):
            uow.purchases.save(sale)
        assert uow.notes.delete_for_customer(ann.id) == 0
        uow.outbox.mark_delivered([m.id for m in messages])
        assert uow.purchases.between(None, datetime.fromisoformat("2100-01-01T00:00:00+00:00")) is not None
        assert list(uow.purchases.between(None, datetime.fromisoformat("2100-01-01T00:00:00+00:00"))) == []
        uow.commit()
    assert len(care.events.pending()) == len(messages)
    assert len(care.notebook.for_customer(ann.id)) == 1
    report = care.for_tenant("b").purchases.import_rows(
        [
            {
                "receipt_id": "X1",
                "occurred_at": "2026-01-01T10:00:00+08:00",
                "style_no": "S",
                "unit_price": "1",
                "customer_id": ann.id,
            }
        ]
    )
    assert report.imported == 0 and [r.reason for r in report.rejected] == ["customer_id: no such customer"]


def test_failed_use_case_writes_nothing(care: clientcare.Clientcare, monkeypatch: pytest.MonkeyPatch) -> None:
    """An erasure that fails half-way leaves the customer, the notes and the outbox as they were."""
    ann_id = _story(care)
    before = len(care.events.pending())

    def boom(self: SqlNoteRepository, customer_id: str) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SqlNoteRepository, "delete_for_customer", boom)
    with pytest.raises(RuntimeError):
        care.privacy.erase(ann_id, by="li")
    assert care.customers.get(ann_id).erased is False
    assert care.customers.get(ann_id).name == "王芳"
    assert len(care.notebook.for_customer(ann_id)) == 2
    assert len(care.events.pending()) == before


def test_duplicate_phone_error_names_field_not_value(care: clientcare.Clientcare, sql_engine: Engine) -> None:
    """A unique violation from the driver becomes DuplicateRecord without the phone in it."""
    ann = care.customers.register("王芳", "13800138000")
    backend = SqlBackend(sql_engine)
    twin = clientcare.Customer.register(tenant="shop", name="王小芳", phone="13800138000", at=T0)
    with backend.unit_of_work("shop") as uow, pytest.raises(DuplicateRecord) as caught:
        uow.customers.add(twin)
    assert caught.value.field == "phone"
    assert "13800138000" not in str(caught.value) and caught.value.__cause__ is None
    assert care.customers.get(ann.id).version == 1


def test_embedder_connection_shares_the_outer_transaction(sql_engine: Engine) -> None:
    """On the embedder's connection, clientcare's writes commit or roll back with theirs."""
    clock = FixedClock(T0)
    with sql_engine.connect() as conn:
        outer = conn.begin()
        care = clientcare.connect("sqlite://", tenant="shop", clock=clock, connection=conn)
        ann = care.customers.register("王芳", "13800138000")
        assert care.customers.get(ann.id).name == "王芳"
        outer.rollback()
    with sql_engine.connect() as conn:
        assert conn.execute(text("select count(*) from cc_customers")).scalar() == 0
    with sql_engine.connect() as conn:
        outer = conn.begin()
        care = clientcare.Clientcare(SqlBackend(connection=conn), "shop", clock=clock)
        care.customers.register("王芳", "13800138000")
        outer.commit()
    care = clientcare.connect("sqlite://", tenant="shop", clock=clock, engine=sql_engine)
    assert care.customers.find_by_phone("13800138000") is not None


def test_connect_builds_no_engine_for_embedded_engine(sql_engine: Engine, clock: FixedClock) -> None:
    """connect(url, engine=...) uses the given engine and leaves it open on close."""
    care = clientcare.connect("postgresql+psycopg://unused/none", tenant="shop", clock=clock, engine=sql_engine)
    care.customers.register("王芳", "13800138000")
    care.close()
    with sql_engine.connect() as conn:
        assert conn.execute(text("select count(*) from cc_customers")).scalar() == 1


def test_sqlite_engine_is_configured_for_concurrency(tmp_path: Path) -> None:
    """SQLite files get WAL, a busy timeout and foreign keys."""
    engine = create_clientcare_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
