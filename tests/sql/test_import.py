"""The nightly POS import on every backend: idempotent, streaming, honest about bad rows."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import _bulk, _bulk_json, create_clientcare_engine
from clientcare.errors import DuplicateRecord
from clientcare.kernel import RandomIds
from clientcare.purchases import ImportProgress
from tests.sql.conftest import scalar, server_engine

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
HEADER = "receipt_id,occurred_at,style_no,unit_price,quantity,customer_id,customer_phone,size,colour,full_price\n"


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        yield facade


def _csv(customer_id: str) -> str:
    return HEADER + (
        f"R1,2026-01-01T10:00:00+08:00,ST-1,12.50,2,{customer_id},,M,红,true\n"
        f"R1,2026-01-01T10:00:00+08:00,ST-2,3,1,{customer_id},,,,0\n"
        "R2,2026-01-02 11:00,ST-3,99.9,,,13800138000,,,\n"
        "R3,yesterday,ST-3,1,,,,,,\n"
        "R4,2026-01-02 11:00,ST-3,1.00001,,,,,,\n"
        "R5,2026-01-02 11:00,ST-3,5,,nobody,,,,\n"
        "R6,2026-01-02 11:00,,5,,,,,,\n"
        "R7,2026-01-02 11:00,ST-4,5,-1,,,,,\n"
        "R8,2026-01-02 11:00,ST-4,5,1,,,,,\n"
        "R1,2026-01-03 11:00,ST-9,5,1,,,,,\n"
    )


def test_csv_import_reports_bad_lines_and_keeps_good_ones(care: clientcare.Clientcare) -> None:
    """Good receipts are stored (lines joined), bad lines come back with line number and reason."""
    ann = care.customers.register("王芳", "13800138000")
    progress: list[ImportProgress] = []
    report = care.purchases.import_csv(io.StringIO(_csv(ann.id)), batch_size=2, on_progress=progress.append)
    assert (report.imported, report.skipped, report.lines_read) == (3, 1, 10)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (5, "occurred_at: must be a date and time (2026-01-05 10:00, 2026/1/5 10:00 or an Excel date)"),
        (6, "unit_price: at most 4 decimal places"),
        (7, "customer_id: no such customer"),
        (8, "style_no: required"),
        (9, "quantity: must be a whole number above zero"),
    ]
    assert progress[-1] == ImportProgress(10, 3, 1, 5)
    figures = care.purchases.figures(ann.id)
    assert figures.total_spend == clientcare.Money.of("127.90") and figures.purchase_count == 2
    first = care.purchases.for_customer(ann.id)[-1]
    assert [(line.style_no, line.unit_price.amount, line.size, line.full_price) for line in first.lines] == [
        ("ST-1", Decimal("12.50"), "M", True),
        ("ST-2", Decimal("3"), None, False),
    ]
    assert first.receipt_id == "R1" and first.occurred_at == datetime.fromisoformat("2026-01-01T10:00:00+08:00")
    walk_in = care.purchases.get(care.purchases.for_customer(ann.id)[0].id)
    assert walk_in.receipt_id == "R2"


def test_importing_the_same_file_twice_adds_nothing(care: clientcare.Clientcare) -> None:
    """Receipt ids make the import idempotent."""
    ann = care.customers.register("王芳", "13800138000")
    care.purchases.import_csv(io.StringIO(_csv(ann.id)))
    before = care.purchases.figures(ann.id)
    again = care.purchases.import_csv(io.StringIO(_csv(ann.id)))
    assert again.imported == 0 and again.skipped == 4
    assert care.purchases.figures(ann.id) == before


def test_import_rows_from_mappings_and_erased_customers(care: clientcare.Clientcare) -> None:
    """Mappings import like CSV rows; purchases of erased customers are refused; no events are sent."""
    ann = care.customers.register("王芳", "13800138000")
    gone = care.customers.register("李娜", "13900139000")
    care.privacy.erase(gone.id, by="li")
    pending = len(care.events.pending())
    records = [
        {"receipt_id": "A1", "occurred_at": datetime(2026, 1, 1, 9, 30), "style_no": "S", "unit_price": Decimal("5")},
        {
            "receipt_id": "A2",
            "occurred_at": "2026-01-01T10:00:00Z",
            "style_no": "S",
            "unit_price": "7",
            "customer_id": gone.id,
        },
        {
            "receipt_id": "A3",
            "occurred_at": "2026-01-01T10:00:00Z",
            "style_no": "S",
            "unit_price": 7,
            "quantity": 3,
            "customer_id": ann.id,
        },
    ]
    report = care.purchases.import_rows(records)
    assert report.imported == 2
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "customer_id: customer was erased")]
    assert care.purchases.figures(ann.id).total_spend == clientcare.Money.of(21)
    assert len(care.events.pending()) == pending


def test_import_memory_stays_flat(sql_url: str) -> None:
    """Importing many rows holds one batch at a time, not the whole file."""
    care = clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0))

    def rows(count: int) -> Iterator[dict[str, object]]:
        for i in range(count):
            yield {
                "receipt_id": f"R{i}",
                "occurred_at": "2026-01-01T10:00:00+08:00",
                "style_no": "ST",
                "unit_price": "9.90",
            }

    care.purchases.import_rows(rows(200), batch_size=200)
    tracemalloc.start()
    report = care.purchases.import_rows(rows(6_200), batch_size=200)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    care.close()
    assert report.imported == 6_000 and report.skipped == 200
    assert peak < 2_000_000, peak


def test_random_ids_stored_earlier_still_load_beside_time_ordered_ones(sql_url: str) -> None:
    """Rows written with uuid4 ids (before UUIDv7) load, take purchases and imports, and sort beside new ones."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0), ids=RandomIds()) as old:
        ann = old.customers.register("王芳", "13800138000")
        sale = old.purchases.record(ann.id, [old.purchases.line("ST-1", "10")], receipt_id="OLD-1")
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        assert care.customers.get(ann.id).id == ann.id
        ben = care.customers.register("王强", "13900139000")
        report = care.purchases.import_rows(
            [
                {"receipt_id": "NEW-1", "occurred_at": "2026-01-02T10:00:00+08:00", "unit_price": "5"}
                | {"style_no": "ST-2", "customer_id": ann.id},
                {"receipt_id": "NEW-2", "occurred_at": "2026-01-02T11:00:00+08:00", "unit_price": "7"}
                | {"style_no": "ST-2", "customer_id": ben.id},
            ]
        )
        stored = care.purchases.for_customer(ann.id)
        assert report.imported == 2
        assert {p.receipt_id for p in stored} == {"OLD-1", "NEW-1"}
        assert sale.id in {p.id for p in stored}
        assert care.purchases.figures(ann.id).total_spend == clientcare.Money.of(15)
        assert len(ann.id) == len(ben.id) == 32 and ben.id[12] == "7" and ann.id[12] == "4"


