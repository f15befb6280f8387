"""The business-hours calendar complaint promises are counted on (P40, P51)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientcare.errors import PlaybookError, ValidationError
from clientcare.kernel import BusinessCalendar
from clientcare.playbook import BusinessHours, Playbook

CN = BusinessCalendar.from_playbook(Playbook.default())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_public_holidays_are_not_working_days() -> None:
    """New Year and the Spring Festival stop the clock."""
    assert not CN.is_working_day(date(2026, 1, 1))
    assert not CN.is_working_day(date(2026, 2, 17))


def test_china_adjusted_working_days_count() -> None:
    """A Sunday worked in exchange for a longer holiday (调休) is a working day."""
    assert CN.is_working_day(date(2026, 1, 4))
    assert CN.is_working_day(date(2026, 2, 14))
    assert not CN.is_working_day(date(2026, 1, 10))


def test_adjusted_days_come_from_the_holidays_package_without_playbook_help() -> None:
    """With no extra working days configured, the package's own 调休 list still applies."""
    hours = BusinessHours(extra_workdays=())
    calendar = BusinessCalendar.of(hours, zone=Playbook.default().locale.zone, country="CN")
    assert calendar.is_working_day(date(2026, 9, 20))


def test_extra_holidays_and_weekdays_override_the_country() -> None:
    """A tenant can close on a day of its own and open every weekday."""
    hours = BusinessHours(weekdays=(0, 1, 2, 3, 4, 5, 6), extra_holidays=("2026-03-09",))
    calendar = BusinessCalendar.of(hours, zone=Playbook.default().locale.zone, country="CN")
    assert calendar.is_working_day(date(2026, 3, 7))
    assert not calendar.is_working_day(date(2026, 3, 9))
    assert not calendar.is_working_day(date(2026, 1, 1))


def test_a_country_without_a_holiday_table_uses_weekends_only() -> None:
    """An unknown country still gets a calendar: Monday to Friday."""
    calendar = BusinessCalendar.of(BusinessHours(), zone=Playbook.default().locale.zone, country="ZZ")
    assert calendar.is_working_day(date(2026, 1, 1)) and not calendar.is_working_day(date(2026, 1, 3))


def test_the_lunch_break_does_not_count() -> None:
    """Split shifts: 10:00 to 15:00 holds 3.5 open hours around the 12:00-13:30 break."""
    assert CN.business_hours_between(at("2026-01-05T10:00:00+08:00"), at("2026-01-05T15:00:00+08:00")) == Decimal("3.5")


def test_adding_hours_skips_nights_weekends_and_holidays() -> None:
    """Four open hours from Wednesday 31 December 17:00 end on the adjusted Sunday 4 January at noon."""
    assert CN.add_business_hours(at("2025-12-31T17:00:00+08:00"), Decimal(4)) == at("2026-01-04T12:00:00+08:00")


def test_due_skips_a_closed_pause_and_is_unknown_during_an_open_one() -> None:
    """A pause moves the deadline; while the pause runs, no deadline is known."""
    start = at("2026-01-05T10:00:00+08:00")
    pause = (at("2026-01-05T11:00:00+08:00"), at("2026-01-05T14:30:00+08:00"))
    assert CN.due(start, Decimal(4), [pause]) == at("2026-01-05T17:30:00+08:00")
    assert CN.due(start, Decimal(4), [(pause[0], None)]) is None


def test_active_hours_leave_out_pauses() -> None:
    """Open time inside a pause is not counted towards a promise."""
    start, end = at("2026-01-05T09:00:00+08:00"), at("2026-01-05T18:00:00+08:00")
    assert CN.active_hours(start, end, [(at("2026-01-05T13:30:00+08:00"), None)]) == Decimal(3)


def test_naive_moments_and_negative_hours_are_refused() -> None:
    """Calendar inputs name their field when wrong."""
    with pytest.raises(ValidationError) as naive:
        CN.add_business_hours(datetime(2026, 1, 5, 10), Decimal(1))
    assert naive.value.field == "start"
    with pytest.raises(ValidationError) as negative:
        CN.add_business_hours(at("2026-01-05T10:00:00+08:00"), Decimal(-1))
    assert negative.value.field == "hours"


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ('[complaints.hours]\nperiods = ["18:00-09:00"]', "complaints.hours.periods"),
        ('[complaints.hours]\nperiods = ["09:00-13:00", "12:00-18:00"]', "complaints.hours.periods"),
        ("[complaints.hours]\nweekdays = [7]", "complaints.hours.weekdays"),
        ("[complaints]\nkey_customer_factor = 2", "complaints.key_customer_factor"),
        ('[complaints]\nescalation_chain = ["handler", "boss"]', "complaints.authority_limits"),
        ("[complaints.resolution_hours]\nminor = 1\nnormal = 2\nmajor = 3", "complaints.resolution_hours.major"),
        ("[complaints]\nrecurrence_treshold = 3", "complaints.recurrence_treshold"),
    ],
)
def test_wrong_complaint_settings_name_their_key(toml: str, field: str) -> None:
    """A wrong value in the complaints section is a PlaybookError naming the dotted key."""
    with pytest.raises(PlaybookError) as error:
        Playbook.from_toml(toml)
    assert error.value.field == field


def test_complaint_settings_load_from_toml() -> None:
    """Opening hours, extra days, chain and limits come from the tenant's TOML."""
    playbook = Playbook.from_toml(
        """
        [complaints]
        escalation_chain = ["clerk", "owner"]
        authority_limits = { clerk = 100, owner = "5000" }
        [complaints.hours]
        periods = ["10:00-22:00"]
        extra_workdays = [2027-02-06]
        """
    )
    rules = playbook.complaints
    assert rules.escalation_chain == ("clerk", "owner") and rules.limit_of("owner") == Decimal(5000)
    calendar = BusinessCalendar.from_playbook(playbook)
    assert calendar.is_working_day(date(2027, 2, 6))
    assert calendar.add_business_hours(at("2026-01-05T21:00:00+08:00"), Decimal(2)) == at("2026-01-06T11:00:00+08:00")


@settings(max_examples=40, deadline=None)
@given(
    st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 12, 1)),
    st.integers(min_value=0, max_value=200),
)
def test_adding_then_measuring_gives_the_same_hours(moment: datetime, quarters: int) -> None:
    """Adding h open hours and measuring the span back yields h."""
    start = moment.replace(tzinfo=Playbook.default().locale.zone)
    hours = Decimal(quarters) / 4
    end = CN.add_business_hours(start, hours)
    assert end >= start and CN.business_hours_between(start, end) == hours
    assert end - start < timedelta(days=40)


def test_the_playbook_with_complaint_rules_stays_hashable() -> None:
    """Authority limits (a table) do not make the playbook unhashable."""
    assert hash(Playbook.default()) == hash(Playbook.default())
