"""Every storage error is ours: codes, retryable flags, translated driver errors (issue 11, item 2)."""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

import clientcare
from clientcare import errors
from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine
from clientcare.errors import ClientcareError, ConfigurationError, StorageUnavailable
from tests.sql.conftest import server_engine

ALL_ERRORS = [
    kind
    for kind in (getattr(errors, name) for name in errors.__all__)
    if isinstance(kind, type) and issubclass(kind, errors.ClientcareError)
]


def test_every_error_class_has_its_own_stable_code_and_a_retryable_flag() -> None:
    """Each ClientcareError subclass names a distinct machine-readable code; only transient ones are retryable."""
    codes = [kind.code for kind in ALL_ERRORS]
    assert len(set(codes)) == len(codes)
    assert all(code.isidentifier() and code.islower() for code in codes)
    retryable = {kind.__name__ for kind in ALL_ERRORS if kind.retryable}
    assert retryable == {"ConcurrencyConflict", "StorageUnavailable"}


def test_not_found_does_not_echo_the_key_it_was_given(care: clientcare.Clientcare) -> None:
    """A lookup by a phone-like id fails without repeating the id."""
    with pytest.raises(errors.NotFound) as caught:
        care.customers.get("13800138000")
    assert "13800138000" not in str(caught.value) and "13800138000" not in repr(caught.value)
    assert caught.value.code == "not_found"


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://nobody@127.0.0.1:9/none", "mysql+pymysql://nobody@127.0.0.1:9/none"]
)
def test_an_unreachable_database_at_connect_is_a_configuration_error(url: str) -> None:
    """connect() on a database that cannot be reached raises ConfigurationError, not a driver error."""
    with pytest.raises(ConfigurationError) as caught:
        clientcare.connect(url, tenant="shop")
    assert "nobody" not in str(caught.value)


def test_a_missing_driver_at_connect_is_a_configuration_error() -> None:
    """A URL naming a driver that is not installed raises ConfigurationError."""
    with pytest.raises(ConfigurationError):
        clientcare.connect("mysql+mysqldb://root@127.0.0.1/none", tenant="shop")


def test_engines_handed_in_hide_parameters_and_log_no_rows(tmp_path: Path) -> None:
    """An embedder's engine gets hide_parameters and no result-row logging when clientcare uses it."""
    engine = create_engine(f"sqlite:///{tmp_path / 'own.db'}")
    assert engine.hide_parameters is False
    clientcare.connect("sqlite://", tenant="shop", engine=engine, upgrade=True).close()
    assert engine.hide_parameters is True
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    try:
        assert engine._should_log_debug() is False
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def test_server_engines_check_connections_before_use() -> None:
    """clientcare's engines on PostgreSQL and MariaDB ping a pooled connection before using it."""
    for url in ("postgresql+psycopg://u@127.0.0.1:9/x", "mysql+pymysql://u@127.0.0.1:9/x"):
        engine = create_clientcare_engine(url)
        assert engine.pool._pre_ping is True
        engine.dispose()


KILL_SELF = {
    "postgresql": "SELECT pg_terminate_backend(pg_backend_pid())",
    "mariadb": "KILL CONNECTION_ID()",
}


@pytest.mark.parametrize(
    "kind",
    [pytest.param("postgresql", marks=pytest.mark.postgres), pytest.param("mariadb", marks=pytest.mark.mariadb)],
)
def test_a_connection_lost_mid_transaction_is_a_retryable_storage_unavailable(
    kind: str, server_engines: dict[str, Engine]
) -> None:
    """A connection killed inside a unit of work surfaces as StorageUnavailable(retryable=True)."""
    engine = create_clientcare_engine(server_engine(kind, server_engines).url.render_as_string(hide_password=False))
    backend = SqlBackend(engine, owns_engine=True)
    tenant = f"lost-{uuid.uuid4().hex[:8]}"  # a tenant of its own: the shared database keeps other tests' rows
    with pytest.raises(StorageUnavailable) as caught, backend.unit_of_work(tenant) as uow:
        with contextlib.suppress(Exception):
            uow.connection.execute(text(KILL_SELF[kind]))
        uow.customers.by_phone("+8613800138000")
    assert caught.value.retryable is True
    assert isinstance(caught.value, ClientcareError)
    # The pool's pre-ping replaces the dead connection: the next unit works.
    with backend.unit_of_work(tenant) as uow:
        assert uow.customers.by_phone("+8613800138000") is None
    backend.close()
