"""The reference implementations of the analytics port, over purchases in Python.

The memory adapter answers with these; the SQL adapter computes the same in
the database, and the analytics contract holds both to them. They read each
purchase once and keep one small record per customer or slice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from clientcare.analytics._results import (
    BuyerSpan,
    CohortCell,
    ParetoPoint,
    RelationshipCounts,
    RfmScore,
    RfmSegment,
    RfmSegmentRow,
    Slice,
    SliceTotal,
    StaffSales,
    StoreBuyers,
    cohort_cell,
    quintile,
)
from clientcare.errors import ValidationError
from clientcare.purchases._model import Purchase, PurchaseKind

__all__ = [
    "buyer_spans_of",
    "cohort_cells",
    "composition_totals",
    "month_index",
    "pareto_curve",
    "relationship_counts",
    "rfm_scores",
    "rfm_segment_rows",
    "staff_sales_of",
    "store_buyers_of",
]


def _sale(purchase: Purchase) -> bool:
    return purchase.kind is PurchaseKind.SALE


def _in(purchase: Purchase, start: datetime, end: datetime) -> bool:
    return start <= purchase.occurred_at < end


def composition_totals(
    purchases: Iterable[Purchase],
    *,
    start: datetime,
    end: datetime,
    by: Slice,
    regions: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
) -> list[SliceTotal]:
    """P63: net sales (line totals, returns negative), units and distinct customers per slice, by key."""

    def key(purchase: Purchase, style_no: str) -> str:
        if by == "product":
            return style_no
        if by == "category":
            return (categories or {}).get(style_no, "unknown")
        if by == "store":
            return purchase.store_id or "unknown"
        if by == "region":
            return (regions or {}).get(purchase.store_id or "", "unknown")
        if purchase.customer_id is None:
            return "walk-in"
        return (labels or {}).get(purchase.customer_id, "unknown")

    sales: dict[str, Decimal] = defaultdict(Decimal)
    units: dict[str, int] = defaultdict(int)
    buyers: dict[str, set[str]] = defaultdict(set)
    for purchase in purchases:
        if not _in(purchase, start, end):
            continue
        sign = 1 if _sale(purchase) else -1
        for line in purchase.lines:
            k = key(purchase, line.style_no)
            sales[k] += sign * line.total.amount
            units[k] += sign * line.quantity
            if purchase.customer_id is not None:
                buyers[k].add(purchase.customer_id)
    return [SliceTotal(key=k, net_sales=sales[k], units=units[k], customers=len(buyers[k])) for k in sorted(sales)]


def relationship_counts(purchases: Iterable[Purchase], *, start: datetime, end: datetime) -> RelationshipCounts:
    """P64: see :class:`RelationshipCounts`; the previous period is ``[start − (end − start), start)``."""
    previous_start = start - (end - start)
    first_sale: dict[str, datetime] = {}
    current: set[str] = set()
    previous: set[str] = set()
    spend: dict[str | None, Decimal] = defaultdict(Decimal)
    for purchase in purchases:
        who, at = purchase.customer_id, purchase.occurred_at
        if at >= end:
            continue
        if at >= start:
            spend[who] += purchase.amount.amount
        if who is None or not _sale(purchase):
            continue
        if who not in first_sale or at < first_sale[who]:
            first_sale[who] = at
        if at >= start:
            current.add(who)
        elif at >= previous_start:
            previous.add(who)
    repeat = sum((v for who, v in spend.items() if who is not None and first_sale.get(who, end) < start), Decimal(0))
    return RelationshipCounts(
        buyers=len(current),
        previous_buyers=len(previous),
        retained=len(current & previous),
        net_sales=sum(spend.values(), Decimal(0)),
        repeat_sales=repeat,
    )


def store_buyers_of(
    purchases: Iterable[Purchase], *, start: datetime, end: datetime, stores: Collection[str] | None = None
) -> list[StoreBuyers]:
    """P66: see :class:`StoreBuyers`; new means the customer's first sale ever is in the period."""
    first_sale: dict[str, datetime] = {}
    window: list[tuple[str, str, Decimal]] = []
    for purchase in purchases:
        who, at = purchase.customer_id, purchase.occurred_at
        if who is None or not _sale(purchase) or at >= end:
            continue
        if who not in first_sale or at < first_sale[who]:
            first_sale[who] = at
        if at >= start and purchase.store_id is not None and (stores is None or purchase.store_id in stores):
            window.append((purchase.store_id, who, purchase.amount.amount))
    new: dict[str, set[str]] = defaultdict(set)
    old: dict[str, set[str]] = defaultdict(set)
    new_sales: dict[str, Decimal] = defaultdict(Decimal)
    old_sales: dict[str, Decimal] = defaultdict(Decimal)
    for store, who, amount in window:
        if first_sale[who] >= start:
            new[store].add(who)
            new_sales[store] += amount
        else:
            old[store].add(who)
            old_sales[store] += amount
    return [
        StoreBuyers(
            store=s,
            new_buyers=len(new[s]),
            new_sales=new_sales[s],
            old_buyers=len(old[s]),
            old_sales=old_sales[s],
        )
        for s in sorted({store for store, _, _ in window})
    ]


