"""Explicit converters between rows and domain values.

Moments are stored as naive UTC (plus the original offset where the domain
keeps it); money as integer ten-thousandths plus the number of decimal places
given, so sums are exact on every backend and ``"12.50"`` reads back as
``"12.50"``; documents as JSON text made by :mod:`clientcare.serialization`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from clientcare import serialization
from clientcare.errors import ValidationError

__all__ = [
    "MONEY_PLACES",
    "aware_utc",
    "chunks",
    "dump_document",
    "from_e4",
    "load_document",
    "offset_minutes",
    "to_e4",
    "utc_naive",
    "with_offset",
]

T = TypeVar("T")

#: Decimal places money may carry in the SQL adapter.
MONEY_PLACES = 4
_E4 = Decimal(10) ** MONEY_PLACES
_ZONES: dict[int, timezone] = {}


def utc_naive(moment: datetime) -> datetime:
    """``moment`` in UTC without zone: what the timestamp columns hold."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware_utc(stored: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime."""
    return stored.replace(tzinfo=UTC)


def offset_minutes(moment: datetime) -> int:
    """The UTC offset of ``moment`` in whole minutes."""
    offset = moment.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def with_offset(stored: datetime, minutes: int) -> datetime:
    """A stored UTC timestamp shown again at its original offset."""
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
        _ZONES[minutes] = zone
    return stored.replace(tzinfo=UTC).astimezone(zone)


def to_e4(amount: Decimal, field: str) -> tuple[int, int]:
    """``amount`` as (ten-thousandths, decimal places); at most four places."""
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValidationError(field, "must be finite")
    places = max(0, -exponent)
    if places > MONEY_PLACES:
        raise ValidationError(field, f"at most {MONEY_PLACES} decimal places")
    return int(amount * _E4), places


def from_e4(value: int, places: int) -> Decimal:
    """The Decimal that :func:`to_e4` stored, with its decimal places."""
    return (Decimal(value) / _E4).quantize(Decimal(1).scaleb(-places))


def dump_document(obj: object, *, drop: tuple[str, ...] = ("version",)) -> str:
    """JSON text for a domain object (``drop`` names keys kept in columns instead)."""
    data = serialization.unstructure(obj)
    if isinstance(data, dict):
        for key in drop:
            data.pop(key, None)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_document(text: str, cls: type[T], **columns: Any) -> T:
    """The domain object from its JSON text, with ``columns`` overriding keys."""
    data = json.loads(text)
    data.update(columns)
    return serialization.structure(data, cls)


def chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``values`` in slices of ``size``: IN lists well below every backend's parameter limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
