"""Clock adapters: the system clock and a settable clock for tests and demos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clientcare.errors import ValidationError

__all__ = ["FixedClock", "SystemClock"]


class SystemClock:
    """The machine's clock, in UTC (convert with the tenant's time zone)."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until moved: for tests, demos and replays."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValidationError("moment", "must be timezone-aware")
        self._moment = moment

    def now(self) -> datetime:
        """The moment the clock was set to."""
        return self._moment

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``."""
        if moment.tzinfo is None:
            raise ValidationError("moment", "must be timezone-aware")
        self._moment = moment

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` and return the new moment."""
        self._moment = self._moment + timedelta(**delta)
        return self._moment

    def __repr__(self) -> str:
        return f"FixedClock({self._moment.isoformat()})"
