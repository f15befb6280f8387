"""Merging one person's two archives, on memory and every SQL backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.cli import app
from clientcare.customers import CustomersMerged, MergeReport
from clientcare.errors import RuleViolation

T0 = datetime.fromisoformat("2026-03-10T10:00:00+08:00")


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        yield facade


def _fill(care: clientcare.Clientcare, customer_id: str, tag: str) -> None:
    care.purchases.record(customer_id, [care.purchases.line("ST-1", "100", 1)], receipt_id=f"R-{tag}")
    care.notebook.write(customer_id, f"likes {tag}", author="xiaoli")
    care.customers.tag(customer_id, tag, by="xiaoli")


def test_merge_moves_the_archive_and_the_absorbed_id_follows(care: clientcare.Clientcare) -> None:
    """Purchases, notes, tags and consents go to the kept customer; the absorbed id resolves to it."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    _fill(care, keep.id, "silk")
    _fill(care, absorb.id, "wool")
    care.privacy.give_consent(keep.id, "marketing", "sms", method="verbal", source="in_store")
    care.privacy.give_consent(absorb.id, "marketing", "messaging", method="verbal", source="in_store")
    care.privacy.give_consent(absorb.id, "service", "sms", method="verbal", source="in_store")
    care.privacy.give_consent(keep.id, "service", "sms", method="verbal", source="in_store")
    care.privacy.withdraw_consent(absorb.id, "service", "sms")
    heard: list[CustomersMerged] = []
    care.events.subscribe(CustomersMerged, heard.append)

    report = care.customers.merge(keep.id, absorb.id, by="manager")

    assert report == MergeReport(kept_id=keep.id, absorbed_id=absorb.id, purchases=1, notes=1, consents=1)
    assert [(e.kept_id, e.absorbed_id) for e in heard] == [(keep.id, absorb.id)]
    assert care.customers.get(absorb.id).id == keep.id
    kept = care.customers.get(keep.id)
    assert kept.tags == {"silk", "wool"}
    assert {p.receipt_id for p in care.purchases.for_customer(keep.id)} == {"R-silk", "R-wool"}
    assert {n.customer_id for n in care.notebook.for_customer(keep.id)} == {keep.id}
    assert len(care.notebook.for_customer(keep.id)) == 2
    assert care.privacy.may_contact(keep.id, "marketing", "messaging")
    assert care.privacy.may_contact(keep.id, "marketing", "sms")
    assert not care.privacy.may_contact(keep.id, "service", "sms"), "a withdrawal is never undone by a merge"
    assert care.customers.find_by_phone("13900139000") is None
    assert [c.id for c in care.customers.search(name="芳")] == [keep.id]
    assert care.customers.duplicates() == []


def test_merge_brings_points_level_and_complaints_over(care: clientcare.Clientcare) -> None:
    """Points end in one ledger with both balances, the higher member level wins, complaints follow."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    care.points.import_opening_balance(keep.id, 100)
    care.points.import_opening_balance(absorb.id, 250)
    care.membership.enrol(keep.id, level="vip", by="staff")
    care.membership.enrol(absorb.id, level="gold", by="staff")
    complaint = care.complaints.file(absorb.id, channel="phone", category="delivery", description="late", by="li")

    care.customers.merge(keep.id, absorb.id, by="manager")

    assert care.points.balance(keep.id) == 350
    assert care.membership.level(keep.id) is not None
    assert care.membership.level(keep.id).name == "gold"  # type: ignore[union-attr]
    assert [c.id for c in care.complaints.for_customer(keep.id)] == [complaint.id]
    assert care.complaints.get(complaint.id).customer_id == keep.id


def test_merge_moves_touches_without_duplicate_keys(care: clientcare.Clientcare) -> None:
    """An absorbed touch whose key the kept customer holds is cancelled; the others move with the kept key."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    for who in (keep, absorb):
        care.privacy.give_consent(who.id, "service", "phone", method="verbal", source="in_store")
    kept_touch = care.touches.plan(keep.id, information="回访", reference="visit")
    twin = care.touches.plan(absorb.id, information="回访", reference="visit")
    moving = care.touches.plan(absorb.id, information="新品", reference="new-style")

    care.customers.merge(keep.id, absorb.id, by="manager")

    touches = {t.id: t for t in care.touches.for_customer(keep.id)}
    assert set(touches) == {kept_touch.id, moving.id}
    assert touches[moving.id].key.startswith(f"{keep.id}|")
    assert care.touches.get(twin.id).status.value == "cancelled"


