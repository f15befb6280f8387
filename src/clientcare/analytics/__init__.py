"""Analytics: composition, relationship figures, store comparison (P63–P66), and
predictive lifetime value (BG/NBD and Gamma-Gamma, with the ``predict`` extra)."""

from clientcare.analytics._figures import (
    CompositionRow,
    EffectRow,
    RelationshipFigures,
    StoreComparison,
    StoreGap,
    StoreTraffic,
    compare_stores,
    composition,
    effect,
    lifetime_value,
    retention_rate,
    share_of_wallet,
)
from clientcare.analytics._lifetime import LifetimeService
from clientcare.analytics._predict import (
    BgNbdParameters,
    CustomerHistory,
    CustomerLifetime,
    GammaGammaParameters,
    LifetimeForecast,
    LifetimeModel,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_lifetime,
    histories_from,
)
from clientcare.analytics._report_figures import (
    RFM_SEGMENTS,
    ReportCohort,
    ReportParetoPoint,
    ReportRfmSegment,
    report_cohorts,
    report_pareto,
    report_rfm,
)
from clientcare.analytics._service import AnalyticsService

__all__ = [
    "RFM_SEGMENTS",
    "AnalyticsService",
    "BgNbdParameters",
    "CompositionRow",
    "CustomerHistory",
    "CustomerLifetime",
    "EffectRow",
    "GammaGammaParameters",
    "LifetimeForecast",
    "LifetimeModel",
    "LifetimeService",
    "RelationshipFigures",
    "ReportCohort",
    "ReportParetoPoint",
    "ReportRfmSegment",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "compare_stores",
    "composition",
    "effect",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_lifetime",
    "histories_from",
    "lifetime_value",
    "report_cohorts",
    "report_pareto",
    "report_rfm",
    "retention_rate",
    "share_of_wallet",
]
