"""The composition root: the one place that wires adapters to the core.

Import-linter treats this module as the outermost layer; the adapters it
needs are loaded when :func:`connect` is called, never at import time.
"""

from __future__ import annotations

from typing import Any

from clientcare._app import Clientcare
from clientcare._registry import open_backend
from clientcare.playbook import Playbook
from clientcare.ports import Clock

__all__ = ["connect"]


def connect(
    url: str,
    tenant: str,
    *,
    clock: Clock | None = None,
    playbook: Playbook | None = None,
    **options: Any,
) -> Clientcare:
    """Open clientcare on ``url`` for ``tenant`` and return the facade.

    ``memory://`` keeps everything in the process; ``sqlite:///care.db``,
    ``postgresql+psycopg://…`` and ``mysql+pymysql://…`` use the SQL adapter
    (``pip install clientcare[sql]``). ``clock`` defaults to the system
    clock; ``options`` go to the backend (for example ``engine=`` to reuse
    an embedder's SQLAlchemy engine).
    """
    backend = open_backend(url, **options)
    if clock is None:
        # Imported here so that `import clientcare` loads no adapter.
        from clientcare.adapters.clock import SystemClock  # noqa: PLC0415

        clock = SystemClock()
    return Clientcare(backend, tenant, clock=clock, playbook=playbook)
