"""Random sequences of use cases on the memory adapter and a SQL adapter, side by side.

After every step both facades must agree on every customer, purchase, note,
figure, search result and outbox message. Both facades take their ids from
one deterministic generator (the ``ids=`` port), restarted at the same value
before each side runs a step, so both sides mint the same ids.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import create_clientcare_engine, upgrade
from clientcare.errors import ClientcareError

from .conftest import server_url, wipe

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
NAMES = ["王芳", "王强", "李娜", "Anna", "ANNA", "Émile"]
PHONES = ["13800138000", "13900139000", "13700137000", "13600136000", "13500135000"]
TAGS = ["vip", "wedding", "Vip"]
RECEIPTS = [None, "R1", "R2", "R3"]
TEXTS = ["Likes SILK", "孩子下月生日", "prefers email", "50%_off fan"]

_template: dict[str, Any] = {}


class StepIds:
    """A counter as id generator (32 hex digits, like the default), restarted by each step."""

    def __init__(self) -> None:
        self.last = 0

    def restart(self, base: int) -> None:
        """The next id is ``base + 1``."""
        self.last = base

    def new_id(self) -> str:
        """The next number, in hex."""
        self.last += 1
        return f"{self.last:032x}"


def _sqlite_template() -> Path:
    if "path" not in _template:
        # Removed when the interpreter exits (the TemporaryDirectory's finaliser).
        _template["directory"] = tempfile.TemporaryDirectory(prefix="cc-sm-template-")
        path = Path(_template["directory"].name) / "template.db"
        engine = create_clientcare_engine(f"sqlite:///{path}")
        upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        _template["path"] = path
    return _template["path"]


def _outcome(action: Callable[[], object]) -> tuple[str, Any]:
    try:
        value = action()
    except ClientcareError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("ok", _plain(value))


def _plain(value: object) -> Any:
    data = serialization.unstructure(value)
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def _utc_figures(figures: clientcare.CustomerFigures) -> Any:
    """Figures with first/last sale in UTC: the SQL adapter aggregates instants, not offsets."""
    data = _plain(figures)
    for key in ("first_purchase_at", "last_purchase_at"):
        if data[key] is not None:
            data[key] = datetime.fromisoformat(data[key]).astimezone(UTC).isoformat()
    return data


class SideBySide(RuleBasedStateMachine):
    """Memory and one SQL backend driven by the same random use cases."""

    kind: ClassVar[str] = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(T0)
        self.ids = StepIds()
        self.memory = clientcare.connect("memory://", tenant="shop", clock=self.clock, ids=self.ids)
        self.sql = clientcare.connect(self._url(), tenant="shop", clock=self.clock, ids=self.ids)
        self.customers: list[str] = []
        self.purchases: list[str] = []
        self.step = 0

    def _url(self) -> str:
        if self.kind == "sqlite":
            directory = Path(tempfile.mkdtemp(prefix="cc-sm-"))
            self._directory = directory
            shutil.copy(_sqlite_template(), directory / "care.db")
            return f"sqlite:///{directory / 'care.db'}"
        url = server_url(self.kind)
        engine = create_clientcare_engine(url)
        upgrade(engine)
        wipe(engine)
        engine.dispose()
        return url

    def teardown(self) -> None:
        self.memory.close()
        self.sql.close()
        if self.kind == "sqlite":
            shutil.rmtree(self._directory, ignore_errors=True)

    def both(self, action: Callable[[clientcare.Clientcare], object]) -> tuple[str, Any]:
        """Run ``action`` on both sides with the same ids and time; they must agree."""
        self.step += 1
        self.clock.advance(minutes=1)
        base = self.step * 10_000
        self.ids.restart(base)
        left = _outcome(lambda: action(self.memory))
        self.ids.restart(base)
        right = _outcome(lambda: action(self.sql))
        assert left == right
        return left

    def _pick(self, items: list[str], index: int) -> str | None:
        return items[index % len(items)] if items else None

    # -- rules ---------------------------------------------------------------
    @rule(name=st.sampled_from(NAMES), phone=st.sampled_from(PHONES))
    def register(self, name: str, phone: str) -> None:
        status, value = self.both(lambda care: care.customers.register(name, phone, by="s1"))
        if status == "ok":
            self.customers.append(value["id"])

    @rule(index=st.integers(0, 9), size=st.sampled_from(["S", "M", None]), name=st.sampled_from(NAMES))
    def update_profile(self, index: int, size: str | None, name: str) -> None:
        cid = self._pick(self.customers, index)
        if cid:
            self.both(lambda care: care.customers.update_profile(cid, by="s2", clothing_size=size, name=name))

    @rule(index=st.integers(0, 9), tag=st.sampled_from(TAGS), add=st.booleans())
    def tag(self, index: int, tag: str, add: bool) -> None:
        cid = self._pick(self.customers, index)
        if cid:
            if add:
                self.both(lambda care: care.customers.tag(cid, tag, by="s1"))
            else:
                self.both(lambda care: care.customers.untag(cid, tag, by="s1"))

    @rule(index=st.integers(0, 9), key=st.booleans())
    def set_key(self, index: int, key: bool) -> None:
        cid = self._pick(self.customers, index)
        if cid:
            self.both(lambda care: care.customers.set_key(cid, key, by="s1"))

    @rule(index=st.integers(0, 9), give=st.booleans())
    def consent(self, index: int, give: bool) -> None:
        cid = self._pick(self.customers, index)
        if cid and give:
            self.both(
                lambda care: care.privacy.give_consent(cid, "marketing", "sms", method="verbal", source="in_store")
            )
        elif cid:
            self.both(lambda care: care.privacy.withdraw_consent(cid, "marketing"))

    @rule(
        index=st.integers(0, 9),
        walk_in=st.booleans(),
        cents=st.integers(0, 100_000),
        quantity=st.integers(1, 3),
        receipt=st.sampled_from(RECEIPTS),
    )
    def purchase(self, index: int, walk_in: bool, cents: int, quantity: int, receipt: str | None) -> None:
        cid = None if walk_in else self._pick(self.customers, index)
        price = f"{cents // 100}.{cents % 100:02d}"
        status, value = self.both(
            lambda care: care.purchases.record(
                cid, [care.purchases.line("ST-1", price, quantity, size="M")], receipt_id=receipt
            )
        )
        if status == "ok" and value["id"] not in self.purchases:
            self.purchases.append(value["id"])

    @rule(index=st.integers(0, 9))
    def give_back(self, index: int) -> None:
        pid = self._pick(self.purchases, index)
        if pid:
            self.both(lambda care: care.purchases.record_return(pid, [care.purchases.get(pid).lines[0]]))

    @rule(index=st.integers(0, 9), years=st.integers(0, 5))
    def condition(self, index: int, years: int) -> None:
        pid = self._pick(self.purchases, index)
        if pid:
            self.both(
                lambda care: care.purchases.report_condition(pid, style_no="ST-1", years_in_use=years, condition="ok")
            )

    @rule(index=st.integers(0, 9), text=st.sampled_from(TEXTS), author=st.sampled_from(["s1", "s2"]))
    def note(self, index: int, text: str, author: str) -> None:
        cid = self._pick(self.customers, index)
        if cid:
            self.both(
                lambda care: care.notebook.write(cid, text, author=author, tags=["家庭"] if author == "s2" else [])
            )

    @rule(index=st.integers(0, 9))
    def erase(self, index: int) -> None:
        cid = self._pick(self.customers, index)
        if cid:
            self.both(lambda care: care.privacy.erase(cid, by="li"))

    @rule(index=st.integers(0, 9), receipts=st.lists(st.sampled_from(["I1", "I2", "R1", "I3"]), max_size=4))
    def import_rows(self, index: int, receipts: list[str]) -> None:
        cid = self._pick(self.customers, index)
        rows = [
            {
                "receipt_id": r,
                "occurred_at": "2026-01-01T10:00:00+08:00",
                "style_no": "ST-1",
                "unit_price": "5.5",
                "customer_id": cid,
            }
            for r in receipts
        ]
        self.both(lambda care: care.purchases.import_rows(rows, batch_size=2))

    @rule(count=st.integers(0, 3))
    def deliver(self, count: int) -> None:
        self.both(lambda care: care.events.mark_delivered([m.id for m in care.events.pending()[:count]]))

    # -- what must always agree ------------------------------------------------
    def _view(self, care: clientcare.Clientcare) -> Any:
        view: dict[str, Any] = {}
        for cid in self.customers:
            view[cid] = [
                _outcome(lambda c=cid: care.customers.get(c)),
                _outcome(lambda c=cid: _utc_figures(care.purchases.figures(c))),
                _outcome(lambda c=cid: care.purchases.for_customer(c)),
                _outcome(lambda c=cid: care.notebook.for_customer(c)),
            ]
        for pid in self.purchases:
            view[pid] = _outcome(lambda p=pid: care.purchases.get(p))
        view["search"] = [
            _outcome(lambda: care.customers.search(name="an")),
            _outcome(lambda: care.customers.search(name="王")),
            _outcome(lambda: care.customers.search(tag="vip")),
            _outcome(lambda: care.notebook.search("silk")),
            _outcome(lambda: care.notebook.search("%_", author="s1")),
        ]
        view["outbox"] = [(m.name, m.payload) for m in care.events.pending(limit=1000)]
        return view

    @invariant()
    def sides_agree(self) -> None:
        assert self._view(self.memory) == self._view(self.sql)


SideBySide.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
)
TestMemoryAndSqlite = SideBySide.TestCase


class _Postgres(SideBySide):
    kind = "postgresql"


class _Mariadb(SideBySide):
    kind = "mariadb"


_server_settings = settings(
    max_examples=8, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)
)
_Postgres.TestCase.settings = _server_settings
_Mariadb.TestCase.settings = _server_settings
TestMemoryAndPostgres = pytest.mark.postgres(_Postgres.TestCase)
TestMemoryAndMariadb = pytest.mark.mariadb(_Mariadb.TestCase)
