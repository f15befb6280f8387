"""SQL repositories for tiers, membership, points, referrals and contracts.

The tables are in :mod:`._loyalty_tables`, the set-based ABC and attitude
queries in :mod:`._loyalty_queries`. Only changed labels (and their history
rows) are written back, in bulk — no query per customer. Points keep an
append-only entry table under a versioned balance row, so two redemptions
racing for the same points conflict instead of overspending.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, delete, insert, select, update

from clientcare.adapters.sqlalchemy._convert import aware_utc, offset_minutes, utc_naive, with_offset
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._loyalty_abc import recompute_abc
from clientcare.adapters.sqlalchemy._loyalty_queries import attitude_facts_of, attitude_facts_query
from clientcare.adapters.sqlalchemy._loyalty_tables import (
    attitude_overrides,
    contracts,
    customer_tiers,
    memberships,
    points_accounts,
    points_entries,
    referrals,
    tier_history,
    tier_runs,
)
from clientcare.adapters.sqlalchemy._repos import DocumentRepository, _Tracking
from clientcare.errors import NotFound
from clientcare.loyalty import (
    AbcLabel,
    AttitudeFacts,
    AttitudeOverride,
    Contract,
    EntryKind,
    Membership,
    PointsAccount,
    PointsEntry,
    ReferralRecord,
    TierChange,
    TierRun,
)
from clientcare.playbook import AbcRules, SegmentRules

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "SqlContractRepository",
    "SqlMembershipRepository",
    "SqlPointsRepository",
    "SqlReferralRepository",
    "SqlTierRepository",
    "attach",
]


class SqlTierRepository(_Tracking):
    """ABC labels with history, attitude overrides and runs, in SQL."""

    entity = "customer_tier"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow)
        self._overrides = _OverrideRepository(uow)
        self._runs = _RunRepository(uow)

    def recompute_abc(
        self, *, start: datetime, end: datetime, rules: AbcRules, at: datetime
    ) -> tuple[dict[str, AbcLabel], list[TierChange]]:
        """Labels computed once in the database beside the stored ones; changed labels and
        their history written there too, set-based (see :mod:`._loyalty_abc`)."""
        return recompute_abc(self._uow, start=start, end=end, rules=rules, at=at)

    def labels(self) -> dict[str, AbcLabel]:
        """The current label of every labelled customer."""
        c = customer_tiers.c
        rows = self._uow.connection.execute(select(c.id, c.label).where(c.tenant == self.tenant))
        return {row.id: AbcLabel(row.label) for row in rows}

    def labels_of(self, customer_ids: Collection[str]) -> dict[str, AbcLabel]:
        """The current labels of the given customers, by primary key, a chunk at a time."""
        c, wanted = customer_tiers.c, sorted(set(customer_ids))
        found: dict[str, AbcLabel] = {}
        for start in range(0, len(wanted), 500):
            statement = select(c.id, c.label).where(c.tenant == self.tenant, c.id.in_(wanted[start : start + 500]))
            found.update((row.id, AbcLabel(row.label)) for row in self._uow.connection.execute(statement).all())
        return found

    def label_of(self, customer_id: str) -> AbcLabel | None:
        """The customer's current label, if any."""
        c = customer_tiers.c
        found = self._uow.connection.execute(
            select(c.label).where(c.tenant == self.tenant, c.id == customer_id)
        ).scalar()
        return AbcLabel(found) if found else None

    def history(self, customer_id: str) -> list[TierChange]:
        """The customer's label changes, oldest first."""
        h = tier_history.c
        rows = self._uow.connection.execute(
            select(h.at, h.at_offset, h.from_label, h.to_label)
            .where(h.tenant == self.tenant, h.customer_id == customer_id)
            .order_by(h.seq)
        )
        return [
            TierChange(
                customer_id=customer_id,
                before=AbcLabel(row.from_label) if row.from_label else None,
                after=AbcLabel(row.to_label),
                at=with_offset(row.at, row.at_offset),
            )
            for row in rows
        ]

    def take_over_history(self, kept_id: str, absorbed_id: str) -> int:
        """Set-based: history rows re-pointed (their sequence keeps them in order), the
        absorbed label deleted, or renamed when the kept customer has none."""
        conn, tenant = self._uow.connection, self.tenant
        h, c = tier_history.c, customer_tiers.c
        with translated(self.entity):
            moved = conn.execute(
                update(tier_history).where(h.tenant == tenant, h.customer_id == absorbed_id).values(customer_id=kept_id)
            ).rowcount
            labelled = conn.execute(select(c.id).where(c.tenant == tenant, c.id == kept_id)).first()
            absorbed = and_(c.tenant == tenant, c.id == absorbed_id)
            if labelled is None:
                conn.execute(update(customer_tiers).where(absorbed).values(id=kept_id))
            else:
                conn.execute(delete(customer_tiers).where(absorbed))
        return int(moved)

    def attitude_facts(
        self, *, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None = None
    ) -> dict[str, AttitudeFacts]:
        """One statement, every concern joined per customer in the database (P11)."""
        statement = attitude_facts_query(self.tenant, start, end, rules, customer_ids)
        return {row.id: attitude_facts_of(row) for row in self._uow.connection.execute(statement)}

    # -- overrides and runs ------------------------------------------------------------
    def override_of(self, customer_id: str) -> AttitudeOverride | None:
        """The customer's override record, lifted or not."""
        found = self._overrides._query(attitude_overrides.c.id == customer_id)
        return found[0] if found else None

    def add_override(self, override: AttitudeOverride) -> None:
        """Store a first override."""
        self._overrides.add(override)

    def save_override(self, override: AttitudeOverride) -> None:
        """Store a changed override (version checked)."""
        self._overrides.save(override)

    def active_overrides(self) -> dict[str, AttitudeOverride]:
        """Overrides in force, by customer id."""
        found = self._overrides._list(attitude_overrides.c.segment.is_not(None))
        return {o.id: o for o in found}

    def add_run(self, run: TierRun) -> None:
        """Keep a finished run; its events reach the outbox at commit."""
        self._runs.add(run)

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        """Runs, newest first."""
        r = tier_runs.c
        return self._runs._list(order_by=(r.at.desc(), r.id.desc()), limit=limit)


