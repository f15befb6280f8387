"""JSON-ready dicts from domain objects and back, through one cattrs converter.

Web layers call :func:`unstructure` to answer with JSON and :func:`structure`
to read it back. Decimals and money travel as strings (no float rounding),
datetimes as ISO 8601 with their offset, sets as sorted lists.
:func:`json_schema` describes that JSON shape for an attrs class (the read
models of :mod:`clientcare.read_models`), for OpenAPI documents and contract tests.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from clientcare.errors import ValidationError
from clientcare.kernel._aggregate import Aggregate

__all__ = ["converter", "json_schema", "structure", "unstructure"]

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


_SCALARS: dict[object, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    Decimal: {"type": "string", "format": "decimal"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema (2020-12) of what :func:`unstructure` makes of a ``cls`` instance.

    ``cls`` is an attrs class made of strings, numbers, booleans, decimals,
    dates, datetimes, string enums, optionals, tuples, frozensets and other
    such attrs classes; nested classes go to ``$defs``, referenced by name.
    Every field is required (optional ones are nullable). Any other type is
    a ``ValidationError`` naming it: the schema never guesses.
    """
    defs: dict[str, Any] = {}
    root = _schema_of(cls, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root, "$defs": defs}


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [member.value for member in tp]}
    if isinstance(tp, type) and attrs.has(tp):
        return _object_schema(tp, defs)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        options = [_schema_of(arg, defs) for arg in args if arg is not type(None)]
        nullable = type(None) in args
        if len(options) == 1 and not nullable:
            return options[0]
        return {"anyOf": options + ([{"type": "null"}] if nullable else [])}
    if origin in (tuple, frozenset, list) and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "prefixItems": [_schema_of(a, defs) for a in args], "items": False}
        return {"type": "array", "items": _schema_of(args[0], defs)}
    raise ValidationError("json_schema", f"no JSON schema for {tp!r}")


def _object_schema(cls: type[Any], defs: dict[str, Any]) -> dict[str, Any]:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # placeholder: a class that refers to itself terminates
        hints = typing.get_type_hints(cls)
        fields = [field.name for field in attrs.fields(cls) if not field.name.startswith("_")]
        defs[name] = {
            "title": name,
            "description": (cls.__doc__ or "").strip().split("\n\n")[0],
            "type": "object",
            "properties": {field: _schema_of(hints[field], defs) for field in fields},
            "required": fields,
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{name}"}
