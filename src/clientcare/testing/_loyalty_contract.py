"""The repository contract for tiers, membership, points, referrals and contracts.

Kept apart from :class:`~clientcare.testing.BackendContract` so an adapter can
adopt it when it implements these repositories; the SQL adapter's labels and
attitude facts must equal the core's reference functions on the same data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from clientcare.customers import Customer
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from clientcare.kernel import Money
from clientcare.loyalty import (
    AbcLabel,
    Attitude,
    AttitudeOverride,
    Contract,
    EntryKind,
    Membership,
    PointsAccount,
    ReferralRecord,
    TierRun,
    abc_labels,
    attitude_facts_from,
    spend_by_customer,
)
from clientcare.playbook import AbcRules, MembershipRules, PointsRules, SegmentRules
from clientcare.ports import Backend
from clientcare.purchases import Purchase, PurchaseLine
from clientcare.testing._base import ContractBase, state

__all__ = ["LoyaltyContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


class LoyaltyContract(ContractBase):
    """What every backend offering the loyalty repositories must do."""

    tenant = "loyalty-a"
    other_tenant = "loyalty-b"

    def _customers(self, backend: Backend, count: int, tenant: str | None = None) -> list[Customer]:
        tenant = tenant or self.tenant
        customers = [
            Customer.register(tenant=tenant, name=f"客户{i}", phone=f"1380013{i:04d}", at=T0, store=f"s{i % 2}")
            for i in range(count)
        ]
        with backend.unit_of_work(tenant) as uow:
            for customer in customers:
                uow.customers.add(customer)
            uow.commit()
        return customers

    def _sales(
        self, backend: Backend, rows: Sequence[tuple[str | None, str, datetime]], tenant: str | None = None
    ) -> None:
        tenant = tenant or self.tenant
        with backend.unit_of_work(tenant) as uow:
            for n, (cid, amount, at) in enumerate(rows):
                line = PurchaseLine(style_no=f"ST-{n % 3}", unit_price=Money.of(amount), full_price=n % 4 != 0)
                uow.purchases.add(Purchase.sale(tenant=tenant, customer_id=cid, lines=[line], at=at, currency="CNY"))
            uow.commit()

    # -- tiers -----------------------------------------------------------------
    def test_recompute_abc_matches_the_reference(self, backend: Backend) -> None:
        """Labels equal the core's reference on random spend, including ties, returns, walk-ins and zero spenders."""
        customers = self._customers(backend, 30)
        rnd = random.Random(7)  # noqa: S311 - repeatable test data, not secrets
        rows: list[tuple[str | None, str, datetime]] = []
        for _ in range(150):
            cid = rnd.choice([*(c.id for c in customers[:25]), None])
            rows.append(
                (cid, str(rnd.choice([50, 100, 100, 250, 999, 1500])), T0 - timedelta(days=rnd.randint(0, 500)))
            )
        self._sales(backend, rows)
        with backend.unit_of_work(self.tenant) as uow:
            sale = next(
                p for p in uow.purchases.for_customer(customers[0].id) if p.occurred_at > T0 - timedelta(days=300)
            )
            refund = sale.make_return(lines=sale.lines, at=T0)
            uow.purchases.add(refund)
            uow.commit()
        start, end = T0 - timedelta(days=365), T0
        with backend.unit_of_work(self.tenant) as uow:
            every = [p for c in customers for p in uow.purchases.for_customer(c.id)]
        spend = {c.id: Decimal(0) for c in customers} | spend_by_customer(every, start, end)
        for rules in (AbcRules(), AbcRules(basis="customers")):
            expected = abc_labels(spend, rules)
            with backend.unit_of_work(self.tenant) as uow:
                labels, _ = uow.tiers.recompute_abc(start=start, end=end, rules=rules, at=T0)
                uow.commit()
            assert labels == expected
            with backend.unit_of_work(self.tenant) as uow:
                stored = uow.tiers.labels()
            assert stored == expected
            # Labels are string enums, so a plain "A" would compare equal: check the type too.
            assert all(type(label) is AbcLabel for label in (*labels.values(), *stored.values()))

    def test_recompute_keeps_history_and_reports_only_changes(self, backend: Backend) -> None:
        """A second run with nothing new changes nothing; a move is stored with its history."""
        a, b = self._customers(backend, 2)
        self._sales(backend, [(a.id, "900", T0 - timedelta(days=1)), (b.id, "100", T0 - timedelta(days=1))])
        start, end = T0 - timedelta(days=365), T0
        with backend.unit_of_work(self.tenant) as uow:
            _, first = uow.tiers.recompute_abc(start=start, end=end, rules=AbcRules(), at=T0)
            uow.commit()
        assert {(c.customer_id, c.before, c.after) for c in first} == {
            (a.id, None, AbcLabel.A),
            (b.id, None, AbcLabel.B),
        }
        with backend.unit_of_work(self.tenant) as uow:
            _, again = uow.tiers.recompute_abc(start=start, end=end, rules=AbcRules(), at=T0)
            uow.commit()
        assert again == []
        self._sales(backend, [(b.id, "5000", T0)])
        with backend.unit_of_work(self.tenant) as uow:
            _, moved = uow.tiers.recompute_abc(start=start, end=end, rules=AbcRules(), at=T0 + timedelta(hours=1))
            uow.commit()
        assert {(c.customer_id, c.before, c.after) for c in moved} == {
            (b.id, AbcLabel.B, AbcLabel.A),
            (a.id, AbcLabel.A, AbcLabel.B),
        }
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.after for c in uow.tiers.history(b.id)] == [AbcLabel.B, AbcLabel.A]
            assert uow.tiers.label_of(b.id) is AbcLabel.A
            assert uow.tiers.label_of("nobody") is None

    def test_take_over_history_joins_histories_and_keeps_the_kept_label(self, backend: Backend) -> None:
        """A merge moves the absorbed label changes to the kept customer, whose label stays; the absorbed label goes."""
        a, b, c = self._customers(backend, 3)
        self._sales(backend, [(a.id, "900", T0 - timedelta(days=1)), (b.id, "100", T0 - timedelta(days=1))])
        start = T0 - timedelta(days=365)
        with backend.unit_of_work(self.tenant) as uow:
            uow.tiers.recompute_abc(start=start, end=T0, rules=AbcRules(), at=T0)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.tiers.take_over_history(b.id, a.id) == 1
            assert uow.tiers.take_over_history(b.id, "nobody") == 0
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            # Both changes share one moment, so their order is the backend's; compare as a set.
            moved = sorted((ch.customer_id, ch.after.value) for ch in uow.tiers.history(b.id))
            assert moved == [(b.id, "A"), (b.id, "B")]
            assert uow.tiers.label_of(b.id) is AbcLabel.B
            assert uow.tiers.label_of(a.id) is None
            assert uow.tiers.history(a.id) == []
            assert c.id in uow.tiers.labels()

    def test_recompute_period_excludes_start_includes_end(self, backend: Backend) -> None:
        """Spend counts in (start, end]: a sale at the end counts, one at the start does not."""
        a, b = self._customers(backend, 2)
        start, end = T0 - timedelta(days=10), T0
        self._sales(backend, [(a.id, "100", start), (b.id, "100", end)])
        with backend.unit_of_work(self.tenant) as uow:
            labels, _ = uow.tiers.recompute_abc(start=start, end=end, rules=AbcRules(), at=T0)
        assert labels == {a.id: AbcLabel.C, b.id: AbcLabel.A}

    def test_tiers_of_other_tenants_are_invisible(self, backend: Backend) -> None:
        """Another tenant's customers and purchases take no part in a tenant's labels."""
        (mine,) = self._customers(backend, 1)
        (theirs,) = self._customers(backend, 1, tenant=self.other_tenant)
        self._sales(backend, [(theirs.id, "9999", T0)], tenant=self.other_tenant)
        with backend.unit_of_work(self.tenant) as uow:
            labels, _ = uow.tiers.recompute_abc(start=T0 - timedelta(days=1), end=T0, rules=AbcRules(), at=T0)
        assert labels == {mine.id: AbcLabel.C}

    def test_attitude_facts_match_the_reference(self, backend: Backend) -> None:
        """Attitude facts equal the core's reference computation from the same purchases."""
        customers = self._customers(backend, 6)
        with backend.unit_of_work(self.tenant) as uow:
            rival = uow.customers.get(customers[1].id)
            rival.tag("bought-competitor", by="s", at=T0)
            uow.customers.save(rival)
            uow.commit()
        rnd = random.Random(3)  # noqa: S311 - repeatable test data, not secrets
        rows = [
            (rnd.choice([c.id for c in customers[:5]]), "100", T0 - timedelta(days=rnd.randint(0, 400)))
            for _ in range(40)
        ]
        self._sales(backend, rows)
        rules = SegmentRules()
        start = T0 - timedelta(days=365)
        with backend.unit_of_work(self.tenant) as uow:
            every = [p for c in customers for p in uow.purchases.for_customer(c.id)]
            facts = uow.tiers.attitude_facts(start=start, end=T0, rules=rules)
        expected = attitude_facts_from(
            every,
            start=start,
            end=T0,
            rules=rules,
            stores={c.id: c.home_store for c in customers},
            competitors=[customers[1].id],
        )
        assert facts == expected
        with backend.unit_of_work(self.tenant) as uow:
            some = uow.tiers.attitude_facts(start=start, end=T0, rules=rules, customer_ids=[customers[0].id, "nobody"])
        assert some == {customers[0].id: expected[customers[0].id]}

    def test_overrides_are_kept_until_lifted(self, backend: Backend) -> None:
        """An attitude override is stored, changed with history, and leaves the active set when lifted."""
        (customer,) = self._customers(backend, 1)
        override = AttitudeOverride.set(
            tenant=self.tenant, customer_id=customer.id, segment=Attitude.LOYAL, reason="r", by="s", at=T0
        )
        with backend.unit_of_work(self.tenant) as uow:
            uow.tiers.add_override(override)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert set(uow.tiers.active_overrides()) == {customer.id}
            loaded = uow.tiers.override_of(customer.id)
            assert loaded is not None
            loaded.change(None, reason="lifted", by="s", at=T0)
            uow.tiers.save_override(loaded)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.tiers.active_overrides() == {}
            again = uow.tiers.override_of(customer.id)
            assert again is not None and len(again.history) == 2

    def test_runs_are_kept_newest_first_with_their_events(self, backend: Backend) -> None:
        """Runs come back newest first; their events reach the outbox."""
        for hours in (0, 1):
            run = TierRun.finish(
                tenant=self.tenant,
                at=T0 + timedelta(hours=hours),
                period_start=T0 - timedelta(days=365),
                period_end=T0,
                labels={},
                changes=[],
                figures=[],
            )
            with backend.unit_of_work(self.tenant) as uow:
                uow.tiers.add_run(run)
                uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            runs = uow.tiers.runs()
            assert [r.at for r in runs] == [T0 + timedelta(hours=1), T0]
            assert [m.name for m in uow.outbox.pending()] == ["TiersRecomputed", "TiersRecomputed"]

    # -- memberships, points, referrals, contracts -------------------------------
    def test_membership_round_trip_and_conflict(self, backend: Backend) -> None:
        """A membership is stored whole and two concurrent saves conflict."""
        (customer,) = self._customers(backend, 1)
        membership = Membership.start(tenant=self.tenant, customer_id=customer.id)
        membership.move("vip", at=T0, rules=MembershipRules(), reason="test")
        membership.attend("salon", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.memberships.add(membership)
            uow.commit()
        first, second = backend.unit_of_work(self.tenant), backend.unit_of_work(self.tenant)
        with first:
            a = first.memberships.get(customer.id)
        with second:
            b = second.memberships.get(customer.id)
        assert state(a) == state(membership)
        with first:
            a.join_club(at=T0)
            first.memberships.save(a)
            first.commit()
        # The conflict may surface at the save (a versioned UPDATE) or at the commit.
        with second, pytest.raises(ConcurrencyConflict):
            b.join_club(at=T0)
            second.memberships.save(b)
            second.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [m.id for m in uow.memberships.iter_all()] == [customer.id]
            assert uow.memberships.find("nobody") is None
            with pytest.raises(NotFound):
                uow.memberships.get("nobody")

    def test_points_entries_are_kept_and_redemptions_conflict(self, backend: Backend) -> None:
        """A points account keeps every entry; two concurrent redemptions cannot both commit."""
        (customer,) = self._customers(backend, 1)
        account = PointsAccount.open(tenant=self.tenant, customer_id=customer.id)
        account.credit(EntryKind.OPENING, 500, at=T0, reference="import", expires_at=T0 + timedelta(days=365))
        with backend.unit_of_work(self.tenant) as uow:
            uow.points.add(account)
            uow.commit()
        rules = PointsRules()
        first, second = backend.unit_of_work(self.tenant), backend.unit_of_work(self.tenant)
        with first:
            a = first.points.find(customer.id)
        with second:
            b = second.points.find(customer.id)
        assert a is not None and b is not None
        with first:
            a.redeem(400, at=T0, reference="till-1", rules=rules)
            first.points.save(a)
            first.commit()
        with second, pytest.raises(ConcurrencyConflict):
            b.redeem(400, at=T0, reference="till-2", rules=rules)
            second.points.save(b)
            second.commit()
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.points.find(customer.id)
            assert loaded is not None and loaded.balance == 100
            assert [e.kind for e in loaded.entries] == [EntryKind.OPENING, EntryKind.REDEEM]
            assert [a.id for a in uow.points.iter_all()] == [customer.id]

    def test_a_customer_is_referred_once(self, backend: Backend) -> None:
        """Referrals are unique per referred customer, listed by referrer and as open leads, and removable."""
        a, b, c = self._customers(backend, 3)
        referral = ReferralRecord.made(tenant=self.tenant, referrer_id=a.id, referred_id=b.id, by="s", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.referrals.add(referral)
            uow.commit()
        with pytest.raises(DuplicateRecord), backend.unit_of_work(self.tenant) as uow:
            uow.referrals.add(
                ReferralRecord.made(tenant=self.tenant, referrer_id=c.id, referred_id=b.id, by="s", at=T0)
            )
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [r.id for r in uow.referrals.open_leads()] == [referral.id]
            found = uow.referrals.by_referred(b.id)
            assert found is not None
            found.credit(purchase_id="p", points=200, at=T0)
            uow.referrals.save(found)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.referrals.open_leads() == []
            assert [r.points for r in uow.referrals.by_referrer(a.id)] == [200]
        with backend.unit_of_work(self.tenant) as uow:
            found = uow.referrals.by_referred(b.id)
            assert found is not None
            uow.referrals.remove(found)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.referrals.by_referred(b.id) is None
            assert uow.referrals.by_referrer(a.id) == []

    def test_contracts_round_trip(self, backend: Backend) -> None:
        """Contracts are stored, listed per customer and saved with changes."""
        (customer,) = self._customers(backend, 1)
        contract = Contract.sign(
            tenant=self.tenant,
            customer_id=customer.id,
            starts_at=T0,
            ends_at=T0 + timedelta(days=365),
            discount=Decimal("0.08"),
        )
        with backend.unit_of_work(self.tenant) as uow:
            uow.contracts.add(contract)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.contracts.get(contract.id)
            assert state(loaded) == state(contract)
            loaded.renew(until=T0 + timedelta(days=730))
            uow.contracts.save(loaded)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.renewals for c in uow.contracts.for_customer(customer.id)] == [1]
            assert [c.id for c in uow.contracts.iter_all()] == [contract.id]
