"""Issue 17 beyond the scenarios: P49 story history, P52 quotes, actors on assessments, P61 periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.assessments._read_models import period_bounds
from clientcare.errors import PlaybookError, RuleViolation, ValidationError
from clientcare.playbook import Playbook


def _to_answer(care: clientcare.Clientcare, category: str, customer_id: str | None = None) -> str:
    c = care.complaints
    complaint = c.file(customer_id, channel="phone", category=category, description="太贵了", by="li")
    c.listen(complaint.id, heard="太贵了", by="li")
    c.apologise(complaint.id, by="li")
    c.diagnose(complaint.id, root_cause="competitor quote", cause=category, by="li")
    c.decide(complaint.id, answer="return_or_negotiate", story="按成本重新报价", by="li")
    return complaint.id


def _checked(care: clientcare.Clientcare, complaint_id: str) -> None:
    for item in ("market", "competitor_quote", "after_sales"):
        care.complaints.check_price(complaint_id, item, finding="checked", by="li")


# -- P49 -------------------------------------------------------------------------------------


def test_the_same_story_told_again_is_no_change(care: clientcare.Clientcare) -> None:
    """Repeating the reason keeps a version but counts no change; nothing is flagged."""
    complaint_id = _to_answer(care, "delivery")
    care.complaints.tell_story(complaint_id, story="按成本重新报价", by="sales")
    history = care.complaints.story_history(complaint_id)
    assert (len(history.versions), history.changes, history.flagged) == (2, 0, False)


def test_a_story_kept_before_the_history_is_its_first_version(care: clientcare.Clientcare) -> None:
    """A complaint stored with a story but no history starts it from the decided answer."""
    complaint_id = _to_answer(care, "delivery")
    with care.backend.unit_of_work(care.tenant) as uow:
        stored = uow.complaints.get(complaint_id)
        stored.stories = ()
        uow.complaints.save(stored)
        uow.commit()
    care.complaints.tell_story(complaint_id, story="供应商问题", by="purchasing")
    history = care.complaints.story_history(complaint_id)
    assert [v.by for v in history.versions] == ["li", "purchasing"] and history.changes == 1


# -- P52 -------------------------------------------------------------------------------------


def test_refund_on_a_price_complaint_needs_its_list_price(care: clientcare.Clientcare) -> None:
    """The cap is a share of the price: a refund without it is refused and changes nothing."""
    complaint_id = _to_answer(care, "price")
    _checked(care, complaint_id)
    c = care.complaints
    c.offer_options(complaint_id, [c.option("refund", c.remedy("refund", 30))], by="li")
    with pytest.raises(ValidationError) as error:
        c.choose(complaint_id, 0, actor=clientcare.Actor("li", "handler"))
    assert error.value.field == "list_price"
    assert c.get(complaint_id).status.value == "options_offered"


def test_a_gift_within_the_cap_is_agreed_and_other_complaints_keep_their_rules(care: clientcare.Clientcare) -> None:
    """3% off by a gift is within the cap; a refund on a delivery complaint needs no price check."""
    c = care.complaints
    price_id = _to_answer(care, "price")
    _checked(care, price_id)
    c.offer_options(price_id, [c.option("gift", c.remedy("gift", 30, list_price=1000))], by="li")
    assert c.choose(price_id, 0, actor=clientcare.Actor("li", "handler")) is False
    delivery_id = _to_answer(care, "delivery")
    c.offer_options(delivery_id, [c.option("refund", c.remedy("refund", 150))], by="li")
    assert c.choose(delivery_id, 0, actor=clientcare.Actor("li", "handler")) is False


def test_a_quote_needs_the_check_and_a_price_complaint(care: clientcare.Clientcare) -> None:
    """No quote before the three points are checked, and none on another kind of complaint."""
    price_id = _to_answer(care, "price")
    with pytest.raises(RuleViolation) as error:
        care.complaints.quote(price_id, list_price=1000, unit_cost=800, by="li")
    assert error.value.rule == "complaint.price_check"
    with pytest.raises(RuleViolation) as error:
        care.complaints.quote(_to_answer(care, "delivery"), list_price=1000, unit_cost=800, by="li")
    assert error.value.rule == "complaint.quote"
    with pytest.raises(ValidationError):
        care.complaints.quote(price_id, list_price=0, unit_cost=800, by="li")


def test_the_quote_never_goes_below_cost_plus_margin_and_potential_moves_up_a_tier(
    care: clientcare.Clientcare,
) -> None:
    """An anonymous complaint is a new customer's; an old B customer with potential is quoted as an A."""
    anonymous = _to_answer(care, "price")
    _checked(care, anonymous)
    quote = care.complaints.quote(anonymous, list_price=1000, unit_cost=950, market_price=900, by="li")
    assert (quote.old_customer, quote.price.amount, quote.floor.amount) == (
        False,
        Decimal("1045.00"),
        Decimal("1045.00"),
    )
    assert quote.concession_share == 0 and not quote.needs_approval
    big = care.customers.register("大客户", "13800138001")
    small = care.customers.register("王芳", "13800138000")
    for n in range(3):
        care.purchases.record(big.id, [care.purchases.line("P", "9000")], receipt_id=f"b{n}")
        care.purchases.record(small.id, [care.purchases.line("P", "900")], receipt_id=f"s{n}")
    care.tiers.recompute()
    complaint = _to_answer(care, "price", small.id)
    _checked(care, complaint)
    plain = care.complaints.quote(complaint, list_price=1000, unit_cost=500, by="li")
    grown = care.complaints.quote(complaint, list_price=1000, unit_cost=500, potential=True, by="li")
    assert plain.old_customer and str(plain.tier) in "BC"
    assert grown.allowance >= plain.allowance and grown.price.amount <= plain.price.amount
    steps = [e.step.value for e in care.complaints.timeline(complaint)]
    assert steps.count("price_quoted") == 2


