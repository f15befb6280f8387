"""Personal data stays out of logs, reprs and the outbox (issue 11, item 5)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from tests.sql.conftest import SQL_BACKENDS, _fresh_url

NAME = "Zhuxiaoqing Plantedname"
PHONE = "13912345678"
EMAIL = "planted.person@example.org"
ADDRESS = "88 Plantedstreet Shanghai"
NOTE = "Plantednote prefers linen"
REASON = "Plantedreason her husband shouted"
PLANTED = (NAME, "Plantedname", PHONE, "12345678", EMAIL, ADDRESS, "Plantedstreet", "Plantednote", "Plantedreason")
NOW = dt.datetime.fromisoformat("2026-01-05T10:00:00+08:00")


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def debug_everywhere() -> Iterator[_Everything]:
    """DEBUG on the root logger and on every logger created so far, SQLAlchemy's included."""
    handler = _Everything()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in list(logging.root.manager.loggerDict)}
    saved_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "clientcare", *saved):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(saved_root)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "clientcare"):
        logging.getLogger(name).setLevel(saved.get(name, logging.NOTSET))


def story(care: clientcare.Clientcare) -> list[object]:
    """A day touching every area with planted personal values; the objects it got back."""
    ann = care.customers.register(NAME, PHONE, customer_agrees=True, address=ADDRESS, email=EMAIL)
    note = care.notebook.write(ann.id, NOTE, author="li")
    sale = care.purchases.record(ann.id, [care.purchases.line("A-1", "1200")], receipt_id="R-9", store_id="s1")
    complaint = care.complaints.file(
        ann.id, channel="in_store", category="product_quality", description=REASON, by="li", wish=NOTE
    )
    care.complaints.escalate(complaint.id, reason=REASON, by="li")
    care.customers.tag(ann.id, "vip", by="li")
    care.membership.enrol(ann.id, by="li")
    care.tiers.recompute()
    care.daily.run()
    care.boards.weekly()
    care.complaints.review()
    care.membership.remind()
    care.analytics.figures(NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=1))
    try:
        care.customers.get(PHONE)
    except clientcare.errors.NotFound as missing:
        logging.getLogger("embedder").exception("lookup failed: %s", missing)
    return [ann, note, sale, complaint, care.customers.get(ann.id), care.complaints.get(complaint.id)]


@pytest.mark.parametrize("echo", [False, True], ids=["echo-off", "echo-on"])
@pytest.mark.parametrize("kind", ["memory", *SQL_BACKENDS])
def test_a_full_story_with_debug_logging_everywhere_logs_no_personal_data(
    kind: str,
    echo: bool,
    debug_everywhere: _Everything,
    sqlite_template: Path,
    tmp_path: Path,
    server_engines: dict[str, Engine],
) -> None:
    """With DEBUG on every logger (and SQLAlchemy echo), no planted name, phone, e-mail, address or note is logged."""
    url = _fresh_url(kind, sqlite_template, tmp_path, server_engines)
    options = {"echo": "debug"} if echo and kind != "memory" else {}
    with clientcare.connect(url, tenant="logs", clock=FixedClock(NOW), **options) as care:
        got = story(care)
        outbox = [repr(message) for message in care.events.pending(limit=10_000)]
    logged = "\n".join(debug_everywhere.lines)
    assert debug_everywhere.lines, "the story logged nothing at all: the capture is not working"
    for value in PLANTED:
        assert value not in logged, f"a planted value reached the log ({PLANTED.index(value)})"
        assert not any(value in line for line in outbox), "a planted value reached the outbox"
        assert not any(value in repr(obj) for obj in got), "a planted value shows in a repr"
