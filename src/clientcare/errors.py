"""The one error family of clientcare.

Every error the library raises on purpose derives from :class:`ClientcareError`
and, where it really is one, from the matching builtin (``ValueError`` for bad
input, ``LookupError`` for something missing), so callers can catch either.

Each class carries a stable, machine-readable :attr:`~ClientcareError.code`
(a web layer maps it to a status) and a :attr:`~ClientcareError.retryable`
flag: true only where running the same call again may succeed (a lost
connection, a deadlock, another writer that got in first).

Messages name the field and the rule that was broken, never the value: a
value may be personal data (a phone, an address) and messages end up in logs.
For the same reason :class:`NotFound` and :class:`ConcurrencyConflict` do not
repeat the key they were given (ids may be phones in an embedder's system).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

__all__ = [
    "CATEGORIES",
    "ClientcareError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "ConsentRequired",
    "DeliveryFailed",
    "DuplicateRecord",
    "ErasedCustomer",
    "ErrorCategory",
    "FileUnreadable",
    "InvalidToken",
    "InvalidTransition",
    "NotFound",
    "PlaybookError",
    "RuleViolation",
    "StorageUnavailable",
    "ValidationError",
]


class ErrorCategory(enum.StrEnum):
    """What kind of failure an error code is, for a caller that answers a request.

    A web layer maps each category to one status (docs/api.md suggests
    validation 422, not_found 404, conflict 409, forbidden 403, unavailable
    503, configuration 500); :data:`CATEGORIES` gives the category of every code.
    """

    VALIDATION = "validation"  # the input broke a rule: fix the request
    NOT_FOUND = "not_found"  # nothing with that id for this tenant
    CONFLICT = "conflict"  # the current state forbids it (a duplicate, a step out of order, a lost race)
    FORBIDDEN = "forbidden"  # not allowed for this customer or token (consent, a forged link)
    UNAVAILABLE = "unavailable"  # storage or a channel could not serve it now: try again later
    CONFIGURATION = "configuration"  # clientcare is wired up wrongly: the operator's problem


class ClientcareError(Exception):
    """Root of every error raised by clientcare.

    ``code`` is stable across releases; ``category`` says what kind of failure
    it is (:class:`ErrorCategory`); ``retryable`` says whether the same call
    may succeed if run again unchanged (see :func:`clientcare.retrying`).
    """

    code: ClassVar[str] = "clientcare_error"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFIGURATION
    retryable: bool = False


class ValidationError(ClientcareError, ValueError):
    """A value broke a rule. ``field`` names the input, ``rule`` the rule."""

    code: ClassVar[str] = "validation_error"
    category: ClassVar[ErrorCategory] = ErrorCategory.VALIDATION

    def __init__(self, field: str, rule: str, detail: str = "") -> None:
        self.field = field
        self.rule = rule
        self.detail = detail
        text = f"{field}: {rule}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)


class PlaybookError(ValidationError):
    """A playbook value is missing, of the wrong type or out of range."""

    code: ClassVar[str] = "playbook_error"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFIGURATION


class RuleViolation(ClientcareError, ValueError):
    """A business rule forbids the requested change (``rule`` names it)."""

    code: ClassVar[str] = "rule_violation"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFLICT

    def __init__(self, rule: str, detail: str = "") -> None:
        self.rule = rule
        self.detail = detail
        super().__init__(f"{rule}: {detail}" if detail else rule)


class InvalidTransition(RuleViolation):
    """A state machine was asked for a step that is not allowed from its state."""

    code: ClassVar[str] = "invalid_transition"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFLICT

    def __init__(self, entity: str, state: str, action: str) -> None:
        self.entity = entity
        self.state = state
        self.action = action
        super().__init__(
            f"{entity}.transition",
            f"cannot {action} while {state}",
        )


class ErasedCustomer(RuleViolation):
    """The customer's personal data was erased (P04): nothing new may be recorded about them."""

    code: ClassVar[str] = "customer_erased"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFLICT

    def __init__(self) -> None:
        super().__init__("customer.erased", "customer was erased")


class ConsentRequired(RuleViolation):
    """The customer has not consented to this purpose on this channel."""

    code: ClassVar[str] = "consent_required"
    category: ClassVar[ErrorCategory] = ErrorCategory.FORBIDDEN


