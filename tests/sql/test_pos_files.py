"""Real POS files for both imports: encodings, Chinese headers, workbooks, date forms, spoiled rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ValidationError
from clientcare.kernel._tabular import ImportProgress

T0 = datetime.fromisoformat("2026-01-10T10:00:00+08:00")
CHINESE = "收银单号,销售时间,手机号,商品编码,数量,单价,金额,门店,营业员,颜色\n"
ROWS = (
    "P1,2026/1/5 10:00,13800138000,QY-1,2,100,,S1,小李,红色\n"
    "P1,2026/1/5 10:00,13800138000,QY-2,1,,59.5,S1,小李,黑色\n"
    "P2,2026-01-06,,QY-3,3,,30,S2,小王,\n"
    "P3,46027.5,,QY-4,1,10,,S2,小王,\n"
)


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend, with one customer."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        facade.customers.register("王芳", "13800138000")
        yield facade


@pytest.fixture
def memory() -> Iterator[clientcare.Clientcare]:
    """The facade in memory, with one customer."""
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0)) as facade:
        facade.customers.register("王芳", "13800138000")
        yield facade


def _fang(care: clientcare.Clientcare) -> str:
    found = care.customers.find_by_phone("13800138000")
    assert found is not None
    return found.id


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_an_export_in_any_common_encoding_imports_the_same(
    care: clientcare.Clientcare, tmp_path: Path, encoding: str
) -> None:
    """Chinese headers, slashed dates, ISO dates, Excel serials and line amounts, in each encoding, detected."""
    path = tmp_path / f"pos-{encoding}.csv"
    path.write_bytes((CHINESE + ROWS).encode(encoding))
    report = care.purchases.import_csv(path)
    assert (report.imported, report.rejected) == (3, [])
    first = care.purchases.for_customer(_fang(care))[0]
    assert first.receipt_id == "P1" and first.occurred_at == datetime.fromisoformat("2026-01-05T10:00:00+08:00")
    assert [(line.style_no, str(line.unit_price.amount), line.colour) for line in first.lines] == [
        ("QY-1", "100", "红色"),
        ("QY-2", "59.5", "黑色"),
    ]
    assert (first.store_id, first.staff_id) == ("S1", "小李")


def test_dates_and_amounts_of_walk_ins(memory: clientcare.Clientcare, tmp_path: Path) -> None:
    """A date alone is midnight in the playbook's zone; an Excel serial is a day and a fraction; amount ÷ quantity."""
    path = tmp_path / "pos.csv"
    path.write_text(CHINESE + ROWS, encoding="utf-8")
    memory.purchases.import_csv(path)
    with memory._ctx.unit() as uow:  # walk-ins have no customer to list them by
        stored = {p.receipt_id: p for p in uow.purchases.between(None, T0)}
    assert stored["P2"].occurred_at == datetime.fromisoformat("2026-01-06T00:00:00+08:00")
    assert str(stored["P2"].lines[0].unit_price.amount) == "10"
    assert stored["P3"].occurred_at == datetime.fromisoformat("2026-01-05T12:00:00+08:00")  # Excel 46027.5


def test_a_wrong_encoding_is_refused_before_anything_is_written(memory: clientcare.Clientcare, tmp_path: Path) -> None:
    """Told UTF-8 for a GBK file, the import names the byte and stores nothing."""
    path = tmp_path / "pos.csv"
    path.write_bytes((CHINESE + ROWS).encode("gbk"))
    with pytest.raises(ValidationError) as caught:
        memory.purchases.import_csv(path, encoding="utf-8", batch_size=1)
    assert caught.value.field == "file" and caught.value.rule.startswith("not valid utf-8 text at byte ")
    assert memory.purchases.for_customer(_fang(memory)) == []


