"""The envelope every relayed event travels in: CloudEvents 1.0, structured JSON mode.

Version 1 of the envelope (``ENVELOPE_VERSION``) is::

    {
      "specversion": "1.0",
      "id": "<tenant>:<outbox message id>",
      "source": "clientcare/<tenant>",
      "type": "io.clientcare.<EventName>.v1",
      "time": "<when it happened, ISO 8601 with offset>",
      "subject": "<customer id, or absent for events about no one customer>",
      "datacontenttype": "application/json",
      "dataschema": "urn:clientcare:event:<EventName>:1",
      "data": { the event's fields, as in the outbox }
    }

``id`` is stable across redeliveries, so a consumer drops duplicates by it.
The schema of each ``data`` is in ``docs/events/`` (docs/events.md).
"""

from __future__ import annotations

import json
from typing import Any

from clientcare.ports import OutboxMessage

__all__ = ["CONTENT_TYPE", "ENVELOPE_VERSION", "envelope", "envelope_json"]

#: Bumped, with a new ``type`` suffix, whenever an envelope or payload changes incompatibly.
ENVELOPE_VERSION = 1
#: The media type of a structured-mode CloudEvent in JSON.
CONTENT_TYPE = "application/cloudevents+json"


def envelope(tenant: str, message: OutboxMessage) -> dict[str, Any]:
    """The CloudEvent of one outbox message of ``tenant``."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"{tenant}:{message.id}",
        "source": f"clientcare/{tenant}",
        "type": f"io.clientcare.{message.name}.v{ENVELOPE_VERSION}",
        "time": message.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "dataschema": f"urn:clientcare:event:{message.name}:{ENVELOPE_VERSION}",
        "data": message.payload,
    }
    customer = message.payload.get("customer_id")
    if isinstance(customer, str):
        event["subject"] = customer
    return event


def envelope_json(tenant: str, message: OutboxMessage) -> bytes:
    """The envelope as UTF-8 JSON bytes (Chinese text stays readable, not escaped)."""
    return json.dumps(envelope(tenant, message), ensure_ascii=False, separators=(",", ":")).encode()
