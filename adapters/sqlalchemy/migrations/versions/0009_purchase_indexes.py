"""Only the indexes the queries need on the purchase tables (issue 16).

- ``ix_cc_purchase_lines_style`` goes: no query looks lines up by style (the
  style figures group every line of a period, reached through the
  purchases), yet every imported line paid for a random insert into it.
- ``ix_cc_purchases_original`` keeps serving ``returns_of`` but holds only
  returns: on SQLite and PostgreSQL it becomes partial
  (``WHERE original_id IS NOT NULL``), so an imported sale, whose
  ``original_id`` is always empty, writes nothing to it. MariaDB has no
  partial indexes and keeps the whole one.

Downgrade puts both back as 0001 made them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ONLY_RETURNS = sa.text("original_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_cc_purchase_lines_style", table_name="cc_purchase_lines")
    if op.get_bind().dialect.name in ("sqlite", "postgresql"):
        op.drop_index("ix_cc_purchases_original", table_name="cc_purchases")
        op.create_index(
            "ix_cc_purchases_original",
            "cc_purchases",
            ["tenant", "original_id"],
            sqlite_where=_ONLY_RETURNS,
            postgresql_where=_ONLY_RETURNS,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name in ("sqlite", "postgresql"):
        op.drop_index("ix_cc_purchases_original", table_name="cc_purchases")
        op.create_index("ix_cc_purchases_original", "cc_purchases", ["tenant", "original_id"])
    op.create_index("ix_cc_purchase_lines_style", "cc_purchase_lines", ["tenant", "style_no"])
