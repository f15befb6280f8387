"""Write docs/procedures.md: each procedure of PROCEDURES.md, the passages it follows and its scenarios.

The passages are the ``# seed NNN: …`` comments of the scenarios tagged with
the procedure (issue 17: each scenario quotes the passage it follows).

Run from the project root: ``python tools/procedures.py [path/to/PROCEDURES.md]``
(default ``../shared/PROCEDURES.md``). tests/test_procedures.py checks that
every procedure listed in docs/procedures.md still has a tagged scenario.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tagged() -> dict[str, list[tuple[str, str]]]:
    """Procedure id -> (feature file, scenario title) for every tagged scenario."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for feature in sorted((ROOT / "features").glob("*.feature")):
        tags: list[str] = []
        for line in feature.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                tags = re.findall(r"@(P\d\d)", stripped)
            elif stripped.startswith(("Scenario:", "Scenario Outline:")):
                title = stripped.split(":", 1)[1].strip()
                for tag in tags:
                    found[tag].append((feature.name, title))
                tags = []
    return found


def passages() -> dict[str, list[str]]:
    """Procedure id -> the seed passages quoted by its scenarios (``# seed NNN: …``), in order, once each."""
    found: dict[str, list[str]] = defaultdict(list)
    for feature in sorted((ROOT / "features").glob("*.feature")):
        pending: list[str] = []
        current: list[str] = []  # the tags of the scenario whose lines are being read
        for line in feature.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                pending = re.findall(r"@(P\d\d)", stripped)
            elif stripped.startswith(("Scenario:", "Scenario Outline:")):
                current, pending = pending, []
            elif stripped.startswith(("Feature:", "Background:", "Rule:")):
                current, pending = [], []
            quote = re.match(r"#\s*(seed \d{3}:.*)", stripped)
            if quote:
                text = quote.group(1).replace("|", "\\|").strip()
                for tag in current:
                    if text not in found[tag]:
                        found[tag].append(text)
    return found


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "PROCEDURES.md"
    procedures = re.findall(r"\*\*(P\d\d) ([^*]+)\*\*", source.read_text(encoding="utf-8"))
    scenarios = tagged()
    quoted = passages()
    lines = [
        "# Procedures and where they live",
        "",
        "Each procedure of the source documents (numbered as in the project's",
        "procedure catalogue), the passages of the documents its scenarios quote",
        "(— where no scenario quotes one yet) and the Gherkin scenarios tagged with",
        "its id. Regenerate with `python tools/procedures.py`; `tests/test_procedures.py`",
        "keeps it true. The playbook keys each procedure reads are in docs/playbook.md",
        "and the area's page (docs/complaints.md, docs/cadences.md, …).",
        "",
        "| id | procedure | passages | scenarios |",
        "| --- | --- | --- | --- |",
    ]
    for pid, title in procedures:
        cells = "<br>".join(f"`{f}`: {t}" for f, t in scenarios.get(pid, [])) or "—"
        quotes = "<br>".join(quoted.get(pid, [])) or "—"
        lines.append(f"| {pid} | {title.strip().rstrip('.')} | {quotes} | {cells} |")
    (ROOT / "docs" / "procedures.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
