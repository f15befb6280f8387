"""Reaction jobs: ``cc_reactions`` keeps the reactions between areas until they have run.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A row per (durable handler, event) is written in the transaction that
commits the event and deleted once the handler has run; failed runs count
``attempts`` and wait until ``retry_at``. The table starts empty: reactions
of events committed before this revision ran in-process already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "cc_reactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("handler", _key(64), nullable=False),
        sa.Column("event_name", sa.String(100), nullable=False),
        sa.Column(
            "payload",
            sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(100), nullable=True),
        sa.Column(
            "retry_at",
            sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cc_reactions"),
    )
    op.create_index("ix_cc_reactions_tenant", "cc_reactions", ["tenant", "handler", "attempts", "id"])


def downgrade() -> None:
    op.drop_index("ix_cc_reactions_tenant", table_name="cc_reactions")
    op.drop_table("cc_reactions")
