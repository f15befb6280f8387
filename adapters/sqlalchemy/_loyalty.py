"""SQL tables and repositories for tiers, membership, points, referrals and contracts.

The ABC recomputation is set-based: spend per customer (``SUM … GROUP BY``)
and the spend of everyone strictly ahead (window sums) are computed in the
database and read in one statement beside the stored labels; only changed
labels (and their history rows) are written back, in bulk — no query per
customer. Attitude facts are one
aggregate query as well. Points keep an append-only entry table under a
versioned balance row, so two redemptions racing for the same points
conflict instead of overspending.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer as IntegerType

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, offset_minutes, utc_naive, with_offset
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._repos import DocumentRepository, _Tracking
from clientcare.adapters.sqlalchemy._tables import (
    ID_LENGTH,
    TENANT_LENGTH,
    document_column,
    document_table,
    key_string,
    timestamp,
)
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
from clientcare.purchases import PurchaseKind

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "SqlContractRepository",
    "SqlMembershipRepository",
    "SqlPointsRepository",
    "SqlReferralRepository",
    "SqlTierRepository",
    "abc_label_query",
    "attach",
    "seconds_between",
]


def _tenant() -> Column[str]:
    return Column("tenant", key_string(TENANT_LENGTH), nullable=False)


def _id(name: str = "id") -> Column[str]:
    return Column(name, key_string(ID_LENGTH), nullable=False)


customer_tiers = Table(
    "cc_customer_tiers",
    t.metadata,
    _tenant(),
    _id(),
    Column("label", String(1), nullable=False),
    Column("since", timestamp(), nullable=False),
    Column("since_offset", Integer, nullable=False),
    PrimaryKeyConstraint("tenant", "id"),
)

tier_history = Table(
    "cc_tier_history",
    t.metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    _tenant(),
    _id("customer_id"),
    Column("at", timestamp(), nullable=False),
    Column("at_offset", Integer, nullable=False),
    Column("from_label", String(1), nullable=True),
    Column("to_label", String(1), nullable=False),
    Index("ix_cc_tier_history_customer", "tenant", "customer_id", "seq"),
)

tier_runs = document_table(
    "cc_tier_runs",
    Column("at", timestamp(), nullable=False),
    Index("ix_cc_tier_runs_at", "tenant", "at"),
)

attitude_overrides = document_table(
    "cc_attitude_overrides",
    Column("segment", String(20), nullable=True),
)

memberships = document_table(
    "cc_memberships",
    Column("level", String(50), nullable=True),
    Column("valid_until", timestamp(), nullable=True),
)

points_accounts = Table(
    "cc_points_accounts",
    t.metadata,
    _tenant(),
    _id(),
    Column("version", Integer, nullable=False),
    Column("balance", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("warned_lots", document_column(), nullable=False),
    PrimaryKeyConstraint("tenant", "id"),
)

points_entries = Table(
    "cc_points_entries",
    t.metadata,
    _tenant(),
    _id("customer_id"),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("at", timestamp(), nullable=False),
    Column("at_offset", Integer, nullable=False),
    Column("reference", key_string(200), nullable=True),
    Column("expires_at", timestamp(), nullable=True),
    Column("expires_offset", Integer, nullable=True),
    Column("shortfall", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant", "customer_id", "seq"),
)

referrals = document_table(
    "cc_referrals",
    _id("referrer_id"),
    _id("referred_id"),
    Column("recorded_at", timestamp(), nullable=False),
    Column("credited_at", timestamp(), nullable=True),
    UniqueConstraint("tenant", "referred_id"),
    Index("ix_cc_referrals_referrer", "tenant", "referrer_id"),
)

contracts = document_table(
    "cc_contracts",
    _id("customer_id"),
    Column("starts_at", timestamp(), nullable=False),
    Index("ix_cc_contracts_customer", "tenant", "customer_id"),
)


# -- seconds between two timestamps, per dialect ------------------------------------


class seconds_between(FunctionElement[int]):
    """Whole seconds from ``start`` to ``end`` (both naive UTC timestamp columns)."""

    type = IntegerType()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"


@compiles(seconds_between, "mysql")
@compiles(seconds_between, "mariadb")
def _seconds_mysql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"TIMESTAMPDIFF(SECOND, {start}, {end})"


# -- the ABC labels, set-based -----------------------------------------------------------


def _ratio(share: Decimal) -> tuple[int, int]:
    num, den = share.as_integer_ratio()
    return num, den


def abc_label_query(tenant: str, start: datetime, end: datetime, rules: AbcRules) -> Any:
    """SELECT customer_id, label for every customer of ``tenant``: the SQL twin of
    :func:`clientcare.loyalty._tiers.abc_labels` over net spend in ``(start, end]``.

    The spend of everyone strictly ahead of a customer is the running sum over
    spend descending (peers included, the default RANGE frame) minus the sum
    of the customer's own tie group; shares are compared as exact integer
    fractions of the total, so no rounding separates SQL from Python.
    """
    c, p = t.customers.c, t.purchases.c
    spend = (
        select(c.id.label("customer_id"), func.coalesce(func.sum(p.amount_e4), 0).label("spend"))
        .select_from(
            t.customers.outerjoin(
                t.purchases,
                and_(
                    p.tenant == c.tenant,
                    p.customer_id == c.id,
                    p.occurred_at > utc_naive(start),
                    p.occurred_at <= utc_naive(end),
                ),
            )
        )
        .where(c.tenant == tenant)
        .group_by(c.id)
        .cte("spend")
    )
    positive = case((spend.c.spend > 0, spend.c.spend), else_=0)
    if rules.basis == "spend":
        # Only the windows the basis needs: each one is a pass over every customer.
        weight: Any = positive
        whole: Any = func.sum(positive).over()
        a_num, a_den = _ratio(rules.a_spend_share)
        b_num, b_den = _ratio(rules.a_spend_share + rules.b_spend_share)
    else:
        weight = case((spend.c.spend > 0, 1), else_=0)
        whole = func.count().over()
        a_num, a_den = _ratio(rules.a_customer_share)
        b_num, b_den = _ratio(rules.a_customer_share + rules.b_customer_share)
    ranked = select(
        spend.c.customer_id,
        spend.c.spend,
        whole.label("whole"),
        (func.sum(weight).over(order_by=positive.desc()) - func.sum(weight).over(partition_by=positive)).label("ahead"),
    ).cte("ranked")
    r = ranked.c
    label = case(
        (r.spend <= 0, literal("C")),
        (r.ahead * a_den < r.whole * a_num, literal("A")),
        (r.ahead * b_den < r.whole * b_num, literal("B")),
        else_=literal("C"),
    )
    return select(r.customer_id, label.label("label"))


_LABELS = {label.value: label for label in AbcLabel}


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
        """Labels computed in the database, read once beside the stored ones; only the
        changed customers are written back, in bulk (executemany)."""
        conn, tenant = self._uow.connection, self.tenant
        c = customer_tiers.c
        labels = abc_label_query(tenant, start, end, rules).subquery("labels")
        statement = select(labels.c.customer_id, labels.c.label, c.label.label("before")).select_from(
            labels.outerjoin(customer_tiers, and_(c.tenant == tenant, c.id == labels.c.customer_id))
        )
        result: dict[str, AbcLabel] = {}
        changes: list[TierChange] = []
        for row in conn.execute(statement):
            label = _LABELS[row.label]
            result[row.customer_id] = label
            if row.before != row.label:
                before = _LABELS[row.before] if row.before else None
                changes.append(TierChange(customer_id=row.customer_id, before=before, after=label, at=at))
        changes.sort(key=lambda change: change.customer_id)
        if changes:
            self._write_back(changes, at)
        return result, changes

    def _write_back(self, changes: list[TierChange], at: datetime) -> None:
        conn, tenant = self._uow.connection, self.tenant
        c = customer_tiers.c
        moment, offset = utc_naive(at), offset_minutes(at)
        with translated(self.entity):
            conn.execute(
                insert(tier_history),
                [
                    {
                        "tenant": tenant,
                        "customer_id": ch.customer_id,
                        "at": moment,
                        "at_offset": offset,
                        "from_label": ch.before.value if ch.before else None,
                        "to_label": ch.after.value,
                    }
                    for ch in changes
                ],
            )
            moved = [ch for ch in changes if ch.before is not None]
            if moved:
                conn.execute(
                    update(customer_tiers)
                    .where(c.tenant == tenant, c.id == bindparam("customer"))
                    .values(label=bindparam("new_label"), since=moment, since_offset=offset),
                    [{"customer": ch.customer_id, "new_label": ch.after.value} for ch in moved],
                )
            first = [ch for ch in changes if ch.before is None]
            if first:
                conn.execute(
                    insert(customer_tiers),
                    [
                        {
                            "tenant": tenant,
                            "id": ch.customer_id,
                            "label": ch.after.value,
                            "since": moment,
                            "since_offset": offset,
                        }
                        for ch in first
                    ],
                )

    def labels(self) -> dict[str, AbcLabel]:
        """The current label of every labelled customer."""
        c = customer_tiers.c
        rows = self._uow.connection.execute(select(c.id, c.label).where(c.tenant == self.tenant))
        return {row.id: AbcLabel(row.label) for row in rows}

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

    def attitude_facts(
        self, *, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None = None
    ) -> dict[str, AttitudeFacts]:
        """One aggregate query per concern, joined in the database (P11)."""
        conn, tenant = self._uow.connection, self.tenant
        c, p, pl = t.customers.c, t.purchases.c, t.purchase_lines.c
        sale = p.kind == PurchaseKind.SALE.value
        low, high = utc_naive(start), utc_naive(end)
        in_window = and_(p.occurred_at > low, p.occurred_at <= high)
        early_seconds = rules.early_adopter_days * 86400
        launches = (
            select(pl.style_no, func.min(p.occurred_at).label("launched"))
            .select_from(t.purchase_lines.join(t.purchases, and_(p.tenant == pl.tenant, p.id == pl.purchase_id)))
            .where(pl.tenant == tenant, sale)
            .group_by(pl.style_no)
            .cte("launches")
        )
        opened = select(func.min(launches.c.launched)).scalar_subquery()
        fresh = (
            select(launches.c.style_no, launches.c.launched)
            .where(seconds_between(opened, launches.c.launched) > early_seconds)
            .cte("fresh")
        )
        adopted = (
            select(p.customer_id, func.count(func.distinct(pl.style_no)).label("n"))
            .select_from(
                t.purchase_lines.join(t.purchases, and_(p.tenant == pl.tenant, p.id == pl.purchase_id)).join(
                    fresh, fresh.c.style_no == pl.style_no
                )
            )
            .where(pl.tenant == tenant, sale, seconds_between(fresh.c.launched, p.occurred_at) <= early_seconds)
            .group_by(p.customer_id)
            .cte("adopted")
        )
        line_total = pl.unit_price_e4 * pl.quantity
        discounted = (
            select(
                p.customer_id,
                func.sum(case((sale, line_total), else_=-line_total)).label("off"),
            )
            .select_from(t.purchase_lines.join(t.purchases, and_(p.tenant == pl.tenant, p.id == pl.purchase_id)))
            .where(pl.tenant == tenant, in_window, pl.full_price.is_(False))
            .group_by(p.customer_id)
            .cte("discounted")
        )
        figures = (
            select(
                p.customer_id,
                func.sum(case((sale, 1), else_=0)).label("sales_ever"),
                func.sum(case((and_(sale, in_window), 1), else_=0)).label("sales_in_window"),
                func.max(case((sale, p.occurred_at))).label("last_sale_at"),
                func.sum(case((in_window, p.amount_e4), else_=0)).label("spend"),
            )
            .where(p.tenant == tenant, p.customer_id.is_not(None))
            .group_by(p.customer_id)
            .cte("figures")
        )
        tags = t.customer_tags.c
        rival = exists().where(tags.tenant == tenant, tags.customer_id == c.id, tags.tag == rules.switcher_tag)
        statement = (
            select(
                c.id,
                c.document,
                figures.c.sales_ever,
                figures.c.sales_in_window,
                figures.c.last_sale_at,
                figures.c.spend,
                discounted.c.off,
                adopted.c.n,
                rival.label("rival"),
            )
            .select_from(
                t.customers.outerjoin(figures, figures.c.customer_id == c.id)
                .outerjoin(discounted, discounted.c.customer_id == c.id)
                .outerjoin(adopted, adopted.c.customer_id == c.id)
            )
            .where(c.tenant == tenant)
        )
        if customer_ids is not None:
            statement = statement.where(c.id.in_(sorted(set(customer_ids))))
        result = {}
        for row in conn.execute(statement):
            store = json.loads(row.document).get("home_store")
            result[row.id] = AttitudeFacts(
                customer_id=row.id,
                store_id=store,
                sales_in_window=int(row.sales_in_window or 0),
                sales_ever=int(row.sales_ever or 0),
                last_sale_at=aware_utc(row.last_sale_at) if row.last_sale_at is not None else None,
                spend_in_window=_money(row.spend),
                discounted_spend_in_window=_money(row.off),
                early_adoptions=int(row.n or 0),
                competitor=bool(row.rival),
            )
        return result

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
        found = self._overrides._query(attitude_overrides.c.segment.is_not(None))
        return {o.id: o for o in found}

    def add_run(self, run: TierRun) -> None:
        """Keep a finished run; its events reach the outbox at commit."""
        self._runs.add(run)

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        """Runs, newest first."""
        r = tier_runs.c
        return self._runs._query(order_by=(r.at.desc(), r.id.desc()), limit=limit)


def _money(e4: int | Decimal | None) -> Decimal:
    """Ten-thousandths from a SUM as a Decimal (compared by value with the reference)."""
    if e4 is None:
        return Decimal(0)
    return Decimal(int(e4)) / Decimal(10000)


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
        return self._query(c.customer_id == customer_id, order_by=(c.starts_at.desc(), c.id.desc()))

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
        return self._query(c.referrer_id == customer_id, order_by=(c.recorded_at, c.id))

    def open_leads(self) -> list[ReferralRecord]:
        """Referrals not yet credited, oldest first."""
        c = self.table.c
        return self._query(c.credited_at.is_(None), order_by=(c.recorded_at, c.id))


def _pages(repository: DocumentRepository[Any], batch: int) -> Iterator[Any]:
    c = repository.table.c
    last: str | None = None
    while True:
        conditions: list[ColumnElement[bool]] = [c.id > last] if last is not None else []
        page = repository._query(*conditions, order_by=(c.id,), limit=batch)
        yield from page
        if len(page) < batch:
            return
        last = page[-1].id


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
