"""Merged customers: ``cc_customer_aliases`` maps an absorbed customer's id to the kept one's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "cc_customer_aliases",
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("alias_id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "alias_id", name="pk_cc_customer_aliases"),
    )
    op.create_index("ix_cc_customer_aliases_customer", "cc_customer_aliases", ["tenant", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_cc_customer_aliases_customer", table_name="cc_customer_aliases")
    op.drop_table("cc_customer_aliases")
