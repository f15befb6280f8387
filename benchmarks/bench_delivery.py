"""Delivery benchmarks (a script, not a test): dispatch to SMTP and the relay to RabbitMQ, each
against the plain loop a developer would write without clientcare, measured side by side in one run.

1. **Dispatch to SMTP.** ``care.touches.dispatch`` sends N automated e-mails
   (one per customer, planned by ``stock_arrived``) to a local aiosmtpd
   server on loopback, through the library's ``SmtpNotifier`` (its session
   keeps one connection for the batch). Against: a plain ``smtplib`` loop
   building the same e-mails (the same headers, text and HTML parts) from the
   same rendered texts and sending them over one connection. Both on a
   SQLite file and on ``memory://`` (dispatch's own cost without the
   database). Each pair runs ``--repeats`` times; the median is reported.
2. **Relay to RabbitMQ.** ``OutboxRelay.drain`` publishes M outbox events
   (with publisher confirms, as the relay does) to a fresh queue, against a
   plain pika loop publishing the same envelopes with confirms on one
   channel (opening its connection is timed on both sides). Skipped when
   no broker answers at ``--rabbitmq``.

Run directly (``python benchmarks/bench_delivery.py --messages 300``) or
through ``benchmarks/run.py``. Prints a table and one JSON line; target
ratios are at most 1.5.
"""

from __future__ import annotations

import argparse
import json
import shutil
import smtplib
import socket
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Any

import pika
from aiosmtpd.controller import Controller

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import SmtpNotifier
from clientcare.adapters.relays import OutboxRelay, RabbitMqPublisher, envelope_json
from clientcare.ports import Notification

NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
DEFAULT_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
SENDER = "shop@example.com"


class CountingHandler:
    """aiosmtpd handler: accepts every message and counts it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def _email(notification: Notification) -> EmailMessage:
    """The e-mail a developer would build by hand: the same headers and parts as ``SmtpNotifier``'s."""
    message = EmailMessage()
    message["From"] = formataddr(("Shop", SENDER))
    message["To"] = notification.address
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<touch.{notification.touch_id}@example.com>"
    message["Content-Language"] = notification.locale
    message.set_content(notification.body)
    if notification.html:
        message.add_alternative(notification.html, subtype="html")
    return message


