"""Shared unit-test fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at Monday 5 January 2026, 10:00 in Shanghai."""
    return FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))


@pytest.fixture
def care(clock: FixedClock) -> Iterator[clientcare.Clientcare]:
    """An in-memory facade for tenant "shop"."""
    with clientcare.connect("memory://", tenant="shop", clock=clock) as facade:
        yield facade
