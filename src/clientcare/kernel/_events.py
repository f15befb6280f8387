"""The base of every domain event.

Events carry identifiers, codes and figures, never personal data.
"""

from __future__ import annotations

import re
from datetime import datetime

import attrs

__all__ = ["DomainEvent", "reason_code"]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: the tenant it belongs to and when it happened."""

    tenant: str
    occurred_at: datetime

    @property
    def name(self) -> str:
        """The event's type name, as stored in the outbox."""
        return type(self).__name__


_CODE = re.compile(r"[a-z][a-z0-9_:-]{0,39}")


def reason_code(text: str, *, typed: str = "by_staff") -> str:
    """``text`` if it is one of clientcare's reason codes (``no_answer``, ``purchase``), else ``typed``.

    Events go to the outbox and to other systems: a reason staff typed is free
    text that may be about the customer, so it stays on the aggregate and the
    event says only that staff gave one.
    """
    return text if _CODE.fullmatch(text) else typed
