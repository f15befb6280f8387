"""Ids for new aggregates: the generator in force, and the default random one.

Aggregates call :func:`new_id` in their named constructors; which generator
answers is decided by whoever runs the use case (the facade's context puts
its :class:`~clientcare.kernel.IdGenerator` in force for every call into an
area and every unit of work), so domain code never needs it handed down.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from clientcare.kernel._ports import IdGenerator

__all__ = ["RandomIds", "bulk_id", "ids_in_force", "new_id"]

# A ContextVar, not a global: each thread (an import's writer) and each asyncio
# task sees the generator of the facade whose use case it runs.
_in_force: ContextVar[IdGenerator | None] = ContextVar("clientcare_ids", default=None)


class RandomIds:
    """The default :class:`~clientcare.kernel.IdGenerator`: 32 hex digits of a random uuid4."""

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
    """A fresh id from the generator in force; outside any, 32 random hex digits (a uuid4)."""
    ids = _in_force.get()
    return uuid.uuid4().hex if ids is None else ids.new_id()


def bulk_id() -> str:
    """An id for one row of a bulk load, as :func:`new_id` gives it.

    When the random default is in force the id is drawn straight from
    ``os.urandom``: also 32 random hex digits, at a quarter of a uuid4's
    cost, which counts at millions of rows a night.
    """
    ids = _in_force.get()
    if ids is None or type(ids) is RandomIds:
        return os.urandom(16).hex()
    return ids.new_id()
