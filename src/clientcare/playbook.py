"""The playbook: every number the source documents give, as one typed object.

Defaults come from the documents (the 20/80 weighting of hard and soft
profile, China as the first market). A tenant may load its own playbook from
TOML; a wrong value is a :class:`~clientcare.errors.PlaybookError` naming the
key (``profile.hard_weight``) and the rule it broke.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs

from clientcare._assessment_rules import AssessmentRules, SurveyRules
from clientcare.errors import PlaybookError

__all__ = [
    "AnalyticsRules",
    "AssessmentRules",
    "CardRules",
    "LocaleSettings",
    "Playbook",
    "ProfileWeights",
    "SurveyRules",
]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value <= 0:
        raise PlaybookError(attribute.name, "must be greater than zero")


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise PlaybookError(attribute.name, "must be between 0 and 1")


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


@attrs.frozen
class ProfileWeights:
    """P03: the hard archive is worth 20% of a profile, the soft archive 80%."""

    hard_weight: Decimal = attrs.field(default=Decimal("0.2"), validator=_fraction)
    soft_weight: Decimal = attrs.field(default=Decimal("0.8"), validator=_fraction)

    def __attrs_post_init__(self) -> None:
        if self.hard_weight + self.soft_weight != Decimal(1):
            raise PlaybookError("hard_weight", "hard_weight + soft_weight must equal 1")


@attrs.frozen
class CardRules:
    """P06: a relationship card not reviewed within this many days is stale."""

    stale_after_days: int = attrs.field(default=90, validator=_positive)
    key_stale_after_days: int = attrs.field(default=30, validator=_positive)


@attrs.frozen
class AnalyticsRules:
    """P64: the assumptions behind lifetime value (the documents give no numbers)."""

    gross_margin: Decimal = attrs.field(default=Decimal("0.40"), validator=_fraction)
    discount_rate: Decimal = attrs.field(default=Decimal("0.10"), validator=_fraction)
    yearly_service_cost: Decimal = attrs.field(default=Decimal("0"))

    def __attrs_post_init__(self) -> None:
        if self.yearly_service_cost < 0:
            raise PlaybookError("yearly_service_cost", "must not be negative")


@attrs.frozen
class Playbook:
    """Every tunable number of clientcare, with the documents' defaults."""

    locale: LocaleSettings = attrs.field(factory=LocaleSettings)
    profile: ProfileWeights = attrs.field(factory=ProfileWeights)
    card: CardRules = attrs.field(factory=CardRules)
    assessment: AssessmentRules = attrs.field(factory=AssessmentRules)
    survey: SurveyRules = attrs.field(factory=SurveyRules)
    analytics: AnalyticsRules = attrs.field(factory=AnalyticsRules)

    @classmethod
    def default(cls) -> Playbook:
        """The documents' defaults: China, CNY, Asia/Shanghai, 20/80 profile."""
        return cls()

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Playbook:
        """Build from nested dicts (as parsed TOML); unknown keys are refused."""
        try:
            return _converter.structure(data, cls)
        except PlaybookError:
            raise
        except Exception as exc:  # cattrs reports a tree of errors; name the first leaf
            raise _first_error(exc, "") from None

    @classmethod
    def from_toml(cls, source: str | Path) -> Playbook:
        """Load a playbook from TOML text or a path to a ``.toml`` file."""
        if isinstance(source, Path) or (isinstance(source, str) and source.endswith(".toml")):
            text = Path(source).read_text(encoding="utf-8")
        else:
            text = source
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PlaybookError("playbook", "not valid TOML", str(exc)) from None
        return cls.from_mapping(data)


def _first_error(exc: BaseException, path: str) -> PlaybookError:
    if isinstance(exc, PlaybookError):
        field = f"{path}.{exc.field}".lstrip(".") if path else exc.field
        # A validator names only its attribute; the path gives the section.
        if path and path.endswith(exc.field):
            field = path
        return PlaybookError(field, exc.rule, exc.detail)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        key = sorted(exc.extra_fields)[0]
        return PlaybookError(f"{path}.{key}".lstrip("."), "unknown key")
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            note = _note(sub)
            return _first_error(sub, f"{path}.{note}".strip(".") if note else path)
    if isinstance(exc, KeyError):
        return PlaybookError(path or "playbook", "required key missing")
    return PlaybookError(path or "playbook", "wrong type or value", type(exc).__name__)


def _note(exc: BaseException) -> str:
    for note in getattr(exc, "__notes__", []):
        name = getattr(note, "name", None)
        if isinstance(name, str):
            return name
    return ""


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float, Decimal)):
        raise PlaybookError("value", "must be a number")
    return Decimal(str(value))


# Private: the playbook's own converter refuses unknown keys, so a typo in a
# tenant's TOML is an error rather than a silently ignored setting.
_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(Decimal, _structure_decimal)
