"""The shared kernel: aggregate base, values, ids, checks, calendar, texts, context."""

from clientcare.kernel._actor import Actor, RoleSource, verified_role
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._boundary import check_calls, check_text, check_value
from clientcare.kernel._calendar import BusinessCalendar, Interval
from clientcare.kernel._checks import aware, clean_text, key_text, one_of, tag_set
from clientcare.kernel._context import Context, Handler
from clientcare.kernel._erasure import ERASED_TEXT, redact_payload, redacted
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._ids import RandomIds, TimeOrderedIds, ids_in_force
from clientcare.kernel._ports import (
    Backend,
    Clock,
    IdGenerator,
    JoinableBackend,
    Outbox,
    OutboxMessage,
    ReactionJob,
    Reactions,
    UnitOfWork,
)
from clientcare.kernel._retry import retrying
from clientcare.kernel._texts import Texts, locale_of
from clientcare.kernel._tokens import UnsubscribeToken
from clientcare.kernel._values import CustomerId, Money, PurchaseId, TenantId, new_id, normalise_email, normalise_phone

__all__ = [
    "ERASED_TEXT",
    "Actor",
    "Aggregate",
    "Backend",
    "BusinessCalendar",
    "Clock",
    "Context",
    "CustomerId",
    "DomainEvent",
    "Handler",
    "IdGenerator",
    "Interval",
    "JoinableBackend",
    "Money",
    "Outbox",
    "OutboxMessage",
    "PurchaseId",
    "RandomIds",
    "ReactionJob",
    "Reactions",
    "RoleSource",
    "TenantId",
    "Texts",
    "TimeOrderedIds",
    "UnitOfWork",
    "UnsubscribeToken",
    "aware",
    "check_calls",
    "check_text",
    "check_value",
    "clean_text",
    "ids_in_force",
    "key_text",
    "locale_of",
    "new_id",
    "normalise_email",
    "normalise_phone",
    "one_of",
    "redact_payload",
    "redacted",
    "retrying",
    "tag_set",
    "verified_role",
]
