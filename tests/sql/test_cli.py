"""The ``clientcare`` command line on SQLite, PostgreSQL and MariaDB, through typer's runner."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

import clientcare
from clientcare.cli import app

DATE_RULE = "occurred_at: must be a date and time (2026-01-05 10:00, 2026/1/5 10:00 or an Excel date)"
HEADER = "receipt_id,occurred_at,style_no,unit_price,quantity,customer_id,customer_phone,size,colour,full_price\n"


@pytest.fixture
def runner(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose commands find the database and tenant in the environment."""
    monkeypatch.setenv("CLIENTCARE_URL", sql_url)
    monkeypatch.setenv("CLIENTCARE_TENANT", "shop")
    monkeypatch.delenv("CLIENTCARE_DEBUG", raising=False)
    return CliRunner()


def _json(runner: CliRunner, *args: str, code: int = 0) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def _purchases_file(tmp_path: Path, customer_id: str) -> Path:
    when = (datetime.now().astimezone() - timedelta(days=2)).isoformat(timespec="seconds")
    path = tmp_path / "pos.csv"
    path.write_text(
        HEADER
        + f"R1,{when},ST-1,120.00,2,{customer_id},,M,红,true\n"
        + f"R2,{when},ST-2,80,1,,13800138001,,,\n"
        + "R3,yesterday,ST-3,1,,,,,,\n",
        encoding="utf-8",
    )
    return path


def test_a_shop_day_from_the_command_line(runner: CliRunner, sql_url: str, tmp_path: Path) -> None:
    """Import, find, show, daily run, board, tiers, report, complaints and the relay answer as JSON."""
    with clientcare.connect(sql_url, tenant="shop") as care:
        today = datetime.now(ZoneInfo(care.playbook.locale.timezone)).date()
        birthday = (today + timedelta(days=3)).replace(year=1990)  # greeted from today (3 days ahead)
        ann = care.customers.register("王芳", "13800138000", store="S1", customer_agrees=True, birthday=birthday)
        care.privacy.give_consent(ann.id, "greetings", "sms", method="written", source="in_store")
        care.customers.register("李娜", "13800138001", store="S1")
    imported = _json(runner, "purchases", "import", str(_purchases_file(tmp_path, ann.id)), code=8)
    assert imported == {
        "lines_read": 3,
        "imported": 2,
        "skipped": 0,
        "rejected": [{"line": 4, "reason": DATE_RULE}],
    }
    again = _json(runner, "purchases", "import", str(_purchases_file(tmp_path, ann.id)), code=8)
    assert (again["imported"], again["skipped"]) == (0, 2)  # type: ignore[index]

    found = _json(runner, "customers", "find", "--phone", "138 0013 8000")
    assert [c["id"] for c in found] == [ann.id]  # type: ignore[union-attr]
    shown = _json(runner, "customers", "show", ann.id)
    assert shown["customer"]["id"] == ann.id and shown["figures"]["purchase_count"] == 1  # type: ignore[index]
    exported = runner.invoke(app, ["customers", "export", ann.id])
    assert exported.exit_code == 0 and json.loads(exported.stdout)  # an object about the customer

    daily = _json(runner, "daily", "run")
    assert (daily["customers"], daily["planned"], daily["by_reason"]) == (2, 1, [["birthday", 1]])  # type: ignore[index]
    week = _json(runner, "board", "--period", "week")
    month = _json(runner, "board", "--period", "month")
    assert week["scope"] == "tenant" and month["scope"] == "tenant"  # type: ignore[index]
    on_month = [item["touch_id"] for w in month["weeks"] for item in w["items"]]  # type: ignore[index]
    on_month += [item["touch_id"] for item in month["spanning"]]  # type: ignore[index]
    on_week = [item["touch_id"] for k in ("overdue", "today", "tomorrow", "this_week") for item in week[k]]  # type: ignore[index]
    assert len(on_week) == 1 and on_week[0] in on_month

    tiers = _json(runner, "tiers", "recompute")
    assert sum(tiers["counts"].values()) == 2  # type: ignore[index]
    report = _json(runner, "report")
    assert report["month"] == datetime.now().astimezone().strftime("%Y-%m")  # type: ignore[index]
    assert _json(runner, "complaints", "list") == []
    assert _json(runner, "complaints", "overdue") == []
    assert _json(runner, "db", "current")["up_to_date"] is True  # type: ignore[index]

    relay = runner.invoke(app, ["events", "relay"])
    assert relay.exit_code == 0, relay.output
    lines = [json.loads(line) for line in relay.stdout.splitlines()]
    assert lines and all({"id", "name", "occurred_at", "payload"} <= set(line) for line in lines)
    assert "13800138000" not in relay.stdout  # payloads carry ids, never the phone
    assert runner.invoke(app, ["events", "relay"]).stdout == ""  # delivered: nothing pending


