"""Use cases of the analytics area (P63, P64, P66, RFM, cohorts, Pareto).

The port aggregates in storage; this adds the currency, rates and lifetime value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from clientcare.analytics._figures import (
    CompositionRow,
    EffectRow,
    RelationshipFigures,
    StoreComparison,
    StoreTraffic,
    compare_stores,
    composition_rows,
    effect,
    lifetime_value,
    share_of_wallet,
)
from clientcare.analytics._lost import lost_customers
from clientcare.analytics._results import (
    CohortCell,
    LostCustomers,
    ParetoPoint,
    RfmScore,
    RfmSegmentRow,
    Slice,
    StaffSales,
    StoreBuyers,
)
from clientcare.errors import ValidationError
from clientcare.kernel._checks import aware
from clientcare.kernel._context import Context
from clientcare.kernel._values import Money

__all__ = ["AnalyticsService"]

_MAX_RETENTION = Decimal("0.99")
_ZERO = Decimal(0)


def _rate(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _check_mapping(field: str, mapping: Mapping[str, str] | None) -> None:
    """A slice map holds short texts only: it goes into a storage query as literals."""
    if mapping is None:
        return
    if not isinstance(mapping, Mapping):
        raise ValidationError(field, "must be a mapping of texts to texts")
    for key, value in mapping.items():
        if not (isinstance(key, str) and isinstance(value, str)) or not (0 < len(key) <= 64 and 0 < len(value) <= 64):
            raise ValidationError(field, "every key and value must be a text of 1 to 64 characters")


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
        categories: Mapping[str, str] | None = None,
    ) -> list[CompositionRow]:
        """P63: net sales in ``[start, end)`` by product, product category, store, region or
        customer grade, largest first, each with its share (比重) of the sales and of the units.

        ``regions`` maps store ids to regions and ``categories`` style numbers
        to categories (unmapped ones fall under "unknown"). Grades are the
        customers' current ABC labels from the tiers (``care.tiers.recompute``):
        "unknown" for a customer never labelled, "walk-in" for sales without a
        customer. Returns subtract.
        """
        self._period(start, end)
        if by not in ("product", "category", "store", "region", "grade"):
            raise ValidationError("by", "must be one of product, category, store, region, grade")
        if by == "region" and regions is None:
            raise ValidationError("regions", "required to slice by region")
        if by == "category" and categories is None:
            raise ValidationError("categories", "required to slice by category")
        for field, mapping in (("regions", regions), ("categories", categories)):
            _check_mapping(field, mapping)
        currency = self._ctx.playbook.locale.currency
        with self._ctx.unit() as uow:
            totals = uow.analytics.composition(start=start, end=end, by=by, regions=regions, categories=categories)
        return composition_rows(totals, currency)

    def figures(self, start: datetime, end: datetime) -> RelationshipFigures:
        """P64: buyers, retention and churn against the previous period of the same
        length, net sales, the share from repeat customers, lifetime value and profit."""
        self._period(start, end)
        length = end - start
        currency = self._ctx.playbook.locale.currency
        rules = self._ctx.playbook.analytics
        with self._ctx.unit() as uow:
            counts = uow.analytics.relationship(start=start, end=end)
        retention = (
            _rate(Decimal(counts.retained) / Decimal(counts.previous_buyers)) if counts.previous_buyers else Decimal(0)
        )
        net = counts.net_sales
        per_buyer = Money(net / counts.buyers, currency).quantize() if counts.buyers else Money.zero(currency)
        years = Decimal(length.total_seconds()) / Decimal(365 * 24 * 3600)
        yearly_spend = per_buyer * (1 / years) if years else per_buyer
        # The lifetime formula needs a yearly retention: a quarter's 0.60 kept
        # four quarters running is about 0.13 a year, not 0.60.
        yearly = _rate(retention ** (1 / years)) if retention and years else retention
        capped = min(yearly, _MAX_RETENTION)
        clv = lifetime_value(yearly_spend * rules.gross_margin, capped, rules.discount_rate)
        cost = lifetime_value(Money(rules.yearly_service_cost, currency), capped, rules.discount_rate)
        return RelationshipFigures(
            period_start=start,
            period_end=end,
            buyers=counts.buyers,
            previous_buyers=counts.previous_buyers,
            retention_rate=retention,
            yearly_retention=yearly,
            churn_rate=Decimal(1) - retention if counts.previous_buyers else Decimal(0),
            net_sales=Money(net, currency),
            sales_per_buyer=per_buyer,
            repeat_share=(counts.repeat_sales / net).quantize(Decimal("0.0001")) if net else Decimal(0),
            lifetime_value=clv,
            lifetime_profit=(clv - cost).quantize(),
        )

    def lost_customers(self, day: date | None = None, *, old_only: bool = True) -> LostCustomers:
        """P27: the customers lost by ``day`` (today by default), by the daily run's own rule
        (``cadences.lost``), seen whether or not anyone may contact them, with what the
        lost-customer interviews found: reasons, competitors, who may come back.

        Old customers only by default (seed 002: 及时分析老顾客流失的原因); ``old_only=False``
        lists every lost buyer. The storage cuts the silent buyers in one query.
        """
        playbook = self._ctx.playbook
        zone, rules = playbook.locale.zone, playbook.cadences.lost
        today = day or self._ctx.now().astimezone(zone).date()
        end = datetime.combine(today + timedelta(days=1), time.min, zone)
        silent_since = datetime.combine(today - timedelta(days=rules.shortest_lost_after() - 1), time.min, zone)
        with self._ctx.unit() as uow:
            spans = uow.analytics.buyer_spans(
                end=end, silent_since=silent_since, poor_tag=playbook.segments.poor_relationship_tag
            )
            since = min((s.last_sale for s in spans), default=end)
            interviews = uow.analytics.lost_interviews(start=since, end=end)
        return lost_customers(
            spans, interviews, day=today, zone=zone, rules=rules, segments=playbook.segments, old_only=old_only
        )

    def share_of_wallet(self, customer_id: str, category_spend: Money, start: datetime, end: datetime) -> Decimal:
        """P64: our share of what the customer spent in the category over ``[start, end)``;
        ``category_spend`` is what the customer says they spent in all (a survey answer)."""
        self._period(start, end)
        if not isinstance(category_spend, Money):
            raise ValidationError("category_spend", "must be Money")
        if category_spend.currency != self._ctx.playbook.locale.currency:
            raise ValidationError("category_spend", "must be in the tenant's currency")
        with self._ctx.unit() as uow:
            uow.customers.get(customer_id)
            ours = sum(
                (p.amount.amount for p in uow.purchases.for_customer(customer_id) if start <= p.occurred_at < end),
                Decimal(0),
            )
        spent = Money(max(ours, Decimal(0)), category_spend.currency)
        if spent > category_spend:
            raise ValidationError("category_spend", "must not be below what the customer spent with us")
        return share_of_wallet(spent, category_spend)

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
        with self._ctx.unit() as uow:
            found = uow.analytics.store_buyers(start=start, end=end, stores=[store])
        row = (
            found[0]
            if found
            else StoreBuyers(store=store, new_buyers=0, new_sales=_ZERO, old_buyers=0, old_sales=_ZERO)
        )

        def rate(buyers: int, visitors: int) -> Decimal:
            if visitors < buyers:
                raise ValidationError("visitors", "fewer visitors than buyers")
            return (Decimal(buyers) / visitors).quantize(Decimal("0.0001")) if visitors else Decimal(0)

        def ticket(sales: Decimal, buyers: int) -> Money:
            return Money(sales / buyers, currency).quantize() if buyers else Money.zero(currency)

        return StoreTraffic(
            store=store,
            new_visitors=new_visitors,
            new_conversion=rate(row.new_buyers, new_visitors),
            new_ticket=ticket(row.new_sales, row.new_buyers),
            old_visitors=old_visitors,
            old_conversion=rate(row.old_buyers, old_visitors),
            old_ticket=ticket(row.old_sales, row.old_buyers),
        )

    def compare_stores(self, stores: Sequence[StoreTraffic]) -> StoreComparison:
        """P66: rank stores and split each gap into its new- and old-customer parts."""
        return compare_stores(stores)

    def rfm(self, start: datetime, end: datetime) -> list[RfmScore]:
        """RFM scores and segment of every customer with a sale in ``[start, end)``, by customer id.

        Recency, frequency and monetary are scored 1–5 by rank among those
        customers (see :func:`clientcare.analytics.quintile`); the segment
        rules are on :class:`clientcare.analytics.RfmSegment`.
        """
        self._period(start, end)
        with self._ctx.unit() as uow:
            return uow.analytics.rfm(start=start, end=end)

    def rfm_segments(self, start: datetime, end: datetime) -> list[RfmSegmentRow]:
        """How many customers, with how much net spend, fall in each RFM segment."""
        self._period(start, end)
        with self._ctx.unit() as uow:
            return uow.analytics.rfm_segments(start=start, end=end)

    def cohorts(self, first: date, last: date) -> list[CohortCell]:
        """The cohort retention matrix: customers by month of first sale (``first`` to ``last``,
        days ignored) × months since, each cell with its share of the cohort."""
        with self._ctx.unit() as uow:
            return uow.analytics.cohorts(first=first, last=last)

    def pareto(self, start: datetime, end: datetime, *, points: int = 20) -> list[ParetoPoint]:
        """The Pareto curve of net spend in ``[start, end)``: cumulative share of customers
        (largest spenders first) against cumulative share of spend, at ``points`` steps."""
        self._period(start, end)
        with self._ctx.unit() as uow:
            return uow.analytics.pareto(start=start, end=end, points=points)

    def staff(self, start: datetime, end: datetime) -> list[StaffSales]:
        """P31: receipts, returns, net sales, customers and new customers per staff member in
        ``[start, end)``, from the deal archive; contacts and credited sales are ``care.staff``."""
        self._period(start, end)
        with self._ctx.unit() as uow:
            return uow.analytics.staff(start=start, end=end)
