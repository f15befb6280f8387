"""Alembic migrations shipped in the package, and the calls that run them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, select
from sqlalchemy.exc import DBAPIError

__all__ = ["HEAD", "VERSION_TABLE", "current_revision", "ensure_head", "upgrade"]

#: The newest migration; tests check it matches the migration scripts.
HEAD = "0007"
#: clientcare's own Alembic version table, apart from the embedder's ``alembic_version``.
VERSION_TABLE = "clientcare_alembic_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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


def ensure_head(bind: Engine | Connection) -> None:
    """Upgrade to :data:`HEAD` unless the database is there already (one cheap query)."""
    if current_revision(bind) != HEAD:
        _run(bind, "head")
