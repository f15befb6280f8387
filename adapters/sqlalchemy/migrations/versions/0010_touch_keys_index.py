"""The set-based daily run reads the stored touch keys of a batch of customers from an index alone.

``ix_cc_touches_customer_keys`` on ``(tenant, customer_id, reason, key)``
covers the daily run's "which of these customers' touches of these reasons
are stored" (``DailyRunQueries.known_keys`` and the silence prefilter), so
those reads never visit the touch rows and their JSON documents.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cc_touches_customer_keys", "cc_touches", ["tenant", "customer_id", "reason", "key"])


def downgrade() -> None:
    op.drop_index("ix_cc_touches_customer_keys", table_name="cc_touches")
