"""The analytics port in memory: the core's reference functions over the purchase table."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from clientcare.adapters._interviews import interview_of
from clientcare.analytics import (
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
    buyer_spans_of,
    cohort_cells,
    composition_totals,
    pareto_curve,
    relationship_counts,
    rfm_scores,
    rfm_segment_rows,
    staff_sales_of,
    store_buyers_of,
)
from clientcare.cadences import TouchReason
from clientcare.purchases import Purchase

if TYPE_CHECKING:
    from clientcare.adapters.memory._backend import MemoryUnitOfWork

__all__ = ["MemoryAnalyticsRepository", "attach"]

_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


class MemoryAnalyticsRepository:
    """Analytics over the unit of work's view of the purchases (staged writes included)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _purchases(self) -> Iterator[Purchase]:
        return self._uow.purchases.between(None, _END_OF_TIME)

    def composition(
        self,
        *,
        start: datetime,
        end: datetime,
        by: Slice,
        regions: Mapping[str, str] | None = None,
        categories: Mapping[str, str] | None = None,
    ) -> list[SliceTotal]:
        labels = {k: v.value for k, v in self._uow.tiers.labels().items()} if by == "grade" else None
        return composition_totals(
            self._purchases(), start=start, end=end, by=by, regions=regions, labels=labels, categories=categories
        )

    def relationship(self, *, start: datetime, end: datetime) -> RelationshipCounts:
        return relationship_counts(self._purchases(), start=start, end=end)

    def store_buyers(
        self, *, start: datetime, end: datetime, stores: Collection[str] | None = None
    ) -> list[StoreBuyers]:
        return store_buyers_of(self._purchases(), start=start, end=end, stores=stores)

    def rfm(self, *, start: datetime, end: datetime) -> list[RfmScore]:
        return rfm_scores(self._purchases(), start=start, end=end)

    def rfm_segments(self, *, start: datetime, end: datetime) -> list[RfmSegmentRow]:
        return rfm_segment_rows(self.rfm(start=start, end=end))

    def cohorts(self, *, first: date, last: date) -> list[CohortCell]:
        return cohort_cells(self._purchases(), first=first, last=last)

    def pareto(self, *, start: datetime, end: datetime, points: int = 20) -> list[ParetoPoint]:
        return pareto_curve(self._purchases(), start=start, end=end, points=points)

    def staff(self, *, start: datetime, end: datetime) -> list[StaffSales]:
        return staff_sales_of(self._purchases(), start=start, end=end)

    def buyer_spans(self, *, end: datetime, silent_since: datetime, poor_tag: str) -> list[BuyerSpan]:
        uow = self._uow
        customers = list(uow.customers.iter_all())
        referrals: dict[str, int] = {}
        for customer in customers:
            given = len(uow.referrals.by_referrer(customer.id))
            if given:
                referrals[customer.id] = given
        return buyer_spans_of(
            self._purchases(),
            end=end,
            silent_since=silent_since,
            referrals=referrals,
            poor={c.id for c in customers if poor_tag in c.tags},
            labels={k: v.value for k, v in uow.tiers.labels().items()},
        )

    def lost_interviews(self, *, start: datetime, end: datetime) -> list[LostInterview]:
        rows = [
            interview_of(touch)
            for touch in self._uow.touches.closed_between(start, end)
            if touch.reason is TouchReason.LOST_INTERVIEW and touch.detail("reason") is not None
        ]
        return sorted(rows, key=lambda row: (row.at, row.customer_id))


def attach(uow: MemoryUnitOfWork) -> None:
    """Give a memory unit of work the analytics port (called on every reset)."""
    uow.analytics = MemoryAnalyticsRepository(uow)
