"""Analytics: composition, relationship figures, store comparison (P63–P66)."""

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
from clientcare.analytics._service import AnalyticsService

__all__ = [
    "AnalyticsService",
    "CompositionRow",
    "EffectRow",
    "RelationshipFigures",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "compare_stores",
    "composition",
    "effect",
    "lifetime_value",
    "retention_rate",
    "share_of_wallet",
]
