"""The one error family of clientcare.

Every error the library raises on purpose derives from :class:`ClientcareError`
and, where it really is one, from the matching builtin (``ValueError`` for bad
input, ``LookupError`` for something missing), so callers can catch either.

Messages name the field and the rule that was broken, never the value: a
value may be personal data (a phone, an address) and messages end up in logs.
"""

from __future__ import annotations

__all__ = [
    "ClientcareError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "ConsentRequired",
    "DeliveryFailed",
    "DuplicateRecord",
    "ErasedCustomer",
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

    ``retryable`` says whether running the same use case again may succeed
    (see :func:`clientcare.retrying`); only transient errors set it.
    """

    retryable: bool = False


class ValidationError(ClientcareError, ValueError):
    """A value broke a rule. ``field`` names the input, ``rule`` the rule."""

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


class RuleViolation(ClientcareError, ValueError):
    """A business rule forbids the requested change (``rule`` names it)."""

    def __init__(self, rule: str, detail: str = "") -> None:
        self.rule = rule
        self.detail = detail
        super().__init__(f"{rule}: {detail}" if detail else rule)


class InvalidTransition(RuleViolation):
    """A state machine was asked for a step that is not allowed from its state."""

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

    def __init__(self) -> None:
        super().__init__("customer.erased", "customer was erased")


class ConsentRequired(RuleViolation):
    """The customer has not consented to this purpose on this channel."""


class DuplicateRecord(ClientcareError, ValueError):
    """A record with the same unique key exists already (``field`` names the key)."""

    def __init__(self, entity: str, field: str) -> None:
        self.entity = entity
        self.field = field
        super().__init__(f"{entity}.{field}: already exists")


class NotFound(ClientcareError, LookupError):
    """No record with that id exists for this tenant."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key} not found")


class ConcurrencyConflict(ClientcareError):
    """A version conflict: someone else changed the record since it was read; retry the use case."""

    retryable = True

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key}: version conflict (changed by another writer since it was read)")


class StorageUnavailable(ClientcareError):
    """The storage could not serve the call right now (busy, locked, deadlock, connection lost).

    Nothing was committed; the same call may succeed when retried.
    """

    retryable = True

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation}: storage unavailable ({reason})")


class ConfigurationError(ClientcareError, ValueError):
    """clientcare was wired up wrongly (unknown URL scheme, missing extra)."""


class InvalidToken(ValidationError):
    """A signed token (an unsubscribe link) was refused: forged, expired or another tenant's.

    ``rule`` says which; the token itself is never part of the message.
    """

    def __init__(self, rule: str) -> None:
        super().__init__("token", rule)


class DeliveryFailed(ClientcareError):
    """A channel did not deliver a message. ``permanent`` tells the dispatcher not to retry.

    A permanent failure is the channel's "no" to this message (an HTTP 4xx, an
    SMTP 5xx for the recipient); anything else (timeouts, 5xx, lost
    connections) is worth another try. ``reason`` is a code such as
    ``http 503``, never the address or text.
    """

    def __init__(self, channel: str, reason: str, *, permanent: bool) -> None:
        self.channel = channel
        self.reason = reason
        self.permanent = permanent
        super().__init__(f"{channel}: {reason} ({'permanent' if permanent else 'retry later'})")
