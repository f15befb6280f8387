"""The cadences' typed language (dispatch outcomes, leaderboard figures) and the aggregate
methods the services call instead of setting fields (Touch.plan details, Touch.assign, Wish.arrive)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import attrs
import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.cadences import (
    DispatchOutcome,
    DispatchReport,
    LeaderboardFigure,
    Precision,
    StaffFigures,
    Touch,
    TouchReason,
    Wish,
)
from clientcare.customers import Channel
from clientcare.errors import InvalidTransition, RuleViolation, ValidationError
from clientcare.events import TouchPlanned, WantedItemArrived
from clientcare.playbook import CadenceRules, Playbook, RotationRules

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
D0 = T0.date()


def _touch(**extra: object) -> Touch:
    return Touch.plan(
        tenant="shop",
        customer_id="c1",
        reason=TouchReason.ROTATION_VISIT,
        occasion=D0,
        due=D0,
        precision=Precision(information="回访", channel=Channel.PHONE),
        at=T0,
        **extra,  # type: ignore[arg-type]
    )


# -- dispatch outcomes --------------------------------------------------------------


def test_a_report_counts_each_outcome_under_its_own_name() -> None:
    """DispatchReport.of counts outcomes; count(outcome) reads the same number back for every outcome."""
    outcomes = [DispatchOutcome.SENT, DispatchOutcome.SENT, DispatchOutcome.DEFERRED_CAP, DispatchOutcome.FAILED]
    report = DispatchReport.of(outcomes)
    assert (report.sent, report.deferred_cap, report.failed, report.skipped_no_consent) == (2, 1, 1, 0)
    assert {o: report.count(o) for o in DispatchOutcome} == {o: outcomes.count(o) for o in DispatchOutcome}
    assert not report.quiet_hours and DispatchReport.in_quiet_hours().quiet_hours


def test_every_outcome_has_its_field_in_the_report() -> None:
    """Each dispatch outcome is a count of the report, and the report counts nothing else."""
    assert set(attrs.asdict(DispatchReport())) - {"quiet_hours"} == {o.value for o in DispatchOutcome}


def test_dispatch_reports_its_outcomes() -> None:
    """A round with one consented and one withdrawn customer reports one sent and one skipped for no consent."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann, bob = (
        care.customers.register(n, p, by="staff") for n, p in (("王芳", "13800138000"), ("李娜", "13900139000"))
    )
    for who in (ann, bob):
        care.privacy.give_consent(who.id, "service", "sms", method="verbal", source="in_store")
        care.touches.want(who.id, "QY-1")
    care.touches.stock_arrived("QY-1")
    care.privacy.withdraw_consent(bob.id, "service", "sms")
    report = care.touches.dispatch(RecordingNotifier())
    assert (report.count(DispatchOutcome.SENT), report.count(DispatchOutcome.SKIPPED_NO_CONSENT)) == (1, 1)


# -- leaderboard figures ------------------------------------------------------------------


def _figures(staff: str, *, reached: int, amount: str) -> StaffFigures:
    return StaffFigures(
        staff=staff,
        start=D0,
        end=D0,
        touches_done=10 - reached,
        by_reason=(),
        by_outcome=(),
        customers_reached=reached,
        visits=reached * 2,
        visits_per_month=(),
        sales_after_touches=1,
        sales_amount=Decimal(amount),
        currency="CNY",
        old_customer_contacts=reached - 1,
    )


def test_a_leaderboard_figure_reads_its_own_number() -> None:
    """Each figure names the StaffFigures number of the same name."""
    figures = _figures("alice", reached=3, amount="99.50")
    assert {f.value: f.of(figures) for f in LeaderboardFigure} == {
        "customers_reached": 3,
        "old_customer_contacts": 2,
        "touches_done": 7,
        "visits": 6,
        "sales_after_touches": 1,
        "sales_amount": Decimal("99.50"),
    }


def _contest() -> clientcare.Clientcare:
    """Alice reaches two customers; bob reaches one and makes three calls."""
    clock = FixedClock(T0)
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    people = [care.customers.register(f"顾客{n}", f"1390000{n:04d}", by="staff") for n in range(3)]
    for who in people:
        care.privacy.give_consent(who.id, "service", "phone", method="verbal", source="in_store")
    calls = [("alice", people[0], "reached"), ("alice", people[1], "reached"), ("bob", people[2], "reached")]
    calls += [("bob", people[2], "wrong_number"), ("bob", people[2], "wrong_number")]
    for staff, who, outcome in calls:
        touch = care.touches.plan(who.id, information="回访", owner=staff)
        care.touches.complete(touch.id, outcome, by=staff)
        clock.advance(seconds=1)
    return care


