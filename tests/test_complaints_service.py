"""Complaints use cases and domain rules (P40-P52) beyond the BDD scenarios."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcare
from clientcare import events as ev
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.memory import MemoryBackend
from clientcare.errors import ConcurrencyConflict, InvalidTransition, RuleViolation, ValidationError


@pytest.fixture
def fang(care: clientcare.Clientcare) -> clientcare.Customer:
    """A registered customer."""
    return care.customers.register("王芳", "13800138000")


def _file(care: clientcare.Clientcare, customer_id: str | None, **extra: object) -> clientcare.Complaint:
    args: dict[str, object] = {"channel": "phone", "category": "product_quality", "description": "拉链坏了", "by": "li"}
    args.update(extra)
    return care.complaints.file(customer_id, **args)  # type: ignore[arg-type]


def _to_answer(care: clientcare.Clientcare, complaint_id: str) -> None:
    c = care.complaints
    c.listen(complaint_id, heard="拉链第二天就坏", by="li")
    c.apologise(complaint_id, by="li")
    c.diagnose(complaint_id, root_cause="bad zip batch", cause="product_quality", by="li")
    c.decide(complaint_id, story="a bad batch; we fix it", by="li")


def test_repr_and_events_carry_no_personal_text(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """What the customer said stays out of reprs and the outbox."""
    complaint = _file(care, fang.id, wish="我要退款")
    care.complaints.listen(complaint.id, heard="店员态度差", by="li")
    stored = care.complaints.get(complaint.id)
    assert "拉链" not in repr(stored) and "退款" not in repr(stored) and "态度" not in repr(stored.timeline)
    payloads = json.dumps([m.payload for m in care.events.pending()], ensure_ascii=False)
    assert (
        "拉链" not in payloads
        and "态度" not in payloads
        and "ComplaintFiled" in {m.name for m in care.events.pending()}
    )


def test_an_out_of_order_step_names_the_state_and_the_action(
    care: clientcare.Clientcare, fang: clientcare.Customer
) -> None:
    """Diagnosing before listening is an InvalidTransition naming both."""
    complaint = _file(care, fang.id)
    with pytest.raises(InvalidTransition) as error:
        care.complaints.diagnose(complaint.id, root_cause="x", cause="price", by="li")
    assert (error.value.state, error.value.action, error.value.rule) == ("received", "diagnose", "complaint.transition")


def test_a_wrong_classification_names_the_field(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """An unknown category, channel or severity is a ValidationError naming it."""
    for field, value in (("category", "weather"), ("channel", "pigeon"), ("severity", "huge")):
        with pytest.raises(ValidationError) as error:
            _file(care, fang.id, **{field: value})
        assert error.value.field == field


def test_erased_customers_cannot_complain(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """An erased customer's complaint is refused."""
    care.privacy.erase(fang.id, by="li")
    with pytest.raises(RuleViolation):
        _file(care, fang.id)


def test_a_walk_in_is_linked_later_and_gets_key_promises(
    care: clientcare.Clientcare, fang: clientcare.Customer
) -> None:
    """A walk-in complaint, linked to a key customer, gets the tighter first-response target."""
    care.customers.set_key(fang.id, by="li")
    complaint = _file(care, None)
    before = complaint.first_response_due
    care.complaints.link_customer(complaint.id, fang.id, by="li")
    linked = care.complaints.get(complaint.id)
    assert linked.customer_id == fang.id and linked.key_customer
    assert linked.first_response_due is not None and before is not None and linked.first_response_due < before


