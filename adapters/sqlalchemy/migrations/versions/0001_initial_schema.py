"""Initial schema: customers (+ tags), purchases (+ lines), notes, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

The column types are spelled out here (not imported from _tables) so that
this migration stays what it was when later ones change the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def _doc() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _ts() -> sa.types.TypeEngine[object]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")  # type: ignore[return-value]


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant", _key(64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "cc_customers",
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", _key(100), nullable=False),
        sa.Column("name_fold", _key(400), nullable=False),
        sa.Column("phone", _key(32), nullable=True),
        sa.Column("registered_at", _ts(), nullable=False),
        sa.Column("is_key", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", _ts(), nullable=True),
        sa.Column("erased_at", _ts(), nullable=True),
        sa.Column("document", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_cc_customers"),
        sa.UniqueConstraint("tenant", "phone", name="uq_cc_customers_tenant_phone"),
    )
    op.create_index("ix_cc_customers_tenant_name", "cc_customers", ["tenant", "name", "id"])

    op.create_table(
        "cc_customer_tags",
        _tenant(),
        sa.Column("tag", _key(50), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant", "customer_id"],
            ["cc_customers.tenant", "cc_customers.id"],
            name="fk_cc_customer_tags_tenant_cc_customers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant", "tag", "customer_id", name="pk_cc_customer_tags"),
    )
    op.create_index("ix_cc_customer_tags_customer", "cc_customer_tags", ["tenant", "customer_id"])

    op.create_table(
        "cc_purchases",
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", _key(64), nullable=True),
        sa.Column("occurred_at", _ts(), nullable=False),
        sa.Column("utc_offset", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.Column("amount_scale", sa.SmallInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("store_id", _key(64), nullable=True),
        sa.Column("staff_id", _key(64), nullable=True),
        sa.Column("receipt_id", _key(64), nullable=True),
        sa.Column("original_id", _key(64), nullable=True),
        sa.Column("condition_reports", _doc(), nullable=True),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_cc_purchases"),
        sa.UniqueConstraint("tenant", "receipt_id", name="uq_cc_purchases_tenant_receipt_id"),
    )
    op.create_index("ix_cc_purchases_customer", "cc_purchases", ["tenant", "customer_id", "occurred_at"])
    op.create_index("ix_cc_purchases_original", "cc_purchases", ["tenant", "original_id"])

    op.create_table(
        "cc_purchase_lines",
        _tenant(),
        sa.Column("purchase_id", _key(64), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("style_no", _key(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_e4", sa.BigInteger(), nullable=False),
        sa.Column("price_scale", sa.SmallInteger(), nullable=False),
        sa.Column("size", sa.String(50), nullable=True),
        sa.Column("colour", sa.String(50), nullable=True),
        sa.Column("structure", sa.String(100), nullable=True),
        sa.Column("description", sa.String(300), nullable=True),
        sa.Column("full_price", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "purchase_id", "position", name="pk_cc_purchase_lines"),
    )
    op.create_index("ix_cc_purchase_lines_style", "cc_purchase_lines", ["tenant", "style_no"])

    op.create_table(
        "cc_notes",
        _tenant(),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("author", _key(64), nullable=False),
        sa.Column("written_at", _ts(), nullable=False),
        sa.Column("search_fold", _doc(), nullable=False),
        sa.Column("document", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name="pk_cc_notes"),
    )
    op.create_index("ix_cc_notes_customer", "cc_notes", ["tenant", "customer_id", "written_at"])
    op.create_index("ix_cc_notes_written", "cc_notes", ["tenant", "written_at"])

    op.create_table(
        "cc_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        _tenant(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("occurred_at", _ts(), nullable=False),
        sa.Column("payload", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cc_outbox"),
    )
    op.create_index("ix_cc_outbox_tenant", "cc_outbox", ["tenant", "id"])


def downgrade() -> None:
    for table in ("cc_outbox", "cc_notes", "cc_purchase_lines", "cc_purchases", "cc_customer_tags", "cc_customers"):
        op.drop_table(table)
