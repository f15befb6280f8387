"""The ``clientcare`` command line (``pip install clientcare[cli,sql]``).

Every command takes the database as ``--url`` (or ``CLIENTCARE_URL``) and,
where it reads or writes a tenant's data, the tenant as ``--tenant`` (or
``CLIENTCARE_TENANT``). Commands that read answer as a table, or as JSON with
``--json``. Errors are one line naming the field and the rule, with the exit
codes of docs/cli.md; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

from clientcare.cli._main import app, main

__all__ = ["app", "main"]
