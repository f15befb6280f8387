"""Buying summaries for the lifetime models, in one aggregate statement.

A purchase day is the local calendar day at the offset the sale was recorded
with (``occurred_at`` is stored in UTC beside ``utc_offset`` in minutes), as
days since 1970-01-01; each dialect spells the date arithmetic its own way.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import from_e4, utc_naive
from clientcare.kernel import Money
from clientcare.purchases import BuyingSummary, PurchaseKind

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["buying_summaries"]

_EPOCH = date(1970, 1, 1)


class _LocalDay(FunctionElement[int]):
    """Days since 1970-01-01 of the purchase's local date."""

    type = Integer()
    inherit_cache = True


@compiles(_LocalDay)
def _sqlite_day(element: _LocalDay, compiler: SQLCompiler, **kw: Any) -> str:
    # date() with a "N minutes" modifier gives the local date; julianday of a
    # date is a whole day minus one half, so the difference below is exact.
    p = t.purchases.c
    moment = compiler.process(p.occurred_at, **kw)
    offset = compiler.process(p.utc_offset, **kw)
    return f"CAST(julianday(date({moment}, {offset} || ' minutes')) - 2440587.5 AS INTEGER)"


@compiles(_LocalDay, "postgresql")
def _postgres_day(element: _LocalDay, compiler: SQLCompiler, **kw: Any) -> str:
    p = t.purchases.c
    moment = compiler.process(p.occurred_at, **kw)
    offset = compiler.process(p.utc_offset, **kw)
    return f"(CAST({moment} + {offset} * INTERVAL '1 minute' AS DATE) - DATE '1970-01-01')"


@compiles(_LocalDay, "mysql")
@compiles(_LocalDay, "mariadb")
def _mysql_day(element: _LocalDay, compiler: SQLCompiler, **kw: Any) -> str:
    p = t.purchases.c
    moment = compiler.process(p.occurred_at, **kw)
    offset = compiler.process(p.utc_offset, **kw)
    return f"(TO_DAYS(DATE_ADD({moment}, INTERVAL {offset} MINUTE)) - TO_DAYS('1970-01-01'))"


def buying_summaries(uow: SqlUnitOfWork, end: datetime, currency: str) -> list[BuyingSummary]:
    """Per customer: purchase days, first and last day, repeat spend (sales before ``end``)."""
    p = t.purchases.c
    day = _LocalDay().label("day")
    per_day = (
        select(
            p.customer_id,
            day,
            func.sum(p.amount_e4).label("total"),
            func.max(p.amount_scale).label("places"),
        )
        .where(
            p.tenant == uow.tenant,
            p.kind == PurchaseKind.SALE.value,
            p.customer_id.is_not(None),
            p.occurred_at < utc_naive(end),
        )
        .group_by(p.customer_id, day)
        .subquery("per_day")
    )
    d = per_day.c
    first = func.min(d.day).over(partition_by=d.customer_id)
    ranked = select(d.customer_id, d.day, d.total, d.places, first.label("first_day")).subquery("ranked")
    r = ranked.c
    statement = (
        select(
            r.customer_id,
            func.min(r.day),
            func.max(r.day),
            func.count(),
            func.coalesce(func.sum(case((r.day > r.first_day, r.total), else_=0)), 0),
            func.max(r.places),
        )
        .group_by(r.customer_id)
        .order_by(r.customer_id)
    )
    return [
        BuyingSummary(
            customer_id=customer_id,
            first_day=_EPOCH + timedelta(days=int(first_day)),
            last_day=_EPOCH + timedelta(days=int(last_day)),
            purchase_days=int(days),
            repeat_spend=Money(from_e4(int(repeat), int(places)), currency),
        )
        for customer_id, first_day, last_day, days, repeat, places in uow.connection.execute(statement)
    ]
