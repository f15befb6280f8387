"""Steps for complaints (P40-P52): the six steps, promises, authority, the system around them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.complaints import Promise
from clientcare.errors import ClientcareError
from clientcare.events import SilentComplaintSignal

scenarios("complaints.feature")

Complaint = clientcare.Complaint


def _fresh(care: clientcare.Clientcare, complaint: Complaint) -> Complaint:
    return care.complaints.get(complaint.id)


# -- filing --------------------------------------------------------------------------


@given(parsers.parse('a key customer "{name}" with phone "{phone}"'), target_fixture="key_customer")
def key_customer(care: clientcare.Clientcare, name: str, phone: str) -> clientcare.Customer:
    customer = care.customers.register(name, phone, by="staff")
    care.customers.set_key(customer.id, by="staff")
    return customer


@given(
    parsers.parse('"{name}" complained by "{channel}" about "{category}" with severity "{severity}"'),
    target_fixture="complaint",
)
@when(
    parsers.parse('"{name}" complains by "{channel}" about "{category}" with severity "{severity}"'),
    target_fixture="complaint",
)
def file_complaint(care: clientcare.Clientcare, name: str, channel: str, category: str, severity: str) -> Complaint:
    customer_id = customer_named(care, name).id
    return care.complaints.file(
        customer_id, channel=channel, category=category, severity=severity, description="unhappy", by="李"
    )


@when(
    parsers.parse('"{name}" complains by "{channel}" about "{category}" with severity "{severity}" saying "{text}"'),
    target_fixture="complaint",
)
def file_saying(
    care: clientcare.Clientcare, name: str, channel: str, category: str, severity: str, text: str
) -> Complaint:
    customer_id = customer_named(care, name).id
    return care.complaints.file(
        customer_id, channel=channel, category=category, severity=severity, description=text, by="李"
    )


@given(parsers.parse('"{name}" complained about item "{item}" with a "{category}" problem'), target_fixture="complaint")
@when(parsers.parse('"{name}" complains about item "{item}" with a "{category}" problem'), target_fixture="complaint")
def file_about_item(care: clientcare.Clientcare, name: str, item: str, category: str) -> Complaint:
    customer_id = customer_named(care, name).id
    return care.complaints.file(
        customer_id, channel="in_store", category=category, description="broken", items=[item], by="李"
    )


# -- the six steps ---------------------------------------------------------------------


@given(parsers.parse('"{who}" listens: "{heard}"'))
@when(parsers.parse('"{who}" listens: "{heard}"'))
def listen(care: clientcare.Clientcare, complaint: Complaint, who: str, heard: str) -> None:
    care.complaints.listen(complaint.id, heard=heard, by=who)


@when(parsers.parse('"{who}" apologises'))
def apologise(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    care.complaints.apologise(complaint.id, by=who)


@when(parsers.parse('"{who}" finds the root cause "{root}" of kind "{cause}"'))
def diagnose(care: clientcare.Clientcare, complaint: Complaint, who: str, root: str, cause: str) -> None:
    care.complaints.diagnose(complaint.id, root_cause=root, cause=cause, by=who)


@when(parsers.parse('"{who}" decides the answer "{answer}" telling the customer "{story}"'))
def decide(care: clientcare.Clientcare, complaint: Complaint, who: str, answer: str, story: str) -> None:
    care.complaints.decide(complaint.id, answer=answer, story=story, by=who)


@when(parsers.parse('"{who}" offers "{first}" worth {a:d} and "{second}" worth {b:d}'))
def offer_two(
    care: clientcare.Clientcare, complaint: Complaint, who: str, first: str, a: int, second: str, b: int
) -> None:
    c = care.complaints
    c.offer_options(complaint.id, [c.option(first, c.remedy(first, a)), c.option(second, c.remedy(second, b))], by=who)


@when(parsers.parse("the customer chooses option {n:d}"))
def choose(care: clientcare.Clientcare, complaint: Complaint, n: int) -> None:
    care.complaints.choose(complaint.id, n - 1, actor=clientcare.Actor("李", "handler"))


@when(parsers.parse("the customer tries to choose option {n:d}"), target_fixture="error")
def try_choose(care: clientcare.Clientcare, complaint: Complaint, n: int) -> ClientcareError | None:
    return capture(lambda: care.complaints.choose(complaint.id, n - 1, actor=clientcare.Actor("李", "handler")))


@when(parsers.parse('"{who}" resolves the complaint'))
def resolve(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    care.complaints.resolve(complaint.id, by=who)


@when(parsers.parse('"{who}" calls the customer again after it was handled'))
def after_care(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    care.complaints.after_care(complaint.id, by=who, note="apologised once more; all fine now")


@when(parsers.parse('"{who}" calls the customer again, who is still not satisfied'))
def after_care_unhappy(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    care.complaints.after_care(complaint.id, by=who, satisfied=False)


@when(parsers.parse('"{who}" closes the complaint with the lesson "{lesson}"'))
def close(care: clientcare.Clientcare, complaint: Complaint, who: str, lesson: str) -> None:
    care.complaints.close(complaint.id, lesson=lesson, by=who)


@when(parsers.parse('"{who}" tries to close the complaint with the lesson "{lesson}"'), target_fixture="error")
def try_close(care: clientcare.Clientcare, complaint: Complaint, who: str, lesson: str) -> ClientcareError | None:
    return capture(lambda: care.complaints.close(complaint.id, lesson=lesson, by=who))


@when(parsers.parse('"{who}" tries to apologise before listening'), target_fixture="error")
def try_apologise(care: clientcare.Clientcare, complaint: Complaint, who: str) -> ClientcareError | None:
    return capture(lambda: care.complaints.apologise(complaint.id, by=who))


@given("the complaint was diagnosed")
def diagnosed(care: clientcare.Clientcare, complaint: Complaint) -> None:
    _walk(care, complaint, upto="diagnose")


@given("the complaint was handled up to the answer")
def handled_to_answer(care: clientcare.Clientcare, complaint: Complaint) -> None:
    _walk(care, complaint, upto="decide")


@given(parsers.parse('the complaint was handled up to the explanation "{story}"'))
def handled_to_explanation(care: clientcare.Clientcare, complaint: Complaint, story: str) -> None:
    _walk(care, complaint, upto="diagnose")
    care.complaints.decide(complaint.id, answer="explain", story=story, by="李")
    care.complaints.resolve(complaint.id, by="李")


def _walk(care: clientcare.Clientcare, complaint: Complaint, *, upto: str) -> None:
    """Steps 1-3 (and 4 when ``upto`` is "decide") done by the handler."""
    c = care.complaints
    c.listen(complaint.id, heard="what the customer said", by="李")
    c.apologise(complaint.id, by="李")
    c.diagnose(complaint.id, root_cause="found by asking", cause=_fresh(care, complaint).category, by="李")
    if upto == "decide":
        c.decide(complaint.id, story="what we tell the customer", by="李")


@then(parsers.parse('the complaint is "{status}"'))
def status_is(care: clientcare.Clientcare, complaint: Complaint, status: str) -> None:
    assert _fresh(care, complaint).status == status


@then(parsers.parse('the timeline reads "{steps}"'))
def timeline_reads(care: clientcare.Clientcare, complaint: Complaint, steps: str) -> None:
    assert [e.step for e in care.complaints.timeline(complaint.id)] == steps.split(", ")


# -- authority (P43) and remedies (P44) ---------------------------------------------------


@when(parsers.parse('"{who}" approves as "{role}"'))
def approve(care: clientcare.Clientcare, complaint: Complaint, who: str, role: str) -> None:
    care.complaints.approve(complaint.id, actor=clientcare.Actor(who, role))


@when(parsers.parse('"{who}" tries to approve as "{role}"'), target_fixture="error")
def try_approve(care: clientcare.Clientcare, complaint: Complaint, who: str, role: str) -> ClientcareError | None:
    return capture(lambda: care.complaints.approve(complaint.id, actor=clientcare.Actor(who, role)))


@when(parsers.parse('"{who}" refuses as "{role}" because "{reason}"'))
def refuse(care: clientcare.Clientcare, complaint: Complaint, who: str, role: str, reason: str) -> None:
    care.complaints.refuse(complaint.id, actor=clientcare.Actor(who, role), reason=reason)


@then(parsers.re(r'the decision by "(?P<role>[^"]+)" is recorded as (?P<verdict>approved|refused)'))
def decision_recorded(care: clientcare.Clientcare, complaint: Complaint, role: str, verdict: str) -> None:
    last = _fresh(care, complaint).decisions[-1]
    assert (last.role, last.approved) == (role, verdict == "approved")


@when(parsers.parse('"{who}" offers a gift worth {value:d} with installation on Saturday'))
def offer_gift(care: clientcare.Clientcare, complaint: Complaint, who: str, value: int) -> None:
    c = care.complaints
    remedies = (c.remedy("gift", value, description="scarf"), c.remedy("installation", description="Saturday 10:00"))
    c.offer_options(complaint.id, [c.option("gift and installation", *remedies)], by=who)


@then(parsers.parse('the remedies carried out are "{kinds}"'))
def remedies_done(care: clientcare.Clientcare, complaint: Complaint, kinds: str) -> None:
    done = _fresh(care, complaint)
    assert done.status == "resolved" and done.chosen_option is not None
    assert [r.kind.value for r in done.chosen_option.remedies] == kinds.split(", ")


@when(parsers.parse('"{who}" offers a concession of {value:d} on a price of {price:d}'))
def offer_concession(care: clientcare.Clientcare, complaint: Complaint, who: str, value: int, price: int) -> None:
    c = care.complaints
    concession = c.remedy("price_concession", value, list_price=price)
    c.offer_options(complaint.id, [c.option("a small concession", concession)], by=who)


@when(parsers.parse('"{who}" checks the market, the competitor\'s quote and after-sales problems'))
def price_checklist(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    for item, finding in (("market", "same as market"), ("competitor_quote", "no service"), ("after_sales", "none")):
        care.complaints.check_price(complaint.id, item, finding=finding, by=who)


# -- deciding the answer (P45) --------------------------------------------------------------


@when(
    parsers.parse('"{who}" decides with fact {fact}, feasible {feasible}, needs time {time}, trivial {trivial}'),
    target_fixture="answer",
)
def decide_by_findings(
    care: clientcare.Clientcare, complaint: Complaint, who: str, fact: str, feasible: str, time: str, trivial: str
) -> clientcare.Answer:
    flags = {k: v == "true" for k, v in (("fact", fact), ("feasible", feasible), ("time", time), ("trivial", trivial))}
    promised = datetime.fromisoformat("2026-01-09T18:00:00+08:00") if flags["time"] else None
    return care.complaints.decide(
        complaint.id,
        story="our answer",
        by=who,
        fact=flags["fact"],
        feasible=flags["feasible"],
        needs_time=flags["time"],
        trivial=flags["trivial"],
        promised_by=promised,
    )


@then(parsers.parse('the answer is "{answer}"'))
def answer_is(answer: clientcare.Answer, care: clientcare.Clientcare, complaint: Complaint) -> None:
    assert answer == _fresh(care, complaint).answer == answer


@when(parsers.parse('"{who}" commits to deliver by "{moment}"'))
def commit_to_date(care: clientcare.Clientcare, complaint: Complaint, who: str, moment: str) -> None:
    due = datetime.fromisoformat(moment)
    care.complaints.decide(complaint.id, story="the sofa arrives Thursday", by=who, needs_time=True, promised_by=due)


@then(parsers.parse('the complaint carries {n:d} promise due "{moment}"'))
def carries_promise(care: clientcare.Clientcare, complaint: Complaint, n: int, moment: str) -> None:
    promises = _fresh(care, complaint).promises
    assert len(promises) == n and promises[0].due == datetime.fromisoformat(moment)


# -- promises and escalation (P40, P51) --------------------------------------------------------


@then(parsers.parse('the first response is due "{moment}"'))
def first_response_due(care: clientcare.Clientcare, complaint: Complaint, moment: str) -> None:
    assert _fresh(care, complaint).first_response_due == datetime.fromisoformat(moment)


@then(parsers.parse('the resolution is due "{moment}"'))
def resolution_due(care: clientcare.Clientcare, complaint: Complaint, moment: str) -> None:
    assert _fresh(care, complaint).resolution_due == datetime.fromisoformat(moment)


@when(parsers.parse('"{who}" promises "{what}" by "{moment}"'), target_fixture="promise")
def make_promise(care: clientcare.Clientcare, complaint: Complaint, who: str, what: str, moment: str) -> Promise:
    return care.complaints.promise(complaint.id, what=what, due=datetime.fromisoformat(moment), by=who)


@when(parsers.parse('"{who}" keeps the promise'))
def keep_promise(care: clientcare.Clientcare, complaint: Complaint, promise: Promise, who: str) -> None:
    care.complaints.keep_promise(complaint.id, promise.id, by=who)


@then(parsers.parse('the promise is "{state}"'))
def promise_state(care: clientcare.Clientcare, complaint: Complaint, promise: Promise, state: str) -> None:
    assert care.complaints.promise_status(complaint.id).of(f"promise:{promise.id}").state == state


@given(parsers.parse("{hours:d} hours pass"))
@when(parsers.parse("{hours:d} hours pass"))
def hours_pass(clock: FixedClock, hours: int) -> None:
    clock.advance(hours=hours)


@when(parsers.parse("{hours:d} hours pass and the deadlines are checked"))
def hours_pass_checked(care: clientcare.Clientcare, clock: FixedClock, hours: int) -> None:
    clock.advance(hours=hours)
    care.complaints.check_deadlines()


@then(parsers.parse('the complaint is owned by "{role}"'))
def owned_by(care: clientcare.Clientcare, complaint: Complaint, role: str) -> None:
    assert _fresh(care, complaint).owner_role == role


@then(parsers.parse('the first response is "{state}"'))
def first_response_state(care: clientcare.Clientcare, complaint: Complaint, state: str) -> None:
    assert care.complaints.promise_status(complaint.id).of("first_response").state == state


@when(parsers.parse('"{who}" waits for the customer because "{reason}"'))
def wait(care: clientcare.Clientcare, complaint: Complaint, who: str, reason: str) -> None:
    care.complaints.wait_for_customer(complaint.id, reason=reason, by=who)


@when(parsers.parse('"{who}" resumes the complaint'))
def resume(care: clientcare.Clientcare, complaint: Complaint, who: str) -> None:
    care.complaints.resume(complaint.id, by=who)


@then(parsers.parse('the complaints queue reads "{expected}"'))
def queue_reads(care: clientcare.Clientcare, expected: str) -> None:
    queue = care.complaints.queue()
    assert ", ".join(f"{care.customers.get(e.customer_id or '').name} {e.severity}" for e in queue) == expected


@then(parsers.parse('"{name}" has an open complaint, so follow-ups pause'))
def has_open(care: clientcare.Clientcare, name: str) -> None:
    assert care.complaints.has_open_complaint(customer_named(care, name).id)


# -- the system around it (P46-P50) -------------------------------------------------------------


@given(parsers.parse('the standard answer for "{category}" "{question}" is "{answer}"'))
def standard_answer(care: clientcare.Clientcare, category: str, question: str, answer: str) -> None:
    care.complaints.add_standard_answer(category, question=question, answer=answer, keywords=["online"], by="客服部")


@then(parsers.parse('the suggested answer is "{answer}"'))
def suggested(care: clientcare.Clientcare, complaint: Complaint, answer: str) -> None:
    assert [a.answer for a in care.complaints.suggest_answers(complaint.id)] == [answer]


@then(parsers.parse('"{category}" is flagged as needing a standard answer'))
def needs_standard(care: clientcare.Clientcare, category: str) -> None:
    assert category in care.complaints.categories_needing_standard_answer()


@given(parsers.parse('a corrective action "{what}" owned by "{owner}" was opened for item "{item}" and closed'))
def corrective_action(care: clientcare.Clientcare, complaint: Complaint, what: str, owner: str, item: str) -> None:
    action = care.complaints.open_corrective_action(
        complaint.id, description=what, owner=owner, due=datetime(2026, 1, 31).date(), item=item, by="李"
    )
    care.complaints.close_corrective_action(complaint.id, action.id, by=owner)


@then("the complaint is flagged as a recurrence")
def recurrence(care: clientcare.Clientcare, complaint: Complaint) -> None:
    assert _fresh(care, complaint).recurrence_of is not None


@then(parsers.parse('a gift is suggested because of a "{reason}"'))
def gift(care: clientcare.Clientcare, complaint: Complaint, reason: str) -> None:
    assert [(c.id, c.gift_reason) for c in care.complaints.gift_suggestions()] == [(complaint.id, reason)]


@then(parsers.parse('the weekly review counts {n:d} complaints: "{a}" {x:d}, "{b}" {y:d}'))
def weekly_counts(care: clientcare.Clientcare, n: int, a: str, x: int, b: str, y: int) -> None:
    review = care.complaints.review("week")
    assert (review.filed, review.by_category) == (n, {a: x, b: y})


@then(parsers.parse("the weekly review gives a median first response of {hours} hours"))
def weekly_median(care: clientcare.Clientcare, hours: str) -> None:
    assert care.complaints.review("week").median_first_response_hours == Decimal(hours)


@when(parsers.parse('"{who}" changes the story to "{story}"'))
def change_story(care: clientcare.Clientcare, complaint: Complaint, who: str, story: str) -> None:
    care.complaints.tell_story(complaint.id, story=story, by=who)


@then(parsers.parse('"{who}" reads the story "{story}"'))
def reads_story(care: clientcare.Clientcare, complaint: Complaint, who: str, story: str) -> None:
    assert care.complaints.story(complaint.id) == story


@then(parsers.parse('the timeline shows "{who}" did "{step}"'))
def timeline_shows(care: clientcare.Clientcare, complaint: Complaint, who: str, step: str) -> None:
    assert (who, step) in [(e.by, e.step) for e in care.complaints.timeline(complaint.id)]


@when(parsers.parse('a survey signal "{reference}" reports that "{name}" is unhappy'))
@when(parsers.parse('the same survey signal "{reference}" arrives again'))
def survey_signal(care: clientcare.Clientcare, clock: FixedClock, reference: str) -> None:
    customer = customer_named(care, "王芳")
    event = SilentComplaintSignal(
        tenant=care.tenant, occurred_at=clock.now(), customer_id=customer.id, source="survey", reference=reference
    )
    care.complaints.on_signal(event)


@then(parsers.parse('"{name}" has {n:d} complaint filed by "{channel}"'))
def filed_by(care: clientcare.Clientcare, name: str, n: int, channel: str) -> None:
    found = care.complaints.for_customer(customer_named(care, name).id)
    assert [c.channel.value for c in found] == [channel] * n


@then(parsers.parse('the complaint is filed as "{category}" and caused by "{cause}"'))
def filed_and_caused(care: clientcare.Clientcare, complaint: Complaint, category: str, cause: str) -> None:
    found = care.complaints.get(complaint.id)
    assert (found.category, found.cause) == (category, cause)


@then(parsers.parse('the weekly review counts the cause "{cause}" once'))
def review_by_cause(care: clientcare.Clientcare, cause: str) -> None:
    assert care.complaints.review("week").by_cause == {cause: 1}


@when(parsers.parse('"{name}" tries to complain about "{category}"'), target_fixture="error")
def try_complain(care: clientcare.Clientcare, name: str, category: str) -> ClientcareError | None:
    customer_id = customer_named(care, name).id
    return capture(
        lambda: care.complaints.file(customer_id, channel="phone", category=category, description="x", by="李")
    )
