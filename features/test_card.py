"""Steps for the relationship card (P06)."""

from __future__ import annotations

from conftest import customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare

scenarios("card.feature")


@when(parsers.parse('staff "{staff}" sets the employer of "{name}" to "{employer}" and the position to "{position}"'))
def set_employer(care: clientcare.Clientcare, staff: str, name: str, employer: str, position: str) -> None:
    care.customers.update_profile(customer_named(care, name).id, by=staff, employer=employer, position=position)


@when(parsers.parse('staff "{staff}" sets the position of "{name}" to "{position}"'))
def set_position(care: clientcare.Clientcare, staff: str, name: str, position: str) -> None:
    care.customers.update_profile(customer_named(care, name).id, by=staff, position=position)


@given(parsers.parse('staff "{staff}" makes "{name}" a key customer'))
def make_key(care: clientcare.Clientcare, staff: str, name: str) -> None:
    care.customers.set_key(customer_named(care, name).id, by=staff)


@when(parsers.parse('staff "{staff}" reviews the card of "{name}"'))
def review(care: clientcare.Clientcare, staff: str, name: str) -> None:
    care.customers.review_card(customer_named(care, name).id, by=staff)


@when(parsers.parse('staff "{staff}" adds the "{kind}" contact "{value}" to "{name}"'))
def add_contact(care: clientcare.Clientcare, staff: str, kind: str, value: str, name: str) -> None:
    care.customers.set_contacts(customer_named(care, name).id, [(kind, value)], by=staff)


@then(parsers.parse('the history of "{name}" shows "{field}" changed by "{staff}"'))
def history_shows(care: clientcare.Clientcare, name: str, field: str, staff: str) -> None:
    changes = care.customers.history(customer_named(care, name).id)
    assert any(c.field == field and c.by == staff for c in changes)


@then(parsers.parse('the card of "{name}" shows the position "{position}"'))
def card_position(care: clientcare.Clientcare, name: str, position: str) -> None:
    assert care.customers.card(customer_named(care, name).id).position == position


@then(parsers.parse('the stale cards are "{names}"'))
def stale_cards(care: clientcare.Clientcare, names: str) -> None:
    cards = care.customers.stale_cards()
    assert [c.name for c in cards] == [n.strip() for n in names.split(",")]


@then(parsers.parse('the card of "{name}" lists a "{kind}" contact'))
def card_contact(care: clientcare.Clientcare, name: str, kind: str) -> None:
    assert [c.kind for c in care.customers.card(customer_named(care, name).id).contacts] == [kind]