def test_approval_must_come_from_above_the_owner(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """The handler cannot approve its own remedy; an unknown role is refused."""
    complaint = _file(care, fang.id)
    _to_answer(care, complaint.id)
    c = care.complaints
    c.offer_options(complaint.id, [c.option("refund", c.remedy("refund", 500))], by="li")
    assert c.choose(complaint.id, 0, actor=clientcare.Actor("li", "handler")) is True
    with pytest.raises(RuleViolation) as same:
        c.approve(complaint.id, actor=clientcare.Actor("li", "handler"))
    assert same.value.rule == "complaint.authority"
    with pytest.raises(ValidationError) as unknown:
        c.approve(complaint.id, actor=clientcare.Actor("x", "ceo"))
    assert unknown.value.field == "role"
    with pytest.raises(InvalidTransition):
        c.resolve(complaint.id, by="li")


def test_the_limit_is_the_acting_persons_not_the_owners(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """After escalation to the supervisor, the handler still needs approval; the supervisor grants alone."""
    complaint = _file(care, fang.id)
    _to_answer(care, complaint.id)
    c = care.complaints
    assert c.escalate(complaint.id, reason="customer asked for the manager", by="li")
    c.offer_options(complaint.id, [c.option("refund", c.remedy("refund", 800))], by="li")
    assert c.choose(complaint.id, 0, actor=clientcare.Actor("li", "handler")) is True
    c.refuse(complaint.id, actor=clientcare.Actor("wang", "supervisor"), reason="offer something else")
    c.offer_options(complaint.id, [c.option("refund", c.remedy("refund", 800))], by="wang")
    assert c.choose(complaint.id, 0, actor=clientcare.Actor("wang", "supervisor")) is False
    assert c.limit_of("supervisor") == clientcare.Money.of(1000)


class _Roster:
    """The embedder's own record of roles, as a role source."""

    def __init__(self, roles: dict[str, str]) -> None:
        self.roles = roles

    def role_of(self, tenant: str, person_id: str) -> str | None:
        return self.roles.get(person_id)


def _awaiting_approval(care: clientcare.Clientcare, customer_id: str, actor: clientcare.Actor) -> str:
    complaint = _file(care, customer_id)
    _to_answer(care, complaint.id)
    c = care.complaints
    c.offer_options(complaint.id, [c.option("refund", c.remedy("refund", 800))], by="li")
    assert c.choose(complaint.id, 0, actor=actor) is True
    return complaint.id


def test_a_role_source_decides_the_approvers_role(clock: FixedClock) -> None:
    """With a role source plugged in, a claimed role it does not confirm is refused and a bare id is looked up."""
    care = clientcare.connect(
        "memory://", tenant="t1", clock=clock, roles=_Roster({"li": "handler", "wang": "supervisor"})
    )
    fang = care.customers.register("王芳", "138 0013 8000")
    complaint_id = _awaiting_approval(care, fang.id, clientcare.Actor("li"))
    with pytest.raises(RuleViolation) as claimed:
        care.complaints.approve(complaint_id, actor=clientcare.Actor("li", "store_manager"))
    assert claimed.value.rule == "actor.role"
    with pytest.raises(RuleViolation) as stranger:
        care.complaints.approve(complaint_id, actor=clientcare.Actor("zhao"))
    assert stranger.value.rule == "actor.role"
    care.complaints.approve(complaint_id, actor=clientcare.Actor("wang"))
    assert care.complaints.get(complaint_id).decisions[-1].role == "supervisor"


def test_an_actor_without_role_and_no_role_source_is_refused(
    care: clientcare.Clientcare, fang: clientcare.Customer
) -> None:
    """Without a role source the actor must carry the role from the embedder's authentication."""
    complaint_id = _awaiting_approval(care, fang.id, clientcare.Actor("li", "handler"))
    with pytest.raises(RuleViolation) as error:
        care.complaints.approve(complaint_id, actor=clientcare.Actor("wang"))
    assert error.value.rule == "actor.role"
    with pytest.raises(ValidationError) as not_actor:
        care.complaints.approve(complaint_id, actor="wang")  # type: ignore[arg-type]
    assert not_actor.value.field == "actor"


def test_the_approver_ranks_above_the_person_who_asked(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """What a supervisor asked to have approved needs a role above supervisor, not another supervisor."""
    complaint = _file(care, fang.id)
    _to_answer(care, complaint.id)
    c = care.complaints
    c.offer_options(complaint.id, [c.option("refund", c.remedy("refund", 1500))], by="wang")
    assert c.choose(complaint.id, 0, actor=clientcare.Actor("wang", "supervisor")) is True
    with pytest.raises(RuleViolation) as error:
        c.approve(complaint.id, actor=clientcare.Actor("wang2", "supervisor"))
    assert error.value.rule == "complaint.authority"
    c.approve(complaint.id, actor=clientcare.Actor("zhou", "store_manager"))
    events = [m for m in care.events.pending() if m.name == "ComplaintApprovalRequested"]
    assert events and events[-1].payload["role"] == "supervisor"


def test_a_price_concession_needs_its_list_price() -> None:
    """A concession without the price it is taken off is refused."""
    with pytest.raises(ValidationError) as error:
        clientcare.Remedy(kind="price_concession", value=clientcare.Money.of(10))
    assert error.value.field == "list_price"


def test_checking_deadlines_twice_breaches_once(
    care: clientcare.Clientcare, clock: FixedClock, fang: clientcare.Customer
) -> None:
    """A missed target raises one breach and one escalation, however often the check runs."""
    complaint = _file(care, fang.id, severity="major")
    clock.advance(hours=2)
    assert care.complaints.check_deadlines() == [complaint.id]
    assert care.complaints.check_deadlines() == []
    names = [m.name for m in care.events.pending()]
    assert names.count("ComplaintTargetBreached") == 1 and names.count("ComplaintEscalated") == 1


def test_a_paused_complaint_is_not_breached(
    care: clientcare.Clientcare, clock: FixedClock, fang: clientcare.Customer
) -> None:
    """While waiting for the customer the clock stands: no breach, state paused."""
    complaint = _file(care, fang.id, severity="major")
    care.complaints.wait_for_customer(complaint.id, reason="waiting for photos", by="li")
    clock.advance(days=3)
    assert care.complaints.check_deadlines() == []
    assert care.complaints.promise_status(complaint.id).of("first_response").state == "paused"
    with pytest.raises(InvalidTransition):
        care.complaints.wait_for_customer(complaint.id, reason="again", by="li")
    care.complaints.resume(complaint.id, by="li")
    assert care.complaints.get(complaint.id).pauses[0].reason == "waiting for photos"


def test_reopening_gives_a_fresh_resolution_target(
    care: clientcare.Clientcare, clock: FixedClock, fang: clientcare.Customer
) -> None:
    """A reopened complaint gets a new resolution deadline counted from the reopening."""
    complaint = _file(care, fang.id)
    _to_answer(care, complaint.id)
    c = care.complaints
    c.offer_options(complaint.id, [c.option("repair", c.remedy("repair", 50))], by="li")
    c.choose(complaint.id, 0, actor=clientcare.Actor("li", "handler"))
    c.resolve(complaint.id, by="li")
    clock.advance(days=7)
    c.reopen(complaint.id, reason="broke again", by="li")
    reopened = c.get(complaint.id)
    assert reopened.reopen_count == 1 and reopened.resolution_due is not None
    assert reopened.resolution_due > clock.now() and reopened.resolved_at is None


def test_the_silent_complaint_signal_is_wired_in_the_facade(
    care: clientcare.Clientcare, clock: FixedClock, fang: clientcare.Customer
) -> None:
    """A stored SilentComplaintSignal reaction opens a complaint without any call to the complaints area."""
    signal = ev.SilentComplaintSignal(
        tenant="shop", occurred_at=clock.now(), customer_id=fang.id, source="contact_outcome", reference="touch-1"
    )
    with care._ctx.unit() as uow:  # what the emitting use case's commit stores
        uow.reactions.enqueue([("complaints.open_from_signal", signal)])
    assert care.complaints.for_customer(fang.id) == []
    assert care.events.react() == 1
    found = care.complaints.for_customer(fang.id)
    assert [(c.channel.value, c.signal_reference) for c in found] == [("contact_outcome", "touch-1")]
    assert care.complaints.has_open_complaint(fang.id)


def test_the_standard_answer_flag_is_raised_once(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """StandardAnswerNeeded is emitted when a category crosses the threshold, not after."""
    for _ in range(5):
        _file(care, fang.id, category="delivery")
    names = [m.name for m in care.events.pending()]
    assert names.count("StandardAnswerNeeded") == 1
    care.complaints.add_standard_answer("delivery", question="why late?", answer="the courier", by="kf")
    assert care.complaints.categories_needing_standard_answer() == {}


def test_the_monthly_review_is_json_ready(
    care: clientcare.Clientcare, clock: FixedClock, fang: clientcare.Customer
) -> None:
    """The monthly summary serialises to JSON with exact decimals and open actions counted."""
    complaint = _file(care, fang.id, items=["A100"], store_id="s1")
    care.complaints.open_corrective_action(
        complaint.id, description="new supplier", owner="采购部", due=date(2026, 1, 31), by="li"
    )
    clock.advance(minutes=30)
    care.complaints.listen(complaint.id, heard="broken", by="li")
    review = care.complaints.review("month")
    data = json.loads(json.dumps(serialization.unstructure(review)))
    assert data["start"] == "2026-01-01" and data["end"] == "2026-02-01"
    assert data["by_item"] == {"A100": 1} and data["by_store"] == {"s1": 1}
    assert data["median_first_response_hours"] == "0.50" and data["corrective_actions_open"] == 1
    with pytest.raises(ValidationError):
        care.complaints.review("year")


def test_two_handlers_at_once_end_in_one_conflict(clock: FixedClock) -> None:
    """Two units of work changing the same complaint: the second commit is a ConcurrencyConflict."""
    backend = MemoryBackend()
    care = clientcare.Clientcare(backend, "shop", clock=clock)
    complaint = _file(care, None)
    first, second = backend.unit_of_work("shop"), backend.unit_of_work("shop")
    with first, second:
        a, b = first.complaints.get(complaint.id), second.complaints.get(complaint.id)
        a.listen(heard="x", by="li", at=clock.now())
        b.listen(heard="y", by="wang", at=clock.now())
        first.complaints.save(a)
        second.complaints.save(b)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    assert [e.by for e in care.complaints.timeline(complaint.id)] == ["li", "li"]


def test_suggested_answers_rank_by_keywords(care: clientcare.Clientcare, fang: clientcare.Customer) -> None:
    """The answer whose keywords the complaint mentions comes first."""
    c = care.complaints
    c.add_standard_answer("price", question="dearer than the mall?", answer="A", keywords=["商场"], by="kf")
    c.add_standard_answer("price", question="dearer than online?", answer="B", keywords=["网上"], by="kf")
    complaint = _file(care, fang.id, category="price", description="比网上贵")
    assert [a.answer for a in c.suggest_answers(complaint.id)] == ["B", "A"]


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1))


@settings(max_examples=25, deadline=None)
@given(
    moments,
    st.sampled_from(list(clientcare.Severity)),
    st.sampled_from(list(clientcare.Category)),
    st.booleans(),
    st.lists(st.sampled_from(["A1", "B2", "C3"]), max_size=3),
)
def test_a_complaint_round_trips_through_json(
    moment: datetime, severity: str, category: str, key: bool, items: list[str]
) -> None:
    """A complaint part-way through its steps survives JSON and back unchanged."""
    clock = FixedClock(moment.replace(tzinfo=clientcare.Playbook.default().locale.zone))
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    complaint = _file(care, None, severity=severity, category=category, items=items)
    _to_answer(care, complaint.id)
    c = care.complaints
    c.wait_for_customer(complaint.id, reason="photos", by="li")
    clock.advance(hours=3)
    c.resume(complaint.id, by="li")
    c.check_price(complaint.id, "market", finding="same", by="li")
    c.promise(complaint.id, what="call back", due=clock.now() + timedelta(days=1), by="li")
    offered = [c.option("concession", c.remedy("price_concession", "20", list_price="1000"))]
    c.offer_options(complaint.id, offered, by="li")
    stored = c.get(complaint.id)
    data = json.loads(json.dumps(serialization.unstructure(stored)))
    back = serialization.structure(data, clientcare.Complaint)
    assert serialization.unstructure(back) == serialization.unstructure(stored)
    assert back.options[0].remedies[0].list_price == clientcare.Money.of("1000")
    assert Decimal(data["options"][0]["remedies"][0]["value"]["amount"]) == Decimal(20)
