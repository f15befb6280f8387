"""Steps for issue 17, P52: price objections follow seed 003, each scenario quoting its passage."""

from __future__ import annotations

from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.complaints import PriceQuote
from clientcare.errors import ClientcareError

scenarios("documents_pricing.feature")


@given(parsers.parse('"{name}" bought {times:d} times for {amount:d} yuan and the tiers were recomputed'))
def bought_and_tiered(care: clientcare.Clientcare, name: str, times: int, amount: int) -> None:
    customer = customer_named(care, name)
    for n in range(times):
        care.purchases.record(customer.id, [care.purchases.line("P-1", str(amount))], receipt_id=f"{name}-{n}")
    care.tiers.recompute()


@given(parsers.parse('"{name}" bought once for {amount:d} yuan'))
def bought_once(care: clientcare.Clientcare, name: str, amount: int) -> None:
    customer = customer_named(care, name)
    care.purchases.record(customer.id, [care.purchases.line("P-1", str(amount))], receipt_id=f"{name}-1")


@given(parsers.parse('"{name}" says the price of an order at {price:d} is too high'), target_fixture="complaint_id")
def price_complaint(care: clientcare.Clientcare, name: str, price: int) -> str:
    c = care.complaints
    complaint = c.file(
        customer_named(care, name).id, channel="phone", category="price", description="价格太高", by="李"
    )
    c.listen(complaint.id, heard="价格太高", by="李")
    c.apologise(complaint.id, by="李")
    c.diagnose(complaint.id, root_cause="新供应商报价", cause="price", by="李")
    c.decide(complaint.id, answer="return_or_negotiate", story="按成本和量重新报价", by="李")
    return complaint.id


@when(parsers.parse('handler "{who}" offers a refund of {refund:d} or a gift worth {gift:d} on the price of {price:d}'))
def offers(care: clientcare.Clientcare, complaint_id: str, who: str, refund: int, gift: int, price: int) -> None:
    c = care.complaints
    options = [
        c.option("refund", c.remedy("refund", refund, list_price=price)),
        c.option("gift", c.remedy("gift", gift, list_price=price)),
    ]
    c.offer_options(complaint_id, options, by=who)


@when(parsers.parse('handler "{who}" records the customer\'s choice of option {number:d}'), target_fixture="error")
def records_choice(care: clientcare.Clientcare, complaint_id: str, who: str, number: int) -> ClientcareError | None:
    return capture(lambda: care.complaints.choose(complaint_id, number - 1, actor=clientcare.Actor(who, "handler")))


@then("the choice is refused until the market, the competitor's quote and after-sales are checked")
def refused_until_checked(care: clientcare.Clientcare, complaint_id: str, error: ClientcareError | None) -> None:
    assert error is not None and getattr(error, "rule", None) == "complaint.price_check"
    assert care.complaints.get(complaint_id).status.value == "options_offered"


@when(parsers.parse('"{who}" checks the market, the competitor\'s quote and after-sales problems'))
def price_checklist(care: clientcare.Clientcare, complaint_id: str, who: str) -> None:
    for item, finding in (("market", "no fall"), ("competitor_quote", "close quote"), ("after_sales", "none")):
        care.complaints.check_price(complaint_id, item, finding=finding, by=who)


@then("the refund waits for an approval because the concession is above the cap")
def above_cap(care: clientcare.Clientcare, complaint_id: str, error: ClientcareError | None) -> None:
    complaint = care.complaints.get(complaint_id)
    assert error is None and complaint.status.value == "awaiting_approval"
    assert complaint.approval_reason == "concession above cap"


@when(
    parsers.parse('"{who}" quotes "{name}" from a full cost of {cost:d} with the market at {market:d}'),
    target_fixture="quote",
)
def quotes(care: clientcare.Clientcare, who: str, name: str, cost: int, market: int) -> PriceQuote:
    complaint = care.complaints.for_customer(customer_named(care, name).id, open_only=True)[0]
    return care.complaints.quote(complaint.id, list_price=1000, unit_cost=cost, market_price=market, by=who)


@then(
    parsers.re(
        r"the quote is (?P<price>[\d.]+), for an old customer of tier \"(?P<tier>\w)\", "
        r"(?P<off>[\d.]+) off, needing no approval"
    )
)
def old_quote(quote: PriceQuote, price: str, tier: str, off: str) -> None:
    assert (quote.price.amount, quote.old_customer, str(quote.tier)) == (Decimal(price), True, tier)
    assert (quote.concession_share, quote.needs_approval) == (Decimal(off), False)


@then(
    parsers.re(
        r"the quote is (?P<price>[\d.]+), for a new customer, (?P<off>[\d.]+) off, needing (?P<need>no|an) approval"
    )
)
def new_quote(quote: PriceQuote, price: str, off: str, need: str) -> None:
    assert (quote.price.amount, quote.old_customer, quote.concession_share) == (Decimal(price), False, Decimal(off))
    assert quote.needs_approval is (need == "an")
