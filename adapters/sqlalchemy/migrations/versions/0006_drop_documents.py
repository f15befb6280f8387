"""The document bridge goes: ``cc_documents`` is dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

Every kind clientcare kept in the bridge moved to its own table (0004:
complaints, standard answers, assessments, improvement plans, survey answers;
0005: touches, appointments, follow-ups, wishes, recurring rules, sale
credits), so after 0005 the table holds clientcare's rows no more. Rows still
there belong to a kind no clientcare table takes (an extension's): the
upgrade refuses to drop them, names their kinds and changes nothing, so no
data is lost; move them to their own table, then upgrade again. The downgrade
recreates the table empty, as 0002 made it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from clientcare.errors import ConfigurationError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    documents = sa.table("cc_documents", sa.column("kind"))
    kinds = list(
        op.get_bind().execute(
            sa.select(documents.c.kind, sa.func.count()).group_by(documents.c.kind).order_by(documents.c.kind)
        )
    )
    if kinds:
        # Kinds are names an extension chose in code, never customer data.
        found = ", ".join(f"{kind} ({count})" for kind, count in kinds)
        raise ConfigurationError(
            f"cc_documents: still holds rows no clientcare table takes ({found}); "
            "move them to their own table before upgrading past 0005"
        )
    op.drop_table("cc_documents")


def downgrade() -> None:
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
