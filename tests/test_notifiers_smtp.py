"""The SMTP notifier against an aiosmtpd server on loopback: plain, STARTTLS with login, implicit TLS."""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from clientcare.adapters.notifiers import SmtpNotifier, from_url
from clientcare.errors import ConfigurationError, DeliveryFailed
from clientcare.ports import Notification

NAME = "王芳"
ADDRESS = "wangfang@example.com"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    """Keeps every accepted message; recipients starting with "bounce" are refused with 550."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 no such user"
        if address.startswith("busy"):
            return "451 4.3.0 try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.received.append((envelope, message_from_bytes(raw, _class=EmailMessage, policy=policy.default)))
        return "250 OK"


def _login(server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"shop", b"p@ss word")
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A throwaway certificate authority for the loopback server."""
    return trustme.CA()


@pytest.fixture
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    """A client context that trusts the test CA only."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def _server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def plain() -> Iterator[tuple[_Inbox, int]]:
    """An SMTP server without TLS or login."""
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def starttls(ca: trustme.CA) -> Iterator[tuple[_Inbox, int]]:
    """An SMTP server that requires STARTTLS and a login."""
    inbox, port = _Inbox(), _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_tls(ca),
        require_starttls=True,
        authenticator=_login,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def implicit_tls(ca: trustme.CA) -> Iterator[tuple[_Inbox, int]]:
    """An SMTP server speaking TLS from the first byte, with a login."""
    inbox, port = _Inbox(), _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_tls(ca),
        authenticator=_login,
        auth_require_tls=False,
        server_hostname="127.0.0.1",
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _note(address: str = ADDRESS, *, unsubscribe: str = "https://shop.example/u?token=v1.abc.def") -> Notification:
    return Notification(
        touch_id="T-42",
        customer_id="c1",
        channel="email",
        address=address,
        subject="新品到店",
        body=f"{NAME}，您好！春季新款已到。",
        html=f"<p>{NAME}，您好！春季新款已到。</p>",
        unsubscribe_url=unsubscribe,
        locale="zh-CN",
        idempotency_key="acme:T-42",
    )


def test_a_plain_relay_gets_a_multipart_message_with_id_and_unsubscribe_header(plain: tuple[_Inbox, int]) -> None:
    """Text and HTML parts, a Message-ID from the touch and List-Unsubscribe reach the server."""
    inbox, port = plain
    notifier = from_url(f"smtp://127.0.0.1:{port}?from=care@shop.example&name=衣尚女装")
    notifier.send(_note())
    [(envelope, message)] = inbox.received
    assert envelope.mail_from == "care@shop.example" and envelope.rcpt_tos == [ADDRESS]
    assert message["Message-ID"] == "<touch.T-42@shop.example>"
    assert message["List-Unsubscribe"] == "<https://shop.example/u?token=v1.abc.def>"
    assert message["Subject"] == "新品到店" and "衣尚女装" in str(message["From"])
    assert message.get_body(("plain",)).get_content().strip() == f"{NAME}，您好！春季新款已到。"  # type: ignore[union-attr]
    assert message.get_body(("html",)).get_content().strip() == f"<p>{NAME}，您好！春季新款已到。</p>"  # type: ignore[union-attr]


def test_service_mail_has_no_unsubscribe_header(plain: tuple[_Inbox, int]) -> None:
    """Without an unsubscribe link the header is left out."""
    inbox, port = plain
    from_url(f"smtp://127.0.0.1:{port}?from=care@shop.example").send(_note(unsubscribe=""))
    [(_, message)] = inbox.received
    assert message["List-Unsubscribe"] is None


def test_starttls_with_login(starttls: tuple[_Inbox, int], client_tls: ssl.SSLContext) -> None:
    """STARTTLS, then login, then the message; the password never shows in the repr."""
    inbox, port = starttls
    notifier = from_url(
        f"smtp+starttls://shop:p%40ss%20word@127.0.0.1:{port}?from=care@shop.example", ssl_context=client_tls
    )
    notifier.send(_note())
    assert len(inbox.received) == 1
    assert "p@ss" not in repr(notifier) and "word" not in repr(notifier)


def test_a_wrong_password_is_a_retry_not_a_refusal(starttls: tuple[_Inbox, int], client_tls: ssl.SSLContext) -> None:
    """Refused credentials fail every message alike, so the message stays queued."""
    _, port = starttls
    notifier = from_url(
        f"smtp+starttls://shop:wrong@127.0.0.1:{port}?from=care@shop.example&timeout=3", ssl_context=client_tls
    )
    with pytest.raises(DeliveryFailed) as failed:
        notifier.send(_note())
    assert not failed.value.permanent


def test_an_untrusted_certificate_is_not_accepted(starttls: tuple[_Inbox, int]) -> None:
    """Without the test CA the TLS handshake fails: a retryable failure, nothing sent."""
    inbox, port = starttls
    notifier = SmtpNotifier("127.0.0.1", port, sender="care@shop.example", username="shop", password="p@ss word")
    with pytest.raises(DeliveryFailed) as failed:
        notifier.send(_note())
    assert not failed.value.permanent and inbox.received == []


def test_implicit_tls_with_login(implicit_tls: tuple[_Inbox, int], client_tls: ssl.SSLContext) -> None:
    """smtps:// speaks TLS from the start."""
    inbox, port = implicit_tls
    from_url(f"smtps://shop:p%40ss%20word@127.0.0.1:{port}?from=care@shop.example", ssl_context=client_tls).send(
        _note()
    )
    assert len(inbox.received) == 1


def test_a_refused_recipient_is_permanent_and_a_busy_one_is_retried(plain: tuple[_Inbox, int]) -> None:
    """550 for the recipient is the channel's "no"; 451 means try later."""
    _, port = plain
    notifier = from_url(f"smtp://127.0.0.1:{port}?from=care@shop.example")
    with pytest.raises(DeliveryFailed) as refused:
        notifier.send(_note("bounce@example.com"))
    assert refused.value.permanent and refused.value.reason == "smtp 550 recipient refused"
    with pytest.raises(DeliveryFailed) as busy:
        notifier.send(_note("busy@example.com"))
    assert not busy.value.permanent
    assert "bounce@" not in str(refused.value)


def test_no_server_is_a_retry() -> None:
    """A closed port is a lost connection: retry later."""
    notifier = SmtpNotifier("127.0.0.1", _free_port(), sender="care@shop.example", security="none", timeout=2)
    with pytest.raises(DeliveryFailed) as failed:
        notifier.send(_note())
    assert not failed.value.permanent


def test_sending_logs_and_prints_no_personal_data(
    plain: tuple[_Inbox, int], caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """Neither our code nor smtplib writes the address or the text anywhere (the test server's own log aside)."""
    _, port = plain
    with caplog.at_level(logging.DEBUG):
        from_url(f"smtp://127.0.0.1:{port}?from=care@shop.example").send(_note())
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    out, err = capfd.readouterr()
    for secret in (NAME, ADDRESS, "春季新款"):
        assert secret not in ours and secret not in out and secret not in err


def test_smtp_urls_are_checked() -> None:
    """A missing sender or an unknown scheme is a configuration error."""
    with pytest.raises(ConfigurationError):
        from_url("smtp://127.0.0.1:25")
    with pytest.raises(ConfigurationError):
        from_url("gopher://127.0.0.1")
