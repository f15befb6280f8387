"""Steps for the customer archive (P01, P02, P03, P07)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import capture, customer_named
from pytest_bdd import parsers, scenarios, then, when

import clientcare
from clientcare.errors import ClientcareError

scenarios("archive.feature")


@when(
    parsers.parse('staff try to register "{name}" with phone "{phone}" and birthday "{birthday}" without asking'),
    target_fixture="error",
)
def register_without_asking(
    care: clientcare.Clientcare, name: str, phone: str, birthday: str
) -> ClientcareError | None:
    return capture(lambda: care.customers.register(name, phone, birthday=date.fromisoformat(birthday)))


@when(parsers.parse('staff register "{name}" with phone "{phone}" and birthday "{birthday}" with her agreement'))
def register_with_agreement(care: clientcare.Clientcare, name: str, phone: str, birthday: str) -> None:
    care.customers.register(name, phone, birthday=date.fromisoformat(birthday), customer_agrees=True)


@when(parsers.parse('staff try to register "{name}" with phone "{phone}"'), target_fixture="error")
def try_register(care: clientcare.Clientcare, name: str, phone: str) -> ClientcareError | None:
    return capture(lambda: care.customers.register(name, phone))


@when(parsers.re(r'staff (?:note of|learn about) "(?P<name>[^"]+)": (?P<pairs>.+)'))
def update_profile(care: clientcare.Clientcare, name: str, pairs: str) -> None:
    fields = _pairs(pairs)
    care.customers.update_profile(customer_named(care, name).id, by="staff", **fields)


@when(parsers.parse('staff try to set the email of "{name}" to "{email}"'), target_fixture="error")
def try_email(care: clientcare.Clientcare, name: str, email: str) -> ClientcareError | None:
    return capture(lambda: care.customers.update_profile(customer_named(care, name).id, by="staff", email=email))


@when(parsers.parse('staff record the "{kind}" date "{label}" of "{name}" on {month:d}-{day:d}'))
def important_date(care: clientcare.Clientcare, kind: str, label: str, name: str, month: int, day: int) -> None:
    care.customers.add_important_date(customer_named(care, name).id, kind, label, month, day, by="staff")


@then(parsers.parse('the profile completeness of "{name}" is {score}'))
def completeness(care: clientcare.Clientcare, name: str, score: str) -> None:
    assert care.customers.completeness(customer_named(care, name).id) == Decimal(score)


@then(parsers.parse('the hard archive of "{name}" has email "{email}" and clothing size "{size}"'))
def hard_archive(care: clientcare.Clientcare, name: str, email: str, size: str) -> None:
    hard = customer_named(care, name).hard
    assert (hard.email, hard.clothing_size) == (email, size)


@then(parsers.parse('the dates coming up for "{name}" within {days:d} days include "{label}" on "{day}"'))
def upcoming(care: clientcare.Clientcare, name: str, days: int, label: str, day: str) -> None:
    dates = care.customers.upcoming_dates(customer_named(care, name).id, within_days=days)
    assert (date.fromisoformat(day), label) in dates


def _pairs(text: str) -> dict[str, object]:
    """'gender "male", age band "30-39"' -> {"gender": "male", "age_band": "30-39"}."""
    result: dict[str, object] = {}
    for chunk in text.split('", '):
        key, _, value = chunk.partition(' "')
        field = key.strip().replace(" ", "_")
        value = value.rstrip('"')
        result[field] = tuple(v.strip() for v in value.split(",")) if field == "hobbies" else value
    return result
