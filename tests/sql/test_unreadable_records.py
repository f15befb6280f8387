"""A stored record that cannot be read is an error for that record only (issue 11, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import metadata
from clientcare.errors import StorageUnavailable

NOW = dt.datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def test_an_unreadable_customer_fails_its_own_lookup_and_is_skipped_by_tenant_wide_jobs(sql_url: str) -> None:
    """A corrupt customer document: get() raises StorageUnavailable; daily run, boards and stale cards go on."""
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(NOW)) as care:
        broken = care.customers.register("Ann", "13800138000")
        fine = care.customers.register("Bo", "13800138001")
        customers = metadata.tables["cc_customers"]
        with care.backend.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(update(customers).where(customers.c.id == broken.id).values(document='{"hard": 1}'))
        with pytest.raises(StorageUnavailable) as caught:
            care.customers.get(broken.id)
        assert caught.value.retryable is False
        assert care.customers.get(fine.id).name == "Bo"
        care.daily.run()
        care.boards.weekly()
        assert broken.id not in [card.customer_id for card in care.customers.stale_cards()]
        assert [c.id for c in care.customers.search(name="")] == [fine.id]
