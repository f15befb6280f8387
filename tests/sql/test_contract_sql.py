"""The repository contract suite on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.testing import BackendContract

from .conftest import server_engine, sqlite_url, wipe


class TestSqliteBackend(BackendContract):
    """The SQL adapter on a SQLite file honours the repository contract."""

    @pytest.fixture(autouse=True)
    def _database(self, sqlite_template: Path, tmp_path: Path) -> Iterator[None]:
        self._engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
        yield
        self._engine.dispose()

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


@pytest.mark.postgres
class TestPostgresBackend(BackendContract):
    """The SQL adapter on PostgreSQL honours the repository contract."""

    @pytest.fixture(autouse=True)
    def _database(self, server_engines: dict[str, Engine]) -> None:
        self._engine = server_engine("postgresql", server_engines)
        wipe(self._engine)

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


@pytest.mark.mariadb
class TestMariadbBackend(BackendContract):
    """The SQL adapter on MariaDB honours the repository contract."""

    @pytest.fixture(autouse=True)
    def _database(self, server_engines: dict[str, Engine]) -> None:
        self._engine = server_engine("mariadb", server_engines)
        wipe(self._engine)

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)
