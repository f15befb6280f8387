"""Where the tenant trades: currency, time zone, country, language."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._provenance import assumed

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

    currency: str = assumed(
        "CNY",
        why="the documents are written for shops in mainland China, which price in yuan; they name no setting",
        validator=_currency,
    )
    timezone: str = assumed(
        "Asia/Shanghai",
        why="the documents are written for shops in mainland China; they name no setting for it",
        validator=_timezone,
    )
    country: str = assumed(
        "CN",
        why="the documents are written for shops in mainland China; they name no setting for it",
        validator=_country,
    )
    language: str = assumed(
        "zh_CN", why="the documents are in Chinese; customers of the shops they describe read Chinese"
    )

    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)
