"""Playbook sections for relationship assessments (P60, P61) and loyalty surveys
(P62, P65, P50): the assessment form templates and every threshold they use.

These classes hang off :class:`clientcare.playbook.Playbook` as ``assessment``
and ``survey``. They import nothing but the errors module, so the playbook can
load them without pulling in the domain.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from clientcare.errors import PlaybookError

__all__ = [
    "AssessmentRules",
    "FormTemplate",
    "GradeBand",
    "IndicatorKind",
    "IndicatorTemplate",
    "Standing",
    "SurveyRules",
]

_HUNDRED = Decimal(100)


class Standing(enum.StrEnum):
    """P60: the form's recommendation — improve, maintain or end the relationship."""

    TERMINATE = "terminate"
    IMPROVE = "improve"
    MAINTAIN = "maintain"

    @property
    def rank(self) -> int:
        """Order by score: a higher score never gives a lower rank (monotone)."""
        return _RANK[self]


_RANK = {Standing.TERMINATE: 0, Standing.IMPROVE: 1, Standing.MAINTAIN: 2}


class IndicatorKind(enum.StrEnum):
    """Where an indicator's score comes from (P60 "得分依据")."""

    STAFF = "staff"  # entered by staff, with a basis and remarks
    SPEND = "spend"  # net spend in the window (deal archive)
    SPEND_TREND = "spend_trend"  # spend in the window / spend in the window before
    FREQUENCY = "frequency"  # sales in the window
    RECENCY = "recency"  # days since the last sale
    COMPLAINTS = "complaints"  # severity-weighted complaints in the window (complaints port)
    REFERRALS = "referrals"  # referrals given in the window (referrals port)
    RESPONSIVENESS = "responsiveness"  # share of contacts answered, 0..1 (contacts port)
    SURVEY = "survey"  # loyalty index 0..1 of the latest survey answer in the window
    EXTERNAL = "external"  # a figure from the embedding system (ERP), asked by indicator key


def _positive_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PlaybookError(attribute.name, "must be a whole number greater than zero")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if value <= 0:
        raise PlaybookError(attribute.name, "must be greater than zero")


def _key(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or len(value) > 40 or not value.replace("_", "").isalnum() or not value.isascii():
        raise PlaybookError(attribute.name, "must be 1-40 ASCII letters, digits or underscores")


@attrs.frozen(kw_only=True)
class GradeBand:
    """A grade given when an indicator reaches ``min_percent`` of its scale."""

    grade: str
    min_percent: Decimal

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) <= self.min_percent <= _HUNDRED:
            raise PlaybookError("min_percent", "must be between 0 and 100")


def _default_grades() -> tuple[GradeBand, ...]:
    return (
        GradeBand(grade="A", min_percent=Decimal(85)),
        GradeBand(grade="B", min_percent=Decimal(70)),
        GradeBand(grade="C", min_percent=Decimal(50)),
        GradeBand(grade="D", min_percent=Decimal(0)),
    )


