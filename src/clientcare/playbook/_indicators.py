"""The rows of an assessment form (P60): what an indicator measures, where its
score comes from, how a raw figure maps onto its scale, and the grades and
standings a score gives. Imports nothing but the errors module and the
playbook's validators, so the playbook loads without the domain."""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import ascii_key, positive, positive_int
from clientcare.playbook._provenance import assumed, documented

__all__ = ["GradeBand", "IndicatorKind", "IndicatorTemplate", "Standing"]

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


@attrs.frozen(kw_only=True)
class GradeBand:
    """A grade given when an indicator reaches ``min_percent`` of its scale."""

    grade: str
    min_percent: Decimal

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) <= self.min_percent <= _HUNDRED:
            raise PlaybookError("min_percent", "must be between 0 and 100")


@attrs.frozen(kw_only=True)
class IndicatorTemplate:
    """One row of the form: what is measured, its weight in percent, its scale.

    Computed indicators map a raw figure linearly onto ``0..scale_max``:
    ``zero_at`` earns nothing, ``full_at`` earns full marks, values beyond
    either end are clamped. ``full_at`` may be below ``zero_at`` where less is
    better (days since the last purchase, complaints).
    """

    key: str = attrs.field(validator=ascii_key)
    label: str
    weight: Decimal = attrs.field(validator=positive)
    source: IndicatorKind = documented(
        IndicatorKind.STAFF, seed="003", passage="分析指標 指標權重 指標得分 客戶等級 得分依據 備注"
    )
    scale_max: Decimal = assumed(Decimal(10), why="seed 003 gives no scale for a row; ten points", validator=positive)
    window_days: int = assumed(365, why="seed 003 says 定期 without a period; a year of data", validator=positive_int)
    zero_at: Decimal | None = assumed(None, why="a staff row has no mapping from data")
    full_at: Decimal | None = assumed(None, why="a staff row has no mapping from data")

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
