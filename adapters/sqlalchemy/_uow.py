"""The SQL backend and its unit of work."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import RootTransaction, make_url
from sqlalchemy.engine.base import NestedTransaction
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from clientcare.adapters.sqlalchemy._analytics import attach as attach_analytics
from clientcare.adapters.sqlalchemy._assessments import attach as attach_assessments
from clientcare.adapters.sqlalchemy._bulk_json import JSON_SQLITE, encode, joins_keys
from clientcare.adapters.sqlalchemy._cadences import attach_cadences
from clientcare.adapters.sqlalchemy._complaints import attach as attach_complaints
from clientcare.adapters.sqlalchemy._errors import translate, translated
from clientcare.adapters.sqlalchemy._loyalty import attach as attach_loyalty
from clientcare.adapters.sqlalchemy._notes import SqlNoteRepository
from clientcare.adapters.sqlalchemy._outbox import SqlOutbox
from clientcare.adapters.sqlalchemy._reactions import SqlReactions
from clientcare.adapters.sqlalchemy._repos import (
    SqlCustomerRepository,
    SqlPurchaseRepository,
)
from clientcare.errors import ConfigurationError
from clientcare.kernel import Aggregate
from clientcare.ports import UnitOfWork
from clientcare.purchases import ImportedPurchase

__all__ = ["SQLITE_BEGIN_OPTION", "SqlBackend", "SqlUnitOfWork", "create_clientcare_engine", "open_backend"]

#: How long a SQLite writer waits for another one before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Page cache per SQLite connection (KiB); the default 2 MB makes index upkeep of big imports read pages again.
SQLITE_CACHE_KIB = 32_768


#: The execution option that picks how a SQLite transaction begins: ``IMMEDIATE`` (units of
#: work), ``EXCLUSIVE`` (migrations), or a plain deferred ``BEGIN`` when unset.
SQLITE_BEGIN_OPTION = "clientcare_sqlite_begin"


#: SQLite engines that carry the recipe below: only they can hold clientcare's savepoints in a caller's transaction.
_SQLITE_CONFIGURED: weakref.WeakSet[Engine] = weakref.WeakSet()


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    """WAL, busy timeout, foreign keys, and transactions that take the write lock at BEGIN.

    pysqlite starts transactions lazily before the first write, so reads in a
    unit of work would not share one snapshot; the recipe from SQLAlchemy's
    documentation turns that off and emits BEGIN itself. Units of work begin
    ``IMMEDIATE`` (through :data:`SQLITE_BEGIN_OPTION`): a deferred transaction
    that read first cannot upgrade to a write once another writer committed
    (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out), while an
    immediate one waits its turn for the lock. Migrations begin ``EXCLUSIVE``.
    """

    _SQLITE_CONFIGURED.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION)
        connection.exec_driver_sql(f"BEGIN {mode}" if mode in ("IMMEDIATE", "EXCLUSIVE") else "BEGIN")


def create_clientcare_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url`` set up the way clientcare expects.

    SQLite files run in WAL mode with a busy timeout; ``sqlite://`` (memory)
    shares one connection. Statement parameters are hidden from error
    messages (they may be personal data). ``options`` go to ``create_engine``.
    """
    parsed = make_url(url)
    options.setdefault("hide_parameters", True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if in_memory:
            options.setdefault("poolclass", StaticPool)
            options.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine, wal=not in_memory)
        return quiet(engine)
    # A server may drop idle connections; check each one before a unit of work uses it.
    options.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(parsed, **options)
    except ImportError as exc:
        raise ConfigurationError(f"url: the {backend!r} driver is not installed ({exc.name})") from None
    return quiet(engine)


def quiet(engine: Engine) -> Engine:
    """``engine`` with statement parameters hidden from errors and logs, and no result rows logged.

    Applied to engines clientcare creates and to those an embedder hands in:
    rows are whole customer documents, and DEBUG logging on SQLAlchemy's
    loggers (as one does to debug SQL) would otherwise write them out.
    """
    engine.hide_parameters = True
    # SQLAlchemy logs result rows when its engine logger is at DEBUG; clientcare's rows are personal data.
    engine._should_log_debug = lambda: False  # type: ignore[method-assign]
    return engine


