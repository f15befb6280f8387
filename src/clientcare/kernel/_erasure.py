"""Redaction of free text for erasure (P04; PIPL Art. 47, GDPR Art. 17).

Free text is whatever staff or the customer typed: it can hold a phone, an
address or a name whatever the field is called, so erasure cannot pick the
personal parts out of it and replaces it whole. Figures, dates, ids and
codes stay, so counts and sums keep adding up, anonymously.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

import attrs

__all__ = ["ERASED_TEXT", "FREE_TEXT_FIELDS", "redact_payload", "redacted"]

T = TypeVar("T")

#: What erased free text reads afterwards.
ERASED_TEXT = "(erased)"

#: Free-text fields kept in reprs for lack of a ``repr=False`` mark; any field
#: hidden from reprs that holds text counts as free text too. Enum values
#: (a touch's ``reason``) are codes, never free text.
FREE_TEXT_FIELDS = frozenset(
    {
        "answer_text",
        "approval_reason",
        "benefit",
        "comment",
        "competitor",
        "description",
        "finding",
        "gift_reason",
        "information",
        "label",
        "lesson",
        "note",
        "partner",
        "reason",
        "root_cause",
        "stopped_why",
        "story",
        "terms",
        "text",
        "topic",
        "what",
        "why",
        "wish",
    }
)

#: Fields every aggregate has: identity and bookkeeping, never personal.
_KEPT = frozenset({"id", "tenant", "version", "_events"})


def _is_text(value: object) -> bool:
    return isinstance(value, str) and not isinstance(value, enum.Enum)


def _free_text(field: attrs.Attribute[Any], value: object) -> bool:
    name = field.name
    if name in _KEPT or name.endswith(("_id", "_ids")):
        return False
    if not (name in FREE_TEXT_FIELDS or not field.repr):
        return False
    if _is_text(value):
        return True
    return isinstance(value, tuple | frozenset) and bool(value) and all(_is_text(v) for v in value)


def _blank(value: object) -> object:
    if _is_text(value):
        return ERASED_TEXT if value else value
    return type(value)()


def redacted(value: T) -> T:
    """``value`` with every free-text field replaced, however deep (attrs objects, tuples).

    Aggregates come back as new objects with the same id and version, ready
    to be saved; values that hold no free text come back unchanged.
    """
    kind: Any = type(value)
    if attrs.has(kind):
        changes: dict[str, object] = {}
        for field in attrs.fields(kind):
            if not field.init:
                continue
            current = getattr(value, field.name)
            new = _blank(current) if _free_text(field, current) else redacted(current)
            if new is not current:
                changes[field.alias or field.name] = new
        return attrs.evolve(value, **changes) if changes else value  # type: ignore[misc]
    if isinstance(value, tuple) and not _is_text(value):
        items = tuple(redacted(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items  # type: ignore[return-value]
    return value


def redact_payload(payload: object) -> object:
    """An event payload (plain JSON data) with the values of free-text keys replaced."""
    if isinstance(payload, dict):
        return {
            key: (_blank_json(item) if key in FREE_TEXT_FIELDS else redact_payload(item))
            for key, item in payload.items()
        }
    if isinstance(payload, list):
        return [redact_payload(item) for item in payload]
    return payload


def _blank_json(value: object) -> object:
    if isinstance(value, str):
        return ERASED_TEXT if value else value
    if isinstance(value, list):
        return []
    return value
