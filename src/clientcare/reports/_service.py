"""The owner's monthly report: every area's figures for one month, in one document.

The report reads through the areas' services (analytics, lifetime, touches,
staff, complaints, tiers) and, for the assessments' standings, the unit of
work. The Pareto curve, cohorts and RFM segments are the analytics port's
set-based calls (``pareto``, ``cohorts``, ``rfm_segments``) over the twelve
months ending with the report month; no purchase is loaded as a domain object.
No phone, address or free text about a customer enters the report.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from clientcare.analytics import AnalyticsService, CohortCell, LifetimeService, RfmSegment
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
#: The Pareto curve, cohorts and RFM segments look back this many months, the report month included:
#: a year evens out the seasons, and one month alone holds too few buyers to rank.
WINDOW_MONTHS = 12


def _month(value: date | str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(f"{value}-01")
        except ValueError:
            raise ValidationError("month", "must read YYYY-MM") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError("month", "must be a date or YYYY-MM")
    return value.replace(day=1)


def _months_before(first: date, months: int) -> date:
    """The first day of the month ``months`` before the month of ``first``."""
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


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
        since = _months_before(first, WINDOW_MONTHS - 1)
        start = datetime.combine(since, time(), tzinfo=self._ctx.playbook.locale.zone)
        window = {"since": since.strftime("%Y-%m"), "until": first.strftime("%Y-%m"), "months": WINDOW_MONTHS}
        curve = self._analytics.pareto(start, end)
        pareto = ReportSection(
            key="pareto",
            title=w("pareto"),
            note=w("pareto_note", **window),
            table=table(
                [w("customers"), w("customer_share"), w("spend_share")],
                [(p.customers, p.customer_share, p.spend_share) for p in curve],
            ),
            # The line starts at the origin (no buyers, no spend) like every Pareto curve.
            chart=line_chart(
                w("pareto"),
                ["0%", *(f"{p.customer_share:.0%}" for p in curve)],
                [(w("spend_share"), [0.0, *(float(p.spend_share) for p in curve)])],
            ),
        )
        cohorts = self._cohort_section(w, since, first, window)
        segments = {row.segment: row for row in self._analytics.rfm_segments(start, end)}
        # Every segment is listed, empty ones too, so the bars stand in the same place every month.
        rows = [
            (w(s.value), segments[s].customers, segments[s].spend) if s in segments else (w(s.value), 0, Decimal(0))
            for s in RfmSegment
        ]
        rfm = ReportSection(
            key="rfm",
            title=w("rfm"),
            note=w("rfm_note", **window),
            table=table([w("segment"), w("customers"), w("spend")], rows),
            chart=bar_chart(w("rfm"), [r[0] for r in rows], [(w("customers"), [r[1] for r in rows])]),
        )
        return [pareto, cohorts, rfm]

    def _cohort_section(self, w: Words, since: date, first: date, window: dict[str, object]) -> ReportSection:
        cells: dict[tuple[str, int], CohortCell] = {
            (c.cohort, c.months_since): c for c in self._analytics.cohorts(since, first)
        }
        months = [_months_before(first, back).strftime("%Y-%m") for back in range(WINDOW_MONTHS - 1, -1, -1)]
        rows: list[tuple[str, int, list[Decimal]]] = []
        for position, month in enumerate(months):
            size = cells[(month, 0)].customers if (month, 0) in cells else 0
            # The port leaves out cells nobody bought in; within the cohort's reach they are 0 %.
            shares = [
                cells[(month, k)].share if (month, k) in cells else Decimal(0) for k in range(WINDOW_MONTHS - position)
            ]
            rows.append((month, size, shares))
        columns = [w("months_since", k=k) for k in range(WINDOW_MONTHS)]
        return ReportSection(
            key="cohorts",
            title=w("cohorts"),
            note=w("cohorts_note", **window),
            table=table([w("cohort"), w("customers"), *columns], [(m, n, *shares) for m, n, shares in rows]),
            chart=heatmap(
                w("cohorts"),
                months,
                [str(k) for k in range(WINDOW_MONTHS)],
                [[float(v) if n else None for v in shares] for _, n, shares in rows],
            ),
        )

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
