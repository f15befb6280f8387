"""Greeting and briefing texts: TOML templates per locale, overridable per tenant.

The shipped texts live in ``clientcare/locales/<locale>.toml`` (``zh-CN``,
``en``); a tenant's playbook may override any of them under
``cadences.templates.<locale>.<template>``. Placeholders use ``$name``
syntax (:class:`string.Template`); unknown placeholders stay as written.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from string import Template

from clientcare.playbook import Playbook

__all__ = ["Texts", "locale_of"]


def locale_of(language: str) -> str:
    """``zh-CN`` for the playbook's ``zh_CN``: locale files use BCP 47 tags."""
    return language.replace("_", "-")


@functools.cache
def _shipped(locale: str) -> dict[str, dict[str, str]]:
    try:
        text = resources.files("clientcare").joinpath("locales", f"{locale}.toml").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    data = tomllib.loads(text)
    return {k: {f: str(v) for f, v in fields.items()} for k, fields in data.items() if isinstance(fields, dict)}


class Texts:
    """The texts in force for one tenant: its overrides, then the shipped files."""

    def __init__(self, playbook: Playbook) -> None:
        self._locale = locale_of(playbook.locale.language)
        self._overrides = playbook.cadences.templates

    @property
    def locale(self) -> str:
        """The tenant's locale tag (``zh-CN``)."""
        return self._locale

    def raw(self, template: str, part: str, locale: str | None = None) -> str:
        """The unrendered text of ``template``'s ``part`` (``subject``, ``body``, ``brief``)."""
        chosen = locale or self._locale
        for loc in (chosen, chosen.split("-")[0], "en"):
            text = self._overrides.get(loc, {}).get(template, {}).get(part)
            if text is None:
                text = _shipped(loc).get(template, {}).get(part)
            if text is not None:
                return text
        return template

    def render(self, template: str, part: str, **values: object) -> str:
        """The text in the tenant's locale with ``$placeholders`` filled in."""
        return Template(self.raw(template, part)).safe_substitute({k: str(v) for k, v in values.items()})