def _ranks(values: Mapping[str, object]) -> dict[str, int]:
    """1-based ranks ascending, ties sharing the lowest (SQL's RANK())."""
    ordered = sorted(values.items(), key=lambda kv: kv[1])  # type: ignore[arg-type,return-value]
    ranks: dict[str, int] = {}
    for position, (who, value) in enumerate(ordered, start=1):
        before = ordered[position - 2] if position > 1 else None
        ranks[who] = ranks[before[0]] if before is not None and before[1] == value else position
    return ranks


def rfm_scores(purchases: Iterable[Purchase], *, start: datetime, end: datetime) -> list[RfmScore]:
    """RFM of every customer with a sale in ``[start, end)``, by customer id (see :class:`RfmSegment`)."""
    last: dict[str, datetime] = {}
    count: dict[str, int] = defaultdict(int)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for purchase in purchases:
        who = purchase.customer_id
        if who is None or not _in(purchase, start, end):
            continue
        spend[who] += purchase.amount.amount
        if _sale(purchase):
            count[who] += 1
            if who not in last or purchase.occurred_at > last[who]:
                last[who] = purchase.occurred_at
    population = len(last)
    r, f, m = _ranks(last), _ranks(count), _ranks({who: spend[who] for who in last})
    scores = []
    for who in sorted(last):
        rs, fs, ms = (quintile(x[who], population) for x in (r, f, m))
        scores.append(
            RfmScore(
                customer_id=who,
                last_purchase_at=last[who],
                purchases=count[who],
                spend=spend[who],
                recency=rs,
                frequency=fs,
                monetary=ms,
                segment=RfmSegment.of(rs, fs, ms),
            )
        )
    return scores


def rfm_segment_rows(scores: Iterable[RfmScore]) -> list[RfmSegmentRow]:
    """Customers and spend per segment, segments in their declared order, empty ones left out."""
    customers: dict[RfmSegment, int] = defaultdict(int)
    spend: dict[RfmSegment, Decimal] = defaultdict(Decimal)
    for score in scores:
        customers[score.segment] += 1
        spend[score.segment] += score.spend
    return [RfmSegmentRow(segment=s, customers=customers[s], spend=spend[s]) for s in RfmSegment if customers[s]]


def month_index(moment: date) -> int:
    """Months since year 0: ``year × 12 + month − 1`` (of an aware datetime: in its own offset)."""
    return moment.year * 12 + moment.month - 1


