"""Issue 11 (part B): idempotent receipts, all-or-nothing commits, points after returns, retries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    RuleViolation,
    StorageUnavailable,
    ValidationError,
)
from clientcare.loyalty import points_for
from clientcare.playbook import Playbook

NOW = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def _with_points(care: clientcare.Clientcare) -> str:
    ann = care.customers.register("王芳", "138 0013 8000")
    care.membership.enrol(ann.id, by="li")  # members earn points (P14: joining by spend waits for an old customer)
    care.purchases.record(ann.id, [care.purchases.line("A-1", "5000")], receipt_id="S-1")
    return ann.id


def test_redeem_at_till_twice_on_one_receipt_deducts_once(care: clientcare.Clientcare) -> None:
    """A till retry of redeem_at_till gets the same money off and the points go once."""
    cid = _with_points(care)
    before = care.points.balance(cid)
    first = care.points.redeem_at_till(cid, 1000, receipt_id="POS-1")
    again = care.points.redeem_at_till(cid, 1000, receipt_id="POS-1")
    assert again == first
    assert care.points.balance(cid) == before - 1000
    care.points.redeem_at_till(cid, 1000, receipt_id="POS-2")
    assert care.points.balance(cid) == before - 2000


def test_redeem_at_till_refuses_a_different_amount_on_a_used_receipt(care: clientcare.Clientcare) -> None:
    """The same receipt asking for other points is refused, not deducted again."""
    cid = _with_points(care)
    care.points.redeem_at_till(cid, 1000, receipt_id="POS-1")
    balance = care.points.balance(cid)
    with pytest.raises(RuleViolation) as error:
        care.points.redeem_at_till(cid, 1200, receipt_id="POS-1")
    assert error.value.rule == "points.receipt_id"
    assert care.points.balance(cid) == balance


@pytest.mark.parametrize("receipt", ["r ", " r", "r  1", "r\t1", "r\x001", ""])
def test_receipt_keys_with_stray_spaces_or_controls_are_refused(care: clientcare.Clientcare, receipt: str) -> None:
    """Keys that MariaDB would pad or the store would fold are refused at the boundary, naming the field."""
    cid = _with_points(care)
    with pytest.raises(ValidationError) as error:
        care.purchases.record(cid, [care.purchases.line("A-2", "10")], receipt_id=receipt)
    assert error.value.field == "receipt_id"
    with pytest.raises(ValidationError):
        care.points.redeem_at_till(cid, 1000, receipt_id=receipt)
    with pytest.raises(ValidationError):
        care.points.import_opening_balance(cid, 10, reference=receipt)


def test_recording_a_receipt_again_returns_the_stored_purchase(care: clientcare.Clientcare) -> None:
    """Sales and returns are idempotent on their receipt ids."""
    cid = _with_points(care)
    sale = care.purchases.record(cid, [care.purchases.line("A-2", "100")], receipt_id="S-2")
    assert care.purchases.record(cid, [care.purchases.line("A-2", "100")], receipt_id="S-2").id == sale.id
    back = care.purchases.record_return(sale.id, [care.purchases.line("A-2", "100")], receipt_id="R-2")
    assert care.purchases.record_return(sale.id, [care.purchases.line("A-2", "100")], receipt_id="R-2").id == back.id


def test_memory_commit_is_all_or_nothing_when_a_payload_cannot_be_serialised(
    care: clientcare.Clientcare, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A payload that fails to serialise leaves neither the rows nor any event behind."""
    import clientcare.adapters.memory._backend as memory  # noqa: PLC0415 - the seam under test

    def broken(event: object) -> object:
        raise TypeError("cannot serialise")

    pending = len(care.events.pending())
    monkeypatch.setattr(memory.serialization, "unstructure", broken)
    with pytest.raises(TypeError):
        care.customers.register("李雷", "139 0013 9000")
    monkeypatch.undo()
    assert care.customers.search(name="李雷") == []
    assert len(care.events.pending()) == pending


