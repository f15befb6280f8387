"""Every repository contract of clientcare.testing on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.testing import (
    AnalyticsContract,
    AssessmentsContract,
    BackendContract,
    ComplaintRepositoryContract,
    CustomerPagingContract,
    LoyaltyContract,
    TouchesContract,
    UnitOfWorkContract,
)

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


class TestSqliteBackend(_OnSqlite, BackendContract):
    """The customers, purchases, notes and the outbox on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresBackend(_OnServer, BackendContract):
    """The customers, purchases, notes and the outbox on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbBackend(_OnServer, BackendContract):
    """The customers, purchases, notes and the outbox on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteCustomerPaging(_OnSqlite, CustomerPagingContract):
    """Customer pages on SQLite: (name, id) by code point, keyset resumption."""


@pytest.mark.postgres
class TestPostgresCustomerPaging(_OnServer, CustomerPagingContract):
    """Customer pages on PostgreSQL: code point order whatever the database collation."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbCustomerPaging(_OnServer, CustomerPagingContract):
    """Customer pages on MariaDB: binary collation gives code point order."""

    kind = "mariadb"


class TestSqliteLoyalty(_OnSqlite, LoyaltyContract):
    """The tiers, membership, points, referrals and contracts on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresLoyalty(_OnServer, LoyaltyContract):
    """The tiers, membership, points, referrals and contracts on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbLoyalty(_OnServer, LoyaltyContract):
    """The tiers, membership, points, referrals and contracts on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteTouches(_OnSqlite, TouchesContract):
    """The touches, appointments, follow-ups, wishes, rules and credits on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresTouches(_OnServer, TouchesContract):
    """The touches, appointments, follow-ups, wishes, rules and credits on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbTouches(_OnServer, TouchesContract):
    """The touches, appointments, follow-ups, wishes, rules and credits on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteComplaints(_OnSqlite, ComplaintRepositoryContract):
    """The complaints and standard answers on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresComplaints(_OnServer, ComplaintRepositoryContract):
    """The complaints and standard answers on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbComplaints(_OnServer, ComplaintRepositoryContract):
    """The complaints and standard answers on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteAssessments(_OnSqlite, AssessmentsContract):
    """The assessments, plans and survey answers on SQLite honour the contract."""


@pytest.mark.postgres
class TestPostgresAssessments(_OnServer, AssessmentsContract):
    """The assessments, plans and survey answers on PostgreSQL honour the contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbAssessments(_OnServer, AssessmentsContract):
    """The assessments, plans and survey answers on MariaDB honour the contract."""

    kind = "mariadb"


class TestSqliteUnitOfWork(_OnSqlite, UnitOfWorkContract):
    """The unit of work on SQLite honours the unit-of-work contract."""


@pytest.mark.postgres
class TestPostgresUnitOfWork(_OnServer, UnitOfWorkContract):
    """The unit of work on PostgreSQL honours the unit-of-work contract."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbUnitOfWork(_OnServer, UnitOfWorkContract):
    """The unit of work on MariaDB honours the unit-of-work contract."""

    kind = "mariadb"


class TestSqliteAnalytics(_OnSqlite, AnalyticsContract):
    """The analytics port on SQLite equals the reference."""


@pytest.mark.postgres
class TestPostgresAnalytics(_OnServer, AnalyticsContract):
    """The analytics port on PostgreSQL equals the reference."""

    kind = "postgresql"


@pytest.mark.mariadb
class TestMariadbAnalytics(_OnServer, AnalyticsContract):
    """The analytics port on MariaDB equals the reference."""

    kind = "mariadb"
