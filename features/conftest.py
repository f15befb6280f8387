"""Shared BDD fixtures and steps. State travels through target_fixture only."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError


def pytest_configure(config: pytest.Config) -> None:
    """Register the procedure tags (@P01 … @P99) as markers."""
    for n in range(1, 100):
        config.addinivalue_line("markers", f"P{n:02d}: procedure P{n:02d} of PROCEDURES.md")


def backend_urls() -> list[str]:
    """The backends every scenario runs on (SQL ones join when their adapter is installed)."""
    urls = ["memory://"]
    if importlib.util.find_spec("sqlalchemy") is not None:
        urls.append("sqlite:///{tmp}/care.db")
    return urls


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at Monday 5 January 2026, 10:00 in Shanghai."""
    return FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))


@pytest.fixture(params=backend_urls())
def care(request: pytest.FixtureRequest, clock: FixedClock, tmp_path: Any) -> Iterator[clientcare.Clientcare]:
    """The facade for tenant "shop" on each backend."""
    url = request.param.replace("{tmp}", str(tmp_path))
    facade = clientcare.connect(url, tenant="shop", clock=clock)
    yield facade
    facade.close()


@pytest.fixture(autouse=True)
def _on_every_backend(care: clientcare.Clientcare) -> None:
    """Request ``care`` statically, so pytest parametrizes each scenario by backend."""


def capture(action: Callable[[], object]) -> ClientcareError | None:
    """Run ``action`` and hand back the clientcare error it raised, if any."""
    try:
        action()
    except ClientcareError as exc:
        return exc
    return None


def customer_named(care: clientcare.Clientcare, name: str) -> clientcare.Customer:
    """The one customer whose name is exactly ``name``."""
    return next(c for c in care.customers.search(name=name) if c.name == name)


@given(parsers.parse('the clock reads "{moment}"'))
def clock_reads(clock: FixedClock, moment: str) -> None:
    clock.set(datetime.fromisoformat(moment))


@given(parsers.parse("{days:d} days pass"))
@when(parsers.parse("{days:d} days pass"))
def days_pass(clock: FixedClock, days: int) -> None:
    clock.advance(days=days)


@given(parsers.parse('a customer "{name}" with phone "{phone}"'), target_fixture="customer")
@when(parsers.parse('staff register "{name}" with phone "{phone}"'), target_fixture="customer")
def register(care: clientcare.Clientcare, name: str, phone: str) -> clientcare.Customer:
    return care.customers.register(name, phone, by="staff")


@then(parsers.parse('the error is "{rule}"'))
def error_is(error: ClientcareError | None, rule: str) -> None:
    assert error is not None, "expected the step to fail"
    assert getattr(error, "rule", None) == rule or type(error).__name__ == rule, str(error)


@then(parsers.parse('the error names the field "{field}"'))
def error_names_field(error: ClientcareError | None, field: str) -> None:
    assert error is not None, "expected the step to fail"
    assert getattr(error, "field", None) == field, str(error)


@then(parsers.parse('no customer "{name}" exists'))
def no_customer(care: clientcare.Clientcare, name: str) -> None:
    assert [c for c in care.customers.search(name=name) if c.name == name] == []


@then(parsers.parse('the customer "{name}" can be found by phone "{phone}"'))
def found_by_phone(care: clientcare.Clientcare, name: str, phone: str) -> None:
    found = care.customers.find_by_phone(phone)
    assert found is not None and found.name == name


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    """Procedure tags become markers (registered above); others as pytest-bdd does."""
    if tag.startswith("P") and tag[1:].isdigit():
        marker = getattr(pytest.mark, tag)
        marker(function)
        return True
    return None
