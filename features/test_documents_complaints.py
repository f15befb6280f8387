"""Steps for issue 17 part B: complaints follow the documents, each scenario quoting its passage."""

from __future__ import annotations

from datetime import datetime

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError
from clientcare.playbook import ComplaintRules, Playbook

scenarios("documents_complaints.feature")


class _Roster:
    """The shop's own record of who holds which role (a role source)."""

    def __init__(self, roles: dict[str, str]) -> None:
        self.roles = roles

    def role_of(self, tenant: str, person_id: str) -> str | None:
        return self.roles.get(person_id)


@given(
    parsers.parse('"{name}" complained about a broken zip and was told it will be fixed'),
    target_fixture="complaint_id",
)
def complained(care: clientcare.Clientcare, name: str) -> str:
    c = care.complaints
    complaint = c.file(
        customer_named(care, name).id, channel="in_store", category="product_quality", description="拉链坏了", by="李"
    )
    c.listen(complaint.id, heard="拉链坏了", by="李")
    c.apologise(complaint.id, by="李")
    c.diagnose(complaint.id, root_cause="zip", cause="product_quality", by="李")
    c.decide(complaint.id, answer="fix_and_remedy", story="拉链质量问题", by="李")
    return complaint.id


@given(parsers.parse('the complaint was escalated to the "{role}" (the customer asked for the manager)'))
def moved_up(care: clientcare.Clientcare, complaint_id: str, role: str) -> None:
    care.complaints.escalate(complaint_id, reason="customer asked for the manager", by="system")
    assert care.complaints.get(complaint_id).owner_role == role


@given(parsers.parse('the shop\'s roster says "{a}" is a "{role_a}" and "{b}" is a "{role_b}"'), target_fixture="care")
def roster(
    care: clientcare.Clientcare, clock: FixedClock, a: str, role_a: str, b: str, role_b: str
) -> clientcare.Clientcare:
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, roles=_Roster({a: role_a, b: role_b}))


@when(parsers.parse('handler "{who}" records the customer\'s choice of a refund of {amount:d}'))
def handler_records(care: clientcare.Clientcare, complaint_id: str, who: str, amount: int) -> None:
    c = care.complaints
    c.offer_options(complaint_id, [c.option("refund", c.remedy("refund", amount))], by=who)
    c.choose(complaint_id, 0, actor=clientcare.Actor(who, "handler"))


@then(parsers.parse('the refund waits for an approval asked by a "{role}"'))
def waits(care: clientcare.Clientcare, complaint_id: str, role: str) -> None:
    assert care.complaints.get(complaint_id).status.value == "awaiting_approval"
    asked = [m for m in care.events.pending() if m.name == "ComplaintApprovalRequested"]
    assert asked[-1].payload["role"] == role


@when(parsers.parse('"{who}" approves as "{role}"'))
def approves_as(care: clientcare.Clientcare, complaint_id: str, who: str, role: str) -> None:
    care.complaints.approve(complaint_id, actor=clientcare.Actor(who, role))


@when(parsers.parse('"{who}" approves by id only'))
def approves_by_id(care: clientcare.Clientcare, complaint_id: str, who: str) -> None:
    care.complaints.approve(complaint_id, actor=clientcare.Actor(who))


@when(parsers.parse('"{who}" tries to approve claiming to be a "{role}"'), target_fixture="error")
def tries_to_approve(care: clientcare.Clientcare, complaint_id: str, who: str, role: str) -> ClientcareError | None:
    return capture(lambda: care.complaints.approve(complaint_id, actor=clientcare.Actor(who, role)))


@then(parsers.parse('the approval is refused because the roster gives "{who}" another role'))
def refused_by_roster(care: clientcare.Clientcare, complaint_id: str, error: ClientcareError | None, who: str) -> None:
    assert error is not None and getattr(error, "rule", None) == "actor.role"
    assert who not in str(error)  # a person's id is no part of the message
    assert care.complaints.get(complaint_id).status.value == "awaiting_approval"


@then(parsers.parse('the refund is agreed, decided by a "{role}"'))
def agreed(care: clientcare.Clientcare, complaint_id: str, role: str) -> None:
    complaint = care.complaints.get(complaint_id)
    assert complaint.status.value == "agreed"
    assert complaint.decisions[-1].role == role and complaint.decisions[-1].approved


