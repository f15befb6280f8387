"""Loyalty surveys (P62, P65, P50): the questionnaire, NPS per segment,
satisfaction gaps and the importance/performance table.

A low answer is a silent complaint (P50): the response records a
:class:`~clientcare.events.SilentComplaintSignal`, which the complaints area
turns into a complaint.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.assessments._events import SurveyAnswered
from clientcare.complaints._events import Severity, SilentComplaintSignal
from clientcare.errors import ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.playbook import SurveyRules

__all__ = [
    "AttributeAnswer",
    "AttributeRow",
    "NpsResult",
    "SurveyResponse",
    "importance_performance",
    "nps",
]

_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
    return value


@attrs.frozen(kw_only=True)
class AttributeAnswer:
    """P62/P65: one product or service attribute — how important it is, what the
    customer expected, what they experienced, and how the competitor does."""

    attribute: str
    importance: int
    expected: int
    experienced: int
    competitor: int | None = None

    @property
    def gap(self) -> int:
        """P65: satisfaction as experienced minus expected (negative = disappointed)."""
        return self.experienced - self.expected

    @property
    def versus_competitor(self) -> int | None:
        """Experienced minus the competitor's rating (None without a competitor rating)."""
        return None if self.competitor is None else self.experienced - self.competitor


@attrs.define(eq=False, kw_only=True)
class SurveyResponse(Aggregate):
    """P62: one customer's answers to the loyalty questionnaire."""

    customer_id: str
    segment: str
    answered_at: datetime
    repurchase_intention: int
    recommend: int
    trust: int
    answered_in_time: int
    attributes: tuple[AttributeAnswer, ...] = ()
    competitor: str | None = None
    comment: str | None = attrs.field(default=None, repr=False)
    low_answers: tuple[str, ...] = ()

    @classmethod
    def answer(
        cls,
        *,
        tenant: str,
        customer_id: str,
        segment: str,
        rules: SurveyRules,
        at: datetime,
        repurchase_intention: int,
        recommend: int,
        trust: int,
        answered_in_time: int,
        attributes: Sequence[AttributeAnswer] = (),
        competitor: str | None = None,
        comment: str | None = None,
    ) -> SurveyResponse:
        """Check the answers against the playbook's scales and flag the low ones (P50)."""
        top = rules.rating_max
        checked = tuple(_check_attribute(a, rules) for a in attributes)
        names = [a.attribute for a in checked]
        if len(set(names)) != len(names):
            raise ValidationError("attributes", "each attribute once")
        if any(a.competitor is not None for a in checked) and competitor is None:
            raise ValidationError("competitor", "name the competitor the ratings compare with")
        response = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            segment=clean_text(segment, "segment", limit=40),
            answered_at=aware(at, "at"),
            repurchase_intention=_whole(repurchase_intention, "repurchase_intention", 1, top),
            recommend=_whole(recommend, "recommend", 0, 10),
            trust=_whole(trust, "trust", 1, top),
            answered_in_time=_whole(answered_in_time, "answered_in_time", 1, top),
            attributes=checked,
            competitor=clean_text(competitor, "competitor", limit=100) if competitor is not None else None,
            comment=clean_text(comment, "comment", limit=2000, required=False) or None,
        )
        response.low_answers = response._low(rules)
        response._announce(rules)
        return response

    def _announce(self, rules: SurveyRules) -> None:
        """Record the answer, and a low one as a silent complaint (P50)."""
        self.record(
            SurveyAnswered(
                tenant=self.tenant,
                occurred_at=self.answered_at,
                customer_id=self.customer_id,
                response_id=self.id,
                segment=self.segment,
                recommend=self.recommend,
            )
        )
        if not self.low_answers:
            return
        # Several low answers at once weigh as a major complaint (docs/complaints.md).
        severity = Severity.MAJOR if len(self.low_answers) >= rules.high_severity_from else Severity.NORMAL
        self.record(
            SilentComplaintSignal(
                tenant=self.tenant,
                occurred_at=self.answered_at,
                customer_id=self.customer_id,
                source="survey",
                reference=self.id,
                severity=severity,
            )
        )

    def _low(self, rules: SurveyRules) -> tuple[str, ...]:
        low: list[str] = []
        if self.recommend <= rules.low_recommend_at_most:
            low.append("recommend")
        for name in ("repurchase_intention", "trust", "answered_in_time"):
            if getattr(self, name) <= rules.low_rating_at_most:
                low.append(name)
        low.extend(f"gap:{a.attribute}" for a in self.attributes if a.gap <= rules.low_gap_at_most)
        return tuple(low)

    def loyalty_index(self, rating_max: int) -> Decimal:
        """The four loyalty indicators (P62) as one figure in 0..1, equally weighted."""
        span = Decimal(rating_max - 1)
        parts = (
            Decimal(self.repurchase_intention - 1) / span,
            Decimal(self.recommend) / Decimal(10),
            Decimal(self.trust - 1) / span,
            Decimal(self.answered_in_time - 1) / span,
        )
        return (sum(parts, Decimal(0)) / Decimal(len(parts))).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @property
    def gaps(self) -> dict[str, int]:
        """P65: experienced minus expected, per attribute."""
        return {a.attribute: a.gap for a in self.attributes}


