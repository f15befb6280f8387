"""Unit tests for touches, cadence rules, texts, notifiers and dispatch."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.cadences import Outcome, Precision, RecurringRule, Touch, TouchReason, TouchStatus, holidays_between
from clientcare.customers import Channel
from clientcare.errors import InvalidTransition, PlaybookError, ValidationError
from clientcare.events import SilentComplaintSignal, TouchRescheduled
from clientcare.kernel import Texts
from clientcare.playbook import ContactRules, Playbook
from clientcare.ports import Notification

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
D0 = T0.date()


def _touch(**extra: object) -> Touch:
    return Touch.plan(
        tenant="shop",
        customer_id="c1",
        reason=TouchReason.RETURN_VISIT,
        occasion=D0,
        due=D0,
        precision=Precision(information="询问是否满意", channel=Channel.PHONE),
        at=T0,
        **extra,  # type: ignore[arg-type]
    )


def test_no_answer_is_retried_then_closes() -> None:
    """A no-answer moves the touch on by the retry gap until the retries are spent."""
    touch = _touch()
    assert not touch.complete(Outcome.NO_ANSWER, by="alice", at=T0, max_retries=1, retry_after_days=2)
    assert (touch.status, touch.due) == (TouchStatus.PLANNED, D0 + timedelta(days=2))
    assert any(isinstance(e, TouchRescheduled) for e in touch.pull_events())
    assert touch.complete(Outcome.NO_ANSWER, by="alice", at=T0, max_retries=1)
    assert (touch.status, touch.outcome, touch.attempts) == (TouchStatus.DONE, Outcome.NO_ANSWER, 2)


def test_closed_touch_cannot_change() -> None:
    """A done touch refuses another outcome, a reschedule or a cancel."""
    touch = _touch()
    touch.complete(Outcome.REACHED, by="alice", at=T0)
    with pytest.raises(InvalidTransition):
        touch.complete(Outcome.REACHED, by="alice", at=T0)
    with pytest.raises(InvalidTransition):
        touch.reschedule(D0, by="alice", at=T0, why="again")
    with pytest.raises(InvalidTransition):
        touch.cancel(why="late", by="alice", at=T0)


def test_negative_outcome_signals_a_silent_complaint() -> None:
    """A negative contact outcome records the P50 signal with the touch as reference."""
    touch = _touch()
    touch.complete(Outcome.NEGATIVE, by="alice", at=T0)
    signals = [e for e in touch.pull_events() if isinstance(e, SilentComplaintSignal)]
    assert [(s.source, s.reference, s.severity) for s in signals] == [("contact_outcome", touch.id, "normal")]


def test_hold_and_release() -> None:
    """A held touch is released as planned, due no earlier than the release day."""
    touch = _touch()
    touch.hold(why="open complaint", at=T0)
    assert touch.status is TouchStatus.HELD and touch.status.open
    touch.release(due=D0 + timedelta(days=3), at=T0)
    assert (touch.status, touch.due) == (TouchStatus.PLANNED, D0 + timedelta(days=3))


def test_repr_keeps_the_brief_out() -> None:
    """What staff will say (possibly personal) never shows in a touch's repr."""
    touch = _touch()
    assert "询问" not in repr(touch) and "return_visit" in repr(touch)


def test_touch_priority_is_checked() -> None:
    """Priorities run from 1 to 5."""
    with pytest.raises(ValidationError) as err:
        _touch(priority=9)
    assert err.value.field == "priority"


@pytest.mark.parametrize(
    ("unit", "every", "start", "day", "expected"),
    [
        ("days", 3, date(2026, 1, 1), date(2026, 1, 7), True),
        ("weeks", 1, date(2026, 1, 1), date(2026, 1, 8), True),
        ("months", 1, date(2026, 1, 31), date(2026, 2, 28), True),
        ("months", 2, date(2026, 1, 15), date(2026, 2, 15), False),
        ("yearly", 1, date(2020, 3, 8), date(2026, 3, 8), True),
        ("days", 1, date(2026, 1, 1), date(2026, 2, 2), False),
    ],
)
def test_recurring_rule_dates(unit: str, every: int, start: date, day: date, expected: bool) -> None:
    """Recurring rules fall on their days (the 31st on a short month's last day) and stop at the end."""
    rule = RecurringRule.create(
        tenant="shop",
        customer_id="c1",
        owner="alice",
        unit=unit,
        every=every,
        starts_on=start,
        ends_on=date(2026, 12, 31) if day.month != 2 or day.day != 2 else date(2026, 2, 1),
        information="定期回访",
    )
    assert rule.occurs_on(day) is expected


def test_follow_up_gaps_may_shrink_as_in_the_document() -> None:
    """The playbook accepts the document's shrinking spacing (a week, four days, two days)."""
    rules = Playbook.from_toml("[cadences.follow_up]\ngaps_days = [7, 4, 2, 2, 2, 2, 2, 2, 2, 2]\n").cadences.follow_up
    assert [rules.gap_after(n) for n in (1, 2, 3)] == [7, 4, 2]


def test_follow_up_gaps_must_be_positive() -> None:
    """The playbook refuses a follow-up gap of zero days, naming the key."""
    with pytest.raises(PlaybookError) as err:
        Playbook.from_toml("[cadences.follow_up]\ngaps_days = [7, 0, 2, 2, 2, 2, 2, 2, 2, 2]\n")
    assert err.value.field.endswith("gaps_days")


