"""The loyalty area's typed language: tiers as AbcLabel, benefit kinds, a referral lead as a
record, and the rules the membership and points aggregates apply to themselves."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.cadences import LeadReferred
from clientcare.errors import PlaybookError, RuleViolation
from clientcare.loyalty import (
    AbcLabel,
    BenefitKind,
    EntryKind,
    Membership,
    PointsAccount,
    TierUpgraded,
    qualifying_level,
)
from clientcare.playbook import AssessmentRules, MembershipRules, Playbook, PointsRules, RotationRules

NOW = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
RULES = MembershipRules()


def _referral_given(care: clientcare.Clientcare, friend_phone: str = "13200132000") -> tuple[str, str]:
    """The referrer's return visit ends with a referral; returns (referrer id, lead id)."""
    wang = care.customers.register("王芳", "13800138000")
    care.privacy.give_consent(wang.id, "service", "phone", method="verbal", source="in_store")
    care.purchases.record(wang.id, [care.purchases.line("R-100", "1999")], staff_id="alice")
    visit = next(t for t in care.touches.for_customer(wang.id, open_only=True) if t.reason == "return_visit")
    care.touches.complete(
        visit.id, "referral_given", by="alice", referral=clientcare.Referral(name="周婷", phone=friend_phone)
    )
    lead = care.customers.find_by_phone(friend_phone)
    assert lead is not None
    return wang.id, lead.id


# -- tiers as AbcLabel ---------------------------------------------------------


def test_rotation_cycle_and_assessment_period_are_chosen_by_abc_label() -> None:
    """Rotation cycles and assessment periods are keyed by AbcLabel; a key customer takes the shorter period."""
    rotation = RotationRules(cycle_days_a=30, cycle_days_b=90, cycle_days_c=180)
    assert [rotation.cycle_for(label) for label in AbcLabel] == [30, 90, 180]
    rules = AssessmentRules()
    assert rules.every_days_for(AbcLabel.B, key=False) == 182
    assert rules.every_days_for(AbcLabel.B, key=True) == 91
    assert rules.every_days_for(None, key=False) == rules.every_days_default


def test_a_playbook_names_tiers_by_their_letters_and_refuses_others() -> None:
    """Tier periods load from TOML letters as AbcLabel keys; an unknown tier names the key."""
    playbook = Playbook.from_toml("[assessment.every_days_by_tier]\nA = 30\nC = 400\n")
    assert playbook.assessment.every_days_by_tier == {AbcLabel.A: 30, AbcLabel.C: 400}
    with pytest.raises(PlaybookError) as wrong:
        Playbook.from_toml("[assessment.every_days_by_tier]\nD = 30\n")
    assert (wrong.value.field, wrong.value.rule) == ("assessment.every_days_by_tier", "must be A, B or C")
    with pytest.raises(PlaybookError) as built:
        AssessmentRules(every_days_by_tier={"VIP": 30})
    assert built.value.field == "every_days_by_tier"


def test_tier_events_carry_labels_and_old_payloads_still_load() -> None:
    """A tier move raises AbcLabel values; a stored payload with plain letters loads back as labels."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    bob = care.customers.register("Bob", "13900139000")
    care.purchases.record(ann.id, [care.purchases.line("S1", "10")])
    care.purchases.record(bob.id, [care.purchases.line("S1", "3000")])
    care.tiers.recompute()
    care.purchases.record(ann.id, [care.purchases.line("S1", "9000")])
    heard: list[TierUpgraded] = []
    care.events.subscribe(TierUpgraded, heard.append)
    care.tiers.recompute()
    assert [(e.customer_id, e.before, e.after) for e in heard] == [(ann.id, AbcLabel.C, AbcLabel.A)]
    stored = json.loads(json.dumps(serialization.unstructure(heard[0])))
    assert (stored["before"], stored["after"]) == ("C", "A")
    assert serialization.structure(stored, TierUpgraded).after is AbcLabel.A


def test_labels_stored_as_letters_by_an_earlier_version_load_as_abc_labels() -> None:
    """A label row written as a plain letter (as every stored row is) reads back as an AbcLabel."""
    care = clientcare.connect("sqlite://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    care.purchases.record(ann.id, [care.purchases.line("S1", "100")])
    care.tiers.recompute()
    with care.backend.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cc_customer_tiers SET label = 'B' WHERE id = :id"), {"id": ann.id})
    assert care.tiers.label(ann.id) is AbcLabel.B
    assert care.cadence_ports.segments.tier_of([ann.id]) == {ann.id: AbcLabel.B}
    care.close()


# -- benefit kinds -------------------------------------------------------------


def test_benefit_lines_name_their_kind_with_the_enum() -> None:
    """Each benefit at the till says what it is with a BenefitKind."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    ann = care.customers.register("Ann", "13800138000")
    care.membership.enrol(ann.id, by="staff")
    basket = [
        care.membership.basket_line("T1", "100", category="top"),
        care.membership.basket_line("B1", "100", category="bottom"),
        care.membership.basket_line("O1", "100", category="outerwear"),
    ]
    kinds = {line.kind for line in care.membership.benefits(ann.id, basket).lines}
    assert kinds == {BenefitKind.MEMBER_DISCOUNT, BenefitKind.BUNDLE_DISCOUNT}


# -- a referral lead is a record -------------------------------------------------


