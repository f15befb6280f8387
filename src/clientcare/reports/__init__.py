"""The owner's reports: the monthly report as one self-contained HTML file, CSV or XLSX."""

from clientcare.reports._document import Cell, MonthlyReport, ReportSection, ReportTable
from clientcare.reports._service import DOCUMENT_TOUCH_SHARES, ReportsService
from clientcare.reports._texts import LANGUAGES

__all__ = [
    "DOCUMENT_TOUCH_SHARES",
    "LANGUAGES",
    "Cell",
    "MonthlyReport",
    "ReportSection",
    "ReportTable",
    "ReportsService",
]
