"""Steps for the notebook (P08)."""

from __future__ import annotations

from conftest import customer_named
from pytest_bdd import parsers, scenarios, then, when

import clientcare

scenarios("notebook.feature")


@when(parsers.parse('staff "{staff}" notes about "{name}": "{text}"'))
def note(care: clientcare.Clientcare, staff: str, name: str, text: str) -> None:
    care.notebook.write(customer_named(care, name).id, text, author=staff)


@then(parsers.parse('searching the notebook for "{fragment}" finds the note by "{staff}"'))
def finds(care: clientcare.Clientcare, fragment: str, staff: str) -> None:
    assert [n.author for n in care.notebook.search(fragment)] == [staff]


@then(parsers.parse('searching the notebook of "{staff}" for "{fragment}" finds {count:d} note'))
def finds_own(care: clientcare.Clientcare, staff: str, fragment: str, count: int) -> None:
    assert len(care.notebook.search(fragment, author=staff)) == count


@then(parsers.parse('the notes of "{name}" are newest first'))
def newest_first(care: clientcare.Clientcare, name: str) -> None:
    notes = care.notebook.for_customer(customer_named(care, name).id)
    assert [n.written_at for n in notes] == sorted((n.written_at for n in notes), reverse=True)
