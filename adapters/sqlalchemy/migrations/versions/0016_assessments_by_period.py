"""P61: ``ix_cc_assessments_assessed`` reads a period's assessments of every customer in one range scan.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cc_assessments_assessed", "cc_assessments", ["tenant", "assessed_at"])


def downgrade() -> None:
    op.drop_index("ix_cc_assessments_assessed", table_name="cc_assessments")
