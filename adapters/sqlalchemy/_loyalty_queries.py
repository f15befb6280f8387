"""The loyalty area's set-based queries: ABC labels and attitude facts, computed in the database.

The ABC recomputation reads spend per customer (``SUM … GROUP BY``) and the
spend of everyone strictly ahead (window sums) in one statement; attitude
facts are one statement of CTEs joined per customer. Both must agree with the
core's reference functions (:func:`clientcare.loyalty.abc_labels`,
:func:`clientcare.loyalty.attitude_facts_from`) on the same data; the loyalty
contract checks it on every backend.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import CTE, FunctionElement, Select
from sqlalchemy.types import Integer as IntegerType

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, utc_naive
from clientcare.loyalty import AttitudeFacts
from clientcare.playbook import AbcRules, SegmentRules
from clientcare.purchases import PurchaseKind

__all__ = ["abc_label_query", "attitude_facts_of", "attitude_facts_query", "seconds_between"]


# -- seconds between two timestamps, per dialect ------------------------------------


class seconds_between(FunctionElement[int]):
    """Whole seconds from ``start`` to ``end`` (both naive UTC timestamp columns)."""

    type = IntegerType()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"


@compiles(seconds_between, "mysql")
@compiles(seconds_between, "mariadb")
def _seconds_mysql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"TIMESTAMPDIFF(SECOND, {start}, {end})"


# -- the ABC labels, set-based -----------------------------------------------------------


def _ratio(share: Decimal) -> tuple[int, int]:
    num, den = share.as_integer_ratio()
    return num, den


def abc_label_query(tenant: str, start: datetime, end: datetime, rules: AbcRules) -> Any:
    """SELECT customer_id, label for every customer of ``tenant``: the SQL twin of
    :func:`clientcare.loyalty._tiers.abc_labels` over net spend in ``(start, end]``.

    The spend of everyone strictly ahead of a customer is the running sum over
    spend descending (peers included, the default RANGE frame) minus the sum
    of the customer's own tie group; shares are compared as exact integer
    fractions of the total, so no rounding separates SQL from Python.
    """
    c, p = t.customers.c, t.purchases.c
    spend = (
        select(c.id.label("customer_id"), func.coalesce(func.sum(p.amount_e4), 0).label("spend"))
        .select_from(
            t.customers.outerjoin(
                t.purchases,
                and_(
                    p.tenant == c.tenant,
                    p.customer_id == c.id,
                    p.occurred_at > utc_naive(start),
                    p.occurred_at <= utc_naive(end),
                ),
            )
        )
        .where(c.tenant == tenant)
        .group_by(c.id)
        .cte("spend")
    )
    positive = case((spend.c.spend > 0, spend.c.spend), else_=0)
    if rules.basis == "spend":
        # Only the windows the basis needs: each one is a pass over every customer.
        weight: Any = positive
        whole: Any = func.sum(positive).over()
        a_num, a_den = _ratio(rules.a_spend_share)
        b_num, b_den = _ratio(rules.a_spend_share + rules.b_spend_share)
    else:
        weight = case((spend.c.spend > 0, 1), else_=0)
        whole = func.count().over()
        a_num, a_den = _ratio(rules.a_customer_share)
        b_num, b_den = _ratio(rules.a_customer_share + rules.b_customer_share)
    ranked = select(
        spend.c.customer_id,
        spend.c.spend,
        whole.label("whole"),
        (func.sum(weight).over(order_by=positive.desc()) - func.sum(weight).over(partition_by=positive)).label("ahead"),
    ).cte("ranked")
    r = ranked.c
    label = case(
        (r.spend <= 0, literal("C")),
        (r.ahead * a_den < r.whole * a_num, literal("A")),
        (r.ahead * b_den < r.whole * b_num, literal("B")),
        else_=literal("C"),
    )
    return select(r.customer_id, label.label("label"))


# -- attitude facts (P11), one statement ---------------------------------------------------


def _sale() -> ColumnElement[bool]:
    return t.purchases.c.kind == PurchaseKind.SALE.value


def _lines_of_purchases() -> Any:
    p, pl = t.purchases.c, t.purchase_lines.c
    return t.purchase_lines.join(t.purchases, and_(p.tenant == pl.tenant, p.id == pl.purchase_id))


def _early_adoptions(tenant: str, rules: SegmentRules) -> CTE:
    """Per customer, how many styles they bought within ``early_adopter_days`` of the style's
    first sale (styles launched in the tenant's first days are not counted as new)."""
    p, pl = t.purchases.c, t.purchase_lines.c
    early_seconds = rules.early_adopter_days * 86400
    launches = (
        select(pl.style_no, func.min(p.occurred_at).label("launched"))
        .select_from(_lines_of_purchases())
        .where(pl.tenant == tenant, _sale())
        .group_by(pl.style_no)
        .cte("launches")
    )
    opened = select(func.min(launches.c.launched)).scalar_subquery()
    fresh = (
        select(launches.c.style_no, launches.c.launched)
        .where(seconds_between(opened, launches.c.launched) > early_seconds)
        .cte("fresh")
    )
    return (
        select(p.customer_id, func.count(func.distinct(pl.style_no)).label("n"))
        .select_from(_lines_of_purchases().join(fresh, fresh.c.style_no == pl.style_no))
        .where(pl.tenant == tenant, _sale(), seconds_between(fresh.c.launched, p.occurred_at) <= early_seconds)
        .group_by(p.customer_id)
        .cte("adopted")
    )


def _discounted_spend(tenant: str, in_window: ColumnElement[bool]) -> CTE:
    """Per customer, the net spend on lines not sold at full price in the window."""
    p, pl = t.purchases.c, t.purchase_lines.c
    line_total = pl.unit_price_e4 * pl.quantity
    return (
        select(p.customer_id, func.sum(case((_sale(), line_total), else_=-line_total)).label("off"))
        .select_from(_lines_of_purchases())
        .where(pl.tenant == tenant, in_window, pl.full_price.is_(False))
        .group_by(p.customer_id)
        .cte("discounted")
    )


def _figures(tenant: str, in_window: ColumnElement[bool]) -> CTE:
    """Per customer, sales ever and in the window, the last sale and the window's net spend."""
    p = t.purchases.c
    return (
        select(
            p.customer_id,
            func.sum(case((_sale(), 1), else_=0)).label("sales_ever"),
            func.sum(case((and_(_sale(), in_window), 1), else_=0)).label("sales_in_window"),
            func.max(case((_sale(), p.occurred_at))).label("last_sale_at"),
            func.sum(case((in_window, p.amount_e4), else_=0)).label("spend"),
        )
        .where(p.tenant == tenant, p.customer_id.is_not(None))
        .group_by(p.customer_id)
        .cte("figures")
    )


def attitude_facts_query(
    tenant: str, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None
) -> Select[Any]:
    """One row per customer of ``tenant`` (or of ``customer_ids``) with every attitude fact,
    the window being ``(start, end]``; read the rows with :func:`attitude_facts_of`."""
    c, p = t.customers.c, t.purchases.c
    in_window = and_(p.occurred_at > utc_naive(start), p.occurred_at <= utc_naive(end))
    figures, discounted = _figures(tenant, in_window), _discounted_spend(tenant, in_window)
    adopted = _early_adoptions(tenant, rules)
    tags = t.customer_tags.c
    rival = exists().where(tags.tenant == tenant, tags.customer_id == c.id, tags.tag == rules.switcher_tag)
    statement = (
        select(
            c.id,
            c.document,
            figures.c.sales_ever,
            figures.c.sales_in_window,
            figures.c.last_sale_at,
            figures.c.spend,
            discounted.c.off,
            adopted.c.n,
            rival.label("rival"),
        )
        .select_from(
            t.customers.outerjoin(figures, figures.c.customer_id == c.id)
            .outerjoin(discounted, discounted.c.customer_id == c.id)
            .outerjoin(adopted, adopted.c.customer_id == c.id)
        )
        .where(c.tenant == tenant)
    )
    if customer_ids is not None:
        statement = statement.where(c.id.in_(sorted(set(customer_ids))))
    return statement


def attitude_facts_of(row: Any) -> AttitudeFacts:
    """The facts of one row of :func:`attitude_facts_query`."""
    return AttitudeFacts(
        customer_id=row.id,
        store_id=json.loads(row.document).get("home_store"),
        sales_in_window=int(row.sales_in_window or 0),
        sales_ever=int(row.sales_ever or 0),
        last_sale_at=aware_utc(row.last_sale_at) if row.last_sale_at is not None else None,
        spend_in_window=_money(row.spend),
        discounted_spend_in_window=_money(row.off),
        early_adoptions=int(row.n or 0),
        competitor=bool(row.rival),
    )


def _money(e4: int | Decimal | None) -> Decimal:
    """Ten-thousandths from a SUM as a Decimal (compared by value with the reference)."""
    if e4 is None:
        return Decimal(0)
    return Decimal(int(e4)) / Decimal(10000)
