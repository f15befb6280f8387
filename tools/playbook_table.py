"""Write the provenance table of docs/playbook.md: every setting, its default, where it comes from.

The table sits between ``<!-- provenance:start -->`` and ``<!-- provenance:end -->``
and is generated from the marks on the playbook's fields
(``clientcare.playbook.provenance``). Run from the project root:
``python tools/playbook_table.py``; tests/test_playbook_provenance.py checks
that the page holds what this would write.
"""

from __future__ import annotations

from pathlib import Path

from clientcare.playbook import Playbook, Setting, provenance

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "playbook.md"
START, END = "<!-- provenance:start -->", "<!-- provenance:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _source(setting: Setting) -> str:
    if setting.source == "documents":
        return f"documents: seed {setting.seed} 「{_cell(setting.passage)}」"
    if setting.source == "assumption":
        return f"assumption: {_cell(setting.why)}"
    return "unmarked"


def table() -> str:
    """The Markdown table of every playbook setting, in declaration order."""
    lines = ["| setting | default | source |", "| --- | --- | --- |"]
    for setting in provenance(Playbook):
        default = _cell(setting.default) or "(empty)"
        lines.append(f"| `{setting.key}` | `{default}` | {_source(setting)} |")
    return "\n".join(lines)


def rewritten(page: str) -> str:
    """``page`` with the table between the markers replaced by the current one."""
    head, _, rest = page.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> None:
    PAGE.write_text(rewritten(PAGE.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
