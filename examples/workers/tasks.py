"""clientcare's nightly work as Dramatiq tasks on Redis: plan in shards, dispatch in parallel, relay once.

Start the workers (as many processes as the database takes; each task is
database-bound, so scale with processes)::

    dramatiq tasks --path examples/workers --processes 4 --threads 1

and let cron enqueue the day (``enqueue.py``). Configuration comes from the
environment, as a service manager sets it:

* ``CLIENTCARE_URL``, ``CLIENTCARE_TENANT``: the database and the tenant;
* ``WORKERS_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) and
  ``WORKERS_NAMESPACE`` (default ``clientcare``): the broker, its keys
  prefixed with the namespace so several shops can share one Redis;
* ``WORKERS_SINK``: the file the example's notifier appends to (use
  clientcare's SMTP or webhook notifier in production);
* ``WORKERS_STREAM``: the Redis stream the outbox relay publishes to;
* ``CLIENTCARE_NOW`` (ISO 8601, optional): pretend it is this moment (demos, tests).

Every task may run twice (a worker killed after the work and before the
acknowledgement): the daily run is idempotent per touch key, dispatch
leases each touch and sends it once, and the relay is at least once with a
stable envelope id. No task logs a name, phone or address.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
from datetime import date, datetime
from pathlib import Path

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import GroupCallbacks
from dramatiq.rate_limits import ConcurrentRateLimiter
from dramatiq.rate_limits.backends import RedisBackend

import clientcare
from clientcare.adapters.clock import FixedClock, SystemClock
from clientcare.adapters.relays import OutboxRelay, RedisStreamPublisher
from clientcare.ports import Clock, Notification

log = logging.getLogger("clientcare.workers")

REDIS_URL = os.environ.get("WORKERS_REDIS_URL", "redis://127.0.0.1:6379/0")
NAMESPACE = os.environ.get("WORKERS_NAMESPACE", "clientcare")
#: How many dispatch tasks run at once after planning (one per worker process is plenty).
DISPATCHERS = int(os.environ.get("WORKERS_DISPATCHERS", "4"))

broker = RedisBroker(url=REDIS_URL, namespace=NAMESPACE)
limits = RedisBackend(url=REDIS_URL)
# A group of shards runs its completion callback (dispatch) once every shard is done. The group's
# barrier lives 6 hours in Redis (not 24): a morning run still unfinished by then left the day's
# sending to the cron dispatch anyway.
broker.add_middleware(GroupCallbacks(limits, barrier_ttl=6 * 3600 * 1000))
dramatiq.set_broker(broker)

#: The outbox keeps one delivery position per tenant: two relays at once would publish everything twice.
#: The mutex outlives Dramatiq's 10-minute time limit, so it never expires under a relay still running.
relay_mutex = ConcurrentRateLimiter(limits, f"{NAMESPACE}:relay", limit=1, ttl=15 * 60 * 1000)
#: How long one dispatch task keeps sending before it leaves the rest to the next one (seconds).
DISPATCH_SECONDS = 300

#: Conflicts between workers are settled by retrying the use case (each is idempotent); quickly,
#: since they are only a race on one row. Anything else is retried by Dramatiq with its backoff.
RETRY = {"max_retries": 5, "min_backoff": 200, "max_backoff": 10_000}


class FileSink:
    """The example's notifier: appends the touch id and idempotency key of each message to a file.

    One ``write`` per line on a file opened for appending, so lines from several
    processes never interleave. Ids only: the address and text stay out of it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notification: Notification) -> None:
        """Record the message as sent."""
        line = f"{notification.touch_id} {notification.idempotency_key} {os.getpid()}\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def _clock() -> Clock:
    moment = os.environ.get("CLIENTCARE_NOW")
    return FixedClock(datetime.fromisoformat(moment)) if moment else SystemClock()


@functools.cache
def care() -> clientcare.Clientcare:
    """One facade per worker process, opened on first use (the schema must be there: migrate="verify")."""
    return clientcare.connect(
        os.environ["CLIENTCARE_URL"], tenant=os.environ["CLIENTCARE_TENANT"], clock=_clock(), migrate="verify"
    )


@dramatiq.actor(**RETRY)
def plan_shard(shard: int, shards: int, day: str | None = None) -> None:
    """Plan one shard's touches for ``day`` (today by default); safe to run again."""
    report = clientcare.retrying(
        lambda: care().daily.run(date.fromisoformat(day) if day else None, shard=shard, shards=shards)
    )
    log.info("planned shard %d/%d: customers=%d touches=%d", shard, shards, report.customers, report.planned)


@dramatiq.actor(**RETRY)
def after_planning() -> None:
    """Once every shard is planned: dispatch in parallel, then relay the outbox."""
    dispatchers = dramatiq.group(dispatch.message() for _ in range(DISPATCHERS))
    dispatchers.add_completion_callback(relay.message())
    dispatchers.run()


@dramatiq.actor(**RETRY)
def dispatch() -> None:
    """Send due automated touches in small leases until a round finds nothing to do."""
    sink = FileSink(Path(os.environ.get("WORKERS_SINK", "sent.log")))
    worker = f"{socket.gethostname()}-{os.getpid()}"
    sent = 0
    # Well inside Dramatiq's 10-minute time limit: what is left waits for the next cron dispatch.
    deadline = time.monotonic() + DISPATCH_SECONDS
    while time.monotonic() < deadline:
        # Small leases spread the touches over the dispatchers; SKIP LOCKED keeps them from waiting.
        report = clientcare.retrying(lambda: care().touches.dispatch(sink, worker=worker, limit=10))
        sent += report.sent
        handled = (
            report.sent
            + report.skipped_no_consent
            + report.skipped_no_address
            + report.skipped_window_over
            + report.deferred_cap
            + report.failed
        )
        if not handled:
            break
    log.info("dispatched: sent=%d by %s", sent, worker)


@dramatiq.actor(**RETRY)
def relay() -> None:
    """Publish the outbox to the Redis stream; only one relay runs at a time, a second one leaves."""
    with relay_mutex.acquire(raise_on_failure=False) as acquired:
        if not acquired:
            log.info("relay skipped: another relay is running; the next one takes what it leaves")
            return
        tenant = os.environ["CLIENTCARE_TENANT"]
        publisher = RedisStreamPublisher(REDIS_URL, stream=os.environ.get("WORKERS_STREAM", f"clientcare:{tenant}"))
        try:
            relayed = OutboxRelay(care().backend, tenant, publisher).drain()
        finally:
            publisher.close()
        log.info("relay finished: relayed=%d", relayed)


def enqueue_day(shards: int, day: date | None = None) -> None:
    """What cron calls each morning: the day's shards, then (through the callback) dispatch and relay."""
    messages = [plan_shard.message(shard, shards, day.isoformat() if day else None) for shard in range(shards)]
    day_run = dramatiq.group(messages)
    day_run.add_completion_callback(after_planning.message())
    day_run.run()
