"""Steps for analytics (P63, P64, P66, P31): composition, figures, stores, RFM, cohorts, Pareto, staff sales."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock

scenarios("analytics.feature")

MONTHS = {"December 2025": ("2025-12-01", "2026-01-01"), "January 2026": ("2026-01-01", "2026-02-01")}


def month(name: str) -> tuple[datetime, datetime]:
    start, end = MONTHS[name]
    return datetime.fromisoformat(f"{start}T00:00:00+08:00"), datetime.fromisoformat(f"{end}T00:00:00+08:00")


def customer_id(care: clientcare.Clientcare, name: str) -> str:
    found = [c for c in care.customers.search(name=name) if c.name == name]
    if found:
        return found[0].id
    return care.customers.register(name, f"1380000{len(name) * 1000 + sum(map(ord, name)) % 1000:04d}").id


def rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    header, *body = datatable
    return [dict(zip(header, row, strict=True)) for row in body]


@given(parsers.parse("these sales in {period}:"))
def sales(care: clientcare.Clientcare, clock: FixedClock, period: str, datatable: list[list[str]]) -> None:
    start, _ = month(period)
    for day, row in enumerate(rows(datatable), start=1):
        line = care.purchases.line(row["style"], row["price"], int(row["quantity"]))
        care.purchases.record(
            customer_id(care, row["customer"]),
            [line],
            store_id=row["store"],
            staff_id=row.get("staff"),
            at=start.replace(day=day),
        )


@then(parsers.re(r"sales by product in (?P<period>[\w ]+) are (?P<expected>.+)"))
def by_product(care: clientcare.Clientcare, period: str, expected: str) -> None:
    result = care.analytics.composition(*month(period), by="product")
    assert [(r.key, r.sales.amount) for r in result] == parse_pairs(expected)


@given("the stores lie in these regions:", target_fixture="regions")
def regions(datatable: list[list[str]]) -> dict[str, str]:
    return {r["store"]: r["region"] for r in rows(datatable)}


@given(parsers.parse('the tiers are recomputed on the sales up to {day:d} January 2026, when only "{name}" had bought'))
def tiers_recomputed(care: clientcare.Clientcare, day: int, name: str) -> None:
    start, _ = month("January 2026")
    # Tier periods are (start, end]: open a day early so the sale at midnight on the 1st counts.
    care.tiers.recompute(start=start - timedelta(days=1), end=start.replace(day=day) - timedelta(seconds=1))
    assert care.tiers.label(customer_id(care, name)) == "A"


@then(parsers.re(r"sales by region in (?P<period>[\w ]+) are (?P<expected>.+)"))
def by_region(care: clientcare.Clientcare, regions: dict[str, str], period: str, expected: str) -> None:
    result = care.analytics.composition(*month(period), by="region", regions=regions)
    assert [(r.key, r.sales.amount) for r in result] == parse_pairs(expected)


@then(parsers.re(r"sales by grade in (?P<period>[\w ]+) are (?P<expected>.+)"))
def by_grade(care: clientcare.Clientcare, period: str, expected: str) -> None:
    result = care.analytics.composition(*month(period), by="grade")
    assert [(r.key, r.sales.amount) for r in result] == parse_pairs(expected)


@given(parsers.parse("the {period} figures are kept as the baseline"), target_fixture="baseline")
def baseline(care: clientcare.Clientcare, period: str) -> clientcare.RelationshipFigures:
    return care.analytics.figures(*month(period))


@when(parsers.parse("the {period} figures are taken"), target_fixture="current")
def current(care: clientcare.Clientcare, period: str) -> clientcare.RelationshipFigures:
    return care.analytics.figures(*month(period))


@then(parsers.parse("retention is {retention} and churn is {churn}"))
def retention(current: clientcare.RelationshipFigures, retention: str, churn: str) -> None:
    assert (current.retention_rate, current.churn_rate) == (Decimal(retention), Decimal(churn))


@then(parsers.parse("{share} of January's sales came from customers who had bought before"))
def repeat_share(current: clientcare.RelationshipFigures, share: str) -> None:
    assert current.repeat_share == Decimal(share)


@then(parsers.parse("the effect against the baseline shows {now:d} buyers instead of {then:d}"))
def effect(
    care: clientcare.Clientcare,
    baseline: clientcare.RelationshipFigures,
    current: clientcare.RelationshipFigures,
    now: int,
    then: int,
) -> None:
    row = next(r for r in care.analytics.effect(baseline, current) if r.figure == "buyers")
    assert (row.baseline, row.current, row.change) == (then, now, now - then)


@when("stores are compared:", target_fixture="comparison")
def compare(care: clientcare.Clientcare, datatable: list[list[str]]) -> clientcare.StoreComparison:
    stores = [
        clientcare.StoreTraffic(
            store=r["store"],
            new_visitors=int(r["new visitors"]),
            new_conversion=Decimal(r["new conversion"]),
            new_ticket=clientcare.Money.of(r["new ticket"]),
            old_visitors=int(r["old visitors"]),
            old_conversion=Decimal(r["old conversion"]),
            old_ticket=clientcare.Money.of(r["old ticket"]),
        )
        for r in rows(datatable)
    ]
    return care.analytics.compare_stores(stores)


@then(parsers.re(r'store "(?P<store>[^"]+)" sold (?P<amount>[\d.]+)(, where the document printed (?P<printed>\d+))?'))
def store_sold(comparison: clientcare.StoreComparison, store: str, amount: str, printed: str | None) -> None:
    sold = next(r for r in comparison.rows if r.store == store).sales
    assert sold == clientcare.Money.of(amount) and (printed is None or sold != clientcare.Money.of(printed))


@then(parsers.parse('"{leader}" leads, and "{store}" trails by {gap} of which {old} from old customers'))
def trails(comparison: clientcare.StoreComparison, leader: str, store: str, gap: str, old: str) -> None:
    row = next(r for r in comparison.rows if r.store == store)
    assert comparison.leader == leader
    assert (row.gap, row.gap_from_old) == (clientcare.Money.of(gap), clientcare.Money.of(old))


def parse_pairs(text: str) -> list[tuple[str, Decimal]]:
    pairs = []
    for chunk in text.split(", "):
        key, amount = chunk.rsplit(" ", 1)
        pairs.append((key.strip('"'), Decimal(amount)))
    return pairs


def span(first: str, last: str) -> tuple[datetime, datetime]:
    return month(first)[0], month(last)[1]


@then(parsers.parse("the RFM scores from {first} to {last} are:"))
def rfm_scores(care: clientcare.Clientcare, first: str, last: str, datatable: list[list[str]]) -> None:
    scores = {s.customer_id: s for s in care.analytics.rfm(*span(first, last))}
    expected = rows(datatable)
    assert len(scores) == len(expected)
    for row in expected:
        s = scores[customer_id(care, row["customer"])]
        assert (s.recency, s.frequency, s.monetary, s.segment.value) == (
            int(row["recency"]),
            int(row["frequency"]),
            int(row["monetary"]),
            row["segment"],
        ), row["customer"]


@then(parsers.parse("the {period} cohort kept {kept:d} of its {size:d} customers a month later, a share of {share}"))
def cohort_kept(care: clientcare.Clientcare, period: str, kept: int, size: int, share: str) -> None:
    start, _ = month(period)
    cells = {(c.cohort, c.months_since): c for c in care.analytics.cohorts(start.date(), date(2026, 1, 1))}
    label = f"{start.year:04d}-{start.month:02d}"
    assert cells[(label, 0)].customers == size
    assert (cells[(label, 1)].customers, cells[(label, 1)].share) == (kept, Decimal(share))


@then(parsers.parse("the top {top:d} of {count:d} spenders from {first} to {last} made {share} of the spend"))
def pareto(care: clientcare.Clientcare, top: int, count: int, first: str, last: str, share: str) -> None:
    curve = care.analytics.pareto(*span(first, last), points=count)
    assert [p.customers for p in curve] == list(range(1, count + 1))
    assert curve[top - 1].spend_share == Decimal(share)


@then(parsers.parse("staff sales in {period} are:"))
def staff_sales(care: clientcare.Clientcare, period: str, datatable: list[list[str]]) -> None:
    found = [
        (s.staff, s.sales, s.net_sales, s.customers, s.new_customers) for s in care.analytics.staff(*month(period))
    ]
    assert found == [
        (r["staff"], int(r["receipts"]), Decimal(r["net sales"]), int(r["customers"]), int(r["new customers"]))
        for r in rows(datatable)
    ]


# -- P63 categories, P64 lifetime and wallet, P27 lost customers --------------------------


@given("the styles fall in these categories:", target_fixture="categories")
def categories(datatable: list[list[str]]) -> dict[str, str]:
    return {r["style"]: r["category"] for r in rows(datatable)}


@then(parsers.parse("sales by category in {period} are:"))
def by_category(
    care: clientcare.Clientcare, categories: dict[str, str], period: str, datatable: list[list[str]]
) -> None:
    found = care.analytics.composition(*month(period), by="category", categories=categories)
    shown = [(r.key, r.sales.amount, r.share, r.units, r.units_share) for r in found]
    assert shown == [(k, Decimal(s), Decimal(sh), int(u), Decimal(us)) for k, s, sh, u, us in datatable[1:]]


@then(
    parsers.parse(
        "a month's retention of {monthly} is {yearly} a year, giving a lifetime value of {value} "
        "and a lifetime profit of {profit}"
    )
)
def lifetime(current: clientcare.RelationshipFigures, monthly: str, yearly: str, value: str, profit: str) -> None:
    found = (current.retention_rate, current.yearly_retention, current.lifetime_value, current.lifetime_profit)
    assert found == (Decimal(monthly), Decimal(yearly), clientcare.Money.of(value), clientcare.Money.of(profit))


@then(parsers.parse('"{name}" who spent {spend} on clothes in {period} gave us a share of wallet of {share}'))
def wallet(care: clientcare.Clientcare, name: str, spend: str, period: str, share: str) -> None:
    found = care.analytics.share_of_wallet(customer_id(care, name), clientcare.Money.of(spend), *month(period))
    assert found == Decimal(share)


@given(parsers.parse('"{name}" may be asked by phone for surveys'))
def survey_consent(care: clientcare.Clientcare, name: str) -> None:
    care.privacy.give_consent(customer_id(care, name), "surveys", "phone", method="verbal", source="in_store")


@when(parsers.parse("{days:d} days pass and the daily run plans the day"))
def daily_after(care: clientcare.Clientcare, clock: FixedClock, days: int) -> None:
    clock.advance(days=days)
    care.daily.run()


@when(parsers.parse('staff interview "{name}": gone for "{reason}" to "{rival}", may come back'))
def interview(care: clientcare.Clientcare, name: str, reason: str, rival: str) -> None:
    touch = next(t for t in care.touches.for_customer(customer_id(care, name)) if t.reason == "lost_interview")
    care.touches.interview(touch.id, by="小李", reason=reason, competitor=rival, win_back=True)


@then(parsers.parse('the lost old customers are "{names}", and "{silent}" was never interviewed'))
def lost_list(care: clientcare.Clientcare, names: str, silent: str) -> None:
    lost = care.analytics.lost_customers()
    assert sorted(c.customer_id for c in lost.customers) == sorted(customer_id(care, n) for n in names.split(", "))
    assert [c.customer_id for c in lost.customers if not c.interviewed] == [customer_id(care, silent)]


@then(parsers.parse('the interviews found "{reason}" once and "{rival}" once, and {back:d} may come back'))
def lost_reasons(care: clientcare.Clientcare, reason: str, rival: str, back: int) -> None:
    lost = care.analytics.lost_customers()
    assert (lost.reasons, lost.competitors, lost.win_back) == (((reason, 1),), ((rival, 1),), back)
