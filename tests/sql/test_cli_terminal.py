"""The command line once in a real terminal: tmux shows the import's progress bar and summary."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

import clientcare
from tests.sql.conftest import sqlite_url

HEADER = "receipt_id,occurred_at,style_no,unit_price,quantity,customer_id,customer_phone,size,colour,full_price\n"


def _tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is not installed; .ci/run installs it")
        pytest.skip("tmux is not installed")
    return found


def test_the_import_shows_a_progress_bar_and_a_summary_in_a_terminal(sqlite_template: Path, tmp_path: Path) -> None:
    """In a terminal the import draws a bar with bytes, rate and time left, then the summary table."""
    tmux = _tmux()
    url = sqlite_url(sqlite_template, tmp_path)
    with clientcare.connect(url, tenant="shop") as care:
        ann = care.customers.register("王芳", "13800138000")
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    path = tmp_path / "pos.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(20_000):
            out.write(f"R{i},{when},ST-{i % 50},99.00,1,{ann.id},,M,红,true\n")
    script = Path(sys.executable).with_name("clientcare")
    done = tmp_path / "done"
    command = (
        f"{shlex.quote(str(script))} purchases import {shlex.quote(str(path))}"
        f" --url {shlex.quote(url)} --tenant shop --batch-size 1000; echo $? > {shlex.quote(str(done))}; sleep 60"
    )
    session = f"cc-cli-{uuid.uuid4().hex[:8]}"
    subprocess.run([tmux, "new-session", "-d", "-s", session, "-x", "160", "-y", "40", command], check=True)
    try:
        deadline = time.monotonic() + 120
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        screen = subprocess.run(
            [tmux, "capture-pane", "-p", "-t", session], check=True, capture_output=True, text=True
        ).stdout
    finally:
        subprocess.run([tmux, "kill-session", "-t", session], check=False)
    assert done.read_text().strip() == "0", screen
    bar = next(line for line in screen.splitlines() if "pos.csv" in line)
    assert "━" in bar and "MB" in bar and "/s" in bar and "0:00:00" in bar
    assert "imported" in screen and "20000" in screen