def test_merge_refuses_one_customer_twice_and_erased_ones(care: clientcare.Clientcare) -> None:
    """Merging a customer into itself, or again after a merge, is refused and changes nothing."""
    keep = care.customers.register("李娜", "13800138001")
    absorb = care.customers.register("李那", "13800138002")
    with pytest.raises(RuleViolation):
        care.customers.merge(keep.id, keep.id, by="manager")
    care.customers.merge(keep.id, absorb.id, by="manager")
    with pytest.raises(RuleViolation):
        care.customers.merge(keep.id, absorb.id, by="manager")


def test_a_chain_of_merges_resolves_to_the_last_kept(care: clientcare.Clientcare) -> None:
    """A merged into B, then B into C: A's id gives C."""
    a, b, c = (care.customers.register("张伟", f"1380013801{i}") for i in range(3))
    care.customers.merge(b.id, a.id, by="manager")
    care.customers.merge(c.id, b.id, by="manager")
    assert care.customers.get(a.id).id == c.id
    assert care.customers.get(b.id).id == c.id


def test_the_cli_merges(sql_url: str) -> None:
    """`clientcare customers merge KEEP ABSORB --by NAME` merges and prints ids only."""
    any_url = sql_url
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as care:
        keep = care.customers.register("赵敏", "13800138004")
        absorb = care.customers.register("赵 敏", "13800138005")
    args = ["customers", "merge", keep.id, absorb.id, "--by", "manager", "--url", any_url, "--tenant", "shop"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert keep.id in result.stdout
    assert "赵" not in result.stdout
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as care:
        assert care.customers.get(absorb.id).id == keep.id


def test_merge_moves_tier_history_and_keeps_the_kept_label(care: clientcare.Clientcare) -> None:
    """The absorbed customer's label changes join the kept history; the kept label is unchanged until a recompute."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    care.customers.register("刘洋", "13700137000")
    care.purchases.record(absorb.id, [care.purchases.line("ST-1", "900", 1)], receipt_id="R-big")
    care.tiers.recompute()
    kept_label = care.tiers.label(keep.id)
    absorbed_changes = care.tiers.history(absorb.id)
    assert absorbed_changes and kept_label is not None

    care.customers.merge(keep.id, absorb.id, by="manager")

    history = care.tiers.history(keep.id)
    assert len(history) == 1 + len(absorbed_changes)
    assert {change.customer_id for change in history} == {keep.id}
    assert [change.at for change in history] == sorted(change.at for change in history)
    assert care.tiers.label(keep.id) is kept_label


def test_merge_moves_referrals_keeping_the_earlier_one(care: clientcare.Clientcare) -> None:
    """Referrals made by the absorbed id move; of two referrals bringing her, the earlier stays."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    friend, early, late = (care.customers.register("陈静", f"1360013600{i}") for i in range(3))
    made = care.referrals.record(absorb.id, friend.id, by="staff")
    earlier = care.referrals.record_lead(early.id, absorb.id, by="staff", at=T0 - timedelta(days=2))
    care.referrals.record_lead(late.id, keep.id, by="staff", at=T0 - timedelta(days=1))

    care.customers.merge(keep.id, absorb.id, by="manager")

    assert [(r.id, r.referred_id) for r in care.referrals.made_by(keep.id)] == [(made.id, friend.id)]
    assert care.referrals.made_by(absorb.id) == []
    assert [(r.id, r.referred_id) for r in care.referrals.made_by(early.id)] == [(earlier.id, keep.id)]
    assert care.referrals.made_by(late.id) == []


def test_merge_drops_a_referral_between_the_two(care: clientcare.Clientcare) -> None:
    """A referral from one merged customer to the other would refer her to herself, so it goes."""
    keep = care.customers.register("王芳", "13800138000")
    absorb = care.customers.register("王 芳", "13900139000")
    friend = care.customers.register("陈静", "13600136000")
    care.referrals.record(keep.id, absorb.id, by="staff")
    moved = care.referrals.record(absorb.id, friend.id, by="staff")

    care.customers.merge(keep.id, absorb.id, by="manager")

    assert [r.id for r in care.referrals.made_by(keep.id)] == [moved.id]
    assert all(r.referrer_id != r.referred_id for r in care.referrals.leads())
    assert {r.referred_id for r in care.referrals.leads()} == {friend.id}
