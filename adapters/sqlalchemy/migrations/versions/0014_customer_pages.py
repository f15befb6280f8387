"""Customer pages on PostgreSQL: an index in code point order for keyset paging.

Pages sort by name then id by code point (``COLLATE "C"``) on PostgreSQL, so
they match Python's order whatever the database's collation; the existing
``ix_cc_customers_tenant_name`` follows the column's collation and cannot
serve that order. SQLite (BINARY) and MariaDB (utf8mb4_bin) compare by code
point already and keep using it.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "ix_cc_customers_tenant_name_c"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(INDEX, "cc_customers", ["tenant", sa.text('name COLLATE "C"'), sa.text('id COLLATE "C"')])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(INDEX, table_name="cc_customers")