@pytest.mark.postgres
def test_the_binary_copy_types_are_the_tables_column_types(server_engines: dict[str, Engine]) -> None:
    """The PostgreSQL fast path COPYs in binary with fixed types: they must be the migrated tables'."""
    sql_engine = server_engine("postgresql", server_engines)
    query = text(
        "SELECT column_name, udt_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = :table"
    )
    for table, columns, types in (
        ("cc_purchases", _bulk_json.PURCHASE_COLUMNS, _bulk_json.PURCHASE_PG_TYPES),
        ("cc_purchase_lines", _bulk_json.LINE_COLUMNS, _bulk_json.LINE_PG_TYPES),
    ):
        with sql_engine.connect() as conn:
            stored = {name: kind for name, kind in conn.execute(query, {"table": table})}
        assert [stored[column] for column in columns] == list(types), table


def test_a_receipt_the_keys_check_missed_fails_as_a_clientcare_error(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a stored receipt get past the batch's keys check (a writer in between on a server), the
    unique index refuses it as DuplicateRecord, never as the driver's error, and the batch stores nothing."""
    blind_sqlite = "SELECT 0, 0, NULL FROM (SELECT ? AS a, ? AS b, ? AS c, ? AS d) WHERE 0"
    blind_pg = "SELECT 0, 0, NULL FROM (SELECT %s::text, %s::text, %s::text, %s::text) AS k WHERE false"
    monkeypatch.setattr(_bulk_json, "_SQLITE_KEYS", blind_sqlite)
    monkeypatch.setattr(_bulk_json, "_PG_KEYS", blind_pg)
    monkeypatch.setattr(_bulk, "_verdicts", lambda uow, batch: [])
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        ann = care.customers.register("王芳", "13800138000")
        care.purchases.record(ann.id, [care.purchases.line("S", "5")], receipt_id="R-SECRET-1")
        rows = HEADER + "R-NEW,2026-01-01 10:00,S,5,1,,,,,\nR-SECRET-1,2026-01-01 10:00,S,5,1,,,,,\n"
        with pytest.raises(DuplicateRecord) as raised:
            care.purchases.import_csv(io.StringIO(rows))
        assert "R-SECRET-1" not in str(raised.value) and raised.value.code == "duplicate_record"
    engine = create_clientcare_engine(sql_url)
    assert scalar(engine, "SELECT count(*) FROM cc_purchases WHERE receipt_id = 'R-NEW'") == 0
    engine.dispose()
