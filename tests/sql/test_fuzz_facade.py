"""Fuzzing every public facade method from its signature (issue 11, item 3).

The methods and their parameters come from introspection, not from a hand
list: for every service on :class:`clientcare.Clientcare`, every public
method, with values drawn from a strategy per annotated type mixed with
hostile ones (wrong types, blanks, a megabyte of text, control characters and
NUL, emoji, Decimal NaN/inf/huge, naive and far dates, unknown ids and enum
values). Each call either succeeds or raises a ``ClientcareError``; a refused
call leaves the tenant's rows and outbox as they were; after an accepted call
the tenant-wide jobs still run. ``CI=true`` draws more examples.
"""

from __future__ import annotations

import collections.abc as cabc
import datetime as dt
import enum
import inspect
import os
import types
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import metadata
from clientcare.errors import ClientcareError
from tests.sql.conftest import SQL_BACKENDS, _fresh_url

SERVICES = [
    "customers",
    "privacy",
    "purchases",
    "notebook",
    "tiers",
    "membership",
    "points",
    "referrals",
    "touches",
    "daily",
    "appointments",
    "boards",
    "staff",
    "complaints",
    "assessments",
    "surveys",
    "analytics",
    "campaigns",
    "events",
]
#: Methods that hand the embedder's own code to clientcare, or read files by path: not input to fuzz.
NOT_DATA = {("events", "subscribe"), ("purchases", "import_csv")}
#: Examples per method: memory is cheap, a database round trip is not; CI=true draws more.
EXAMPLES = {"memory": 4, "sql": 1} if os.environ.get("CI") != "true" else {"memory": 8, "sql": 2}
NOW = dt.datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except NameError:
        return {}


def public_methods() -> list[tuple[str, str]]:
    """Every (service, method) pair of the facade, found by introspection."""
    care = clientcare.connect("memory://", tenant="probe", clock=FixedClock(NOW))
    found = []
    for service_name in SERVICES:
        kind = type(getattr(care, service_name))
        for name in dir(kind):
            static = inspect.getattr_static(kind, name)
            callable_ = isinstance(static, staticmethod) or inspect.isfunction(static)
            if not name.startswith("_") and callable_ and (service_name, name) not in NOT_DATA:
                found.append((service_name, name))
    return found


HOSTILE: st.SearchStrategy[object] = st.one_of(
    st.sampled_from(["", " ", "\x00", "a\x00b", "\x07bell", "no", "false", "9999-12-31", "12abc", "😀" * 3]),
    st.just("x" * 1_000_000),
    st.sampled_from([None, 0, -1, 2**63, 1.5, float("nan"), True, b"bytes", [], {}, ()]),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("1e15"), Decimal("0.000001")]),
    st.sampled_from([dt.datetime(2026, 1, 5, 10), dt.date(9999, 12, 31), dt.datetime(1, 1, 1, tzinfo=dt.UTC)]),
    st.text(max_size=20),
)


def _enum_values(kind: type[enum.Enum]) -> st.SearchStrategy[object]:
    return st.one_of(st.sampled_from(list(kind)), st.sampled_from([m.value for m in kind]), st.just("no-such-value"))


def strategy_for(kind: Any, ids: list[str]) -> st.SearchStrategy[object]:
    """Plausible values of the annotated type, mixed with hostile ones."""
    return st.one_of(_plausible(kind, ids), HOSTILE)


def _plausible(kind: Any, ids: list[str]) -> st.SearchStrategy[object]:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_plausible(a, ids) for a in args])
    if kind is type(None):
        return st.none()
    if kind is str:
        return st.one_of(st.sampled_from(ids), st.sampled_from(["A-1", "week", "staff", "note text", "manager"]))
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(-3, 40)
    if kind is float:
        return st.floats(-10, 10)
    if kind is Decimal:
        return st.decimals(-1000, 1000, places=2)
    if kind is dt.datetime:
        return st.integers(-400, 400).map(lambda days: NOW + dt.timedelta(days=days))
    if kind is dt.date:
        return st.integers(-400, 400).map(lambda days: NOW.date() + dt.timedelta(days=days))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enum_values(kind)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is not None and isinstance(origin, type) and issubclass(origin, cabc.Mapping):
        return st.dictionaries(st.sampled_from(["style_no", "price", "gender", "x"]), HOSTILE, max_size=2)
    if origin is tuple and args and args[-1] is not Ellipsis:
        return st.tuples(*[_plausible(a, ids) for a in args])
    if origin is not None and isinstance(origin, type) and issubclass(origin, cabc.Iterable):
        item = args[0] if args else Any
        return st.lists(strategy_for(item, ids), max_size=3).map(tuple if origin is tuple else list)
    return HOSTILE