def test_spoiled_rows_get_precise_reasons(memory: clientcare.Clientcare, tmp_path: Path) -> None:
    """A short row, extra values and an unbalanced quote (which swallows the lines after it) are named as such."""
    header = "receipt_id,occurred_at,style_no,unit_price,quantity\n"
    path = tmp_path / "pos.csv"
    path.write_text(
        header
        + "R1,2026-01-05 10:00,ST-1,10\n"
        + "R2,2026-01-05 10:00,ST-1,10,1,7\n"
        + "R5,2026-01-05 10:00,ST-1,10,1,\n"
        + 'R3,2026-01-05 10:00,"ST-1,10,1\n'
        + "R4,2026-01-05 10:00,ST-1,10,1\n",
        encoding="utf-8",
    )
    report = memory.purchases.import_csv(path)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "row: short (4 values, the header has 5)"),
        (3, "row: extra values (6 values, the header has 5)"),
        (5, "row: unbalanced quote (the row runs over 2 lines)"),
    ]
    assert report.imported == 1  # R5: a trailing empty value is no extra value


def test_a_header_mapping_from_toml(memory: clientcare.Clientcare, tmp_path: Path) -> None:
    """An import's own TOML mapping names its POS's headers."""
    mapping = tmp_path / "headers.toml"
    mapping.write_text('[purchases]\n"票据" = "receipt_id"\n"时间" = "occurred_at"\n"货品" = "style_no"\n', "utf-8")
    path = tmp_path / "pos.csv"
    path.write_text("票据,时间,货品,单价,手机号\nX1,2026/1/5 9:05,S-1,5,13800138000\n", encoding="utf-8")
    report = memory.purchases.import_csv(path, headers=mapping)
    assert report.imported == 1
    with pytest.raises(ValidationError, match="header lacks column receipt_id"):
        memory.purchases.import_csv(path)


def test_workbooks_import_in_read_only_mode(care: clientcare.Clientcare, tmp_path: Path) -> None:
    """An .xlsx sheet with date cells, numbers and Chinese headers imports purchases and customers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["收银单号", "销售时间", "手机号", "商品编码", "数量", "单价"])
    sheet.append(["W1", datetime(2026, 1, 5, 10, 0), 13800138000, "QY-9", 2, 12.5])
    sheet.append(["W2", "2026/1/6 11:30", None, "QY-9", 1, 99])
    sheet.append(["W3", "someday", None, "QY-9", 1, 99])
    path = tmp_path / "pos.xlsx"
    book.save(path)
    report = care.purchases.import_csv(path)
    assert report.imported == 2
    assert [(r.line, r.reason.split(" (")[0]) for r in report.rejected] == [(4, "occurred_at: must be a date and time")]
    first = care.purchases.for_customer(_fang(care))[0]
    assert str(first.lines[0].unit_price.amount) == "12.5" and first.lines[0].quantity == 2

    members = openpyxl.Workbook()
    sheet = members.active
    assert sheet is not None
    sheet.append(["会员编号", "姓名", "手机号", "生日", "会员等级", "积分"])
    sheet.append(["V1", "李娜", "13800138001", datetime(1992, 3, 4), "vip", 300])
    member_path = tmp_path / "members.xlsx"
    members.save(member_path)
    imported = care.customers.import_csv(member_path)
    assert (imported.imported, imported.rejected) == (1, [])
    li = care.customers.find_by_phone("13800138001")
    assert li is not None and str(li.hard.birthday) == "1992-03-04" and care.points.balance(li.id) == 300


def test_progress_has_the_total_and_no_repeated_last_report(memory: clientcare.Clientcare, tmp_path: Path) -> None:
    """Files report bytes read of the file's size; the end is reported once."""
    path = tmp_path / "pos.csv"
    rows = "".join(f"R{i},2026-01-05 10:00,ST-{i},10,1\n" for i in range(10))
    path.write_text("receipt_id,occurred_at,style_no,unit_price,quantity\n" + rows, encoding="utf-8")
    seen: list[ImportProgress] = []
    memory.purchases.import_csv(path, batch_size=5, on_progress=seen.append)
    size = path.stat().st_size
    assert all(p.total_bytes == size for p in seen)
    assert seen[-1].bytes_read == size and seen[-1].imported == 10
    assert len(seen) == len(set(seen))
    customers: list[ImportProgress] = []
    members = tmp_path / "members.csv"
    members.write_text("name,phone\n" + "".join(f"客户{i},1380013810{i}\n" for i in range(4)), encoding="gbk")
    memory.customers.import_csv(members, batch_size=2, on_progress=customers.append)
    assert [p.imported for p in customers] == [2, 4]
    assert customers[-1].bytes_read == customers[-1].total_bytes == members.stat().st_size
