"""Random sequences of complaint commands keep the P42/P43 invariants.

The machine drives one complaint through the public facade on a backend
given by :meth:`ComplaintMachine.make_care`; a SQL adapter's test module
subclasses it and overrides that one method.
"""

from __future__ import annotations

from datetime import datetime

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError

#: The steps that move the state, and the steps each may follow (P42, P43).
_AFTER: dict[str, set[str]] = {
    "listened": {"received", "reopened"},
    "apologised": {"listened"},
    "diagnosed": {"apologised"},
    "answer_decided": {"diagnosed"},
    "options_offered": {"answer_decided", "refused"},
    "option_chosen": {"options_offered"},
    "approved": {"option_chosen"},
    "refused": {"option_chosen"},
    "resolved": {"option_chosen", "approved", "answer_decided", "refused"},
    "after_care_done": {"resolved"},
    "closed": {"after_care_done"},
    "reopened": {"resolved", "after_care_done", "closed"},
}

ROLES = ("handler", "supervisor", "store_manager", "regional_manager")


class ComplaintMachine(RuleBasedStateMachine):
    """One complaint, random commands, invariants checked after each."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
        self.care = self.make_care(self.clock)
        customer = self.care.customers.register("王芳", "13800138000")
        self.complaint_id = self.care.complaints.file(
            customer.id, channel="phone", category="product_quality", description="broken", by="li"
        ).id
        # The model: whether the customer's current choice needs an approval.
        self.needs_approval = False
        self.approved = False

    def make_care(self, clock: FixedClock) -> clientcare.Clientcare:
        """The facade under test (override for another backend)."""
        return clientcare.connect("memory://", tenant="machine", clock=clock)

    def teardown(self) -> None:
        self.care.close()

    def _try(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except ClientcareError:
            return False
        return True

    @property
    def c(self) -> clientcare.ComplaintsService:
        return self.care.complaints

    # -- commands ------------------------------------------------------------------
    @rule()
    def listen(self) -> None:
        self._try(lambda: self.c.listen(self.complaint_id, heard="heard", by="li"))

    @rule()
    def apologise(self) -> None:
        self._try(lambda: self.c.apologise(self.complaint_id, by="li"))

    @rule()
    def diagnose(self) -> None:
        self._try(lambda: self.c.diagnose(self.complaint_id, root_cause="root", cause="price", by="li"))

    @rule(answer=st.sampled_from(list(clientcare.Answer)))
    def decide(self, answer: clientcare.Answer) -> None:
        promised = self.clock.now().replace(year=2027) if answer == "commit_to_date" else None
        self._try(lambda: self.c.decide(self.complaint_id, answer=answer, story="story", by="li", promised_by=promised))

    @rule(amounts=st.lists(st.integers(min_value=0, max_value=25000), min_size=1, max_size=3))
    def offer(self, amounts: list[int]) -> None:
        options = [self.c.option(f"refund {a}", self.c.remedy("refund", a)) for a in amounts]
        self._try(lambda: self.c.offer_options(self.complaint_id, options, by="li"))

    @rule(index=st.integers(min_value=0, max_value=2))
    def choose(self, index: int) -> None:
        result: list[bool] = []
        if self._try(lambda: result.append(self.c.choose(self.complaint_id, index, by="li"))):
            self.needs_approval, self.approved = result[0], False

    @rule(role=st.sampled_from(ROLES))
    def approve(self, role: str) -> None:
        if self._try(lambda: self.c.approve(self.complaint_id, by="boss", role=role)):
            self.approved = True

    @rule(role=st.sampled_from(ROLES))
    def refuse(self, role: str) -> None:
        if self._try(lambda: self.c.refuse(self.complaint_id, by="boss", role=role, reason="no")):
            self.needs_approval = False

    @rule()
    def resolve(self) -> None:
        if self._try(lambda: self.c.resolve(self.complaint_id, by="li")):
            # P43: no remedy above authority without an approval.
            assert not self.needs_approval or self.approved

    @rule(satisfied=st.booleans())
    def after_care(self, satisfied: bool) -> None:
        self._try(lambda: self.c.after_care(self.complaint_id, by="li", satisfied=satisfied))

    @rule()
    def close(self) -> None:
        self._try(lambda: self.c.close(self.complaint_id, lesson="lesson", by="li"))

    @rule()
    def reopen(self) -> None:
        self._try(lambda: self.c.reopen(self.complaint_id, reason="unhappy", by="li"))

    @rule()
    def pause(self) -> None:
        self._try(lambda: self.c.wait_for_customer(self.complaint_id, reason="photos", by="li"))

    @rule()
    def resume(self) -> None:
        self._try(lambda: self.c.resume(self.complaint_id, by="li"))

    @rule()
    def escalate(self) -> None:
        self._try(lambda: self.c.escalate(self.complaint_id, reason="asked", by="li"))

    @rule(hours=st.integers(min_value=0, max_value=30))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule()
    def check_deadlines(self) -> None:
        self.c.check_deadlines()

    # The single-step rules above rarely line up by chance; these take the
    # next step of the procedure (with random choices), so runs reach the end.
    @rule(amount=st.integers(min_value=0, max_value=3000), satisfied=st.booleans(), role=st.sampled_from(ROLES))
    def advance(self, amount: int, satisfied: bool, role: str) -> None:
        self._next(amount, satisfied, role)

    @rule(amount=st.integers(min_value=0, max_value=3000), satisfied=st.booleans(), role=st.sampled_from(ROLES))
    def advance_more(self, amount: int, satisfied: bool, role: str) -> None:
        self._next(amount, satisfied, role)

    def _next(self, amount: int, satisfied: bool, role: str) -> None:
        status = self.c.get(self.complaint_id).status
        if status in ("received", "reopened"):
            self.listen()
        elif status == "listened":
            self.apologise()
        elif status == "apologised":
            self.diagnose()
        elif status == "diagnosed":
            self.decide(clientcare.Answer.FIX_AND_REMEDY)
        elif status == "answer_decided":
            self.offer([amount])
        elif status == "options_offered":
            self.choose(0)
        elif status == "awaiting_approval":
            self.approve(role) if satisfied else self.refuse(role)
        elif status == "agreed":
            self.resolve()
        elif status == "resolved":
            self.after_care(satisfied)
        elif status == "after_care_done":
            self.close()

    # -- invariants ------------------------------------------------------------------
    @invariant()
    def timeline_is_ordered(self) -> None:
        moments = [e.at for e in self.c.timeline(self.complaint_id)]
        assert moments == sorted(moments)

    @invariant()
    def no_step_is_skipped(self) -> None:
        last = "received"
        for entry in self.c.timeline(self.complaint_id):
            if entry.step in _AFTER:
                assert last in _AFTER[entry.step], f"{entry.step} after {last}"
                last = entry.step

    @invariant()
    def closed_only_after_after_care(self) -> None:
        complaint = self.c.get(self.complaint_id)
        if complaint.status == "closed":
            assert complaint.after_care_at is not None and complaint.lesson

    @invariant()
    def resolved_remedy_within_authority_or_approved(self) -> None:
        complaint = self.c.get(self.complaint_id)
        option = complaint.chosen_option
        if complaint.resolved_at is None or option is None:
            return
        limit = self.care.playbook.complaints.limit_of(complaint.owner_role)
        assert limit is not None
        if option.cost("CNY").amount > limit:
            assert complaint.approved


TestComplaintMachine = ComplaintMachine.TestCase
TestComplaintMachine.settings = settings(
    max_examples=30, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
