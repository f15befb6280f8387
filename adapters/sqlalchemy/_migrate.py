"""Alembic migrations shipped in the package, and the calls that run them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, select, text
from sqlalchemy.exc import DBAPIError

from clientcare.errors import ConfigurationError, StorageUnavailable

__all__ = ["HEAD", "MIGRATE_MODES", "VERSION_TABLE", "current_revision", "ensure_head", "upgrade", "verify_head"]

#: The newest migration; tests check it matches the migration scripts.
HEAD = "0010"
#: clientcare's own Alembic version table, apart from the embedder's ``alembic_version``.
VERSION_TABLE = "clientcare_alembic_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: What ``connect(…, migrate=…)`` may do with the schema: upgrade it, check it, or leave it.
MIGRATE_MODES = ("auto", "verify", "off")
#: PostgreSQL advisory lock key of clientcare's migrations (advisory locks are per database).
PG_MIGRATION_LOCK = 0x636C_6361_7265  # "clcare"
#: How long a MariaDB process waits for another one's migration (seconds).
MIGRATION_LOCK_TIMEOUT_S = 300


def _config(connection: Connection) -> object:
    from alembic.config import Config  # noqa: PLC0415 - Alembic is loaded only to migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _run(bind: Engine | Connection, revision: str) -> None:
    """Move the schema to ``revision`` (``base`` drops clientcare's tables)."""
    from alembic import command  # noqa: PLC0415

    def run(connection: Connection) -> None:
        config = _config(connection)
        if revision == "base":
            command.downgrade(config, "base")  # type: ignore[arg-type]
        else:
            command.upgrade(config, revision)  # type: ignore[arg-type]

    if isinstance(bind, Engine):
        with bind.begin() as connection:
            run(connection)
    else:
        run(bind)


def upgrade(bind: Engine | Connection | str, revision: str = "head") -> None:
    """Upgrade the database at ``bind`` (an engine, a connection or a URL) to ``revision``.

    Creates clientcare's tables in an empty database; safe to run again.
    With a connection the migration runs in its transaction: commit it.
    """
    if isinstance(bind, str):
        from clientcare.adapters.sqlalchemy._uow import create_clientcare_engine  # noqa: PLC0415

        engine = create_clientcare_engine(bind)
        try:
            _run(engine, revision)
        finally:
            engine.dispose()
        return
    _run(bind, revision)


def current_revision(bind: Engine | Connection) -> str | None:
    """The migration the database is at, or None before the first one."""
    version = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32)))

    def read(connection: Connection) -> str | None:
        try:
            if connection.dialect.name == "postgresql" and connection.in_transaction():
                with connection.begin_nested():
                    return connection.execute(select(version.c.version_num)).scalar()
            return connection.execute(select(version.c.version_num)).scalar()
        except DBAPIError:
            return None

    if isinstance(bind, Engine):
        with bind.connect() as connection:
            result = read(connection)
            connection.rollback()
            return result
    return read(bind)


def _upgrade_locked(engine: Engine) -> None:
    """Upgrade to head while holding the database's migration lock.

    Processes starting together on a fresh database would otherwise all
    create the same tables; under the lock the first migrates and the others,
    reading the revision again once they hold it, find the work done.
    """
    dialect = engine.dialect.name
    if dialect == "postgresql":
        # A transaction-scoped lock: PostgreSQL runs the DDL in the same transaction.
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            if current_revision(connection) != HEAD:
                _run(connection, "head")
        return
    if dialect in ("mysql", "mariadb"):
        # DDL commits implicitly on MariaDB, so the lock is held by the session;
        # GET_LOCK names are server-wide, hence the database's name in it.
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT GET_LOCK(CONCAT('clientcare_migrate.', DATABASE()), :wait)"),
                {"wait": MIGRATION_LOCK_TIMEOUT_S},
            ).scalar()
            connection.commit()
            if got != 1:
                raise StorageUnavailable("migrate", "another process held the migration lock too long")
            try:
                if current_revision(connection) != HEAD:
                    _run(connection, "head")
                connection.commit()
            finally:
                connection.rollback()
                connection.execute(text("SELECT RELEASE_LOCK(CONCAT('clientcare_migrate.', DATABASE()))"))
                connection.commit()
        return
    if dialect == "sqlite":
        from clientcare.adapters.sqlalchemy._uow import SQLITE_BEGIN_OPTION  # noqa: PLC0415 - _uow imports this module

        with engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "EXCLUSIVE"})
            with connection.begin():
                if current_revision(connection) != HEAD:
                    _run(connection, "head")
        return
    _run(engine, "head")


def ensure_head(bind: Engine | Connection) -> None:
    """Upgrade to :data:`HEAD` unless the database is there already (one cheap query).

    On an engine the upgrade runs under a lock (PostgreSQL advisory lock,
    MariaDB ``GET_LOCK``, SQLite exclusive transaction), so processes that
    connect at once to a fresh database all succeed. On a connection it runs
    in the caller's transaction, which the caller commits.
    """
    if current_revision(bind) == HEAD:
        return
    if isinstance(bind, Engine):
        _upgrade_locked(bind)
    else:
        _run(bind, "head")


def verify_head(bind: Engine | Connection) -> None:
    """Raise :class:`~clientcare.errors.ConfigurationError` unless the schema is at :data:`HEAD`."""
    found = current_revision(bind)
    if found != HEAD:
        raise ConfigurationError(
            f"database: schema is at revision {found or 'none'}, clientcare needs {HEAD}; "
            "run clientcare.adapters.sqlalchemy.upgrade() or connect with migrate='auto'"
        )
