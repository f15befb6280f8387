"""Alembic environment of the ERP's own migrations, beside clientcare's in the same database.

Two things keep the two histories apart: the ERP's revision lives in its own
version table (clientcare's is ``clientcare_alembic_version``), and
autogenerate looks only at the ERP's tables, so it never proposes to drop
clientcare's ``cc_*`` tables it does not know.
"""

from __future__ import annotations

import os

from alembic import context
from erp import VERSION_TABLE, erp_metadata, only_erp_tables
from sqlalchemy import create_engine


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=erp_metadata,
        version_table=VERSION_TABLE,
        include_name=only_erp_tables,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)  # erp.migrate(engine): in the deploy step's own transaction
else:
    # `alembic -c examples/erp/alembic.ini upgrade head` from a shell, on $ERP_DATABASE_URL.
    with create_engine(os.environ["ERP_DATABASE_URL"]).begin() as connection:
        _run(connection)
