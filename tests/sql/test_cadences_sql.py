"""The follow-up area's SQL storage: indexed lookups, races on the touch key, leases, the data migration."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, insert, select

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy._cadences import skip_locked_supported
from clientcare.adapters.sqlalchemy._convert import dump_document
from clientcare.adapters.sqlalchemy._migrate import _config, _run
from clientcare.cadences import (
    Appointment,
    FollowUp,
    Precision,
    RecurringRule,
    SaleCredit,
    Touch,
    TouchReason,
    TouchStatus,
    Wish,
)
from clientcare.customers import Channel
from clientcare.errors import DuplicateRecord

from .conftest import BRIDGE, LAST_WITH_BRIDGE, back_to_head, sqlite_url

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))
D0 = date(2026, 3, 2)
TENANT = "shop"


def _touch(customer: str = "c1", *, automated: bool = False, due: date = D0, reference: str = "") -> Touch:
    return Touch.plan(
        tenant=TENANT,
        customer_id=customer,
        reason=TouchReason.BIRTHDAY if automated else TouchReason.RETURN_VISIT,
        occasion=D0,
        due=due,
        precision=Precision(information="问候", channel=Channel.SMS if automated else Channel.PHONE),
        at=T0,
        owner=None if automated else "alice",
        store_id="s1",
        automated=automated,
        reference=reference or None,
    )


def _add(backend: SqlBackend, *touches: Touch) -> list[Touch]:
    with backend.unit_of_work(TENANT) as uow:
        stored = uow.touches.add_new(list(touches))
        uow.commit()
    return stored


@pytest.fixture
def backend(sql_engine: Engine) -> SqlBackend:
    """The SQL backend on a fresh database of each kind."""
    return SqlBackend(sql_engine)


# -- indexes -----------------------------------------------------------------------------
class _Statements:
    def __init__(self, engine: Engine) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: object, cursor: object, statement: str, parameters: Any, *args: object) -> None:
        self.seen.append((statement, parameters))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def _lookups() -> list[tuple[str, Callable[[Any], object]]]:
    """Every lookup of the six follow-up ports, as (name, call on a unit of work)."""
    later = T0 + timedelta(days=7)
    return [
        ("touches.by_key", lambda u: u.touches.by_key("k")),
        ("touches.for_customer", lambda u: u.touches.for_customer("c1", open_only=True)),
        ("touches.for_sequence", lambda u: u.touches.for_sequence("s")),
        ("touches.due_between owner", lambda u: u.touches.due_between(D0, D0, owner="alice")),
        ("touches.due_between store", lambda u: u.touches.due_between(D0, D0, store_id="s1", open_only=False)),
        ("touches.due_between tenant", lambda u: u.touches.due_between(D0, D0 + timedelta(days=6))),
        ("touches.overdue owner", lambda u: u.touches.overdue(D0, owner="alice")),
        ("touches.overdue store", lambda u: u.touches.overdue(D0, store_id="s1")),
        ("touches.closed_between", lambda u: u.touches.closed_between(T0, later, owner="alice")),
        ("touches.held", lambda u: u.touches.held()),
        ("touches.count_due", lambda u: u.touches.count_due(D0, TouchReason.ROTATION_VISIT, "alice")),
        ("touches.count_due unassigned", lambda u: u.touches.count_due(D0, TouchReason.ROTATION_VISIT, None)),
        ("touches.count_sent_since", lambda u: u.touches.count_sent_since("c1", T0)),
        (
            "touches.lease_automated",
            lambda u: u.touches.lease_automated(day=D0, now=T0, worker="w", until=later, limit=5),
        ),
        ("appointments.booked_before", lambda u: u.appointments.booked_before(T0)),
        ("appointments.between", lambda u: u.appointments.between(T0, later, staff_id="alice")),
        ("appointments.between tenant", lambda u: u.appointments.between(T0, later)),
        ("follow_ups.active_for", lambda u: u.follow_ups.active_for("c1")),
        ("wishes.open_for", lambda u: u.wishes.open_for("QY-1")),
        ("recurring.active_on", lambda u: u.recurring.active_on(D0)),
        ("sale_credits.between", lambda u: u.sale_credits.between(T0, later)),
    ]


@pytest.mark.parametrize("name", [name for name, _ in _lookups()])
def test_every_follow_up_lookup_is_an_index_search_scoped_to_the_tenant(
    name: str, sqlite_template: Path, tmp_path: Path
) -> None:
    """On SQLite each port lookup of the follow-up area searches an index led by tenant; none scans a table."""
    engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
    call = dict(_lookups())[name]
    log = _Statements(engine)
    try:
        with SqlBackend(engine).unit_of_work(TENANT) as uow:
            call(uow)
    finally:
        log.close()
    checked = 0
    with engine.connect() as conn:
        for statement, parameters in log.seen:
            flat = " ".join(statement.split()).lower()
            if not flat.startswith(("select", "update", "delete")) or "cc_" not in flat:
                continue
            assert "tenant" in flat.split(" where ", 1)[-1], statement
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            for step in plan:
                if "cc_" in step:
                    assert step.startswith("SEARCH") and "(tenant=?" in step, (name, step)
            checked += 1
    engine.dispose()
    assert checked >= 1


# -- the unique touch key under concurrency ---------------------------------------------------
def test_add_new_of_a_key_another_transaction_is_inserting_waits_and_stores_nothing(backend: SqlBackend) -> None:
    """While one worker's insert of a key is uncommitted, another's add_new of it waits, then stores nothing."""
    first, twin = _touch(), _touch()
    inserted, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold_insert() -> None:
        with backend.unit_of_work(TENANT) as uow:
            outcome["first"] = uow.touches.add_new([first])
            inserted.set()
            release.wait(timeout=30)
            uow.commit()

    def race() -> None:
        inserted.wait(timeout=30)
        try:
            outcome["twin"] = _add(backend, twin)
        except Exception as exc:  # reported below
            outcome["twin"] = exc

    holder, racer = threading.Thread(target=hold_insert), threading.Thread(target=race)
    holder.start()
    racer.start()
    inserted.wait(timeout=30)
    racer.join(timeout=0.5)  # the racer is blocked on the uncommitted key (or the SQLite write lock)
    assert racer.is_alive()
    release.set()
    holder.join(timeout=30)
    racer.join(timeout=30)
    assert [t.id for t in outcome["first"]] == [first.id]
    assert outcome["twin"] == []
    with backend.unit_of_work(TENANT) as uow:
        assert [t.id for t in uow.touches.for_customer("c1")] == [first.id]


def test_add_new_stores_each_key_once_and_reports_only_the_stored(backend: SqlBackend) -> None:
    """A batch with a known key and a key twice stores the rest once; only stored touches get events."""
    known = _touch(reference="a")
    _add(backend, known)
    batch = [_touch(reference="a"), _touch(reference="b"), _touch(reference="b"), _touch(reference="c")]
    with backend.unit_of_work(TENANT) as uow:
        stored = uow.touches.add_new(batch)
        assert [t.id for t in stored] == [batch[1].id, batch[3].id]
        uow.commit()
    with backend.unit_of_work(TENANT) as uow:
        names = [m.name for m in uow.outbox.pending(limit=100)]
        assert names.count("TouchPlanned") == 3
        assert sorted(t.key for t in uow.touches.for_customer("c1")) == sorted({t.key for t in batch})


def test_add_of_a_known_key_names_the_key_and_of_a_known_id_names_the_id(backend: SqlBackend) -> None:
    """DuplicateRecord says which rule was broken, without the driver's text."""
    first = _touch()
    _add(backend, first)
    with pytest.raises(DuplicateRecord) as by_key, backend.unit_of_work(TENANT) as uow:
        uow.touches.add(_touch())
    assert by_key.value.field == "key" and by_key.value.__cause__ is None
    clone = _touch(reference="other")
    clone.id = first.id
    with pytest.raises(DuplicateRecord) as by_id, backend.unit_of_work(TENANT) as uow:
        uow.touches.add_new([clone])
    assert by_id.value.field == "id"


