"""A stored record that cannot be read is an error for that record only (issue 11, item 1)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import update

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.adapters.sqlalchemy import metadata
from clientcare.errors import StorageUnavailable

from .conftest import CountingIds

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


def test_unreadable_touch_complaint_and_membership_are_skipped_and_logged_by_id_by_tenant_wide_jobs(
    sql_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Corrupt touch, complaint, membership: get() raises; every tenant-wide job logs the id and goes on."""
    # Fixed ids: a customer's rotation day is a hash of the id, and a random one put Bo's on NOW
    # now and then (an extra rotation visit in the last assertion).
    with clientcare.connect(sql_url, tenant="shop", clock=FixedClock(NOW), ids=CountingIds()) as care:
        ann = care.customers.register("Ann", "13800138000")
        bo = care.customers.register("Bo", "13800138001")
        for who in (ann, bo):
            care.privacy.give_consent(who.id, "service", "phone", method="verbal", source="in_store")
        broken_touch = care.touches.plan(ann.id, information="secret note", due=dt.date(2026, 1, 5))
        fine_touch = care.touches.plan(bo.id, information="call back", due=dt.date(2026, 1, 5))
        broken_complaint = care.complaints.file(
            ann.id, channel="phone", category="delivery", description="late", by="li"
        )
        fine_complaint = care.complaints.file(bo.id, channel="phone", category="delivery", description="late", by="li")
        care.membership.enrol(ann.id, by="li")
        care.membership.enrol(bo.id, by="li")
        tables = metadata.tables
        corrupt = '["Ann 13800138000"]'  # not an object: no aggregate reads from it
        with care.backend.engine.begin() as conn:  # type: ignore[attr-defined]
            for table, row_id in (
                ("cc_touches", broken_touch.id),
                ("cc_complaints", broken_complaint.id),
                ("cc_memberships", ann.id),
            ):
                conn.execute(update(tables[table]).where(tables[table].c.id == row_id).values(document=corrupt))
            # Automated and due, so the dispatcher's lease reads the broken touch too.
            conn.execute(update(tables["cc_touches"]).values(automated=True))
        for lookup in (
            lambda: care.touches.get(broken_touch.id),
            lambda: care.complaints.get(broken_complaint.id),
            lambda: care.membership.get(ann.id),
        ):
            with pytest.raises(StorageUnavailable) as caught:
                lookup()
            assert caught.value.retryable is False
        assert care.touches.get(fine_touch.id).customer_id == bo.id
        assert care.complaints.get(fine_complaint.id).customer_id == bo.id
        assert care.membership.get(bo.id).id == bo.id
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="clientcare"):
            care.daily.run()
            care.boards.weekly()
            review = care.complaints.review()
            care.membership.remind()
            care.membership.review()
            care.tiers.recompute()
            care.touches.dispatch(RecordingNotifier())
        assert broken_complaint.id not in str(review)
        for row_id in (broken_touch.id, broken_complaint.id, ann.id):
            assert f"(id {row_id})" in caplog.text
        assert "Ann" not in caplog.text and "13800138000" not in caplog.text
        assert [t.id for t in care.touches.for_customer(bo.id)] == [fine_touch.id]
        assert care.touches.for_customer(ann.id) == []
