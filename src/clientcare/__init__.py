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
from clientcare._loyalty import MembershipService, PointsService, ReferralsService, Reminders, TiersService
from clientcare._membership import BasketLine, BenefitLine, Benefits, Contract, LevelChange, Membership
from clientcare._notes import Note
from clientcare._points import EntryKind, PointsAccount, PointsEntry
from clientcare._purchases import ConditionReport, CustomerFigures, Purchase, PurchaseKind, PurchaseLine
from clientcare._referrals import Referral
from clientcare._registry import register_backend
from clientcare._segments import AbcLabel, Attitude, Priority, SerialisationFigure, Stage, TierChange, TierRun
from clientcare._values import Money
from clientcare.playbook import Playbook

__version__ = "0.1.0"

__all__ = [
    "AbcLabel",
    "AnalyticsService",
    "Attitude",
    "BasketLine",
    "BenefitLine",
    "Benefits",
    "Channel",
    "Clientcare",
    "CompositionRow",
    "ConditionReport",
    "Consent",
    "ConsentMethod",
    "Contact",
    "Contract",
    "Customer",
    "CustomerFigures",
    "CustomerSummary",
    "CustomersService",
    "DataSource",
    "DateKind",
    "EffectRow",
    "EntryKind",
    "EventsService",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "LevelChange",
    "Membership",
    "MembershipService",
    "Money",
    "Note",
    "NotebookService",
    "Playbook",
    "PointsAccount",
    "PointsEntry",
    "PointsService",
    "Priority",
    "PrivacyService",
    "ProfileChange",
    "Purchase",
    "PurchaseKind",
    "PurchaseLine",
    "PurchasesService",
    "Purpose",
    "Referral",
    "ReferralsService",
    "RelationshipCard",
    "RelationshipFigures",
    "Reminders",
    "SerialisationFigure",
    "SoftProfile",
    "Stage",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "TierChange",
    "TierRun",
    "TiersService",
    "__version__",
    "connect",
    "register_backend",
]
