"""Notifier adapters: where automated touches go (behind the Notifier port).

:class:`SmtpNotifier` sends e-mail, :class:`WebhookNotifier` posts SMS and
WeChat messages to a gateway (``pip install clientcare[webhook]``);
:func:`from_url` picks one from a URL. :class:`ConsoleNotifier` prints a
one-line notice without the message text or address (personal data stays
out of logs); :class:`RecordingNotifier` keeps every notification in memory
for tests and demos. docs/messages.md shows how to write a vendor adapter.
"""

from __future__ import annotations

import ssl
import sys
from typing import TextIO
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from clientcare.adapters.notifiers._smtp import Security, SmtpNotifier
from clientcare.adapters.notifiers._webhook import WebhookNotifier
from clientcare.adapters.notifiers._webhook import sign as webhook_signature
from clientcare.errors import ConfigurationError
from clientcare.ports import Notification, Notifier

__all__ = [
    "ConsoleNotifier",
    "RecordingNotifier",
    "SmtpNotifier",
    "WebhookNotifier",
    "from_url",
    "webhook_signature",
]

_SMTP_SCHEMES: dict[str, Security] = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "tls", "smtp+tls": "tls"}


def from_url(url: str, *, ssl_context: ssl.SSLContext | None = None, timeout: float | None = None) -> Notifier:
    """The notifier a URL names; secrets in the URL go into the notifier, never its repr.

    - ``smtp+starttls://user:pass@host:587?from=shop@example.com&name=Shop``,
      ``smtps://…:465`` (implicit TLS), ``smtp://host:25`` (no TLS, no login);
    - ``https://gateway.example/sms?secret=…`` (a webhook; ``secret`` signs
      each request and is taken off the URL; the other query items stay);
    - ``console://`` (a notice per message on stdout).

    ``ssl_context`` (a private CA, a test certificate) and ``timeout``
    (seconds) apply to SMTP and the webhook alike.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme in _SMTP_SCHEMES:
        if not parts.hostname:
            raise ConfigurationError("smtp URL needs a host")
        return SmtpNotifier(
            parts.hostname,
            parts.port,
            sender=query.get("from", ""),
            sender_name=query.get("name", ""),
            security=_SMTP_SCHEMES[scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout or float(query.get("timeout", 30)),
            ssl_context=ssl_context,
        )
    if scheme in ("http", "https"):
        secret = query.pop("secret", "")
        seconds = timeout or float(query.pop("timeout", 10))
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
        client = None
        if ssl_context is not None:
            import httpx  # noqa: PLC0415 - optional extra, checked by WebhookNotifier too

            client = httpx.Client(verify=ssl_context, timeout=httpx.Timeout(seconds), follow_redirects=False)
        return WebhookNotifier(target, secret=secret, timeout=seconds, client=client)
    if scheme == "console":
        return ConsoleNotifier()
    raise ConfigurationError(f"unknown notifier URL scheme {scheme!r}: smtp, smtp+starttls, smtps, https or console")


class ConsoleNotifier:
    """Writes one line per notification: channel, touch and customer ids, never the text."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, notification: Notification) -> None:
        """Print a notice (the text is personal: it is not printed)."""
        stream = self._stream or sys.stdout
        stream.write(
            f"[{notification.channel}] touch {notification.touch_id} to customer {notification.customer_id}"
            f" ({notification.locale}, {len(notification.body)} chars)\n"
        )

    def __repr__(self) -> str:
        return "ConsoleNotifier()"


class RecordingNotifier:
    """Keeps what was sent, in order; ``fail_next`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.fail_next = 0

    def send(self, notification: Notification) -> None:
        """Record the notification (or fail on purpose, for retry tests)."""
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("notifier unavailable (simulated)")
        self.sent.append(notification)

    def __repr__(self) -> str:
        return f"RecordingNotifier(sent={len(self.sent)})"
