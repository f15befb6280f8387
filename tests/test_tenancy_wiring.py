"""Facades never share wiring: one CadencePorts for many tenants, for_tenant keeps subscribers."""

from __future__ import annotations

from datetime import datetime

import attrs

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.memory import MemoryBackend
from clientcare.events import CustomerRegistered, DomainEvent

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


def _shop(backend: MemoryBackend, tenant: str, ports: clientcare.CadencePorts) -> clientcare.Clientcare:
    return clientcare.Clientcare(backend, tenant, clock=FixedClock(T0), cadence_ports=ports)


def test_the_ports_passed_in_are_never_changed() -> None:
    """The embedder's CadencePorts keeps exactly what it was given."""
    ports = clientcare.CadencePorts(roster=clientcare.FixedRoster({None: ["li"]}))
    before = attrs.asdict(ports, recurse=False)
    care = _shop(MemoryBackend(), "a", ports)
    assert attrs.asdict(ports, recurse=False) == before
    assert care.cadence_ports is not ports and care.cadence_ports.roster is ports.roster


def test_an_open_complaint_of_tenant_b_pauses_b_sequence_with_shared_ports() -> None:
    """Two tenants on one backend and one CadencePorts: B's complaint pauses B's follow-up, not A's view."""
    backend = MemoryBackend()
    ports = clientcare.CadencePorts(roster=clientcare.FixedRoster({None: ["li"]}))
    shop_a = _shop(backend, "a", ports)
    shop_b = _shop(backend, "b", ports)
    ann = shop_b.customers.register("王芳", "13800138000", by="staff")
    shop_b.complaints.file(ann.id, channel="in_store", category="product_quality", description="起球", by="li")
    assert shop_b.cadence_ports.complaints.has_open_complaint(ann.id)
    assert not shop_a.cadence_ports.complaints.has_open_complaint(ann.id)


def test_for_tenant_keeps_the_embedders_subscribers() -> None:
    """A subscriber added on one facade hears the other tenant's facade from for_tenant."""
    care = clientcare.connect("memory://", tenant="a", clock=FixedClock(T0))
    heard: list[DomainEvent] = []
    care.events.subscribe(CustomerRegistered, heard.append)
    other = care.for_tenant("b")
    other.customers.register("王芳", "13800138000", by="staff")
    assert [e.tenant for e in heard] == ["b"]


def test_for_tenant_builds_its_own_areas() -> None:
    """for_tenant answers from the new tenant's areas, never from the old facade's services."""
    ports = clientcare.CadencePorts()
    care = clientcare.connect("memory://", tenant="a", clock=FixedClock(T0), cadence_ports=ports)
    other = care.for_tenant("b")
    assert other.cadence_ports.complaints is other.complaints
    assert care.cadence_ports.complaints is care.complaints
