"""The set-based daily run against the plain per-customer reference, touch by touch.

Hypothesis makes random tenants (birthdays, important dates, sales of any age,
consents, key flags, tiers, member cards, referrals, open complaints, ended
relationships) and plans a run of days twice: on the memory adapter, whose
prefilters admit every customer and whose questions are answered customer by
customer, and on a SQL adapter, whose prefilters and bulk reads decide which
customers get a view at all. Both facades mint the same ids, so every touch
compares by key, reason, due day, channel, owner and status.

SQLite always runs; PostgreSQL and MariaDB when their URLs are set (required
under ``CI=true``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.playbook import CadenceRules, Playbook, RotationRules

from .conftest import SQL_BACKENDS, CountingIds, _fresh_url

PURPOSES = ("service", "marketing", "greetings", "surveys")
CHANNELS = ("phone", "sms", "email")

people = st.lists(
    st.fixed_dictionaries(
        {
            "consents": st.sets(st.tuples(st.sampled_from(PURPOSES), st.sampled_from(CHANNELS)), max_size=8),
            "key": st.booleans(),
            # Days after the start (the run crosses them), in a leap year so 29 February can come up.
            "birthday": st.none() | st.tuples(st.integers(-4, 60), st.sampled_from([1976, 1988, 2000])),
            "important": st.none() | st.integers(-4, 60),
            "sales": st.lists(st.tuples(st.integers(1, 500), st.sampled_from(["90", "900", "9000"])), max_size=4),
            "card": st.none() | st.integers(-5, 40),
            "complaint": st.booleans(),
            "ended": st.booleans(),
            "referrer": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)
starts = st.dates(date(2025, 12, 20), date(2026, 12, 31))


@attrs.define
class EndedRelationships:
    """P61 as the assessments area would answer it (the same port for both adapters)."""

    ended: set[str] = attrs.field(factory=set)

    def marketing_stopped(self, customer_id: str) -> bool:
        return customer_id in self.ended

    def stopped_among(self, customer_ids: Sequence[str]) -> set[str]:
        return self.ended.intersection(customer_ids)


def _at(day: date) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T10:00:00+08:00")


def _tenant(url: str, tenant: list[dict[str, Any]], start: date) -> clientcare.Clientcare:
    """The same tenant, built by the same calls, on ``url``."""
    clock = FixedClock(_at(start - timedelta(days=600)))
    # Short cycles put rotation visits (and capacity) in every run, but not every customer in every run.
    rules = RotationRules(cycle_days_a=7, cycle_days_b=20, cycle_days_c=45, daily_capacity=2)
    care = clientcare.connect(
        url, tenant="shop", clock=clock, ids=CountingIds(), playbook=Playbook(cadences=CadenceRules(rotation=rules))
    )
    ended = EndedRelationships()
    care = care.with_cadence_ports(roster=clientcare.FixedRoster({None: ["alice", "bob"]}), relationships=ended)
    ids = []
    for n, person in enumerate(tenant):
        birthday = None
        if person["birthday"] is not None:
            offset, year = person["birthday"]
            birthday = (start + timedelta(days=offset)).replace(year=year)
        customer = care.customers.register(
            f"顾客{n}", f"1390000{n:04d}", birthday=birthday, customer_agrees=True, by="staff"
        )
        ids.append(customer.id)
        for purpose, channel in sorted(person["consents"]):
            care.privacy.give_consent(customer.id, purpose, channel, method="verbal", source="in_store")
        if person["key"]:
            care.customers.set_key(customer.id, by="manager")
        if person["important"] is not None:
            when = start + timedelta(days=person["important"])
            care.customers.add_important_date(customer.id, "anniversary", "纪念日", when.month, when.day, by="staff")
        if person["ended"]:
            ended.ended.add(customer.id)
    for n, person in enumerate(tenant):
        if person["referrer"] and n + 1 < len(ids):
            care.referrals.record(ids[n], ids[n + 1], by="staff")
        if person["card"] is not None:  # a 365-day card ending ``card`` days after the start
            clock.set(_at(start - timedelta(days=365 - person["card"])))
            care.membership.enrol(ids[n], level="vip", by="manager")
    sales = sorted((ago, n, amount) for n, person in enumerate(tenant) for ago, amount in person["sales"])
    for ago, n, amount in sorted(sales, key=lambda s: -s[0]):
        clock.set(_at(start - timedelta(days=ago)))
        care.purchases.record(ids[n], [care.purchases.line("S", amount)], staff_id="alice")
    clock.set(_at(start))
    care.tiers.recompute()
    for n, person in enumerate(tenant):
        if person["complaint"]:
            care.complaints.file(ids[n], channel="phone", category="product_quality", description="线头", by="staff")
    return care


def _touches(care: clientcare.Clientcare) -> list[tuple[str, ...]]:
    found = []
    for customer in care.customers.search(name="顾客", limit=100):
        for touch in care.touches.for_customer(customer.id):
            found.append(
                (
                    touch.key,
                    touch.reason.value,
                    touch.due.isoformat(),
                    touch.precision.channel.value,
                    touch.owner or "",
                    touch.status.value,
                )
            )
    return sorted(found)


def _plan_days(care: clientcare.Clientcare, start: date, steps: Sequence[int]) -> list[list[tuple[str, ...]]]:
    """The daily run on each day (days may be skipped), the touches after each."""
    after = []
    day = start
    for step in steps:
        day += timedelta(days=step)
        care.clock.set(_at(day))  # type: ignore[attr-defined]
        care.daily.run(day, batch=3)
        after.append(_touches(care))
    return after


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_set_based_daily_run_plans_what_the_reference_plans(
    backend: str, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, server_engines: dict[str, Engine]
) -> None:
    """Random tenants over a run of days: the SQL adapter's set-based path and the memory
    adapter's per-customer reference store the same touches, touch by touch."""

    # Fewer tenants on a server, where each one costs a wipe of every table: < 60 s per backend.
    examples = 25 if backend == "sqlite" else 10

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tenant=people, start=starts, steps=st.lists(st.integers(0, 12), min_size=2, max_size=6))
    def check(tenant: list[dict[str, Any]], start: date, steps: list[int]) -> None:
        url = _fresh_url(backend, sqlite_template, tmp_path_factory.mktemp("diff"), server_engines)
        reference = _tenant("memory://", tenant, start)
        subject = _tenant(url, tenant, start)
        try:
            assert _plan_days(subject, start, steps) == _plan_days(reference, start, steps)
        finally:
            subject.close()

    check()
