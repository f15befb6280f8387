"""Write the relayed events' JSON Schemas to docs/events/ and their table into docs/events.md.

Run after changing an event: ``.venv/bin/python tools/event_schemas.py``;
tests/test_event_schemas.py fails while the files differ from the classes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clientcare.adapters.relays._schemas import event_classes, event_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "events"
DOC = ROOT / "docs" / "events.md"
BEGIN, END = "<!-- schemas:begin -->", "<!-- schemas:end -->"


def rendered() -> dict[Path, str]:
    """Every schema file's text, and the doc with its generated table."""
    files = {
        SCHEMAS / f"{cls.__name__}.json": json.dumps(event_schema(cls), ensure_ascii=False, indent=2) + "\n"
        for cls in event_classes()
    }
    rows = [
        f"| `{cls.__name__}` | [{cls.__name__}.json](events/{cls.__name__}.json) |"
        f" {' '.join((cls.__doc__ or '').split()).split('. ')[0].rstrip('.')} |"
        for cls in event_classes()
    ]
    table = "\n".join([BEGIN, "| event | schema | what happened |", "|---|---|---|", *rows, END])
    doc = DOC.read_text(encoding="utf-8")
    files[DOC] = doc[: doc.index(BEGIN)] + table + doc[doc.index(END) + len(END) :]
    return files


def main() -> int:
    """Write what differs; print each file written."""
    SCHEMAS.mkdir(exist_ok=True)
    for path, text in rendered().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
