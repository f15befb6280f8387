"""Customers: the archive, consent and privacy, the notebook (P01–P09)."""

from clientcare.customers._duplicates import DuplicatePair
from clientcare.customers._events import (
    CardReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    CustomerErased,
    CustomerRegistered,
    CustomersMerged,
    NoteAdded,
    ProfileChanged,
)
from clientcare.customers._imports import (
    CUSTOMER_COLUMNS,
    BulkCustomerImport,
    CustomerImportHook,
    CustomerImportReport,
    ImportedCustomer,
    customer_id_for,
)
from clientcare.customers._merge import CustomerMergeHook, MergeReport
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
from clientcare.customers._paging import CustomerPage
from clientcare.customers._ports import CustomerRepository, NoteRepository
from clientcare.customers._read_models import CustomerList, CustomerListItem, CustomerView
from clientcare.customers._services import CustomersService, CustomerSummary, Eraser, NotebookService, PrivacyService

__all__ = [
    "CUSTOMER_COLUMNS",
    "BulkCustomerImport",
    "CardReviewed",
    "Channel",
    "Consent",
    "ConsentGiven",
    "ConsentMethod",
    "ConsentWithdrawn",
    "Contact",
    "Customer",
    "CustomerErased",
    "CustomerImportHook",
    "CustomerImportReport",
    "CustomerList",
    "CustomerListItem",
    "CustomerMergeHook",
    "CustomerPage",
    "CustomerRegistered",
    "CustomerRepository",
    "CustomerSummary",
    "CustomerView",
    "CustomersMerged",
    "CustomersService",
    "DataSource",
    "DateKind",
    "DuplicatePair",
    "Eraser",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "ImportedCustomer",
    "MergeReport",
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
    "customer_id_for",
]
