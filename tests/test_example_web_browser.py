"""examples/web in headless Chromium: a staff member opens the board, marks a touch done, files a complaint."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from _browser import ARTIFACTS, chromium_page
from test_example_web import SECRET, load_example

from clientcare.adapters.clock import FixedClock

NOW = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The app on an SQLite file, served by uvicorn on a free loopback port in a thread."""
    app = load_example().create_app(
        f"sqlite:///{tmp_path / 'care.db'}", "acme", clock=FixedClock(NOW), unsubscribe_secret=SECRET
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app.state.care
    server.should_exit = True
    thread.join(timeout=20)


def test_staff_member_works_the_board_in_chromium(served: tuple[str, Any]) -> None:
    """小李 opens his board, marks the return visit done and files a complaint; both are stored."""
    base, care = served
    customer = care.customers.register("王芳", "13800138000", by="小李")
    care.privacy.give_consent(customer.id, "service", "phone", method="verbal", source="in_store")
    care.purchases.record(customer.id, [care.purchases.line("QY-2301", "899.00")], staff_id="小李")
    visit = min(care.touches.for_customer(customer.id), key=lambda touch: touch.due)
    with chromium_page(width=1000, height=700) as (page, errors):
        page.goto(f"{base}/staff/小李/board.html?day={visit.due.isoformat()}")
        row = page.locator(f'tr[data-touch="{visit.id}"]')
        assert "王芳" in row.inner_text()
        row.locator("select.outcome").select_option("reached")
        row.locator("button.done").click()
        page.wait_for_function("document.getElementById('message').textContent === '已完成'")
        row.locator("button.complain").click()
        page.select_option("#complaint select[name=category]", "staff_service")
        page.fill("#complaint input[name=description]", "回访时态度不好")
        page.click("#complaint button[type=submit]")
        page.wait_for_function("document.getElementById('message').textContent.startsWith('投诉已登记')")
        status = row.locator("td.status").inner_text()
        page.screenshot(path=str(ARTIFACTS / "web-board.png"), full_page=True)
    assert errors == []
    assert status == "done" and care.touches.get(visit.id).outcome == "reached"
    assert care.complaints.review("week", day=NOW.date()).by_category == {"staff_service": 1}
    assert (ARTIFACTS / "web-board.png").stat().st_size > 0
