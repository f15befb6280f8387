"""The SMTP notifier's session: one connection for a dispatch batch, reopened after an error (issue 12)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import SmtpNotifier
from clientcare.errors import DeliveryFailed
from clientcare.ports import Notification

NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    """Keeps each accepted message with the client's address (one per connection); refuses "bounce…"."""

    def __init__(self) -> None:
        self.received: list[tuple[object, EmailMessage]] = []

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.received.append((session.peer, message_from_bytes(raw, _class=EmailMessage, policy=policy.default)))
        return "250 OK"

    def connections(self) -> int:
        """How many connections delivered messages."""
        return len({peer for peer, _ in self.received})


@pytest.fixture
def server() -> Iterator[tuple[_Inbox, int]]:
    """A plain SMTP server that drops a connection idle for a second."""
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, timeout=1)
    controller.start()
    yield inbox, port
    controller.stop()


def _note(n: int, address: str = "") -> Notification:
    return Notification(
        touch_id=f"T-{n}",
        customer_id=f"c{n}",
        channel="email",
        address=address or f"c{n}@example.com",
        subject="新品到店",
        body="春季新款已到。",
        locale="zh-CN",
        idempotency_key=f"k{n}",
    )


def test_a_session_sends_every_message_over_one_connection(server: tuple[_Inbox, int]) -> None:
    """Three sends in a session: one connection; outside a session each send has its own."""
    inbox, port = server
    notifier = SmtpNotifier("127.0.0.1", port, sender="care@shop.example", security="none")
    with notifier.session():
        for n in range(3):
            notifier.send(_note(n))
    assert len(inbox.received) == 3 and inbox.connections() == 1
    notifier.send(_note(3))
    notifier.send(_note(4))
    assert inbox.connections() == 3


def test_a_refused_message_keeps_the_connection_and_a_dropped_one_is_reopened(server: tuple[_Inbox, int]) -> None:
    """A 550 fails that message only; a connection the server closed while idle is reopened for the next."""
    inbox, port = server
    notifier = SmtpNotifier("127.0.0.1", port, sender="care@shop.example", security="none")
    with notifier.session():
        notifier.send(_note(1))
        with pytest.raises(DeliveryFailed) as refused:
            notifier.send(_note(2, "bounce@example.com"))
        notifier.send(_note(3))
        time.sleep(1.6)  # the server's idle timeout closes the connection
        notifier.send(_note(4))
    assert refused.value.permanent
    assert [m["Message-ID"] for _, m in inbox.received] == [
        "<touch.T-1@shop.example>",
        "<touch.T-3@shop.example>",
        "<touch.T-4@shop.example>",
    ]
    assert inbox.connections() == 2


def test_dispatch_sends_a_batch_over_one_connection(server: tuple[_Inbox, int]) -> None:
    """care.touches.dispatch enters the notifier's session: a batch of e-mails, one SMTP connection."""
    inbox, port = server
    care = clientcare.connect("memory://", tenant="acme", clock=FixedClock(NOW))
    for n in range(4):
        customer = care.customers.register(f"顾客{n}", f"1380013800{n}", by="staff", email=f"c{n}@example.com")
        care.privacy.give_consent(customer.id, "service", "email", method="verbal", source="in_store")
        care.touches.want(customer.id, "QY-1", description="风衣")
    care.touches.stock_arrived("QY-1")
    report = care.touches.dispatch(SmtpNotifier("127.0.0.1", port, sender="care@shop.example", security="none"))
    assert report.sent == 4 and len(inbox.received) == 4 and inbox.connections() == 1
