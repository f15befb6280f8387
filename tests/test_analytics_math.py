"""Analytics as pure functions (P63, P64, P66)."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcare import Money, StoreTraffic
from clientcare.analytics import (
    RfmSegment,
    compare_stores,
    lifetime_value,
    quintile,
    retention_rate,
    share_of_wallet,
)
from clientcare.errors import ValidationError

rates = st.decimals(min_value=0, max_value=1, places=2)
counts = st.integers(min_value=0, max_value=100_000)
tickets = st.decimals(min_value=0, max_value=10_000, places=2)


@given(counts, rates, tickets, counts, rates, tickets)
def test_store_sales_formula(nv: int, nc: Decimal, nt: Decimal, ov: int, oc: Decimal, ot: Decimal) -> None:
    """Sales = new visitors × conversion × ticket + old visitors × conversion × ticket."""
    store = StoreTraffic(
        store="s",
        new_visitors=nv,
        new_conversion=nc,
        new_ticket=Money(nt, "CNY"),
        old_visitors=ov,
        old_conversion=oc,
        old_ticket=Money(ot, "CNY"),
    )
    assert store.sales == Money(nv * nc * nt + ov * oc * ot, "CNY").quantize()


def test_gap_splits_into_new_and_old_parts() -> None:
    """The gap to the leader is the sum of its new- and old-customer parts."""
    a = StoreTraffic(
        store="A",
        new_visitors=4000,
        new_conversion=Decimal("0.1"),
        new_ticket=Money.of(500),
        old_visitors=1000,
        old_conversion=Decimal("0.6"),
        old_ticket=Money.of(1000),
    )
    b = StoreTraffic(
        store="B",
        new_visitors=3500,
        new_conversion=Decimal("0.1"),
        new_ticket=Money.of(500),
        old_visitors=1500,
        old_conversion=Decimal("0.6"),
        old_ticket=Money.of(1000),
    )
    row = next(r for r in compare_stores([a, b]).rows if r.store == "A")
    assert row.gap == row.gap_from_new + row.gap_from_old == Money.of("275000.00")


def test_conversion_out_of_range_is_named() -> None:
    """A conversion above 100% is refused by field name."""
    with pytest.raises(ValidationError) as info:
        StoreTraffic(
            store="s",
            new_visitors=1,
            new_conversion=Decimal("1.2"),
            new_ticket=Money.of(1),
            old_visitors=1,
            old_conversion=Decimal("0.5"),
            old_ticket=Money.of(1),
        )
    assert info.value.field == "new_conversion"


@given(st.sets(st.integers(0, 50)), st.sets(st.integers(0, 50)))
def test_retention_is_a_share_of_previous_buyers(previous: set[int], current: set[int]) -> None:
    """Retention stays in 0..1 and equals returning buyers over previous buyers."""
    rate = retention_rate({str(p) for p in previous}, {str(c) for c in current})
    assert Decimal(0) <= rate <= Decimal(1)
    if previous:
        assert abs(rate - Decimal(len(previous & current)) / len(previous)) < Decimal("0.0001")


@given(st.decimals(min_value=0, max_value=Decimal("0.98"), places=2), st.decimals(min_value=0, max_value=1, places=2))
def test_lifetime_value_grows_with_retention(retention: Decimal, discount: Decimal) -> None:
    """A customer more likely to stay is worth at least one year's margin, and more."""
    one_year = lifetime_value(Money.of(100), Decimal(0), discount)
    value = lifetime_value(Money.of(100), retention, discount)
    assert one_year == Money.of("100.00") <= value


def test_lifetime_value_refuses_certain_retention() -> None:
    """Retention of 100% would mean an endless lifetime."""
    with pytest.raises(ValidationError):
        lifetime_value(Money.of(100), Decimal(1), Decimal("0.1"))


def test_share_of_wallet() -> None:
    """Our spend over the customer's category spend."""
    assert share_of_wallet(Money.of(300), Money.of(1200)) == Decimal("0.2500")
    with pytest.raises(ValidationError):
        share_of_wallet(Money.of(300), Money.of(0))


def test_every_rfm_segment_is_reached_and_scores_rise_with_rank() -> None:
    """All 125 score triples fall in one of the eight named segments, each reached; quintiles never fall."""
    reached = {RfmSegment.of(r, f, m) for r, f, m in product(range(1, 6), repeat=3)}
    assert reached == set(RfmSegment)
    for population in (1, 4, 5, 7, 100):
        scores = [quintile(rank, population) for rank in range(1, population + 1)]
        assert scores == sorted(scores)
        assert scores[0] == 1
        assert scores[-1] == min(5, population)