def month_label(index: int) -> str:
    """``YYYY-MM`` of a :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cohort_cells(purchases: Iterable[Purchase], *, first: date, last: date) -> list[CohortCell]:
    """The retention matrix (see :class:`CohortCell`), by cohort then months since."""
    low, high = month_index(first), month_index(last)
    if high < low:
        raise ValidationError("last", "must not be before first")
    months: dict[str, set[int]] = defaultdict(set)
    for purchase in purchases:
        if purchase.customer_id is not None and _sale(purchase):
            months[purchase.customer_id].add(month_index(purchase.occurred_at))
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for active in months.values():
        cohort = min(active)
        if low <= cohort <= high:
            for month in active:
                if month <= high:
                    cells[(cohort, month - cohort)] += 1
    return [
        cohort_cell(month_label(cohort), since, cells[(cohort, since)], cells[(cohort, 0)])
        for cohort, since in sorted(cells)
    ]


def pareto_curve(
    purchases: Iterable[Purchase], *, start: datetime, end: datetime, points: int = 20
) -> list[ParetoPoint]:
    """The Pareto curve (see :class:`ParetoPoint`): after each of ``points`` even steps of customers,
    ranked by net spend (largest first), the share of spend they made."""
    if points < 1:
        raise ValidationError("points", "must be at least 1")
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for purchase in purchases:
        if purchase.customer_id is not None and _in(purchase, start, end):
            spend[purchase.customer_id] += purchase.amount.amount
    ranked = sorted((v for v in spend.values() if v > 0), reverse=True)
    population, total = len(ranked), sum(ranked, Decimal(0))
    curve: list[ParetoPoint] = []
    running = Decimal(0)
    for n, value in enumerate(ranked, start=1):
        running += value
        # Keep the row where the step count crosses into the next of ``points`` steps.
        if (n * points) // population > ((n - 1) * points) // population:
            curve.append(
                ParetoPoint.at(customers=n, population=population, cumulative_spend=running, total_spend=total)
            )
    return curve


def staff_sales_of(purchases: Iterable[Purchase], *, start: datetime, end: datetime) -> list[StaffSales]:
    """P31: see :class:`StaffSales`; receipts without a staff member are left out."""
    first_sale: dict[str, datetime] = {}
    window: list[Purchase] = []
    for purchase in purchases:
        who, at = purchase.customer_id, purchase.occurred_at
        if at >= end:
            continue
        if who is not None and _sale(purchase) and (who not in first_sale or at < first_sale[who]):
            first_sale[who] = at
        if at >= start and purchase.staff_id is not None:
            window.append(purchase)
    sales: dict[str, int] = defaultdict(int)
    returns: dict[str, int] = defaultdict(int)
    net: dict[str, Decimal] = defaultdict(Decimal)
    customers: dict[str, set[str]] = defaultdict(set)
    new: dict[str, set[str]] = defaultdict(set)
    for purchase in window:
        staff, who = purchase.staff_id or "", purchase.customer_id
        net[staff] += purchase.amount.amount
        if not _sale(purchase):
            returns[staff] += 1
            continue
        sales[staff] += 1
        if who is not None:
            customers[staff].add(who)
            if first_sale[who] == purchase.occurred_at:
                new[staff].add(who)
    return [
        StaffSales(
            staff=staff,
            sales=sales[staff],
            returns=returns[staff],
            net_sales=net[staff],
            customers=len(customers[staff]),
            new_customers=len(new[staff]),
        )
        for staff in sorted(net)
    ]


def buyer_spans_of(
    purchases: Iterable[Purchase],
    *,
    end: datetime,
    silent_since: datetime,
    referrals: Mapping[str, int],
    poor: Collection[str],
    labels: Mapping[str, str],
) -> list[BuyerSpan]:
    """P27: every known customer whose last sale before ``end`` came before ``silent_since``, by id."""
    spans: dict[str, tuple[datetime, datetime, int]] = {}
    for purchase in purchases:
        who = purchase.customer_id
        if who is None or not _sale(purchase) or purchase.occurred_at >= end:
            continue
        at = purchase.occurred_at
        first, last, count = spans.get(who, (at, at, 0))
        spans[who] = (min(first, at), max(last, at), count + 1)
    return [
        BuyerSpan(
            customer_id=who,
            first_sale=first,
            last_sale=last,
            sales=count,
            referrals=referrals.get(who, 0),
            poor_relationship=who in poor,
            grade=labels.get(who),
        )
        for who, (first, last, count) in sorted(spans.items())
        if last < silent_since
    ]
