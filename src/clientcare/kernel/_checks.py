"""Named input checks shared by the domain modules; each raises ValidationError."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from clientcare.errors import ValidationError

__all__ = ["aware", "clean_text", "key_text", "one_of", "tag_set"]

E = TypeVar("E", bound=enum.Enum)


def aware(moment: datetime, field: str) -> datetime:
    """``moment`` if it carries a time zone; naive datetimes are ambiguous."""
    if not isinstance(moment, datetime):
        raise ValidationError(field, "must be a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field, "must be timezone-aware")
    return moment


def one_of(kind: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``kind``, or an error listing what is allowed."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise ValidationError(field, f"must be one of {allowed}") from None


def clean_text(value: object, field: str, *, limit: int, required: bool = True) -> str:
    """Whitespace-folded text of at most ``limit`` characters."""
    if not isinstance(value, str) or not value.strip():
        if required:
            raise ValidationError(field, "required")
        return ""
    clean = " ".join(value.split())
    if len(clean) > limit:
        raise ValidationError(field, f"at most {limit} characters")
    return clean


def key_text(value: object, field: str, *, limit: int) -> str:
    """An external key (a receipt id, a reference) exactly as given, or an error.

    Keys are compared by the database: MariaDB pads trailing spaces away
    (``"r"`` and ``"r "`` are one key there, two elsewhere), and stored text
    is whitespace-folded, so a key with leading, trailing or repeated spaces
    or control characters is refused rather than silently changed.
    """
    if not isinstance(value, str) or not value:
        raise ValidationError(field, "required")
    if " ".join(value.split()) != value or not value.isprintable():
        raise ValidationError(field, "no leading, trailing or repeated spaces, nor control characters")
    if len(value) > limit:
        raise ValidationError(field, f"at most {limit} characters")
    return value


def tag_set(values: Iterable[str]) -> frozenset[str]:
    """Labels as a set: stripped, empty ones dropped, at most 50 characters each."""
    result = frozenset(v.strip() for v in values if isinstance(v, str) and v.strip())
    if any(len(v) > 50 for v in result):
        raise ValidationError("tags", "at most 50 characters each")
    return result
