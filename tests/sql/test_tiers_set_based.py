"""The ABC recomputation writes in the database through a temporary table (issue 16): the table
is reused and emptied on the same connection, and a rolled-back run leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.loyalty import AbcLabel
from clientcare.playbook import AbcRules

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
START = T0 - timedelta(days=365)


@pytest.fixture
def backend(sql_url: str) -> Iterator[SqlBackend]:
    """Three customers with sales on a fresh database; the SQL backend on it."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(T0)) as care:
        for n, (phone, amount) in enumerate((("13800138000", "900"), ("13900139000", "90"), ("13700137000", "10"))):
            who = care.customers.register(f"客户{n}", phone)
            care.purchases.record(who.id, [care.purchases.line("ST-1", amount)], receipt_id=f"R{n}")
    engine = create_clientcare_engine(sql_url)
    yield SqlBackend(engine)
    engine.dispose()


def test_two_runs_in_one_unit_of_work_reuse_the_scratch_table(backend: SqlBackend) -> None:
    """The second run in the same transaction sees the first one's labels: no change, nothing written twice."""
    with backend.unit_of_work("shop") as uow:
        labels, first = uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
        again_labels, again = uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
        uow.commit()
    assert len(first) == 3 and again == [] and again_labels == labels
    assert sorted(labels.values()) == [AbcLabel.A, AbcLabel.B, AbcLabel.C]
    assert [change.customer_id for change in first] == sorted(labels)
    with backend.unit_of_work("shop") as uow:
        assert all(len(uow.tiers.history(customer)) == 1 for customer in labels)
        assert uow.tiers.labels() == labels


def test_a_rolled_back_run_stores_nothing_and_the_next_one_works(backend: SqlBackend) -> None:
    """Without commit no label or history row stays; the following run writes them all."""
    with backend.unit_of_work("shop") as uow:
        uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
    with backend.unit_of_work("shop") as uow:
        assert uow.tiers.labels() == {}
        labels, changes = uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
        uow.commit()
    assert len(changes) == 3 and all(change.before is None for change in changes)
    with backend.unit_of_work("shop") as uow:
        assert uow.tiers.labels() == labels


def test_another_tenant_on_the_same_connection_starts_from_an_empty_scratch_table(backend: SqlBackend) -> None:
    """A tenant without customers gets no labels, whatever the previous run left on the connection."""
    with backend.unit_of_work("shop") as uow:
        shop, _ = uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
        uow.commit()
    with backend.unit_of_work("elsewhere") as uow:
        other, changes = uow.tiers.recompute_abc(start=START, end=T0, rules=AbcRules(), at=T0)
        uow.commit()
    assert len(shop) == 3 and other == {} and changes == []
