"""What the analytics port answers: small, frozen result rows (P63, P64, P66, RFM, cohorts, Pareto).

These types are the port's public language, shared by every adapter and by the
reports built on top of them. Amounts are plain ``Decimal`` in the tenant's
currency (the port knows no currency; the service adds it); every row is made
of strings, numbers and datetimes, so ``clientcare.serialization.unstructure``
turns it into JSON. Customer ids are the only identifiers: no names, phones or
addresses ever appear here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import attrs

__all__ = [
    "BuyerSpan",
    "CohortCell",
    "LostCustomer",
    "LostCustomers",
    "LostInterview",
    "ParetoPoint",
    "RelationshipCounts",
    "RfmScore",
    "RfmSegment",
    "RfmSegmentRow",
    "Slice",
    "SliceTotal",
    "StaffSales",
    "StoreBuyers",
    "cohort_cell",
    "quintile",
]

#: P63: how composition slices sales.
Slice = Literal["product", "category", "store", "region", "grade"]

_SHARE = Decimal("0.0001")


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(_SHARE, ROUND_HALF_UP) if whole else Decimal(0)


@attrs.frozen(kw_only=True)
class SliceTotal:
    """P63: one slice's net sales, net units and distinct customers (returns subtract)."""

    key: str
    net_sales: Decimal
    units: int
    customers: int


@attrs.frozen(kw_only=True)
class RelationshipCounts:
    """P64: the counts behind the relationship figures of one period ``[start, end)``.

    ``buyers`` bought (a sale, not a return) in the period, ``previous_buyers``
    in the period of the same length just before, ``retained`` in both.
    ``net_sales`` is every purchase in the period, walk-ins and returns
    included; ``repeat_sales`` the part of it from customers whose first sale
    ever came before the period.
    """

    buyers: int
    previous_buyers: int
    retained: int
    net_sales: Decimal
    repeat_sales: Decimal


@attrs.frozen(kw_only=True)
class BuyerSpan:
    """P27: one customer's buying span, with what the one "old customer" rule (P13) needs.

    ``first_sale`` and ``last_sale`` are the first and last sale ever before
    the query's end; ``sales`` counts them; ``referrals`` counts the people
    the customer referred; ``poor_relationship`` says whether the customer
    carries the playbook's poor-relationship tag; ``grade`` is the tier label.
    """

    customer_id: str
    first_sale: datetime
    last_sale: datetime
    sales: int
    referrals: int
    poor_relationship: bool
    grade: str | None


@attrs.frozen(kw_only=True)
class LostInterview:
    """P27: what a lost-customer interview found (seed 004, 丟失客戶訪談).

    The reason and the competitor are staff's words about a customer, so
    they stay out of ``repr``.
    """

    customer_id: str
    at: datetime
    reason: str = attrs.field(repr=False)
    competitor: str | None = attrs.field(repr=False)
    win_back: bool


@attrs.frozen(kw_only=True)
class LostCustomer:
    """P27: a customer who stopped buying, measured against their own rhythm (``cadences.lost``)."""

    customer_id: str
    grade: str | None
    old: bool
    sales: int
    last_sale: date
    silent_days: int
    lost_after_days: int
    interviewed: bool
    win_back: bool | None


@attrs.frozen(kw_only=True)
class LostCustomers:
    """P27: who was lost by ``day`` and why (seed 002, 及时分析老顾客流失的原因).

    ``customers`` are the lost ones (old customers only unless asked for
    all), longest silent first; the counts come from the interviews held
    with them: the reasons they gave, the competitors they went to, how many
    may be won back, and how many were never interviewed.
    """

    day: date
    customers: tuple[LostCustomer, ...]
    interviewed: int
    not_interviewed: int
    win_back: int
    reasons: tuple[tuple[str, int], ...] = attrs.field(repr=False)
    competitors: tuple[tuple[str, int], ...] = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class StoreBuyers:
    """P66: a store's buyers and sales in a period, new customers (first sale ever in the period) and old apart.

    Only sales by known customers count; returns and walk-ins do not.
    """

    store: str
    new_buyers: int
    new_sales: Decimal
    old_buyers: int
    old_sales: Decimal


