"""Unit tests of the segmentation rules (P10–P13, P17) and the membership policy (P14)."""

from __future__ import annotations

import runpy
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.assessments import ReferralHistory, TierLookup
from clientcare.errors import PlaybookError
from clientcare.loyalty import (
    AbcLabel,
    Attitude,
    AttitudeFacts,
    Membership,
    Priority,
    Stage,
    abc_labels,
    attitude_of,
    diff_labels,
    priority_of,
    qualifying_level,
    review_due,
    review_target,
    stage_of,
)
from clientcare.playbook import AbcRules, MemberLevel, MembershipRules, Playbook, PointsRules, SegmentRules

NOW = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
ZONE = ZoneInfo("Asia/Shanghai")


def reference_labels(spend: dict[str, Decimal], a: Decimal, b: Decimal) -> dict[str, str]:
    """Plainly written: for each customer, add up what everyone richer spent."""
    total = sum(v for v in spend.values() if v > 0)
    result = {}
    for cid, mine in spend.items():
        if mine <= 0:
            result[cid] = "C"
            continue
        richer = sum(v for v in spend.values() if v > mine)
        if richer < a * total:
            result[cid] = "A"
        elif richer < (a + b) * total:
            result[cid] = "B"
        else:
            result[cid] = "C"
    return result


amounts = st.integers(min_value=-50, max_value=5000).map(Decimal)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=4), amounts, max_size=40))
def test_abc_labels_match_a_plain_reference(spend: dict[str, Decimal]) -> None:
    """ABC labels by share of spend equal an independent, brute-force computation on random data."""
    labels = abc_labels(spend, AbcRules())
    assert {k: v.value for k, v in labels.items()} == reference_labels(spend, Decimal("0.80"), Decimal("0.15"))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=4), amounts, min_size=1, max_size=40))
def test_abc_by_customers_matches_a_plain_reference(spend: dict[str, Decimal]) -> None:
    """ABC by share of customers: A while fewer than 20% of all customers spent more, B below 50%."""
    labels = abc_labels(spend, AbcRules(basis="customers"))
    n = len(spend)
    for cid, mine in spend.items():
        ahead = sum(1 for v in spend.values() if v > mine)
        expected = (
            "C" if mine <= 0 else "A" if ahead < Decimal("0.2") * n else "B" if ahead < Decimal("0.5") * n else "C"
        )
        assert labels[cid].value == expected


def test_the_80_20_rule_cuts_the_document_way() -> None:
    """Two of ten customers making 80% of spend are A, the 15% next are B, the rest C."""
    spend = {"a1": Decimal(4000), "a2": Decimal(4000), "b1": Decimal(1500)}
    spend |= {f"c{i}": Decimal(500) / 7 for i in range(7)}
    labels = abc_labels(spend, AbcRules())
    assert [k for k, v in labels.items() if v is AbcLabel.A] == ["a1", "a2"]
    assert labels["b1"] is AbcLabel.B
    assert {labels[f"c{i}"] for i in range(7)} == {AbcLabel.C}


def test_ties_get_the_same_label_whatever_their_ids() -> None:
    """Equal spend always means the same label; the cut never splits a tie by id."""
    spend = {"z": Decimal(100), "a": Decimal(100), "m": Decimal(100)}
    assert set(abc_labels(spend, AbcRules()).values()) == {AbcLabel.A}


def test_zero_and_negative_spenders_are_c() -> None:
    """Customers who spent nothing (or returned more than they bought) are C; nobody spending gives all C."""
    labels = abc_labels({"x": Decimal(0), "y": Decimal(-10), "z": Decimal(5)}, AbcRules())
    assert labels == {"x": AbcLabel.C, "y": AbcLabel.C, "z": AbcLabel.A}
    assert set(abc_labels({"x": Decimal(0)}, AbcRules()).values()) == {AbcLabel.C}


def test_diff_reports_only_changes_with_direction() -> None:
    """A label change knows whether it is an upgrade or a downgrade; unchanged labels are left out."""
    changes = diff_labels({"a": AbcLabel.B, "b": AbcLabel.A}, {"a": AbcLabel.A, "b": AbcLabel.A}, NOW)
    assert len(changes) == 1 and changes[0].upgrade and not changes[0].downgrade


def test_abc_cutoffs_are_validated_naming_the_key() -> None:
    """Shares adding up to more than 1 are refused, naming the key."""
    with pytest.raises(PlaybookError) as error:
        Playbook.from_mapping({"abc": {"a_spend_share": "0.9", "b_spend_share": "0.2"}})
    assert error.value.field == "abc.b_spend_share"