def test_connect_checks_migrate_mode() -> None:
    """connect refuses an unknown migrate mode; memory accepts verify and off (it has no schema)."""
    with pytest.raises(ConfigurationError):
        clientcare.connect("memory://", tenant="shop", migrate="sometimes")  # type: ignore[arg-type]
    for mode in ("verify", "off"):
        clientcare.connect("memory://", tenant="shop", migrate=mode).close()  # type: ignore[arg-type]


def test_retrying_retries_only_what_is_retryable() -> None:
    """Conflicts and unavailable storage are retried with growing waits; other errors pass at once."""
    waits: list[float] = []
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrencyConflict("customer", "c1") if len(calls) == 1 else StorageUnavailable("t", "busy")
        return "done"

    assert clientcare.retrying(flaky, attempts=5, base_delay=0.1, sleep=waits.append, jitter=lambda: 1.0) == "done"
    assert len(calls) == 3
    assert waits == [pytest.approx(0.1), pytest.approx(0.2)]

    def wrong() -> None:
        calls.append(1)
        raise ValidationError("name", "required")

    calls.clear()
    with pytest.raises(ValidationError):
        clientcare.retrying(wrong, attempts=5, sleep=waits.append)
    assert len(calls) == 1


def test_retrying_gives_up_after_its_attempts_with_the_last_error() -> None:
    """When every attempt conflicts the last ConcurrencyConflict is raised, after attempts−1 waits."""
    waits: list[float] = []

    def always() -> None:
        raise ConcurrencyConflict("customer", "c1")

    with pytest.raises(ConcurrencyConflict) as error:
        clientcare.retrying(always, attempts=4, base_delay=1.0, max_delay=2.5, sleep=waits.append, jitter=lambda: 0.0)
    assert error.value.retryable and "version conflict" in str(error.value)
    assert waits == [0.5, 1.0, 1.25]
    with pytest.raises(ValidationError):
        clientcare.retrying(always, attempts=0)


def test_only_transient_errors_say_they_are_retryable() -> None:
    """retryable is true on ConcurrencyConflict and StorageUnavailable, false on the rest."""
    assert ConcurrencyConflict("c", "k").retryable and StorageUnavailable("op", "busy").retryable
    assert not ValidationError("f", "r").retryable and not RuleViolation("r").retryable


returns = st.lists(st.integers(1, 40), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(
    quantity=st.integers(1, 40),
    price=st.sampled_from(["0.99", "3.33", "17.50", "99.99", "123.45", "1999.00"]),
    rate=st.sampled_from(["1", "0.1", "0.33", "2.5"]),
    rounding=st.sampled_from(["down", "half_up"]),
    gold=st.booleans(),
    parts=returns,
)
def test_points_left_after_returns_equal_what_the_net_amount_earns(
    quantity: int, price: str, rate: str, rounding: str, gold: bool, parts: list[int]
) -> None:
    """After each partial return, in any order, the sale keeps exactly the points its net amount earns."""
    base_playbook = Playbook.default()
    playbook = attrs.evolve(
        base_playbook, points=attrs.evolve(base_playbook.points, rate=Decimal(rate), rounding=rounding)
    )
    with clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW), playbook=playbook) as care:
        ann = care.customers.register("王芳", "138 0013 8000")
        care.membership.enrol(ann.id, level="gold" if gold else None, by="li")
        base = care.points.balance(ann.id)
        sale = care.purchases.record(ann.id, [care.purchases.line("A-1", price, quantity)])
        level = care.membership.level(ann.id)
        multiplier = level.points_multiplier if level is not None else Decimal(1)
        earned = care.points.balance(ann.id) - base
        assert earned == points_for(Decimal(price) * quantity, rules=playbook.points, multiplier=multiplier)
        left = quantity
        for part in parts:
            back = min(part, left)
            if back == 0:
                break
            care.purchases.record_return(sale.id, [care.purchases.line("A-1", price, back)])
            left -= back
            expected = points_for(Decimal(price) * left, rules=playbook.points, multiplier=multiplier)
            assert care.points.balance(ann.id) - base == expected