@attrs.frozen(kw_only=True)
class IndicatorTemplate:
    """One row of the form: what is measured, its weight in percent, its scale.

    Computed indicators map a raw figure linearly onto ``0..scale_max``:
    ``zero_at`` earns nothing, ``full_at`` earns full marks, values beyond
    either end are clamped. ``full_at`` may be below ``zero_at`` where less is
    better (days since the last purchase, complaints).
    """

    key: str = attrs.field(validator=_key)
    label: str
    weight: Decimal = attrs.field(validator=_positive)
    source: IndicatorKind = IndicatorKind.STAFF
    scale_max: Decimal = attrs.field(default=Decimal(10), validator=_positive)
    window_days: int = attrs.field(default=365, validator=_positive_int)
    zero_at: Decimal | None = None
    full_at: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        if self.source is IndicatorKind.STAFF:
            return
        if self.zero_at is None or self.full_at is None:
            raise PlaybookError("full_at", "a computed indicator needs zero_at and full_at")
        if self.zero_at == self.full_at:
            raise PlaybookError("full_at", "must differ from zero_at")

    def score_from(self, raw: Decimal) -> Decimal:
        """The raw figure on this indicator's scale (linear, clamped), 2 decimals."""
        if self.zero_at is None or self.full_at is None:
            raise PlaybookError("full_at", "a staff indicator has no mapping from data")
        share = (raw - self.zero_at) / (self.full_at - self.zero_at)
        share = min(Decimal(1), max(Decimal(0), share))
        return (share * self.scale_max).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _default_indicators() -> tuple[IndicatorTemplate, ...]:
    # The document leaves the indicators open; these are what a store or a
    # small B2B supplier would weigh (docs/assessments.md shows the form).
    return (
        IndicatorTemplate(
            key="spend",
            label="采购金额 spend",
            weight=Decimal(25),
            source=IndicatorKind.SPEND,
            zero_at=Decimal(0),
            full_at=Decimal(20000),
        ),
        IndicatorTemplate(
            key="spend_trend",
            label="金额趋势 spend trend",
            weight=Decimal(10),
            source=IndicatorKind.SPEND_TREND,
            zero_at=Decimal("0.5"),
            full_at=Decimal("1.2"),
        ),
        IndicatorTemplate(
            key="frequency",
            label="购买频率 frequency",
            weight=Decimal(15),
            source=IndicatorKind.FREQUENCY,
            zero_at=Decimal(0),
            full_at=Decimal(6),
        ),
        IndicatorTemplate(
            key="recency",
            label="最近购买 recency",
            weight=Decimal(10),
            source=IndicatorKind.RECENCY,
            zero_at=Decimal(365),
            full_at=Decimal(30),
        ),
        IndicatorTemplate(
            key="complaints",
            label="投诉情况 complaints",
            weight=Decimal(10),
            source=IndicatorKind.COMPLAINTS,
            zero_at=Decimal(6),
            full_at=Decimal(0),
        ),
        IndicatorTemplate(
            key="referrals",
            label="转介绍 referrals",
            weight=Decimal(5),
            source=IndicatorKind.REFERRALS,
            zero_at=Decimal(0),
            full_at=Decimal(2),
        ),
        IndicatorTemplate(
            key="responsiveness",
            label="联系响应 responsiveness",
            weight=Decimal(5),
            source=IndicatorKind.RESPONSIVENESS,
            zero_at=Decimal(0),
            full_at=Decimal(1),
        ),
        IndicatorTemplate(
            key="loyalty",
            label="忠诚度调查 loyalty survey",
            weight=Decimal(10),
            source=IndicatorKind.SURVEY,
            zero_at=Decimal(0),
            full_at=Decimal(1),
        ),
        IndicatorTemplate(key="cooperation", label="合作态度 cooperation", weight=Decimal(10)),
    )


@attrs.frozen(kw_only=True)
class FormTemplate:
    """P60: the 客户关系评估表 — indicators whose weights sum to 100%, grade
    bands, and the score ranges that give each standing.

    The final score lies in ``0..scale_max``; below ``terminate_below`` the
    form recommends ending the relationship, below ``improve_below``
    improving it, otherwise maintaining it. Ranges are ordered, so the
    standing never falls as the score rises.
    """

    key: str = attrs.field(validator=_key)
    title: str = "客户关系评估表"
    indicators: tuple[IndicatorTemplate, ...] = attrs.field(factory=_default_indicators)
    grades: tuple[GradeBand, ...] = attrs.field(factory=_default_grades)
    scale_max: Decimal = attrs.field(default=_HUNDRED, validator=_positive)
    terminate_below: Decimal = Decimal(40)
    improve_below: Decimal = Decimal(70)

    def __attrs_post_init__(self) -> None:
        if not self.indicators:
            raise PlaybookError("indicators", "at least one indicator")
        keys = [i.key for i in self.indicators]
        if len(set(keys)) != len(keys):
            raise PlaybookError("indicators", "indicator keys must be unique")
        total = sum((i.weight for i in self.indicators), Decimal(0))
        if total != _HUNDRED:
            # The detail names the form and the sum (never personal data).
            raise PlaybookError(
                "indicators.weight", "indicator weights must sum to 100", f"form {self.key} sums to {total}"
            )
        if not Decimal(0) <= self.terminate_below <= self.improve_below <= self.scale_max:
            raise PlaybookError("improve_below", "need 0 <= terminate_below <= improve_below <= scale_max")
        bands = [g.min_percent for g in self.grades]
        if not bands or bands != sorted(bands, reverse=True) or len(set(bands)) != len(bands) or bands[-1] != 0:
            raise PlaybookError("grades", "min_percent strictly descending, the last one 0")

    def indicator(self, key: str) -> IndicatorTemplate:
        """The indicator with this key, or a PlaybookError naming it."""
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise PlaybookError(f"indicators.{key}", "not an indicator of this form")

    def grade(self, score: Decimal, scale_max: Decimal) -> str:
        """The grade of ``score`` out of ``scale_max``."""
        percent = score * _HUNDRED / scale_max
        return next(g.grade for g in self.grades if percent >= g.min_percent)

    def standing(self, final_score: Decimal) -> Standing:
        """The recommendation for a final score, from the form's ranges."""
        if final_score < self.terminate_below:
            return Standing.TERMINATE
        if final_score < self.improve_below:
            return Standing.IMPROVE
        return Standing.MAINTAIN


