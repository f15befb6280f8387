"""P60/P61: authority by person for assessments — who may overrule the form or confirm an ending.

The acting person is an :class:`~clientcare.kernel.Actor` from the embedder's
authentication; their role is checked against the embedder's role source
where one is plugged in, and ranks by its place on the playbook's
``assessment.authority_chain``.
"""

from __future__ import annotations

from clientcare.errors import RuleViolation
from clientcare.kernel._actor import Actor, RoleSource, verified_role
from clientcare.playbook import AssessmentRules

__all__ = ["acting_role"]


def acting_role(
    actor: Actor, roles: RoleSource | None, tenant: str, *, rules: AssessmentRules, at_least: str | None = None
) -> str:
    """The acting person's role; with ``at_least``, it must rank there or above on the authority chain.

    RuleViolation ``actor.role`` when the role cannot be verified,
    ``assessment.authority`` when it is not on the chain or ranks below.
    """
    role = verified_role(actor, roles, tenant)
    if at_least is None:
        return role
    chain = rules.authority_chain
    if role not in chain:
        raise RuleViolation("assessment.authority", "the acting person's role is not on the assessment authority chain")
    if chain.index(role) < chain.index(at_least):
        raise RuleViolation("assessment.authority", "the acting person's role ranks below the one this needs")
    return role