def _facts(**kw: object) -> AttitudeFacts:
    return AttitudeFacts(customer_id="c", **kw)  # type: ignore[arg-type]


def test_attitude_rules_in_order() -> None:
    """Competitor tag or a lapse makes a switcher; discount buying no loyalty; 3 recent sales loyal."""
    rules = SegmentRules()
    recent = NOW - timedelta(days=10)
    old = NOW - timedelta(days=400)
    assert attitude_of(_facts(competitor=True), now=NOW, rules=rules) is Attitude.SWITCHER
    assert attitude_of(_facts(sales_ever=3, last_sale_at=old), now=NOW, rules=rules) is Attitude.SWITCHER
    bargain = _facts(
        sales_in_window=5,
        sales_ever=5,
        last_sale_at=recent,
        spend_in_window=Decimal(100),
        discounted_spend_in_window=Decimal(80),
    )
    assert attitude_of(bargain, now=NOW, rules=rules) is Attitude.NO_LOYALTY
    loyal = _facts(sales_in_window=3, sales_ever=3, last_sale_at=recent, spend_in_window=Decimal(100))
    assert attitude_of(loyal, now=NOW, rules=rules) is Attitude.LOYAL
    early = _facts(sales_in_window=3, sales_ever=3, last_sale_at=recent, early_adoptions=1)
    assert attitude_of(early, now=NOW, rules=rules) is Attitude.EARLY_ADOPTER
    assert attitude_of(_facts(sales_ever=1, sales_in_window=1, last_sale_at=recent), now=NOW, rules=rules) is (
        Attitude.NO_LOYALTY
    )


def test_stage_new_returning_old() -> None:
    """One sale is new, two returning, three (or a referral) old, unless the relationship is poor."""
    rules = SegmentRules()
    assert stage_of(sales=1, referrals=0, poor_relationship=False, rules=rules) is Stage.NEW
    assert stage_of(sales=2, referrals=0, poor_relationship=False, rules=rules) is Stage.RETURNING
    assert stage_of(sales=3, referrals=0, poor_relationship=False, rules=rules) is Stage.OLD
    assert stage_of(sales=1, referrals=1, poor_relationship=False, rules=rules) is Stage.OLD
    assert stage_of(sales=5, referrals=2, poor_relationship=True, rules=rules) is Stage.RETURNING


def test_priority_puts_key_and_referred_leads_first() -> None:
    """Key accounts, A customers and referred leads come first, B next, the rest last."""
    assert priority_of(key=True, label=AbcLabel.C, referred_lead=False) is Priority.KEY
    assert priority_of(key=False, label=AbcLabel.A, referred_lead=False) is Priority.KEY
    assert priority_of(key=False, label=None, referred_lead=True) is Priority.KEY
    assert priority_of(key=False, label=AbcLabel.B, referred_lead=False) is Priority.HIGH
    assert priority_of(key=False, label=AbcLabel.C, referred_lead=False) is Priority.NORMAL


def test_qualifying_level_by_threshold_and_invitation() -> None:
    """3000 of spend reaches VIP, 10000 gold; an invitation opens VIP without spend."""
    rules = MembershipRules()
    assert qualifying_level(rules, Decimal(0)) is None
    assert qualifying_level(rules, Decimal(2999)) is None
    assert qualifying_level(rules, Decimal(0), invited=True).name == "vip"  # type: ignore[union-attr]
    assert qualifying_level(rules, Decimal(3000)).name == "vip"  # type: ignore[union-attr]
    assert qualifying_level(rules, Decimal(10000)).name == "gold"  # type: ignore[union-attr]


def _member(level: str) -> Membership:
    membership = Membership.start(tenant="t", customer_id="c")
    membership.move(level, at=NOW, rules=MembershipRules(), reason="test")
    return membership


@pytest.mark.parametrize(
    ("strategy", "extra", "due"),
    [
        ("at_review", {}, "2027-02-04T10:00:00+08:00"),
        ("anniversary", {}, "2027-02-04T10:00:00+08:00"),
        ("fixed_dates", {"fixed_dates": ("03-01",)}, "2027-03-31T00:00:00+08:00"),
        ("months_after_promotion", {"months_after_promotion": 6}, "2026-08-04T10:00:00+08:00"),
    ],
)
def test_review_due_by_downgrade_strategy(strategy: str, extra: dict[str, object], due: str) -> None:
    """Each downgrade strategy puts the review at its own date, plus the 30-day grace."""
    rules = MembershipRules(downgrade=strategy, **extra)  # type: ignore[arg-type]
    assert review_due(_member("vip"), rules, ZONE) == datetime.fromisoformat(due)


