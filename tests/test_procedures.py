"""Every procedure in docs/procedures.md has at least one tagged scenario."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from procedures import passages, tagged  # noqa: E402


def test_every_procedure_has_a_tagged_scenario() -> None:
    """No procedure listed in the docs is left without a scenario tagged with its id."""
    listed = re.findall(r"^\| (P\d\d) \|", (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8"), re.M)
    scenarios = tagged()
    assert len(listed) >= 50
    assert [p for p in listed if not scenarios.get(p)] == []


def test_the_documents_scenarios_quote_their_passages() -> None:
    """Every procedure with an issue-17 scenario shows the seed passage it follows in docs/procedures.md."""
    text = (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8")
    quoted = passages()
    for pid in ("P21", "P40", "P42", "P43"):
        assert quoted.get(pid), pid
        assert all(q in text for q in quoted[pid]), pid
