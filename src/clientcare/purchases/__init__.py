"""Purchases: the deal archive and imports (P05)."""

from clientcare.purchases._events import PurchaseRecorded, ReturnRecorded
from clientcare.purchases._imports import (
    CSV_COLUMNS,
    BatchOutcome,
    ImportedLine,
    ImportedPurchase,
    ImportProgress,
    ImportReject,
    ImportReport,
    generic_import,
    read_csv,
    validated_purchases,
)
from clientcare.purchases._model import (
    BuyingSummary,
    ConditionReport,
    CustomerFigures,
    Purchase,
    PurchaseKind,
    PurchaseLine,
    figures_from,
    summaries_from,
)
from clientcare.purchases._ports import BulkPurchaseImport, PurchaseImportEncoder, PurchaseRepository
from clientcare.purchases._service import PurchaseHook, PurchasesService

__all__ = [
    "CSV_COLUMNS",
    "BatchOutcome",
    "BulkPurchaseImport",
    "BuyingSummary",
    "ConditionReport",
    "CustomerFigures",
    "ImportProgress",
    "ImportReject",
    "ImportReport",
    "ImportedLine",
    "ImportedPurchase",
    "Purchase",
    "PurchaseHook",
    "PurchaseImportEncoder",
    "PurchaseKind",
    "PurchaseLine",
    "PurchaseRecorded",
    "PurchaseRepository",
    "PurchasesService",
    "ReturnRecorded",
    "figures_from",
    "generic_import",
    "read_csv",
    "summaries_from",
    "validated_purchases",
]
