"""The analytics port in SQL: one statement per call, aggregated in the database.

Each query groups the purchases (and their lines where units are needed) of
one tenant and returns a few rows: a row per slice, per store, per segment,
per cohort cell or per Pareto step, or per customer for RFM scores. Amounts
stay integer ten-thousandths (``amount_e4``) until Python, so sums are exact.
Strings are ordered in Python, where code-point order is the same for every
backend. The analytics contract holds every query to the core's reference
functions (:mod:`clientcare.analytics`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer as IntegerType

from clientcare.adapters._interviews import interview_of
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, utc_naive
from clientcare.adapters.sqlalchemy._loyalty_tables import customer_tiers, referrals
from clientcare.analytics import (
    BuyerSpan,
    CohortCell,
    LostInterview,
    ParetoPoint,
    RelationshipCounts,
    RfmScore,
    RfmSegment,
    RfmSegmentRow,
    Slice,
    SliceTotal,
    StaffSales,
    StoreBuyers,
    month_index,
)
from clientcare.analytics._results import cohort_cell
from clientcare.cadences import TouchReason
from clientcare.errors import ValidationError
from clientcare.purchases import PurchaseKind

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._cadences import SqlTouchRepository
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["SqlAnalyticsRepository", "attach", "local_month"]

_E4 = Decimal(10_000)
_SALE = PurchaseKind.SALE.value


def _money(e4: int | Decimal | None) -> Decimal:
    return Decimal(int(e4 or 0)) / _E4


# -- the month of a stored moment in its own offset, per dialect ------------------------


class local_month(FunctionElement[int]):
    """``year × 12 + month − 1`` of a naive UTC timestamp shifted by an offset in minutes."""

    type = IntegerType()
    inherit_cache = True
    name = "local_month"


@compiles(local_month, "sqlite")
def _month_sqlite(element: local_month, compiler: Any, **kw: Any) -> str:
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    shifted = f"{moment}, ({offset}) || ' minutes'"
    return f"(CAST(strftime('%Y', {shifted}) AS INTEGER) * 12 + CAST(strftime('%m', {shifted}) AS INTEGER) - 1)"


@compiles(local_month, "postgresql")
def _month_pg(element: local_month, compiler: Any, **kw: Any) -> str:
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    shifted = f"({moment} + ({offset}) * INTERVAL '1 minute')"
    return f"(CAST(EXTRACT(YEAR FROM {shifted}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {shifted}) AS INTEGER) - 1)"


@compiles(local_month, "mysql")
@compiles(local_month, "mariadb")
def _month_mysql(element: local_month, compiler: Any, **kw: Any) -> str:
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    shifted = f"DATE_ADD({moment}, INTERVAL ({offset}) MINUTE)"
    return f"(EXTRACT(YEAR FROM {shifted}) * 12 + EXTRACT(MONTH FROM {shifted}) - 1)"


def _quintile(rank: Any, population: Any) -> Any:
    """The SQL twin of :func:`clientcare.analytics.quintile` (integer division on every backend)."""
    return 1 + (5 * (rank - 1)) // population


def _segment(r: Any, f: Any, m: Any) -> Any:
    """The SQL twin of :meth:`RfmSegment.of`: the same rules in the same order."""
    return case(
        (and_(r >= 4, f >= 4), literal(RfmSegment.CHAMPIONS.value)),
        (and_(r >= 3, f >= 3), literal(RfmSegment.LOYAL.value)),
        (and_(r == 5, f == 1), literal(RfmSegment.NEW.value)),
        (r >= 4, literal(RfmSegment.POTENTIAL_LOYALISTS.value)),
        (and_(r <= 2, f >= 4, m >= 4), literal(RfmSegment.CANT_LOSE.value)),
        (and_(r <= 2, f >= 3), literal(RfmSegment.AT_RISK.value)),
        (r == 1, literal(RfmSegment.LOST.value)),
        else_=literal(RfmSegment.HIBERNATING.value),
    )


class SqlAnalyticsRepository:
    """Analytics over the tenant's deal archive, set-based."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _in(self, start: datetime, end: datetime) -> ColumnElement[bool]:
        p = t.purchases.c
        return and_(p.tenant == self._uow.tenant, p.occurred_at >= utc_naive(start), p.occurred_at < utc_naive(end))

    def composition(
        self,
        *,
        start: datetime,
        end: datetime,
        by: Slice,
        regions: Mapping[str, str] | None = None,
        categories: Mapping[str, str] | None = None,
    ) -> list[SliceTotal]:
        p, line = t.purchases.c, t.purchase_lines.c
        joined = t.purchases.join(t.purchase_lines, and_(line.tenant == p.tenant, line.purchase_id == p.id))
        key: Any
        if by == "product":
            key = line.style_no
        elif by == "category":
            kinds = [(line.style_no == style, literal(kind)) for style, kind in sorted((categories or {}).items())]
            key = case(*kinds, else_=literal("unknown")) if kinds else literal("unknown")
        elif by == "store":
            key = func.coalesce(p.store_id, literal("unknown"))
        elif by == "region":
            whens = [(p.store_id == store, literal(region)) for store, region in sorted((regions or {}).items())]
            key = case(*whens, else_=literal("unknown")) if whens else literal("unknown")
        elif by == "grade":
            tier = customer_tiers.c
            joined = joined.outerjoin(customer_tiers, and_(tier.tenant == p.tenant, tier.id == p.customer_id))
            key = case(
                (p.customer_id.is_(None), literal("walk-in")), else_=func.coalesce(tier.label, literal("unknown"))
            )
        else:
            raise ValidationError("by", "must be one of product, category, store, region, grade")
        sign = case((p.kind == _SALE, 1), else_=-1)
        query = (
            select(
                key.label("key"),
                func.sum(sign * line.unit_price_e4 * line.quantity),
                func.sum(sign * line.quantity),
                func.count(p.customer_id.distinct()),
            )
            .select_from(joined)
            .where(self._in(start, end))
            .group_by(key)
        )
        rows = self._uow.connection.execute(query).all()
        totals = [SliceTotal(key=k, net_sales=_money(s), units=int(u), customers=int(c)) for k, s, u, c in rows]
        return sorted(totals, key=lambda row: row.key)

    def relationship(self, *, start: datetime, end: datetime) -> RelationshipCounts:
        p = t.purchases.c
        since, until, before = utc_naive(start), utc_naive(end), utc_naive(start - (end - start))
        sale = p.kind == _SALE
        per_customer = (
            select(
                p.customer_id.label("who"),
                func.min(case((sale, p.occurred_at))).label("first_sale"),
                func.max(case((and_(sale, p.occurred_at >= since), 1), else_=0)).label("now"),
                func.max(case((and_(sale, p.occurred_at >= before, p.occurred_at < since), 1), else_=0)).label("then"),
                func.sum(case((p.occurred_at >= since, p.amount_e4), else_=0)).label("spend"),
            )
            .where(p.tenant == self._uow.tenant, p.occurred_at < until)
            .group_by(p.customer_id)
            .subquery("per_customer")
        )
        c = per_customer.c
        known = c.who.is_not(None)
        query = select(
            func.sum(case((known, c.now), else_=0)),
            func.sum(case((known, c.then), else_=0)),
            func.sum(case((known, c.now * c.then), else_=0)),
            func.sum(c.spend),
            func.sum(case((and_(known, c.first_sale < since), c.spend), else_=0)),
        )
        buyers, previous, retained, net, repeat = self._uow.connection.execute(query).one()
        return RelationshipCounts(
            buyers=int(buyers or 0),
            previous_buyers=int(previous or 0),
            retained=int(retained or 0),
            net_sales=_money(net),
            repeat_sales=_money(repeat),
        )

    def store_buyers(
        self, *, start: datetime, end: datetime, stores: Collection[str] | None = None
    ) -> list[StoreBuyers]:
        p = t.purchases.c
        first = (
            select(p.customer_id.label("who"), func.min(p.occurred_at).label("first_sale"))
            .where(
                p.tenant == self._uow.tenant,
                p.kind == _SALE,
                p.customer_id.is_not(None),
                p.occurred_at < utc_naive(end),
            )
            .group_by(p.customer_id)
            .subquery("first")
        )
        is_new = first.c.first_sale >= utc_naive(start)
        # The join to ``first`` already drops walk-ins; saying so again here would steer
        # SQLite onto the customer index and a table lookup per purchase.
        conditions = [self._in(start, end), p.kind == _SALE]
        if stores is None:
            conditions.append(p.store_id.is_not(None))
        elif not stores:
            return []
        else:
            conditions.append(p.store_id.in_(sorted(stores)))
        query = (
            select(
                p.store_id,
                func.count(case((is_new, p.customer_id)).distinct()),
                func.sum(case((is_new, p.amount_e4), else_=0)),
                func.count(case((~is_new, p.customer_id)).distinct()),
                func.sum(case((~is_new, p.amount_e4), else_=0)),
            )
            .select_from(t.purchases.join(first, first.c.who == p.customer_id))
            .where(*conditions)
            .group_by(p.store_id)
        )
        rows = [
            StoreBuyers(
                store=store,
                new_buyers=int(nb),
                new_sales=_money(ns),
                old_buyers=int(ob),
                old_sales=_money(os_),
            )
            for store, nb, ns, ob, os_ in self._uow.connection.execute(query)
        ]
        return sorted(rows, key=lambda row: row.store)

    def _scored(self, start: datetime, end: datetime) -> Any:
        """Per customer with a sale in the period: last sale, sales, net spend, the three scores, the segment."""
        p = t.purchases.c
        sale = p.kind == _SALE
        base = (
            select(
                p.customer_id.label("who"),
                func.max(case((sale, p.occurred_at))).label("last_at"),
                func.sum(case((sale, 1), else_=0)).label("sales"),
                func.sum(p.amount_e4).label("spend"),
            )
            .where(self._in(start, end), p.customer_id.is_not(None))
            .group_by(p.customer_id)
            .having(func.sum(case((sale, 1), else_=0)) > 0)
            .subquery("base")
        )
        b = base.c
        ranked = select(
            b.who,
            b.last_at,
            b.sales,
            b.spend,
            func.rank().over(order_by=b.last_at).label("r_rank"),
            func.rank().over(order_by=b.sales).label("f_rank"),
            func.rank().over(order_by=b.spend).label("m_rank"),
            func.count().over().label("population"),
        ).subquery("ranked")
        r = ranked.c
        scores = select(
            r.who,
            r.last_at,
            r.sales,
            r.spend,
            _quintile(r.r_rank, r.population).label("r"),
            _quintile(r.f_rank, r.population).label("f"),
            _quintile(r.m_rank, r.population).label("m"),
        ).subquery("scores")
        s = scores.c
        return select(s.who, s.last_at, s.sales, s.spend, s.r, s.f, s.m, _segment(s.r, s.f, s.m).label("segment"))

    def rfm(self, *, start: datetime, end: datetime) -> list[RfmScore]:
        # Offsets are not kept per customer; the last sale is given back in UTC.
        rows = self._uow.connection.execute(self._scored(start, end)).all()
        scores = [
            RfmScore(
                customer_id=who,
                last_purchase_at=aware_utc(last),
                purchases=int(sales),
                spend=_money(spend),
                recency=int(r),
                frequency=int(f),
                monetary=int(m),
                segment=RfmSegment(segment),
            )
            for who, last, sales, spend, r, f, m, segment in rows
        ]
        return sorted(scores, key=lambda row: row.customer_id)

    def rfm_segments(self, *, start: datetime, end: datetime) -> list[RfmSegmentRow]:
        scored = self._scored(start, end).subquery("scored")
        query = select(scored.c.segment, func.count(), func.sum(scored.c.spend)).group_by(scored.c.segment)
        found = {
            RfmSegment(segment): RfmSegmentRow(segment=RfmSegment(segment), customers=int(n), spend=_money(spend))
            for segment, n, spend in self._uow.connection.execute(query)
        }
        return [found[s] for s in RfmSegment if s in found]

    def cohorts(self, *, first: date, last: date) -> list[CohortCell]:
        low, high = month_index(first), month_index(last)
        if high < low:
            raise ValidationError("last", "must not be before first")
        p = t.purchases.c
        month = local_month(p.occurred_at, p.utc_offset)
        sale = and_(p.tenant == self._uow.tenant, p.kind == _SALE, p.customer_id.is_not(None))
        months = select(p.customer_id.label("who"), month.label("month")).where(sale).distinct().subquery("months")
        # The cohort is a window over each customer's months: no join of two derived tables,
        # which SQLite would run without an index.
        placed = select(
            months.c.month, func.min(months.c.month).over(partition_by=months.c.who).label("cohort")
        ).subquery("placed")
        since = (placed.c.month - placed.c.cohort).label("since")
        query = (
            select(placed.c.cohort, since, func.count())
            .where(placed.c.cohort.between(low, high), placed.c.month <= high)
            .group_by(placed.c.cohort, since)
        )
        counts = {(int(c), int(s)): int(n) for c, s, n in self._uow.connection.execute(query)}
        return [
            cohort_cell(f"{c // 12:04d}-{c % 12 + 1:02d}", s, counts[(c, s)], counts[(c, 0)]) for c, s in sorted(counts)
        ]

    def pareto(self, *, start: datetime, end: datetime, points: int = 20) -> list[ParetoPoint]:
        if points < 1:
            raise ValidationError("points", "must be at least 1")
        p = t.purchases.c
        spend = (
            select(p.customer_id.label("who"), func.sum(p.amount_e4).label("spend"))
            .where(self._in(start, end), p.customer_id.is_not(None))
            .group_by(p.customer_id)
            .having(func.sum(p.amount_e4) > 0)
            .subquery("spend")
        )
        s = spend.c
        order = (s.spend.desc(), s.who)
        ranked = select(
            func.row_number().over(order_by=order).label("n"),
            func.sum(s.spend).over(order_by=order, rows=(None, 0)).label("running"),
            func.count().over().label("population"),
            func.sum(s.spend).over().label("total"),
        ).subquery("ranked")
        r = ranked.c
        query = (
            select(r.n, r.population, r.running, r.total)
            .where((r.n * points) // r.population > ((r.n - 1) * points) // r.population)
            .order_by(r.n)
        )
        return [
            ParetoPoint.at(
                customers=int(n), population=int(pop), cumulative_spend=_money(run), total_spend=_money(total)
            )
            for n, pop, run, total in self._uow.connection.execute(query)
        ]

    def staff(self, *, start: datetime, end: datetime) -> list[StaffSales]:
        p = t.purchases.c
        sale = p.kind == _SALE
        first = (
            select(p.customer_id.label("who"), func.min(p.occurred_at).label("first_sale"))
            .where(p.tenant == self._uow.tenant, sale, p.customer_id.is_not(None), p.occurred_at < utc_naive(end))
            .group_by(p.customer_id)
            .subquery("first")
        )
        query = (
            select(
                p.staff_id,
                func.sum(case((sale, 1), else_=0)),
                func.sum(case((sale, 0), else_=1)),
                func.sum(p.amount_e4),
                func.count(case((sale, p.customer_id)).distinct()),
                func.count(case((and_(sale, p.occurred_at == first.c.first_sale), p.customer_id)).distinct()),
            )
            .select_from(t.purchases.outerjoin(first, first.c.who == p.customer_id))
            .where(self._in(start, end), p.staff_id.is_not(None))
            .group_by(p.staff_id)
        )
        rows = [
            StaffSales(
                staff=staff,
                sales=int(sales),
                returns=int(returns),
                net_sales=_money(net),
                customers=int(customers),
                new_customers=int(new),
            )
            for staff, sales, returns, net, customers, new in self._uow.connection.execute(query)
        ]
        return sorted(rows, key=lambda row: row.staff)

    def buyer_spans(self, *, end: datetime, silent_since: datetime, poor_tag: str) -> list[BuyerSpan]:
        """One statement: each customer's sales span, cut to the silent ones in the database."""
        p, tenant = t.purchases.c, self._uow.tenant
        spans = (
            select(
                p.customer_id.label("who"),
                func.min(p.occurred_at).label("first_sale"),
                func.max(p.occurred_at).label("last_sale"),
                func.count().label("sales"),
            )
            .where(p.tenant == tenant, p.kind == _SALE, p.customer_id.is_not(None), p.occurred_at < utc_naive(end))
            .group_by(p.customer_id)
            .having(func.max(p.occurred_at) < utc_naive(silent_since))
            .subquery("spans")
        )
        r = referrals.c
        given = (
            select(r.referrer_id.label("who"), func.count().label("given"))
            .where(r.tenant == tenant)
            .group_by(r.referrer_id)
            .subquery("given")
        )
        tag, tier = t.customer_tags.c, customer_tiers.c
        poor = exists().where(tag.tenant == tenant, tag.customer_id == spans.c.who, tag.tag == poor_tag)
        query = select(
            spans.c.who, spans.c.first_sale, spans.c.last_sale, spans.c.sales, given.c.given, poor, tier.label
        ).select_from(
            spans.outerjoin(given, given.c.who == spans.c.who).outerjoin(
                customer_tiers, and_(tier.tenant == tenant, tier.id == spans.c.who)
            )
        )
        rows = [
            BuyerSpan(
                customer_id=who,
                first_sale=aware_utc(first),
                last_sale=aware_utc(last),
                sales=int(sales),
                referrals=int(count or 0),
                poor_relationship=bool(tagged),
                grade=label,
            )
            for who, first, last, sales, count, tagged, label in self._uow.connection.execute(query)
        ]
        return sorted(rows, key=lambda row: row.customer_id)

    def lost_interviews(self, *, start: datetime, end: datetime) -> list[LostInterview]:
        """The done interviews of the window, read by the touch table's reason and close indexes."""
        c = t.touches.c
        # The touch repository decodes the documents (and skips unreadable ones); only the
        # interviews of the window are read, never every closed touch.
        touches = cast("SqlTouchRepository", self._uow.touches)
        found = touches._list(
            c.reason == TouchReason.LOST_INTERVIEW.value,
            c.closed_at >= utc_naive(start),
            c.closed_at < utc_naive(end),
            order_by=(c.closed_at, c.customer_id),
        )
        rows = [interview_of(touch) for touch in found if touch.detail("reason") is not None]
        return sorted(rows, key=lambda row: (row.at, row.customer_id))


def attach(uow: SqlUnitOfWork) -> None:
    """Give an SQL unit of work the analytics port (called on every reset)."""
    uow.analytics = SqlAnalyticsRepository(uow)
