"""The loyalty area's tables: tiers and their history, runs, overrides, memberships, points,
referrals, contracts (migration 0003). Every key and index leads with ``tenant``."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, PrimaryKeyConstraint, String, Table, UniqueConstraint

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._tables import (
    ID_LENGTH,
    TENANT_LENGTH,
    document_column,
    document_table,
    key_string,
    timestamp,
)

__all__ = [
    "attitude_overrides",
    "contracts",
    "customer_tiers",
    "memberships",
    "points_accounts",
    "points_entries",
    "referrals",
    "tier_history",
    "tier_runs",
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
