"""examples/web against its own OpenAPI with schemathesis: no 5xx, every response as documented."""

from __future__ import annotations

from datetime import datetime

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_example_web import SECRET, load_example

from clientcare.adapters.clock import FixedClock

NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")

APP = load_example().create_app("memory://", "fuzz", clock=FixedClock(NOW), unsubscribe_secret=SECRET)
care = APP.state.care
# Something to find: a customer and a complaint, so reads do not all end in 404.
_customer = care.customers.register("王芳", "13800138000", by="小李")
care.complaints.file(_customer.id, channel="phone", category="delivery", description="晚了", by="小李")

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_openapi(case: schemathesis.Case) -> None:
    """Whatever schemathesis sends: no server error, and status, content type and body as documented."""
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    )