# -- leasing ---------------------------------------------------------------------------------
def test_a_lease_in_progress_is_skipped_not_waited_for(backend: SqlBackend) -> None:
    """With SKIP LOCKED a second worker leases other touches at once; on SQLite it waits for the first."""
    touches = [_touch(f"c{i}", automated=True) for i in range(4)]
    _add(backend, *touches)
    until = T0 + timedelta(minutes=5)
    leased, release = threading.Event(), threading.Event()
    taken: dict[str, list[str]] = {}

    def first_worker() -> None:
        with backend.unit_of_work(TENANT) as uow:
            taken["w1"] = [t.id for t in uow.touches.lease_automated(day=D0, now=T0, worker="w1", until=until, limit=2)]
            leased.set()
            release.wait(timeout=30)
            uow.commit()

    # Asked before the lease: SQLite units of work begin IMMEDIATE, so one opened
    # while the first worker holds the write lock would wait for it.
    with backend.unit_of_work(TENANT) as uow:
        skip_locked = skip_locked_supported(uow)
    holder = threading.Thread(target=first_worker)
    holder.start()
    leased.wait(timeout=30)
    if skip_locked:
        with backend.unit_of_work(TENANT) as uow:
            taken["w2"] = [t.id for t in uow.touches.lease_automated(day=D0, now=T0, worker="w2", until=until, limit=4)]
            uow.commit()
        release.set()
    else:
        second = threading.Thread(
            target=lambda: taken.__setitem__("w2", _lease(backend, "w2", until)),
        )
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive(), "the second lease waits for SQLite's write lock"
        release.set()
        second.join(timeout=30)
    holder.join(timeout=30)
    assert len(taken["w1"]) == 2 and len(taken["w2"]) == 2
    assert set(taken["w1"]) | set(taken["w2"]) == {t.id for t in touches}
    with backend.unit_of_work(TENANT) as uow:
        owners = {t.id: t.lease_owner for t in uow.touches.due_between(D0, D0)}
    assert owners == {**dict.fromkeys(taken["w1"], "w1"), **dict.fromkeys(taken["w2"], "w2")}


