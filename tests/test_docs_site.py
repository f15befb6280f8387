"""The documentation site covers the public API, and no Python block escapes the executed pages.

`make docs` builds the site with ``mkdocs build --strict``; these checks hold
what --strict cannot see: a package left out of the reference, a public name
without a docstring (mkdocstrings then renders nothing for it), a Python block
on a page that conftest.py's Sybil does not collect.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every package whose __all__ is public API, each with its page under docs/reference/.
PUBLIC_PACKAGES = [
    "clientcare.adapters.clock",
    "clientcare.adapters.memory",
    "clientcare.adapters.notifiers",
    "clientcare.adapters.relays",
    "clientcare.adapters.sqlalchemy",
    "clientcare.analytics",
    "clientcare.assessments",
    "clientcare.cadences",
    "clientcare.campaigns",
    "clientcare.complaints",
    "clientcare.customers",
    "clientcare.errors",
    "clientcare.events",
    "clientcare.kernel",
    "clientcare.loyalty",
    "clientcare.playbook",
    "clientcare.ports",
    "clientcare.purchases",
    "clientcare.reports",
    "clientcare.serialization",
    "clientcare.testing",
]


def _reference_targets() -> set[str]:
    found: set[str] = set()
    for page in (ROOT / "docs" / "reference").glob("*.md"):
        found.update(re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), re.M))
    return found


def test_every_public_package_and_the_facade_have_a_reference_page() -> None:
    """A package, the facade and connect each appear in a ``:::`` directive of docs/reference."""
    missing = set(PUBLIC_PACKAGES) | {"clientcare.Clientcare", "clientcare.connect"}
    assert missing - _reference_targets() == set()


def _undocumented(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    found = []
    for name in module.__all__:
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if not (value.__doc__ or "").strip():
            found.append(name)
        if inspect.isclass(value):
            for member, attribute in vars(value).items():
                function = attribute.fget if isinstance(attribute, property) else attribute
                if not member.startswith("_") and inspect.isfunction(function) and not (function.__doc__ or "").strip():
                    found.append(f"{name}.{member}")
    return found


@pytest.mark.parametrize("module_name", PUBLIC_PACKAGES)
def test_public_names_have_docstrings(module_name: str) -> None:
    """Every class and function in ``__all__``, and their public methods, say what they do."""
    assert _undocumented(module_name) == []


def test_python_blocks_live_only_on_pages_sybil_runs() -> None:
    """Sybil collects README.md and docs/*.md; a Python block anywhere else in docs/ would never run."""
    elsewhere = [
        str(page.relative_to(ROOT))
        for page in (ROOT / "docs").rglob("*.md")
        if page.parent != ROOT / "docs" and "```python" in page.read_text(encoding="utf-8")
    ]
    assert elsewhere == []


def test_the_documented_wheel_install_is_what_ci_runs() -> None:
    """docs/index.md's "From a built wheel" and tools/wheel_check.sh install the same extras and run the same steps."""
    page = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    check = (ROOT / "tools" / "wheel_check.sh").read_text(encoding="utf-8")
    documented = re.findall(r"\.whl(\[[\w,]+\])", page)
    assert documented and set(documented) == set(re.findall(r"\$\{wheel\}(\[[\w,]+\])", check))
    for step in ("-m build", "-m venv", "demo.py", "db current --url"):
        assert step in page and step in check, step
