"""What analytics needs from storage: figures aggregated where the purchases are.

Every method answers with a few small rows computed set-based (the SQL adapter
runs one statement per call); no adapter loads the purchases as domain objects.
Each must give exactly what the reference functions in
:mod:`clientcare.analytics` give on the same purchases (and, for grades, the
same tier labels); :class:`clientcare.testing.AnalyticsContract` checks it on
random data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Protocol

from clientcare.analytics._results import (
    BuyerSpan,
    CohortCell,
    LostInterview,
    ParetoPoint,
    RelationshipCounts,
    RfmScore,
    RfmSegmentRow,
    Slice,
    SliceTotal,
    StaffSales,
    StoreBuyers,
)

__all__ = ["AnalyticsRepository"]


class AnalyticsRepository(Protocol):
    """P63/P64/P66, RFM, cohorts and the Pareto curve over the tenant's deal archive.

    Periods are half-open ``[start, end)`` of aware datetimes. Results are
    ordered as each method states, so two adapters' answers compare equal.
    """

    def composition(
        self,
        *,
        start: datetime,
        end: datetime,
        by: Slice,
        regions: Mapping[str, str] | None = None,
        categories: Mapping[str, str] | None = None,
    ) -> list[SliceTotal]:
        """P63: net sales, units and customers per slice, by key; equal to :func:`composition_totals`.

        ``by="category"`` maps style numbers through ``categories`` (``unknown`` if absent).

        ``by="grade"`` reads each customer's current ABC label from the tiers
        (``walk-in`` without a customer, ``unknown`` without a label);
        ``by="region"`` maps stores through ``regions`` (``unknown`` if absent).
        """
        ...

    def relationship(self, *, start: datetime, end: datetime) -> RelationshipCounts:
        """P64: buyers now and in the period of the same length before, net and repeat sales;
        equal to :func:`relationship_counts`."""
        ...

    def store_buyers(
        self, *, start: datetime, end: datetime, stores: Collection[str] | None = None
    ) -> list[StoreBuyers]:
        """P66: new and old buyers and sales per store (every store with a sale, or those in
        ``stores``), by store; equal to :func:`store_buyers_of`."""
        ...

    def rfm(self, *, start: datetime, end: datetime) -> list[RfmScore]:
        """RFM scores of every customer with a sale in the period, by customer id; equal to :func:`rfm_scores`."""
        ...

    def rfm_segments(self, *, start: datetime, end: datetime) -> list[RfmSegmentRow]:
        """Customers and spend per RFM segment (segments with customers only), in the
        segments' order; equal to :func:`rfm_segment_rows` of :meth:`rfm`."""
        ...

    def cohorts(self, *, first: date, last: date) -> list[CohortCell]:
        """The retention matrix of the cohorts whose first sale fell in the months ``first``
        to ``last`` (days ignored), up to month ``last``; by cohort and months since;
        equal to :func:`cohort_cells`."""
        ...

    def pareto(self, *, start: datetime, end: datetime, points: int = 20) -> list[ParetoPoint]:
        """The Pareto curve of net spend in the period over the customers who spent more than
        nothing, at ``points`` even steps of customers; equal to :func:`pareto_curve`."""
        ...

    def staff(self, *, start: datetime, end: datetime) -> list[StaffSales]:
        """P31: receipts, net sales and customers per staff member with a receipt in the
        period, by staff id; equal to :func:`staff_sales_of`."""
        ...

    def buyer_spans(self, *, end: datetime, silent_since: datetime, poor_tag: str) -> list[BuyerSpan]:
        """P27: every customer with a sale before ``end`` whose last one came before
        ``silent_since``, by customer id, with referrals given, whether tagged ``poor_tag``
        and the tier label; equal to :func:`buyer_spans_of`."""
        ...

    def lost_interviews(self, *, start: datetime, end: datetime) -> list[LostInterview]:
        """P27: the lost-customer interviews done in ``[start, end)``, by time then customer."""
        ...
