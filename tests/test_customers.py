"""The customer aggregate: completeness, history, consent, erasure."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcare import Customer, DateKind, HardProfile, ImportantDate, Playbook, SoftProfile
from clientcare.errors import RuleViolation, ValidationError

T0 = datetime(2026, 1, 5, 10, tzinfo=timezone(timedelta(hours=8)))
PLAYBOOK = Playbook.default()

HARD_VALUES: dict[str, Any] = {
    "gender": "female",
    "ethnicity": "汉族",
    "age_band": "30-39",
    "birthday": date(1990, 5, 12),
    "email": "wf@example.com",
    "address": "上海市静安区南京西路1号",
    "clothing_size": "M",
    "employer": "华润万家",
    "position": "采购经理",
    "income_band": "20-30万",
    "family_situation": "已婚",
}
SOFT_VALUES: dict[str, Any] = {
    "work_situation": "外企",
    "family": "一子",
    "personality": "外向",
    "consumption_habits": "换季集中购买",
    "dress_preferences": "简约",
    "hobbies": ("瑜伽",),
    "lifestyle": "户外",
    "service_preference": "不打扰",
    "promotion_receptiveness": "只看新品",
}
ALL_FIELDS = sorted({**HARD_VALUES, **SOFT_VALUES})


def fresh() -> Customer:
    return Customer.register(tenant="t", name="王芳", phone="13800138000", at=T0)


@given(st.sets(st.sampled_from(ALL_FIELDS)), st.sampled_from(ALL_FIELDS))
def test_completeness_in_range_and_monotone(filled: set[str], extra: str) -> None:
    """Completeness stays within 0..1 and never drops when a field is filled."""
    values = {**HARD_VALUES, **SOFT_VALUES}
    customer = fresh()
    customer.update_profile(by="s", at=T0, **{f: values[f] for f in filled})
    before = customer.completeness(PLAYBOOK)
    customer.update_profile(by="s", at=T0, **{extra: values[extra]})
    after = customer.completeness(PLAYBOOK)
    assert Decimal(0) <= before <= after <= Decimal(1)


def test_full_profile_is_complete() -> None:
    """Every hard and soft field filled, B2B fields included, and a purchase (spend, styles) give 1."""
    customer = fresh()
    customer.update_profile(by="s", at=T0, **HARD_VALUES, **SOFT_VALUES)
    customer.tag(PLAYBOOK.profile.b2b_tag, by="s", at=T0)  # the B2B fields count too
    assert customer.completeness(PLAYBOOK, purchases=1) == Decimal(1)
    assert customer.completeness(PLAYBOOK) == Decimal("0.9692")  # no sale yet: 11 of 13 hard fields


@given(st.sets(st.sampled_from(ALL_FIELDS)))
def test_erasure_leaves_no_personal_field(filled: set[str]) -> None:
    """After erasure no personal field is set, whatever was filled before."""
    values = {**HARD_VALUES, **SOFT_VALUES}
    customer = fresh()
    customer.update_profile(by="s", at=T0, **{f: values[f] for f in filled})
    customer.set_contacts((), by="s", at=T0)
    customer.erase(at=T0)
    assert customer.phone is None and customer.name == "(erased)"
    assert customer.hard == HardProfile() and customer.soft == SoftProfile()
    assert all(c.before is None and c.after is None for c in customer.history)
    assert customer.important_dates == () and customer.contacts == () and not customer.tags


def test_failed_update_changes_nothing() -> None:
    """A bad email among good fields leaves the whole profile as it was."""
    customer = fresh()
    with pytest.raises(ValidationError) as info:
        customer.update_profile(by="s", at=T0, clothing_size="L", email="broken")
    assert info.value.field == "email"
    assert customer.hard.clothing_size is None and customer.history == ()


def test_unknown_field_is_named() -> None:
    """A misspelt field is refused by name."""
    with pytest.raises(ValidationError) as info:
        fresh().update_profile(by="s", at=T0, shoe_size="39")
    assert info.value.field == "shoe_size"


def test_naive_datetime_refused() -> None:
    """Registration times must carry a time zone."""
    with pytest.raises(ValidationError) as info:
        Customer.register(tenant="t", name="王芳", phone="13800138000", at=datetime(2026, 1, 5))
    assert info.value.field == "at"


def test_erased_customer_cannot_be_changed() -> None:
    """Erasure is final for personal data."""
    customer = fresh()
    customer.erase(at=T0)
    with pytest.raises(RuleViolation):
        customer.update_profile(by="s", at=T0, clothing_size="L")


def test_consent_is_per_purpose_and_channel_and_time() -> None:
    """Consent holds from when it was given until it is withdrawn."""
    customer = fresh()
    customer.give_consent("marketing", "sms", at=T0, method="verbal", source="in_store")
    assert customer.has_consent("marketing", "sms", at=T0)
    assert not customer.has_consent("marketing", "sms", at=T0 - timedelta(seconds=1))
    assert not customer.has_consent("marketing", "email", at=T0)
    later = T0 + timedelta(days=1)
    assert customer.withdraw_consent("marketing", at=later) == 1
    assert not customer.has_consent("marketing", "sms", at=later)
    assert customer.has_consent("marketing", "sms", at=later - timedelta(seconds=1))


def test_bad_consent_purpose_lists_choices() -> None:
    """An unknown purpose names the field and the allowed values."""
    with pytest.raises(ValidationError) as info:
        fresh().give_consent("spam", "sms", at=T0, method="verbal", source="in_store")
    assert info.value.field == "purpose" and "marketing" in info.value.rule


def test_history_records_who_when_what() -> None:
    """Each changed field is one history entry; unchanged fields add nothing."""
    customer = fresh()
    customer.update_profile(by="小李", at=T0, position="经理", clothing_size=None)
    customer.update_profile(by="小王", at=T0 + timedelta(hours=1), position="经理")
    assert [(c.field, c.by, c.after) for c in customer.history] == [("position", "小李", "经理")]


def test_card_goes_stale_after_the_playbook_period() -> None:
    """A general card is stale after 90 days, a key card after 30."""
    customer = fresh()
    assert not customer.card_stale(now=T0 + timedelta(days=90), playbook=PLAYBOOK)
    assert customer.card_stale(now=T0 + timedelta(days=91), playbook=PLAYBOOK)
    customer.mark_key(True, by="s", at=T0)
    assert customer.card_stale(now=T0 + timedelta(days=31), playbook=PLAYBOOK)
    customer.review_card(by="s", at=T0 + timedelta(days=31))
    assert not customer.card_stale(now=T0 + timedelta(days=31), playbook=PLAYBOOK)


def test_entities_compare_by_identity() -> None:
    """Two loads of one customer are equal even when their fields differ."""
    customer = fresh()
    other = attrs.evolve(customer, key=True)
    assert customer == other and hash(customer) == hash(other)
    assert customer != fresh()


def test_important_date_on_29_february() -> None:
    """A 29 February date falls on the next leap year's day."""
    leap = ImportantDate(kind=DateKind.ANNIVERSARY, label="结婚纪念日", month=2, day=29)
    assert leap.next_on_or_after(date(2026, 3, 1)) == date(2028, 2, 29)
    with pytest.raises(ValidationError):
        ImportantDate(kind=DateKind.OTHER, label="x", month=2, day=30)
