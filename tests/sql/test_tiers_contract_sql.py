"""The loyalty repository contract (tiers, membership, points, referrals, contracts) on the SQL backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.testing import LoyaltyContract

from .conftest import server_engine, sqlite_url, wipe


class TestSqliteLoyalty(LoyaltyContract):
    """The SQL adapter on a SQLite file honours the loyalty contract."""

    @pytest.fixture(autouse=True)
    def _database(self, sqlite_template: Path, tmp_path: Path) -> Iterator[None]:
        self._engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
        yield
        self._engine.dispose()

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


@pytest.mark.postgres
class TestPostgresLoyalty(LoyaltyContract):
    """The SQL adapter on PostgreSQL honours the loyalty contract."""

    @pytest.fixture(autouse=True)
    def _database(self, server_engines: dict[str, Engine]) -> None:
        self._engine = server_engine("postgresql", server_engines)
        wipe(self._engine)

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)


@pytest.mark.mariadb
class TestMariadbLoyalty(LoyaltyContract):
    """The SQL adapter on MariaDB honours the loyalty contract."""

    @pytest.fixture(autouse=True)
    def _database(self, server_engines: dict[str, Engine]) -> None:
        self._engine = server_engine("mariadb", server_engines)
        wipe(self._engine)

    def make_backend(self) -> SqlBackend:
        return SqlBackend(self._engine)
