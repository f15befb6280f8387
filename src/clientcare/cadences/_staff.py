"""P31: each staff member's contacts and the sales after them; a contest leaderboard."""

from __future__ import annotations

from datetime import date

from clientcare.cadences._boards import (
    FollowUpTable,
    LeaderboardFigure,
    LeaderboardRow,
    StaffFigures,
    follow_up_table,
    staff_figures,
)
from clientcare.cadences._sequences import SaleCredit
from clientcare.cadences._service_base import CadenceService
from clientcare.cadences._touches import Touch
from clientcare.errors import ValidationError
from clientcare.kernel._checks import one_of

__all__ = ["StaffService"]


class StaffService(CadenceService):
    """P31: each staff member's contacts and the sales after them; a contest leaderboard."""

    def _period(self, start: date, end: date) -> tuple[list[Touch], list[SaleCredit]]:
        if end < start:
            raise ValidationError("end", "must not be before start")
        first, last = self._day_bounds(start, end)
        with self._ctx.unit() as uow:
            return uow.touches.closed_between(first, last), uow.sale_credits.between(first, last)

    def _old_among(self, done: list[Touch]) -> frozenset[str]:
        """P13: which of the customers these touches reached are old customers today."""
        ids = sorted({t.customer_id for t in done if t.outcome is not None and t.outcome.reached})
        segments = self._ctx.playbook.segments
        currency = self._ctx.playbook.locale.currency
        old: set[str] = set()
        with self._ctx.unit() as uow:
            for customer in uow.customers.by_ids(ids):
                if segments.is_old(
                    sales=uow.purchases.figures(customer.id, currency).purchase_count,
                    referrals=len(uow.referrals.by_referrer(customer.id)),
                    poor_relationship=segments.poor_relationship_tag in customer.tags,
                ):
                    old.add(customer.id)
        return frozenset(old)

    def figures(self, staff: str, start: date, end: date) -> StaffFigures:
        """Touches done by reason and outcome, customers reached, contacts with old
        customers, visits per month and the months that fall short, sales after touches."""
        done, credits = self._period(start, end)
        playbook = self._ctx.playbook
        return staff_figures(
            staff,
            start=start,
            end=end,
            done=done,
            credits=credits,
            currency=playbook.locale.currency,
            old=self._old_among([t for t in done if t.closed_by == staff]),
            rules=playbook.cadences.staff,
        )

    def leaderboard(
        self, start: date, end: date, *, by: LeaderboardFigure | str = LeaderboardFigure.OLD_CUSTOMER_CONTACTS
    ) -> list[LeaderboardRow]:
        """P31: the "maintenance month" contest, best first by the figure ``by``
        (a :class:`LeaderboardFigure` or its value); by default the contacts with
        old customers, which seed 002 counts (对老顾客的回访、感情联络次数)."""
        figure = one_of(LeaderboardFigure, by, "by")
        done, credits = self._period(start, end)
        people: set[str] = {c.owner for c in credits if c.owner}
        for t in done:
            if t.closed_by and t.outcome is not None and not t.automated:
                people.add(t.closed_by)
        playbook = self._ctx.playbook
        old = self._old_among(done)
        figures = [
            staff_figures(
                n,
                start=start,
                end=end,
                done=done,
                credits=credits,
                currency=playbook.locale.currency,
                old=old,
                rules=playbook.cadences.staff,
            )
            for n in sorted(people)
        ]
        figures.sort(key=lambda f: (-figure.of(f), f.staff))
        return [
            LeaderboardRow(
                rank=index + 1,
                staff=f.staff,
                customers_reached=f.customers_reached,
                old_customer_contacts=f.old_customer_contacts,
                touches_done=f.touches_done,
                visits=f.visits,
                sales_after_touches=f.sales_after_touches,
                sales_amount=f.sales_amount,
            )
            for index, f in enumerate(figures)
        ]

    def sales_by_touch_number(self, start: date, end: date, *, staff: str | None = None) -> FollowUpTable:
        """P21: the shop's share of sales by touch number next to the document's
        2/3/5/10/80 table (``cadences.follow_up.benchmark``), in total and per
        staff member and month; ``staff`` keeps one staff member's rows and total."""
        _, credits = self._period(start, end)
        if staff is not None:
            credits = [c for c in credits if c.owner == staff]
        playbook = self._ctx.playbook
        return follow_up_table(start, end, credits, playbook.cadences.follow_up.benchmark, playbook.locale.zone)