def test_quote_shares_in_the_playbook_are_checked() -> None:
    """A tier other than A, B or C, or a share above 1, names the key."""
    for text in ('[complaints.quote_allowance_by_tier]\nD = "1"\n', "[complaints.quote_allowance_by_tier]\nA = 2\n"):
        with pytest.raises(PlaybookError) as error:
            Playbook.from_toml(text)
        assert error.value.field == "complaints.quote_allowance_by_tier"


# -- actors on assessments (P60/P61) ----------------------------------------------------------


@pytest.fixture
def ending(care: clientcare.Clientcare) -> clientcare.Assessment:
    """A "terminate" standing, routed, with marketing's answer in."""
    customer = care.customers.register("孙强", "13600136000")
    assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": 1})
    care.assessments.route(assessment.id)
    care.assessments.answer_review(assessment.id, actor=clientcare.Actor("mm", "marketing_manager"), answer="同意")
    return assessment


def test_an_actor_without_a_role_and_no_role_source_is_refused(
    care: clientcare.Clientcare, ending: clientcare.Assessment
) -> None:
    """Nobody to ask: the role must come with the actor."""
    with pytest.raises(RuleViolation) as error:
        care.assessments.confirm_termination(ending.id, actor=clientcare.Actor("zhang"))
    assert error.value.rule == "actor.role"


def test_a_role_off_the_chain_cannot_confirm_or_overrule(
    care: clientcare.Clientcare, ending: clientcare.Assessment
) -> None:
    """A reviewer role that is not on the authority chain answers reviews, and decides nothing."""
    outsider = clientcare.Actor("x", "related_departments")
    with pytest.raises(RuleViolation) as error:
        care.assessments.confirm_termination(ending.id, actor=outsider)
    assert error.value.rule == "assessment.authority"
    with pytest.raises(RuleViolation):
        care.assessments.override(ending.id, "maintain", reason="误判", actor=outsider)
    manager = care.assessments.override(
        ending.id, "improve", reason="再给一次机会", actor=clientcare.Actor("m", "marketing_manager")
    )
    assert manager.override is not None and manager.override.role == "marketing_manager"


def test_a_role_not_asked_cannot_answer_a_review(care: clientcare.Clientcare, ending: clientcare.Assessment) -> None:
    """The answering role is the actor's, and it must have been routed the assessment."""
    with pytest.raises(RuleViolation) as error:
        care.assessments.answer_review(ending.id, actor=clientcare.Actor("f", "finance"), answer="ok")
    assert error.value.rule == "assessment.review"


def test_a_playbook_may_require_more_reviews_and_a_lower_confirming_role(clock: FixedClock) -> None:
    """The required reviewers and the lowest confirming role are the tenant's to set."""
    text = (
        '[assessment]\ntermination_reviewed_by = ["marketing_manager", "related_departments"]\n'
        'confirm_termination_from = "marketing_manager"\n'
    )
    with clientcare.connect("memory://", tenant="shop", clock=clock, playbook=Playbook.from_toml(text)) as care:
        customer = care.customers.register("孙强", "13600136000")
        assessment = care.assessments.assess(customer.id, by="cs", entries={"cooperation": 1})
        care.assessments.route(assessment.id)
        manager = clientcare.Actor("mm", "marketing_manager")
        care.assessments.answer_review(assessment.id, actor=manager, answer="同意")
        with pytest.raises(RuleViolation):
            care.assessments.confirm_termination(assessment.id, actor=manager)
        care.assessments.answer_review(assessment.id, actor=clientcare.Actor("r", "related_departments"), answer="同意")
        assert care.assessments.confirm_termination(assessment.id, actor=manager).terminated
    with pytest.raises(PlaybookError) as error:
        Playbook.from_toml('[assessment]\noverride_from = "ceo"\n')
    assert error.value.field == "assessment.override_from"


# -- P61 periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "day", "start", "end"),
    [
        ("week", date(2026, 5, 17), date(2026, 5, 11), date(2026, 5, 18)),
        ("month", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
        ("quarter", date(2026, 5, 17), date(2026, 4, 1), date(2026, 7, 1)),
        ("quarter", date(2026, 11, 2), date(2026, 10, 1), date(2027, 1, 1)),
        ("year", date(2026, 5, 17), date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_period_bounds(period: str, day: date, start: date, end: date) -> None:
    """Weeks start on Monday; quarters are calendar quarters; the end is exclusive."""
    assert period_bounds(period, day) == (start, end)


def test_an_unknown_period_is_refused(care: clientcare.Clientcare) -> None:
    """A period clientcare does not know names the field, and reads nothing."""
    with pytest.raises(ValidationError) as error:
        care.assessments.summarise("fortnight")
    assert error.value.field == "period"
    empty = care.assessments.summarise("year")
    assert (empty.assessed, empty.average_score, empty.customers) == (0, None, ())
