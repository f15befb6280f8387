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

from typing import ClassVar

__all__ = [
    "ClientcareError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "ConsentRequired",
    "DeliveryFailed",
    "DuplicateRecord",
    "ErasedCustomer",
    "FileUnreadable",
    "InvalidToken",
    "InvalidTransition",
    "NotFound",
    "PlaybookError",
    "RuleViolation",
    "StorageUnavailable",
    "ValidationError",
]


class ClientcareError(Exception):
    """Root of every error raised by clientcare.

    ``code`` is stable across releases; ``retryable`` says whether the same
    call may succeed if run again unchanged (see :func:`clientcare.retrying`).
    """

    code: ClassVar[str] = "clientcare_error"
    retryable: bool = False


class ValidationError(ClientcareError, ValueError):
    """A value broke a rule. ``field`` names the input, ``rule`` the rule."""

    code: ClassVar[str] = "validation_error"

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


class RuleViolation(ClientcareError, ValueError):
    """A business rule forbids the requested change (``rule`` names it)."""

    code: ClassVar[str] = "rule_violation"

    def __init__(self, rule: str, detail: str = "") -> None:
        self.rule = rule
        self.detail = detail
        super().__init__(f"{rule}: {detail}" if detail else rule)


class InvalidTransition(RuleViolation):
    """A state machine was asked for a step that is not allowed from its state."""

    code: ClassVar[str] = "invalid_transition"

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

    def __init__(self) -> None:
        super().__init__("customer.erased", "customer was erased")


class ConsentRequired(RuleViolation):
    """The customer has not consented to this purpose on this channel."""

    code: ClassVar[str] = "consent_required"


class DuplicateRecord(ClientcareError, ValueError):
    """A record with the same unique key exists already (``field`` names the key)."""

    code: ClassVar[str] = "duplicate_record"

    def __init__(self, entity: str, field: str) -> None:
        self.entity = entity
        self.field = field
        super().__init__(f"{entity}.{field}: already exists")


class NotFound(ClientcareError, LookupError):
    """No record with that id exists for this tenant.

    The message names the entity only: the key stays with the caller, who has it.
    """

    code: ClassVar[str] = "not_found"

    def __init__(self, entity: str, key: object = None) -> None:
        del key  # accepted for the callers' convenience, never kept: it may be personal data
        self.entity = entity
        super().__init__(f"{entity}: not found")


class ConcurrencyConflict(ClientcareError):
    """Someone else changed the record since it was read, or the database chose this
    transaction as a deadlock victim; run the use case again."""

    code: ClassVar[str] = "concurrency_conflict"
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
    retryable = True

    def __init__(self, operation: str, reason: str = "") -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation}: storage unavailable" + (f" ({reason})" if reason else ""))


class ConfigurationError(ClientcareError, ValueError):
    """clientcare was wired up wrongly (unknown URL scheme, missing extra, unreachable database)."""

    code: ClassVar[str] = "configuration_error"


class InvalidToken(ValidationError):
    """A signed token (an unsubscribe link) was refused: forged, expired or another tenant's.

    ``rule`` says which; the token itself is never part of the message.
    """

    code: ClassVar[str] = "invalid_token"

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

    def __init__(self, rule: str) -> None:
        super().__init__("file", rule)
