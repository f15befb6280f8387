"""Finds the storage adapter for a URL without the core importing adapters.

Adapters announce themselves as entry points in the ``clientcare.backends``
group (the way SQLAlchemy finds its dialects); ``register_backend`` adds one at
run time, for an embedder's own adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from clientcare.errors import ConfigurationError
from clientcare.ports import Backend

__all__ = ["BackendFactory", "open_backend", "register_backend", "scheme_of"]

BackendFactory = Callable[..., Backend]

_registered: dict[str, BackendFactory] = {}

_EXTRAS = {"sqlite": "sql", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def scheme_of(url: str) -> str:
    """``postgresql`` for ``postgresql+psycopg://…``: the part before ``+`` and ``:``."""
    if "://" not in url and not url.startswith("sqlite:"):
        raise ConfigurationError(
            f"url: not a database URL (expected scheme://…), got scheme-less text of {len(url)} chars"
        )
    return url.split(":", 1)[0].split("+", 1)[0].lower()


def register_backend(scheme: str, factory: BackendFactory) -> None:
    """Make ``connect("scheme://…")`` call ``factory(url, **options)``."""
    _registered[scheme.lower()] = factory


def open_backend(url: str, **options: Any) -> Backend:
    """The backend for ``url``, from registered factories or entry points."""
    scheme = scheme_of(url)
    factory = _registered.get(scheme)
    if factory is None:
        found = [ep for ep in entry_points(group="clientcare.backends") if ep.name == scheme]
        if not found:
            known = sorted({ep.name for ep in entry_points(group="clientcare.backends")} | set(_registered))
            raise ConfigurationError(f"url: no backend for scheme {scheme!r} (known: {', '.join(known) or 'none'})")
        try:
            factory = found[0].load()
        except ImportError as exc:
            extra = _EXTRAS.get(scheme, "sql")
            raise ConfigurationError(
                f"url: the {scheme!r} backend needs an optional dependency ({exc.name}); install clientcare[{extra}]"
            ) from None
        _registered[scheme] = factory
    return factory(url, **options)
