"""JSON Schemas (draft 2020-12) of the relayed events' ``data``, generated from the event classes.

``tools/event_schemas.py`` writes them to ``docs/events/`` and the table in
``docs/events.md``; a test keeps those files equal to what this module makes.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from clientcare import events
from clientcare.adapters.relays._envelope import ENVELOPE_VERSION
from clientcare.events import DomainEvent

__all__ = ["event_classes", "event_schema"]

_SCALARS: dict[type, dict[str, Any]] = {
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    Decimal: {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


def event_classes() -> list[type[DomainEvent]]:
    """Every event clientcare stores in the outbox, by name."""
    found = [getattr(events, name) for name in events.__all__]
    return sorted(
        (c for c in found if isinstance(c, type) and issubclass(c, DomainEvent) and c is not DomainEvent),
        key=lambda c: c.__name__,
    )


def event_schema(cls: type[DomainEvent]) -> dict[str, Any]:
    """The schema of ``cls``'s ``data`` in the envelope (its outbox payload)."""
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:clientcare:event:{cls.__name__}:{ENVELOPE_VERSION}",
        "title": cls.__name__,
        "description": " ".join((cls.__doc__ or "").split()),
        "type": "object",
        "properties": {f.name: _schema_of(f.type) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }


def _schema_of(kind: Any) -> dict[str, Any]:
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"type": "string", "enum": [member.value for member in kind]}
    if kind in _SCALARS:
        return dict(_SCALARS[kind])
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [{"type": "null"} if a is type(None) else _schema_of(a) for a in arguments]}
    if origin in (tuple, list, frozenset, set):
        return {"type": "array", "items": _schema_of(arguments[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(arguments[1])}
    raise TypeError(f"no JSON Schema for field type {kind!r}")
