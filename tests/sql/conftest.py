"""Database fixtures for the SQL adapter tests.

SQLite always runs (a fresh file per test, copied from a migrated template).
PostgreSQL and MariaDB run when CLIENTCARE_TEST_POSTGRES_URL and
CLIENTCARE_TEST_MARIADB_URL point at an empty database (``.ci/run`` makes
one per run); without them these tests skip, except under ``CI=true``, where
they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from sqlalchemy import Engine, TableClause, column, table, text

from clientcare.adapters.sqlalchemy import HEAD, create_clientcare_engine, current_revision, metadata, upgrade

ENV = {"postgresql": "CLIENTCARE_TEST_POSTGRES_URL", "mariadb": "CLIENTCARE_TEST_MARIADB_URL"}
EXAMPLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4",
}
SQL_BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


def server_url(kind: str) -> str:
    """The test database URL for ``kind``, or skip (fail under CI=true) when unset."""
    url = os.environ.get(ENV[kind])
    if not url:
        message = f"{ENV[kind]} is not set; run `bash .ci/run` or export {ENV[kind]}={EXAMPLE[kind]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


#: The document bridge of migrations 0002 to 0005, as the tests of their data moves write to it.
BRIDGE: TableClause = table(
    "cc_documents",
    column("tenant"),
    column("kind"),
    column("id"),
    column("version"),
    column("unique_key"),
    column("customer_id"),
    column("document"),
)
#: The last revision with the bridge table.
LAST_WITH_BRIDGE = "0005"


def back_to_head(engine: Engine) -> None:
    """Upgrade to head a database a migration test left lower, dropping the bridge rows it planted.

    Migration 0006 refuses to drop the bridge while it holds rows (they would be
    lost), so rows of kinds no migration moves must go first.
    """
    if current_revision(engine) == HEAD:
        return
    upgrade(engine, LAST_WITH_BRIDGE)
    with engine.begin() as conn:
        conn.execute(BRIDGE.delete())
    upgrade(engine)


def wipe(engine: Engine) -> None:
    """Delete every row of clientcare's tables."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_clientcare_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def server_engines() -> Iterator[dict[str, Engine]]:
    """Engines on the PostgreSQL and MariaDB test databases, migrated once, opened lazily."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def server_engine(kind: str, engines: dict[str, Engine]) -> Engine:
    """The migrated engine for ``kind`` (created on first use)."""
    if kind not in engines:
        engine = create_clientcare_engine(server_url(kind))
        upgrade(engine)
        engines[kind] = engine
    return engines[kind]


def sqlite_url(template: Path, directory: Path, name: str = "care.db") -> str:
    """A SQLite URL on a fresh copy of the migrated template."""
    target = directory / name
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def _fresh_url(kind: str, sqlite_template: Path, tmp_path: Path, server_engines: dict[str, Engine]) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return sqlite_url(sqlite_template, tmp_path)
    engine = server_engine(kind, server_engines)
    wipe(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path, server_engines: dict[str, Engine]
) -> str:
    """A URL of an empty, migrated database on each SQL backend."""
    return _fresh_url(request.param, sqlite_template, tmp_path, server_engines)


@pytest.fixture(params=["memory", *SQL_BACKENDS])
def any_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path, server_engines: dict[str, Engine]
) -> str:
    """``memory://`` and a URL of an empty, migrated database on each SQL backend."""
    return _fresh_url(request.param, sqlite_template, tmp_path, server_engines)


@pytest.fixture
def sql_engine(sql_url: str) -> Iterator[Engine]:
    """An engine on an empty, migrated database on each SQL backend."""
    engine = create_clientcare_engine(sql_url)
    yield engine
    engine.dispose()


def dialect_of(engine: Engine) -> str:
    """``sqlite``, ``postgresql`` or ``mysql``."""
    return engine.dialect.name


def scalar(engine: Engine, sql: str) -> object:
    """One value from a raw query."""
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


@attrs.define
class CountingIds:
    """The same ids for the same sequence of calls: both facades name everything alike."""

    n: int = 0

    def new_id(self) -> str:
        self.n += 1
        return f"{self.n:032x}"
