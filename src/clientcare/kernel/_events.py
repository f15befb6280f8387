"""The base of every domain event.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["DomainEvent"]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: the tenant it belongs to and when it happened."""

    tenant: str
    occurred_at: datetime

    @property
    def name(self) -> str:
        """The event's type name, as stored in the outbox."""
        return type(self).__name__
