"""The checking layer at the facade: every public call's arguments, checked from its signature.

An embedder hands clientcare whatever its users typed. Before a use case
runs, :func:`check_calls` makes each argument prove it is what the method's
annotation says (a ``str`` is a ``str``, a ``date`` is not a ``datetime``, a
``bool`` is a ``bool``) and that it fits what every backend can store: the
lengths and numeric ranges below mirror the SQL columns, so memory, SQLite,
PostgreSQL and MariaDB accept and refuse the same values. A refused call
raises :class:`~clientcare.errors.ValidationError` naming the parameter and
the rule, never the value, and runs nothing, so it writes nothing.
"""

from __future__ import annotations

import collections.abc as cabc
import datetime as dt
import enum
import functools
import inspect
import math
import types
import typing
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from clientcare.errors import ValidationError

__all__ = [
    "DATE_RANGE",
    "KEY_LIMIT",
    "MONEY_LIMIT",
    "MONEY_PLACES",
    "TEXT_LIMIT",
    "check_calls",
    "check_text",
    "check_value",
    "checked",
]

#: Free text (notes, reasons, stories) kept in documents: generous, but never a megabyte.
TEXT_LIMIT = 10_000
#: Ids and references stored in key columns (``key_string(64)`` in the SQL adapter).
KEY_LIMIT = 64
#: Parameters stored in columns narrower or wider than the default, by name.
#: Only names that mean one column wherever they appear; free text keeps the domain's own limits.
FIELD_LIMITS: dict[str, int] = {
    "phone": 32,
    "tag": 50,
    "tags": 50,
    "style_no": 64,
    "size": 50,
    "colour": 50,
    "structure": 100,
}
#: Parameters that hold ids or short keys even though their names do not end in ``_id``.
_KEY_NAMES = frozenset(
    {"by", "author", "store", "staff", "owner", "role", "level", "gift_code", "key", "scope", "period", "tenant"}
)
#: Largest absolute amount of money: amounts are stored as 64-bit integers of 1/10 000.
MONEY_LIMIT = Decimal(10) ** 9
#: Most decimal places an amount may carry (the stored scale).
MONEY_PLACES = 4
#: Earliest and latest calendar year a date or moment may fall in.
DATE_RANGE = (1900, 2200)
#: Integer parameters with a narrower range than the default, by name (inclusive).
INT_RANGES: dict[str, tuple[int, int]] = {
    "limit": (0, 10_000),
    "recent": (0, 10_000),
    "quantity": (-10_000, 10_000),
    "option": (0, 1_000),
    "year": DATE_RANGE,
    "month": (1, 12),
    "day": (1, 31),
}
_DAYS_RANGE = (-36_600, 36_600)
_INT_RANGE = (-(10**9), 10**9)
#: Most items a sequence argument may hold.
ITEMS_LIMIT = 100_000
#: Control characters that free text may contain (line breaks and tabs).
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _text_limit(field: str) -> int:
    leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
    if leaf in FIELD_LIMITS:
        return FIELD_LIMITS[leaf]
    if leaf.endswith("_id") or leaf.endswith("_ids") or leaf in _KEY_NAMES:
        return KEY_LIMIT
    return TEXT_LIMIT


def _plainly_fine(value: object, limit: int) -> bool:
    """Text that passes :func:`check_text` even when required, told without scanning it:
    printable (no character of category C or Z but the space, so none the scan refuses),
    not blank, within ``limit``. What fails this gets the full check and its reason."""
    return type(value) is str and len(value) <= limit and value.isprintable() and bool(value.strip())


def check_text(value: str, field: str, *, required: bool = False) -> str:
    """``value`` if it is text every backend stores as given: no NUL or control characters, within its limit."""
    limit = _text_limit(field)
    if _plainly_fine(value, limit):
        return value
    if required and not value.strip():
        raise ValidationError(field, "required: must not be blank")
    if len(value) > limit:
        raise ValidationError(field, f"at most {limit} characters")
    for char in value:
        # Surrogates cannot be encoded as UTF-8; NUL is refused by PostgreSQL.
        if unicodedata.category(char) in ("Cc", "Cs") and char not in _ALLOWED_CONTROLS:
            raise ValidationError(field, "must not contain control characters")
    return value


def _int_range(field: str) -> tuple[int, int]:
    leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
    if leaf in INT_RANGES:
        return INT_RANGES[leaf]
    if leaf.endswith("days"):
        return _DAYS_RANGE
    return _INT_RANGE


