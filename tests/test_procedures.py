"""docs/procedures.md: every procedure, its passages, its playbook keys and its tagged scenarios."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from procedures import passages, tagged  # noqa: E402

from clientcare.playbook import Playbook, provenance  # noqa: E402


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
    for pid in ("P21", "P40", "P42", "P43", "P49", "P52", "P61"):
        assert quoted.get(pid), pid
        assert all(q in text for q in quoted[pid]), pid


def _rows() -> dict[str, list[str]]:
    """docs/procedures.md's table: procedure id -> its cells (procedure, passages, keys, scenarios)."""
    rows = {}
    for line in (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| (P\d\d) \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = re.split(r"(?<!\\) \| ", match.group(2))
    return rows


def test_every_catalogued_procedure_has_a_row() -> None:
    """Each P-id of the procedure catalogue (PROCEDURES.md, beside the project) has its row."""
    catalogue = next(
        (
            p
            for p in (ROOT.parent / "shared" / "PROCEDURES.md", ROOT.parent.parent / "shared" / "PROCEDURES.md")
            if p.exists()
        ),
        None,
    )
    if catalogue is None:
        pytest.skip("the procedure catalogue (shared/PROCEDURES.md) is not next to this checkout")
    ids = re.findall(r"\*\*(P\d\d) ", catalogue.read_text(encoding="utf-8"))
    assert len(ids) >= 50
    assert [pid for pid in ids if pid not in _rows()] == []


def test_the_playbook_keys_named_are_settings() -> None:
    """Every key in the playbook-keys column is a setting of the playbook (with its provenance mark)."""
    settings = {s.key for s in provenance(Playbook)}
    named = {pid: re.findall(r"`([^`]+)`", cells[2]) for pid, cells in _rows().items()}
    assert sum(len(keys) for keys in named.values()) > 50
    assert {pid: [k for k in keys if k not in settings] for pid, keys in named.items() if set(keys) - settings} == {}


def test_the_scenarios_named_exist_with_their_tag() -> None:
    """Every scenario in a row exists in that feature file, tagged with the row's id."""
    scenarios = tagged()
    for pid, cells in _rows().items():
        named = re.findall(r"`([\w.]+\.feature)`: ([^<]+?)(?=<br>|$)", cells[3])
        assert named, pid
        assert [n for n in named if (n[0], n[1].strip()) not in scenarios.get(pid, [])] == [], pid
