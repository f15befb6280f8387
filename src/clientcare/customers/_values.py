"""The customer archive's vocabulary: gender, channels, purposes, consent methods, data sources, date kinds."""

from __future__ import annotations

import enum

__all__ = ["Channel", "ConsentMethod", "DataSource", "DateKind", "Gender", "Purpose"]


class Gender(enum.StrEnum):
    """As the customer states it; ``unspecified`` when not asked (P01)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNSPECIFIED = "unspecified"


class Channel(enum.StrEnum):
    """P24: the ways a store reaches a customer."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    IN_PERSON = "in_person"
    MESSAGING = "messaging"
    CLUB = "club"
    MAIL = "mail"


class Purpose(enum.StrEnum):
    """P04: what the customer's data and contact are used for."""

    SERVICE = "service"  # after-sales, appointments, complaints
    MARKETING = "marketing"  # promotions, catalogues, second marketing
    GREETINGS = "greetings"  # birthdays, holidays
    PROFILING = "profiling"  # keeping the soft archive
    SURVEYS = "surveys"


class ConsentMethod(enum.StrEnum):
    """P04: how consent was given."""

    VERBAL = "verbal"
    WRITTEN = "written"
    ONLINE = "online"
    APP = "app"
    IMPORTED = "imported"


class DataSource(enum.StrEnum):
    """P04: where the personal data came from."""

    IN_STORE = "in_store"
    POS = "pos"
    WEBSITE = "website"
    PHONE_CALL = "phone_call"
    REFERRAL = "referral"
    IMPORT = "import"
    EVENT = "event"


class DateKind(enum.StrEnum):
    """P07: important dates that drive greetings."""

    ANNIVERSARY = "anniversary"
    COMPANY_FOUNDING = "company_founding"
    FIRST_PURCHASE = "first_purchase"
    OTHER = "other"
