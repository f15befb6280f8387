"""The webhook notifier against a local HTTP server: signed JSON, idempotency key, what is retried."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import WebhookNotifier, from_url
from clientcare.adapters.notifiers import webhook_signature as sign
from clientcare.cadences import TouchStatus
from clientcare.errors import ConfigurationError, DeliveryFailed
from clientcare.ports import Notification

SECRET = "gateway-secret-0123456789"
NAME = "王芳"
PHONE = "+8613800138000"


class _Gateway(ThreadingHTTPServer):
    """Answers with the next status in ``statuses`` (200 when empty), after ``delay`` seconds."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms?account=shop"


class _Handler(BaseHTTPRequestHandler):
    server: _Gateway

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, dict(self.headers.items()), body))
        time.sleep(self.server.delay)
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test server's access log is not what is under test."""


@pytest.fixture
def gateway() -> Iterator[_Gateway]:
    """A local HTTP gateway in a thread."""
    server = _Gateway()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _note(touch_id: str = "T-7") -> Notification:
    return Notification(
        touch_id=touch_id,
        customer_id="c1",
        channel="sms",
        address=PHONE,
        subject="新品到店",
        body=f"{NAME}，您好！春季新款已到。",
        unsubscribe_url="https://shop.example/u?token=v1.a.b",
        locale="zh-CN",
        idempotency_key=f"touch-{touch_id}",
    )


def test_the_gateway_gets_signed_json_with_an_idempotency_key(gateway: _Gateway) -> None:
    """The body is the documented JSON; the signature verifies with the secret; the key names the touch."""
    notifier = from_url(f"{gateway.url}&secret={SECRET}")
    notifier.send(_note())
    notifier.send(_note())
    [(path, headers, body), (_, again, _)] = gateway.requests
    assert path == "/sms?account=shop"  # the secret is taken off the URL
    assert json.loads(body) == {
        "version": 1,
        "touch_id": "T-7",
        "customer_id": "c1",
        "channel": "sms",
        "locale": "zh-CN",
        "to": PHONE,
        "subject": "新品到店",
        "text": f"{NAME}，您好！春季新款已到。",
        "unsubscribe_url": "https://shop.example/u?token=v1.a.b",
        "pictures": [],
    }
    assert headers["X-Clientcare-Signature"] == sign(SECRET, headers["X-Clientcare-Timestamp"], body)
    assert headers["Idempotency-Key"] == again["Idempotency-Key"] == "touch-T-7"


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (404, True), (422, True), (429, False), (500, False), (503, False)]
)
def test_4xx_is_permanent_and_5xx_is_retried(gateway: _Gateway, status: int, permanent: bool) -> None:
    """A gateway's 4xx is its "no" to this message (but 429, too many requests); a 5xx is worth a retry."""
    gateway.statuses = [status]
    with pytest.raises(DeliveryFailed) as failed:
        WebhookNotifier(gateway.url, secret=SECRET).send(_note())
    assert (failed.value.permanent, failed.value.reason) == (permanent, f"http {status}")


def test_a_timeout_is_retried(gateway: _Gateway) -> None:
    """A gateway slower than the timeout is a retryable failure."""
    gateway.delay = 1.0
    with pytest.raises(DeliveryFailed) as failed:
        WebhookNotifier(gateway.url, secret=SECRET, timeout=0.2).send(_note())
    assert (failed.value.permanent, failed.value.reason) == (False, "timeout")


def test_the_secret_never_shows(gateway: _Gateway, caplog: pytest.LogCaptureFixture) -> None:
    """Neither the repr nor httpx's own logs carry the secret, the phone or the text."""
    with caplog.at_level(logging.DEBUG):
        notifier = from_url(f"{gateway.url}&secret={SECRET}")
        notifier.send(_note())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name.startswith(("httpx", "httpcore")) for r in caplog.records)
    for secret in (SECRET, PHONE, NAME, "春季新款"):
        assert secret not in repr(notifier) and secret not in logged


def test_a_webhook_needs_a_secret() -> None:
    """Unsigned requests are not offered: a webhook URL without a secret is a configuration error."""
    with pytest.raises(ConfigurationError):
        from_url("https://gateway.example/sms")


def test_dispatch_dead_letters_a_refused_message_and_retries_a_failed_one(gateway: _Gateway) -> None:
    """Through dispatch, a 4xx dead-letters the touch (never resent) and a 5xx leaves it planned for a retry."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    notifier = WebhookNotifier(gateway.url, secret=SECRET)
    touches = []
    for phone in ("13800138000", "13900139000"):
        customer = care.customers.register(NAME, phone, by="staff")
        care.privacy.give_consent(customer.id, "marketing", "sms", method="online", source="website")
        touches += care.touches.inform("新品到店", "春季新款已到。", customer_ids=[customer.id])
    gateway.statuses = [400, 503]
    assert care.touches.dispatch(notifier, lease_seconds=60).failed == 2
    statuses = {t.id: care.touches.get(t.id).status for t in touches}
    assert sorted(statuses.values()) == sorted([TouchStatus.FAILED, TouchStatus.PLANNED])
    clock.advance(minutes=2)
    assert care.touches.dispatch(notifier).sent == 1
    assert len(gateway.requests) == 3


def test_consent_and_quiet_hours_hold_before_the_gateway_is_called(gateway: _Gateway) -> None:
    """Inside quiet hours nothing is posted; a withdrawn consent skips the touch without a request."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T22:30:00+08:00"))
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    notifier = WebhookNotifier(gateway.url, secret=SECRET)
    customer = care.customers.register(NAME, "13800138000", by="staff")
    care.privacy.give_consent(customer.id, "marketing", "sms", method="online", source="website")
    [touch] = care.touches.inform("新品到店", "春季新款已到。", customer_ids=[customer.id])
    assert care.touches.dispatch(notifier).quiet_hours
    care.privacy.withdraw_consent(customer.id, "marketing", "sms")
    clock.advance(hours=11)
    assert care.touches.dispatch(notifier).skipped_no_consent == 1
    assert gateway.requests == [] and care.touches.get(touch.id).status is TouchStatus.SKIPPED
