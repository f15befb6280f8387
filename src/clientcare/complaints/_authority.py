"""P43/P52: who may grant a remedy alone, and who may approve one above that.

Pure rules over the playbook's authority limits and escalation chain; the
:class:`Complaint` aggregate applies them when the customer chooses and
when a role decides on an approval.
"""

from __future__ import annotations

from decimal import Decimal

from clientcare.complaints._values import MONEY_BACK, Option
from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._values import Money
from clientcare.playbook import ComplaintRules

__all__ = ["approval_reasons", "check_approver", "check_known_role"]


def approval_reasons(
    option: Option, *, role: str, rules: ComplaintRules, currency: str, price_objection: bool = False
) -> list[str]:
    """Why ``option`` needs an approval from above ``role``; empty when it does not.

    ``role`` is the acting person's, not the complaint owner's: the limit is
    the authority of whoever grants (issue 17). A remedy costing more than
    that authority (P43), or a price
    concession above the playbook's cap ("no big cut", P52). On a price
    complaint refunds and gifts count as concessions too, all of them together.
    """
    reasons = []
    if option.cost(currency).amount > (rules.limit_of(role) or Decimal(0)):
        reasons.append("above authority")
    if price_objection:
        given = sum((r.share_of_price for r in option.remedies if r.kind in MONEY_BACK), Decimal(0))
        if given > rules.price_concession_cap:
            reasons.append("concession above cap")
    elif any(r.concession_share > rules.price_concession_cap for r in option.remedies):
        reasons.append("concession above cap")
    return reasons


def check_known_role(role: str, rules: ComplaintRules) -> Decimal:
    """The role's limit; ValidationError (field ``role``) for a role the playbook does not know."""
    limit = rules.limit_of(role)
    if limit is None:
        raise ValidationError("role", "not a role of the playbook's authority limits")
    return limit


def check_approver(role: str, *, requester_role: str, cost: Money, rules: ComplaintRules) -> None:
    """P43: ``role`` must rank above the person who asked and its limit must cover ``cost``."""
    limit = check_known_role(role, rules)
    own = rules.limit_of(requester_role) or Decimal(0)
    chain = rules.escalation_chain
    # Rank by the chain where both are on it; a role off the chain ranks by its limit.
    above = (
        chain.index(role) > chain.index(requester_role) if role in chain and requester_role in chain else limit > own
    )
    if not above:
        raise RuleViolation("complaint.authority", "approval must come from a role above the person who asked")
    if cost.amount > limit:
        raise RuleViolation("complaint.authority", "the approver's limit does not cover the remedy")
