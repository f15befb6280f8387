"""clientcare: keep your customers, as a library.

Open it with :func:`connect` and use the facade's areas::

    import clientcare
    care = clientcare.connect("memory://", tenant="acme")
    ann = care.customers.register("王芳", "138 0013 8000")

``import clientcare`` loads no SQLAlchemy, driver or adapter.
"""

from clientcare._analytics import (
    CompositionRow,
    EffectRow,
    RelationshipFigures,
    StoreComparison,
    StoreGap,
    StoreTraffic,
)
from clientcare._analytics_service import AnalyticsService
from clientcare._app import (
    Clientcare,
    CustomersService,
    CustomerSummary,
    EventsService,
    NotebookService,
    PrivacyService,
    PurchasesService,
)
from clientcare._appointments import Appointment, AppointmentStatus
from clientcare._boards import (
    AppointmentItem,
    BoardItem,
    LeaderboardRow,
    MonthlyBoard,
    SalesByTouchNumber,
    StaffFigures,
    TouchNumberShare,
    WeeklyBoard,
    WeekPlan,
)
from clientcare._cadences import FollowUp, FollowUpStatus, RecurringRule, RepeatUnit, SaleCredit, Wish
from clientcare._connect import connect
from clientcare._customers import (
    Channel,
    Consent,
    ConsentMethod,
    Contact,
    Customer,
    DataSource,
    DateKind,
    Gender,
    HardProfile,
    ImportantDate,
    ProfileChange,
    Purpose,
    RelationshipCard,
    SoftProfile,
)
from clientcare._notes import Note
from clientcare._purchases import ConditionReport, CustomerFigures, Purchase, PurchaseKind, PurchaseLine
from clientcare._registry import register_backend
from clientcare._touches import Outcome, Precision, Touch, TouchReason, TouchStatus
from clientcare._touches_service import (
    AppointmentsService,
    BoardsService,
    CadencePorts,
    ComplaintStatus,
    DailyRunReport,
    DailyService,
    DispatchReport,
    FixedRoster,
    MembershipDates,
    Referral,
    SegmentLookup,
    StaffRoster,
    StaffService,
    TouchesService,
)
from clientcare._values import Money
from clientcare.playbook import Playbook

__version__ = "0.1.0"

__all__ = [
    "AnalyticsService",
    "Appointment",
    "AppointmentItem",
    "AppointmentStatus",
    "AppointmentsService",
    "BoardItem",
    "BoardsService",
    "CadencePorts",
    "Channel",
    "Clientcare",
    "ComplaintStatus",
    "CompositionRow",
    "ConditionReport",
    "Consent",
    "ConsentMethod",
    "Contact",
    "Customer",
    "CustomerFigures",
    "CustomerSummary",
    "CustomersService",
    "DailyRunReport",
    "DailyService",
    "DataSource",
    "DateKind",
    "DispatchReport",
    "EffectRow",
    "EventsService",
    "FixedRoster",
    "FollowUp",
    "FollowUpStatus",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "LeaderboardRow",
    "MembershipDates",
    "Money",
    "MonthlyBoard",
    "Note",
    "NotebookService",
    "Outcome",
    "Playbook",
    "Precision",
    "PrivacyService",
    "ProfileChange",
    "Purchase",
    "PurchaseKind",
    "PurchaseLine",
    "PurchasesService",
    "Purpose",
    "RecurringRule",
    "Referral",
    "RelationshipCard",
    "RelationshipFigures",
    "RepeatUnit",
    "SaleCredit",
    "SalesByTouchNumber",
    "SegmentLookup",
    "SoftProfile",
    "StaffFigures",
    "StaffRoster",
    "StaffService",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "Touch",
    "TouchNumberShare",
    "TouchReason",
    "TouchStatus",
    "TouchesService",
    "WeekPlan",
    "WeeklyBoard",
    "Wish",
    "__version__",
    "connect",
    "register_backend",
]
