"""Steps for issue 17: the documents' rules, each scenario quoting its passage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
from conftest import customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.playbook import CadenceRules, ContactRules, FollowUpRules, Playbook

scenarios("documents.feature")


def _at(day: date, hour: int = 11) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:00:00+08:00")


def _follow_ups(care: clientcare.Clientcare, name: str) -> list[clientcare.Touch]:
    found = care.touches.for_customer(customer_named(care, name).id)
    return sorted((t for t in found if t.reason.value == "follow_up"), key=lambda t: t.sequence_no or 0)


def _next(care: clientcare.Clientcare, name: str) -> clientcare.Touch:
    return next(t for t in _follow_ups(care, name) if t.status.open)


# -- P21 -------------------------------------------------------------------------


@given(parsers.parse("the playbook spaces follow-ups 7, 4, 2 days and then 2 days"), target_fixture="care")
def shrinking_gaps(care: clientcare.Clientcare, clock: FixedClock) -> clientcare.Clientcare:
    rules = FollowUpRules(gaps_days=(7, 4, 2, 2, 2, 2, 2, 2, 2, 2))
    playbook = Playbook(cadences=CadenceRules(follow_up=rules))
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook)


@given(parsers.parse('"{name}" consents to {purpose} by {channel}'))
def consents(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    customer = customer_named(care, name)
    care.privacy.give_consent(customer.id, purpose, channel, method="verbal", source="in_store")


@when(parsers.parse('staff "{staff}" follows up "{name}"'))
def follows_up(care: clientcare.Clientcare, staff: str, name: str) -> None:
    care.touches.start_follow_up(customer_named(care, name).id, owner=staff, topic="新品")


@when(parsers.parse('"{name}" answers the next follow-up touch in a friendly way'))
def friendly_answer(care: clientcare.Clientcare, clock: FixedClock, name: str) -> None:
    touch = _next(care, name)
    clock.set(max(clock.now(), _at(touch.due)))
    care.touches.complete(touch.id, "replied", by=touch.owner or "bob")


@when(parsers.parse('"{name}" is reached on {count:d} touches of the follow-up'))
def reached(care: clientcare.Clientcare, clock: FixedClock, name: str, count: int) -> None:
    for _ in range(count):
        touch = _next(care, name)
        clock.set(max(clock.now(), _at(touch.due)))
        care.touches.complete(touch.id, "reached", by=touch.owner or "bob")


@given(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
@when(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
def buys(care: clientcare.Clientcare, name: str, style: str, price: int, staff: str) -> None:
    care.purchases.record(customer_named(care, name).id, [care.purchases.line(style, price)], staff_id=staff)


@then(parsers.parse('the follow-up of "{name}" is still running after {count:d} touch'))
def still_running(care: clientcare.Clientcare, name: str, count: int) -> None:
    sequence_id = _follow_ups(care, name)[0].sequence_id
    assert sequence_id is not None
    sequence, _ = care.touches.follow_up(sequence_id)
    assert (sequence.status.value, sequence.touches_done, sequence.stopped_why) == ("active", count, None)


@then(parsers.parse('"{name}" has follow-up touch {number:d} planned'))
def touch_planned(care: clientcare.Clientcare, name: str, number: int) -> None:
    touch = _next(care, name)
    assert (touch.sequence_no, touch.status.value) == (number, "planned")


@then(parsers.parse('the follow-up touches of "{name}" fall {offsets} days after the start'))
def offsets(care: clientcare.Clientcare, name: str, offsets: str) -> None:
    touches = _follow_ups(care, name)
    assert [(t.due - touches[0].due).days for t in touches] == [int(x) for x in offsets.split(", ")]


@then(parsers.parse('the follow-up table from "{first}" to "{last}" for the whole shop is:'), target_fixture="table")
def whole_shop(
    care: clientcare.Clientcare, first: str, last: str, datatable: list[list[str]]
) -> clientcare.FollowUpTable:
    table = care.staff.sales_by_touch_number(date.fromisoformat(first), date.fromisoformat(last))
    rows = [[b.label, str(b.document_share), str(b.sales), str(b.share)] for b in table.total.bands]
    assert rows == datatable[1:], rows
    return table


@then(parsers.parse('the follow-up table has a row for "{staff}" in "{month}" with {sales:d} sale at touch {number:d}'))
def staff_row(table: clientcare.FollowUpTable, staff: str, month: str, sales: int, number: int) -> None:
    row = next(r for r in table.rows if (r.staff, r.month) == (staff, month))
    assert row.sales == sales
    assert {b.label for b in row.bands if b.sales} == {b.label for b in row.bands if b.first <= number <= b.last}


# -- P17 -------------------------------------------------------------------------


@given("the tiers are recomputed")
def tiers_recomputed(care: clientcare.Clientcare) -> None:
    care.tiers.recompute()


@then(parsers.parse('the archive\'s card of "{name}" shows a {kind} customer'))
def archive_card(care: clientcare.Clientcare, name: str, kind: str) -> None:
    assert care.customers.card(customer_named(care, name).id).key is (kind == "key")


@then(parsers.parse('the stale cards are "{names}"'))
def stale_cards(care: clientcare.Clientcare, names: str) -> None:
    stale = [care.customers.get(card.customer_id).name for card in care.customers.stale_cards()]
    assert stale == names.split(", ")


# -- P13 -------------------------------------------------------------------------


@when(parsers.parse('the return visit of "{name}" ends with a referral of "{friend}" with phone "{phone}"'))
def referral(care: clientcare.Clientcare, name: str, friend: str, phone: str) -> None:
    found = care.touches.for_customer(customer_named(care, name).id)
    visit = next(t for t in found if t.reason.value == "return_visit")
    referral = clientcare.Referral(name=friend, phone=phone)
    care.touches.complete(visit.id, "referral_given", by="bob", referral=referral)


@then(parsers.parse('"{name}" is an old customer'))
def is_old(care: clientcare.Clientcare, name: str) -> None:
    assert care.tiers.stage(customer_named(care, name).id).value == "old"


@when(parsers.parse('the daily run plans "{day}"'))
def daily_run(care: clientcare.Clientcare, clock: FixedClock, day: str) -> None:
    clock.set(_at(date.fromisoformat(day), 10))
    care.daily.run(date.fromisoformat(day))


@then(parsers.parse('"{name}" is asked for repeat business, and for a referral'))
def repeat_ask(care: clientcare.Clientcare, name: str) -> None:
    found = care.touches.for_customer(customer_named(care, name).id)
    asks = [t for t in found if t.reason.value == "repeat_ask"]
    assert len(asks) == 1
    assert "介绍朋友" in asks[0].precision.information


# -- P14/P22 ---------------------------------------------------------------------


@then(parsers.parse('"{name}" gets a call about her member card expiring on "{day}"'))
def card_call(care: clientcare.Clientcare, name: str, day: str) -> None:
    found = care.touches.for_customer(customer_named(care, name).id)
    calls = [t for t in found if t.reason.value == "card_expiry"]
    assert [(t.automated, t.precision.channel.value, t.occasion) for t in calls] == [
        (False, "phone", date.fromisoformat(day))
    ]


@when("the daily run plans three days before each holiday of 2027")
def before_each_holiday(care: clientcare.Clientcare, clock: FixedClock) -> None:
    for day in sorted(holidays.country_holidays("CN", years=2027)):
        ahead = day - timedelta(days=3)
        clock.set(_at(ahead, 10))
        care.daily.run(ahead)


@then(parsers.parse('"{name}" has holiday greetings for "{names}"'))
def holiday_greetings(care: clientcare.Clientcare, name: str, names: str) -> None:
    found = care.touches.for_customer(customer_named(care, name).id)
    greeted = sorted(t.occasion for t in found if t.reason.value == "holiday")
    calendar = holidays.country_holidays("CN", years=2027, language="en_US")
    firsts = {n: min(d for d, label in calendar.items() if n in str(label).split("; ")) for n in names.split(", ")}
    assert greeted == sorted(firsts.values())


# -- P24 -------------------------------------------------------------------------


@given(parsers.parse("the shop phones audiences of at most {count:d} customers"), target_fixture="care")
def call_audience(care: clientcare.Clientcare, clock: FixedClock, count: int) -> clientcare.Clientcare:
    playbook = Playbook(cadences=CadenceRules(contact=ContactRules(call_audience_up_to=count)))
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook)


@when(parsers.parse('staff tell "{names}" about "{topic}"'))
def tell(care: clientcare.Clientcare, names: str, topic: str) -> None:
    ids = [customer_named(care, name).id for name in names.split(", ")]
    care.touches.inform(topic, "详情请到店了解", customer_ids=ids)


@then(parsers.parse('"{name}" is told about "{topic}" by {channel}'))
def told(care: clientcare.Clientcare, name: str, topic: str, channel: str) -> None:
    found = care.touches.for_customer(customer_named(care, name).id)
    told = [t.precision.channel.value for t in found if t.reason.value == "inform" and t.reference == topic]
    assert told == [channel]
