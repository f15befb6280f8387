"""RabbitMQ publisher (pika, publisher confirms): ``pip install clientcare[rabbitmq]``."""

from __future__ import annotations

from collections.abc import Sequence

import pika
from pika.adapters.blocking_connection import BlockingChannel

from clientcare.adapters.relays._envelope import CONTENT_TYPE
from clientcare.ports import OutboxMessage

__all__ = ["RabbitMqPublisher"]


class RabbitMqPublisher:
    """Publishes envelopes to ``exchange`` with publisher confirms, persistent.

    The routing key is ``routing_key`` when given, else the event name
    (``TouchCompleted``), so a topic exchange can route by type. The channel
    is in confirm mode: each publish returns once the broker has the message
    (``mandatory`` also refuses a message no queue takes), so a message is
    taken off the outbox only when RabbitMQ holds it. The URL's password
    never appears in the repr.
    """

    def __init__(self, url: str, *, exchange: str = "", routing_key: str | None = None) -> None:
        self._parameters = pika.URLParameters(url)
        self._exchange = exchange
        self._routing_key = routing_key
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _open(self) -> BlockingChannel:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = pika.BlockingConnection(self._parameters)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
        return self._channel

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        """Publish in order; raises (pika's error) when the broker refuses or the link drops."""
        channel = self._open()
        for message, body in envelopes:
            channel.basic_publish(
                exchange=self._exchange,
                routing_key=self._routing_key or message.name,
                body=body,
                properties=pika.BasicProperties(
                    content_type=CONTENT_TYPE, delivery_mode=pika.DeliveryMode.Persistent, type=message.name
                ),
                mandatory=True,
            )

    def close(self) -> None:
        """Close the connection (a later publish opens a new one)."""
        if self._connection is not None and self._connection.is_open:
            self._connection.close()
        self._connection = self._channel = None

    def __repr__(self) -> str:
        host = f"{self._parameters.host}:{self._parameters.port}"
        return f"RabbitMqPublisher(host={host!r}, exchange={self._exchange!r})"
