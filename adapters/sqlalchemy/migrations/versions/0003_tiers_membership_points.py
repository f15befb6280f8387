"""Tiers, membership, points, referrals and contracts (P10-P17, P33).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Column types are spelled out here (not imported from the adapter) so that
this migration stays what it was when later ones change the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")
    )


def _doc() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _ts() -> sa.types.TypeEngine[object]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")  # type: ignore[return-value]


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant", _key(64), nullable=False)


def _document_table(name: str, *columns: sa.Column[object], extra: tuple[sa.Constraint, ...] = ()) -> None:
    op.create_table(
        name,
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *columns,
        sa.Column("document", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name=f"pk_{name}"),
        *extra,
    )


def upgrade() -> None:
    op.create_table(
        "cc_customer_tiers",
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("label", sa.String(1), nullable=False),
        sa.Column("since", _ts(), nullable=False),
        sa.Column("since_offset", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_cc_customer_tiers"),
    )
    op.create_table(
        "cc_tier_history",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        _tenant(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("at_offset", sa.Integer(), nullable=False),
        sa.Column("from_label", sa.String(1), nullable=True),
        sa.Column("to_label", sa.String(1), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_cc_tier_history"),
    )
    op.create_index("ix_cc_tier_history_customer", "cc_tier_history", ["tenant", "customer_id", "seq"])
    _document_table("cc_tier_runs", sa.Column("at", _ts(), nullable=False))
    op.create_index("ix_cc_tier_runs_at", "cc_tier_runs", ["tenant", "at"])
    _document_table("cc_attitude_overrides", sa.Column("segment", sa.String(20), nullable=True))
    _document_table(
        "cc_memberships",
        sa.Column("level", sa.String(50), nullable=True),
        sa.Column("valid_until", _ts(), nullable=True),
    )
    op.create_table(
        "cc_points_accounts",
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("warned_lots", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_cc_points_accounts"),
    )
    op.create_table(
        "cc_points_entries",
        _tenant(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("at_offset", sa.Integer(), nullable=False),
        sa.Column("reference", _key(200), nullable=True),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.Column("expires_offset", sa.Integer(), nullable=True),
        sa.Column("shortfall", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "customer_id", "seq", name="pk_cc_points_entries"),
    )
    _document_table(
        "cc_referrals",
        sa.Column("referrer_id", _key(64), nullable=False),
        sa.Column("referred_id", _key(64), nullable=False),
        sa.Column("recorded_at", _ts(), nullable=False),
        sa.Column("credited_at", _ts(), nullable=True),
        extra=(sa.UniqueConstraint("tenant", "referred_id", name="uq_cc_referrals_tenant_referred_id"),),
    )
    op.create_index("ix_cc_referrals_referrer", "cc_referrals", ["tenant", "referrer_id"])
    _document_table(
        "cc_contracts",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("starts_at", _ts(), nullable=False),
    )
    op.create_index("ix_cc_contracts_customer", "cc_contracts", ["tenant", "customer_id"])


def downgrade() -> None:
    for table in (
        "cc_contracts",
        "cc_referrals",
        "cc_points_entries",
        "cc_points_accounts",
        "cc_memberships",
        "cc_attitude_overrides",
        "cc_tier_runs",
        "cc_tier_history",
        "cc_customer_tiers",
    ):
        op.drop_table(table)
