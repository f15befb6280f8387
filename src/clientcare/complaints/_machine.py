"""P42/P43/P45: what may be done to a complaint in which state, as one table.

The six steps of P42 (listen, apologise, diagnose, decide the answer, after
care, close with the lesson) with P43's options and approvals and P44's
remedy between them are :class:`ComplaintAction` members; :data:`TRANSITIONS`
says from which :class:`ComplaintStatus` each is allowed. An action from any
other state is an :class:`~clientcare.errors.InvalidTransition` naming both.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from clientcare.complaints._values import Answer, ComplaintStatus

__all__ = ["NO_REMEDY_ANSWERS", "OPEN_STATES", "TRANSITIONS", "ComplaintAction", "allowed", "choose_answer"]


class ComplaintAction(enum.StrEnum):
    """What a handler asks of a complaint; each is allowed from some states only."""

    LISTEN = "listen"  # step 1
    APOLOGISE = "apologise"  # step 2
    DIAGNOSE = "diagnose"  # step 3
    DECIDE = "decide"  # step 4 (P45)
    OFFER_OPTIONS = "offer_options"  # P43
    CHOOSE = "choose"  # P43: the customer's choice
    APPROVE = "approve"  # P43: a role above the owner
    REFUSE = "refuse"
    RESOLVE = "resolve"  # P44: the remedy carried out
    AFTER_CARE = "after_care"  # step 5
    CLOSE = "close"  # step 6
    REOPEN = "reopen"  # the customer is not satisfied
    # Around the steps: allowed while the complaint is open, the state stays.
    TELL_STORY = "tell_story"  # P49
    WAIT_FOR_CUSTOMER = "wait_for_customer"
    PROMISE = "promise"  # P43/P51
    CHECK_PRICE = "check_price"  # P52
    ESCALATE = "escalate"  # P51
    # Whenever the clock stands, in any state (a pause may outlive the closing).
    RESUME = "resume"


S = ComplaintStatus

#: Every state but closed: after-care pending still counts as open.
OPEN_STATES = frozenset(s for s in S if s is not S.CLOSED)

#: Answers that need no remedy: the complaint may be resolved straight after deciding (P45).
NO_REMEDY_ANSWERS = frozenset({Answer.EXPLAIN, Answer.TRIVIAL})

#: action -> the states it may be taken from (P42's order, P43's approval loop).
TRANSITIONS: Mapping[ComplaintAction, frozenset[ComplaintStatus]] = MappingProxyType(
    {
        ComplaintAction.LISTEN: frozenset({S.RECEIVED, S.REOPENED}),
        ComplaintAction.APOLOGISE: frozenset({S.LISTENED}),
        ComplaintAction.DIAGNOSE: frozenset({S.APOLOGISED}),
        ComplaintAction.DECIDE: frozenset({S.DIAGNOSED}),
        ComplaintAction.OFFER_OPTIONS: frozenset({S.ANSWER_DECIDED}),
        ComplaintAction.CHOOSE: frozenset({S.OPTIONS_OFFERED}),
        ComplaintAction.APPROVE: frozenset({S.AWAITING_APPROVAL}),
        ComplaintAction.REFUSE: frozenset({S.AWAITING_APPROVAL}),
        # From answer_decided only for an answer that needs no remedy (see allowed()).
        ComplaintAction.RESOLVE: frozenset({S.AGREED, S.ANSWER_DECIDED}),
        ComplaintAction.AFTER_CARE: frozenset({S.RESOLVED}),
        ComplaintAction.CLOSE: frozenset({S.AFTER_CARE_DONE}),
        ComplaintAction.REOPEN: frozenset({S.RESOLVED, S.AFTER_CARE_DONE, S.CLOSED}),
        ComplaintAction.TELL_STORY: OPEN_STATES,
        ComplaintAction.WAIT_FOR_CUSTOMER: OPEN_STATES,
        ComplaintAction.PROMISE: OPEN_STATES,
        ComplaintAction.CHECK_PRICE: OPEN_STATES,
        ComplaintAction.ESCALATE: OPEN_STATES,
        ComplaintAction.RESUME: frozenset(S),
    }
)


def allowed(action: ComplaintAction, status: ComplaintStatus, answer: Answer | None) -> bool:
    """Whether ``action`` may be taken in ``status`` with the ``answer`` decided so far."""
    if status not in TRANSITIONS[action]:
        return False
    # P45: resolving straight after the decision skips the remedy, so only
    # an answer that needs none may do it; the others go through options.
    return not (action is ComplaintAction.RESOLVE and status is S.ANSWER_DECIDED and answer not in NO_REMEDY_ANSWERS)


def choose_answer(*, fact: bool, feasible: bool = True, needs_time: bool = False, trivial: bool = False) -> Answer:
    """P45's decision: trivial → note it; not a fact → explain; cannot be done →
    return or negotiate; needs time → commit to a date; else fix and remedy."""
    if trivial:
        return Answer.TRIVIAL
    if not fact:
        return Answer.EXPLAIN
    if not feasible:
        return Answer.RETURN_OR_NEGOTIATE
    if needs_time:
        return Answer.COMMIT_TO_DATE
    return Answer.FIX_AND_REMEDY
