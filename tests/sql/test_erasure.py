"""Issue 11 (part B): erasure erases, on every backend, and nothing written at the same instant survives it."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, select

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.memory import MemoryBackend
from clientcare.adapters.sqlalchemy import SqlBackend
from clientcare.assessments import IndicatorEntry
from clientcare.errors import ClientcareError, ConcurrencyConflict, ErasedCustomer

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
#: Her contact data and a token per free-text field; all must be gone after the erasure.
NAME, PHONE, EMAIL = "欧阳娜娜", "13977712345", "nana.planted@example.com"
#: The other customer's planted text, which must stay (it shows the search really looks).
KEEP = "KEEPQ-bob-note"


def _token(n: int) -> str:
    return f"ZQX{n:02d}-{PHONE}"


def _fill(care: clientcare.Clientcare) -> tuple[str, str]:
    """A customer with a planted value in every area that keeps free text, and a control customer."""
    ann = care.customers.register(NAME, PHONE, email=EMAIL)
    bob = care.customers.register("Bob", "13800000002")
    care.notebook.write(bob.id, KEEP, author="li")
    for purpose in ("service", "marketing"):
        care.privacy.give_consent(ann.id, purpose, "phone", method="verbal", source="in_store")
    care.notebook.write(ann.id, _token(1), author="li")
    care.customers.add_important_date(ann.id, "anniversary", _token(2), 5, 20, by="li")
    care.membership.enrol(ann.id, by="li")
    sale = care.purchases.record(ann.id, [care.purchases.line("A-1", "5000")], receipt_id="S-1")
    complaint = care.complaints.file(
        ann.id,
        channel="phone",
        category="delivery",
        description=_token(3),
        wish=_token(4),
        by="li",
        purchase_ids=[sale.id],
    )
    care.complaints.escalate(complaint.id, reason=_token(5), by="li")
    care.complaints.wait_for_customer(complaint.id, reason=_token(6), by="li")
    care.touches.plan(ann.id, information=_token(7), due=date(2026, 1, 20))
    done = care.touches.plan(ann.id, information=_token(8), due=date(2026, 1, 6))
    care.touches.complete(done.id, "reached", by="li", note=_token(9))
    care.touches.start_follow_up(ann.id, owner="li", topic=_token(10))
    care.touches.want(ann.id, "QY-9", description=_token(11))
    care.touches.recurring(ann.id, every=1, unit="months", information=_token(12), owner="li")
    care.appointments.book(ann.id, T0 + timedelta(days=3), staff_id="li", topic=_token(13))
    care.surveys.record(ann.id, repurchase_intention=4, recommend=9, trust=4, answered_in_time=4, comment=_token(14))
    assessment = care.assessments.assess(
        ann.id, by="li", entries={"cooperation": IndicatorEntry(score=8, basis=_token(15), remarks=_token(16))}
    )
    care.assessments.override(
        assessment.id, "maintain", reason=_token(17), actor=clientcare.Actor("li", "marketing_manager")
    )
    care.membership.sign_contract(ann.id, discount="0.9", terms=_token(18))
    care.tiers.override_attitude(ann.id, "loyal", reason=_token(19), by="li")
    care.membership.grant_partner_benefit(ann.id, _token(20), _token(21))
    care.complaints.promise(complaint.id, what=_token(22), due=T0 + timedelta(days=2), by="li")
    care.complaints.tell_story(complaint.id, story=_token(23), by="li")
    return ann.id, bob.id


def _planted() -> list[str]:
    return [NAME, PHONE, EMAIL, "ZQX"]


def _stored_text(care: clientcare.Clientcare) -> str:
    """Every stored value of the tenant as text: all tables and columns (reflected), and the outbox."""
    backend = care._ctx.backend
    if isinstance(backend, MemoryBackend):
        data = backend._data("shop")
        rows = [clientcare.serialization.unstructure(obj) for table in data.tables.values() for obj in table.values()]
        rows += [m.payload for m in data.outbox]
        return json.dumps(rows, ensure_ascii=False, default=str)
    assert isinstance(backend, SqlBackend) and backend.engine is not None
    reflected = MetaData()
    reflected.reflect(backend.engine)
    parts: list[str] = []
    with backend.engine.connect() as conn:
        for table in reflected.sorted_tables:
            for row in conn.execute(select(table)):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_erasure_leaves_no_planted_value_in_any_table_or_the_outbox(any_url: str) -> None:
    """After privacy.erase no table, column or outbox payload holds any planted value; the other customer's stay."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as care:
        ann, _bob = _fill(care)
        before = _stored_text(care)
        assert all(value in before for value in _planted())
        care.privacy.erase(ann, by="manager-7")
        after = _stored_text(care)
        found = [value for value in _planted() if value in after]
        assert found == [], [after[max(0, after.index(v) - 200) : after.index(v) + 80] for v in found]
        assert KEEP in after