def test_never_downgrade_has_no_review() -> None:
    """With the ``never`` strategy a level is kept for good."""
    assert review_due(_member("vip"), MembershipRules(downgrade="never"), ZONE) is None


def test_review_target_one_step_or_recalculated() -> None:
    """A gold member who no longer qualifies drops one step, or straight to what they earn."""
    gold = _member("gold")
    assert review_target(gold, None, MembershipRules()) == "vip"
    assert review_target(gold, None, MembershipRules(downgrade_step="recalculate")) is None
    assert review_target(gold, qualifying_level(MembershipRules(), Decimal(20000)), MembershipRules()) == "gold"


def test_membership_levels_are_validated() -> None:
    """Levels must be unique and their thresholds rise, else the key is named."""
    with pytest.raises(PlaybookError) as error:
        Playbook.from_mapping({"membership": {"levels": [{"name": "a", "threshold": 5}, {"name": "a"}]}})
    assert error.value.field == "membership.levels"
    with pytest.raises(PlaybookError) as error:
        Playbook.from_mapping({"membership": {"downgrade": "sometimes"}})
    assert error.value.field == "membership.downgrade"


def test_playbook_sections_load_from_toml() -> None:
    """The tier, membership, points and referral sections load from TOML with the documents' defaults."""
    playbook = Playbook.from_toml(
        """
[abc]
period_days = 180
[points]
min_redeem = 50
[referrals]
credit_points = 300
[[membership.levels]]
name = "member"
threshold = "1000"
discount = "0.12"
"""
    )
    assert playbook.abc.period_days == 180 and playbook.abc.a_spend_share == Decimal("0.80")
    assert playbook.points.min_redeem == 50 and playbook.referrals.credit_points == 300
    assert [level.name for level in playbook.membership.levels] == ["member"]
    assert playbook.membership.levels[0].discount == Decimal("0.12")


def test_tiers_and_referrals_feed_the_assessments() -> None:
    """The tiers and referral services answer the assessments area's TierLookup and ReferralHistory."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    bob = care.customers.register("Bob", "13900139000")
    care.referrals.record(ann.id, bob.id, by="staff")
    care.purchases.record(ann.id, [care.purchases.line("S1", "100")])
    care.tiers.recompute()
    assert isinstance(care.tiers, TierLookup) and isinstance(care.referrals, ReferralHistory)
    assert care.tiers.tier_of("shop", ann.id) is AbcLabel.A
    assert care.tiers.tier_of("shop", "nobody") is None
    assert care.referrals.referrals_given("shop", ann.id, since=NOW - timedelta(days=1), until=NOW + timedelta(1)) == 1


def test_the_tiers_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The tiers demo tells its story to the end: VIP upgrade, points, referral credited, ABC run."""
    demo = runpy.run_path(str(Path(__file__).parent.parent / "examples" / "tiers_demo.py"))
    demo["main"]("memory://")
    out = capsys.readouterr().out
    assert "vip (joined: qualified at a sale)" in out and "1 thank-you event" in out and "王芳 is A" in out


