"""In-memory repositories for tiers, membership, points, referrals and contracts.

The tier repository computes ABC labels and attitude facts by calling the
core's pure reference functions over the purchase table: what the SQL
adapter does set-based in the database, this does in Python.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from clientcare.adapters.memory._backend import MemoryRepository, _copy
from clientcare.customers import Customer
from clientcare.kernel import Aggregate
from clientcare.loyalty import (
    AbcLabel,
    AttitudeFacts,
    AttitudeOverride,
    Contract,
    CustomerTier,
    Membership,
    PointsAccount,
    ReferralRecord,
    TierChange,
    TierRun,
    abc_labels,
    attitude_facts_from,
    diff_labels,
    spend_by_customer,
)
from clientcare.playbook import AbcRules, SegmentRules
from clientcare.purchases import Purchase

if TYPE_CHECKING:
    from clientcare.adapters.memory._backend import MemoryUnitOfWork

__all__ = [
    "MemoryContractRepository",
    "MemoryMembershipRepository",
    "MemoryPointsRepository",
    "MemoryReferralRepository",
    "MemoryTierRepository",
    "attach",
]


class _Table(MemoryRepository[Aggregate]):
    """A plain table inside a repository that spans several."""

    def __init__(self, uow: MemoryUnitOfWork, table: str, entity: str, *, tracked: bool = True) -> None:
        super().__init__(uow, table)
        self.entity = entity
        self._tracked = tracked

    def rows(self) -> Iterator[Aggregate]:
        return self._rows()

    def stage_many(self, objs: list[Aggregate], *, new: bool) -> None:
        """Stage many rows the caller knows to be new (or present) without the
        per-row scans of add/save, which would make a 100k-customer run quadratic."""
        for obj in objs:
            self._uow._stage(self._table, obj, new=new)
            self._track(obj)

    def _track(self, obj: Aggregate) -> Aggregate:
        if self._tracked:
            self._uow.track(obj)
        return obj


class MemoryTierRepository:
    """ABC labels, attitude overrides and tier runs, in memory."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._tenant = uow.tenant
        self._tiers = _Table(uow, "customer_tiers", "customer_tier")
        self._overrides = _Table(uow, "attitude_overrides", "attitude_override")
        self._runs = _Table(uow, "tier_runs", "tier_run")
        # Read-only views of the archive, never tracked (nothing here changes them).
        self._purchases = _Table(uow, "purchases", "purchase", tracked=False)
        self._customers = _Table(uow, "customers", "customer", tracked=False)

    def recompute_abc(
        self, *, start: datetime, end: datetime, rules: AbcRules, at: datetime
    ) -> tuple[dict[str, AbcLabel], list[TierChange]]:
        spend = {row.id: Decimal(0) for row in self._customers.rows()}
        purchases = [p for p in self._purchases.rows() if isinstance(p, Purchase)]
        for cid, amount in spend_by_customer(purchases, start, end).items():
            if cid in spend:
                spend[cid] = amount
        labels = abc_labels(spend, rules)
        current = self.labels()
        changes = diff_labels(current, labels, at)
        existing = {row.id: row for row in self._tiers.rows() if isinstance(row, CustomerTier)}
        moved: list[Aggregate] = []
        first: list[Aggregate] = []
        for change in changes:
            if change.customer_id in existing:
                tier = _copy(existing[change.customer_id])
                tier.apply(change)
                moved.append(tier)
            else:
                first.append(CustomerTier.first(tenant=self._tenant, change=change))
        self._tiers.stage_many(moved, new=False)
        self._tiers.stage_many(first, new=True)
        return labels, changes

    def labels(self) -> dict[str, AbcLabel]:
        return {row.id: row.label for row in self._tiers.rows() if isinstance(row, CustomerTier)}

    def labels_of(self, customer_ids: Collection[str]) -> dict[str, AbcLabel]:
        wanted = set(customer_ids)
        return {cid: label for cid, label in self.labels().items() if cid in wanted}

    def label_of(self, customer_id: str) -> AbcLabel | None:
        return self.labels().get(customer_id)

    def history(self, customer_id: str) -> list[TierChange]:
        for row in self._tiers.rows():
            if row.id == customer_id and isinstance(row, CustomerTier):
                return list(row.history)
        return []

    def take_over_history(self, kept_id: str, absorbed_id: str) -> int:
        both = {
            row.id: row
            for row in self._tiers.rows()
            if isinstance(row, CustomerTier) and row.id in (kept_id, absorbed_id)
        }
        absorbed = both.get(absorbed_id)
        if absorbed is None:
            return 0
        moved = [attrs.evolve(change, customer_id=kept_id) for change in absorbed.history]
        found = both.get(kept_id)
        kept = (
            CustomerTier(id=kept_id, tenant=self._tenant, label=absorbed.label, since=absorbed.since)
            if found is None
            else _copy(found)
        )
        # Stable sort: same-moment changes keep the order they were stored in.
        kept.history = tuple(sorted((*kept.history, *moved), key=lambda change: change.at))
        self._tiers._delete([absorbed_id])
        self._tiers.stage_many([kept], new=found is None)
        return len(moved)

    def attitude_facts(
        self, *, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None = None
    ) -> dict[str, AttitudeFacts]:
        customers = [c for c in self._customers.rows() if isinstance(c, Customer)]
        facts = attitude_facts_from(
            [p for p in self._purchases.rows() if isinstance(p, Purchase)],
            start=start,
            end=end,
            rules=rules,
            stores={c.id: c.home_store for c in customers},
            competitors=[c.id for c in customers if rules.switcher_tag in c.tags],
        )
        if customer_ids is None:
            return facts
        wanted = set(customer_ids)
        return {cid: fact for cid, fact in facts.items() if cid in wanted}

    def override_of(self, customer_id: str) -> AttitudeOverride | None:
        found = self._overrides._find(lambda o: o.id == customer_id)
        return found[0] if found and isinstance(found[0], AttitudeOverride) else None

    def add_override(self, override: AttitudeOverride) -> None:
        self._overrides.add(override)

    def save_override(self, override: AttitudeOverride) -> None:
        self._overrides.save(override)

    def active_overrides(self) -> dict[str, AttitudeOverride]:
        return {
            row.id: row
            for row in self._overrides.rows()
            if isinstance(row, AttitudeOverride) and row.segment is not None
        }

    def add_run(self, run: TierRun) -> None:
        self._runs.add(run)

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        rows = [r for r in self._runs.rows() if isinstance(r, TierRun)]
        return sorted(rows, key=lambda r: (r.at, r.id), reverse=True)[:limit]