def test_after_erasure_read_apis_return_nothing_planted_and_nothing_is_planned(any_url: str) -> None:
    """Read APIs show no planted value; her touches, sequences and appointments are cancelled; jobs plan none."""
    clock = FixedClock(T0)
    with clientcare.connect(any_url, tenant="shop", clock=clock) as care:
        ann, _bob = _fill(care)
        care.privacy.erase(ann, by="manager-7")
        reads: list[Any] = [
            care.complaints.for_customer(ann),
            care.touches.for_customer(ann),
            care.surveys.for_customer(ann),
            care.assessments.for_customer(ann),
            care.membership.contracts(ann),
            care.notebook.for_customer(ann),
            care.privacy.export(ann),
            care.customers.get(ann),
        ]
        text = json.dumps(clientcare.serialization.unstructure(reads), ensure_ascii=False, default=str)
        assert [value for value in _planted() if value in text] == []
        assert [t for t in care.touches.for_customer(ann) if t.status.open] == []
        customer = care.customers.get(ann)
        assert customer.erased_by == "manager-7" and customer.erased_at is not None
        erased = [m for m in care.events.pending(limit=1000) if m.name == "CustomerErased"]
        assert [(m.payload["customer_id"], m.payload["by"]) for m in erased] == [(ann, "manager-7")]
        for _day in range(40):
            clock.advance(days=1)
            care.daily.run()
        assert [t for t in care.touches.for_customer(ann) if t.status.open] == []
        care.touches.stock_arrived("QY-9")
        assert [t for t in care.touches.for_customer(ann) if t.status.open] == []


@pytest.mark.parametrize("rounds", [12])
def test_a_note_written_while_she_is_erased_never_survives(sql_url: str, rounds: int) -> None:
    """A note racing the erasure either lands first and is erased, or is refused: none survives."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        for round_no in range(rounds):
            ann = care.customers.register(f"客户{round_no}", f"1390000{round_no:04d}").id
            barrier = threading.Barrier(2)
            outcome: list[object] = []

            def erase(customer_id: str = ann, barrier: threading.Barrier = barrier) -> None:
                barrier.wait(timeout=30)
                clientcare.retrying(lambda: care.privacy.erase(customer_id, by="manager-7"), attempts=10)

            def write(
                customer_id: str = ann,
                n: int = round_no,
                barrier: threading.Barrier = barrier,
                outcome: list[object] = outcome,
            ) -> None:
                barrier.wait(timeout=30)
                try:
                    care.notebook.write(customer_id, f"RACE{n}-{PHONE}", author="li")
                    outcome.append("written")
                except (ErasedCustomer, ConcurrencyConflict) as exc:
                    outcome.append(type(exc).__name__)
                except ClientcareError as exc:  # reported below
                    outcome.append(exc)

            threads = [threading.Thread(target=erase), threading.Thread(target=write)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert all(isinstance(o, str) for o in outcome), outcome
            assert care.notebook.for_customer(ann) == []
            assert care.customers.get(ann).erased
