"""Steps for issue 17 (archive, membership, tracking service, visits): each scenario quotes its passage."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from conftest import customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock

scenarios("documents_keeping.feature")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:00:00+08:00")


def _touches(care: clientcare.Clientcare, name: str, reason: str) -> list[clientcare.Touch]:
    found = care.touches.for_customer(customer_named(care, name).id)
    return sorted((t for t in found if t.reason.value == reason), key=lambda t: (t.due, t.id))


@given(parsers.parse('"{name}" consents to {purpose} by {channel}'))
def consents(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    customer = customer_named(care, name)
    care.privacy.give_consent(customer.id, purpose, channel, method="verbal", source="in_store")


@given(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
@when(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
def buys(care: clientcare.Clientcare, name: str, style: str, price: int, staff: str) -> None:
    care.purchases.record(customer_named(care, name).id, [care.purchases.line(style, price)], staff_id=staff)


@given("the tiers are recomputed")
@when("the tiers are recomputed")
def tiers_recomputed(care: clientcare.Clientcare) -> None:
    care.tiers.recompute()


@when(parsers.parse('the daily run plans every day from "{first}" to "{last}"'))
def daily_runs(care: clientcare.Clientcare, clock: FixedClock, first: str, last: str) -> None:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        clock.set(_at(day))
        care.daily.run(day)
        day += timedelta(days=1)


# -- P60 -------------------------------------------------------------------------


@when(parsers.parse('customer service decides to improve the relationship with "{name}" because "{why}"'))
def improve(care: clientcare.Clientcare, name: str, why: str) -> None:
    entry = clientcare.IndicatorEntry(score=5, basis=why)
    assessment = care.assessments.assess(customer_named(care, name).id, by="cs", entries={"cooperation": entry})
    if assessment.standing.value != "improve":
        care.assessments.override(assessment.id, "improve", reason=why, by="cs")


@then(parsers.parse('"{name}" has {count:d} rotation visits, {days:d} days apart'))
def rotation_visits(care: clientcare.Clientcare, name: str, count: int, days: int) -> None:
    visits = _touches(care, name, "rotation_visit")
    assert len(visits) == count, [t.due for t in visits]
    assert all((b.due - a.due).days == days for a, b in itertools.pairwise(visits))


# -- P02/P03 ---------------------------------------------------------------------


@when(parsers.parse('staff fill in the hard archive of "{name}"'))
def hard_archive(care: clientcare.Clientcare, name: str) -> None:
    care.customers.update_profile(
        customer_named(care, name).id,
        by="staff",
        gender="female",
        ethnicity="汉族",
        age_band="30-39",
        email="customer@example.com",
        address="上海市静安区南京西路1号",
        clothing_size="M",
    )


@when(parsers.parse('staff note the employer, position and income band of "{name}"'))
def b2b_fields(care: clientcare.Clientcare, name: str) -> None:
    care.customers.update_profile(
        customer_named(care, name).id, by="staff", employer="华润万家", position="采购经理", income_band="20-30万"
    )


@given(parsers.parse('"{name}" is a B2B customer'))
def b2b(care: clientcare.Clientcare, name: str) -> None:
    care.customers.tag(customer_named(care, name).id, care.playbook.profile.b2b_tag, by="staff")


@when(parsers.parse('staff note the family situation "{family}" of "{name}" on the hard profile'))
def hard_family(care: clientcare.Clientcare, name: str, family: str) -> None:
    care.customers.update_profile(customer_named(care, name).id, by="staff", family_situation=family)


@when(parsers.parse('staff note the family "{family}" of "{name}" on the soft profile'))
def soft_family(care: clientcare.Clientcare, name: str, family: str) -> None:
    care.customers.update_profile(customer_named(care, name).id, by="staff", family=family)


@then(parsers.parse('the profile completeness of "{name}" is {score}'))
def completeness(care: clientcare.Clientcare, name: str, score: str) -> None:
    assert care.customers.completeness(customer_named(care, name).id) == Decimal(score)
