# sizes: data table
"""The default assessment form's rows and grade bands (P60), as data.

The document leaves the indicators open; these are what a store or a small
B2B supplier would weigh (docs/assessments.md shows the form). A tenant
replaces them in its playbook's ``[[assessment.forms]]``.
"""

from __future__ import annotations

from decimal import Decimal

from clientcare.playbook._indicators import GradeBand, IndicatorKind, IndicatorTemplate

__all__ = ["DEFAULT_GRADES", "DEFAULT_INDICATORS"]

DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand(grade="A", min_percent=Decimal(85)),
    GradeBand(grade="B", min_percent=Decimal(70)),
    GradeBand(grade="C", min_percent=Decimal(50)),
    GradeBand(grade="D", min_percent=Decimal(0)),
)

DEFAULT_INDICATORS: tuple[IndicatorTemplate, ...] = (
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
