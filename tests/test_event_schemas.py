"""The relayed events' schemas and docs/events.md stay true (issue 12, item 6)."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from pathlib import Path
from types import ModuleType

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.relays import envelope
from clientcare.adapters.relays._schemas import event_classes, event_schema

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("event_schemas", ROOT / "tools" / "event_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_published_schemas_are_those_of_the_event_classes() -> None:
    """docs/events/*.json and the table in docs/events.md are what tools/event_schemas.py makes now."""
    for path, text in _tool().rendered().items():
        assert path.read_text(encoding="utf-8") == text, f"run tools/event_schemas.py ({path.name} is stale)"
    names = {p.stem for p in (ROOT / "docs" / "events").glob("*.json")}
    assert names == {cls.__name__ for cls in event_classes()}


def test_real_payloads_have_exactly_the_schema_fields() -> None:
    """The data of relayed envelopes has every required field of its event's schema, and no other."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.surveys.record(ann.id, repurchase_intention=1, recommend=1, trust=1, answered_in_time=1)
    schemas = {cls.__name__: event_schema(cls) for cls in event_classes()}
    messages = care.events.pending(limit=100)
    assert len({m.name for m in messages}) >= 3
    for message in messages:
        data = json.loads(json.dumps(envelope("shop", message)["data"]))
        schema = schemas[message.name]
        assert set(data) == set(schema["properties"]) == set(schema["required"])
