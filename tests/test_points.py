"""Unit tests of the points ledger (P14, P15): expiry oldest first, reversal, never negative, concurrency."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ConcurrencyConflict, RuleViolation
from clientcare.loyalty import EntryKind, PointsAccount, points_for
from clientcare.playbook import PointsRules

NOW = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
RULES = PointsRules()


def _account() -> PointsAccount:
    return PointsAccount.open(tenant="t", customer_id="c")


def test_points_rate_multiplier_and_rounding() -> None:
    """1 point per yuan, times the level multiplier, rounded down by default or half up."""
    assert points_for(Decimal("99.99"), rules=RULES) == 99
    assert points_for(Decimal("99.50"), rules=PointsRules(rounding="half_up")) == 100
    assert points_for(Decimal(100), rules=RULES, multiplier=Decimal("1.5")) == 150
    assert points_for(Decimal(-5), rules=RULES) == 0


def test_redeem_spends_the_oldest_lot_first_and_expiry_takes_what_is_left() -> None:
    """Redemption uses the soonest-expiring points; expiry then removes only what remains of that lot."""
    account = _account()
    account.earn(300, at=NOW, purchase_id="p1", rules=RULES)
    account.earn(200, at=NOW + timedelta(days=100), purchase_id="p2", rules=RULES)
    account.redeem(250, at=NOW + timedelta(days=101), reference="gift", rules=RULES)
    assert [(lot.reference, lot.remaining) for lot in account.lots()] == [("p1", 50), ("p2", 200)]
    assert account.expire(NOW + timedelta(days=366)) == 50
    assert account.balance == 200


def test_redemption_below_the_minimum_or_above_the_balance_is_refused() -> None:
    """At least 100 points per redemption, and never more than the balance."""
    account = _account()
    account.earn(150, at=NOW, purchase_id="p1", rules=RULES)
    with pytest.raises(RuleViolation) as error:
        account.redeem(50, at=NOW, reference="till", rules=RULES)
    assert error.value.rule == "points.min_redeem"
    with pytest.raises(RuleViolation) as error:
        account.redeem(200, at=NOW, reference="till", rules=RULES)
    assert error.value.rule == "points.balance"


def test_expired_points_cannot_be_redeemed() -> None:
    """Points past their expiry are gone at redemption time."""
    account = _account()
    account.earn(500, at=NOW, purchase_id="p1", rules=RULES)
    with pytest.raises(RuleViolation):
        account.redeem(100, at=NOW + timedelta(days=400), reference="till", rules=RULES)


def test_partial_returns_reverse_their_share_without_drift() -> None:
    """Two returns of a quarter each take back a quarter each; a full return takes back all."""
    account = _account()
    account.earn(1001, at=NOW, purchase_id="p1", rules=RULES)
    account.reverse("p1", returned=Decimal(250), sold=Decimal(1000), at=NOW)
    assert account.balance == 1001 - 250
    account.reverse("p1", returned=Decimal(500), sold=Decimal(1000), at=NOW)
    assert account.balance == 1001 - 500
    account.reverse("p1", returned=Decimal(1000), sold=Decimal(1000), at=NOW)
    assert account.balance == 0


def test_reversal_of_spent_points_records_a_shortfall_not_a_debt() -> None:
    """If the points were already redeemed the balance stays at zero and the shortfall is kept."""
    account = _account()
    account.earn(500, at=NOW, purchase_id="p1", rules=RULES)
    account.redeem(400, at=NOW, reference="gift", rules=RULES)
    entry = account.reverse("p1", returned=Decimal(1), sold=Decimal(1), at=NOW)
    assert entry is not None and entry.points == -100 and entry.shortfall == 400
    assert account.balance == 0


def test_expiry_warning_is_raised_once_per_lot() -> None:
    """Points about to expire raise one PointsExpiring, not one per run."""
    account = _account()
    account.earn(500, at=NOW, purchase_id="p1", rules=RULES)
    later = NOW + timedelta(days=340)
    assert account.warn_expiring(later, within_days=30) == 500
    assert account.warn_expiring(later, within_days=30) == 0
    assert [e.name for e in account.pull_events()].count("PointsExpiring") == 1


operations = st.lists(
    st.tuples(st.sampled_from(["earn", "redeem", "reverse", "expire"]), st.integers(0, 3000), st.integers(0, 500)),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_the_balance_never_goes_negative(ops: list[tuple[str, int, int]]) -> None:
    """Whatever mix of earning, redeeming, reversing and expiring, the balance stays at or above zero."""
    account = _account()
    at = NOW
    for n, (op, amount, days) in enumerate(ops):
        at = at + timedelta(days=days)
        if op == "earn":
            account.earn(amount, at=at, purchase_id=f"p{n}", rules=RULES)
        elif op == "redeem":
            with contextlib.suppress(RuleViolation, clientcare.errors.ValidationError):
                account.redeem(amount, at=at, reference="x", rules=RULES)
        elif op == "reverse" and n > 0:
            account.reverse(f"p{n - 1}", returned=Decimal(amount), sold=Decimal(3000), at=at)
        else:
            account.expire(at)
        assert account.balance >= 0
        assert all(lot.remaining >= 0 for lot in account.lots())
        assert sum(lot.remaining for lot in account.lots()) == account.balance
    assert all(e.kind in EntryKind for e in account.entries)


def test_concurrent_redemptions_cannot_overspend() -> None:
    """Two tills redeeming the same points at once: the second commit conflicts."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    care.points.import_opening_balance(ann.id, 500)
    backend = care.backend
    first, second = backend.unit_of_work("shop"), backend.unit_of_work("shop")
    with first, second:
        one, two = first.points.find(ann.id), second.points.find(ann.id)
        assert one is not None and two is not None
        one.redeem(400, at=NOW, reference="till-1", rules=RULES)
        two.redeem(400, at=NOW, reference="till-2", rules=RULES)
        first.points.save(one)
        second.points.save(two)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    assert care.points.balance(ann.id) == 100


def test_opening_balances_import_once() -> None:
    """An opening balance from the previous system is imported once per reference."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    assert care.points.import_opening_balance(ann.id, 800, reference="legacy")
    assert not care.points.import_opening_balance(ann.id, 800, reference="legacy")
    assert care.points.balance(ann.id) == 800