def test_a_referral_at_a_touch_announces_the_lead_with_both_ids_and_no_personal_data() -> None:
    """LeadReferred carries the referrer's and the lead's ids; the lead is tagged "referred" and nothing else."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    heard: list[LeadReferred] = []
    care.events.subscribe(LeadReferred, heard.append)
    referrer, lead = _referral_given(care)
    assert [(e.referrer_id, e.referred_id) for e in heard] == [(referrer, lead)]
    assert "周婷" not in repr(heard[0]) and "13200132000" not in json.dumps(serialization.unstructure(heard[0]))
    assert care.customers.get(lead).tags == frozenset({"referred"})
    assert [(r.referrer_id, r.referred_id, r.by) for r in care.referrals.leads()] == [(referrer, lead, "cadences")]


def test_a_lead_tagged_like_the_old_referral_tag_is_not_read_back_as_a_referral() -> None:
    """No tag is parsed: a customer tagged "referred-by:<id>" by hand is no referral."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    wang = care.customers.register("王芳", "13800138000")
    zhou = care.customers.register("周婷", "13200132000")
    care.customers.tag(zhou.id, f"referred-by:{wang.id}", by="staff")
    assert care.referrals.leads() == []


def test_recording_a_lead_twice_keeps_the_first_record() -> None:
    """record_lead is once per lead: the same announcement delivered again changes nothing."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(NOW))
    wang = care.customers.register("王芳", "13800138000")
    li = care.customers.register("李娜", "13900139000")
    zhou = care.customers.register("周婷", "13200132000")
    first = care.referrals.record_lead(wang.id, zhou.id, by="cadences", at=NOW - timedelta(hours=1))
    again = care.referrals.record_lead(li.id, zhou.id, by="cadences")
    assert (again.id, again.referrer_id, again.recorded_at) == (first.id, wang.id, NOW - timedelta(hours=1))
    assert len(care.referrals.leads()) == 1


# -- behaviour in the aggregates -------------------------------------------------


def test_a_member_enrols_once_and_an_uninvited_customer_cannot_accept() -> None:
    """The membership itself refuses a second enrolment and an acceptance without an invitation."""
    member = Membership.start(tenant="t", customer_id="c")
    with pytest.raises(RuleViolation) as uninvited:
        member.accept_invitation(RULES.levels[0], at=NOW, rules=RULES)
    assert uninvited.value.rule == "membership.invitation"
    member.enrol(RULES.levels[0], at=NOW, rules=RULES, reason="enrolled by staff")
    with pytest.raises(RuleViolation) as twice:
        member.enrol(RULES.levels[0], at=NOW, rules=RULES, reason="enrolled by staff")
    assert twice.value.rule == "membership.enrol"


def test_a_review_renews_a_member_who_still_qualifies_and_steps_down_one_who_does_not() -> None:
    """Membership.review renews on the same level, else moves one step down and returns the change."""
    gold, vip = RULES.levels[1], RULES.levels[0]
    kept = Membership.start(tenant="t", customer_id="a")
    kept.move(gold.name, at=NOW, rules=RULES, reason="joined")
    later = NOW + timedelta(days=400)
    assert kept.review(qualifying_level(RULES, Decimal(20000)), at=later, rules=RULES, why="review") is None
    assert (kept.level, kept.valid_until) == (gold.name, later + timedelta(days=RULES.validity_days))
    fallen = Membership.start(tenant="t", customer_id="b")
    fallen.move(gold.name, at=NOW, rules=RULES, reason="joined")
    change = fallen.review(None, at=later, rules=RULES, why="review: spend 0 in the window")
    assert change is not None and (change.before, change.after, change.reason) == (
        gold.name,
        vip.name,
        "review: spend 0 in the window",
    )


def test_the_birthday_treat_is_taken_once_a_year() -> None:
    """The member remembers the year of the treat; another year offers it again."""
    member = Membership.start(tenant="t", customer_id="c")
    assert not member.treat_taken(2026)
    member.take_birthday_treat(2026)
    assert member.treat_taken(2026) and not member.treat_taken(2027)


def test_an_opening_balance_is_imported_once_per_reference_and_referral_thanks_expire_like_points() -> None:
    """The account refuses a second import of the same reference; referral credits expire after expiry_days."""
    rules = PointsRules()
    account = PointsAccount.open(tenant="t", customer_id="c")
    later = NOW + timedelta(days=30)
    assert account.import_opening(500, at=NOW, reference="pos-2025", expires_at=later)
    assert not account.import_opening(500, at=NOW, reference="pos-2025", expires_at=later)
    entry = account.credit_referral(200, at=NOW, referral_id="r1", rules=rules)
    assert entry is not None and (entry.kind, entry.reference) == (EntryKind.REFERRAL, "r1")
    assert entry.expires_at == NOW + timedelta(days=rules.expiry_days)
    assert account.balance == 700


def test_the_daily_reminders_count_the_anniversaries_greeted() -> None:
    """A member greeted a year after joining is counted in the run's report."""
    clock = FixedClock(NOW)
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    ann = care.customers.register("Ann", "13800138000")
    care.membership.enrol(ann.id, by="staff")
    clock.advance(days=366)
    assert care.membership.remind().anniversaries == 1
    assert care.membership.remind().anniversaries == 0
