"""Redis Streams publisher (redis-py, ``XADD``): ``pip install clientcare[redis]``."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from clientcare.ports import OutboxMessage

__all__ = ["RedisStreamPublisher"]


class RedisStreamPublisher:
    """Appends each envelope to the stream ``stream`` as the field ``event``.

    One pipeline per batch, in order; it returns after Redis answered every
    ``XADD``, so the stream holds the batch before it leaves the outbox.
    ``maxlen`` trims the stream approximately when given. The URL's password
    never appears in the repr.
    """

    def __init__(self, url: str, *, stream: str, maxlen: int | None = None) -> None:
        self._client = redis.Redis.from_url(url)
        self._stream = stream
        self._maxlen = maxlen

    def publish(self, envelopes: Sequence[tuple[OutboxMessage, bytes]]) -> None:
        """XADD every envelope in one round trip; raises redis' error on failure."""
        pipeline = self._client.pipeline(transaction=False)
        for message, body in envelopes:
            pipeline.xadd(self._stream, {"event": body, "type": message.name}, maxlen=self._maxlen, approximate=True)
        pipeline.execute()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __repr__(self) -> str:
        return f"RedisStreamPublisher(stream={self._stream!r})"