@pytest.mark.parametrize(
    ("by", "ranks"),
    [
        (LeaderboardFigure.CUSTOMERS_REACHED, ["alice", "bob"]),
        ("customers_reached", ["alice", "bob"]),
        (LeaderboardFigure.TOUCHES_DONE, ["bob", "alice"]),
        ("touches_done", ["bob", "alice"]),
    ],
)
def test_the_leaderboard_ranks_by_the_figure_given_as_enum_or_value(
    by: LeaderboardFigure | str, ranks: list[str]
) -> None:
    """``by`` takes a LeaderboardFigure or its value and ranks best first by it."""
    rows = _contest().staff.leaderboard(D0, D0, by=by)
    assert [r.staff for r in rows] == ranks and [r.rank for r in rows] == [1, 2]


def test_an_unknown_leaderboard_figure_names_the_field() -> None:
    """A figure that is not a LeaderboardFigure is a ValidationError on ``by``, listing the figures."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    with pytest.raises(ValidationError) as err:
        care.staff.leaderboard(D0, D0, by="charm")
    assert err.value.field == "by" and "sales_amount" in str(err.value) and "charm" not in str(err.value)


# -- aggregate methods ------------------------------------------------------------------------


def test_planning_details_are_kept_sorted_and_out_of_the_repr() -> None:
    """Details given when planning are stored as sorted pairs and read by name; they never show in the repr."""
    touch = _touch(details={"topic": "新品", "information": "春季新品到店"})
    assert touch.details == (("information", "春季新品到店"), ("topic", "新品"))
    assert touch.detail("topic") == "新品" and "新品" not in repr(touch)


def test_assigning_a_touch_being_planned_moves_its_planned_event_too() -> None:
    """Touch.assign gives owner and day; the TouchPlanned still to be published says the same."""
    touch = _touch()
    touch.assign(owner="bob", due=D0 + timedelta(days=2))
    [planned] = touch.pull_events()
    assert isinstance(planned, TouchPlanned)
    assert (touch.owner, touch.due, planned.owner, planned.due) == ("bob", D0 + timedelta(days=2), "bob", touch.due)


def test_a_stored_touch_is_not_assigned() -> None:
    """Once its TouchPlanned has gone out, a touch is moved by reschedule, not assigned."""
    touch = _touch()
    touch.pull_events()
    with pytest.raises(RuleViolation) as err:
        touch.assign(owner="bob", due=D0)
    assert err.value.rule == "touch.assign" and (touch.owner, touch.due) == (None, D0)


def test_the_daily_run_publishes_rotation_visits_where_they_went() -> None:
    """A rotation visit moved past a full day is announced with its staff member and its new day."""
    playbook = Playbook(cadences=CadenceRules(rotation=RotationRules(cycle_days_c=1, daily_capacity=1)))
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0), playbook=playbook)
    care = care.with_cadence_ports(roster=clientcare.FixedRoster({None: ["alice"]}))
    for n in range(2):
        customer = care.customers.register(f"顾客{n}", f"1390000{n:04d}", by="staff")
        care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
    care.daily.run(D0)
    visits = {t.id: t for c in care.customers.search(name="顾客") for t in care.touches.for_customer(c.id)}
    planned = {
        m.payload["touch_id"]: (m.payload["owner"], m.payload["due"])
        for m in care.events.pending()
        if m.name == "TouchPlanned"
    }
    assert sorted(t.due for t in visits.values()) == [D0, D0 + timedelta(days=1)]
    assert planned == {t.id: (t.owner, t.due.isoformat()) for t in visits.values()}
    assert {t.owner for t in visits.values()} == {"alice"}


def test_a_wish_arrives_once() -> None:
    """Wish.arrive records the arrival and its touch; a second arrival is an invalid transition."""
    wish = Wish.register(tenant="shop", customer_id="c1", style_no="QY-1", description="风衣", at=T0)
    wish.pull_events()
    wish.arrive(at=T0, touch_id="t1")
    [arrived] = wish.pull_events()
    assert isinstance(arrived, WantedItemArrived) and (arrived.touch_id, wish.touch_id) == ("t1", "t1")
    assert not wish.open and wish.arrived_at == T0
    with pytest.raises(InvalidTransition):
        wish.arrive(at=T0, touch_id=None)


def test_stock_arriving_without_consent_closes_the_wish_without_a_touch() -> None:
    """A waiting customer with no consented channel still has the wish closed, with no touch."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.touches.want(ann.id, "QY-1")
    assert care.touches.stock_arrived("QY-1") == []
    assert care.touches.stock_arrived("QY-1") == []  # nothing left waiting
    arrived = [m.payload for m in care.events.pending() if m.name == "WantedItemArrived"]
    assert [(p["customer_id"], p["touch_id"]) for p in arrived] == [(ann.id, None)]
