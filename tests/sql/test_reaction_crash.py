"""A process killed between a survey answer's commit and its complaint loses no complaint (issue 12, item 5).

A subprocess records a low survey answer; an embedder's subscriber, which
runs after the commit and before the reactions, kills the process with
SIGKILL. After the restart the answer is stored, its complaint not yet;
``care.events.react()`` opens it, and running it again opens no second one.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from datetime import datetime

import clientcare
from clientcare.adapters.clock import FixedClock

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")

KILLED_AFTER_COMMIT = """
import os, signal, sys
from datetime import datetime
import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.events import SurveyAnswered

url, tenant, customer_id = sys.argv[1:4]
care = clientcare.connect(url, tenant=tenant, clock=FixedClock(datetime.fromisoformat("2026-03-02T10:00:00+08:00")))
care.events.subscribe(SurveyAnswered, lambda event: os.kill(os.getpid(), signal.SIGKILL))
care.surveys.record(customer_id, repurchase_intention=1, recommend=1, trust=1, answered_in_time=1)
"""


def test_a_kill_between_commit_and_reaction_leaves_exactly_one_complaint(sql_url: str) -> None:
    """After SIGKILL between the survey's commit and its reaction, react() opens the complaint once."""
    tenant = f"react-{uuid.uuid4().hex[:8]}"
    care = clientcare.connect(sql_url, tenant=tenant, clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, sql_url, tenant, ann.id],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL
    assert len(care.surveys.for_customer(ann.id)) == 1  # the answer was committed
    assert care.complaints.for_customer(ann.id) == []  # its reaction had not run
    assert care.events.react() == 1
    assert care.events.react() == 0
    assert len(care.complaints.for_customer(ann.id)) == 1
    care.close()
