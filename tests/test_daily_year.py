"""P23: the daily run over a year never fails, whatever the tenant, roster and capacity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.playbook import CadenceRules, Playbook, RotationRules

tenants = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
staff_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5)
rosters = st.dictionaries(
    st.none() | st.sampled_from(["north", "south"]), st.lists(staff_ids, max_size=3, unique=True), max_size=2
)
amounts = st.lists(st.sampled_from(["80", "900", "3000", "20000"]), min_size=1, max_size=5)


def _at(day: date) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T10:00:00+08:00")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tenant=tenants,
    roster=rosters,
    capacity=st.integers(1, 3),
    cycle_a=st.integers(1, 30),
    sales=amounts,
    start=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
)
def test_daily_run_never_raises_for_a_year(
    tenant: str, roster: dict[str | None, list[str]], capacity: int, cycle_a: int, sales: list[str], start: date
) -> None:
    """A year of daily runs with any roster (the default empty one too) and any capacity plans without an error."""
    clock = FixedClock(_at(start))
    rules = RotationRules(cycle_days_a=cycle_a, daily_capacity=capacity)
    care = clientcare.connect(
        "memory://", tenant=tenant, clock=clock, playbook=Playbook(cadences=CadenceRules(rotation=rules))
    )
    if roster:
        care = care.with_cadence_ports(roster=clientcare.FixedRoster(roster))
    for n, amount in enumerate(sales):
        store = ("north", "south", None)[n % 3]
        customer = care.customers.register(f"顾客{n}", f"1380000{n:04d}", store=store, customer_agrees=True, by="staff")
        care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
        care.purchases.record(customer.id, [care.purchases.line("S", amount)], staff_id="alice")
    care.tiers.recompute()
    visits = 0
    for offset in range(365):
        day = start + timedelta(days=offset)
        clock.set(_at(day))
        report = care.daily.run()
        assert report.day == day
        visits += dict(report.by_reason).get("rotation_visit", 0)
    # Every customer is on some rotation cycle (C at most 180 days), so a year visits each one.
    assert visits >= len(sales)
