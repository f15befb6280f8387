"""examples/web: every route through FastAPI's TestClient, problem details, OpenAPI against the read models."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clientcare import read_models, serialization
from clientcare.adapters.clock import FixedClock
from clientcare.kernel import UnsubscribeToken

APP = Path(__file__).resolve().parents[1] / "examples" / "web" / "app.py"
NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")
SECRET = "a-secret-for-the-web-example"
PHONE = "13800138000"


def load_example() -> ModuleType:
    """examples/web/app.py as a module (it is a script beside its README, not a package)."""
    if "web_example_app" not in sys.modules:
        spec = importlib.util.spec_from_file_location("web_example_app", APP)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["web_example_app"] = module
        spec.loader.exec_module(module)
    return sys.modules["web_example_app"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app on memory:// for tenant acme, on a fixed clock, with an unsubscribe secret."""
    app = load_example().create_app("memory://", "acme", clock=FixedClock(NOW), unsubscribe_secret=SECRET)
    with TestClient(app) as test_client:
        yield test_client


def _register(client: TestClient, name: str = "王芳", phone: str = PHONE) -> dict[str, Any]:
    response = client.post("/customers", json={"name": name, "phone": phone, "by": "小李"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "title", "status", "detail", "code"}
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_register_and_open_the_card(client: TestClient) -> None:
    """Registering answers the card: no tenant, version or history; the card reads back by id."""
    card = _register(client)
    assert card["name"] == "王芳" and card["phone"] == "+8613800138000"
    assert not {"tenant", "version", "history", "consents"} & set(card)
    assert client.get(f"/customers/{card['id']}").json() == card


def test_page_through_customers_with_a_cursor(client: TestClient) -> None:
    """Pages of two follow the opaque cursor to the end, in name order; filters narrow the listing."""
    ids = {_register(client, f"顾客{n}", f"1390000{n:04d}")["id"] for n in range(5)}
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/customers", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert "1390000" not in cursor and "顾客" not in cursor  # the cursor carries no personal data
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    found = client.get("/customers", params={"phone": "139 0000 0003"}).json()["items"]
    assert [item["phone_tail"] for item in found] == ["0003"]
    assert len(client.get("/customers", params={"name": "顾客"}).json()["items"]) == 5


def test_problem_details_for_validation_not_found_and_conflict(client: TestClient) -> None:
    """Each ClientcareError category has its status; the detail names field and rule, never the value."""
    bad = _problem(
        client.post("/customers", json={"name": "王芳", "phone": "12345", "by": "x"}), 422, "validation_error"
    )
    assert bad["detail"].startswith("phone:") and "12345" not in str(bad)
    missing = _problem(client.get("/customers/no-such-id"), 404, "not_found")
    assert "no-such-id" not in str(missing)
    _register(client)
    duplicate = _problem(
        client.post("/customers", json={"name": "王芳", "phone": PHONE, "by": "x"}), 409, "duplicate_record"
    )
    assert PHONE not in str(duplicate)
    cursor = _problem(client.get("/customers", params={"cursor": "garbage"}), 422, "validation_error")
    assert cursor["detail"].startswith("cursor:")


def test_request_validation_never_echoes_the_input(client: TestClient) -> None:
    """FastAPI's own 422 would repeat the body: the app answers a problem naming fields and rules only."""
    body = _problem(client.post("/customers", json={"name": ["王芳"], "phone": PHONE}), 422, "request_invalid")
    assert "王芳" not in str(body) and PHONE not in str(body)
    assert "by: missing" in body["detail"]


def _planned_visit(client: TestClient, name: str = "王芳") -> tuple[str, dict[str, Any]]:
    """A customer with a return visit planned for 小李 (a sale he made plans it, P20)."""
    care = load_example_care(client.app)
    customer = care.customers.register(name, PHONE, by="小李")
    care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
    care.purchases.record(customer.id, [care.purchases.line("QY-2301", "899.00")], staff_id="小李")
    visit = min(care.touches.for_customer(customer.id), key=lambda touch: touch.due)
    return customer.id, serialization.unstructure(read_models.TouchView.of(visit))


def load_example_care(app: Any) -> Any:
    """The facade behind the app (the tests seed data through it, as a POS import would)."""
    return app.state.care


def test_board_as_json_and_html_and_a_touch_marked_done(client: TestClient) -> None:
    """The board lists the visit (JSON and an autoescaped page); marking it done answers the closed touch."""
    _, visit = _planned_visit(client)
    board = client.get("/staff/小李/board", params={"day": visit["due"]}).json()
    assert [item["touch_id"] for item in board["today"]] == [visit["id"]]
    page = client.get("/staff/小李/board.html", params={"day": visit["due"]})
    assert page.headers["content-type"].startswith("text/html") and visit["id"] in page.text
    done = client.post(f"/touches/{visit['id']}/done", json={"outcome": "reached", "by": "小李"})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["outcome"] == "reached"
    _problem(
        client.post(f"/touches/{visit['id']}/done", json={"outcome": "reached", "by": "小李"}),
        409,
        "invalid_transition",
    )


def test_board_page_escapes_what_staff_typed(client: TestClient) -> None:
    """A customer's name is text on the page, never markup."""
    _, visit = _planned_visit(client, "<b>王</b>")
    page = client.get("/staff/小李/board.html", params={"day": visit["due"]}).text
    assert "&lt;b&gt;王&lt;/b&gt;" in page and "<b>王</b>" not in page


def test_file_and_walk_a_complaint_to_its_close(client: TestClient) -> None:
    """P42's six steps through the API; a step out of order is a 409 naming the transition."""
    customer = _register(client)
    filed = client.post(
        "/complaints",
        json={
            "customer_id": customer["id"],
            "channel": "phone",
            "category": "delivery",
            "description": "没按时送到",
            "by": "小李",
        },
    )
    assert filed.status_code == 201
    complaint = filed.json()
    assert complaint["status"] == "received" and "description" not in complaint
    steps = [
        {"action": "listen", "text": "没按时送到"},
        {"action": "apologise"},
        {"action": "diagnose", "text": "物流延误", "cause": "delivery"},
        {"action": "decide", "text": "物流延误，已催", "answer": "explain"},
        {"action": "resolve"},
        {"action": "after_care"},
        {"action": "close", "text": "换物流"},
    ]
    early = client.post(f"/complaints/{complaint['id']}/steps", json={"action": "close", "by": "张主管", "text": "x"})
    _problem(early, 409, "invalid_transition")
    for step in steps:
        answer = client.post(f"/complaints/{complaint['id']}/steps", json=step | {"by": "张主管"})
        assert answer.status_code == 200, answer.text
    final = client.get(f"/complaints/{complaint['id']}").json()
    assert final["status"] == "closed" and final["next_actions"] == ["reopen", "resume"]
    assert [entry["step"] for entry in final["timeline"]][-1] == "closed"
    _problem(client.get("/complaints/nope"), 404, "not_found")


def test_unsubscribe_by_token(client: TestClient) -> None:
    """A signed link ends the consent once; a forged one is a 403 problem that repeats no token."""
    customer = _register(client)
    care = load_example_care(client.app)
    care.privacy.give_consent(customer["id"], "marketing", "sms", method="written", source="in_store")
    token = UnsubscribeToken.issue(
        tenant="acme",
        customer_id=customer["id"],
        purpose="marketing",
        channel="sms",
        expires_at=NOW + timedelta(days=9),
    ).sign(SECRET)
    assert client.post("/unsubscribe", json={"token": token}).json() == {"ended": 1}
    assert client.post("/unsubscribe", json={"token": token}).json() == {"ended": 0}
    forged = _problem(client.post("/unsubscribe", json={"token": token[:-3] + "abc"}), 403, "invalid_token")
    assert token[-10:] not in str(forged)


def test_health(client: TestClient) -> None:
    """Health reads the storage."""
    assert client.get("/health").json() == {"status": "ok"}


@pytest.mark.parametrize("model", read_models.ALL, ids=lambda cls: cls.__name__)
def test_openapi_names_every_field_of_the_read_models(client: TestClient, model: type) -> None:
    """Each read model's OpenAPI schema has exactly the library schema's fields, each with a type."""
    components = client.get("/openapi.json").json()["components"]["schemas"]
    library = serialization.json_schema(model)["$defs"][model.__name__]
    web = components[model.__name__]
    assert sorted(web["properties"]) == sorted(library["properties"])
    assert set(web["required"]) == set(library["required"])
    for name, field in web["properties"].items():
        assert any(key in field for key in ("type", "$ref", "anyOf", "enum")), name


def test_runs_again_on_the_same_sqlite_file(tmp_path: Path) -> None:
    """Re-runnable on a file database: a second app on the same file finds the first one's customer."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    create_app = load_example().create_app
    with TestClient(create_app(url, "acme")) as first:
        _register(first)
    with TestClient(create_app(url, "acme")) as second:
        assert [item["phone_tail"] for item in second.get("/customers").json()["items"]] == ["8000"]
        _problem(second.post("/customers", json={"name": "王芳", "phone": PHONE, "by": "x"}), 409, "duplicate_record")
