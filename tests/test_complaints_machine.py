"""A plain model of the complaint procedure predicts what the library must do.

The model is written here from the documents, not from the library: P42's
six steps (listen, apologise, diagnose, decide the answer, after-care, close
with the lesson), P43's options, choice and approval or refusal, P44's
remedy and P45's answers that need none, and reopening when the customer is
not satisfied. For every random command it predicts either the new state
and the timeline steps written, or the error (and its rule or field); the
machine then asserts that the library agrees, and that a refused command
changed nothing. Only the errors the model predicts are caught.

The machine drives one complaint through the public facade on a backend
given by :meth:`ComplaintMachine.make_care`; a SQL adapter's test module
subclasses it and overrides that one method.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import attrs
import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.complaints import Complaint, ComplaintAction
from clientcare.errors import ClientcareError, InvalidTransition, RuleViolation, ValidationError

T = TypeVar("T")

#: The procedure as the documents tell it: command -> {state it may come in: state it leaves}.
#: ``choose`` lands in ``agreed`` or, above the owner's authority, ``awaiting_approval``;
#: ``after_care`` with an unsatisfied customer goes on to ``reopened``.
PROCEDURE: dict[str, dict[str, str]] = {
    "listen": {"received": "listened", "reopened": "listened"},
    "apologise": {"listened": "apologised"},
    "diagnose": {"apologised": "diagnosed"},
    "decide": {"diagnosed": "answer_decided"},
    "offer": {"answer_decided": "options_offered"},
    "choose": {"options_offered": "agreed"},
    "approve": {"awaiting_approval": "agreed"},
    "refuse": {"awaiting_approval": "answer_decided"},
    "resolve": {"agreed": "resolved", "answer_decided": "resolved"},
    "after_care": {"resolved": "after_care_done"},
    "close": {"after_care_done": "closed"},
    "reopen": {"resolved": "reopened", "after_care_done": "reopened", "closed": "reopened"},
}

#: P45: an explanation or a trivial complaint is resolved without offering remedies.
NO_REMEDY = {"explain", "trivial"}

#: Every state the procedure leads to (and may be walked to again).
STATES = sorted({"awaiting_approval", *(to for moves in PROCEDURE.values() for to in moves.values())})

#: The default playbook's chain of roles, lowest first, and a role it does not know.
ROLES = ("handler", "supervisor", "store_manager", "regional_manager", "ceo")

#: What a remedy costs the shop: within every role's authority, above some, beyond all.
AMOUNT = st.integers(min_value=0, max_value=25000)

#: Every command of the machine and the strategies of its arguments.
ARGUMENTS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "listen": {},
    "apologise": {},
    "diagnose": {},
    "decide": {"answer": st.sampled_from(list(clientcare.Answer))},
    "offer": {"amounts": st.lists(AMOUNT, min_size=1, max_size=3)},
    "choose": {"index": st.integers(min_value=0, max_value=2)},
    "approve": {"role": st.sampled_from(ROLES)},
    "refuse": {"role": st.sampled_from(ROLES)},
    "resolve": {},
    "after_care": {"satisfied": st.booleans()},
    "close": {},
    "reopen": {},
    "pause": {},
    "resume": {},
    "escalate": {},
    "time_passes": {"hours": st.integers(min_value=0, max_value=30)},
    "check_deadlines": {},
}


@attrs.frozen
class Accepted:
    """The model's prediction: the command goes through."""

    status: str
    steps: tuple[str, ...]
    result: object = None


@attrs.frozen
class Refused:
    """The model's prediction: the command is refused with this error, and nothing changes."""

    error: type[ClientcareError]
    rule: str | None = None  # for rule violations
    field: str | None = None  # for validation errors


Outcome = Accepted | Refused
WRONG_STATE = Refused(InvalidTransition, rule="complaint.transition")


