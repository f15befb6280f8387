"""Signed unsubscribe tokens: tenant-bound, expiring, checkable without storage.

A token is ``v1.<payload>.<signature>``: the payload (base64url JSON) names
the tenant, customer id, purpose, channel and expiry; the signature is
HMAC-SHA256 under a key derived from the tenant's secret and the tenant id,
so a token minted for one tenant never verifies for another even when two
tenants share a secret. Ids only: a token carries no personal data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime

import attrs

from clientcare.errors import InvalidToken

__all__ = ["UnsubscribeToken"]

_VERSION = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str, tenant: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"clientcare-unsubscribe\x00" + tenant.encode("utf-8"), "sha256").digest()


def _signature(secret: str, tenant: str, payload: str) -> str:
    return _b64(hmac.new(_key(secret, tenant), payload.encode("ascii"), hashlib.sha256).digest())


@attrs.frozen(kw_only=True)
class UnsubscribeToken:
    """What an unsubscribe link withdraws: one purpose on one channel for one customer."""

    tenant: str
    customer_id: str
    purpose: str
    channel: str
    expires_at: datetime

    @classmethod
    def issue(
        cls, *, tenant: str, customer_id: str, purpose: str, channel: str, expires_at: datetime
    ) -> UnsubscribeToken:
        """A token to be signed into a message."""
        return cls(tenant=tenant, customer_id=customer_id, purpose=purpose, channel=channel, expires_at=expires_at)

    def sign(self, secret: str) -> str:
        """The token as text for a link (URL-safe)."""
        body = {
            "t": self.tenant,
            "c": self.customer_id,
            "p": self.purpose,
            "ch": self.channel,
            "e": int(self.expires_at.timestamp()),
        }
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{_VERSION}.{payload}.{_signature(secret, self.tenant, payload)}"

    @classmethod
    def verify(cls, token: str, *, secret: str, tenant: str, now: datetime) -> UnsubscribeToken:
        """The token's content if ``secret`` signed it for ``tenant`` and it has not expired.

        Raises :class:`~clientcare.errors.InvalidToken` naming the rule broken.
        """
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) != 3 or parts[0] != _VERSION:
            raise InvalidToken("malformed")
        _, payload, signature = parts
        try:
            body = json.loads(_unb64(payload))
            claimed = cls(
                tenant=str(body["t"]),
                customer_id=str(body["c"]),
                purpose=str(body["p"]),
                channel=str(body["ch"]),
                expires_at=datetime.fromtimestamp(int(body["e"]), tz=UTC),
            )
        except (binascii.Error, ValueError, KeyError, TypeError, OverflowError, OSError):
            raise InvalidToken("malformed") from None
        if not hmac.compare_digest(claimed.tenant.encode("utf-8"), tenant.encode("utf-8")):
            raise InvalidToken("issued for another tenant")
        if not hmac.compare_digest(signature.encode("ascii", "replace"), _signature(secret, tenant, payload).encode()):
            raise InvalidToken("signature does not match")
        if now >= claimed.expires_at:
            raise InvalidToken("expired")
        return claimed