def _check_attribute(answer: AttributeAnswer, rules: SurveyRules) -> AttributeAnswer:
    if answer.attribute not in rules.attributes:
        raise ValidationError("attribute", "not an attribute of the playbook's survey")
    top = rules.rating_max
    _whole(answer.importance, "importance", 1, top)
    _whole(answer.expected, "expected", 1, top)
    _whole(answer.experienced, "experienced", 1, top)
    if answer.competitor is not None:
        _whole(answer.competitor, "competitor", 1, top)
    return answer


@attrs.frozen(kw_only=True)
class NpsResult:
    """P62: Net Promoter Score of a set of answers (promoters 9-10, detractors 0-6)."""

    segment: str | None
    responses: int
    promoters: int
    passives: int
    detractors: int
    score: Decimal | None  # -100..100, None without answers


def nps(responses: Iterable[SurveyResponse], *, segment: str | None = None) -> NpsResult:
    """NPS of ``responses`` (of ``segment`` only, when given), one decimal."""
    chosen = [r for r in responses if segment is None or r.segment == segment]
    promoters = sum(1 for r in chosen if r.recommend >= 9)
    detractors = sum(1 for r in chosen if r.recommend <= 6)
    count = len(chosen)
    score = (Decimal(promoters - detractors) * 100 / Decimal(count)).quantize(_TENTH, ROUND_HALF_UP) if count else None
    return NpsResult(
        segment=segment,
        responses=count,
        promoters=promoters,
        passives=count - promoters - detractors,
        detractors=detractors,
        score=score,
    )


@attrs.frozen(kw_only=True)
class AttributeRow:
    """One row of the importance/performance table (averages over the answers).

    ``quadrant`` compares importance and performance with the scale's
    midpoint: ``concentrate_here`` (important, done poorly), ``keep_up``,
    ``low_priority`` and ``possible_overkill`` (unimportant, done well).
    """

    attribute: str
    answers: int
    importance: Decimal
    expected: Decimal
    performance: Decimal
    gap: Decimal
    competitor: Decimal | None
    versus_competitor: Decimal | None
    quadrant: str


def _mean(values: Sequence[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(_CENT, ROUND_HALF_UP)


def importance_performance(
    responses: Iterable[SurveyResponse], *, rating_max: int, segment: str | None = None
) -> list[AttributeRow]:
    """P62/P65: per attribute, importance vs performance and the gaps, most important first."""
    answers: dict[str, list[AttributeAnswer]] = {}
    for response in responses:
        if segment is None or response.segment == segment:
            for answer in response.attributes:
                answers.setdefault(answer.attribute, []).append(answer)
    middle = Decimal(1 + rating_max) / 2
    rows: list[AttributeRow] = []
    for attribute, items in answers.items():
        importance = _mean([a.importance for a in items])
        performance = _mean([a.experienced for a in items])
        rated = [a for a in items if a.competitor is not None]
        competitor = _mean([a.competitor for a in rated if a.competitor is not None]) if rated else None
        versus = _mean([a.experienced - (a.competitor or 0) for a in rated]) if rated else None
        if importance >= middle:
            quadrant = "keep_up" if performance >= middle else "concentrate_here"
        else:
            quadrant = "possible_overkill" if performance >= middle else "low_priority"
        rows.append(
            AttributeRow(
                attribute=attribute,
                answers=len(items),
                importance=importance,
                expected=_mean([a.expected for a in items]),
                performance=performance,
                gap=_mean([a.gap for a in items]),
                competitor=competitor,
                versus_competitor=versus,
                quadrant=quadrant,
            )
        )
    return sorted(rows, key=lambda r: (-r.importance, r.attribute))
