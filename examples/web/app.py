"""A FastAPI web layer over one tenant's clientcare facade (see README.md beside this file).

Run it: ``python examples/web/app.py sqlite:///care.db acme`` and open
http://127.0.0.1:8000/docs. Everything the routes return is a library read
model (:mod:`clientcare.read_models`); the pydantic models below are generated
from them, so OpenAPI names every field and cannot drift from the library.
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any, Literal

import attrs
import jinja2
import pydantic
from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import clientcare
from clientcare import read_models, serialization
from clientcare.cadences import Outcome
from clientcare.complaints import Answer, Category, ComplaintChannel, Severity
from clientcare.errors import ClientcareError, ErrorCategory

__all__ = ["create_app"]

# -- response models, generated from the library's read models -----------------


def _annotation(tp: Any, made: dict[type, type[pydantic.BaseModel]]) -> Any:
    """The pydantic annotation for one field type of a read model (as ``unstructure`` renders it)."""
    if isinstance(tp, type) and attrs.has(tp):
        return _model(tp, made)
    if tp is Decimal:
        return str  # money and ratios travel as strings: no float rounding
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (tuple, frozenset) and args:
        return list[_annotation(args[0], made)]  # type: ignore[misc]
    if args and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return _annotation(inner, made) | None
    return tp


def _model(cls: type, made: dict[type, type[pydantic.BaseModel]]) -> type[pydantic.BaseModel]:
    if cls not in made:
        hints = typing.get_type_hints(cls)
        fields: dict[str, Any] = {f.name: (_annotation(hints[f.name], made), ...) for f in attrs.fields(cls)}
        made[cls] = pydantic.create_model(cls.__name__, __doc__=cls.__doc__, **fields)
    return made[cls]


_MODELS: dict[type, type[pydantic.BaseModel]] = {}
CustomerView = _model(read_models.CustomerView, _MODELS)
CustomerList = _model(read_models.CustomerList, _MODELS)
WeeklyBoard = _model(read_models.WeeklyBoard, _MODELS)
TouchView = _model(read_models.TouchView, _MODELS)
ComplaintView = _model(read_models.ComplaintView, _MODELS)


# -- request bodies --------------------------------------------------------------


class Registration(pydantic.BaseModel):
    """P01: a name and a phone are enough to begin."""

    name: str
    phone: str
    store: str | None = None
    by: str


class TouchDone(pydantic.BaseModel):
    """What came of a touch, and who made it."""

    outcome: Outcome
    by: str


class ComplaintFiling(pydantic.BaseModel):
    """P41: a complaint as it was heard."""

    customer_id: str | None
    channel: ComplaintChannel
    category: Category
    description: str
    by: str
    severity: Severity = Severity.NORMAL


class ComplaintStep(pydantic.BaseModel):
    """One of P42's six steps. ``text`` is what the step records: what was heard, the root cause,
    the story for the customer, a note, the lesson. ``cause`` (diagnose) defaults to other,
    ``answer`` (decide) to explain."""

    action: Literal["listen", "apologise", "diagnose", "decide", "resolve", "after_care", "close"]
    by: str
    text: str = ""
    cause: Category | None = None
    answer: Answer | None = None


class Unsubscribe(pydantic.BaseModel):
    """The token of an unsubscribe link (in the body: a URL would put it in access logs)."""

    token: str


class Unsubscribed(pydantic.BaseModel):
    """How many consents the link ended (0 when it was used before)."""

    ended: int


class Health(pydantic.BaseModel):
    """The service answers and reaches its storage."""

    status: Literal["ok"]


class Problem(pydantic.BaseModel):
    """RFC 9457 problem details. ``detail`` names the field and the rule, never the value."""

    type: str
    title: str
    status: int
    detail: str
    code: str


# -- errors: one table from the library's categories to HTTP ---------------------

STATUS: dict[ErrorCategory, int] = {
    ErrorCategory.VALIDATION: 422,
    ErrorCategory.NOT_FOUND: 404,
    ErrorCategory.CONFLICT: 409,
    ErrorCategory.FORBIDDEN: 403,
    ErrorCategory.UNAVAILABLE: 503,
    ErrorCategory.CONFIGURATION: 500,
}
_PROBLEM_JSON = "application/problem+json"
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": category.value, "content": {_PROBLEM_JSON: {}}}
    for category, status in STATUS.items()
} | {400: {"model": Problem, "description": "not JSON", "content": {_PROBLEM_JSON: {}}}}


def _problem(status: int, title: str, detail: str, code: str) -> JSONResponse:
    body = Problem(type=f"urn:clientcare:problem:{code}", title=title, status=status, detail=detail, code=code)
    return JSONResponse(body.model_dump(), status_code=status, media_type=_PROBLEM_JSON)


async def _clientcare_error(_: Request, exc: Exception) -> JSONResponse:
    # clientcare's messages are "field: rule" by design, so they are safe to show.
    assert isinstance(exc, ClientcareError)
    response = _problem(STATUS[exc.category], exc.category.value, str(exc), exc.code)
    if exc.retryable:
        response.headers["Retry-After"] = "1"
    return response


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    # FastAPI's default answer echoes the input (a phone, a name): name the fields and rules only.
    assert isinstance(exc, RequestValidationError)
    rules = sorted({f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['type']}" for e in exc.errors()})
    return _problem(422, "validation", "; ".join(rules), "request_invalid")


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    # The framework's own refusals (a body that is not JSON, an unknown route) in the same shape.
    assert isinstance(exc, StarletteHTTPException)
    return _problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail), f"http_{exc.status_code}")


# -- the app -----------------------------------------------------------------------

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def create_app(url: str, tenant: str, **options: Any) -> FastAPI:
    """The web layer for ``tenant`` on ``url``; ``options`` go to :func:`clientcare.connect` (a clock, a secret)."""
    care = clientcare.connect(url, tenant=tenant, **options)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        care.close()

    app = FastAPI(title=f"clientcare ({tenant})", lifespan=lifespan, responses=_PROBLEMS)
    app.state.care = care  # for an embedder's own routes and for seeding in tests
    app.add_exception_handler(ClientcareError, _clientcare_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    _customer_routes(app, care)
    _board_routes(app, care)
    _complaint_routes(app, care)
    _other_routes(app, care)
    return app


def _json(view: object) -> Any:
    """A read model as JSON: the response model then checks it against the schema."""
    return serialization.unstructure(view)


def _customer_routes(app: FastAPI, care: clientcare.Clientcare) -> None:
    # Plain `def` routes: FastAPI runs them in its thread pool, and each facade
    # call is one unit of work (one transaction), so a request needs no session of its own.
    @app.post("/customers", status_code=201, response_model=CustomerView)
    def register(body: Registration) -> Any:
        customer = care.customers.register(body.name, body.phone, store=body.store, by=body.by)
        return _json(care.customers.view(customer.id))

    @app.get("/customers", response_model=CustomerList)
    def list_customers(
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        name: str | None = None,
        tag: str | None = None,
        phone: str | None = None,
    ) -> Any:
        page = care.customers.page(cursor=cursor, limit=limit, name=name, tag=tag, phone=phone)
        return _json(read_models.CustomerList.of(page))

    @app.get("/customers/{customer_id}", response_model=CustomerView)
    def card(customer_id: str) -> Any:
        return _json(care.customers.view(customer_id))


def _board_routes(app: FastAPI, care: clientcare.Clientcare) -> None:
    @app.get("/staff/{staff}/board", response_model=WeeklyBoard)
    def board(staff: str, day: date | None = None) -> Any:
        return _json(care.boards.weekly(day, staff=staff))

    @app.get("/staff/{staff}/board.html", response_class=HTMLResponse)
    def board_page(staff: str, day: date | None = None) -> str:
        weekly = care.boards.weekly(day, staff=staff)
        sections = [("逾期", weekly.overdue), ("今天", weekly.today), ("明天", weekly.tomorrow)]
        sections.append(("本周", weekly.this_week))
        return _TEMPLATES.get_template("board.html").render(
            staff=staff, board=weekly, sections=sections, categories=list(Category), outcomes=list(Outcome)
        )

    @app.post("/touches/{touch_id}/done", response_model=TouchView)
    def touch_done(touch_id: str, body: TouchDone) -> Any:
        return _json(read_models.TouchView.of(care.touches.complete(touch_id, body.outcome, by=body.by)))


def _complaint_routes(app: FastAPI, care: clientcare.Clientcare) -> None:
    def view(complaint_id: str) -> Any:
        return _json(read_models.ComplaintView.of(care.complaints.get(complaint_id)))

    @app.post("/complaints", status_code=201, response_model=ComplaintView)
    def file_complaint(body: ComplaintFiling) -> Any:
        complaint = care.complaints.file(
            body.customer_id,
            channel=body.channel,
            category=body.category,
            description=body.description,
            by=body.by,
            severity=body.severity,
        )
        return _json(read_models.ComplaintView.of(complaint))

    @app.get("/complaints/{complaint_id}", response_model=ComplaintView)
    def complaint(complaint_id: str) -> Any:
        return view(complaint_id)

    @app.post("/complaints/{complaint_id}/steps", response_model=ComplaintView)
    def step(complaint_id: str, body: ComplaintStep) -> Any:
        # One facade call per step: the step and its events commit together or not at all.
        c, by, text = care.complaints, body.by, body.text
        if body.action == "listen":
            c.listen(complaint_id, heard=text, by=by)
        elif body.action == "apologise":
            c.apologise(complaint_id, note=text, by=by)
        elif body.action == "diagnose":
            c.diagnose(complaint_id, root_cause=text, cause=body.cause or Category.OTHER, by=by)
        elif body.action == "decide":
            c.decide(complaint_id, story=text, answer=body.answer or Answer.EXPLAIN, by=by)
        elif body.action == "resolve":
            c.resolve(complaint_id, note=text, by=by)
        elif body.action == "after_care":
            c.after_care(complaint_id, note=text, by=by)
        else:
            c.close(complaint_id, lesson=text, by=by)
        return view(complaint_id)


def _other_routes(app: FastAPI, care: clientcare.Clientcare) -> None:
    @app.post("/unsubscribe", response_model=Unsubscribed)
    def unsubscribe(body: Annotated[Unsubscribe, Body()]) -> Any:
        return {"ended": care.privacy.unsubscribe(body.token)}

    @app.get("/health", response_model=Health)
    def health() -> Any:
        # A one-row read proves the storage answers, not just the process
        # (StorageUnavailable becomes a 503 problem through the handler).
        care.customers.page(limit=1)
        return {"status": "ok"}


def main(argv: list[str]) -> None:
    """``app.py URL [TENANT] [--port N] [--check]``: serve, or with ``--check`` start, ask /health and stop."""
    parser = argparse.ArgumentParser(description="clientcare's FastAPI example")
    parser.add_argument("url")
    parser.add_argument("tenant", nargs="?", default="acme")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--check", action="store_true", help="a deploy's smoke test: answer /health once, then stop")
    args = parser.parse_args(argv)
    app = create_app(args.url, args.tenant)
    if args.check:
        from fastapi.testclient import TestClient  # noqa: PLC0415 - only the smoke test needs it

        with TestClient(app) as client:
            health = client.get("/health")
        print(health.status_code, health.json())
        sys.exit(0 if health.status_code == 200 else 1)
    import uvicorn  # noqa: PLC0415 - serving needs it, importing the app does not

    uvicorn.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main(sys.argv[1:])