class ComplaintMachine(RuleBasedStateMachine):
    """One complaint, random commands, each predicted by the model first."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
        self.care = self.make_care(self.clock)
        customer = self.care.customers.register("王芳", "13800138000")
        self.complaint_id = self.care.complaints.file(
            customer.id, channel="phone", category="product_quality", description="broken", by="li"
        ).id
        rules = self.care.playbook.complaints
        self.chain: tuple[str, ...] = rules.escalation_chain
        self.limits = {role: rules.limit_of(role) for role in ROLES}
        # The model: a plain dict, changed only from its own predictions.
        self.model: dict[str, Any] = {
            "status": "received",
            "answer": None,
            "options": [],
            "chosen_cost": None,
            "paused": False,
            "level": 0,
            "requester_level": 0,
        }

    def make_care(self, clock: FixedClock) -> clientcare.Clientcare:
        """The facade under test (override for another backend)."""
        return clientcare.connect("memory://", tenant="machine", clock=clock)

    def teardown(self) -> None:
        self.care.close()

    @property
    def c(self) -> clientcare.ComplaintsService:
        return self.care.complaints

    def _complaint(self) -> Complaint:
        return self.c.get(self.complaint_id)

    # -- the model's predictions ---------------------------------------------------------
    def _move(self, command: str, *steps: str, result: object = None) -> Outcome:
        """The procedure's next state for ``command``, or a refusal from any other state."""
        target = PROCEDURE[command].get(self.model["status"])
        return Accepted(target, steps, result) if target is not None else WRONG_STATE

    def _open(self) -> bool:
        return self.model["status"] != "closed"

    def _owner(self) -> str:
        return self.chain[self.model["level"]]

    def _choice(self, index: int) -> Outcome:
        outcome = self._move("choose", "option_chosen")
        if isinstance(outcome, Refused):
            return outcome
        if index >= len(self.model["options"]):
            return Refused(ValidationError, field="option")
        if self.model["options"][index] > self.limits[self._owner()]:
            return Accepted("awaiting_approval", ("option_chosen",), result=True)
        return attrs.evolve(outcome, result=False)

    def _approval(self, role: str) -> Outcome:
        outcome = self._move("approve", "approved")
        if isinstance(outcome, Refused):
            return outcome
        limit = self.limits[role]
        if limit is None:
            return Refused(ValidationError, field="role")
        if self.chain.index(role) <= self.model["requester_level"] or self.model["chosen_cost"] > limit:
            return Refused(RuleViolation, rule="complaint.authority")
        return outcome

    def _resolution(self) -> Outcome:
        status = self.model["status"]
        if status == "answer_decided" and self.model["answer"] not in NO_REMEDY:
            return WRONG_STATE  # a remedy must be chosen (and approved) first
        steps = ("resumed", "resolved") if self.model["paused"] else ("resolved",)
        return self._move("resolve", *steps)

    # -- the check ---------------------------------------------------------------------------
    def _snapshot(self) -> Any:
        return serialization.unstructure(self._complaint())

    def _run(self, outcome: Outcome, command: Callable[[], T]) -> T | None:
        """Run ``command`` and assert the library does what ``outcome`` predicts."""
        before = self._snapshot()
        if isinstance(outcome, Refused):
            try:
                command()
            except ClientcareError as error:
                refused: ClientcareError = error
            else:
                raise AssertionError(f"the model refuses this in {self.model['status']}; the library accepted it")
            assert type(refused) is outcome.error, f"{type(refused).__name__}, expected {outcome.error.__name__}"
            if outcome.rule is not None:
                assert getattr(refused, "rule", None) == outcome.rule
            if outcome.field is not None:
                assert getattr(refused, "field", None) == outcome.field
            assert self._snapshot() == before, "a refused command changed the complaint"
            return None
        result = command()  # the model accepts: any error here is a failure
        complaint = self._complaint()
        written = [e.step for e in complaint.timeline[len(before["timeline"]) :]]
        assert complaint.status == outcome.status, f"{complaint.status}, the model says {outcome.status}"
        assert written == list(outcome.steps), f"timeline {written}, the model says {list(outcome.steps)}"
        if outcome.result is not None:
            assert result == outcome.result
        self.model["status"] = outcome.status
        return result

    # -- commands (ARGUMENTS lists them; the two rules below pick them) -------------------------
    def listen(self) -> None:
        self._run(self._move("listen", "listened"), lambda: self.c.listen(self.complaint_id, heard="heard", by="li"))

    def apologise(self) -> None:
        self._run(self._move("apologise", "apologised"), lambda: self.c.apologise(self.complaint_id, by="li"))

    def diagnose(self) -> None:
        outcome = self._move("diagnose", "diagnosed")
        self._run(outcome, lambda: self.c.diagnose(self.complaint_id, root_cause="root", cause="delivery", by="li"))

    def decide(self, answer: clientcare.Answer) -> None:
        committed = answer == "commit_to_date"  # P45: a date is promised, and tracked
        promised = self.clock.now().replace(year=2027) if committed else None
        outcome = self._move("decide", "answer_decided", *(("promised",) if committed else ()))
        self._run(
            outcome,
            lambda: self.c.decide(self.complaint_id, answer=answer, story="story", by="li", promised_by=promised),
        )
        if isinstance(outcome, Accepted):
            self.model["answer"] = answer.value

    def offer(self, amounts: list[int]) -> None:
        options = [self.c.option(f"refund {a}", self.c.remedy("refund", a)) for a in amounts]
        outcome = self._move("offer", "options_offered")
        self._run(outcome, lambda: self.c.offer_options(self.complaint_id, options, by="li"))
        if isinstance(outcome, Accepted):
            self.model["options"] = amounts

    def choose(self, index: int) -> None:
        outcome = self._choice(index)
        # The handler records the choice as the complaint's current owner role;
        # the limit is that acting person's, and the approver must rank above it.
        actor = clientcare.Actor("li", self._owner())
        self._run(outcome, lambda: self.c.choose(self.complaint_id, index, actor=actor))
        if isinstance(outcome, Accepted):
            self.model["chosen_cost"] = self.model["options"][index]
            self.model["requester_level"] = self.model["level"]

    def approve(self, role: str) -> None:
        self._run(self._approval(role), lambda: self.c.approve(self.complaint_id, actor=clientcare.Actor("boss", role)))

    def refuse(self, role: str) -> None:
        outcome = self._move("refuse", "refused")
        if isinstance(outcome, Accepted) and self.limits[role] is None:
            outcome = Refused(ValidationError, field="role")
        self._run(outcome, lambda: self.c.refuse(self.complaint_id, actor=clientcare.Actor("boss", role), reason="no"))

    def resolve(self) -> None:
        outcome = self._resolution()
        self._run(outcome, lambda: self.c.resolve(self.complaint_id, by="li"))
        if isinstance(outcome, Accepted):
            self.model["paused"] = False

    def after_care(self, satisfied: bool) -> None:
        outcome = self._move("after_care", "after_care_done")
        if isinstance(outcome, Accepted) and not satisfied:  # step 5 hears it is not over
            outcome = Accepted("reopened", ("after_care_done", "reopened"))
        self._run(outcome, lambda: self.c.after_care(self.complaint_id, by="li", satisfied=satisfied))

    def close(self) -> None:
        self._run(self._move("close", "closed"), lambda: self.c.close(self.complaint_id, lesson="lesson", by="li"))

    def reopen(self) -> None:
        self._run(self._move("reopen", "reopened"), lambda: self.c.reopen(self.complaint_id, reason="no", by="li"))

    def pause(self) -> None:
        may = self._open() and not self.model["paused"]
        outcome = Accepted(self.model["status"], ("paused",)) if may else WRONG_STATE
        self._run(outcome, lambda: self.c.wait_for_customer(self.complaint_id, reason="photos", by="li"))
        self.model["paused"] = self.model["paused"] or may

    def resume(self) -> None:
        outcome = Accepted(self.model["status"], ("resumed",)) if self.model["paused"] else WRONG_STATE
        self._run(outcome, lambda: self.c.resume(self.complaint_id, by="li"))
        self.model["paused"] = False

    def escalate(self) -> None:
        top = self.model["level"] + 1 >= len(self.chain)
        if not self._open():
            outcome: Outcome = WRONG_STATE
        else:  # at the top of the chain there is no one left: nothing happens
            outcome = Accepted(self.model["status"], () if top else ("escalated",), result=not top)
        self._run(outcome, lambda: self.c.escalate(self.complaint_id, reason="asked", by="li"))
        if isinstance(outcome, Accepted) and not top:
            self.model["level"] += 1

    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    def check_deadlines(self) -> None:
        """Deadlines breach and escalate but never move the state (when is the calendar's
        business, tested with the service); the model takes the new owner level as given."""
        before = len(self._complaint().timeline)
        self.c.check_deadlines()
        complaint = self._complaint()
        assert complaint.status == self.model["status"] and complaint.paused == self.model["paused"]
        assert {e.step for e in complaint.timeline[before:]} <= {"breached", "escalated"}
        assert complaint.level >= self.model["level"]
        self.model["level"] = complaint.level

    # -- rules -------------------------------------------------------------------------------------
    @rule(command=st.sampled_from(sorted(ARGUMENTS)), data=st.data())
    def any_command(self, command: str, data: st.DataObject) -> None:
        """One random command, whatever the state."""
        arguments = {name: data.draw(strategy, label=name) for name, strategy in ARGUMENTS[command].items()}
        getattr(self, command)(**arguments)

    # Commands that fit rarely line up by chance: this walks the procedure (with
    # random choices) to a random state first, so runs reach the end and every
    # command is tried in every state.
    @rule(
        until=st.sampled_from(STATES),
        amount=AMOUNT,
        satisfied=st.booleans(),
        then=st.sampled_from(sorted(ARGUMENTS)),
        data=st.data(),
    )
    def walk_then(self, until: str, amount: int, satisfied: bool, then: str, data: st.DataObject) -> None:
        """Walk to ``until`` (as far as the procedure goes), then one random command."""
        self.walk(until, amount, satisfied=satisfied)
        self.any_command(then, data)

    def walk(self, until: str, amount: int, *, satisfied: bool = True) -> None:
        """Take the procedure's next steps until the model is in ``until`` (once round at most)."""
        for _ in range(len(PROCEDURE)):
            if self.model["status"] == until:
                return
            self._next(amount, satisfied=satisfied, expensive=until == "awaiting_approval")

    def _next(self, amount: int, *, satisfied: bool, expensive: bool) -> None:
        """The procedure's next step from the model's state.

        Offers ``amount`` and a free option, and takes the free one when no
        role could approve ``amount`` (unless the walk wants an approval to
        wait); ``satisfied`` is the customer's answer at after-care.
        """
        steps: dict[str, Callable[[], None]] = {
            "received": self.listen,
            "reopened": self.listen,
            "listened": self.apologise,
            "apologised": self.diagnose,
            "diagnosed": lambda: self.decide(clientcare.Answer.FIX_AND_REMEDY),
            "answer_decided": lambda: self.offer([amount, 0]),
            "options_offered": lambda: self.choose(0 if expensive or self._can_grant(amount) else 1),
            "awaiting_approval": self._approve_or_refuse,
            "agreed": self.resolve,
            "resolved": lambda: self.after_care(satisfied),
            "after_care_done": self.close,
            "closed": self.reopen,  # round again, to reach the states before
        }
        step = steps.get(self.model["status"])
        if step is not None:
            step()

    def _approver(self, cost: int) -> str | None:
        """The lowest role above the owner whose limit covers ``cost``, if any."""
        above = self.chain[self.model["requester_level"] + 1 :]
        return next((role for role in above if (self.limits[role] or 0) >= cost), None)

    def _can_grant(self, cost: int) -> bool:
        return cost <= (self.limits[self._owner()] or 0) or self._approver(cost) is not None

    def _approve_or_refuse(self) -> None:
        approver = self._approver(self.model["chosen_cost"])
        if approver is not None:
            self.approve(approver)
        else:
            self.refuse(self.chain[-1])

    # -- invariants --------------------------------------------------------------------------
    @invariant()
    def library_and_model_agree(self) -> None:
        complaint = self._complaint()
        assert (complaint.status, complaint.paused) == (self.model["status"], self.model["paused"])

    @invariant()
    def timeline_is_ordered(self) -> None:
        moments = [e.at for e in self.c.timeline(self.complaint_id)]
        assert moments == sorted(moments)

    @invariant()
    def resolved_remedy_within_authority_or_approved(self) -> None:
        complaint = self.c.get(self.complaint_id)
        option = complaint.chosen_option
        if complaint.resolved_at is None or option is None:
            return
        if option.cost("CNY").amount > (self.limits[complaint.owner_role] or 0):
            assert complaint.approved


