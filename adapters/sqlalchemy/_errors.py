"""Translate driver errors into clientcare errors, without their text.

Driver messages may quote the offending value (MariaDB's "Duplicate entry
'+8613800138000'"), which is personal data: the translation keeps only the
entity and the field and raises ``from None``. Every SQLAlchemy or driver
error that leaves a unit of work is translated (:func:`translate`): a lost
connection or a database busy past its timeout is a retryable
:class:`~clientcare.errors.StorageUnavailable`, a deadlock or serialization
failure a retryable :class:`~clientcare.errors.ConcurrencyConflict`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
    SQLAlchemyError,
)

from clientcare.errors import (
    ClientcareError,
    ConcurrencyConflict,
    DuplicateRecord,
    StorageUnavailable,
    ValidationError,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["driver_errors", "is_busy", "is_conflict", "translate", "translated"]

#: Constraint or column fragments in a unique violation, mapped to the field they guard.
_UNIQUE_FIELDS = (("phone", "phone"), ("receipt_id", "receipt_id"))

#: A stale snapshot that cannot be upgraded to a write (SQLITE_BUSY_SNAPSHOT), a MariaDB
#: deadlock, a PostgreSQL serialization failure or deadlock: two writers met on the same rows.
_SQLITE_CONFLICT = {517}
_MYSQL_CONFLICT = {1213}
_PG_CONFLICT = {"40001", "40P01"}
#: The database stayed busy past its timeout (SQLITE_BUSY, SQLITE_BUSY_RECOVERY; MariaDB lock
#: wait timeout): nobody's version moved, the storage just could not serve the call in time.
_SQLITE_BUSY = {5, 261}
_MYSQL_BUSY = {1205}


def _unique_field(error: IntegrityError) -> str:
    text = str(error.orig).lower()
    for fragment, field in _UNIQUE_FIELDS:
        if fragment in text:
            return field
    return "id"


def is_conflict(error: DBAPIError) -> bool:
    """Whether ``error`` means another transaction wrote the same rows (retry the use case)."""
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code in _SQLITE_CONFLICT
    if getattr(orig, "sqlstate", None) in _PG_CONFLICT:
        return True
    args: tuple[object, ...] = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_CONFLICT


def is_busy(error: DBAPIError) -> bool:
    """Whether ``error`` means the database stayed locked past its timeout (retry later)."""
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code in _SQLITE_BUSY
    args: tuple[object, ...] = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_BUSY


def translate(error: SQLAlchemyError, entity: str = "transaction") -> ClientcareError:
    """The clientcare error for a SQLAlchemy or driver error (its text, which may quote values, is dropped)."""
    if isinstance(error, IntegrityError):
        return DuplicateRecord(entity, _unique_field(error))
    if isinstance(error, DBAPIError) and is_conflict(error):
        return ConcurrencyConflict(entity)
    if isinstance(error, DBAPIError) and is_busy(error):
        return StorageUnavailable(entity, "database busy past its lock timeout")
    if isinstance(error, DataError):
        # The facade's checks keep values within every backend's columns; reaching here is a gap in them.
        return ValidationError(entity, "a value does not fit the database")
    unavailable = StorageUnavailable(entity, "connection lost")
    # PendingRollbackError: a statement after the connection was lost, inside the same transaction.
    lost = (OperationalError, InterfaceError, DisconnectionError, PendingRollbackError)
    if isinstance(error, lost) or getattr(error, "connection_invalidated", False):
        return unavailable
    # Anything else (a programming error, an unexpected schema) will not go away by retrying.
    unavailable = StorageUnavailable(entity, "unexpected storage error")
    unavailable.retryable = False
    return unavailable


@contextmanager
def driver_errors(connection: Connection) -> Iterator[None]:
    """Raise a driver's own error (from a raw cursor, as the bulk paths use) as SQLAlchemy's
    matching one, which :func:`translated` and the unit of work turn into clientcare errors."""
    dialect = connection.dialect
    base = dialect.loaded_dbapi.Error
    try:
        yield
    except base as exc:
        raise DBAPIError.instance(None, None, exc, base, dialect=dialect) from None


@contextmanager
def translated(entity: str, key: object = None) -> Iterator[None]:
    """Run a block, turning unique violations and lock conflicts into clientcare errors."""
    try:
        yield
    except IntegrityError as exc:
        field = _unique_field(exc)
        raise DuplicateRecord(entity, field) from None
    except DBAPIError as exc:
        if is_conflict(exc):
            raise ConcurrencyConflict(entity, key if key is not None else "?") from None
        if is_busy(exc):
            raise StorageUnavailable(entity, "database busy past its lock timeout") from None
        raise
