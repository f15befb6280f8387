"""Issue 17: every playbook default is marked as from the documents (seed and passage) or an assumption (why)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from clientcare.playbook import ComplaintRules, Playbook, assumed, documented, provenance

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent.parent / "shared" / "seeds"
sys.path.insert(0, str(ROOT / "tools"))

from playbook_table import PAGE, rewritten  # noqa: E402


def _seeds() -> dict[str, str]:
    """Seed text by its first three digits (the documents live beside the project, not in it)."""
    for folder in (SEEDS, ROOT.parent / "shared" / "seeds"):
        if folder.is_dir():
            return {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}
    pytest.skip("the source documents (shared/seeds) are not next to this checkout")


def test_every_setting_carries_a_valid_mark() -> None:
    """A seed that exists and a passage found in its text, or a non-empty why; nothing unmarked."""
    seeds = _seeds()
    settings = provenance(Playbook)
    assert len(settings) > 100
    bad = []
    for setting in settings:
        if setting.source == "documents":
            if setting.seed not in seeds or not setting.passage or setting.passage not in seeds[setting.seed]:
                bad.append(f"{setting.key}: passage not found in seed {setting.seed}")
        elif setting.source == "assumption":
            if not setting.why.strip():
                bad.append(f"{setting.key}: an assumption needs a why")
        else:
            bad.append(f"{setting.key}: unmarked")
    assert bad == []


def test_most_complaint_assessment_and_analytics_defaults_are_assumptions() -> None:
    """The documents give procedures, few numbers: the library says so instead of inventing."""
    settings = provenance(Playbook)
    for area in ("complaints.", "assessment.", "analytics.", "survey."):
        marks = [s.source for s in settings if s.key.startswith(area)]
        assert marks.count("assumption") > marks.count("documents"), area
    assert {s.key for s in settings if s.source == "documents"} >= {
        "profile.hard_weight",
        "cadences.follow_up.benchmark",
        "complaints.first_response_every_day",
    }


def test_sections_are_walked_and_list_rows_are_reached() -> None:
    """Nested sections give dotted keys; the rows of list settings are walked too."""
    keys = {s.key for s in provenance(Playbook)}
    assert {
        "complaints.hours.periods",
        "assessment.forms[].indicators[].scale_max",
        "membership.levels[].discount",
    } <= keys
    assert "complaints.hours" not in keys  # a section, not a setting
    assert {s.key for s in provenance(ComplaintRules)} >= {"price_concession_cap", "hours.periods"}


def test_an_unmarked_field_is_reported() -> None:
    """A new field without a mark shows as unmarked, so the first test fails on it."""

    @attrs.frozen
    class Section:
        marked: int = assumed(1, why="a test")
        quoted: int = documented(2, seed="002", passage="硬件档案(重要性20%)")
        plain: int = 3

    marks: dict[str, Any] = {s.key: s.source for s in provenance(Section)}
    assert marks == {"marked": "assumption", "quoted": "documents", "plain": "unmarked"}
    assert attrs.fields(Section).quoted.metadata["provenance"] == {
        "source": "documents",
        "seed": "002",
        "passage": "硬件档案(重要性20%)",
    }


def test_docs_table_is_current() -> None:
    """docs/playbook.md holds the table tools/playbook_table.py writes."""
    page = PAGE.read_text(encoding="utf-8")
    assert page == rewritten(page), "run python tools/playbook_table.py"


def test_docs_example_runs() -> None:
    """The provenance example of docs/playbook.md runs as written."""
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    example = [code for code in blocks if "provenance(Playbook)" in code]
    assert example
    exec(compile(example[0], "docs/playbook.md", "exec"), {})