TestComplaintMachine = ComplaintMachine.TestCase
TestComplaintMachine.settings = settings(
    max_examples=30, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# -- every command in every state ----------------------------------------------------------------

#: What the sweep tries in every state: each command, with arguments that are
#: accepted or refused for different reasons, some after an escalation (the
#: owner then outranks roles whose limit would cover the remedy).
Call = tuple[str, dict[str, Any]]
VARIANTS: list[tuple[Call, ...]] = [
    *(((command, {}),) for command, arguments in ARGUMENTS.items() if not arguments),
    *((("decide", {"answer": clientcare.Answer(a)}),) for a in ("fix_and_remedy", "explain", "commit_to_date")),
    (("offer", {"amounts": [150]}),),
    (("offer", {"amounts": [5000, 0]}),),
    *((("choose", {"index": index}),) for index in (0, 1, 2)),
    *((("approve", {"role": role}),) for role in ("handler", "supervisor", "store_manager", "ceo")),
    (("escalate", {}), ("escalate", {}), ("approve", {"role": "supervisor"})),
    (("escalate", {}), ("escalate", {}), ("choose", {"index": 0})),
    (("refuse", {"role": "supervisor"}),),
    (("refuse", {"role": "ceo"}),),
    (("after_care", {"satisfied": True}),),
    (("after_care", {"satisfied": False}),),
    (("time_passes", {"hours": 30}), ("check_deadlines", {})),
]


def sweep(state: str) -> None:
    """Walk a fresh complaint to ``state`` (offering 500 or a free option) and try every variant there."""
    for calls in VARIANTS:
        machine = ComplaintMachine()
        try:
            machine.walk(state, 500)
            assert machine.model["status"] == state, f"the walk stopped at {machine.model['status']}"
            for command, arguments in calls:
                getattr(machine, command)(**arguments)
                machine.library_and_model_agree()
        finally:
            machine.teardown()


@pytest.mark.parametrize("state", ["received", *STATES])
def test_every_command_in_every_state(state: str) -> None:
    """From each state, the library takes or refuses every command just as the model predicts."""
    sweep(state)


# -- the model can fail ------------------------------------------------------------------------


def _never_close(allows: Callable[[Complaint, ComplaintAction], bool]) -> Callable[[Complaint, ComplaintAction], bool]:
    return lambda complaint, action: action is not ComplaintAction.CLOSE and allows(complaint, action)


def _close_when_resolved(
    allows: Callable[[Complaint, ComplaintAction], bool],
) -> Callable[[Complaint, ComplaintAction], bool]:
    def broken(complaint: Complaint, action: ComplaintAction) -> bool:
        skips_after_care = action is ComplaintAction.CLOSE and complaint.status == "resolved"
        return skips_after_care or allows(complaint, action)

    return broken


def _resolve_without_approval(
    allows: Callable[[Complaint, ComplaintAction], bool],
) -> Callable[[Complaint, ComplaintAction], bool]:
    def broken(complaint: Complaint, action: ComplaintAction) -> bool:
        unapproved = action is ComplaintAction.RESOLVE and complaint.status == "awaiting_approval"
        return unapproved or allows(complaint, action)

    return broken


@pytest.mark.parametrize("breakage", [_never_close, _close_when_resolved, _resolve_without_approval])
def test_a_broken_transition_table_fails_the_model(
    monkeypatch: pytest.MonkeyPatch,
    breakage: Callable[[Callable[[Complaint, ComplaintAction], bool]], Callable[[Complaint, ComplaintAction], bool]],
) -> None:
    """A library that closes too late, too early or resolves an unapproved remedy fails against the model."""
    monkeypatch.setattr(Complaint, "allows", breakage(Complaint.allows))
    with pytest.raises((AssertionError, ClientcareError)):
        for state in ["received", *STATES]:
            sweep(state)