class DuplicateRecord(ClientcareError, ValueError):
    """A record with the same unique key exists already (``field`` names the key)."""

    code: ClassVar[str] = "duplicate_record"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFLICT

    def __init__(self, entity: str, field: str) -> None:
        self.entity = entity
        self.field = field
        super().__init__(f"{entity}.{field}: already exists")


class NotFound(ClientcareError, LookupError):
    """No record with that id exists for this tenant.

    The message names the entity only: the key stays with the caller, who has it.
    """

    code: ClassVar[str] = "not_found"
    category: ClassVar[ErrorCategory] = ErrorCategory.NOT_FOUND

    def __init__(self, entity: str, key: object = None) -> None:
        del key  # accepted for the callers' convenience, never kept: it may be personal data
        self.entity = entity
        super().__init__(f"{entity}: not found")


class ConcurrencyConflict(ClientcareError):
    """Someone else changed the record since it was read, or the database chose this
    transaction as a deadlock victim; run the use case again."""

    code: ClassVar[str] = "concurrency_conflict"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFLICT
    retryable = True

    def __init__(self, entity: str, key: object = None) -> None:
        del key  # see NotFound: the key may be personal data
        self.entity = entity
        super().__init__(f"{entity}: version conflict (changed by another writer since it was read)")


class StorageUnavailable(ClientcareError):
    """The storage could not serve the call right now (unreachable, busy, locked, connection lost).

    Nothing of the call was committed; it may succeed when run again.
    ``reason`` is a short code, never the driver's text.
    """

    code: ClassVar[str] = "storage_unavailable"
    category: ClassVar[ErrorCategory] = ErrorCategory.UNAVAILABLE
    retryable = True

    def __init__(self, operation: str, reason: str = "") -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation}: storage unavailable" + (f" ({reason})" if reason else ""))


class ConfigurationError(ClientcareError, ValueError):
    """clientcare was wired up wrongly (unknown URL scheme, missing extra, unreachable database)."""

    code: ClassVar[str] = "configuration_error"
    category: ClassVar[ErrorCategory] = ErrorCategory.CONFIGURATION


class InvalidToken(ValidationError):
    """A signed token (an unsubscribe link) was refused: forged, expired or another tenant's.

    ``rule`` says which; the token itself is never part of the message.
    """

    code: ClassVar[str] = "invalid_token"
    category: ClassVar[ErrorCategory] = ErrorCategory.FORBIDDEN

    def __init__(self, rule: str) -> None:
        super().__init__("token", rule)


class DeliveryFailed(ClientcareError):
    """A channel did not deliver a message. ``permanent`` tells the dispatcher not to retry.

    A permanent failure is the channel's "no" to this message (an HTTP 4xx, an
    SMTP 5xx for the recipient); anything else (timeouts, 5xx, lost
    connections) is worth another try. ``reason`` is a code such as
    ``http 503``, never the address or text.
    """

    code: ClassVar[str] = "delivery_failed"
    category: ClassVar[ErrorCategory] = ErrorCategory.UNAVAILABLE

    def __init__(self, channel: str, reason: str, *, permanent: bool) -> None:
        self.channel = channel
        self.reason = reason
        self.permanent = permanent
        self.retryable = not permanent
        super().__init__(f"{channel}: {reason} ({'permanent' if permanent else 'retry later'})")


class FileUnreadable(ValidationError):
    """An import file cannot be read: missing, a directory, or not permitted.

    ``rule`` says which; the path is the caller's and is not repeated.
    """

    code: ClassVar[str] = "file_unreadable"
    category: ClassVar[ErrorCategory] = ErrorCategory.VALIDATION

    def __init__(self, rule: str) -> None:
        super().__init__("file", rule)


def _categories() -> Mapping[str, ErrorCategory]:
    table: dict[str, ErrorCategory] = {}
    pending: list[type[ClientcareError]] = [ClientcareError]
    while pending:
        cls = pending.pop()
        table[cls.code] = cls.category
        pending.extend(cls.__subclasses__())
    return MappingProxyType(dict(sorted(table.items())))


#: Every error code and its category, one table for a web layer's status mapping.
CATEGORIES: Mapping[str, ErrorCategory] = _categories()
