"""Read models, their JSON schemas, customer paging through the facade, and the error categories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import jsonschema_rs
import pytest

import clientcare
from clientcare import read_models, serialization
from clientcare.adapters.clock import FixedClock
from clientcare.errors import CATEGORIES, ClientcareError, ErrorCategory, ValidationError

NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
INTERNAL = {"tenant", "version", "history", "consents", "_events", "lease_owner", "lease_until", "details"}


@pytest.fixture
def care() -> clientcare.Clientcare:
    """A memory shop with a customer who has a history, a visit planned and a complaint."""
    shop = clientcare.connect("memory://", tenant="views", clock=FixedClock(NOW))
    fang = shop.customers.register("王芳", "13800138000", by="小李")
    shop.customers.update_profile(fang.id, by="小李", email="wf@example.com")
    shop.privacy.give_consent(fang.id, "service", "phone", method="verbal", source="in_store")
    shop.purchases.record(fang.id, [shop.purchases.line("QY-2301", "899.00")], staff_id="小李")
    shop.complaints.file(fang.id, channel="phone", category="delivery", description="没按时送到", by="小李")
    return shop


def _views(care: clientcare.Clientcare) -> dict[type, Any]:
    fang = care.customers.page().customers[0]
    touch = care.touches.for_customer(fang.id)[0]
    with care.backend.unit_of_work(care.tenant) as uow:
        complaint = uow.complaints.open_complaints()[0]
    return {
        read_models.CustomerView: care.customers.view(fang.id),
        read_models.CustomerList: read_models.CustomerList.of(care.customers.page()),
        read_models.TouchView: read_models.TouchView.of(touch),
        read_models.ComplaintView: read_models.ComplaintView.of(complaint),
        read_models.WeeklyBoard: care.boards.weekly(touch.due, staff="小李"),
    }


@pytest.mark.parametrize("model", read_models.ALL, ids=lambda cls: cls.__name__)
def test_schemas_hold_no_internals(model: type) -> None:
    """No read model's schema (nor a nested one) has a tenant, a version, a history or consents."""
    for definition in serialization.json_schema(model)["$defs"].values():
        assert not INTERNAL & set(definition["properties"]), definition["title"]
        assert definition["additionalProperties"] is False


def test_views_validate_against_their_schemas(care: clientcare.Clientcare) -> None:
    """What unstructure makes of each view is valid under its json_schema, with no personal before/after."""
    for model, view in _views(care).items():
        data = serialization.unstructure(view)
        jsonschema_rs.Draft202012Validator(serialization.json_schema(model)).validate(data)
        assert "wf@example.com" not in str({k: v for k, v in data.items() if k != "email"})


def test_json_schema_refuses_what_it_cannot_describe() -> None:
    """A field of a type the JSON shape does not define is a ValidationError, not a guess."""

    @attrs.frozen
    class Odd:
        payload: dict[str, Any]

    with pytest.raises(ValidationError) as caught:
        serialization.json_schema(Odd)
    assert caught.value.field == "json_schema"


def test_paging_through_the_facade(care: clientcare.Clientcare) -> None:
    """next_cursor leads through the archive once, is None on the last page, and narrows by phone."""
    for n in range(4):
        care.customers.register(f"顾客{n}", f"1390000{n:04d}", by="小李")
    seen: list[str] = []
    page = care.customers.page(limit=2)
    while True:
        seen += [c.id for c in page.customers]
        if page.next_cursor is None:
            break
        page = care.customers.page(cursor=page.next_cursor, limit=2)
    assert len(seen) == len(set(seen)) == 5
    assert [c.name for c in care.customers.page(phone="+86 139 0000 0002").customers] == ["顾客2"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": True}, "limit"), ({"cursor": "x"}, "cursor")],
)
def test_bad_paging_input_is_refused(care: clientcare.Clientcare, arguments: dict[str, Any], field: str) -> None:
    """A limit out of 1..200 or a cursor this listing did not make is a ValidationError naming it."""
    with pytest.raises(ValidationError) as caught:
        care.customers.page(**arguments)
    assert caught.value.field == field


def test_every_error_code_has_a_category() -> None:
    """CATEGORIES names every ClientcareError's code; each class's category is the table's."""
    pending: list[type[ClientcareError]] = [ClientcareError]
    while pending:
        cls = pending.pop()
        assert CATEGORIES[cls.code] is cls.category
        pending.extend(cls.__subclasses__())
    assert set(CATEGORIES.values()) == set(ErrorCategory)
