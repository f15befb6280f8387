"""The composition root: the one place that wires adapters to the core.

Import-linter treats this module as the outermost layer; the adapters it
needs are loaded when :func:`connect` is called, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Literal

from clientcare.app import Clientcare
from clientcare.assessments import AssessmentSources
from clientcare.cadences import CadencePorts
from clientcare.errors import ConfigurationError
from clientcare.playbook import Playbook
from clientcare.ports import Backend, Clock, IdGenerator, RoleSource

__all__ = ["BackendFactory", "connect", "open_backend", "register_backend", "scheme_of"]


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


def connect(
    url: str,
    tenant: str,
    *,
    clock: Clock | None = None,
    playbook: Playbook | None = None,
    cadence_ports: CadencePorts | None = None,
    assessment_sources: AssessmentSources | None = None,
    ids: IdGenerator | None = None,
    unsubscribe_secret: str | None = None,
    roles: RoleSource | None = None,
    migrate: Literal["auto", "verify", "off"] = "auto",
    **options: Any,
) -> Clientcare:
    """Open clientcare on ``url`` for ``tenant`` and return the facade.

    ``memory://`` keeps everything in the process; ``sqlite:///care.db``,
    ``postgresql+psycopg://…`` and ``mysql+pymysql://…`` use the SQL adapter
    (``pip install clientcare[sql]``). ``clock`` defaults to the system
    clock; ``options`` go to the backend (for example ``engine=`` to reuse
    an embedder's SQLAlchemy engine). ``cadence_ports`` and
    ``assessment_sources`` wire the embedder's own knowledge (a staff roster,
    payment punctuality from the ERP); the objects given are never changed.
    ``ids`` gives new aggregates their ids (random by default). ``roles`` is
    the embedder's record of who holds which role: where given, the role on
    every :class:`clientcare.Actor` that grants, approves or confirms (complaints,
    assessments) is checked against it.
    ``unsubscribe_secret`` signs unsubscribe links (else the playbook's ``[shop]`` one).

    ``migrate`` says what happens to a SQL schema: ``"auto"`` upgrades it to
    the newest migration under a database lock (processes starting together
    are safe; an embedder's ``engine=`` is upgraded only with
    ``upgrade=True``), ``"verify"`` raises ConfigurationError unless it is
    there already, ``"off"`` leaves it alone. Memory has no schema.
    """
    if migrate not in ("auto", "verify", "off"):
        raise ConfigurationError("migrate: must be one of auto, verify, off")
    if migrate != "auto":
        options["migrate"] = migrate
    backend = open_backend(url, **options)
    if clock is None:
        # Imported here so that `import clientcare` loads no adapter.
        from clientcare.adapters.clock import SystemClock  # noqa: PLC0415

        clock = SystemClock()
    return Clientcare(
        backend,
        tenant,
        clock=clock,
        playbook=playbook,
        cadence_ports=cadence_ports,
        assessment_sources=assessment_sources,
        ids=ids,
        unsubscribe_secret=unsubscribe_secret,
        roles=roles,
    )
