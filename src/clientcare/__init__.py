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
from clientcare._complaints import (
    Answer,
    Category,
    Complaint,
    ComplaintChannel,
    ComplaintReview,
    ComplaintStatus,
    Option,
    PromiseStatus,
    QueueEntry,
    Remedy,
    RemedyKind,
    Severity,
    StandardAnswer,
    TargetState,
)
from clientcare._complaints_service import ComplaintsService
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
from clientcare._values import Money
from clientcare.playbook import Playbook

__version__ = "0.1.0"

__all__ = [
    "AnalyticsService",
    "Answer",
    "Category",
    "Channel",
    "Clientcare",
    "Complaint",
    "ComplaintChannel",
    "ComplaintReview",
    "ComplaintStatus",
    "ComplaintsService",
    "CompositionRow",
    "ConditionReport",
    "Consent",
    "ConsentMethod",
    "Contact",
    "Customer",
    "CustomerFigures",
    "CustomerSummary",
    "CustomersService",
    "DataSource",
    "DateKind",
    "EffectRow",
    "EventsService",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "Money",
    "Note",
    "NotebookService",
    "Option",
    "Playbook",
    "PrivacyService",
    "ProfileChange",
    "PromiseStatus",
    "Purchase",
    "PurchaseKind",
    "PurchaseLine",
    "PurchasesService",
    "Purpose",
    "QueueEntry",
    "RelationshipCard",
    "RelationshipFigures",
    "Remedy",
    "RemedyKind",
    "Severity",
    "SoftProfile",
    "StandardAnswer",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "TargetState",
    "__version__",
    "connect",
    "register_backend",
]
