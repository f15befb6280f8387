"""Steps for the deal archive (P05)."""

from __future__ import annotations

from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import parsers, scenarios, then, when

import clientcare
from clientcare.errors import ClientcareError

scenarios("deals.feature")


@when(
    parsers.parse('"{name}" buys at store "{store}" from staff "{staff}":'),
    target_fixture="purchase",
)
def buys(
    care: clientcare.Clientcare, name: str, store: str, staff: str, datatable: list[list[str]]
) -> clientcare.Purchase:
    header, *rows = datatable
    lines = [
        care.purchases.line(
            r["style"], r["price"], int(r["quantity"]), size=r["size"], colour=r["colour"], structure=r["structure"]
        )
        for r in (dict(zip(header, row, strict=True)) for row in rows)
    ]
    return care.purchases.record(customer_named(care, name).id, lines, store_id=store, staff_id=staff)


@when(parsers.parse('"{name}" returns {quantity:d} of style "{style}"'))
def returns(care: clientcare.Clientcare, purchase: clientcare.Purchase, quantity: int, style: str) -> None:
    line = next(line for line in purchase.lines if line.style_no == style)
    care.purchases.record_return(purchase.id, [care.purchases.line(style, line.unit_price.amount, quantity)])


@when(parsers.parse('"{name}" tries to return {quantity:d} more of style "{style}"'), target_fixture="error")
def try_return(
    care: clientcare.Clientcare, purchase: clientcare.Purchase, quantity: int, style: str
) -> ClientcareError | None:
    line = next(line for line in purchase.lines if line.style_no == style)
    return capture(
        lambda: care.purchases.record_return(
            purchase.id, [care.purchases.line(style, line.unit_price.amount, quantity)]
        )
    )


@when(parsers.parse('"{name}" reports style "{style}" after {years} years as "{condition}"'))
def report(care: clientcare.Clientcare, purchase: clientcare.Purchase, style: str, years: str, condition: str) -> None:
    care.purchases.report_condition(purchase.id, style_no=style, years_in_use=years, condition=condition, by="客服")


@when(parsers.parse('the POS sends receipt "{receipt}" for "{name}" twice'))
def pos_twice(care: clientcare.Clientcare, receipt: str, name: str) -> None:
    for _ in range(2):
        care.purchases.record(
            customer_named(care, name).id, [care.purchases.line("QY-2301", "899.00")], receipt_id=receipt
        )


@then(parsers.parse('the figures of "{name}" show {count:d} purchase worth "{amount}"'))
def figures(care: clientcare.Clientcare, name: str, count: int, amount: str) -> None:
    result = care.purchases.figures(customer_named(care, name).id)
    assert (result.purchase_count, result.total_spend) == (count, clientcare.Money.of(amount))


@then(parsers.parse('the figures of "{name}" show {count:d} return'))
def return_count(care: clientcare.Clientcare, name: str, count: int) -> None:
    assert care.purchases.figures(customer_named(care, name).id).return_count == count


@then(parsers.parse('the deal archive of "{name}" lists style "{style}" in size "{size}" and colour "{colour}"'))
def archive_lists(care: clientcare.Clientcare, name: str, style: str, size: str, colour: str) -> None:
    lines = [line for p in care.purchases.for_customer(customer_named(care, name).id) for line in p.lines]
    assert any((line.style_no, line.size, line.colour) == (style, size, colour) for line in lines)


@then(parsers.parse('the deal archive of "{name}" shows style "{style}" used {years} years in condition "{condition}"'))
def archive_condition(care: clientcare.Clientcare, name: str, style: str, years: str, condition: str) -> None:
    (purchase,) = care.purchases.for_customer(customer_named(care, name).id)
    (report,) = purchase.condition_reports
    assert (report.style_no, report.years_in_use, report.condition) == (style, Decimal(years), condition)
