"""The id port: every aggregate a use case creates takes its id from the facade's generator."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import datetime

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ValidationError
from clientcare.kernel import RandomIds, TimeOrderedIds, ids_in_force, new_id
from clientcare.kernel._ids import bulk_id
from clientcare.ports import IdGenerator

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


class CountingIds:
    """Numbers with a prefix, remembering every id handed out (unique in the last 12 characters too)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: list[str] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """The next number after the prefix."""
        with self._lock:
            made = f"{self.prefix}{len(self.issued) + 1:08d}"
            self.issued.append(made)
            self.threads.add(threading.current_thread().name)
        return made


def test_default_ids_are_time_ordered_uuid7_hex(care: clientcare.Clientcare) -> None:
    """Without ids= a facade gives each aggregate a UUIDv7 as 32 hex digits, the shape of the old uuid4 ids."""
    first = care.customers.register("王芳", "13800138000")
    second = care.customers.register("王强", "13900139000")
    assert isinstance(care.ids, TimeOrderedIds)
    for made in (first.id, second.id):
        assert re.fullmatch("[0-9a-f]{32}", made)
        parsed = uuid.UUID(made)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert first.id < second.id


def test_time_ordered_ids_sort_in_the_order_they_were_made() -> None:
    """Monotonic within a millisecond: 20,000 ids in a row (many share a millisecond) come out sorted."""
    made = [new_id() for _ in range(20_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    millis = [int(one[:12], 16) for one in made]
    assert len(set(millis)) < len(made), "several ids share a millisecond, and still sort"
    assert abs(millis[-1] / 1000 - time.time()) < 60, "the first 48 bits are the Unix time in milliseconds"


def test_time_ordered_ids_are_unique_and_ordered_per_thread_under_threads() -> None:
    """Four threads drawing at once: no id twice, and each thread's ids sorted."""
    ids = TimeOrderedIds()
    drawn: list[list[str]] = []
    lock = threading.Lock()

    def draw() -> None:
        mine = [ids.new_id() for _ in range(10_000)]
        with lock:
            drawn.append(mine)

    workers = [threading.Thread(target=draw) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = [one for mine in drawn for one in mine]
    assert len(every) == 40_000 and len(set(every)) == 40_000
    assert all(mine == sorted(mine) for mine in drawn)


def test_bulk_ids_are_time_ordered_by_default_and_follow_the_generator_in_force() -> None:
    """The import's ids: UUIDv7 by default, the facade's generator when one is in force."""
    made = [bulk_id() for _ in range(1000)]
    assert made == sorted(made) and uuid.UUID(made[0]).version == 7
    with ids_in_force(CountingIds("b")):
        assert bulk_id() == "b00000001"
    with ids_in_force(RandomIds()):
        assert uuid.UUID(bulk_id()).version == 4


def test_random_ids_stay_available() -> None:
    """ids=RandomIds() gives uuid4 hex as before, for who must not reveal when ids were made."""
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), ids=RandomIds()) as care:
        made = care.customers.register("王芳", "13800138000").id
    assert uuid.UUID(made).version == 4 and re.fullmatch("[0-9a-f]{32}", made)


def test_complaint_parts_take_the_random_end_of_time_ordered_ids() -> None:
    """Promises made in the same millisecond still get different ids (the last 12 digits are random)."""
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0)) as care:
        ann = care.customers.register("王芳", "13800138000")
        complaint = care.complaints.file(ann.id, channel="phone", category="delivery", description="late", by="li")
        due = T0.replace(day=20)
        for what in ("refund", "call back", "new coat"):
            care.complaints.promise(complaint.id, what=what, due=due, by="li")
        promises = care.complaints.get(complaint.id).promises
    assert len({p.id for p in promises}) == 3


def test_every_aggregate_of_the_use_cases_takes_the_facades_ids() -> None:
    """Customers, sales with their planned touches, notes, complaints and news touches use the port."""
    ids = CountingIds("id")
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), ids=ids) as care:
        ann = care.customers.register("王芳", "13800138000")
        care.privacy.give_consent(ann.id, "marketing", "sms", method="verbal", source="in_store")
        care.privacy.give_consent(ann.id, "service", "phone", method="verbal", source="in_store")
        sale = care.purchases.record(ann.id, [care.purchases.line("ST-1", "100")], receipt_id="R1")
        after_sale = care.touches.for_customer(ann.id)
        note = care.notebook.write(ann.id, "likes silk", author="s1")
        complaint = care.complaints.file(ann.id, channel="phone", category="delivery", description="late", by="li")
        # Planned between two units of work: read the customers, plan, then store.
        news = care.touches.inform("新品", "春装到店", customer_ids=[ann.id])
    made = {ann.id, sale.id, note.id, complaint.id, *(t.id for t in news), *(t.id for t in after_sale)}
    assert news and after_sale, "the sale planned after-sales touches (P20/P35)"
    assert made <= set(ids.issued)
    assert all(i.startswith("id") for i in made)


def test_imported_purchases_take_the_facades_ids() -> None:
    """The nightly import draws its purchases' ids from the port while it checks the rows."""
    ids = CountingIds("imp")
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), ids=ids) as care:
        ann = care.customers.register("王芳", "13800138000")
        rows = [
            {"receipt_id": f"I{n}", "occurred_at": "2026-01-01T10:00:00+08:00", "style_no": "ST-1", "unit_price": "5"}
            for n in range(3)
        ]
        care.purchases.import_rows([{**row, "customer_id": ann.id} for row in rows], batch_size=2)
        stored = care.purchases.for_customer(ann.id)
    assert len(stored) == 3
    assert {p.id for p in stored} <= set(ids.issued)


def test_other_facades_built_from_one_keep_its_ids() -> None:
    """for_tenant and with_cadence_ports hand the same generator to the new facade."""
    ids = CountingIds("t")
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), ids=ids) as care:
        other = care.for_tenant("branch")
        again = care.with_cadence_ports()
        assert other.ids is ids and again.ids is ids
        ann = other.customers.register("王芳", "13800138000")
    assert ann.id in ids.issued


def test_something_without_new_id_is_refused() -> None:
    """ids= must be an IdGenerator; the error names the parameter."""
    with pytest.raises(ValidationError) as refused:
        clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), ids="counter")  # type: ignore[arg-type]
    assert refused.value.field == "ids"


def test_the_generator_in_force_ends_with_its_block() -> None:
    """Blocks nest; outside every block ids are time-ordered again."""
    outer, inner = CountingIds("o"), CountingIds("i")
    with ids_in_force(outer):
        first = new_id()
        with ids_in_force(inner):
            nested = new_id()
        back = new_id()
    after = new_id()
    assert (first, nested, back) == ("o00000001", "i00000001", "o00000002")
    assert re.fullmatch("[0-9a-f]{32}", after)
    assert isinstance(outer, IdGenerator)


def test_a_generator_in_force_in_one_thread_is_not_in_force_in_another() -> None:
    """Facades used from several threads do not see each other's generator."""
    ids = CountingIds("x")
    seen: list[str] = []
    with ids_in_force(ids):
        worker = threading.Thread(target=lambda: seen.append(new_id()))
        worker.start()
        worker.join()
    assert ids.issued == [] and re.fullmatch("[0-9a-f]{32}", seen[0])