def _lease(backend: SqlBackend, worker: str, until: datetime) -> list[str]:
    with backend.unit_of_work(TENANT) as uow:
        ids = [t.id for t in uow.touches.lease_automated(day=D0, now=T0, worker=worker, until=until, limit=4)]
        uow.commit()
    return ids


def test_done_and_manual_touches_are_never_leased(backend: SqlBackend) -> None:
    """Only planned automated touches due by the day are leased; done, held, manual and future ones stay."""
    due = _touch("c1", automated=True)
    future = _touch("c2", automated=True, due=D0 + timedelta(days=1))
    manual = _touch("c3")
    done = _touch("c4", automated=True)
    done.complete("sent", by="dispatch", at=T0)
    held = _touch("c5", automated=True)
    held.hold(why="open complaint", at=T0)
    _add(backend, due, future, manual, done, held)
    with backend.unit_of_work(TENANT) as uow:
        taken = uow.touches.lease_automated(day=D0, now=T0, worker="w", until=T0 + timedelta(minutes=1), limit=10)
        assert [t.id for t in taken] == [due.id]
        assert taken[0].status is TouchStatus.PLANNED


# -- the data migration ------------------------------------------------------------------
def _bridge_rows() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One aggregate of each moved kind, as the bridge stored them before migration 0005."""
    touch = _touch(automated=True)
    touch.lease_owner, touch.lease_until = "w1", T0 + timedelta(minutes=5)
    objects: dict[str, Any] = {
        "touches": touch,
        "appointments": Appointment.book(tenant=TENANT, customer_id="c1", starts_at=T0 + timedelta(days=1), at=T0),
        "follow_ups": FollowUp.start(tenant=TENANT, customer_id="c1", owner="bob", topic="新品", at=T0),
        "wishes": Wish.register(tenant=TENANT, customer_id="c1", style_no="QY-1", description="风衣", at=T0),
        "recurring": RecurringRule.create(
            tenant=TENANT,
            customer_id="c1",
            owner="alice",
            unit="weeks",
            every=2,
            starts_on=D0,
            ends_on=None,
            information="进度",
        ),
        "sale_credits": SaleCredit(
            id="purchase-1", tenant=TENANT, customer_id="c1", occurred_at=T0, amount=Decimal("100.00"), currency="CNY"
        ),
    }
    rows = [
        {
            "tenant": TENANT,
            "kind": kind,
            "id": obj.id,
            "version": 3,
            "unique_key": obj.key if kind == "touches" else None,
            "customer_id": obj.customer_id,
            "document": dump_document(obj, drop=("version", "tenant", "id")),
        }
        for kind, obj in objects.items()
    ]
    return objects, rows


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)  # type: ignore[arg-type]


def test_migration_0005_moves_the_bridge_documents_to_their_tables_and_back(sql_engine: Engine) -> None:
    """Documents stored by the bridge read back unchanged from the typed tables, and return on downgrade."""
    _run(sql_engine, "base")
    upgrade(sql_engine, "0004")
    objects, rows = _bridge_rows()
    documents = BRIDGE
    with sql_engine.begin() as conn:
        conn.execute(insert(documents), rows)
        conn.execute(
            insert(documents).values(
                tenant=TENANT, kind="complaints", id="keep", version=1, unique_key=None, customer_id="c1", document="{}"
            )
        )
    upgrade(sql_engine, LAST_WITH_BRIDGE)
    with sql_engine.connect() as conn:
        assert conn.execute(select(documents.c.kind)).scalars().all() == ["complaints"]
    backend = SqlBackend(sql_engine)
    with backend.unit_of_work(TENANT) as uow:
        touch = uow.touches.by_key(objects["touches"].key)
        assert touch is not None and touch.version == 3 and touch.lease_owner == "w1"
        assert [x.id for x in uow.touches.lease_automated(day=D0, now=T0, worker="w2", until=T0, limit=5)] == []
        assert [x.id for x in uow.appointments.booked_before(T0 + timedelta(days=2))] == [objects["appointments"].id]
        assert [x.id for x in uow.follow_ups.active_for("c1")] == [objects["follow_ups"].id]
        assert [x.id for x in uow.wishes.open_for("QY-1")] == [objects["wishes"].id]
        assert [x.id for x in uow.recurring.active_on(D0 + timedelta(days=100))] == [objects["recurring"].id]
        assert [x.id for x in uow.sale_credits.between(T0, T0 + timedelta(seconds=1))] == ["purchase-1"]
    _downgrade(sql_engine, "0004")
    with sql_engine.connect() as conn:
        back = {
            row.kind: row
            for row in conn.execute(
                select(documents.c.kind, documents.c.version, documents.c.unique_key, documents.c.document)
            )
        }
    assert set(back) == {*objects, "complaints"}
    assert back["touches"].unique_key == objects["touches"].key and back["touches"].version == 3
    assert {kind: back[kind].document for kind in objects} == {row["kind"]: row["document"] for row in rows}
    back_to_head(sql_engine)
