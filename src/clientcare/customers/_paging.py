"""Paging through the customer archive: the page and its opaque cursor."""

from __future__ import annotations

import base64
import binascii

import attrs

from clientcare.customers._model import Customer
from clientcare.errors import ValidationError

__all__ = ["MAX_PAGE", "CustomerPage", "decode_cursor", "encode_cursor"]

#: The largest page a caller may ask for: a web request should stay small.
MAX_PAGE = 200

# A version prefix lets a later release change what a cursor holds and still
# refuse (rather than misread) an old one.
_PREFIX = "c1."


@attrs.frozen(kw_only=True)
class CustomerPage:
    """One page of customers by name, and the cursor of the next (None on the last page)."""

    customers: tuple[Customer, ...]
    next_cursor: str | None


def encode_cursor(customer_id: str) -> str:
    """The opaque cursor that resumes after ``customer_id``.

    It holds the id only, never the name: cursors end up in URLs and access logs.
    """
    return _PREFIX + base64.urlsafe_b64encode(customer_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The customer id a cursor from :func:`encode_cursor` resumes after; ValidationError otherwise."""
    if not isinstance(cursor, str) or not cursor.startswith(_PREFIX) or len(cursor) > 200:
        raise ValidationError("cursor", "not a cursor of this listing")
    body = cursor[len(_PREFIX) :]
    try:
        decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError("cursor", "not a cursor of this listing") from None
    if not decoded or not decoded.isprintable():
        raise ValidationError("cursor", "not a cursor of this listing")
    return decoded
