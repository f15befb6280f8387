"""Why nothing was planned: daily.explain agrees with the daily run on every backend."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.cadences import DAILY_RULES, TouchReason

T0 = datetime.fromisoformat("2026-03-10T10:00:00+08:00")
DAY = date(2026, 3, 10)


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        yield facade


def test_each_rule_says_whether_it_fired_and_why_not(care: clientcare.Clientcare) -> None:
    """No consent, no staff on the sale, outside the window, no purchases: each rule names its reason."""
    fang = care.customers.register("王芳", "13800138000", customer_agrees=True, birthday=date(1990, 6, 1))
    care.purchases.record(fang.id, [care.purchases.line("QY-1", "100")], receipt_id="R1", at=T0 - timedelta(hours=1))
    why = care.daily.explain(fang.id, DAY)
    assert [c.rule for c in why.rules] == list(DAILY_RULES) and why.fired == ()
    assert why.check("birthday").why == "outside the window (greeted 3 days ahead)"
    assert why.check("return_visit").why == (
        "no consent for service on phone or messaging or in_person or club; "
        "no staff on the sale: the touch is for the pool, on no staff member's board"
    )
    assert why.check("thank_you").why == "not a key customer"
    assert why.check("repeat_ask").why == "not an old customer (P13)"

    care.privacy.give_consent(fang.id, "greetings", "sms", method="written", source="in_store")
    care.privacy.give_consent(fang.id, "service", "phone", method="written", source="in_store")
    care.purchases.record(fang.id, [care.purchases.line("QY-2", "50")], receipt_id="R2", staff_id="小李")
    on_birthday_eve = care.daily.explain(fang.id, date(2026, 5, 30))
    assert on_birthday_eve.check("birthday").fired
    assert on_birthday_eve.check("return_visit").fired and on_birthday_eve.check("return_visit").why == "planned"
    stored = {t.id for t in care.touches.for_customer(fang.id)}
    assert set(on_birthday_eve.check("return_visit").touch_ids) <= stored  # the sale planned it: its ids

    li = care.customers.register("李娜", "13800138001")
    assert care.daily.explain(li.id, DAY).check("lost_interview").why == "no purchases yet"
    care.privacy.erase(li.id, by="li")
    assert {c.why for c in care.daily.explain(li.id, DAY).rules} == {"customer erased"}


def test_explain_agrees_with_the_daily_run(care: clientcare.Clientcare) -> None:
    """For varied customers, the rules explain says fired are the reasons of the touches the run planned."""
    rng = random.Random(5)
    ids = []
    for i in range(12):
        birthday = DAY + timedelta(days=rng.randrange(-2, 6))
        customer = care.customers.register(
            f"客户{i}", f"1380013{i:04d}", customer_agrees=True, birthday=birthday.replace(year=1980 + i)
        )
        ids.append(customer.id)
        for purpose, channel in rng.sample(
            [("greetings", "sms"), ("service", "phone"), ("surveys", "phone"), ("marketing", "phone")], rng.randrange(5)
        ):
            care.privacy.give_consent(customer.id, purpose, channel, method="written", source="in_store")
        for n in range(rng.randrange(3)):
            at = T0 - timedelta(days=rng.randrange(30, 400))
            care.purchases.record(customer.id, [care.purchases.line("S", "10")], receipt_id=f"R{i}-{n}", at=at)
        if i % 4 == 0:
            care.customers.set_key(customer.id, by="test")
    explained = {cid: care.daily.explain(cid, DAY) for cid in ids}
    care.daily.run(DAY)
    daily = set(DAILY_RULES) - {TouchReason.RETURN_VISIT, TouchReason.AFTER_SALES}
    for cid in ids:
        planned = {t.reason for t in care.touches.for_customer(cid) if t.reason in daily}
        assert set(explained[cid].fired) & daily == planned, cid
    assert any(explained[cid].fired for cid in ids) and not all(explained[cid].fired for cid in ids)
