"""Steps for issue 17 (archive, membership, tracking service, visits): each scenario quotes its passage."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import holidays
import pytest
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


# -- P14 -------------------------------------------------------------------------


@then(parsers.parse('"{name}" is not a member'))
def not_member(care: clientcare.Clientcare, name: str) -> None:
    assert care.membership.level(customer_named(care, name).id) is None


@then(parsers.parse('"{name}" is a "{level}" member'))
def member(care: clientcare.Clientcare, name: str, level: str) -> None:
    found = care.membership.level(customer_named(care, name).id)
    assert found is not None and found.name == level


@when("staff enrol every existing customer", target_fixture="enrolment")
def enrol_all(care: clientcare.Clientcare) -> clientcare.EnrolmentReport:
    return care.membership.enrol_all(by="staff")


@then(parsers.parse('"{name}" joined and "{other}" was skipped as "{reason}"'))
def enrolled(
    care: clientcare.Clientcare, enrolment: clientcare.EnrolmentReport, name: str, other: str, reason: str
) -> None:
    assert enrolment.joined == (customer_named(care, name).id,)
    assert enrolment.skipped_for(reason) == (customer_named(care, other).id,)


# -- P14/P22/P32 -----------------------------------------------------------------


def _playbook_line(line: str) -> str:
    """``a.b.key = value`` as TOML (the last dot separates the table from the key)."""
    key, value = line.split(" = ", 1)
    table, _, name = key.rpartition(".")
    return f"[{table}]\n{name} = {value}\n"


@given(parsers.parse('the playbook says "{line}"'), target_fixture="care")
def playbook_says(care: clientcare.Clientcare, clock: FixedClock, line: str) -> clientcare.Clientcare:
    playbook = clientcare.Playbook.from_toml(_playbook_line(line))
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook)


@then(parsers.parse('the older key "{line}" is read as the same setting, with a warning'))
def older_key(care: clientcare.Clientcare, line: str) -> None:
    with pytest.warns(DeprecationWarning, match="membership.expiry_reminder_days"):
        older = clientcare.Playbook.from_toml(_playbook_line(line))
    assert older.membership.expiry_reminder_days == care.playbook.membership.expiry_reminder_days


@given(parsers.parse('"{name}" is a key customer'))
def key_customer(care: clientcare.Clientcare, name: str) -> None:
    care.customers.set_key(customer_named(care, name).id, by="staff")


@when(parsers.parse('the daily run plans "{day}"'))
def daily_run(care: clientcare.Clientcare, clock: FixedClock, day: str) -> None:
    clock.set(_at(date.fromisoformat(day)))
    care.daily.run(date.fromisoformat(day))


@when("the daily run plans three days before each holiday of 2027")
def before_each_holiday(care: clientcare.Clientcare, clock: FixedClock) -> None:
    for day in sorted(holidays.country_holidays("CN", years=2027)):
        ahead = day - timedelta(days=3)
        clock.set(_at(ahead))
        care.daily.run(ahead)


@then(parsers.parse('"{name}" has "{reason}" touches due "{days}"'))
def touches_due(care: clientcare.Clientcare, name: str, reason: str, days: str) -> None:
    assert [t.due.isoformat() for t in _touches(care, name, reason)] == days.split(", ")


def _occasions(care: clientcare.Clientcare, name: str, occasion: str) -> list[clientcare.Touch]:
    return [t for t in _touches(care, name, "occasion") if t.reference == occasion]


@then(
    parsers.re(
        r'"(?P<name>[^"]+)" has a "(?P<occasion>\w+)" touch for "(?P<day>[\d-]+)" due "(?P<due>[\d-]+)"'
        r' by "(?P<channel>\w+)"(?: with reward "(?P<reward>[^"]+)")?$'
    )
)
def occasion_touch(
    care: clientcare.Clientcare, name: str, occasion: str, day: str, due: str, channel: str, reward: str | None
) -> None:
    found = [
        (t.occasion.isoformat(), t.due.isoformat(), t.precision.channel.value, t.precision.reward)
        for t in _occasions(care, name, occasion)
    ]
    assert found == [(day, due, channel, reward)], found


@then(parsers.parse('"{name}" has no "{occasion}" touch'))
def no_occasion(care: clientcare.Clientcare, name: str, occasion: str) -> None:
    assert _occasions(care, name, occasion) == []


@then(parsers.parse('"{name}" has {count:d} holiday greetings, each with a small gift'))
def holiday_gifts(care: clientcare.Clientcare, name: str, count: int) -> None:
    greetings = _touches(care, name, "holiday")
    assert len(greetings) == count
    assert {t.precision.reward for t in greetings} == {"gift"}