# -- P40 -----------------------------------------------------------------------------------


@given("the playbook counts the first response on working days only", target_fixture="care")
def working_days_only(care: clientcare.Clientcare, clock: FixedClock) -> clientcare.Clientcare:
    playbook = Playbook(complaints=ComplaintRules(first_response_every_day=False))
    return clientcare.Clientcare(care.backend, care.tenant, clock=clock, playbook=playbook)


@when(parsers.parse('"{name}" files a "{severity}" complaint'), target_fixture="filed")
def files(care: clientcare.Clientcare, name: str, severity: str) -> clientcare.Complaint:
    return care.complaints.file(
        customer_named(care, name).id,
        channel="phone",
        category="delivery",
        severity=severity,
        description="没送到",
        by="李",
    )


@then(parsers.parse('its first response is due "{first}" and its resolution "{resolution}"'))
def dues(filed: clientcare.Complaint, first: str, resolution: str) -> None:
    assert filed.first_response_due == datetime.fromisoformat(first)
    assert filed.resolution_due == datetime.fromisoformat(resolution)


# -- P42 -----------------------------------------------------------------------------------


@given(parsers.parse('"{name}" agreed to be called about her purchases'))
def service_by_phone(care: clientcare.Clientcare, name: str) -> None:
    care.privacy.give_consent(customer_named(care, name).id, "service", "phone", method="verbal", source="in_store")


@when(parsers.parse('"{who}" resolves the complaint'))
def resolves(care: clientcare.Clientcare, complaint_id: str, who: str) -> None:
    care.complaints.resolve(complaint_id, by=who)


def _after_care(care: clientcare.Clientcare, name: str) -> list[clientcare.Touch]:
    touches = care.touches.for_customer(customer_named(care, name).id)
    return [t for t in touches if t.reason.value == "after_care"]


@then(
    parsers.parse(
        '"{name}" has an after-care touch by "{channel}" for "{owner}" due on the complaint\'s after-care day'
    )
)
def after_care_touch(care: clientcare.Clientcare, complaint_id: str, name: str, channel: str, owner: str) -> None:
    complaint = care.complaints.get(complaint_id)
    assert complaint.after_care_due is not None
    (touch,) = _after_care(care, name)
    assert touch.precision.channel.value == channel and touch.owner == owner
    assert touch.due == complaint.after_care_due.astimezone(care.playbook.locale.zone).date()
    assert touch.reference == complaint_id


# -- P49 -----------------------------------------------------------------------------------

_REASONS = {"a supplier's batch": "供应商批次问题", "damage in transport": "运输途中损坏"}


@when(parsers.parse('purchasing "{who}" tells "{name}" the reason is {reason}'))
@when(parsers.parse('sales "{who}" tells "{name}" the reason is {reason}'))
def tells_story(care: clientcare.Clientcare, complaint_id: str, who: str, name: str, reason: str) -> None:
    care.complaints.tell_story(complaint_id, story=_REASONS[reason], by=who)


@then(parsers.parse("the complaint's story history holds {count:d} reasons and {changes:d} change, not flagged"))
@then(parsers.parse("the complaint's story history holds {count:d} reasons and {changes:d} changes, flagged"))
def story_history(care: clientcare.Clientcare, complaint_id: str, count: int, changes: int) -> None:
    history = care.complaints.story_history(complaint_id)
    assert (len(history.versions), history.changes, history.flagged) == (count, changes, changes >= 2)
    assert history.versions[0].story == "拉链质量问题" and "拉链" not in repr(history)


@then(parsers.parse("the complaints queue shows the complaint's story flagged after {changes:d} changes"))
def queue_flag(care: clientcare.Clientcare, complaint_id: str, changes: int) -> None:
    (entry,) = [e for e in care.complaints.queue() if e.complaint_id == complaint_id]
    assert (entry.story_changes, entry.story_flagged) == (changes, True)


@then(parsers.parse("the outbox holds a story flag with {changes:d} changes and no story text"))
def story_flag_event(care: clientcare.Clientcare, changes: int) -> None:
    (flag,) = [m for m in care.events.pending() if m.name == "ComplaintStoryFlagged"]
    assert flag.payload["changes"] == changes and "运输" not in str(flag.payload)
