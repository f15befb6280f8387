"""Authority by person: who acts, and where their role comes from (issue 17, P43/P61).

Use cases that grant, approve or confirm take an :class:`Actor` built by the
embedder from its own authentication. The library never authenticates
anyone; it checks that the role it is told about is the person's role when
the embedder plugged in a :class:`RoleSource`, and otherwise takes the role
the embedder's authentication put on the actor.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs

from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._checks import clean_text

__all__ = ["Actor", "RoleSource", "verified_role"]


def _clean_id(value: str) -> str:
    return clean_text(value, "actor.id", limit=200)


def _clean_role(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("actor.role", "not empty when given")
    return value.strip()


@attrs.frozen
class Actor:
    """The person acting, as the embedder's authentication knows them.

    ``id`` is the embedder's id for the member of staff; ``role`` their role
    (a role of the playbook's ``complaints.authority_limits``). ``role`` may
    be left out when a :class:`RoleSource` is plugged in: it is then looked up.
    """

    id: str = attrs.field(converter=_clean_id)
    role: str | None = attrs.field(default=None, converter=_clean_role)

    @classmethod
    def of(cls, person_id: str, role: str | None = None) -> Actor:
        """An actor with ``person_id`` and, where the caller knows it, ``role``."""
        return cls(id=person_id, role=role)


@runtime_checkable
class RoleSource(Protocol):
    """The embedder's own record of who holds which role (plugged in with ``connect(roles=…)``)."""

    def role_of(self, tenant: str, person_id: str) -> str | None:
        """The role ``person_id`` holds in ``tenant``; None for a person it does not know."""
        ...


def verified_role(actor: Actor, roles: RoleSource | None, tenant: str) -> str:
    """The acting person's role, checked against ``roles`` where one is plugged in.

    Raises RuleViolation (rule ``actor.role``) when the role source does not
    know the person or gives another role than the actor claims, and when
    there is neither a role on the actor nor a role source to ask.
    """
    if not isinstance(actor, Actor):
        raise ValidationError("actor", "must be an Actor (id and role from your authentication)")
    if roles is None:
        if actor.role is None:
            raise RuleViolation("actor.role", "no role on the actor and no role source plugged in")
        return actor.role
    known = roles.role_of(tenant, actor.id)
    if known is None:
        raise RuleViolation("actor.role", "the role source does not know the acting person")
    if actor.role is not None and actor.role != known:
        raise RuleViolation("actor.role", "the role source gives the acting person another role")
    return known