def test_follow_up_benchmark_is_the_documents_table() -> None:
    """The default benchmark is seed 000's 2/3/5/10/80 table by follow-up number."""
    table = Playbook.default().cadences.follow_up.benchmark
    assert [(b.label, b.first, b.last, str(b.share)) for b in table] == [
        ("first_contact", 1, 1, "0.02"),
        ("follow_up_1", 2, 2, "0.03"),
        ("follow_up_2", 3, 3, "0.05"),
        ("follow_up_6", 7, 7, "0.10"),
        ("follow_up_4_to_11", 5, 12, "0.80"),
    ]


def test_quiet_hours_wrap_midnight() -> None:
    """Quiet hours from 21:00 to 09:00 include 23:00 and 08:00, not 12:00."""
    rules = ContactRules()
    assert rules.quiet(23) and rules.quiet(8) and not rules.quiet(12)


def test_tenant_templates_override_shipped_ones() -> None:
    """A tenant's playbook text wins over the shipped zh-CN file; others stay."""
    playbook = Playbook.from_toml('[cadences.templates."zh-CN".birthday]\nbody = "$name 生日快乐 —— $shop"\n')
    texts = Texts(playbook)
    assert texts.render("birthday", "body", name="王芳", shop="衣尚") == "王芳 生日快乐 —— 衣尚"
    assert texts.render("birthday", "subject") == "生日快乐"


def test_english_texts_ship_too() -> None:
    """The en locale file has every template the zh-CN file has."""
    en = Texts(Playbook.from_toml('[locale]\nlanguage = "en"\n'))
    assert en.render("holiday", "subject", holiday="National Day") == "Happy National Day"


def test_spring_festival_from_the_holiday_calendar() -> None:
    """China's 2026 Spring Festival is 17 February, greeted once under its Chinese name."""
    found = holidays_between("CN", ["Chinese New Year (Spring Festival)"], date(2026, 2, 1), date(2026, 2, 28), "zh_CN")
    assert found == [(date(2026, 2, 17), "Chinese New Year (Spring Festival)", "春节")]


def test_every_holiday_with_star() -> None:
    """``*`` greets every public holiday, leaving out substitute days off."""
    names = [n for _, n, _ in holidays_between("CN", ["*"], date(2026, 1, 1), date(2026, 1, 31))]
    assert names == ["New Year's Day"]


def test_failed_send_is_retried_after_the_lease() -> None:
    """A notifier failure leaves the touch planned; after the lease expires it is sent."""
    clock = FixedClock(T0)
    care = clientcare.connect("memory://", tenant="shop", clock=clock)
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.privacy.give_consent(ann.id, "service", "sms", method="verbal", source="in_store")
    care.touches.want(ann.id, "QY-1", description="风衣")
    care.touches.stock_arrived("QY-1")
    notifier = RecordingNotifier()
    notifier.fail_next = 1
    assert care.touches.dispatch(notifier, lease_seconds=60).failed == 1
    assert care.touches.dispatch(notifier).sent == 0  # still leased
    clock.advance(minutes=2)
    assert care.touches.dispatch(notifier).sent == 1
    [sent] = notifier.sent
    assert (sent.channel, sent.address) == ("sms", ann.phone)


def test_a_notification_repr_names_ids_never_the_address_or_the_text() -> None:
    """The repr of a notification is its ids, channel and locale: address, subject and body stay out."""
    sent = Notification(
        touch_id="t1",
        customer_id="c1",
        channel="sms",
        address="13800138000",
        subject="到货",
        body="风衣到了",
        locale="zh-CN",
        idempotency_key="k1",
    )
    assert repr(sent) == (
        "Notification(touch_id='t1', customer_id='c1', channel='sms', locale='zh-CN', idempotency_key='k1')"
    )


def test_erased_customers_get_no_touches() -> None:
    """The daily run leaves erased customers alone."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff", birthday=date(1990, 1, 7), customer_agrees=True)
    care.privacy.give_consent(ann.id, "greetings", "sms", method="verbal", source="in_store")
    care.privacy.erase(ann.id, by="li")
    assert care.daily.run(D0).planned == 0


def test_appointment_transitions() -> None:
    """An attended appointment cannot be cancelled; booking in the past is refused."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    with pytest.raises(ValidationError):
        care.appointments.book(ann.id, T0 - timedelta(hours=1))
    booked = care.appointments.book(ann.id, T0 + timedelta(hours=1), staff_id="alice")
    care.appointments.attend(booked.id)
    with pytest.raises(InvalidTransition):
        care.appointments.cancel(booked.id, why="late")


def test_shards_must_be_valid() -> None:
    """A shard number outside 0..shards-1 is refused."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    with pytest.raises(ValidationError):
        care.daily.run(D0, shard=2, shards=2)


def test_a_crashed_daily_run_resumes_by_running_again() -> None:
    """A run that dies after its first batch, run again, ends with the same touches as a clean run."""

    def shop() -> clientcare.Clientcare:
        care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
        for n in range(12):
            c = care.customers.register(f"顾客{n}", f"1390000{n:04d}", birthday=date(1990, 1, 7), customer_agrees=True)
            care.privacy.give_consent(c.id, "greetings", "sms", method="verbal", source="in_store")
        return care

    class Flaky:
        """A roster that dies in the second batch (the run asks it once per customer planned)."""

        calls = 0

        def staff_of(self, store_id: object) -> tuple[str, ...]:
            Flaky.calls += 1
            if Flaky.calls == 6:
                raise RuntimeError("worker died")
            return ()

    clean = shop()
    expected = clean.daily.run(D0, batch=5).planned
    care = shop()
    care = care.with_cadence_ports(roster=Flaky())
    with pytest.raises(RuntimeError):
        care.daily.run(D0, batch=5)
    partial = sum(len(care.touches.for_customer(c.id)) for c in care.customers.search(name="顾客", limit=50))
    assert 0 < partial < expected
    resumed = care.daily.run(D0, batch=5)
    assert partial + resumed.planned == expected == 12