def _default_tiers() -> dict[str, int]:
    return {"A": 91, "B": 182, "C": 365}


def _default_severities() -> dict[str, Decimal]:
    return {"minor": Decimal(1), "normal": Decimal(2), "major": Decimal(4)}


@attrs.frozen(kw_only=True)
class AssessmentRules:
    """P60/P61: forms, how often customers are assessed, what standings trigger."""

    default_form: str = "relationship"
    forms: tuple[FormTemplate, ...] = attrs.field(factory=lambda: (FormTemplate(key="relationship"),))
    #: Key customers (P17) are assessed quarterly by default.
    every_days_key: int = attrs.field(default=91, validator=_positive_int)
    #: Period by tier (from the tiers area); customers without a tier use the default.
    every_days_by_tier: dict[str, int] = attrs.field(factory=_default_tiers, hash=False)
    every_days_default: int = attrs.field(default=365, validator=_positive_int)
    #: "improve" raises the visit frequency to one visit every this many days.
    improve_visit_every_days: int = attrs.field(default=14, validator=_positive_int)
    #: P61: who reviews a routed assessment (市场营销总监, 市场营销部经理, 相关部门).
    review_roles: tuple[str, ...] = ("marketing_director", "marketing_manager", "related_departments")
    #: Complaint severities weighted for the complaints indicator; others count as "normal".
    severity_weights: dict[str, Decimal] = attrs.field(factory=_default_severities, hash=False)
    #: Changes within this many points count as "flat" in the score trend.
    trend_flat_within: Decimal = Decimal(2)

    def __attrs_post_init__(self) -> None:
        keys = [f.key for f in self.forms]
        if len(set(keys)) != len(keys):
            raise PlaybookError("forms", "form keys must be unique")
        if self.default_form not in keys:
            raise PlaybookError("default_form", "must name one of the forms")
        if any(days <= 0 for days in self.every_days_by_tier.values()):
            raise PlaybookError("every_days_by_tier", "must be greater than zero")
        if not self.review_roles:
            raise PlaybookError("review_roles", "at least one role")
        if "normal" not in self.severity_weights or any(w < 0 for w in self.severity_weights.values()):
            raise PlaybookError("severity_weights", "needs a 'normal' weight and no negative ones")

    def form(self, key: str | None = None) -> FormTemplate:
        """The form with ``key`` (the default form when None)."""
        wanted = key or self.default_form
        for form in self.forms:
            if form.key == wanted:
                return form
        raise PlaybookError("assessment.forms", "no form with that key", wanted)

    def severity_weight(self, severity: str) -> Decimal:
        """The weight of one complaint of ``severity``."""
        return self.severity_weights.get(severity, self.severity_weights["normal"])


@attrs.frozen(kw_only=True)
class SurveyRules:
    """P62/P65/P50: the loyalty questionnaire's scales and what counts as low.

    Ratings (intention to buy again, trust, answered in time, importance,
    expected and experienced satisfaction, the competitor's) run from 1 to
    ``rating_max``; willingness to recommend from 0 to 10 (NPS).
    """

    rating_max: int = attrs.field(default=5, validator=_positive_int)
    attributes: tuple[str, ...] = ("product_quality", "price", "staff_service", "after_sales", "delivery")
    #: P50: a recommendation at or below this is a silent complaint (0-6 are NPS detractors).
    low_recommend_at_most: int = 4
    #: P50: a 1..rating_max answer at or below this is a silent complaint.
    low_rating_at_most: int = 2
    #: P65: experienced minus expected at or below this is a silent complaint.
    low_gap_at_most: int = -2
    #: This many low answers together make the signal's severity major.
    high_severity_from: int = attrs.field(default=2, validator=_positive_int)

    def __attrs_post_init__(self) -> None:
        if self.rating_max < 2:
            raise PlaybookError("rating_max", "at least 2")
        if not 0 <= self.low_recommend_at_most <= 10:
            raise PlaybookError("low_recommend_at_most", "must be between 0 and 10")
        if not 0 <= self.low_rating_at_most <= self.rating_max:
            raise PlaybookError("low_rating_at_most", "must be between 0 and rating_max")
        if self.low_gap_at_most >= 0:
            raise PlaybookError("low_gap_at_most", "must be below zero")
        if not self.attributes or len(set(self.attributes)) != len(self.attributes):
            raise PlaybookError("attributes", "at least one, each once")