@attrs.frozen(kw_only=True)
class StaffSales:
    """P31: what one staff member sold in a period, from the deal archive (``staff_id`` of each receipt).

    ``sales`` and ``returns`` count receipts; ``net_sales`` is their total
    (returns negative); ``customers`` how many known customers bought from
    them; ``new_customers`` how many of those made their first purchase ever
    with them in the period. Contacts and sales credited to touches are in
    ``care.staff`` (the cadences area).
    """

    staff: str
    sales: int
    returns: int
    net_sales: Decimal
    customers: int
    new_customers: int


class RfmSegment(enum.StrEnum):
    """The named RFM segments; the rules below are tried in order, the first match wins.

    With R, F and M the recency, frequency and monetary scores (1 to 5):

    1. champions: R ≥ 4 and F ≥ 4;
    2. loyal: R ≥ 3 and F ≥ 3;
    3. new: R = 5 and F = 1;
    4. potential loyalists: R ≥ 4;
    5. can't lose: R ≤ 2 and F ≥ 4 and M ≥ 4;
    6. at risk: R ≤ 2 and F ≥ 3;
    7. lost: R = 1;
    8. hibernating: everyone else.
    """

    CHAMPIONS = "champions"
    LOYAL = "loyal"
    NEW = "new"
    POTENTIAL_LOYALISTS = "potential_loyalists"
    CANT_LOSE = "cant_lose"
    AT_RISK = "at_risk"
    LOST = "lost"
    HIBERNATING = "hibernating"

    @classmethod
    def of(cls, recency: int, frequency: int, monetary: int) -> RfmSegment:
        """The segment of one customer's scores."""
        r, f, m = recency, frequency, monetary
        if r >= 4 and f >= 4:
            return cls.CHAMPIONS
        if r >= 3 and f >= 3:
            return cls.LOYAL
        if r == 5 and f == 1:
            return cls.NEW
        if r >= 4:
            return cls.POTENTIAL_LOYALISTS
        if r <= 2 and f >= 4 and m >= 4:
            return cls.CANT_LOSE
        if r <= 2 and f >= 3:
            return cls.AT_RISK
        if r == 1:
            return cls.LOST
        return cls.HIBERNATING


def quintile(rank: int, population: int) -> int:
    """The score 1–5 of the ``rank``-th (1-based, ties sharing the lowest rank) of ``population``.

    ``1 + 5 × (rank − 1) // population``: the lowest fifth scores 1, the highest
    5, and equal values always score the same.
    """
    return 1 + (5 * (rank - 1)) // population


@attrs.frozen(kw_only=True)
class RfmScore:
    """One customer's RFM over a period: the raw figures, the quintile scores and the segment.

    ``recency`` scores the last sale (later is higher), ``frequency`` the
    number of sales, ``monetary`` net spend (returns subtract).
    """

    customer_id: str
    last_purchase_at: datetime
    purchases: int
    spend: Decimal
    recency: int
    frequency: int
    monetary: int
    segment: RfmSegment


@attrs.frozen(kw_only=True)
class RfmSegmentRow:
    """One RFM segment: how many customers, and their net spend together."""

    segment: RfmSegment
    customers: int
    spend: Decimal


@attrs.frozen(kw_only=True)
class CohortCell:
    """One cell of the cohort retention matrix.

    ``cohort`` is the month (``YYYY-MM``, in the purchase's own local time) of
    the customers' first sale; ``months_since`` how many months later;
    ``customers`` how many of the cohort bought that month (at 0: the cohort's
    size); ``share`` that as a fraction of the cohort.
    """

    cohort: str
    months_since: int
    customers: int
    share: Decimal


@attrs.frozen(kw_only=True)
class ParetoPoint:
    """One point of the Pareto curve of spend: the top ``customers`` spenders made ``spend_share`` of it."""

    customers: int
    customer_share: Decimal
    cumulative_spend: Decimal
    spend_share: Decimal

    @classmethod
    def at(cls, *, customers: int, population: int, cumulative_spend: Decimal, total_spend: Decimal) -> ParetoPoint:
        """The point after the top ``customers`` of ``population`` spenders."""
        return cls(
            customers=customers,
            customer_share=_share(customers, population),
            cumulative_spend=cumulative_spend,
            spend_share=_share(cumulative_spend, total_spend),
        )


def cohort_cell(cohort: str, months_since: int, customers: int, size: int) -> CohortCell:
    """A cell with its share of the cohort's size."""
    return CohortCell(cohort=cohort, months_since=months_since, customers=customers, share=_share(customers, size))
