"""Ids for new aggregates: the generator in force, and the default time-ordered one.

Aggregates call :func:`new_id` in their named constructors; which generator
answers is decided by whoever runs the use case (the facade's context puts
its :class:`~clientcare.kernel.IdGenerator` in force for every call into an
area and every unit of work), so domain code never needs it handed down.

The default is a UUIDv7 (RFC 9562) written as 32 hex digits, the same shape
as the uuid4 ids of earlier versions, so stored rows keep theirs and every
id column fits. Its first 48 bits are the Unix time in milliseconds and the
generator is monotonic within a process (``uuid-utils``, the Rust ``uuid``
crate's counter), so new rows land at the right-hand end of every index
keyed by id instead of at random pages: a million-row import touches the
B-tree pages it has just written, not the whole index.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import uuid_utils

from clientcare.kernel._ports import IdGenerator

__all__ = ["RandomIds", "TimeOrderedIds", "bulk_id", "bulk_id_maker", "ids_in_force", "new_id", "time_ordered_id"]

# A ContextVar, not a global: each thread (an import's writer) and each asyncio
# task sees the generator of the facade whose use case it runs.
_in_force: ContextVar[IdGenerator | None] = ContextVar("clientcare_ids", default=None)

_uuid7 = uuid_utils.uuid7


def time_ordered_id() -> str:
    """32 hex digits of a fresh UUIDv7: later calls sort after earlier ones, also within a millisecond."""
    return _uuid7().hex


class TimeOrderedIds:
    """The default :class:`~clientcare.kernel.IdGenerator`: UUIDv7 as 32 hex digits.

    Ids sort in the order they were made (time first, then a counter within
    the millisecond); the last 62 bits are random, so ids stay unguessable
    and parts of an aggregate may take the last 12 characters.
    """

    def new_id(self) -> str:
        """A fresh time-ordered id."""
        return _uuid7().hex

    def __repr__(self) -> str:
        return "TimeOrderedIds()"


class RandomIds:
    """32 hex digits of a random uuid4: the default before time-ordered ids, kept for who wants it.

    Random ids spread new rows over the whole of every index keyed by id,
    which costs bulk imports dearly; pass it (``ids=RandomIds()``) only when
    ids must not reveal when they were made.
    """

    def new_id(self) -> str:
        """A fresh random id."""
        return uuid.uuid4().hex

    def __repr__(self) -> str:
        return "RandomIds()"


@contextmanager
def ids_in_force(ids: IdGenerator) -> Iterator[None]:
    """Make ``ids`` the source of :func:`new_id` in this thread or task until the block ends."""
    token = _in_force.set(ids)
    try:
        yield
    finally:
        _in_force.reset(token)


def new_id() -> str:
    """A fresh id from the generator in force; outside any, a time-ordered one (UUIDv7 hex)."""
    ids = _in_force.get()
    return _uuid7().hex if ids is None else ids.new_id()


def bulk_id() -> str:
    """An id for one row of a bulk load, as :func:`new_id` gives it.

    With the default generator in force the UUIDv7 is made straight away,
    without the method call: it counts at millions of rows a night.
    """
    ids = _in_force.get()
    if ids is None or type(ids) is TimeOrderedIds:
        return _uuid7().hex
    return ids.new_id()


def bulk_id_maker() -> Callable[[], str]:
    """What :func:`bulk_id` calls, looked up once for a whole bulk load.

    The generator in force cannot change in the middle of one import, so a
    loop over a million rows asks the context once instead of once a row.
    """
    ids = _in_force.get()
    if ids is None or type(ids) is TimeOrderedIds:
        return time_ordered_id
    return ids.new_id