class Capturing:
    """Keeps the rendered notifications, so the plain loop sends exactly the same messages."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def _planned(url: str, count: int) -> clientcare.Clientcare:
    care = clientcare.connect(url, tenant="bench", clock=FixedClock(NOW))
    for n in range(count):
        customer = care.customers.register(f"顾客{n}", f"138003{n:05d}", by="staff", email=f"c{n}@example.com")
        care.privacy.give_consent(customer.id, "service", "email", method="verbal", source="in_store")
        care.touches.want(customer.id, "QY-1", description="风衣")
    care.touches.stock_arrived("QY-1")
    return care


def _smtp_once(url: str, count: int, host: str, port: int) -> tuple[float, float]:
    """One pair: seconds for dispatch through SMTP, then for the plain loop with the same messages."""
    care = _planned(url, count)
    notifier = SmtpNotifier(host, port, sender=SENDER, sender_name="Shop", security="none")
    start = time.perf_counter()
    report = care.touches.dispatch(notifier, limit=count)
    ours = time.perf_counter() - start
    assert report.sent == count, report
    # The same rendered messages, captured from a second tenant planned alike (not timed).
    capture = Capturing()
    again = _planned(url.replace("bench", "bench2") if url.startswith("sqlite") else "memory://", count)
    again.touches.dispatch(capture, limit=count)
    start = time.perf_counter()
    plain_smtp = smtplib.SMTP(host, port)  # connecting is timed on both sides
    for notification in capture.sent:
        plain_smtp.send_message(_email(notification))
    plain_smtp.quit()
    plain = time.perf_counter() - start
    care.close()
    again.close()
    return ours, plain


def smtp(url: str, count: int, host: str, port: int, repeats: int) -> dict[str, Any]:
    """Median seconds over ``repeats`` pairs (a fresh database each), and the ratio of the medians."""
    pairs = []
    for n in range(repeats):
        run_url = url.replace("bench.db", f"bench{n}.db")
        pairs.append(_smtp_once(run_url, count, host, port))
    ours = statistics.median(p[0] for p in pairs)
    plain = statistics.median(p[1] for p in pairs)
    return {
        "ours_s": round(ours, 3),
        "plain_s": round(plain, 3),
        "ratio": round(ours / plain, 2),
        "ratios": [round(o / p, 2) for o, p in pairs],
    }


def rabbitmq(url: str, count: int, work: Path, repeats: int) -> dict[str, Any]:
    """Median seconds over ``repeats`` pairs of the relay and the plain loop, and the ratio of the medians."""
    pairs = [_rabbitmq_once(url, count, work / f"relay{n}.db") for n in range(repeats)]
    ours = statistics.median(p[0] for p in pairs)
    plain = statistics.median(p[1] for p in pairs)
    return {
        "relayed": count,
        "ours_s": round(ours, 3),
        "plain_s": round(plain, 3),
        "ratio": round(ours / plain, 2),
        "ratios": [round(o / p, 2) for o, p in pairs],
    }


def _rabbitmq_once(url: str, count: int, db: Path) -> tuple[float, float]:
    """Seconds for the relay, and for a plain confirmed publish loop of the same envelopes."""
    care = clientcare.connect(f"sqlite:///{db}", tenant="bench", clock=FixedClock(NOW))
    while len(care.events.pending(limit=count + 10)) < count:
        care.customers.register(f"顾客{uuid.uuid4().hex[:6]}", f"1390{uuid.uuid4().int % 10**7:07d}", by="staff")
    messages = care.events.pending(limit=count)
    bodies = [envelope_json(care.tenant, m) for m in messages]
    queue = f"cc-bench-{uuid.uuid4().hex[:10]}"
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.queue_declare(queue)
    publisher = RabbitMqPublisher(url, routing_key=queue)
    relay = OutboxRelay(care.backend, care.tenant, publisher)
    start = time.perf_counter()
    relayed = relay.drain(limit=count)
    ours = time.perf_counter() - start
    publisher.close()
    # The publisher connects inside the timed drain, so the plain loop's connecting is timed too.
    start = time.perf_counter()
    plain_connection = pika.BlockingConnection(pika.URLParameters(url))
    plain_channel = plain_connection.channel()
    plain_channel.confirm_delivery()
    for body in bodies:
        plain_channel.basic_publish(
            exchange="",
            routing_key=queue,
            body=body,
            properties=pika.BasicProperties(content_type="application/cloudevents+json", delivery_mode=2),
            mandatory=True,
        )
    plain = time.perf_counter() - start
    plain_connection.close()
    channel.queue_delete(queue)
    connection.close()
    care.close()
    assert relayed == count, relayed
    return ours, plain


def _free_port() -> int:
    # aiosmtpd's controller needs a known port to check its server is up.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(messages: int, rabbitmq_url: str, repeats: int = 3) -> dict[str, Any]:
    """Run both benchmarks, each pair ``repeats`` times; returns the median figures (also printed)."""
    work = Path(tempfile.mkdtemp(prefix="cc-delivery-"))
    handler = CountingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    figures: dict[str, Any] = {"messages": messages}
    try:
        figures["smtp_sqlite"] = smtp(f"sqlite:///{work / 'bench.db'}", messages, "127.0.0.1", port, repeats)
        figures["smtp_memory"] = smtp("memory://", messages, "127.0.0.1", port, repeats)
        try:
            figures["rabbitmq"] = rabbitmq(rabbitmq_url, messages, work, repeats)
        except pika.exceptions.AMQPConnectionError as exc:
            figures["rabbitmq_error"] = type(exc).__name__
    finally:
        controller.stop()
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("dispatch to SMTP, SQLite", figures["smtp_sqlite"]),
        ("dispatch to SMTP, memory", figures["smtp_memory"]),
    ]
    if "rabbitmq" in figures:
        rows.append(("relay to RabbitMQ (confirms)", figures["rabbitmq"]))
    width = max(len(label) for label, _ in rows)
    title = f"measure, {messages} messages, median of {repeats}"
    print(f"{title:<{width}}  {'ours':>9}  {'plain':>9}  ratio (target <= 1.5)  each run")
    for label, f in rows:
        print(f"{label:<{width}}  {f['ours_s']:>8}s  {f['plain_s']:>8}s  {f['ratio']:<21}  {f['ratios']}")
    print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500, help="messages per measure (default 500)")
    parser.add_argument("--rabbitmq", default=DEFAULT_RABBITMQ, help="broker URL (default the local guest one)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each pair; the median is reported")
    args = parser.parse_args()
    measure(args.messages, args.rabbitmq, args.repeats)


if __name__ == "__main__":
    main()
