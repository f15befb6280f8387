"""The complaint and assessment repository contracts on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.testing import AssessmentsContract, ComplaintRepositoryContract

from .conftest import server_engine, sqlite_url, wipe


class _OnSqlite:
    """A fresh SQLite file per test."""

    @pytest.fixture(autouse=True)
    def _database(self, sqlite_template: Path, tmp_path: Path) -> Iterator[None]:
        self._engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
        yield
        self._engine.dispose()

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


class _OnServer:
    """The session's PostgreSQL or MariaDB test database, wiped per test."""

    kind = ""

    @pytest.fixture(autouse=True)
    def _database(self, server_engines: dict[str, Engine]) -> None:
        self._engine = server_engine(self.kind, server_engines)
        wipe(self._engine)

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


class TestSqliteComplaints(_OnSqlite, ComplaintRepositoryContract):
    """Complaints and standard answers on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresComplaints(_OnServer, ComplaintRepositoryContract):
    """Complaints and standard answers on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbComplaints(_OnServer, ComplaintRepositoryContract):
    """Complaints and standard answers on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteAssessments(_OnSqlite, AssessmentsContract):
    """Assessments, plans and survey answers on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresAssessments(_OnServer, AssessmentsContract):
    """Assessments, plans and survey answers on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbAssessments(_OnServer, AssessmentsContract):
    """Assessments, plans and survey answers on MariaDB honour the contract."""

    kind = "mariadb"
