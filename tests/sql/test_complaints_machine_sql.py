"""The model-checked complaint machine (tests/test_complaints_machine.py) on SQLite, PostgreSQL and MariaDB.

Each example gets a tenant of its own on one database per backend, so no
example sees another's rows and nothing is wiped between examples.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from test_complaints_machine import ComplaintMachine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade

from .conftest import server_url

_engines: dict[str, Engine] = {}
_directory: dict[str, Any] = {}


def _engine(kind: str) -> Engine:
    """One migrated engine per backend for the whole module (a temporary SQLite file)."""
    if kind not in _engines:
        if kind == "sqlite":
            # Removed when the interpreter exits (the TemporaryDirectory's finaliser).
            _directory["sqlite"] = tempfile.TemporaryDirectory(prefix="cc-complaint-machine-")
            url = f"sqlite:///{Path(_directory['sqlite'].name) / 'care.db'}"
        else:
            url = server_url(kind)
        engine = create_clientcare_engine(url)
        upgrade(engine)
        _engines[kind] = engine
    return _engines[kind]


@pytest.fixture(scope="module", autouse=True)
def _dispose_engines() -> Any:
    """Close the module's engines after its tests."""
    yield
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


class _SqlComplaintMachine(ComplaintMachine):
    """The complaint machine on one SQL backend, a fresh tenant per example."""

    kind: ClassVar[str] = "sqlite"

    def make_care(self, clock: FixedClock) -> clientcare.Clientcare:
        return clientcare.Clientcare(SqlBackend(_engine(self.kind)), f"machine-{uuid.uuid4().hex}", clock=clock)


class _PostgresComplaintMachine(_SqlComplaintMachine):
    kind = "postgresql"


class _MariadbComplaintMachine(_SqlComplaintMachine):
    kind = "mariadb"


# Fewer steps than on memory: every step may walk the procedure, a dozen commands on the database.
_SqlComplaintMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
)
_server_settings = settings(
    max_examples=5, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
)
_PostgresComplaintMachine.TestCase.settings = _server_settings
_MariadbComplaintMachine.TestCase.settings = _server_settings

TestSqliteComplaintMachine = _SqlComplaintMachine.TestCase
TestPostgresComplaintMachine = pytest.mark.postgres(_PostgresComplaintMachine.TestCase)
TestMariadbComplaintMachine = pytest.mark.mariadb(_MariadbComplaintMachine.TestCase)
