"""A relay process for the kill test: relays a SQLite outbox in small batches until killed.

Run as ``python relay_worker.py rabbitmq|redis BUS_URL TARGET DB_URL TENANT [HOLDER LEASE_SECONDS]``
(several of them relay one outbox at once, each under its own lease holder name).
"""

from __future__ import annotations

import sys
import time

from clientcare.adapters.relays import OutboxRelay, Publisher, RabbitMqPublisher, RedisStreamPublisher
from clientcare.adapters.sqlalchemy import open_backend


def main(kind: str, bus_url: str, target: str, db_url: str, tenant: str, holder: str = "", lease: str = "30") -> None:
    """Relay two messages at a time, slowly, so the test kills it half-way."""
    publisher: Publisher
    if kind == "rabbitmq":
        publisher = RabbitMqPublisher(bus_url, routing_key=target)
    else:
        publisher = RedisStreamPublisher(bus_url, stream=target)
    relay = OutboxRelay(
        open_backend(db_url, upgrade=False), tenant, publisher, holder=holder or None, lease_seconds=float(lease)
    )
    while True:
        relay.run_once(limit=2)
        time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:8])