def test_tables_are_the_default_answer(runner: CliRunner, sql_url: str) -> None:
    """Without --json the reading commands print tables."""
    with clientcare.connect(sql_url, tenant="shop") as care:
        ann = care.customers.register("王芳", "13800138000")
    for args in (["customers", "find", "--name", "王"], ["customers", "show", ann.id], ["board"], ["daily", "run"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "┃" in result.stdout or "│" in result.stdout


def test_a_gbk_file_is_read_and_a_mixed_one_refused_before_writing(
    runner: CliRunner, sql_url: str, tmp_path: Path
) -> None:
    """A GBK export is detected and imported; a file that stops decoding halfway is one line and imports nothing."""
    with clientcare.connect(sql_url, tenant="shop") as care:
        ann = care.customers.register("王芳", "13800138000")
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    rows = "".join(f"R{i},{when},ST-1,10,1,{ann.id},,,红色,\n" for i in range(3))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((HEADER + rows).encode("gbk"))
    mixed = tmp_path / "mixed.csv"
    many = "".join(f"M{i},{when},ST-1,10,1,{ann.id},,,红色,\n" for i in range(1500))  # past the detection sample
    mixed.write_bytes((HEADER + many).encode("utf-8") + f"R9,{when},ST-1,10,1,{ann.id},,,红色,\n".encode("gbk"))
    result = runner.invoke(app, ["purchases", "import", str(mixed)])
    assert result.exit_code == 3
    assert result.output.strip().startswith("error: file: not valid utf-8-sig text at byte")
    assert "Traceback" not in result.output
    with clientcare.connect(sql_url, tenant="shop") as care:
        assert care.purchases.for_customer(ann.id) == []
    fixed = runner.invoke(app, ["purchases", "import", str(gbk), "--json"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout)["imported"] == 3
    with clientcare.connect(sql_url, tenant="shop") as care:
        assert {line.colour for p in care.purchases.for_customer(ann.id) for line in p.lines} == {"红色"}


def test_missing_things_are_one_line_errors(runner: CliRunner, tmp_path: Path) -> None:
    """A missing customer, complaint or file is one line with its exit code; --debug raises the error instead."""
    unknown = runner.invoke(app, ["customers", "show", "nobody"])
    assert (unknown.exit_code, unknown.output.strip()) == (4, "error: customer: not found")
    complaint = runner.invoke(app, ["complaints", "show", "nobody"])
    assert complaint.exit_code == 4 and complaint.output.count("\n") == 1
    missing = runner.invoke(app, ["purchases", "import", str(tmp_path / "none.csv")])
    assert (missing.exit_code, missing.output.strip()) == (6, "error: file: does not exist")
    debug = runner.invoke(app, ["--debug", "customers", "show", "nobody"])
    assert isinstance(debug.exception, LookupError)


def test_erase_asks_unless_told(runner: CliRunner, sql_url: str) -> None:
    """Erasing asks for confirmation; --yes erases, after which the export shows no name."""
    with clientcare.connect(sql_url, tenant="shop") as care:
        ann = care.customers.register("王芳", "13800138000")
    refused = runner.invoke(app, ["customers", "erase", ann.id, "--by", "li"], input="n\n")
    assert refused.exit_code == 1
    done = runner.invoke(app, ["customers", "erase", ann.id, "--by", "li", "--yes"])
    assert done.exit_code == 0, done.output
    with clientcare.connect(sql_url, tenant="shop") as care:
        assert care.customers.get(ann.id).erased_at is not None
        assert "王芳" not in json.dumps(care.privacy.export(ann.id), ensure_ascii=False, default=str)


def test_daily_explain_from_the_command_line(runner: CliRunner, sql_url: str) -> None:
    """`clientcare daily explain ID` lists every rule with fired and why, as a table or JSON."""
    with clientcare.connect(sql_url, tenant="shop") as care:
        ann = care.customers.register("王芳", "13800138000")
    data = _json(runner, "daily", "explain", ann.id)
    assert data["customer_id"] == ann.id  # type: ignore[index]
    rules = {rule["rule"]: rule for rule in data["rules"]}  # type: ignore[index]
    assert rules["lost_interview"] == {
        "rule": "lost_interview",
        "fired": False,
        "why": "no purchases yet",
        "touch_ids": [],
    }
    table = runner.invoke(app, ["daily", "explain", ann.id])
    assert table.exit_code == 0 and "rotation_visit" in table.stdout
