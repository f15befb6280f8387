"""The analytics contract: every adapter's port answers as the core's reference functions.

Hypothesis draws small deal archives (sales and returns, walk-ins, several
stores, styles and UTC offsets, ties in time and spend), stores them through
the backend under a fresh tenant, labels the customers with the tiers, and
compares each port method with the reference computed over the same
purchases in Python.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcare.analytics import (
    LostInterview,
    ParetoPoint,
    RfmSegment,
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
from clientcare.cadences import Precision, Touch, TouchReason
from clientcare.customers import Channel, Customer
from clientcare.errors import ValidationError
from clientcare.kernel import Money
from clientcare.playbook import AbcRules
from clientcare.ports import Backend
from clientcare.purchases import Purchase, PurchaseLine
from clientcare.testing._base import ContractBase

__all__ = ["AnalyticsContract"]

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ZONES = (UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5)))
STAFF = ("小李", "小王", None)
STORES = ("静安店", "徐汇店", "杭州店", None)
REGIONS = {"静安店": "上海", "徐汇店": "上海"}
CATEGORIES = {"ST-0": "外套", "ST-1": "外套", "ST-2": "裤装"}
POOR = "relationship-poor"


@attrs.frozen
class _Sale:
    customer: int | None
    store: int
    staff: int
    hours: int
    zone: int
    lines: tuple[tuple[int, int, int], ...]
    returned: int


_sales = st.builds(
    _Sale,
    customer=st.one_of(st.none(), st.integers(0, 7)),
    store=st.integers(0, len(STORES) - 1),
    staff=st.integers(0, len(STAFF) - 1),
    # Whole days and a few hours apart: ties in time happen, month borders are crossed.
    hours=st.integers(0, 90).map(lambda n: n * 24 + (n % 3) * 7),
    zone=st.integers(0, len(ZONES) - 1),
    lines=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([100, 250, 899, 1299]), st.integers(1, 3)),
        min_size=1,
        max_size=3,
    ).map(tuple),
    returned=st.integers(0, 4),
)


class AnalyticsContract(ContractBase):
    """What every backend's analytics port must answer: the reference, on any archive."""

    def _store(self, backend: Backend, drawn: Sequence[_Sale]) -> tuple[str, list[Purchase]]:
        tenant = f"an-{uuid.uuid4().hex[:12]}"
        customers = [
            Customer.register(tenant=tenant, name=f"客户{i}", phone=f"1380013{i:04d}", at=T0) for i in range(8)
        ]
        purchases: list[Purchase] = []
        for n, sale in enumerate(drawn):
            lines = [
                PurchaseLine(style_no=f"ST-{style}", unit_price=Money.of(str(price)), quantity=quantity)
                for style, price, quantity in sale.lines
            ]
            bought = Purchase.sale(
                tenant=tenant,
                customer_id=customers[sale.customer].id if sale.customer is not None else None,
                lines=lines,
                at=(T0 + timedelta(hours=sale.hours)).astimezone(ZONES[sale.zone]),
                currency="CNY",
                store_id=STORES[sale.store],
                staff_id=STAFF[sale.staff],
                receipt_id=f"R-{n}",
            )
            purchases.append(bought)
            if sale.returned == 0:
                # Give back the first line a few days later.
                purchases.append(
                    bought.make_return(lines=lines[:1], at=bought.occurred_at + timedelta(days=3), staff_id=STAFF[0])
                )
        # The first customer's relationship is poor (P13): never an old customer.
        customers[0].tag(POOR, by="contract", at=T0)
        with backend.unit_of_work(tenant) as uow:
            for customer in customers:
                uow.customers.add(customer)
            for purchase in purchases:
                uow.purchases.add(purchase)
            uow.commit()
        return tenant, purchases

    @pytest.fixture
    def analytics_backend(self, backend: Backend) -> Backend:
        """The contract's backend, shared by every Hypothesis example (each under its own tenant)."""
        return backend

    # One test method runs on several subclasses (one per adapter); each example stores its
    # own tenant, so neither the shared fixture nor the executor carries state between examples.
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
    )
    @given(drawn=st.lists(_sales, min_size=12, max_size=40), first=st.integers(0, 60), days=st.integers(7, 90))
    def test_every_figure_equals_the_reference(
        self, analytics_backend: Backend, drawn: list[_Sale], first: int, days: int
    ) -> None:
        """Composition, relationship, stores, RFM, segments, cohorts, Pareto and staff sales equal the reference."""
        backend = analytics_backend
        tenant, purchases = self._store(backend, drawn)
        start = T0 + timedelta(days=first)
        end = start + timedelta(days=days)
        with backend.unit_of_work(tenant) as uow:
            uow.tiers.recompute_abc(start=T0, end=start, rules=AbcRules(), at=start)
            uow.commit()
        with backend.unit_of_work(tenant) as uow:
            labels = {k: v.value for k, v in uow.tiers.labels().items()}
            port = uow.analytics
            for by in ("product", "category", "store", "region", "grade"):
                expected = composition_totals(
                    purchases, start=start, end=end, by=by, regions=REGIONS, labels=labels, categories=CATEGORIES
                )
                found = port.composition(start=start, end=end, by=by, regions=REGIONS, categories=CATEGORIES)
                assert found == expected, by
            assert port.relationship(start=start, end=end) == relationship_counts(purchases, start=start, end=end)
            assert port.store_buyers(start=start, end=end) == store_buyers_of(purchases, start=start, end=end)
            some = ["静安店", "nowhere"]
            assert port.store_buyers(start=start, end=end, stores=some) == store_buyers_of(
                purchases, start=start, end=end, stores=some
            )
            scores = rfm_scores(purchases, start=start, end=end)
            assert port.rfm(start=start, end=end) == scores
            assert port.rfm_segments(start=start, end=end) == rfm_segment_rows(scores)
            months = (date(2026, 1, 1), date(2026, 4, 1))
            assert port.cohorts(first=months[0], last=months[1]) == cohort_cells(
                purchases, first=months[0], last=months[1]
            )
            assert port.staff(start=start, end=end) == staff_sales_of(purchases, start=start, end=end)
            for points in (1, 4, 20):
                expected_curve = pareto_curve(purchases, start=start, end=end, points=points)
                assert port.pareto(start=start, end=end, points=points) == expected_curve
            poor = {c.id for c in uow.customers.iter_all() if POOR in c.tags}
            assert port.buyer_spans(end=end, silent_since=start, poor_tag=POOR) == buyer_spans_of(
                purchases, end=end, silent_since=start, referrals={}, poor=poor, labels=labels
            )

    def test_lost_interviews_are_what_staff_heard(self, backend: Backend) -> None:
        """P27: done lost-customer interviews of the window come back with reason, competitor
        and win-back; other touches and interviews outside the window do not."""
        tenant = f"an-{uuid.uuid4().hex[:12]}"
        customer = Customer.register(tenant=tenant, name="客户", phone="13800138000", at=T0)
        precision = Precision(information="访谈", channel=Channel.PHONE)
        touches = []
        for n, (reason, days) in enumerate(
            [(TouchReason.LOST_INTERVIEW, 3), (TouchReason.LOST_INTERVIEW, 40), (TouchReason.THANK_YOU, 5)]
        ):
            touch = Touch.plan(
                tenant=tenant,
                customer_id=customer.id,
                reason=reason,
                occasion=T0.date() + timedelta(days=n),
                due=T0.date() + timedelta(days=days),
                precision=precision,
                at=T0,
            )
            details = {"reason": f"价格{n}", "win_back": "yes", **({"competitor": "对手店"} if n == 0 else {})}
            heard = details if reason is TouchReason.LOST_INTERVIEW else None
            touch.complete("interviewed", by="小李", at=T0 + timedelta(days=days), details=heard)
            touches.append(touch)
        with backend.unit_of_work(tenant) as uow:
            uow.customers.add(customer)
            for touch in touches:
                uow.touches.add(touch)
            uow.commit()
        with backend.unit_of_work(tenant) as uow:
            found = uow.analytics.lost_interviews(start=T0, end=T0 + timedelta(days=30))
        assert found == [
            LostInterview(
                customer_id=customer.id,
                at=T0 + timedelta(days=3),
                reason="价格0",
                competitor="对手店",
                win_back=True,
            )
        ]

    def test_the_pareto_curve_ends_at_everyone_and_all_spend(self, backend: Backend) -> None:
        """The last point of the curve is every spender and the whole spend; shares never fall."""
        drawn = [
            _Sale(customer=i % 5, store=0, staff=0, hours=i * 24, zone=1, lines=((0, 100 * (i + 1), 1),), returned=1)
            for i in range(9)
        ]
        tenant, _ = self._store(backend, drawn)
        with backend.unit_of_work(tenant) as uow:
            curve = uow.analytics.pareto(start=T0, end=T0 + timedelta(days=30), points=4)
        assert curve[-1] == ParetoPoint(
            customers=5, customer_share=Decimal(1), cumulative_spend=Decimal(4500), spend_share=Decimal(1)
        )
        assert [p.spend_share for p in curve] == sorted(p.spend_share for p in curve)

    def test_rfm_scores_the_best_customer_a_champion(self, backend: Backend) -> None:
        """The customer who bought most, latest and for most is a champion; a single old buy is lost or hibernating."""
        drawn = [
            *(
                _Sale(customer=0, store=0, staff=0, hours=24 * (20 + i), zone=0, lines=((0, 1299, 3),), returned=1)
                for i in range(5)
            ),
            *(
                _Sale(customer=c, store=1, staff=0, hours=24 * c, zone=0, lines=((1, 100, 1),), returned=1)
                for c in range(1, 8)
            ),
        ]
        tenant, _ = self._store(backend, drawn)
        with backend.unit_of_work(tenant) as uow:
            scores = {s.customer_id: s for s in uow.analytics.rfm(start=T0, end=T0 + timedelta(days=40))}
        best = max(scores.values(), key=lambda s: s.purchases)
        assert (best.recency, best.frequency, best.monetary, best.segment) == (5, 5, 5, RfmSegment.CHAMPIONS)
        oldest = min(scores.values(), key=lambda s: s.last_purchase_at)
        assert oldest.recency == 1
        assert oldest.segment in (RfmSegment.LOST, RfmSegment.HIBERNATING)

    def test_cohorts_refuse_a_backward_range(self, backend: Backend) -> None:
        """A cohort range whose last month comes before its first is refused, naming the field."""
        with backend.unit_of_work(self.tenant) as uow, pytest.raises(ValidationError) as caught:
            uow.analytics.cohorts(first=date(2026, 3, 1), last=date(2026, 1, 1))
        assert caught.value.field == "last"