def test_tiers_and_membership_feed_the_cadences() -> None:
    """The cadences see ABC labels (hand-picked key customers as A) and member card expiry dates."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    bob = care.customers.register("Bob", "13900139000")
    care.membership.enrol(ann.id, by="staff")
    care.purchases.record(ann.id, [care.purchases.line("S1", "3000")])
    care.purchases.record(bob.id, [care.purchases.line("S1", "10")])
    care.tiers.recompute()
    assert care.cadence_ports.segments.tier_of([ann.id, bob.id]) == {ann.id: AbcLabel.A, bob.id: AbcLabel.C}
    care.customers.set_key(bob.id, by="staff")
    assert care.cadence_ports.segments.tier_of([bob.id]) == {bob.id: AbcLabel.A}
    expiries = care.cadence_ports.membership.card_expiries([ann.id, bob.id])
    assert expiries == {ann.id: (NOW + timedelta(days=365)).date()}


def _care(playbook: Playbook, clock: FixedClock | None = None) -> clientcare.Clientcare:
    return clientcare.Clientcare(
        clientcare.connect("memory://", tenant="shop").backend,
        "shop",
        clock=clock or FixedClock(NOW),
        playbook=playbook,
    )


def test_level_by_number_of_purchases() -> None:
    """With the purchases measure, the third sale makes a member whatever the amounts."""
    levels = (MemberLevel(name="member", threshold=Decimal(3)),)
    care = _care(Playbook(membership=MembershipRules(measure="purchases", levels=levels)))
    ann = care.customers.register("Ann", "13800138000")
    for n in range(3):
        assert care.membership.get(ann.id).level is None, n
        care.purchases.record(ann.id, [care.purchases.line("S", "10")])
    assert care.membership.get(ann.id).level == "member"


def test_level_by_points_earned_never_by_balance() -> None:
    """With the points_earned measure, redeeming points does not take a level away."""
    levels = (MemberLevel(name="member", threshold=Decimal(1000)),)
    playbook = Playbook(
        membership=MembershipRules(measure="points_earned", levels=levels, old_customers_only=False),
        points=PointsRules(members_only=False),
    )
    care = _care(playbook)
    ann = care.customers.register("Ann", "13800138000")
    care.purchases.record(ann.id, [care.purchases.line("S", "600")])
    assert care.membership.get(ann.id).level is None
    care.points.redeem_gift(ann.id, "tote")
    care.purchases.record(ann.id, [care.purchases.line("S", "400")])
    assert care.membership.get(ann.id).level == "member"
    assert care.points.balance(ann.id) == 500


def test_calendar_window_starts_on_the_first_of_january() -> None:
    """With a calendar window, last December's spend does not count in January."""
    clock = FixedClock(NOW)
    care = _care(Playbook(membership=MembershipRules(window="calendar")), clock)
    ann = care.customers.register("Ann", "13800138000")
    care.purchases.record(ann.id, [care.purchases.line("S", "2000")], at=NOW - timedelta(days=10))
    care.purchases.record(ann.id, [care.purchases.line("S", "1500")])
    assert care.membership.get(ann.id).level is None
    care.purchases.record(ann.id, [care.purchases.line("S", "1500")])
    assert care.membership.get(ann.id).level == "vip"


def test_recalculated_downgrade_can_end_the_membership() -> None:
    """With recalculate, a gold member with no spend at the review drops out entirely."""
    clock = FixedClock(NOW)
    care = _care(Playbook(membership=MembershipRules(downgrade_step="recalculate", old_customers_only=False)), clock)
    ann = care.customers.register("Ann", "13800138000")
    care.purchases.record(ann.id, [care.purchases.line("S", "12000")])
    clock.advance(days=400)
    [change] = care.membership.review()
    assert (change.before, change.after) == ("gold", None)
    assert care.membership.level(ann.id) is None


def test_a_qualifying_member_is_renewed_near_the_end_of_the_card() -> None:
    """Meeting the level's rule again within the reminder window renews the card for a year."""
    clock = FixedClock(NOW)
    care = _care(Playbook(membership=MembershipRules(old_customers_only=False)), clock)
    ann = care.customers.register("Ann", "13800138000")
    care.purchases.record(ann.id, [care.purchases.line("S", "3000")])
    clock.advance(days=350)
    care.purchases.record(ann.id, [care.purchases.line("S", "3000")])
    membership = care.membership.get(ann.id)
    assert membership.valid_until == clock.now() + timedelta(days=365)


def test_a_referral_given_at_a_touch_is_credited_at_the_leads_first_purchase() -> None:
    """The cadences' referral outcome registers a lead; its first purchase credits the referrer (P33)."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    wang = care.customers.register("王芳", "13800138000")
    care.privacy.give_consent(wang.id, "service", "phone", method="verbal", source="in_store")
    care.purchases.record(wang.id, [care.purchases.line("R-100", "1999")], staff_id="alice")
    visit = next(t for t in care.touches.for_customer(wang.id, open_only=True) if t.reason == "return_visit")
    friend = clientcare.Referral(name="周婷", phone="13200132000")
    care.touches.complete(visit.id, "referral_given", by="alice", referral=friend)
    lead = care.customers.find_by_phone("13200132000")
    assert lead is not None
    assert [r.referred_id for r in care.referrals.leads()] == [lead.id]
    care.purchases.record(lead.id, [care.purchases.line("R-100", "1999")])
    assert care.referrals.leads() == []
    assert [r.points for r in care.referrals.made_by(wang.id)] == [200]