class MemoryMembershipRepository(MemoryRepository[Membership]):
    """Memberships, in memory."""

    entity = "membership"

    def find(self, customer_id: str) -> Membership | None:
        found = self._find(lambda m: m.id == customer_id)
        return found[0] if found else None

    def iter_all(self, *, batch: int = 500) -> Iterator[Membership]:
        for row in sorted(self._rows(), key=lambda m: m.id):
            yield self._track(_copy(row))

    def expiries(self) -> dict[str, datetime]:
        return {m.id: m.valid_until for m in self._rows() if m.level and m.valid_until}


class MemoryPointsRepository(MemoryRepository[PointsAccount]):
    """Points accounts, in memory; the version check at commit stops overspending."""

    entity = "points_account"

    def find(self, customer_id: str) -> PointsAccount | None:
        found = self._find(lambda a: a.id == customer_id)
        return found[0] if found else None

    def iter_all(self, *, batch: int = 500) -> Iterator[PointsAccount]:
        for row in sorted(self._rows(), key=lambda a: a.id):
            yield self._track(_copy(row))


class MemoryReferralRepository(MemoryRepository[ReferralRecord]):
    """Referrals, in memory (one per referred customer)."""

    entity = "referral"

    def by_referred(self, customer_id: str) -> ReferralRecord | None:
        found = self._find(lambda r: r.referred_id == customer_id)
        return found[0] if found else None

    def by_referrer(self, customer_id: str) -> list[ReferralRecord]:
        return sorted(self._find(lambda r: r.referrer_id == customer_id), key=lambda r: (r.recorded_at, r.id))

    def open_leads(self) -> list[ReferralRecord]:
        return sorted(self._find(lambda r: r.credited_at is None), key=lambda r: (r.recorded_at, r.id))

    def remove(self, referral: ReferralRecord) -> None:
        self._delete([referral.id])


class MemoryContractRepository(MemoryRepository[Contract]):
    """B2B contracts, in memory."""

    entity = "contract"

    def for_customer(self, customer_id: str) -> list[Contract]:
        return sorted(
            self._find(lambda c: c.customer_id == customer_id), key=lambda c: (c.starts_at, c.id), reverse=True
        )

    def iter_all(self, *, batch: int = 500) -> Iterator[Contract]:
        for row in sorted(self._rows(), key=lambda c: c.id):
            yield self._track(_copy(row))


def attach(uow: MemoryUnitOfWork) -> None:
    """Give a memory unit of work the loyalty repositories (called on every reset)."""
    uow.tiers = MemoryTierRepository(uow)
    uow.memberships = MemoryMembershipRepository(uow, "memberships")
    uow.points = MemoryPointsRepository(uow, "points_accounts")
    uow.referrals = MemoryReferralRepository(uow, "referrals")
    uow.contracts = MemoryContractRepository(uow, "contracts")
