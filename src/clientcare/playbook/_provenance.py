"""Where each playbook default comes from: the documents, or an assumption (issue 17).

Every setting with a default carries field metadata
``{"provenance": {"source": "documents", "seed": "003", "passage": "…"}}`` (the
seed's first three digits and a passage that occurs in that seed's text) or
``{"provenance": {"source": "assumption", "why": "…"}}``. :func:`documented`
and :func:`assumed` write that metadata; :func:`provenance` walks
:class:`~clientcare.playbook.Playbook` and lists every setting with its mark,
so the library says where the documents are silent rather than inventing.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import attrs

__all__ = ["Setting", "assumed", "documented", "provenance"]


def documented(default: Any = attrs.NOTHING, *, seed: str, passage: str, **kwargs: Any) -> Any:
    """An ``attrs.field`` whose default follows ``passage`` of seed ``seed`` (``"000"`` … ``"004"``)."""
    mark = {"provenance": {"source": "documents", "seed": seed, "passage": passage}}
    return attrs.field(default=default, metadata=mark, **kwargs)


def assumed(default: Any = attrs.NOTHING, *, why: str, **kwargs: Any) -> Any:
    """An ``attrs.field`` whose default is an assumption: the documents give none, and ``why`` says so."""
    return attrs.field(default=default, metadata={"provenance": {"source": "assumption", "why": why}}, **kwargs)


@attrs.frozen(kw_only=True)
class Setting:
    """One playbook setting and where its default comes from.

    ``key`` is the dotted TOML key (``complaints.price_concession_cap``; rows
    of a list read ``assessment.forms[].terminate_below``). ``source`` is
    ``documents`` (with ``seed`` and ``passage``), ``assumption`` (with
    ``why``) or ``unmarked`` (a setting nobody marked yet: a test fails on it).
    """

    key: str
    default: str
    source: str
    seed: str = ""
    passage: str = ""
    why: str = ""


def _section(field: attrs.Attribute[Any], kind: Any) -> type | None:
    """The settings class of a nested section: its default is simply that class's own defaults."""
    default: Any = field.default
    if isinstance(kind, type) and attrs.has(kind) and getattr(default, "factory", None) is kind:
        return kind
    return None


def _element_class(kind: Any) -> type | None:
    """The attrs class of the items of a ``tuple[X, ...]`` setting, if any."""
    if typing.get_origin(kind) is tuple:
        args = [a for a in typing.get_args(kind) if a is not Ellipsis]
        if len(args) == 1 and isinstance(args[0], type) and attrs.has(args[0]):
            return args[0]
    return None


def _show(value: Any) -> str:
    """A short rendering of a default for the docs' table."""
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        value = value.factory()
    if isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items()) or "{}"
    elif isinstance(value, tuple) and value and attrs.has(type(value[0])):
        text = f"{len(value)} {type(value[0]).__name__} rows"
    elif attrs.has(type(value)):
        text = ", ".join(f"{k}={v}" for k, v in attrs.asdict(value, recurse=False).items())
    elif isinstance(value, tuple):
        text = ", ".join(str(v) for v in value) or "()"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _walk(cls: type, prefix: str, seen: set[type]) -> Iterator[Setting]:
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        kind = hints.get(field.name)
        key = f"{prefix}{field.name}"
        section = _section(field, kind)
        if section is not None:
            yield from _walk(section, f"{key}.", seen)
            continue
        element = _element_class(kind)
        if field.default is not attrs.NOTHING:
            mark = field.metadata.get("provenance", {})
            yield Setting(
                key=key,
                default=_show(field.default),
                source=str(mark.get("source", "unmarked")),
                seed=str(mark.get("seed", "")),
                passage=str(mark.get("passage", "")),
                why=str(mark.get("why", "")),
            )
        if element is not None and element not in seen:
            seen.add(element)
            yield from _walk(element, f"{key}[].", seen)


def provenance(cls: type) -> list[Setting]:
    """Every setting of ``cls`` (``Playbook``, or one section) with its mark, in declaration order.

    Fields without a default (a gift's code, an indicator's key) are the
    tenant's to give and are not listed; the list settings that hold them
    (``points.gifts``) are.
    """
    return list(_walk(cls, "", set()))