class _OverrideRepository(DocumentRepository[AttitudeOverride]):
    entity = "attitude_override"
    table = attitude_overrides
    aggregate = AttitudeOverride

    def columns(self, obj: AttitudeOverride) -> dict[str, Any]:
        return {"segment": obj.segment.value if obj.segment else None}


class _RunRepository(DocumentRepository[TierRun]):
    entity = "tier_run"
    table = tier_runs
    aggregate = TierRun

    def columns(self, obj: TierRun) -> dict[str, Any]:
        return {"at": utc_naive(obj.at)}


class SqlMembershipRepository(DocumentRepository[Membership]):
    """Memberships keyed by customer id."""

    entity = "membership"
    table = memberships
    aggregate = Membership

    def columns(self, obj: Membership) -> dict[str, Any]:
        """Level and validity end, for reviews and reminders."""
        return {"level": obj.level, "valid_until": utc_naive(obj.valid_until) if obj.valid_until else None}

    def find(self, customer_id: str) -> Membership | None:
        """The customer's membership, if any."""
        found = self._query(self.table.c.id == customer_id)
        return found[0] if found else None

    def iter_all(self, *, batch: int = 500) -> Iterator[Membership]:
        """Every membership by customer id, keyset-paged."""
        return _pages(self, batch)

    def expiries(self) -> dict[str, datetime]:
        """Members' card ends from the level and validity columns (no document is read)."""
        c = self.table.c
        statement = select(c.id, c.valid_until).where(
            self._where(c.level.is_not(None), c.level != "", c.valid_until.is_not(None))
        )
        return {row.id: aware_utc(row.valid_until) for row in self._uow.connection.execute(statement)}


class SqlContractRepository(DocumentRepository[Contract]):
    """B2B contracts."""

    entity = "contract"
    table = contracts
    aggregate = Contract

    def columns(self, obj: Contract) -> dict[str, Any]:
        """Customer and start, for listing."""
        return {"customer_id": obj.customer_id, "starts_at": utc_naive(obj.starts_at)}

    def for_customer(self, customer_id: str) -> list[Contract]:
        """The customer's contracts, newest first."""
        c = self.table.c
        return self._list(c.customer_id == customer_id, order_by=(c.starts_at.desc(), c.id.desc()))

    def iter_all(self, *, batch: int = 500) -> Iterator[Contract]:
        """Every contract by id, keyset-paged."""
        return _pages(self, batch)


class SqlReferralRepository(DocumentRepository[ReferralRecord]):
    """Referrals; the referred customer is unique per tenant."""

    entity = "referral"
    table = referrals
    aggregate = ReferralRecord

    def columns(self, obj: ReferralRecord) -> dict[str, Any]:
        """Referrer, referred, and the dates for ordering and open leads."""
        return {
            "referrer_id": obj.referrer_id,
            "referred_id": obj.referred_id,
            "recorded_at": utc_naive(obj.recorded_at),
            "credited_at": utc_naive(obj.credited_at) if obj.credited_at else None,
        }

    def by_referred(self, customer_id: str) -> ReferralRecord | None:
        """The referral that brought this customer."""
        found = self._query(self.table.c.referred_id == customer_id)
        return found[0] if found else None

    def by_referrer(self, customer_id: str) -> list[ReferralRecord]:
        """Referrals made by this customer, oldest first."""
        c = self.table.c
        return self._list(c.referrer_id == customer_id, order_by=(c.recorded_at, c.id))

    def open_leads(self) -> list[ReferralRecord]:
        """Referrals not yet credited, oldest first."""
        c = self.table.c
        return self._list(c.credited_at.is_(None), order_by=(c.recorded_at, c.id))

    def remove(self, referral: ReferralRecord) -> None:
        """Delete the referral's row."""
        self._own(referral)
        c = self.table.c
        with translated(self.entity, referral.id):
            self._uow.connection.execute(delete(self.table).where(c.tenant == self.tenant, c.id == referral.id))


