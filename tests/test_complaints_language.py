"""The complaints' typed language: actions, targets and timeline steps, and their stored form."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.complaints import (
    Complaint,
    ComplaintAction,
    ComplaintStatus,
    Target,
    TargetKind,
    TimelineStep,
)
from clientcare.errors import InvalidTransition, ValidationError
from clientcare.kernel import BusinessCalendar
from clientcare.playbook import Playbook

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def _walk_in(**extra: object) -> Complaint:
    playbook = Playbook.default()
    args: dict[str, object] = {"channel": "in_store", "category": "delivery", "severity": "normal"}
    args.update(extra)
    return Complaint.file(
        tenant="t",
        customer_id=None,
        key_customer=False,
        description="late",
        at=T0,
        by="li",
        rules=playbook.complaints,
        calendar=BusinessCalendar.from_playbook(playbook),
        **args,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("first_response", Target.FIRST_RESPONSE),
        ("resolution", Target.RESOLUTION),
        ("promise:ab12", Target.for_promise("ab12")),
    ],
)
def test_a_target_reads_back_from_its_code(code: str, target: Target) -> None:
    """Every target kind prints as its code and parses back to the same value."""
    assert Target.parse(code) == target and str(target) == target.code == code


@pytest.mark.parametrize("code", ["", "first-response", "promise:", "promise: ", 7, None])
def test_an_unknown_target_code_is_refused(code: object) -> None:
    """Anything but first_response, resolution or promise:<id> is a ValidationError naming a target field."""
    with pytest.raises(ValidationError) as error:
        Target.parse(code)
    assert error.value.field in {"target", "promise_id"}


def test_only_a_promise_target_carries_a_promise_id() -> None:
    """A promise target needs its id; the others must not have one."""
    with pytest.raises(ValidationError):
        Target(TargetKind.PROMISE)
    with pytest.raises(ValidationError):
        Target(TargetKind.RESOLUTION, "ab12")
    assert not Target.for_promise("ab12").pauses and Target.FIRST_RESPONSE.pauses


def test_targets_are_stored_as_the_codes_stored_before() -> None:
    """Breaches and a promise's timeline entry travel as the same strings the documents always held."""
    playbook = Playbook.default()
    complaint = _walk_in(severity="major")
    promise = complaint.promise(what="call back", due=T0 + timedelta(hours=1), by="li", at=T0)
    complaint.check_deadlines(
        at=T0 + timedelta(days=3), rules=playbook.complaints, calendar=BusinessCalendar.from_playbook(playbook)
    )
    data = serialization.unstructure(complaint)
    text = json.dumps(data)
    assert data["breaches"] == ["first_response", "resolution", f"promise:{promise.id}"]
    assert [e["target"] for e in data["timeline"] if e["step"] == "promised"] == [f"promise:{promise.id}"]
    assert serialization.structure(json.loads(text), Complaint).breaches == complaint.breaches


def test_a_document_written_before_targets_were_values_reads_back() -> None:
    """Timeline entries without a target (the code in the note) and string breaches still load."""
    complaint = _walk_in()
    complaint.promise(what="call back", due=T0 + timedelta(hours=1), by="li", at=T0)
    data = serialization.unstructure(complaint)
    for entry in data["timeline"]:
        code = entry.pop("target")
        entry["note"] = code or entry["note"]
    data["breaches"] = ["first_response"]
    old = serialization.structure(json.loads(json.dumps(data)), Complaint)
    assert old.breaches == (Target.FIRST_RESPONSE,)
    assert [(e.step, e.target) for e in old.timeline] == [(TimelineStep.RECEIVED, None), (TimelineStep.PROMISED, None)]
    assert old.timeline[-1].note == f"promise:{complaint.promises[0].id}"


def test_every_action_has_a_rule_in_every_state() -> None:
    """The transition table answers for every action and state, and a closed complaint only reopens (or resumes)."""
    closed = _walk_in()
    closed.status = ComplaintStatus.CLOSED
    allowed = {action for action in ComplaintAction if closed.allows(action)}
    assert allowed == {ComplaintAction.REOPEN, ComplaintAction.RESUME}
    for status in ComplaintStatus:
        closed.status = status
        assert isinstance(closed.allows(ComplaintAction.CLOSE), bool)


def test_a_refused_step_names_the_action_as_a_member(care: clientcare.Clientcare) -> None:
    """InvalidTransition carries the ComplaintAction that was refused (still equal to its code)."""
    complaint = care.complaints.file(None, channel="phone", category="price", description="dear", by="li")
    with pytest.raises(InvalidTransition) as error:
        care.complaints.close(complaint.id, lesson="x", by="li")
    assert error.value.action is ComplaintAction.CLOSE and error.value.action == "close"


def test_linking_a_key_customer_replans_on_the_aggregate() -> None:
    """Complaint.link_customer plans the open targets again: a key customer's come sooner."""
    playbook = Playbook.default()
    complaint = _walk_in()
    before = (complaint.first_response_due, complaint.resolution_due)
    complaint.link_customer(
        "c1",
        key_customer=True,
        by="li",
        at=T0,
        rules=playbook.complaints,
        calendar=BusinessCalendar.from_playbook(playbook),
    )
    assert complaint.first_response_due is not None and before[0] is not None
    assert complaint.resolution_due is not None and before[1] is not None
    assert complaint.first_response_due < before[0] and complaint.resolution_due < before[1]
    assert complaint.timeline[-1].step is TimelineStep.CUSTOMER_LINKED


def test_promise_status_is_found_by_target_or_code(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """PromiseStatus.of takes a Target or its code; a target the complaint lacks is a ValidationError."""
    complaint = care.complaints.file(None, channel="phone", category="price", description="dear", by="li")
    promise = care.complaints.promise(complaint.id, what="call", due=clock.now() + timedelta(days=1), by="li")
    status = care.complaints.promise_status(complaint.id)
    assert status.of(Target.for_promise(promise.id)) == status.of(f"promise:{promise.id}")
    assert status.of("first_response").target == Target.FIRST_RESPONSE
    with pytest.raises(ValidationError):
        status.of(Target.for_promise("nope"))
