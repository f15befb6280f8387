"""Playbook sections for relationship assessments (P60, P61) and loyalty surveys
(P62, P65, P50): the assessment form templates and every threshold they use.

These classes hang off :class:`clientcare.playbook.Playbook` as ``assessment``
and ``survey``. The form's rows are in ``_indicators`` and the default form's
data in ``_default_form``; none imports the domain, so the playbook can load
them without pulling it in.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import ascii_key, positive, positive_int
from clientcare.playbook._default_form import DEFAULT_GRADES, DEFAULT_INDICATORS
from clientcare.playbook._indicators import GradeBand, IndicatorTemplate, Standing
from clientcare.playbook._loyalty import AbcLabel
from clientcare.playbook._provenance import assumed, documented

__all__ = ["AssessmentRules", "FormTemplate", "SurveyRules"]

_HUNDRED = Decimal(100)


@attrs.frozen(kw_only=True)
class FormTemplate:
    """P60: the 客户关系评估表 — indicators whose weights sum to 100%, grade
    bands, and the score ranges that give each standing.

    The final score lies in ``0..scale_max``; below ``terminate_below`` the
    form recommends ending the relationship, below ``improve_below``
    improving it, otherwise maintaining it. Ranges are ordered, so the
    standing never falls as the score rises.
    """

    key: str = attrs.field(validator=ascii_key)
    title: str = documented("客户关系评估表", seed="003", passage="填寫《客戶關系評估表》")
    indicators: tuple[IndicatorTemplate, ...] = assumed(
        DEFAULT_INDICATORS,
        why="seed 003 shows the form's columns, not its rows; what a store or small B2B supplier would weigh",
    )
    grades: tuple[GradeBand, ...] = assumed(
        DEFAULT_GRADES, why="seed 003 shows the form's columns but no rows, weights or ranges; A-D bands at 85/70/50%"
    )
    scale_max: Decimal = assumed(
        _HUNDRED,
        why="seed 003 shows the form's columns but no rows, weights or ranges; scored out of 100",
        validator=positive,
    )
    terminate_below: Decimal = assumed(
        Decimal(40),
        why="seed 003 gives the three recommendations (改進/維持/終止關系) but no score ranges",
    )
    improve_below: Decimal = assumed(
        Decimal(70),
        why="seed 003 gives the three recommendations (改進/維持/終止關系) but no score ranges",
    )

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


def _default_tiers() -> dict[AbcLabel, int]:
    return {AbcLabel.A: 91, AbcLabel.B: 182, AbcLabel.C: 365}


def _tier_periods(value: object) -> dict[AbcLabel, int]:
    if not isinstance(value, dict):
        raise PlaybookError("every_days_by_tier", "must be a table of tier = days")
    try:
        return {AbcLabel(tier): days for tier, days in value.items()}
    except ValueError:
        raise PlaybookError("every_days_by_tier", "tiers are A, B or C") from None


def _default_severities() -> dict[str, Decimal]:
    return {"minor": Decimal(1), "normal": Decimal(2), "major": Decimal(4)}


@attrs.frozen(kw_only=True)
class AssessmentRules:
    """P60/P61: forms, how often customers are assessed, what standings trigger."""

    default_form: str = assumed("relationship", why="the one form of seed 003, under a key for TOML")
    forms: tuple[FormTemplate, ...] = documented(
        seed="003", passage="客戶關系評估表", factory=lambda: (FormTemplate(key="relationship"),)
    )
    #: Key customers (P17) are assessed quarterly by default.
    every_days_key: int = assumed(
        91,
        why="seed 003 says 定期 (periodically) without a period; quarterly for key customers",
        validator=positive_int,
    )
    #: Period by tier (from the tiers area); customers without a tier use the default.
    every_days_by_tier: dict[AbcLabel, int] = assumed(
        why="seed 003 says 定期 without a period; quarterly, half-yearly, yearly by tier",
        factory=_default_tiers,
        converter=_tier_periods,
        hash=False,
    )
    every_days_default: int = assumed(365, why="seed 003 says 定期 without a period; yearly", validator=positive_int)
    #: "improve" raises the visit frequency to one visit every this many days.
    improve_visit_every_days: int = assumed(
        14, why="seed 003 says marketing drafts measures (擬定…改進措施) but sets no frequency", validator=positive_int
    )
    #: P61: who reviews a routed assessment (市场营销总监, 市场营销部经理, 相关部门).
    review_roles: tuple[str, ...] = documented(
        ("marketing_director", "marketing_manager", "related_departments"),
        seed="003",
        passage="市場營銷部經理以及相關部門進行審閱",
    )
    #: P61: roles whose answer must be in before an ending is confirmed (routing is required).
    termination_reviewed_by: tuple[str, ...] = assumed(
        ("marketing_manager",),
        why="seed 003 routes every assessment to review (送…進行審閱) but names no role an ending waits for; "
        "marketing, which drafts the measures",
        converter=tuple,
    )
    #: Who may act on an assessment, lowest first: an actor's role ranks by its place here.
    authority_chain: tuple[str, ...] = assumed(
        ("customer_service", "marketing_manager", "marketing_director"),
        why="seed 003 names 客戶服務部, 市場營銷部經理 and 營銷總監 but not who may decide what",
        converter=tuple,
    )
    #: P60: the lowest role that may replace the form's standing.
    override_from: str = assumed("marketing_manager", why="the documents do not say who may overrule the form")
    #: P61: the lowest role that may confirm an ending (it stops all marketing).
    confirm_termination_from: str = assumed(
        "marketing_director", why="the documents do not say who confirms an ending; the highest role they name"
    )
    #: Complaint severities weighted for the complaints indicator; others count as "normal".
    severity_weights: dict[str, Decimal] = assumed(
        why="the documents do not weigh complaints; a major one counts as four minor ones",
        factory=_default_severities,
        hash=False,
    )
    #: Changes within this many points count as "flat" in the score trend.
    trend_flat_within: Decimal = assumed(Decimal(2), why="not in the documents; two points of 100 is noise")

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
        if not self.authority_chain or len(set(self.authority_chain)) != len(self.authority_chain):
            raise PlaybookError("authority_chain", "at least one role, each once")
        for name in ("override_from", "confirm_termination_from"):
            if getattr(self, name) not in self.authority_chain:
                raise PlaybookError(name, "must be a role of authority_chain")
        if "normal" not in self.severity_weights or any(w < 0 for w in self.severity_weights.values()):
            raise PlaybookError("severity_weights", "needs a 'normal' weight and no negative ones")

    def form(self, key: str | None = None) -> FormTemplate:
        """The form with ``key`` (the default form when None)."""
        wanted = key or self.default_form
        for form in self.forms:
            if form.key == wanted:
                return form
        raise PlaybookError("assessment.forms", "no form with that key", wanted)

    def every_days_for(self, tier: AbcLabel | None, *, key: bool) -> int:
        """How often a customer is assessed: the shorter of its tier's period and,
        for a key customer, the key period; the default when neither applies."""
        periods = [self.every_days_by_tier.get(tier, self.every_days_default) if tier is not None else None]
        periods.append(self.every_days_key if key else None)
        return min((p for p in periods if p is not None), default=self.every_days_default)

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

    rating_max: int = assumed(
        5, why="seed 004 names the indicators, not a scale; the usual five points", validator=positive_int
    )
    attributes: tuple[str, ...] = assumed(
        ("product_quality", "price", "staff_service", "after_sales", "delivery"),
        why="seed 004 asks about each product or service attribute without a list; the causes of P41",
    )
    #: P50: a recommendation at or below this is a silent complaint (0-6 are NPS detractors).
    low_recommend_at_most: int = assumed(4, why="no threshold in the documents; the lower NPS detractors")
    #: P50: a 1..rating_max answer at or below this is a silent complaint.
    low_rating_at_most: int = assumed(2, why="no threshold in the documents; the two lowest points")
    #: P65: experienced minus expected at or below this is a silent complaint.
    low_gap_at_most: int = assumed(-2, why="seed 001 defines satisfaction as a gap but gives no threshold")
    #: This many low answers together make the signal's severity major.
    high_severity_from: int = assumed(
        2, why="no rule in the documents; two low answers at once", validator=positive_int
    )

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
