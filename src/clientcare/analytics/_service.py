"""Use cases of the analytics area (P63, P64, P66)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal

from clientcare.analytics._figures import (
    CompositionRow,
    EffectRow,
    RelationshipFigures,
    StoreComparison,
    StoreTraffic,
    compare_stores,
    composition,
    effect,
    lifetime_value,
    retention_rate,
)
from clientcare.errors import ValidationError
from clientcare.kernel._checks import aware
from clientcare.kernel._context import Context
from clientcare.kernel._values import Money
from clientcare.purchases._model import Purchase, PurchaseKind

__all__ = ["AnalyticsService"]

_MAX_RETENTION = Decimal("0.99")

Slice = Literal["product", "store", "region", "grade"]


class AnalyticsService:
    """How the relationships are doing, from the deal archive."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def _period(self, start: datetime, end: datetime) -> None:
        aware(start, "start")
        aware(end, "end")
        if end <= start:
            raise ValidationError("end", "must be after start")

    def composition(
        self,
        start: datetime,
        end: datetime,
        *,
        by: Slice,
        regions: Mapping[str, str] | None = None,
        grades: Mapping[str, str] | None = None,
    ) -> list[CompositionRow]:
        """P63: net sales in ``[start, end)`` by product, store, region or customer grade.

        ``regions`` maps store ids to regions; ``grades`` maps customer ids to
        grades (for example the ABC labels). Unknown ones fall under "unknown";
        walk-in sales under "walk-in" when slicing by grade.
        """
        self._period(start, end)
        if by == "region" and regions is None:
            raise ValidationError("regions", "required to slice by region")
        if by == "grade" and grades is None:
            raise ValidationError("grades", "required to slice by grade")

        def key(purchase: Purchase, style_no: str) -> str:
            if by == "product":
                return style_no
            if by == "store":
                return purchase.store_id or "unknown"
            if by == "region":
                return (regions or {}).get(purchase.store_id or "", "unknown")
            if purchase.customer_id is None:
                return "walk-in"
            return (grades or {}).get(purchase.customer_id, "unknown")

        if by not in ("product", "store", "region", "grade"):
            raise ValidationError("by", "must be one of product, store, region, grade")
        currency = self._ctx.playbook.locale.currency
        with self._ctx.unit() as uow:
            return composition(uow.purchases.between(start, end), key, currency, by_line=by == "product")

    def figures(self, start: datetime, end: datetime) -> RelationshipFigures:
        """P64: buyers, retention and churn against the previous period of the same
        length, net sales, the share from repeat customers, lifetime value and profit."""
        self._period(start, end)
        length = end - start
        previous_start = start - length
        currency = self._ctx.playbook.locale.currency
        rules = self._ctx.playbook.analytics
        first_seen: dict[str, datetime] = {}
        previous: set[str] = set()
        current: set[str] = set()
        net = Decimal(0)
        repeat = Decimal(0)
        with self._ctx.unit() as uow:
            for purchase in uow.purchases.between(None, end):
                who = purchase.customer_id
                if purchase.occurred_at >= start:
                    net += purchase.amount.amount
                    if who is not None and first_seen.get(who, purchase.occurred_at) < start:
                        repeat += purchase.amount.amount
                if who is None or purchase.kind is PurchaseKind.RETURN:
                    continue
                first_seen.setdefault(who, purchase.occurred_at)
                if purchase.occurred_at >= start:
                    current.add(who)
                elif purchase.occurred_at >= previous_start:
                    previous.add(who)
        retention = retention_rate(previous, current)
        per_buyer = Money(net / len(current), currency).quantize() if current else Money.zero(currency)
        years = Decimal(length.total_seconds()) / Decimal(365 * 24 * 3600)
        yearly_spend = per_buyer * (1 / years) if years else per_buyer
        clv = lifetime_value(yearly_spend * rules.gross_margin, min(retention, Decimal("0.99")), rules.discount_rate)
        cost = lifetime_value(
            Money(rules.yearly_service_cost, currency), min(retention, Decimal("0.99")), rules.discount_rate
        )
        return RelationshipFigures(
            period_start=start,
            period_end=end,
            buyers=len(current),
            previous_buyers=len(previous),
            retention_rate=retention,
            churn_rate=Decimal(1) - retention if previous else Decimal(0),
            net_sales=Money(net, currency),
            sales_per_buyer=per_buyer,
            repeat_share=(repeat / net).quantize(Decimal("0.0001")) if net else Decimal(0),
            lifetime_value=clv,
            lifetime_profit=(clv - cost).quantize(),
        )

    def effect(self, baseline: RelationshipFigures, current: RelationshipFigures) -> list[EffectRow]:
        """P64: the change of every figure since the baseline."""
        return effect(baseline, current)

    def store_traffic(
        self, store: str, start: datetime, end: datetime, *, new_visitors: int, old_visitors: int
    ) -> StoreTraffic:
        """P66: a store's traffic figures; visitors come from the door counter, buyers and
        tickets from the deal archive (new = first purchase in the period)."""
        self._period(start, end)
        currency = self._ctx.playbook.locale.currency
        first_seen: dict[str, datetime] = {}
        new_buyers: set[str] = set()
        old_buyers: set[str] = set()
        new_sales = Decimal(0)
        old_sales = Decimal(0)
        with self._ctx.unit() as uow:
            for purchase in uow.purchases.between(None, end):
                who = purchase.customer_id
                if who is None or purchase.kind is PurchaseKind.RETURN:
                    continue
                first = first_seen.setdefault(who, purchase.occurred_at)
                if purchase.occurred_at < start or purchase.store_id != store:
                    continue
                if first >= start:
                    new_buyers.add(who)
                    new_sales += purchase.amount.amount
                else:
                    old_buyers.add(who)
                    old_sales += purchase.amount.amount

        def rate(buyers: int, visitors: int) -> Decimal:
            if visitors < buyers:
                raise ValidationError("visitors", "fewer visitors than buyers")
            return (Decimal(buyers) / visitors).quantize(Decimal("0.0001")) if visitors else Decimal(0)

        def ticket(sales: Decimal, buyers: int) -> Money:
            return Money(sales / buyers, currency).quantize() if buyers else Money.zero(currency)

        return StoreTraffic(
            store=store,
            new_visitors=new_visitors,
            new_conversion=rate(len(new_buyers), new_visitors),
            new_ticket=ticket(new_sales, len(new_buyers)),
            old_visitors=old_visitors,
            old_conversion=rate(len(old_buyers), old_visitors),
            old_ticket=ticket(old_sales, len(old_buyers)),
        )

    def compare_stores(self, stores: Sequence[StoreTraffic]) -> StoreComparison:
        """P66: rank stores and split each gap into its new- and old-customer parts."""
        return compare_stores(stores)
