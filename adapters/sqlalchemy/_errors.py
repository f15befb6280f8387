"""Translate driver errors into clientcare errors, without their text.

Driver messages may quote the offending value (MariaDB's "Duplicate entry
'+8613800138000'"), which is personal data: the translation keeps only the
entity and the field and raises ``from None``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError

from clientcare.errors import ConcurrencyConflict, DuplicateRecord, StorageUnavailable

__all__ = ["is_busy", "is_conflict", "translated"]

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
