"""Steps for tiers, segments, membership, points and referrals (P10–P17, P33)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError
from clientcare.playbook import AbcRules
from clientcare.ports import OutboxMessage

scenarios("tiers.feature", "tiers_membership.feature", "tiers_referrals.feature")


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _buy(care: clientcare.Clientcare, name: str, amount: str, *, at: datetime | None = None) -> clientcare.Purchase:
    """Goods worth ``amount``: 100-yuan items when it divides, else one item."""
    value = Decimal(amount)
    quantity, price = (int(value / 100), "100") if value % 100 == 0 else (1, amount)
    line = care.purchases.line("GOODS", price, quantity)
    return care.purchases.record(customer_named(care, name).id, [line], at=at)


# -- archive set-up ------------------------------------------------------------


@given(parsers.parse("customers who bought in the last year:"))
def customers_with_spend(care: clientcare.Clientcare, clock: FixedClock, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in (dict(zip(header, r, strict=True)) for r in rows):
        care.customers.register(row["name"], row["phone"], by="staff")
        _buy(care, row["name"], row["spend"], at=clock.now() - timedelta(days=60))


@given(parsers.parse('a customer "{name}" with phone "{phone}" and birthday "{birthday}"'))
def customer_with_birthday(care: clientcare.Clientcare, name: str, phone: str, birthday: str) -> None:
    care.customers.register(name, phone, birthday=date.fromisoformat(birthday), customer_agrees=True)


@given(parsers.parse('"{name}" buys goods worth "{amount}"'), target_fixture="purchase")
@when(parsers.parse('"{name}" buys goods worth "{amount}"'), target_fixture="purchase")
def buys(care: clientcare.Clientcare, name: str, amount: str) -> clientcare.Purchase:
    return _buy(care, name, amount)


@given(parsers.parse('"{name}" bought {count:d} times'))
@given(parsers.parse('"{name}" bought {count:d} more times in the last month'))
def bought_times(care: clientcare.Clientcare, clock: FixedClock, name: str, count: int) -> None:
    for n in range(count):
        _buy(care, name, "100", at=clock.now() - timedelta(days=count - n))


@given(parsers.parse('"{name}" bought the new style "{style}" in its launch week and {more:d} more times'))
def early_adopter(care: clientcare.Clientcare, clock: FixedClock, name: str, style: str, more: int) -> None:
    customer = customer_named(care, name).id
    care.purchases.record(customer, [care.purchases.line(style, "300")], at=clock.now() - timedelta(days=20))
    for n in range(more):
        _buy(care, name, "100", at=clock.now() - timedelta(days=10 - n))


@given(parsers.parse('"{name}" bought {count:d} times discounted goods worth "{amount}" each'))
def bought_discounted(care: clientcare.Clientcare, clock: FixedClock, name: str, count: int, amount: str) -> None:
    customer = customer_named(care, name).id
    for n in range(count):
        line = care.purchases.line("SALE-01", amount, full_price=False)
        care.purchases.record(customer, [line], at=clock.now() - timedelta(days=5 + n))


@given(parsers.parse('"{name}" was seen buying from a competitor'))
def bought_from_competitor(care: clientcare.Clientcare, name: str) -> None:
    care.customers.tag(customer_named(care, name).id, care.playbook.segments.switcher_tag, by="staff")


@given(parsers.parse('"{name}" has referred {count:d} customers'))
def has_referred(care: clientcare.Clientcare, name: str, count: int) -> None:
    referrer = customer_named(care, name)
    for n in range(count):
        friend = care.customers.register(f"{name}的朋友{n}", f"1370000{abs(hash(name)) % 1000:03d}{n}", by="staff")
        care.referrals.record(referrer.id, friend.id, by="staff")


# -- tiers (P10, P12, P17) -----------------------------------------------------


@given("the tiers are recomputed", target_fixture="run")
@when("the tiers are recomputed", target_fixture="run")
def recompute(care: clientcare.Clientcare) -> clientcare.TierRun:
    return care.tiers.recompute()


@given("the playbook cuts ABC by share of customers", target_fixture="care")
def by_customers(care: clientcare.Clientcare) -> clientcare.Clientcare:
    playbook = clientcare.Playbook(abc=AbcRules(basis="customers"))
    return clientcare.Clientcare(care.backend, care.tenant, clock=care.clock, playbook=playbook)


@then(parsers.parse('the ABC labels are A for "{a}", B for "{b}" and C for "{c}"'))
def abc_labels(care: clientcare.Clientcare, a: str, b: str, c: str) -> None:
    for label, names in (("A", a), ("B", b), ("C", c)):
        for name in _names(names):
            assert care.tiers.label(customer_named(care, name).id) == label, name


@then(parsers.parse("{share:d}% of the customers are A and they made {sales:d}% of the sales"))
def pareto(care: clientcare.Clientcare, run: clientcare.TierRun, share: int, sales: int) -> None:
    a, b, c = run.counts
    assert Decimal(a) / (a + b + c) == Decimal(share) / 100
    spend = {c.id: care.purchases.figures(c.id).total_spend.amount for c in care.customers.search(name="", limit=100)}
    top = sum(amount for cid, amount in spend.items() if care.tiers.label(cid) == "A")
    assert top / sum(spend.values()) == Decimal(sales) / 100


@then(parsers.re(r'"(?P<name>[^"]+)" is an? (?P<label>[ABC]) customer'))
def is_label(care: clientcare.Clientcare, name: str, label: str) -> None:
    assert care.tiers.label(customer_named(care, name).id) == label


@then(parsers.parse('the tier history of "{name}" reads "{labels}"'))
def tier_history(care: clientcare.Clientcare, name: str, labels: str) -> None:
    history = care.tiers.history(customer_named(care, name).id)
    assert [change.after.value for change in history] == _names(labels)


@then(parsers.re(r'(?P<names>(?:"[^"]+"(?:, | and )?)+) all have the label "(?P<label>[ABC])"'))
def same_label(care: clientcare.Clientcare, names: str, label: str) -> None:
    for name in names.replace(" and ", ", ").replace('"', "").split(", "):
        assert care.tiers.label(customer_named(care, name).id) == label, name


@then(parsers.parse("the serialisation degree of the tenant is {degree}"))
def degree(run: clientcare.TierRun, degree: str) -> None:
    assert run.degree == Decimal(degree)


@then("the serialisation degree is kept for each run")
def degree_history(care: clientcare.Clientcare) -> None:
    care.tiers.recompute()
    history = care.tiers.serialisation()
    assert len(history) == 2 and history[0][1].degree == history[1][1].degree


@given(parsers.parse('staff hand-pick "{name}" as a key customer'))
def hand_pick(care: clientcare.Clientcare, name: str) -> None:
    care.customers.set_key(customer_named(care, name).id, by="staff")


@then(parsers.parse('the key accounts are "{names}"'))
def key_accounts(care: clientcare.Clientcare, names: str) -> None:
    keys = {care.customers.get(cid).name for cid in care.tiers.key_accounts()}
    assert keys == set(_names(names))


@then(parsers.parse('the card of "{name}" shows a key customer'))
def card_key(care: clientcare.Clientcare, name: str) -> None:
    assert care.tiers.card(customer_named(care, name).id).key


@then(parsers.parse('the queue "{queue}" is worked in the order "{order}"'))
def queue(care: clientcare.Clientcare, queue: str, order: str) -> None:
    ids = [customer_named(care, name).id for name in _names(queue)]
    assert [care.customers.get(cid).name for cid in care.tiers.queue(ids)] == _names(order)


# -- attitude (P11) and stage (P13) --------------------------------------------


@then(parsers.parse('the attitude of "{name}" is "{segment}"'))
def attitude(care: clientcare.Clientcare, name: str, segment: str) -> None:
    assert care.tiers.attitude(customer_named(care, name).id) == segment


@when(parsers.parse('staff override the attitude of "{name}" to "{segment}" because "{reason}"'))
def override(care: clientcare.Clientcare, name: str, segment: str, reason: str) -> None:
    care.tiers.override_attitude(customer_named(care, name).id, segment, reason=reason, by="staff")


@when(parsers.parse('staff lift the override of "{name}"'))
def lift(care: clientcare.Clientcare, name: str) -> None:
    care.tiers.lift_override(customer_named(care, name).id, reason="rule applies again", by="staff")


@then(parsers.re(r'"(?P<name>[^"]+)" is an? (?P<stage>new|returning|old) customer'))
def stage(care: clientcare.Clientcare, name: str, stage: str) -> None:
    assert care.tiers.stage(customer_named(care, name).id) == stage


# -- membership (P14–P16) ------------------------------------------------------


@then(parsers.parse('"{name}" is not a member'))
def not_member(care: clientcare.Clientcare, name: str) -> None:
    assert care.membership.level(customer_named(care, name).id) is None


@then(parsers.parse('"{name}" is a "{level}" member because "{reason}"'))
def member(care: clientcare.Clientcare, name: str, level: str, reason: str) -> None:
    membership = care.membership.get(customer_named(care, name).id)
    assert (membership.level, membership.history[-1].reason) == (level, reason)


@then(
    parsers.parse(
        'at the till a basket of "{full}" full-price and "{discounted}" discounted goods for "{name}" '
        'gets "{off}" off, pays "{pays}" and earns {points:d} points'
    )
)
def till(care: clientcare.Clientcare, full: str, discounted: str, name: str, off: str, pays: str, points: int) -> None:
    basket = [
        care.membership.basket_line("NEW-02", full),
        care.membership.basket_line("OLD-09", discounted, full_price=False),
    ]
    benefits = care.membership.benefits(customer_named(care, name).id, basket)
    assert (-benefits.discount.amount, benefits.payable.amount, benefits.points) == (
        Decimal(off),
        Decimal(pays),
        points,
    )


@when(parsers.parse('staff try to invite "{name}"'), target_fixture="error")
def try_invite(care: clientcare.Clientcare, name: str) -> ClientcareError | None:
    return capture(lambda: care.membership.invite(customer_named(care, name).id, by="staff"))


@when(parsers.parse('staff invite "{name}"'))
def invite(care: clientcare.Clientcare, name: str) -> None:
    care.membership.invite(customer_named(care, name).id, by="staff")


@when(parsers.parse('"{name}" accepts the invitation'))
def accept(care: clientcare.Clientcare, name: str) -> None:
    care.membership.accept_invitation(customer_named(care, name).id)


@when("staff enrol every existing customer", target_fixture="joined")
def enrol_all(care: clientcare.Clientcare) -> int:
    return len(care.membership.enrol_all(by="staff").joined)


@then(parsers.parse("{count:d} customers joined"))
def joined_count(joined: int, count: int) -> None:
    assert joined == count


@when("the daily reminders run twice")
def reminders(care: clientcare.Clientcare) -> None:
    care.membership.remind()
    care.membership.remind()


@when("the membership review runs")
def review(care: clientcare.Clientcare) -> None:
    care.membership.review()


def _events(care: clientcare.Clientcare, kind: str, customer_id: str) -> list[OutboxMessage]:
    return [
        m
        for m in care.events.pending(limit=10_000)
        if m.name == kind and customer_id in (m.payload.get("customer_id"), m.payload.get("referrer_id"))
    ]


@then(parsers.parse('{count:d} "{kind}" event was raised for "{name}"'))
def events_counted(care: clientcare.Clientcare, count: int, kind: str, name: str) -> None:
    assert len(_events(care, kind, customer_named(care, name).id)) == count


@then(parsers.parse('an event "{kind}" was raised for "{name}"'))
def event_raised(care: clientcare.Clientcare, kind: str, name: str) -> None:
    assert _events(care, kind, customer_named(care, name).id)


@when(parsers.parse('"{name}" redeems the gift "{gift}"'))
def redeem_gift(care: clientcare.Clientcare, name: str, gift: str) -> None:
    care.points.redeem_gift(customer_named(care, name).id, gift)


@then(parsers.parse('"{name}" has {points:d} points'))
def has_points(care: clientcare.Clientcare, name: str, points: int) -> None:
    assert care.points.balance(customer_named(care, name).id) == points


@when(parsers.parse('"{name}" returns goods worth "{amount}" of that purchase'))
def returns(care: clientcare.Clientcare, purchase: clientcare.Purchase, name: str, amount: str) -> None:
    care.purchases.record_return(purchase.id, [care.purchases.line("GOODS", "100", int(Decimal(amount) / 100))])


@when(parsers.parse('"{name}" joins the members\' club'))
def join_club(care: clientcare.Clientcare, name: str) -> None:
    care.membership.join_club(customer_named(care, name).id)


@when(parsers.parse('"{name}" attends the club event "{event}"'))
def attend(care: clientcare.Clientcare, name: str, event: str) -> None:
    care.membership.attend(customer_named(care, name).id, event)


@when(parsers.parse('"{name}" receives the partner benefit "{benefit}" from "{partner}"'))
def partner(care: clientcare.Clientcare, name: str, benefit: str, partner: str) -> None:
    care.membership.grant_partner_benefit(customer_named(care, name).id, partner, benefit)


@then(parsers.parse('the membership of "{name}" shows the club, {events:d} event and {benefits:d} partner benefit'))
def club_record(care: clientcare.Clientcare, name: str, events: int, benefits: int) -> None:
    membership = care.membership.get(customer_named(care, name).id)
    assert membership.club_joined_at is not None
    assert (len(membership.events_attended), len(membership.partner_benefits)) == (events, benefits)


@then(parsers.parse('at the till in her birthday month "{name}" gets the benefit "{kind}"'))
def birthday_treat(care: clientcare.Clientcare, name: str, kind: str) -> None:
    benefits = care.membership.benefits(customer_named(care, name).id, [care.membership.basket_line("X", "100")])
    assert kind in [line.kind for line in benefits.lines]


@then(
    parsers.parse('at the till a basket of "{full}" full-price goods for "{name}" gets the benefit "{kind}" of "{off}"')
)
def till_benefit(care: clientcare.Clientcare, full: str, name: str, kind: str, off: str) -> None:
    benefits = care.membership.benefits(customer_named(care, name).id, [care.membership.basket_line("X", full)])
    assert [-line.amount.amount for line in benefits.lines if line.kind == kind] == [Decimal(off)]


@then(
    parsers.parse(
        'at the till a full-line basket of top, bottom and outerwear at "{price}" each '
        'gets the benefit "{kind}" of "{off}"'
    )
)
def bundle(care: clientcare.Clientcare, price: str, kind: str, off: str) -> None:
    basket = [care.membership.basket_line(f"S-{c}", price, category=c) for c in ("top", "bottom", "outerwear")]
    benefits = care.membership.benefits(None, basket)
    assert [-line.amount.amount for line in benefits.lines if line.kind == kind] == [Decimal(off)]


@when(parsers.parse('staff sign a one-year contract with "{name}" at "{discount}" discount'), target_fixture="contract")
def sign(care: clientcare.Clientcare, name: str, discount: str) -> clientcare.loyalty.Contract:
    return care.membership.sign_contract(customer_named(care, name).id, discount=discount, days=365)


@when("staff renew the contract for another year")
def renew(care: clientcare.Clientcare, contract: clientcare.loyalty.Contract) -> None:
    care.membership.renew_contract(contract.id, days=365)


@then(parsers.parse('the contract of "{name}" ends after {days:d} days'))
def contract_end(care: clientcare.Clientcare, name: str, days: int) -> None:
    [contract] = care.membership.contracts(customer_named(care, name).id)
    assert contract.ends_at - contract.starts_at == timedelta(days=days)


# -- referrals (P33) -----------------------------------------------------------


@when(parsers.parse('"{referrer}" refers "{referred}"'))
def refers(care: clientcare.Clientcare, referrer: str, referred: str) -> None:
    care.referrals.record(customer_named(care, referrer).id, customer_named(care, referred).id, by="staff")


@when(parsers.parse('"{referrer}" tries to refer "{referred}"'), target_fixture="error")
def try_refer(care: clientcare.Clientcare, referrer: str, referred: str) -> ClientcareError | None:
    return capture(
        lambda: care.referrals.record(customer_named(care, referrer).id, customer_named(care, referred).id, by="staff")
    )


@then(parsers.re(r'the open leads are "(?P<names>[^"]*)"'))
def open_leads(care: clientcare.Clientcare, names: str) -> None:
    assert [care.customers.get(r.referred_id).name for r in care.referrals.leads()] == _names(names)


@then(parsers.parse('the season\'s catalogue goes to "{name}" only'))
def catalogue(care: clientcare.Clientcare, name: str) -> None:
    assert care.membership.catalogue_recipients() == [customer_named(care, name).id]
