"""Greeting and briefing texts: TOML templates per locale, overridable per tenant.

The shipped texts live in ``clientcare/locales/<locale>.toml`` (``zh-CN``,
``en``); a tenant's playbook may override any of them under
``cadences.templates.<locale>.<template>``.

Staff briefs use ``$name`` placeholders (:class:`string.Template`; unknown
ones stay as written). Messages to customers (``subject``, ``text``,
``html``) are Jinja2 templates rendered in an immutable sandbox, HTML with
autoescape, so neither a customer's name nor a tenant's template can run
code or reach Python internals; ``$name`` there is shorthand for
``{{ name }}``. The filters ``money``, ``number``, ``date`` and
``datetime`` format with Babel in the tenant's locale, currency and zone.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from clientcare.errors import ValidationError
from clientcare.kernel._values import Money
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
        settings = playbook.locale
        self._formats = (settings.language, settings.currency, settings.timezone)

    @property
    def locale(self) -> str:
        """The tenant's locale tag (``zh-CN``)."""
        return self._locale

    def raw(self, template: str, part: str, locale: str | None = None) -> str:
        """The unrendered text of ``template``'s ``part`` (``subject``, ``body``, ``brief``)."""
        return self.find(template, part, locale) or template

    def find(self, template: str, part: str, locale: str | None = None) -> str | None:
        """The unrendered text of ``template``'s ``part``, or None where no locale has one."""
        chosen = locale or self._locale
        for loc in (chosen, chosen.split("-")[0], "en"):
            text = self._overrides.get(loc, {}).get(template, {}).get(part)
            if text is None:
                text = _shipped(loc).get(template, {}).get(part)
            if text is not None:
                return text
        return None

    def message(self, source: str, values: Mapping[str, object], *, html: bool, name: str) -> str:
        """``source`` (a message template) rendered in the sandbox with ``values``.

        ``html`` escapes every value; ``name`` names the template in errors.
        A template that tries to leave the sandbox or does not parse is a
        :class:`~clientcare.errors.ValidationError` on ``template``.
        """
        try:
            return _compiled(*self._formats, html, source).render(dict(values))
        except SecurityError:
            raise ValidationError("template", "reaches outside the sandbox", name) from None
        except jinja2.TemplateSyntaxError:
            raise ValidationError("template", "is not a valid template", name) from None
        except jinja2.TemplateError:
            raise ValidationError("template", "could not be rendered", name) from None

    def render(self, template: str, part: str, **values: object) -> str:
        """The text in the tenant's locale with ``$placeholders`` filled in."""
        return Template(self.raw(template, part)).safe_substitute({k: str(v) for k, v in values.items()})


_DOLLAR = re.compile(r"\$(\$|[A-Za-z_][A-Za-z0-9_]*)")


def _jinja_source(source: str) -> str:
    # $name (the briefs' syntax, kept for tenants' older texts) means {{ name }}; $$ is a dollar sign.
    return _DOLLAR.sub(lambda m: "$" if m.group(1) == "$" else "{{ " + m.group(1) + " }}", source)


def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _filters(language: str, currency: str, zone: str) -> dict[str, Callable[..., str]]:
    locale = _babel_locale(language)
    tz = ZoneInfo(zone)

    def money(value: object, code: str | None = None) -> str:
        if isinstance(value, Money):
            return str(format_currency(value.amount, value.currency, locale=locale))
        return str(format_currency(Decimal(str(value)), code or currency, locale=locale))

    def number(value: object, pattern: str | None = None) -> str:
        return str(format_decimal(Decimal(str(value)), format=pattern, locale=locale))

    def day(value: object, form: str = "long") -> str:
        if isinstance(value, datetime):
            value = value.astimezone(tz).date()
        found = _as_date(value)
        return str(format_date(found, format=form, locale=locale)) if found is not None else str(value)

    def moment(value: object, form: str = "medium") -> str:
        if not isinstance(value, datetime):
            return str(value)
        return str(format_datetime(value, format=form, tzinfo=tz, locale=locale))

    return {"money": money, "number": number, "date": day, "datetime": moment}


class _Undefined(jinja2.Undefined):
    """A missing value prints as nothing; a value the sandbox withheld raises, so the attempt is seen."""

    def __str__(self) -> str:
        if self._undefined_exception is SecurityError:
            self._fail_with_undefined_error()
        return ""


@functools.cache
def _environment(language: str, currency: str, zone: str, *, html: bool) -> jinja2.Environment:
    # Immutable sandbox: no attribute starting with "_", no unsafe callables, no
    # mutation of lists or dicts from a template; autoescape for HTML only.
    env = ImmutableSandboxedEnvironment(autoescape=html, undefined=_Undefined)
    filters: dict[str, Any] = dict(_filters(language, currency, zone))
    env.filters.update(filters)
    return env


@functools.lru_cache(maxsize=512)
def _compiled(language: str, currency: str, zone: str, html: bool, source: str) -> jinja2.Template:
    # Compiling is the costly part of rendering; a dispatch round reuses a handful of templates.
    return _environment(language, currency, zone, html=html).from_string(_jinja_source(source))
