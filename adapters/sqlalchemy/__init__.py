"""The SQL adapter: SQLAlchemy 2.x Core on SQLite, PostgreSQL and MariaDB/MySQL.

``clientcare.connect("sqlite:///care.db", tenant=...)`` opens it through the
``clientcare.backends`` entry points. To keep clientcare's tables in your own
database and transaction, hand in your engine or connection::

    from clientcare.adapters.sqlalchemy import SqlBackend, upgrade

    upgrade(engine)                      # or: clientcare db upgrade URL
    care = clientcare.Clientcare(SqlBackend(engine), "acme", clock=SystemClock())

See docs/sql.md.
"""

from clientcare.adapters.sqlalchemy._migrate import HEAD, current_revision, upgrade, verify_head
from clientcare.adapters.sqlalchemy._notes import SqlNoteRepository
from clientcare.adapters.sqlalchemy._outbox import SqlOutbox
from clientcare.adapters.sqlalchemy._repos import (
    DocumentRepository,
    SqlCustomerRepository,
    SqlPurchaseRepository,
)
from clientcare.adapters.sqlalchemy._tables import document_table, key_string, metadata
from clientcare.adapters.sqlalchemy._uow import SqlBackend, SqlUnitOfWork, create_clientcare_engine, open_backend

__all__ = [
    "HEAD",
    "DocumentRepository",
    "SqlBackend",
    "SqlCustomerRepository",
    "SqlNoteRepository",
    "SqlOutbox",
    "SqlPurchaseRepository",
    "SqlUnitOfWork",
    "create_clientcare_engine",
    "current_revision",
    "document_table",
    "key_string",
    "metadata",
    "open_backend",
    "upgrade",
    "verify_head",
]
