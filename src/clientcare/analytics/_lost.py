"""P27: who stopped buying, and why — the lost customers and what their interviews found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, tzinfo

from clientcare.analytics._results import BuyerSpan, LostCustomer, LostCustomers, LostInterview
from clientcare.playbook import LostRules, SegmentRules

__all__ = ["lost_customers"]


def _counts(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Most frequent first, then alphabetical, so two runs read the same."""
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def lost_customers(
    spans: Iterable[BuyerSpan],
    interviews: Sequence[LostInterview],
    *,
    day: date,
    zone: tzinfo,
    rules: LostRules,
    segments: SegmentRules,
    old_only: bool,
) -> LostCustomers:
    """The customers lost on ``day`` by the daily run's own rule, with the latest interview since
    each one's last sale; reasons and competitors counted over those interviews."""
    latest: dict[str, LostInterview] = {}
    for held in interviews:
        latest[held.customer_id] = held  # ordered by time: the last one wins
    found: list[LostCustomer] = []
    heard: list[LostInterview] = []
    for span in spans:
        first, last = span.first_sale.astimezone(zone).date(), span.last_sale.astimezone(zone).date()
        lost_after = rules.lost_after(sales=span.sales, first=first, last=last)
        silent = (day - last).days
        old = segments.is_old(sales=span.sales, referrals=span.referrals, poor_relationship=span.poor_relationship)
        if silent < lost_after or (old_only and not old):
            continue
        interview: LostInterview | None = latest.get(span.customer_id)
        if interview is not None and interview.at < span.last_sale:
            interview = None  # asked before the last purchase: about an earlier silence
        if interview is not None:
            heard.append(interview)
        found.append(
            LostCustomer(
                customer_id=span.customer_id,
                grade=span.grade,
                old=old,
                sales=span.sales,
                last_sale=last,
                silent_days=silent,
                lost_after_days=int(lost_after.to_integral_value()),
                interviewed=interview is not None,
                win_back=interview.win_back if interview is not None else None,
            )
        )
    found.sort(key=lambda c: (-c.silent_days, c.customer_id))
    return LostCustomers(
        day=day,
        customers=tuple(found),
        interviewed=len(heard),
        not_interviewed=len(found) - len(heard),
        win_back=sum(1 for i in heard if i.win_back),
        reasons=_counts(i.reason.strip() for i in heard),
        competitors=_counts(i.competitor.strip() for i in heard if i.competitor),
    )
