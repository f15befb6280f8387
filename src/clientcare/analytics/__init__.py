"""Analytics: composition, relationship figures, store comparison (P63–P66), staff sales (P31), RFM, cohorts,
Pareto, and predictive lifetime value (BG/NBD and Gamma-Gamma, with the ``predict`` extra).

:class:`AnalyticsRepository` is the port: adapters aggregate in storage and
answer with the small rows of :mod:`clientcare.analytics._results`; the
reference functions (``composition_totals`` … ``pareto_curve``) compute the
same over purchases in Python and are what every adapter must agree with.
"""

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
from clientcare.analytics._ports import AnalyticsRepository
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
from clientcare.analytics._reference import (
    cohort_cells,
    composition_totals,
    month_index,
    pareto_curve,
    relationship_counts,
    rfm_scores,
    rfm_segment_rows,
    staff_sales_of,
    store_buyers_of,
)
from clientcare.analytics._results import (
    CohortCell,
    ParetoPoint,
    RelationshipCounts,
    RfmScore,
    RfmSegment,
    RfmSegmentRow,
    Slice,
    SliceTotal,
    StaffSales,
    StoreBuyers,
    quintile,
)
from clientcare.analytics._service import AnalyticsService

__all__ = [
    "AnalyticsRepository",
    "AnalyticsService",
    "BgNbdParameters",
    "CohortCell",
    "CompositionRow",
    "CustomerHistory",
    "CustomerLifetime",
    "EffectRow",
    "GammaGammaParameters",
    "LifetimeForecast",
    "LifetimeModel",
    "LifetimeService",
    "ParetoPoint",
    "RelationshipCounts",
    "RelationshipFigures",
    "RfmScore",
    "RfmSegment",
    "RfmSegmentRow",
    "Slice",
    "SliceTotal",
    "StaffSales",
    "StoreBuyers",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "cohort_cells",
    "compare_stores",
    "composition",
    "composition_totals",
    "effect",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_lifetime",
    "histories_from",
    "lifetime_value",
    "month_index",
    "pareto_curve",
    "quintile",
    "relationship_counts",
    "retention_rate",
    "rfm_scores",
    "rfm_segment_rows",
    "share_of_wallet",
    "staff_sales_of",
    "store_buyers_of",
]
