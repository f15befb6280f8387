"""A customer's figures from ``cc_purchases``: one set of aggregates for one customer or many."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, from_e4
from clientcare.kernel import Money
from clientcare.purchases import CustomerFigures, PurchaseKind

__all__ = ["figure_columns", "figures_of"]


def figure_columns() -> tuple[ColumnElement[Any], ...]:
    """Spend, its scale, sales, returns, first and last sale, aggregated over the rows selected."""
    p = t.purchases.c
    sale = p.kind == PurchaseKind.SALE.value
    return (
        func.coalesce(func.sum(p.amount_e4), 0),
        func.coalesce(func.max(p.amount_scale), 0),
        func.coalesce(func.sum(case((sale, 1), else_=0)), 0),
        func.coalesce(func.sum(case((sale, 0), else_=1)), 0),
        func.min(case((sale, p.occurred_at))),
        func.max(case((sale, p.occurred_at))),
    )


def figures_of(customer_id: str, row: Sequence[Any], currency: str) -> CustomerFigures:
    """The figures of one customer from the values of :func:`figure_columns`."""
    total, places, sales, returns, first, last = row
    return CustomerFigures(
        customer_id=customer_id,
        total_spend=Money(from_e4(int(total), int(places)), currency),
        purchase_count=int(sales),
        return_count=int(returns),
        first_purchase_at=aware_utc(first) if first is not None else None,
        last_purchase_at=aware_utc(last) if last is not None else None,
    )
