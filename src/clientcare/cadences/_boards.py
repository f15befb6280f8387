"""Boards (P30) and staff figures (P31): plain, JSON-ready read models.

Every object here is frozen attrs made of strings, numbers, dates and
tuples, so ``clientcare.serialization.unstructure`` turns it into JSON. The
customer's name is on board items because staff call people by name; it is
kept out of ``repr`` like every personal field.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from datetime import date, tzinfo
from decimal import Decimal

import attrs

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._sequences import SaleCredit
from clientcare.cadences._touches import Touch, TouchReason
from clientcare.customers._model import Customer
from clientcare.playbook import AbcLabel, StaffRules, TouchBenchmark

__all__ = [
    "AppointmentItem",
    "BoardItem",
    "FollowUpTable",
    "FollowUpTableRow",
    "LeaderboardFigure",
    "LeaderboardRow",
    "MonthlyBoard",
    "SalesByTouchNumber",
    "StaffFigures",
    "TouchBand",
    "TouchNumberShare",
    "WeekPlan",
    "WeeklyBoard",
    "board_items",
    "follow_up_table",
    "staff_figures",
]

#: P31: touches that count as a visit (return visits, rotation, after-sales, thanks).
VISIT_REASONS = frozenset(
    {TouchReason.RETURN_VISIT, TouchReason.AFTER_SALES, TouchReason.ROTATION_VISIT, TouchReason.THANK_YOU}
)


@attrs.frozen(kw_only=True)
class BoardItem:
    """One touch on a board, with what staff need to act on it (P25)."""

    touch_id: str
    customer_id: str
    customer_name: str = attrs.field(repr=False)
    reason: str
    due: date
    occasion: date
    channel: str
    owner: str | None
    automated: bool
    priority: int
    status: str
    key_customer: bool
    open_complaint: bool
    overdue: bool
    information: str = attrs.field(repr=False)
    reward: str | None = None
    sequence_no: int | None = None


@attrs.frozen(kw_only=True)
class AppointmentItem:
    """An appointment on a board."""

    appointment_id: str
    customer_id: str
    customer_name: str = attrs.field(repr=False)
    starts_at: str
    staff_id: str | None
    status: str


@attrs.frozen(kw_only=True)
class WeeklyBoard:
    """P30: today's, tomorrow's and the rest of this week's focus; overdue first."""

    scope: str
    day: date
    overdue: tuple[BoardItem, ...]
    today: tuple[BoardItem, ...]
    tomorrow: tuple[BoardItem, ...]
    this_week: tuple[BoardItem, ...]
    appointments: tuple[AppointmentItem, ...]


@attrs.frozen(kw_only=True)
class WeekPlan:
    """One week of a monthly board (weeks start on Monday)."""

    starts: date
    items: tuple[BoardItem, ...]
    by_reason: tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class MonthlyBoard:
    """P30: the month's plan week by week, and the items that span weeks."""

    scope: str
    month: str
    weeks: tuple[WeekPlan, ...]
    spanning: tuple[BoardItem, ...]
    by_reason: tuple[tuple[str, int], ...]


def _week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())


def board_items(
    touches: Iterable[Touch],
    customers: Mapping[str, Customer],
    *,
    today: date,
    tiers: Mapping[str, AbcLabel],
    complaints: frozenset[str],
) -> list[BoardItem]:
    """Board items, open complaints first, then key customers, then priority and due date."""
    items: list[BoardItem] = []
    for t in touches:
        customer = customers.get(t.customer_id)
        key = bool(customer is not None and customer.key) or tiers.get(t.customer_id) == AbcLabel.A
        items.append(
            BoardItem(
                touch_id=t.id,
                customer_id=t.customer_id,
                customer_name=customer.name if customer is not None else "",
                reason=t.reason.value,
                due=t.due,
                occasion=t.occasion,
                channel=t.precision.channel.value,
                owner=t.owner,
                automated=t.automated,
                priority=t.priority,
                status=t.status.value,
                key_customer=key,
                open_complaint=t.customer_id in complaints,
                overdue=t.due < today,
                information=t.precision.information,
                reward=t.precision.reward,
                sequence_no=t.sequence_no,
            )
        )
    # P40 (seed 001: 第一時間處理顧客投訴): a customer with an open complaint comes before
    # any routine touch, a key customer's included; key customers come next.
    items.sort(key=lambda i: (not i.open_complaint, not i.key_customer, i.priority, i.due, i.reason, i.touch_id))
    return items


def appointment_items(appointments: Iterable[Appointment], customers: Mapping[str, Customer]) -> list[AppointmentItem]:
    """Appointments on a board, by time."""
    return [
        AppointmentItem(
            appointment_id=a.id,
            customer_id=a.customer_id,
            customer_name=customers[a.customer_id].name if a.customer_id in customers else "",
            starts_at=a.starts_at.isoformat(),
            staff_id=a.staff_id,
            status=a.status.value,
        )
        for a in sorted(appointments, key=lambda a: (a.starts_at, a.id))
    ]


