"""The report's own Pareto curve, cohort matrix and RFM segments, computed in Python
from the deal archive.

Stand-ins until the set-based analytics port offers the same figures; the
monthly report reads them only through these three functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.purchases._model import Purchase, PurchaseKind

__all__ = [
    "RFM_SEGMENTS",
    "ReportCohort",
    "ReportParetoPoint",
    "ReportRfmSegment",
    "report_cohorts",
    "report_pareto",
    "report_rfm",
]

_SHARE = Decimal("0.0001")


@attrs.frozen(kw_only=True)
class ReportParetoPoint:
    """The top ``customer_share`` of buyers by net spend made ``spend_share`` of it."""

    customers: int
    customer_share: Decimal
    spend_share: Decimal


def _spend(purchases: Iterable[Purchase]) -> dict[str, Decimal]:
    spend: dict[str, Decimal] = {}
    for p in purchases:
        if p.customer_id is not None:
            spend[p.customer_id] = spend.get(p.customer_id, Decimal(0)) + p.amount.amount
    return spend


def report_pareto(purchases: Iterable[Purchase], *, points: int = 20) -> list[ReportParetoPoint]:
    """The ABC Pareto curve: cumulative share of net spend by share of buyers, biggest first."""
    ranked = sorted((v for v in _spend(purchases).values() if v > 0), reverse=True)
    total = sum(ranked, Decimal(0))
    if not ranked or total <= 0:
        return []
    curve = [ReportParetoPoint(customers=0, customer_share=Decimal(0), spend_share=Decimal(0))]
    running = Decimal(0)
    marks = {max(1, round(len(ranked) * step / points)) for step in range(1, points + 1)}
    for index, value in enumerate(ranked, start=1):
        running += value
        if index in marks:
            curve.append(
                ReportParetoPoint(
                    customers=index,
                    customer_share=(Decimal(index) / len(ranked)).quantize(_SHARE),
                    spend_share=(running / total).quantize(_SHARE),
                )
            )
    return curve


@attrs.frozen(kw_only=True)
class ReportCohort:
    """Customers whose first sale fell in ``month``, and the share buying again ``k`` months later."""

    month: str
    customers: int
    retention: tuple[Decimal, ...]


def _month_index(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def report_cohorts(purchases: Iterable[Purchase], *, until: date, months: int = 12) -> list[ReportCohort]:
    """Cohorts of the last ``months`` months up to ``until``: buyers by month of first sale
    and the share of them buying in each month since (month 0 is 100 %)."""
    active: dict[str, set[int]] = {}
    for p in purchases:
        if p.customer_id is not None and p.kind is PurchaseKind.SALE:
            active.setdefault(p.customer_id, set()).add(_month_index(p.occurred_at))
    last = until.year * 12 + until.month - 1
    first_month = last - months + 1
    members: dict[int, list[set[int]]] = {}
    for seen in active.values():
        start = min(seen)
        if first_month <= start <= last:
            members.setdefault(start, []).append(seen)
    result = []
    for month in range(first_month, last + 1):
        group = members.get(month, [])
        shares = tuple(
            (Decimal(sum(1 for seen in group if month + k in seen)) / len(group)).quantize(_SHARE)
            if group
            else Decimal(0)
            for k in range(last - month + 1)
        )
        result.append(
            ReportCohort(month=f"{month // 12:04d}-{month % 12 + 1:02d}", customers=len(group), retention=shares)
        )
    return result


@attrs.frozen(kw_only=True)
class ReportRfmSegment:
    """A named RFM segment: how many customers and their net spend."""

    segment: str
    customers: int
    spend: Decimal


# (segment, recency scores, frequency-and-monetary scores), first match wins; scores 1..5.
_SEGMENTS = (
    ("champions", (4, 5), (4, 5)),
    ("loyal", (3, 4, 5), (3, 4, 5)),
    ("promising", (4, 5), (1, 2, 3)),
    ("at_risk", (1, 2), (3, 4, 5)),
    ("hibernating", (2, 3), (1, 2, 3)),
    ("lost", (1,), (1, 2, 3)),
)
RFM_SEGMENTS = tuple(name for name, _, _ in _SEGMENTS)


def _quintiles(values: dict[str, Decimal]) -> dict[str, int]:
    """Scores 1..5 by rank (ties share the lower rank's score), 5 the best."""
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    scores: dict[str, int] = {}
    previous: Decimal | None = None
    score = 1
    for rank, (key, value) in enumerate(ordered):
        if value != previous:
            score = rank * 5 // len(ordered) + 1
            previous = value
        scores[key] = score
    return scores


def report_rfm(purchases: Iterable[Purchase], *, at: datetime) -> list[ReportRfmSegment]:
    """Customers with a sale before ``at`` scored by recency, frequency and net spend in
    quintiles, and counted in the usual named segments (every segment listed, even empty)."""
    last: dict[str, datetime] = {}
    count: dict[str, Decimal] = {}
    spend: dict[str, Decimal] = {}
    for p in purchases:
        if p.customer_id is None or p.occurred_at >= at:
            continue
        spend[p.customer_id] = spend.get(p.customer_id, Decimal(0)) + p.amount.amount
        if p.kind is PurchaseKind.SALE:
            last[p.customer_id] = max(last.get(p.customer_id, p.occurred_at), p.occurred_at)
            count[p.customer_id] = count.get(p.customer_id, Decimal(0)) + 1
    recency = _quintiles({c: Decimal(moment.timestamp()) for c, moment in last.items()})
    frequency = _quintiles({c: count[c] for c in last})
    monetary = _quintiles({c: spend[c] for c in last})
    counted = dict.fromkeys(RFM_SEGMENTS, 0)
    spent = dict.fromkeys(RFM_SEGMENTS, Decimal(0))
    for customer in last:
        fm = (frequency[customer] + monetary[customer] + 1) // 2
        name = next(
            (n for n, rs, fms in _SEGMENTS if recency[customer] in rs and fm in fms),
            "hibernating",
        )
        counted[name] += 1
        spent[name] += spend[customer]
    return [ReportRfmSegment(segment=n, customers=counted[n], spend=spent[n]) for n in RFM_SEGMENTS]