class SqlBackend:
    """clientcare on a SQL database, through SQLAlchemy Core.

    Give it an ``engine`` (each unit of work takes a connection and commits
    its own transaction) or a ``connection`` (units of work run inside the
    connection's current transaction as savepoints, or begin one if none is
    open; the caller commits the outer transaction). The tables must exist:
    see :func:`clientcare.adapters.sqlalchemy.upgrade`. ``unit_of_work_class``
    lets an extension add repositories (docs/sql.md, "Adding an aggregate").
    """

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        connection: Connection | None = None,
        owns_engine: bool = False,
        unit_of_work_class: type[SqlUnitOfWork] | None = None,
        joined: bool = False,
    ) -> None:
        if (engine is None) == (connection is None):
            raise ConfigurationError("backend: give exactly one of engine= or connection=")
        if joined and connection is None:
            raise ConfigurationError("backend: joined= needs connection=")
        self.unit_of_work_class = unit_of_work_class or SqlUnitOfWork
        #: Units of work only ever join the caller's open transaction: they never begin or commit one.
        self.joined = joined
        # Units of work open in each thread: a use case may read through another
        # unit inside its own, which must not wait for the outer one's write lock.
        self.open_units = threading.local()
        self.engine = engine
        self.connection = connection
        self._owns_engine = owns_engine

    @property
    def concurrent_import(self) -> bool:
        """Whether an import writes from a worker thread while the next batch is checked.

        Yes for database servers (the server works while Python checks rows)
        and for an SQLite file when the import writes each table with one
        statement (SQLite releases the GIL for a statement, not between the
        rows of an ``executemany``); not for an SQLite database held in one
        connection per thread or one for all (``:memory:``), nor on a caller's
        connection (which belongs to the caller's thread).
        """
        if self.engine is None:
            return False
        if self.dialect != "sqlite":
            return True
        return sqlite3.sqlite_version_info >= JSON_SQLITE and not isinstance(
            self.engine.pool, (SingletonThreadPool, StaticPool)
        )

    def encode_purchases(self, batch: Sequence[ImportedPurchase], *, currency: str) -> Sequence[ImportedPurchase]:
        """The import's batch with its rows built in the reading thread
        (:class:`clientcare.ports.PurchaseImportEncoder`); as it is where the fast path does not serve."""
        bind = self.engine if self.engine is not None else self.connection
        if bind is None or not joins_keys(bind.dialect):
            return batch
        return encode(batch, sqlite=bind.dialect.name == "sqlite")

    @property
    def dialect(self) -> str:
        """The dialect name: ``sqlite``, ``postgresql``, ``mysql`` or ``mariadb``."""
        bind = self.engine if self.engine is not None else self.connection
        return bind.dialect.name if bind is not None else ""

    def on_connection(self, connection: Connection) -> SqlBackend:
        """A backend whose units of work run as savepoints in ``connection``'s open transaction.

        What :meth:`clientcare.Clientcare.within` uses. Unlike ``SqlBackend(connection=…)``,
        it never begins a transaction of its own: a unit of work opened while the
        caller has none open is a ConfigurationError. The connection is the
        caller's to commit, roll back and close; the backend keeps this one's
        unit-of-work class.
        """
        if not isinstance(connection, Connection):
            raise ConfigurationError("connection: must be a SQLAlchemy Connection")
        quiet(connection.engine)
        if connection.dialect.name == "sqlite" and connection.engine not in _SQLITE_CONFIGURED:
            # pysqlite's own transaction handling breaks savepoints: without the recipe a
            # failed use case would undo the caller's writes too, or none of its own.
            raise ConfigurationError(
                "connection: an SQLite engine must come from create_clientcare_engine for savepoints to work"
            )
        return SqlBackend(connection=connection, unit_of_work_class=self.unit_of_work_class, joined=True)

    def unit_of_work(self, tenant: str) -> SqlUnitOfWork:
        """A fresh unit of work scoped to ``tenant``."""
        return self.unit_of_work_class(self, tenant)

    def close(self) -> None:
        """Dispose of the engine if this backend created it."""
        if self._owns_engine and self.engine is not None:
            self.engine.dispose()

    def __repr__(self) -> str:
        return f"SqlBackend(dialect={self.dialect!r})"


