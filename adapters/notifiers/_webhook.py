"""An HTTP webhook for SMS and WeChat gateways, with httpx (``pip install clientcare[webhook]``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from clientcare.errors import ConfigurationError, DeliveryFailed
from clientcare.ports import Notification, Picture

if TYPE_CHECKING:
    import httpx

__all__ = ["PAYLOAD_VERSION", "WebhookNotifier", "sign"]

#: The ``version`` field of the JSON body (docs/messages.md describes it).
PAYLOAD_VERSION = 1

_RETRYABLE_4XX = frozenset({408, 425, 429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` HMAC of ``timestamp.body`` under ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _picture(picture: Picture) -> dict[str, str]:
    """P70: a picture in the body: its URL and type, and the image itself in base64 when the notification has it."""
    item = {"url": picture.url, "content_type": picture.content_type, "name": picture.filename}
    if picture.data:
        item["data_base64"] = base64.b64encode(picture.data).decode("ascii")
    return item


class WebhookNotifier:
    """POSTs each notification as JSON to a gateway that delivers it (SMS, WeChat).

    Headers: ``X-Clientcare-Timestamp``, ``X-Clientcare-Signature`` (see
    :func:`sign`) and ``Idempotency-Key`` (one per touch, the same on every
    attempt, so the gateway can drop duplicates). A 2xx is delivered; 408,
    425 and 429 and every 5xx, timeout or lost connection are worth a retry;
    any other 4xx is the gateway's permanent "no" (:class:`DeliveryFailed`
    with ``permanent=True``). The secret is never shown, and the URL given
    must not carry it (:func:`~clientcare.adapters.notifiers.from_url`
    takes ``?secret=`` off).
    """

    def __init__(
        self,
        url: str,
        *,
        secret: str,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        try:
            import httpx  # noqa: PLC0415 - an optional extra: only this notifier needs it
        except ImportError:
            raise ConfigurationError("the webhook notifier needs httpx: pip install clientcare[webhook]") from None
        if not secret:
            raise ConfigurationError("the webhook notifier needs a signing secret")
        self.url = url
        self.timeout = timeout
        self._secret = secret
        self._httpx = httpx
        self._own_client = client is None
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False)

    def payload(self, notification: Notification) -> dict[str, Any]:
        """The JSON body sent for ``notification``."""
        return {
            "version": PAYLOAD_VERSION,
            "touch_id": notification.touch_id,
            "customer_id": notification.customer_id,
            "channel": notification.channel,
            "locale": notification.locale,
            "to": notification.address,
            "subject": notification.subject,
            "text": notification.body,
            "unsubscribe_url": notification.unsubscribe_url,
            "pictures": [_picture(p) for p in notification.pictures],
        }

    def send(self, notification: Notification) -> None:
        """POST one message; raise :class:`DeliveryFailed` saying whether to retry."""
        httpx = self._httpx
        body = json.dumps(self.payload(notification), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Clientcare-Timestamp": timestamp,
            "X-Clientcare-Signature": sign(self._secret, timestamp, body),
            "Idempotency-Key": notification.idempotency_key,
        }
        try:
            response = self._client.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            raise DeliveryFailed(notification.channel, "timeout", permanent=False) from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(notification.channel, type(exc).__name__, permanent=False) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        permanent = 400 <= status < 500 and status not in _RETRYABLE_4XX
        raise DeliveryFailed(notification.channel, f"http {status}", permanent=permanent)

    def close(self) -> None:
        """Close the HTTP connections this notifier opened."""
        if self._own_client:
            self._client.close()

    def __enter__(self) -> WebhookNotifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # Host only: some gateways put an access key in the path.
        parts = urlsplit(self.url)
        return f"WebhookNotifier({parts.scheme}://{parts.netloc.rpartition('@')[2]}/..., signed)"
