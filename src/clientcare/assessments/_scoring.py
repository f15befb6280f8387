"""Scoring a relationship assessment (P60), as a pure function of the form and
the readings, so it can be tested on its own: each available indicator
contributes ``weight% x score/scale``; indicators without data are left out
and the remaining weights re-normalised to 100%, so the final score stays on
the form's scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.errors import RuleViolation, ValidationError
from clientcare.playbook import FormTemplate, IndicatorKind, IndicatorTemplate

__all__ = ["IndicatorEntry", "IndicatorResult", "Reading", "score_form"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _q(value: Decimal) -> Decimal:
    return value.quantize(_CENT, ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class IndicatorEntry:
    """What staff type into one row: a score (staff indicators only), basis, remarks."""

    score: Decimal | int | str | None = None
    basis: str = attrs.field(default="", repr=False)
    remarks: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class Reading:
    """One indicator's score on its scale, or ``None`` when there is no data."""

    score: Decimal | None
    basis: str = attrs.field(repr=False)
    remarks: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """P60: one row of the completed form.

    ``weight`` is the form's weight in percent; ``effective_weight`` the
    weight actually used after leaving out indicators without data;
    ``points`` the row's share of the final score.
    """

    key: str
    label: str
    source: IndicatorKind
    weight: Decimal
    scale_max: Decimal
    available: bool
    score: Decimal | None
    grade: str | None
    effective_weight: Decimal
    points: Decimal
    basis: str = attrs.field(repr=False)
    remarks: str = attrs.field(default="", repr=False)
    previous_score: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """The score's change since the previous assessment (None if either is missing)."""
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def percent(self) -> Decimal | None:
        """The score as a percentage of its scale."""
        return None if self.score is None else _q(self.score * _HUNDRED / self.scale_max)


def _contribution(form: FormTemplate, indicator: IndicatorTemplate, score: Decimal) -> Decimal:
    """The row's share of the total on the form's scale, before re-normalising."""
    return indicator.weight * score / indicator.scale_max * form.scale_max / _HUNDRED


def _row(
    form: FormTemplate, indicator: IndicatorTemplate, reading: Reading, available_weight: Decimal
) -> IndicatorResult:
    """One row of the completed form; a row without data is marked not available."""
    score = reading.score
    if score is not None and not Decimal(0) <= score <= indicator.scale_max:
        raise ValidationError(f"scores.{indicator.key}", f"must be between 0 and {indicator.scale_max}")
    grade: str | None = None
    effective = points = Decimal(0)
    basis = reading.basis or "no data"
    if score is not None:
        grade = form.grade(score, indicator.scale_max)
        effective = _q(indicator.weight * _HUNDRED / available_weight)
        points = _q(_contribution(form, indicator, score) * _HUNDRED / available_weight)
        basis = reading.basis
    return IndicatorResult(
        key=indicator.key,
        label=indicator.label,
        source=indicator.source,
        weight=indicator.weight,
        scale_max=indicator.scale_max,
        available=score is not None,
        score=score,
        grade=grade,
        effective_weight=effective,
        points=points,
        basis=basis,
        remarks=reading.remarks,
    )


def score_form(
    form: FormTemplate, readings: Mapping[str, Reading]
) -> tuple[tuple[IndicatorResult, ...], Decimal, Decimal, Decimal]:
    """Score every row of ``form``: (results, total, available weight, final score).

    ``total`` is the weighted sum of the available rows on the form's scale
    (合计); ``final`` re-normalises it to the available weight (最终得分), so
    missing data neither punishes nor rewards the customer. Both equal the
    plain weighted sum when every indicator has data.
    """
    available_weight = sum(
        (i.weight for i in form.indicators if readings.get(i.key, Reading(score=None, basis="")).score is not None),
        Decimal(0),
    )
    if available_weight == 0:
        raise RuleViolation("assessment.no_data", "no indicator of the form has data or a staff score")
    results = tuple(
        _row(form, i, readings.get(i.key, Reading(score=None, basis="no data")), available_weight)
        for i in form.indicators
    )
    total = sum(
        (_contribution(form, i, r.score) for i, r in zip(form.indicators, results, strict=True) if r.score is not None),
        Decimal(0),
    )
    final = _q(total * _HUNDRED / available_weight)
    return results, _q(total), available_weight, final
