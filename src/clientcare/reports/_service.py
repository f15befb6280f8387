"""The owner's monthly report: every area's figures for one month, in one document.

The report reads through the areas' services (analytics, lifetime, touches,
staff, complaints, tiers) and, for the assessments' standings, the unit of
work; the Pareto curve, cohorts and RFM segments come from
:mod:`clientcare.analytics` (``report_pareto``, ``report_cohorts``, ``report_rfm``).
No phone, address or free text about a customer enters the report.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from clientcare.analytics import (
    AnalyticsService,
    LifetimeService,
    report_cohorts,
    report_pareto,
    report_rfm,
)
from clientcare.cadences import StaffService, TouchesService
from clientcare.complaints import ComplaintsService
from clientcare.errors import ClientcareError, ValidationError
from clientcare.kernel import Context
from clientcare.loyalty import TiersService
from clientcare.reports._document import Cell, MonthlyReport, ReportSection, table
from clientcare.reports._svg import bar_chart, heatmap, line_chart
from clientcare.reports._texts import Words

__all__ = ["DOCUMENT_TOUCH_SHARES", "ReportsService"]

#: The documents' table: shares of sales after the 1st, 2nd, 3rd, 4th and 5th-or-later touch.
DOCUMENT_TOUCH_SHARES = (Decimal("0.02"), Decimal("0.03"), Decimal("0.05"), Decimal("0.10"), Decimal("0.80"))
_PCT = Decimal("0.0001")


def _month(value: date | str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(f"{value}-01")
        except ValueError:
            raise ValidationError("month", "must read YYYY-MM") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError("month", "must be a date or YYYY-MM")
    return value.replace(day=1)


class ReportsService:
    """The owner's reports (P63–P66 with the areas' figures)."""

    def __init__(
        self,
        ctx: Context,
        *,
        analytics: AnalyticsService,
        lifetime: LifetimeService,
        touches: TouchesService,
        staff: StaffService,
        complaints: ComplaintsService,
        tiers: TiersService,
    ) -> None:
        self._ctx = ctx
        self._analytics = analytics
        self._lifetime = lifetime
        self._touches = touches
        self._staff = staff
        self._complaints = complaints
        self._tiers = tiers

    def monthly(self, month: date | str, *, language: str = "zh-CN") -> MonthlyReport:
        """The report for the calendar month ``month`` (a date in it, or "YYYY-MM") in
        ``language`` ("zh-CN" or "en"); write it with ``write_html``, ``write_csv`` or
        ``write_xlsx``."""
        words = Words(language)
        first = _month(month)
        after = (first + timedelta(days=32)).replace(day=1)
        zone = self._ctx.playbook.locale.zone
        start = datetime.combine(first, time(), tzinfo=zone)
        end = datetime.combine(after, time(), tzinfo=zone)
        sections = [
            self._overview(words, start, end),
            *self._composition(words, start, end),
            *self._archive_figures(words, first, end),
            self._touch_numbers(words, first, after),
            self._complaint_causes(words, first),
            self._assessments(words, end),
            self._leaderboard(words, first, after),
            self._serialisation(words),
            self._clv(words, after - timedelta(days=1)),
        ]
        return MonthlyReport(
            month=first,
            language=language,
            title=words("title", month=first.strftime("%Y-%m")),
            sections=tuple(sections),
        )

    def _overview(self, w: Words, start: datetime, end: datetime) -> ReportSection:
        f = self._analytics.figures(start, end)
        rows: list[tuple[str, int | Decimal]] = [
            (w("buyers"), f.buyers),
            (w("previous_buyers"), f.previous_buyers),
            (w("retention_rate"), f.retention_rate),
            (w("churn_rate"), f.churn_rate),
            (w("net_sales"), f.net_sales.amount),
            (w("sales_per_buyer"), f.sales_per_buyer.amount),
            (w("repeat_share"), f.repeat_share),
        ]
        return ReportSection(key="overview", title=w("overview"), table=table([w("figure"), w("value")], rows))

    def _composition(self, w: Words, start: datetime, end: datetime) -> list[ReportSection]:
        sections = []
        for key, by in (("composition", "store"), ("composition_product", "product")):
            rows = self._analytics.composition(start, end, by=by)  # type: ignore[arg-type]
            rows = sorted(rows, key=lambda r: (-r.sales.amount, r.key))[:12]
            sections.append(
                ReportSection(
                    key=key,
                    title=w(key),
                    table=table([w("key"), w("sales"), w("share")], [(r.key, r.sales.amount, r.share) for r in rows]),
                    chart=bar_chart(
                        w(key), [r.key for r in rows], [(w("sales"), [float(r.sales.amount) for r in rows])]
                    ),
                    note="" if rows else w("empty"),
                )
            )
        return sections

    def _archive_figures(self, w: Words, first: date, end: datetime) -> list[ReportSection]:
        with self._ctx.unit() as uow:
            purchases = list(uow.purchases.between(None, end))
        curve = report_pareto(purchases)
        pareto = ReportSection(
            key="pareto",
            title=w("pareto"),
            note=w("pareto_note"),
            table=table(
                [w("customers"), w("customer_share"), w("spend_share")],
                [(p.customers, p.customer_share, p.spend_share) for p in curve],
            ),
            chart=line_chart(
                w("pareto"),
                [f"{p.customer_share:.0%}" for p in curve],
                [(w("spend_share"), [float(p.spend_share) for p in curve])],
            ),
        )
        cohorts = report_cohorts(purchases, until=first)
        width = max((len(c.retention) for c in cohorts), default=0)
        columns = [w("months_since", k=k) for k in range(width)]
        cohort_section = ReportSection(
            key="cohorts",
            title=w("cohorts"),
            table=table(
                [w("cohort"), w("customers"), *columns],
                [(c.month, c.customers, *c.retention) for c in cohorts],
            ),
            chart=heatmap(
                w("cohorts"),
                [c.month for c in cohorts],
                [str(k) for k in range(width)],
                [[float(v) if c.customers else None for v in c.retention] for c in cohorts],
            ),
        )
        segments = report_rfm(purchases, at=end)
        rfm = ReportSection(
            key="rfm",
            title=w("rfm"),
            table=table(
                [w("segment"), w("customers"), w("spend")], [(w(s.segment), s.customers, s.spend) for s in segments]
            ),
            chart=bar_chart(
                w("rfm"), [w(s.segment) for s in segments], [(w("customers"), [s.customers for s in segments])]
            ),
        )
        return [pareto, cohort_section, rfm]

    def _touch_numbers(self, w: Words, first: date, after: date) -> ReportSection:
        result = self._touches.sales_by_touch_number(first, after - timedelta(days=1))
        counts = [0] * len(DOCUMENT_TOUCH_SHARES)
        for row in result.by_touch:
            counts[min(max(row.touch_no, 1), len(counts)) - 1] += row.sales
        total = sum(counts)
        shares = [(Decimal(c) / total).quantize(_PCT) if total else Decimal(0) for c in counts]
        labels = ["1", "2", "3", "4", "5+"]
        return ReportSection(
            key="touches",
            title=w("touches"),
            table=table(
                [w("touch_no"), w("sales"), w("actual_share"), w("document_share")],
                list(zip(labels, counts, shares, DOCUMENT_TOUCH_SHARES, strict=True)),
            ),
            chart=bar_chart(
                w("touches"),
                labels,
                [
                    (w("actual_share"), [float(s) for s in shares]),
                    (w("document_share"), [float(s) for s in DOCUMENT_TOUCH_SHARES]),
                ],
            ),
        )

    def _complaint_causes(self, w: Words, first: date) -> ReportSection:
        review = self._complaints.review("month", day=first)
        rules = self._ctx.playbook.complaints
        causes = sorted(review.by_cause.items(), key=lambda item: (-item[1], item[0]))
        note = w(
            "complaints_note",
            first=review.median_first_response_hours if review.median_first_response_hours is not None else "–",
            first_promise=rules.first_response_hours.normal,
            resolution=review.median_resolution_hours if review.median_resolution_hours is not None else "–",
            resolution_promise=rules.resolution_hours.normal,
        )
        return ReportSection(
            key="complaints",
            title=w("complaints"),
            note=note,
            table=table([w("cause"), w("count")], causes),
            chart=bar_chart(w("complaints"), [c for c, _ in causes], [(w("count"), [n for _, n in causes])]),
        )

    def _assessments(self, w: Words, end: datetime) -> ReportSection:
        with self._ctx.unit() as uow:
            latest = uow.assessments.latest_per_customer()
            every = [a for customer in sorted(latest) for a in uow.assessments.for_customer(customer)]
        standings = Counter(a.standing.value for a in latest.values())
        by_month: dict[str, list[Decimal]] = {}
        for a in every:
            if a.assessed_at < end:
                by_month.setdefault(a.assessed_at.strftime("%Y-%m"), []).append(a.final_score)
        months = sorted(by_month)[-12:]
        averages = [(sum(by_month[m], Decimal(0)) / len(by_month[m])).quantize(Decimal("0.01")) for m in months]
        rows: list[tuple[Cell, ...]] = [(standing, count, None, None) for standing, count in sorted(standings.items())]
        rows += [(None, None, m, avg) for m, avg in zip(months, averages, strict=True)]
        return ReportSection(
            key="assessments",
            title=w("assessments"),
            table=table([w("standing"), w("customers"), w("month"), w("average_score")], rows),
            chart=bar_chart(
                w("standing"), sorted(standings), [(w("customers"), [standings[s] for s in sorted(standings)])]
            )
            + line_chart(w("average_score"), months, [(w("average_score"), [float(a) for a in averages])]),
        )

    def _leaderboard(self, w: Words, first: date, after: date) -> ReportSection:
        board = self._staff.leaderboard(first, after - timedelta(days=1))
        return ReportSection(
            key="staff",
            title=w("staff"),
            table=table(
                [
                    w("rank"),
                    w("person"),
                    w("customers_reached"),
                    w("touches_done"),
                    w("visits"),
                    w("sales_after_touches"),
                    w("sales_amount"),
                ],
                [
                    (
                        r.rank,
                        r.staff,
                        r.customers_reached,
                        r.touches_done,
                        r.visits,
                        r.sales_after_touches,
                        r.sales_amount,
                    )
                    for r in board
                ],
            ),
            chart=bar_chart(
                w("staff"),
                [r.staff for r in board[:12]],
                [(w("customers_reached"), [r.customers_reached for r in board[:12]])],
            ),
        )

    def _serialisation(self, w: Words) -> ReportSection:
        series = self._tiers.serialisation()[-24:]
        labels = [at.astimezone(self._ctx.playbook.locale.zone).strftime("%Y-%m-%d") for at, _ in series]
        return ReportSection(
            key="serialisation",
            title=w("serialisation"),
            table=table(
                [w("run"), w("active"), w("loyal_or_a"), w("degree")],
                [(label, f.active, f.loyal_or_a, f.degree) for label, (_, f) in zip(labels, series, strict=True)],
            ),
            chart=line_chart(w("serialisation"), labels, [(w("degree"), [float(f.degree) for _, f in series])]),
        )

    def _clv(self, w: Words, until: date) -> ReportSection:
        rules = self._ctx.playbook.analytics
        try:
            model = self._lifetime.fit(until)
            lives = self._lifetime.customers(model, 52)
        except ClientcareError:
            # Without the extra or with too little data the report still goes out.
            return ReportSection(
                key="clv", title=w("clv"), note=w("clv_missing"), table=table([w("clv_band"), w("customers")], [])
            )
        values = sorted(float(life.lifetime_value.amount) for life in lives)
        top = values[-1] if values else 0.0
        bands = 10
        width = top / bands if top > 0 else 1.0
        counts = [0] * bands
        for value in values:
            counts[min(bands - 1, int(value / width))] += 1
        labels = [f"{width * i:.0f}–{width * (i + 1):.0f}" for i in range(bands)]
        return ReportSection(
            key="clv",
            title=w("clv"),
            note=w("clv_note", rate=rules.discount_rate, margin=rules.gross_margin),
            table=table([w("clv_band"), w("customers")], list(zip(labels, counts, strict=True))),
            chart=bar_chart(w("clv"), labels, [(w("customers"), counts)]),
        )
