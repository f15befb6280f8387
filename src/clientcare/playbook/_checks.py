"""Validators the playbook's sections share; each names the key it checks, never the value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from clientcare.errors import PlaybookError

__all__ = [
    "ascii_key",
    "at_least_zero",
    "choice",
    "fraction",
    "iso_dates",
    "month_days",
    "positive",
    "positive_int",
]


def positive(instance: object, attribute: attrs.Attribute[Any], value: Decimal | int) -> None:
    """Above zero."""
    if value <= 0:
        raise PlaybookError(attribute.name, "must be greater than zero")


def fraction(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    """A share from 0 to 1."""
    if not Decimal(0) <= value <= Decimal(1):
        raise PlaybookError(attribute.name, "must be between 0 and 1")


def choice(*allowed: str) -> Any:
    """One of ``allowed``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in allowed:
            raise PlaybookError(attribute.name, f"must be one of {', '.join(allowed)}")

    return check


def at_least_zero(instance: object, attribute: attrs.Attribute[Any], value: Decimal | int) -> None:
    """Zero or more."""
    if value < 0:
        raise PlaybookError(attribute.name, "must not be negative")


def iso_dates(value: object) -> tuple[date, ...]:
    """Dates (or ISO date strings), one or many, sorted without repeats."""
    items = value if isinstance(value, (list, tuple)) else [value]
    result: list[date] = []
    for item in items:
        if isinstance(item, date):
            result.append(item)
            continue
        try:
            result.append(date.fromisoformat(str(item)))
        except ValueError:
            raise PlaybookError("dates", "must be ISO dates (YYYY-MM-DD)") from None
    return tuple(sorted(set(result)))


def positive_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """A whole number above zero (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PlaybookError(attribute.name, "must be a whole number greater than zero")


def ascii_key(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    """A key for TOML and reports: 1-40 ASCII letters, digits or underscores."""
    if not value or len(value) > 40 or not value.replace("_", "").isalnum() or not value.isascii():
        raise PlaybookError(attribute.name, "must be 1-40 ASCII letters, digits or underscores")


def month_days(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    """Each a day of the year as ``MM-DD``."""
    for item in value:
        month, _, day = item.partition("-")
        if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            raise PlaybookError(attribute.name, "each date must be MM-DD")