def _pages(repository: DocumentRepository[Any], batch: int) -> Iterator[Any]:
    c = repository.table.c
    last: str | None = None
    while True:
        conditions: list[ColumnElement[bool]] = [c.id > last] if last is not None else []
        page = repository._list(*conditions, order_by=(c.id,), limit=batch)
        rows, last = repository._seen  # counted before skipping, so an unreadable row does not end the paging
        yield from page
        if rows < batch:
            return


class SqlPointsRepository(_Tracking):
    """Points: a versioned balance row per customer over append-only entries."""

    entity = "points_account"

    def _account(self, row: Any) -> PointsAccount:
        e = points_entries.c
        entries = tuple(
            PointsEntry(
                seq=r.seq,
                kind=EntryKind(r.kind),
                points=int(r.points),
                at=with_offset(r.at, r.at_offset),
                reference=r.reference,
                expires_at=with_offset(r.expires_at, r.expires_offset) if r.expires_at is not None else None,
                shortfall=int(r.shortfall),
            )
            for r in self._uow.connection.execute(
                select(points_entries).where(e.tenant == self.tenant, e.customer_id == row.id).order_by(e.seq)
            )
        )
        account = PointsAccount(
            id=row.id,
            tenant=self.tenant,
            version=row.version,
            entries=entries,
            warned_lots=tuple(json.loads(row.warned_lots)),
        )
        return self._track(account)

    def _row(self, account: PointsAccount) -> dict[str, Any]:
        return {
            "balance": account.balance,
            "entries": len(account.entries),
            "warned_lots": json.dumps(list(account.warned_lots)),
        }

    def _append_entries(self, account: PointsAccount, stored: int) -> None:
        rows = [
            {
                "tenant": self.tenant,
                "customer_id": account.id,
                "seq": entry.seq,
                "kind": entry.kind.value,
                "points": entry.points,
                "at": utc_naive(entry.at),
                "at_offset": offset_minutes(entry.at),
                "reference": entry.reference,
                "expires_at": utc_naive(entry.expires_at) if entry.expires_at else None,
                "expires_offset": offset_minutes(entry.expires_at) if entry.expires_at else None,
                "shortfall": entry.shortfall,
            }
            for entry in account.entries[stored:]
        ]
        if rows:
            with translated(self.entity, account.id):
                self._uow.connection.execute(insert(points_entries), rows)

    def add(self, account: PointsAccount) -> None:
        """Insert the balance row and the entries."""
        self._own(account)
        self._insert(points_accounts, account, self._row(account))
        self._append_entries(account, 0)
        self._track(account)

    def find(self, customer_id: str) -> PointsAccount | None:
        """The customer's account, if any."""
        a = points_accounts.c
        row = self._uow.connection.execute(
            select(points_accounts).where(a.tenant == self.tenant, a.id == customer_id)
        ).first()
        return self._account(row) if row is not None else None

    def get(self, customer_id: str) -> PointsAccount:
        """The customer's account, or NotFound."""
        found = self.find(customer_id)
        if found is None:
            raise NotFound(self.entity, customer_id)
        return found

    def save(self, account: PointsAccount) -> None:
        """Bump the balance row's version (the guard), then append the new entries only."""
        self._own(account)
        a = points_accounts.c
        stored = self._uow.connection.execute(
            select(a.entries).where(a.tenant == self.tenant, a.id == account.id)
        ).scalar()
        self._versioned_update(points_accounts, account, self._row(account))
        # The version check passed, so nobody appended since the read: ``stored`` holds.
        self._append_entries(account, int(stored or 0))
        self._track(account)

    def iter_all(self, *, batch: int = 500) -> Iterator[PointsAccount]:
        """Every account by customer id, keyset-paged."""
        a = points_accounts.c
        last: str | None = None
        while True:
            statement = select(points_accounts).where(a.tenant == self.tenant)
            if last is not None:
                statement = statement.where(a.id > last)
            rows = list(self._uow.connection.execute(statement.order_by(a.id).limit(batch)))
            for row in rows:
                yield self._account(row)
            if len(rows) < batch:
                return
            last = rows[-1].id


def attach(uow: SqlUnitOfWork) -> None:
    """Give an SQL unit of work the loyalty repositories (called on every reset)."""
    uow.tiers = SqlTierRepository(uow)
    uow.memberships = SqlMembershipRepository(uow)
    uow.points = SqlPointsRepository(uow)
    uow.referrals = SqlReferralRepository(uow)
    uow.contracts = SqlContractRepository(uow)
