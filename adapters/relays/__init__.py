"""Relays: the outbox published to the embedder's bus as CloudEvents (docs/events.md).

:class:`OutboxRelay` takes one tenant's outbox messages oldest first, wraps
each in a versioned CloudEvents 1.0 envelope and hands them to a publisher:
:class:`RabbitMqPublisher` (``clientcare[rabbitmq]``, publisher confirms) or
:class:`RedisStreamPublisher` (``clientcare[redis]``, ``XADD``). A message
leaves the outbox only after the broker confirmed it, so a killed relay
resumes without loss (at least once; the envelope ``id`` is stable).

The publishers are imported on first use, so this package loads without
pika or redis installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clientcare.adapters.relays._envelope import CONTENT_TYPE, ENVELOPE_VERSION, envelope, envelope_json
from clientcare.adapters.relays._relay import OutboxRelay, Publisher

if TYPE_CHECKING:
    from clientcare.adapters.relays._rabbitmq import RabbitMqPublisher
    from clientcare.adapters.relays._redis import RedisStreamPublisher

__all__ = [
    "CONTENT_TYPE",
    "ENVELOPE_VERSION",
    "OutboxRelay",
    "Publisher",
    "RabbitMqPublisher",
    "RedisStreamPublisher",
    "envelope",
    "envelope_json",
]


def __getattr__(name: str) -> Any:
    # The drivers are optional extras: load them only when their publisher is asked for.
    if name == "RabbitMqPublisher":
        from clientcare.adapters.relays._rabbitmq import RabbitMqPublisher  # noqa: PLC0415

        return RabbitMqPublisher
    if name == "RedisStreamPublisher":
        from clientcare.adapters.relays._redis import RedisStreamPublisher  # noqa: PLC0415

        return RedisStreamPublisher
    raise AttributeError(name)