def weekly_board(scope: str, day: date, items: list[BoardItem], appointments: list[AppointmentItem]) -> WeeklyBoard:
    """Split ordered items into overdue, today, tomorrow and the rest of the week."""
    tomorrow = date.fromordinal(day.toordinal() + 1)
    return WeeklyBoard(
        scope=scope,
        day=day,
        overdue=tuple(i for i in items if i.due < day),
        today=tuple(i for i in items if i.due == day),
        tomorrow=tuple(i for i in items if i.due == tomorrow),
        this_week=tuple(i for i in items if i.due > tomorrow),
        appointments=tuple(appointments),
    )


def _counts(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items()))


def monthly_board(scope: str, first: date, items: list[BoardItem]) -> MonthlyBoard:
    """Group the month's items by week. A touch may be done from its due date
    until its occasion (a greeting planned ahead of a holiday); when those
    fall in different weeks, the item spans weeks."""
    weeks: dict[date, list[BoardItem]] = {}
    for item in items:
        weeks.setdefault(_week_start(item.due), []).append(item)
    plans = tuple(
        WeekPlan(starts=start, items=tuple(ws), by_reason=_counts(i.reason for i in ws))
        for start, ws in sorted(weeks.items())
    )
    spanning = tuple(i for i in items if _week_start(i.due) != _week_start(max(i.due, i.occasion)))
    return MonthlyBoard(
        scope=scope,
        month=f"{first.year:04d}-{first.month:02d}",
        weeks=plans,
        spanning=spanning,
        by_reason=_counts(i.reason for i in items),
    )


@attrs.frozen(kw_only=True)
class StaffFigures:
    """P31: one staff member's contacts over a period, the basis for appraisal."""

    staff: str
    start: date
    end: date
    touches_done: int
    by_reason: tuple[tuple[str, int], ...]
    by_outcome: tuple[tuple[str, int], ...]
    customers_reached: int
    visits: int
    visits_per_month: tuple[tuple[str, int], ...]
    sales_after_touches: int
    sales_amount: Decimal
    currency: str
    #: P31 (seed 002, 对老顾客的回访、感情联络次数): done contacts with old customers (P13).
    old_customer_contacts: int = 0
    old_customers_reached: int = 0
    #: Months of the period (``YYYY-MM``) whose visits fall short (``cadences.staff``).
    months_too_few: tuple[str, ...] = ()


class LeaderboardFigure(enum.StrEnum):
    """P31: the figure a "maintenance month" contest ranks staff by."""

    CUSTOMERS_REACHED = "customers_reached"
    OLD_CUSTOMER_CONTACTS = "old_customer_contacts"
    TOUCHES_DONE = "touches_done"
    VISITS = "visits"
    SALES_AFTER_TOUCHES = "sales_after_touches"
    SALES_AMOUNT = "sales_amount"

    def of(self, figures: StaffFigures) -> int | Decimal:
        """This figure in one staff member's figures."""
        match self:
            case LeaderboardFigure.CUSTOMERS_REACHED:
                return figures.customers_reached
            case LeaderboardFigure.OLD_CUSTOMER_CONTACTS:
                return figures.old_customer_contacts
            case LeaderboardFigure.TOUCHES_DONE:
                return figures.touches_done
            case LeaderboardFigure.VISITS:
                return figures.visits
            case LeaderboardFigure.SALES_AFTER_TOUCHES:
                return figures.sales_after_touches
            case LeaderboardFigure.SALES_AMOUNT:
                return figures.sales_amount


@attrs.frozen(kw_only=True)
class LeaderboardRow:
    """P31: one line of a "maintenance month" contest."""

    rank: int
    staff: str
    customers_reached: int
    old_customer_contacts: int
    touches_done: int
    visits: int
    sales_after_touches: int
    sales_amount: Decimal


@attrs.frozen(kw_only=True)
class TouchNumberShare:
    """P21: how many credited sales came after touch number ``touch_no``."""

    touch_no: int
    sales: int
    share: Decimal


@attrs.frozen(kw_only=True)
class SalesByTouchNumber:
    """P21: the share of sequence sales by the touch that preceded them."""

    start: date
    end: date
    sales: int
    in_sequences: int
    by_touch: tuple[TouchNumberShare, ...]


@attrs.frozen(kw_only=True)
class TouchBand:
    """P21: one line of the document's follow-up table next to the shop's own figure."""

    label: str
    first: int
    last: int
    document_share: Decimal
    sales: int
    share: Decimal


@attrs.frozen(kw_only=True)
class FollowUpTableRow:
    """P21: the shop's sales by touch number for one staff member and month.

    ``staff`` is None for every staff member together, ``month`` (``YYYY-MM``)
    empty for the whole period. ``sales`` counts sales after a sequence touch;
    shares are of those, so bands overlap where the document's lines do.
    """

    staff: str | None
    month: str
    sales: int
    bands: tuple[TouchBand, ...]


