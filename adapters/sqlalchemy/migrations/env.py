"""Alembic environment for clientcare's migrations (run through clientcare's upgrade())."""

from __future__ import annotations

from alembic import context

from clientcare.adapters.sqlalchemy._migrate import VERSION_TABLE
from clientcare.adapters.sqlalchemy._tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run clientcare migrations through clientcare.adapters.sqlalchemy.upgrade()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
