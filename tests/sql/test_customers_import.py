"""Bringing the customer base over on every backend: checked, idempotent, one pass for loyalty."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.cli import app
from clientcare.customers import Channel, ConsentMethod, DataSource, Purpose, customer_id_for
from clientcare.kernel._tabular import ImportProgress

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
FILE = (
    "external_id,name,phone,store,registered_at,gender,birthday,email,tags,dates,consents,"
    "consent_method,consent_source,consent_at,member_level,points\n"
    "M1,王芳,138 0013 8000,S1,2019/3/1 09:30,女,1990-05-01,Fang@Example.com,vip;老客,"
    "anniversary:结婚纪念日:2015-06-01|other:女儿生日:09-01,marketing:sms;greetings:sms,written,in_store,"
    "2020-01-01,gold,120\n"
    "M2,李娜,,S1,,,,,,,,,,,,\n"
    "M3,张伟,13800138002,S1,,,2026/13/1,,,,,,,,,\n"
    "M4,赵敏,13800138003,S2,,,,,,,marketing,,,,,\n"
    "M5,钱多,13800138004,S2,,,,,,,,,,,platinum,-5\n"
    "M6,孙丽,13800138005,S2,43831,male,,,,,,,,,vip,\n"
    "M7,周杰,13800138006,S2,,,,,,,,,,,,\n"
)


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        yield facade


def test_the_customer_base_comes_over_with_consents_dates_level_and_points(care: clientcare.Clientcare) -> None:
    """Good rows become customers with everything in the row; bad rows come back by line and field:rule only."""
    progress: list[ImportProgress] = []
    report = care.customers.import_csv(io.StringIO(FILE), batch_size=2, on_progress=progress.append)
    assert (report.imported, report.skipped, report.lines_read) == (3, 0, 7)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "phone: required"),
        (4, "birthday: must be a date (2026-01-05, 2026/1/5 or an Excel date)"),
        (5, "consents: each must be purpose:channel"),
        (6, "member_level: not a level of the playbook"),
    ]
    assert all("赵敏" not in r.reason and "platinum" not in r.reason for r in report.rejected)
    assert progress[-1] == ImportProgress(7, 3, 0, 4)
    assert len({p for p in progress}) == len(progress)  # no report repeated

    fang = care.customers.get(customer_id_for("shop", "M1"))
    assert (fang.name, fang.phone, fang.home_store) == ("王芳", "+8613800138000", "S1")
    assert fang.registered_at == datetime.fromisoformat("2019-03-01T09:30:00+08:00")
    assert fang.hard.email == "Fang@example.com" and str(fang.hard.birthday) == "1990-05-01"
    assert fang.tags == frozenset({"vip", "老客"})
    assert [(d.kind.value, d.label, d.month, d.day, d.year) for d in fang.important_dates] == [
        ("anniversary", "结婚纪念日", 6, 1, 2015),
        ("other", "女儿生日", 9, 1, None),
    ]
    assert {(c.purpose, c.channel, c.method, c.source) for c in fang.consents} == {
        (Purpose.MARKETING, Channel.SMS, ConsentMethod.WRITTEN, DataSource.IN_STORE),
        (Purpose.GREETINGS, Channel.SMS, ConsentMethod.WRITTEN, DataSource.IN_STORE),
    }
    assert all(c.given_at == datetime.fromisoformat("2020-01-01T00:00:00+08:00") for c in fang.consents)
    assert care.privacy.may_contact(fang.id, "marketing", "sms")
    assert care.membership.get(fang.id).level == "gold"
    assert care.points.balance(fang.id) == 120

    excel = care.customers.get(customer_id_for("shop", "M6"))
    assert excel.registered_at.date().isoformat() == "2020-01-01"  # Excel serial 43831
    assert care.membership.get(excel.id).level == "vip" and care.points.balance(excel.id) == 0
    plain = care.customers.find_by_phone("13800138006")
    assert plain is not None and plain.consents == () and care.customers.search(tag="vip")[0].id == fang.id


def test_importing_twice_or_a_known_phone_adds_nothing(care: clientcare.Clientcare) -> None:
    """A known external id or phone is skipped; points are not credited twice."""
    known = care.customers.register("周杰", "13800138006")
    first = care.customers.import_csv(io.StringIO(FILE))
    assert (first.imported, first.skipped) == (2, 1)
    again = care.customers.import_csv(io.StringIO(FILE))
    assert (again.imported, again.skipped) == (0, 3)
    assert care.customers.find_by_phone("13800138006") == care.customers.get(known.id)
    assert care.points.balance(customer_id_for("shop", "M1")) == 120
    assert care.customers.import_rows([]).imported == 0


def test_rows_from_mappings_and_duplicates_within_a_file(care: clientcare.Clientcare) -> None:
    """Mappings import like rows (numbered from 1); the same person twice in one batch is stored once."""
    records = [
        {"name": "王芳", "phone": "13800138000", "points": "5"},
        {"name": "王芳", "phone": "+86 138 0013 8000"},
        {"name": "", "phone": "13800138009"},
        {"name": "李娜", "phone": "13800138001", "registered_at": "2027-01-01"},
    ]
    report = care.customers.import_rows(records)
    assert (report.imported, report.skipped) == (1, 1)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "name: required"),
        (4, "registered_at: must not be in the future"),
    ]
    fang = care.customers.find_by_phone("13800138000")
    assert fang is not None and care.points.balance(fang.id) == 5


def test_the_cli_imports_customers(sql_url: str, tmp_path: Path) -> None:
    """`clientcare customers import` reports counts and rejects; a second run skips every row."""
    path = tmp_path / "members.csv"
    path.write_text(FILE, encoding="utf-8")
    runner = CliRunner()
    args = ["customers", "import", str(path), "--url", sql_url, "--tenant", "shop", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 8, first.output
    data = json.loads(first.stdout)
    assert (data["imported"], data["skipped"], len(data["rejected"])) == (3, 0, 4)
    again = json.loads(runner.invoke(app, args).stdout)
    assert (again["imported"], again["skipped"]) == (0, 3)
