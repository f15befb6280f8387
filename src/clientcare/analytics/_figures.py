"""Analysis of the relationship (P63, P64, P66) as pure functions.

Nothing here reads storage: the analytics port aggregates the purchases and
the service hands its small rows in (``composition`` still takes purchases,
for callers holding a few in hand), so the arithmetic is easy to check by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.analytics._results import SliceTotal
from clientcare.errors import ValidationError
from clientcare.kernel._values import Money
from clientcare.purchases._model import Purchase, PurchaseKind

__all__ = [
    "CompositionRow",
    "EffectRow",
    "RelationshipFigures",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "compare_stores",
    "composition",
    "composition_rows",
    "effect",
    "lifetime_value",
    "retention_rate",
    "share_of_wallet",
]

_RATE = Decimal("0.0001")


def _rate(value: Decimal) -> Decimal:
    return value.quantize(_RATE, ROUND_HALF_UP)


def _fraction(field: str, value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValidationError(field, "must be between 0 and 1")
    return value


def _count(field: str, value: int) -> int:
    if value < 0:
        raise ValidationError(field, "must not be negative")
    return value


@attrs.frozen(kw_only=True)
class StoreTraffic:
    """P66: one store's visitors, conversion and average ticket, new and old customers apart."""

    store: str
    new_visitors: int
    new_conversion: Decimal
    new_ticket: Money
    old_visitors: int
    old_conversion: Decimal
    old_ticket: Money

    def __attrs_post_init__(self) -> None:
        _count("new_visitors", self.new_visitors)
        _count("old_visitors", self.old_visitors)
        _fraction("new_conversion", self.new_conversion)
        _fraction("old_conversion", self.old_conversion)
        if self.new_ticket.currency != self.old_ticket.currency:
            raise ValidationError("old_ticket", "must be in the same currency as new_ticket")

    @property
    def new_buyers(self) -> Decimal:
        """New visitors × their conversion."""
        return self.new_visitors * self.new_conversion

    @property
    def old_buyers(self) -> Decimal:
        """Old visitors × their conversion."""
        return self.old_visitors * self.old_conversion

    @property
    def new_sales(self) -> Money:
        """New buyers × the new customers' average ticket."""
        return self.new_ticket * self.new_buyers

    @property
    def old_sales(self) -> Money:
        """Old buyers × the old customers' average ticket."""
        return self.old_ticket * self.old_buyers

    @property
    def sales(self) -> Money:
        """P66: new visitors × conversion × ticket + old visitors × conversion × ticket."""
        return (self.new_sales + self.old_sales).quantize()

    @property
    def old_share(self) -> Decimal:
        """Share of the store's sales that came from old customers."""
        total = self.sales.amount
        return _rate(self.old_sales.amount / total) if total else Decimal(0)


@attrs.frozen(kw_only=True)
class StoreGap:
    """How far a store is behind the leader, split into the new and old customers' parts."""

    store: str
    sales: Money
    gap: Money
    gap_from_new: Money
    gap_from_old: Money
    old_share: Decimal


@attrs.frozen(kw_only=True)
class StoreComparison:
    """P66: stores ranked by sales, each with its gap to the leader."""

    leader: str
    rows: tuple[StoreGap, ...]


def compare_stores(stores: Sequence[StoreTraffic]) -> StoreComparison:
    """Rank stores by sales and explain each gap by new and old customers."""
    if not stores:
        raise ValidationError("stores", "at least one store")
    ranked = sorted(stores, key=lambda s: (-s.sales.amount, s.store))
    top = ranked[0]
    rows = tuple(
        StoreGap(
            store=s.store,
            sales=s.sales,
            gap=(top.sales - s.sales).quantize(),
            gap_from_new=(top.new_sales - s.new_sales).quantize(),
            gap_from_old=(top.old_sales - s.old_sales).quantize(),
            old_share=s.old_share,
        )
        for s in ranked
    )
    return StoreComparison(leader=top.store, rows=rows)


@attrs.frozen(kw_only=True)
class CompositionRow:
    """P63: one slice of sales (a grade, a product, a store or a region)."""

    key: str
    sales: Money
    share: Decimal
    units: int
    customers: int
    #: The slice's share of the units sold (seed 003: 商品總銷售量中各類商品所占比重).
    units_share: Decimal = Decimal(0)


