"""JSON-ready dicts from domain objects and back, through one cattrs converter.

Web layers call :func:`unstructure` to answer with JSON and :func:`structure`
to read it back. Decimals and money travel as strings (no float rounding),
datetimes as ISO 8601 with their offset, sets as sorted lists.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from clientcare.errors import ValidationError
from clientcare.kernel._aggregate import Aggregate

__all__ = ["converter", "structure", "unstructure"]

T = TypeVar("T")


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError("datetime", "must be an ISO 8601 string")
    return datetime.fromisoformat(value)


def _structure_date(value: object, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError("date", "must be an ISO 8601 string")
    return date.fromisoformat(value)


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, float):
        raise ValidationError("decimal", "must be a string, not a float")
    return Decimal(str(value))


def _build() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", None) is frozenset or t is frozenset,
        lambda value: sorted(conv.unstructure(v) for v in value),
    )

    def aggregate_hook(cls: type[Any]) -> Any:
        # The pending-events list is transient: never serialised.
        return make_dict_unstructure_fn(cls, conv, _events=override(omit=True))

    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and attrs.has(t) and issubclass(t, Aggregate), aggregate_hook
    )
    return conv


_converter = _build()


def converter() -> cattrs.Converter:
    """The configured converter, for embedders who register hooks of their own."""
    return _converter


def unstructure(obj: object) -> Any:
    """A JSON-ready structure (dicts, lists, strings, numbers) for ``obj``."""
    return _converter.unstructure(obj)


def structure(data: object, cls: type[T]) -> T:
    """Rebuild a ``cls`` from what :func:`unstructure` produced."""
    return _converter.structure(data, cls)
