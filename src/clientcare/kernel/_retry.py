"""Run a use case again when it failed for a reason that may pass (a busy database, a version conflict)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from clientcare.errors import ValidationError

__all__ = ["retrying"]

T = TypeVar("T")


def retrying(
    fn: Callable[[], T],
    *,
    attempts: int = 5,
    base_delay: float = 0.05,
    max_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Call ``fn()`` up to ``attempts`` times while it raises a retryable error.

    Retryable means an exception whose ``retryable`` attribute is true
    (:class:`~clientcare.errors.ConcurrencyConflict`,
    :class:`~clientcare.errors.StorageUnavailable`); anything else is raised
    at once. Between tries it sleeps ``base_delay × 2ⁿ`` (at most
    ``max_delay``) scaled by a random factor in ``[0.5, 1)``, so writers that
    collided do not collide again in step. The last error is raised when
    every attempt failed. ``fn`` must be a whole use case (one facade call):
    each attempt reads afresh.
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ValidationError("attempts", "must be a whole number of at least 1")
    if base_delay < 0 or max_delay < 0:
        raise ValidationError("base_delay", "delays must not be negative")
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:
            if not getattr(exc, "retryable", False) or attempt == attempts - 1:
                raise
            delay = min(max_delay, base_delay * 2**attempt)
            # Full-range jitter would allow near-zero waits; half-to-full keeps the backoff real.
            sleep(delay * (0.5 + jitter() / 2))
    raise ValidationError("attempts", "must be a whole number of at least 1")
