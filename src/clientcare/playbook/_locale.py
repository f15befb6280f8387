"""Where the tenant trades: currency, time zone, country, language."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from clientcare.errors import PlaybookError

__all__ = ["LocaleSettings"]


def _timezone(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlaybookError(attribute.name, "must be an IANA time zone name") from None


def _currency(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise PlaybookError(attribute.name, "must be an upper-case ISO 4217 code")


def _country(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        raise PlaybookError(attribute.name, "must be an upper-case ISO 3166 alpha-2 code")


@attrs.frozen
class LocaleSettings:
    """Where the tenant trades: currency, time zone, country, language."""

    currency: str = attrs.field(default="CNY", validator=_currency)
    timezone: str = attrs.field(default="Asia/Shanghai", validator=_timezone)
    country: str = attrs.field(default="CN", validator=_country)
    language: str = "zh_CN"

    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)
