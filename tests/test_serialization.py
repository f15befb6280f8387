"""Every public domain object round-trips through the converter."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from clientcare import Customer, Money, Note, Playbook, Purchase, PurchaseLine, serialization
from clientcare import events as ev

zones = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones)
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(
    str.strip
)
prices = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)
phones = st.sampled_from(["13800138000", "13900139000", "+8613700137000"])


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    at = draw(moments)
    customer = Customer.register(tenant="t", name=draw(texts), phone=draw(phones), at=at)
    customer.update_profile(
        by="s",
        at=at,
        clothing_size=draw(st.none() | st.sampled_from(["S", "M", "L"])),
        birthday=draw(st.none() | st.dates(date(1900, 1, 1), date(2200, 12, 31))),
        email=draw(st.none() | st.just("a@example.com")),
        hobbies=tuple(draw(st.lists(texts, max_size=3))),
    )
    if draw(st.booleans()):
        customer.give_consent("marketing", "sms", at=at, method="online", source="website")
    if draw(st.booleans()):
        customer.tag(draw(texts), by="s", at=at)
    if draw(st.booleans()):
        customer.erase(at=at)
    customer.pull_events()
    return customer


@st.composite
def purchases(draw: st.DrawFn) -> Purchase:
    lines = [
        PurchaseLine(style_no=draw(texts), unit_price=Money(draw(prices), "CNY"), quantity=draw(st.integers(1, 9)))
        for _ in range(draw(st.integers(1, 4)))
    ]
    sale = Purchase.sale(tenant="t", customer_id=draw(st.none() | texts), lines=lines, at=draw(moments), currency="CNY")
    sale.pull_events()
    return sale


def _roundtrip(obj: object, cls: type) -> object:
    data = json.loads(json.dumps(serialization.unstructure(obj)))
    return serialization.structure(data, cls)


@settings(max_examples=60)
@given(customers())
def test_customer_round_trip(customer: Customer) -> None:
    """A customer survives JSON and back with every field equal."""
    back = _roundtrip(customer, Customer)
    assert serialization.unstructure(back) == serialization.unstructure(customer)


@settings(max_examples=60)
@given(purchases())
def test_purchase_round_trip(purchase: Purchase) -> None:
    """A purchase survives JSON and back; money stays exact."""
    back = _roundtrip(purchase, Purchase)
    assert serialization.unstructure(back) == serialization.unstructure(purchase)


@given(texts, moments)
def test_note_round_trip(text: str, at: datetime) -> None:
    """A note survives JSON and back."""
    note = Note.write(tenant="t", customer_id="c", author="s", text=text, at=at, tags=frozenset({"x"}))
    assert serialization.unstructure(_roundtrip(note, Note)) == serialization.unstructure(note)


@given(moments, prices)
def test_events_round_trip(at: datetime, amount: object) -> None:
    """Events survive JSON and back, equal as values."""
    event = ev.PurchaseRecorded(
        tenant="t", occurred_at=at, purchase_id="p", customer_id=None, store_id="s", amount=amount, currency="CNY"
    )
    assert _roundtrip(event, ev.PurchaseRecorded) == event


def test_playbook_round_trip() -> None:
    """The default playbook survives JSON and back."""
    assert _roundtrip(Playbook.default(), Playbook) == Playbook.default()


def test_money_travels_as_string() -> None:
    """Decimal amounts are strings in JSON, never floats."""
    assert serialization.unstructure(Money.of("12.30")) == {"amount": "12.30", "currency": "CNY"}
