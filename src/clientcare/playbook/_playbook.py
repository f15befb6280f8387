"""The playbook: every number clientcare follows, as one typed object.

Some defaults come from the documents (the 20/80 weighting of hard and soft
profile, the 2/3/5/10/80 follow-up table); where the documents are silent the
default is an assumption, and says so: every setting is marked with its seed
and passage or with why it was assumed (``clientcare.playbook.provenance``).
A tenant may load its own playbook from
TOML; a wrong value is a :class:`~clientcare.errors.PlaybookError` naming the
key (``profile.hard_weight``) and the rule it broke.
"""

from __future__ import annotations

import tomllib
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from clientcare.errors import PlaybookError
from clientcare.playbook._analytics import AnalyticsRules
from clientcare.playbook._archive import CardRules, ProfileWeights
from clientcare.playbook._assessments import AssessmentRules, SurveyRules
from clientcare.playbook._cadences import CadenceRules
from clientcare.playbook._checks import iso_dates
from clientcare.playbook._complaints import ComplaintRules
from clientcare.playbook._locale import LocaleSettings
from clientcare.playbook._loyalty import (
    AbcLabel,
    AbcRules,
    BenefitRules,
    ContractRules,
    MembershipRules,
    PointsRules,
    ReferralRules,
    SegmentRules,
)
from clientcare.playbook._shop import ShopSettings

__all__ = ["DEPRECATED_KEYS", "Playbook"]


@attrs.frozen
class Playbook:
    """Every tunable number of clientcare; each default marked as from the documents or assumed."""

    locale: LocaleSettings = attrs.field(factory=LocaleSettings)
    shop: ShopSettings = attrs.field(factory=ShopSettings)
    profile: ProfileWeights = attrs.field(factory=ProfileWeights)
    card: CardRules = attrs.field(factory=CardRules)
    abc: AbcRules = attrs.field(factory=AbcRules)
    segments: SegmentRules = attrs.field(factory=SegmentRules)
    membership: MembershipRules = attrs.field(factory=MembershipRules)
    points: PointsRules = attrs.field(factory=PointsRules)
    referrals: ReferralRules = attrs.field(factory=ReferralRules)
    benefits: BenefitRules = attrs.field(factory=BenefitRules)
    contracts: ContractRules = attrs.field(factory=ContractRules)
    assessment: AssessmentRules = attrs.field(factory=AssessmentRules)
    survey: SurveyRules = attrs.field(factory=SurveyRules)
    analytics: AnalyticsRules = attrs.field(factory=AnalyticsRules)
    complaints: ComplaintRules = attrs.field(factory=ComplaintRules)
    cadences: CadenceRules = attrs.field(factory=CadenceRules)

    @classmethod
    def default(cls) -> Playbook:
        """The defaults: the documents' where they give one, marked assumptions elsewhere."""
        return cls()

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Playbook:
        """Build from nested dicts (as parsed TOML); unknown keys are refused.

        A deprecated key (:data:`DEPRECATED_KEYS`) is read as its replacement,
        with a :class:`DeprecationWarning`; giving both is a PlaybookError."""
        data = _replace_deprecated(data)
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


#: Older keys and the one key that replaced each (dotted paths). Issue 17: one
#: setting holds the card expiry reminders, one rule says who may join.
DEPRECATED_KEYS: dict[str, str] = {
    "cadences.greetings.card_expiry_days_ahead": "membership.expiry_reminder_days",
    "membership.invite_old_customers_only": "membership.old_customers_only",
}


def _replace_deprecated(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with each deprecated key moved to its replacement (warned once per load)."""
    result = _copy_tables(data)
    for old, new in DEPRECATED_KEYS.items():
        *old_path, old_key = old.split(".")
        table = _table(result, old_path)
        if table is None or old_key not in table:
            continue
        *new_path, new_key = new.split(".")
        target = _table(result, new_path, create=True)
        if target is None:
            raise PlaybookError(".".join(new_path), "must be a table")
        if new_key in target:
            raise PlaybookError(old, f"deprecated: give only {new}")
        warnings.warn(f"playbook key {old} is deprecated: use {new}", DeprecationWarning, stacklevel=3)
        target[new_key] = table.pop(old_key)
    # The older form of the reminder days was one number.
    membership = result.get("membership")
    if isinstance(membership, dict) and isinstance(membership.get("expiry_reminder_days"), int):
        membership["expiry_reminder_days"] = [membership["expiry_reminder_days"]]
    return result


def _copy_tables(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _copy_tables(v) if isinstance(v, dict) else v for k, v in data.items()}


def _table(data: dict[str, Any], path: list[str], *, create: bool = False) -> dict[str, Any] | None:
    current: Any = data
    for name in path:
        if not isinstance(current, dict):
            return None
        if name not in current and create:
            current[name] = {}
        current = current.get(name)
    return current if isinstance(current, dict) else None


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


def _structure_date(value: object, _: type) -> date:
    # TOML has native dates; strings in ISO form are accepted as well.
    return iso_dates(value)[0]


_converter.register_structure_hook(date, _structure_date)


def _structure_tier(value: object, _: type) -> AbcLabel:
    try:
        return AbcLabel(str(value))
    except ValueError:
        raise PlaybookError("tier", "must be A, B or C") from None


_converter.register_structure_hook(AbcLabel, _structure_tier)
