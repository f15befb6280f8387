"""Relay leases: ``cc_outbox_leases`` says which relay publishes a tenant's outbox, and until when.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02

One row per tenant, written by the relay that holds the lease (``holder``)
and renewed each batch; a killed relay's lease runs out at ``lease_until``
and another relay takes it over. The table starts empty: the first relay
to run creates its tenant's row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "cc_outbox_leases",
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("holder", _key(64), nullable=False),
        sa.Column(
            "lease_until",
            sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant", name="pk_cc_outbox_leases"),
    )


def downgrade() -> None:
    op.drop_table("cc_outbox_leases")
