"""The outbox relayed to RabbitMQ and Redis Streams as CloudEvents (issue 12, item 6), against the real servers.

Queue and stream names carry a random suffix: other people share the servers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pika
import pytest
import redis

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.relays import OutboxRelay, Publisher, RabbitMqPublisher, RedisStreamPublisher, envelope

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
ENV = {"rabbitmq": "CLIENTCARE_TEST_RABBITMQ_URL", "redis": "CLIENTCARE_TEST_REDIS_URL"}
EXAMPLE = {"rabbitmq": "amqp://guest:guest@127.0.0.1:5672/", "redis": "redis://127.0.0.1:6379/0"}
WORKER = Path(__file__).with_name("relay_worker.py")


def bus_url(kind: str) -> str:
    """The server URL for ``kind``, or skip (fail under CI=true) when unset."""
    url = os.environ.get(ENV[kind])
    if not url:
        message = f"{ENV[kind]} is not set; run `bash .ci/run` or export {ENV[kind]}={EXAMPLE[kind]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


class Bus:
    """One queue or stream of a test: a publisher for it, and everything on it, in order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.url = bus_url(kind)
        self.target = f"cc-test-{uuid.uuid4().hex[:12]}"
        self.publisher: RabbitMqPublisher | RedisStreamPublisher
        if kind == "rabbitmq":
            self._connection = pika.BlockingConnection(pika.URLParameters(self.url))
            self._channel = self._connection.channel()
            self._channel.queue_declare(self.target, auto_delete=False)
            self.publisher = RabbitMqPublisher(self.url, routing_key=self.target)
        else:
            self._redis = redis.Redis.from_url(self.url)
            self.publisher = RedisStreamPublisher(self.url, stream=self.target)

    def received(self) -> list[dict[str, Any]]:
        """Every envelope on the queue or stream, oldest first (the queue is emptied)."""
        bodies: list[bytes] = []
        if self.kind == "rabbitmq":
            while True:
                _method, _props, body = self._channel.basic_get(self.target, auto_ack=True)
                if body is None:
                    break
                bodies.append(body)
        else:
            bodies = [fields[b"event"] for _id, fields in self._redis.xrange(self.target)]
        return [json.loads(body) for body in bodies]

    def close(self) -> None:
        self.publisher.close()
        if self.kind == "rabbitmq":
            self._channel.queue_delete(self.target)
            self._connection.close()
        else:
            self._redis.delete(self.target)
            self._redis.close()


@pytest.fixture(params=["rabbitmq", "redis"])
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    """A fresh RabbitMQ queue or Redis stream, removed afterwards."""
    made = Bus(request.param)
    yield made
    made.close()


def _busy_tenant(url: str, customers: int) -> clientcare.Clientcare:
    """A tenant whose outbox holds several events per customer (registration, consent, note)."""
    care = clientcare.connect(url, tenant=f"relay-{uuid.uuid4().hex[:6]}", clock=FixedClock(T0))
    for n in range(customers):
        customer = care.customers.register(f"顾客{n}", f"138002{n:05d}", by="staff")
        care.privacy.give_consent(customer.id, "service", "sms", method="verbal", source="in_store")
        care.notebook.write(customer.id, "喜欢丝绸", author="staff")
    return care


def _in_order_per_customer(received: list[dict[str, Any]]) -> None:
    """Per subject, envelopes (first deliveries) come in outbox order."""
    first_seen: dict[str, list[int]] = {}
    seen: set[str] = set()
    for event in received:
        if event["id"] in seen:
            continue
        seen.add(event["id"])
        first_seen.setdefault(event.get("subject", ""), []).append(int(event["id"].rsplit(":", 1)[1]))
    for numbers in first_seen.values():
        assert numbers == sorted(numbers)


def test_every_outbox_event_arrives_once_as_a_cloudevent_and_leaves_the_outbox(bus: Bus, tmp_path: Path) -> None:
    """A drained relay publishes each pending event in its envelope, in order, and empties the outbox."""
    care = _busy_tenant(f"sqlite:///{tmp_path / 'care.db'}", customers=4)
    pending = care.events.pending(limit=1000)
    relay = OutboxRelay(care.backend, care.tenant, bus.publisher)
    assert relay.drain(limit=5) == len(pending)
    assert care.events.pending() == []
    received = bus.received()
    assert received == [json.loads(json.dumps(envelope(care.tenant, m), ensure_ascii=False)) for m in pending]
    first = received[0]
    assert first["specversion"] == "1.0" and first["type"] == "io.clientcare.CustomerRegistered.v1"
    assert first["source"] == f"clientcare/{care.tenant}" and first["subject"] == first["data"]["customer_id"]
    assert "顾客" not in json.dumps(received, ensure_ascii=False)  # no personal data on the bus
    _in_order_per_customer(received)


def test_a_relay_killed_half_way_resumes_without_loss(bus: Bus, tmp_path: Path) -> None:
    """SIGKILL mid-relay, then a new relay: every event arrives (duplicates allowed, same id), in order per customer."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    care = _busy_tenant(url, customers=8)
    expected = {f"{care.tenant}:{m.id}" for m in care.events.pending(limit=1000)}
    # The restarted relay keeps the killed one's name, so it resumes at once instead of waiting out its lease.
    args = [sys.executable, str(WORKER), bus.kind, bus.url, bus.target, url, care.tenant, "relay-1"]
    worker = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while len(care.events.pending(limit=1000)) > len(expected) // 2:  # half-way
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        assert time.time() < deadline, "the relay process made no progress"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert care.events.pending(limit=1000) != []  # it really stopped half-way
    OutboxRelay(care.backend, care.tenant, bus.publisher, holder="relay-1").drain()
    received = bus.received()
    assert {event["id"] for event in received} == expected
    _in_order_per_customer(received)


class Refusing:
    """A bus that is down."""

    def publish(self, envelopes: object) -> None:
        raise ConnectionError("bus down")


def test_an_unconfirmed_batch_stays_in_the_outbox(tmp_path: Path) -> None:
    """When the publisher raises, nothing leaves the outbox."""
    care = _busy_tenant("memory://", customers=1)
    before = care.events.pending()
    refusing: Publisher = Refusing()
    with pytest.raises(ConnectionError):
        OutboxRelay(care.backend, care.tenant, refusing).run_once()
    assert care.events.pending() == before


def test_publishers_keep_passwords_out_of_their_repr() -> None:
    """A publisher's repr names host and target, never the URL's password."""
    rabbit = RabbitMqPublisher("amqp://guest:s3cret@127.0.0.1:5672/", routing_key="q")
    stream = RedisStreamPublisher("redis://:s3cret@127.0.0.1:6379/0", stream="s")
    assert "s3cret" not in repr(rabbit) + repr(stream)