class SqlUnitOfWork(UnitOfWork):
    """One database transaction for one tenant.

    Writes go to the database at once, inside the transaction; versions of
    written aggregates are bumped on the objects only after the commit.
    """

    outbox: SqlOutbox
    reactions: SqlReactions

    def __init__(self, backend: SqlBackend, tenant: str) -> None:
        super().__init__()
        self._backend = backend
        self.tenant = tenant
        self._connection: Connection | None = None
        self._transaction: RootTransaction | NestedTransaction | None = None
        self._counted = False
        self.written: dict[tuple[str, str], Aggregate] = {}
        self._reset()

    def _reset(self) -> None:
        self.customers = SqlCustomerRepository(self)
        self.purchases = SqlPurchaseRepository(self)
        self.notes = SqlNoteRepository(self)
        self.outbox = SqlOutbox(self)
        self.reactions = SqlReactions(self)
        self.written = {}
        # Touches, appointments, sequences, wishes, recurring rules, sale credits (P20-P35).
        attach_cadences(self)
        # Tiers, membership, points, referrals, contracts (P10-P17, P33).
        attach_loyalty(self)
        # Complaints and standard answers (P40-P52); assessments, plans, surveys (P60-P62, P65).
        attach_complaints(self)
        attach_assessments(self)
        # Set-based analytics over the deal archive (P63-P66).
        attach_analytics(self)

    @property
    def connection(self) -> Connection:
        """The connection of the open transaction."""
        if self._connection is None:
            raise ConfigurationError("unit of work: use it inside a with block")
        return self._connection

    @property
    def dialect(self) -> str:
        """The database dialect name."""
        return self.connection.dialect.name

    def wrote(self, table: str, obj: Aggregate) -> None:
        """Remember that ``obj`` was written, so its version is bumped on commit."""
        self.written[(table, obj.id)] = obj

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A savepoint on PostgreSQL, where a failed statement spoils the transaction."""
        if self.dialect == "postgresql":
            with self.connection.begin_nested():
                yield
        else:
            with nullcontext():
                yield

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        except SQLAlchemyError as cleanup:
            # Rolling back on a lost connection fails too; the cause is what the caller needs.
            if exc is None:
                raise translate(cleanup) from None
        if isinstance(exc, SQLAlchemyError):
            raise translate(exc) from None

    def _begin(self) -> None:
        self._reset()
        backend = self._backend
        if backend.connection is not None:
            conn = backend.connection
            if backend.joined and (conn.closed or not conn.in_transaction()):
                raise ConfigurationError("connection: begin a transaction first; clientcare joins it, never begins it")
            self._connection = conn
            try:
                self._transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
            except DBAPIError as exc:
                self._connection = None
                raise translate(exc, "transaction") from None
        else:
            if backend.engine is None:
                raise ConfigurationError("backend: no engine")
            try:
                self._connection = backend.engine.connect()
            except SQLAlchemyError as exc:
                raise translate(exc) from None
            depth = getattr(backend.open_units, "depth", 0)
            if depth == 0:
                # The outermost unit takes the write lock at BEGIN; units opened inside it
                # only read (WAL readers never wait). Only engines made by
                # create_clientcare_engine read the option.
                self._connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            try:
                self._transaction = self._connection.begin()
            except DBAPIError as exc:
                self._connection.close()
                self._connection = None
                raise translate(exc, "transaction") from None
            backend.open_units.depth = depth + 1
            self._counted = True

    def _commit(self) -> None:
        if self._transaction is None:
            raise ConfigurationError("unit of work: commit outside a with block")
        with translated("transaction"):
            self._transaction.commit()
        for obj in self.written.values():
            obj.version += 1
        self.written = {}

    def rollback(self) -> None:
        """Undo everything not committed (a no-op after commit)."""
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        self.written = {}

    def redact_customer(
        self,
        customer_id: str,
        *,
        redact: Callable[[Aggregate], Aggregate],
        redact_payload: Callable[[Any], Any],
    ) -> int:
        """Erasure (P04): redact every document about the customer and the outbox messages naming her."""
        from clientcare.adapters.sqlalchemy._erasure import redact_customer  # noqa: PLC0415 - it imports _repos

        return redact_customer(self, customer_id, redact=redact, redact_payload=redact_payload)

    def _end(self) -> None:
        if self._counted:
            self._backend.open_units.depth -= 1
            self._counted = False
        if self._connection is not None and self._backend.connection is None:
            self._connection.close()
        self._connection = None
        self._transaction = None


def open_backend(
    url: str,
    *,
    engine: Engine | None = None,
    connection: Connection | None = None,
    upgrade: bool | None = None,
    migrate: str = "auto",
    **engine_options: Any,
) -> SqlBackend:
    """Entry point for ``sqlite``, ``postgresql``, ``mysql`` and ``mariadb`` URLs.

    With ``engine=`` or ``connection=`` the embedder's own database is used
    (``url`` then only chose the adapter) and tables are not created unless
    ``upgrade=True``; otherwise an engine is made from ``url`` and the schema
    is upgraded to the newest migration (under a lock) unless ``upgrade=False``.
    ``migrate="verify"`` only checks that the schema is at the newest
    migration (ConfigurationError if not); ``migrate="off"`` leaves it alone.
    """
    from clientcare.adapters.sqlalchemy._migrate import MIGRATE_MODES, ensure_head, verify_head  # noqa: PLC0415

    if migrate not in MIGRATE_MODES:
        raise ConfigurationError(f"migrate: must be one of {', '.join(MIGRATE_MODES)}")
    if engine is not None or connection is not None:
        quiet(engine if engine is not None else connection.engine)  # type: ignore[union-attr]
        backend = SqlBackend(engine, connection=connection)
        bind: Engine | Connection = connection if connection is not None else engine  # type: ignore[assignment]
        if migrate == "verify":
            verify_head(bind)
        elif migrate == "auto" and upgrade:
            ensure_head(bind)
        return backend
    own = create_clientcare_engine(url, **engine_options)
    try:
        if migrate == "verify":
            verify_head(own)
        elif migrate == "auto" and (upgrade is None or upgrade):
            ensure_head(own)
    except (OperationalError, InterfaceError):
        own.dispose()
        # The driver's text names host and user; the embedder knows the URL it gave.
        raise ConfigurationError("url: the database cannot be reached or refused the login") from None
    except BaseException:
        own.dispose()
        raise
    return SqlBackend(own, owns_engine=True)