@attrs.frozen(kw_only=True)
class FollowUpTable:
    """P21: the document's 2/3/5/10/80 table next to the shop's figures.

    ``total`` is the whole shop over the period; ``rows`` one per staff member
    and month with sales after a sequence touch (credit goes to who did it).
    """

    start: date
    end: date
    total: FollowUpTableRow
    rows: tuple[FollowUpTableRow, ...]


def _table_row(
    staff: str | None, month: str, credits: Sequence[SaleCredit], benchmark: Sequence[TouchBenchmark]
) -> FollowUpTableRow:
    numbered = [c.touch_no for c in credits if c.touch_no is not None]
    bands = []
    for line in benchmark:
        count = sum(1 for n in numbered if line.first <= n <= line.last)
        share = (Decimal(count) / Decimal(len(numbered))).quantize(Decimal("0.0001")) if numbered else Decimal(0)
        bands.append(
            TouchBand(
                label=line.label,
                first=line.first,
                last=line.last,
                document_share=line.share,
                sales=count,
                share=share,
            )
        )
    return FollowUpTableRow(staff=staff, month=month, sales=len(numbered), bands=tuple(bands))


def follow_up_table(
    start: date, end: date, credits: Iterable[SaleCredit], benchmark: Sequence[TouchBenchmark], zone: tzinfo
) -> FollowUpTable:
    """P21: the shop's share of sequence sales per band of the document's table, per staff member and month."""
    numbered = [c for c in credits if c.touch_no is not None]
    groups: dict[tuple[str, str], list[SaleCredit]] = {}
    for credit in numbered:
        month = credit.occurred_at.astimezone(zone).strftime("%Y-%m")
        groups.setdefault((credit.owner or "", month), []).append(credit)
    rows = tuple(_table_row(staff or None, month, group, benchmark) for (staff, month), group in sorted(groups.items()))
    return FollowUpTable(start=start, end=end, total=_table_row(None, "", numbered, benchmark), rows=rows)


def staff_figures(
    staff: str,
    *,
    start: date,
    end: date,
    done: Iterable[Touch],
    credits: Iterable[SaleCredit],
    currency: str,
    old: Set[str] = frozenset(),
    rules: StaffRules | None = None,
) -> StaffFigures:
    """Count one staff member's done touches and the sales credited to them;
    ``old`` holds the ids of old customers (P13), ``rules`` flags short months."""
    # Credit goes to whoever did the touch, which may not be its planned owner.
    mine = [t for t in done if t.outcome is not None and t.closed_by == staff and not t.automated]
    reached = [t for t in mine if t.outcome is not None and t.outcome.reached]
    visits = [t for t in reached if t.reason in VISIT_REASONS or t.precision.channel.value == "in_person"]
    sales = [c for c in credits if c.owner == staff and c.touch_id is not None]
    per_month = _counts(t.closed_at.strftime("%Y-%m") for t in visits if t.closed_at is not None)
    return StaffFigures(
        staff=staff,
        start=start,
        end=end,
        touches_done=len(mine),
        by_reason=_counts(t.reason.value for t in mine),
        by_outcome=_counts(t.outcome.value for t in mine if t.outcome is not None),
        customers_reached=len({t.customer_id for t in reached}),
        visits=len(visits),
        visits_per_month=per_month,
        sales_after_touches=len(sales),
        sales_amount=sum((c.amount for c in sales if c.currency == currency), Decimal(0)),
        currency=currency,
        old_customer_contacts=sum(1 for t in reached if t.customer_id in old),
        old_customers_reached=len({t.customer_id for t in reached if t.customer_id in old}),
        months_too_few=_short_months(start, end, dict(per_month), rules or StaffRules()),
    )


def _short_months(start: date, end: date, visits: Mapping[str, int], rules: StaffRules) -> tuple[str, ...]:
    """Every month the period touches whose visits fall short, a month without any included."""
    months: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        key = f"{year:04d}-{month:02d}"
        if rules.too_few(visits.get(key, 0)):
            months.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def sales_by_touch_number(start: date, end: date, credits: Iterable[SaleCredit]) -> SalesByTouchNumber:
    """P21: shares of sales by touch number (the document's 2/3/5/10/80 table)."""
    all_credits = list(credits)
    numbered = Counter(c.touch_no for c in all_credits if c.touch_no is not None)
    total = sum(numbered.values())
    rows = tuple(
        TouchNumberShare(
            touch_no=n,
            sales=count,
            share=(Decimal(count) / Decimal(total)).quantize(Decimal("0.0001")) if total else Decimal(0),
        )
        for n, count in sorted(numbered.items())
    )
    return SalesByTouchNumber(start=start, end=end, sales=len(all_credits), in_sequences=total, by_touch=rows)