def snapshot(care: clientcare.Clientcare) -> object:
    """The tenant's stored rows and outbox, comparable before and after a call."""
    backend: Any = care.backend
    if hasattr(backend, "engine"):
        engine: Engine = backend.engine
        rows = []
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                query = select(table)
                if "tenant" in table.c:
                    query = query.where(table.c.tenant == care.tenant)
                rows.append(sorted(repr(tuple(r)) for r in conn.execute(query)))
        return rows
    data = backend._data(care.tenant)  # the memory backend's store, read as it is
    tables = {name: {k: serialization.unstructure(v) for k, v in t.items()} for name, t in data.tables.items() if t}
    return tables, [repr(m) for m in data.outbox]


def run_jobs(care: clientcare.Clientcare) -> None:
    """The tenant-wide jobs an accepted call must never break."""
    care.daily.run()
    care.boards.weekly()
    care.complaints.review()
    care.membership.remind()
    care.tiers.recompute()


def seed(care: clientcare.Clientcare) -> list[str]:
    """One customer with a sale, a note and a complaint; their ids and an unknown one."""
    ann = care.customers.register("Fuzz Ann", "13800138000")
    sale = care.purchases.record(ann.id, [care.purchases.line("A-1", "100")], receipt_id="R-1")
    care.notebook.write(ann.id, "likes linen", author="staff")
    complaint = care.complaints.file(
        ann.id, channel="in_store", category="product_quality", description="seam split", by="staff"
    )
    return [ann.id, sale.id, complaint.id, "no-such-id"]


def _call_args(
    data: st.DataObject, function: Callable[..., Any], ids: list[str]
) -> tuple[list[object], dict[str, object]]:
    hints = _hints(function)
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in list(inspect.signature(function).parameters.values()):
        if parameter.name == "self":
            continue
        kind = hints.get(parameter.name, Any)
        draw = strategy_for(kind, ids)
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(data.draw(st.lists(draw, max_size=2)))
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            keys = st.sampled_from(["gender", "birthday", "hobbies", "email", "address", "no_such_field"])
            kwargs.update(data.draw(st.dictionaries(keys, HOSTILE, max_size=2)))
        elif parameter.default is inspect.Parameter.empty or data.draw(st.booleans()):
            value = data.draw(draw)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[parameter.name] = value
            else:
                args.append(value)
        else:
            break_positional = parameter.kind is not inspect.Parameter.KEYWORD_ONLY
            if break_positional:
                # Later positional parameters could not be given without this one: keep its default.
                args.append(parameter.default)
    return args, kwargs


METHODS = public_methods()


@pytest.fixture(scope="module")
def fuzz_backend(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    server_engines: dict[str, Engine],
) -> Iterator[clientcare.Clientcare]:
    """One facade per backend for the whole module; each test takes a tenant of its own."""
    url = _fresh_url(request.param, sqlite_template, tmp_path_factory.mktemp("fuzz"), server_engines)
    with clientcare.connect(url, tenant="fuzz", clock=FixedClock(NOW)) as care:
        yield care


@pytest.fixture
def fuzz_facade(
    fuzz_backend: clientcare.Clientcare, service: str, method: str
) -> tuple[clientcare.Clientcare, list[str]]:
    """A seeded tenant of its own for one method."""
    care = fuzz_backend.for_tenant(f"fuzz-{service}-{method}"[:64])
    return care, seed(care)


@pytest.mark.parametrize("fuzz_backend", ["memory", *SQL_BACKENDS], indirect=True, scope="module")
@pytest.mark.parametrize(("service", "method"), METHODS, ids=[f"{s}.{m}" for s, m in METHODS])
def test_every_call_succeeds_or_raises_ours_and_a_refusal_changes_nothing(
    fuzz_facade: tuple[clientcare.Clientcare, list[str]], service: str, method: str
) -> None:
    """Any arguments: success or a ClientcareError; refused calls change nothing; jobs still run after."""
    care, ids = fuzz_facade
    function = inspect.getattr_static(type(getattr(care, service)), method)
    plain = function.__func__ if isinstance(function, staticmethod) else function

    @settings(
        max_examples=EXAMPLES["memory" if not hasattr(care.backend, "engine") else "sql"],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def one_call(data: st.DataObject) -> None:
        args, kwargs = _call_args(data, plain, ids)
        before = snapshot(care)
        try:
            getattr(getattr(care, service), method)(*args, **kwargs)
        except ClientcareError:
            assert snapshot(care) == before, f"{service}.{method} was refused but changed the tenant's data"
            return
        run_jobs(care)

    one_call()


def test_the_fuzz_covers_every_service() -> None:
    """The introspected list reaches every service on the facade."""
    assert {service for service, _ in METHODS} == set(SERVICES)
    assert len(METHODS) > 150
