"""Steps for follow-up cadences, touches, appointments, boards and staff figures (P20–P35)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import ConsoleNotifier, RecordingNotifier
from clientcare.errors import ClientcareError
from clientcare.events import DomainEvent, SilentComplaintSignal
from clientcare.playbook import CadenceRules, LocaleSettings, Playbook, RotationRules

scenarios("cadences.feature", "touches.feature", "boards.feature")


# -- stand-ins for the areas built elsewhere (tiers, complaints, membership) -------


@attrs.define
class Tiers:
    """Tiers as the segmentation area would report them."""

    tiers: dict[str, str] = attrs.field(factory=dict)

    def tier_of(self, customer_ids: Sequence[str]) -> Mapping[str, str]:
        return {c: self.tiers[c] for c in customer_ids if c in self.tiers}


@attrs.define
class Complaints:
    """Open complaints as the complaints area would report them."""

    open: set[str] = attrs.field(factory=set)

    def has_open_complaint(self, customer_id: str) -> bool:
        return customer_id in self.open


@attrs.define
class Cards:
    """Member card expiries as the membership area would report them."""

    expiries: dict[str, date] = attrs.field(factory=dict)

    def card_expiries(self, customer_ids: Sequence[str]) -> Mapping[str, date]:
        return {c: self.expiries[c] for c in customer_ids if c in self.expiries}


def _port(care: clientcare.Clientcare, name: str, kind: type) -> tuple[clientcare.Clientcare, Any]:
    """The facade wired with a fake area port of ``kind`` (a new facade the first time)."""
    current = getattr(care.cadence_ports, name)
    if isinstance(current, kind):
        return care, current
    care = care.with_cadence_ports(**{name: kind()})
    return care, getattr(care.cadence_ports, name)


def _names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r",| and ", text) if p.strip()]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:00:00+08:00")


def _touches(care: clientcare.Clientcare, name: str, reason: str | None = None) -> list[clientcare.Touch]:
    found = care.touches.for_customer(customer_named(care, name).id)
    return [t for t in found if reason is None or t.reason.value == reason]


def _return_visit(care: clientcare.Clientcare, name: str) -> clientcare.Touch:
    return _touches(care, name, "return_visit")[-1]


def _next_follow_up(care: clientcare.Clientcare, name: str) -> clientcare.Touch:
    return next(t for t in _touches(care, name, "follow_up") if t.status.open)


# -- givens ----------------------------------------------------------------------


@given(parsers.parse('the staff roster is "{names}"'), target_fixture="care")
def roster(care: clientcare.Clientcare, names: str) -> clientcare.Clientcare:
    return care.with_cadence_ports(roster=clientcare.FixedRoster({None: _names(names)}))


@given(parsers.parse('the tenant speaks "{language}"'), target_fixture="care")
def tenant_speaks(care: clientcare.Clientcare, clock: FixedClock, language: str) -> clientcare.Clientcare:
    playbook = Playbook(locale=LocaleSettings(language=language))
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook)


@given(parsers.re(r'"(?P<name>[^"]+)" agrees to (?P<purposes>.+) by (?P<channels>[a-z_, ]+(?: and [a-z_]+)?)$'))
def agrees(care: clientcare.Clientcare, name: str, purposes: str, channels: str) -> None:
    customer = customer_named(care, name)
    for purpose in _names(purposes):
        for channel in _names(channels):
            care.privacy.give_consent(customer.id, purpose, channel, method="verbal", source="in_store")


@given(parsers.parse('"{name}" is a key customer'))
def key_customer(care: clientcare.Clientcare, name: str) -> None:
    care.customers.set_key(customer_named(care, name).id, by="manager")


@given(parsers.parse('"{name}" was born on "{day}"'))
def born(care: clientcare.Clientcare, name: str, day: str) -> None:
    care.customers.update_profile(customer_named(care, name).id, by="staff", birthday=_day(day))


@given(parsers.parse('"{name}" has the important date "{label}" of kind "{kind}" on {month:d}-{day:d}'))
def important_date(care: clientcare.Clientcare, name: str, label: str, kind: str, month: int, day: int) -> None:
    care.customers.add_important_date(customer_named(care, name).id, kind, label, month, day, by="staff")


@given(parsers.parse('"{name}" has an open complaint'), target_fixture="care")
def open_complaint(care: clientcare.Clientcare, name: str) -> clientcare.Clientcare:
    care, complaints = _port(care, "complaints", Complaints)
    complaints.open.add(customer_named(care, name).id)
    return care


@when(parsers.parse('the complaint of "{name}" is closed'), target_fixture="care")
def complaint_closed(care: clientcare.Clientcare, name: str) -> clientcare.Clientcare:
    care, complaints = _port(care, "complaints", Complaints)
    complaints.open.discard(customer_named(care, name).id)
    return care


@given(parsers.parse('the member card of "{name}" expires on "{day}"'), target_fixture="care")
def card_expires(care: clientcare.Clientcare, name: str, day: str) -> clientcare.Clientcare:
    care, cards = _port(care, "membership", Cards)
    cards.expiries[customer_named(care, name).id] = _day(day)
    return care


@given(parsers.parse('{count:d} tier "{tier}" customers who agree to service by phone'), target_fixture="care")
def many_customers(care: clientcare.Clientcare, count: int, tier: str) -> clientcare.Clientcare:
    care, tiers = _port(care, "segments", Tiers)
    for n in range(count):
        customer = care.customers.register(f"顾客{n:03d}", f"1380000{n:04d}", by="staff")
        care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
        tiers.tiers[customer.id] = tier
    return care


@given(parsers.parse("the rotation capacity is {capacity:d} visits a day per staff member"), target_fixture="care")
def rotation_capacity(care: clientcare.Clientcare, clock: FixedClock, capacity: int) -> clientcare.Clientcare:
    playbook = Playbook(cadences=CadenceRules(rotation=RotationRules(daily_capacity=capacity)))
    return clientcare.Clientcare(
        care.backend, care.tenant, clock=clock, playbook=playbook, cadence_ports=care.cadence_ports
    )  # the wired ports carry this tenant's areas and the scenario's fakes


@given(parsers.parse('"{name}" bought on "{days}"'))
def bought_on(care: clientcare.Clientcare, name: str, days: str) -> None:
    for day in _names(days):
        care.purchases.record(customer_named(care, name).id, [care.purchases.line("OLD", "300")], at=_at(_day(day), 12))


@given("events are collected", target_fixture="events")
def collect_events(care: clientcare.Clientcare) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    care.events.subscribe(clientcare.events.DomainEvent, seen.append)
    return seen


# -- whens ---------------------------------------------------------------------------


@when(parsers.parse('the clock reads "{moment}"'))
def clock_moves(clock: FixedClock, moment: str) -> None:
    clock.set(datetime.fromisoformat(moment))


@given(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
@when(parsers.parse('"{name}" buys "{style}" for {price:d} from "{staff}"'))
def buys(care: clientcare.Clientcare, name: str, style: str, price: int, staff: str) -> None:
    care.purchases.record(customer_named(care, name).id, [care.purchases.line(style, price)], staff_id=staff)


@given(parsers.parse('staff "{staff}" starts a follow-up for "{name}"'))
@when(parsers.parse('staff "{staff}" starts a follow-up for "{name}"'))
def start_follow_up(care: clientcare.Clientcare, staff: str, name: str) -> None:
    care.touches.start_follow_up(customer_named(care, name).id, owner=staff, topic="新品")


@when(parsers.parse('"{name}" is reached on every follow-up touch'))
def reached_every(care: clientcare.Clientcare, clock: FixedClock, name: str) -> None:
    while (touch := next((t for t in _touches(care, name, "follow_up") if t.status.open), None)) is not None:
        clock.set(_at(touch.due, 11))
        care.touches.complete(touch.id, "reached", by="bob")


@when(parsers.re(r'"(?P<name>[^"]+)" is reached on (?P<count>\d+) follow-up touch(?:es)?'))
def reached_n(care: clientcare.Clientcare, clock: FixedClock, name: str, count: str) -> None:
    for _ in range(int(count)):
        touch = _next_follow_up(care, name)
        clock.set(max(clock.now(), _at(touch.due, 11)))
        care.touches.complete(touch.id, "reached", by="bob")


@when(parsers.parse('the marketing director ends the relationship with "{name}"'))
def end_relationship(care: clientcare.Clientcare, name: str) -> None:
    entry = clientcare.IndicatorEntry(score=2, basis="多次拒绝沟通")
    assessment = care.assessments.assess(customer_named(care, name).id, by="cs", entries={"cooperation": entry})
    care.assessments.route(assessment.id)
    care.assessments.answer_review(assessment.id, actor=clientcare.Actor("mm", "marketing_manager"), answer="同意终止")
    care.assessments.confirm_termination(assessment.id, actor=clientcare.Actor("director", "marketing_director"))


@when(parsers.parse('the next follow-up touch of "{name}" ends with "{outcome}"'))
def follow_up_outcome(care: clientcare.Clientcare, name: str, outcome: str) -> None:
    care.touches.complete(_next_follow_up(care, name).id, outcome, by="bob")


@given(parsers.parse('the daily run plans "{day}"'), target_fixture="report")
@when(parsers.parse('the daily run plans "{day}"'), target_fixture="report")
def daily_run(care: clientcare.Clientcare, clock: FixedClock, day: str) -> clientcare.DailyRunReport:
    clock.set(_at(_day(day)))
    return care.daily.run(_day(day))


@when(parsers.parse('the daily run plans every day from "{first}" to "{last}"'))
def daily_runs(care: clientcare.Clientcare, clock: FixedClock, first: str, last: str) -> None:
    day = _day(first)
    while day <= _day(last):
        clock.set(_at(day))
        care.daily.run(day)
        day += timedelta(days=1)


@when("automated messages are sent", target_fixture="notifier")
def dispatch(care: clientcare.Clientcare) -> RecordingNotifier:
    notifier = RecordingNotifier()
    notifier.report = care.touches.dispatch(notifier)  # type: ignore[attr-defined]
    return notifier


@when("automated messages are sent to the console", target_fixture="console")
def dispatch_console(care: clientcare.Clientcare) -> str:
    stream = io.StringIO()
    care.touches.dispatch(ConsoleNotifier(stream))
    return stream.getvalue()


@given(parsers.parse('"{name}" wants style "{style}" described as "{description}"'))
@when(parsers.parse('"{name}" wants style "{style}" described as "{description}"'))
def wants(care: clientcare.Clientcare, name: str, style: str, description: str) -> None:
    care.touches.want(customer_named(care, name).id, style, description=description)


@when(parsers.parse('stock of "{style}" arrives'))
def stock_arrives(care: clientcare.Clientcare, style: str) -> None:
    care.touches.stock_arrived(style)


@when(
    parsers.parse('staff "{staff}" interviews "{name}": left for "{reason}", went to "{competitor}", can be won back')
)
def interview(care: clientcare.Clientcare, staff: str, name: str, reason: str, competitor: str) -> None:
    touch = _touches(care, name, "lost_interview")[0]
    care.touches.interview(touch.id, by=staff, reason=reason, competitor=competitor, win_back=True)


@when(parsers.parse('staff inform everyone about "{topic}" with "{text}" and invite key customers'))
def inform(care: clientcare.Clientcare, topic: str, text: str) -> None:
    care.touches.inform(topic, text, invite_key_customers=True)


@when(parsers.parse('the return visit of "{name}" ends with a referral of "{friend}" with phone "{phone}"'))
def referral(care: clientcare.Clientcare, name: str, friend: str, phone: str) -> None:
    care.touches.complete(
        _return_visit(care, name).id,
        "referral_given",
        by="alice",
        referral=clientcare.Referral(name=friend, phone=phone),
    )


@when(parsers.parse('staff "{staff}" sets a touch for "{name}" every {every:d} weeks until "{end}": "{text}"'))
def recurring(care: clientcare.Clientcare, staff: str, name: str, every: int, end: str, text: str) -> None:
    customer = customer_named(care, name)
    care.touches.recurring(customer.id, every=every, unit="weeks", information=text, owner=staff, ends_on=_day(end))


@when(
    parsers.parse(
        'staff plan a touch for "{name}" on "{day}" between {start:d}:00 and {end:d}:00 by "{channel}"'
        ' saying "{text}" offering "{reward}"'
    ),
    target_fixture="touch",
)
def plan_touch(
    care: clientcare.Clientcare, name: str, day: str, start: int, end: int, channel: str, text: str, reward: str
) -> clientcare.Touch:
    window = (_at(_day(day), start), _at(_day(day), end))
    customer = customer_named(care, name)
    return care.touches.plan(
        customer.id, information=text, due=_day(day), channel=channel, reward=reward, window=window
    )


@when(parsers.parse('staff try to plan a touch for "{name}" by "{channel}"'), target_fixture="error")
def try_plan(care: clientcare.Clientcare, name: str, channel: str) -> ClientcareError | None:
    return capture(lambda: care.touches.plan(customer_named(care, name).id, information="回访", channel=channel))


@when(parsers.parse('the return visit of "{name}" ends with "{outcome}" {times:d} times'))
def outcome_times(care: clientcare.Clientcare, name: str, outcome: str, times: int) -> None:
    for _ in range(times):
        touch = _return_visit(care, name)
        care.touches.complete(touch.id, outcome, by=touch.owner or "staff")


@when(parsers.parse('the return visit of "{name}" ends with "{outcome}"'))
def outcome_once(care: clientcare.Clientcare, name: str, outcome: str) -> None:
    touch = _return_visit(care, name)
    care.touches.complete(touch.id, outcome, by=touch.owner or "staff")


@when(parsers.parse('the return visit of "{name}" ends with an appointment at "{moment}"'))
def outcome_appointment(care: clientcare.Clientcare, name: str, moment: str) -> None:
    touch = _return_visit(care, name)
    care.touches.complete(touch.id, "appointment_made", by="alice", appointment_at=datetime.fromisoformat(moment))


@when(parsers.parse('staff move the return visit of "{name}" to "{day}" because "{why}"'))
def move_touch(care: clientcare.Clientcare, name: str, day: str, why: str) -> None:
    care.touches.reschedule(_return_visit(care, name).id, _day(day), by="alice", why=why)


@when(parsers.parse('staff skip the return visit of "{name}" because "{why}"'), target_fixture="touch")
def skip_touch(care: clientcare.Clientcare, name: str, why: str) -> clientcare.Touch:
    return care.touches.skip(_return_visit(care, name).id, by="alice", why=why)


@when(parsers.parse('staff "{staff}" books "{name}" for "{moment}"'), target_fixture="appointment")
def book(care: clientcare.Clientcare, staff: str, name: str, moment: str) -> clientcare.Appointment:
    customer = customer_named(care, name)
    return care.appointments.book(customer.id, datetime.fromisoformat(moment), staff_id=staff)


@when(parsers.parse('the appointment is moved to "{moment}"'))
def move_appointment(care: clientcare.Clientcare, appointment: clientcare.Appointment, moment: str) -> None:
    care.appointments.move(appointment.id, datetime.fromisoformat(moment))


@when(parsers.parse('the appointment is cancelled because "{why}"'))
def cancel_appointment(care: clientcare.Clientcare, appointment: clientcare.Appointment, why: str) -> None:
    care.appointments.cancel(appointment.id, why=why)


# -- thens ---------------------------------------------------------------------------


@then(parsers.parse('"{name}" has these open touches:'))
def open_touches(care: clientcare.Clientcare, name: str, datatable: list[list[str]]) -> None:
    rows = datatable[1:]
    found = [
        [t.reason.value, t.due.isoformat(), t.owner or "", t.precision.channel.value, "yes" if t.automated else "no"]
        for t in care.touches.for_customer(customer_named(care, name).id, open_only=True)
    ]
    assert found == rows, found


@then(parsers.parse('"{name}" has no open touches'))
def no_open_touches(care: clientcare.Clientcare, name: str) -> None:
    assert care.touches.for_customer(customer_named(care, name).id, open_only=True) == []


@then(parsers.parse('the return visit brief of "{name}" asks about the item and invites a visit'))
def return_visit_brief(care: clientcare.Clientcare, name: str) -> None:
    info = _return_visit(care, name).precision.information
    assert "是否满意" in info and "邀请" in info and "新到商品" in info


@then(parsers.parse('the return visit brief of "{name}" asks for a referral'))
def referral_brief(care: clientcare.Clientcare, name: str) -> None:
    assert "介绍朋友" in _return_visit(care, name).precision.information


@then(parsers.parse('the follow-up of "{name}" stopped after {count:d} touches because "{why}"'))
def follow_up_stopped(care: clientcare.Clientcare, name: str, count: int, why: str) -> None:
    sequence_id = _touches(care, name, "follow_up")[0].sequence_id
    assert sequence_id is not None
    sequence, _ = care.touches.follow_up(sequence_id)
    assert (sequence.status.value, sequence.touches_done, sequence.stopped_why) == ("stopped", count, why)


@then(parsers.parse('the follow-up touches of "{name}" were due {offsets} days after the start'))
def follow_up_offsets(care: clientcare.Clientcare, name: str, offsets: str) -> None:
    touches = sorted(_touches(care, name, "follow_up"), key=lambda t: t.sequence_no or 0)
    start = touches[0].due
    assert [(t.due - start).days for t in touches] == [int(x) for x in _names(offsets)]
    assert [t.sequence_no for t in touches] == list(range(1, len(touches) + 1))


@then(parsers.parse('staff cannot start a follow-up for "{name}"'))
def cannot_start(care: clientcare.Clientcare, name: str) -> None:
    error = capture(lambda: care.touches.start_follow_up(customer_named(care, name).id, owner="bob"))
    assert error is not None and getattr(error, "rule", None) == "follow_up.terminated"


@then(parsers.parse('"{name}" has no open follow-up touches'))
def no_follow_ups(care: clientcare.Clientcare, name: str) -> None:
    assert [t for t in _touches(care, name, "follow_up") if t.status.open] == []


@then(parsers.parse('the sales by touch number from "{first}" to "{last}" are:'))
def sales_by_touch(care: clientcare.Clientcare, first: str, last: str, datatable: list[list[str]]) -> None:
    report = care.touches.sales_by_touch_number(_day(first), _day(last))
    rows = [[str(r.touch_no), str(r.sales), str(r.share)] for r in report.by_touch]
    assert rows == datatable[1:], rows


@then(parsers.parse('"{name}" may not be contacted for {purpose} by {channel}'))
def may_not_contact(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    assert not care.privacy.may_contact(customer_named(care, name).id, purpose, channel)


@then(parsers.parse('the next follow-up touch of "{name}" is "{status}" and due "{day}"'))
def next_follow_up_due(care: clientcare.Clientcare, name: str, status: str, day: str) -> None:
    touch = _next_follow_up(care, name)
    assert (touch.status.value, touch.due) == (status, _day(day))


@then(parsers.parse('the next follow-up touch of "{name}" is "{status}"'))
def next_follow_up(care: clientcare.Clientcare, name: str, status: str) -> None:
    assert _next_follow_up(care, name).status.value == status


@then(parsers.parse('"{name}" received a "{channel}" message "{text}"'))
def received(care: clientcare.Clientcare, notifier: RecordingNotifier, name: str, channel: str, text: str) -> None:
    customer = customer_named(care, name)
    bodies = [(n.channel, n.body) for n in notifier.sent if n.customer_id == customer.id]
    assert (channel, text) in bodies, bodies


@then(
    parsers.re(
        r'"(?P<name>[^"]+)" has a "(?P<reason>\w+)" touch for "(?P<occasion>[\d-]+)" due "(?P<due>[\d-]+)"'
        r' by "(?P<channel>\w+)"(?: with reward "(?P<reward>[^"]+)")?$'
    )
)
def touch_for(
    care: clientcare.Clientcare, name: str, reason: str, occasion: str, due: str, channel: str, reward: str | None
) -> None:
    found = [
        (t.occasion.isoformat(), t.due.isoformat(), t.precision.channel.value, t.precision.reward)
        for t in _touches(care, name, reason)
    ]
    assert (occasion, due, channel, reward) in found, found


@then(parsers.parse('"{name}" has {count:d} "{reason}" touches due "{days}"'))
def touches_due(care: clientcare.Clientcare, name: str, count: int, reason: str, days: str) -> None:
    assert sorted(t.due.isoformat() for t in _touches(care, name, reason)) == _names(days)
    assert len(_touches(care, name, reason)) == count


@then(parsers.re(r'"(?P<name>[^"]+)" has (?P<count>\d+) "(?P<reason>\w+)" touch(?:es)?$'))
def touch_count(care: clientcare.Clientcare, name: str, count: str, reason: str) -> None:
    assert len(_touches(care, name, reason)) == int(count)


@then(parsers.parse('"{name}" has no "{reason}" touch'))
def no_touch(care: clientcare.Clientcare, name: str, reason: str) -> None:
    assert _touches(care, name, reason) == []


@then(parsers.parse('every customer has exactly {count:d} "{reason}" touch'))
def every_customer(care: clientcare.Clientcare, count: int, reason: str) -> None:
    for customer in care.customers.search(name="顾客", limit=1000):
        touches = [t for t in care.touches.for_customer(customer.id) if t.reason.value == reason]
        assert len(touches) == count, (customer.id, len(touches))


@then(parsers.parse('nobody has more than {limit:d} "{reason}" touches due on one day'))
def capacity(care: clientcare.Clientcare, limit: int, reason: str) -> None:
    load: dict[tuple[str | None, date], int] = {}
    for customer in care.customers.search(name="顾客", limit=1000):
        for t in care.touches.for_customer(customer.id):
            if t.reason.value == reason:
                load[(t.owner, t.due)] = load.get((t.owner, t.due), 0) + 1
    assert max(load.values()) <= limit, load
    assert {owner for owner, _ in load} == {"alice", "bob"}


@then(
    parsers.parse('the interview of "{name}" records reason "{reason}", competitor "{competitor}" and win-back "{win}"')
)
def interview_recorded(care: clientcare.Clientcare, name: str, reason: str, competitor: str, win: str) -> None:
    touch = _touches(care, name, "lost_interview")[0]
    assert (touch.outcome, touch.detail("reason"), touch.detail("competitor"), touch.detail("win_back")) == (
        clientcare.Outcome.INTERVIEWED,
        reason,
        competitor,
        win,
    )


@then(parsers.parse('"{name}" has an active follow-up'))
def active_follow_up(care: clientcare.Clientcare, name: str) -> None:
    assert any(t.status.open for t in _touches(care, name, "follow_up"))


@then(parsers.parse('"{name}" is tagged "{tag}" and has a priority {priority:d} "{reason}" touch owned by "{owner}"'))
def referred_lead(care: clientcare.Clientcare, name: str, tag: str, priority: int, reason: str, owner: str) -> None:
    assert tag in customer_named(care, name).tags
    assert [(t.priority, t.owner) for t in _touches(care, name, reason)] == [(priority, owner)]


@then(parsers.parse('"{name}" has a "{reason}" touch due "{day}" owned by "{owner}"'))
def touch_owned(care: clientcare.Clientcare, name: str, reason: str, day: str, owner: str) -> None:
    assert (_day(day), owner) in [(t.due, t.owner) for t in _touches(care, name, reason)]


@then(parsers.parse('"{name}" has a "{reason}" touch due "{day}"'))
def touch_due(care: clientcare.Clientcare, name: str, reason: str, day: str) -> None:
    assert _day(day) in [t.due for t in _touches(care, name, reason)]


@then(
    parsers.parse(
        'the touch says "{text}", offers "{reward}", goes by "{channel}" between {start:d}:00 and {end:d}:00 on "{day}"'
    )
)
def four_precisions(
    touch: clientcare.Touch, text: str, reward: str, channel: str, start: int, end: int, day: str
) -> None:
    p = touch.precision
    assert (p.information, p.reward, p.channel.value) == (text, reward, channel)
    assert (p.window_start, p.window_end, touch.due) == (_at(_day(day), start), _at(_day(day), end), _day(day))


@then(parsers.parse('the return visit of "{name}" was tried {times:d} times and ended "{outcome}"'))
def tried(care: clientcare.Clientcare, name: str, times: int, outcome: str) -> None:
    touch = _return_visit(care, name)
    assert (touch.attempts, touch.status.value, touch.outcome) == (times, "done", clientcare.Outcome(outcome))


@then(parsers.parse('the return visit of "{name}" is "{status}" and due "{day}"'))
def return_visit_due(care: clientcare.Clientcare, name: str, status: str, day: str) -> None:
    touch = _return_visit(care, name)
    assert (touch.status.value, touch.due) == (status, _day(day))


@then(parsers.parse('the return visit of "{name}" is "{status}" with reason "{why}"'))
def return_visit_reason(care: clientcare.Clientcare, name: str, status: str, why: str) -> None:
    touch = _return_visit(care, name)
    assert (touch.status.value, touch.status_reason) == (status, why)


@then(parsers.parse('closing it again fails with "{rule}"'))
def closing_again(care: clientcare.Clientcare, touch: clientcare.Touch, rule: str) -> None:
    error = capture(lambda: care.touches.cancel(touch.id, by="alice", why="again"))
    assert error is not None and getattr(error, "rule", None) == rule


@then(parsers.parse('a silent complaint signal for "{name}" was published from "{source}"'))
def silent_signal(care: clientcare.Clientcare, events: list[DomainEvent], name: str, source: str) -> None:
    customer = customer_named(care, name)
    signals = [e for e in events if isinstance(e, SilentComplaintSignal)]
    assert [(s.customer_id, s.source) for s in signals] == [(customer.id, source)]


@then(parsers.parse('the complaints area has an open complaint for "{name}"'))
def complaint_opened(care: clientcare.Clientcare, name: str) -> None:
    assert care.complaints.has_open_complaint(customer_named(care, name).id)


@then(parsers.parse('"{name}" has an appointment at "{moment}" with "{staff}"'))
def has_appointment(care: clientcare.Clientcare, name: str, moment: str, staff: str) -> None:
    customer = customer_named(care, name)
    board = care.boards.weekly(_day(moment[:10]), staff=staff)
    assert [(a.customer_id, a.starts_at) for a in board.appointments] == [(customer.id, moment)]


@then(parsers.re(r"the daily run planned (?P<count>\d+) touch(?:es)?"))
def planned(report: clientcare.DailyRunReport, count: str) -> None:
    assert report.planned == int(count)


@then("nothing was sent because of quiet hours")
def quiet(notifier: RecordingNotifier) -> None:
    assert notifier.sent == [] and notifier.report.quiet_hours  # type: ignore[attr-defined]


@then(parsers.parse("{sent:d} messages were sent and {deferred:d} deferred by the frequency cap"))
def capped(notifier: RecordingNotifier, sent: int, deferred: int) -> None:
    report = notifier.report  # type: ignore[attr-defined]
    assert (len(notifier.sent), report.sent, report.deferred_cap) == (sent, sent, deferred)


@then("the console shows the touch but not the phone or the text")
def console_clean(console: str) -> None:
    assert "touch " in console and "[sms]" in console
    # Ids are random hex and may hold any digits: the check reads what is left around them.
    around_ids = re.sub(r"\b[0-9a-f]{32}\b", "<id>", console)
    assert "138" not in around_ids and "A 款" not in around_ids


@then(parsers.parse('the appointment is "{status}"'))
def appointment_status(care: clientcare.Clientcare, appointment: clientcare.Appointment, status: str) -> None:
    assert care.appointments.get(appointment.id).status.value == status


@then(parsers.parse('the weekly board of "{staff}" for "{day}" has tomorrow "{names}"'))
def board_tomorrow(care: clientcare.Clientcare, staff: str, day: str, names: str) -> None:
    board = care.boards.weekly(_day(day), staff=staff)
    assert [i.customer_name for i in board.tomorrow] == _names(names)


@then(
    parsers.parse(
        'the weekly board of "{staff}" for "{day}" shows {today:d} today,'
        " {tomorrow:d} tomorrow and {later:d} later this week"
    )
)
def board_counts(care: clientcare.Clientcare, staff: str, day: str, today: int, tomorrow: int, later: int) -> None:
    board = care.boards.weekly(_day(day), staff=staff)
    assert (len(board.today), len(board.tomorrow), len(board.this_week)) == (today, tomorrow, later)


@then(parsers.parse('the weekly board of "{staff}" turns into JSON'))
def board_json(care: clientcare.Clientcare, staff: str) -> None:
    data = serialization.unstructure(care.boards.weekly(staff=staff))
    assert data["scope"] == f"staff:{staff}" and isinstance(data["tomorrow"][0]["due"], str)
    assert serialization.structure(data, clientcare.WeeklyBoard) == care.boards.weekly(staff=staff)


@then(parsers.parse('the monthly board of the tenant for "{day}" has weeks starting "{starts}"'))
def month_weeks(care: clientcare.Clientcare, day: str, starts: str) -> None:
    board = care.boards.monthly(_day(day))
    assert [w.starts.isoformat() for w in board.weeks] == _names(starts)


@then(parsers.parse('the monthly board of the tenant for "{day}" shows the Spring Festival greeting as spanning weeks'))
def month_spanning(care: clientcare.Clientcare, day: str) -> None:
    board = care.boards.monthly(_day(day))
    assert [(i.reason, i.occasion) for i in board.spanning] == [("holiday", date(2026, 2, 17))]


@then(
    parsers.re(
        r'the figures of "(?P<staff>\w+)" for January 2026 show (?P<touches>\d+) touch,'
        r" (?P<reached>\d+) customer reached,"
        r" (?P<visits>\d+) visit and (?P<sales>\d+) sale after touches worth (?P<amount>\d+)"
    )
)
def figures(
    care: clientcare.Clientcare, staff: str, touches: str, reached: str, visits: str, sales: str, amount: str
) -> None:
    f = care.staff.figures(staff, date(2026, 1, 1), date(2026, 1, 31))
    assert (f.touches_done, f.customers_reached, f.visits, f.sales_after_touches, f.sales_amount) == (
        int(touches),
        int(reached),
        int(visits),
        int(sales),
        Decimal(amount),
    )


@then(parsers.parse('the January 2026 leaderboard ranks "{names}"'))
def leaderboard(care: clientcare.Clientcare, names: str) -> None:
    rows = care.staff.leaderboard(date(2026, 1, 1), date(2026, 1, 31))
    assert [r.staff for r in rows] == _names(names)


@then(
    parsers.parse(
        'the figures of "{staff}" for January 2026 count {old:d} contact with old customers'
        " among {reached:d} customers reached"
    )
)
def old_contacts(care: clientcare.Clientcare, staff: str, old: int, reached: int) -> None:
    f = care.staff.figures(staff, date(2026, 1, 1), date(2026, 1, 31))
    assert (f.old_customer_contacts, f.customers_reached) == (old, reached)


@then(parsers.parse('the figures of "{staff}" flag January 2026 for too few visits'))
def too_few(care: clientcare.Clientcare, staff: str) -> None:
    assert care.staff.figures(staff, date(2026, 1, 1), date(2026, 1, 31)).months_too_few == ("2026-01",)
