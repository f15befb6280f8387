"""The facade: tenancy, all-or-nothing use cases, events, wiring."""

from __future__ import annotations

import logging
from datetime import date

import pytest

import clientcare
from clientcare import events as ev
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.memory import MemoryBackend
from clientcare.errors import ClientcareError, ConfigurationError, DuplicateRecord, NotFound, RuleViolation


def test_tenants_cannot_see_each_other(clock: FixedClock) -> None:
    """A facade for one tenant can neither read nor write another tenant's records."""
    backend = MemoryBackend()
    acme = clientcare.Clientcare(backend, "acme", clock=clock)
    other = acme.for_tenant("globex")
    fang = acme.customers.register("王芳", "13800138000")
    sale = acme.purchases.record(fang.id, [acme.purchases.line("A-1", "10")])
    with pytest.raises(NotFound):
        other.customers.get(fang.id)
    with pytest.raises(NotFound):
        other.customers.update_profile(fang.id, by="x", clothing_size="L")
    with pytest.raises(NotFound):
        other.purchases.record(fang.id, [other.purchases.line("A-1", "10")])
    with pytest.raises(NotFound):
        other.purchases.record_return(sale.id, [other.purchases.line("A-1", "10")])
    with pytest.raises(NotFound):
        other.notebook.write(fang.id, "hi", author="x")
    with pytest.raises(NotFound):
        other.privacy.erase(fang.id, by="li")
    assert other.customers.find_by_phone("13800138000") is None
    assert other.customers.search(name="王") == []
    assert other.notebook.search("hi") == []
    other.customers.register("王芳", "13800138000")  # the same phone is free in another tenant
    assert acme.customers.get(fang.id).hard.clothing_size is None


def test_stores_of_a_chain_share_customers(care: clientcare.Clientcare) -> None:
    """One card for all stores: a customer registered in one store buys in another."""
    fang = care.customers.register("王芳", "13800138000", store="静安店")
    care.purchases.record(fang.id, [care.purchases.line("A-1", "100")], store_id="徐汇店")
    assert care.customers.summary(fang.id).figures.purchase_count == 1


def test_failed_use_case_writes_nothing(care: clientcare.Clientcare) -> None:
    """A duplicate phone found after building the customer leaves no trace, not even events."""
    care.customers.register("王芳", "13800138000")
    before = len(care.events.pending())
    with pytest.raises(DuplicateRecord):
        care.customers.register("王小芳", "138-0013-8000", clothing_size="M")
    assert len(care.events.pending()) == before
    assert [c.name for c in care.customers.search(name="王")] == ["王芳"]


def test_ask_first_fields_need_agreement(care: clientcare.Clientcare) -> None:
    """P01: birthday or address at registration only with the customer's agreement."""
    with pytest.raises(RuleViolation) as info:
        care.customers.register("李娜", "13900139000", address="北京")
    assert info.value.rule == "register.ask_first" and "北京" not in str(info.value)
    assert care.customers.find_by_phone("13900139000") is None
    lina = care.customers.register("李娜", "13900139000", birthday=date(1990, 5, 12), customer_agrees=True)
    assert lina.hard.birthday == date(1990, 5, 12)


def test_events_reach_subscribers_after_commit(care: clientcare.Clientcare) -> None:
    """Subscribers see committed events of their type, in order."""
    seen: list[ev.DomainEvent] = []
    care.events.subscribe(ev.PurchaseRecorded, seen.append)
    fang = care.customers.register("王芳", "13800138000")
    care.purchases.record(fang.id, [care.purchases.line("A-1", "100")])
    assert [type(e) for e in seen] == [ev.PurchaseRecorded]


def test_failing_subscriber_does_not_undo_the_use_case(
    care: clientcare.Clientcare, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken subscriber is logged; the committed change stays."""

    def broken(event: ev.DomainEvent) -> None:
        raise RuntimeError("subscriber bug")

    care.events.subscribe(ev.DomainEvent, broken)
    with caplog.at_level(logging.ERROR, logger="clientcare"):
        fang = care.customers.register("王芳", "13800138000")
    assert care.customers.get(fang.id).name == "王芳"
    assert "CustomerRegistered" in caplog.text


def test_outbox_keeps_events_until_delivered(care: clientcare.Clientcare) -> None:
    """The outbox lists events in order until marked delivered."""
    care.customers.register("王芳", "13800138000")
    pending = care.events.pending()
    assert [m.name for m in pending] == ["CustomerRegistered"]
    care.events.mark_delivered([m.id for m in pending])
    assert care.events.pending() == []


def test_unknown_scheme_is_a_configuration_error() -> None:
    """connect() names the URL problem and the known schemes."""
    with pytest.raises(ConfigurationError) as info:
        clientcare.connect("oracle://db", tenant="t")
    assert "memory" in str(info.value)


def test_own_backend_through_register_backend(clock: FixedClock) -> None:
    """An embedder registers a scheme for their own backend."""
    made: list[MemoryBackend] = []

    def factory(url: str, **options: object) -> MemoryBackend:
        made.append(MemoryBackend())
        return made[-1]

    clientcare.register_backend("mystore", factory)
    care = clientcare.connect("mystore://x", tenant="t", clock=clock)
    assert care.backend is made[0]


def test_facade_built_from_own_ports(clock: FixedClock) -> None:
    """No URL needed: hand in a backend and a clock."""
    care = clientcare.Clientcare(MemoryBackend(), "t", clock=clock)
    assert care.customers.register("王芳", "13800138000").tenant == "t"


def test_personal_data_stays_out_of_logs_reprs_and_errors(
    care: clientcare.Clientcare, caplog: pytest.LogCaptureFixture
) -> None:
    """Phone, email, address, birthday and name never appear in logs, reprs or errors."""
    secrets = ["王芳", "13800138000", "wf@example.com", "南京西路", "1990-05-12"]
    with caplog.at_level(logging.DEBUG):
        fang = care.customers.register("王芳", "13800138000")
        care.customers.update_profile(
            fang.id, by="s", email="wf@example.com", address="南京西路1号", birthday=date(1990, 5, 12)
        )
        errors: list[ClientcareError] = []
        for bad in ({"email": "wf@"}, {"phone": "138001"}, {"address": "南京西路" * 100}):
            try:
                care.customers.update_profile(fang.id, by="s", **bad)
            except ClientcareError as exc:
                errors.append(exc)
        try:
            care.customers.register("王芳", "13800138000")
        except ClientcareError as exc:
            errors.append(exc)
    summary = care.customers.summary(fang.id)
    texts = [caplog.text, repr(summary), repr(care.customers.history(fang.id)), *map(str, errors)]
    assert len(errors) == 4
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text[:200])


def test_summary_gathers_card_figures_and_notes(care: clientcare.Clientcare) -> None:
    """The summary shows completeness, figures, recent purchases and notes."""
    fang = care.customers.register("王芳", "13800138000")
    care.purchases.record(fang.id, [care.purchases.line("A-1", "100"), care.purchases.line("B-2", "50", 2)])
    care.notebook.write(fang.id, "喜欢蓝色", author="小李")
    summary = care.customers.summary(fang.id)
    assert summary.figures.total_spend == clientcare.Money.of("200")
    assert summary.figures.average_ticket == clientcare.Money.of("200.00")
    assert len(summary.recent_purchases) == 1 and len(summary.notes) == 1
    assert summary.card.stale is False
