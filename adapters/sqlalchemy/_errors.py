"""Translate driver errors into clientcare errors, without their text.

Driver messages may quote the offending value (MariaDB's "Duplicate entry
'+8613800138000'"), which is personal data: the translation keeps only the
entity and the field and raises ``from None``. Every SQLAlchemy or driver
error that leaves a unit of work is translated (:func:`translate`): a lost
connection is a retryable :class:`~clientcare.errors.StorageUnavailable`, a
deadlock or serialization failure a retryable
:class:`~clientcare.errors.ConcurrencyConflict`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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

__all__ = ["is_conflict", "translate", "translated"]

#: Constraint or column fragments in a unique violation, mapped to the field they guard.
_UNIQUE_FIELDS = (("phone", "phone"), ("receipt_id", "receipt_id"))

#: SQLite busy codes (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT), MariaDB lock wait / deadlock,
#: PostgreSQL serialization failure / deadlock.
_SQLITE_BUSY = {5, 261, 517}
_MYSQL_CONFLICT = {1205, 1213}
_PG_CONFLICT = {"40001", "40P01"}


def _unique_field(error: IntegrityError) -> str:
    text = str(error.orig).lower()
    for fragment, field in _UNIQUE_FIELDS:
        if fragment in text:
            return field
    return "id"


def is_conflict(error: DBAPIError) -> bool:
    """Whether ``error`` means another transaction got in the way (retry the use case)."""
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code in _SQLITE_BUSY
    if getattr(orig, "sqlstate", None) in _PG_CONFLICT:
        return True
    args: tuple[object, ...] = getattr(orig, "args", ())
    return bool(args) and args[0] in _MYSQL_CONFLICT


def translate(error: SQLAlchemyError, entity: str = "transaction") -> ClientcareError:
    """The clientcare error for a SQLAlchemy or driver error (its text, which may quote values, is dropped)."""
    if isinstance(error, IntegrityError):
        return DuplicateRecord(entity, _unique_field(error))
    if isinstance(error, DBAPIError) and is_conflict(error):
        return ConcurrencyConflict(entity)
    if isinstance(error, DataError):
        # The facade's checks keep values within every backend's columns; reaching here is a gap in them.
        return ValidationError(entity, "a value does not fit the database")
    unavailable = StorageUnavailable(entity)
    # PendingRollbackError: a statement after the connection was lost, inside the same transaction.
    lost = (OperationalError, InterfaceError, DisconnectionError, PendingRollbackError)
    if isinstance(error, lost) or getattr(error, "connection_invalidated", False):
        return unavailable
    # Anything else (a programming error, an unexpected schema) will not go away by retrying.
    unavailable.retryable = False
    return unavailable


@contextmanager
def translated(entity: str, key: object = None) -> Iterator[None]:
    """Run a block, turning unique violations and lock conflicts into clientcare errors."""
    try:
        yield
    except IntegrityError as exc:
        field = _unique_field(exc)
        raise DuplicateRecord(entity, field) from None
    except OperationalError as exc:
        if is_conflict(exc):
            raise ConcurrencyConflict(entity, key if key is not None else "?") from None
        raise
    except DBAPIError as exc:
        if is_conflict(exc):
            raise ConcurrencyConflict(entity, key if key is not None else "?") from None
        raise
