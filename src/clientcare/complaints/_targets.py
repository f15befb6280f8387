"""P51: the targets a complaint promises (first response, resolution, each dated promise).

A :class:`Target` is a value, not a string: code compares kinds and promise
ids. It still travels as its short code (``first_response``, ``resolution``,
``promise:<id>``) in JSON and in stored documents, so records written before
the value existed read back unchanged.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

import attrs

from clientcare import serialization
from clientcare.errors import ValidationError
from clientcare.kernel._checks import one_of

__all__ = ["PromiseStatus", "Target", "TargetKind", "TargetState", "TargetStatus"]

_PROMISE_PREFIX = "promise:"


class TargetKind(enum.StrEnum):
    """What a target is a deadline for."""

    FIRST_RESPONSE = "first_response"  # step 1 within the first-response hours (P40)
    RESOLUTION = "resolution"  # remedy carried out within the resolution hours
    PROMISE = "promise"  # a date promised to the customer (P43)


class TargetState(enum.StrEnum):
    """Where a promise stands (P51)."""

    PENDING = "pending"
    PAUSED = "paused"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


def _kind(value: object) -> TargetKind:
    return one_of(TargetKind, value, "kind")


def _promise_id(instance: Target, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if (instance.kind is TargetKind.PROMISE) != (value is not None):
        raise ValidationError("promise_id", "required for a promise target and only for one")
    if value is not None and not value.strip():
        raise ValidationError("promise_id", "must not be blank")


@attrs.frozen
class Target:
    """One deadline of a complaint: its kind and, for a promise, which one.

    ``str(target)`` is its code: ``first_response``, ``resolution`` or
    ``promise:<id>``; :meth:`parse` reads a code back.
    """

    kind: TargetKind = attrs.field(converter=_kind)
    promise_id: str | None = attrs.field(default=None, validator=_promise_id)

    FIRST_RESPONSE: ClassVar[Target]
    RESOLUTION: ClassVar[Target]

    @classmethod
    def for_promise(cls, promise_id: str) -> Target:
        """The target of one dated promise."""
        return cls(TargetKind.PROMISE, promise_id)

    @classmethod
    def parse(cls, code: object) -> Target:
        """The target a code names; ValidationError (field ``target``) for anything else."""
        if not isinstance(code, str):
            raise ValidationError("target", "must be a target code")
        if code.startswith(_PROMISE_PREFIX):
            return cls.for_promise(code.removeprefix(_PROMISE_PREFIX))
        if code in (TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION):
            return cls(TargetKind(code))
        raise ValidationError("target", "must be first_response, resolution or promise:<id>")

    @property
    def code(self) -> str:
        """The short code stored and shown (``promise:<id>`` for a promise)."""
        return f"{_PROMISE_PREFIX}{self.promise_id}" if self.promise_id is not None else self.kind.value

    @property
    def pauses(self) -> bool:
        """Whether waiting for the customer stops this target's clock (a promised date does not move)."""
        return self.kind is not TargetKind.PROMISE

    def __str__(self) -> str:
        return self.code


Target.FIRST_RESPONSE = Target(TargetKind.FIRST_RESPONSE)
Target.RESOLUTION = Target(TargetKind.RESOLUTION)

# Targets are stored inside complaint documents and shown in JSON answers as
# their codes; the one shared converter learns that here, where Target lives.
serialization.converter().register_unstructure_hook(Target, lambda target: target.code)
serialization.converter().register_structure_hook(Target, lambda code, _: Target.parse(code))


def _target(value: Target | str) -> Target:
    return value if isinstance(value, Target) else Target.parse(value)


@attrs.frozen(kw_only=True)
class TargetStatus:
    """P51: one target, when it is due, when it was done and where it stands."""

    target: Target = attrs.field(converter=_target)
    due: datetime | None
    done_at: datetime | None
    state: TargetState


@attrs.frozen(kw_only=True)
class PromiseStatus:
    """P51: which targets of a complaint were met or missed, at a moment."""

    complaint_id: str
    at: datetime
    paused: bool
    targets: tuple[TargetStatus, ...]

    def of(self, target: Target | str) -> TargetStatus:
        """The status of one target, given as a :class:`Target` or its code."""
        wanted = _target(target)
        for status in self.targets:
            if status.target == wanted:
                return status
        raise ValidationError("target", "no such target on this complaint")