def composition(
    purchases: Iterable[Purchase], key: Callable[[Purchase, str], str], currency: str, *, by_line: bool = False
) -> list[CompositionRow]:
    """Net sales split by ``key(purchase, style_no)``, largest first.

    With ``by_line`` each line is keyed (for products); otherwise whole
    purchases are. Returns subtract from their slice.
    """
    sales: dict[str, Decimal] = defaultdict(Decimal)
    units: dict[str, int] = defaultdict(int)
    buyers: dict[str, set[str]] = defaultdict(set)
    for purchase in purchases:
        sign = -1 if purchase.kind is PurchaseKind.RETURN else 1
        for line in purchase.lines if by_line else purchase.lines[:1]:
            slice_key = key(purchase, line.style_no)
            if by_line:
                sales[slice_key] += sign * line.total.amount
                units[slice_key] += sign * line.quantity
            else:
                sales[slice_key] += purchase.amount.amount
                units[slice_key] += sign * sum(x.quantity for x in purchase.lines)
            if purchase.customer_id is not None:
                buyers[slice_key].add(purchase.customer_id)
    total = sum(sales.values(), Decimal(0))
    rows = [
        CompositionRow(
            key=k,
            sales=Money(v, currency),
            share=_rate(v / total) if total else Decimal(0),
            units=units[k],
            customers=len(buyers[k]),
        )
        for k, v in sales.items()
    ]
    return sorted(rows, key=lambda r: (-r.sales.amount, r.key))


def composition_rows(totals: Iterable[SliceTotal], currency: str) -> list[CompositionRow]:
    """P63: the port's slice totals as rows with their share of the whole, largest first."""
    totals = list(totals)
    whole = sum((x.net_sales for x in totals), Decimal(0))
    volume = sum(x.units for x in totals)
    rows = [
        CompositionRow(
            key=x.key,
            sales=Money(x.net_sales, currency),
            share=_rate(x.net_sales / whole) if whole else Decimal(0),
            units=x.units,
            customers=x.customers,
            units_share=_rate(Decimal(x.units) / volume) if volume else Decimal(0),
        )
        for x in totals
    ]
    return sorted(rows, key=lambda r: (-r.sales.amount, r.key))


def retention_rate(previous_buyers: set[str], current_buyers: set[str]) -> Decimal:
    """P64: the share of last period's buyers who bought again this period."""
    if not previous_buyers:
        return Decimal(0)
    return _rate(Decimal(len(previous_buyers & current_buyers)) / Decimal(len(previous_buyers)))


def lifetime_value(margin_per_year: Money, retention: Decimal, discount_rate: Decimal) -> Money:
    """P64: the present value of a customer's yearly margin while they stay.

    The usual closed form ``m × (1 + d) / (1 + d − r)``: a margin ``m`` this
    year and each later year with probability ``r`` (retention), discounted
    at ``d``. With ``r = 0`` it is one year's margin.
    """
    _fraction("retention", retention)
    if retention >= 1:
        raise ValidationError("retention", "must be below 1 for a finite lifetime value")
    if discount_rate < 0:
        raise ValidationError("discount_rate", "must not be negative")
    factor = (1 + discount_rate) / (1 + discount_rate - retention)
    return (margin_per_year * factor).quantize()


def share_of_wallet(our_spend: Money, category_spend: Money) -> Decimal:
    """P64: our share of what the customer spends in the category."""
    if category_spend.amount <= 0:
        raise ValidationError("category_spend", "must be above zero")
    if our_spend > category_spend:
        raise ValidationError("our_spend", "cannot exceed the category spend")
    return _rate(our_spend.amount / category_spend.amount)


@attrs.frozen(kw_only=True)
class RelationshipFigures:
    """P64: the health of the customer base over one period; keep one as the baseline."""

    period_start: datetime
    period_end: datetime
    buyers: int
    previous_buyers: int
    retention_rate: Decimal
    #: The period's retention carried to a year (kept period after period), which lifetime value uses.
    yearly_retention: Decimal
    churn_rate: Decimal
    net_sales: Money
    sales_per_buyer: Money
    repeat_share: Decimal
    lifetime_value: Money
    lifetime_profit: Money


@attrs.frozen(kw_only=True)
class EffectRow:
    """One figure then and now."""

    figure: str
    baseline: Decimal
    current: Decimal
    change: Decimal


def effect(baseline: RelationshipFigures, current: RelationshipFigures) -> list[EffectRow]:
    """P64: what changed since the baseline, figure by figure."""
    rows: list[EffectRow] = []
    for name in (
        "buyers",
        "retention_rate",
        "churn_rate",
        "net_sales",
        "sales_per_buyer",
        "repeat_share",
        "lifetime_value",
        "lifetime_profit",
    ):
        then, now = getattr(baseline, name), getattr(current, name)
        a = then.amount if isinstance(then, Money) else Decimal(then)
        b = now.amount if isinstance(now, Money) else Decimal(now)
        rows.append(EffectRow(figure=name, baseline=a, current=b, change=b - a))
    return rows
