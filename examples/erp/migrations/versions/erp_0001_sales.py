"""The ERP's sales: one row per invoice, pointing at clientcare's customer.

Revision ID: erp_0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erp_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erp_sales",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        # clientcare's customer id: the ERP keeps no second customer archive (None: a walk-in).
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("style_no", sa.String(50), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("sold_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erp_sales")
