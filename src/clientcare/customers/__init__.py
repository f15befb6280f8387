"""Customers: the archive, consent and privacy, the notebook (P01–P09)."""

from clientcare.customers._events import (
    CardReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    CustomerErased,
    CustomerRegistered,
    NoteAdded,
    ProfileChanged,
)
from clientcare.customers._model import (
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
from clientcare.customers._notebook import Note
from clientcare.customers._ports import CustomerRepository, NoteRepository
from clientcare.customers._services import CustomersService, CustomerSummary, Eraser, NotebookService, PrivacyService

__all__ = [
    "CardReviewed",
    "Channel",
    "Consent",
    "ConsentGiven",
    "ConsentMethod",
    "ConsentWithdrawn",
    "Contact",
    "Customer",
    "CustomerErased",
    "CustomerRegistered",
    "CustomerRepository",
    "CustomerSummary",
    "CustomersService",
    "DataSource",
    "DateKind",
    "Eraser",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "Note",
    "NoteAdded",
    "NoteRepository",
    "NotebookService",
    "PrivacyService",
    "ProfileChange",
    "ProfileChanged",
    "Purpose",
    "RelationshipCard",
    "SoftProfile",
]
