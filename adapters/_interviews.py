"""P27: a done lost-customer interview as the analytics port answers it (shared by the adapters)."""

from __future__ import annotations

from datetime import UTC, datetime

from clientcare.analytics import LostInterview
from clientcare.cadences import Touch

__all__ = ["interview_of"]


def interview_of(touch: Touch) -> LostInterview:
    """What a done lost-customer interview touch found: its outcome details."""
    return LostInterview(
        customer_id=touch.customer_id,
        at=touch.closed_at or datetime.min.replace(tzinfo=UTC),
        reason=touch.detail("reason") or "",
        competitor=touch.detail("competitor"),
        win_back=touch.detail("win_back") == "yes",
    )
