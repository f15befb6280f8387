"""Property tests for the daily run: idempotent, consent-bound, rotation complete."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.playbook import CadenceRules, Playbook, RotationRules

PURPOSES = ("service", "marketing", "greetings", "surveys")
CHANNELS = ("phone", "sms", "email", "messaging")

consents = st.sets(st.tuples(st.sampled_from(PURPOSES), st.sampled_from(CHANNELS)), max_size=6)
customers = st.lists(
    st.fixed_dictionaries(
        {
            "consents": consents,
            "key": st.booleans(),
            "birthday": st.none() | st.dates(date(1960, 1, 1), date(2005, 12, 31)),
            "bought_days_ago": st.lists(st.integers(1, 400), max_size=3),
        }
    ),
    min_size=1,
    max_size=6,
)
days = st.dates(date(2026, 1, 1), date(2026, 12, 31))
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:00:00+08:00")


def _shop(
    people: list[dict[str, object]], day: date, playbook: Playbook | None = None, url: str = "memory://"
) -> clientcare.Clientcare:
    clock = FixedClock(_at(day - timedelta(days=500)))
    care = clientcare.connect(url, tenant="shop", clock=clock, playbook=playbook)
    care = care.with_cadence_ports(roster=clientcare.FixedRoster({None: ["alice", "bob"]}))
    for n, person in enumerate(people):
        birthday = person["birthday"]
        customer = care.customers.register(
            f"顾客{n}", f"1390000{n:04d}", birthday=birthday, customer_agrees=True, by="staff"
        )
        for purpose, channel in person["consents"]:  # type: ignore[attr-defined]
            care.privacy.give_consent(customer.id, purpose, channel, method="verbal", source="in_store")
        if person["key"]:
            care.customers.set_key(customer.id, by="manager")
        for ago in sorted(person["bought_days_ago"], reverse=True):  # type: ignore[call-overload]
            clock.set(_at(day - timedelta(days=ago)))
            care.purchases.record(customer.id, [care.purchases.line("S", "100")], staff_id="alice")
    clock.set(_at(day))
    return care


def _all_touches(care: clientcare.Clientcare) -> list[clientcare.Touch]:
    return [t for c in care.customers.search(name="顾客", limit=100) for t in care.touches.for_customer(c.id)]


@SETTINGS
@given(people=customers, day=days)
def test_daily_run_is_idempotent(people: list[dict[str, object]], day: date) -> None:
    """Running the daily run twice for a day plans nothing the second time."""
    care = _shop(people, day)
    care.daily.run(day)
    before = sorted(t.key for t in _all_touches(care))
    again = care.daily.run(day)
    assert again.planned == 0
    assert sorted(t.key for t in _all_touches(care)) == before
    assert len(before) == len(set(before))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=customers, day=days)
def test_daily_run_is_idempotent_on_sqlite(people: list[dict[str, object]], day: date) -> None:
    """On the SQL adapter (SQLite) too, a second daily run plans nothing and keys stay unique."""
    care = _shop(people, day, url="sqlite://")
    try:
        first = care.daily.run(day)
        before = sorted(t.key for t in _all_touches(care))
        assert care.daily.run(day).planned == 0
        assert sorted(t.key for t in _all_touches(care)) == before
        assert len(before) == len(set(before)) == first.planned + _planned_by_purchases(before)
    finally:
        care.close()


def _planned_by_purchases(keys: list[str]) -> int:
    """Touches the recorded purchases planned before the run (return visits, after-sales)."""
    return sum(1 for key in keys if key.split("|")[1] in ("return_visit", "after_sales"))


@SETTINGS
@given(people=customers, day=days)
def test_no_automated_touch_without_consent(people: list[dict[str, object]], day: date) -> None:
    """Every automated touch the daily run plans has consent for its purpose on its channel."""
    care = _shop(people, day)
    for offset in range(0, 4):
        care.clock.set(_at(day + timedelta(days=offset)))  # type: ignore[attr-defined]
        care.daily.run(day + timedelta(days=offset))
    care.touches.inform("新品", "春季新品到店")
    by_id = {c.id: c for c in care.customers.search(name="顾客", limit=100)}
    for touch in _all_touches(care):
        customer = by_id[touch.customer_id]
        if touch.automated:
            assert customer.has_consent(touch.purpose, touch.precision.channel, at=touch.planned_at)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiers=st.lists(st.sampled_from("ABC"), min_size=1, max_size=12),
    cycles=st.tuples(st.integers(1, 6), st.integers(1, 8), st.integers(1, 10)),
    capacity=st.integers(1, 3),
    start=days,
)
def test_rotation_reaches_every_customer_within_its_cycle(
    tiers: list[str], cycles: tuple[int, int, int], capacity: int, start: date
) -> None:
    """Over any window of one cycle, each customer gets exactly one rotation visit, within capacity."""
    rules = RotationRules(
        cycle_days_a=cycles[0], cycle_days_b=cycles[1], cycle_days_c=cycles[2], daily_capacity=capacity
    )
    care = _shop([], start, Playbook(cadences=CadenceRules(rotation=rules)))
    tier_of: dict[str, str] = {}
    for n, tier in enumerate(tiers):
        customer = care.customers.register(f"顾客{n}", f"1370000{n:04d}", by="staff")
        care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
        tier_of[customer.id] = tier

    class Tiers:
        def tier_of(self, ids: object) -> dict[str, str]:
            return tier_of

    care = care.with_cadence_ports(segments=Tiers())
    longest = max(rules.cycle_for(t) for t in tiers)
    for offset in range(longest):
        care.daily.run(start + timedelta(days=offset))
    load: dict[tuple[str | None, date], int] = {}
    for customer_id, tier in tier_of.items():
        visits = [t for t in care.touches.for_customer(customer_id) if t.reason.value == "rotation_visit"]
        occasions = [t.occasion for t in visits]
        cycle = rules.cycle_for(tier)
        for shift in range(longest - cycle + 1):
            window_start = start + timedelta(days=shift)
            inside = [d for d in occasions if window_start <= d < window_start + timedelta(days=cycle)]
            assert len(inside) == 1, (tier, cycle, shift, occasions)
        for t in visits:
            load[(t.owner, t.due)] = load.get((t.owner, t.due), 0) + 1
    assert max(load.values()) <= capacity


@pytest.mark.parametrize("backend", ["memory", "sqlite file"])
def test_concurrent_workers_plan_each_touch_once(backend: str, tmp_path: Path) -> None:
    """Four workers running the same day at once (with and without shards) store every touch once."""
    people = [
        {
            "consents": {("greetings", "sms"), ("service", "phone")},
            "key": n % 3 == 0,
            "birthday": date(1990, 3, 3),
            "bought_days_ago": [40, 10],
        }
        for n in range(30)
    ]
    day = date(2026, 3, 1)
    url = "memory://" if backend == "memory" else f"sqlite:///{tmp_path / 'care.db'}"
    care = _shop(people, day, url=url)  # type: ignore[arg-type]
    errors: list[BaseException] = []

    def work(shard: int, shards: int) -> None:
        try:
            care.daily.run(day, shard=shard, shards=shards, batch=7)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=args) for args in ((0, 1), (0, 1), (0, 2), (1, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = [t.key for t in _all_touches(care)]
    assert len(keys) == len(set(keys))
    assert care.daily.run(day).planned == 0