def _check_int(value: int, field: str) -> None:
    low, high = _int_range(field)
    if not low <= value <= high:
        raise ValidationError(field, f"must be between {low} and {high}")


def _check_decimal(value: Decimal, field: str) -> None:
    if not value.is_finite():
        raise ValidationError(field, "must be a finite number")
    if abs(value) >= MONEY_LIMIT:
        raise ValidationError(field, f"must be less than {MONEY_LIMIT} in magnitude")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES:
        raise ValidationError(field, f"at most {MONEY_PLACES} decimal places")


def _check_float(value: float, field: str) -> None:
    if not math.isfinite(value):
        raise ValidationError(field, "must be a finite number")
    if abs(value) >= float(MONEY_LIMIT):
        raise ValidationError(field, f"must be less than {MONEY_LIMIT} in magnitude")


def _check_year(year: int, field: str) -> None:
    low, high = DATE_RANGE
    if not low <= year <= high:
        raise ValidationError(field, f"must fall in the years {low} to {high}")


def _check_moment(value: dt.datetime, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be timezone-aware")
    _check_year(value.year, field)


def _decimal_text(value: str, field: str) -> None:
    check_text(value, field, required=True)
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(field, "must be a decimal number") from None
    _check_decimal(number, field)


def _scan(value: object, field: str, depth: int = 0) -> None:
    """Checks for a value of no particular type (``**profile``): whatever it is, it must be storable."""
    if depth > 4:
        raise ValidationError(field, "nested too deeply")
    if value is None or isinstance(value, (bool, enum.Enum)):
        return
    if isinstance(value, str):
        check_text(value, field)
    elif isinstance(value, int):
        _check_int(value, field)
    elif isinstance(value, float):
        _check_float(value, field)
    elif isinstance(value, Decimal):
        _check_decimal(value, field)
    elif isinstance(value, dt.datetime):
        _check_moment(value, field)
    elif isinstance(value, dt.date):
        _check_year(value.year, field)
    elif isinstance(value, cabc.Mapping):
        _check_size(value, field)
        for key, item in value.items():
            _scan(key, field, depth + 1)
            _scan(item, f"{field}.{key}" if isinstance(key, str) else field, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        _check_size(value, field)
        for item in value:
            _scan(item, field, depth + 1)
    elif isinstance(value, (bytes, bytearray)):
        raise ValidationError(field, "must not be bytes")


def _check_size(value: cabc.Sized, field: str) -> None:
    if len(value) > ITEMS_LIMIT:
        raise ValidationError(field, f"at most {ITEMS_LIMIT} items")


def _type_name(kind: object) -> str:
    return getattr(kind, "__name__", str(kind))


def check_value(value: object, kind: Any, field: str, *, required: bool = False) -> object:
    """``value`` checked against the annotation ``kind``; the value to pass on.

    Sequences given as one-shot iterables come back as tuples, so checking
    them does not use them up. ``required`` text must not be blank.
    """
    origin = typing.get_origin(kind)
    if isinstance(kind, _Named):
        return kind.check(value, field)
    if kind is object:
        # "Anything": the use case checks it itself (an import row's cells, reported row by row).
        return value
    if kind is Any:
        _scan(value, field)
        return value
    if origin in (typing.Union, types.UnionType):
        return _check_union(value, typing.get_args(kind), field, required=required)
    if origin is typing.Literal:
        if value not in typing.get_args(kind):
            raise ValidationError(field, "must be one of " + ", ".join(map(str, typing.get_args(kind))))
        return value
    if kind is None or kind is type(None):
        if value is not None:
            raise ValidationError(field, "must be None")
        return value
    if origin is not None:
        return _check_generic(value, kind, origin, field)
    return _check_plain(value, kind, field, required=required)


def _check_union(value: object, options: tuple[Any, ...], field: str, *, required: bool) -> object:
    if value is None:
        if type(None) in options:
            return value
        raise ValidationError(field, "required")
    # Enums first: ``Purpose | str`` means a Purpose or one of its values, not any text.
    for option in options:
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return _check_enum(value, option, field)
    if Decimal in options and not isinstance(value, bool) and isinstance(value, (str, int)):
        # An amount given as text or a whole number: it must read as a bounded decimal.
        if isinstance(value, str):
            _decimal_text(value, field)
        else:
            _check_decimal(Decimal(value), field)
        return value
    for option in options:
        if option is not type(None) and _matches(value, option):
            return check_value(value, option, field, required=required)
    kinds = " or ".join(_type_name(o) for o in options if o is not type(None))
    raise ValidationError(field, f"must be {kinds}" + (" or None" if type(None) in options else ""))


def _matches(value: object, option: Any) -> bool:
    """Whether ``value`` is of the kind ``option`` names (its details are checked afterwards)."""
    kind = typing.get_origin(option) or option
    if kind is Any or kind is object or kind is typing.Literal:
        return True
    if kind is cabc.Callable:
        return callable(value)
    if kind is typing.IO:
        # typing.IO is a marker, not a runtime base of file objects: any readable stream will do.
        return callable(getattr(value, "read", None))
    if not isinstance(kind, type):
        return True
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if isinstance(kind, type) and issubclass(kind, cabc.Iterable) and kind not in (str, bytes):
        return isinstance(value, cabc.Iterable) and not isinstance(value, (str, bytes, bytearray))
    return isinstance(value, kind)


def _check_enum(value: object, kind: type[enum.Enum], field: str) -> object:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        check_text(value, field)
        try:
            kind(value)
        except ValueError:
            allowed = ", ".join(str(member.value) for member in kind)
            raise ValidationError(field, f"must be one of {allowed}") from None
        return value
    raise ValidationError(field, f"must be a {kind.__name__}")


def _check_plain(value: object, kind: Any, field: str, *, required: bool) -> object:
    if not isinstance(kind, type) or kind is typing.IO:
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ValidationError(field, "must be a bool (True or False)")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, "must be an int")
        _check_int(value, field)
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(field, "must be a number")
        _check_float(float(value), field)
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ValidationError(field, "must be a str")
        return check_text(value, field, required=required)
    if kind is Decimal:
        if isinstance(value, str):
            _decimal_text(value, field)
        elif not isinstance(value, Decimal):
            raise ValidationError(field, "must be a Decimal")
        else:
            _check_decimal(value, field)
        return value
    if kind is dt.datetime:
        if not isinstance(value, dt.datetime):
            raise ValidationError(field, "must be a datetime")
        _check_moment(value, field)
        return value
    if kind is dt.date:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError(field, "must be a date (not a datetime)")
        _check_year(value.year, field)
        return value
    if issubclass(kind, enum.Enum):
        return _check_enum(value, kind, field)
    if not isinstance(value, kind):
        raise ValidationError(field, f"must be a {kind.__name__}")
    return value


def _check_generic(value: object, kind: Any, origin: Any, field: str) -> object:
    args = typing.get_args(kind)
    if origin is typing.IO:
        if not callable(getattr(value, "read", None)):
            raise ValidationError(field, "must be a readable stream")
        return value
    if origin is type:
        if not isinstance(value, type) or (args and isinstance(args[0], type) and not issubclass(value, args[0])):
            raise ValidationError(field, "must be a class of the expected kind")
        return value
    if origin is cabc.Callable:
        if not callable(value):
            raise ValidationError(field, "must be callable")
        return value
    if isinstance(origin, type) and issubclass(origin, cabc.Mapping):
        if not isinstance(value, cabc.Mapping):
            raise ValidationError(field, "must be a mapping")
        _check_size(value, field)
        key_kind, item_kind = args if len(args) == 2 else (Any, Any)
        for key, item in value.items():
            check_value(key, key_kind, field)
            check_value(item, item_kind, f"{field}.{key}" if isinstance(key, str) else field)
        return value
    if isinstance(origin, type) and issubclass(origin, cabc.Iterable):
        return _check_items(value, origin, args, field)
    return value


def _check_items(value: object, origin: type, args: tuple[Any, ...], field: str) -> object:
    if isinstance(value, (str, bytes, bytearray, cabc.Mapping)) or not isinstance(value, cabc.Iterable):
        raise ValidationError(field, "must be a sequence of items, not text or a single value")
    if origin in (list, tuple) and not isinstance(value, origin):
        raise ValidationError(field, f"must be a {origin.__name__}")
    item_kind = args[0] if args else Any
    if not isinstance(value, (list, tuple, set, frozenset)) and _is_record(item_kind):
        # A stream of import records: checked as it is read, so memory stays flat; the
        # import reports a bad record's cells itself and commits in batches.
        return (check_value(item, item_kind, f"{field}[{index}]") for index, item in enumerate(value))
    items = value if isinstance(value, (list, tuple, set, frozenset)) else tuple(_bounded(value, field))
    _check_size(items, field)
    if origin is tuple and args and args[-1] is not Ellipsis:
        if len(items) != len(args):
            raise ValidationError(field, f"must hold {len(args)} items")
        for index, (item, item_kind) in enumerate(zip(items, args, strict=True)):
            check_value(item, item_kind, f"{field}[{index}]", required=item_kind is str)
        return items
    if item_kind is str:
        # Ids by the thousand (the daily run's ports): the limit every item shares, worked out
        # once; only an item that is not plainly fine goes through the full check.
        limit = _text_limit(field)
        for index, item in enumerate(items):
            if not _plainly_fine(item, limit):
                check_value(item, str, f"{field}[{index}]", required=True)
        return items
    for index, item in enumerate(items):
        check_value(item, item_kind, f"{field}[{index}]", required=False)
    return items


def _is_record(kind: Any) -> bool:
    origin = typing.get_origin(kind) or kind
    return isinstance(origin, type) and issubclass(origin, cabc.Mapping)


def _bounded(values: cabc.Iterable[object], field: str) -> cabc.Iterator[object]:
    for count, item in enumerate(values):
        if count >= ITEMS_LIMIT:
            raise ValidationError(field, f"at most {ITEMS_LIMIT} items")
        yield item


@attrs.frozen
class _Named:
    """A class imported for type checking only: the value's class (or a base) must bear this name."""

    name: str

    def check(self, value: object, field: str) -> object:
        if self.name not in {kind.__name__ for kind in type(value).__mro__}:
            raise ValidationError(field, f"must be a {self.name}")
        return value


class _Plan:
    """What to check for one method: its signature and resolved annotations."""

    def __init__(self, function: cabc.Callable[..., Any]) -> None:
        self.signature = inspect.signature(function)
        self.hints = _hints(function)

    def check(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError:
            raise ValidationError("arguments", "do not match the method's parameters") from None
        for name, value in bound.arguments.items():
            parameter = self.signature.parameters[name]
            kind = self.hints.get(name, Any)
            required = _required_text(parameter, kind)
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                bound.arguments[name] = tuple(
                    check_value(item, kind, f"{name}[{index}]", required=required) for index, item in enumerate(value)
                )
            elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
                for key, item in value.items():
                    check_text(key, "keyword", required=True)
                    value[key] = check_value(item, kind, key)
            else:
                bound.arguments[name] = check_value(value, kind, name, required=required)
        return bound.args, bound.kwargs


def _required_text(parameter: inspect.Parameter, kind: Any) -> bool:
    """Text must not be blank when the parameter has no default or a non-blank one, or names an id or a person.

    An optional filter defaulting to None or "" may be blank (``search(name="")`` lists everyone).
    """
    name = parameter.name
    if name == "by" or name.endswith("_id") or parameter.default is inspect.Parameter.empty:
        return True
    return isinstance(parameter.default, str) and parameter.default != ""


def _hints(function: cabc.Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except (NameError, TypeError):
        # Some annotations name types imported for type checking only; check those as "any value".
        found: dict[str, Any] = {}
        namespace = getattr(function, "__globals__", {})
        for name, text in getattr(function, "__annotations__", {}).items():
            try:
                found[name] = eval(text, namespace) if isinstance(text, str) else text  # noqa: S307 - own annotations
            except Exception:
                found[name] = _Named(text) if isinstance(text, str) and text.isidentifier() else Any
        return found


@functools.cache
def _plan(function: cabc.Callable[..., Any]) -> _Plan:
    return _Plan(function)


def checked(
    function: cabc.Callable[..., Any], call: cabc.Callable[..., Any] | None = None, owner: object = None
) -> cabc.Callable[..., Any]:
    """``call`` (``function`` itself by default) with its arguments checked against ``function``'s annotations.

    ``function`` is the plain function as defined on its class; for a method,
    ``call`` is what runs it on ``owner`` (the bound method or a wrapper of it).
    """
    plan = _plan(function)
    if call is None:

        @functools.wraps(function)
        def run_function(*args: Any, **kwargs: Any) -> Any:
            checked_args, checked_kwargs = plan.check(args, kwargs)
            return function(*checked_args, **checked_kwargs)

        return run_function
    method = call

    @functools.wraps(method)
    def run_method(*args: Any, **kwargs: Any) -> Any:
        checked_args, checked_kwargs = plan.check((owner, *args), kwargs)
        return method(*checked_args[1:], **checked_kwargs)

    return run_method


def check_calls(service: object) -> None:
    """Check the arguments of every public method of ``service`` before it runs."""
    kind = type(service)
    for name in dir(kind):
        if name.startswith("_"):
            continue
        static = inspect.getattr_static(kind, name)
        if isinstance(static, staticmethod):
            setattr(service, name, checked(static.__func__))
        elif inspect.isfunction(static):
            setattr(service, name, checked(static, getattr(service, name), service))
