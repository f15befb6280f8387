"""Documents of aggregates without typed tables yet (complaints, touches, assessments, ...).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "cc_documents",
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("unique_key", _key(200), nullable=True),
        sa.Column("customer_id", _key(64), nullable=True),
        sa.Column(
            "document",
            sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant", "kind", "id", name="pk_cc_documents"),
        sa.UniqueConstraint("tenant", "kind", "unique_key", name="uq_cc_documents_tenant_kind"),
    )
    op.create_index("ix_cc_documents_customer", "cc_documents", ["tenant", "kind", "customer_id"])


def downgrade() -> None:
    op.drop_table("cc_documents")
